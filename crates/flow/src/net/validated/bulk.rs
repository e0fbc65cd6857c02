//! Bulk interval linear algebra of the Lohner step in midpoint–radius form: conversions between
//! the backend's intervals and f64 midpoint–radius boxes (both directions outward), so that the
//! `O(N³)` products run as plain f64 matrix products with a priori error bounds
//! (`proofs-notes/net-validated-midrad.md`) instead of per-operation intervals.
//!
//! Precision: the f64 midpoint–radius form has relative width ≥ 2⁻⁵³ even for MPFR inputs. The
//! Lohner step uses it only for the matrices that multiply the set's coefficient box `R` (widths
//! relative to `R`, see `proofs-notes/net-validated-wrapping.md`, "bulk products"), never for the
//! centre, which stays in the backend's precision.

use reluflow_arith::Enclosure;
use reluflow_arith::midrad::{ETA, MidRadMat, MidRadVec, add_ru, gamma_ru, mul_ru};
use reluflow_arith::rounding::{f64_down, f64_up};

/// The f64 midpoint–radius box `⟨m, r⟩ ⊇ x` of an interval: `m = fl(lo/2 + hi/2)` and
/// `r = max(hi − m, m − lo)` rounded up, from the outward f64 bounds of `x`. Unbounded or
/// overflowing intervals give `(0, +∞)` (still an enclosure).
pub(crate) fn to_midrad_1<S: Enclosure>(x: &S) -> (f64, f64) {
    let (lo, hi) = (x.lower_f64(), x.upper_f64());
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, f64::INFINITY);
    }
    // lo/2 + hi/2 cannot overflow; halving may lose a bit in the subnormal range, which only
    // moves the midpoint (the radius is measured from the computed midpoint).
    let m = 0.5 * lo + 0.5 * hi;
    // A computed difference of 0 is exact (x − y = 0 only for x = y with gradual underflow), so a
    // point keeps radius 0 (a subnormal radius would make every later product slow).
    let up = |d: f64| if d <= 0.0 { 0.0 } else { f64_up(d) };
    let r = up(hi - m).max(up(m - lo));
    (m, r)
}

/// [`to_midrad_1`] for a vector.
pub(crate) fn to_midrad_vec<S: Enclosure>(x: &[S]) -> MidRadVec {
    let (m, r): (Vec<f64>, Vec<f64>) = x.iter().map(to_midrad_1).unzip();
    MidRadVec::new(m, r)
}

/// [`to_midrad_1`] for a row-major `rows × cols` matrix.
pub(crate) fn to_midrad_mat<S: Enclosure>(rows: usize, cols: usize, x: &[S]) -> MidRadMat {
    let (m, r): (Vec<f64>, Vec<f64>) = x.iter().map(to_midrad_1).unzip();
    MidRadMat::new(rows, cols, m, r)
}

/// Radii below this are raised to it by [`floor_radii`] (`2⁻⁸⁰⁰ ≈ 1.5e-241`).
pub(crate) const RAD_FLOOR: f64 = f64::from_bits((1023 - 800) << 52);

/// The same matrix with every radius `≥ RAD_FLOOR` (a larger radius is still an enclosure).
/// Midpoint–radius products put subnormal `k·η` terms into every radius; multiplying by them in
/// the next `O(N³)` product runs at the speed of subnormal arithmetic (tens of times slower).
pub(crate) fn floor_radii(a: MidRadMat) -> MidRadMat {
    let (rows, cols) = (a.rows(), a.cols());
    let (mid, mut rad) = a.into_parts();
    rad.iter_mut().for_each(|r| *r = r.max(RAD_FLOOR));
    MidRadMat::new(rows, cols, mid, rad)
}

/// The interval `[m − r, m + r]` rounded outward in the backend (`+∞`/NaN: the entire line).
pub(crate) fn from_midrad_1<S: Enclosure>(m: f64, r: f64, ctx: &S::Ctx) -> S {
    if !(m.is_finite() && r.is_finite()) {
        return S::from_f64_bounds(f64::NEG_INFINITY, f64::INFINITY, ctx);
    }
    S::from_f64_bounds(f64_down(m - r), f64_up(m + r), ctx)
}

/// [`from_midrad_1`] for a vector.
pub(crate) fn from_midrad_vec<S: Enclosure>(x: &MidRadVec, ctx: &S::Ctx) -> Vec<S> {
    x.mid().iter().zip(x.rad()).map(|(&m, &r)| from_midrad_1(m, r, ctx)).collect()
}

