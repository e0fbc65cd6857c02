//! The orthogonal factor of a Householder QR, blocked (compact WY form, Schreiber–Van Loan 1989;
//! LAPACK's `dgeqrf`/`dlarft`/`dorgqr`): the reflectors of a panel of `NB` columns are applied to
//! the rest of the matrix, and accumulated into `Q`, as matrix products (`matrixmultiply` through
//! nalgebra), so that the `O(n³)` part runs in blocked kernels instead of `n` rank-one passes over
//! the whole matrix. Plain f64: the Lohner step uses `Q` only as an approximately orthogonal basis
//! and bounds `‖I − QᵀQ‖` rigorously (`proofs-notes/net-validated-wrapping.md`, part B).

use nalgebra::{DMatrix, DMatrixView};
use reluflow_arith::buffers;

/// Panel width.
const NB: usize = 32;

/// One panel: its first column `k0`, the reflectors `V` (`(n − k0) × nb`, column `j` zero above
/// row `j`) and the upper triangular `T` with `H_{k0} ⋯ H_{k0+nb−1} = I − V T Vᵀ`.
struct Panel {
    k0: usize,
    v: DMatrix<f64>,
    t: DMatrix<f64>,
}

/// The `n × n` orthogonal factor `Q` (row-major, approximate) of the Householder QR of the
/// `n × cols` matrix `a` (row-major) with its columns taken in the order `perm`.
pub(super) fn householder_q(a: &[f64], n: usize, cols: usize, perm: &[usize]) -> Vec<f64> {
    // Column-major storage from the pool of large buffers (`buffers`), given back at the end.
    let mut wv = buffers::with_capacity(n * cols);
    wv.extend(perm.iter().flat_map(|&p| (0..n).map(move |i| a[i * cols + p])));
    let mut w = DMatrix::from_vec(n, cols, wv);
    let r = n.min(cols);
    let mut panels = Vec::with_capacity(r.div_ceil(NB));
    let mut k0 = 0;
    while k0 < r {
        let nb = NB.min(r - k0);
        let panel = factor_panel(&mut w, k0, nb);
        let rest = cols - k0 - nb;
        if rest > 0 {
            // W₂ ← (I − V T Vᵀ)ᵀ W₂ = W₂ − V (Tᵀ (Vᵀ W₂)) on rows k0.., columns k0 + nb...
            let y = t_prod(&panel.v.transpose(), &w.view((k0, k0 + nb), (n - k0, rest)));
            let y = t_prod(&panel.t.transpose(), &whole(&y));
            w.view_mut((k0, k0 + nb), (n - k0, rest)).gemm(-1.0, &panel.v, &y, 1.0);
        }
        panels.push(panel);
        k0 += nb;
    }
    // Q = ∏ (I − V T Vᵀ), accumulated from the last panel (each touches rows and columns k0..).
    let mut q = DMatrix::from_vec(n, n, buffers::zeros(n * n));
    q.fill_diagonal(1.0);
    for p in panels.iter().rev() {
        let m = n - p.k0;
        let y = t_prod(&p.v.transpose(), &q.view((p.k0, p.k0), (m, m)));
        let y = t_prod(&p.t, &whole(&y));
        q.view_mut((p.k0, p.k0), (m, m)).gemm(-1.0, &p.v, &y, 1.0);
    }
    buffers::recycle(w.data.into());
    // Column-major `Qᵀ` is row-major `Q`: the transpose into a kept buffer.
    let mut out = buffers::zeros(n * n);
    for (j, col) in q.column_iter().enumerate() {
        for (i, &v) in col.iter().enumerate() {
            out[i * n + j] = v;
        }
    }
    buffers::recycle(q.data.into());
    out
}

/// The whole matrix as a view.
fn whole(a: &DMatrix<f64>) -> DMatrixView<'_, f64> {
    a.view((0, 0), a.shape())
}

/// `a · b` by nalgebra's `gemm` (blocked kernels).
fn t_prod(a: &DMatrix<f64>, b: &DMatrixView<f64>) -> DMatrix<f64> {
    let mut c = DMatrix::zeros(a.nrows(), b.ncols());
    c.gemm(1.0, a, b, 0.0);
    c
}

