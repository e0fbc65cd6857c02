//! Lohner's QR method with per-neuron scaling: the set `{c + D·B·r : r ∈ R}` with a point centre
//! `c`, `D = diag(2^{e})` (one exponent per neuron block), an f64 matrix `B` with nearly
//! orthonormal columns, and an interval vector `R`.
//!
//! Proofs note: `proofs-notes/net-validated-wrapping.md` (part B: the step, the rigorous inverse
//! of the floating-point `Q`).

mod qr;

use super::bulk::{floor_radii, from_midrad_vec, identity_defect_ru, to_midrad_mat, to_midrad_vec, transpose};
use super::precise::{round_into, round_sum, widened_sum};
use super::series::{Jac, Series, live_coords};
use super::taylor::{block_exponents, maxabs, poly_at, sym};
use super::{Net, StepFail};
use crate::trajectory::Pattern;
use qr::householder_q;
use reluflow_arith::midrad::{ETA, MidRadMat, add_ru, mul_ru, product};
use reluflow_arith::rounding::{f64_down, f64_up};
use reluflow_arith::{Enclosure, MpInterval, meet};

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
            let mut z = poly_at(&ser_c.x, Some(rem), h);
            if q < p || extra.is_some() {
                for &l in live {
                    z[l] = z[l].add(&small[l]);
                }
            }
            (z, None)
        }
    }
}

/// An upper bound of `‖I − QᵀQ‖_∞` computed with midpoint–radius products (rigorous).
fn orthogonality_defect_ru(q: &[f64], n: usize) -> f64 {
    let qt = transpose(q, n);
    identity_defect_ru(&MidRadMat::from_points(n, n, &qt).mat_mul(&MidRadMat::from_points(n, n, q)))
}

/// `D'⁻¹ (Σ_{k≤q} jac_k h^k) D` on the rows and columns `live` (`N × |L|` Jacobians, columns
/// already the live coordinates), entry `(a, b)` scaled by `2^{shift(a, L[b])}`, in midpoint–radius
/// form. Midpoint–radius Jacobians: one product of the powers `(1, h, …, h^q)` (backend
/// enclosures) with the stacked orders, then exact power-of-two scalings (radius rounded up, `η`
/// added where the scaled midpoint is subnormal). Backend Jacobians: Horner per entry in the
/// backend, scaled there (states beyond the f64 range).
fn scaled_jacobian<S: Enclosure>(
    jac: &Jac<S>,
    live: &[usize],
    h: &S,
    shift: impl Fn(usize, usize) -> i32,
) -> MidRadMat {
    let nl = live.len();
    let q = jac.len() - 1;
    match jac {
        Jac::Backend(j) => {
            let mut jm: Vec<S> = Vec::with_capacity(nl * nl);
            for &a in live {
                for (b, &lb) in live.iter().enumerate() {
                    let mut v = j[q][a * nl + b].clone();
                    for k in (0..q).rev() {
                        v = v.mul_add(h, &j[k][a * nl + b]);
                    }
                    jm.push(v.mul_2si(shift(a, lb)));
                }
            }
            to_midrad_mat(nl, nl, &jm)
        }
        Jac::MidRad(j) => power_sum(j, live, h, |a, b| shift(a, live[b])),
        Jac::Deferred(_) => unreachable!("deferred Jacobians go through `applied_jacobian`"),
    }
}

/// `Σ_{k≤q} j_k h^k` on the rows `live` (each `j_k` is `N × c`), entry `(a, b)` scaled by
/// `2^{shift(a, b)}`: one product of the powers `(1, h, …, h^q)` (backend enclosures) with the
/// stacked orders, then exact power-of-two scalings (radius rounded up, `η` added where the scaled
/// midpoint is subnormal).
fn power_sum<S: Enclosure>(j: &[MidRadMat], live: &[usize], h: &S, shift: impl Fn(usize, usize) -> i32) -> MidRadMat {
    let (nl, q, c) = (live.len(), j.len() - 1, j[0].cols());
    let mut pow = vec![S::one(&h.ctx())];
    for k in 1..=q {
        pow.push(pow[k - 1].mul(h));
    }
    let pw = to_midrad_mat(1, q + 1, &pow);
    let (mut sm, mut sr) = (Vec::with_capacity((q + 1) * nl * c), Vec::with_capacity((q + 1) * nl * c));
    for jk in j {
        for &a in live {
            sm.extend_from_slice(&jk.mid()[a * c..(a + 1) * c]);
            sr.extend_from_slice(&jk.rad()[a * c..(a + 1) * c]);
        }
    }
    let (mut m, mut r) = product(pw.mid(), pw.rad(), &sm, &sr, 1, q + 1, nl * c);
    for (ai, &a) in live.iter().enumerate() {
        for b in 0..c {
            let idx = ai * c + b;
            (m[idx], r[idx]) = scale_pow2(m[idx], r[idx], shift(a, b));
        }
    }
    MidRadMat::new(nl, c, m, r)
}

