//! `d/dt ½‖w‖²` on a single-neuron segment and on the tail `[T, ∞)` from the residual's modes (see
//! `proofs-notes/thm-lsy.norm-growth.md`, "Tail").
//!
//! Between two events (and after the last one) the active set `S` is fixed, and the residual `r = X_S w − y_S` obeys
//! `ṙ = X_S ẇ = −G H r` with `H = X_S X_Sᵀ` (exact, symmetric, `⪰ 0`), while
//! `d/dt ½‖w‖² = G Σ_{i∈S} (y_i − z_i) z_i = −G (y_S + r)ᵀr`. With the eigenvalues `η_k` of `H`
//! isolated (distinct) and its spectral projectors `P_k` (`P_k P_l = δ_kl P_k`),
//! `r(s) = Σ_k e^{−Gη_k s} P_k r₀`, so `d/dt ½‖w‖² = −G E(s)` with the exponential polynomial
//! `E(s) = Σ_k (P_k y_S)ᵀr₀ e^{−Gη_k s} + Σ_k ‖P_k r₀‖² e^{−2Gη_k s}` ([`crate::expsign`]).

use crate::cel::delta::{eigen_intervals, spectral_projections as project};
use crate::expsign::{Sign, Term, nonpositive, nonpositive_until};
use crate::inst::Inst;
use crate::sweep::{Origin, PieceSign, certainly_le};
use crate::verdict::Location;
use reluflow_arith::{Enclosure, linalg};
use reluflow_flow::{Segment, State};
use rug::Rational;

/// The eigenvalues of the exact `h` (isolated, distinct), an exact `0` where `h` is singular.
fn eigenvalues<S: Enclosure>(h: &[Vec<Rational>], ctx: &S::Ctx) -> Option<Vec<S>> {
    let iv = eigen_intervals(h, &Rational::from((1, 1u64 << 62)))?;
    let singular = crate::rational::rank(h) < h.len();
    Some(
        iv.iter()
            .map(|(lo, hi)| if singular && *lo <= 0 && *hi >= 0 { S::zero(ctx) } else { S::from_bounds(lo, hi, ctx) })
            .collect(),
    )
}

/// The sign of `d/dt ½‖w‖²` on the checked segment `seg` (constant pattern; the tail `[T, ∞)`
/// with the limit's pattern included) from `w(t₀) ∈ start`, for the exact data `x`, labels `y`.
///
/// `t₀` is only known to lie in `seg.t_start()`, so the segment's times are `t₀ + s` with
/// `0 ≤ s ≤ t_end − t₀`: the sign is proved for `s` up to `sup t_end − inf t_start`, and a wrong
/// sign is reported only on times `s ≤ inf t_end − sup t_start` (inside the segment for every `t₀`).
pub fn norm_growth_piece<S: Enclosure>(
    inst: &Inst<S>,
    x: &[Vec<Rational>],
    y: &[Rational],
    start: &State<S>,
    seg: &Segment<S>,
    origin: Origin,
) -> PieceSign<S> {
    let ctx = &inst.ctx;
    let act = &seg.pattern().active[0];
    // No active point, or a frozen (dead) neuron: ẇ = 0, so the derivative is exactly 0.
    if act.is_empty() || seg.pattern().frozen.first().copied().unwrap_or(false) {
        return PieceSign::Right;
    }
    if start.a.is_some() || start.w.len() != 1 {
        return PieceSign::Unknown("not a single neuron".into());
    }
    if !seg.pattern().sliding.is_empty() {
        return PieceSign::Unknown("a sliding segment (its field is projected)".into());
    }
    let h: Vec<Vec<Rational>> =
        act.iter().map(|&i| act.iter().map(|&j| crate::rational::dot(&x[i], &x[j])).collect()).collect();
    let Some(eta) = eigenvalues::<S>(&h, ctx) else {
        return PieceSign::Unknown("the eigenvalues of X_S X_Sᵀ could not be separated".into());
    };
    let hs: Vec<Vec<S>> = h.iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let ys: Vec<S> = act.iter().map(|&i| S::from_rational(&y[i], ctx)).collect();
    let r0: Vec<S> = act.iter().zip(&ys).map(|(&i, yi)| inst.z(&start.w[0], i).sub(yi)).collect();
    let py = project(&hs, &eta, &ys, ctx);
    let pr = project(&hs, &eta, &r0, ctx);
    let mut terms = Vec::with_capacity(2 * eta.len());
    for k in 0..eta.len() {
        // η_k = 0 (H singular): P_k projects onto ker X_Sᵀ ⊥ range X_S, so P_k r₀ = −P_k y_S and the
        // two constant terms −‖P_k y_S‖² + ‖P_k y_S‖² cancel exactly.
        if !eta[k].possibly_pos() && !eta[k].possibly_neg() {
            continue;
        }
        let rate = inst.g.mul(&eta[k]);
        terms.push(Term { coef: linalg::dot(&py[k], &r0, ctx), rate: rate.clone() });
        terms.push(Term { coef: linalg::norm_sq(&pr[k], ctx), rate: rate.mul_2si(1) });
    }
    let (t0, t1) = (seg.t_start(), seg.t_end());
    let sign = if t1.upper_f64().is_finite() {
        nonpositive_until(&terms, &t1.hi_point().sub(&t0.lo_point()))
    } else if matches!(origin, Origin::Tail) {
        nonpositive(&terms, ctx)
    } else {
        return PieceSign::Unknown("an unbounded segment that is not the tail".into());
    };
    match sign {
        Sign::NonPositive => PieceSign::Right,
        Sign::Positive { from, to, value } => {
            // D < 0 at t₀ + s for s ∈ [from, to], whatever t₀ ∈ t_start is: on [sup t₀ + from, inf t₀ + to].
            let a = t0.hi_point().add(&from);
            let b = to.as_ref().map(|e| t0.lo_point().add(e));
            let inside = match &to {
                Some(e) => {
                    certainly_le(&a, b.as_ref().unwrap_or(&a))
                        && (!t1.upper_f64().is_finite() || certainly_le(&t0.hi_point().add(e), &t1.lo_point()))
                }
                None => !t1.upper_f64().is_finite(),
            };
            if !inside {
                return PieceSign::Unknown("the wrong sign found may lie past the segment's end".into());
            }
            let at = match origin {
                Origin::Tail => Location::Tail { t_start: a, t_end: b },
                Origin::Segment(index) => match b {
                    Some(b) => Location::Segment { index, t_start: a, t_end: b },
                    None => return PieceSign::Unknown("an unbounded segment that is not the tail".into()),
                },
            };
            PieceSign::Wrong { at, d: value.map(|e| inst.g.mul(&e).neg()) }
        }
        Sign::Unknown(why) => PieceSign::Unknown(why),
    }
}
