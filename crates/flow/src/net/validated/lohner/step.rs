//! One Lohner step in two halves: the [`image`] of a set under the step's Taylor map, a linear
//! set `{c' + D'(Â r + u) : r ∈ R}` with an interval matrix `Â` and an interval offset `u`, and
//! its [`reorthogonalise`]d form, a new [`LohnerSet`]. A step may also start from an image
//! (composing two Taylor maps without the QR between them, as the step through a switch does).
//!
//! Proofs note: `proofs-notes/net-validated-wrapping.md` (part B: the step, the rigorous inverse
//! of the floating-point `Q`; "Composed steps").

use super::jacobian::applied_jacobian;
use super::qr::householder_q;
use super::{LohnerSet, Step, centre_image, orthogonality_defect_ru};
use crate::net::validated::bulk::{floor_radii, from_midrad_1, from_midrad_vec, to_midrad_1, to_midrad_vec, transpose};
use crate::net::validated::precise::round_sum;
use crate::net::validated::series::live_coords;
use crate::net::validated::taylor::{block_exponents, maxabs, sym};
use crate::net::validated::{Net, StepFail};
use crate::trajectory::Pattern;
use reluflow_arith::midrad::MidRadMat;
use reluflow_arith::rounding::{f64_down, f64_up};
use reluflow_arith::{Enclosure, buffers, meet};

/// The image of a set under one step, before its basis is re-orthogonalised: the states
/// `{c + D (A r + u) : r ∈ R}`, `D = diag(2^{e})`, on the coordinates `idx`, with an interval matrix
/// `A` (`|idx| × |R|`) and an interval offset `u`; `direct` is a box enclosure of the end state
/// (all coordinates: outside `idx` the frozen box).
#[derive(Clone, Debug)]
pub(crate) struct Image<S> {
    /// Centre (points), all `N` coordinates.
    pub c: Vec<S>,
    pub e: Vec<i32>,
    pub idx: Vec<usize>,
    a: MidRadMat,
    u: Vec<S>,
    r: Vec<S>,
    /// Box enclosure of the end state: `c + D(A R + u)` on `idx`, the frozen box elsewhere.
    pub direct: Vec<S>,
}

/// Where a step starts: a Lohner set, or the image of another step.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a, S> {
    Set(&'a LohnerSet<S>),
    Image(&'a Image<S>),
}

impl<S: Enclosure> Source<'_, S> {
    fn e(&self) -> &[i32] {
        match self {
            Source::Set(s) => &s.e,
            Source::Image(i) => &i.e,
        }
    }
    fn idx(&self) -> &[usize] {
        match self {
            Source::Set(s) => &s.idx,
            Source::Image(i) => &i.idx,
        }
    }
    fn r(&self) -> &[S] {
        match self {
            Source::Set(s) => &s.r,
            Source::Image(i) => &i.r,
        }
    }
    /// The basis rows `rows` (midpoint–radius), with the offset `u` as one more column for an
    /// image: the set is `c + D [A | u] (r, 1)`.
    fn basis(&self, rows: &[usize]) -> MidRadMat {
        let nc = self.r().len();
        match self {
            Source::Set(s) => {
                let mut bl = buffers::with_capacity(rows.len() * nc);
                for &r in rows {
                    bl.extend_from_slice(&s.b[r * nc..(r + 1) * nc]);
                }
                MidRadMat::new(rows.len(), nc, bl, buffers::zeros(rows.len() * nc))
            }
            Source::Image(i) => {
                let (mut m, mut rad) =
                    (buffers::with_capacity(rows.len() * (nc + 1)), buffers::with_capacity(rows.len() * (nc + 1)));
                for &r in rows {
                    m.extend_from_slice(&i.a.mid()[r * nc..(r + 1) * nc]);
                    rad.extend_from_slice(&i.a.rad()[r * nc..(r + 1) * nc]);
                    let (um, ur) = to_midrad_1(&i.u[r]);
                    m.push(um);
                    rad.push(ur);
                }
                MidRadMat::new(rows.len(), nc + 1, m, rad)
            }
        }
    }
}

