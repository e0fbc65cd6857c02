//! A pattern's exact per-point data: guard rates, kernel membership, limits on hyperplanes.

use super::{Gram, dot};
use rug::Rational;

/// A pattern's exact data for the certified solver: the operator on the span and per-point guards.
#[derive(Clone, Debug)]
pub(crate) struct GramPiece {
    pub g: Gram,
    /// Per point: `α_i = −GMx_i = −Q̂ᵀ N D⁻¹Q̂x_i`, so that `d/dt x_iᵀw = α_iᵀw + β_i`.
    pub alpha: Vec<Vec<Rational>>,
    /// Per point: `‖α_i‖²`, exactly.
    pub alpha_sq: Vec<Rational>,
    /// Per point: `β_i = Gx_iᵀb = x_iᵀ(Q̂ᵀNω)`.
    pub beta: Vec<Rational>,
    /// Per point: `Px_i = 0` (the guard is constant while this pattern lasts).
    pub in_kernel: Vec<bool>,
    /// Per point: active, `Px_i ≠ 0` and `x_iᵀw_A = 0` exactly (the limit is on its hyperplane).
    pub on_plane: Vec<bool>,
    /// `c [Σ_{i∈A} (x_iᵀw_A − y_i)² + Σ_{i∉A} y_i²]`: the loss of every limit of this pattern.
    pub limit_loss: Rational,
}

impl GramPiece {
    pub fn new(x: &[Vec<Rational>], y: &[Rational], c: &Rational, active: &[usize]) -> GramPiece {
        let g = Gram::new(x, y, c, active);
        let w_a = g.lift(&g.omega);
        let n_omega = g.apply_n(&g.omega);
        let (mut alpha, mut alpha_sq, mut beta, mut in_kernel) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for xi in x {
            let cx = g.coords(xi);
            let eta: Vec<Rational> = g.apply_n(&cx).into_iter().map(|v| -v).collect();
            alpha_sq.push(g.norm_sq(&eta));
            alpha.push(g.lift(&eta));
            // Gb = GMw_A = Q̂ᵀNω, so x_iᵀGb = (Q̂x_i)ᵀNω = Σ_k D_k cx_k (Nω)_k.
            beta.push(cx.iter().zip(&n_omega).zip(&g.dq).map(|((a, b), dk)| Rational::from(a * b) * dk).sum());
            in_kernel.push(cx.iter().all(|v| *v == 0));
        }
        let n = x.len();
        let on_plane: Vec<bool> =
            (0..n).map(|i| active.contains(&i) && !in_kernel[i] && dot(&x[i], &w_a) == 0).collect();
        let mut limit_loss = Rational::new();
        for i in 0..n {
            let e = if active.contains(&i) { dot(&x[i], &w_a) - &y[i] } else { y[i].clone() };
            limit_loss += Rational::from(e.square_ref());
        }
        limit_loss *= c;
        GramPiece { g, alpha, alpha_sq, beta, in_kernel, on_plane, limit_loss }
    }
}
