//! Sliding modes entered, left and kept across a second surface.

use super::support::{BITS, bench_instance, contains_reference, reference};
use reluflow_arith::linalg::dot;
use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::field::{NetData, field};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{EventKind, Pattern, Status};

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

/// Seed 1157 of the `decided_net` bench: neuron 1 slides on point 2's surface from t ≈ 1.084 and,
/// sliding, meets point 1's surface at t ≈ 11.90, where the field beyond points back: it slides on
/// both, its velocity projected onto their intersection, each surface attracting for every
/// multiplier of the other (`proofs-notes/net-clarke-sliding.md`, "Two surfaces"). Neuron 0
/// switches while it does. At t ≈ 13.463 point 4 leaves neuron 1 and the mode on point 2 ends at
/// once (a case not analysed): the run stops there, undecided, everything before containing the
/// 256-bit reference, which slides on both surfaces too.
#[test]
fn a_sliding_neuron_meeting_a_second_attracting_surface_slides_on_both_like_the_reference() {
    let p = bench_instance(
        &[&[0, -5, 1, -8], &[0, 8, 7, 0], &[-5, -2, 0, 9], &[7, 0, 0, 4], &[5, 0, -3, 0]],
        &[4, 4, 1, 6],
        &[&[7, -6, 2, -4], &[9, 2, 7, 6], &[9, 2, 8, -5]],
        "1/10",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let kinds: Vec<_> = tr.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect();
    assert!(kinds.contains(&(1, 1, EventKind::Slide)), "{kinds:?}");
    let both = tr.segments().iter().filter(|s| s.pattern().sliding_points(1) == [1, 2]).count();
    assert!(both >= 2, "segments sliding on both surfaces: {both}");
    let until = contains_reference(&tr, &reference(&p));
    assert!(until > 13.4, "certified until {until}");
}
