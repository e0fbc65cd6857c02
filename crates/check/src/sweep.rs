//! Which part of a trajectory is certified ([`Coverage`]), and the generic sweeps every invariant
//! is built from: a monotonicity sweep (derivative enclosures on segment hulls plus values at
//! segment ends) and a pointwise sweep (a predicate on every hull and end state).

use crate::verdict::{Location, Proof, Relation, Verdict, show};
use reluflow_arith::{Bound, Guarantee, Inconsistency, Scalar};
use reluflow_flow::{Pattern, Segment, State, Status, Trajectory};
use std::cmp::Ordering;

/// The part of a trajectory a check may use.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// Indices of the segments that are certified (all of them for a certified run; those ending
    /// certainly before `certified_until` for an undecided one), in time order.
    pub segs: Vec<usize>,
    /// Whether the numbers are enclosures of a validated run (else verdicts are "not validated").
    pub validated: bool,
    /// Why the certified segments do not cover the requested horizon (`None` when they do).
    pub incomplete: Option<String>,
    /// Whether the last segment reaches `t = ∞` (its end time has an infinite upper end).
    pub reaches_infinity: bool,
    /// A description of the covered time range.
    pub range: String,
    /// Where each segment of the checked trajectory comes from (empty: segment `k` is the run's
    /// segment `k`). Witnesses name the run's certified segment, never a refined piece.
    pub origin: Vec<Origin>,
}

/// Where a segment of the trajectory the checks run on comes from: a run's certified segment (a
/// refined piece names the segment it was cut from) or the single-neuron tail `[T, ∞)` the checker
/// adds from the contraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The run's certified segment with this index.
    Segment(usize),
    /// The tail `[T, ∞)` after the last certified segment.
    Tail,
}

fn cmp_bound(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::NegInf, Bound::NegInf) | (Bound::PosInf, Bound::PosInf) => Ordering::Equal,
        (Bound::NegInf, _) | (_, Bound::PosInf) => Ordering::Less,
        (_, Bound::NegInf) | (Bound::PosInf, _) => Ordering::Greater,
        (Bound::Finite(x), Bound::Finite(y)) => x.cmp(y),
    }
}

/// `a ≤ b` for every choice of elements (the upper end of `a` is at most the lower end of `b`).
pub fn certainly_le<S: Scalar>(a: &S, b: &S) -> bool {
    cmp_bound(&a.upper(), &b.lower()) != Ordering::Greater
}

/// `a < b` for every choice of elements.
pub fn certainly_less<S: Scalar>(a: &S, b: &S) -> bool {
    cmp_bound(&a.upper(), &b.lower()) == Ordering::Less
}

/// The two enclosures may denote the same number (they overlap).
pub fn overlaps<S: Scalar>(a: &S, b: &S) -> bool {
    !certainly_less(a, b) && !certainly_less(b, a)
}

/// The segment has certainly positive length (so its open interval is not empty).
pub fn positive_length<S: Scalar>(t0: &S, t1: &S) -> bool {
    certainly_less(t0, t1)
}

impl Coverage {
    /// The position in [`segs`](Coverage::segs) where the final activation pattern begins: the
    /// last run of certified segments of `traj` with one pattern. These are the segments "after
    /// the last event" only when the coverage is complete ([`incomplete`](Coverage::incomplete)
    /// is `None`): otherwise a later event may exist.
    pub fn final_pattern_start<S>(&self, traj: &Trajectory<S>) -> usize {
        let pattern = |k: usize| traj.segments()[self.segs[k]].pattern();
        let mut from = self.segs.len().saturating_sub(1);
        while from > 0 && pattern(from - 1) == pattern(from) {
            from -= 1;
        }
        from
    }

