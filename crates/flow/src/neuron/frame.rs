//! The state inside one pattern in the coordinates of its active span
//! (`proofs-notes/neuron-gram-space.md`, "Coordinates of a pattern"), so that a step costs
//! `O(n r)` and only the reported hulls are formed in `d` coordinates.
//!
//! A pattern starts from the ball `c₀ + B(ρ₀)`. Its flow keeps `(I − P)w` and moves `w` inside
//! `c₀ + V`, so with `w_∞ = c₀ − Q̂ᵀζ(c₀)` (the pattern's limit from `c₀`, `ζ(w) = D⁻¹Q̂w − ω`)
//! every point `w_∞ + Q̂ᵀv` has decaying coordinates `ζ = v`, and the flow acts on `v` as
//! `v ↦ exp(−sN)v`. A [`CBall`] `(v, ρ)` stands for the ball `w_∞ + Q̂ᵀv + B(ρ)` with `v` a point
//! and `w_∞` the exact (enclosed) limit from `c₀`; distances are `‖Q̂ᵀu‖ = (uᵀDu)^{1/2}`.

use super::ball::{Ball, PieceS, sym};
use super::run::Points;
use reluflow_arith::Enclosure;
use reluflow_arith::linalg::dot;

/// The ball `w_∞ + Q̂ᵀv + B(ρ)`, `v` a point in the coordinates of the active span.
#[derive(Clone, Debug)]
pub(crate) struct CBall<S> {
    pub v: Vec<S>,
    pub rho: S,
}

/// What a pattern's coordinates refer to: `w_∞` and the guards there.
#[derive(Clone, Debug)]
pub(crate) struct Frame<S> {
    /// An enclosure of `w_∞ = c₀ − Q̂ᵀζ(c₀)`.
    pub winf: Vec<S>,
    /// Per point, an enclosure of `x_iᵀw_∞ = x_iᵀc₀ − (Q̂x_i)ᵀζ(c₀)`.
    pub xw: Vec<S>,
}

impl<S: Enclosure> Frame<S> {
    /// The frame of a pattern starting from `ball`, and that ball in its coordinates: `c₀` is
    /// `w_∞ + Q̂ᵀζ(c₀)` exactly, and `ζ(c₀)` lies in its enclosure `Z`, so `c₀ + B(ρ₀)` lies in the
    /// ball around `mid Z` of radius `ρ₀ + ‖Q̂ᵀ(Z − mid Z)‖`.
    pub fn new(ps: &PieceS<S>, pts: &Points<S>, ball: &Ball<S>) -> (Frame<S>, CBall<S>) {
        let ctx = ball.rho.ctx();
        let z = ps.decaying(&ball.c);
        let winf: Vec<S> = ball.c.iter().zip(ps.lift(&z)).map(|(c, v)| c.sub(&v)).collect();
        let xw = (0..pts.x.len()).map(|i| dot(&pts.x[i], &ball.c, &ctx).sub(&ps.xq_dot(i, &z))).collect();
        (Frame { winf, xw }, ps.cball(&z, &ball.rho))
    }

    /// The box `w_∞ + Q̂ᵀV ± ρ` in `d` coordinates, for a box `V` of coordinates.
    pub fn world(&self, ps: &PieceS<S>, v: &[S], rho: &S) -> Vec<S> {
        let r = sym(rho);
        self.winf.iter().zip(ps.lift(v)).map(|(w, u)| w.add(&u).add(&r)).collect()
    }

    /// `x_iᵀw` over `w_∞ + Q̂ᵀV + B(ρ)`, given `xn ≥ ‖x_i‖₂`.
    pub fn guard(&self, ps: &PieceS<S>, i: usize, v: &[S], xn: &S, rho: &S) -> S {
        self.xw[i].add(&ps.xq_dot(i, v)).add(&sym(&xn.mul(rho)))
    }

    /// `x_iᵀw` over `w_∞ + B(r)`.
    pub fn guard_at_limit(&self, i: usize, xn: &S, r: &S) -> S {
        self.xw[i].add(&sym(&xn.mul(r)))
    }
}
