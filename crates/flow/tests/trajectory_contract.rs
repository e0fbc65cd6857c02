//! The trajectory contract (`Trajectory::from_parts`, `Segment::new`, `Trajectory::check_problem`):
//! a valid trajectory is accepted, and each kind of violation is refused with the error that names
//! it.

use reluflow_arith::{Enclosure, Interval};
use reluflow_flow::*;

fn iv(lo: f64, hi: f64) -> Interval {
    Interval::from_f64_bounds(lo, hi, &())
}

fn st(v: f64) -> State<Interval> {
    State { w: vec![vec![iv(v, v); 2]], a: None }
}

fn pattern() -> Pattern {
    Pattern { active: vec![vec![0]], frozen: vec![false], sliding: Vec::new() }
}

fn seg(a: f64, b: f64) -> SegmentParts<Interval> {
    SegmentParts { t_start: iv(a, a), t_end: iv(b, b), pattern: pattern(), hull: st(1.0), end: st(1.0) }
}

/// Two segments `[0, 1]`, `[1, 2]` with a switch at `t ∈ [0.9, 1.1]`: certified, valid.
fn valid() -> TrajectoryParts<Interval> {
    TrajectoryParts {
        initial: st(1.0),
        segments: vec![seg(0.0, 1.0), seg(1.0, 2.0)],
        events: vec![Event { t: iv(0.9, 1.1), point: 0, neuron: 0, kind: EventKind::Activate }],
        final_state: st(1.0),
        t_final: iv(2.0, 2.0),
        limit: None,
        status: Status::Certified,
    }
}

fn refused(f: impl FnOnce(&mut TrajectoryParts<Interval>)) -> TrajectoryError {
    let mut p = valid();
    f(&mut p);
    Trajectory::from_parts(p).expect_err("a violation must be refused")
}

#[test]
fn a_valid_trajectory_is_accepted_and_round_trips() {
    let t = Trajectory::from_parts(valid()).unwrap();
    assert_eq!(t.segments().len(), 2);
    assert_eq!(t.clone().into_parts(), valid());
    assert_eq!(t.clone().edit(|_| ()).unwrap(), t);
}

#[test]
fn states_and_patterns_of_another_shape_are_refused() {
    let shape = |e: TrajectoryError, place: &str| match e {
        TrajectoryError::Shape { place: p, .. } => assert_eq!(p, place),
        e => panic!("{e}"),
    };
    shape(refused(|p| p.initial.w.push(vec![iv(0.0, 0.0)])), "initial state");
    shape(refused(|p| p.segments[1].hull.w[0].pop().map(drop).unwrap()), "segment 1 hull");
    shape(refused(|p| p.segments[0].end.a = Some(vec![iv(0.0, 0.0)])), "segment 0 end");
    shape(refused(|p| p.segments[1].pattern.frozen.push(true)), "segment 1");
    shape(refused(|p| p.segments[0].pattern.sliding.push((1, 0))), "segment 0");
    shape(refused(|p| p.final_state.w.push(vec![iv(0.0, 0.0); 2])), "final state");
    let limit = Limit { state: st(1.0), loss: iv(0.0, 0.0), pattern: pattern(), rate: None, on_hyperplane: vec![] };
    shape(refused(|p| p.limit = Some(Limit { state: State { w: vec![], a: None }, ..limit.clone() })), "limit");
    let e = refused(|p| p.limit = Some(Limit { pattern: Pattern { active: vec![], ..pattern() }, ..limit }));
    shape(e, "limit");
    // A segment on its own, too.
    let bad = SegmentParts { end: State { w: vec![vec![iv(0.0, 0.0)]], a: None }, ..seg(0.0, 1.0) };
    assert!(matches!(Segment::new(bad), Err(TrajectoryError::Shape { .. })));
    assert!(Segment::new(seg(0.0, 1.0)).is_ok());
}

