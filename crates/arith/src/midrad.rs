//! Midpoint–radius interval vectors and matrices with a priori rounding-error bounds.
//!
//! A [`MidRadVec`] (resp. [`MidRadMat`]) stores f64 midpoints `m` and radii `r ≥ 0` and denotes the
//! box `{x : |x − m| ≤ r}` (entrywise). Products are computed with *plain* f64 matrix products in
//! the current rounding mode, which must be IEEE round-to-nearest (Rust never changes it), and a
//! radius that bounds both the interval spread and every rounding error a priori
//! (Rump 1999; Ogita–Rump–Oishi 2005; bounds and proofs in `proofs-notes/net-validated-midrad.md`).
//! Bulk linear algebra then runs at a small multiple of f64 speed instead of the ~70× of
//! per-operation intervals.
//!
//! # Guarantee
//!
//! Every result encloses the exact real result for every choice of points in the operands,
//! provided no intermediate overflows; an overflow shows up as a non-finite radius, which
//! [`MidRadVec::to_inari`] turns into the entire line (still an enclosure). Gradual underflow is
//! covered by the `k·η` terms (`η = 2⁻¹⁰⁷⁴`).
//!
//! ```
//! use reluflow_arith::midrad::{MidRadMat, MidRadVec};
//! let a = MidRadMat::from_points(2, 2, &[0.1, 0.2, 0.3, 0.4]);
//! let x = MidRadVec::from_points(&[1.0, 3.0]);
//! let y = a.mat_vec(&x);
//! // The exact 0.1·1 + 0.2·3 (of the binary numbers 0.1 and 0.2) lies in y[0].
//! assert!(y.to_inari()[0].contains(0.7));
//! ```

use crate::buffers;
use inari::Interval;

/// The unit roundoff of binary64 round-to-nearest, `u = 2⁻⁵³`.
pub const U: f64 = 1.0 / 9_007_199_254_740_992.0;
/// The smallest positive subnormal binary64 number, `η = 2⁻¹⁰⁷⁴`.
pub const ETA: f64 = f64::from_bits(1);

// The round-up helpers live with every other directed rounding (`crate::rounding`, where the
// fault feature `fault-flip-f64` reaches them); re-exported here for the bulk products' users.
pub use crate::rounding::{add_ru, mul_ru};
use crate::rounding::{f64_down, f64_up, inflate_ru};

/// An upper bound of `γ_k = k·u / (1 − k·u)`, or `+∞` when `k·u ≥ 1/2` (bound not applicable).
pub fn gamma_ru(k: usize) -> f64 {
    let ku = k as f64 * U; // exact for k < 2⁵³ (multiplication by a power of two, no underflow)
    if ku >= 0.5 {
        return f64::INFINITY;
    }
    let den_rd = f64_down(1.0 - ku);
    f64_up(ku / den_rd)
}

/// `C = A·B` in f64 (row-major, `A` is `rows × inner`, `B` is `inner × cols`) by a blocked,
/// vectorised kernel (`matrixmultiply` through nalgebra's safe `gemm`): any summation order, fused
/// multiply-adds allowed. The bounds (B1)–(B3) hold for every such evaluation
/// (`proofs-notes/net-validated-midrad.md`, "Evaluation order").
fn gemm(a: &[f64], b: &[f64], rows: usize, inner: usize, cols: usize) -> Vec<f64> {
    use nalgebra::{DMatrixView, DMatrixViewMut};
    let mut c = buffers::zeros(rows * cols);
    if rows == 0 || cols == 0 || inner == 0 {
        return c;
    }
    if rows < 8 {
        // A few rows (linear combinations of rows of `B`): the blocked kernel would pad them to
        // its micro-tile; row slices in i-k-j order vectorise as well.
        for (ci, ai) in c.chunks_exact_mut(cols).zip(a.chunks_exact(inner)) {
            for (aik, bk) in ai.iter().zip(b.chunks_exact(cols)) {
                for (cij, bkj) in ci.iter_mut().zip(bk) {
                    *cij += aik * bkj;
                }
            }
        }
        return c;
    }
    // Row-major `X` (r × c) is the column-major `Xᵀ` (c × r): `Cᵀ = Bᵀ·Aᵀ`, no copies.
    let at = DMatrixView::from_slice(a, inner, rows);
    let bt = DMatrixView::from_slice(b, cols, inner);
    DMatrixViewMut::from_slice(&mut c, cols, rows).gemm(1.0, &bt, &at, 0.0);
    c
}

/// The plain f64 product `fl(A·B)` (row-major, `rows × k` times `k × cols`) in the same kernels,
/// with no enclosure: for callers that bound its error themselves by (B1) of
/// `proofs-notes/net-validated-midrad.md`, `|fl(AB) − AB| ≤ γ_k|A||B| + kη` entrywise (any
/// summation order, fused multiply-adds allowed), typically through row sums of `|A||B|` by
/// matrix–vector products instead of a second `O(n³)` product.
pub fn point_product(a: &[f64], b: &[f64], rows: usize, k: usize, cols: usize) -> Vec<f64> {
    assert!(a.len() == rows * k && b.len() == k * cols, "point product of the wrong size");
    gemm(a, b, rows, k, cols)
}

