//! Guards whose limit lies exactly on their hyperplane (`proofs-notes/neuron-limit-on-hyperplane.md`).
//!
//! For an active point `i` of the pattern with `x_iᵀw_A = 0` (exact rational test) the guard is
//! `g(s) = x_iᵀE(s)z` with `z = Pw − w_A` and `E(s) = exp(−sGM)`: it tends to 0. It stays positive
//! for all `s ≥ 0` when the slowest mode of `GM` on `range(P)` dominates: with `u₁` its unit
//! eigenvector (`λ₁` simple, the next eigenvalue on the range `≥ ν`), `a = u₁ᵀz`, `r = z − a u₁`,
//! `e^{Gλ₁s} g(s) ≥ a x_iᵀu₁ − ‖x_i‖‖r‖`. `u₁` is known through an approximate `ũ` with
//! `‖u₁ − ũ‖ ≤ ε` from the residual bound `sin θ ≤ ‖Kũ − μũ‖/(ν − μ)` and an exact inertia count.

use super::ball::PieceS;
use super::gram::Gram;
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::{dot, norm_sq};
use rug::Rational;

/// A certified approximation of the slowest mode of a pattern.
#[derive(Clone, Debug)]
pub(crate) struct SlowMode<S> {
    /// Encloses the coordinates `ξ/‖Q̂ᵀξ‖` of a unit vector `ũ = Q̂ᵀξ/‖Q̂ᵀξ‖ ∈ range(P)`, and `D`
    /// times them (`ũᵀQ̂ᵀz = (Dξ)ᵀz/‖Q̂ᵀξ‖`).
    uc: Vec<S>,
    duc: Vec<S>,
    /// An upper bound of `‖u₁ − ũ‖` (the sign of `u₁` chosen with `ũᵀu₁ ≥ 0`).
    eps: S,
    /// The exact coordinates `ξ` of `Q̂ᵀξ ∥ ũ`, and the separator `ν` of the inertia count (none
    /// for a one-dimensional range): what a certificate records for the verifier's own proof.
    pub xi: Vec<Rational>,
    pub nu: Option<Rational>,
}

/// The number of eigenvalues of the pencil `(k, diag(wt))` (`k` symmetric `d × d`, `wt > 0`,
/// exact) below `nu`: the number of negative pivots of `k − ν diag(wt)` without pivoting
/// (Sylvester's law of inertia); `None` if a leading principal minor vanishes. With `k = DN`
/// and `wt = D` these are the eigenvalues of `N` (`DN − νD = D^{1/2}(D^{1/2}ND^{−1/2} − ν)D^{1/2}`).
fn count_below(k: &[Rational], wt: &[Rational], d: usize, nu: &Rational) -> Option<usize> {
    let mut a: Vec<Rational> = k.to_vec();
    for r in 0..d {
        a[r * d + r] -= Rational::from(nu * &wt[r]);
    }
    let mut neg = 0;
    for c in 0..d {
        let p = a[c * d + c].clone();
        if p == 0 {
            return None;
        }
        if p < 0 {
            neg += 1;
        }
        for r in c + 1..d {
            let f = Rational::from(&a[r * d + c] / &p);
            if f == 0 {
                continue;
            }
            for j in c..d {
                let t = Rational::from(&f * &a[c * d + j]);
                a[r * d + j] -= t;
            }
        }
    }
    Some(neg)
}

