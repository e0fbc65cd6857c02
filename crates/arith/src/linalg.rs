//! Small generic vector and matrix helpers over any [`Scalar`] (row-major `Vec<S>` matrices).
//!
//! Guarantees follow the backend: for enclosures each result contains the exact value of the
//! formula applied to every choice of points in the inputs.

use crate::scalar::Scalar;

/// `Σ_k a_k b_k` (accumulated with `add_mul_assign`, left to right).
///
/// Empty slices give zero. Panics if the lengths differ.
pub fn dot<S: Scalar>(a: &[S], b: &[S], ctx: &S::Ctx) -> S {
    assert_eq!(a.len(), b.len(), "dot of vectors of different lengths");
    let mut acc = S::zero(ctx);
    for (x, y) in a.iter().zip(b) {
        acc.add_mul_assign(x, y);
    }
    acc
}

/// `‖a‖² = Σ_k a_k²` (using `sqr`, so an enclosure containing zero is not widened below zero).
pub fn norm_sq<S: Scalar>(a: &[S], ctx: &S::Ctx) -> S {
    let mut acc = S::zero(ctx);
    for x in a {
        acc = acc.add(&x.sqr());
    }
    acc
}

/// `‖a‖`.
pub fn norm<S: Scalar>(a: &[S], ctx: &S::Ctx) -> S {
    norm_sq(a, ctx).sqrt()
}

/// `y + α·x`, elementwise.
pub fn axpy<S: Scalar>(alpha: &S, x: &[S], y: &[S]) -> Vec<S> {
    assert_eq!(x.len(), y.len(), "axpy of vectors of different lengths");
    x.iter().zip(y).map(|(xi, yi)| alpha.mul_add(xi, yi)).collect()
}

/// `a + b`, elementwise.
pub fn add_vec<S: Scalar>(a: &[S], b: &[S]) -> Vec<S> {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x.add(y)).collect()
}

/// `a − b`, elementwise.
pub fn sub_vec<S: Scalar>(a: &[S], b: &[S]) -> Vec<S> {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x.sub(y)).collect()
}

/// `α·a`, elementwise.
pub fn scale_vec<S: Scalar>(alpha: &S, a: &[S]) -> Vec<S> {
    a.iter().map(|x| alpha.mul(x)).collect()
}

/// `M v` for a row-major `rows × cols` matrix `m`.
pub fn mat_vec<S: Scalar>(m: &[S], rows: usize, cols: usize, v: &[S], ctx: &S::Ctx) -> Vec<S> {
    assert_eq!(m.len(), rows * cols, "matrix storage does not match its shape");
    assert_eq!(v.len(), cols, "matrix–vector shapes differ");
    (0..rows).map(|r| dot(&m[r * cols..(r + 1) * cols], v, ctx)).collect()
}

/// `Mᵀ v` for a row-major `rows × cols` matrix `m`.
pub fn mat_t_vec<S: Scalar>(m: &[S], rows: usize, cols: usize, v: &[S], ctx: &S::Ctx) -> Vec<S> {
    assert_eq!(m.len(), rows * cols, "matrix storage does not match its shape");
    assert_eq!(v.len(), rows, "matrix–vector shapes differ");
    let mut out = vec![S::zero(ctx); cols];
    for r in 0..rows {
        for c in 0..cols {
            out[c].add_mul_assign(&m[r * cols + c], &v[r]);
        }
    }
    out
}

/// `A B` for row-major `n × k` and `k × m` matrices.
pub fn mat_mul<S: Scalar>(a: &[S], b: &[S], n: usize, k: usize, m: usize, ctx: &S::Ctx) -> Vec<S> {
    assert_eq!(a.len(), n * k);
    assert_eq!(b.len(), k * m);
    let mut out = vec![S::zero(ctx); n * m];
    for i in 0..n {
        for l in 0..k {
            let ail = &a[i * k + l];
            for j in 0..m {
                out[i * m + j].add_mul_assign(ail, &b[l * m + j]);
            }
        }
    }
    out
}
