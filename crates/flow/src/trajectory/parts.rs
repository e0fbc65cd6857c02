//! The fields of a [`Segment`] and a [`Trajectory`] as plain data: what an integrator assembles
//! and what code that transforms a trajectory edits. Only the checking constructors
//! ([`Segment::new`], [`Trajectory::from_parts`]) turn parts into values, so every `Segment` and
//! `Trajectory` satisfies the contract of [`super::contract`].

use super::contract::{self, TrajectoryError};
use super::{Event, Limit, Pattern, Segment, State, Status, Trajectory};
use reluflow_arith::Scalar;

/// The fields of a [`Segment`], unchecked.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentParts<S> {
    /// Enclosure of the start time.
    pub t_start: S,
    /// Enclosure of the end time.
    pub t_end: S,
    /// The activation pattern on the open interval between them.
    pub pattern: Pattern,
    /// Enclosure of the state for every time in the segment.
    pub hull: State<S>,
    /// Enclosure of the state at `t_end`.
    pub end: State<S>,
}

/// The fields of a [`Trajectory`], unchecked.
#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryParts<S> {
    /// The initial state (enclosure).
    pub initial: State<S>,
    /// Segments in time order; consecutive segments share their boundary time.
    pub segments: Vec<SegmentParts<S>>,
    /// Proved switches in time order.
    pub events: Vec<Event<S>>,
    /// Enclosure of the state at the last time reached.
    pub final_state: State<S>,
    /// The last time reached (enclosure).
    pub t_final: S,
    /// The limit, when `t_end = inf` and it was certified.
    pub limit: Option<Limit<S>>,
    /// How far it is certified.
    pub status: Status<S>,
}

impl<S: Scalar> Segment<S> {
    /// A segment from its parts, checked on its own: `hull` and `end` have one shape (`m`
    /// vectors of one length `d`, output weights for every neuron or for none), the pattern has
    /// `m` neurons, and the end time does not certainly precede the start time.
    ///
    /// # Errors
    /// [`TrajectoryError`] naming the first part that is wrong.
    pub fn new(parts: SegmentParts<S>) -> Result<Segment<S>, TrajectoryError> {
        contract::segment(&parts, &contract::Shape::of(&parts.hull), 0)?;
        Ok(Segment::assemble(parts))
    }

    /// The fields, for a transformation that builds a new segment from them.
    pub fn into_parts(self) -> SegmentParts<S> {
        SegmentParts { t_start: self.t_start, t_end: self.t_end, pattern: self.pattern, hull: self.hull, end: self.end }
    }

    fn assemble(p: SegmentParts<S>) -> Segment<S> {
        Segment { t_start: p.t_start, t_end: p.t_end, pattern: p.pattern, hull: p.hull, end: p.end }
    }
}

impl<S: Scalar> Trajectory<S> {
    /// A trajectory from its parts, checked against the contract every integrator promises
    /// (`contract::check`): one shape for every state and pattern, segments ordered and
    /// contiguous, events naming a neuron of the model, inside `[0, t_final]` and in time order,
    /// a point backend never certified, and a [`Status::Certified`] trajectory without an
    /// infinite, NaN or empty bound (cut such a run back first with
    /// [`TrajectoryParts::without_vacuous_bounds`]).
    ///
    /// # Errors
    /// [`TrajectoryError`] naming the first part that breaks the contract.
    pub fn from_parts(parts: TrajectoryParts<S>) -> Result<Trajectory<S>, TrajectoryError> {
        contract::check(&parts)?;
        let TrajectoryParts { initial, segments, events, final_state, t_final, limit, status } = parts;
        let segments = segments.into_iter().map(Segment::assemble).collect();
        Ok(Trajectory { initial, segments, events, final_state, t_final, limit, status })
    }

    /// The fields, for a transformation that builds a new trajectory from them.
    pub fn into_parts(self) -> TrajectoryParts<S> {
        TrajectoryParts {
            initial: self.initial,
            segments: self.segments.into_iter().map(Segment::into_parts).collect(),
            events: self.events,
            final_state: self.final_state,
            t_final: self.t_final,
            limit: self.limit,
            status: self.status,
        }
    }

    /// This trajectory changed by `f`, checked again as by [`Trajectory::from_parts`].
    ///
    /// # Errors
    /// [`TrajectoryError`] when the changed parts break the contract.
    pub fn edit(self, f: impl FnOnce(&mut TrajectoryParts<S>)) -> Result<Trajectory<S>, TrajectoryError> {
        let mut parts = self.into_parts();
        f(&mut parts);
        Trajectory::from_parts(parts)
    }
}
