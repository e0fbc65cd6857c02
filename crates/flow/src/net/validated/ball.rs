//! Ball sets for the convergent phase: `{x : ‖W⁻¹(x_L − c_L)‖₂ ≤ ρ}` over the live coordinates
//! `L`, advanced by a Taylor step of the centre plus a logarithmic-norm bound
//! `‖φ_h(ξ) − φ_h(c)‖_W ≤ e^{μ̄h} ‖ξ − c‖_W` with `μ̄ ≥ sup_{y∈E} λ_max(sym(W⁻¹ Df(y) W))` over
//! the a priori box `E` of the step.
//!
//! Why: after the escape from the loss plateau the gradient flow is nearly neutral (`Df = −∇²L`
//! has `λ_max` of order `0.2/t` on the paper-size run) while Lohner's QR sets still wrap through
//! the off-diagonal part of `QᵀÂ`; a ball grows only by `exp(∫ μ̄)`. Proofs note:
//! `proofs-notes/net-validated-ball.md`.

mod gradient;
mod lambda;

use super::bulk::{identity_defect_ru, perron_ru, to_midrad_mat, transpose};
use super::lohner::{LohnerSet, scale_pow2};
use super::series::Jac;
use super::series::{Series, live_coords, series};
use super::taylor::{end_rem, poly_at};
use super::{Net, StepFail};
use crate::trajectory::Pattern;
pub(crate) use gradient::log_norm_gradient_upper;
#[cfg(test)]
pub(crate) use lambda::lambda_max_upper;
pub(crate) use lambda::{EigenCache, lambda_max_upper_cached};
use reluflow_arith::midrad::{MidRadMat, U, add_ru, mul_ru};
use reluflow_arith::{Enclosure, meet};

/// A ball `{x : ‖W⁻¹(x_L − c_L)‖₂ ≤ ρ}` in the live coordinates `L` of the pattern it was made
/// for (`W = diag(2^{w})`); the other (frozen) coordinates are constant and carried as a box by
/// the caller.
#[derive(Clone, Debug)]
pub(crate) struct BallSet<S> {
    /// Centre, all `N` coordinates (degenerate intervals on `live`).
    pub c: Vec<S>,
    /// Weight exponents, all `N` coordinates (only `live` is used).
    pub w: Vec<i32>,
    /// Radius (an upper bound, f64).
    pub rho: f64,
    /// The coordinates the ball describes (increasing).
    pub live: Vec<usize>,
}

impl<S: Enclosure> BallSet<S> {
    /// The box `c ± 2^{w} ρ` on the live coordinates, `frozen_box` elsewhere.
    pub fn hull(&self, frozen_box: &[S]) -> Vec<S> {
        let mut out = frozen_box.to_vec();
        let ctx = self.c[0].ctx();
        let r = S::from_f64_bounds(-self.rho, self.rho, &ctx);
        for &a in &self.live {
            out[a] = self.c[a].add(&r.mul_2si(self.w[a]));
        }
        out
    }

