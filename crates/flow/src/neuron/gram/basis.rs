//! The exactly orthogonal rational basis of a span (Gram–Schmidt, scaled by powers of two), and
//! its axis-aligned variant.

use super::dot;
use rug::Rational;

/// `2^{−e}` with `4^e` close to `m > 0`: the scale that brings `m` into `[1/4, 16)`.
fn half_log_scale(m: &Rational) -> i32 {
    let l = m.numer().significant_bits() as i64 - m.denom().significant_bits() as i64;
    l.div_euclid(2) as i32
}

/// An exactly orthogonal basis of the span of `rows` (Gram–Schmidt in order, dependent rows
/// skipped), each vector scaled by a power of two so that `D_k = ‖q̂_k‖² ∈ [1/2, 4)`.
pub(super) fn orthogonal(d: usize, rows: impl Iterator<Item = Vec<Rational>>) -> (Vec<Vec<Rational>>, Vec<Rational>) {
    let (mut q, mut dq): (Vec<Vec<Rational>>, Vec<Rational>) = (Vec::new(), Vec::new());
    for row in rows {
        let mut v = row;
        debug_assert_eq!(v.len(), d);
        for (qk, dk) in q.iter().zip(&dq) {
            let f = dot(&v, qk) / dk;
            if f != 0 {
                v.iter_mut().zip(qk).for_each(|(a, b)| *a -= Rational::from(&f * b));
            }
        }
        let m: Rational = v.iter().map(|a| Rational::from(a.square_ref())).sum();
        if m == 0 {
            continue;
        }
        let e = half_log_scale(&m);
        v.iter_mut().for_each(|a| *a >>= e);
        dq.push(m >> (2 * e));
        q.push(v);
    }
    (q, dq)
}

/// `Pe_j` for the pivot columns `j` of the basis rows `q` (row echelon): independent, and equal to
/// `e_j` when `e_j` lies in the span, so that a span of coordinate axes gets the axis basis (its
/// interval evaluations are then those of the `d × d` matrices, without wrapping).
pub(super) fn axis_aligned(q: &[Vec<Rational>], dq: &[Rational]) -> Vec<Vec<Rational>> {
    let d = q.first().map_or(0, Vec::len);
    let mut ech: Vec<(usize, Vec<Rational>)> = Vec::new();
    for row in q {
        let mut v = row.clone();
        for (pc, e) in &ech {
            if v[*pc] != 0 {
                let f = Rational::from(&v[*pc] / &e[*pc]);
                v.iter_mut().zip(e).for_each(|(a, b)| *a -= Rational::from(&f * b));
            }
        }
        if let Some(pc) = v.iter().position(|c| *c != 0) {
            ech.push((pc, v));
        }
    }
    let mut cols: Vec<usize> = ech.iter().map(|(pc, _)| *pc).collect();
    cols.sort_unstable();
    cols.iter()
        .map(|&j| {
            let mut u = vec![Rational::new(); d];
            for (qk, dk) in q.iter().zip(dq) {
                if qk[j] != 0 {
                    let f = Rational::from(&qk[j] / dk);
                    u.iter_mut().zip(qk).for_each(|(a, b)| *a += Rational::from(&f * b));
                }
            }
            u
        })
        .collect()
}
