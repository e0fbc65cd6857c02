//! The checker's verdicts, re-proved from the certificate's own patterns after these are verified
//! (`proofs-notes/certificate-verifier.md`, "Verdicts"). Each entry the verifier knows has its own
//! argument; a checked verdict of another entry fails as not supported, and an unchecked one is
//! reported as unchecked, never as proved.

use crate::exits::Ctx;
use crate::num::{I, dot, show};
use crate::walk::Miss;
use crate::walk::{Guards, Pt, Quantity, walk_or_point};
use crate::window::{at_times, compare, field, half_norm_sq, norm_rate, only, stretches};
use crate::{Fail, VerdictReport};
use reluflow_certificate::{Exit, Horizon, Neuron, PatternCert, VerdictCert, WitnessCert};
use rug::Rational;

/// Per verdict: its report, or the claim of it that fails.
pub(crate) fn all(ctx: &Ctx<'_>, n: &Neuron) -> Vec<Result<VerdictReport, Fail>> {
    n.verdicts.iter().enumerate().map(|(k, v)| one(ctx, n, k, v)).collect()
}

fn one(ctx: &Ctx<'_>, n: &Neuron, k: usize, v: &VerdictCert) -> Result<VerdictReport, Fail> {
    let loc = format!("verdict {k} ({})", v.entry());
    let report = |checked| VerdictReport { entry: v.entry().to_string(), verdict: v.verdict().name(), checked };
    let pats = &n.patterns;
    match v {
        VerdictCert::Unchecked { .. } => return Ok(report(false)),
        VerdictCert::Holds { entry, w_star } => match entry.as_str() {
            "gen.loss-nonincreasing" | "gen.span" => {}
            "gen.dist-to-interpolant" | "vs.thm8-distance" => crate::theorems::zero_loss(ctx, w_star.as_ref(), &loc)?,
            "vs.thm3-limit" => crate::theorems::thm3(ctx, n, &loc)?,
            "gen.dead-frozen" => dead_frozen(ctx, n, &loc)?,
            "lsy.norm-growth" => norm_growth(ctx, n, &loc)?,
            "lsy.support-vector-stability" => reactivation(ctx, pats, &loc)?,
            "lsy.global-convergence-d2" => {
                let l = limit_loss(ctx, pats, &loc)?;
                if l != 0 {
                    return Err(Fail::new(loc, "L(w(∞)) = 0", format!("{} ({l})", show(&l)), "0".into()));
                }
            }
            other => return Err(Fail::unsupported(loc, format!("a verdict on {other:?}"))),
        },
        VerdictCert::Violated { entry, witness } => match (entry.as_str(), witness) {
            (
                "gen.loss-nonincreasing"
                | "gen.span"
                | "gen.dead-frozen"
                | "gen.dist-to-interpolant"
                | "vs.thm8-distance",
                _,
            ) => {
                let what = "a violation of an identity of the gradient flow, which the verified patterns follow";
                return Err(Fail::new(loc, what, "the identity holds".into(), "a violation".into()));
            }
            ("lsy.norm-growth", WitnessCert::Rate { t, below }) => {
                positive(below, true, &loc)?;
                if t.lo >= t.hi {
                    let what = "the witness times have positive length";
                    return Err(Fail::new(
                        format!("{loc} / witness / t"),
                        what,
                        format!("[{}, {}]", t.lo, t.hi),
                        "lo < hi".into(),
                    ));
                }
                let q = |f: &_, gs: &_, u: &[I], r: &_| -> Result<(), Miss> {
                    compare("d/dt ½‖w‖²", &norm_rate(ctx, f, gs, u, r), below, true)
                };
                at_times(ctx, pats, t, Quantity(&q), &format!("{loc} / witness"))?;
            }
            ("lsy.norm-growth", WitnessCert::Decrease { earlier, above, later, below }) => {
                if earlier.hi > later.lo || below >= above {
                    let what = "the later value lies below the earlier one, at later times";
                    let found = format!("earlier ≤ {}, later ≥ {}, below {below}, above {above}", earlier.hi, later.lo);
                    return Err(Fail::new(
                        format!("{loc} / witness"),
                        what,
                        found,
                        "earlier.hi ≤ later.lo, below < above".into(),
                    ));
                }
                let ge = |f: &_, _: &Guards, u: &[I], r: &_| compare("½‖w‖²", &half_norm_sq(f, u, r), above, false);
                let le = |f: &_, _: &Guards, u: &[I], r: &_| compare("½‖w‖²", &half_norm_sq(f, u, r), below, true);
                at_times(ctx, pats, earlier, Quantity(&ge), &format!("{loc} / witness / earlier"))?;
                at_times(ctx, pats, later, Quantity(&le), &format!("{loc} / witness / later"))?;
            }
            ("lsy.support-vector-stability", WitnessCert::Reactivation { point, active, inactive, again }) => {
                reactivated(ctx, pats, *point, [*active, *inactive, *again], &loc)?;
            }
            ("lsy.global-convergence-d2", WitnessCert::LimitLoss { above }) => {
                positive(above, false, &loc)?;
                let l = limit_loss(ctx, pats, &loc)?;
                if l < *above {
                    return Err(Fail::new(
                        format!("{loc} / witness / above"),
                        "L(w(∞)) ≥ above",
                        format!("{} ({l})", show(&l)),
                        format!("≥ {above}"),
                    ));
                }
            }
            (e @ ("lsy.norm-growth" | "lsy.support-vector-stability" | "lsy.global-convergence-d2"), w) => {
                let what = format!("a witness of the kind {e} takes");
                return Err(Fail::new(format!("{loc} / witness / kind"), what, w.kind().into(), "its own kind".into()));
            }
            (other, _) => return Err(Fail::unsupported(loc, format!("a verdict on {other:?}"))),
        },
    }
    Ok(report(true))
}

