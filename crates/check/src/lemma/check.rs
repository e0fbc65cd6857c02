//! From truth values at sites to a [`Verdict`] over the lemma's time scope.
//!
//! Sites in time order: the initial state (`t = 0`), every certified (refined) segment hull with
//! its pattern (every time of the segment) and every segment end; a claim with `d/dt` is checked
//! on the hulls only (the derivative of the open segment's field; continuity carries monotonicity
//! across the ends). `holds` needs every site that may meet the range certainly true and the
//! certified segments to cover the range; `violated` needs one site certainly false that certainly
//! meets the range (for a hull: a time of the segment lies in the range; with `d/dt`: the segment
//! has positive length and its open interval meets the range).

use super::ast::Scope;
use super::eval::{Eval, EventSite, Fail, Site, Tri};
use super::typed::Resolved;
use crate::dispatch::Prepared;
use crate::sweep::{certainly_le, certainly_less, overlaps, positive_length};
use crate::verdict::{Location, Proof, Verdict, show};
use reluflow_arith::{Bound, Enclosure, Scalar};
use reluflow_flow::{EventKind, Status, Trajectory};
use reluflow_model::{Horizon, Problem};
use rug::Rational;

/// A site with where it lives and the times it stands for.
struct At<'a, S: Scalar> {
    site: Site<'a, S>,
    at: Location<S>,
    /// Lower and upper time enclosure ends (for a hull: its start and end enclosures).
    t0: S,
    t1: S,
}

/// The time range `[a, b]` a scope asks about (`b = None`: unbounded).
fn range(scope: &Scope, horizon: &Horizon) -> (Rational, Option<Rational>) {
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

fn describe(a: &Rational, b: &Option<Rational>) -> String {
    let num = |q: &Rational| q.to_string();
    match b {
        Some(b) => format!("t ∈ [{}, {}]", num(a), num(b)),
        None => format!("all t ≥ {}", num(a)),
    }
}

/// Checks a resolved lemma on the prepared (refined) trajectory; `events` from the original run.
pub(crate) fn verdict<S: Enclosure>(
    text: &str,
    lemma: &Resolved,
    problem: &Problem,
    prep: &Prepared<S>,
    original: &Trajectory<S>,
) -> Verdict<S> {
    if let Some(e) = &prep.inconsistent {
        return e.clone().into();
    }
    let eval = Eval { text, inst: &prep.inst, explain: false };
    match lemma.scope {
        // Few sites: explain each at once.
        Scope::Events => events(&Eval { explain: true, ..eval }, lemma, prep, original, problem),
        Scope::Limit => limit(&Eval { explain: true, ..eval }, lemma, prep),
        _ => over_time(&eval, lemma, problem, prep),
    }
}

/// The time sites of the certified part, in order.
fn sites<'a, S: Enclosure>(eval: &Eval<'a, S>, lemma: &Resolved, prep: &'a Prepared<S>) -> Vec<At<'a, S>> {
    let (traj, ctx) = (&prep.traj, &prep.inst.ctx);
    let zero = S::zero(ctx);
    let site = |state, pattern: Option<&'a reluflow_flow::Pattern>, t: S| {
        let velocity = match (lemma.derivative, pattern, state) {
            (true, Some(p), Some(st)) => Some(eval.inst.velocity(st, p)),
            _ => None,
        };
        Site { state, pattern, t, initial: &traj.initial, event: None, velocity }
    };
    let mut out = Vec::new();
    if !lemma.derivative {
        let s = site(Some(&traj.initial), None, zero.clone());
        out.push(At { site: s, at: Location::Initial, t0: zero.clone(), t1: zero });
    }
    for &k in &prep.cov.segs {
        let seg = &traj.segments[k];
        let t = seg.t_start.hull(&seg.t_end);
        let at = prep.cov.at(k, seg);
        let s = site(Some(&seg.hull), Some(&seg.pattern), t);
        out.push(At { site: s, at, t0: seg.t_start.clone(), t1: seg.t_end.clone() });
        if !lemma.derivative && seg.t_end.is_finite() {
            let s = site(Some(&seg.end), None, seg.t_end.clone());
            let at = prep.cov.end_at(k, seg);
            out.push(At { site: s, at, t0: seg.t_end.clone(), t1: seg.t_end.clone() });
        }
    }
    out
}

/// The site may contain a time in `[a, b]`.
fn may_meet<S: Enclosure>(x: &At<'_, S>, a: &S, b: &Option<S>) -> bool {
    !certainly_less(&x.t1, a) && b.as_ref().is_none_or(|b| !certainly_less(b, &x.t0))
}

