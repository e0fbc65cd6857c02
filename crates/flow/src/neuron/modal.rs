//! Per-mode enclosures of one step (`proofs-notes/neuron-stiff-modes.md`).
//!
//! With `K = GM = −A` symmetric positive semi-definite, approximate eigenpairs `(μ_k, q_k)`
//! (exact rationals taken from an f64 eigendecomposition of `K` on the active span, `μ_k ≥ 0`) with residual bounds
//! `‖Kq_k − μ_k q_k‖ ≤ η_k` give, for every `s ≥ 0`,
//! `‖e^{−sK}q_k − e^{−sμ_k}q_k‖ ≤ η_k min(s, 1/μ_k)`. Writing the decaying part `v = Σ a_k q_k + r`,
//! the states of a step `[0, h]` lie in `w_∞ + Σ a_k [e^{−hμ_k}, 1] q_k + B(δ)` with
//! `δ = ‖r‖ + Σ |a_k| η_k min(h, 1/μ_k)`: a mode that has decayed (`a_k ≈ 0`) adds almost no
//! width however fast it is, so the cost of a step no longer depends on the stiffness.

use super::ball::{PieceS, sym};
use super::frame::{CBall, Frame};
use super::gram::{Gram, GramPiece, dot as dot_q};
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::dot;
use rug::{Float, Rational};

/// `x` rounded to a 160-bit float, as an exact rational (keeps the refined vectors short).
fn short(x: &Rational) -> Rational {
    rug::Float::with_val(160, x).to_rational().unwrap_or_default()
}

/// Working precision of the inverse iteration (only its accuracy depends on it).
const BITS: u32 = 320;

/// `m⁻¹b` by Gaussian elimination with partial pivoting in `BITS`-bit floats; `None` if a pivot
/// vanishes.
fn solve(mut m: Vec<Float>, r: usize, mut b: Vec<Float>) -> Option<Vec<Float>> {
    for c in 0..r {
        let p = (c..r).max_by(|&i, &j| m[i * r + c].cmp_abs(&m[j * r + c]).unwrap_or(std::cmp::Ordering::Equal))?;
        if m[p * r + c].is_zero() {
            return None;
        }
        for j in 0..r {
            m.swap(c * r + j, p * r + j);
        }
        b.swap(c, p);
        for i in c + 1..r {
            let f = Float::with_val(BITS, &m[i * r + c] / &m[c * r + c]);
            for j in c..r {
                let t = Float::with_val(BITS, &f * &m[c * r + j]);
                m[i * r + j] -= t;
            }
            let t = Float::with_val(BITS, &f * &b[c]);
            b[i] -= t;
        }
    }
    let mut x = vec![Float::new(BITS); r];
    for i in (0..r).rev() {
        let mut s = b[i].clone();
        for j in i + 1..r {
            s -= Float::with_val(BITS, &m[i * r + j] * &x[j]);
        }
        x[i] = s / &m[i * r + i];
    }
    Some(x)
}

/// Sharpens an f64 eigenpair `(λ, ξ)` of the exact `N` (on the active span, `gram/`) by two
/// steps of inverse iteration in `BITS`-bit floats (shift slightly off `λ`, so that it is never
/// singular), then the Rayleigh quotient `ξᵀ(DN)ξ / ξᵀDξ` exactly, clamped at 0. Only the accuracy
/// depends on these choices: the residual of whatever pair comes out is bounded exactly afterwards.
fn refine(g: &Gram, lambda: f64, u: &[f64], scale: f64) -> Option<(Vec<Rational>, Rational)> {
    let r = g.rank();
    let mut q: Vec<Rational> = u.iter().map(|v| Rational::from_f64(*v)).collect::<Option<_>>()?;
    let shift = Rational::from_f64(lambda + scale * 2f64.powi(-30))?;
    let mut m: Vec<Float> = g.n.iter().map(|v| Float::with_val(BITS, v)).collect();
    for k in 0..r {
        m[k * r + k] -= &shift;
    }
    let dq: Vec<Float> = g.dq.iter().map(|v| Float::with_val(BITS, v)).collect();
    for _ in 0..2 {
        let b: Vec<Float> = q.iter().map(|v| Float::with_val(BITS, v)).collect();
        let Some(y) = solve(m.clone(), r, b) else { break };
        let n2 = y.iter().zip(&dq).fold(Float::new(BITS), |s, (a, dk)| s + Float::with_val(BITS, a.square_ref()) * dk);
        let n2 = n2.to_f64();
        let f = 1.0 / n2.sqrt();
        if !(n2 > 0.0 && f.is_finite()) {
            return None;
        }
        q = y.iter().map(|v| Float::with_val(160, v * f).to_rational()).collect::<Option<_>>()?;
    }
    let nq = g.apply_n(&q);
    let dn_q: Rational = q.iter().zip(&nq).zip(&g.dq).map(|((a, b), dk)| Rational::from(a * b) * dk).sum();
    let mu = short(&(dn_q / g.norm_sq(&q)));
    Some((q, if mu < 0 { Rational::new() } else { mu }))
}