    /// The coverage of `traj`.
    pub fn of<S: Scalar>(traj: &Trajectory<S>) -> Coverage {
        let validated = S::GUARANTEE == Guarantee::Enclosure && !matches!(traj.status(), Status::NotValidated);
        let mut incomplete = None;
        let segs: Vec<usize> = match traj.status() {
            Status::Undecided { reason, certified_until } => {
                incomplete =
                    Some(format!("the trajectory is certified only up to t = {} ({reason})", show(certified_until)));
                (0..traj.segments().len())
                    .filter(|&k| certainly_le(traj.segments()[k].t_end(), certified_until))
                    .collect()
            }
            _ => (0..traj.segments().len()).collect(),
        };
        let mut prev_end: Option<&S> = None;
        for &k in &segs {
            let s = &traj.segments()[k];
            let ok = match prev_end {
                None => s.t_start().possibly_zero(),
                Some(e) => overlaps(e, s.t_start()),
            };
            if !ok && incomplete.is_none() {
                incomplete =
                    Some(format!("checked segment {k} does not start where the previous one ends (a gap in time)"));
            }
            prev_end = Some(s.t_end());
        }
        let reaches_infinity = segs.last().is_some_and(|&k| traj.segments()[k].t_end().upper() == Bound::PosInf);
        if incomplete.is_none()
            && !reaches_infinity
            && matches!(traj.status(), Status::Certified)
            && let Some(&k) = segs.last()
            && !overlaps(traj.segments()[k].t_end(), traj.t_final())
        {
            incomplete = Some(format!("the last segment ({k}) does not end at the final time (a gap in time)"));
        }
        if segs.is_empty() && incomplete.is_none() && !traj.t_final().possibly_zero() {
            incomplete = Some("the trajectory has no segment".into());
        }
        let end = match segs.last() {
            Some(_) if reaches_infinity => "∞".to_string(),
            Some(&k) => show(traj.segments()[k].t_end()),
            None => "0".to_string(),
        };
        let range = format!("t ∈ [0, {end}]");
        Coverage { segs, validated, incomplete, reaches_infinity, range, origin: Vec::new() }
    }

    /// Where the checked segment `k` comes from.
    pub fn origin(&self, k: usize) -> Origin {
        self.origin.get(k).copied().unwrap_or(Origin::Segment(k))
    }

    /// The location "every time of the checked segment `k`": the run's segment it comes from,
    /// with the piece's own time interval.
    pub fn at<S: Clone>(&self, k: usize, s: &Segment<S>) -> Location<S> {
        match self.origin(k) {
            Origin::Segment(index) => {
                Location::Segment { index, t_start: s.t_start().clone(), t_end: s.t_end().clone() }
            }
            Origin::Tail => Location::Tail { t_start: s.t_start().clone(), t_end: None },
        }
    }

    /// The location "the end of the checked segment `k`": the run's segment end, a time inside it
    /// (the end of a piece that is not its last), or the limit (the tail's end).
    pub fn end_at<S: Clone>(&self, k: usize, s: &Segment<S>) -> Location<S> {
        let last_piece = self.origin.get(k + 1).is_none_or(|next| *next != self.origin(k));
        match self.origin(k) {
            Origin::Segment(index) if last_piece => Location::SegmentEnd { index, t: s.t_end().clone() },
            Origin::Segment(index) => Location::InSegment { index, t: s.t_end().clone() },
            Origin::Tail => Location::Limit,
        }
    }
}

/// A sign predicate on an enclosure.
type Pred<S> = fn(&S) -> bool;

/// What an argument from a segment's start state proved about a derivative's sign on the whole
/// segment (for the single-neuron tail `[T, ∞)` too), beyond what its hull gives.
#[derive(Clone, Debug)]
pub enum PieceSign<S> {
    /// The sign is the required one on the whole tail.
    Right,
    /// The sign is certainly the wrong one at every time of `at` (a time range of the segment),
    /// where the derivative lies in `d` when known.
    Wrong {
        /// Where.
        at: Location<S>,
        /// An enclosure of the derivative there.
        d: Option<S>,
    },
    /// Not decided, and why.
    Unknown(String),
}

/// A segment argument: from an enclosure of the state at the segment's start, the segment and
/// where it comes from.
pub type PieceProof<'a, S> = &'a dyn Fn(&State<S>, &Segment<S>, Origin) -> PieceSign<S>;

