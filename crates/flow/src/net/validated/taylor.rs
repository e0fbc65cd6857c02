//! One validated Taylor step of the pattern flow: the a priori enclosure over `[0, h]` by a
//! high-order Picard test, polynomial enclosures over time intervals, and per-neuron scaling.
//!
//! Proofs note: `proofs-notes/net-validated-wrapping.md` (a priori enclosure theorem, remainder).

use super::Net;
use super::series::{Series, series};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// `Σ_{k≤p} c_k τ^k (+ rem · τ^{p+1})` for an interval `τ ⊆ [0, ∞)`, componentwise.
///
/// Guarantee: contains `Σ c_k t^k (+ ρ t^{p+1})` for every `t ∈ τ`, `c_k ∈ coeffs[k]`, `ρ ∈ rem`
/// (powers of a non-negative interval by repeated multiplication are enclosures).
///
/// The terms are summed from the highest order down and `c_0` is added last: each outward
/// rounding then costs an ulp of the (small) partial sum, not of the state. Summed from `c_0` up,
/// every one of the `p` additions widened the result by an ulp of `|c_0|`, which was the largest
/// width a step added at high accuracy (`proofs-notes/net-validated-wrapping.md`, "Rounding").
pub(crate) fn poly_at<S: Enclosure>(coeffs: &[Vec<S>], rem: Option<&[S]>, tau: &S) -> Vec<S> {
    let p = coeffs.len() - 1;
    let mut pows = Vec::with_capacity(p + 1);
    pows.push(tau.clone());
    for k in 1..=p {
        pows.push(pows[k - 1].mul(tau));
    }
    // pows[k] = τ^{k+1}
    let mut out: Vec<S> = match rem {
        Some(rem) => rem.iter().map(|c| c.mul(&pows[p])).collect(),
        None => coeffs[0].iter().map(|c| S::zero(&c.ctx())).collect(),
    };
    for k in (1..=p).rev() {
        for (o, c) in out.iter_mut().zip(&coeffs[k]) {
            o.add_mul_assign(c, &pows[k - 1]);
        }
    }
    out.iter().zip(&coeffs[0]).map(|(o, c)| c.add(o)).collect()
}

/// The remainder factor a step's end set takes up: `rem` (with the testing-only
/// `fault-net-drop-remainder` feature: none, so that the sets are too small and a certificate
/// written from them must not verify).
pub(crate) fn end_rem<S>(rem: &[S]) -> Option<&[S]> {
    if cfg!(feature = "fault-net-drop-remainder") { None } else { Some(rem) }
}

/// `δ · [−1, 1]`.
pub(crate) fn sym<S: Enclosure>(delta: &S) -> S {
    let ctx = delta.ctx();
    delta.abs().mul(&S::from_f64_bounds(-1.0, 1.0, &ctx))
}

/// `max_c |v_c|` as an enclosure.
pub(crate) fn maxabs<S: Enclosure>(v: &[S], ctx: &S::Ctx) -> S {
    v.iter().fold(S::zero(ctx), |acc, x| acc.max(&x.abs()))
}

/// `⌊log₂ |x|⌋` (approximately) of a certainly non-zero magnitude, else `None`.
pub(crate) fn exp2_of<S: Enclosure>(x: &S) -> Option<i32> {
    let a = x.abs().hi_point();
    if !a.certainly_pos() {
        return None;
    }
    let l = a.ln().approx_f64() / std::f64::consts::LN_2;
    if l.is_finite() { Some(l.floor() as i32) } else { None }
}

/// Per-component scale exponents: every component of neuron `j` gets `⌊log₂ ‖block_j(c)‖_∞⌋`
/// (blocks that are exactly zero get the largest exponent of the other blocks, or 0).
pub(crate) fn block_exponents<S: Enclosure>(net: &Net<S>, c: &[S]) -> Vec<i32> {
    let b = net.d + 1;
    let per: Vec<Option<i32>> = (0..net.m).map(|j| exp2_of(&maxabs(&c[j * b..(j + 1) * b], &net.ctx))).collect();
    let fallback = per.iter().flatten().copied().max().unwrap_or(0);
    per.iter().flat_map(|e| std::iter::repeat_n(e.unwrap_or(fallback), b)).collect()
}