/// The site certainly contains a time in `[a, b]` (strictly inside the open segment with `d/dt`).
fn meets<S: Enclosure>(x: &At<'_, S>, a: &S, b: &Option<S>, strict: bool) -> bool {
    if strict {
        positive_length(&x.t0, &x.t1) && certainly_less(a, &x.t1) && b.as_ref().is_none_or(|b| certainly_less(&x.t0, b))
    } else {
        certainly_le(a, &x.t1) && b.as_ref().is_none_or(|b| certainly_le(&x.t0, b))
    }
}

/// Why the certified segments do not reach `b` (`None`: they do).
fn short_of<S: Enclosure>(prep: &Prepared<S>, b: &Option<Rational>) -> Option<String> {
    if let Some(why) = contiguity(prep) {
        return Some(why);
    }
    let last = prep.cov.segs.last().map(|&k| &prep.traj.segments[k].t_end);
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
    Some(match &prep.traj.status {
        Status::Undecided { certified_until, reason } => {
            format!("the trajectory is certified only up to t = {} ({reason})", show(certified_until))
        }
        _ if b.is_none() => "the certified segments do not reach t = ∞ (no hull of the tail up to the limit)".into(),
        _ => format!("the certified segments end at t = {}", last.map_or("0".into(), show)),
    })
}

/// The certified segments follow each other without a gap from `t = 0`.
fn contiguity<S: Enclosure>(prep: &Prepared<S>) -> Option<String> {
    let mut prev: Option<&S> = None;
    for &k in &prep.cov.segs {
        let s = &prep.traj.segments[k];
        let ok = prev.map_or_else(|| s.t_start.possibly_zero(), |e| overlaps(e, &s.t_start));
        if !ok {
            return Some(format!("segment {k} does not start where the previous one ends (a gap in time)"));
        }
        prev = Some(&s.t_end);
    }
    None
}

fn over_time<S: Enclosure>(eval: &Eval<'_, S>, lemma: &Resolved, problem: &Problem, prep: &Prepared<S>) -> Verdict<S> {
    let ctx = &prep.inst.ctx;
    let (a, b) = range(&lemma.scope, &problem.run().t_end);
    let (sa, sb) = (S::from_rational(&a, ctx), b.as_ref().map(|b| S::from_rational(b, ctx)));
    let eventually = lemma.scope == Scope::Eventually;
    let mut first_unknown = None;
    let mut first_false = None;
    let mut vars = Vec::new();
    for x in sites(eval, lemma, prep) {
        if !may_meet(&x, &sa, &sb) {
            continue;
        }
        let explained = || Eval { explain: true, ..*eval }.truth(&lemma.body, &x.site, &mut Vec::new());
        let quiet = eval.truth(&lemma.body, &x.site, &mut vars);
        let reported = match &quiet {
            Tri::True => false,
            Tri::False(_) => !eventually || first_false.is_none(),
            Tri::Unknown(_) => first_unknown.is_none(),
        };
        match if reported { explained() } else { quiet } {
            Tri::True if eventually && meets(&x, &sa, &sb, lemma.derivative) => {
                let range = format!("some t of {}: {}", describe(&a, &b), x.at);
                return Verdict::Holds { proof: Proof::Enclosures, range };
            }
            // True on a site that only may meet the range: for `eventually`, neither way.
            Tri::True if eventually && first_unknown.is_none() => {
                first_unknown = Some(format!("true at {}, which may lie outside the range", x.at));
            }
            Tri::True => {}
            Tri::False(fail) if !eventually && meets(&x, &sa, &sb, lemma.derivative) => {
                return witness(x.at, fail, None);
            }
            Tri::False(fail) => {
                if first_false.is_none() {
                    first_false = Some((x.at, fail));
                }
            }
            Tri::Unknown(why) => {
                if first_unknown.is_none() {
                    first_unknown = Some(format!("{why} at {}", x.at));
                }
            }
        }
    }
    let law = !eventually && conservation_law(lemma, problem);
    // A conservation law holds wherever the flow is defined: with a certified limit, for all t.
    let short = if law && b.is_none() && prep.traj.limit.is_some() && prep.cov.incomplete.is_none() {
        contiguity(prep)
    } else {
        short_of(prep, &b)
    };
    if eventually {
        return match (short, first_unknown, first_false) {
            (None, None, Some((at, fail))) => {
                let every = format!("false at every time of {}", describe(&a, &b));
                witness(at, fail, Some(every))
            }
            (Some(why), _, _) => Verdict::undecided(format!("not shown on the certified part, and {why}")),
            (None, Some(why), _) => Verdict::undecided(why),
            (None, None, None) => Verdict::undecided("no certified time lies in the range"),
        };
    }
    if let Some(why) = short {
        return Verdict::undecided(format!("no violation found, but {why}"));
    }
    if law {
        return Verdict::Holds { proof: Proof::Identity(IDENTITY), range: describe(&a, &b) };
    }
    if let Some(why) = first_unknown
        .or_else(|| first_false.map(|(at, f)| format!("`{}` fails at {at}, which only may meet the range", f.clause)))
    {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: describe(&a, &b) }
}

