//! The checker on trajectories of the real single-neuron integrator (`reluflow_flow::neuron`):
//! the shipped examples and Vardi–Shamir's Theorem 3 instances.

mod common;

use common::*;
use reluflow_arith::Interval;
use reluflow_check::*;
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;

fn report_of(p: &Problem, sel: &Selection) -> CheckReport<Interval> {
    let t = certify::<Interval>(p, &(), &NeuronOptions::default()).unwrap();
    check(p, &t, sel)
}

fn status(r: &CheckReport<Interval>, id: &str) -> RowStatus {
    r.rows.iter().find(|r| r.entry.id == id).unwrap_or_else(|| panic!("no row {id}")).status
}

#[test]
fn the_shipped_examples_are_proved_both_ways() {
    let sel = Selection::default();
    let r = report_of(&growth_holds_problem(Horizon::Finite(q("8"))), &sel);
    assert_eq!(status(&r, "lsy.norm-growth"), RowStatus::Holds, "{}", r.to_text());
    assert_eq!(r.outcome(), Outcome::SomeUndecided, "global convergence needs t_end = inf: {}", r.to_text());
    let r = report_of(&growth_fails_problem(Horizon::Finite(q("8"))), &sel);
    assert_eq!(status(&r, "lsy.norm-growth"), RowStatus::Counterexample, "{}", r.to_text());
    for id in ["gen.loss-nonincreasing", "gen.span", "gen.dist-to-interpolant", "vs.thm8-distance"] {
        assert_eq!(status(&r, id), RowStatus::Holds, "{id}: {}", r.to_text());
    }
}

fn vs_problem(gamma: &str) -> Problem {
    let x = vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]];
    let data = Data::new(x, Labels::Given(vec![q("16"), q("18"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run).unwrap()
}

#[test]
fn vardi_shamir_instances() {
    for g in ["0", "1", "2", "5"] {
        let mut sel = Selection::default();
        // w* = (5, −1, 0) interpolates every X_γ (x_3ᵀw* = −γ ≤ 0, y_3 = 0).
        sel.params.w_star = Some(vec![q("5"), q("-1"), q("0")]);
        let r = report_of(&vs_problem(g), &sel);
        println!("γ = {g}\n{}", r.to_text());
        for id in
            ["vs.thm3-limit", "gen.loss-nonincreasing", "gen.span", "lsy.support-vector-stability", "vs.thm8-distance"]
        {
            assert_eq!(status(&r, id), RowStatus::Holds, "γ = {g}, {id}: {}", r.to_text());
        }
    }
}

/// The CEL instance of `tests/thm6.rs` (every CEL entry applies, δ is enclosed).
fn cel_balanced() -> Problem {
    cel_problem("20")
}

fn two_layer_example(t_end: &str) -> Problem {
    // examples/two-layer-explicit.toml
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("1"), q("0.5")])).unwrap();
    let init =
        Init::Explicit { w: vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.5")]], a: vec![q("0.5"), q("0.5")] };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

#[test]
fn two_layer_generic_invariants_on_the_validated_integrator() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify as certify_net};
    let p = two_layer_example("10");
    let t = certify_net::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let r = check(&p, &t, &Selection::default());
    println!("{} segments\n{}", t.segments().len(), r.to_text());
    for id in ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen"] {
        assert_eq!(status(&r, id), RowStatus::Holds, "{id}: {}", r.to_text());
    }
    // a_0(0)² = 1/4 < ‖w_0(0)‖² = 5/16: the sign hypothesis is certainly false here.
    let sign = r.rows.iter().find(|r| r.entry.id == "gen.sign-preserved").unwrap();
    assert!(sign.hypotheses[0].truth.is_false());
    // The closed-form two-layer fixture (one balanced neuron, one dead) through the integrator.
    let p = two_layer_problem(Horizon::Finite(q("8")));
    let t = certify_net::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let r = check(&p, &t, &Selection::default());
    for id in ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen", "gen.sign-preserved"] {
        assert_eq!(status(&r, id), RowStatus::Holds, "{id}: {}", r.to_text());
    }
}

/// Checking cost as a ratio to the integration (run with
/// `cargo test -p reluflow-check --release --test integrated -- --ignored --nocapture`).
#[test]
#[ignore]
fn checking_cost_ratio() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify as certify_net};
    use std::time::Instant;
    let reps = 20;
    let mut cases: Vec<(String, Problem)> = vec![
        ("norm-growth-fails, t_end = 8".into(), growth_fails_problem(Horizon::Finite(q("8")))),
        ("vardi-shamir γ = 1, t_end = inf".into(), vs_problem("1")),
    ];
    cases.push(("two-layer-explicit, t_end = 10".into(), two_layer_example("10")));
    cases.push(("CEL balanced d = n = 2, m = 3, λ = 1e-3, t_end = 20".into(), cel_balanced()));
    for (name, p) in cases {
        let integrate = || match p.model() {
            ModelKind::SingleNeuron => certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap(),
            ModelKind::TwoLayer => certify_net::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap(),
        };
        let t0 = Instant::now();
        let mut traj = integrate();
        for _ in 1..reps {
            traj = integrate();
        }
        let ti = t0.elapsed().as_secs_f64() / reps as f64;
        let t0 = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(check(&p, &traj, &Selection::default()));
        }
        let tc = t0.elapsed().as_secs_f64() / reps as f64;
        println!(
            "{name}: {} segments; integrate {:.3} ms, check (all entries) {:.3} ms, ratio {:.2}",
            traj.segments().len(),
            ti * 1e3,
            tc * 1e3,
            tc / ti
        );
    }
}

