//! Bulk interval linear algebra of the Lohner step, in one of two forms ([`Bulk`]):
//!
//! * **midpoint–radius** (`Bulk::MidRad`): conversions between the backend's intervals and f64
//!   midpoint–radius boxes (both directions outward), so that the `O(N³)` products run as plain f64
//!   matrix products with a priori error bounds (`proofs-notes/net-validated-midrad.md`) instead
//!   of per-operation intervals;
//! * **backend** (`Bulk::Backend`): per-operation products in the backend's own interval
//!   arithmetic (`add_mul_assign`), the f64 point factors (`B`, `Qᵀ`) converted exactly.
//!
//! Precision: the f64 midpoint–radius form has relative width ≥ 2⁻⁵³ even for MPFR inputs, which
//! couples the widest directions of the set's coefficient box `R` into the narrowest
//! (`proofs-notes/net-validated-wrapping.md`, "bulk products"). [`Bulk::choose`] therefore takes
//! the backend form when the backend is finer than f64 and the matrices are small
//! ([`BACKEND_BULK_MAX`]), and the midpoint–radius form otherwise (f64 intervals, where it loses
//! nothing, and large `N`, where per-operation MPFR products cost too much). The centre of the set
//! always stays in the backend's precision.

use reluflow_arith::Enclosure;
use reluflow_arith::midrad::{MidRadMat, MidRadVec};

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
    let up = |d: f64| if d <= 0.0 { 0.0 } else { d.next_up() };
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
pub(crate) fn floor_radii(a: &MidRadMat) -> MidRadMat {
    let rad = a.rad().iter().map(|r| r.max(RAD_FLOOR)).collect();
    MidRadMat::new(a.rows(), a.cols(), a.mid().to_vec(), rad)
}

/// The interval `[m − r, m + r]` rounded outward in the backend (`+∞`/NaN: the entire line).
pub(crate) fn from_midrad_1<S: Enclosure>(m: f64, r: f64, ctx: &S::Ctx) -> S {
    if !(m.is_finite() && r.is_finite()) {
        return S::from_f64_bounds(f64::NEG_INFINITY, f64::INFINITY, ctx);
    }
    S::from_f64_bounds((m - r).next_down(), (m + r).next_up(), ctx)
}

/// [`from_midrad_1`] for a vector.
pub(crate) fn from_midrad_vec<S: Enclosure>(x: &MidRadVec, ctx: &S::Ctx) -> Vec<S> {
    x.mid().iter().zip(x.rad()).map(|(&m, &r)| from_midrad_1(m, r, ctx)).collect()
}

/// Largest matrix dimension (live coordinates, columns of the basis) for which [`Bulk::choose`]
/// takes per-operation backend products (not tuned: with this path the λ = 1e-600 run was no
/// narrower and 1.3–1.5× slower, `proofs-notes/net-validated-wrapping.md`, "bulk products").
pub(crate) const BACKEND_BULK_MAX: usize = 48;

/// Which arithmetic the bulk products of a Lohner step use (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bulk {
    /// f64 midpoint–radius products (radius ≥ 2⁻⁵³ relative; fast for any `N`).
    MidRad,
    /// Per-operation products in the backend's interval arithmetic (its own precision, `O(n³)`
    /// backend operations).
    Backend,
}

impl Bulk {
    /// `Backend` if the backend is finer than f64 ([`finer_than_f64`]) and `n ≤
    /// BACKEND_BULK_MAX`, else `MidRad`. Both give enclosures; the choice trades width for speed.
    pub(crate) fn choose<S: Enclosure>(ctx: &S::Ctx, n: usize) -> Bulk {
        if n <= BACKEND_BULK_MAX && finer_than_f64::<S>(ctx) { Bulk::Backend } else { Bulk::MidRad }
    }
}

/// Whether the backend's intervals are narrower than f64's: its enclosure of `1/3` has a positive
/// width below `2⁻⁵⁴` (one f64 ulp of `1/3`). False for f64 intervals and MPFR at ≤ 53 bits, and
/// for point backends (width 0), true for MPFR at ≥ 54 bits.
pub(crate) fn finer_than_f64<S: Enclosure>(ctx: &S::Ctx) -> bool {
    let w = S::one(ctx).div(&S::from_i64(3, ctx)).width_upper();
    w > 0.0 && w < 2f64.powi(-54)
}

