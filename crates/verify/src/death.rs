//! A death (`proofs-notes/certificate-verifier.md`, "Death"): the switch that turns the last active
//! points off, re-proved as any switch, leaves the state frozen at the switching state for good.
//!
//! With σ'(0) = 0 the field at the switching state `w*` vanishes: every point is inactive there
//! (`x_kᵀw* < 0`, proved by the switch's walk) or on the switching hyperplane (`x_iᵀw* = 0`, where
//! its term carries the factor σ'(0) = 0). So `w(t) = w*` for `t ≥ t*` is a solution, and the only
//! one: on the side the flow came from, the old pattern's field moves the guard strictly towards the
//! hyperplane (the crossing's rate, proved on the step's hull, which holds `w*`), so no solution
//! leaves `w*` to that side, and everywhere else near `w*` the field is 0. The final state (or the
//! limit) is `w*`, in the switch's `state`, and the loss there is `c Σ y_i²` exactly.

use crate::Fail;
use crate::exits::{Ctx, Switched};
use crate::num::{I, dot_i, show, show_i};
use reluflow_certificate::{Horizon, Iv};
use rug::Rational;

/// The claims after the death's switch `sw`: σ'(0) = 0, nothing stays active, the loss after it
/// lies in `loss`; a death that may come after a finite `t_end` ([`late`]).
pub(crate) fn after(ctx: &Ctx<'_>, el: &str, sw: &Switched, loss: &Iv) -> Result<(), Fail> {
    if ctx.one {
        let what = "a death needs σ'(0) = 0 (the field on the hyperplane vanishes)";
        return Err(Fail::new(el, what, "σ'(0) = 1".into(), "σ'(0) = 0".into()));
    }
    if !sw.next.is_empty() {
        let what = "every active point switches off";
        return Err(Fail::new(format!("{el} / point"), what, format!("{:?} stay active", sw.next), "none".into()));
    }
    let l: Rational = ctx.y.iter().map(|v| Rational::from(v.square_ref())).sum::<Rational>() * &ctx.c;
    if l < loss.lo || l > loss.hi {
        return Err(Fail::new(
            format!("{el} / loss"),
            "the loss after the death (c Σ y_i²) lies in the interval",
            format!("{} ({l})", show(&l)),
            format!("[{}, {}]", loss.lo, loss.hi),
        ));
    }
    match ctx.t_end {
        Horizon::Finite(t) if sw.time.hi > *t => late(ctx, el, sw, loss, t),
        _ => Ok(()),
    }
}

/// A death that may come after a finite `t_end`: `t_end` is no earlier than the verifier's own
/// lower bound of the switch time, so `w(t_end)` is either the frozen state or a state of the
/// crossing before it, in `state` either way; the loss there lies in the loss over `state`.
fn late(ctx: &Ctx<'_>, el: &str, sw: &Switched, loss: &Iv, t: &Rational) -> Result<(), Fail> {
    if sw.from > *t {
        let what = "t_end is no earlier than the death's switch time (the state there is in `state`)";
        return Err(Fail::new(format!("{el} / time"), what, format!("from {}", show(&sw.from)), format!("≤ {t}")));
    }
    let over = loss_over(ctx, &sw.state);
    if !over.within(&I::new(loss.lo.clone(), loss.hi.clone())) {
        return Err(Fail::new(
            format!("{el} / loss"),
            "the loss over the state at t_end (the death may come later) lies in the interval",
            show_i(&over),
            format!("[{}, {}]", loss.lo, loss.hi),
        ));
    }
    Ok(())
}

/// `c Σ_i (σ(x_iᵀw) − y_i)²` over the box `state`.
fn loss_over(ctx: &Ctx<'_>, state: &[(Rational, Rational)]) -> I {
    let bx: Vec<I> = state.iter().map(|(a, b)| I::new(a.clone(), b.clone())).collect();
    let zero = I::zero();
    let mut sum = I::zero();
    for (xi, yi) in ctx.x.iter().zip(ctx.y) {
        let v = dot_i(xi, &bx);
        let s = I::new(v.lo.max(Rational::new()), v.hi.max(Rational::new()));
        let r = s.add(&I::pt(Rational::from(-yi)));
        let sq = if r.lo <= 0 && r.hi >= 0 { r.mul(&r).hull(&zero) } else { r.mul(&r) };
        let sq = I::new(sq.lo.max(Rational::new()), sq.hi);
        sum = sum.add(&sq);
    }
    sum.mul_q(&ctx.c)
}
