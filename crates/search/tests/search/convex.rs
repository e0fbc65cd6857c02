//! "After the last event the loss is convex in t", a lemma of one's own with a second derivative:
//! checked through the library API as a Rust [`Invariant`] and as a lemma string, with the same
//! verdict, on both models.

use reluflow_arith::{Interval, Scalar};
use reluflow_check::lemma::{Invariant, Lemma, View};
use reluflow_check::sweep::positive_length;
use reluflow_check::{Proof, RowStatus, Verdict};
use reluflow_model::*;
use reluflow_search::{check_invariant_on, check_lemma_on};

const TEXT: &str = "after the last event: d2/dt2 loss >= 0";

/// The same claim in Rust: `L̈ ≥ 0` on every segment of the final activation pattern, from the
/// instance's field (`Inst::velocity`) and second derivative of the loss (`Inst::loss_accel`).
struct LossConvexAfterLastEvent;

impl Invariant<Interval> for LossConvexAfterLastEvent {
    fn name(&self) -> String {
        "loss-convex-after-last-event".into()
    }
    fn verdict(&self, v: &View<'_, Interval>) -> Verdict<Interval> {
        let (traj, cov) = (v.trajectory, v.coverage);
        if let Some(why) = &cov.incomplete {
            return Verdict::undecided(format!("the last event is not known: {why}"));
        }
        // The final pattern's segments (the coverage is complete, so no event follows them).
        let from = cov.final_pattern_start(traj);
        let mut unknown = None;
        for &k in &cov.segs[from..] {
            let s = &traj.segments()[k];
            let vel = v.instance.velocity(s.hull(), s.pattern());
            let d2 = v.instance.loss_accel(s.hull(), s.pattern(), &vel);
            if d2.certainly_neg() && positive_length(s.t_start(), s.t_end()) {
                return Verdict::violated(cov.at(k, s), "d2/dt2 loss", Some(d2), "must be ≥ 0");
            }
            if !d2.certainly_nonneg() && unknown.is_none() {
                unknown = Some(format!("d2/dt2 loss has no certain sign on {}", cov.at(k, s)));
            }
        }
        if traj.limit().is_some() && !cov.reaches_infinity {
            return Verdict::undecided("the tail up to the limit has no segment hull");
        }
        match unknown {
            Some(why) => Verdict::undecided(why),
            None => Verdict::Holds { proof: Proof::Enclosures, range: "after the last event".into() },
        }
    }
}

fn q(s: &str) -> rug::Rational {
    reluflow_arith::exact::parse_exact(s).unwrap()
}

fn run(t_end: &str) -> RunConfig {
    RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 53 }
}

/// `examples/support-vector-reactivation.toml`: point 3 deactivates, then activates again.
fn reactivation() -> Problem {
    let x = [["0", "-2", "0"], ["7", "6", "0"], ["1", "0", "-0.3"], ["0", "0.5", "-0.1"]];
    let x = x.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect();
    let data = Data::new(x, Labels::Teacher(vec![q("0"), q("0"), q("-2")])).unwrap();
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run("8")).unwrap()
}

/// `examples/two-layer-explicit.toml` (no event: the claim is over the whole horizon, and the
/// loss is concave at first, on its plateau).
fn two_layer_explicit() -> Problem {
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("1"), q("0.5")])).unwrap();
    let init =
        Init::Explicit { w: vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.5")]], a: vec![q("0.5"), q("0.5")] };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run("4")).unwrap()
}

/// One point, one neuron of each model at a larger scale: the loss decays convexly.
fn convex_two_layer() -> Problem {
    let data = Data::new(vec![vec![q("1")]], Labels::Given(vec![q("1")])).unwrap();
    let init = Init::Explicit { w: vec![vec![q("1")]], a: vec![q("1.5")] };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfSum, data, init, run("2")).unwrap()
}

#[test]
fn the_loss_is_convex_after_the_last_event_by_the_language_and_by_rust_alike() {
    let lemma = Lemma::parse(TEXT).unwrap();
    let cases = [
        (reactivation(), RowStatus::Holds),
        (two_layer_explicit(), RowStatus::Counterexample),
        (convex_two_layer(), RowStatus::Holds),
    ];
    for (p, expected) in cases {
        let text = check_lemma_on(&p, &lemma).unwrap();
        let rust = check_invariant_on(&p, &LossConvexAfterLastEvent).unwrap();
        assert_eq!(text.status, rust.status, "{:?}: {} vs {}", p.model(), text.conclusion, rust.conclusion);
        assert_eq!(text.status, expected, "{:?}: {}", p.model(), text.conclusion);
        println!("{:?}: {}", p.model(), text.conclusion);
    }
}