/// The certified approximate eigenbasis of one pattern.
#[derive(Clone, Debug)]
pub(crate) struct Modes<S> {
    /// Enclosures of approximate unit eigenvectors `q_k = Q̂ᵀξ_k` (`ξ_k` exact).
    q: Vec<Vec<S>>,
    /// `ξ_k` and `Dξ_k`: `q_kᵀQ̂ᵀz = (Dξ_k)ᵀz`.
    xi: Vec<Vec<S>>,
    dxi: Vec<Vec<S>>,
    /// `D`.
    dq: Vec<S>,
    /// Per point and mode, `x_iᵀq_k = (Q̂x_i)ᵀξ_k` and `α_iᵀq_k = −(DND⁻¹Q̂x_i)ᵀξ_k`, exactly.
    xq: Vec<Vec<S>>,
    aq: Vec<Vec<S>>,
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
    pub fn new(pc: &GramPiece, ps: &PieceS<S>, ctx: &S::Ctx) -> Option<Modes<S>> {
        let g = &pc.g;
        let conv = |v: &[Rational]| v.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<S>>();
        let (values, vectors) = g.eigen_f64();
        let slowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        let slowest = if slowest.is_finite() { slowest } else { 0.0 };
        let scale = g.n.iter().fold(1.0f64, |m, v| m.max(v.to_f64().abs()));
        let (mut q, mut mu, mut eta) = (Vec::new(), Vec::new(), Vec::new());
        let (mut xi_s, mut dxi) = (Vec::new(), Vec::new());
        let npts = pc.rate_row.len();
        let (mut xq, mut aq) = (vec![Vec::new(); npts], vec![Vec::new(); npts]);
        for (lambda, u) in values.iter().zip(&vectors) {
            let (xi, m) = refine(g, *lambda, u, scale)?;
            // The residual `Kq − μq = Q̂ᵀ(Nξ − μξ)` in exact arithmetic: only its final square root
            // is rounded (upwards).
            let res: Vec<Rational> = g.apply_n(&xi).iter().zip(&xi).map(|(a, b)| a - Rational::from(&m * b)).collect();
            eta.push(S::from_rational(&g.norm_sq(&res), ctx).sqrt().hi_point());
            for i in 0..npts {
                xq[i].push(S::from_rational(&dot_q(&g.xq[i], &xi), ctx));
                aq[i].push(S::from_rational(&(-dot_q(&pc.rate_row[i], &xi)), ctx));
            }
            let xs = conv(&xi);
            q.push(ps.lift(&xs));
            xi_s.push(xs);
            dxi.push(xi.iter().zip(&g.dq).map(|(a, dk)| S::from_rational(&Rational::from(a * dk), ctx)).collect());
            mu.push(S::from_rational(&m, ctx));
        }
        let dq = conv(&g.dq);
        Some(Modes { q, xi: xi_s, dxi, dq, xq, aq, mu, eta, slowest })
    }

    /// The step `[0, h]` from `ball`.
    pub fn step(&self, ball: &CBall<S>, h: &Rational) -> ModalStep<S> {
        self.step_over(ball, S::from_rational(h, &ball.rho.ctx()))
    }

