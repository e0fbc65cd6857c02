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
use crate::num::show;
use reluflow_certificate::{Horizon, Iv};
use rug::Rational;

/// The claims after the death's switch `sw`: σ'(0) = 0, nothing stays active, the death falls
/// before a finite `t_end`, and the loss after it lies in `loss`.
pub(crate) fn after(ctx: &Ctx<'_>, el: &str, sw: &Switched, loss: &Iv) -> Result<(), Fail> {
    if ctx.one {
        let what = "a death needs σ'(0) = 0 (the field on the hyperplane vanishes)";
        return Err(Fail::new(el, what, "σ'(0) = 1".into(), "σ'(0) = 0".into()));
    }
    if !sw.next.is_empty() {
        let what = "every active point switches off";
        return Err(Fail::new(format!("{el} / point"), what, format!("{:?} stay active", sw.next), "none".into()));
    }
    if let Horizon::Finite(t) = ctx.t_end
        && sw.time.hi > *t
    {
        let what = "the death happens before t_end";
        return Err(Fail::new(format!("{el} / time"), what, format!("up to {}", sw.time.hi), format!("≤ {t}")));
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
    Ok(())
}
