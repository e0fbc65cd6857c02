//! A guard whose limit lies on its hyperplane (`proofs-notes/certificate-verifier.md`, "Limit on a
//! hyperplane"; the integrator's argument is `proofs-notes/neuron-limit-on-hyperplane.md`).
//!
//! For an active point `i` with `x_iᵀa = 0` the guard after the limit's start is
//! `g(s) = x_iᵀE(s)z`, `z = u + Pδ ∈ range(P)` (`‖Pδ‖ ≤ ρ`; `x_i ∈ range(P)`, on whose complement
//! `E(s)` is the identity). With `λ₁ < ν ≤ λ₂` the two smallest eigenvalues of `K` on `range(P)`
//! (certified by an exact inertia count of `K − νI`), `u₁` the unit eigenvector of `λ₁` and
//! `z = α u₁ + r`: `e^{λ₁s} g(s) ≥ α x_iᵀu₁ − ‖x_i‖‖r‖` for every `s ≥ 0`. The certificate's `ũ`
//! is close to `±u₁`: with `μ` its Rayleigh quotient and `η` its residual (exact),
//! `‖u₁ − û‖ ≤ ε = √2 η/(ν − μ)` for `û = ũ/‖ũ‖`, and the guard stays positive when
//! `(ã − εZ) > 0`, `(x_iᵀû − ε‖x_i‖) > 0` and `(ã − εZ)(x_iᵀû − ε‖x_i‖) > ‖x_i‖(‖(I − ûûᵀ)z‖ + 2εZ)`
//! with `ã ≤ ûᵀz` and `Z ≥ ‖z‖`.

use crate::Fail;
use crate::num::{dot, show, sqrt_up};
use reluflow_certificate::{Ball, Slow};
use rug::Rational;

/// The number of eigenvalues of the symmetric `m` (`d × d`) below 0, by symmetric elimination
/// with nonzero diagonal pivots (a congruence: Sylvester's law of inertia); `None` when no
/// diagonal pivot is left but the rest is not zero, or a zero eigenvalue is possible.
fn negative_count(mut m: Vec<Rational>, d: usize) -> Option<usize> {
    let mut left: Vec<usize> = (0..d).collect();
    let mut neg = 0;
    while !left.is_empty() {
        let k = *left.iter().find(|&&k| m[k * d + k] != 0)?;
        let p = m[k * d + k].clone();
        if p < 0 {
            neg += 1;
        }
        left.retain(|&r| r != k);
        for &r in &left {
            let f = Rational::from(&m[r * d + k] / &p);
            if f == 0 {
                continue;
            }
            for &c in &left {
                let t = Rational::from(&f * &m[k * d + c]);
                m[r * d + c] -= t;
            }
        }
    }
    Some(neg)
}

fn fail(loc: &str, what: &str, found: String, needed: &str) -> Fail {
    Fail::new(format!("{loc} / slow"), what, found, needed.into())
}

/// `ε ≥ ‖u₁ − û‖` from the certificate's mode, after checking its separation (see the module).
fn separation(k: &[Rational], d: usize, rank: usize, s: &Slow, loc: &str) -> Result<Rational, Fail> {
    let n2 = dot(&s.u, &s.u);
    let ku: Vec<Rational> = (0..d).map(|r| dot(&k[r * d..(r + 1) * d], &s.u)).collect();
    let mu = dot(&s.u, &ku) / &n2;
    let res: Vec<Rational> = ku.iter().zip(&s.u).map(|(a, b)| a - Rational::from(&mu * b)).collect();
    let eta2 = dot(&res, &res) / &n2;
    let Some(nu) = &s.nu else {
        return if rank == 1 && eta2 == 0 {
            Ok(Rational::new())
        } else {
            Err(fail(loc, "a separator ν of the slow mode", "none".into(), "ν (the span has rank > 1)"))
        };
    };
    let mut m = k.to_vec();
    for r in 0..d {
        m[r * d + r] -= nu;
    }
    let below = negative_count(m, d);
    if *nu <= 0 || below != Some(d - rank + 1) {
        let what = "exactly one eigenvalue of K on the active span lies below ν (inertia of K − νI)";
        let found = below.map_or("not decided".into(), |b| format!("{} below ν", b as i64 - (d - rank) as i64));
        return Err(fail(loc, what, found, "1"));
    }
    let gap = Rational::from(nu - &mu);
    if gap <= 0 {
        return Err(fail(loc, "the mode's Rayleigh quotient lies below ν", show(&mu), &format!("< {}", show(nu))));
    }
    let sin2 = eta2 / Rational::from(gap.square_ref());
    if sin2 >= 1 {
        return Err(fail(loc, "the mode's residual separates it (sin θ < 1)", show(&sin2), "< 1"));
    }
    Ok(sqrt_up(&(sin2 * 2u32)))
}