    /// [`Modes::step`] for every end time in the enclosure `hs ⊆ [0, ∞)`: the end factors
    /// `e^{−hμ_k}` over `h ∈ hs`, the residual term with the upper end of `hs`. Its decayed modes
    /// add no width however long the step, so it also gives the state at a far horizon.
    pub fn step_over(&self, ball: &CBall<S>, hs: S) -> ModalStep<S> {
        let ctx = ball.rho.ctx();
        // The centre's decaying part is Q̂ᵀv (`frame.rs`): a_k = q_kᵀQ̂ᵀv = (Dξ_k)ᵀv and the rest
        // Q̂ᵀ(v − Σ a_k ξ_k), all in coordinates (‖Q̂ᵀu‖² = uᵀDu).
        let z = &ball.v;
        let one = S::one(&ctx);
        let a: Vec<S> = self.dxi.iter().map(|dk| dot(dk, z, &ctx)).collect();
        let mut r = z.clone();
        for (ak, xk) in a.iter().zip(&self.xi) {
            r = r.iter().zip(xk).map(|(x, y)| x.sub(&ak.mul(y))).collect();
        }
        let rd: Vec<S> = r.iter().zip(&self.dq).map(|(x, dk)| x.sqr().mul(dk)).collect();
        let mut extra = rd.iter().fold(S::zero(&ctx), |s, v| s.add(v)).max(&S::zero(&ctx)).sqrt().hi_point();
        let (mut range, mut at_end) = (Vec::new(), Vec::new());
        for k in 0..self.q.len() {
            let e = hs.mul(&self.mu[k]).neg().exp();
            range.push(e.hull(&one));
            at_end.push(e);
            let phi = if self.mu[k].certainly_pos() { hs.min(&one.div(&self.mu[k])) } else { hs.clone() };
            extra = extra.add(&a[k].abs().mul(&self.eta[k]).mul(&phi)).hi_point();
        }
        let radius = extra.add(&ball.rho).hi_point();
        ModalStep { a, range, at_end, radius, extra }
    }

    /// `base + Σ a_k E_k yq_k` for per-mode factors `e` and projections `yq_k = yᵀq_k`, plus
    /// `±ny·radius` (`ny ≥ ‖y‖₂`): `yᵀw` over the states of the step when `base ⊇ yᵀw_∞`.
    fn along(&self, st: &ModalStep<S>, base: S, yq: &[S], ny: &S, e: &[S]) -> S {
        let mut g = base;
        for k in 0..self.q.len() {
            g = g.add(&st.a[k].mul(&e[k]).mul(&yq[k]));
        }
        g.add(&sym(&ny.mul(&st.radius)))
    }

    /// `x_iᵀw` over every state of the step, given `xn ≥ ‖x_i‖₂`.
    pub fn guard(&self, st: &ModalStep<S>, frame: &Frame<S>, i: usize, xn: &S) -> S {
        self.along(st, frame.xw[i].clone(), &self.xq[i], xn, &st.range)
    }

    /// `d/dt x_iᵀw = α_iᵀw + β_i` over every state of the step: `w_∞` is an equilibrium of the
    /// pattern, so `α_iᵀw_∞ + β_i = 0` exactly.
    pub fn rate(&self, st: &ModalStep<S>, ps: &PieceS<S>, i: usize) -> S {
        self.along(st, S::zero(&st.radius.ctx()), &self.aq[i], &ps.alpha_norm[i], &st.range)
    }

    /// A box holding every state of the step (`d` coordinates).
    pub fn hull(&self, st: &ModalStep<S>, frame: &Frame<S>) -> Vec<S> {
        let pad = sym(&st.radius);
        let f: Vec<S> = st.a.iter().zip(&st.range).map(|(a, e)| a.mul(e)).collect();
        let mut w: Vec<S> = frame.winf.iter().map(|v| v.add(&pad)).collect();
        for (fk, qk) in f.iter().zip(&self.q) {
            w.iter_mut().zip(qk).for_each(|(u, q)| u.add_mul_assign(fk, q));
        }
        w
    }

    /// `Σ_k a_k E_k ξ_k` over per-mode factors `e`: the modal sum in coordinates.
    fn coords(&self, st: &ModalStep<S>, e: &[S]) -> Vec<S> {
        let ctx = st.radius.ctx();
        let mut y = vec![S::zero(&ctx); self.dq.len()];
        for k in 0..self.q.len() {
            let f = st.a[k].mul(&e[k]);
            y.iter_mut().zip(&self.xi[k]).for_each(|(u, x)| *u = u.add(&f.mul(x)));
        }
        y
    }

    /// `ζ(w)` over every state of the step.
    pub fn zeta_hull(&self, st: &ModalStep<S>, ps: &PieceS<S>) -> Vec<S> {
        ps.zeta_hull(&self.coords(st, &st.range), &st.radius)
    }

    /// The ball at the end of the step.
    pub fn end(&self, st: &ModalStep<S>, ps: &PieceS<S>, rho: &S) -> CBall<S> {
        ps.cball(&self.coords(st, &st.at_end), &st.extra.add(rho).hi_point())
    }
}