/// An enclosure of a derivative over a segment hull with its pattern ([`Inconsistency`] when two
/// enclosures of it that must meet do not).
pub type Deriv<'a, S> = &'a dyn Fn(&State<S>, &Pattern) -> Result<S, Inconsistency>;

/// Which way a quantity must move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Must never increase.
    NonIncreasing,
    /// Must never decrease.
    NonDecreasing,
}

/// A monotonicity claim about a scalar quantity `Q(state)` along the flow.
pub struct Monotone<'a, S: Scalar> {
    /// The quantity's name, for witnesses (e.g. `"½‖w‖²"`).
    pub name: &'a str,
    /// `Q` at an instant.
    pub value: &'a dyn Fn(&State<S>) -> S,
    /// An enclosure of `dQ/dt` over a segment, from its hull and pattern ([`Inconsistency`] when
    /// two enclosures of it that must meet do not).
    pub deriv: Deriv<'a, S>,
    /// The required direction.
    pub dir: Direction,
    /// When the derivative's sign is an identity of the flow (e.g. `dL/dt = −‖θ̇‖²`), its name: the
    /// claim then holds by that identity wherever the enclosures do not contradict it.
    pub identity: Option<&'static str>,
    /// The first `n` certified segments whose derivative sign is proved by a named identity (their
    /// enclosures are still checked for a certain contradiction, but may be undecided).
    pub proved_prefix: Option<(usize, &'static str)>,
}

impl<S: Scalar> std::fmt::Debug for Monotone<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monotone").field("name", &self.name).field("dir", &self.dir).finish_non_exhaustive()
    }
}

fn wrong_way<S: Scalar>(dir: Direction, earlier: &S, later: &S) -> bool {
    match dir {
        Direction::NonIncreasing => certainly_less(earlier, later),
        Direction::NonDecreasing => certainly_less(later, earlier),
    }
}