/// Testing only (feature `fault-gemm-ulp`): every midpoint of a matrix product moves up by its
/// radius and one ulp more, so that the enclosure misses the exact product by an ulp wherever
/// that lies at or below the computed midpoint; the product tests must catch it
/// (`.ci/fault-check`).
#[cfg(feature = "fault-gemm-ulp")]
fn perturb_beyond_bound(mid: &mut [f64], rad: &[f64]) {
    for (m, r) in mid.iter_mut().zip(rad) {
        *m = add_ru(*m, *r).next_up();
    }
}

/// `C += A·B` (shapes as in [`gemm`]; the same kernels, `β = 1`).
fn gemm_acc(c: &mut [f64], a: &[f64], b: &[f64], rows: usize, inner: usize, cols: usize) {
    use nalgebra::{DMatrixView, DMatrixViewMut};
    if rows == 0 || cols == 0 || inner == 0 {
        return;
    }
    if rows < 8 {
        for (ci, ai) in c.chunks_exact_mut(cols).zip(a.chunks_exact(inner)) {
            for (aik, bk) in ai.iter().zip(b.chunks_exact(cols)) {
                for (cij, bkj) in ci.iter_mut().zip(bk) {
                    *cij += aik * bkj;
                }
            }
        }
        return;
    }
    let at = DMatrixView::from_slice(a, inner, rows);
    let bt = DMatrixView::from_slice(b, cols, inner);
    DMatrixViewMut::from_slice(c, cols, rows).gemm(1.0, &bt, &at, 1.0);
}

/// The enclosure of `⟨Am, Ar⟩ · ⟨Bm, Br⟩` (inner dimension `k`) as `(mid, rad)`, with `mid =
/// fl(Am·Bm)` and `g = γ_{2k}`:
/// * point factors (both radii zero): `S0 = fl(|Am|·|Bm|)`, `rad = (g·(S0 + kη) + 2kη)/(1 − g) + kη`
///   (bound (B3));
/// * otherwise: `T = fl(|Am|·P₁ + Ar·P)` with `P₁ = g|Bm| + Br`, `P = |Bm| + Br` rounded up (the
///   `Ar` half dropped for a point left factor), `rad = (g·kη + T + 2kη)/(1 − g) + kη` (bound
///   (B3m): the midpoint's rounding error and the radius term share one product);
///
/// every operation of the radius rounded up; fewer than 8 rows take the fused pass of (B3'')
/// (`proofs-notes/net-validated-midrad.md`, bounds (B1)–(B3m)).
///
/// Panics if a length does not match the shapes or a radius is negative or NaN.
pub fn product(
    am: &[f64],
    ar: &[f64],
    bm: &[f64],
    br: &[f64],
    rows: usize,
    k: usize,
    cols: usize,
) -> (Vec<f64>, Vec<f64>) {
    assert!(am.len() == rows * k && ar.len() == rows * k, "left factor of the wrong size");
    assert!(bm.len() == k * cols && br.len() == k * cols, "right factor of the wrong size");
    assert!(ar.iter().chain(br).all(|r| *r >= 0.0), "radii must be non-negative");
    if rows < 8 {
        return product_few_rows(am, ar, bm, br, rows, k, cols);
    }
    let mid = gemm(am, bm, rows, k, cols);
    let am_abs = pooled(am.iter().map(|v| v.abs()), am.len());
    let g = gamma_ru(2 * k.max(1));
    let (a_point, b_point) = (ar.iter().all(|&r| r == 0.0), br.iter().all(|&r| r == 0.0));
    if a_point && b_point {
        let bm_abs = pooled(bm.iter().map(|v| v.abs()), bm.len());
        let s0 = gemm(&am_abs, &bm_abs, rows, k, cols);
        let out = radius(mid, Some(&s0), None, g, k, mul_ru(2.0 * k as f64, ETA));
        [am_abs, bm_abs, s0].into_iter().for_each(buffers::recycle);
        return out;
    }
    // (B3m): the rounding error of `mid` and the radius term of `|Am|` share one product,
    // `T = fl([|Am|, Ar]·[g|Bm| + Br; |Bm| + Br])`, the factors rounded up.
    let p1 = pooled(bm.iter().zip(br).map(|(m, r)| inflate_ru(g * m.abs() + r)), bm.len());
    let mut t = gemm(&am_abs, &p1, rows, k, cols);
    if !a_point {
        let p = pooled(bm.iter().zip(br).map(|(m, r)| add_ru(m.abs(), *r)), bm.len());
        gemm_acc(&mut t, ar, &p, rows, k, cols);
        buffers::recycle(p);
    }
    let out = radius(mid, None, Some(&t), g, k, mul_ru(2.0 * k as f64, ETA));
    [am_abs, p1, t].into_iter().for_each(buffers::recycle);
    out
}

/// The `len` values of `it` in a recycled buffer ([`buffers`]).
fn pooled(it: impl Iterator<Item = f64>, len: usize) -> Vec<f64> {
    let mut v = buffers::with_capacity(len);
    v.extend(it);
    v
}

