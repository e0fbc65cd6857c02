//! The state representation of the certified solver: a centre point plus a Euclidean ball
//! (see `proofs-notes/neuron-closed-form.md`, "No wrapping").
//!
//! The exact state lies in `c + B(ρ)`. Inside a pattern the flow map over a time `s ≥ 0` is the
//! affine map `F_s(w) = w_∞(w) + E(s)(w − w_∞(w))` whose linear part is `E(s) = exp(−sGM)`, of
//! 2-norm at most 1, so `F_s(c + B(ρ)) ⊆ F_s(c) + B(ρ)`: only the rounding error of evaluating
//! `F_s(c)` is added to the radius.

use super::frame::CBall;
use super::gram::{DataGram, GramPiece};
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

/// A pattern's data entered into the backend (outward for enclosures): the operator on the
/// active span in the basis `q̂_k` (`gram/`), so that nothing is `d × d`.
#[derive(Clone, Debug)]
pub(crate) struct PieceS<S: Enclosure> {
    pub d: usize,
    /// The dimension `r` of the active span.
    pub r: usize,
    /// Enclosures of the basis rows `q̂_k`.
    q: Vec<Vec<S>>,
    /// `1/D_k`.
    dinv: Vec<S>,
    /// `−N` (`r × r`): `exp(−sK)Q̂ᵀ = Q̂ᵀexp(s·(−N))`.
    pub a: Vec<S>,
    /// `ω` with `w_A = Q̂ᵀω`.
    omega: Vec<S>,
    /// Upper bounds of `√(I − P)_jj`, the norms of the rows of `I − P`.
    ker_row: Vec<S>,
    /// `(w_A)_j` where `e_j ∈ V` (row `j` of `I − P` vanishes), exactly; `None` elsewhere.
    span_wa: Vec<Option<S>>,
    /// Upper bound of `‖N‖_∞` as f64.
    pub norm: f64,
    /// Per point `DND⁻¹Q̂x_i`: the rate of guard `i` is `−(DND⁻¹Q̂x_i)ᵀζ(w)` (`gram/piece.rs`).
    rate_row: Vec<Vec<S>>,
    /// Upper bounds of `‖α_i‖₂`.
    pub alpha_norm: Vec<S>,
    /// Per point `Q̂x_i`.
    xq: Vec<Vec<S>>,
    /// `D` and upper bounds of `D_k^{−1/2}`.
    dq: Vec<S>,
    rdinv: Vec<S>,
    ctx: S::Ctx,
}

impl<S: Enclosure> PieceS<S> {
    pub fn new(pc: &GramPiece, dg: &DataGram<'_>, ctx: &S::Ctx) -> PieceS<S> {
        let conv = |v: &[Rational]| v.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<S>>();
        let g = &pc.g;
        let q = g.rows_enclosure::<S>(dg, ctx);
        let dinv: Vec<S> = g.dq.iter().map(|dk| S::from_rational(&Rational::from(dk.recip_ref()), ctx)).collect();
        let mut span_wa = vec![None; g.d];
        for (j, k) in g.axes() {
            span_wa[j] = Some(S::from_rational(&g.omega[k], ctx));
        }
        PieceS {
            d: g.d,
            r: g.rank(),
            ker_row: ker_rows(&q, &dinv, g.d, ctx),
            q,
            dinv,
            a: g.n.iter().map(|v| S::from_rational(&Rational::from(-v), ctx)).collect(),
            omega: conv(&g.omega),
            span_wa,
            norm: S::from_rational(&g.norm_inf(), ctx).upper_f64(),
            rate_row: pc.rate_row.iter().map(|a| conv(a)).collect(),
            alpha_norm: pc.alpha_sq.iter().map(|a| S::from_rational(a, ctx).sqrt().hi_point()).collect(),
            xq: g.xq.iter().map(|v| conv(v)).collect(),
            dq: conv(&g.dq),
            rdinv: g
                .dq
                .iter()
                .map(|dk| S::from_rational(&Rational::from(dk.recip_ref()), ctx).sqrt().hi_point())
                .collect(),
            ctx: ctx.clone(),
        }
    }

    /// `D⁻¹Q̂w − ω`: the coordinates of the decaying part `Pw − w_A` (valid for every `w` in a box).
    pub fn decaying(&self, w: &[S]) -> Vec<S> {
        self.q
            .iter()
            .zip(&self.dinv)
            .zip(&self.omega)
            .map(|((qk, di), om)| dot(qk, w, &self.ctx).mul(di).sub(om))
            .collect()
    }

    /// `Q̂ᵀz`.
    pub fn lift(&self, z: &[S]) -> Vec<S> {
        let mut w = vec![S::zero(&self.ctx); self.d];
        for (zk, qk) in z.iter().zip(&self.q) {
            w.iter_mut().zip(qk).for_each(|(a, b)| a.add_mul_assign(zk, b));
        }
        w
    }

    /// `(I − P)W + w_A` over the box `W = m + δ`: the narrower, per coordinate, of the interval
    /// evaluation `W − Q̂ᵀ(D⁻¹Q̂W − ω)` and `(I − P)m + w_A ± ‖row_j(I − P)‖₂‖δ‖₂` (Cauchy–Schwarz);
    /// exactly `(w_A)_j` where row `j` of `I − P` vanishes.
    pub fn conserved(&self, w: &[S]) -> Vec<S> {
        let plain = self.split(w).0;
        let m: Vec<S> = w.iter().map(|v| v.mid()).collect();
        let r: Vec<S> = w.iter().zip(&m).map(|(v, c)| v.sub(c).abs().hi_point()).collect();
        let rn = norm_sq(&r, &self.ctx).sqrt().hi_point();
        let at_mid = self.split(&m).0;
        plain
            .into_iter()
            .zip(at_mid)
            .zip(self.ker_row.iter().zip(&self.span_wa))
            .map(|((p, c), (k, wa))| {
                if let Some(wa) = wa {
                    return wa.clone(); // row j of I − P is 0: the coordinate is w_A's, exactly
                }
                let b = c.add(&sym(&k.mul(&rn)));
                if b.width_upper() < p.width_upper() { b } else { p }
            })
            .collect()
    }

