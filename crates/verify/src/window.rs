//! Claims about the state over stretches of absolute time, re-proved from the certificate's own
//! (already verified) balls: where each pattern holds, its stretches, and the quantities a
//! verdict speaks about (`½‖w‖²` and its rate), enclosed on the states of a piece.
//!
//! A pattern starting at `T ∈ [T.lo, T.hi]` is in effect until its exit's time (a switch's
//! `time.lo` at the earliest, `t_end`, or never for a limit). An absolute time `t` with
//! `T.hi ≤ t ≤` that end has the local time `t − T ∈ [t − T.hi, t − T.lo]`; the verifier flows the
//! ball of the last stretch that starts before `t − T.hi` (which holds the state there) with the
//! pattern's flow over all those local times, so it proves the claim at every `t` of a window
//! whatever `T` is.

use crate::Fail;
use crate::exits::Ctx;
use crate::field::Field;
use crate::num::{I, show, show_i};
use crate::walk::{Claims, Guards, Miss, Pt, Quantity, advance, walk_or_point};
use reluflow_certificate::{Ball, Crossing, Exit, Horizon, Iv, PatternCert};
use rug::Rational;

/// A stretch of a pattern: its local start time, its ball there, and how long the pattern's flow
/// from it is needed (`None`: for ever, a limit).
pub(crate) struct Stretch<'a> {
    pub t0: &'a Rational,
    pub ball: &'a Ball,
    pub len: Option<Rational>,
}

/// The stretches of `pat` (steps, then the exit's), each up to the latest time it may be needed:
/// a crossing's up to the latest local time of its switch.
pub(crate) fn stretches<'a>(pat: &'a PatternCert) -> Vec<Stretch<'a>> {
    let mut v: Vec<Stretch<'a>> = pat
        .steps
        .iter()
        .map(|s| Stretch { t0: &s.t0, ball: &s.start, len: Some(Rational::from(&s.t1 - &s.t0)) })
        .collect();
    let last = match &pat.exit {
        Exit::Switch(c) | Exit::Death { crossing: c, .. } => {
            let Crossing { t0, t1, start, time, .. } = c;
            let switch = Rational::from(&time.hi - &pat.t_start.lo) - t0;
            Stretch { t0, ball: start, len: Some(switch.min(Rational::from(t1 - t0)).max(Rational::new())) }
        }
        Exit::Horizon { t0, t1, start, .. } => Stretch { t0, ball: start, len: Some(Rational::from(t1 - t0)) },
        Exit::Limit { t0, start, .. } => Stretch { t0, ball: start, len: None },
    };
    v.push(last);
    v
}

/// The earliest time the pattern may end (`None`: never).
pub(crate) fn end_lo(pat: &PatternCert, t_end: &Horizon) -> Option<Rational> {
    match (&pat.exit, t_end) {
        (Exit::Switch(c) | Exit::Death { crossing: c, .. }, _) => Some(c.time.lo.clone()),
        (Exit::Horizon { .. }, Horizon::Finite(t)) => Some(t.clone()),
        _ => None,
    }
}

/// The pattern's field (its anchor verified).
pub(crate) fn field(ctx: &Ctx<'_>, pat: &PatternCert) -> Field {
    Field::new(ctx.x, ctx.y, &ctx.gf, &pat.active, pat.anchor.clone())
}

/// Claims with only `q`.
pub(crate) fn only<'a>(q: Quantity<'a>, loc: String) -> Claims<'a> {
    Claims {
        hull: None,
        guards: Vec::new(),
        closed: Vec::new(),
        rates: Vec::new(),
        radii: None,
        quantity: Some(q),
        loc,
    }
}

