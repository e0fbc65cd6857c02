//! A logarithmic-norm bound from the gradient structure of the pattern field, in `O(n·d·m)`
//! operations instead of the `O(N³)` of the eigenvector bound (`lambda.rs`).
//!
//! Inside a pattern without sliding the live field is `f = −∇L_P` with
//! `L_P = (G/2) Σ_i r_i²`, `r_i = Σ_{j: i∈A_j} a_j (w_jᵀx_i) − y_i`, so
//! `Df = −G (JᵀJ + Σ_i r_i ∇²ĥ_i)`, and `Σ_i r_i ∇²ĥ_i` is block diagonal over the neurons with
//! the blocks `[[0, q_j], [q_jᵀ, 0]]`, `q_j = Σ_{i∈A_j} r_i x_i`, whose eigenvalues are
//! `±‖q_j‖₂` and 0. `JᵀJ` is positive semidefinite, so by Weyl
//! `λ_max(Df(y)) ≤ G max_j ‖q_j(y)‖₂`, in the unweighted norm and in every norm `‖W⁻¹·‖₂` with
//! one common weight `W = 2^{w} I` (`W⁻¹ Df W = Df`). Proofs note:
//! `proofs-notes/net-validated-ball.md`, Claim 5.

use super::super::Net;
use super::super::series::{live, live_coords};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// `μ̄ ≥ sup_{y∈E} λ_max(Df(y))` over the box `e_box` (all `N` coordinates) for the field of
/// `pattern`, valid for the weights `w` only when they are one common exponent on the live
/// coordinates; `None` when they are not, when the pattern slides (the sliding field is a
/// projection, not a gradient) or when the bound is not finite.
pub(crate) fn log_norm_gradient_upper<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    e_box: &[S],
    w: &[i32],
) -> Option<f64> {
    let live_c = live_coords(net, pattern);
    let common = live_c.first().is_none_or(|&c0| live_c.iter().all(|&c| w[c] == w[c0]));
    if !common || !pattern.sliding.is_empty() {
        return None;
    }
    let ctx = &net.ctx;
    let (d, b) = (net.d, net.d + 1);
    // Residuals over the box (every point of E: inclusion isotonicity).
    let mut r: Vec<S> = net.data.y.iter().map(|y| y.neg()).collect();
    for j in 0..net.m {
        let a = &e_box[j * b + d];
        for &i in live(pattern, j) {
            let mut z = S::zero(ctx);
            for l in 0..d {
                z.add_mul_assign(&net.data.x[i][l], &e_box[j * b + l]);
            }
            r[i].add_mul_assign(a, &z);
        }
    }
    let mut worst = S::zero(ctx);
    for j in 0..net.m {
        let mut q = vec![S::zero(ctx); d];
        for &i in live(pattern, j) {
            for (ql, x) in q.iter_mut().zip(&net.data.x[i]) {
                ql.add_mul_assign(x, &r[i]);
            }
        }
        let mut sq = S::zero(ctx);
        for ql in &q {
            sq = sq.add(&ql.abs().sqr());
        }
        worst = worst.max(&sq.sqrt());
    }
    let mu = worst.mul(&net.data.grad_factor.abs()).upper_f64();
    mu.is_finite().then_some(mu)
}

#[cfg(test)]
mod tests {
    use super::super::log_norm_upper;
    use super::*;
    use crate::net::validated::ball::EigenCache;
    use crate::net::validated::series::tests::tiny_net;
    use reluflow_arith::{Interval, Scalar};

    /// On boxes around several points the structural bound lies above the eigenvector bound's
    /// `λ_max` of the symmetric Jacobian (up to that bound's own slack), and it is attained: for a
    /// small state (`JᵀJ ≈ 0`) it is within a few percent of the eigenvector bound. A bound with
    /// the factor `G < 1` applied twice (a deliberate fault) falls below the rigorous one.
    #[test]
    fn gradient_bound_covers_lambda_max_and_is_tight_at_small_states() {
        let net = tiny_net();
        let pattern = Pattern { active: vec![vec![0, 2], vec![1]], frozen: vec![false, false], sliding: Vec::new() };
        let w = vec![0; 6];
        let points: [[f64; 6]; 3] =
            [[0.3, 0.2, 0.5, -0.1, 0.4, -0.6], [1e-3, 2e-3, 1e-3, -1e-3, 2e-3, -1e-3], [0.8, 0.1, 1.2, 0.0, 0.9, 0.7]];
        for (k, x) in points.iter().enumerate() {
            let e: Vec<Interval> = x.iter().map(|v| Interval::from_f64(*v, &()).inflate(1e-6)).collect();
            let cheap = log_norm_gradient_upper(&net, &pattern, &e, &w).expect("bound");
            let full = log_norm_upper(&net, &pattern, &e, &w, &mut EigenCache::default()).expect("bound");
            // `full` is an upper bound too; its own slack is below 1e-4 here.
            assert!(cheap >= full - 1e-4, "point {k}: structural bound {cheap} below λ_max ≈ {full}");
            if k == 1 {
                assert!(cheap <= 1.05 * full + 1e-6, "small state: {cheap} not tight against {full}");
                let g = net.data.grad_factor.upper_f64();
                assert!(cheap * g < full - 1e-4, "a bound with G applied twice would not be caught");
            }
        }
        // Per-neuron weights are refused, and so is a sliding pattern.
        let e: Vec<Interval> = points[0].iter().map(|v| Interval::from_f64(*v, &())).collect();
        assert!(log_norm_gradient_upper(&net, &pattern, &e, &[0, 0, 0, 1, 1, 1]).is_none());
        let sliding = Pattern { sliding: vec![(1, 0)], ..pattern.clone() };
        assert!(log_norm_gradient_upper(&net, &sliding, &e, &w).is_none());
    }
}