/// Theorems are never refuted: on deterministic pseudo-random single-neuron instances certified by
/// the integrator, no `gen.*` or `vs.thm8-distance` row may be a counterexample (that would be a
/// bug in the integrator or the checker), and most of them must be proved.
#[test]
fn theorems_survive_random_instances() {
    let mut seed: u64 = 0x5eed_2026;
    let mut next = |k: i64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % (2 * k as u64 + 1)) as i64 - k
    };
    let (mut runs, mut proved, mut rows) = (0, 0, 0);
    for case in 0..24 {
        let d = 2 + (case % 2);
        let n = 2 + (case % 3);
        let x: Vec<Vec<reluflow_arith::Rational>> =
            (0..n).map(|_| (0..d).map(|_| q(&format!("{}/2", next(4)))).collect()).collect();
        if x.iter().any(|r| r.iter().all(|c| *c == 0)) {
            continue;
        }
        let v: Vec<_> = (0..d).map(|_| q(&next(3).to_string())).collect();
        let w0: Vec<_> = (0..d).map(|_| q(&format!("{}/4", next(4)))).collect();
        let data = Data::new(x, Labels::Teacher(v)).unwrap();
        let horizon = if case % 4 == 0 { Horizon::Finite(q("3")) } else { Horizon::Infinite };
        let run = RunConfig { t_end: horizon, arithmetic: Arithmetic::Interval, precision: 53 };
        let p = Problem::new(
            ModelKind::SingleNeuron,
            ReluPrime::Zero,
            LossScale::HalfSum,
            data,
            Init::Single { w: w0 },
            run,
        )
        .unwrap();
        let Ok(t) = certify::<Interval>(&p, &(), &NeuronOptions::default()) else { continue };
        runs += 1;
        let rep = check(&p, &t, &Selection::default());
        for r in rep.rows.iter().filter(|r| r.entry.id.starts_with("gen.") || r.entry.id == "vs.thm8-distance") {
            rows += 1;
            assert_ne!(r.status, RowStatus::Counterexample, "case {case}: {}", rep.to_text());
            if r.status == RowStatus::Holds {
                proved += 1;
            }
        }
    }
    println!("{runs} runs, {proved}/{rows} theorem rows proved");
    assert!(runs >= 12, "too few certified runs ({runs})");
    assert!(2 * proved >= rows, "too few proved rows: {proved}/{rows}");
}

/// The same on pseudo-random two-layer instances certified by the validated integrator.
#[test]
fn theorems_survive_random_two_layer_instances() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify as certify_net};
    let mut seed: u64 = 0xc0ffee;
    let mut next = |k: i64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % (2 * k as u64 + 1)) as i64 - k
    };
    let (mut runs, mut proved, mut rows) = (0, 0, 0);
    for _ in 0..6 {
        let x: Vec<Vec<reluflow_arith::Rational>> =
            (0..2).map(|_| (0..2).map(|_| q(&format!("{}/2", next(4)))).collect()).collect();
        if x.iter().any(|r| r.iter().all(|c| *c == 0)) {
            continue;
        }
        let y: Vec<_> = (0..2).map(|_| q(&format!("{}/2", next(3)))).collect();
        let w: Vec<Vec<_>> = (0..2).map(|_| (0..2).map(|_| q(&format!("{}/4", next(4)))).collect()).collect();
        let a: Vec<_> = (0..2).map(|_| q(&format!("{}/4", next(4)))).collect();
        let data = Data::new(x, Labels::Given(y)).unwrap();
        let run = RunConfig { t_end: Horizon::Finite(q("2")), arithmetic: Arithmetic::Interval, precision: 53 };
        let p =
            Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, Init::Explicit { w, a }, run)
                .unwrap();
        let Ok(t) = certify_net::<Interval>(&p, &(), &ValidatedOptions::default()) else { continue };
        runs += 1;
        let rep = check(&p, &t, &Selection::default());
        for r in rep.rows.iter().filter(|r| r.entry.id.starts_with("gen.")) {
            rows += 1;
            assert_ne!(r.status, RowStatus::Counterexample, "{}", rep.to_text());
            if r.status == RowStatus::Holds {
                proved += 1;
            }
        }
    }
    println!("{runs} runs, {proved}/{rows} theorem rows proved");
    assert!(runs >= 4 && 2 * proved >= rows, "{runs} runs, {proved}/{rows}");
}

#[test]
fn a_limit_on_a_hyperplane_is_no_switch() {
    // examples/limit-on-hyperplane.toml: the zero-label point 1 stays active and its guard tends
    // to 0; the limit lies on its hyperplane and the pattern {0, 1} is fixed for all time.
    let x = vec![vec![q("2"), q("0")], vec![q("1"), q("1")]];
    let data = Data::new(x, Labels::Teacher(vec![q("1"), q("-1")])).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("1"), q("0")] };
    let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap();
    let t = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(t.limit().unwrap().on_hyperplane, vec![(0, 1)]);
    let r = check(&p, &t, &Selection::default());
    for id in ["lsy.support-vector-stability", "lsy.global-convergence-d2", "gen.loss-nonincreasing", "gen.span"] {
        assert_eq!(status(&r, id), RowStatus::Holds, "{id}: {}", r.to_text());
    }
    assert!(r.to_text().contains("[[0, 1]]"), "the limit's support vectors: {}", r.to_text());
}
