//! What to change when a run stops for want of precision, steps or budget: the setting, with the
//! value to try, taken from the problem's own arithmetic and precision. The integrators say *why*
//! they stopped (`UndecidedReason`); only the binary knows the problem file's keys and flags.

use reluflow_flow::UndecidedReason;
use reluflow_model::{Arithmetic, MAX_PRECISION, ModelKind, Problem, Solution};

/// The precision to suggest after a run at `arithmetic`/`precision` ran out of it, or why no
/// more can be had.
fn more_precision(problem: &Problem) -> String {
    let run = problem.run();
    match run.arithmetic {
        Arithmetic::Interval => {
            "use arithmetic = \"mpfr-interval\" with precision = 128 (or more): f64 intervals carry 53 bits".to_string()
        }
        Arithmetic::MpfrInterval if run.precision < MAX_PRECISION => format!(
            "raise run.precision from {} to {} bits (each doubling costs about 2–3× the time)",
            run.precision,
            (run.precision.saturating_mul(2)).min(MAX_PRECISION)
        ),
        Arithmetic::MpfrInterval => format!(
            "the precision this run needs cannot be reached: run.precision is at its maximum of {MAX_PRECISION} \
             bits; shorten run.t_end, or move the data away from the degenerate configuration"
        ),
        Arithmetic::F64 | Arithmetic::Mpfr => "a point run certifies nothing; no precision setting applies".to_string(),
    }
}

/// The setting to change for `reason` in a run of `problem` (`None` where the reason is about the
/// flow itself, such as sliding or a non-unique start, and no setting changes it).
pub fn of(reason: &UndecidedReason, problem: &Problem) -> Option<String> {
    match reason {
        UndecidedReason::PrecisionExhausted { .. } => Some(more_precision(problem)),
        UndecidedReason::StepUnderflow => {
            Some(format!("the step size fell below its floor: {}, or set a higher run.order", more_precision(problem)))
        }
        UndecidedReason::Sliding { .. }
            if problem.model() == ModelKind::TwoLayer && problem.solution() == Solution::Fixed =>
        {
            Some(
                "with σ'(0) fixed the flow has no solution past this time; the paper's Clarke flow continues along \
                 the surface: set [run] solution = \"clarke\""
                    .to_string(),
            )
        }
        UndecidedReason::Grazing { .. } => Some(format!(
            "if the trajectory crosses, or misses, by less than the enclosures resolve, more precision decides it: {}",
            more_precision(problem)
        )),
        UndecidedReason::SimultaneousSwitches { .. } => Some(format!(
            "if the two switches are distinct but closer than the enclosures resolve, more precision separates \
             them: {}",
            more_precision(problem)
        )),
        UndecidedReason::Budget { what } if what.contains("guard classifications") => Some(format!(
            "crossings closer than the arithmetic resolves use up the classifications: {}",
            more_precision(problem)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(run: &str) -> Problem {
        let src = format!(
            "model = \"single-neuron\"\n[data]\nx = [[1, 0]]\ny = [1]\n[init]\nw = [1, 1]\n[run]\nt_end = 1\n{run}\n"
        );
        crate::spec::parse("p.toml", &src).expect("a valid problem")
    }

    #[test]
    fn precision_advice_follows_the_arithmetic() {
        let exhausted = UndecidedReason::PrecisionExhausted { width: 1.0 };
        let f64_iv = of(&exhausted, &problem("arithmetic = \"interval\"")).unwrap();
        assert!(f64_iv.contains("arithmetic = \"mpfr-interval\" with precision = 128"), "{f64_iv}");
        let mp = of(&exhausted, &problem("arithmetic = \"mpfr-interval\"\nprecision = 256")).unwrap();
        assert!(mp.contains("from 256 to 512 bits"), "{mp}");
        let top = problem(&format!("arithmetic = \"mpfr-interval\"\nprecision = {MAX_PRECISION}"));
        let at_max = of(&exhausted, &top).unwrap();
        assert!(at_max.contains("cannot be reached") && at_max.contains("run.t_end"), "{at_max}");
        let budget = UndecidedReason::Budget { what: "4000 guard classifications in one pattern".into() };
        assert!(of(&budget, &top).unwrap().contains("cannot be reached"));
    }

    #[test]
    fn a_fixed_two_layer_run_that_slides_is_pointed_to_the_clarke_flow() {
        let src = "model = \"two-layer\"\n[data]\nx = [[1, 0]]\ny = [1]\n[init]\nw = [[1, 1]]\na = [1]\n[run]\nt_end = 1\narithmetic = \"interval\"\n";
        let fixed = crate::spec::parse("p.toml", src).unwrap();
        let sliding = UndecidedReason::Sliding { neuron: 0, point: 0 };
        assert!(of(&sliding, &fixed).unwrap().contains("solution = \"clarke\""));
        let clarke = crate::spec::parse("p.toml", &src.replace("[run]\n", "[run]\nsolution = \"clarke\"\n")).unwrap();
        assert_eq!(of(&sliding, &clarke), None);
    }

    #[test]
    fn reasons_about_the_flow_name_no_setting() {
        let p = problem("arithmetic = \"interval\"");
        assert_eq!(of(&UndecidedReason::Sliding { neuron: 0, point: 1 }, &p), None);
        assert_eq!(of(&UndecidedReason::Interrupted, &p), None);
        let wall = UndecidedReason::Budget { what: "the wall-clock time limit of 5 s".into() };
        assert_eq!(of(&wall, &p), None);
    }
}
