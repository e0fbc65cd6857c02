//! A rigorous upper bound of `λ_max` of a symmetric point matrix from approximate eigenvectors
//! (Sylvester's law of inertia and Gershgorin's discs), with two `O(n³)` point products per bound:
//! the error terms of the products enter the Gershgorin test only through row sums, which are
//! matrix–vector products (`proofs-notes/net-validated-ball.md`, Claim 3, "Cost").

use super::super::bulk::{abs_col_sums_ru, identity_defect_ru, nonneg_mat_vec_ru, perron_ru, transpose};
use reluflow_arith::midrad::{ETA, MidRadMat, add_ru, gamma_ru, mul_ru, point_product};

/// Approximate eigenvectors of an earlier matrix, reused by [`lambda_max_upper_cached`]: the
/// bound is rigorous for *any* `V` with `‖I − VᵀV‖_∞ < 1/2`, and along the convergent phase the
/// symmetric Jacobian changes slowly, so an earlier `V` usually proves a bound as tight as a fresh
/// eigendecomposition. `P = VᵀV` (its midpoints and radius row sums) is kept with `V`: it does
/// not depend on the matrix.
#[derive(Clone, Debug, Default)]
pub(crate) struct EigenCache {
    /// Row-major `n × n` eigenvectors (columns), or empty.
    v: Vec<f64>,
    /// `Vᵀ`, row-major.
    vt: Vec<f64>,
    /// Midpoints of `P ∋ VᵀV` (row-major).
    pm: Vec<f64>,
    /// Upper bounds of the row sums of the radii of `P`.
    prow: Vec<f64>,
    n: usize,
}

impl EigenCache {
    /// The cache entry of `v` (row-major `n × n`), or `None` if `‖I − VᵀV‖_∞ < 1/2` is not proved.
    fn of(v: Vec<f64>, n: usize) -> Option<EigenCache> {
        let vt = transpose(&v, n);
        let p = MidRadMat::from_points(n, n, &vt).mat_mul(&MidRadMat::from_points(n, n, &v));
        if identity_defect_ru(&p) >= 0.5 {
            return None;
        }
        let prow = p.rad().chunks_exact(n).map(|row| row.iter().fold(0.0, |s, &r| add_ru(s, r))).collect();
        Some(EigenCache { v, vt, pm: p.mid().to_vec(), prow, n })
    }
}

/// A rigorous upper bound of `λ_max(A')` for every symmetric matrix `A'` in the symmetric
/// midpoint–radius matrix `A` (`n × n`, `mid` symmetric), or `None` if the check fails: the bound
/// for `M = mid(A)` below plus the Perron bound of `rad(A)` (Weyl; the callers in the integrator
/// pass radius 0 and add their own).
///
/// Method (Sylvester's law of inertia): with `V` the approximate eigenvectors of `M` and `V`
/// proved invertible (`‖I − VᵀV‖_∞ < 1/2`), `M − sI ≼ 0` iff `Vᵀ(M − sI)V ≼ 0`; the latter is
/// proved by Gershgorin's discs of `VᵀMV − s·VᵀV` lying in `(−∞, 0]`.
/// Proofs note: `proofs-notes/net-validated-ball.md`.
#[cfg(test)]
pub(crate) fn lambda_max_upper(a: &MidRadMat) -> Option<f64> {
    lambda_max_upper_cached(a, &mut EigenCache::default())
}

/// [`lambda_max_upper`] trying the eigenvectors of `cache` first: their bound is taken when it
/// exceeds the largest Rayleigh quotient `max_i (VᵀMV)_ii / (VᵀV)_ii` (≤ `λ_max(M)`) by at most
/// `10⁻³` of it (plus `10⁻¹²`); otherwise `M` is decomposed afresh and the cache replaced.
pub(crate) fn lambda_max_upper_cached(a: &MidRadMat, cache: &mut EigenCache) -> Option<f64> {
    let s = mid_lambda_max_upper(a, cache)?;
    if a.rad().iter().all(|&r| r == 0.0) {
        return Some(s);
    }
    let r = perron_ru(a.rad(), a.rows());
    r.is_finite().then(|| add_ru(s, r))
}

/// The bound of [`lambda_max_upper_cached`] for the point matrix `mid(a)`.
fn mid_lambda_max_upper(a: &MidRadMat, cache: &mut EigenCache) -> Option<f64> {
    let n = a.rows();
    if n == 0 {
        return Some(0.0);
    }
    if a.mid().iter().any(|x| !x.is_finite()) {
        return None;
    }
    if cache.n == n
        && let Some((s, rq)) = bound_with(a.mid(), cache)
        && s - rq <= 1e-3 * rq.abs() + 1e-12
    {
        return Some(s);
    }
    let m = nalgebra::DMatrix::from_row_slice(n, n, a.mid());
    let eig = nalgebra::SymmetricEigen::new(m);
    // V row-major: v[i * n + k] = V_ik (column k = k-th eigenvector).
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            v[i * n + k] = eig.eigenvectors[(i, k)];
        }
    }
    if v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let fresh = EigenCache::of(v, n)?;
    let (s, _) = bound_with(a.mid(), &fresh)?;
    *cache = fresh;
    Some(s)
}

