//! A rigorous lower bound of the smallest eigenvalue of a symmetric interval matrix.
//!
//! Method (`proofs-notes/net-limit-pl.md`, part C): take the midpoint `M` of the (symmetrised)
//! interval matrix `K`, an approximate orthogonal eigenbasis `V` of `M` (nalgebra's
//! `SymmetricEigen`, not trusted), and a shift `s`. Enclose `A = VᵀKV` and `B = VᵀV` in interval
//! arithmetic. If `‖I − B‖_∞ < 1` (so `V` is invertible) and every Gershgorin disc of the interval
//! matrix `A − sB` lies in `[0, ∞)`, then for every symmetric `K' ∈ K` the symmetric matrix
//! `Vᵀ(K' − sI)V ∈ A − sB` is positive semidefinite, hence (Sylvester's law of inertia, `V`
//! invertible) so is `K' − sI`: `λ_min(K') ≥ s`.

use super::super::bulk::perron_ru;
use super::LimitFail;
use reluflow_arith::{Enclosure, Interval, Scalar, meet};

fn pt(v: f64) -> Interval {
    Interval::from_f64(v, &())
}

/// `max |x|` over the interval, rounded up.
fn mag(x: &Interval) -> f64 {
    x.abs().upper_f64()
}

/// `min_p [lo(C_pp) − Σ_{q≠p} mag(C_pq)]` for `C = A − sB` (rounded down): every Gershgorin disc
/// of every point matrix of `C` lies in `[g, ∞)`.
fn gershgorin_floor(a: &[Interval], b: &[Interval], n: usize, s: f64) -> f64 {
    let sv = pt(s);
    let mut worst = f64::INFINITY;
    for p in 0..n {
        let mut off = pt(0.0);
        let mut diag = pt(0.0);
        for q in 0..n {
            let c = a[p * n + q].sub(&sv.mul(&b[p * n + q]));
            if p == q {
                diag = c;
            } else {
                off = off.add(&pt(mag(&c)));
            }
        }
        let g = diag.sub(&off).lower_f64();
        worst = worst.min(if g.is_nan() { f64::NEG_INFINITY } else { g });
    }
    worst
}

