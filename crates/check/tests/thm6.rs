//! CEL Theorem 6 (`cel.thm6`) and the certified enclosure of δ (`cel::delta`): on a validated
//! two-layer run, on mutated runs, and Assumption 2 certified true for an astronomically small λ.

mod common;

use common::q;
#[allow(unused_imports)]
use reluflow_arith::Enclosure;
use reluflow_arith::{Interval, MpInterval, Scalar};
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
    let d = reluflow_check::cel::delta::delta::<MpInterval>(&p, &128).unwrap();
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
    let last = m.segments().len() - 1;
    let big = |v: f64| Interval::try_from((v, v)).unwrap();
    m = m
        .edit(|p| {
            p.segments[last].end.w[0] = vec![big(10.0), big(10.0)];
        })
        .unwrap();
    m = m
        .edit(|p| {
            p.segments[last].end.a.as_mut().unwrap()[0] = big(10.0);
        })
        .unwrap();
    let r = row(&p, &m, 0);
    assert!(r.conclusion.is_violated() && r.conclusion.to_string().contains("L(θ^t)"), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Vacuous, "Assumption 2 is certainly false at λ = 10⁻³");
    // Too wide: the bundle of every hull after T1 blurred, so ν_1/ν_1* ≥ 1/2 is never certified.
    let w = t.clone().edit(|p| {
        for s in &mut p.segments {
            s.hull.w[0] = vec![Interval::try_from((-5.0, 5.0)).unwrap(); 2];
            s.end.w[0] = vec![Interval::try_from((-5.0, 5.0)).unwrap(); 2];
        }
    });
    let w = w.unwrap();
    assert!(row(&p, &w, 0).conclusion.is_undecided());
}

fn row7(p: &Problem, t: &Trajectory<Interval>, refine: u32) -> Row<Interval> {
    let mut sel = Selection { ids: vec!["cel.thm7-limit".into()], ..Selection::default() };
    sel.params.refine = refine;
    check(p, t, &sel).rows.remove(0)
}

#[test]
fn thm7_facts_and_trend() {
    use reluflow_check::cel::thm7::{thm7_trend, trend_text};
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    let runs: Vec<(Problem, Trajectory<Interval>)> = ["1e-2", "1e-3", "1e-4"]
        .iter()
        .map(|l| {
            let p = problem(l, "24");
            let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
            (p, t)
        })
        .collect();
    for (p, t) in &runs {
        let r = row7(p, t, 8);
        println!("{} {}\n{:?}", r.status.name(), r.conclusion, r.notes);
        assert!(r.conclusion.holds(), "{}", r.conclusion);
        assert!(r.notes[0].contains("not a proof"), "{:?}", r.notes);
    }
    let refs: Vec<(&Problem, &Trajectory<Interval>)> = runs.iter().map(|(p, t)| (p, t)).collect();
    let trend = thm7_trend(&refs);
    let text = trend_text(&trend);
    println!("{text}");
    assert!(text.starts_with("Theorem 7 trend in λ (trend, not a proof)"));
    assert_eq!(trend.len(), 3);
    assert!(trend.windows(2).all(|w| w[0].lambda > w[1].lambda));
    // At λ = 10⁻² the bundle has certainly not collapsed (Example 35: not for fixed λ).
    assert!(trend[0].summary.max_one_minus_cos.certainly_pos());

    let (p, t) = &runs[1];
    let big = |v: f64| Interval::try_from((v, v)).unwrap();
    // Mutated: the J− neuron 1 grown to 10⁻² > λ‖z_1‖ at the end of segment 3.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[3].end.w[1] = vec![big(1e-2), big(0.0)];
        })
        .unwrap();
    let r = row7(p, &m, 0);
    assert!(r.conclusion.is_violated() && r.conclusion.to_string().contains("‖w_1‖²"), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Vacuous);
    // Mutated: a_0 ≠ ‖w_0‖ on the last segment.
    let mut m = t.clone();
    let last = m.segments().len() - 1;
    m = m
        .edit(|p| {
            p.segments[last].end.a.as_mut().unwrap()[0] = big(5.0);
        })
        .unwrap();
    assert!(row7(p, &m, 0).conclusion.to_string().contains("a_0"));
    // Too wide: the J− neuron's hull blurred and its derivative sign lost.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[1].hull.w[1] = vec![Interval::try_from((-1e-2, 1e-2)).unwrap(); 2];
        })
        .unwrap();
    m = m
        .edit(|p| {
            p.segments[1].hull.a.as_mut().unwrap()[1] = Interval::try_from((-1e-2, 1e-2)).unwrap();
        })
        .unwrap();
    assert!(row7(p, &m, 0).conclusion.is_undecided(), "{}", row7(p, &m, 0).conclusion);
}

#[test]
fn thm7_limit_facts_on_a_closed_form_run() {
    use common::{build, two_layer_problem, two_layer_state};
    use reluflow_flow::{Limit, Pattern, State};
    // d = n = 1, x = 1, v* = 1; balanced λ = 1/2, z = (1, −2), s = (1, 1): neuron 0 (J+) has
    // u = a_0 = w_0 with u² = 1/(1 + 3e^{−2t}) → 1; neuron 1 is dead (not in J+), frozen.
    let p = two_layer_problem(Horizon::Infinite)
        .with_init(Init::Balanced { scale: q("1/2"), z: vec![vec![q("1")], vec![q("-2")]], s: vec![1, 1] })
        .unwrap();
    let one = Interval::try_from((1.0, 1.0)).unwrap();
    let pattern = Pattern { active: vec![vec![0], vec![]], frozen: vec![false, true], sliding: Vec::new() };
    let limit = |u: Interval| Limit {
        state: State { w: vec![vec![u], vec![Interval::try_from((-1.0, -1.0)).unwrap()]], a: Some(vec![u, one]) },
        loss: (u * u - one) * (u * u - one) * Interval::try_from((0.5, 0.5)).unwrap(),
        pattern: pattern.clone(),
        rate: None,
        on_hyperplane: Vec::new(),
    };
    let mut t = build(&(), 8, two_layer_state::<Interval>, &pattern, Some(limit(one)));
    common::add_tail(&mut t);
    let r = row7(&p, &t, 0);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert!(r.notes[0].starts_with("limit"), "{:?}", r.notes);
    // A limit with Σ‖w_j‖² = 0.81 < 1 (and v^∞ ≠ v*): violated at the limit.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.limit = Some(limit(Interval::try_from((0.9, 0.9)).unwrap()));
        })
        .unwrap();
    let r = row7(&p, &m, 0);
    assert!(r.conclusion.is_violated() && r.conclusion.to_string().contains("limit"), "{}", r.conclusion);
}

/// The whole table on the validated CEL run: no row panics, is a counterexample or unimplemented.
#[test]
fn full_table_on_the_cel_run() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    let p = problem("1e-3", "20");
    let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let rep = check(&p, &t, &Selection::default());
    println!("{}", rep.to_text());
    for r in &rep.rows {
        assert!(!matches!(r.status, RowStatus::Counterexample | RowStatus::NotImplemented), "{}", r.entry.id);
    }
    for id in ["cel.prop13-yardstick", "cel.prop22-yardstick", "cel.thm6", "cel.thm7-limit"] {
        let r = rep.rows.iter().find(|r| r.entry.id == id).unwrap();
        assert!(r.conclusion.holds(), "{id}: {}", r.conclusion);
    }
}
