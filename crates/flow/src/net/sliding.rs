//! The Filippov sliding field of the Clarke subgradient flow along one hyperplane.
//!
//! On `H = {x_iᵀw_j = 0}` the Clarke flow `θ̇ ∈ −∂L(θ)` (`∂σ(0) = [0, 1]`) is the field of the
//! pattern with `i ∉ A_j` plus `α·(−G a_j r_i x_i)` in the `w_j` block, `α ∈ [0, 1]`; every other
//! component is independent of `α` on `H` (the `α`-terms carry a factor `x_iᵀw_j = 0`). When `H`
//! attracts from both sides, `α` is the unique value with `d/dt x_iᵀw_j = 0`, and the sliding
//! velocity of `w_j` is the pattern's projected by the constant
//! `Π_i = I − x_i x_iᵀ/‖x_i‖²` — a polynomial field whose flow keeps `x_iᵀw_j` constant
//! (`proofs-notes/net-clarke-sliding.md`).

use super::field::{NetData, live, residuals};
use crate::trajectory::{Pattern, State};
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

/// `P_S v`: `v` without its component in the span of the points `xs` (one or two, not parallel),
/// the projection onto the intersection of their hyperplanes. Along the Gram–Schmidt basis
/// `u_1 = x_1`, `u_2 = Π_{u_1} x_2` (exactly orthogonal to `u_1`, so `u_2ᵀ Π_{u_1} v = u_2ᵀ v` and the
/// two projections in turn are `P_S`); with one point it is [`project_out`].
///
/// Guarantee: for an interval backend, contains `P_S v` for every point of the boxes (the basis
/// vector `u_2` is enclosed, and the expression is fixed in it); rounded for point backends.
pub fn project_out_all<S: Scalar>(xs: &[&[S]], v: &[S]) -> Vec<S> {
    let mut basis: Vec<Vec<S>> = Vec::with_capacity(xs.len());
    for x in xs {
        let u = basis.iter().fold(x.to_vec(), |u, b| project_out(b, &u));
        basis.push(u);
    }
    basis.iter().fold(v.to_vec(), |acc, u| project_out(u, &acc))
}

/// `Dρ(s)·v` for the guard rate `ρ(s) = x_iᵀ ẇ_j` of `pattern` (its polynomial, no sliding
/// projection): the rate of change of `ρ` along a velocity `v` at `s`. With
/// `ρ = −G a_j Σ_{k∈A_j} r_k c_k`, `c_k = x_kᵀx_i`, and
/// `ṙ_k = Σ_{l: k∈A_l} (v_{a_l} w_lᵀx_k + a_l v_{w_l}ᵀx_k)`:
/// `Dρ·v = −G (v_{a_j} Σ_{k∈A_j} r_k c_k + a_j Σ_{k∈A_j} ṙ_k c_k)`.
///
/// Guarantee: for an interval backend, contains `Dρ(θ)·v` for every `θ` in `s` and `v` in `v` (a
/// fixed expression in them); with `v` the enclosure of a field over the same box, it encloses the
/// derivative of `ρ` along that field's flow at every point of the box
/// (`proofs-notes/net-clarke-sliding.md`, "Exit").
pub fn rate_derivative<S: Scalar>(
    data: &NetData<S>,
    pattern: &Pattern,
    s: &State<S>,
    v: &State<S>,
    (j, i): (usize, usize),
) -> S {
    let ctx = data.ctx();
    let (a, va) = (s.a.as_ref().expect("two-layer state"), v.a.as_ref().expect("two-layer velocity"));
    let (r, _) = residuals(data, pattern, s);
    let mut rdot = vec![S::zero(&ctx); data.n()];
    for l in 0..s.w.len() {
        for &k in live(pattern, l) {
            rdot[k].add_mul_assign(&va[l], &dot(&s.w[l], &data.x[k], &ctx));
            rdot[k].add_mul_assign(&a[l], &dot(&v.w[l], &data.x[k], &ctx));
        }
    }
    let (mut rc, mut rdc) = (S::zero(&ctx), S::zero(&ctx));
    for &k in live(pattern, j) {
        let c = dot(&data.x[k], &data.x[i], &ctx);
        rc.add_mul_assign(&r[k], &c);
        rdc.add_mul_assign(&rdot[k], &c);
    }
    let mut acc = va[j].mul(&rc);
    acc.add_mul_assign(&a[j], &rdc);
    data.grad_factor.neg().mul(&acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::field::field;

    /// `rate_derivative` is the derivative of `x_iᵀẇ_j` along `v`: central differences in f64.
    #[test]
    fn the_rate_derivative_matches_central_differences() {
        let data = NetData::<f64> {
            x: vec![vec![1.0, 0.5], vec![-0.3, 1.0], vec![0.7, -0.2]],
            y: vec![0.4, -0.1, 0.9],
            grad_factor: 0.25,
            relu_prime: reluflow_model::ReluPrime::Zero,
        };
        let s = State { w: vec![vec![0.3, -0.2], vec![0.5, 0.4]], a: Some(vec![0.7, -0.6]) };
        let v = State { w: vec![vec![0.1, 0.2], vec![-0.3, 0.05]], a: Some(vec![0.4, 0.2]) };
        let pattern = Pattern { active: vec![vec![0, 2], vec![0, 1, 2]], frozen: vec![false; 2], sliding: Vec::new() };
        let rho = |eps: f64| {
            let at = State {
                w: s.w.iter().zip(&v.w).map(|(w, dw)| w.iter().zip(dw).map(|(a, b)| a + eps * b).collect()).collect(),
                a: Some(s.a.as_ref().unwrap().iter().zip(v.a.as_ref().unwrap()).map(|(a, b)| a + eps * b).collect()),
            };
            dot(&field(&data, &pattern, &at).w[0], &data.x[1], &())
        };
        let fd = (rho(1e-5) - rho(-1e-5)) / 2e-5;
        let got = rate_derivative(&data, &pattern, &s, &v, (0, 1));
        assert!((fd - got).abs() < 1e-8 * (1.0 + fd.abs()), "finite differences {fd}, derivative {got}");
    }

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
