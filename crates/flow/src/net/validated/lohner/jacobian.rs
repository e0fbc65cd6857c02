//! The step's Jacobian applied to the set's basis, `Â = D'⁻¹ (Σ_{k≤q} J_k h^k) D M`, for a basis
//! matrix `M` (a point matrix `B`, or an interval matrix with an offset column when a step starts
//! from the image of another step without re-orthogonalising).
//!
//! Proofs note: `proofs-notes/net-validated-structured-jacobian.md` ("The step's Jacobian",
//! "Seeded").

use crate::net::validated::Net;
use crate::net::validated::bulk::to_midrad_mat;
use crate::net::validated::series::{Jac, Series};
use crate::trajectory::Pattern;
use reluflow_arith::midrad::{ETA, MidRadMat, add_ru, combine_into, mul_ru};
use reluflow_arith::{Enclosure, buffers};

/// `D'⁻¹ (Σ_{k≤q} jac_k h^k) D` on the rows and columns `live` (`N × |L|` Jacobians, columns
/// already the live coordinates), entry `(a, b)` scaled by `2^{shift(a, L[b])}`, in midpoint–radius
/// form. Midpoint–radius Jacobians: one product of the powers `(1, h, …, h^q)` (backend
/// enclosures) with the stacked orders, then exact power-of-two scalings (radius rounded up, `η`
/// added where the scaled midpoint is subnormal). Backend Jacobians: Horner per entry in the
/// backend, scaled there (states beyond the f64 range).
pub(super) fn scaled_jacobian<S: Enclosure>(
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
    // Per run of consecutive live rows (a neuron's block), the combination of the orders' rows in
    // place: the same per-entry sums as one product of `pw` with the stacked orders, no copies.
    let (mut m, mut r) = (buffers::zeros(nl * c), buffers::zeros(nl * c));
    let mut start = 0;
    while start < nl {
        let mut end = start + 1;
        while end < nl && live[end] == live[end - 1] + 1 {
            end += 1;
        }
        let rows = live[start] * c..(live[end - 1] + 1) * c;
        let b: Vec<(&[f64], &[f64])> = j.iter().map(|jk| (&jk.mid()[rows.clone()], &jk.rad()[rows.clone()])).collect();
        combine_into(pw.mid(), pw.rad(), &b, &mut m[start * c..end * c], &mut r[start * c..end * c]);
        start = end;
    }
    for (ai, &a) in live.iter().enumerate() {
        for b in 0..c {
            let idx = ai * c + b;
            (m[idx], r[idx]) = scale_pow2(m[idx], r[idx], shift(a, b));
        }
    }
    MidRadMat::new(nl, c, m, r)
}

/// `Â = D'⁻¹ (Σ_{k≤q} J_k h^k) D M` on the live rows (`|L| × c`): the step's Jacobians applied to
/// the basis `M` (`|L| × c` midpoint–radius, row `i` for the coordinate `live[i]`), with `D =
/// diag(2^{e})` of the set the step starts from and `D' = diag(2^{e'})` of the new one. Deferred
/// Jacobians are seeded with `D M` (scaled exactly, `η` where subnormal) and never formed; the
/// others are formed, scaled ([`scaled_jacobian`]) and multiplied by `M`. Either encloses
/// `{D'⁻¹ J D M' : J ∈ 𝐉, M' ∈ 𝐌}`.
#[allow(clippy::too_many_arguments)]
pub(super) fn applied_jacobian<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    live: &[usize],
    basis: &MidRadMat,
    h: &S,
    e: &[i32],
    e_new: &[i32],
) -> MidRadMat {
    let c = basis.cols();
    if !matches!(ser_x.jac, Jac::Deferred(_)) {
        let jhat = scaled_jacobian(&ser_x.jac, live, h, |a, lb| e[lb] - e_new[a]);
        return jhat.mat_mul(basis);
    }
    let nn = net.dim();
    let (mut sm, mut sr) = (buffers::zeros(nn * c), buffers::zeros(nn * c));
    for (i, &a) in live.iter().enumerate() {
        for b in 0..c {
            let k = i * c + b;
            (sm[a * c + b], sr[a * c + b]) = scale_pow2(basis.mid()[k], basis.rad()[k], e[a]);
        }
    }
    let js = ser_x.applied(net, pattern, MidRadMat::new(nn, c, sm, sr)).expect("deferred Jacobians");
    power_sum(&js, live, h, |a, _| -e_new[a])
}

/// `2^s · ⟨m, r⟩`: the midpoint scaled (exact unless the result is subnormal, then within `η/2`),
/// the radius scaled and rounded up, plus `η` for a subnormal midpoint; `+∞` on overflow.
pub(crate) fn scale_pow2(m: f64, r: f64, s: i32) -> (f64, f64) {
    // 2^s from its bits (exact for normal exponents; `powi` multiplied it out per entry).
    let alpha = if (-1022..=1023).contains(&s) { f64::from_bits(((s + 1023) as u64) << 52) } else { f64::NAN };
    let (sm, sr) = (m * alpha, mul_ru(r, alpha));
    let sr = if (sm == 0.0 && m == 0.0) || sm.is_normal() { sr } else { add_ru(sr, ETA) };
    if sm.is_finite() && sr.is_finite() { (sm, sr) } else { (0.0, f64::INFINITY) }
}
