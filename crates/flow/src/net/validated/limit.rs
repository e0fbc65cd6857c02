//! A certified `t → ∞` limit of the two-layer gradient flow by a Polyak–Łojasiewicz ball argument.
//!
//! Inside a fixed activation pattern `P` the loss is the polynomial `L_P(θ) = c Σ_i r_i²`,
//! `r_i = Σ_{j: i∈A_j} a_j w_jᵀx_i − y_i`. With `J = ∂r/∂θ_live` (`n × |live|`) and the Gram
//! matrix `K = JJᵀ`, `∇L = 2c Jᵀr` and `‖∇L‖² ≥ 2μL` with `μ = 2c λ_min(K)`. If on a box `B`
//! containing the Euclidean ball of radius `ρ` (live coordinates) around the end box every guard
//! has `P`'s strict sign, `λ_min(K) ≥ κ > 0`, and `ρ > √(2L0/μ)` with `μ = 2cκ`, `L0 ≥ sup L` on
//! the end box, then the flow from every point of the end box stays within `√(2L0/μ)` of its start
//! forever, the pattern never changes, `L(t) ≤ L0 e^{−2μ(t−t0)}`, and `θ(t) → θ∞` with
//! `L(θ∞) = 0`. Proof: `proofs-notes/net-limit-pl.md`.
//!
//! [`prove_limit`] checks these hypotheses with the backend's interval arithmetic (every quantity
//! over a box encloses its value at every point of the box) and the eigenvalue bound of
//! [`eigen::lambda_min_lower`].

mod eigen;

use super::Net;
use super::series::{live, live_coords};
use super::taylor::{guard, uncertain_guards};
use crate::net::field::residuals;
use crate::trajectory::Pattern;
use reluflow_arith::{Enclosure, Inconsistency, Interval};

/// Why [`prove_limit`] gave no proof.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LimitFail {
    /// A hypothesis of the argument could not be verified (in words): try later, or undecided.
    Unproved(String),
    /// Two enclosures of one value did not meet (a bug): the run stops.
    Inconsistent(Inconsistency),
}

impl From<String> for LimitFail {
    fn from(why: String) -> Self {
        LimitFail::Unproved(why)
    }
}

impl From<Inconsistency> for LimitFail {
    fn from(e: Inconsistency) -> Self {
        LimitFail::Inconsistent(e)
    }
}

impl std::fmt::Display for LimitFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitFail::Unproved(why) => write!(f, "{why}"),
            LimitFail::Inconsistent(e) => write!(f, "{e}"),
        }
    }
}

/// How many ball radii [`prove_limit`] tries before giving up.
const RADIUS_TRIES: usize = 8;

/// A proved limit of the pattern flow from every point of a box (see [`prove_limit`]).
///
/// Invariant (established by [`prove_limit`], the only constructor): for every `θ0` in the box
/// given to `prove_limit` at time `t0`, the exact gradient flow satisfies, for all `t ≥ t0`,
/// `θ(t) ∈ limit()`, `L(θ(t)) ≤ loss0_ru()·e^{−2·mu_rd()·(t−t0)}`, the activation pattern stays the
/// given one, and `θ∞ = lim θ(t)` exists, lies in `limit()` and has `L(θ∞) = 0`.
#[derive(Clone, Debug)]
pub(crate) struct LimitProof<S> {
    limit: Vec<S>,
    limit_loss: S,
    mu_rd: f64,
    loss0_ru: f64,
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests (radius < ρ)"))]
    rho: f64,
    radius_ru: f64,
}