/// An upper bound of `‖I − P‖_∞` for a square midpoint–radius matrix `P` (rounded up).
pub(crate) fn identity_defect_ru(p: &MidRadMat) -> f64 {
    let n = p.rows();
    let mut worst: f64 = 0.0;
    for i in 0..n {
        let mut row = 0.0;
        for k in 0..n {
            let idx = i * n + k;
            let target = if i == k { 1.0 } else { 0.0 };
            row = add_ru(row, add_ru((target - p.mid()[idx]).abs(), p.rad()[idx]));
        }
        worst = worst.max(row);
    }
    worst
}

/// An upper bound of the Perron root `ρ(R)` (= `‖R‖₂` for symmetric `R`) of a non-negative
/// `n × n` matrix `R` (row-major), by the Collatz–Wielandt formula `ρ(R) ≤ max_i (Ru)_i / u_i` for
/// any positive vector `u` (Horn–Johnson, Thm. 8.1.26). `u` comes from power iterations (not
/// trusted, entries kept `≥ 10⁻⁶`); the bound itself is `(Ru)_i` bounded from above by
/// [`nonneg_mat_vec_ru`] (whose `kη` covers underflow), divided by `u_i` and rounded up. `+∞` if an entry is negative or not finite; `0` for
/// `n = 0` or `R = 0`.
pub(crate) fn perron_ru(r: &[f64], n: usize) -> f64 {
    if r.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return f64::INFINITY;
    }
    let top = r.iter().copied().fold(0.0f64, f64::max);
    if n == 0 || top == 0.0 {
        return 0.0;
    }
    let mut u = vec![1.0f64; n];
    for _ in 0..30 {
        let mut w: Vec<f64> = (0..n).map(|i| r[i * n..(i + 1) * n].iter().zip(&u).map(|(a, b)| a * b).sum()).collect();
        let nrm = w.iter().copied().fold(0.0f64, f64::max);
        if nrm.is_nan() || nrm <= 0.0 {
            break;
        }
        for x in &mut w {
            *x = (*x / nrm).max(1e-6);
        }
        u = w;
    }
    // (Ru)_i from above ((B1), (B2), underflow included), then the quotient rounded up.
    let ru = nonneg_mat_vec_ru(r, n, n, &u);
    ru.iter().zip(&u).map(|(&y, &ui)| f64_up(y / ui)).fold(0.0f64, f64::max)
}

/// An upper bound of the exact `M·x` for a non-negative row-major `rows × k` matrix `M` and a
/// non-negative vector `x` (f64): per row `(fl(Σ_l M_il x_l) + kη)/(1 − γ_k)` rounded up, by (B1)
/// and (B2) of `proofs-notes/net-validated-midrad.md` (any summation order; the `kη` covers
/// products that underflow). `+∞` where the bound is not finite.
pub(crate) fn nonneg_mat_vec_ru(m: &[f64], rows: usize, k: usize, x: &[f64]) -> Vec<f64> {
    let (k_eta, inv_den) = nonneg_sum_factors(k);
    m.chunks_exact(k.max(1))
        .take(rows)
        .map(|row| {
            let t: f64 = row.iter().zip(x).map(|(a, b)| a * b).sum();
            let r = mul_ru(add_ru(t, k_eta), inv_den);
            if r.is_nan() { f64::INFINITY } else { r }
        })
        .collect()
}

/// An upper bound of the exact `|V|ᵀ·x` for a row-major `n × n` matrix `V` and a non-negative
/// vector `x` (column sums weighted by `x`), as [`nonneg_mat_vec_ru`].
pub(crate) fn abs_col_sums_ru(v: &[f64], n: usize, x: &[f64]) -> Vec<f64> {
    let (k_eta, inv_den) = nonneg_sum_factors(n);
    let mut t = vec![0.0; n];
    for (row, &xl) in v.chunks_exact(n.max(1)).zip(x) {
        for (tk, a) in t.iter_mut().zip(row) {
            *tk += a.abs() * xl;
        }
    }
    t.iter()
        .map(|&s| {
            let r = mul_ru(add_ru(s, k_eta), inv_den);
            if r.is_nan() { f64::INFINITY } else { r }
        })
        .collect()
}

/// `kη` and `1/(1 − γ_k)`, both rounded up (`+∞` when `γ_k` is not applicable).
fn nonneg_sum_factors(k: usize) -> (f64, f64) {
    let g = gamma_ru(k.max(1));
    let inv_den = if g.is_finite() { f64_up(1.0 / f64_down(1.0 - g)) } else { f64::INFINITY };
    (mul_ru(k as f64, ETA), inv_den)
}

