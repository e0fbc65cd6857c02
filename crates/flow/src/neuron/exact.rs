//! Exact rational linear algebra of one activation pattern with `d × d` matrices, for the
//! non-validated reference (`reference.rs`); the certified solver works in the active span
//! (`gram.rs`). See `proofs-notes/neuron-closed-form.md`.
//!
//! For the active set `A` (points with `x_i ≠ 0` only) the field is `f(w) = A_m w + G b` with
//! `A_m = −G M`, `M = X_AᵀX_A`, `b = X_Aᵀy_A`, `G = 2c`. Everything here is exact (`rug::Rational`):
//! the projector `P` onto `range(M)`, the minimum-norm solution `w_A = M⁺b`, the guard
//! derivatives `g_i' = α_iᵀw + β_i`, and the loss of the limit of this pattern.

use rug::Rational;

/// The exact data of one activation pattern.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    /// `A_m = −G M`, row-major `d × d`.
    pub a: Vec<Rational>,
    /// Orthogonal projector onto `range(M)` (row-major).
    pub p: Vec<Rational>,
    /// `w_A = M⁺ b` (minimum-norm solution of `M w = b`).
    pub w_a: Vec<Rational>,
    /// `‖A_m‖_∞` (max absolute row sum), exactly.
    pub norm_inf: Rational,
    /// Per point: `α_i = −G M x_i`, so that `d/dt x_iᵀw = α_iᵀw + β_i`.
    pub alpha: Vec<Vec<Rational>>,
    /// Per point: `β_i = G x_iᵀ b`.
    pub beta: Vec<Rational>,
    /// Per point: `P x_i = 0` (the guard is constant while this pattern lasts).
    pub in_kernel: Vec<bool>,
}

fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// Inverse of a square matrix by Gauss–Jordan elimination (`None` if singular).
pub(crate) fn inverse(m: &[Rational], n: usize) -> Option<Vec<Rational>> {
    let mut a = m.to_vec();
    let mut inv = vec![Rational::new(); n * n];
    for i in 0..n {
        inv[i * n + i] = Rational::from(1);
    }
    for col in 0..n {
        let piv = (col..n).find(|&r| a[r * n + col] != 0)?;
        if piv != col {
            for k in 0..n {
                a.swap(piv * n + k, col * n + k);
                inv.swap(piv * n + k, col * n + k);
            }
        }
        let p = a[col * n + col].clone();
        for k in 0..n {
            a[col * n + k] /= &p;
            inv[col * n + k] /= &p;
        }
        for r in 0..n {
            if r == col || a[r * n + col] == 0 {
                continue;
            }
            let f = a[r * n + col].clone();
            for k in 0..n {
                let t = Rational::from(&f * &a[col * n + k]);
                a[r * n + k] -= t;
                let t = Rational::from(&f * &inv[col * n + k]);
                inv[r * n + k] -= t;
            }
        }
    }
    Some(inv)
}

/// Indices (into `rows`) of a maximal linearly independent subset, greedily in order.
pub(crate) fn row_basis(rows: &[&[Rational]]) -> Vec<usize> {
    let mut echelon: Vec<(usize, Vec<Rational>)> = Vec::new(); // (pivot column, reduced row)
    let mut chosen = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let mut v = r.to_vec();
        for (pc, e) in &echelon {
            if v[*pc] != 0 {
                let f = Rational::from(&v[*pc] / &e[*pc]);
                for (vj, ej) in v.iter_mut().zip(e) {
                    *vj -= Rational::from(&f * ej);
                }
            }
        }
        if let Some(pc) = v.iter().position(|c| *c != 0) {
            echelon.push((pc, v));
            chosen.push(k);
        }
    }
    chosen
}

/// For each point `i`, the other points `k` with `x_k = λ x_i`, `λ ≠ 0` (same hyperplane): their
/// guards are exact multiples `g_k = λ g_i`, so they switch at exactly the same times.
pub(crate) fn parallel(x: &[Vec<Rational>]) -> Vec<Vec<usize>> {
    let n = x.len();
    let nonzero: Vec<bool> = x.iter().map(|xi| xi.iter().any(|v| *v != 0)).collect();
    let par = |i: usize, k: usize| {
        let p = x[i].iter().position(|v| *v != 0).unwrap_or(0);
        if x[k][p] == 0 {
            return false;
        }
        let lambda = Rational::from(&x[k][p] / &x[i][p]);
        x[i].iter().zip(&x[k]).all(|(a, b)| Rational::from(a * &lambda) == *b)
    };
    (0..n).map(|i| (0..n).filter(|&k| k != i && nonzero[i] && nonzero[k] && par(i, k)).collect()).collect()
}

