//! The contract of a [`Trajectory`](super::Trajectory), checked by its constructors: what holds
//! for every trajectory value, whoever built it. What only the problem knows (`n`, `d`, `m`, the
//! model) is checked by [`Trajectory::check_problem`](super::Trajectory::check_problem).

use super::parts::{SegmentParts, TrajectoryParts};
use super::{Pattern, State, Status};
use reluflow_arith::{Guarantee, Scalar};

/// What is wrong with the parts of a trajectory or a segment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrajectoryError {
    /// A state or a pattern does not have the trajectory's shape (that of its initial state).
    #[error("{place}: {what}")]
    Shape {
        /// Which part (`"segment 2 hull"`, `"limit"`, …).
        place: String,
        /// What does not match.
        what: String,
    },
    /// A segment's end time certainly precedes its start time.
    #[error("segment {segment} ends before it starts")]
    Reversed {
        /// The segment.
        segment: usize,
    },
    /// A segment does not start where the one before it ends.
    #[error("segment {segment} does not start where segment {} ends", segment - 1)]
    Gap {
        /// The later segment.
        segment: usize,
    },
    /// An event names a neuron the trajectory does not have.
    #[error("event {event} names neuron {neuron} of a model with {m} neurons")]
    EventNeuron {
        /// The event.
        event: usize,
        /// The neuron it names.
        neuron: usize,
        /// The number of neurons.
        m: usize,
    },
    /// An event's time lies certainly outside `[0, t_final]`.
    #[error("event {event} lies outside the times reached [0, t_final]")]
    EventOutside {
        /// The event.
        event: usize,
    },
    /// An event certainly precedes the one listed before it.
    #[error("event {event} comes before event {}", event - 1)]
    EventsUnordered {
        /// The later event in the list.
        event: usize,
    },
    /// A point (non-validated) backend with a status other than not-validated.
    #[error("a point (non-validated) arithmetic cannot certify anything: its status must be not-validated")]
    PointCertified,
    /// A certified trajectory with an infinite, NaN or empty bound, which certifies nothing there.
    #[error("a certified trajectory carries an infinite, NaN or empty bound at {place}")]
    VacuousBound {
        /// Where.
        place: String,
    },
    /// The trajectory does not fit the problem it claims to solve.
    #[error("{place}: {what}")]
    Problem {
        /// Which part (`"initial state"`, `"segment 3"`, `"event 0"`, …).
        place: String,
        /// What does not match the problem.
        what: String,
    },
}

/// The shape every state of one trajectory has: `m` neurons of dimension `d`, with output weights
/// (two-layer) or without (single neuron).
pub(super) struct Shape {
    pub m: usize,
    pub d: usize,
    pub two_layer: bool,
}

impl Shape {
    /// The shape of `s` (its first row gives `d`).
    pub fn of<S>(s: &State<S>) -> Shape {
        Shape { m: s.w.len(), d: s.w.first().map_or(0, Vec::len), two_layer: s.a.is_some() }
    }

    fn state<S>(&self, s: &State<S>, place: impl Fn() -> String) -> Result<(), TrajectoryError> {
        let Shape { m, d, two_layer } = *self;
        let bad = |what: String| Err(TrajectoryError::Shape { place: place(), what });
        if s.w.len() != m || s.w.iter().any(|r| r.len() != d) {
            return bad(format!("w is not {m} × {d}"));
        }
        match &s.a {
            Some(a) if two_layer && a.len() == m => Ok(()),
            None if !two_layer => Ok(()),
            _ => bad("output weights do not match the model".into()),
        }
    }

    fn pattern(&self, p: &Pattern, place: impl Fn() -> String) -> Result<(), TrajectoryError> {
        let m = self.m;
        if p.active.len() != m || p.frozen.len() != m || p.sliding.iter().any(|&(j, _)| j >= m) {
            return Err(TrajectoryError::Shape { place: place(), what: format!("pattern does not match {m} neurons") });
        }
        Ok(())
    }
}

/// Segment `k` on its own: its states and pattern have `shape`, its times are ordered.
pub(super) fn segment<S: Scalar>(s: &SegmentParts<S>, shape: &Shape, k: usize) -> Result<(), TrajectoryError> {
    shape.state(&s.hull, || format!("segment {k} hull"))?;
    shape.state(&s.end, || format!("segment {k} end"))?;
    shape.pattern(&s.pattern, || format!("segment {k}"))?;
    if s.t_end.certainly_lt(&s.t_start) {
        return Err(TrajectoryError::Reversed { segment: k });
    }
    Ok(())
}

/// Do two enclosures of one boundary time overlap (for points: are they equal)?
fn meets<S: Scalar>(a: &S, b: &S) -> bool {
    !a.certainly_lt(b) && !b.certainly_lt(a)
}

