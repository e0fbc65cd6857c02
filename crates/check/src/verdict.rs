//! Three-valued answers: [`Verdict`] for a conclusion along a trajectory, [`Truth`] for a
//! hypothesis on an instance, and the [`Witness`] that backs a violation.

use reluflow_arith::exact::{Dir, bound_decimal};
use reluflow_arith::{Inconsistency, Scalar};
use std::fmt;

/// Where a witness (or a proof step) lives in a trajectory.
#[derive(Clone, Debug, PartialEq)]
pub enum Location<S> {
    /// The initial state.
    Initial,
    /// The hull of segment `index`, i.e. every time in `[t_start, t_end]`.
    Segment {
        /// Segment index.
        index: usize,
        /// Enclosure of its start time.
        t_start: S,
        /// Enclosure of its end time.
        t_end: S,
    },
    /// The state at the end of segment `index` (time `t`).
    SegmentEnd {
        /// Segment index.
        index: usize,
        /// Enclosure of the end time.
        t: S,
    },
    /// The state at time `t` inside segment `index` (the end of a piece the checker cut the segment
    /// into, not the segment's end).
    InSegment {
        /// Segment index.
        index: usize,
        /// Enclosure of the time.
        t: S,
    },
    /// Event `index` of the trajectory's event list.
    Event {
        /// Event index.
        index: usize,
        /// Enclosure of the event time.
        t: S,
    },
    /// Every time of the tail `[t_start, ∞)` after the last certified segment of a single-neuron
    /// run with a certified limit (a ball about the limit that the contraction does not leave), or
    /// of the part `[t_start, t_end]` of it.
    Tail {
        /// Enclosure of the start time.
        t_start: S,
        /// Enclosure of the end time (`None`: the tail goes on to `t → ∞`).
        t_end: Option<S>,
    },
    /// The certified limit `t → ∞`.
    Limit,
    /// The data and initialisation alone (a static statement).
    Data,
}

/// A certified counterexample to a claim: the quantity, where it was evaluated, its enclosure, and
/// the claim it breaks. For an enclosure backend the enclosure `value` lies entirely on the wrong
/// side of the claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness<S> {
    /// Where the quantity was evaluated.
    pub at: Location<S>,
    /// What was evaluated (e.g. `"d/dt ½‖w‖²"`).
    pub quantity: String,
    /// Its enclosure (`None` when the witness is combinatorial, e.g. an event order).
    pub value: Option<S>,
    /// The claim the value breaks, in words (e.g. `"must be ≥ 0"`).
    pub breaks: String,
    /// The claim as data, when it is a comparison with a number: the value must satisfy
    /// `value <relation> bound` and certainly does not.
    pub bound: Option<Comparison<S>>,
}

/// A comparison a witness's value must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `≤`.
    Le,
    /// `≥`.
    Ge,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `=`.
    Eq,
}

impl Relation {
    /// The ASCII symbol (`<=`, `>=`, `<`, `>`, `==`).
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Le => "<=",
            Relation::Ge => ">=",
            Relation::Lt => "<",
            Relation::Gt => ">",
            Relation::Eq => "==",
        }
    }
}

/// The number side of a claim: `value <relation> bound`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison<S> {
    /// The required comparison.
    pub relation: Relation,
    /// The number compared with (an enclosure when it is computed, e.g. an earlier value).
    pub bound: S,
    /// Where the bound was evaluated, when it is a value of the run (an earlier value of a
    /// quantity that must not move the wrong way).
    pub at: Option<Location<S>>,
}

/// How a `Holds` verdict was proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// From the enclosures alone: every certified segment hull (all times of the segment) and every
    /// event satisfy the claim with certainty, and the segments cover the checked range.
    Enclosures,
    /// By an algebraic identity of the gradient flow that holds on every segment (named), with the
    /// trajectory's enclosures checked for consistency with it (never certainly contradicting).
    Identity(&'static str),
    /// Exactly, in rational arithmetic (static statements about the data).
    Exact,
}

impl fmt::Display for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Enclosures => write!(f, "proved from the enclosures"),
            Proof::Identity(s) => write!(f, "by the identity {s}; enclosures consistent"),
            Proof::Exact => write!(f, "proved exactly (rational arithmetic)"),
        }
    }
}