/// `fl(A·B)` of point matrices (row-major, `A` is `rows × k`, `B` is `k × cols`) with its radius,
/// bound (B3-CS) of `proofs-notes/net-validated-midrad.md`: `S0` of (B3) replaced by the
/// Cauchy–Schwarz bound `(|A||B|)_ij ≤ ‖a_i‖₂‖b_j‖₂` (row and column norms rounded up), so one
/// `O(rows·k·cols)` product instead of two. The radius is up to `√k` times that of [`product`]
/// where a row and a column are large in different places; for the nearly orthonormal basis of a
/// Lohner step (`QᵀQ`) it is about the same.
pub fn point_product_cs(a: &[f64], b: &[f64], rows: usize, k: usize, cols: usize) -> (Vec<f64>, Vec<f64>) {
    assert!(a.len() == rows * k && b.len() == k * cols, "factors of the wrong size");
    let mid = gemm(a, b, rows, k, cols);
    let na: Vec<f64> = (0..rows).map(|i| norm2_ru(a[i * k..(i + 1) * k].iter().copied(), k)).collect();
    let nb: Vec<f64> = (0..cols).map(|j| norm2_ru((0..k).map(|l| b[l * cols + j]), k)).collect();
    let s0 = pooled(na.iter().flat_map(|&x| nb.iter().map(move |&y| mul_ru(x, y))), rows * cols);
    let g = gamma_ru(2 * k.max(1));
    let out = radius(mid, Some(&s0), None, g, k, mul_ru(2.0 * k as f64, ETA));
    buffers::recycle(s0);
    out
}

/// An upper bound of the Euclidean norm of the `k` values `v`: the round-to-nearest sum of squares
/// `s` satisfies `Σ v² ≤ (s + kη)/(1 − γ_k)` by (B1) (the squares are the products of the row with
/// itself), then one rounding up per operation and after the square root.
fn norm2_ru(v: impl Iterator<Item = f64>, k: usize) -> f64 {
    let s: f64 = v.map(|x| x * x).sum();
    let g = gamma_ru(k.max(1));
    if !(s.is_finite() && g < 1.0) {
        return f64::INFINITY;
    }
    let bound = f64_up(add_ru(s, mul_ru(k as f64, ETA)) / f64_down(1.0 - g));
    f64_up(bound.sqrt())
}

/// The constants of the last step of bounds (B3) and (B3''): `rad = (g·(S0 + kη) + S1 + s1_eta) /
/// (1 − g) + kη` per entry, every operation rounded up (`+∞` where a term is not finite).
///
/// The formula is evaluated in round-to-nearest and rounded up once per entry by
/// [`inflate_ru`] (lemma (B0'): six operations, the constants `g ≤ 1/2` and `1/(1 − g) ≤ 2` keep
/// the underflow terms below `2η`); `g > 1/2` gives `+∞`.
#[derive(Clone, Copy)]
struct RadiusForm {
    g: f64,
    k_eta: f64,
    s1_eta: f64,
    inv_den: f64,
    usable: bool,
}

impl RadiusForm {
    fn new(g: f64, k: usize, s1_eta: f64) -> RadiusForm {
        let inv_den = f64_up(1.0 / f64_down(1.0 - g));
        RadiusForm { g, k_eta: mul_ru(k as f64, ETA), s1_eta, inv_den, usable: g <= 0.5 && inv_den <= 2.0 }
    }
    /// The radius of one entry with sums `z0 = S0`, `z1 = S1` and midpoint `m`.
    #[inline(always)]
    fn entry(&self, z0: f64, z1: f64, m: f64) -> f64 {
        let r = inflate_ru((self.g * (z0 + self.k_eta) + z1 + self.s1_eta) * self.inv_den + self.k_eta);
        if r.is_finite() && self.usable && m.is_finite() { r } else { f64::INFINITY }
    }
}

/// `(mid, rad)` with the radius of [`RadiusForm`] per entry: the common last step of bounds (B3)
/// and (B3'') of `proofs-notes/net-validated-midrad.md`, which differ only in `g` and the
/// underflow term (an absent `S0` or `S1` is zero).
fn radius(
    mid: Vec<f64>,
    s0: Option<&[f64]>,
    s1: Option<&[f64]>,
    g: f64,
    k: usize,
    s1_eta: f64,
) -> (Vec<f64>, Vec<f64>) {
    let form = RadiusForm::new(g, k, s1_eta);
    let rad = match (s0, s1) {
        (Some(s0), Some(s1)) => {
            pooled(s0.iter().zip(s1).zip(&mid).map(|((&z0, &z1), &m)| form.entry(z0, z1, m)), mid.len())
        }
        (Some(s0), None) => pooled(s0.iter().zip(&mid).map(|(&z0, &m)| form.entry(z0, 0.0, m)), mid.len()),
        (None, Some(s1)) => pooled(s1.iter().zip(&mid).map(|(&z1, &m)| form.entry(0.0, z1, m)), mid.len()),
        (None, None) => pooled(mid.iter().map(|&m| form.entry(0.0, 0.0, m)), mid.len()),
    };
    #[cfg(feature = "fault-gemm-ulp")]
    let mid = {
        let mut mid = mid;
        perturb_beyond_bound(&mut mid, &rad);
        mid
    };
    (mid, rad)
}

/// [`product`] with fewer than 8 rows (linear combinations of the rows of `B`): each row by
/// [`combine_into`], no copies.
fn product_few_rows(
    am: &[f64],
    ar: &[f64],
    bm: &[f64],
    br: &[f64],
    rows: usize,
    k: usize,
    cols: usize,
) -> (Vec<f64>, Vec<f64>) {
    let (mut mid, mut rad) = (buffers::zeros(rows * cols), buffers::zeros(rows * cols));
    let b: Vec<(&[f64], &[f64])> =
        (0..k).map(|l| (&bm[l * cols..(l + 1) * cols], &br[l * cols..(l + 1) * cols])).collect();
    for i in 0..rows {
        let range = i * cols..(i + 1) * cols;
        combine(&am[i * k..(i + 1) * k], &ar[i * k..(i + 1) * k], &b, &mut mid[range.clone()], &mut rad[range]);
    }
    (mid, rad)
}

