//! Soundness of the lemma checker against the 256-bit reference integrators: claims that are
//! false on the exact flow — true statements moved past the reference value by a margin far
//! larger than the enclosure widths — are never reported as holding, and the true statements
//! they come from are never reported as violated.

mod common;

use common::*;
use reluflow_arith::exact::{Dir, bound_decimal};
use reluflow_arith::{Bound, Float, Interval, Scalar, linalg};
use reluflow_check::inst::Inst;
use reluflow_check::lemma::{Lemma, check_lemma};
use reluflow_check::{RowStatus, Verdict};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify as certify_net};
use reluflow_flow::neuron::{NeuronOptions, certify, reference};
use reluflow_flow::{State, Trajectory};
use reluflow_model::*;
use rug::Rational;

const BITS: u32 = 256;

/// The exact states at `times` from one 256-bit reference run of `p`'s model.
fn reference_states(p: &Problem, times: &[Rational]) -> Vec<State<Float>> {
    let fts = times.iter().map(|t| Float::from_rational(t, &BITS));
    match p.model() {
        ModelKind::SingleNeuron => {
            let run = reference::<Float>(p, &BITS, &NeuronOptions::default()).unwrap();
            fts.map(|ft| State { w: vec![run.state_at(&ft)], a: None }).collect()
        }
        ModelKind::TwoLayer => {
            let opts = RefOptions { dense: true, ..RefOptions::for_bits(BITS) };
            let run = integrate_problem::<Float>(p, &BITS, &opts).unwrap();
            fts.map(|ft| run.state_at(&ft).unwrap()).collect()
        }
    }
}

