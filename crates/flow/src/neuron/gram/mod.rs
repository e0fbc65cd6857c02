//! Exact rational linear algebra of one activation pattern in the span of its active points
//! (`proofs-notes/neuron-gram-space.md`), done in coefficient space: the data enter only through
//! their exact Gram matrix `XXᵀ` (`data.rs`), so a pattern's exact work does not grow with `d`;
//! `d`-vectors appear only as enclosures, built in bulk from exact integer combinations.
//!
//! `V = span{x_i : i ∈ A} = range(M)` gets an exactly orthogonal rational basis `q̂_1, …, q̂_r`
//! (`basis.rs`: each `q̂_k` a rational combination of axes and points, scaled by a power of two so
//! that `D_k = ‖q̂_k‖² ∈ [1/2, 4)`). The operator `K = GM` maps `V` into itself; its matrix in that
//! basis is `N` (`K q̂_j = Σ_k N_kj q̂_k`), so `K Q̂ᵀ = Q̂ᵀN`, `exp(−sK) Q̂ᵀ = Q̂ᵀ exp(−sN)`, and `DN`
//! is symmetric.

mod basis;
pub(crate) mod data;
mod piece;

use basis::span_basis;
pub(crate) use data::{DataGram, Gen};
pub(crate) use piece::GramPiece;
use reluflow_arith::Enclosure;
use rug::Rational;

pub(crate) fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// The pattern's operator on its active span.
#[derive(Clone, Debug)]
pub(crate) struct Gram {
    pub d: usize,
    /// The generators of the basis (axes in `V` first, then the active points).
    pub gens: Vec<Gen>,
    /// `q̂_k = Σ_m w[k][m] gens[m]`.
    pub w: Vec<Vec<Rational>>,
    /// `D_k = ‖q̂_k‖²`.
    pub dq: Vec<Rational>,
    /// Per data point (all of them): `Q̂x_i`, i.e. `(x_iᵀq̂_k)_k`.
    pub xq: Vec<Vec<Rational>>,
    /// `N`, row-major `r × r`.
    pub n: Vec<Rational>,
    /// `w_A = Q̂ᵀω` (the minimum-norm solution of `Mw = b`).
    pub omega: Vec<Rational>,
}

impl Gram {
    /// The basis, `N` and `ω` for the active set `active` (points with `x_i ≠ 0`), loss factor `c`.
    pub fn new(dg: &DataGram<'_>, y: &[Rational], c: &Rational, active: &[usize]) -> Gram {
        let g = Rational::from(c * 2u32);
        let b = span_basis(dg, active);
        let (gens, w, dq) = (b.gens, b.w, b.dq);
        let r = w.len();
        // C_ik = x_iᵀq̂_k = Σ_m w_km ⟨x_i, gen_m⟩, for every point.
        let xq: Vec<Vec<Rational>> = (0..dg.n())
            .map(|i| {
                let xg: Vec<Rational> = gens.iter().map(|&m| dg.inner(Gen::Point(i), m)).collect();
                w.iter().map(|wk| dot(wk, &xg)).collect()
            })
            .collect();
        // DN = G CᵀC over the active points, D⁻¹Q̂(Gb) = G D⁻¹Cᵀy_A.
        let mut n = vec![Rational::new(); r * r];
        let mut rhs = vec![Rational::new(); r];
        for &i in active {
            let row = &xq[i];
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
        Gram { d: dg.d, gens, w, dq, xq, n, omega }
    }

    /// `D⁻¹Q̂w` (the coordinates of `Pw`) from `Xw` (`x_iᵀw` for every point) and `w` itself.
    pub fn coords_with(&self, xw: &[Rational], w: &[Rational]) -> Vec<Rational> {
        let gw: Vec<Rational> = self
            .gens
            .iter()
            .map(|g| match g {
                Gen::Axis(j) => w[*j].clone(),
                Gen::Point(i) => xw[*i].clone(),
            })
            .collect();
        self.w.iter().zip(&self.dq).map(|(wk, dk)| dot(wk, &gw) / dk).collect()
    }

    /// `D⁻¹Q̂x_i`: the coordinates of `Px_i`.
    pub fn point_coords(&self, i: usize) -> Vec<Rational> {
        self.xq[i].iter().zip(&self.dq).map(|(a, dk)| Rational::from(a / dk)).collect()
    }

    /// The coefficients over `gens` of `Q̂ᵀz`.
    fn gen_coeffs(&self, z: &[Rational]) -> Vec<Rational> {
        (0..self.gens.len()).map(|m| z.iter().zip(&self.w).map(|(zk, wk)| Rational::from(zk * &wk[m])).sum()).collect()
    }

    /// `Q̂ᵀz` exactly (costs one canonical rational per coordinate: references and tests only).
    pub fn lift_exact(&self, dg: &DataGram<'_>, z: &[Rational]) -> Vec<Rational> {
        dg.lift_exact(&self.gens, &self.gen_coeffs(z))
    }

    /// Enclosures of the basis rows `q̂_k`.
    pub fn rows_enclosure<S: Enclosure>(&self, dg: &DataGram<'_>, ctx: &S::Ctx) -> Vec<Vec<S>> {
        self.w.iter().map(|wk| dg.lift_enclosure(&self.gens, wk, ctx)).collect()
    }

    /// The axes `e_j` in `V` with `k` such that `q̂_k = e_j` (axes come first in the basis, and
    /// every other `q̂_l` is orthogonal to them, so `(Q̂ᵀz)_j = z_k` exactly).
    pub fn axes(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.gens.iter().enumerate().filter_map(|(k, g)| if let Gen::Axis(j) = g { Some((*j, k)) } else { None })
    }

    pub fn rank(&self) -> usize {
        self.w.len()
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
