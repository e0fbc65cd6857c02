//! The exactly orthogonal rational basis of a span, built in coefficient space: every vector is a
//! rational combination of generators (coordinate axes and data points), and Gram–Schmidt needs
//! only their inner products (`data.rs`), so it costs nothing in `d`.
//!
//! The axes `e_j` that lie in the span come first (found by an f64 screen of `P_jj`, confirmed
//! exactly): a span of coordinate axes gets the axis basis, and every later vector is orthogonal
//! to those axes, so the coordinates along them stay exact in every interval evaluation.

use super::data::{DataGram, Gen};
use rug::Rational;

/// `2^{−e}` with `4^e` close to `m > 0`: the scale that brings `m` into `[1/4, 16)`.
fn half_log_scale(m: &Rational) -> i32 {
    let l = m.numer().significant_bits() as i64 - m.denom().significant_bits() as i64;
    l.div_euclid(2) as i32
}

/// An orthogonal basis in coefficient form: `q̂_k = Σ_m w[k][m] gens[m]`, `D_k = ‖q̂_k‖²`.
pub(super) struct Basis {
    pub gens: Vec<Gen>,
    pub w: Vec<Vec<Rational>>,
    pub dq: Vec<Rational>,
}

/// Gram–Schmidt over `gens` in order (dependent ones skipped), each vector scaled by a power of
/// two so that `D_k ∈ [1/2, 4)`.
pub(super) fn orthogonal(dg: &DataGram<'_>, gens: Vec<Gen>) -> Basis {
    let m = gens.len();
    let h: Vec<Vec<Rational>> = gens.iter().map(|&a| gens.iter().map(|&b| dg.inner(a, b)).collect()).collect();
    let (mut w, mut dq): (Vec<Vec<Rational>>, Vec<Rational>) = (Vec::new(), Vec::new());
    for g in 0..m {
        let mut v = vec![Rational::new(); m];
        v[g] = Rational::from(1);
        for (wk, dk) in w.iter().zip(&dq) {
            // ⟨gen_g, q̂_k⟩ / D_k
            let f: Rational = wk.iter().zip(&h[g]).map(|(a, b)| Rational::from(a * b)).sum::<Rational>() / dk;
            if f != 0 {
                v.iter_mut().zip(wk).for_each(|(a, b)| *a -= Rational::from(&f * b));
            }
        }
        // v ⟂ every earlier q̂_k, so ‖v‖² = ⟨gen_g, v⟩.
        let norm: Rational = v.iter().zip(&h[g]).map(|(a, b)| Rational::from(a * b)).sum();
        if norm == 0 {
            continue;
        }
        let e = half_log_scale(&norm);
        v.iter_mut().for_each(|a| *a >>= e);
        dq.push(norm >> (2 * e));
        w.push(v);
    }
    Basis { gens, w, dq }
}

/// The coordinate axes in the span of `points`: `P_jj = Σ_k q̂_k[j]²/D_k = 1` exactly, for the
/// columns an f64 evaluation puts within `10⁻⁶` of 1 (a missed axis costs width, not validity).
fn axes_in_span(dg: &DataGram<'_>, b: &Basis) -> Vec<usize> {
    let pts: Vec<usize> = b.gens.iter().map(|g| if let Gen::Point(i) = g { *i } else { 0 }).collect();
    // s_j = Σ_k q̂_k[j]²/D_k in f64, one axpy per coefficient.
    let mut s = vec![0.0f64; dg.d];
    for (wk, dk) in b.w.iter().zip(&b.dq) {
        let mut q = vec![0.0f64; dg.d];
        for (a, &i) in wk.iter().zip(&pts) {
            let a = a.to_f64();
            if a != 0.0 {
                q.iter_mut().zip(dg.xf(i)).for_each(|(u, v)| *u += a * v);
            }
        }
        let dk = dk.to_f64();
        s.iter_mut().zip(&q).for_each(|(u, v)| *u += v * v / dk);
    }
    let exact = |j: usize| -> bool {
        let s: Rational =
            b.w.iter()
                .zip(&b.dq)
                .map(|(wk, dk)| {
                    let qj: Rational = wk.iter().zip(&pts).map(|(a, &i)| Rational::from(a * &dg.x[i][j])).sum();
                    Rational::from(qj.square_ref()) / dk
                })
                .sum();
        s == 1
    };
    (0..dg.d).filter(|&j| (s[j] - 1.0).abs() <= 1e-6 && exact(j)).collect()
}

/// The basis of `span{x_i : i ∈ active}`: the axes in the span, then Gram–Schmidt of the points.
pub(super) fn span_basis(dg: &DataGram<'_>, active: &[usize]) -> Basis {
    let points: Vec<Gen> = active.iter().map(|&i| Gen::Point(i)).collect();
    let first = orthogonal(dg, points.clone());
    let axes = axes_in_span(dg, &first);
    if axes.is_empty() {
        return first;
    }
    orthogonal(dg, axes.into_iter().map(Gen::Axis).chain(points).collect())
}