/// Householder reflectors of columns `k0..k0 + nb` of `w` (applied to those columns only), and the
/// panel's `T` (`T_jj = β_j`, `T[..j, j] = −β_j T[..j, ..j] V[:, ..j]ᵀ v_j`).
fn factor_panel(w: &mut DMatrix<f64>, k0: usize, nb: usize) -> Panel {
    let n = w.nrows();
    let rows = n - k0;
    let mut v = DMatrix::<f64>::zeros(rows, nb);
    let mut beta = vec![0.0; nb];
    for j in 0..nb {
        let k = k0 + j;
        let x: Vec<f64> = w.view((k, k), (n - k, 1)).iter().copied().collect();
        let norm = x.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            continue;
        }
        let alpha = if x[0] > 0.0 { -norm } else { norm };
        let mut vj = x;
        vj[0] -= alpha;
        let vn: f64 = vj.iter().map(|a| a * a).sum();
        if vn == 0.0 {
            continue;
        }
        beta[j] = 2.0 / vn;
        for col in k..k0 + nb {
            let mut c = w.view_mut((k, col), (n - k, 1));
            let s: f64 = c.iter().zip(&vj).map(|(a, b)| a * b).sum::<f64>() * beta[j];
            c.iter_mut().zip(&vj).for_each(|(a, b)| *a -= s * b);
        }
        v.view_mut((j, j), (n - k, 1)).iter_mut().zip(&vj).for_each(|(a, b)| *a = *b);
    }
    let mut t = DMatrix::<f64>::zeros(nb, nb);
    for j in 0..nb {
        t[(j, j)] = beta[j];
        if j == 0 || beta[j] == 0.0 {
            continue;
        }
        // z = V[:, ..j]ᵀ v_j, then T[..j, j] = −β_j T[..j, ..j] z.
        let vj = v.column(j);
        let z: Vec<f64> = (0..j).map(|c| v.column(c).dot(&vj)).collect();
        for i in 0..j {
            let s: f64 = (i..j).map(|c| t[(i, c)] * z[c]).sum();
            t[(i, j)] = -beta[j] * s;
        }
    }
    Panel { k0, v, t }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unblocked Householder QR (one reflector at a time over the whole matrix): the
    /// reference the blocked one must reproduce.
    fn unblocked_q(a: &[f64], n: usize, cols: usize, perm: &[usize]) -> Vec<f64> {
        let mut w = DMatrix::from_fn(n, cols, |i, k| a[i * cols + perm[k]]);
        let mut q = DMatrix::<f64>::identity(n, n);
        for k in 0..n.min(cols) {
            let x: Vec<f64> = w.view((k, k), (n - k, 1)).iter().copied().collect();
            let norm = x.iter().map(|a| a * a).sum::<f64>().sqrt();
            if norm == 0.0 {
                continue;
            }
            let mut v = x;
            v[0] -= if v[0] > 0.0 { -norm } else { norm };
            let beta = 2.0 / v.iter().map(|a| a * a).sum::<f64>();
            let vv = DMatrix::from_column_slice(n - k, 1, &v);
            let ws = w.view((k, 0), (n - k, cols)).into_owned();
            let upd = &vv * (vv.transpose() * &ws) * beta;
            w.view_mut((k, 0), (n - k, cols)).copy_from(&(ws - upd));
            let qs = q.view((0, k), (n, n - k)).into_owned();
            let upd = (&qs * &vv) * vv.transpose() * beta;
            q.view_mut((0, k), (n, n - k)).copy_from(&(qs - upd));
        }
        q.transpose().as_slice().to_vec()
    }

    #[test]
    fn blocked_q_is_the_householder_q_and_triangularises() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut unit = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for &(n, cols) in &[(5usize, 5usize), (70, 70), (70, 45), (70, 101), (33, 33)] {
            let mut a: Vec<f64> = (0..n * cols).map(|_| unit()).collect();
            // A zero column and a rank deficiency: skipped reflectors inside a panel.
            (0..n).for_each(|i| a[i * cols + 1] = 0.0);
            let perm: Vec<usize> = (0..cols).rev().collect();
            let q = householder_q(&a, n, cols, &perm);
            let reference = unblocked_q(&a, n, cols, &perm);
            for (e, (x, y)) in q.iter().zip(&reference).enumerate() {
                assert!((x - y).abs() < 1e-12, "{n}×{cols}: Q entry {e}: {x} vs the unblocked {y}");
            }
            let qm = DMatrix::from_row_slice(n, n, &q);
            let ap = DMatrix::from_fn(n, cols, |i, k| a[i * cols + perm[k]]);
            let r = qm.transpose() * ap;
            for k in 0..cols.min(n) {
                for i in k + 1..n {
                    assert!(r[(i, k)].abs() < 1e-12, "{n}×{cols}: (QᵀA)[{i}, {k}] = {:e}", r[(i, k)]);
                }
            }
        }
    }
}