/// `x` widened by a quarter of its radius plus `2^(e_c − 60)` per component (relative inflation:
/// states of size `1e-600` get inflations of the same size).
fn inflate_rel<S: Enclosure>(x: &[S], e: &[i32], ctx: &S::Ctx) -> Vec<S> {
    x.iter()
        .zip(e)
        .map(|(v, &ec)| {
            let rad = v.hi_point().sub(&v.lo_point()).mul_2si(-3);
            let floor = S::one(ctx).mul_2si(ec - 60);
            v.add(&sym(&rad.add(&floor)))
        })
        .collect()
}

/// A validated a priori enclosure of the pattern flow over `[0, h]`.
#[derive(Clone, Debug)]
pub(crate) struct Apriori<S> {
    /// Contains `x(t)` for every `t ∈ [0, h]` and every start in the box.
    pub e: Vec<S>,
    /// Encloses the order-`p+1` Taylor coefficient over `e` (the Lagrange remainder factor).
    pub rem: Vec<S>,
}

/// The a priori enclosure from the box whose Taylor coefficients (values, order `p`) are `ser_x`:
/// find `E` with `Σ_{k≤p} x_k(X)[0,h]^k + x_{p+1}(E)[0,h]^{p+1} ⊆ int E` (Corliss–Rihm 1996; the
/// proof in `proofs-notes/net-validated-wrapping.md`, part A). `None` after `iters` failed
/// inflations (the caller shrinks `h`).
pub(crate) fn apriori<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    h_hi: f64,
    e_scale: &[i32],
    iters: usize,
) -> Option<Apriori<S>> {
    let ctx = &net.ctx;
    let p = ser_x.x.len() - 1;
    let tau = S::from_f64_bounds(0.0, h_hi, ctx);
    let base = poly_at(&ser_x.x, None, &tau);
    let mut e = inflate_rel(&base, e_scale, ctx);
    let mut taup = S::one(ctx);
    for _ in 0..=p {
        taup = taup.mul(&tau);
    }
    for _ in 0..iters {
        let se = series(net, pattern, &e, p + 1, None);
        let rem = se.x[p + 1].clone();
        let cand: Vec<S> = base.iter().zip(&rem).map(|(b, r)| r.mul_add(&taup, b)).collect();
        if cand.iter().zip(&e).all(|(c, ev)| c.is_finite() && c.interior(ev)) {
            return Some(Apriori { e: cand, rem });
        }
        let hull: Vec<S> = e.iter().zip(&cand).map(|(a, b)| a.hull(b)).collect();
        e = inflate_rel(&hull, e_scale, ctx);
    }
    None
}

/// The guard `w_jᵀx_i` of a flat state box.
pub(crate) fn guard<S: Enclosure>(net: &Net<S>, x: &[S], j: usize, i: usize) -> S {
    let b = net.d + 1;
    let mut acc = S::zero(&net.ctx);
    for l in 0..net.d {
        acc.add_mul_assign(&x[j * b + l], &net.data.x[i][l]);
    }
    acc
}

/// The time derivative of the guard `w_jᵀx_i` under `pattern` over the box `x`: `ẇ_jᵀx_i`.
pub(crate) fn guard_rate<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S], j: usize, i: usize) -> S {
    let f = net.field_flat(pattern, x);
    guard(net, &f, j, i)
}

/// The pairs `(j, i)` of live neurons whose guard over `x` is not certainly of the pattern's sign.
/// A sliding neuron's guards of its surface (the point it slides on and the points parallel to it)
/// are no switching functions: the sliding field keeps them at 0 (`Pattern::sliding`); neither is a
/// pinned guard (`Net::pinned`).
pub(crate) fn uncertain_guards<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for j in 0..net.m {
        let surface: Vec<usize> = pattern.sliding_points(j).into_iter().flat_map(|s| net.class(s)).collect();
        for i in (0..net.n).filter(|&i| net.is_guard(i) && !surface.contains(&i)) {
            if !net.guard_holds(pattern, x, j, i) {
                out.push((j, i));
            }
        }
    }
    out
}
