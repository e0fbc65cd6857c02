//! The state representation of the certified solver: a centre point plus a Euclidean ball
//! (see `proofs-notes/neuron-closed-form.md`, "No wrapping").
//!
//! The exact state lies in `c + B(ρ)`. Inside a pattern the flow map over a time `s ≥ 0` is the
//! affine map `F_s(w) = w_∞(w) + E(s)(w − w_∞(w))` whose linear part is `E(s) = exp(−sGM)`, of
//! 2-norm at most 1, so `F_s(c + B(ρ)) ⊆ F_s(c) + B(ρ)`: only the rounding error of evaluating
//! `F_s(c)` is added to the radius.

use super::exact::Piece;
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::{dot, mat_vec, norm_sq};
use rug::Rational;

/// `[−r, r]` for the upper end of `r`.
pub(crate) fn sym<S: Enclosure>(r: &S) -> S {
    let hi = r.hi_point();
    hi.neg().hull(&hi)
}

/// An upper bound of `‖v‖₂` for an exact rational vector, as a degenerate enclosure.
pub(crate) fn norm_upper<S: Enclosure>(v: &[Rational], ctx: &S::Ctx) -> S {
    let vs: Vec<S> = v.iter().map(|q| S::from_rational(q, ctx)).collect();
    norm_sq(&vs, ctx).sqrt().hi_point()
}

/// The exact state lies in `centre + B(rho)` (Euclidean ball).
#[derive(Clone, Debug)]
pub(crate) struct Ball<S> {
    /// Degenerate enclosures (points).
    pub c: Vec<S>,
    /// Degenerate enclosure of an upper bound of the radius.
    pub rho: S,
}

impl<S: Enclosure> Ball<S> {
    /// The ball around the midpoint of a box with the box's half-diagonal as radius, plus `extra`.
    pub fn from_box(b: &[S], extra: &S) -> Ball<S> {
        let ctx = extra.ctx();
        let c: Vec<S> = b.iter().map(|v| v.mid()).collect();
        let r: Vec<S> = b.iter().zip(&c).map(|(v, m)| v.sub(m).abs().hi_point()).collect();
        let rho = norm_sq(&r, &ctx).sqrt().add(extra).hi_point();
        Ball { c, rho }
    }
    /// The exact point `w` (radius 0 when every coordinate is representable).
    pub fn from_exact(w: &[Rational], ctx: &S::Ctx) -> Ball<S> {
        let b: Vec<S> = w.iter().map(|q| S::from_rational(q, ctx)).collect();
        Ball::from_box(&b, &S::zero(ctx))
    }
    /// The bounding box `c ± ρ`.
    pub fn to_box(&self) -> Vec<S> {
        let r = sym(&self.rho);
        self.c.iter().map(|v| v.add(&r)).collect()
    }
}

/// A pattern's data entered into the backend (outward for enclosures).
#[derive(Clone, Debug)]
pub(crate) struct PieceS<S> {
    pub d: usize,
    pub a: Vec<S>,
    pub p: Vec<S>,
    pub w_a: Vec<S>,
    pub gb: Vec<S>,
    /// Upper bound of `‖A‖_∞` as f64.
    pub norm: f64,
    pub alpha: Vec<Vec<S>>,
    pub beta: Vec<S>,
    /// Upper bounds of `‖α_i‖₂`.
    pub alpha_norm: Vec<S>,
}

impl<S: Enclosure> PieceS<S> {
    pub fn new(pc: &Piece, d: usize, ctx: &S::Ctx) -> PieceS<S> {
        let conv = |v: &[Rational]| v.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<S>>();
        PieceS {
            d,
            a: conv(&pc.a),
            p: conv(&pc.p),
            w_a: conv(&pc.w_a),
            gb: conv(&pc.gb),
            norm: S::from_rational(&pc.norm_inf, ctx).upper_f64(),
            alpha: pc.alpha.iter().map(|a| conv(a)).collect(),
            beta: conv(&pc.beta),
            alpha_norm: pc.alpha.iter().map(|a| norm_upper::<S>(a, ctx)).collect(),
        }
    }

    /// `(w_∞(c), v)` with `v = P c − w_A` and `w_∞(c) = c − v` (the limit of the pattern's flow from
    /// `c`, and the part of `c − w_∞` that decays).
    pub fn split(&self, c: &[S]) -> (Vec<S>, Vec<S>) {
        let ctx = c[0].ctx();
        let pc = mat_vec(&self.p, self.d, self.d, c, &ctx);
        let v: Vec<S> = pc.iter().zip(&self.w_a).map(|(a, b)| a.sub(b)).collect();
        let winf: Vec<S> = c.iter().zip(&v).map(|(a, b)| a.sub(b)).collect();
        (winf, v)
    }

    /// The box `w_∞(c) + E v` (without the radius): `E` may enclose one or many `exp(sA)`.
    pub fn centre_box(&self, ball: &Ball<S>, e: &[S]) -> Vec<S> {
        let ctx = ball.rho.ctx();
        let (winf, v) = self.split(&ball.c);
        let ev = mat_vec(e, self.d, self.d, &v, &ctx);
        winf.iter().zip(&ev).map(|(a, b)| a.add(b)).collect()
    }

    /// The ball at the end of a step whose exponential is enclosed by `e`.
    pub fn advance(&self, ball: &Ball<S>, e: &[S]) -> Ball<S> {
        Ball::from_box(&self.centre_box(ball, e), &ball.rho)
    }

    /// The field `f(w) = A w + G b` over a box.
    pub fn field(&self, w: &[S]) -> Vec<S> {
        let ctx = w[0].ctx();
        let aw = mat_vec(&self.a, self.d, self.d, w, &ctx);
        aw.iter().zip(&self.gb).map(|(a, b)| a.add(b)).collect()
    }

    /// `d/dt x_iᵀw` over all states in `cb + B(rho)`.
    pub fn rate(&self, i: usize, cb: &[S], rho: &S) -> S {
        let ctx = rho.ctx();
        dot(&self.alpha[i], cb, &ctx).add(&self.beta[i]).add(&sym(&self.alpha_norm[i].mul(rho)))
    }
}

/// `x_iᵀw` over all states in `cb + B(rho)`, given `xn ≥ ‖x_i‖₂`.
pub(crate) fn guard<S: Enclosure>(x: &[S], xn: &S, cb: &[S], rho: &S) -> S {
    let ctx = rho.ctx();
    dot(x, cb, &ctx).add(&sym(&xn.mul(rho)))
}

/// The box `cb ± rho`.
pub(crate) fn inflate_box<S: Enclosure>(cb: &[S], rho: &S) -> Vec<S> {
    let r = sym(rho);
    cb.iter().map(|v| v.add(&r)).collect()
}

/// Componentwise hull of two boxes.
pub(crate) fn hull_box<S: Enclosure>(a: &[S], b: &[S]) -> Vec<S> {
    a.iter().zip(b).map(|(x, y)| x.hull(y)).collect()
}