/// The three-valued verdict on a conclusion.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict<S> {
    /// The claim is proved over `range` (a description such as `"t ∈ [0, 10]"`).
    Holds {
        /// How.
        proof: Proof,
        /// The range of times (or `"static"`) the proof covers.
        range: String,
    },
    /// The claim is broken, with a certified witness.
    Violated {
        /// The witness.
        witness: Witness<S>,
    },
    /// Neither could be shown; `why` says what was missing (a too-wide enclosure, an uncovered time
    /// range, an unimplemented ingredient).
    Undecided {
        /// The reason.
        why: String,
    },
    /// Not an answer but a bug: two enclosures of one exact value did not meet (or one was empty)
    /// while checking. The report is an internal error (`proofs-notes/defence-in-depth.md`).
    Inconsistent {
        /// Where and what.
        inconsistency: Inconsistency,
    },
}

impl<S> From<Inconsistency> for Verdict<S> {
    fn from(inconsistency: Inconsistency) -> Self {
        Verdict::Inconsistent { inconsistency }
    }
}

impl<S> Verdict<S> {
    /// `Undecided` with a reason.
    pub fn undecided(why: impl Into<String>) -> Verdict<S> {
        Verdict::Undecided { why: why.into() }
    }
    /// `Violated` with the given witness parts.
    pub fn violated(at: Location<S>, quantity: impl Into<String>, value: Option<S>, breaks: impl Into<String>) -> Self {
        Verdict::Violated {
            witness: Witness { at, quantity: quantity.into(), value, breaks: breaks.into(), bound: None },
        }
    }
    /// The same verdict with the claim of its witness as data (`value <relation> bound`); other
    /// verdicts are returned unchanged.
    #[must_use]
    pub fn with_bound(mut self, relation: Relation, bound: S) -> Self {
        if let Verdict::Violated { witness } = &mut self {
            witness.bound = Some(Comparison { relation, bound, at: None });
        }
        self
    }
    /// The same verdict with the place where its witness's bound was evaluated (see
    /// [`Comparison::at`]); other verdicts, or a witness without a bound, are returned unchanged.
    #[must_use]
    pub fn with_bound_at(mut self, at: Location<S>) -> Self {
        if let Verdict::Violated { witness } = &mut self
            && let Some(b) = &mut witness.bound
        {
            b.at = Some(at);
        }
        self
    }
    /// Is it `Holds`?
    pub fn holds(&self) -> bool {
        matches!(self, Verdict::Holds { .. })
    }
    /// Is it `Violated`?
    pub fn is_violated(&self) -> bool {
        matches!(self, Verdict::Violated { .. })
    }
    /// Is it `Undecided`?
    pub fn is_undecided(&self) -> bool {
        matches!(self, Verdict::Undecided { .. })
    }
    /// Is it `Inconsistent` (a bug)?
    pub fn is_inconsistent(&self) -> bool {
        matches!(self, Verdict::Inconsistent { .. })
    }
    /// The short name: `"holds"`, `"violated"`, `"undecided"`, `"internal-inconsistency"`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Holds { .. } => "holds",
            Verdict::Violated { .. } => "violated",
            Verdict::Undecided { .. } => "undecided",
            Verdict::Inconsistent { .. } => "internal-inconsistency",
        }
    }
}

/// An enclosure printed as `[lo, hi]` with outward-rounded 6-digit decimals.
pub fn show<S: Scalar>(x: &S) -> String {
    let lo = bound_decimal(&x.lower(), 6, Dir::Down);
    let hi = bound_decimal(&x.upper(), 6, Dir::Up);
    if lo == hi { lo } else { format!("[{lo}, {hi}]") }
}