impl<S: Enclosure> LimitProof<S> {
    /// The flat box (all `N` coordinates) enclosing `θ∞` — and the whole trajectory after `t0`:
    /// the end box widened by [`Self::radius_ru`] on the live coordinates, frozen coordinates
    /// unchanged.
    pub(crate) fn limit(&self) -> &[S] {
        &self.limit
    }
    /// The limit loss: exactly `[0, 0]`, since `L(θ(t)) → 0` and `L = L_P` is continuous on the
    /// ball where the pattern holds (the bound `L(t) ≤ L0 e^{−2μ(t−t0)}` with `μ > 0`).
    pub(crate) fn limit_loss(&self) -> &S {
        &self.limit_loss
    }
    /// A lower bound of the PL constant `μ = 2cκ` on the ball (rounded down; `0` when `L0 = 0`,
    /// where no rate is needed).
    pub(crate) fn mu_rd(&self) -> f64 {
        self.mu_rd
    }
    /// An upper bound of the loss over the end box (rounded up).
    pub(crate) fn loss0_ru(&self) -> f64 {
        self.loss0_ru
    }
    /// The ball radius `ρ` on which the hypotheses were verified (`0` when `L0 = 0`).
    #[cfg(test)]
    pub(crate) fn rho(&self) -> f64 {
        self.rho
    }
    /// An upper bound of the path-length bound `√(2L0/μ)` (`< ρ`; `0` when `L0 = 0`).
    pub(crate) fn radius_ru(&self) -> f64 {
        self.radius_ru
    }
    /// An upper bound of the time after `t0` from which `L ≤ target`: `ln(L0/target)/(2μ)`
    /// rounded up; `Some(0)` if `L0 ≤ target`; `None` for `target ≤ 0` or NaN when `L0 > 0` (the
    /// loss reaches 0 only in the limit), or if the bound overflows. (The driver reports the same
    /// bound through `LimitRate::time_to_loss`; this one is checked by the tests.)
    #[cfg(test)]
    pub(crate) fn time_to_loss(&self, target: f64) -> Option<f64> {
        use reluflow_arith::Scalar;
        if target.is_nan() {
            return None;
        }
        if self.loss0_ru <= target {
            return Some(0.0);
        }
        if target <= 0.0 || self.mu_rd <= 0.0 {
            return None;
        }
        let pt = |v: f64| Interval::from_f64(v, &());
        let t = pt(self.loss0_ru).div(&pt(target)).ln().div(&pt(self.mu_rd).mul_2si(1)).upper_f64();
        if t.is_finite() { Some(t.max(0.0)) } else { None }
    }
}

/// The Gram matrix `K = JJᵀ` over the flat box `x` (row-major `n × n`, entries of the backend):
/// `K_ik = Σ_{live j: i,k ∈ A_j} (a_j² x_iᵀx_k + (w_jᵀx_i)(w_jᵀx_k))`, since
/// `∂r_i/∂w_j = a_j x_i` and `∂r_i/∂a_j = w_jᵀx_i` for `i ∈ A_j` (zero otherwise). An enclosure of
/// `K(θ)` for every `θ` in the box.
fn gram<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S]) -> Vec<S> {
    let (n, b, ctx) = (net.n, net.d + 1, &net.ctx);
    let xx: Vec<S> = (0..n * n)
        .map(|ik| {
            let (xi, xk) = (&net.data.x[ik / n], &net.data.x[ik % n]);
            xi.iter().zip(xk).fold(S::zero(ctx), |mut acc, (u, v)| {
                acc.add_mul_assign(u, v);
                acc
            })
        })
        .collect();
    let mut k = vec![S::zero(ctx); n * n];
    for j in 0..net.m {
        let act = live(pattern, j);
        if act.is_empty() {
            continue;
        }
        let a2 = x[j * b + net.d].sqr();
        let g: Vec<S> = act.iter().map(|&i| guard(net, x, j, i)).collect();
        for (p, &i) in act.iter().enumerate() {
            for (q, &c) in act.iter().enumerate().skip(p) {
                let gg = if p == q { g[p].sqr() } else { g[p].mul(&g[q]) };
                let e = a2.mul_add(&xx[i * n + c], &gg);
                let at = i.min(c) * n + i.max(c);
                k[at] = k[at].add(&e);
            }
        }
    }
    // Accumulated in the upper triangle; mirrored (K is symmetric).
    for i in 0..n {
        for c in 0..i {
            k[i * n + c] = k[c * n + i].clone();
        }
    }
    k
}