    /// The ball containing the Lohner set `{c + D B r : r ∈ R}` restricted to `live ⊆ set.idx`:
    /// `‖W⁻¹ D (B r)_L‖₂ ≤ max_a 2^{e_a − w_a} · ‖B‖₂ · ‖R‖₂` with
    /// `‖B‖₂² ≤ 1 + ‖I − BᵀB‖_∞` (rigorous, midpoint–radius), or the circumscribed bound
    /// `√(Σ_a 2^{2(e_a − w_a)} mag((B R)_a)²)` from the set's hull if that is smaller. `None` if a
    /// live coordinate is not in the set.
    pub fn from_lohner(set: &LohnerSet<S>, live: &[usize], w: Vec<i32>) -> Option<BallSet<S>> {
        let ctx = set.c[0].ctx();
        let mut rows = Vec::with_capacity(live.len());
        for &l in live {
            rows.push(set.idx.binary_search(&l).ok()?);
        }
        if set.r.iter().all(|r| r.abs().upper_f64() == 0.0) {
            // A point (R = {0}): the ball of radius 0 about the centre, no product needed.
            return Some(BallSet { c: set.c.clone(), w, rho: 0.0, live: live.to_vec() });
        }
        let scale = live.iter().map(|&a| set.e[a] - w[a]).max().unwrap_or(0);
        // ‖R‖₂ (upper, in the backend).
        let mut r2 = S::zero(&ctx);
        for r in &set.r {
            r2 = r2.add(&r.abs().sqr());
        }
        let ncols = set.r.len();
        let nb = set.b.len() / ncols.max(1);
        // A basis that is exactly `I` (the set of a box) has `‖B‖₂ = 1`: no `O(N³)` product.
        let eye = nb == ncols && set.b.iter().enumerate().all(|(k, &v)| v == f64::from(k / ncols == k % ncols));
        let defect = if eye {
            0.0
        } else {
            let bt = MidRadMat::from_points(ncols, nb, &transpose_rect(&set.b, nb, ncols));
            identity_defect_ru(&bt.mat_mul(&MidRadMat::from_points(nb, ncols, &set.b)))
        };
        let b_norm_sq = S::one(&ctx).add(&S::from_f64(defect, &ctx));
        let by_norm = r2.sqrt().mul(&b_norm_sq.sqrt()).mul_2si(scale).upper_f64();
        // The circumscribed ball of the hull.
        let hull = set.hull();
        let mut acc = S::zero(&ctx);
        for (&a, &row) in live.iter().zip(&rows) {
            let dev = hull[row].sub(&set.c[a]).abs().mul_2si(-w[a]);
            acc = acc.add(&dev.sqr());
        }
        let by_hull = acc.sqrt().upper_f64();
        let rho = by_norm.min(by_hull);
        if !rho.is_finite() {
            return None;
        }
        Some(BallSet { c: set.c.clone(), w, rho, live: live.to_vec() })
    }
}

fn transpose_rect(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    if rows == cols {
        return transpose(a, rows);
    }
    let mut t = vec![0.0; rows * cols];
    for i in 0..rows {
        for k in 0..cols {
            t[k * rows + i] = a[i * cols + k];
        }
    }
    t
}

/// `μ̄ ≥ sup_{y∈E} λ_max(sym(W⁻¹ Df(y) W))` over the live coordinates of `pattern`
/// (`Df` from the first-order jets of the field over the box `e_box`, which enclose `Df(y)` for
/// every `y` in it; the symmetric part is formed in the backend, so no symmetry of `Df` is
/// assumed). `None` if the bound cannot be proved.
pub(crate) fn log_norm_upper<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    e_box: &[S],
    w: &[i32],
    cache: &mut EigenCache,
) -> Option<f64> {
    let live = live_coords(net, pattern);
    let nl = live.len();
    let ser = series(net, pattern, e_box, 1, Some(1));
    if ser.jac.len() < 2 {
        return None;
    }
    let mr = match &ser.jac {
        Jac::MidRad(j) => sym_midrad(&j[1], &live, w),
        // `series` forms its Jacobians; deferred ones are only made for Lohner steps.
        Jac::Deferred(_) => return None,
        Jac::Backend(_) => {
            let jac = ser.jac.order(1, &net.ctx);
            let half = S::from_f64(0.5, &net.ctx);
            let mut sym: Vec<S> = Vec::with_capacity(nl * nl);
            for (ai, &a) in live.iter().enumerate() {
                for (bi, &b) in live.iter().enumerate() {
                    // Ĵ_ab = 2^{w_b − w_a} J_ab.
                    let jab = jac[a * nl + bi].mul_2si(w[b] - w[a]);
                    let jba = jac[b * nl + ai].mul_2si(w[a] - w[b]);
                    sym.push(jab.add(&jba).mul(&half));
                }
            }
            to_midrad_mat(nl, nl, &sym)
        }
    };
    // Weyl: λ_max(A') ≤ λ_max(mid A) + ‖A' − mid A‖₂ ≤ λ_max(mid A) + ρ(rad A) for A' ∈ A.
    let mid = MidRadMat::new(nl, nl, mr.mid().to_vec(), vec![0.0; nl * nl]);
    let lm = lambda_max_upper_cached(&mid, cache)?;
    let r = perron_ru(mr.rad(), nl);
    if !r.is_finite() {
        return None;
    }
    Some(add_ru(lm, r))
}

