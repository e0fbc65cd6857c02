//! Per-mode enclosures of one step (`proofs-notes/neuron-stiff-modes.md`).
//!
//! With `K = GM = −A` symmetric positive semi-definite, approximate eigenpairs `(μ_k, q_k)`
//! (exact rationals taken from an f64 eigendecomposition of `K` on the active span, `μ_k ≥ 0`) with residual bounds
//! `‖Kq_k − μ_k q_k‖ ≤ η_k` give, for every `s ≥ 0`,
//! `‖e^{−sK}q_k − e^{−sμ_k}q_k‖ ≤ η_k min(s, 1/μ_k)`. Writing the decaying part `v = Σ a_k q_k + r`,
//! the states of a step `[0, h]` lie in `w_∞ + Σ a_k [e^{−hμ_k}, 1] q_k + B(δ)` with
//! `δ = ‖r‖ + Σ |a_k| η_k min(h, 1/μ_k)`: a mode that has decayed (`a_k ≈ 0`) adds almost no
//! width however fast it is, so the cost of a step no longer depends on the stiffness.

use super::ball::{Ball, PieceS, sym};
use super::gram::{Gram, dot as dot_q};
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::{dot, norm_sq};
use rug::Rational;

/// `x` rounded to a 160-bit float, as an exact rational (keeps the refined vectors short).
fn short(x: &Rational) -> Rational {
    rug::Float::with_val(160, x).to_rational().unwrap_or_default()
}

/// Sharpens an f64 eigenpair `(λ, ξ)` of the exact `N` (on the active span, `gram.rs`) by two
/// steps of inverse iteration in exact arithmetic (shift slightly off `λ`, so that it is never
/// singular), then the Rayleigh quotient `ξᵀ(DN)ξ / ξᵀDξ`, clamped at 0. Only the accuracy
/// depends on these choices: the residual of whatever pair comes out is bounded exactly afterwards.
fn refine(g: &Gram, lambda: f64, u: &[f64], scale: f64) -> Option<(Vec<Rational>, Rational)> {
    let r = g.rank();
    let mut q: Vec<Rational> = u.iter().map(|v| Rational::from_f64(*v)).collect::<Option<_>>()?;
    let shift = Rational::from_f64(lambda + scale * 2f64.powi(-30))?;
    let mut m = g.n.clone();
    for k in 0..r {
        m[k * r + k] -= &shift;
    }
    if let Some(inv) = super::exact::inverse(&m, r) {
        for _ in 0..2 {
            let y: Vec<Rational> = (0..r).map(|k| dot_q(&inv[k * r..(k + 1) * r], &q)).collect();
            let n2 = g.norm_sq(&y).to_f64();
            let f = Rational::from_f64(1.0 / n2.sqrt()).filter(|_| n2 > 0.0 && n2.is_finite())?;
            q = y.iter().map(|v| short(&Rational::from(v * &f))).collect();
        }
    }
    let nq = g.apply_n(&q);
    let dn_q: Rational = q.iter().zip(&nq).zip(&g.dq).map(|((a, b), dk)| Rational::from(a * b) * dk).sum();
    let mu = short(&(dn_q / g.norm_sq(&q)));
    Some((q, if mu < 0 { Rational::new() } else { mu }))
}

/// The certified approximate eigenbasis of one pattern.
#[derive(Clone, Debug)]
pub(crate) struct Modes<S> {
    /// Approximate unit eigenvectors `q_k` (exact values).
    q: Vec<Vec<S>>,
    /// `μ_k ≥ 0` (exact values).
    mu: Vec<S>,
    /// Upper bounds `η_k ≥ ‖Kq_k − μ_k q_k‖₂`.
    eta: Vec<S>,
    /// The smallest `μ_k` on `range(P)` (f64, for the step-size cap only).
    pub slowest: f64,
}

/// One step `[0, h]` through the modes.
#[derive(Clone, Debug)]
pub(crate) struct ModalStep<S> {
    /// `w_∞(c)`.
    winf: Vec<S>,
    /// Coefficients `a_k` of the decaying part of the centre.
    a: Vec<S>,
    /// `[e^{−hμ_k}, 1]` and `e^{−hμ_k}`.
    range: Vec<S>,
    at_end: Vec<S>,
    /// Upper bound of the distance of every state of the step to the modal sum (includes `ρ`).
    pub radius: S,
    /// The radius without `ρ_ball` at the end point (added to the end ball).
    extra: S,
}