/// The violation of `fail`'s clause at `at` (`extra`: more context for the reader).
fn witness<S: Enclosure>(at: Location<S>, fail: Fail<S>, extra: Option<String>) -> Verdict<S> {
    let mut parts: Vec<String> =
        [fail.detail, extra.unwrap_or_default()].into_iter().filter(|p| !p.is_empty()).collect();
    let breaks = if fail.quantity == fail.clause {
        format!("is false{}", if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) })
    } else {
        parts.insert(0, format!("breaks `{}`", fail.clause));
        parts.join("; ")
    };
    Verdict::violated(at, fail.quantity, fail.value, breaks)
}

/// How an identity of the flow is proved (the enclosures are checked against it): a conservation
/// law `lhs == rhs`, or descent `d/dt loss <= 0`.
const IDENTITY: &str = "identities of the flow: d/dt (lhs − rhs) ≡ 0 along the field for every pattern with lhs = rhs at \
t = 0; dL/dt = −‖θ̇‖² ≤ 0";

fn conservation_law(lemma: &Resolved, problem: &Problem) -> bool {
    let ctx = super::identity::Ctx {
        two_layer: problem.model() == reluflow_model::ModelKind::TwoLayer,
        m: problem.init().width(),
        d: problem.data().d(),
        x: problem.data().x().to_vec(),
        y: problem.data().y().to_vec(),
    };
    super::identity::proves(&lemma.body, &mut Vec::new(), &ctx)
}

/// The events of the certified part, each with the points switched earlier for its neuron.
fn event_sites<S: Enclosure>(prep: &Prepared<S>, original: &Trajectory<S>) -> Vec<EventSite<S>> {
    let until = match &original.status {
        Status::Undecided { certified_until, .. } => Some(certified_until),
        _ => None,
    };
    let mut out: Vec<EventSite<S>> = Vec::new();
    for e in &original.events {
        if until.is_some_and(|u| !certainly_le(&e.t, u)) {
            break;
        }
        let earlier = |k: EventKind| {
            out.iter().filter(|p| p.neuron == e.neuron && p.kind == k).map(|p| p.point).collect::<Vec<_>>()
        };
        let site = EventSite {
            kind: e.kind,
            point: e.point,
            neuron: e.neuron,
            t: e.t.clone(),
            deactivated_before: earlier(EventKind::Deactivate),
            activated_before: earlier(EventKind::Activate),
        };
        out.push(site);
    }
    let _ = prep;
    out
}

fn events<S: Enclosure>(
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
            initial: &prep.traj.initial,
            event: Some(e),
            velocity: None,
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
    if let Some(why) = incomplete.or_else(|| if prep.traj.limit.is_some() { None } else { short_of(prep, &b) }) {
        return Verdict::undecided(format!("no violation at the {} certified events, but {why}", list.len()));
    }
    if let Some(why) = first_unknown {
        return Verdict::undecided(why);
    }
    let range = format!("every event of {} ({} events)", describe(&Rational::new(), &b), list.len());
    Verdict::Holds { proof: Proof::Enclosures, range }
}

fn limit<S: Enclosure>(eval: &Eval<'_, S>, lemma: &Resolved, prep: &Prepared<S>) -> Verdict<S> {
    let Some(l) = &prep.traj.limit else {
        return Verdict::undecided("the run certified no limit (it needs t_end = \"inf\" and a limit proof)");
    };
    if let Some(why) = &prep.cov.incomplete {
        return Verdict::undecided(format!("the limit is not certified: {why}"));
    }
    let velocity = lemma.derivative.then(|| eval.inst.velocity(&l.state, &l.pattern));
    let t = S::entire(&prep.inst.ctx);
    let site = Site {
        state: Some(&l.state),
        pattern: Some(&l.pattern),
        t,
        initial: &prep.traj.initial,
        event: None,
        velocity,
    };
    match eval.truth(&lemma.body, &site, &mut Vec::new()) {
        Tri::True => Verdict::Holds { proof: Proof::Enclosures, range: "the limit t → ∞".into() },
        Tri::False(fail) => {
            Verdict::violated(Location::Limit, fail.clause, fail.value, format!("is false ({})", fail.detail))
        }
        Tri::Unknown(why) => Verdict::undecided(why),
    }
}
