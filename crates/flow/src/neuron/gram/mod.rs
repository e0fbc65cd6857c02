//! Exact rational linear algebra of one activation pattern in the span of its active points
//! (`proofs-notes/neuron-gram-space.md`): nothing here is `d × d`, so the cost of a pattern is
//! linear in the dimension `d` for a fixed number of points.
//!
//! `V = span{x_i : i ∈ A} = range(M)` gets an exactly orthogonal rational basis `q̂_1, …, q̂_r`
//! (Gram–Schmidt, each vector scaled by a power of two so that `D_k = ‖q̂_k‖² ∈ [1/4, 16)`). The
//! operator `K = GM` maps `V` into itself; its matrix in that basis is `N` (`K q̂_j = Σ_k N_kj q̂_k`),
//! so `K Q̂ᵀ = Q̂ᵀN`, `exp(−sK) Q̂ᵀ = Q̂ᵀ exp(−sN)`, and `DN` is symmetric.

mod basis;
mod piece;

use basis::{axis_aligned, orthogonal};
pub(crate) use piece::GramPiece;
use rug::Rational;

pub(crate) fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// The pattern's operator on its active span.
#[derive(Clone, Debug)]
pub(crate) struct Gram {
    pub d: usize,
    /// The orthogonal basis rows `q̂_k` of `V`.
    pub q: Vec<Vec<Rational>>,
    /// `D_k = ‖q̂_k‖²`.
    pub dq: Vec<Rational>,
    /// `N`, row-major `r × r`.
    pub n: Vec<Rational>,
    /// `w_A = Q̂ᵀω` (the minimum-norm solution of `Mw = b`).
    pub omega: Vec<Rational>,
}

impl Gram {
    /// The basis, `N` and `ω` for the active set `active` (points with `x_i ≠ 0`), loss factor `c`.
    pub fn new(x: &[Vec<Rational>], y: &[Rational], c: &Rational, active: &[usize]) -> Gram {
        let d = x[0].len();
        let g = Rational::from(c * 2u32);
        let (q0, dq0) = orthogonal(d, active.iter().map(|&i| x[i].clone()));
        let (q, dq) = orthogonal(d, axis_aligned(&q0, &dq0).into_iter());
        let r = q.len();
        // C_ij = x_iᵀq̂_j over the active points; DN = G CᵀC, D⁻¹Q̂(Gb) = G D⁻¹Cᵀy_A.
        let cm: Vec<Vec<Rational>> = active.iter().map(|&i| q.iter().map(|qk| dot(&x[i], qk)).collect()).collect();
        let mut n = vec![Rational::new(); r * r];
        let mut rhs = vec![Rational::new(); r];
        for (row, &i) in cm.iter().zip(active) {
            for k in 0..r {
                rhs[k] += Rational::from(&row[k] * &y[i]);
                for j in 0..r {
                    n[k * r + j] += Rational::from(&row[k] * &row[j]);
                }
            }
        }
        // Nω = D⁻¹Cᵀy (the factor G cancels), then N = G D⁻¹CᵀC.
        for k in 0..r {
            rhs[k] /= &dq[k];
            for j in 0..r {
                n[k * r + j] /= &dq[k];
            }
        }
        let omega = match super::exact::inverse(&n, r) {
            Some(inv) => (0..r).map(|k| dot(&inv[k * r..(k + 1) * r], &rhs)).collect(),
            None => unreachable!("N is similar to CᵀC/D with C of full column rank"),
        };
        n.iter_mut().for_each(|v| *v *= &g);
        Gram { d, q, dq, n, omega }
    }

    pub fn rank(&self) -> usize {
        self.q.len()
    }

    /// `D⁻¹Q̂w`: the coordinates of `Pw`.
    pub fn coords(&self, w: &[Rational]) -> Vec<Rational> {
        self.q.iter().zip(&self.dq).map(|(qk, dk)| dot(qk, w) / dk).collect()
    }

    /// `Q̂ᵀz`.
    pub fn lift(&self, z: &[Rational]) -> Vec<Rational> {
        let mut w = vec![Rational::new(); self.d];
        for (zk, qk) in z.iter().zip(&self.q) {
            if *zk != 0 {
                w.iter_mut().zip(qk).for_each(|(a, b)| *a += Rational::from(zk * b));
            }
        }
        w
    }

    /// `N z`.
    pub fn apply_n(&self, z: &[Rational]) -> Vec<Rational> {
        let r = self.rank();
        (0..r).map(|k| dot(&self.n[k * r..(k + 1) * r], z)).collect()
    }

    /// The symmetric `DN` (row-major `r × r`).
    pub fn dn(&self) -> Vec<Rational> {
        let r = self.rank();
        (0..r * r).map(|k| Rational::from(&self.n[k] * &self.dq[k / r])).collect()
    }

    /// `ρᵀDρ = ‖Q̂ᵀρ‖²`.
    pub fn norm_sq(&self, z: &[Rational]) -> Rational {
        z.iter().zip(&self.dq).map(|(a, dk)| Rational::from(a.square_ref()) * dk).sum()
    }

    /// Approximate eigenpairs of `N` in f64 (untrusted: callers bound their residuals exactly):
    /// the eigenvalues and vectors `ξ` with `Q̂ᵀξ` of unit length, through the symmetric
    /// `D^{−1/2}(DN)D^{−1/2}`.
    pub fn eigen_f64(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let r = self.rank();
        if r == 0 {
            return (Vec::new(), Vec::new());
        }
        let sd: Vec<f64> = self.dq.iter().map(|v| v.to_f64().sqrt()).collect();
        let dn = self.dn();
        let t: Vec<f64> = (0..r * r).map(|k| dn[k].to_f64() / (sd[k / r] * sd[k % r])).collect();
        let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(r, r, &t));
        let vecs = (0..r).map(|c| (0..r).map(|k| eig.eigenvectors[(k, c)] / sd[k]).collect()).collect();
        (eig.eigenvalues.iter().copied().collect(), vecs)
    }

    /// The diagonal of `I − P`: `(I − P)_jj = 1 − Σ_k q̂_k[j]²/D_k`, the squared Euclidean norm of
    /// row `j` of the projector `I − P`.
    pub fn kernel_diag(&self) -> Vec<Rational> {
        let mut diag = vec![Rational::from(1); self.d];
        for (qk, dk) in self.q.iter().zip(&self.dq) {
            diag.iter_mut()
                .zip(qk)
                .filter(|(_, v)| **v != 0)
                .for_each(|(a, v)| *a -= Rational::from(v.square_ref()) / dk);
        }
        diag
    }

    /// `‖N‖_∞` (max absolute row sum).
    pub fn norm_inf(&self) -> Rational {
        let r = self.rank();
        (0..r)
            .map(|k| self.n[k * r..(k + 1) * r].iter().map(|v| Rational::from(v.abs_ref())).sum())
            .max()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
