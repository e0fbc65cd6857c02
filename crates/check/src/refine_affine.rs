//! Pieces of a single-neuron segment from the pattern's affine flow, so that a refined hull does
//! not inherit the width of a long first-order step (`proofs-notes/thm-gen.loss-nonincreasing.md`,
//! "Refinement").
//!
//! On a segment with active set `A` the single neuron follows `ẇ = F(w) = −G(Mw − b)` with
//! `M = Σ_{i∈A} x_i x_iᵀ ⪰ 0`, `b = Σ_{i∈A} y_i x_i`, `G > 0`. For a piece starting at `s` with
//! `θ(s) ∈ W`, take the point `c = mid W` and `φ` the solution of the same affine ODE from `c`:
//! `θ − φ` solves `u̇ = −GMu`, so `‖θ(t) − φ(t)‖₂ ≤ ‖θ(s) − c‖₂ ≤ r` (the ‖·‖₂-radius of `W`
//! around `c`). `φ` is enclosed by Taylor's formula with Lagrange remainder,
//! `φ(s + τ) ∈ Σ_{j<N} τʲ/j! vⱼ + τᴺ/N! (−GM)^{N−1} F(P)` (`v₀ = c`, `v₁ = F(c)`,
//! `vⱼ₊₁ = −GM vⱼ`), where `P ∋ φ` on the piece: a priori the segment hull widened by `r`
//! (`φ = θ + (φ − θ)`), tightened by `P ← (c + [0, h]F(P)) ∩ P`.

use crate::inst::Inst;
use reluflow_arith::{Enclosure, Inconsistency, linalg, meet_all};
use reluflow_flow::{Segment, State};

/// Taylor terms of the point flow; the remainder carries `(h‖GM‖)ᴺ/N!`.
const ORDER: usize = 16;
/// Tightening passes of the point flow's hull (each contracts the excess width by `≤ ½`).
const PASSES: usize = 12;
/// Most sub-steps of one piece (beyond it the hull iteration may not contract: still sound).
const MAX_SUBSTEPS: i64 = 256;

/// The affine field `F(w) = −G(Mw − b)` of one single-neuron pattern.
pub(crate) struct Affine<S> {
    d: usize,
    /// `−GM`, row-major `d × d`.
    neg_gm: Vec<S>,
    /// `Gb`.
    gb: Vec<S>,
}

impl<S: Enclosure> Affine<S> {
    /// The field of `seg`'s pattern when the trajectory is a single neuron's; else `None`.
    pub(crate) fn of(inst: &Inst<S>, seg: &Segment<S>) -> Option<Affine<S>> {
        if seg.hull().a.is_some() || seg.hull().w.len() != 1 || seg.pattern().frozen.first().copied().unwrap_or(false) {
            return None;
        }
        let d = seg.hull().w[0].len();
        let mut neg_gm = vec![S::zero(&inst.ctx); d * d];
        let mut gb = vec![S::zero(&inst.ctx); d];
        for &i in seg.pattern().active.first()? {
            let x = &inst.x[i];
            let gx: Vec<S> = x.iter().map(|v| inst.g.mul(v)).collect();
            for r in 0..d {
                gb[r].add_mul_assign(&inst.y[i], &gx[r]);
                for c in 0..d {
                    neg_gm[r * d + c] = neg_gm[r * d + c].sub(&gx[r].mul(&x[c]));
                }
            }
        }
        Some(Affine { d, neg_gm, gb })
    }

    fn lin(&self, v: &[S]) -> Vec<S> {
        linalg::mat_vec(&self.neg_gm, self.d, self.d, v, &v[0].ctx())
    }

    /// `F(w) = −GMw + Gb`.
    fn field(&self, w: &[S]) -> Vec<S> {
        linalg::add_vec(&self.lin(w), &self.gb)
    }