impl Piece {
    /// Builds the pattern data for the active set `active` (indices of points with `x_i ≠ 0`).
    pub fn new(x: &[Vec<Rational>], y: &[Rational], loss_c: &Rational, active: Vec<usize>) -> Piece {
        let d = x[0].len();
        let g = Rational::from(loss_c * 2u32);
        let mut m = vec![Rational::new(); d * d];
        let mut b = vec![Rational::new(); d];
        for &i in &active {
            for r in 0..d {
                b[r] += Rational::from(&y[i] * &x[i][r]);
                for c in 0..d {
                    m[r * d + c] += Rational::from(&x[i][r] * &x[i][c]);
                }
            }
        }
        let rows: Vec<&[Rational]> = active.iter().map(|&i| x[i].as_slice()).collect();
        let basis: Vec<usize> = row_basis(&rows).into_iter().map(|k| active[k]).collect();
        let r = basis.len();
        let mut p = vec![Rational::new(); d * d];
        let mut w_a = vec![Rational::new(); d];
        if r > 0 {
            // K = X_R X_Rᵀ, P = X_Rᵀ K⁻¹ X_R.
            let mut k = vec![Rational::new(); r * r];
            for (a1, &i) in basis.iter().enumerate() {
                for (a2, &j) in basis.iter().enumerate() {
                    k[a1 * r + a2] = dot(&x[i], &x[j]);
                }
            }
            let kinv = inverse(&k, r).expect("the Gram matrix of independent rows is invertible");
            for a1 in 0..r {
                for a2 in 0..r {
                    let f = &kinv[a1 * r + a2];
                    if *f == 0 {
                        continue;
                    }
                    for s in 0..d {
                        let t = Rational::from(f * &x[basis[a1]][s]);
                        for u in 0..d {
                            p[s * d + u] += Rational::from(&t * &x[basis[a2]][u]);
                        }
                    }
                }
            }
            // w_A = X_Rᵀ u with (CᵀC) u = Cᵀ y_A, C = X_A X_Rᵀ.
            let c_mat: Vec<Vec<Rational>> =
                active.iter().map(|&i| basis.iter().map(|&j| dot(&x[i], &x[j])).collect()).collect();
            let mut ctc = vec![Rational::new(); r * r];
            let mut cty = vec![Rational::new(); r];
            for (row, &i) in c_mat.iter().zip(&active) {
                for a1 in 0..r {
                    cty[a1] += Rational::from(&row[a1] * &y[i]);
                    for a2 in 0..r {
                        ctc[a1 * r + a2] += Rational::from(&row[a1] * &row[a2]);
                    }
                }
            }
            let ctc_inv = inverse(&ctc, r).expect("CᵀC is invertible when the rows of X_R are independent");
            for a1 in 0..r {
                let u: Rational = (0..r).map(|a2| Rational::from(&ctc_inv[a1 * r + a2] * &cty[a2])).sum();
                for s in 0..d {
                    w_a[s] += Rational::from(&u * &x[basis[a1]][s]);
                }
            }
        }
        let a: Vec<Rational> = m.iter().map(|v| -Rational::from(v * &g)).collect();
        let gb: Vec<Rational> = b.iter().map(|v| Rational::from(v * &g)).collect();
        let norm_inf = (0..d)
            .map(|r| a[r * d..(r + 1) * d].iter().map(|v| Rational::from(v.abs_ref())).sum::<Rational>())
            .max()
            .unwrap_or_default();
        let alpha: Vec<Vec<Rational>> =
            x.iter().map(|xi| (0..d).map(|r| dot(&a[r * d..(r + 1) * d], xi)).collect()).collect();
        let beta: Vec<Rational> = x.iter().map(|xi| dot(xi, &gb)).collect();
        let in_kernel: Vec<bool> = x.iter().map(|xi| (0..d).all(|r| dot(&p[r * d..(r + 1) * d], xi) == 0)).collect();
        Piece { a, p, w_a, norm_inf, alpha, beta, in_kernel }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64) -> Rational {
        Rational::from(a)
    }

    #[test]
    fn vardi_shamir_second_phase_projects_onto_the_first_two_coordinates() {
        let x = vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(1), q(1)]];
        let y = vec![q(16), q(18), q(0)];
        let half = Rational::from((1, 2));
        let pc = Piece::new(&x, &y, &half, vec![0, 1]);
        assert_eq!(pc.w_a, vec![q(5), q(-1), q(0)]);
        assert_eq!(pc.p, vec![q(1), q(0), q(0), q(0), q(1), q(0), q(0), q(0), q(0)]);
        assert!(!pc.in_kernel[2]);
        // M w_A = b, i.e. the field vanishes at w_A: α_iᵀw_A + β_i = x_iᵀ(Aw_A + Gb) = 0.
        for i in 0..3 {
            assert_eq!(dot(&pc.alpha[i], &pc.w_a) + &pc.beta[i], 0);
        }
    }

    #[test]
    fn parallel_points_share_their_hyperplane() {
        let x = vec![vec![q(1), q(2)], vec![q(-2), q(-4)], vec![q(1), q(1)], vec![q(0), q(0)]];
        let p = parallel(&x);
        assert_eq!(p, vec![vec![1], vec![0], vec![], vec![]]);
    }

    #[test]
    fn rank_deficient_and_empty_patterns() {
        // Two parallel points with inconsistent labels: least squares, non-zero limit loss.
        let x = vec![vec![q(1), q(1)], vec![q(2), q(2)]];
        let y = vec![q(1), q(1)];
        let pc = Piece::new(&x, &y, &Rational::from((1, 2)), vec![0, 1]);
        // min-norm LS solution of z = 1, 2z = 1 in z = w1 + w2: z = 3/5, w = (3/10, 3/10).
        assert_eq!(pc.w_a, vec![Rational::from((3, 10)), Rational::from((3, 10))]);
        let empty = Piece::new(&x, &y, &Rational::from((1, 2)), vec![]);
        assert!(empty.in_kernel.iter().all(|&k| k));
        assert_eq!(empty.norm_inf, 0);
        assert!(inverse(&[q(1), q(2), q(2), q(4)], 2).is_none());
    }
}
