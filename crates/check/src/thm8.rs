//! Chistikov–Englert–Lazić Theorem 8: the sign of
//! `𝓜 = max{cos∠(p, q) − sin∠(p, v*) : ∅ ⊊ K ⊊ [d], p ∈ cone{χ_k}_{k∈K}∖0, q ∈ cone{χ_k}_{k∉K}∖0}`
//! with `[χ_1 … χ_d]ᵀ = X⁻¹`, and the explicit rank-2 interpolator with `‖θ‖² < 2` when `𝓜 > 0`.
//! See `proofs-notes/thm-cel.thm8-sign-M.md`.

use crate::rational::{dot, inverse, norm_sq};
use reluflow_arith::{Scalar, linalg};
use reluflow_model::Problem;
use rug::Rational;

/// A certificate of `𝓜 > 0`: `K` and exact cone coefficients of `p` and `q` with
/// `cos∠(p, q) > sin∠(p, v*)` (checked exactly).
#[derive(Clone, Debug, PartialEq)]
pub struct MWitness {
    /// The index set `K` (0-based).
    pub k: Vec<usize>,
    /// `β_k ≥ 0` with `p = Σ_{k∈K} β_k χ_k` (full length `d`, zero off `K`).
    pub beta: Vec<Rational>,
    /// `c_k ≥ 0` with `q = Σ_{k∉K} c_k χ_k` (full length `d`, zero on `K`).
    pub gamma: Vec<Rational>,
    /// `p`, exactly.
    pub p: Vec<Rational>,
    /// `q`, exactly.
    pub q: Vec<Rational>,
}

impl MWitness {
    /// A one-line description.
    pub fn describe(&self) -> String {
        format!("K = {:?}, p = Σ β_k χ_k with β = {:?}, q with coefficients {:?}", self.k, self.beta, self.gamma)
    }
}

/// The decided sign of `𝓜`.
#[derive(Clone, Debug, PartialEq)]
pub enum MSign {
    /// `𝓜 < 0`, with the reason (the Z-matrix condition).
    Negative(String),
    /// `𝓜 > 0`, with the witness.
    Positive(MWitness),
    /// Not decided.
    Unknown(String),
}

/// `cos∠(p, q) > sin∠(p, v)`, exactly: `pᵀq > 0` and `(pᵀq)²‖v‖² > ‖q‖²(‖p‖²‖v‖² − (pᵀv)²)`.
pub fn exceeds(p: &[Rational], q: &[Rational], v: &[Rational]) -> bool {
    let pq = dot(p, q);
    if pq <= 0 {
        return false;
    }
    let (nv, np, nq, pv) = (norm_sq(v), norm_sq(p), norm_sq(q), dot(p, v));
    Rational::from(&pq * &pq) * &nv > nq * (np * &nv - Rational::from(&pv * &pv))
}

/// The rows `χ_k` of `X⁻¹` (`X` has the points as columns, so `χ_kᵀx_i = [k = i]`), when `n = d`
/// and `X` is invertible.
pub fn chi(p: &Problem) -> Option<Vec<Vec<Rational>>> {
    let data = p.data();
    if data.n() != data.d() {
        return None;
    }
    let d = data.d();
    let cols: Vec<Vec<Rational>> = (0..d).map(|a| (0..d).map(|i| data.x()[i][a].clone()).collect()).collect();
    inverse(&cols)
}

/// Decides the sign of `𝓜`: negative by the sufficient condition `χ_kᵀχ_k' ≤ 0` for all `k ≠ k'`
/// (Fiedler–Pták, as in the paper); positive by a search over `K` with `p`, `q` among the single
/// generators and the generator sums; otherwise unknown.
pub fn sign_m(p: &Problem) -> MSign {
    let Some(v) = p.data().teacher() else { return MSign::Unknown("𝓜 needs a teacher v*".into()) };
    let Some(chi) = chi(p) else { return MSign::Unknown("needs n = d and linearly independent points".into()) };
    let d = chi.len();
    let z_matrix = (0..d).all(|a| (0..d).all(|b| a == b || dot(&chi[a], &chi[b]) <= 0));
    if z_matrix {
        return MSign::Negative("χ_kᵀχ_k' ≤ 0 for all k ≠ k' (inverse Gram matrix is a Z-matrix), exactly".into());
    }
    if d > 16 {
        return MSign::Unknown("d > 16: the search over K is not attempted".into());
    }
    let combos = |set: &[usize]| -> Vec<Vec<Rational>> {
        let mut out: Vec<Vec<Rational>> =
            set.iter().map(|&k| (0..d).map(|i| Rational::from(u32::from(i == k))).collect()).collect();
        if set.len() > 1 {
            out.push((0..d).map(|i| Rational::from(u32::from(set.contains(&i)))).collect());
        }
        out
    };
    let span = |coef: &[Rational]| -> Vec<Rational> {
        (0..d).map(|a| (0..d).map(|k| Rational::from(&coef[k] * &chi[k][a])).sum()).collect()
    };
    for mask in 1..(1u32 << d) - 1 {
        let k: Vec<usize> = (0..d).filter(|&i| mask >> i & 1 == 1).collect();
        let rest: Vec<usize> = (0..d).filter(|&i| mask >> i & 1 == 0).collect();
        for beta in combos(&k) {
            let pv = span(&beta);
            for gamma in combos(&rest) {
                let qv = span(&gamma);
                if exceeds(&pv, &qv, v) {
                    return MSign::Positive(MWitness { k, beta, gamma, p: pv, q: qv });
                }
            }
        }
    }
    MSign::Unknown("neither the Z-matrix condition nor a witness among generators and their sums".into())
}