/// Proves `x_iᵀE(s)(u + δ) > 0` for every `s ≥ 0` and `‖δ‖ ≤ ρ` (the module's argument), for an
/// active point `x` with `x_iᵀa = 0`; `k` is `K` (`d × d`), `rank` the rank of the active span, and
/// `ũ` has been checked to lie in it.
pub(crate) fn stays_positive(
    k: &[Rational],
    rank: usize,
    x: &[Rational],
    b: &Ball,
    s: &Slow,
    loc: &str,
) -> Result<(), Fail> {
    margin(k, rank, x, b, s, loc).map(|_| ())
}

/// [`stays_positive`] for any `x` in the active span, returning `m > 0` with
/// `e^{λ₁s} xᵀE(s)P(u + δ) ≥ m` for every `s ≥ 0` (`P` the projector onto the span; `u` need not
/// lie in it: `ũᵀu = ũᵀPu`, `‖Pu‖ ≤ ‖u‖`, and `‖(I − ûûᵀ)Pz‖ ≤ ‖(I − ûûᵀ)z‖`, the kernel part
/// being orthogonal to the span).
pub(crate) fn margin(
    k: &[Rational],
    rank: usize,
    x: &[Rational],
    b: &Ball,
    s: &Slow,
    loc: &str,
) -> Result<Rational, Fail> {
    let d = x.len();
    let n2 = dot(&s.u, &s.u);
    if n2 == 0 {
        return Err(fail(loc, "the slow mode is a nonzero vector", "0".into(), "≠ 0"));
    }
    let eps = separation(k, d, rank, s, loc)?;
    let flip: i32 = if dot(x, &s.u) < 0 { -1 } else { 1 };
    let (xu, ua): (Rational, Rational) = (dot(x, &s.u) * flip, dot(&s.u, &b.u) * flip);
    let nu_hi = sqrt_up(&n2);
    let nu_lo = Rational::from(&n2 / &nu_hi);
    let (xn, un2) = (sqrt_up(&dot(x, x)), dot(&b.u, &b.u));
    let z = sqrt_up(&un2) + &b.rho;
    let a_lo = Rational::from(&ua / if ua >= 0 { &nu_hi } else { &nu_lo }) - &b.rho;
    let f1 = a_lo - Rational::from(&eps * &z);
    let f2 = Rational::from(&xu / &nu_hi) - Rational::from(&eps * &xn);
    let r = sqrt_up(&(un2 - Rational::from(ua.square_ref()) / &n2)) + &b.rho;
    let rhs = Rational::from(&xn * &(r + Rational::from(&eps * &z) * 2u32));
    if f1 <= 0 || f2 <= 0 || Rational::from(&f1 * &f2) <= rhs {
        let what = "the slow mode dominates: (ã − εZ)(x_iᵀû − ε‖x_i‖) > ‖x_i‖(‖(I − ûûᵀ)z‖ + 2εZ)";
        let found = format!("ã − εZ = {}, x_iᵀû − ε‖x_i‖ = {}", show(&f1), show(&f2));
        return Err(fail(loc, what, found, &format!("product > {}", show(&rhs))));
    }
    Ok(f1 * f2 - rhs)
}