/// `Â = D'⁻¹ (Σ_{k≤q} J_k h^k) D B` on the live rows: the step's Jacobians applied to the set's
/// basis. Deferred Jacobians are seeded with `D B` (rows `live`, scaled exactly, `η` where
/// subnormal) and never formed; the others are formed, scaled (`scaled_jacobian`) and multiplied by
/// `B`.
fn applied_jacobian<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    set: &LohnerSet<S>,
    live: &[usize],
    rows: &[usize],
    h: &S,
    e_new: &[i32],
) -> MidRadMat {
    let ncols = set.r.len();
    let bl: Vec<f64> = rows.iter().flat_map(|&r| set.b[r * ncols..(r + 1) * ncols].iter().copied()).collect();
    if !matches!(ser_x.jac, Jac::Deferred(_)) {
        let jhat = scaled_jacobian(&ser_x.jac, live, h, |a, lb| set.e[lb] - e_new[a]);
        return jhat.mat_mul(&MidRadMat::from_points(live.len(), ncols, &bl));
    }
    let nn = net.dim();
    let (mut sm, mut sr) = (vec![0.0; nn * ncols], vec![0.0; nn * ncols]);
    for (i, &a) in live.iter().enumerate() {
        for b in 0..ncols {
            (sm[a * ncols + b], sr[a * ncols + b]) = scale_pow2(bl[i * ncols + b], 0.0, set.e[a]);
        }
    }
    let js = ser_x.applied(net, pattern, MidRadMat::new(nn, ncols, sm, sr)).expect("deferred Jacobians");
    power_sum(&js, live, h, |a, _| -e_new[a])
}