/// A verified lower bound of `λ_min(K(θ))` over the flat box `x`.
fn kappa_rd<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S]) -> Result<f64, LimitFail> {
    let k: Vec<Interval> =
        gram(net, pattern, x).iter().map(|e| Interval::from_f64_bounds(e.lower_f64(), e.upper_f64(), &())).collect();
    eigen::lambda_min_lower(&k, net.n)
}

/// `(μ rounded down, √(2L0/μ) rounded up)` for `μ = 2cκ`.
fn rate_and_radius<S: Enclosure>(c: &S, loss0_ru: f64, kappa: f64) -> (f64, f64) {
    let ctx = c.ctx();
    let mu = c.mul(&S::from_f64(kappa, &ctx)).mul_2si(1);
    let r = S::from_f64(loss0_ru, &ctx).mul_2si(1).div(&mu).sqrt();
    (mu.lower_f64(), r.upper_f64())
}

/// `x` widened by `[−δ, δ]` on the live coordinates (rounded outward), frozen ones unchanged.
fn widen<S: Enclosure>(x: &[S], live: &[usize], delta: f64, ctx: &S::Ctx) -> Vec<S> {
    let pad = S::from_f64_bounds(-delta, delta, ctx);
    let mut out = x.to_vec();
    for &c in live {
        out[c] = out[c].add(&pad);
    }
    out
}

/// The first live guard of `x` without `P`'s strict sign, in words.
fn guard_failure<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S], what: &str) -> Option<String> {
    uncertain_guards(net, pattern, x).first().map(|&(j, i)| {
        if pattern.frozen[j] {
            return format!(
                "neuron {j} is frozen on the hyperplane of point {i} and may revive: the field on its \
                 active side is not proved to point back {what}"
            );
        }
        let sign = if live(pattern, j).contains(&i) { "> 0" } else { "< 0" };
        format!("guard w_{j}ᵀx_{i} not sign-definite ({sign} required) {what}")
    })
}

/// A lower bound of the loss `L_P` over `xbox` (rounded down; 0 when nothing better is known).
pub(crate) fn loss_lower<S: Enclosure>(net: &Net<S>, pattern: &Pattern, xbox: &[S]) -> f64 {
    let c = net.data.grad_factor.mul_2si(-1);
    let (r, _) = residuals(&net.data, pattern, &net.unflatten(xbox));
    let lo = r.iter().fold(S::zero(&net.ctx), |acc, ri| acc.add(&ri.sqr())).mul(&c).lower_f64();
    if lo.is_finite() { lo.max(0.0) } else { 0.0 }
}