/// A verified lower bound `s` of `λ_min(K')` for every **symmetric** real matrix `K'` with
/// `K'_ik ∈ k[i·n + k]` (row-major `n × n` interval matrix).
///
/// The matrix is symmetrised by intersecting `k_ik` with `k_ki` (both enclose the same exact
/// entry of a symmetric matrix). The bound may be `≤ 0` (then it says nothing useful about
/// definiteness); the caller decides whether it is positive enough.
///
/// Guarantee: rigorous (all products in outward-rounded interval arithmetic; the approximate
/// eigenvectors are only a change of basis whose invertibility is proved).
///
/// # Errors
/// [`LimitFail::Unproved`], in words: an entry is not finite, the approximate eigenbasis is not
/// provably invertible, or no shift could be verified; `n = 0` (no eigenvalue).
/// [`LimitFail::Inconsistent`]: `k_ik ∩ k_ki` is empty (two enclosures of one entry of a
/// symmetric matrix that do not meet).
pub(crate) fn lambda_min_lower(k: &[Interval], n: usize) -> Result<f64, LimitFail> {
    if n == 0 || k.len() != n * n {
        return Err(format!("λ_min: expected a non-empty {n}×{n} matrix, got {} entries", k.len()).into());
    }
    let mut sym = Vec::with_capacity(n * n);
    for i in 0..n {
        for c in 0..n {
            if !k[i * n + c].is_finite() {
                return Err(format!("λ_min: entry ({i},{c}) is not finite").into());
            }
            // Input check: both entries enclose one value of a symmetric matrix.
            let e = meet("net: λ_min, K_ic ∩ K_ci", &k[i * n + c], &k[c * n + i])?;
            if !e.is_finite() {
                return Err(format!("λ_min: entry ({i},{c}) is not finite").into());
            }
            sym.push(e);
        }
    }
    let mid: Vec<f64> = sym.iter().map(|e| e.mid().approx_f64()).collect();
    let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(n, n, &mid));
    let lam = eig.eigenvalues.iter().copied().fold(f64::INFINITY, f64::min);
    if !lam.is_finite() {
        return Err(String::from("λ_min: the midpoint eigen-decomposition did not converge").into());
    }
    // V[i][p] = i-th component of the p-th approximate eigenvector.
    let v: Vec<Interval> = (0..n * n).map(|ip| pt(eig.eigenvectors[(ip / n, ip % n)])).collect();
    let eye: Vec<Interval> = (0..n * n).map(|ic| pt(if ic / n == ic % n { 1.0 } else { 0.0 })).collect();
    let b = congruence(&v, &eye, n);
    // ‖I − B‖_∞ < 1 ⇒ B = VᵀV invertible ⇒ V invertible.
    let mut inv_norm = 0.0f64;
    for p in 0..n {
        let mut row = pt(0.0);
        for q in 0..n {
            let e = if p == q { pt(1.0).sub(&b[p * n + q]) } else { b[p * n + q] };
            row = row.add(&pt(mag(&e)));
        }
        inv_norm = inv_norm.max(row.upper_f64());
    }
    if inv_norm.is_nan() || inv_norm >= 1.0 {
        return Err(
            format!("λ_min: the approximate eigenbasis is not provably invertible (‖I − VᵀV‖ ≤ {inv_norm:e})").into()
        );
    }
    // (1) Gershgorin on Vᵀ(K − sI)V with the interval matrix K itself.
    let a = congruence(&v, &sym, n);
    let s1 = verified_shift(&a, &b, n, lam);
    // (2) Weyl: λ_min(K') ≥ λ_min(M) − ‖K' − M‖₂ ≥ λ_min(M) − ρ(R) for the point midpoint M and the
    // radius matrix R ≥ |K' − M| (entrywise; ‖E‖₂ ≤ ‖|E|‖₂ ≤ ‖R‖₂ = ρ(R) for symmetric R ≥ 0).
    let mp: Vec<Interval> = mid.iter().map(|m| pt(*m)).collect();
    let am = congruence(&v, &mp, n);
    let rad: Vec<f64> = sym.iter().zip(&mid).map(|(e, m)| mag(&e.sub(&pt(*m)))).collect();
    let s2 = verified_shift(&am, &b, n, lam).map(|sm| pt(sm).sub(&pt(perron_ru(&rad, n))).lower_f64());
    match (s1, s2) {
        (Some(x), Some(y)) => Ok(x.max(y)),
        (Some(x), None) | (None, Some(x)) => Ok(x),
        (None, None) => Err(format!("λ_min: no shift below the approximate λ_min = {lam:e} could be verified").into()),
    }
}

/// `Vᵀ X V` in interval arithmetic (`V`, `X` both `n × n` row-major).
fn congruence(v: &[Interval], x: &[Interval], n: usize) -> Vec<Interval> {
    let mut t = vec![pt(0.0); n * n];
    for i in 0..n {
        for q in 0..n {
            let mut acc = pt(0.0);
            for c in 0..n {
                acc.add_mul_assign(&x[i * n + c], &v[c * n + q]);
            }
            t[i * n + q] = acc;
        }
    }
    let mut out = vec![pt(0.0); n * n];
    for p in 0..n {
        for q in 0..n {
            let mut acc = pt(0.0);
            for i in 0..n {
                acc.add_mul_assign(&v[i * n + p], &t[i * n + q]);
            }
            out[p * n + q] = acc;
        }
    }
    out
}