/// The image of `src` under the step `step` of the flow of `pattern` (plus `extra`, an interval
/// vector added to every image, if given); the frozen coordinates of `pattern` are constant, their
/// end enclosure taken from `frozen_box`. [`StepFail::Method`] if values are not finite or a live
/// coordinate is missing from the source.
///
/// Mean-value form about the source's centre `c`: `φ(ξ) ∈ φ(c) + 𝐉 (ξ − c)` with `𝐉` the Jacobian
/// of the Taylor map over the hull `X̂` (order `q`; the tail `Σ_{q<k≤p} (x_k(X̂) − x_k(c)) h^k` goes
/// into the centre's enclosure `z`), and `ξ − c = D [A | u] (r, 1)`; so the image lies in
/// `z + D'(Â r + w)`, `[Â | w] = D'⁻¹ 𝐉 D [A | u]`, and with the new centre `c' = mid z`,
/// `u' = D'⁻¹(z − c') + w` (`proofs-notes/net-validated-wrapping.md`, part B and "Composed
/// steps").
pub(crate) fn image<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    src: Source<'_, S>,
    step: &Step<'_, S>,
    extra: Option<&[S]>,
    frozen_box: &[S],
) -> Result<Image<S>, StepFail> {
    let Step { ser_x, h, .. } = *step;
    let ctx = &net.ctx;
    let live = live_coords(net, pattern);
    // Rows of the source's basis for the live coordinates (a live coordinate is never outside the
    // source: coordinates only leave it when their neuron freezes, which is for good).
    let mut rows = Vec::with_capacity(live.len());
    for &l in &live {
        rows.push(src.idx().binary_search(&l).map_err(|_| StepFail::Method)?);
    }
    let (q, p) = (ser_x.jac.len() - 1, ser_x.x.len() - 1);
    let (z, z_wide) = centre_image(&live, step, q, p, extra, ctx);
    let mut c_new: Vec<S> = frozen_box.iter().map(|v| v.mid()).collect();
    for &l in &live {
        c_new[l] = z[l].mid();
    }
    let e_new = block_exponents(net, &c_new);
    let ncols = src.r().len();
    let full = floor_radii(applied_jacobian(net, pattern, ser_x, &live, &src.basis(&rows), h, src.e(), &e_new));
    if full.mid().iter().chain(full.rad()).any(|x| !x.is_finite()) {
        return Err(StepFail::Method);
    }
    let (ahat, w) = split_offset(full, ncols, ctx);
    let ar: Vec<S> = from_midrad_vec(&ahat.mat_vec(&to_midrad_vec(src.r())), ctx);
    let mut u: Vec<S> = live.iter().map(|&a| z[a].sub(&c_new[a]).mul_2si(-e_new[a])).collect();
    let mut direct = frozen_box.to_vec();
    for (i, &a) in live.iter().enumerate() {
        let moved = match &w {
            Some(w) => {
                u[i] = u[i].add(&w[i]);
                ar[i].add(&w[i])
            }
            None => ar[i].clone(),
        };
        direct[a] = match &z_wide {
            Some(zw) => round_sum(&zw[a], &[&moved.mul_2si(e_new[a])], ctx),
            None => z[a].add(&moved.mul_2si(e_new[a])),
        };
    }
    Ok(Image { c: c_new, e: e_new, idx: live, a: ahat, u, r: src.r().to_vec(), direct })
}

/// `[Â | w]` split into `Â` (the first `ncols` columns) and, when there is one more column, `w`
/// as backend enclosures.
fn split_offset<S: Enclosure>(full: MidRadMat, ncols: usize, ctx: &S::Ctx) -> (MidRadMat, Option<Vec<S>>) {
    let c = full.cols();
    if c == ncols {
        return (full, None);
    }
    let rows = full.rows();
    let (mut m, mut r, mut w) =
        (buffers::with_capacity(rows * ncols), buffers::with_capacity(rows * ncols), Vec::with_capacity(rows));
    for i in 0..rows {
        m.extend_from_slice(&full.mid()[i * c..i * c + ncols]);
        r.extend_from_slice(&full.rad()[i * c..i * c + ncols]);
        w.push(from_midrad_1(full.mid()[i * c + ncols], full.rad()[i * c + ncols], ctx));
    }
    (MidRadMat::new(rows, ncols, m, r), Some(w))
}

