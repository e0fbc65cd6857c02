//! Instances of the `decided_net` bench that exposed a limit of the validated two-layer integrator,
//! each checked against the 256-bit reference integrator:
//!
//! * a run that stops undecided keeps everything it proved before: a sliding surface met inside
//!   the first (long, small-initialisation) step leaves the steps up to the lower end of the
//!   crossing window certified;
//! * a slow transversal switch (guard rate 2e-6 after it) is crossed: the state after it is
//!   separated from the hyperplane;
//! * points on one line through 0 switch together (one surface), also when a neuron starts on it.

use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::reference::{RefOptions, RefStop, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{EventKind, State, Status, Trajectory, UndecidedReason};
use reluflow_model::*;
use rug::Rational;

const BITS: u32 = 256;

fn q(s: &str) -> Rational {
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    Rational::from((n.parse::<i64>().unwrap(), d.parse::<i64>().unwrap()))
}

fn rows(v: &[&[&str]]) -> Vec<Vec<Rational>> {
    v.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect()
}

fn problem(x: &[&[&str]], teacher: &[&str], z: &[&[&str]], s: Vec<i8>, scale: &str) -> Problem {
    let teacher = teacher.iter().map(|s| q(s)).collect();
    let init = Init::Balanced { scale: q(scale), z: rows(z), s };
    let run = RunConfig { t_end: Horizon::Finite(q("20")), arithmetic: Arithmetic::Interval, precision: 128 };
    let data = Data::new(rows(x), Labels::Teacher(teacher)).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// Seed 31 of the `decided_net` bench: point 3 of neuron 1 slides at t ≈ 1.8.
fn sliding_instance() -> Problem {
    let x: &[&[&str]] = &[
        &["0", "2/5", "-9/10", "-1/2"],
        &["-4/5", "-1/10", "9/10", "1"],
        &["1/10", "-2/5", "3/10", "0"],
        &["9/10", "1/2", "3/5", "0"],
        &["0", "1/2", "1/2", "-3/5"],
    ];
    let z: &[&[&str]] =
        &[&["1/10", "-1/5", "3/5", "-9/10"], &["1", "-1/2", "-2/5", "-1/10"], &["9/10", "-3/10", "3/10", "-1/5"]];
    problem(x, &["1/2", "1/2", "0", "9/10"], z, vec![1, -1, 1], "1/1000")
}

/// Seed 13 of the `decided_net` bench: point 1 leaves neuron 1 at t ≈ 1.2077 with the guard's rate
/// only about −1.9e-6 afterwards; later (t ≈ 7.95) the same pair slides.
fn slow_switch_instance() -> Problem {
    let x: &[&[&str]] =
        &[&["-2/5", "-1/2", "0"], &["-7/10", "1/2", "0"], &["3/5", "3/10", "-9/10"], &["0", "2/5", "2/5"]];
    let z: &[&[&str]] = &[&["-9/10", "-1/10", "-1/10"], &["-4/5", "-7/10", "1/5"]];
    problem(x, &["-7/10", "4/5", "3/10"], z, vec![1, -1], "1/10")
}

/// Seed 12 of the `decided_net` bench: points 1, 2, 3 lie on the first axis (2 opposite to 1 and 3,
/// point 4 is 0); neuron 1 meets their common surface at t ≈ 16.4.
fn parallel_instance() -> Problem {
    let x: &[&[&str]] = &[&["2/5", "-1/2"], &["1/5", "0"], &["-1/5", "0"], &["4/5", "0"], &["0", "0"]];
    problem(x, &["3/10", "-4/5"], &[&["-1/5", "2/5"], &["7/10", "-7/10"]], vec![1, -1], "1/1000")
}

/// Seed 119 of the `decided_net` bench: neuron 1 (`w ∥ e_1`) starts on the surface of the opposite
/// points 0 and 2 (both rates push point 0's guard down, so point 2 starts active).
fn parallel_start_instance() -> Problem {
    let x: &[&[&str]] = &[&["0", "-1"], &["0", "0"], &["0", "1"], &["-9/10", "-9/10"], &["2/5", "3/5"]];
    problem(x, &["7/10", "-7/10"], &[&["1/10", "-3/5"], &["1/2", "0"], &["-7/10", "1/5"]], vec![1, -1, 1], "1/10")
}

/// Certified; the reference's switches after its start transients (`t ≥ 1e-40`) are the certified
/// events (in any order among equal times), with times inside; the final state contains the
/// reference's.
fn certified_like_reference<S: Enclosure>(p: &Problem, tr: &Trajectory<S>) {
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let opts = RefOptions { tol: 1e-50, order: 60, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(p, &BITS, &opts).unwrap();
    let refs: Vec<_> = run.trajectory.events().iter().filter(|r| r.t >= 1e-40).collect();
    assert_eq!(tr.events().len(), refs.len());
    for e in tr.events() {
        let hit = refs.iter().any(|r| {
            let t = r.t.to_f64();
            (r.neuron, r.point, r.kind) == (e.neuron, e.point, e.kind) && e.t.lower_f64() <= t && t <= e.t.upper_f64()
        });
        assert!(hit, "no reference switch for {e:?}");
    }
    assert!(contains(tr.final_state(), run.trajectory.final_state()), "final state");
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

fn contains<S: Enclosure>(e: &State<S>, r: &State<Float>) -> bool {
    flat(e).iter().zip(flat(r)).all(|(e, v)| {
        let slack = 1e-40 * v.to_f64().abs() + 1e-300;
        e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack
    })
}

/// The run slides at `(j, i)`; its certified part ends no later than the reference's sliding time
/// and less than 0.05 before it, and contains the reference (hulls, events, the last state).
fn prefix_is_kept<S: Enclosure>(p: &Problem, tr: &Trajectory<S>, (j, i): (usize, usize)) {
    let Status::Undecided { reason, certified_until } = tr.status() else { panic!("{:?}", tr.status()) };
    assert_eq!(*reason, UndecidedReason::Sliding { neuron: j, point: i });
    let opts = RefOptions { tol: 1e-50, order: 60, dense: true, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(p, &BITS, &opts).unwrap();
    assert_eq!(run.stop, RefStop::Sliding { neuron: j, point: i });
    let t_slide = run.trajectory.t_final().to_f64();
    let cu = certified_until.upper_f64();
    assert!(cu <= t_slide && cu > t_slide - 0.05, "certified until {cu}, sliding at {t_slide}");
    assert!(!tr.segments().is_empty());
    let last = tr.segments().last().unwrap();
    assert!(last.t_end().lower_f64() <= certified_until.lower_f64() && cu <= last.t_end().upper_f64());
    for seg in tr.segments() {
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            let s = run.state_at(&Float::with_val(BITS, t)).unwrap();
            assert!(contains(seg.hull(), &s), "hull at {t}");
        }
    }
    // The reference's switches before the end of the certified part (it records its sliding toggles too).
    let refs: Vec<_> = run.trajectory.events().iter().filter(|r| r.t < certified_until.lower_f64()).collect();
    assert_eq!(tr.events().len(), refs.len());
    for (e, r) in tr.events().iter().zip(refs) {
        assert_eq!((e.neuron, e.point, e.kind), (r.neuron, r.point, r.kind));
        let t = r.t.to_f64();
        assert!(e.t.lower_f64() <= t && t <= e.t.upper_f64(), "switch time {t} not in {:?}", e.t);
    }
    let at_cu = run.state_at(&Float::with_val(BITS, certified_until.lower_f64())).unwrap();
    assert!(
        certified_until.width_upper() > 0.0 || contains(tr.final_state(), &at_cu),
        "state at the end of the prefix"
    );
}

#[test]
fn sliding_inside_the_first_step_keeps_the_certified_prefix() {
    let p = sliding_instance();
    prefix_is_kept(&p, &certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap(), (1, 3));
    prefix_is_kept(&p, &certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap(), (1, 3));
}

#[test]
fn a_slow_transversal_switch_is_crossed() {
    let p = slow_switch_instance();
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let first = &tr.events()[0];
    assert_eq!((first.neuron, first.point, first.kind), (1, 1, EventKind::Deactivate));
    assert!((first.t.lower_f64() - 1.2077).abs() < 1e-3, "{:?}", first.t);
    prefix_is_kept(&p, &tr, (1, 1));
}

#[test]
fn parallel_points_switch_together() {
    let p = parallel_instance();
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    certified_like_reference(&p, &tr);
    let class: Vec<_> = tr.events().iter().filter(|e| e.neuron == 1 && (1..=3).contains(&e.point)).collect();
    assert_eq!(class.len(), 3, "{:?}", tr.events());
    assert!(class.iter().all(|e| e.t == class[0].t), "one switching time");
    certified_like_reference(&p, &certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap());
}

#[test]
fn a_neuron_starting_on_the_surface_of_opposite_points_leaves_it() {
    let p = parallel_start_instance();
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert_eq!(tr.segments()[0].pattern().active[1], vec![2, 4]);
    certified_like_reference(&p, &tr);
}