/// Columns per block of [`combine_into`] (its sums stay in the first-level cache).
const BLOCK: usize = 256;

/// The linear combination `Σ_l ⟨a_m, a_r⟩_l · ⟨B_m, B_r⟩_l` of the `k = a_m.len()` equally long
/// vectors `b[l] = (B_m, B_r)`, entrywise into `(out_m, out_r)`: one fused pass in which per entry
/// `mid`, `S0` and `S1 = Σ_l fl(fl(|a_l| b_{r,l}) + fl(a_{r,l}·fl(|b_{m,l}| + b_{r,l})))` accumulate
/// together (`l` in increasing order), bound (B3'') of `proofs-notes/net-validated-midrad.md`
/// (`g ≥ γ_{2k+4}`, underflow `(2k+2)η`). The columns run in blocks whose sums stay in cache;
/// each entry's arithmetic does not depend on the blocking. This is a row of [`product`] with
/// fewer than 8 rows, for right factors whose rows are not stored together.
///
/// Panics if the lengths do not match or a radius is negative or NaN.
pub fn combine_into(am: &[f64], ar: &[f64], b: &[(&[f64], &[f64])], out_m: &mut [f64], out_r: &mut [f64]) {
    let (k, cols) = (am.len(), out_m.len());
    assert!(ar.len() == k && b.len() == k && out_r.len() == cols, "combination of the wrong size");
    assert!(b.iter().all(|(m, r)| m.len() == cols && r.len() == cols), "combined vectors of different lengths");
    assert!(ar.iter().chain(b.iter().flat_map(|(_, r)| r.iter())).all(|r| *r >= 0.0), "radii must be non-negative");
    combine(am, ar, b, out_m, out_r);
}

/// [`combine_into`] without its checks (the callers have made them).
fn combine(am: &[f64], ar: &[f64], b: &[(&[f64], &[f64])], out_m: &mut [f64], out_r: &mut [f64]) {
    let (k, cols) = (am.len(), out_m.len());
    let form = RadiusForm::new(gamma_ru(2 * k + 4), k, mul_ru(2.0 * k as f64 + 2.0, ETA));
    let (mut s0, mut s1) = ([0.0f64; BLOCK], [0.0f64; BLOCK]);
    let mut j0 = 0;
    while j0 < cols {
        let w = BLOCK.min(cols - j0);
        let (mi, s0i, s1i) = (&mut out_m[j0..j0 + w], &mut s0[..w], &mut s1[..w]);
        mi.fill(0.0);
        s0i.fill(0.0);
        s1i.fill(0.0);
        for (l, (bml, brl)) in b.iter().enumerate() {
            let (a, ra) = (am[l], ar[l]);
            let aa = a.abs();
            let (bml, brl) = (&bml[j0..j0 + w], &brl[j0..j0 + w]);
            for j in 0..w {
                let (bv, rb) = (bml[j], brl[j]);
                mi[j] += a * bv;
                s0i[j] += aa * bv.abs();
                s1i[j] += aa * rb + ra * (bv.abs() + rb);
            }
        }
        for (((r, &m), &z0), &z1) in out_r[j0..j0 + w].iter_mut().zip(mi.iter()).zip(s0i.iter()).zip(s1i.iter()) {
            *r = form.entry(z0, z1, m);
        }
        #[cfg(feature = "fault-gemm-ulp")]
        perturb_beyond_bound(mi, &out_r[j0..j0 + w]);
        j0 += w;
    }
}

/// `⟨m, r⟩ ← ⟨m, r⟩ + ⟨m₂, r₂⟩` in place, entrywise (bound (B4): `m = fl(m + m₂)`,
/// `r = r + r₂ + u·|m|` rounded up; a non-finite midpoint gets radius `+∞`). Panics if the lengths
/// differ.
pub fn add_into(mid: &mut [f64], rad: &mut [f64], mid2: &[f64], rad2: &[f64]) {
    assert!(mid.len() == rad.len() && mid2.len() == mid.len() && rad2.len() == mid.len(), "sum of different lengths");
    for (((m, r), m2), r2) in mid.iter_mut().zip(rad.iter_mut()).zip(mid2).zip(rad2) {
        *m += m2;
        // (B0'): three operations, the constant u.
        *r = if m.is_finite() { inflate_ru(*r + *r2 + U * m.abs()) } else { f64::INFINITY };
    }
}

/// A box of f64 midpoints and radii: `{x : |x_i − mid_i| ≤ rad_i}`.
///
/// Invariant: `mid` and `rad` have the same length and every `rad_i ≥ 0` (possibly `+∞`).
#[derive(Clone, Debug, PartialEq)]
pub struct MidRadVec {
    mid: Vec<f64>,
    rad: Vec<f64>,
}