    /// `Σ_{j<N} τʲ/j! vⱼ + τᴺ/N! (−GM)^{N−1} F(P)` for a time factor `tau`.
    fn taylor(&self, c: &[S], tau: &S, fp: &[S]) -> Vec<S> {
        let ctx = tau.ctx();
        let one = S::one(&ctx);
        let (mut acc, mut v, mut rem) = (c.to_vec(), self.field(c), fp.to_vec());
        let (mut coef, mut j) = (one.clone(), S::zero(&ctx));
        for k in 1..=ORDER {
            j = j.add(&one);
            coef = coef.mul(tau).div(&j);
            if k == ORDER {
                return linalg::axpy(&coef, &rem, &acc);
            }
            acc = linalg::axpy(&coef, &v, &acc);
            v = self.lin(&v);
            rem = self.lin(&rem);
        }
        acc
    }

    /// Enclosures `(hull, end)` of `θ` on a piece of length `len` from `θ(s) ∈ w`, given `θ ∈ seg_hull`
    /// on the whole segment. The piece is cut into `m` equal sub-steps with `h‖GM‖ ≤ ½` (so the
    /// hull iteration contracts); `θ ∈ E + B(r)` is carried across them with a point-flow box `E`
    /// and a Euclidean radius `r` that grows only by the width of `E`.
    pub(crate) fn piece(&self, w: &[S], len: &S, seg_hull: &[S]) -> Result<(Vec<S>, Vec<S>), Inconsistency> {
        let ctx = len.ctx();
        let m = substeps(len.upper_f64() * self.norm_upper());
        let sub = len.div(&S::from_i64(m, &ctx));
        let span = S::zero(&ctx).hull(&sub.hi_point());
        let (mut e, mut r) = (w.to_vec(), S::zero(&ctx));
        let mut hull: Option<Vec<S>> = None;
        for _ in 0..m {
            let c: Vec<S> = e.iter().map(|x| x.mid()).collect();
            r = r.add(&linalg::norm_sq(&linalg::sub_vec(&e, &c), &ctx).sqrt()).hi_point();
            let ball = r.neg().hull(&r);
            let widen = |v: &[S]| v.iter().map(|x| x.add(&ball)).collect::<Vec<S>>();
            let mut p = widen(seg_hull);
            for _ in 0..PASSES {
                let step = linalg::axpy(&span, &self.field(&p), &c);
                p = meet_all("check: refinement, affine point-flow hull", &p, &step)?;
            }
            let wide = widen(&p);
            hull = Some(match hull {
                None => wide,
                Some(h) => h.iter().zip(&wide).map(|(a, b)| a.hull(b)).collect(),
            });
            e = self.taylor(&c, &sub, &self.field(&p));
        }
        let ball = r.neg().hull(&r);
        let end = e.iter().map(|x| x.add(&ball)).collect();
        Ok((hull.unwrap_or_else(|| seg_hull.to_vec()), end))
    }

    /// An upper bound of `‖GM‖₂` (the largest absolute row sum).
    fn norm_upper(&self) -> f64 {
        let row = |r: usize| self.neg_gm[r * self.d..(r + 1) * self.d].iter().map(|x| x.abs().upper_f64()).sum::<f64>();
        (0..self.d).map(row).fold(0.0, f64::max)
    }
}

/// Sub-steps for a piece with `h‖GM‖ ≤ theta`: enough for `≤ ½` each, at most [`MAX_SUBSTEPS`].
fn substeps(theta: f64) -> i64 {
    let m = (2.0 * theta).ceil();
    if m.is_finite() && m >= 1.0 {
        (m as i64).min(MAX_SUBSTEPS)
    } else if m.is_finite() {
        1
    } else {
        MAX_SUBSTEPS
    }
}

/// `a ∩ b` on the single block of `w`.
pub(crate) fn meet_w<S: Enclosure>(site: &'static str, st: &State<S>, w: &[S]) -> Result<State<S>, Inconsistency> {
    Ok(State { w: vec![meet_all(site, &st.w[0], w)?], a: None })
}
