//! Lohner's QR method with per-neuron scaling: the set `{c + D·B·r : r ∈ R}` with a point centre
//! `c`, `D = diag(2^{e})` (one exponent per neuron block), an f64 matrix `B` with nearly
//! orthonormal columns, and an interval vector `R`.
//!
//! Proofs note: `proofs-notes/net-validated-wrapping.md` (part B: the step, the rigorous inverse
//! of the floating-point `Q`).

mod jacobian;
mod qr;
mod step;

pub(crate) use jacobian::scale_pow2;
pub(crate) use step::{Source, image, lohner_step, reorthogonalise};

use super::Net;
use super::bulk::{from_midrad_vec, identity_defect_ru, to_midrad_vec, transpose};
use super::precise::{round_into, widened_sum};
use super::series::{Series, live_coords};
use super::taylor::{block_exponents, end_rem, poly_at};
use crate::trajectory::Pattern;
use reluflow_arith::midrad::{MidRadMat, point_product_cs};
use reluflow_arith::{Enclosure, MpInterval};

/// A Lohner set `{c + D B r : r ∈ R}` over the coordinates `idx` (the live coordinates of the
/// pattern it was made for; the other, frozen, coordinates are constant and carried as a box by
/// the caller).
#[derive(Clone, Debug)]
pub(crate) struct LohnerSet<S> {
    /// Centre (degenerate intervals), all `N` coordinates (outside `idx`: a point of the box).
    pub c: Vec<S>,
    /// Scale exponents `D = diag(2^{e})`, all `N` coordinates.
    pub e: Vec<i32>,
    /// The coordinates the set describes (increasing).
    pub idx: Vec<usize>,
    /// `|idx| × |R|` row-major basis.
    pub b: Vec<f64>,
    /// Coefficient box.
    pub r: Vec<S>,
    /// Wrapping indicator of the step that produced the set (0 for a box): the largest width that
    /// the radius of `QᵀÂ` adds to `R'`, relative to the largest width carried by its midpoint
    /// (`max_i Σ_j rad(QᵀÂ)_ij |R_j| / max_i Σ_j |mid(QᵀÂ)_ij| rad(R_j)`). Large values mean the
    /// interval Jacobian over the step is too wide (steps too long); used only for step control.
    pub wrap: f64,
}

/// The basis goes back to the thread's pool of large buffers (`reluflow_arith::buffers`).
impl<S> Drop for LohnerSet<S> {
    fn drop(&mut self) {
        reluflow_arith::buffers::recycle(std::mem::take(&mut self.b));
    }
}

impl<S: Enclosure> LohnerSet<S> {
    /// The set of a box: `c = mid(x)`, `B = I`, `R = D⁻¹(x − c)`.
    pub fn from_box(net: &Net<S>, x: &[S]) -> LohnerSet<S> {
        let nn = x.len();
        let c: Vec<S> = x.iter().map(|v| v.mid()).collect();
        let e = block_exponents(net, &c);
        let r = x.iter().zip(&c).zip(&e).map(|((v, cv), &ec)| v.sub(cv).mul_2si(-ec)).collect();
        let mut b = vec![0.0; nn * nn];
        for k in 0..nn {
            b[k * nn + k] = 1.0;
        }
        LohnerSet { c, e, idx: (0..nn).collect(), b, r, wrap: 0.0 }
    }

    /// The interval hull `c + D (B R)` of the coordinates `idx` (in that order; the product `B R`
    /// in midpoint–radius form).
    pub fn hull(&self) -> Vec<S> {
        let nl = self.idx.len();
        let ctx = self.c[0].ctx();
        let br = MidRadMat::from_points(nl, self.r.len(), &self.b).mat_vec(&to_midrad_vec(&self.r));
        let br: Vec<S> = from_midrad_vec(&br, &ctx);
        self.idx.iter().zip(&br).map(|(&a, v)| self.c[a].add(&v.mul_2si(self.e[a]))).collect()
    }
}

