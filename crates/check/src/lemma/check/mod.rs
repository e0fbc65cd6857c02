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
use super::eval::{Eval, Fail, Site, Tri};
use super::typed::Resolved;
use crate::dispatch::Prepared;
use crate::sweep::positive_length;
use crate::verdict::{Location, Proof, Verdict};
use reluflow_arith::{Enclosure, Scalar};
use reluflow_flow::Trajectory;
use reluflow_model::Problem;

mod events;
mod range;

use events::{events, limit};
use range::{after_last_event, contiguity, describe, may_meet, meets, range, short_of};

/// A site with where it lives and the times it stands for.
struct At<'a, S: Scalar> {
    site: Site<'a, S>,
    at: Location<S>,
    /// Lower and upper time enclosure ends (for a hull: its start and end enclosures).
    t0: S,
    t1: S,
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
        _ => over_time(&eval, lemma, problem, prep, original),
    }
}

/// The time sites of the certified part from its `from`-th segment on, in order.
fn sites<'a, S: Enclosure>(eval: &Eval<'a, S>, lemma: &Resolved, prep: &'a Prepared<S>, from: usize) -> Vec<At<'a, S>> {
    let (traj, ctx) = (&prep.traj, &prep.inst.ctx);
    let zero = S::zero(ctx);
    let site = |state, pattern: Option<&'a reluflow_flow::Pattern>, t: S| {
        let (velocity, acceleration) = match (lemma.derivative, pattern, state) {
            (true, Some(p), Some(st)) => {
                let v = eval.inst.velocity(st, p);
                let acc = lemma.second.then(|| eval.inst.acceleration(st, p, &v));
                (Some(v), acc)
            }
            _ => (None, None),
        };
        Site { state, pattern, t, initial: traj.initial(), event: None, velocity, acceleration }
    };
    let mut out = Vec::new();
    if !lemma.derivative && from == 0 {
        let s = site(Some(traj.initial()), None, zero.clone());
        out.push(At { site: s, at: Location::Initial, t0: zero.clone(), t1: zero });
    }
    for &k in prep.cov.segs.iter().skip(from) {
        let seg = &traj.segments()[k];
        let t = seg.t_start().hull(seg.t_end());
        let at = prep.cov.at(k, seg);
        let s = site(Some(seg.hull()), Some(seg.pattern()), t);
        out.push(At { site: s, at, t0: seg.t_start().clone(), t1: seg.t_end().clone() });
        if !lemma.derivative && seg.t_end().is_finite() {
            let s = site(Some(seg.end()), None, seg.t_end().clone());
            let at = prep.cov.end_at(k, seg);
            out.push(At { site: s, at, t0: seg.t_end().clone(), t1: seg.t_end().clone() });
        }
    }
    out
}

fn over_time<S: Enclosure>(
    eval: &Eval<'_, S>,
    lemma: &Resolved,
    problem: &Problem,
    prep: &Prepared<S>,
    original: &Trajectory<S>,
) -> Verdict<S> {
    let ctx = &prep.inst.ctx;
    let (a, b) = range(&lemma.scope, &problem.run().t_end);
    let (sa, sb) = (S::from_rational(&a, ctx), b.as_ref().map(|b| S::from_rational(b, ctx)));
    let eventually = lemma.scope == Scope::Eventually;
    // After the last event: exactly the sites of the final pattern's segments, all in the range.
    let (from, span) = match lemma.scope {
        Scope::AfterLastEvent => match after_last_event(prep, original, &b) {
            Ok((from, span)) => (Some(from), span),
            Err(why) => return Verdict::undecided(why),
        },
        _ => (None, describe(&a, &b)),
    };
    let meets = |x: &At<'_, S>| match from {
        Some(_) => !lemma.derivative || positive_length(&x.t0, &x.t1),
        None => meets(x, &sa, &sb, lemma.derivative),
    };
    let mut first_unknown = None;
    let mut first_false = None;
    let mut vars = Vec::new();
    for x in sites(eval, lemma, prep, from.unwrap_or(0)) {
        if from.is_none() && !may_meet(&x, &sa, &sb) {
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
            Tri::True if eventually && meets(&x) => {
                let range = format!("some t of {span}: {}", x.at);
                return Verdict::Holds { proof: Proof::Enclosures, range };
            }
            // True on a site that only may meet the range: for `eventually`, neither way.
            Tri::True if eventually && first_unknown.is_none() => {
                first_unknown = Some(format!("true at {}, which may lie outside the range", x.at));
            }
            Tri::True => {}
            Tri::False(fail) if !eventually && meets(&x) => {
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
    let short = if law && b.is_none() && prep.traj.limit().is_some() && prep.cov.incomplete.is_none() {
        contiguity(prep)
    } else {
        short_of(prep, &b)
    };
    if eventually {
        return match (short, first_unknown, first_false) {
            (None, None, Some((at, fail))) => {
                let every = format!("false at every time of {span}");
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
        return Verdict::Holds { proof: Proof::Identity(IDENTITY), range: span };
    }
    if let Some(why) = first_unknown
        .or_else(|| first_false.map(|(at, f)| format!("`{}` fails at {at}, which only may meet the range", f.clause)))
    {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: span }
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
