//! What an integrator returns: segments with enclosures over whole time intervals, events, and a
//! status that says how far the result is certified.
//!
//! **Invariant**: for an [`Enclosure`](reluflow_arith::Enclosure) backend, a `Trajectory` with
//! status [`Status::Certified`] contains the exact flow over `[0, t_end]`: for every segment,
//! every `t` in `[t_start, t_end]` of that segment has its exact state inside `hull`, and the exact
//! state at the segment's end time lies in `end`. An [`Status::Undecided`] trajectory makes the
//! same promise up to `certified_until` only. Point backends make no promise (reference runs).
//!
//! **Invariant** (the contract, `contract.rs`): a `Trajectory` or `Segment` exists only through
//! its checking constructors ([`Trajectory::from_parts`], [`Segment::new`]); the fields are
//! private and read through accessors of the same names. Every state and pattern has the shape of
//! the initial state, segments are ordered and contiguous, events name a neuron of the model and
//! lie in `[0, t_final]` in time order, a point backend is never certified, and a certified
//! trajectory carries no infinite, NaN or empty bound (but the end time `+∞` of a tail `[T, ∞)`
//! towards its certified limit). Code that transforms a trajectory edits its
//! [`TrajectoryParts`] ([`Trajectory::edit`]) and the result is checked again.

use reluflow_arith::Scalar;

mod contract;
mod parts;

pub use contract::TrajectoryError;
pub(crate) use contract::first_vacuous;
pub use parts::{SegmentParts, TrajectoryParts};

/// The parameters of the network at one time (or enclosing a set of times).
#[derive(Clone, Debug, PartialEq)]
pub struct State<S> {
    /// Hidden weights, one vector of length `d` per neuron (`m = 1` for the single neuron).
    pub w: Vec<Vec<S>>,
    /// Output weights, one per neuron; `None` for the single neuron (no output layer).
    pub a: Option<Vec<S>>,
}

impl<S: Scalar> State<S> {
    /// Number of hidden neurons.
    pub fn width(&self) -> usize {
        self.w.len()
    }
}

/// Which points each neuron sees as active (`w_jᵀx_i > 0`, or `≥ 0` with σ'(0) = 1) during a
/// segment, and which neurons are frozen (dead: no active point, field identically zero).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// For each neuron, the sorted indices of its active points.
    pub active: Vec<Vec<usize>>,
    /// For each neuron, whether it is frozen for good (certified death).
    pub frozen: Vec<bool>,
    /// Pairs `(j, i)` along which the segment *slides* (two-layer, `[run] solution = "clarke"`):
    /// `w_j` stays on point `i`'s hyperplane `x_iᵀw_j = 0` (`i` is not in `active[j]`), and its
    /// velocity is the one of this pattern projected onto the hyperplane,
    /// `ẇ_j = Π_i ẇ_j^{pattern}` with `Π_i = I − x_i x_iᵀ/‖x_i‖²` — the Filippov sliding field of the
    /// Clarke subgradient flow (`proofs-notes/net-clarke-sliding.md`). At most two points per
    /// neuron, not parallel: on two surfaces `w_j` stays on both, its velocity projected onto their
    /// intersection. Empty for the fixed-σ'(0) flow and the single neuron.
    pub sliding: Vec<(usize, usize)>,
}

impl Pattern {
    /// The (first) point neuron `j` slides on, if any.
    pub fn sliding_point(&self, j: usize) -> Option<usize> {
        self.sliding.iter().find(|&&(jj, _)| jj == j).map(|&(_, i)| i)
    }
    /// Every point neuron `j` slides on (none, one or two).
    pub fn sliding_points(&self, j: usize) -> Vec<usize> {
        self.sliding.iter().filter(|&&(jj, _)| jj == j).map(|&(_, i)| i).collect()
    }
}

/// A time interval on which the activation pattern is constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment<S> {
    /// Enclosure of the start time.
    t_start: S,
    /// Enclosure of the end time.
    t_end: S,
    /// The activation pattern on the open interval between them.
    pattern: Pattern,
    /// Enclosure of the state for every time in the segment.
    hull: State<S>,
    /// Enclosure of the state at `t_end`.
    end: State<S>,
}

impl<S> Segment<S> {
    /// Enclosure of the start time.
    pub fn t_start(&self) -> &S {
        &self.t_start
    }
    /// Enclosure of the end time.
    pub fn t_end(&self) -> &S {
        &self.t_end
    }
    /// The activation pattern on the open interval between the two times.
    pub fn pattern(&self) -> &Pattern {
        &self.pattern
    }
    /// Enclosure of the state for every time in the segment.
    pub fn hull(&self) -> &State<S> {
        &self.hull
    }
    /// Enclosure of the state at [`Segment::t_end`].
    pub fn end(&self) -> &State<S> {
        &self.end
    }
}