#[test]
fn segment_times_must_be_ordered_and_contiguous() {
    assert_eq!(refused(|p| p.segments[1] = seg(2.0, 1.0)), TrajectoryError::Reversed { segment: 1 });
    assert!(matches!(Segment::new(seg(1.0, 0.5)), Err(TrajectoryError::Reversed { segment: 0 })));
    assert_eq!(refused(|p| p.segments[1] = seg(1.5, 2.0)), TrajectoryError::Gap { segment: 1 });
    // Overlapping enclosures of the boundary time are contiguous; disjoint ones are a gap.
    let mut p = valid();
    p.segments[0].t_end = iv(0.9, 1.1);
    assert!(Trajectory::from_parts(p).is_ok());
    assert_eq!(refused(|p| p.segments[0].t_end = iv(0.5, 0.9)), TrajectoryError::Gap { segment: 1 });
}

#[test]
fn events_name_a_neuron_lie_in_the_range_reached_and_come_in_order() {
    let e = refused(|p| p.events[0].neuron = 1);
    assert_eq!(e, TrajectoryError::EventNeuron { event: 0, neuron: 1, m: 1 });
    assert_eq!(refused(|p| p.events[0].t = iv(2.5, 3.0)), TrajectoryError::EventOutside { event: 0 });
    assert_eq!(refused(|p| p.events[0].t = iv(-1.0, -0.5)), TrajectoryError::EventOutside { event: 0 });
    let later = Event { t: iv(0.2, 0.3), point: 0, neuron: 0, kind: EventKind::Deactivate };
    assert_eq!(refused(|p| p.events.push(later)), TrajectoryError::EventsUnordered { event: 1 });
    // Overlapping time enclosures (simultaneous switches) are not out of order.
    let mut p = valid();
    p.events.push(Event { t: iv(1.0, 1.2), point: 0, neuron: 0, kind: EventKind::Deactivate });
    assert!(Trajectory::from_parts(p).is_ok());
}

#[test]
fn a_certified_trajectory_carries_no_infinite_nan_or_empty_bound() {
    let vacuous = |e: TrajectoryError, place: &str| match e {
        TrajectoryError::VacuousBound { place: p } => assert_eq!(p, place),
        e => panic!("{e}"),
    };
    vacuous(refused(|p| p.segments[1].hull.w[0][0] = Interval::ENTIRE), "segment 1");
    vacuous(refused(|p| p.segments[0].end.w[0][1] = Interval::empty(&())), "segment 0");
    vacuous(refused(|p| p.initial.w[0][0] = iv(0.0, f64::INFINITY)), "the initial state");
    vacuous(refused(|p| p.events[0].t = Interval::ENTIRE), "event 0");
    vacuous(refused(|p| p.t_final = iv(2.0, f64::INFINITY)), "the final state");
    let limit = Limit { state: st(1.0), loss: Interval::ENTIRE, pattern: pattern(), rate: None, on_hyperplane: vec![] };
    vacuous(refused(|p| p.limit = Some(limit)), "the limit");
    // The same bounds in an undecided run are not a claim: accepted (certified only up to 1).
    let mut p = valid();
    p.segments[1].hull.w[0][0] = Interval::ENTIRE;
    p.status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: iv(1.0, 1.0) };
    assert!(Trajectory::from_parts(p).is_ok());
}

#[test]
fn only_a_tail_towards_a_certified_limit_may_end_at_infinity() {
    let limit = Limit { state: st(1.0), loss: iv(0.0, 0.0), pattern: pattern(), rate: None, on_hyperplane: vec![] };
    let tail = SegmentParts { t_end: iv(3.0, f64::INFINITY), ..seg(2.0, 2.0) };
    let mut p = valid();
    p.segments.push(tail.clone());
    p.limit = Some(limit);
    assert!(Trajectory::from_parts(p.clone()).is_ok());
    // Without the limit, or not starting at the final time, it is a vacuous bound.
    let mut q = p.clone();
    q.limit = None;
    assert!(matches!(Trajectory::from_parts(q), Err(TrajectoryError::VacuousBound { .. })));
    // Nor may a segment before the last.
    let mut q = p;
    q.segments = vec![seg(0.0, 1.0), SegmentParts { t_end: iv(1.5, f64::INFINITY), ..seg(1.0, 1.0) }, seg(2.0, 2.0)];
    q.events.clear();
    let e = Trajectory::from_parts(q);
    assert_eq!(e, Err(TrajectoryError::VacuousBound { place: "segment 1".into() }));
}

