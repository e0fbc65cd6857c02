//! CEL Theorem 6 (`cel.thm6`) and the certified enclosure of δ (`cel_delta`): on a validated
//! two-layer run, on mutated runs, and Assumption 2 certified true for an astronomically small λ.

mod common;

use common::q;
use reluflow_arith::{Interval, MpInterval, Scalar};
#[allow(unused_imports)]
use reluflow_arith::Enclosure;
use reluflow_check::*;
use reluflow_flow::Trajectory;
use reluflow_model::*;

fn problem(scale: &str, t_end: &str) -> Problem {
    let x = vec![vec![q("1"), q("0.2")], vec![q("1"), q("-0.3")]];
    let data = Data::new(x, Labels::Teacher(vec![q("1"), q("0")])).unwrap();
    let init = Init::Balanced {
        scale: q(scale),
        z: vec![vec![q("0.5"), q("1")], vec![q("1"), q("0.1")], vec![q("0.8"), q("-0.6")]],
        s: vec![1, -1, 1],
    };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

#[test]
fn delta_is_enclosed() {
    let p = problem("1e-3", "1");
    let d = reluflow_check::cel_delta::delta::<MpInterval>(&p, &128).unwrap();
    println!("δ ∈ [{}, {}] ({}), Δ ≈ {}", d.value.lower_f64(), d.value.upper_f64(), d.smallest, d.big.approx_f64());
    assert!(d.value.certainly_pos());
}

#[test]
fn assumption2_is_certified_true_for_an_astronomically_small_scale() {
    let sel = Selection { ids: vec!["cel.assumption2".into()], ..Selection::default() };
    let r = check_static::<MpInterval>(&problem("1e-200000", "1"), &128, &sel).rows.remove(0);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    let r = check_static::<MpInterval>(&problem("1e-3", "1"), &128, &sel).rows.remove(0);
    assert!(r.conclusion.is_violated(), "{}", r.conclusion);
}

fn row(p: &Problem, t: &Trajectory<Interval>, refine: u32) -> Row<Interval> {
    let mut sel = Selection { ids: vec!["cel.thm6".into()], ..Selection::default() };
    sel.params.refine = refine;
    check(p, t, &sel).rows.remove(0)
}

#[test]
fn thm6_on_a_validated_run() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    let p = problem("1e-3", "20");
    let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let r = row(&p, &t, 8);
    println!("{} {}\n{:?}", r.status.name(), r.conclusion, r.notes);
    // Holds as a certified fact about this run (λ = 10⁻³: Assumption 2 is certainly false, so the
    // row is not a test of the theorem; see the note).
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Holds);
    assert!(r.notes.iter().any(|n| n.starts_with("T2 ∈")), "{:?}", r.notes);
    let a2 = r.hypotheses.iter().find(|h| h.id == "cel.assumption2").unwrap();
    assert!(a2.truth.is_false(), "{}", a2.truth);
    // Mutated: a J+ neuron with huge weights at the end of the last segment (t = 20 > T2).
    let mut m = t.clone();
    let last = m.segments.len() - 1;
    let big = |v: f64| Interval::try_from((v, v)).unwrap();
    m.segments[last].end.w[0] = vec![big(10.0), big(10.0)];
    m.segments[last].end.a.as_mut().unwrap()[0] = big(10.0);
    let r = row(&p, &m, 0);
    assert!(r.conclusion.is_violated() && r.conclusion.to_string().contains("L(θ^t)"), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Vacuous, "Assumption 2 is certainly false at λ = 10⁻³");
    // Too wide: the bundle of every hull after T1 blurred, so ν_1/ν_1* ≥ 1/2 is never certified.
    let mut w = t.clone();
    for s in &mut w.segments {
        s.hull.w[0] = vec![Interval::try_from((-5.0, 5.0)).unwrap(); 2];
        s.end.w[0] = vec![Interval::try_from((-5.0, 5.0)).unwrap(); 2];
    }
    assert!(row(&p, &w, 0).conclusion.is_undecided());
}