/// The transpose of a row-major `n × n` point matrix.
pub(crate) fn transpose(q: &[f64], n: usize) -> Vec<f64> {
    let mut qt = reluflow_arith::buffers::zeros(n * n);
    for i in 0..n {
        for k in 0..n {
            qt[k * n + i] = q[i * n + k];
        }
    }
    qt
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::{Interval, MpInterval, Scalar};
    use rug::Rational;

    #[test]
    fn conversions_are_outward_for_both_backends() {
        for &(lo, hi) in &[(0.1, 0.3), (-1e-310, 3e-320), (-5.0, -5.0), (1e300, 1.7e308), (-2.5, 7.25)] {
            let x = Interval::from_f64_bounds(lo, hi, &());
            let (m, r) = to_midrad_1(&x);
            let (ql, qh, qm, qr) = (
                Rational::from_f64(lo).unwrap(),
                Rational::from_f64(hi).unwrap(),
                Rational::from_f64(m).unwrap(),
                Rational::from_f64(r).unwrap(),
            );
            let inside = Rational::from(&qm - &qr) <= ql && qh <= Rational::from(&qm + &qr);
            assert!(inside, "an end of [{lo}, {hi}] lies outside <{m}, {r}>");
            let back: Interval = from_midrad_1(m, r, &());
            assert!(Enclosure::subset(&x, &back), "<{m}, {r}> -> {back:?}: an end of [{lo}, {hi}] lies outside");
        }
        // MPFR: a 200-bit interval narrower than an f64 ulp still ends up inside the box.
        let third = MpInterval::one(&200).div(&MpInterval::from_i64(3, &200));
        let (m, r) = to_midrad_1(&third);
        assert!(r > 0.0);
        let back: MpInterval = from_midrad_1(m, r, &200);
        assert!(Enclosure::subset(&third, &back), "1/3 = {third:?} outside {back:?}");
        let inf = Interval::from_f64_bounds(0.0, f64::INFINITY, &());
        assert_eq!(to_midrad_1(&inf).1, f64::INFINITY);
    }

    /// The non-negative matrix–vector bounds lie above the exact rational products, also where
    /// every product underflows (the `kη` term) and where rounding errors accumulate.
    #[test]
    fn nonneg_mat_vec_bounds_are_above_the_exact_products() {
        let q = |v: f64| Rational::from_f64(v).unwrap();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut unit = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for (n, scale) in [(7usize, 1.0), (40, 1e-160), (64, 0.1)] {
            let m: Vec<f64> = (0..n * n).map(|_| unit() * scale).collect();
            let x: Vec<f64> = (0..n).map(|_| unit() * scale).collect();
            let y = nonneg_mat_vec_ru(&m, n, n, &x);
            let yt = abs_col_sums_ru(&m, n, &x);
            for i in 0..n {
                let row: Rational = (0..n).map(|l| q(m[i * n + l]) * q(x[l])).sum();
                let col: Rational = (0..n).map(|l| q(m[l * n + i]) * q(x[l])).sum();
                assert!(q(y[i]) >= row, "n = {n}: row {i} bound {:e} below the exact sum", y[i]);
                assert!(q(yt[i]) >= col, "n = {n}: column {i} bound {:e} below the exact sum", yt[i]);
            }
        }
    }

    #[test]
    fn identity_defect_bounds_the_exact_norm_from_above() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut unit = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [1, 3, 6] {
            let eye = |k: usize| if k / n == k % n { 1.0 } else { 0.0 };
            let mid: Vec<f64> = (0..n * n).map(|k| eye(k) + (unit() - 0.5) / 3.0).collect();
            let rad: Vec<f64> = (0..n * n).map(|_| unit() * 1e-3).collect();
            let q = |v: f64| Rational::from_f64(v).unwrap();
            let row = |i: usize| -> Rational {
                (0..n).map(|k| (q(eye(i * n + k)) - q(mid[i * n + k])).abs() + q(rad[i * n + k])).sum()
            };
            let exact = (0..n).map(row).max().unwrap();
            let b = identity_defect_ru(&MidRadMat::new(n, n, mid, rad));
            assert!(q(b) >= exact, "identity_defect_ru = {b:e} below the exact ‖I − P‖∞ = {:e}", exact.to_f64());
        }
    }
}