impl<S: Enclosure> Modes<S> {
    /// The modes of `K` on the active span `V` (the decaying part of every state lies in `V`);
    /// `None` if the f64 eigendecomposition gives no finite values.
    pub fn new(g: &Gram, ctx: &S::Ctx) -> Option<Modes<S>> {
        let (values, vectors) = g.eigen_f64();
        let slowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        let slowest = if slowest.is_finite() { slowest } else { 0.0 };
        let scale = g.n.iter().fold(1.0f64, |m, v| m.max(v.to_f64().abs()));
        let (mut q, mut mu, mut eta) = (Vec::new(), Vec::new(), Vec::new());
        for (lambda, u) in values.iter().zip(&vectors) {
            let (xi, m) = refine(g, *lambda, u, scale)?;
            // The residual `Kq − μq = Q̂ᵀ(Nξ − μξ)` in exact arithmetic: only its final square root
            // is rounded (upwards).
            let res: Vec<Rational> = g.apply_n(&xi).iter().zip(&xi).map(|(a, b)| a - Rational::from(&m * b)).collect();
            eta.push(S::from_rational(&g.norm_sq(&res), ctx).sqrt().hi_point());
            q.push(g.lift(&xi).iter().map(|v| S::from_rational(v, ctx)).collect());
            mu.push(S::from_rational(&m, ctx));
        }
        Some(Modes { q, mu, eta, slowest })
    }

    /// The step `[0, h]` from `ball` (decaying part split by `ps`).
    pub fn step(&self, ps: &PieceS<S>, ball: &Ball<S>, h: &Rational) -> ModalStep<S> {
        self.step_over(ps, ball, S::from_rational(h, &ball.rho.ctx()))
    }

    /// [`Modes::step`] for every end time in the enclosure `hs ⊆ [0, ∞)`: the end factors
    /// `e^{−hμ_k}` over `h ∈ hs`, the residual term with the upper end of `hs`. Its decayed modes
    /// add no width however long the step, so it also gives the state at a far horizon.
    pub fn step_over(&self, ps: &PieceS<S>, ball: &Ball<S>, hs: S) -> ModalStep<S> {
        let ctx = ball.rho.ctx();
        let (winf, v) = ps.split(&ball.c);
        let one = S::one(&ctx);
        let a: Vec<S> = self.q.iter().map(|qk| dot(qk, &v, &ctx)).collect();
        let mut r = v.clone();
        for (ak, qk) in a.iter().zip(&self.q) {
            r = r.iter().zip(qk).map(|(x, y)| x.sub(&ak.mul(y))).collect();
        }
        let mut extra = norm_sq(&r, &ctx).sqrt().hi_point();
        let (mut range, mut at_end) = (Vec::new(), Vec::new());
        for k in 0..self.q.len() {
            let e = hs.mul(&self.mu[k]).neg().exp();
            range.push(e.hull(&one));
            at_end.push(e);
            let phi = if self.mu[k].certainly_pos() { hs.min(&one.div(&self.mu[k])) } else { hs.clone() };
            extra = extra.add(&a[k].abs().mul(&self.eta[k]).mul(&phi)).hi_point();
        }
        let radius = extra.add(&ball.rho).hi_point();
        ModalStep { winf, a, range, at_end, radius, extra }
    }

    /// `yᵀ(w_∞ + Σ a_k E_k q_k)` for per-mode factors `e`, plus `±ny·radius` (`ny ≥ ‖y‖₂`).
    fn along(&self, st: &ModalStep<S>, y: &[S], ny: &S, e: &[S]) -> S {
        let ctx = st.radius.ctx();
        let mut g = dot(y, &st.winf, &ctx);
        for k in 0..self.q.len() {
            g = g.add(&st.a[k].mul(&e[k]).mul(&dot(y, &self.q[k], &ctx)));
        }
        g.add(&sym(&ny.mul(&st.radius)))
    }

    /// `x_iᵀw` over every state of the step, given `xn ≥ ‖x_i‖₂`.
    pub fn guard(&self, st: &ModalStep<S>, x: &[S], xn: &S) -> S {
        self.along(st, x, xn, &st.range)
    }

    /// `d/dt x_iᵀw = α_iᵀw + β_i` over every state of the step.
    pub fn rate(&self, st: &ModalStep<S>, ps: &PieceS<S>, i: usize) -> S {
        self.along(st, &ps.alpha[i], &ps.alpha_norm[i], &st.range).add(&ps.beta[i])
    }

    /// A box holding every state of the step.
    pub fn hull(&self, st: &ModalStep<S>) -> Vec<S> {
        self.boxed(st, &st.range, &sym(&st.radius))
    }

    /// The ball at the end of the step.
    pub fn end(&self, st: &ModalStep<S>, rho: &S) -> Ball<S> {
        let ctx = rho.ctx();
        Ball::from_box(&self.boxed(st, &st.at_end, &S::zero(&ctx)), &st.extra.add(rho).hi_point())
    }

    fn boxed(&self, st: &ModalStep<S>, e: &[S], pad: &S) -> Vec<S> {
        (0..st.winf.len())
            .map(|j| {
                let mut w = st.winf[j].clone();
                for k in 0..self.q.len() {
                    w = w.add(&st.a[k].mul(&e[k]).mul(&self.q[k][j]));
                }
                w.add(pad)
            })
            .collect()
    }
}