#[test]
fn a_point_backend_never_certifies() {
    let pt = |v: f64| State { w: vec![vec![v]], a: None };
    let parts = |status| TrajectoryParts::<f64> {
        initial: pt(1.0),
        segments: vec![SegmentParts { t_start: 0.0, t_end: 1.0, pattern: pattern(), hull: pt(1.0), end: pt(0.5) }],
        events: vec![],
        final_state: pt(0.5),
        t_final: 1.0,
        limit: None,
        status,
    };
    assert!(Trajectory::from_parts(parts(Status::NotValidated)).is_ok());
    assert_eq!(Trajectory::from_parts(parts(Status::Certified)), Err(TrajectoryError::PointCertified));
    let undecided = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: 0.5 };
    assert_eq!(Trajectory::from_parts(parts(undecided)), Err(TrajectoryError::PointCertified));
    // A point run's times are compared as numbers: a gap is a gap.
    let mut gap = parts(Status::NotValidated);
    gap.segments.push(SegmentParts { t_start: 1.5, t_end: 2.0, pattern: pattern(), hull: pt(0.5), end: pt(0.5) });
    assert_eq!(Trajectory::from_parts(gap), Err(TrajectoryError::Gap { segment: 1 }));
}

#[test]
fn the_problem_check_names_what_does_not_fit() {
    use reluflow_arith::exact::parse_exact;
    use reluflow_model::*;
    let q = |s: &str| parse_exact(s).unwrap();
    // Two points in d = 2, one neuron.
    let data = Data::new(vec![vec![q("1"), q("0")], vec![q("0"), q("1")]], Labels::Given(vec![q("1"), q("0")]));
    let run = RunConfig { t_end: Horizon::Finite(q("2")), arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("1"), q("1")] };
    let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data.unwrap(), init, run);
    let p = p.unwrap();
    let t = Trajectory::from_parts(valid()).unwrap();
    assert_eq!(t.check_problem(&p), Ok(()));
    let problem = |t: Trajectory<Interval>| match t.check_problem(&p) {
        Err(TrajectoryError::Problem { place, what }) => format!("{place}: {what}"),
        other => panic!("{other:?}"),
    };
    let wide = |p: &mut TrajectoryParts<Interval>| {
        for s in [&mut p.initial, &mut p.final_state]
            .into_iter()
            .chain(p.segments.iter_mut().flat_map(|s| [&mut s.hull, &mut s.end]))
        {
            s.w[0].push(iv(0.0, 0.0));
        }
    };
    assert_eq!(problem(t.clone().edit(wide).unwrap()), "initial state: w is not 1 × 2");
    let two_layer = |p: &mut TrajectoryParts<Interval>| {
        for s in [&mut p.initial, &mut p.final_state]
            .into_iter()
            .chain(p.segments.iter_mut().flat_map(|s| [&mut s.hull, &mut s.end]))
        {
            s.a = Some(vec![iv(1.0, 1.0)]);
        }
    };
    assert_eq!(problem(t.clone().edit(two_layer).unwrap()), "initial state: output weights do not match the model");
    let e = problem(t.clone().edit(|p| p.segments[1].pattern.active[0] = vec![0, 2]).unwrap());
    assert_eq!(e, "segment 1: pattern names a point beyond the 2 points");
    assert_eq!(problem(t.clone().edit(|p| p.events[0].point = 5).unwrap()), "event 0: names point 5 of 2");
}
