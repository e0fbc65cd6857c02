//! The Clarke flow (`[run] solution = "clarke"`) slides along surfaces that attract from both sides
//! and leaves them where one side's field stops pointing into them
//! (`proofs-notes/net-clarke-sliding.md`): checked against a closed form and against the 256-bit
//! reference integrator, which slides too and locates the exits by bisection.

use reluflow_arith::linalg::dot;
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::field::{NetData, field};
use reluflow_flow::net::reference::{RefOptions, RefRun, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{EventKind, Pattern, State, Status, Trajectory, UndecidedReason};
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

/// A live neuron `w = (1, 0)`, `a = 1` on `x_0 = (1, 1)` (active) and `x_1 = (0, 1)` (guard exactly
/// 0), labels `y`, half-mean loss (`G = 1/2`), up to `t_end`.
fn on_a_surface(y: &[&str], t_end: &str) -> Problem {
    let data = Data::new(rows(&[&["1", "1"], &["0", "1"]]), Labels::Given(y.iter().map(|s| q(s)).collect())).unwrap();
    let init = Init::Explicit { w: rows(&[&["1", "0"]]), a: vec![q("1")] };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 128 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(Solution::Clarke)
        .unwrap()
}

/// For `y = (2, −2)` both one-sided fields point into `x_1`'s hyperplane `w_2 = 0`
/// (`ρ⁻ = ½a(2 − au) > 0`, `ρ⁺ = −½a²u < 0` with `w = (u, 0)`): the Clarke flow slides with
/// `u̇ = −½a(au − 2)`, `ȧ = −½u(au − 2)`, so `a = u` (balanced) and `v = u²` solves the logistic
/// equation `v̇ = v(2 − v)`: `u(t) = a(t) = √(2/(1 + e^{−2t}))`, `w_2 ≡ 0`.
fn closed_form(t: f64) -> Float {
    let e = Float::with_val(BITS, -2.0 * t).exp();
    (Float::with_val(BITS, 2) / (e + 1u32)).sqrt()
}

fn inside<S: Enclosure>(e: &S, v: &Float) -> bool {
    let slack = 1e-60;
    e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack
}

/// Every segment hull at its ends and midpoint, and the final state, contain the closed form.
fn contains_closed_form<S: Enclosure>(tr: &Trajectory<S>) {
    let zero = Float::with_val(BITS, 0);
    let check = |st: &State<S>, t: f64, what: &str| {
        let u = closed_form(t);
        for (k, (e, v)) in
            [&st.w[0][0], &st.w[0][1], &st.a.as_ref().unwrap()[0]].into_iter().zip([&u, &zero, &u]).enumerate()
        {
            assert!(
                inside(e, v),
                "{what} at t = {t}: closed form {} outside [{:e}, {:e}] (coordinate {k})",
                v.to_f64(),
                e.lower_f64(),
                e.upper_f64()
            );
        }
    };
    for (k, seg) in tr.segments().iter().enumerate() {
        assert_eq!(seg.pattern().sliding, vec![(0, 1)], "segment {k} slides on point 1");
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            check(seg.hull(), t, &format!("segment {k} hull"));
        }
    }
    check(tr.final_state(), 3.0, "final state");
}

#[test]
fn sliding_from_the_start_contains_the_closed_form() {
    let p = on_a_surface(&["2", "-2"], "3");
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    contains_closed_form(&tr);
    let w = &tr.final_state().w[0][0];
    assert!(w.width_upper() < 1e-9, "f64 intervals: final width {:e}", w.width_upper());
    let tr = certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    contains_closed_form(&tr);
    assert!(tr.final_state().w[0][0].width_upper() < 1e-25, "{:e}", tr.final_state().w[0][0].width_upper());
}