/// The Gershgorin bound of [`lambda_max_upper`] for the point matrix `m` (row-major, symmetric)
/// with the eigenvectors of `c`, and the largest Rayleigh quotient (an f64 estimate, not a bound).
///
/// `G̃ = fl(Vᵀ fl(MV))` differs from `VᵀMV` by at most `γ_n(|Vᵀ||fl(MV)| + |Vᵀ||M||V|) +
/// nη(1 + |Vᵀ|𝟙𝟙ᵀ)` entrywise ((B1) twice); only the row sums of that enter the discs, and they are
/// matrix–vector products (`O(n²)`), bounded from above by [`nonneg_mat_vec_ru`].
fn bound_with(m: &[f64], c: &EigenCache) -> Option<(f64, f64)> {
    let n = c.n;
    let mv = point_product(m, &c.v, n, n, n);
    let gm = point_product(&c.vt, &mv, n, n, n);
    if gm.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let ones = vec![1.0; n];
    let abs = |x: &[f64]| x.iter().map(|v| v.abs()).collect::<Vec<f64>>();
    // |Vᵀ|(|fl(MV)|𝟙) + |Vᵀ|(|M|(|V|𝟙)), and |Vᵀ|𝟙, all upper bounds.
    let y1 = abs_col_sums_ru(&c.v, n, &nonneg_mat_vec_ru(&abs(&mv), n, n, &ones));
    let v_rows = nonneg_mat_vec_ru(&abs(&c.v), n, n, &ones);
    let y2 = abs_col_sums_ru(&c.v, n, &nonneg_mat_vec_ru(&abs(m), n, n, &v_rows));
    let z = abs_col_sums_ru(&c.v, n, &ones);
    let (g, n2_eta) = (gamma_ru(n), mul_ru((n * n) as f64, ETA));
    let grow: Vec<f64> =
        (0..n).map(|i| add_ru(mul_ru(g, add_ru(y1[i], y2[i])), mul_ru(n2_eta, add_ru(1.0, z[i])))).collect();
    if grow.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let rq = (0..n).map(|i| gm[i * n + i] / c.pm[i * n + i]).fold(f64::NEG_INFINITY, f64::max);
    // Candidate: the largest Gershgorin bound of VᵀMV (with VᵀV ≈ I), then raised while the discs
    // of G − sP reach above 0.
    let mut s = (0..n)
        .map(|i| {
            let row = &gm[i * n..(i + 1) * n];
            row[i] + row.iter().enumerate().filter(|&(k, _)| k != i).map(|(_, x)| x.abs()).sum::<f64>() + grow[i]
        })
        .fold(f64::NEG_INFINITY, f64::max);
    for _ in 0..6 {
        let worst = discs_upper(&gm, &grow, c, s);
        if worst <= 0.0 {
            return Some((s, rq));
        }
        if !worst.is_finite() || !s.is_finite() {
            return None;
        }
        s = add_ru(s, add_ru(2.0 * worst, s.abs() * 1e-12));
    }
    None
}

/// An upper bound of `max_i ((G − sP)_ii + Σ_{k≠i} |(G − sP)_ik|)` over every `G` with
/// `Σ_k |G_ik − gm_ik| ≤ grow_i` and every `P` with `Σ_k |P_ik − pm_ik| ≤ prow_i`, in f64 with one
/// rounded-up bound per row: with `t = fl(s·pm_ik)`, `d = fl(gm_ik − t)`, the row's exact value is at
/// most `fl(d_ii + Σ_{k≠i}|d_ik|) + γ_{2n+2}·fl(Σ_k(|d_ik| + |t_ik|)) + nη + grow_i + |s|·prow_i`
/// (`net-validated-ball`, Claim 3, "Cost"). `+∞`/NaN when something is not finite.
fn discs_upper(gm: &[f64], grow: &[f64], c: &EigenCache, s: f64) -> f64 {
    let n = c.n;
    let g = gamma_ru(2 * n + 2);
    let n_eta = mul_ru(n as f64, ETA);
    let mut worst = f64::NEG_INFINITY;
    for i in 0..n {
        let (mut a, mut b) = (0.0f64, 0.0f64);
        for (k, (&gv, &pv)) in gm[i * n..(i + 1) * n].iter().zip(&c.pm[i * n..(i + 1) * n]).enumerate() {
            let t = s * pv;
            let d = gv - t;
            a += if k == i { d } else { d.abs() };
            b += d.abs() + t.abs();
        }
        let row = add_ru(add_ru(add_ru(a, mul_ru(g, b)), n_eta), add_ru(grow[i], mul_ru(s.abs(), c.prow[i])));
        if row.is_nan() {
            return f64::NAN;
        }
        worst = worst.max(row);
    }
    worst
}