    /// `(w_∞(c), v)` with `v = P c − w_A` and `w_∞(c) = c − v` (the limit of the pattern's flow from
    /// `c`, and the part of `c − w_∞` that decays).
    pub fn split(&self, c: &[S]) -> (Vec<S>, Vec<S>) {
        let v = self.lift(&self.decaying(c));
        let winf: Vec<S> = c.iter().zip(&v).map(|(a, b)| a.sub(b)).collect();
        (winf, v)
    }

    /// `(Q̂x_i)ᵀv`.
    pub fn xq_dot(&self, i: usize, v: &[S]) -> S {
        dot(&self.xq[i], v, &self.ctx)
    }

    /// An upper bound of `‖Q̂ᵀu‖ = (uᵀDu)^{1/2}` over a box `u` of coordinates.
    pub fn d_norm(&self, u: &[S]) -> S {
        let zero = S::zero(&self.ctx);
        let s = u.iter().zip(&self.dq).fold(zero.clone(), |s, (a, dk)| s.add(&a.sqr().mul(dk)));
        s.max(&zero).sqrt().hi_point()
    }

    /// The ball `w_∞ + Q̂ᵀ(mid U) + B(ρ + ‖Q̂ᵀ(U − mid U)‖)` holding `w_∞ + Q̂ᵀU + B(ρ)`.
    pub fn cball(&self, u: &[S], rho: &S) -> CBall<S> {
        let v: Vec<S> = u.iter().map(|a| a.mid()).collect();
        let rad: Vec<S> = u.iter().zip(&v).map(|(a, m)| a.sub(m).abs().hi_point()).collect();
        if cfg!(feature = "fault-drop-remainder") {
            // Testing only (`.ci/fault-check`): the enclosure's width is not carried into ρ.
            return CBall { rho: rho.clone(), v };
        }
        CBall { rho: self.d_norm(&rad).add(rho).hi_point(), v }
    }

    /// `E v` for an `r × r` enclosure `E` (one or many `exp(−sN)`).
    pub fn step_coords(&self, e: &[S], v: &[S]) -> Vec<S> {
        mat_vec(e, self.r, self.r, v, &self.ctx)
    }

    /// The ball after a step whose exponential is enclosed by `e`.
    pub fn advance_c(&self, b: &CBall<S>, e: &[S]) -> CBall<S> {
        self.cball(&self.step_coords(e, &b.v), &b.rho)
    }

    /// `ζ(w)` over `w_∞ + Q̂ᵀU + B(ρ)`: `U ± ρ D_k^{−1/2}` (`|(D⁻¹Q̂δ)_k| ≤ ‖δ‖/√D_k`).
    pub fn zeta_hull(&self, u: &[S], rho: &S) -> Vec<S> {
        u.iter().zip(&self.rdinv).map(|(a, k)| a.add(&sym(&k.mul(rho)))).collect()
    }

    /// `(−N)z`: the coordinates of the field at decaying coordinates `z`.
    pub fn field_z(&self, z: &[S]) -> Vec<S> {
        mat_vec(&self.a, self.r, self.r, z, &self.ctx)
    }

    /// The field `f(w) = −K(w − w_A) = Q̂ᵀ(−N)(D⁻¹Q̂w − ω)` over a box.
    pub fn field(&self, w: &[S]) -> Vec<S> {
        self.lift(&mat_vec(&self.a, self.r, self.r, &self.decaying(w), &self.ctx))
    }

    /// `d/dt x_iᵀw` over all states in `cb + B(rho)`.
    pub fn rate(&self, i: usize, cb: &[S], rho: &S) -> S {
        self.rate_z(i, &self.decaying(cb), rho)
    }

    /// `d/dt x_iᵀw` over all states in `cb + B(rho)`, given `z ⊇ ζ(cb)`.
    pub fn rate_z(&self, i: usize, z: &[S], rho: &S) -> S {
        dot(&self.rate_row[i], z, &self.ctx).neg().add(&sym(&self.alpha_norm[i].mul(rho)))
    }

    /// `α_iᵀQ̂ᵀy = −(DND⁻¹Q̂x_i)ᵀy` (`α_iᵀ` of a vector given by its coordinates).
    pub fn alpha_dot(&self, i: usize, y: &[S]) -> S {
        dot(&self.rate_row[i], y, &self.ctx).neg()
    }
}

/// Upper bounds of `√(I − P)_jj = √(1 − Σ_k q̂_k[j]²/D_k)`, evaluated over the enclosures.
fn ker_rows<S: Enclosure>(q: &[Vec<S>], dinv: &[S], d: usize, ctx: &S::Ctx) -> Vec<S> {
    let mut p = vec![S::zero(ctx); d];
    for (qk, di) in q.iter().zip(dinv) {
        p.iter_mut().zip(qk).for_each(|(a, v)| a.add_mul_assign(&v.sqr(), di));
    }
    let (one, zero) = (S::one(ctx), S::zero(ctx));
    p.iter().map(|v| one.sub(v).max(&zero).sqrt().hi_point()).collect()
}

/// Componentwise hull of two boxes.
pub(crate) fn hull_box<S: Enclosure>(a: &[S], b: &[S]) -> Vec<S> {
    a.iter().zip(b).map(|(x, y)| x.hull(y)).collect()
}