/// The reference integrator slides too (it is the reference of the bench's Clarke runs).
#[test]
fn the_reference_slides_along_the_closed_form() {
    let p = on_a_surface(&["2", "-2"], "3");
    let opts = RefOptions { tol: 1e-50, order: 60, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(&p, &BITS, &opts).unwrap();
    assert_eq!(run.stop, reluflow_flow::net::reference::RefStop::Reached);
    let fin = run.trajectory.final_state();
    let u = closed_form(3.0);
    let err = Float::with_val(BITS, &fin.w[0][0] - &u).abs().to_f64();
    assert!(err < 1e-40, "reference u(3) off the closed form by {err:e}");
    assert!(fin.w[0][1].to_f64().abs() < 1e-60, "reference w_2(3) = {:e}", fin.w[0][1].to_f64());
}

/// With σ'(0) fixed the same start is undecided (sliding); repelling surfaces stay non-unique
/// under the Clarke flow (two solutions leave).
#[test]
fn fixed_stays_undecided_and_repelling_stays_non_unique() {
    let fixed = on_a_surface(&["2", "-2"], "3").with_solution(Solution::Fixed).unwrap();
    let tr = certify::<Interval>(&fixed, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Undecided { reason: UndecidedReason::Sliding { neuron: 0, point: 1 }, .. }));
    let repelling = on_a_surface(&["0", "2"], "3");
    let tr = certify::<Interval>(&repelling, &(), &ValidatedOptions::default()).unwrap();
    assert!(
        matches!(tr.status(), Status::Undecided { reason: UndecidedReason::NonUnique { neuron: 0, point: 1 }, .. }),
        "{:?}",
        tr.status()
    );
    assert!(tr.segments().is_empty());
}

/// A `decided_net` bench instance (teacher labels, balanced initialisation, σ'(0) = 0, half-mean
/// loss, `t_end = 20`) as a Clarke problem; decimals in tenths.
fn bench_instance(x: &[&[i64]], teacher: &[i64], z: &[&[i64]], scale: &str) -> Problem {
    let tenths = |v: &[&[i64]]| -> Vec<Vec<Rational>> {
        v.iter().map(|r| r.iter().map(|&k| Rational::from((k, 10))).collect()).collect()
    };
    let s = (0..z.len()).map(|j| if j % 2 == 0 { 1 } else { -1 }).collect();
    let init = Init::Balanced { scale: q(scale), z: tenths(z), s };
    let run = RunConfig { t_end: Horizon::Finite(q("20")), arithmetic: Arithmetic::Interval, precision: 128 };
    let teacher = teacher.iter().map(|&k| Rational::from((k, 10))).collect();
    let data = Data::new(tenths(x), Labels::Teacher(teacher)).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(Solution::Clarke)
        .unwrap()
}

/// The 256-bit reference (dense output) up to `t_end`.
fn reference(p: &Problem) -> RefRun<Float> {
    let opts = RefOptions { tol: 1e-50, order: 60, dense: true, ..RefOptions::for_bits(BITS) };
    integrate_problem::<Float>(p, &BITS, &opts).unwrap()
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

/// Everything `tr` certifies contains the reference `run`: every segment hull at its ends and
/// midpoint, every event's time (a reference event of the same pair and kind, in order), and the
/// final state of a certified run. Returns the times up to which it was checked.
fn contains_reference(tr: &Trajectory<Interval>, run: &RefRun<Float>) -> f64 {
    for (k, seg) in tr.segments().iter().enumerate() {
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            let s = run.state_at(&Float::with_val(BITS, t)).expect("reference state");
            for (c, (e, v)) in flat(seg.hull()).iter().zip(flat(&s)).enumerate() {
                let slack = 1e-40 * v.to_f64().abs();
                assert!(
                    e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack,
                    "segment {k} hull at t = {t}: reference {} outside [{:e}, {:e}] (coordinate {c})",
                    v.to_f64(),
                    e.lower_f64(),
                    e.upper_f64()
                );
            }
        }
    }
    let mut refs = run.trajectory.events().iter();
    for ev in tr.events() {
        let r = refs
            .find(|r| (r.neuron, r.point, r.kind) == (ev.neuron, ev.point, ev.kind))
            .unwrap_or_else(|| panic!("no reference event for {ev:?}"));
        assert!(
            inside(&ev.t, &r.t),
            "{:?} of ({}, {}): reference time {} outside [{}, {}]",
            ev.kind,
            ev.neuron,
            ev.point,
            r.t.to_f64(),
            ev.t.lower_f64(),
            ev.t.upper_f64()
        );
    }
    match tr.status() {
        Status::Certified => {
            for (c, (e, v)) in flat(tr.final_state()).iter().zip(flat(run.trajectory.final_state())).enumerate() {
                assert!(inside(e, &v), "final state coordinate {c}: reference {} outside {e:?}", v.to_f64());
            }
            tr.t_final().lower_f64()
        }
        Status::Undecided { certified_until, .. } => certified_until.lower_f64(),
        other => panic!("{other:?}"),
    }
}