impl MidRadVec {
    /// The box with the given midpoints and radii. Panics if the lengths differ or a radius is
    /// negative or NaN (a NaN midpoint gets radius `+∞`).
    pub fn new(mid: Vec<f64>, rad: Vec<f64>) -> MidRadVec {
        assert_eq!(mid.len(), rad.len(), "midpoint and radius vectors of different lengths");
        assert!(rad.iter().all(|r| *r >= 0.0), "radii must be non-negative");
        let mut rad = rad;
        for (r, m) in rad.iter_mut().zip(&mid) {
            *r = if m.is_finite() { *r } else { f64::INFINITY };
        }
        MidRadVec { mid, rad }
    }
    /// The degenerate box of the points `x` (radius 0).
    pub fn from_points(x: &[f64]) -> MidRadVec {
        MidRadVec::new(x.to_vec(), vec![0.0; x.len()])
    }
    /// The smallest-radius midpoint–radius box around inari's midpoint containing each interval
    /// (inari's `rad` rounds up). Empty intervals are not allowed (panic).
    pub fn from_inari(x: &[Interval]) -> MidRadVec {
        assert!(x.iter().all(|v| !v.is_empty()), "empty interval in a midpoint-radius conversion");
        MidRadVec::new(x.iter().map(|v| v.mid()).collect(), x.iter().map(|v| v.rad()).collect())
    }
    /// The intervals `[mid − rad, mid + rad]`, rounded outward (`+∞` radius gives the entire line).
    pub fn to_inari(&self) -> Vec<Interval> {
        self.mid.iter().zip(&self.rad).map(|(&m, &r)| to_interval(m, r)).collect()
    }
    /// Midpoints.
    pub fn mid(&self) -> &[f64] {
        &self.mid
    }
    /// Radii.
    pub fn rad(&self) -> &[f64] {
        &self.rad
    }
    /// Length.
    pub fn len(&self) -> usize {
        self.mid.len()
    }
    /// Whether the vector has no entries.
    pub fn is_empty(&self) -> bool {
        self.mid.is_empty()
    }
    /// `self + rhs`: `mid = fl(m₁ + m₂)`, `rad = r₁ + r₂ + u·|mid|`, rounded up (bound (B4)).
    pub fn add(&self, rhs: &MidRadVec) -> MidRadVec {
        assert_eq!(self.len(), rhs.len(), "sum of vectors of different lengths");
        let mid: Vec<f64> = self.mid.iter().zip(&rhs.mid).map(|(a, b)| a + b).collect();
        let rad = (0..mid.len()).map(|i| add_ru(add_ru(self.rad[i], rhs.rad[i]), mul_ru(U, mid[i].abs()))).collect();
        MidRadVec::new(mid, rad)
    }
    /// `α · self` for an f64 `α`: `mid = fl(α·m)`, `rad = |α|·r + u·|mid| + η`, rounded up (B5).
    pub fn scale(&self, alpha: f64) -> MidRadVec {
        let mid: Vec<f64> = self.mid.iter().map(|m| alpha * m).collect();
        let rad = (0..mid.len())
            .map(|i| add_ru(add_ru(mul_ru(alpha.abs(), self.rad[i]), mul_ru(U, mid[i].abs())), ETA))
            .collect();
        MidRadVec::new(mid, rad)
    }
}

fn to_interval(m: f64, r: f64) -> Interval {
    if !(m.is_finite() && r.is_finite()) {
        return Interval::ENTIRE;
    }
    let lo = f64_down(m - r);
    let hi = f64_up(m + r);
    Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
}

/// A row-major matrix of midpoint–radius intervals.
///
/// Invariant: `mid` and `rad` have `rows · cols` entries and every radius is `≥ 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct MidRadMat {
    rows: usize,
    cols: usize,
    mid: Vec<f64>,
    rad: Vec<f64>,
}