impl<S: Scalar> fmt::Display for Location<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Initial => write!(f, "t = 0"),
            Location::Segment { index, t_start, t_end } => {
                write!(f, "segment {index}, every t in [{}, {}]", show(t_start), show(t_end))
            }
            Location::SegmentEnd { index, t } => write!(f, "end of segment {index}, t ∈ {}", show(t)),
            Location::InSegment { index, t } => write!(f, "segment {index} at t ∈ {}", show(t)),
            Location::Event { index, t } => write!(f, "event {index}, t ∈ {}", show(t)),
            Location::Tail { t_start, t_end: None } => {
                write!(f, "the tail after the last segment, every t ≥ {}", show(t_start))
            }
            Location::Tail { t_start, t_end: Some(t_end) } => {
                write!(f, "the tail after the last segment, every t ∈ [{}, {}]", show(t_start), show(t_end))
            }
            Location::Limit => write!(f, "the limit t → ∞"),
            Location::Data => write!(f, "the data"),
        }
    }
}

impl<S: Scalar> fmt::Display for Witness<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.at, self.quantity)?;
        if let Some(v) = &self.value {
            write!(f, " ∈ {}", show(v))?;
        }
        write!(f, ", but it {}", self.breaks)
    }
}

impl<S: Scalar> fmt::Display for Verdict<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Holds { proof, range } => write!(f, "holds for {range} ({proof})"),
            Verdict::Violated { witness } => write!(f, "violated: {witness}"),
            Verdict::Undecided { why } => write!(f, "undecided: {why}"),
            Verdict::Inconsistent { inconsistency } => write!(f, "{inconsistency}"),
        }
    }
}

/// The three-valued truth of a hypothesis on an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Truth {
    /// Certified true (the reason says how, e.g. "exact").
    True(String),
    /// Certified false, with the reason.
    False(String),
    /// Not decided, with the reason.
    Undecided(String),
}

impl Truth {
    /// Is it certified true?
    pub fn is_true(&self) -> bool {
        matches!(self, Truth::True(_))
    }
    /// Is it certified false?
    pub fn is_false(&self) -> bool {
        matches!(self, Truth::False(_))
    }
    /// `True` if `b`, else `False`, with the reasons.
    pub fn from_bool(b: bool, if_true: impl Into<String>, if_false: impl Into<String>) -> Truth {
        if b { Truth::True(if_true.into()) } else { Truth::False(if_false.into()) }
    }
    /// The conjunction: false if any is false, true if all are true, else undecided.
    pub fn all(parts: impl IntoIterator<Item = Truth>) -> Truth {
        let mut undecided = Vec::new();
        let mut reasons = Vec::new();
        for p in parts {
            match p {
                Truth::False(r) => return Truth::False(r),
                Truth::Undecided(r) => undecided.push(r),
                Truth::True(r) => reasons.push(r),
            }
        }
        if undecided.is_empty() { Truth::True(reasons.join("; ")) } else { Truth::Undecided(undecided.join("; ")) }
    }
    /// The short name: `"true"`, `"false"`, `"undecided"`.
    pub fn name(&self) -> &'static str {
        match self {
            Truth::True(_) => "true",
            Truth::False(_) => "false",
            Truth::Undecided(_) => "undecided",
        }
    }
    /// The reason.
    pub fn reason(&self) -> &str {
        match self {
            Truth::True(r) | Truth::False(r) | Truth::Undecided(r) => r,
        }
    }
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::Interval;

    #[test]
    fn truth_conjunction_is_three_valued() {
        let t = || Truth::True("a".into());
        let u = || Truth::Undecided("u".into());
        let f = || Truth::False("f".into());
        assert!(Truth::all([t(), t()]).is_true());
        assert!(matches!(Truth::all([t(), u()]), Truth::Undecided(_)));
        assert!(Truth::all([u(), f(), t()]).is_false());
        assert!(Truth::all([]).is_true(), "the empty conjunction is true");
    }

    #[test]
    fn verdicts_print_their_witness() {
        let v: Verdict<Interval> = Verdict::violated(
            Location::SegmentEnd { index: 2, t: Interval::try_from((1.0, 1.0)).unwrap() },
            "‖w‖²",
            Some(Interval::try_from((-2.0, -1.0)).unwrap()),
            "must be ≥ 0",
        );
        let s = v.to_string();
        assert!(s.contains("segment 2") && s.contains("[-2, -1]") && s.contains("≥ 0"), "{s}");
        assert!(v.is_violated() && !v.holds());
    }
}