/// An interval matrix of the Lohner step (row-major) in the form of its [`Bulk`] mode. The f64
/// midpoints (`mid`) feed the QR factorisation and the column ordering only (any approximation
/// is sound there).
pub(crate) enum BulkMat<S> {
    /// Midpoint–radius form.
    MidRad(MidRadMat),
    /// Backend intervals with their approximate f64 midpoints.
    Backend {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
        /// The entries.
        a: Vec<S>,
        /// `approx_f64` of the entries.
        mid: Vec<f64>,
    },
}

impl<S: Enclosure> BulkMat<S> {
    /// Encloses `{A P : A ∈ a}` for a `rows × inner` interval matrix `a` and an `inner × cols` f64
    /// point matrix `p` (zero entries of `p` are skipped; in midrad form the radii are floored at
    /// [`RAD_FLOOR`]).
    pub(crate) fn interval_times_points(
        mode: Bulk,
        a: &[S],
        p: &[f64],
        (rows, inner, cols): (usize, usize, usize),
        ctx: &S::Ctx,
    ) -> BulkMat<S> {
        match mode {
            Bulk::MidRad => BulkMat::MidRad(floor_radii(
                &to_midrad_mat(rows, inner, a).mat_mul(&MidRadMat::from_points(inner, cols, p)),
            )),
            Bulk::Backend => {
                let ps = to_backend_points::<S>(p, ctx);
                let mut out = vec![S::zero(ctx); rows * cols];
                for i in 0..rows {
                    let row = &mut out[i * cols..(i + 1) * cols];
                    for k in 0..inner {
                        let aik = &a[i * inner + k];
                        for (o, pkb) in row.iter_mut().zip(&ps[k * cols..(k + 1) * cols]) {
                            if let Some(pkb) = pkb {
                                o.add_mul_assign(aik, pkb);
                            }
                        }
                    }
                }
                BulkMat::backend(rows, cols, out)
            }
        }
    }

    fn backend(rows: usize, cols: usize, a: Vec<S>) -> BulkMat<S> {
        let mid = a.iter().map(|x| x.approx_f64()).collect();
        BulkMat::Backend { rows, cols, a, mid }
    }

    /// Encloses `{P A : A ∈ self}` for a `rows × self.rows` f64 point matrix `p`.
    pub(crate) fn points_times(&self, p: &[f64], rows: usize, ctx: &S::Ctx) -> BulkMat<S> {
        match self {
            BulkMat::MidRad(m) => BulkMat::MidRad(MidRadMat::from_points(rows, m.rows(), p).mat_mul(m)),
            BulkMat::Backend { rows: inner, cols, a, .. } => {
                let (inner, cols) = (*inner, *cols);
                let ps = to_backend_points::<S>(p, ctx);
                let mut out = vec![S::zero(ctx); rows * cols];
                for i in 0..rows {
                    let row = &mut out[i * cols..(i + 1) * cols];
                    for k in 0..inner {
                        if let Some(pik) = &ps[i * inner + k] {
                            for (o, akb) in row.iter_mut().zip(&a[k * cols..(k + 1) * cols]) {
                                o.add_mul_assign(pik, akb);
                            }
                        }
                    }
                }
                BulkMat::backend(rows, cols, out)
            }
        }
    }

    /// Approximate f64 midpoints (row-major).
    pub(crate) fn mid(&self) -> &[f64] {
        match self {
            BulkMat::MidRad(m) => m.mid(),
            BulkMat::Backend { mid, .. } => mid,
        }
    }

    /// Every entry is bounded and its midpoint is a finite f64.
    pub(crate) fn is_finite(&self) -> bool {
        match self {
            BulkMat::MidRad(m) => m.mid().iter().chain(m.rad()).all(|x| x.is_finite()),
            BulkMat::Backend { a, mid, .. } => a.iter().all(|x| x.is_finite()) && mid.iter().all(|x| x.is_finite()),
        }
    }

