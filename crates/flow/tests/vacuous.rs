//! No vacuous certificates (`reluflow_flow::vacuous`): over generated trajectories whose bounds
//! are finite, infinite, empty or whole-line, a certified status never survives a non-finite
//! bound, the kept segments are a prefix of the original ones, a finite certified run is left
//! untouched, an empty enclosure is reported as an internal inconsistency (a bug, never "out of
//! range"), and an undecided run names its reason and `certified_until`. The cut run is a
//! trajectory (`Trajectory::from_parts` accepts it), and a certified one with a non-finite bound
//! is not.

use proptest::prelude::*;
use reluflow_arith::{Enclosure, Interval, Scalar};
use reluflow_flow::vacuous::all_finite;
use reluflow_flow::*;

/// 0: finite, 1: +inf above, 2: whole line, 3: empty.
fn value(kind: u8, at: f64) -> Interval {
    match kind {
        1 => Interval::from_f64_bounds(at, f64::INFINITY, &()),
        2 => Interval::entire(&()),
        3 => Interval::empty(&()),
        _ => Interval::from_f64_bounds(at, at + 0.5, &()),
    }
}

fn state(kinds: &[u8], at: f64) -> State<Interval> {
    State { w: vec![kinds.iter().map(|&k| value(k, at)).collect()], a: None }
}

fn trajectory(seg_kinds: &[(u8, u8, u8)], final_kind: u8, limit_kind: Option<u8>) -> TrajectoryParts<Interval> {
    let pattern = Pattern { active: vec![vec![0]], frozen: vec![false], sliding: Vec::new() };
    let segments: Vec<SegmentParts<Interval>> = seg_kinds
        .iter()
        .enumerate()
        .map(|(k, &(t, h, e))| SegmentParts {
            t_start: value(0, k as f64),
            t_end: value(t, k as f64 + 1.0),
            pattern: pattern.clone(),
            hull: state(&[0, h], k as f64),
            end: state(&[e, 0], k as f64),
        })
        .collect();
    let events = (0..segments.len().saturating_sub(1))
        .map(|k| Event { t: value(0, k as f64 + 1.0), point: 0, neuron: 0, kind: EventKind::Activate })
        .collect();
    let n = segments.len() as f64;
    TrajectoryParts {
        initial: state(&[0, 0], 0.0),
        segments,
        events,
        final_state: state(&[final_kind, 0], n),
        t_final: value(0, n),
        limit: limit_kind.map(|k| Limit {
            state: state(&[k, 0], 0.0),
            loss: value(0, 0.0),
            pattern: pattern.clone(),
            rate: None,
            on_hyperplane: Vec::new(),
        }),
        status: Status::Certified,
    }
}

fn kind() -> impl Strategy<Value = u8> {
    prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn certified_never_carries_a_non_finite_bound(
        segs in prop::collection::vec((kind(), kind(), kind()), 0..6),
        fin in kind(),
        lim in prop::option::of(kind()),
    ) {
        let tr = trajectory(&segs, fin, lim);
        let was_finite = all_finite(&tr);
        let before = tr.segments.clone();
        let out = tr.clone().without_vacuous_bounds();
        prop_assert!(out.segments.len() <= before.len());
        prop_assert_eq!(&out.segments[..], &before[..out.segments.len()]);
        let checked = Trajectory::from_parts(out.clone());
        prop_assert!(checked.is_ok(), "{:?}", checked);
        let refused = Trajectory::from_parts(tr.clone());
        prop_assert_eq!(refused.is_ok(), was_finite, "{:?}", refused);
        match &out.status {
            Status::Certified => {
                prop_assert!(was_finite);
                prop_assert!(all_finite(&out));
                prop_assert_eq!(&out, &tr);
            }
            Status::Undecided { reason, certified_until } => {
                prop_assert!(!was_finite);
                prop_assert!(out.limit.is_none());
                let empty = reluflow_flow::vacuous::any_empty(&tr);
                prop_assert_eq!(reason.is_inconsistency(), empty, "{}", reason);
                if !empty {
                    prop_assert!(reason.to_string().contains("infinite or NaN bound"));
                }
                prop_assert!(certified_until.is_finite());
                // Everything reported up to certified_until is finite.
                prop_assert!(out.segments.iter().all(|s| s.t_end.is_finite()));
                prop_assert!(out.t_final.is_finite() && out.final_state.w[0].iter().all(|v| v.is_finite() && !v.is_empty()));
            }
            Status::NotValidated => prop_assert!(false, "status changed kind"),
        }
    }
}

#[test]
fn undecided_and_not_validated_runs_are_left_alone() {
    let mut tr = trajectory(&[(1, 0, 0)], 0, None);
    tr.status = Status::NotValidated;
    assert_eq!(tr.clone().without_vacuous_bounds(), tr);
    let until = Interval::from_f64(0.5, &());
    tr.status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: until };
    assert_eq!(tr.clone().without_vacuous_bounds(), tr);
}