/// What happens at an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Point `point` enters neuron `neuron`'s active half-space.
    Activate,
    /// Point `point` leaves neuron `neuron`'s active half-space.
    Deactivate,
    /// Neuron `neuron`'s last active point (`point`) reached its hyperplane: the neuron stops
    /// exactly on the surface and stays frozen.
    Death,
    /// Neuron `neuron` reaches point `point`'s hyperplane, where the field points into it from
    /// both sides, and slides along it (`[run] solution = "clarke"`, `Pattern::sliding`).
    Slide,
    /// Neuron `neuron` stops sliding along point `point`'s hyperplane and leaves it to the inactive
    /// side (the active side's field still points into it, the inactive side's no longer does):
    /// no active set changes. Leaving to the active side is an [`EventKind::Activate`].
    SlideEnd,
}

impl EventKind {
    /// The name used in reports and JSON (`"activate"`, `"deactivate"`, `"death"`, `"slide"`,
    /// `"slide-end"`).
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Activate => "activate",
            EventKind::Deactivate => "deactivate",
            EventKind::Death => "death",
            EventKind::Slide => "slide",
            EventKind::SlideEnd => "slide-end",
        }
    }
}

/// A proved activation switch.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<S> {
    /// Enclosure of the switching time.
    pub t: S,
    /// The data point (0-based).
    pub point: usize,
    /// The neuron (0-based; 0 for the single neuron).
    pub neuron: usize,
    /// What happens.
    pub kind: EventKind,
}

/// Why a run could not be certified further.
#[derive(Clone, Debug, PartialEq)]
pub enum UndecidedReason {
    /// A guard's enclosure touches zero with a derivative enclosure containing zero: the
    /// trajectory may touch a switching surface without crossing it.
    Grazing {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// The field points into the surface from both sides (Filippov sliding), or the state lies on
    /// a surface where the continuation is not unique.
    Sliding {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// A sliding mode (`[run] solution = "clarke"`) may end here: the field on one side of the
    /// surface may stop pointing into it (its multiplier may leave `[0, 1]`), and neither that it
    /// goes on attracting nor a transversal exit ([`EventKind::SlideEnd`], or an `Activate`) was
    /// proved.
    SlidingMayEnd {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// The trajectory starts or stays on a switching surface where the flow is not unique.
    NonUnique {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// Two switches whose time enclosures overlap and could not be separated or ordered.
    SimultaneousSwitches {
        /// `(neuron, point)` pairs involved.
        pairs: Vec<(usize, usize)>,
    },
    /// Enclosures became too wide for the proof to go on at this precision.
    PrecisionExhausted {
        /// Width of the widest enclosure when the run stopped.
        width: f64,
    },
    /// The step size fell below its floor without validating a step.
    StepUnderflow,
    /// A budget (steps, events, wall time) ran out.
    Budget {
        /// Which budget.
        what: String,
    },
    /// Another reason, stated in words.
    Other(String),
    /// The run was stopped from outside (Ctrl-C, through a cancelled [`crate::monitor::Monitor`]):
    /// everything up to `certified_until` is certified as usual, nothing after it was attempted.
    Interrupted,
    /// **A bug, not a limit of the method**: two enclosures of one exact value did not meet (one
    /// of them is not an enclosure). The run stopped at the last consistent point
    /// (`certified_until`); nothing after it is reported. The binary reports this as an internal
    /// error (exit 70), never as an answer (`proofs-notes/defence-in-depth.md`).
    Inconsistent(reluflow_arith::Inconsistency),
}

impl UndecidedReason {
    /// Is this an internal inconsistency (a bug) rather than a limit of the proof?
    pub fn is_inconsistency(&self) -> bool {
        matches!(self, UndecidedReason::Inconsistent(_))
    }
}

impl From<reluflow_arith::Inconsistency> for UndecidedReason {
    fn from(e: reluflow_arith::Inconsistency) -> Self {
        UndecidedReason::Inconsistent(e)
    }
}

impl std::fmt::Display for UndecidedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UndecidedReason::Grazing { neuron, point } => write!(
                f,
                "grazing: neuron {neuron} may touch the hyperplane of point {point} without crossing it (guard derivative not bounded away from 0)"
            ),
            UndecidedReason::Sliding { neuron, point } => write!(
                f,
                "sliding: the field of neuron {neuron} points into the hyperplane of point {point} from both sides"
            ),
            UndecidedReason::SlidingMayEnd { neuron, point } => write!(
                f,
                "sliding may end: neuron {neuron} slides along the hyperplane of point {point} and the field on one side may stop pointing into it (neither its persistence nor a transversal exit was proved)"
            ),
            UndecidedReason::NonUnique { neuron, point } => write!(
                f,
                "non-unique continuation: neuron {neuron} lies on the hyperplane of point {point}, where the flow is not unique"
            ),
            UndecidedReason::SimultaneousSwitches { pairs } => {
                write!(f, "simultaneous switches that could not be separated: ")?;
                for (k, (j, i)) in pairs.iter().enumerate() {
                    if k > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "(neuron {j}, point {i})")?;
                }
                Ok(())
            }
            UndecidedReason::PrecisionExhausted { width } => {
                write!(
                    f,
                    "precision exhausted: enclosures reached width {width:e}, too wide for the proof to go on at this precision"
                )
            }
            UndecidedReason::StepUnderflow => write!(f, "step size underflow: no step could be validated"),
            UndecidedReason::Budget { what } => write!(f, "budget exhausted: {what}"),
            UndecidedReason::Other(s) => write!(f, "{s}"),
            UndecidedReason::Interrupted => write!(f, "interrupted by the user"),
            UndecidedReason::Inconsistent(e) => write!(f, "{e} (a bug: please report it with the problem file)"),
        }
    }
}