/// Proves the `t → ∞` limit of the gradient flow from every point of `xbox` (the exact state at
/// the end `t0` of a certified run, all `N` flat coordinates) in the pattern `pattern` (the
/// pattern of the run's last segment; its frozen neurons are certified dead, so they never move
/// and enter nothing).
///
/// Steps (`proofs-notes/net-limit-pl.md`): `L0` = upper bound of `L_P` over `xbox`; if `L0 = 0`
/// every point of `xbox` is an equilibrium (strict guards on `xbox` are required, so the flow is
/// unique there) and the limit is `xbox`. Otherwise `n ≤ |live|` is required (else `K` is
/// singular), `κ_x` = verified `λ_min(K)` lower bound on `xbox`, and the radius search starts at
/// `ρ = 2√(2L0/μ_x)`: on `B(ρ)` (live coordinates widened by `ρ`) every live guard must have `P`'s
/// strict sign, `κ_B > 0`, and `ρ > √(2L0/(2cκ_B))` (rounded up). A radius that fails by the last
/// test is enlarged, one that fails the first two is shrunk toward the path-length bound;
/// [`RADIUS_TRIES`] radii in all.
///
/// Guarantee: with an [`Enclosure`] backend, an `Ok` is a proof of the [`LimitProof`] invariant
/// for the exact flow (all bounds computed outward). Errors say in words why the proof failed.
pub(crate) fn prove_limit<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    xbox: &[S],
) -> Result<LimitProof<S>, LimitFail> {
    let ctx = &net.ctx;
    if xbox.len() != net.dim() || pattern.active.len() != net.m || pattern.frozen.len() != net.m {
        return Err(format!(
            "shape mismatch: box of {} coordinates for {} neurons of dimension {}",
            xbox.len(),
            net.m,
            net.d
        )
        .into());
    }
    let c = net.data.grad_factor.mul_2si(-1);
    let (r, _) = residuals(&net.data, pattern, &net.unflatten(xbox));
    let loss0_ru = r.iter().fold(S::zero(ctx), |acc, ri| acc.add(&ri.sqr())).mul(&c).upper_f64();
    if !loss0_ru.is_finite() {
        return Err(String::from("the loss over the end box is not finite").into());
    }
    if loss0_ru <= 0.0 {
        if let Some(why) = guard_failure(net, pattern, xbox, "on the end box (zero loss)") {
            return Err(why.into());
        }
        let limit = xbox.to_vec();
        return Ok(LimitProof { limit, limit_loss: S::zero(ctx), mu_rd: 0.0, loss0_ru: 0.0, rho: 0.0, radius_ru: 0.0 });
    }
    let live_c = live_coords(net, pattern);
    if net.n > live_c.len() {
        return Err(format!(
            "K = JJᵀ is singular: n = {} points but only {} live coordinates, so λ_min(K) = 0",
            net.n,
            live_c.len()
        )
        .into());
    }
    let kx = kappa_rd(net, pattern, xbox)?;
    if kx.is_nan() || kx <= 0.0 {
        return Err(format!("λ_min(K) not provably positive on the end box (verified bound {kx:.3e})").into());
    }
    let (_, r_x) = rate_and_radius(&c, loss0_ru, kx);
    if !r_x.is_finite() {
        return Err(format!("path-length bound not finite (L0 ≤ {loss0_ru:.3e}, λ_min(K) ≥ {kx:.3e})").into());
    }
    let mut floor = r_x;
    let mut rho = 2.0 * r_x;
    let mut why = String::new();
    let mut best: Option<LimitProof<S>> = None;
    for _ in 0..RADIUS_TRIES {
        let ball = widen(xbox, &live_c, rho, ctx);
        let checked = match guard_failure(net, pattern, &ball, &format!("within distance {rho:.3e}")) {
            Some(w) => Err(w.into()),
            None => kappa_rd(net, pattern, &ball).and_then(|kb| {
                if kb > 0.0 {
                    Ok(kb)
                } else {
                    Err(format!("λ_min(K) not provably positive within distance {rho:.3e} (verified bound {kb:.3e})")
                        .into())
                }
            }),
        };
        match checked {
            Ok(kb) => {
                let (mu_rd, radius_ru) = rate_and_radius(&c, loss0_ru, kb);
                if rho > radius_ru && mu_rd > 0.0 {
                    if best.as_ref().is_none_or(|b: &LimitProof<S>| mu_rd > b.mu_rd) {
                        let limit = widen(xbox, &live_c, radius_ru, ctx);
                        best = Some(LimitProof { limit, limit_loss: S::zero(ctx), mu_rd, loss0_ru, rho, radius_ru });
                    }
                    // A smaller ball may give a larger κ (a faster proved rate): try once more.
                    if 1.1 * radius_ru < 0.9 * rho {
                        rho = 1.1 * radius_ru;
                        continue;
                    }
                    break;
                }
                if best.is_some() {
                    break;
                }
                why = format!("ball radius {rho:.3e} not above the path-length bound √(2L0/μ) ≤ {radius_ru:.3e}");
                floor = floor.max(radius_ru);
                rho = 1.25 * radius_ru;
            }
            Err(LimitFail::Inconsistent(e)) => return Err(e.into()),
            Err(LimitFail::Unproved(w)) => {
                if best.is_some() {
                    break;
                }
                why = w;
                rho = floor + (rho - floor) / 4.0;
            }
        }
    }
    if let Some(proof) = best {
        return Ok(proof);
    }
    Err(format!("{why} (L0 ≤ {loss0_ru:.3e}, path-length bound on the end box {r_x:.3e}; {RADIUS_TRIES} radii tried)")
        .into())
}

#[cfg(test)]
mod tests;