impl MidRadMat {
    /// The matrix with the given row-major midpoints and radii. Panics on a shape mismatch or a
    /// negative/NaN radius.
    pub fn new(rows: usize, cols: usize, mid: Vec<f64>, rad: Vec<f64>) -> MidRadMat {
        assert_eq!(mid.len(), rows * cols, "midpoint matrix has the wrong number of entries");
        let v = MidRadVec::new(mid, rad);
        MidRadMat { rows, cols, mid: v.mid, rad: v.rad }
    }
    /// The point matrix `a` (row-major, radius 0).
    pub fn from_points(rows: usize, cols: usize, a: &[f64]) -> MidRadMat {
        MidRadMat::new(rows, cols, buffers::copy(a), buffers::zeros(a.len()))
    }
    /// From row-major inari intervals (see [`MidRadVec::from_inari`]).
    pub fn from_inari(rows: usize, cols: usize, a: &[Interval]) -> MidRadMat {
        let v = MidRadVec::from_inari(a);
        MidRadMat::new(rows, cols, v.mid, v.rad)
    }
    /// Row-major inari intervals, rounded outward.
    pub fn to_inari(&self) -> Vec<Interval> {
        self.mid.iter().zip(&self.rad).map(|(&m, &r)| to_interval(m, r)).collect()
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Row-major midpoints.
    pub fn mid(&self) -> &[f64] {
        &self.mid
    }
    /// Row-major radii.
    pub fn rad(&self) -> &[f64] {
        &self.rad
    }
    /// The row-major midpoints and radii, moved out.
    pub fn into_parts(mut self) -> (Vec<f64>, Vec<f64>) {
        (std::mem::take(&mut self.mid), std::mem::take(&mut self.rad))
    }
    /// `self · x`: encloses `{A x : A ∈ self, x ∈ x}` (bounds (B1)–(B3) with `cols = 1`, one pass
    /// per row: `mid`, `S0` and `S1` accumulated together; `S1` sums `2k` products in pairs, covered
    /// by `γ_{2k+2}`).
    pub fn mat_vec(&self, x: &MidRadVec) -> MidRadVec {
        assert_eq!(self.cols, x.len(), "matrix-vector product with mismatched sizes");
        let k = self.cols;
        let p: Vec<f64> = x.mid.iter().zip(&x.rad).map(|(m, r)| add_ru(m.abs(), *r)).collect();
        let g = gamma_ru(2 * k + 2);
        let k_eta = mul_ru(k as f64, ETA);
        let two_k_eta = mul_ru(2.0 * k as f64 + 2.0, ETA);
        let inv_den = f64_up(1.0 / f64_down(1.0 - g));
        let mut mid = Vec::with_capacity(self.rows);
        let mut rad = Vec::with_capacity(self.rows);
        for i in 0..self.rows {
            let am = &self.mid[i * k..(i + 1) * k];
            let ar = &self.rad[i * k..(i + 1) * k];
            let (mut m, mut s0, mut s1) = (0.0, 0.0, 0.0);
            for (((a, r), (xm, xr)), pl) in am.iter().zip(ar).zip(x.mid.iter().zip(&x.rad)).zip(&p) {
                m += a * xm;
                s0 += a.abs() * xm.abs();
                s1 += a.abs() * xr + r * pl;
            }
            let t = add_ru(add_ru(mul_ru(g, add_ru(s0, k_eta)), s1), two_k_eta);
            let r = add_ru(mul_ru(t, inv_den), k_eta);
            mid.push(m);
            rad.push(if r.is_finite() && g.is_finite() { r } else { f64::INFINITY });
        }
        MidRadVec::new(mid, rad)
    }
    /// `self · rhs`: encloses `{A B : A ∈ self, B ∈ rhs}` (bounds (B1)–(B3)).
    pub fn mat_mul(&self, rhs: &MidRadMat) -> MidRadMat {
        assert_eq!(self.cols, rhs.rows, "matrix product with mismatched sizes");
        let (mid, rad) = product(&self.mid, &self.rad, &rhs.mid, &rhs.rad, self.rows, self.cols, rhs.cols);
        MidRadMat::new(self.rows, rhs.cols, mid, rad)
    }
}

/// A dropped matrix's memory goes back to the thread's pool of large buffers ([`buffers`]), for
/// the next step's matrices of the same size.
impl Drop for MidRadMat {
    fn drop(&mut self) {
        buffers::recycle(std::mem::take(&mut self.mid));
        buffers::recycle(std::mem::take(&mut self.rad));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Rational;

    /// xorshift64*: a tiny deterministic generator (no dependency, reproducible failures).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        /// Uniform in [-1, 1) times 2^e for e in [e_lo, e_hi].
        fn float(&mut self, e_lo: i32, e_hi: i32) -> f64 {
            let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            let e = e_lo + (self.next() % ((e_hi - e_lo + 1) as u64)) as i32;
            u * 2f64.powi(e)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn q(v: f64) -> Rational {
        Rational::from_f64(v).unwrap()
    }

    /// `|exact − mid| ≤ rad` exactly, in rationals.
    fn inside(exact: &Rational, mid: f64, rad: f64) -> bool {
        rad.is_infinite() || (exact - q(mid)).abs() <= q(rad)
    }

    /// A random point of the box `mid ± rad` (a corner half of the time).
    fn pick(rng: &mut Rng, m: f64, r: f64) -> f64 {
        let t = if rng.next().is_multiple_of(2) {
            if rng.next().is_multiple_of(2) { -1.0 } else { 1.0 }
        } else {
            rng.unit() * 2.0 - 1.0
        };
        let p = m + t * r; // may round outside the box: clamp back into it exactly
        if q(p) > q(m) + q(r) {
            (m + r).next_down()
        } else if q(p) < q(m) - q(r) {
            (m - r).next_up()
        } else {
            p
        }
    }

    /// Checks containment of exact products of points of the boxes; returns how many entries had
    /// a non-zero rounding error in `mid` (so that the test is sensitive to the radius).
    fn check_product(rng: &mut Rng, rows: usize, k: usize, cols: usize, e: (i32, i32), rel: f64) -> usize {
        let draw = |rng: &mut Rng, len: usize| -> (Vec<f64>, Vec<f64>) {
            let mid: Vec<f64> = (0..len).map(|_| rng.float(e.0, e.1)).collect();
            let rad = mid.iter().map(|m| m.abs() * rng.unit() * rel).collect();
            (mid, rad)
        };
        let (am, ar) = draw(rng, rows * k);
        let (bm, br) = draw(rng, k * cols);
        let a = MidRadMat::new(rows, k, am.clone(), ar.clone());
        let b = MidRadMat::new(k, cols, bm.clone(), br.clone());
        let c = a.mat_mul(&b);
        let via_vec = (cols == 1).then(|| a.mat_vec(&MidRadVec::new(bm.clone(), br.clone())));
        let ap: Vec<f64> = (0..am.len()).map(|i| pick(rng, am[i], ar[i])).collect();
        let bp: Vec<f64> = (0..bm.len()).map(|i| pick(rng, bm[i], br[i])).collect();
        let mut nonzero_err = 0;
        for i in 0..rows {
            for j in 0..cols {
                let exact: Rational = (0..k).map(|l| q(ap[i * k + l]) * q(bp[l * cols + j])).sum();
                let idx = i * cols + j;
                assert!(
                    inside(&exact, c.mid()[idx], c.rad()[idx]),
                    "entry ({i},{j}) of a {rows}x{k}x{cols} product escapes"
                );
                if let Some(v) = &via_vec {
                    assert!(inside(&exact, v.mid()[i], v.rad()[i]), "entry {i} of a {rows}x{k} mat-vec escapes");
                }
                if exact != q(c.mid()[idx]) {
                    nonzero_err += 1;
                }
            }
        }
        nonzero_err
    }

    #[test]
    fn point_products_contain_exact_and_rounding_matters() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut sensitive = 0;
        for trial in 0..40 {
            let (r, k, c) = (1 + trial % 5, 1 + (trial * 7) % 24, 1 + (trial * 3) % 4);
            sensitive += check_product(&mut rng, r, k, c, (-3, 3), 0.0);
        }
        // Without the γ term the radius of a point product is 0: these entries would escape.
        assert!(
            sensitive > 20,
            "too few entries with rounding error ({sensitive}): the test would not notice a dropped γ term"
        );
    }

    #[test]
    fn blocked_kernel_products_contain_exact() {
        // At least 8 rows: the blocked, vectorised kernel (other order, fused multiply-adds).
        let mut rng = Rng(0x005e_ed0f_b10c);
        let mut sensitive = 0;
        for trial in 0..12 {
            let (r, k, c) = (8 + trial % 9, 6 + (trial * 7) % 37, 6 + (trial * 5) % 11);
            sensitive += check_product(&mut rng, r, k, c, (-3, 3), 0.0);
            check_product(&mut rng, r, k, c, (-8, 8), 1e-3);
        }
        check_product(&mut rng, 9, 12, 7, (-535, -520), 1e-3);
        assert!(sensitive > 100, "too few entries with rounding error ({sensitive})");
    }

    /// The Cauchy–Schwarz point product encloses the exact product (rationals), with rounding
    /// errors that matter (the test would notice a dropped radius), and for an orthonormal-ish
    /// square matrix its radius is within a small factor of the two-product bound's.
    #[test]
    fn cauchy_schwarz_point_products_contain_exact() {
        let mut rng = Rng(0x00c5_b0d5);
        let mut sensitive = 0;
        for trial in 0..16 {
            let (r, k, c) = (1 + trial % 11, 1 + (trial * 7) % 40, 1 + (trial * 5) % 13);
            let a: Vec<f64> = (0..r * k).map(|_| rng.float(-3, 3)).collect();
            let b: Vec<f64> = (0..k * c).map(|_| rng.float(-3, 3)).collect();
            let (mid, rad) = point_product_cs(&a, &b, r, k, c);
            for i in 0..r {
                for j in 0..c {
                    let exact: Rational = (0..k).map(|l| q(a[i * k + l]) * q(b[l * c + j])).sum();
                    assert!(inside(&exact, mid[i * c + j], rad[i * c + j]), "entry ({i},{j}) of {r}x{k}x{c} escapes");
                    sensitive += usize::from(exact != q(mid[i * c + j]));
                }
            }
        }
        assert!(sensitive > 100, "too few entries with rounding error ({sensitive})");
        // A Hadamard matrix scaled to nearly orthonormal columns.
        let n: usize = 32;
        let s = 1.0 / (n as f64).sqrt();
        let h: Vec<f64> =
            (0..n * n).map(|i| if ((i / n) & (i % n)).count_ones().is_multiple_of(2) { s } else { -s }).collect();
        let (_, cs) = point_product_cs(&h, &h, n, n, n);
        let (_, two) = product(&h, &vec![0.0; n * n], &h, &vec![0.0; n * n], n, n, n);
        let ratio = cs.iter().zip(&two).map(|(x, y)| x / y).fold(0.0, f64::max);
        assert!(ratio < 1.01, "radius ratio {ratio}");
    }

    /// Interval products whose radii are far below the rounding error of the midpoint product
    /// (relative 1e-22): the blocked path's shared radius product must still carry `γ·|Am||Bm|`
    /// (dropping it from `g|Bm| + Br` makes entries escape).
    #[test]
    fn narrow_interval_products_keep_the_rounding_term() {
        let mut rng = Rng(0x0bad_cafe);
        let mut sensitive = 0;
        for trial in 0..10 {
            let (r, k, c) = (8 + trial % 7, 5 + (trial * 7) % 31, 4 + (trial * 5) % 9);
            sensitive += check_product(&mut rng, r, k, c, (-3, 3), 1e-22);
        }
        assert!(sensitive > 100, "too few entries with rounding error ({sensitive})");
    }

    #[test]
    fn interval_products_contain_every_sampled_point_product() {
        let mut rng = Rng(42);
        for trial in 0..40 {
            let (r, k, c) = (1 + trial % 4, 1 + (trial * 5) % 17, 1 + (trial * 3) % 3);
            check_product(&mut rng, r, k, c, (-8, 8), 1e-3);
        }
    }

    /// Few-row products wider than one block of the fused pass (columns in several blocks, the
    /// last one partial) contain the exact products, and [`combine_into`] on separate row slices
    /// gives the same bits as the product of the stacked rows.
    #[test]
    fn multi_block_combinations_contain_exact_and_match_the_product() {
        let mut rng = Rng(0x00b1_0c55);
        let mut sensitive = 0;
        for (r, k, c) in [(1, 3, 2 * BLOCK + 17), (3, 6, BLOCK + 1), (2, 1, 3 * BLOCK)] {
            sensitive += check_product(&mut rng, r, k, c, (-3, 3), 0.0);
            check_product(&mut rng, r, k, c, (-8, 8), 1e-3);
        }
        assert!(sensitive > 1000, "too few entries with rounding error ({sensitive})");
        let (k, c) = (4, BLOCK + 40);
        let am: Vec<f64> = (0..k).map(|_| rng.float(-2, 2)).collect();
        let ar: Vec<f64> = am.iter().map(|a| a.abs() * 1e-9).collect();
        let rows: Vec<(Vec<f64>, Vec<f64>)> = (0..k)
            .map(|_| {
                let m: Vec<f64> = (0..c).map(|_| rng.float(-4, 4)).collect();
                let r = m.iter().map(|v| v.abs() * 1e-7).collect();
                (m, r)
            })
            .collect();
        let (bm, br): (Vec<f64>, Vec<f64>) =
            (rows.iter().flat_map(|x| x.0.clone()).collect(), rows.iter().flat_map(|x| x.1.clone()).collect());
        let (pm, pr) = product(&am, &ar, &bm, &br, 1, k, c);
        let slices: Vec<(&[f64], &[f64])> = rows.iter().map(|(m, r)| (&m[..], &r[..])).collect();
        let (mut cm, mut cr) = (vec![0.0; c], vec![0.0; c]);
        combine_into(&am, &ar, &slices, &mut cm, &mut cr);
        assert_eq!((pm, pr), (cm, cr), "the combination differs from the product of the stacked rows");
    }

    #[test]
    fn underflowing_products_are_covered_by_eta_terms() {
        let mut rng = Rng(7);
        for trial in 0..30 {
            // Products near 2^-1070..2^-1040: deep in the subnormal range.
            check_product(&mut rng, 2, 1 + trial % 9, 2, (-535, -520), if trial % 2 == 0 { 1e-3 } else { 0.0 });
        }
    }

    #[test]
    fn systematic_underflow_errors_need_the_eta_terms() {
        // Each product is exactly 1.5·η and rounds (ties to even) to 2η: 64 errors of +η/2 add up
        // to 32η, far more than the few ulps the upward-rounded radius formula adds by itself.
        let k = 64;
        let a = MidRadMat::from_points(1, k, &vec![1.5 * 2f64.powi(-537); k]);
        let x = MidRadVec::from_points(&vec![2f64.powi(-537); k]);
        let y = a.mat_vec(&x);
        let exact = q(ETA) * Rational::from((3 * k as i64, 2));
        assert_ne!(exact, q(y.mid()[0]));
        assert!(inside(&exact, y.mid()[0], y.rad()[0]));
    }

    #[test]
    fn add_and_scale_contain_exact() {
        let mut rng = Rng(99);
        for _ in 0..200 {
            let (a, b, alpha) = (rng.float(-60, 60), rng.float(-60, 60), rng.float(-5, 5));
            let x = MidRadVec::from_points(&[a]);
            let y = MidRadVec::from_points(&[b]);
            let s = x.add(&y);
            assert!(inside(&(q(a) + q(b)), s.mid()[0], s.rad()[0]));
            let t = x.scale(alpha);
            assert!(inside(&(q(a) * q(alpha)), t.mid()[0], t.rad()[0]));
            let (mut m, mut r) = ([a], [0.0]);
            add_into(&mut m, &mut r, &[b], &[0.0]);
            assert!(inside(&(q(a) + q(b)), m[0], r[0]), "in-place sum escapes");
        }
        let tiny = MidRadVec::from_points(&[3.0 * ETA]).scale(0.5);
        assert!(inside(&(q(3.0 * ETA) / 2), tiny.mid()[0], tiny.rad()[0]));
    }

    #[test]
    fn inari_round_trip_is_a_superset() {
        let xs =
            [Interval::try_from((0.1, 0.3)).unwrap(), Interval::try_from((-1e300, 2.0)).unwrap(), Interval::ENTIRE];
        let back = MidRadVec::from_inari(&xs).to_inari();
        for (x, y) in xs.iter().zip(&back) {
            assert!(x.subset(*y), "{x:?} not inside {y:?}");
        }
        let m = MidRadMat::from_inari(1, 3, &xs);
        assert_eq!((m.rows(), m.cols()), (1, 3));
    }

    #[test]
    fn gamma_is_an_upper_bound_and_refuses_huge_k() {
        let g = gamma_ru(10);
        let exact = q(10.0 * U) / (Rational::from(1) - q(10.0 * U));
        assert!(q(g) >= exact, "gamma_ru(10) = {g:e} below the exact γ_10");
        assert!(gamma_ru(1usize << 52).is_infinite());
        // An overflowing product is the entire line, not a guess.
        let a = MidRadMat::from_points(1, 1, &[f64::MAX]);
        assert!(a.mat_vec(&MidRadVec::from_points(&[f64::MAX])).to_inari()[0].is_entire());
    }
}