fn two_layer_explicit() -> Problem {
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("1"), q("0.5")])).unwrap();
    let init =
        Init::Explicit { w: vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.5")]], a: vec![q("0.5"), q("0.5")] };
    let run = RunConfig { t_end: Horizon::Finite(q("4")), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn certified(p: &Problem) -> Trajectory<Interval> {
    match p.model() {
        ModelKind::SingleNeuron => certify::<Interval>(p, &(), &NeuronOptions::default()).unwrap(),
        ModelKind::TwoLayer => certify_net::<Interval>(p, &(), &ValidatedOptions::default()).unwrap(),
    }
}

/// A quantity: its text in the language and its value on a reference state.
type Quantity = (&'static str, fn(&Inst<Float>, &State<Float>) -> Float);

fn quantities(two_layer: bool) -> Vec<Quantity> {
    let mut v: Vec<Quantity> = vec![
        ("loss", |i, s| i.loss(s, None)),
        ("norm(w[0])^2", |i, s| linalg::norm_sq(&s.w[0], &i.ctx)),
        ("r[0]", |i, s| i.residuals(s, None).swap_remove(0)),
        ("dot(w[0], x[1])", |i, s| i.z(&s.w[0], 1)),
    ];
    if two_layer {
        v.push(("a[1]", |_, s| s.a.as_ref().unwrap()[1].clone()));
        v.push(("balance(0)", |i, s| s.a.as_ref().unwrap()[0].sqr().sub(&linalg::norm_sq(&s.w[0], &i.ctx))));
    }
    v
}

fn decimal(x: &Rational, dir: Dir) -> String {
    bound_decimal(&Bound::Finite(x.clone()), 40, dir)
}

#[test]
fn false_lemmas_never_hold_and_true_ones_are_never_violated() {
    let problems = [
        ("norm-growth-holds", growth_holds_problem(Horizon::Finite(q("4")))),
        ("norm-growth-fails", growth_fails_problem(Horizon::Finite(q("4")))),
        ("two-layer-explicit", two_layer_explicit()),
    ];
    let margin = Rational::from((1, 1_000_000));
    let (mut false_violated, mut false_total, mut true_held, mut true_total) = (0, 0, 0, 0);
    for (name, p) in &problems {
        let traj = certified(p);
        let inst = Inst::<Float>::new(p, &BITS);
        let times: Vec<Rational> = (0..=8).map(|k| Rational::from((k, 2))).collect();
        let states = reference_states(p, &times);
        for (text, f) in quantities(p.model() == ModelKind::TwoLayer) {
            for k in 0..times.len() - 1 {
                let (a, b) = (&times[k], &times[k + 1]);
                let v: Vec<Rational> =
                    [&states[k], &states[k + 1]].iter().map(|s| f(&inst, s).to_rational().unwrap()).collect();
                let (hi, lo) = (v[0].clone().max(v[1].clone()), v[0].clone().min(v[1].clone()));
                // False on the exact flow: at the sample time with the largest (smallest) value.
                for claim in [
                    format!("{text} <= {}", decimal(&(hi.clone() - &margin), Dir::Down)),
                    format!("{text} >= {}", decimal(&(lo.clone() + &margin), Dir::Up)),
                ] {
                    let lemma = format!("forall t in [{a}, {b}]: {claim}");
                    let row = check_lemma(p, &traj, &Lemma::parse(&lemma).unwrap()).unwrap();
                    assert_ne!(row.status, RowStatus::Holds, "{name}: `{lemma}` is false but {}", row.conclusion);
                    false_total += 1;
                    false_violated += usize::from(row.status == RowStatus::Counterexample);
                }
                // True at the sample times (the exact value lies within 1e-60 of the reference):
                // never violated there.
                for t in [a, b] {
                    let exact = f(&inst, &states[times.iter().position(|s| s == t).unwrap()]).to_rational().unwrap();
                    let claim = format!(
                        "{text} >= {} and {text} <= {}",
                        decimal(&(exact.clone() - &margin), Dir::Down),
                        decimal(&(exact + &margin), Dir::Up)
                    );
                    let lemma = format!("forall t in [{t}, {t}]: {claim}");
                    let row = check_lemma(p, &traj, &Lemma::parse(&lemma).unwrap()).unwrap();
                    assert_ne!(
                        row.status,
                        RowStatus::Counterexample,
                        "{name}: `{lemma}` is true but {}",
                        row.conclusion
                    );
                    true_total += 1;
                    true_held += usize::from(row.status == RowStatus::Holds);
                }
            }
        }
    }
    println!("false lemmas: {false_violated}/{false_total} violated; true lemmas: {true_held}/{true_total} hold");
    // The check has teeth: most perturbed lemmas get a certified witness. A claim at one instant is
    // checked on the hulls of the (refined) segments around it, so few of the true ones are
    // decided; those at t = 0 and at segment ends are.
    assert!(2 * false_violated > false_total, "{false_violated}/{false_total}");
    assert!(true_held * 20 > true_total, "{true_held}/{true_total}");
}

/// `d2/dt2` enclosures against central second differences of the 256-bit reference run
/// (`h = 2⁻⁴⁰`: truncation about `h²` and the reference's error over `h²`, both far below the
/// margin), at times away from every event: a false claim (the reference value moved by the
/// margin) never holds, a true one is never violated, and every witness's enclosure of the
/// second derivative contains the reference value.
#[test]
fn second_derivatives_enclose_the_reference_and_false_ones_never_hold() {
    let problems = [
        ("norm-growth-holds", growth_holds_problem(Horizon::Finite(q("4")))),
        ("norm-growth-fails", growth_fails_problem(Horizon::Finite(q("4")))),
        ("two-layer-explicit", two_layer_explicit()),
    ];
    let h = Rational::from((1, 1u64 << 40));
    // A margin near the reference's accuracy (soundness only) and one wider than most hulls'
    // second-derivative enclosures (the check must then have teeth).
    for (margin, teeth) in [(Rational::from((1, 1_000_000)), false), (Rational::from((1, 20)), true)] {
        second_derivatives_at_margin(&problems, &h, &margin, teeth);
    }
}

fn second_derivatives_at_margin(problems: &[(&str, Problem)], h: &Rational, margin: &Rational, teeth: bool) {
    let (mut violated, mut total) = (0, 0);
    for (name, p) in problems {
        let traj = certified(p);
        let inst = Inst::<Float>::new(p, &BITS);
        let events: Vec<f64> = traj.events().iter().map(|e| e.t.lower_f64()).collect();
        let times: Vec<Rational> = (1..16)
            .map(|k| Rational::from((k, 4)))
            .filter(|t| events.iter().all(|e| (t.to_f64() - e).abs() > 0.01))
            .collect();
        let shifted: Vec<Rational> = times.iter().flat_map(|t| [t.clone() - h, t.clone(), t.clone() + h]).collect();
        let states = reference_states(p, &shifted);
        for (text, f) in quantities(p.model() == ModelKind::TwoLayer) {
            for (k, t) in times.iter().enumerate() {
                let v: Vec<Rational> =
                    states[3 * k..3 * k + 3].iter().map(|s| f(&inst, s).to_rational().unwrap()).collect();
                let dd = (v[0].clone() - Rational::from(2) * &v[1] + &v[2]) / (h.clone() * h);
                let (lo, hi) = (dd.clone() - margin, dd.clone() + margin);
                let true_claim = format!(
                    "d2/dt2 {text} >= {} and d2/dt2 {text} <= {}",
                    decimal(&lo, Dir::Down),
                    decimal(&hi, Dir::Up)
                );
                let lemma = format!("forall t in [{t}, {t}]: {true_claim}");
                let row = check_lemma(p, &traj, &Lemma::parse(&lemma).unwrap()).unwrap();
                assert_ne!(row.status, RowStatus::Counterexample, "{name}: `{lemma}` is true but {}", row.conclusion);
                for claim in [
                    format!("d2/dt2 {text} <= {}", decimal(&lo, Dir::Down)),
                    format!("d/dt d/dt {text} >= {}", decimal(&hi, Dir::Up)),
                ] {
                    let lemma = format!("forall t in [{t}, {t}]: {claim}");
                    let row = check_lemma(p, &traj, &Lemma::parse(&lemma).unwrap()).unwrap();
                    assert_ne!(row.status, RowStatus::Holds, "{name}: `{lemma}` is false but {}", row.conclusion);
                    total += 1;
                    if let Verdict::Violated { witness } = &row.conclusion {
                        violated += 1;
                        let x = witness.value.as_ref().expect("the witness encloses d2/dt2");
                        let (lo, hi) = (Interval::from_rational(&lo, &()), Interval::from_rational(&hi, &()));
                        let contains = !hi.certainly_lt(x) && !x.certainly_lt(&lo);
                        assert!(contains, "{name} at t = {t}: {text}'' ≈ {} outside {}", dd.to_f64(), row.conclusion);
                    }
                }
            }
        }
    }
    println!("false second-derivative lemmas at margin {margin}: {violated}/{total} violated");
    assert!(!teeth || 2 * violated > total, "{violated}/{total}");
}