/// The Lohner set of an image: `Q` from the QR factorisation of `mid Â` (columns in Lohner's
/// order), `R' = Q⁻¹ Â R + Q⁻¹ u` with the rigorous inverse of the floating-point `Q`, and the end
/// box: the new set's hull met with the image's direct enclosure. [`StepFail::Method`] if the
/// basis could not be inverted rigorously or values are not finite, [`StepFail::Inconsistent`] if
/// the two enclosures do not meet.
pub(crate) fn reorthogonalise<S: Enclosure>(net: &Net<S>, img: Image<S>) -> Result<(LohnerSet<S>, Vec<S>), StepFail> {
    let ctx = &net.ctx;
    let Image { c, e, idx, a: ahat, u: v, r, direct } = img;
    let (nl, ncols) = (idx.len(), r.len());
    let rv = to_midrad_vec(&r);
    let amid = ahat.mid();
    // Columns sorted by decreasing ‖Â_col‖ · rad(R_col) (Lohner's ordering).
    let mut perm: Vec<usize> = (0..ncols).collect();
    let mut cn = vec![0.0; ncols];
    for a in 0..nl {
        for (b, c) in cn.iter_mut().enumerate() {
            *c += amid[a * ncols + b] * amid[a * ncols + b];
        }
    }
    let key: Vec<f64> = (0..ncols).map(|b| cn[b].sqrt() * r[b].rad_upper()).collect();
    // Ties (e.g. columns of zero width) by decreasing column norm, so that the columns of frozen
    // coordinates (zero in Â) come last and every live column takes part in the QR.
    let desc = |u: f64, v: f64| v.partial_cmp(&u).unwrap_or(std::cmp::Ordering::Equal);
    perm.sort_by(|&x, &y| desc(key[x], key[y]).then(desc(cn[x], cn[y])));
    let q = householder_q(amid, nl, ncols, &perm);
    let eps = orthogonality_defect_ru(&q, nl);
    if eps.is_nan() || eps >= 0.5 {
        return Err(StepFail::Method);
    }
    let factor = f64_up(eps / f64_down(1.0 - eps));
    // y = (QᵀÂ) R + Qᵀ v, then R' = y + [−δ, δ], δ = ε/(1−ε) ‖y‖_∞.
    let qt = MidRadMat::new(nl, nl, transpose(&q, nl), buffers::zeros(nl * nl));
    let qta = qt.mat_mul(&ahat);
    drop(ahat);
    let y1: Vec<S> = from_midrad_vec(&qta.mat_vec(&rv), ctx);
    let (mut rad_part, mut mid_part) = (0.0f64, 0.0f64);
    for i in 0..nl {
        let (mut a, mut b) = (0.0, 0.0);
        for j in 0..ncols {
            let (m, rr) = (qta.mid()[i * ncols + j], qta.rad()[i * ncols + j]);
            a += rr * (rv.mid()[j].abs() + rv.rad()[j]);
            b += m.abs() * rv.rad()[j];
        }
        rad_part = rad_part.max(a);
        mid_part = mid_part.max(b);
    }
    let wrap = if mid_part > 0.0 { rad_part / mid_part } else { 0.0 };
    let y2: Vec<S> = from_midrad_vec(&qt.mat_vec(&to_midrad_vec(&v)), ctx);
    let y: Vec<S> = y1.iter().zip(&y2).map(|(a, b)| a.add(b)).collect();
    let delta = maxabs(&y, ctx).hi_point().mul(&S::from_f64(factor, ctx));
    let r_new: Vec<S> = y.iter().map(|yv| yv.add(&sym(&delta))).collect();
    let set_new = LohnerSet { c, e, idx, b: q, r: r_new, wrap };
    let via_set = set_new.hull();
    let mut end = direct;
    for (&a, vs) in set_new.idx.iter().zip(&via_set) {
        end[a] = meet("net: Lohner end via the set ∩ direct", vs, &end[a])?;
    }
    if end.iter().any(|x| !x.is_finite()) {
        return Err(StepFail::Method);
    }
    Ok((set_new, end))
}

/// One Lohner step (`step`) of the flow of `pattern` from `set`: its [`image`], re-orthogonalised.
/// `extra`, if given, is an interval vector added to every image (the set is then
/// `φ_h(𝒳) + extra`). The frozen coordinates of `pattern` are constant: their end enclosure is
/// taken from `frozen_box` (which must enclose them), and the new set covers the live coordinates
/// only. Returns the new set and a box enclosure of the end state (all coordinates).
pub(crate) fn lohner_step<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    set: &LohnerSet<S>,
    step: &Step<'_, S>,
    extra: Option<&[S]>,
    frozen_box: &[S],
) -> Result<(LohnerSet<S>, Vec<S>), StepFail> {
    reorthogonalise(net, image(net, pattern, Source::Set(set), step, extra, frozen_box)?)
}