/// `½(Ĵ + Ĵᵀ)` with `Ĵ_ab = 2^{w_b − w_a} J_ab` on the live coordinates, from a midpoint–radius
/// Jacobian `j` (`N × |L|`, columns the live coordinates) without leaving midpoint–radius form:
/// power-of-two scalings ([`scale_pow2`]: exact unless subnormal, then `η` more), the sum by (B4)
/// (`r₁ + r₂ + u|m|`, rounded up) and the halving again by [`scale_pow2`]. The midpoint matrix is
/// exactly symmetric (`fl(x + y) = fl(y + x)`).
fn sym_midrad(j: &MidRadMat, live: &[usize], w: &[i32]) -> MidRadMat {
    let nl = live.len();
    let (jm, jr) = (j.mid(), j.rad());
    let (mut mid, mut rad) = (Vec::with_capacity(nl * nl), Vec::with_capacity(nl * nl));
    for (ai, &a) in live.iter().enumerate() {
        for (bi, &b) in live.iter().enumerate() {
            let (m1, r1) = scale_pow2(jm[a * nl + bi], jr[a * nl + bi], w[b] - w[a]);
            let (m2, r2) = scale_pow2(jm[b * nl + ai], jr[b * nl + ai], w[a] - w[b]);
            let m = m1 + m2;
            let r = if m.is_finite() { add_ru(add_ru(r1, r2), mul_ru(U, m.abs())) } else { f64::INFINITY };
            let (m, r) = scale_pow2(m, r, -1);
            mid.push(m);
            rad.push(r);
        }
    }
    MidRadMat::new(nl, nl, mid, rad)
}

/// The result of [`ball_step`].
pub(crate) struct BallStepped<S> {
    /// The ball at the end of the step.
    pub ball: BallSet<S>,
    /// A box enclosure of the end state (all coordinates).
    pub end: Vec<S>,
}

