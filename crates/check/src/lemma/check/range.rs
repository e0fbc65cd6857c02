//! The time range a scope asks about, which sites meet it, and whether the certified segments
//! cover it.

use super::super::ast::Scope;
use super::At;
use crate::dispatch::Prepared;
use crate::sweep::{certainly_le, certainly_less, overlaps, positive_length};
use crate::verdict::show;
use reluflow_arith::{Bound, Enclosure};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::Horizon;
use rug::Rational;

/// The time range `[a, b]` a scope asks about (`b = None`: unbounded).
pub(super) fn range(scope: &Scope, horizon: &Horizon) -> (Rational, Option<Rational>) {
    let end = match horizon {
        Horizon::Finite(t) => Some(t.clone()),
        Horizon::Infinite => None,
    };
    match scope {
        // An explicit range is asked as given (past the horizon it is undecided); open-ended
        // scopes mean the run's horizon, as for the catalogue's invariants.
        Scope::Between(a, b) => (a.clone(), Some(b.clone())),
        Scope::From(a) => (a.clone(), end),
        _ => (Rational::new(), end),
    }
}

pub(super) fn describe(a: &Rational, b: &Option<Rational>) -> String {
    let num = |q: &Rational| q.to_string();
    match b {
        Some(b) => format!("t ∈ [{}, {}]", num(a), num(b)),
        None => format!("all t ≥ {}", num(a)),
    }
}

/// The site may contain a time in `[a, b]`.
pub(super) fn may_meet<S: Enclosure>(x: &At<'_, S>, a: &S, b: &Option<S>) -> bool {
    !certainly_less(&x.t1, a) && b.as_ref().is_none_or(|b| !certainly_less(b, &x.t0))
}

/// The site certainly contains a time in `[a, b]` (strictly inside the open segment with `d/dt`).
pub(super) fn meets<S: Enclosure>(x: &At<'_, S>, a: &S, b: &Option<S>, strict: bool) -> bool {
    if strict {
        positive_length(&x.t0, &x.t1) && certainly_less(a, &x.t1) && b.as_ref().is_none_or(|b| certainly_less(&x.t0, b))
    } else {
        certainly_le(a, &x.t1) && b.as_ref().is_none_or(|b| certainly_le(&x.t0, b))
    }
}

/// Why the certified segments do not reach `b` (`None`: they do).
pub(super) fn short_of<S: Enclosure>(prep: &Prepared<S>, b: &Option<Rational>) -> Option<String> {
    if let Some(why) = contiguity(prep) {
        return Some(why);
    }
    let last = prep.cov.segs.last().map(|&k| prep.traj.segments()[k].t_end());
    let reached = match (b, last) {
        (None, _) => prep.cov.reaches_infinity,
        (Some(b), Some(end)) => {
            matches!(end.lower(), Bound::PosInf) || matches!(end.lower(), Bound::Finite(ref e) if e >= b)
        }
        (Some(b), None) => *b == 0,
    };
    if reached {
        return None;
    }
    Some(match prep.traj.status() {
        Status::Undecided { certified_until, reason } => {
            format!("the trajectory is certified only up to t = {} ({reason})", show(certified_until))
        }
        _ if b.is_none() => "the certified segments do not reach t = ∞ (no hull of the tail up to the limit)".into(),
        _ => format!("the certified segments end at t = {}", last.map_or("0".into(), show)),
    })
}

/// The certified segments follow each other without a gap from `t = 0`.
pub(super) fn contiguity<S: Enclosure>(prep: &Prepared<S>) -> Option<String> {
    let mut prev: Option<&S> = None;
    for &k in &prep.cov.segs {
        let s = &prep.traj.segments()[k];
        let ok = prev.map_or_else(|| s.t_start().possibly_zero(), |e| overlaps(e, s.t_start()));
        if !ok {
            return Some(format!("segment {k} does not start where the previous one ends (a gap in time)"));
        }
        prev = Some(s.t_end());
    }
    None
}

/// The position in `prep.cov.segs` where the final activation pattern begins (the segments after
/// the last event), and the range in words. Refused (with why) unless the certified segments
/// cover the horizon, so that no later event can exist, and the final pattern begins at the last
/// listed event (or at `t = 0` when there is none).
pub(super) fn after_last_event<S: Enclosure>(
    prep: &Prepared<S>,
    original: &Trajectory<S>,
    b: &Option<Rational>,
) -> Result<(usize, String), String> {
    // The event list is complete exactly when the checker's coverage is (as for `at every
    // event`): a certified run lists every switch of its horizon, and a limit proof fixes the
    // pattern after the last one.
    let incomplete = contiguity(prep).or_else(|| prep.cov.incomplete.clone());
    if let Some(why) = incomplete.or_else(|| if prep.traj.limit().is_some() { None } else { short_of(prep, b) }) {
        return Err(format!("the last event is not known: {why}"));
    }
    let from = prep.cov.final_pattern_start(&prep.traj);
    let start = prep.cov.segs.get(from).map(|&k| prep.traj.segments()[k].t_start());
    match (original.events().last(), start) {
        (None, _) if from == 0 => Ok((0, "every t (no event)".into())),
        (Some(e), Some(t0)) if from > 0 && overlaps(&e.t, t0) => {
            Ok((from, format!("every t after the last event (t ≥ {})", show(&e.t))))
        }
        _ => Err("the final activation pattern does not begin at the last listed event".into()),
    }
}