impl<S: Enclosure> SlowMode<S> {
    /// The slowest mode of `K = GM = −A` on `range(P)` (the active span of `g`), if it is simple
    /// and separated; `None` when the certificate fails (then nothing is claimed).
    pub fn new(g: &Gram, ps: &PieceS<S>, ctx: &S::Ctx) -> Option<SlowMode<S>> {
        let conv = |v: &[Rational]| v.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<S>>();
        let rank = g.rank();
        if rank == 0 {
            return None;
        }
        let (values, vectors) = g.eigen_f64();
        let mut order: Vec<usize> = (0..rank).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        let first = order[0];
        let xi: Vec<Rational> = vectors[first].iter().map(|v| Rational::from_f64(*v).unwrap_or_default()).collect();
        // ũ = Q̂ᵀξ (ξ exact): in range(P).
        let pus: Vec<S> = ps.lift(&conv(&xi));
        let nrm = norm_sq(&pus, ctx).sqrt();
        if !nrm.certainly_pos() {
            return None;
        }
        let u: Vec<S> = pus.iter().map(|v| v.div(&nrm)).collect();
        let uc: Vec<S> = conv(&xi).iter().map(|v| v.div(&nrm)).collect();
        let duc: Vec<S> =
            xi.iter().zip(&g.dq).map(|(a, dk)| S::from_rational(&Rational::from(a * dk), ctx).div(&nrm)).collect();
        if rank == 1 {
            // range(P) is one-dimensional: ũ = ±u₁ exactly.
            return Some(SlowMode { uc, duc, eps: S::zero(ctx), xi, nu: None });
        }
        let (l1, l2) = (values[first], values[order[1]]);
        let nu = Rational::from_f64(0.5 * (l1 + l2))?;
        // Exactly one eigenvalue of K on the range below ν.
        if !(nu > 0 && count_below(&g.dn(), &g.dq, rank, &nu)? == 1) {
            return None;
        }
        // Kũ = Q̂ᵀNξ/‖Q̂ᵀξ‖.
        let nxi: Vec<S> = ps.lift(&conv(&g.apply_n(&xi)));
        let ku: Vec<S> = nxi.iter().map(|v| v.div(&nrm)).collect();
        let mu = dot(&u, &ku, ctx);
        let res: Vec<S> = ku.iter().zip(&u).map(|(a, b)| a.sub(&mu.mul(b))).collect();
        let eta = norm_sq(&res, ctx).sqrt();
        let gap = S::from_rational(&nu, ctx).sub(&mu);
        if !gap.certainly_pos() {
            return None;
        }
        let sin = eta.div(&gap);
        let one = S::one(ctx);
        if !sin.certainly_lt(&one) {
            return None;
        }
        let eps = S::from_i64(2, ctx).sqrt().mul(&sin).hi_point();
        Some(SlowMode { uc, duc, eps, xi, nu: Some(nu) })
    }

    /// Proves `x_iᵀE(s)z > 0` for every `s ≥ 0` and every `z ∈ v + B(ρ)` (`v = Q̂ᵀvc ∈ range(P)`
    /// given by its coordinates `vc`), given `xn ≥ ‖x_i‖`.
    pub fn stays_positive(&self, ps: &PieceS<S>, i: usize, xn: &S, vc: &[S], rho: &S) -> bool {
        let ctx = rho.ctx();
        let mut xu = ps.xq_dot(i, &self.uc);
        let a0 = dot(&self.duc, vc, &ctx);
        let mut a = a0.clone();
        if xu.certainly_neg() {
            xu = xu.neg();
            a = a.neg();
        }
        let rho = rho.hi_point();
        let a_lo = a.sub(&rho).lo_point();
        let z = ps.d_norm(vc).add(&rho).hi_point();
        let proj: Vec<S> = vc.iter().zip(&self.uc).map(|(vi, ui)| vi.sub(&a0.mul(ui))).collect();
        let r = ps.d_norm(&proj).add(&rho).hi_point();
        let f1 = a_lo.sub(&self.eps.mul(&z));
        let f2 = xu.sub(&self.eps.mul(xn));
        if !(f1.certainly_pos() && f2.certainly_pos()) {
            return false;
        }
        let two = S::from_i64(2, &ctx);
        let rhs = xn.mul(&r.add(&two.mul(&self.eps).mul(&z)));
        rhs.certainly_lt(&f1.mul(&f2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertia_counts_eigenvalues_below() {
        let q = |a: i64| Rational::from(a);
        // diag(0, 1, 4): below 1/2 one, below 2 two; at ν = 1 a minor vanishes.
        let k = vec![q(0), q(0), q(0), q(0), q(1), q(0), q(0), q(0), q(4)];
        assert_eq!(count_below(&k, &[q(1), q(1), q(1)], 3, &Rational::from((1, 2))), Some(1));
        assert_eq!(count_below(&k, &[q(1), q(1), q(1)], 3, &q(2)), Some(2));
        assert_eq!(count_below(&k, &[q(1), q(1), q(1)], 3, &q(5)), Some(3));
        assert_eq!(count_below(&k, &[q(1), q(1), q(1)], 3, &q(1)), None);
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3.
        let k = vec![q(2), q(1), q(1), q(2)];
        assert_eq!(count_below(&k, &[q(1), q(1)], 2, &Rational::from((5, 2))), Some(1));
        assert_eq!(count_below(&k, &[q(1), q(1)], 2, &q(2)), None, "K − 2I has a zero leading minor");
        assert_eq!(count_below(&k, &[q(1), q(1)], 2, &q(4)), Some(2));
        assert_eq!(count_below(&k, &[q(1), q(1)], 2, &Rational::from((1, 2))), Some(0));
    }
}