/// One step of length `h` (an interval containing the exact step length) of the pattern flow
/// from `ball`: the centre by its Taylor polynomial `ser_c` plus the remainder `rem·h^{p+1}`
/// (`rem` over an a priori box `E` for a start box containing the ball and its centre), the
/// radius by `e^{μ̄ h}` with `μ̄` = `mu` (a bound of [`log_norm_upper`] over `E`). `frozen_box`
/// encloses the frozen coordinates (constant). Proofs note: `net-validated-ball`.
pub(crate) fn ball_step<S: Enclosure>(
    ball: &BallSet<S>,
    ser_c: &Series<S>,
    rem: &[S],
    e_box: &[S],
    h: &S,
    mu: f64,
    frozen_box: &[S],
) -> Result<BallStepped<S>, StepFail> {
    let ctx = h.ctx();
    let z = poly_at(&ser_c.x, end_rem(rem), h);
    let mut c_new: Vec<S> = frozen_box.iter().map(|v| v.mid()).collect();
    let mut err2 = S::zero(&ctx);
    for &a in &ball.live {
        c_new[a] = z[a].mid();
        err2 = err2.add(&z[a].sub(&c_new[a]).abs().mul_2si(-ball.w[a]).sqr());
    }
    let growth = S::from_f64(mu, &ctx).mul(h).exp();
    let rho = S::from_f64(ball.rho, &ctx).mul(&growth).add(&err2.sqrt()).upper_f64();
    if !rho.is_finite() {
        return Err(StepFail::Method);
    }
    let next = BallSet { c: c_new, w: ball.w.clone(), rho, live: ball.live.clone() };
    let mut end = next.hull(frozen_box);
    for &a in &next.live {
        end[a] = meet("net: ball end ∩ a priori box", &end[a], &e_box[a])?;
    }
    Ok(BallStepped { ball: next, end })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::validated::series::tests::tiny_net;
    use crate::net::validated::taylor::apriori;
    use reluflow_arith::{Interval, Scalar};

    /// The pattern flow from a point, by 50 Taylor steps of order 20 (f64 accuracy).
    fn flow_point(net: &Net<Interval>, pattern: &Pattern, x: &[f64], h: f64) -> Vec<f64> {
        let mut v: Vec<Interval> = x.iter().map(|c| Interval::from_f64(*c, &())).collect();
        for _ in 0..50 {
            let s = series(net, pattern, &v, 20, None);
            v = poly_at(&s.x, None, &Interval::from_f64(h / 50.0, &())).iter().map(|c| c.mid()).collect();
        }
        v.iter().map(|c| c.approx_f64()).collect()
    }

    /// One ball step (radius 1e-3, both weightings) encloses the images of points on the ball's
    /// sphere; with the logarithmic-norm bound replaced by a smaller value (a deliberate fault) some
    /// image falls outside, so the check can fail.
    #[test]
    fn ball_step_encloses_the_images_and_a_smaller_bound_does_not() {
        let net = tiny_net();
        let pattern = Pattern { active: vec![vec![0, 2], vec![1]], frozen: vec![false, false], sliding: Vec::new() };
        let x0 = [0.3, 0.2, 0.5, -0.1, 0.4, -0.6];
        let h = 0.25;
        let rho = 1e-3;
        for w in [vec![0; 6], vec![-2, -2, -2, -1, -1, -1]] {
            let c: Vec<Interval> = x0.iter().map(|v| Interval::from_f64(*v, &())).collect();
            let ball = BallSet { c: c.clone(), w: w.clone(), rho, live: (0..6).collect() };
            let xhat = ball.hull(&c);
            let ser_x = series(&net, &pattern, &xhat, 20, None);
            let apri = apriori(&net, &pattern, &ser_x, h, &[-2; 6], 8).expect("a priori enclosure");
            let mu = log_norm_upper(&net, &pattern, &apri.e, &w, &mut EigenCache::default()).expect("bound");
            let ser_c = series(&net, &pattern, &c, 20, None);
            let hh = Interval::from_f64(h, &());
            let dist = |img: &[f64], b: &BallSet<Interval>| {
                (0..6).map(|a| ((img[a] - b.c[a].approx_f64()) * 2f64.powi(-b.w[a])).powi(2)).sum::<f64>().sqrt()
            };
            let worst_ratio = |mu_used: f64| {
                let st = ball_step(&ball, &ser_c, &apri.rem, &apri.e, &hh, mu_used, &c).expect("step");
                let mut worst: f64 = 0.0;
                for k in 0..64 {
                    // Points on the sphere ‖W⁻¹(ξ − c)‖ = ρ in pseudo-random directions.
                    let dir: Vec<f64> = (0..6).map(|a| ((k * 7 + a * 13) as f64 * 0.618_034).fract() - 0.5).collect();
                    let norm = dir.iter().map(|v| v * v).sum::<f64>().sqrt();
                    let xi: Vec<f64> = (0..6).map(|a| x0[a] + dir[a] / norm * rho * 2f64.powi(w[a])).collect();
                    let img = flow_point(&net, &pattern, &xi, h);
                    worst = worst.max(dist(&img, &st.ball) / st.ball.rho);
                    for a in 0..6 {
                        if mu_used == mu {
                            assert!(
                                st.end[a].inflate(1e-13).contains_rational(&rug::Rational::from_f64(img[a]).unwrap())
                            );
                        }
                    }
                }
                worst
            };
            assert!(worst_ratio(mu) <= 1.0 + 1e-9, "w = {w:?}: an image outside the ball");
            assert!(worst_ratio(mu - 3.0) > 1.0, "w = {w:?}: the faulty bound was not caught");
        }
    }

    #[test]
    fn perron_root_bound_is_tight_for_rank_one_and_exact_for_diagonals() {
        // u uᵀ with u = (1, 2, 3): ρ = 14.
        let u = [1.0, 2.0, 3.0];
        let r: Vec<f64> = (0..9).map(|k| u[k / 3] * u[k % 3]).collect();
        let b = perron_ru(&r, 3);
        assert!((14.0..14.0 + 1e-9).contains(&b), "{b}");
        let d = [0.5, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0];
        let b = perron_ru(&d, 3);
        assert!((2.0..2.0 + 1e-12).contains(&b), "{b}");
        assert_eq!(perron_ru(&[1.0, -1.0, 0.0, 1.0], 2), f64::INFINITY);
        // Entries so small that every f64 product underflows: the bound is still positive.
        let tiny = [1e-320, 1e-320, 1e-320, 1e-320];
        assert!(perron_ru(&tiny, 2) >= 2e-320);
    }

    fn sym_from(n: usize, f: impl Fn(usize, usize) -> f64) -> Vec<f64> {
        (0..n * n).map(|k| f(k / n, k % n)).collect()
    }

    /// `diag(d) + u uᵀ` with `u = (1, …, 1)/√n·t`: for `d = (−1, …, −1)` the eigenvalues are `−1`
    /// (n − 1 times) and `t² − 1`; the bound must lie in `[t² − 1, t² − 1 + 1e-9]`.
    #[test]
    fn lambda_max_of_a_rank_one_update() {
        for &(n, t) in &[(5usize, 0.5f64), (40, 2.0), (120, 0.1)] {
            let u = t / (n as f64).sqrt();
            let a = MidRadMat::new(n, n, sym_from(n, |i, k| u * u - if i == k { 1.0 } else { 0.0 }), vec![0.0; n * n]);
            let s = lambda_max_upper(&a).expect("bound");
            let exact = t * t - 1.0;
            assert!(s >= exact - 1e-15 && s <= exact + 1e-9, "n = {n}: {s} vs {exact}");
        }
    }

    /// The radius counts: mid = diag(−1, −2) with radius 0.5 off the diagonal contains
    /// [[−1, 0.5], [0.5, −2]] whose λ_max = (−3 + √2)/2 ≈ −0.79; the bound must be ≥ that, and it
    /// is not the midpoint's −1.
    #[test]
    fn lambda_max_accounts_for_the_radius() {
        let a = MidRadMat::new(2, 2, vec![-1.0, 0.0, 0.0, -2.0], vec![0.0, 0.5, 0.5, 0.0]);
        let s = lambda_max_upper(&a).expect("bound");
        let worst = (-3.0 + 2f64.sqrt()) / 2.0;
        assert!(s >= worst, "{s} < {worst}");
        assert!(s < 0.0);
        // Indefinite members: radius 3 contains [[−1, 3], [3, −2]] with λ_max > 0.
        let b = MidRadMat::new(2, 2, vec![-1.0, 0.0, 0.0, -2.0], vec![0.0, 3.0, 3.0, 0.0]);
        assert!(lambda_max_upper(&b).is_none_or(|s| s > 1.5));
    }

    /// Eigenvectors of an earlier matrix still give an upper bound; a drift that would loosen the
    /// bound triggers a fresh decomposition, so the bound stays tight.
    #[test]
    fn cached_eigenvectors_bound_the_drifted_matrix() {
        let (n, t) = (40usize, 2.0f64);
        let u = t / (n as f64).sqrt();
        let rank_one = |shift: f64, twist: f64| {
            let m = sym_from(n, |i, k| {
                let off = if i.abs_diff(k) == 1 { twist } else { 0.0 };
                u * u - if i == k { 1.0 + shift * i as f64 } else { 0.0 } + off
            });
            MidRadMat::new(n, n, m, vec![0.0; n * n])
        };
        let mut cache = EigenCache::default();
        let first = lambda_max_upper_cached(&rank_one(0.0, 0.0), &mut cache).expect("bound");
        assert!(first >= t * t - 1.0 - 1e-15);
        for &(shift, twist) in &[(1e-9, 0.0), (1e-3, 0.05), (0.0, 0.3)] {
            let a = rank_one(shift, twist);
            let cached = lambda_max_upper_cached(&a, &mut cache).expect("bound");
            let fresh = lambda_max_upper(&a).expect("bound");
            let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(n, n, a.mid())).eigenvalues.max();
            assert!(cached >= eig - 1e-12, "cached bound {cached} below λ_max ≈ {eig}");
            assert!(cached <= fresh + 1e-3 * fresh.abs() + 1e-9, "cached bound {cached} loose against {fresh}");
        }
    }
}
