//! The Filippov sliding field of the Clarke subgradient flow along one hyperplane.
//!
//! On `H = {x_iᵀw_j = 0}` the Clarke flow `θ̇ ∈ −∂L(θ)` (`∂σ(0) = [0, 1]`) is the field of the
//! pattern with `i ∉ A_j` plus `α·(−G a_j r_i x_i)` in the `w_j` block, `α ∈ [0, 1]`; every other
//! component is independent of `α` on `H` (the `α`-terms carry a factor `x_iᵀw_j = 0`). When `H`
//! attracts from both sides, `α` is the unique value with `d/dt x_iᵀw_j = 0`, and the sliding
//! velocity of `w_j` is the pattern's projected by the constant
//! `Π_i = I − x_i x_iᵀ/‖x_i‖²` — a polynomial field whose flow keeps `x_iᵀw_j` constant
//! (`proofs-notes/net-clarke-sliding.md`).

use reluflow_arith::{Scalar, linalg::dot};

/// `Π_x v = v − x (xᵀv)/‖x‖²` for `x ≠ 0`: `v` projected onto the hyperplane `xᵀw = 0`.
///
/// Guarantee: for an interval backend, contains `Π_x v` for every point of the boxes `x` and `v`
/// (a fixed expression in them); rounded for point backends.
pub fn project_out<S: Scalar>(x: &[S], v: &[S]) -> Vec<S> {
    let ctx = x[0].ctx();
    let coef = dot(x, v, &ctx).div(&dot(x, x, &ctx));
    v.iter().zip(x).map(|(vc, xc)| vc.sub(&coef.mul(xc))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_is_orthogonal_to_x_and_keeps_what_is_orthogonal() {
        let x = [3.0, -4.0, 1.0];
        let v = [1.0, 2.0, 5.0];
        let p = project_out(&x, &v);
        assert!(dot(&x, &p, &()).abs() < 1e-14, "xᵀΠv = {}", dot(&x, &p, &()));
        let q = project_out(&x, &p);
        for (a, b) in p.iter().zip(&q) {
            assert!((a - b).abs() < 1e-14, "Π is idempotent");
        }
        let w = [4.0, 3.0, 0.0];
        assert_eq!(project_out(&x, &w), w.to_vec(), "a vector on the hyperplane is kept");
    }
}
