//! Rigorous bounds of the extreme eigenvalues of a symmetric interval matrix `S` (every
//! symmetric point matrix in it): `λ_max ≤ t + ‖R‖_F` when `tI − M` is positive definite, and
//! `λ_min ≥ t − ‖R‖_F` when `M − tI` is, for the midpoint matrix `M` and the radius matrix `R`
//! (Weyl: `‖S' − M‖₂ ≤ ‖|S' − M|‖₂ ≤ ‖R‖_F`). Definiteness is proved by an `LDLᵀ`
//! factorisation in outward-rounded intervals: it encloses the exact factorisation of the point
//! matrix, so certainly positive pivots prove it. The shift `t` comes from an untrusted f64
//! Jacobi eigenvalue estimate, which only decides what is tried.

use super::fi::{Fi, add_up, mul_up, prec, sqrt_up};
use rug::Float;
use rug::float::Round;

/// The midpoints and the Frobenius norm of the radii (an upper bound) of `s` (`n × n`).
fn split(s: &[Fi]) -> (Vec<Float>, Float) {
    let mut m = Vec::with_capacity(s.len());
    let mut r2 = Float::new(prec());
    for v in s {
        let (c, r) = v.mid_rad();
        r2 = add_up(&r2, &mul_up(&r, &r));
        m.push(c);
    }
    (m, sqrt_up(&r2))
}

/// Is `sign·(M − tI)` certainly positive definite?
fn definite(m: &[Float], n: usize, t: &Float, sign: i8) -> bool {
    let mut a: Vec<Fi> = (0..n * n)
        .map(|k| {
            let v = if k / n == k % n { Fi::pt(&m[k]).sub(&Fi::pt(t)) } else { Fi::pt(&m[k]) };
            if sign > 0 { v } else { v.neg() }
        })
        .collect();
    let mut dg: Vec<Fi> = Vec::with_capacity(n);
    for k in 0..n {
        let mut p = a[k * n + k].clone();
        for (j, dj) in dg.iter().enumerate() {
            p = p.sub(&a[k * n + j].mul(&a[k * n + j]).mul(dj));
        }
        if p.lo <= 0 || !p.finite() {
            return false;
        }
        for i in k + 1..n {
            let mut v = a[i * n + k].clone();
            for (j, dj) in dg.iter().enumerate() {
                v = v.sub(&a[i * n + j].mul(&a[k * n + j]).mul(dj));
            }
            a[i * n + k] = v.div_pos(&p);
        }
        dg.push(p);
    }
    true
}

/// An upper bound of `λ_max` (`sign = 1`) or, negated, of `−λ_min` (`sign = −1`) of every
/// symmetric matrix in `s`; Gershgorin's bound when no tighter shift is proved.
fn extreme(s: &[Fi], n: usize, sign: i8) -> Float {
    let (m, r) = split(s);
    let signed: Vec<f64> = m.iter().map(|v| f64::from(sign) * v.to_f64()).collect();
    let guess = jacobi_max(&signed, n);
    let scale = signed.iter().map(|v| v.abs()).fold(0.0f64, f64::max).max(f64::MIN_POSITIVE);
    if guess.is_finite() {
        for k in 0..6 {
            let t = guess + scale * 1e-12 * 1000f64.powi(k);
            let tf = Float::with_val(prec(), f64::from(sign) * t);
            if definite(&m, n, &tf, -sign) {
                return add_up(&Float::with_val(prec(), t), &r);
            }
        }
    }
    // Gershgorin: every eigenvalue of sign·S' is at most max_i (sign·M_ii + Σ_{j≠i} |M_ij|) + ‖R‖.
    let mut best: Option<Float> = None;
    for i in 0..n {
        let mut b = Float::with_val(prec(), f64::from(sign) * &m[i * n + i]);
        for j in (0..n).filter(|&j| j != i) {
            b = add_up(&b, &Float::with_val(prec(), m[i * n + j].abs_ref()));
        }
        best = Some(match best {
            Some(v) if v >= b => v,
            _ => b,
        });
    }
    add_up(&best.unwrap_or_else(|| Float::new(prec())), &r)
}

/// An upper bound of `λ_max(S')` for every symmetric `S' ∈ s` (`n × n`, row-major).
pub fn lambda_max_upper(s: &[Fi], n: usize) -> Float {
    extreme(s, n, 1)
}

/// A lower bound of `λ_min(S')` for every symmetric `S' ∈ s` (`n × n`, row-major).
pub fn lambda_min_lower(s: &[Fi], n: usize) -> Float {
    let up = extreme(s, n, -1);
    Float::with_val_round(prec(), -up, Round::Down).0
}

/// The largest eigenvalue of the symmetric `a` (`n × n`) by cyclic Jacobi rotations (an
/// estimate: it only chooses the shift that is then proved).
fn jacobi_max(a: &[f64], n: usize) -> f64 {
    let mut a = a.to_vec();
    if a.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    for _ in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q].powi(2))
            .sum();
        if off <= 1e-30 * a.iter().map(|v| v * v).sum::<f64>() {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i * n + i]).fold(f64::NEG_INFINITY, f64::max)
}