/// The largest verified `s` near `lam` with every Gershgorin disc of `A − sB` in `[0, ∞)`: first
/// `lam` lowered by its Gershgorin deficit (`A − (λ−δ)B ≈ A − λB + δI` since `B ≈ I`), then by
/// growing safety factors.
fn verified_shift(a: &[Interval], b: &[Interval], n: usize, lam: f64) -> Option<f64> {
    let g0 = gershgorin_floor(a, b, n, lam);
    if g0 >= 0.0 {
        return Some(lam);
    }
    if !g0.is_finite() {
        return None;
    }
    let tiny = lam.abs() * 1e-15 + f64::MIN_POSITIVE;
    for factor in [1e-12, 1e-9, 1e-6, 1e-3, 1.0, 3.0, 10.0, 100.0] {
        let s = lam + g0 * (1.0 + factor) - tiny;
        if gershgorin_floor(a, b, n, s) >= 0.0 {
            return Some(s);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval::from_f64_bounds(lo, hi, &())
    }

    /// `α I + β 11ᵀ` (eigenvalues α, n−1 times, and α + nβ), exactly representable.
    fn diag_plus_rank_one(n: usize, alpha: f64, beta: f64) -> Vec<Interval> {
        (0..n * n).map(|ik| pt(if ik / n == ik % n { alpha + beta } else { beta })).collect()
    }

    #[test]
    fn diag_plus_rank_one_is_tight_and_sound() {
        let k = diag_plus_rank_one(5, 2.0, 0.5);
        let s = lambda_min_lower(&k, 5).unwrap();
        assert!(s <= 2.0 && s > 2.0 - 1e-12, "{s}");
        // β < 0: α = 1.7 + 0.3, the smallest eigenvalue is α + nβ = 2 − 5·0.3 = 0.5 (enclosed: 0.3 is not dyadic,
        // the interval 0.3 ± ulp contains its binary value, and the bound holds for all of them).
        let k: Vec<Interval> = (0..25).map(|ik| if ik / 5 == ik % 5 { iv(1.7, 1.7) } else { iv(-0.3, -0.3) }).collect();
        let s = lambda_min_lower(&k, 5).unwrap();
        assert!(s <= 0.5 + 1e-15 && s > 0.5 - 1e-12, "{s}");
    }

    #[test]
    fn rotated_diagonal_matrix() {
        // Q diag(1, 2, 3) Qᵀ with the Householder reflection Q = I − 2uuᵀ, u = (1,1,1)/√3 (entries
        // ±1/3, 2/3 enclosed), computed in interval arithmetic: the box contains the exact matrix.
        let third = pt(1.0).div(&pt(3.0));
        let q: Vec<Interval> = (0..9).map(|ik| if ik / 3 == ik % 3 { third } else { third.mul_2si(1).neg() }).collect();
        let lam = [1.0, 2.0, 3.0];
        let k: Vec<Interval> = (0..9)
            .map(|ik| {
                let (i, c) = (ik / 3, ik % 3);
                (0..3).fold(pt(0.0), |acc, l| acc.add(&q[i * 3 + l].mul(&pt(lam[l])).mul(&q[c * 3 + l])))
            })
            .collect();
        let s = lambda_min_lower(&k, 3).unwrap();
        assert!(s <= 1.0 && s > 1.0 - 1e-12, "{s}");
    }

    #[test]
    fn positive_definite_midpoint_with_indefinite_members_gets_no_positive_bound() {
        // Midpoint diag(0.01, 1); the member with off-diagonal 0.2 has determinant 0.01 − 0.04 < 0.
        let k = vec![pt(0.01), iv(-0.2, 0.2), iv(-0.2, 0.2), pt(1.0)];
        let s = lambda_min_lower(&k, 2).unwrap();
        // λ_min of [[0.01, 0.2], [0.2, 1]] is ≈ −0.0297.
        assert!(s < -0.0297, "{s}");
        // Midpoint I, off-diagonal ±1.5: contains [[1, 1.5], [1.5, 1]] with λ = −0.5.
        let k = vec![pt(1.0), iv(-1.5, 1.5), iv(-1.5, 1.5), pt(1.0)];
        let s = lambda_min_lower(&k, 2).unwrap();
        assert!(s <= -0.5, "{s}");
    }

    #[test]
    fn singular_and_degenerate_inputs() {
        // Rank one: λ_min = 0, the bound may not be positive.
        let k: Vec<Interval> = (0..9).map(|_| pt(1.0)).collect();
        assert!(lambda_min_lower(&k, 3).unwrap() <= 0.0);
        assert!(lambda_min_lower(&[], 0).is_err());
        assert!(lambda_min_lower(&[pt(1.0), pt(2.0), pt(3.0), pt(1.0)], 2).is_err(), "disjoint (1,0)/(0,1)");
        let inf = Interval::entire(&());
        assert!(lambda_min_lower(&[pt(1.0), inf, inf, pt(1.0)], 2).is_err());
        // 1×1: the entry's lower end.
        let s = lambda_min_lower(&[iv(0.5, 0.75)], 1).unwrap();
        assert!(s <= 0.5 && s > 0.5 - 1e-12, "{s}");
    }
}