/// `v < 0` (`negative`) or `v > 0`.
fn positive(v: &Rational, negative: bool, loc: &str) -> Result<(), Fail> {
    let ok = if negative { *v < 0 } else { *v > 0 };
    if ok {
        return Ok(());
    }
    let need = if negative { "< 0" } else { "> 0" };
    Err(Fail::new(format!("{loc} / witness"), format!("the witness bound is {need}"), v.to_string(), need.into()))
}

/// `lsy.norm-growth` holds: `d/dt ½‖w‖² ≥ 0` on every stretch of every pattern, up to the switch
/// (or `t_end`; a limit's tail by the slow mode, `tail.rs`); on a first pattern from `w(0) = 0` by
/// the identity `wᵀẇ = aᵀ(I − E(s))K E(s) a ≥ 0`; after a death the state is frozen (rate 0).
fn norm_growth(ctx: &Ctx<'_>, n: &Neuron, loc: &str) -> Result<(), Fail> {
    let zero_start = n.problem.w0.iter().all(|v| *v == 0);
    for (pi, pat) in n.patterns.iter().enumerate() {
        if pat.active.is_empty() || (pi == 0 && zero_start) {
            continue;
        }
        let mut f = field(ctx, pat);
        let gs = Guards::new(&f, ctx.x);
        let q = |f: &_, gs: &_, u: &[I], r: &_| {
            compare("d/dt ½‖w‖²", &norm_rate(ctx, f, gs, u, r), &Rational::new(), false)
        };
        for (k, s) in stretches(pat).iter().enumerate() {
            let sl = format!("{loc} / pattern {pi} / stretch {k}");
            let claims = only(Quantity(&q), sl);
            let Some(len) = &s.len else {
                let rows: Vec<Vec<Rational>> = pat.active.iter().map(|&i| ctx.x[i].clone()).collect();
                crate::tail::norm_growth(&mut f, &gs, &rows, s.ball, &claims)?;
                continue;
            };
            let start = Pt { p: s.ball.u.clone(), eps: Rational::new() };
            walk_or_point(&mut f, &gs, &start, &start, &s.ball.rho, len, &claims)?;
        }
    }
    Ok(())
}