/// How far a trajectory is certified.
#[derive(Clone, Debug, PartialEq)]
pub enum Status<S> {
    /// Certified over the whole requested horizon (and the limit, if one was asked for).
    Certified,
    /// Certified only up to `certified_until`.
    Undecided {
        /// Why the proof stopped.
        reason: UndecidedReason,
        /// The time up to which everything reported is certified (a lower bound).
        certified_until: S,
    },
    /// A non-validated run (point arithmetic): nothing is certified.
    NotValidated,
}

/// The limit `t → ∞`, when it was certified.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit<S> {
    /// Enclosure of the limit state.
    pub state: State<S>,
    /// Enclosure of the limit loss.
    pub loss: S,
    /// The activation pattern from the last event on (it never changes again).
    pub pattern: Pattern,
    /// A certified rate of convergence of the loss, when the proof gives one.
    pub rate: Option<LossRate>,
    /// `(neuron, point)` pairs active in `pattern` whose limit lies exactly on the point's
    /// hyperplane (`x_iᵀw(∞) = 0`, proved exactly) while the guard is proved positive at every
    /// finite time: the pattern never changes, the guard only tends to 0.
    pub on_hyperplane: Vec<(usize, usize)>,
}

/// A certified exponential bound on the loss: `L(t) ≤ loss0 · e^{−2μ(t − t0)}` for every `t ≥ t0`
/// (the two-layer limit's Polyak–Łojasiewicz proof, `proofs-notes/net-limit-pl.md`). All three
/// numbers are rounded so that the bound is weaker than the proved one (`t0`, `loss0` up, `mu`
/// down).
#[derive(Clone, Debug, PartialEq)]
pub struct LossRate {
    /// The time from which the bound holds.
    pub t0: f64,
    /// The loss at `t0` (upper bound).
    pub loss0: f64,
    /// The rate constant `μ > 0` (lower bound).
    pub mu: f64,
}

impl LossRate {
    /// A time from which `L(t) ≤ target`: `t0 + ln(loss0/target)/(2μ)` rounded up (`t0` when
    /// `loss0 ≤ target`; `None` for `target ≤ 0` or a non-finite result).
    pub fn time_to_loss(&self, target: f64) -> Option<f64> {
        use reluflow_arith::{Interval, Scalar};
        if self.loss0 <= target {
            return Some(self.t0);
        }
        if target.is_nan() || target <= 0.0 || self.mu <= 0.0 {
            return None;
        }
        let pt = |v: f64| Interval::from_f64(v, &());
        // `Scalar::ln`, not inari's inherent `ln`: the backend's operation (fault injection reaches it).
        let dt = Scalar::ln(&pt(self.loss0).div(&pt(target))).div(&pt(self.mu).mul_2si(1));
        let t = pt(self.t0).add(&dt).upper_f64();
        t.is_finite().then_some(t)
    }
}

/// A whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory<S> {
    /// The initial state (enclosure).
    initial: State<S>,
    /// Segments in time order; consecutive segments share their boundary time.
    segments: Vec<Segment<S>>,
    /// Proved switches in time order.
    events: Vec<Event<S>>,
    /// Enclosure of the state at the last time reached.
    final_state: State<S>,
    /// The last time reached (enclosure).
    t_final: S,
    /// The limit, when `t_end = inf` and it was certified.
    limit: Option<Limit<S>>,
    /// How far it is certified.
    status: Status<S>,
}

impl<S> Trajectory<S> {
    /// The initial state (enclosure).
    pub fn initial(&self) -> &State<S> {
        &self.initial
    }
    /// Segments in time order; consecutive segments share their boundary time.
    pub fn segments(&self) -> &[Segment<S>] {
        &self.segments
    }
    /// Proved switches in time order.
    pub fn events(&self) -> &[Event<S>] {
        &self.events
    }
    /// Enclosure of the state at the last time reached.
    pub fn final_state(&self) -> &State<S> {
        &self.final_state
    }
    /// The last time reached (enclosure).
    pub fn t_final(&self) -> &S {
        &self.t_final
    }
    /// The limit, when `t_end = inf` and it was certified.
    pub fn limit(&self) -> Option<&Limit<S>> {
        self.limit.as_ref()
    }
    /// How far it is certified.
    pub fn status(&self) -> &Status<S> {
        &self.status
    }
}
