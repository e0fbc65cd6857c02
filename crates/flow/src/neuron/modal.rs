//! Per-mode enclosures of one step (`proofs-notes/neuron-stiff-modes.md`).
//!
//! With `K = GM = −A` symmetric positive semi-definite, approximate eigenpairs `(μ_k, q_k)`
//! (exact rationals taken from an f64 eigendecomposition, `μ_k ≥ 0`) with residual bounds
//! `‖Kq_k − μ_k q_k‖ ≤ η_k` give, for every `s ≥ 0`,
//! `‖e^{−sK}q_k − e^{−sμ_k}q_k‖ ≤ η_k min(s, 1/μ_k)`. Writing the decaying part `v = Σ a_k q_k + r`,
//! the states of a step `[0, h]` lie in `w_∞ + Σ a_k [e^{−hμ_k}, 1] q_k + B(δ)` with
//! `δ = ‖r‖ + Σ |a_k| η_k min(h, 1/μ_k)`: a mode that has decayed (`a_k ≈ 0`) adds almost no
//! width however fast it is, so the cost of a step no longer depends on the stiffness.

use super::ball::{Ball, PieceS, sym};
use super::exact::Piece;
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::{dot, norm_sq};
use rug::Rational;

/// `x` rounded to a 160-bit float, as an exact rational (keeps the refined vectors short).
fn short(x: &Rational) -> Rational {
    rug::Float::with_val(160, x).to_rational().unwrap_or_default()
}

/// Sharpens an f64 eigenpair `(λ, u)` of the exact symmetric `k` by two steps of inverse
/// iteration in exact arithmetic (shift slightly off `λ`, so that it is never singular), then
/// the Rayleigh quotient, clamped at 0. Only the accuracy depends on these choices: the residual
/// of whatever pair comes out is bounded exactly afterwards.
fn refine(k: &[Rational], d: usize, lambda: f64, u: &[f64], scale: f64) -> Option<(Vec<Rational>, Rational)> {
    let mut q: Vec<Rational> = u.iter().map(|v| Rational::from_f64(*v)).collect::<Option<_>>()?;
    let shift = Rational::from_f64(lambda + scale * 2f64.powi(-30))?;
    let mut m = k.to_vec();
    for r in 0..d {
        m[r * d + r] -= &shift;
    }
    if let Some(inv) = super::exact::inverse(&m, d) {
        for _ in 0..2 {
            let y: Vec<Rational> =
                (0..d).map(|r| (0..d).map(|j| Rational::from(&inv[r * d + j] * &q[j])).sum()).collect();
            let n2: f64 = y.iter().map(|v| v.to_f64().powi(2)).sum();
            let f = Rational::from_f64(1.0 / n2.sqrt()).filter(|_| n2 > 0.0 && n2.is_finite())?;
            q = y.iter().map(|v| short(&Rational::from(v * &f))).collect();
        }
    }
    let kq: Vec<Rational> = (0..d).map(|r| (0..d).map(|j| Rational::from(&k[r * d + j] * &q[j])).sum()).collect();
    let qq: Rational = q.iter().map(|v| Rational::from(v.square_ref())).sum();
    let qkq: Rational = q.iter().zip(&kq).map(|(a, b)| Rational::from(a * b)).sum();
    let mu = short(&(qkq / qq));
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
    /// The modes of `K = −A`; `None` if the f64 eigendecomposition gives no finite values.
    pub fn new(piece: &Piece, d: usize, ctx: &S::Ctx) -> Option<Modes<S>> {
        let k: Vec<Rational> = piece.a.iter().map(|v| Rational::from(-v)).collect();
        let kf: Vec<f64> = k.iter().map(|v| v.to_f64()).collect();
        let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(d, d, &kf));
        let rank: usize = (0..d).map(|r| piece.p[r * d + r].clone()).sum::<Rational>().to_f64().round() as usize;
        let mut sorted: Vec<f64> = eig.eigenvalues.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let slowest = if rank == 0 { 0.0 } else { sorted[d - rank] };
        let scale = kf.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        let (mut q, mut mu, mut eta) = (Vec::new(), Vec::new(), Vec::new());
        for c in 0..d {
            let u: Vec<f64> = (0..d).map(|r| eig.eigenvectors[(r, c)]).collect();
            let (qk, m) = refine(&k, d, eig.eigenvalues[c], &u, scale)?;
            // The residual in exact arithmetic: only its final square root is rounded (upwards).
            let res: Vec<Rational> = (0..d)
                .map(|r| {
                    (0..d).map(|j| Rational::from(&k[r * d + j] * &qk[j])).sum::<Rational>()
                        - Rational::from(&m * &qk[r])
                })
                .collect();
            let r2: Rational = res.iter().map(|v| Rational::from(v.square_ref())).sum();
            eta.push(S::from_rational(&r2, ctx).sqrt().hi_point());
            q.push(qk.iter().map(|v| S::from_rational(v, ctx)).collect());
            mu.push(S::from_rational(&m, ctx));
        }
        Some(Modes { q, mu, eta, slowest })
    }

    /// The step `[0, h]` from `ball` (decaying part split by `ps`).
    pub fn step(&self, ps: &PieceS<S>, ball: &Ball<S>, h: &Rational) -> ModalStep<S> {
        let ctx = ball.rho.ctx();
        let (winf, v) = ps.split(&ball.c);
        let hs = S::from_rational(h, &ctx);
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
