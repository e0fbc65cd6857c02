//! No vacuous certificates: a [`Status::Certified`] run whose report would carry an infinite
//! or NaN bound (a time or a state beyond the arithmetic's range) certifies nothing there, so it is
//! cut back to its last finite segment and reported undecided with the reason. The validated
//! integrators pass their parts through [`TrajectoryParts::without_vacuous_bounds`] before
//! [`Trajectory::from_parts`], which refuses a certified trajectory with such a bound. An **empty**
//! enclosure is not a limit of the arithmetic but a bug (every enclosure holds a real value): the
//! run is cut there as an internal inconsistency (`proofs-notes/defence-in-depth.md`).

use crate::trajectory::*;
use reluflow_arith::{Enclosure, Inconsistency, nonempty_all};

fn finite<S: Enclosure>(v: &S) -> bool {
    v.is_finite() && !v.is_empty()
}

fn state_finite<S: Enclosure>(s: &State<S>) -> bool {
    s.w.iter().flatten().chain(s.a.iter().flatten()).all(finite)
}

fn segment_finite<S: Enclosure>(s: &SegmentParts<S>) -> bool {
    finite(&s.t_start) && finite(&s.t_end) && state_finite(&s.hull) && state_finite(&s.end)
}

/// Is every bound these parts report finite (times, states, events, the limit), as
/// [`Trajectory::from_parts`] requires of a certified trajectory (one definition: a tail `[T, ∞)`
/// towards a certified limit is the one unbounded time it allows)?
pub fn all_finite<S: Enclosure>(tr: &TrajectoryParts<S>) -> bool {
    first_vacuous(tr).is_none()
}

/// The index of the first segment with an empty enclosure (its times, hull or end; the number of
/// segments when only the end state, the events or the limit are empty) and the inconsistency.
fn first_empty<S: Enclosure>(tr: &TrajectoryParts<S>) -> Option<(usize, Inconsistency)> {
    const SITE: &str = "trajectory: a certified enclosure is empty";
    let state = |s: &State<S>| s.w.iter().chain(&s.a).try_for_each(|b| nonempty_all(SITE, b));
    if let Err(e) = state(&tr.initial) {
        return Some((0, e));
    }
    for (k, s) in tr.segments.iter().enumerate() {
        let seg = nonempty_all(SITE, &[s.t_start.clone(), s.t_end.clone()])
            .and_then(|()| state(&s.hull))
            .and_then(|()| state(&s.end));
        if let Err(e) = seg {
            return Some((k, e));
        }
    }
    let rest = state(&tr.final_state)
        .and_then(|()| tr.events.iter().try_for_each(|e| nonempty_all(SITE, std::slice::from_ref(&e.t))))
        .and_then(|()| tr.limit.as_ref().map_or(Ok(()), |l| state(&l.state)));
    rest.err().map(|e| (tr.segments.len(), e))
}

/// Does `tr` report an empty enclosure anywhere?
pub fn any_empty<S: Enclosure>(tr: &TrajectoryParts<S>) -> bool {
    first_empty(tr).is_some()
}

/// Why the run was cut at `at` (a lower bound of the first time whose enclosure is not finite).
fn reason(at: f64) -> UndecidedReason {
    UndecidedReason::Other(format!(
        "an enclosure after t = {at:.6e} has an infinite or NaN bound (the horizon or the state left the range \
         of this arithmetic), so nothing after it is certified: use arithmetic = \"mpfr-interval\" (a far larger \
         exponent range), a higher run.precision, or a shorter run.t_end"
    ))
}

impl<S: Enclosure> TrajectoryParts<S> {
    /// The parts unchanged if they are not certified or every bound is finite; else cut back to
    /// the segments before the first one with a non-finite bound, without a limit, and
    /// [`Status::Undecided`] at the end of the last segment kept (`proofs-notes/defence-in-depth.md`).
    pub fn without_vacuous_bounds(mut self) -> TrajectoryParts<S> {
        if !matches!(self.status, Status::Certified) || all_finite(&self) {
            return self;
        }
        if let Some((k, e)) = first_empty(&self) {
            // Nothing from the empty set on is reported, and nothing non-finite before it: cut
            // before segment `k` or the first earlier segment with an infinite bound.
            let first_bad = self.segments.iter().position(|s| !segment_finite(s)).unwrap_or(k);
            self.segments.truncate(k.min(first_bad));
            let (t, state) = match self.segments.last() {
                Some(s) => (s.t_end.clone(), s.end.clone()),
                None => (S::zero(&self.t_final.ctx()), self.initial.clone()),
            };
            let t_hi = t.upper_f64();
            self.events.retain(|ev| !ev.t.is_empty() && ev.t.upper_f64() <= t_hi);
            (self.final_state, self.t_final, self.limit) = (state, t.clone(), None);
            self.status = Status::Undecided { reason: UndecidedReason::Inconsistent(e), certified_until: t.lo_point() };
            return self;
        }
        let n = self.segments.len();
        let keep = self.segments.iter().position(|s| !segment_finite(s)).unwrap_or(n);
        let end_ok = keep == n && state_finite(&self.final_state) && finite(&self.t_final);
        if !end_ok {
            // Cut before the first non-finite segment (or the last one, if only the end is bad).
            self.segments.truncate(if keep == n { n.saturating_sub(1) } else { keep });
            let (t, state) = match self.segments.last() {
                Some(s) => (s.t_end.clone(), s.end.clone()),
                None => (S::zero(&self.t_final.ctx()), self.initial.clone()),
            };
            self.final_state = state;
            self.t_final = t;
        }
        let t_hi = self.t_final.upper_f64();
        self.events.retain(|e| finite(&e.t) && e.t.upper_f64() <= t_hi);
        self.limit = None;
        let until = self.t_final.lo_point();
        self.status = Status::Undecided { reason: reason(until.lower_f64()), certified_until: until };
        self
    }
}