/// The whole contract (see [`Trajectory::from_parts`](super::Trajectory::from_parts)).
pub(super) fn check<S: Scalar>(p: &TrajectoryParts<S>) -> Result<(), TrajectoryError> {
    let shape = Shape::of(&p.initial);
    shape.state(&p.initial, || "initial state".into())?;
    for (k, s) in p.segments.iter().enumerate() {
        segment(s, &shape, k)?;
        if k > 0 && !meets(&p.segments[k - 1].t_end, &s.t_start) {
            return Err(TrajectoryError::Gap { segment: k });
        }
    }
    shape.state(&p.final_state, || "final state".into())?;
    if let Some(l) = &p.limit {
        shape.state(&l.state, || "limit".into())?;
        shape.pattern(&l.pattern, || "limit".into())?;
    }
    events(p, shape.m)?;
    status(p)
}

fn events<S: Scalar>(p: &TrajectoryParts<S>, m: usize) -> Result<(), TrajectoryError> {
    for (k, e) in p.events.iter().enumerate() {
        if e.neuron >= m {
            return Err(TrajectoryError::EventNeuron { event: k, neuron: e.neuron, m });
        }
        if e.t.certainly_neg() || p.t_final.certainly_lt(&e.t) {
            return Err(TrajectoryError::EventOutside { event: k });
        }
        if k > 0 && e.t.certainly_lt(&p.events[k - 1].t) {
            return Err(TrajectoryError::EventsUnordered { event: k });
        }
    }
    Ok(())
}

fn status<S: Scalar>(p: &TrajectoryParts<S>) -> Result<(), TrajectoryError> {
    match p.status {
        Status::NotValidated => Ok(()),
        _ if S::GUARANTEE == Guarantee::Approximate => Err(TrajectoryError::PointCertified),
        Status::Certified => match first_vacuous(p) {
            Some(place) => Err(TrajectoryError::VacuousBound { place }),
            None => Ok(()),
        },
        Status::Undecided { .. } => Ok(()),
    }
}

/// Where a certified trajectory first carries a bound that is infinite, NaN or empty
/// (`Scalar::is_finite` is false for all three). The one exception is a *tail*: a last segment
/// `[T, ∞)` that starts at the final time `T` of a run with a certified limit (the checker's
/// single-neuron tail), whose end time has a finite lower and an infinite upper end.
pub(crate) fn first_vacuous<S: Scalar>(p: &TrajectoryParts<S>) -> Option<String> {
    let state = |s: &State<S>| s.w.iter().flatten().chain(s.a.iter().flatten()).all(S::is_finite);
    if !state(&p.initial) {
        return Some("the initial state".into());
    }
    let last = p.segments.len().saturating_sub(1);
    for (k, s) in p.segments.iter().enumerate() {
        let tail = k == last
            && p.limit.is_some()
            && meets(&s.t_start, &p.t_final)
            && s.t_end.lower_f64().is_finite()
            && s.t_end.upper_f64() == f64::INFINITY;
        let ok = s.t_start.is_finite() && (s.t_end.is_finite() || tail) && state(&s.hull) && state(&s.end);
        if !ok {
            return Some(format!("segment {k}"));
        }
    }
    if let Some(k) = p.events.iter().position(|e| !e.t.is_finite()) {
        return Some(format!("event {k}"));
    }
    if !state(&p.final_state) || !p.t_final.is_finite() {
        return Some("the final state".into());
    }
    match &p.limit {
        Some(l) if !state(&l.state) || !l.loss.is_finite() => Some("the limit".into()),
        _ => None,
    }
}

impl<S: Scalar> super::Trajectory<S> {
    /// Does this trajectory fit `problem`: `m` neurons of dimension `d`, output weights exactly
    /// for the two-layer model, and patterns and events naming only its `n` points? The one check
    /// of a trajectory against its problem, shared by the binary (before reporting a run) and the
    /// checker (before indexing the data by a trajectory's patterns).
    ///
    /// # Errors
    /// [`TrajectoryError::Problem`] naming the first part that does not fit.
    pub fn check_problem(&self, problem: &reluflow_model::Problem) -> Result<(), TrajectoryError> {
        let (n, d, m) = (problem.data().n(), problem.data().d(), problem.init().width());
        let two_layer = problem.model() == reluflow_model::ModelKind::TwoLayer;
        let bad = |place: String, what: String| Err(TrajectoryError::Problem { place, what });
        // Every state has the initial state's shape (`from_parts`), so the initial state speaks for all.
        let shape = Shape::of(self.initial());
        if shape.m != m || (m > 0 && shape.d != d) {
            return bad("initial state".into(), format!("w is not {m} × {d}"));
        }
        if shape.two_layer != two_layer {
            return bad("initial state".into(), "output weights do not match the model".into());
        }
        let beyond = |p: &Pattern| p.active.iter().flatten().chain(p.sliding.iter().map(|(_, i)| i)).any(|&i| i >= n);
        let what = || format!("pattern names a point beyond the {n} points");
        if let Some(k) = self.segments().iter().position(|s| beyond(s.pattern())) {
            return bad(format!("segment {k}"), what());
        }
        if self.limit().is_some_and(|l| beyond(&l.pattern)) {
            return bad("limit".into(), what());
        }
        if let Some(k) = self.events().iter().position(|e| e.point >= n) {
            return bad(format!("event {k}"), format!("names point {} of {n}", self.events()[k].point));
        }
        Ok(())
    }
}