    /// Encloses `{A x : A ∈ self, x ∈ x}`.
    pub(crate) fn mat_vec(&self, x: &[S], ctx: &S::Ctx) -> Vec<S> {
        match self {
            BulkMat::MidRad(m) => from_midrad_vec(&m.mat_vec(&to_midrad_vec(x)), ctx),
            BulkMat::Backend { cols, a, .. } => a
                .chunks(*cols)
                .map(|row| {
                    let mut acc = S::zero(ctx);
                    for (aij, xj) in row.iter().zip(x) {
                        acc.add_mul_assign(aij, xj);
                    }
                    acc
                })
                .collect(),
        }
    }

    /// The two parts of the Lohner step's wrapping indicator for the product `self · x`:
    /// `(max_i Σ_j rad(A_ij)(|mid x_j| + rad x_j), max_i Σ_j |mid A_ij| rad(x_j))` (f64 estimates,
    /// step control only).
    pub(crate) fn wrap_parts(&self, x: &[S]) -> (f64, f64) {
        let xv = to_midrad_vec(x);
        let (cols, mid) = match self {
            BulkMat::MidRad(m) => (m.cols(), m.mid()),
            BulkMat::Backend { cols, mid, .. } => (*cols, &mid[..]),
        };
        let (mut rad_part, mut mid_part) = (0.0f64, 0.0f64);
        for (i, mrow) in mid.chunks(cols).enumerate() {
            let (mut from_rad, mut from_mid) = (0.0, 0.0);
            for (j, m) in mrow.iter().enumerate() {
                let r = match self {
                    BulkMat::MidRad(mm) => mm.rad()[i * cols + j],
                    BulkMat::Backend { a, .. } => a[i * cols + j].rad_upper(),
                };
                from_rad += r * (xv.mid()[j].abs() + xv.rad()[j]);
                from_mid += m.abs() * xv.rad()[j];
            }
            rad_part = rad_part.max(from_rad);
            mid_part = mid_part.max(from_mid);
        }
        (rad_part, mid_part)
    }
}

/// Encloses `P x` for a `rows × cols` f64 point matrix `p` and an interval vector `x`, in the
/// form of `mode`.
pub(crate) fn points_times_vec<S: Enclosure>(
    mode: Bulk,
    p: &[f64],
    (rows, cols): (usize, usize),
    x: &[S],
    ctx: &S::Ctx,
) -> Vec<S> {
    match mode {
        Bulk::MidRad => from_midrad_vec(&MidRadMat::from_points(rows, cols, p).mat_vec(&to_midrad_vec(x)), ctx),
        Bulk::Backend => p
            .chunks(cols)
            .map(|row| {
                let mut acc = S::zero(ctx);
                for (&pj, xj) in row.iter().zip(x) {
                    if pj != 0.0 {
                        acc.add_mul_assign(&S::from_f64(pj, ctx), xj);
                    }
                }
                acc
            })
            .collect(),
    }
}

/// The backend's (exact) images of the non-zero entries of an f64 point matrix.
fn to_backend_points<S: Enclosure>(p: &[f64], ctx: &S::Ctx) -> Vec<Option<S>> {
    p.iter().map(|&v| (v != 0.0).then(|| S::from_f64(v, ctx))).collect()
}

/// The transpose of a row-major `n × n` point matrix.
pub(crate) fn transpose(q: &[f64], n: usize) -> Vec<f64> {
    let mut qt = vec![0.0; n * n];
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
            assert!(Rational::from(&qm - &qr) <= ql && qh <= Rational::from(&qm + &qr), "[{lo}, {hi}] -> <{m}, {r}>");
            let back: Interval = from_midrad_1(m, r, &());
            assert!(Enclosure::subset(&x, &back));
        }
        // MPFR: a 200-bit interval narrower than an f64 ulp still ends up inside the box.
        let third = MpInterval::one(&200).div(&MpInterval::from_i64(3, &200));
        let (m, r) = to_midrad_1(&third);
        assert!(r > 0.0);
        let back: MpInterval = from_midrad_1(m, r, &200);
        assert!(Enclosure::subset(&third, &back));
        let inf = Interval::from_f64_bounds(0.0, f64::INFINITY, &());
        assert_eq!(to_midrad_1(&inf).1, f64::INFINITY);
    }
}