/// The image of the centre `z = T_p(c; h) + rem·h^{p+1} + tail (+ extra)` on every coordinate,
/// where the tail `Σ_{q<k≤p} (x_k(X̂) − x_k(c)) h^k` and `extra` (an additive enclosure, e.g. the
/// saltation term) cover the live coordinates. The small terms are summed on their own and added
/// once: added term by term to `z` (the size of the state) every addition cost an ulp of the
/// state. With a wide centre (`precise.rs`) that last sum runs in MPFR and is rounded once; the
/// unrounded sum is returned too, for the direct enclosure.
fn centre_image<S: Enclosure>(
    live: &[usize],
    step: &Step<'_, S>,
    q: usize,
    p: usize,
    extra: Option<&[S]>,
    ctx: &S::Ctx,
) -> (Vec<S>, Option<Vec<MpInterval>>) {
    let Step { ser_c, ser_x, rem, h, centre } = *step;
    let mut hk = S::one(ctx);
    for _ in 0..q {
        hk = hk.mul(h);
    }
    let mut small = vec![S::zero(ctx); ser_c.x[0].len()];
    for k in q + 1..=p {
        hk = hk.mul(h);
        for &l in live {
            small[l].add_mul_assign(&ser_x.x[k][l].sub(&ser_c.x[k][l]), &hk);
        }
    }
    if let Some(extra) = extra {
        for &l in live {
            small[l] = small[l].add(&extra[l]);
        }
    }
    match centre {
        Some(zc) => {
            let hp = hk.mul(h);
            let wide: Vec<MpInterval> =
                (0..zc.len()).map(|l| widened_sum(&zc[l], &[&small[l], &rem[l].mul(&hp)])).collect();
            (wide.iter().map(|w| round_into(w, ctx)).collect(), Some(wide))
        }
        None => {
            let mut z = poly_at(&ser_c.x, end_rem(rem), h);
            if q < p || extra.is_some() {
                for &l in live {
                    z[l] = z[l].add(&small[l]);
                }
            }
            (z, None)
        }
    }
}

/// An upper bound of `‖I − QᵀQ‖_∞` from one point product with a Cauchy–Schwarz radius (rigorous;
/// the columns of `Q` have norm about 1, so the radius is `γ_{2n}` per entry, as with `|Q|ᵀ|Q|`).
fn orthogonality_defect_ru(q: &[f64], n: usize) -> f64 {
    let qt = transpose(q, n);
    let (mid, rad) = point_product_cs(&qt, q, n, n, n);
    reluflow_arith::buffers::recycle(qt);
    identity_defect_ru(&MidRadMat::new(n, n, mid, rad))
}

/// The smallest Jacobian order `q ∈ [2, q_max]` (at most `p`) for which the tail box
/// `Σ_{q<k≤p} (x_k(X̂) − x_k(c)) h^k` of [`lohner_step`] is, in every live coordinate `c` of
/// `pattern`, at most `1e-6` of the width of `X̂_c` (an f64 estimate: the choice only trades speed
/// for width, every order gives an enclosure).
#[allow(clippy::too_many_arguments)]
pub(crate) fn choose_jac_order<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_c: &Series<S>,
    ser_x: &Series<S>,
    xhat: &[S],
    h: f64,
    q_max: usize,
) -> usize {
    let p = ser_x.x.len() - 1;
    let q_max = q_max.min(p).max(2);
    let live = live_coords(net, pattern);
    let allowed: Vec<f64> = live.iter().map(|&c| 1e-6 * xhat[c].width_upper()).collect();
    let mut tail = vec![0.0; live.len()];
    let mut q = p;
    let mut hk = h.powi(p as i32);
    while q > 2 {
        let mut ok = true;
        for ((t, a), &c) in tail.iter_mut().zip(&allowed).zip(&live) {
            *t += ser_x.x[q][c].sub(&ser_c.x[q][c]).abs().upper_f64() * hk;
            ok &= *t <= *a;
        }
        if !ok {
            break;
        }
        q -= 1;
        hk /= h;
    }
    q.min(q_max)
}

/// The Taylor data of one step of length `h` (an interval containing the exact step length):
/// values `ser_c` at the centre, values (order `p`) and Jacobians (order `q ≤ p`, with respect to
/// the live coordinates) `ser_x` over the hull, the remainder factor `rem` (order `p+1`
/// coefficient over an a priori enclosure for `[0, ≥ h]`), and, when given, a tighter enclosure
/// `centre` of the centre's polynomial `Σ_{k≤p} x_k(c)h^k` (`precise.rs`).
#[derive(Clone, Copy)]
pub(crate) struct Step<'a, S> {
    pub ser_c: &'a Series<S>,
    pub ser_x: &'a Series<S>,
    pub rem: &'a [S],
    pub h: &'a S,
    pub centre: Option<&'a [MpInterval]>,
}

#[cfg(test)]
mod tests;