impl<S: Scalar> Monotone<'_, S> {
    /// Sweeps the certified part of `traj`: values at the initial state, at every segment end and
    /// at the limit must never move certainly the wrong way; the derivative enclosure on every
    /// segment hull must not be certainly of the wrong sign (a certified violation when the segment
    /// has positive length). `Holds` needs every derivative enclosure certainly of the right sign
    /// (or the identity) and a coverage of the whole horizon.
    pub fn check(&self, traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
        self.check_with(traj, cov, None)
    }

    /// [`Monotone::check`], with `piece` consulted on every checked segment (a refined piece or
    /// the single-neuron tail `[T, ∞)`) whose hull leaves the derivative's sign open.
    pub fn check_with(&self, traj: &Trajectory<S>, cov: &Coverage, piece: Option<PieceProof<'_, S>>) -> Verdict<S> {
        let (bad_sign, good_sign): (Pred<S>, Pred<S>) = match self.dir {
            Direction::NonIncreasing => (S::certainly_pos, S::certainly_nonpos),
            Direction::NonDecreasing => (S::certainly_neg, S::certainly_nonneg),
        };
        let need = match self.dir {
            Direction::NonIncreasing => "must be ≤ 0 (the quantity must not increase)",
            Direction::NonDecreasing => "must be ≥ 0 (the quantity must not decrease)",
        };
        // In time order: the hull derivative of each segment, then the value at its end, compared
        // with the earlier value whose far end is the strongest comparison point.
        let mut best: (S, Location<S>) = ((self.value)(traj.initial()), Location::Initial);
        let mut first_unknown: Option<String> = None;
        let compare = |v: S, at: Location<S>, best: &mut (S, Location<S>)| -> Option<Verdict<S>> {
            if wrong_way(self.dir, &best.0, &v) {
                let breaks = format!("moved the wrong way from its value {} at {}", show(&best.0), best.1);
                let rel = if self.dir == Direction::NonIncreasing { Relation::Le } else { Relation::Ge };
                let earlier = best.0.clone();
                return Some(
                    Verdict::violated(at, self.name.to_string(), Some(v), breaks)
                        .with_bound(rel, earlier)
                        .with_bound_at(best.1.clone()),
                );
            }
            let replace = match self.dir {
                Direction::NonIncreasing => cmp_bound(&v.upper(), &best.0.upper()) == Ordering::Less,
                Direction::NonDecreasing => cmp_bound(&v.lower(), &best.0.lower()) == Ordering::Greater,
            };
            if replace {
                *best = (v, at);
            }
            None
        };
        for (pos, &k) in cov.segs.iter().enumerate() {
            let s = &traj.segments()[k];
            let d = match (self.deriv)(s.hull(), s.pattern()) {
                Ok(d) => d,
                Err(e) => return e.into(),
            };
            let at = || cov.at(k, s);
            if bad_sign(&d) && positive_length(s.t_start(), s.t_end()) {
                let rel = if self.dir == Direction::NonIncreasing { Relation::Le } else { Relation::Ge };
                let zero = S::zero(&d.ctx());
                return Verdict::violated(at(), format!("d/dt {}", self.name), Some(d), need).with_bound(rel, zero);
            }
            let by_identity = self.proved_prefix.is_some_and(|(n, _)| pos < n);
            // A segment of zero length leaves the quantity where it was, whatever its hull says.
            let mut settled = good_sign(&d) || by_identity || certainly_le(s.t_end(), s.t_start());
            let mut why = String::new();
            // The state at the segment's start: the previous checked segment's end (or the initial
            // state), when that segment ends where this one starts (the trajectory's contract).
            let start = match pos {
                0 => s.t_start().possibly_zero().then(|| traj.initial()),
                _ => Some(&traj.segments()[cov.segs[pos - 1]])
                    .filter(|p| overlaps(p.t_end(), s.t_start()))
                    .map(|p| p.end()),
            };
            if let (false, Some(piece), Some(start)) = (settled, piece, start) {
                match piece(start, s, cov.origin(k)) {
                    PieceSign::Right => settled = true,
                    PieceSign::Wrong { at, d: value } => {
                        let rel = if self.dir == Direction::NonIncreasing { Relation::Le } else { Relation::Ge };
                        let zero = S::zero(&d.ctx());
                        return Verdict::violated(at, format!("d/dt {}", self.name), value, need).with_bound(rel, zero);
                    }
                    PieceSign::Unknown(w) => why = format!(" ({w})"),
                }
            }
            if !settled && first_unknown.is_none() {
                first_unknown = Some(format!("d/dt {} ∈ {} on {} has no certain sign{why}", self.name, show(&d), at()));
            }
            let end_at = cov.end_at(k, s);
            if let Some(v) = compare((self.value)(s.end()), end_at, &mut best) {
                return v;
            }
        }
        if cov.incomplete.is_none()
            && let Some(l) = traj.limit()
            && let Some(v) = compare((self.value)(&l.state), Location::Limit, &mut best)
        {
            return v;
        }
        if let Some(why) = &cov.incomplete {
            return Verdict::undecided(format!("no violation found, but {why}"));
        }
        if let Some(id) = self.identity {
            return Verdict::Holds { proof: Proof::Identity(id), range: horizon(cov, traj) };
        }
        if let Some(why) = first_unknown {
            return Verdict::undecided(why);
        }
        if traj.limit().is_some() && !cov.reaches_infinity {
            return Verdict::undecided(format!(
                "holds for {} (proved from the enclosures), but the tail up to the limit has no segment hull",
                cov.range
            ));
        }
        match self.proved_prefix {
            Some((n, id)) if n > 0 => Verdict::Holds { proof: Proof::Identity(id), range: cov.range.clone() },
            _ => Verdict::Holds { proof: Proof::Enclosures, range: cov.range.clone() },
        }
    }
}

/// The horizon an identity-based proof covers: all `t ≥ 0` when a limit was certified, else the
/// covered range.
pub fn horizon<S>(cov: &Coverage, traj: &Trajectory<S>) -> String {
    if traj.limit().is_some() { "all t ≥ 0".into() } else { cov.range.clone() }
}
