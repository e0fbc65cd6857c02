//! Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (f64, not
//! validated): enough for the fast screen, whose matrices are `d × d` Gram sums with `d` small.

/// `A = Q diag(λ) Qᵀ` for a symmetric `A` (row-major `d × d`): the eigenvalues `λ` and the
/// eigenvectors as the **columns** of `q` (row-major `d × d`).
#[derive(Clone, Debug, PartialEq)]
pub struct SymEig {
    /// The eigenvalues, in no particular order.
    pub values: Vec<f64>,
    /// The orthogonal matrix of eigenvectors (column `k` belongs to `values[k]`), row-major.
    pub q: Vec<f64>,
}

/// Most sweeps; cyclic Jacobi converges quadratically, so a handful suffice for small `d`.
const MAX_SWEEPS: usize = 60;

/// The eigen-decomposition of the symmetric `d × d` matrix `a` (row-major; only its symmetric part
/// matters). Off-diagonal mass is driven below `1e-30` of the Frobenius norm squared, or the sweep
/// budget ends it (the result is then still an orthogonal `q` and a near-diagonal form).
pub fn sym_eig(a: &[f64], d: usize) -> SymEig {
    let mut m = a.to_vec();
    let mut q = vec![0.0; d * d];
    for k in 0..d {
        q[k * d + k] = 1.0;
    }
    let total: f64 = m.iter().map(|v| v * v).sum();
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * d + j].powi(2))
            .sum();
        if off <= 1e-30 * total || total == 0.0 {
            break;
        }
        for p in 0..d {
            for r in p + 1..d {
                rotate(&mut m, &mut q, d, p, r);
            }
        }
    }
    SymEig { values: (0..d).map(|k| m[k * d + k]).collect(), q }
}

/// One Jacobi rotation annihilating `m[p][r]` (and `m[r][p]`), accumulated into `q`.
fn rotate(m: &mut [f64], q: &mut [f64], d: usize, p: usize, r: usize) {
    let apr = m[p * d + r];
    if apr == 0.0 {
        return;
    }
    let theta = (m[r * d + r] - m[p * d + p]) / (2.0 * apr);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let t = if theta == 0.0 { 1.0 } else { t };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for k in 0..d {
        let (mkp, mkr) = (m[k * d + p], m[k * d + r]);
        m[k * d + p] = c * mkp - s * mkr;
        m[k * d + r] = s * mkp + c * mkr;
    }
    for k in 0..d {
        let (mpk, mrk) = (m[p * d + k], m[r * d + k]);
        m[p * d + k] = c * mpk - s * mrk;
        m[r * d + k] = s * mpk + c * mrk;
    }
    for k in 0..d {
        let (qkp, qkr) = (q[k * d + p], q[k * d + r]);
        q[k * d + p] = c * qkp - s * qkr;
        q[k * d + r] = s * qkp + c * qkr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Q diag(λ) Qᵀ` reproduces `a`, and `QᵀQ = I`.
    fn reconstructs(a: &[f64], d: usize) {
        let e = sym_eig(a, d);
        let scale = a.iter().fold(1.0f64, |s, v| s.max(v.abs()));
        for i in 0..d {
            for j in 0..d {
                let back: f64 = (0..d).map(|k| e.q[i * d + k] * e.values[k] * e.q[j * d + k]).sum();
                assert!((back - a[i * d + j]).abs() <= 1e-12 * scale, "entry ({i},{j}): {back} vs {}", a[i * d + j]);
                let orth: f64 = (0..d).map(|k| e.q[k * d + i] * e.q[k * d + j]).sum();
                assert!((orth - f64::from(u8::from(i == j))).abs() <= 1e-12, "QᵀQ at ({i},{j}) = {orth}");
            }
        }
    }

    #[test]
    fn diagonalises_gram_matrices_and_their_singular_cases() {
        reconstructs(&[2.0, 1.0, 1.0, 2.0], 2);
        reconstructs(&[4.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0], 3); // rank 1 in 3-d
        reconstructs(&[0.0; 16], 4);
        // A Gram sum of three points in 5-d, one coordinate 100× the others (stiff).
        let xs = [[1.0, 0.2, -0.3, 0.0, 100.0], [0.5, -1.0, 0.0, 2.0, 0.1], [0.0, 0.3, 0.7, -0.4, 3.0]];
        let mut a = vec![0.0; 25];
        for x in &xs {
            for i in 0..5 {
                for j in 0..5 {
                    a[i * 5 + j] += x[i] * x[j];
                }
            }
        }
        reconstructs(&a, 5);
        let e = sym_eig(&a, 5);
        assert_eq!(e.values.iter().filter(|v| v.abs() < 1e-9).count(), 2, "rank 3: {:?}", e.values);
    }

    #[test]
    fn eigenvalues_of_a_known_matrix() {
        let mut v = sym_eig(&[2.0, 1.0, 1.0, 2.0], 2).values;
        v.sort_by(f64::total_cmp);
        assert!((v[0] - 1.0).abs() < 1e-15 && (v[1] - 3.0).abs() < 1e-15, "{v:?}");
    }
}