/// `2^s · ⟨m, r⟩`: the midpoint scaled (exact unless the result is subnormal, then within `η/2`),
/// the radius scaled and rounded up, plus `η` for a subnormal midpoint; `+∞` on overflow.
pub(crate) fn scale_pow2(m: f64, r: f64, s: i32) -> (f64, f64) {
    let alpha = if (-1022..=1023).contains(&s) { 2f64.powi(s) } else { f64::NAN };
    let (sm, sr) = (m * alpha, mul_ru(r, alpha));
    let sr = if (sm == 0.0 && m == 0.0) || sm.is_normal() { sr } else { add_ru(sr, ETA) };
    if sm.is_finite() && sr.is_finite() { (sm, sr) } else { (0.0, f64::INFINITY) }
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

/// One Lohner step (`step`) of the flow of `pattern` from `set`;
/// `extra`, if given, is an interval vector added to every image (the set is then
/// `φ_h(𝒳) + extra`). The frozen coordinates of `pattern` are constant: their end enclosure is
/// taken from `frozen_box` (which must enclose them), and the new set covers the live coordinates
/// only. Returns the new set and a box enclosure of the end state (all coordinates);
/// [`StepFail::Method`] if the basis could not be inverted rigorously or values are not finite,
/// [`StepFail::Inconsistent`] if the two enclosures of the end state (via the set, direct) do not
/// meet.
///
/// The Jacobian is carried to order `q` only: `T_p(ξ) − T_p(c) = J_q(ξ − c) + Σ_{q<k≤p} (x_k(ξ) −
/// x_k(c)) h^k`, and the tail lies in the box `Σ_{q<k≤p} (x_k(X̂) − x_k(c)) h^k`, added to the
/// centre's enclosure (`proofs-notes/net-validated-wrapping.md`, part B). The `O(N³)` products
/// run in midpoint–radius form (`bulk.rs`).
pub(crate) fn lohner_step<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    set: &LohnerSet<S>,
    step: &Step<'_, S>,
    extra: Option<&[S]>,
    frozen_box: &[S],
) -> Result<(LohnerSet<S>, Vec<S>), StepFail> {
    let Step { ser_x, h, .. } = *step;
    let ctx = &net.ctx;
    let live = live_coords(net, pattern);
    let nl = live.len();
    // Rows of the set's basis for the live coordinates (a live coordinate is never outside the
    // set: coordinates only leave it when their neuron freezes, which is for good).
    let mut rows = Vec::with_capacity(nl);
    for &l in &live {
        rows.push(set.idx.binary_search(&l).map_err(|_| StepFail::Method)?);
    }
    let q = ser_x.jac.len() - 1;
    let p = ser_x.x.len() - 1;
    let (z, z_wide) = centre_image(&live, step, q, p, extra, ctx);
    let mut c_new: Vec<S> = frozen_box.iter().map(|v| v.mid()).collect();
    for &l in &live {
        c_new[l] = z[l].mid();
    }
    let e_new = block_exponents(net, &c_new);
    // Â = D'⁻¹ J D B_L on the live coordinates, J = Σ_{k≤q} jac_k h^k.
    let ncols = set.r.len();
    let ahat = floor_radii(&applied_jacobian(net, pattern, ser_x, set, &live, &rows, h, &e_new));
    if ahat.mid().iter().chain(ahat.rad()).any(|x| !x.is_finite()) {
        return Err(StepFail::Method);
    }
    let rv = to_midrad_vec(&set.r);
    // Direct enclosure z + D'(Â R).
    let ar: Vec<S> = from_midrad_vec(&ahat.mat_vec(&rv), ctx);
    let direct: Vec<S> = match &z_wide {
        Some(zw) => live.iter().zip(&ar).map(|(&a, v)| round_sum(&zw[a], &[&v.mul_2si(e_new[a])], ctx)).collect(),
        None => live.iter().zip(&ar).map(|(&a, v)| z[a].add(&v.mul_2si(e_new[a]))).collect(),
    };
    // v = D'⁻¹(z − c').
    let v: Vec<S> = live.iter().map(|&a| z[a].sub(&c_new[a]).mul_2si(-e_new[a])).collect();
    let amid = ahat.mid();
    // Columns sorted by decreasing ‖Â_col‖ · rad(R_col) (Lohner's ordering).
    let mut perm: Vec<usize> = (0..ncols).collect();
    let mut cn = vec![0.0; ncols];
    for a in 0..nl {
        for (b, c) in cn.iter_mut().enumerate() {
            *c += amid[a * ncols + b] * amid[a * ncols + b];
        }
    }
    let key: Vec<f64> = (0..ncols).map(|b| cn[b].sqrt() * set.r[b].rad_upper()).collect();
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
    let qt = MidRadMat::from_points(nl, nl, &transpose(&q, nl));
    let qta = qt.mat_mul(&ahat);
    let y1: Vec<S> = from_midrad_vec(&qta.mat_vec(&rv), ctx);
    let (mut rad_part, mut mid_part) = (0.0f64, 0.0f64);
    for i in 0..nl {
        let (mut a, mut b) = (0.0, 0.0);
        for j in 0..ncols {
            let (m, r) = (qta.mid()[i * ncols + j], qta.rad()[i * ncols + j]);
            a += r * (rv.mid()[j].abs() + rv.rad()[j]);
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
    let set_new = LohnerSet { c: c_new, e: e_new, idx: live.clone(), b: q, r: r_new, wrap };
    let via_set = set_new.hull();
    let mut end: Vec<S> = frozen_box.to_vec();
    for ((&a, vs), d) in live.iter().zip(&via_set).zip(&direct) {
        end[a] = meet("net: Lohner end via the set ∩ direct", vs, d)?;
    }
    if end.iter().any(|x| !x.is_finite()) {
        return Err(StepFail::Method);
    }
    Ok((set_new, end))
}

#[cfg(test)]
mod tests;
