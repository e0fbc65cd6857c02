//! A pattern's exact per-point data: guard rates, kernel membership, limits on hyperplanes — all
//! in coefficient space (`r`-vectors), none in `d` coordinates.

use super::{DataGram, Gram, dot};
use rug::Rational;

/// A pattern's exact data for the certified solver: the operator on the span and per-point guards.
#[derive(Clone, Debug)]
pub(crate) struct GramPiece {
    pub g: Gram,
    /// Per point: `D N D⁻¹Q̂x_i`, so that `d/dt x_iᵀw = −(DND⁻¹Q̂x_i)ᵀζ(w)` with `ζ(w) = D⁻¹Q̂w − ω`
    /// (`x_iᵀf(w) = (Q̂x_i)ᵀ(−N)ζ(w)` and `NᵀD = DN`). The d-vector `α_i = −Q̂ᵀND⁻¹Q̂x_i` of the
    /// rate `α_iᵀw + β_i` is never formed.
    pub rate_row: Vec<Vec<Rational>>,
    /// Per point: `‖α_i‖² = η_iᵀDη_i` with `η_i = ND⁻¹Q̂x_i`, exactly.
    pub alpha_sq: Vec<Rational>,
    /// Per point: `Px_i = 0` (the guard is constant while this pattern lasts).
    pub in_kernel: Vec<bool>,
    /// Per point: active, `Px_i ≠ 0` and `x_iᵀw_A = 0` exactly (the limit is on its hyperplane).
    pub on_plane: Vec<bool>,
    /// `c [Σ_{i∈A} (x_iᵀw_A − y_i)² + Σ_{i∉A} y_i²]`: the loss of every limit of this pattern.
    pub limit_loss: Rational,
}

impl GramPiece {
    pub fn new(dg: &DataGram<'_>, y: &[Rational], c: &Rational, active: &[usize]) -> GramPiece {
        let g = Gram::new(dg, y, c, active);
        let n = dg.n();
        let (mut rate_row, mut alpha_sq, mut in_kernel) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let eta = g.apply_n(&g.point_coords(i));
            alpha_sq.push(g.norm_sq(&eta));
            rate_row.push(eta.iter().zip(&g.dq).map(|(a, dk)| Rational::from(a * dk)).collect());
            in_kernel.push(g.xq[i].iter().all(|v| *v == 0));
        }
        // x_iᵀw_A = (Q̂x_i)ᵀω.
        let xw_a: Vec<Rational> = g.xq.iter().map(|row| dot(row, &g.omega)).collect();
        let on_plane: Vec<bool> = (0..n).map(|i| active.contains(&i) && !in_kernel[i] && xw_a[i] == 0).collect();
        let mut limit_loss = Rational::new();
        for i in 0..n {
            let e = if active.contains(&i) { Rational::from(&xw_a[i] - &y[i]) } else { y[i].clone() };
            limit_loss += Rational::from(e.square_ref());
        }
        limit_loss *= c;
        GramPiece { g, rate_row, alpha_sq, in_kernel, on_plane, limit_loss }
    }
}
