//! The matrix exponential `exp(s A)` of the (symmetric, negative semi-definite) pattern matrix
//! `A = −G M`, by scaling and squaring of a truncated Taylor series with a rigorous remainder
//! (see `proofs-notes/neuron-matrix-exponential.md`).
//!
//! Guarantee per backend: for [`Enclosure`] backends the result contains `exp(s A)` for every
//! `s` in the given enclosure and every exact matrix in the given enclosure of `A` whose
//! `∞`-norm is at most `norm`; for point backends it is an approximation (remainder dropped).

use reluflow_arith::linalg::mat_mul;
use reluflow_arith::rounding::f64_up;
use reluflow_arith::{Enclosure, Scalar};

/// The working precision in bits, found by testing `1 + 2⁻ᵏ − 1 > 0` (capped at 4096).
pub(crate) fn precision_bits<S: Scalar>(ctx: &S::Ctx) -> u32 {
    let one = S::one(ctx);
    for k in 1..4096u32 {
        let t = one.add(&one.mul_2si(-(k as i32))).sub(&one);
        if !t.certainly_pos() || t.possibly_zero() {
            return k;
        }
    }
    4096
}

/// Parameters of one evaluation: the number of squarings `j`, the Taylor order `k` and the
/// bound `θ_j ≥ ‖s A‖_∞ / 2^j` of the scaled matrix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub j: u32,
    pub k: u32,
    pub theta_j: f64,
}

/// Chooses `j` with `θ/2^j ≤ 1/2` and the least Taylor order `k` whose remainder bound
/// `θ_j^{k+1}/(k+1)! · 1/(1 − θ_j/(k+2))` is below `2^{−bits−8}` (capped at 400 terms).
pub(crate) fn plan(theta: f64, bits: u32) -> Plan {
    let mut j = 0u32;
    let mut t = theta;
    while t > 0.5 {
        t *= 0.5;
        j += 1;
    }
    let target = -(bits as f64) - 8.0;
    let mut k = 1u32;
    if t > 0.0 {
        let l2t = t.log2();
        let mut log_term = 0.0; // log2(θ^{k+1}/(k+1)!) for k = 0 is log2 θ
        log_term += l2t;
        loop {
            // log_term = log2(θ^{k+1}/(k+1)!)
            let next = log_term + l2t - ((k + 1) as f64).log2();
            log_term = next;
            if log_term + 1.0 < target || k >= 400 {
                break;
            }
            k += 1;
        }
    }
    Plan { j, k, theta_j: t }
}

fn identity<S: Scalar>(d: usize, ctx: &S::Ctx) -> Vec<S> {
    let mut m = vec![S::zero(ctx); d * d];
    for i in 0..d {
        m[i * d + i] = S::one(ctx);
    }
    m
}

/// `Σ_{k ≤ K} B^k/k!` for `B = s A / 2^j`, in Horner form `I + B(I + B/2(I + …))`.
pub(crate) fn taylor<S: Scalar>(a: &[S], d: usize, s: &S, p: &Plan, ctx: &S::Ctx) -> Vec<S> {
    let sj = s.mul_2si(-(p.j as i32));
    let b: Vec<S> = a.iter().map(|v| v.mul(&sj)).collect();
    let id = identity::<S>(d, ctx);
    let mut t = id.clone();
    for k in (1..=p.k).rev() {
        let bt = mat_mul(&b, &t, d, d, d, ctx);
        let kk = S::from_i64(k as i64, ctx);
        t = bt.iter().zip(&id).map(|(v, e)| v.div(&kk).add(e)).collect();
    }
    t
}

/// `T^(2^j)` by `j` squarings.
pub(crate) fn square_times<S: Scalar>(mut t: Vec<S>, d: usize, j: u32, ctx: &S::Ctx) -> Vec<S> {
    for _ in 0..j {
        t = mat_mul(&t, &t, d, d, d, ctx);
    }
    t
}

/// Encloses `{exp(s A) : s ∈ s}` for an enclosure `s ⊆ [0, s_hi]`, given `norm ≥ ‖A‖_∞`.
///
/// Remainder: for `‖B‖_∞ ≤ θ_j < K + 2`, `‖Σ_{k>K} B^k/k!‖_∞ ≤ θ_j^{K+1}/(K+1)! · (K+2)/(K+2−θ_j)`,
/// and every entry of a matrix is bounded by its `∞`-norm, so the remainder is added to every
/// entry as `[−r, r]` before squaring (squaring encloses because `exp(sA) = exp(sA/2^j)^{2^j}`).
pub(crate) fn expm_enclosure<S: Enclosure>(a: &[S], d: usize, s: &S, s_hi: f64, norm: f64, bits: u32) -> Vec<S> {
    let ctx = s.ctx();
    let theta = theta_ru(s_hi, norm);
    if !theta.is_finite() || theta > 1e300 {
        // s‖A‖ beyond f64's range: nothing useful can be said; the whole line is an enclosure.
        return vec![S::entire(&ctx); d * d];
    }
    let p = plan(theta, bits);
    let mut t = taylor(a, d, s, &p, &ctx);
    if p.theta_j > 0.0 {
        let th = S::from_f64(p.theta_j, &ctx);
        let mut r = S::one(&ctx);
        for m in 1..=(p.k + 1) {
            r = r.mul(&th).div(&S::from_i64(m as i64, &ctx));
        }
        let k2 = S::from_i64(p.k as i64 + 2, &ctx);
        r = r.mul(&k2).div(&k2.sub(&th));
        let hi = r.hi_point();
        let sym = hi.neg().hull(&hi);
        for v in t.iter_mut() {
            *v = v.add(&sym);
        }
    }
    square_times(t, d, p.j, &ctx)
}