/// Seed 31 of the `decided_net` bench: neuron 1 meets point 3's surface at t ≈ 1.8, where both
/// sides' fields point into it. The Clarke run proves the entry (a `Slide` event) and slides on
/// to the horizon; everything it certifies contains the 256-bit reference (which slides too):
/// hulls, the entry time inside its enclosure, the end state.
#[test]
fn a_crossing_into_an_attracting_surface_slides_like_the_reference() {
    let p = bench_instance(
        &[&[0, 4, -9, -5], &[-8, -1, 9, 10], &[1, -4, 3, 0], &[9, 5, 6, 0], &[0, 5, 5, -6]],
        &[5, 5, 0, 9],
        &[&[1, -2, 6, -9], &[10, -5, -4, -1], &[9, -3, 3, -2]],
        "1/1000",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let slide = tr.events().iter().find(|e| e.kind == EventKind::Slide).expect("a proved entry into sliding");
    assert_eq!((slide.neuron, slide.point), (1, 3));
    assert!(tr.segments().iter().filter(|s| !s.pattern().sliding.is_empty()).count() > 1, "no sliding segments");
    contains_reference(&tr, &reference(&p));
}

/// Seed 10 of the `decided_net` bench: neuron 1 slides along point 1's hyperplane from t ≈ 6.15
/// until the active side's rate `ρ⁺` reaches 0 at t ≈ 7.39, then continues with point 1 active
/// (an `Activate` event), and later slides along point 0's hyperplane. The exit time lies in its
/// certified enclosure, every hull after it contains the reference, and the leaving rate at the
/// reference's (bisected) exit vanishes to the reference's precision.
#[test]
fn a_sliding_mode_that_ends_towards_the_active_side_is_left_like_the_reference() {
    let p =
        bench_instance(&[&[1, 8, 5], &[-7, 0, -8]], &[-4, 9, -7], &[&[4, 6, -9], &[-8, 7, -8], &[3, -1, 4]], "1/10");
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let kinds: Vec<_> = tr.events().iter().filter(|e| e.neuron == 1).map(|e| (e.kind, e.point)).collect();
    assert_eq!(kinds, [(EventKind::Slide, 1), (EventKind::Activate, 1), (EventKind::Slide, 0)]);
    let exit = &tr.events()[2];
    assert!(exit.t.width_upper() < 1e-6, "exit enclosure {:?}", exit.t);
    let after = tr.segments().iter().filter(|s| s.t_start().lower_f64() >= exit.t.lower_f64()).count();
    assert!(after > 1, "segments after the exit");
    let run = reference(&p);
    contains_reference(&tr, &run);
    let r_exit = run.trajectory.events().iter().find(|e| e.kind == EventKind::Activate && e.neuron == 1).unwrap();
    let s = run.state_at(&r_exit.t).unwrap();
    let data = NetData::<Float>::from_problem(&p, &BITS);
    // The pattern after the exit: point 1 active for neuron 1.
    let seg = run.trajectory.segments().iter().find(|s| *s.t_start() >= r_exit.t).unwrap();
    let on = Pattern { sliding: Vec::new(), ..seg.pattern().clone() };
    assert!(on.active[1].contains(&1), "{on:?}");
    let rho_plus = dot(&field(&data, &on, &s).w[1], &data.x[1], &BITS);
    assert!(rho_plus.to_f64().abs() < 1e-30, "ρ⁺ at the reference's exit: {:e}", rho_plus.to_f64());
}

/// Seed 13 of the `decided_net` bench: neuron 1 slides along point 1's hyperplane from t ≈ 7.95
/// until the inactive side's rate `ρ⁻` reaches 0 at t ≈ 9.04 (rates of size 1e-6: a slow,
/// nearly tangential exit), then leaves to the inactive side (a `SlideEnd` event, no active set
/// changes). The exit time lies in its certified enclosure and everything certified after it
/// contains the reference.
#[test]
fn a_sliding_mode_that_ends_towards_the_inactive_side_is_left_like_the_reference() {
    let p = bench_instance(
        &[&[-4, -5, 0], &[-7, 5, 0], &[6, 3, -9], &[0, 4, 4]],
        &[-7, 8, 3],
        &[&[-9, -1, -1], &[-8, -7, 2]],
        "1/10",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let end = tr.events().iter().find(|e| e.kind == EventKind::SlideEnd).expect("a proved exit");
    assert_eq!((end.neuron, end.point), (1, 1));
    let until = contains_reference(&tr, &reference(&p));
    assert!(until > end.t.upper_f64() + 1.0, "certified until {until}, exit at {:?}", end.t);
    let left = tr.segments().iter().rfind(|s| s.t_start().lower_f64() >= end.t.lower_f64()).unwrap();
    assert!(left.pattern().sliding.is_empty() && !left.pattern().active[1].contains(&1), "{:?}", left.pattern());
}

/// Seed 1 of the `decided_net` bench: neuron 1 slides on point 2's surface from t ≈ 15.71 and,
/// sliding, crosses point 3's surface at t ≈ 16.09 (point 3 activates while the first surface
/// still attracts from both sides). The run proves the crossing under the sliding field and keeps
/// sliding to t = 20; the 256-bit reference, which slides and switches too, lies inside.
#[test]
fn a_sliding_neuron_crosses_a_second_surface_like_the_reference() {
    let p = bench_instance(
        &[&[0, -2, 0], &[-5, 4, -1], &[-7, 0, -7], &[-10, 9, 7], &[0, -5, -1]],
        &[-1, -5, -10],
        &[&[10, 4, 9], &[6, 9, -5], &[-8, -9, -3], &[-6, 0, -7]],
        "1/10",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let kinds: Vec<_> = tr.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect();
    assert_eq!(kinds, vec![(3, 4, EventKind::Deactivate), (1, 2, EventKind::Slide), (1, 3, EventKind::Activate)]);
    let last = tr.segments().last().unwrap();
    assert_eq!(last.pattern().sliding, vec![(1, 2)], "still sliding on point 2 at the end");
    assert!(last.pattern().active[1].contains(&3));
    assert_eq!(contains_reference(&tr, &reference(&p)), 20.0);
}

/// Seed 167 of the `decided_net` bench: neuron 1's sliding mode on point 1 ends at t ≈ 12.4794
/// towards the inactive side (`slide-end`), and 3·10⁻⁴ later, while its guard is still leaving
/// the surface, neuron 0 deactivates point 0. The switch is proved with the leaving guard's rate
/// checked after it; the run is certified to t = 20 and contains the 256-bit reference.
#[test]
fn a_switch_while_another_guard_leaves_its_surface_is_proved_like_the_reference() {
    let p = bench_instance(
        &[&[8, 5], &[7, -5], &[7, -8], &[1, -9]],
        &[4, -10],
        &[&[4, -2], &[6, 2], &[9, -10], &[3, -10]],
        "1/1000",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let tail: Vec<_> = tr.events().iter().rev().take(2).map(|e| (e.neuron, e.point, e.kind)).collect();
    assert_eq!(tail, vec![(0, 0, EventKind::Deactivate), (1, 1, EventKind::SlideEnd)]);
    assert_eq!(contains_reference(&tr, &reference(&p)), 20.0);
}
