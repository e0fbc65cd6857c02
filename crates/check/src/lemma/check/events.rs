//! The lemma at every certified event and at the certified limit.

use super::super::ast::Scope;
use super::super::eval::{Eval, EventSite, Site, Tri};
use super::super::typed::Resolved;
use super::range::{contiguity, describe, range, short_of};
use crate::dispatch::Prepared;
use crate::sweep::certainly_le;
use crate::verdict::{Location, Proof, Verdict};
use reluflow_arith::Enclosure;
use reluflow_flow::{EventKind, Status, Trajectory};
use reluflow_model::Problem;
use rug::Rational;

/// The events of the certified part, each with the points switched earlier for its neuron.
pub(super) fn event_sites<S: Enclosure>(prep: &Prepared<S>, original: &Trajectory<S>) -> Vec<EventSite<S>> {
    let until = match original.status() {
        Status::Undecided { certified_until, .. } => Some(certified_until),
        _ => None,
    };
    let mut out: Vec<EventSite<S>> = Vec::new();
    for e in original.events() {
        if until.is_some_and(|u| !certainly_le(&e.t, u)) {
            break;
        }
        let earlier = |kinds: &[EventKind]| {
            out.iter().filter(|p| p.neuron == e.neuron && kinds.contains(&p.kind)).map(|p| p.point).collect::<Vec<_>>()
        };
        let site = EventSite {
            kind: e.kind,
            point: e.point,
            neuron: e.neuron,
            t: e.t.clone(),
            // Leaving a sliding surface to the inactive side (Clarke flow) deactivates the point.
            deactivated_before: earlier(&[EventKind::Deactivate, EventKind::SlideEnd]),
            activated_before: earlier(&[EventKind::Activate]),
        };
        out.push(site);
    }
    let _ = prep;
    out
}

pub(super) fn events<S: Enclosure>(
    eval: &Eval<'_, S>,
    lemma: &Resolved,
    prep: &Prepared<S>,
    original: &Trajectory<S>,
    problem: &Problem,
) -> Verdict<S> {
    let list = event_sites(prep, original);
    let mut vars = Vec::new();
    let mut first_unknown = None;
    for (k, e) in list.iter().enumerate() {
        let site = Site {
            state: None,
            pattern: None,
            t: e.t.clone(),
            initial: prep.traj.initial(),
            event: Some(e),
            velocity: None,
            acceleration: None,
        };
        match eval.truth(&lemma.body, &site, &mut vars) {
            Tri::True => {}
            Tri::False(fail) => {
                let at = Location::Event { index: k, t: e.t.clone() };
                let breaks = format!(
                    "is false ({}; event {k}: {} of point {} for neuron {})",
                    fail.detail,
                    e.kind.name(),
                    e.point,
                    e.neuron
                );
                return Verdict::violated(at, fail.clause, fail.value, breaks);
            }
            Tri::Unknown(why) => {
                if first_unknown.is_none() {
                    first_unknown = Some(format!("{why} at event {k}"));
                }
            }
        }
    }
    let (_, b) = range(&Scope::Always, &problem.run().t_end);
    // The event list is complete exactly when the checker's coverage is (a certified run lists
    // every switch of its horizon, and with t_end = ∞ its limit proof fixes the pattern after the
    // last one): the same criterion as the built-in `lsy.support-vector-stability`.
    let incomplete = contiguity(prep).or_else(|| prep.cov.incomplete.clone());
    if let Some(why) = incomplete.or_else(|| if prep.traj.limit().is_some() { None } else { short_of(prep, &b) }) {
        return Verdict::undecided(format!("no violation at the {} certified events, but {why}", list.len()));
    }
    if let Some(why) = first_unknown {
        return Verdict::undecided(why);
    }
    let range = format!("every event of {} ({} events)", describe(&Rational::new(), &b), list.len());
    Verdict::Holds { proof: Proof::Enclosures, range }
}

pub(super) fn limit<S: Enclosure>(eval: &Eval<'_, S>, lemma: &Resolved, prep: &Prepared<S>) -> Verdict<S> {
    let Some(l) = prep.traj.limit() else {
        return Verdict::undecided("the run certified no limit (it needs t_end = \"inf\" and a limit proof)");
    };
    if let Some(why) = &prep.cov.incomplete {
        return Verdict::undecided(format!("the limit is not certified: {why}"));
    }
    let velocity = lemma.derivative.then(|| eval.inst.velocity(&l.state, &l.pattern));
    let acceleration = velocity.as_ref().filter(|_| lemma.second);
    let acceleration = acceleration.map(|v| eval.inst.acceleration(&l.state, &l.pattern, v));
    let t = S::entire(&prep.inst.ctx);
    let site = Site {
        state: Some(&l.state),
        pattern: Some(&l.pattern),
        t,
        initial: prep.traj.initial(),
        event: None,
        velocity,
        acceleration,
    };
    match eval.truth(&lemma.body, &site, &mut Vec::new()) {
        Tri::True => Verdict::Holds { proof: Proof::Enclosures, range: "the limit t → ∞".into() },
        Tri::False(fail) => {
            Verdict::violated(Location::Limit, fail.clause, fail.value, format!("is false ({})", fail.detail))
        }
        Tri::Unknown(why) => Verdict::undecided(why),
    }
}