/// `gen.dead-frozen` holds: a neuron with `x_iᵀw(0) < 0` for every point has no active point in
/// any pattern (then its field vanishes and it never moves).
fn dead_frozen(ctx: &Ctx<'_>, n: &Neuron, loc: &str) -> Result<(), Fail> {
    let dead = ctx.x.iter().all(|x| dot(x, &n.problem.w0) < 0);
    match n.patterns.iter().position(|p| !p.active.is_empty()) {
        Some(p) if dead => Err(Fail::new(
            format!("{loc} / pattern {p}"),
            "a neuron dead at t = 0 stays so",
            "active points".into(),
            "none".into(),
        )),
        _ => Ok(()),
    }
}

/// Whether pattern `p` lasts a positive time: every pattern but a last one ending at a horizon
/// ends at a transversal switch after its start, or never; the last lasts until `t_end`.
fn lasts(ctx: &Ctx<'_>, pats: &[PatternCert], p: usize) -> bool {
    match (&pats[p].exit, ctx.t_end) {
        (Exit::Horizon { .. }, Horizon::Finite(t)) => *t > pats[p].t_start.hi,
        _ => true,
    }
}

/// `lsy.support-vector-stability` holds: no point active, then inactive, then active again.
fn reactivation(ctx: &Ctx<'_>, pats: &[PatternCert], loc: &str) -> Result<(), Fail> {
    let mut seen = vec![0u8; ctx.x.len()];
    for (p, pat) in pats.iter().enumerate() {
        for (i, s) in seen.iter_mut().enumerate() {
            match (*s, pat.active.contains(&i)) {
                (0, true) => *s = 1,
                (1, false) => *s = 2,
                (2, true) if lasts(ctx, pats, p) => {
                    let what = "no point becomes active again after it was active, then inactive";
                    return Err(Fail::new(
                        format!("{loc} / pattern {p}"),
                        what,
                        format!("point {i} active again"),
                        "none".into(),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A reactivation witness: `point` in the active set of the first pattern, not in the second's,
/// in the third's, in this order, the third lasting a positive time.
fn reactivated(ctx: &Ctx<'_>, pats: &[PatternCert], point: usize, ps: [usize; 3], loc: &str) -> Result<(), Fail> {
    let want = [true, false, true];
    for (k, (&p, &w)) in ps.iter().zip(&want).enumerate() {
        if pats[p].active.contains(&point) != w || (k > 0 && ps[k - 1] >= p) {
            let what = format!(
                "point {point} is {} in pattern {p}, after the previous one",
                if w { "active" } else { "inactive" }
            );
            return Err(Fail::new(
                format!("{loc} / witness / patterns[{k}]"),
                what,
                format!("active set {:?}", pats[p].active),
                "the witness's".into(),
            ));
        }
    }
    if !lasts(ctx, pats, ps[2]) {
        return Err(Fail::new(
            format!("{loc} / witness / patterns[2]"),
            "the pattern lasts a positive time",
            "ends at its start".into(),
            "t_end > its start".into(),
        ));
    }
    Ok(())
}

/// `L(w(∞))`, exactly: `L(a)` of a limit pattern (every equilibrium of it has the same
/// residuals), `c Σ y_i²` after a death; no limit for a finite horizon.
fn limit_loss(ctx: &Ctx<'_>, pats: &[PatternCert], loc: &str) -> Result<Rational, Fail> {
    let Some(last) = pats.last() else { return Err(Fail::new(loc, "a pattern", "none".into(), "one".into())) };
    let c = &ctx.c;
    match (&last.exit, ctx.t_end) {
        (Exit::Limit { .. }, _) => Ok(c.clone()
            * (0..ctx.x.len())
                .map(|i| {
                    let z = if last.active.contains(&i) { dot(&ctx.x[i], &last.anchor) } else { Rational::new() };
                    (z - &ctx.y[i]).square()
                })
                .sum::<Rational>()),
        (Exit::Death { .. }, Horizon::Infinite) => {
            Ok(c.clone() * ctx.y.iter().map(|v| Rational::from(v.square_ref())).sum::<Rational>())
        }
        _ => Err(Fail::new(loc, "the run has a limit (t_end = inf)", "a finite horizon".into(), "a limit".into())),
    }
}