/// Proves `q` at every absolute time of `t` (`t.lo ≤ t.hi`), inside one pattern.
pub(crate) fn at_times(ctx: &Ctx<'_>, pats: &[PatternCert], t: &Iv, q: Quantity<'_>, loc: &str) -> Result<(), Fail> {
    let inside = |p: &PatternCert| p.t_start.hi <= t.lo && end_lo(p, ctx.t_end).is_none_or(|e| t.hi <= e);
    let Some(pat) = pats.iter().find(|p| inside(p)) else {
        let what = "the times lie inside one pattern (after its start, before its end)";
        return Err(Fail::new(format!("{loc} / t"), what, format!("[{}, {}]", t.lo, t.hi), "one pattern".into()));
    };
    let (sa, sb) = (Rational::from(&t.lo - &pat.t_start.hi), Rational::from(&t.hi - &pat.t_start.lo));
    let all = stretches(pat);
    let Some(s) = all.iter().rev().find(|s| *s.t0 <= sa) else {
        return Err(Fail::new(format!("{loc} / t"), "a stretch holds the times", show(&sa), "≥ 0".into()));
    };
    let mut f = field(ctx, pat);
    let gs = Guards::new(&f, ctx.x);
    let start = Pt { p: s.ball.u.clone(), eps: Rational::new() };
    let at = advance(&mut f, &start, &Rational::from(&sa - s.t0))?;
    let c = only(q, loc.to_string());
    walk_or_point(&mut f, &gs, &start, &at, &s.ball.rho, &Rational::from(&sb - &sa), &c)
}

fn sqr(v: &I) -> I {
    let (a, b) = (Rational::from(v.lo.square_ref()), Rational::from(v.hi.square_ref()));
    if v.lo <= 0 && v.hi >= 0 { I::new(Rational::new(), a.max(b)) } else { I::new(a.clone().min(b.clone()), a.max(b)) }
}

/// `d/dt ½‖w‖² = 2c Σ_{i∈A} (y_i − z_i) z_i` (`z_i = x_iᵀw > 0` on the pattern's cell) on the
/// states `a + U + B(r)`: each term enclosed as `y_i²/4 − (z_i − y_i/2)²` (one occurrence of
/// `z_i`) and as the product, the two met (both enclose the same number).
pub(crate) fn norm_rate(ctx: &Ctx<'_>, f: &Field, gs: &Guards, u: &[I], r: &Rational) -> I {
    let mut acc = I::zero();
    for &i in &f.active {
        let z = gs.value(f, i, u, r);
        let y = &ctx.y[i];
        let half = Rational::from(y / 2u32);
        let centred = I::pt(Rational::from(half.square_ref())).add(&sqr(&z.add(&I::pt(-half))).neg());
        let product = I::pt(y.clone()).add(&z.neg()).mul(&z);
        let (lo, hi) = (centred.lo.clone().max(product.lo), centred.hi.clone().min(product.hi));
        acc = acc.add(&if lo <= hi { I::new(lo, hi) } else { centred });
    }
    acc.mul_q(&ctx.gf)
}

/// `½‖w‖²` on the states `a + U + B(r)`: `‖c + δ‖² ∈ [‖c‖² − 2‖c‖r, ‖c‖² + 2‖c‖r + r²]` for `c`
/// in the box `a + U`.
pub(crate) fn half_norm_sq(f: &Field, u: &[I], r: &Rational) -> I {
    let s = u.iter().zip(&f.anchor).fold(I::zero(), |acc, (v, a)| acc.add(&sqr(&v.add(&I::pt(a.clone())))));
    let n = crate::num::sqrt_up(&s.hi);
    let cross = Rational::from(&n * r) * 2u32;
    let lo = Rational::from(&s.lo - &cross);
    let hi = Rational::from(&s.hi + &cross) + Rational::from(r.square_ref());
    I::new(lo, hi).mul_q(&Rational::from((1, 2)))
}

/// `v ≤ bound` (`upper`) or `v ≥ bound`, as a quantity claim's answer.
pub(crate) fn compare(name: &str, v: &I, bound: &Rational, upper: bool) -> Result<(), Miss> {
    let ok = if upper { v.hi <= *bound } else { v.lo >= *bound };
    if ok {
        return Ok(());
    }
    let rel = if upper { "≤" } else { "≥" };
    Err((format!("{name} {rel} {}", show(bound)), show_i(v), format!("{rel} {bound}")))
}