/// The rank-2 interpolator of the proof of Theorem 8(ii), built from a witness in backend `S`
/// (`a`, `W`), with `‖θ‖²` and the residuals `h(x_i) − y_i` enclosed. For an enclosure backend a
/// verified result has `‖θ‖²` certainly `< 2` and every residual enclosure containing 0 (the exact
/// construction interpolates: see the note).
#[derive(Clone, Debug)]
pub struct Interpolator<S> {
    /// Output weights `(a_1, a_2)`.
    pub a: Vec<S>,
    /// Hidden weights `(w_1, w_2)`.
    pub w: Vec<Vec<S>>,
    /// `ξ`.
    pub xi: S,
    /// `‖θ‖² = Σ a_j² + ‖w_j‖²`.
    pub norm_sq: S,
    /// `h(x_i) − y_i`.
    pub residuals: Vec<S>,
}

impl<S: Scalar> Interpolator<S> {
    /// `‖θ‖² < 2` certainly, `ξ > 0` certainly, and every residual may be 0.
    pub fn verified(&self) -> bool {
        let two = S::from_i64(2, &self.xi.ctx());
        self.xi.certainly_pos()
            && crate::sweep::certainly_less(&self.norm_sq, &two)
            && self.residuals.iter().all(S::possibly_zero)
    }
}

/// Builds the interpolator of Theorem 8(ii)'s proof from `wit` (assumes `‖v*‖ = 1`).
pub fn interpolator<S: Scalar>(p: &Problem, wit: &MWitness, ctx: &S::Ctx) -> Option<Interpolator<S>> {
    let data = p.data();
    let v: Vec<S> = data.teacher()?.iter().map(|q| S::from_rational(q, ctx)).collect();
    let e = |q: &Rational| S::from_rational(q, ctx);
    let (np, nq) = (e(&norm_sq(&wit.p)).sqrt(), e(&norm_sq(&wit.q)).sqrt());
    let pbar: Vec<S> = wit.p.iter().map(|c| e(c).div(&np)).collect();
    let qbar: Vec<S> = wit.q.iter().map(|c| e(c).div(&nq)).collect();
    let cos_pq = linalg::dot(&pbar, &qbar, ctx);
    let sin_pq = S::one(ctx).sub(&cos_pq.sqr()).sqrt();
    let cos_pv = linalg::dot(&pbar, &v, ctx);
    let r: Vec<S> = pbar.iter().zip(&qbar).map(|(a, b)| a.sub(&b.mul(&cos_pq))).collect();
    let nr = linalg::norm(&r, ctx);
    let acute = dot(&wit.p, data.teacher()?) >= 0;
    let (xi, sign) = if acute {
        let mut xi = cos_pv.sub(&sin_pq);
        for &k in &wit.k {
            if wit.beta[k] != 0 {
                // b_k = β_k/‖p‖; y_k/b_k = y_k ‖p‖/β_k.
                xi = xi.min(&e(&data.y()[k]).mul(&np).div(&e(&wit.beta[k])));
            }
        }
        (xi, -1)
    } else {
        (cos_pv.neg().sub(&sin_pq), 1)
    };
    let w1: Vec<S> =
        v.iter().zip(&pbar).map(|(vk, pk)| if sign < 0 { vk.sub(&xi.mul(pk)) } else { vk.add(&xi.mul(pk)) }).collect();
    let a2_abs = xi.mul(&nr).sqrt();
    let a2 = if acute { a2_abs } else { a2_abs.neg() };
    let f = xi.div(&nr).sqrt();
    let w2: Vec<S> = r.iter().map(|c| f.mul(c)).collect();
    let a = vec![S::one(ctx), a2];
    let w = vec![w1, w2];
    let mut norm_sq_theta = S::zero(ctx);
    for j in 0..2 {
        norm_sq_theta = norm_sq_theta.add(&a[j].sqr()).add(&linalg::norm_sq(&w[j], ctx));
    }
    let residuals = (0..data.n())
        .map(|i| {
            let xi_s: Vec<S> = data.x()[i].iter().map(&e).collect();
            let mut h = S::zero(ctx);
            for j in 0..2 {
                h.add_mul_assign(&a[j], &linalg::dot(&xi_s, &w[j], ctx).relu());
            }
            h.sub(&e(&data.y()[i]))
        })
        .collect();
    Some(Interpolator { a, w, xi, norm_sq: norm_sq_theta, residuals })
}
