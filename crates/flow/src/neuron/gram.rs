//! Exact rational linear algebra of one activation pattern in the span of its active points
//! (`proofs-notes/neuron-gram-space.md`): nothing here is `d × d`, so the cost of a pattern is
//! linear in the dimension `d` for a fixed number of points.
//!
//! `V = span{x_i : i ∈ A} = range(M)` gets an exactly orthogonal rational basis `q̂_1, …, q̂_r`
//! (Gram–Schmidt, each vector scaled by a power of two so that `D_k = ‖q̂_k‖² ∈ [1/4, 16)`). The
//! operator `K = GM` maps `V` into itself; its matrix in that basis is `N` (`K q̂_j = Σ_k N_kj q̂_k`),
//! so `K Q̂ᵀ = Q̂ᵀN`, `exp(−sK) Q̂ᵀ = Q̂ᵀ exp(−sN)`, and `DN` is symmetric.

use rug::Rational;

pub(crate) fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// `2^{−e}` with `4^e` close to `m > 0`: the scale that brings `m` into `[1/4, 16)`.
fn half_log_scale(m: &Rational) -> i32 {
    let l = m.numer().significant_bits() as i64 - m.denom().significant_bits() as i64;
    l.div_euclid(2) as i32
}

/// An exactly orthogonal basis of the span of `rows` (Gram–Schmidt in order, dependent rows
/// skipped), each vector scaled by a power of two so that `D_k = ‖q̂_k‖² ∈ [1/2, 4)`.
fn orthogonal(d: usize, rows: impl Iterator<Item = Vec<Rational>>) -> (Vec<Vec<Rational>>, Vec<Rational>) {
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
fn axis_aligned(q: &[Vec<Rational>], dq: &[Rational]) -> Vec<Vec<Rational>> {
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

/// The pattern's operator on its active span.
#[derive(Clone, Debug)]
pub(crate) struct Gram {
    pub d: usize,
    /// The orthogonal basis rows `q̂_k` of `V`.
    pub q: Vec<Vec<Rational>>,
    /// `D_k = ‖q̂_k‖²`.
    pub dq: Vec<Rational>,
    /// `N`, row-major `r × r`.
    pub n: Vec<Rational>,
    /// `w_A = Q̂ᵀω` (the minimum-norm solution of `Mw = b`).
    pub omega: Vec<Rational>,
}

impl Gram {
    /// The basis, `N` and `ω` for the active set `active` (points with `x_i ≠ 0`), loss factor `c`.
    pub fn new(x: &[Vec<Rational>], y: &[Rational], c: &Rational, active: &[usize]) -> Gram {
        let d = x[0].len();
        let g = Rational::from(c * 2u32);
        let (q0, dq0) = orthogonal(d, active.iter().map(|&i| x[i].clone()));
        let (q, dq) = orthogonal(d, axis_aligned(&q0, &dq0).into_iter());
        let r = q.len();
        // C_ij = x_iᵀq̂_j over the active points; DN = G CᵀC, D⁻¹Q̂(Gb) = G D⁻¹Cᵀy_A.
        let cm: Vec<Vec<Rational>> = active.iter().map(|&i| q.iter().map(|qk| dot(&x[i], qk)).collect()).collect();
        let mut n = vec![Rational::new(); r * r];
        let mut rhs = vec![Rational::new(); r];
        for (row, &i) in cm.iter().zip(active) {
            for k in 0..r {
                rhs[k] += Rational::from(&row[k] * &y[i]);
                for j in 0..r {
                    n[k * r + j] += Rational::from(&row[k] * &row[j]);
                }
            }
        }
        // Nω = D⁻¹Cᵀy (the factor G cancels), then N = G D⁻¹CᵀC.
        for k in 0..r {
            rhs[k] /= &dq[k];
            for j in 0..r {
                n[k * r + j] /= &dq[k];
            }
        }
        let omega = match super::exact::inverse(&n, r) {
            Some(inv) => (0..r).map(|k| dot(&inv[k * r..(k + 1) * r], &rhs)).collect(),
            None => unreachable!("N is similar to CᵀC/D with C of full column rank"),
        };
        n.iter_mut().for_each(|v| *v *= &g);
        Gram { d, q, dq, n, omega }
    }

    pub fn rank(&self) -> usize {
        self.q.len()
    }

    /// `D⁻¹Q̂w`: the coordinates of `Pw`.
    pub fn coords(&self, w: &[Rational]) -> Vec<Rational> {
        self.q.iter().zip(&self.dq).map(|(qk, dk)| dot(qk, w) / dk).collect()
    }

    /// `Q̂ᵀz`.
    pub fn lift(&self, z: &[Rational]) -> Vec<Rational> {
        let mut w = vec![Rational::new(); self.d];
        for (zk, qk) in z.iter().zip(&self.q) {
            if *zk != 0 {
                w.iter_mut().zip(qk).for_each(|(a, b)| *a += Rational::from(zk * b));
            }
        }
        w
    }

    /// `N z`.
    pub fn apply_n(&self, z: &[Rational]) -> Vec<Rational> {
        let r = self.rank();
        (0..r).map(|k| dot(&self.n[k * r..(k + 1) * r], z)).collect()
    }

    /// The symmetric `DN` (row-major `r × r`).
    pub fn dn(&self) -> Vec<Rational> {
        let r = self.rank();
        (0..r * r).map(|k| Rational::from(&self.n[k] * &self.dq[k / r])).collect()
    }

    /// `ρᵀDρ = ‖Q̂ᵀρ‖²`.
    pub fn norm_sq(&self, z: &[Rational]) -> Rational {
        z.iter().zip(&self.dq).map(|(a, dk)| Rational::from(a.square_ref()) * dk).sum()
    }

    /// Approximate eigenpairs of `N` in f64 (untrusted: callers bound their residuals exactly):
    /// the eigenvalues and vectors `ξ` with `Q̂ᵀξ` of unit length, through the symmetric
    /// `D^{−1/2}(DN)D^{−1/2}`.
    pub fn eigen_f64(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let r = self.rank();
        if r == 0 {
            return (Vec::new(), Vec::new());
        }
        let sd: Vec<f64> = self.dq.iter().map(|v| v.to_f64().sqrt()).collect();
        let dn = self.dn();
        let t: Vec<f64> = (0..r * r).map(|k| dn[k].to_f64() / (sd[k / r] * sd[k % r])).collect();
        let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(r, r, &t));
        let vecs = (0..r).map(|c| (0..r).map(|k| eig.eigenvectors[(k, c)] / sd[k]).collect()).collect();
        (eig.eigenvalues.iter().copied().collect(), vecs)
    }

    /// The diagonal of `I − P`: `(I − P)_jj = 1 − Σ_k q̂_k[j]²/D_k`, the squared Euclidean norm of
    /// row `j` of the projector `I − P`.
    pub fn kernel_diag(&self) -> Vec<Rational> {
        let mut diag = vec![Rational::from(1); self.d];
        for (qk, dk) in self.q.iter().zip(&self.dq) {
            diag.iter_mut()
                .zip(qk)
                .filter(|(_, v)| **v != 0)
                .for_each(|(a, v)| *a -= Rational::from(v.square_ref()) / dk);
        }
        diag
    }

    /// `‖N‖_∞` (max absolute row sum).
    pub fn norm_inf(&self) -> Rational {
        let r = self.rank();
        (0..r)
            .map(|k| self.n[k * r..(k + 1) * r].iter().map(|v| Rational::from(v.abs_ref())).sum())
            .max()
            .unwrap_or_default()
    }
}

/// A pattern's exact data for the certified solver: the operator on the span and per-point guards.
#[derive(Clone, Debug)]
pub(crate) struct GramPiece {
    pub g: Gram,
    /// Per point: `α_i = −GMx_i = −Q̂ᵀ N D⁻¹Q̂x_i`, so that `d/dt x_iᵀw = α_iᵀw + β_i`.
    pub alpha: Vec<Vec<Rational>>,
    /// Per point: `‖α_i‖²`, exactly.
    pub alpha_sq: Vec<Rational>,
    /// Per point: `β_i = Gx_iᵀb = x_iᵀ(Q̂ᵀNω)`.
    pub beta: Vec<Rational>,
    /// Per point: `Px_i = 0` (the guard is constant while this pattern lasts).
    pub in_kernel: Vec<bool>,
    /// Per point: active, `Px_i ≠ 0` and `x_iᵀw_A = 0` exactly (the limit is on its hyperplane).
    pub on_plane: Vec<bool>,
    /// `c [Σ_{i∈A} (x_iᵀw_A − y_i)² + Σ_{i∉A} y_i²]`: the loss of every limit of this pattern.
    pub limit_loss: Rational,
}

impl GramPiece {
    pub fn new(x: &[Vec<Rational>], y: &[Rational], c: &Rational, active: &[usize]) -> GramPiece {
        let g = Gram::new(x, y, c, active);
        let w_a = g.lift(&g.omega);
        let n_omega = g.apply_n(&g.omega);
        let (mut alpha, mut alpha_sq, mut beta, mut in_kernel) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for xi in x {
            let cx = g.coords(xi);
            let eta: Vec<Rational> = g.apply_n(&cx).into_iter().map(|v| -v).collect();
            alpha_sq.push(g.norm_sq(&eta));
            alpha.push(g.lift(&eta));
            // Gb = GMw_A = Q̂ᵀNω, so x_iᵀGb = (Q̂x_i)ᵀNω = Σ_k D_k cx_k (Nω)_k.
            beta.push(cx.iter().zip(&n_omega).zip(&g.dq).map(|((a, b), dk)| Rational::from(a * b) * dk).sum());
            in_kernel.push(cx.iter().all(|v| *v == 0));
        }
        let n = x.len();
        let on_plane: Vec<bool> =
            (0..n).map(|i| active.contains(&i) && !in_kernel[i] && dot(&x[i], &w_a) == 0).collect();
        let mut limit_loss = Rational::new();
        for i in 0..n {
            let e = if active.contains(&i) { dot(&x[i], &w_a) - &y[i] } else { y[i].clone() };
            limit_loss += Rational::from(e.square_ref());
        }
        limit_loss *= c;
        GramPiece { g, alpha, alpha_sq, beta, in_kernel, on_plane, limit_loss }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64) -> Rational {
        Rational::from(a)
    }

    #[test]
    fn vardi_shamir_second_phase_has_the_axis_basis_and_the_exact_limit() {
        let x = vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(1), q(1)]];
        let y = vec![q(16), q(18), q(0)];
        let pc = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[0, 1]);
        assert_eq!(pc.g.q, vec![vec![q(1), q(0), q(0)], vec![q(0), q(1), q(0)]], "span(e₀, e₁)");
        assert_eq!(pc.g.lift(&pc.g.omega), vec![q(5), q(-1), q(0)]);
        assert_eq!(pc.limit_loss, q(0));
        assert!(!pc.in_kernel[2] && !pc.on_plane[0]);
        assert_eq!(pc.g.kernel_diag(), vec![q(0), q(0), q(1)]);
        // The field vanishes at w_A: β_i = −α_iᵀw_A.
        let w_a = pc.g.lift(&pc.g.omega);
        for i in 0..3 {
            assert_eq!(dot(&pc.alpha[i], &w_a) + &pc.beta[i], 0);
        }
    }

    #[test]
    fn operator_matches_the_dense_matrix() {
        // K = GM on a 2-dimensional span in ℝ⁴: K Q̂ᵀ = Q̂ᵀN and DN symmetric, exactly.
        let x = vec![vec![q(1), q(2), q(0), q(-1)], vec![q(0), q(1), q(3), q(1)], vec![q(2), q(5), q(3), q(-1)]];
        let y = vec![q(1), q(2), q(3)];
        let c = Rational::from((1, 3));
        let g = Gram::new(&x, &y, &c, &[0, 1, 2]);
        assert_eq!(g.rank(), 2, "x₂ = 2x₀ + x₁");
        let gm = |v: &[Rational]| -> Vec<Rational> {
            let mut out = vec![Rational::new(); 4];
            for xi in &x {
                let f = dot(xi, v) * Rational::from(&c * 2u32);
                out.iter_mut().zip(xi).for_each(|(a, b)| *a += Rational::from(&f * b));
            }
            out
        };
        for j in 0..2 {
            let nj: Vec<Rational> = (0..2).map(|k| g.n[k * 2 + j].clone()).collect();
            assert_eq!(gm(&g.q[j]), g.lift(&nj));
        }
        let dn = g.dn();
        assert_eq!(dn[1], dn[2]);
        assert_eq!(dot(&g.q[0], &g.q[1]), 0);
    }

    #[test]
    fn rank_deficient_and_empty_patterns() {
        // Two parallel points with inconsistent labels: least squares, non-zero limit loss.
        let x = vec![vec![q(1), q(1)], vec![q(2), q(2)]];
        let y = vec![q(1), q(1)];
        let pc = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[0, 1]);
        // min-norm LS solution of z = 1, 2z = 1 in z = w1 + w2: z = 3/5, w = (3/10, 3/10).
        assert_eq!(pc.g.lift(&pc.g.omega), vec![Rational::from((3, 10)), Rational::from((3, 10))]);
        assert_eq!(pc.limit_loss, Rational::from((1, 10)), "½((3/5 − 1)² + (6/5 − 1)²)");
        let empty = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[]);
        assert!(empty.in_kernel.iter().all(|&k| k));
        assert_eq!((empty.g.rank(), empty.g.norm_inf()), (0, q(0)));
        assert_eq!(empty.limit_loss, Rational::from(1));
    }
}