/// `θ ≥ s_hi · norm` (exact product of the two f64 numbers): `0` exactly when `A = 0` or `s = 0`
/// (then the Taylor sum `I` is exact); else the round-to-nearest product rounded up.
fn theta_ru(s_hi: f64, norm: f64) -> f64 {
    if norm == 0.0 || s_hi == 0.0 { 0.0 } else { f64_up(s_hi * norm) }
}

/// The point approximation of `exp(s A)` (reference runs): the same scheme, remainder dropped.
pub(crate) fn expm_point<S: Scalar>(a: &[S], d: usize, s: &S, s_approx: f64, norm: f64, bits: u32) -> Vec<S> {
    let ctx = s.ctx();
    let p = plan(s_approx.abs() * norm, bits);
    let t = taylor(a, d, s, &p, &ctx);
    square_times(t, d, p.j, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::{Interval, MpInterval};
    use rug::Rational;

    #[test]
    fn precision_is_detected() {
        assert_eq!(precision_bits::<f64>(&()), 53);
        assert_eq!(precision_bits::<Interval>(&()), 53);
        assert_eq!(precision_bits::<MpInterval>(&256), 256);
    }

    #[test]
    fn scalar_exponential_is_enclosed() {
        // exp(−3 s) at s = 2 and over s ∈ [0, 1/4]; zero matrix gives the identity exactly.
        let a = vec![Interval::from_f64(-3.0, &())];
        let s = Interval::from_f64(2.0, &());
        let e = expm_enclosure(&a, 1, &s, 2.0, 3.0, 53);
        let exact = (-6.0f64).exp();
        assert!(e[0].inf() <= exact && exact <= e[0].sup(), "exp(−6) ≈ {exact} outside {:?}", e[0]);
        assert!(e[0].wid() < 1e-15, "{:?}", e[0]);
        let s = Interval::from_f64_bounds(0.0, 0.25, &());
        let e = expm_enclosure(&a, 1, &s, 0.25, 3.0, 53);
        assert!(e[0].inf() <= (-0.75f64).exp() && e[0].sup() >= 1.0);
        let z = vec![Interval::from_f64(0.0, &()); 4];
        let e = expm_enclosure(&z, 2, &Interval::from_f64(5.0, &()), 5.0, 0.0, 53);
        assert_eq!(e[0], Interval::from_f64(1.0, &()));
        assert_eq!(e[1], Interval::from_f64(0.0, &()));
        // An astronomically long time gives the whole line rather than looping or lying.
        let e = expm_enclosure(&a, 1, &Interval::from_f64(1e308, &()), 1e308, 3.0, 53);
        assert!(e[0].contains(0.0) && e[0].contains(1e300));
    }

    #[test]
    fn mpfr_exponential_is_tight() {
        let ctx = 256u32;
        let a = vec![MpInterval::from_i64(-1, &ctx)];
        let s = MpInterval::from_rational(&Rational::from(40), &ctx);
        let e = expm_enclosure(&a, 1, &s, 40.0, 1.0, 256);
        let exact = MpInterval::from_i64(-40, &ctx).exp();
        assert!(!e[0].intersect(&exact).is_empty(), "disjoint enclosures of exp(−40): {:?}, {exact:?}", e[0]);
        assert!(e[0].width_upper() < 1e-70, "{}", e[0].width_upper());
    }

    #[test]
    fn theta_bounds_the_exact_product_from_above() {
        // Products that round down, round up, are exact, are subnormal, or are huge.
        let cases = [(0.1, 0.3), (1.0 / 3.0, 3.0), (0.7, 1e10), (0.5, 0.25), (3e-300, 7e-20), (1.5e300, 1e8)];
        for (s, n) in cases {
            let exact = Rational::from_f64(s).unwrap() * Rational::from_f64(n).unwrap();
            let th = theta_ru(s, n);
            let above = th == f64::INFINITY || Rational::from_f64(th).is_some_and(|t| t >= exact);
            assert!(above, "θ = {th:e} below the exact {s:e}·{n:e}");
        }
        assert_eq!((theta_ru(0.0, 3.0), theta_ru(2.0, 0.0)), (0.0, 0.0));
    }
}
