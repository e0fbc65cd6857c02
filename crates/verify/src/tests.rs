//! The verifier's own numerics against independent references: outward rounding of dyadics
//! against exact rationals, and `E(s) = exp(−sK)` (Taylor on a vector, binary powering of the
//! Taylor matrix) against 1000-bit MPFR exponentials of a diagonal `K`.

use crate::field::Field;
use crate::num::{BITS, round};
use rug::{Float, Integer, Rational};

#[test]
fn rounding_a_dyadic_keeps_bits_bits_and_encloses_it() {
    for (i, k) in [(1u32, 5u32), (7, 400), (13, 900), (29, 0)] {
        // A numerator of 400–1200 bits of both signs.
        let n = (Integer::from(3) << (400 * i % 1200 + 400)) + Integer::from(12345) * i + 1;
        for sign in [1, -1] {
            let q = Rational::from((Integer::from(&n * sign), Integer::from(1) << k));
            let (lo, hi) = (round(q.clone(), false), round(q.clone(), true));
            assert!(lo <= q && q <= hi, "{q}");
            // The numerator's bits from its highest to its lowest one bit (a mantissa).
            let mantissa = |v: &Rational| v.numer().significant_bits() - v.numer().find_one(0).unwrap_or(0);
            assert!(mantissa(&lo) <= BITS + 1 && mantissa(&hi) <= BITS + 1, "{q}");
            let e = q.numer().significant_bits() - BITS;
            let ulp = Rational::from(Integer::from(1) << e) >> (q.denom().significant_bits() - 1);
            assert!(Rational::from(&hi - &lo) <= ulp, "{q}");
        }
    }
}

/// `K = diag(1, 9)`: points `e₁` and `3e₂` with the gradient factor 1.
fn diagonal() -> Field {
    let x = vec![vec![Rational::from(1), Rational::new()], vec![Rational::new(), Rational::from(3)]];
    let y = vec![Rational::new(), Rational::new()];
    Field::new(&x, &y, &Rational::from(1), &[0, 1], vec![Rational::new(), Rational::new()])
}

fn exp_neg(t: &Rational) -> Rational {
    (-Float::with_val(1000, t)).exp().to_rational().unwrap()
}

/// `|a − b| ≤ tol` plus 2^-900 for the reference's own rounding.
fn close(a: &Rational, b: &Rational, tol: &Rational) -> bool {
    Rational::from(a - b).abs() <= tol.clone() + (Rational::from(1) >> 900u32)
}

#[test]
fn taylor_on_a_vector_encloses_the_exponential() {
    let f = diagonal();
    let s = Rational::from((1, 37));
    let p = [Rational::from(2), Rational::from(-5)];
    let (end, rem) = f.apply_exp(&s, &p);
    let rad = Rational::from(&rem * 6u32); // ‖p‖ < 6
    for (j, lam) in [(0, 1u32), (1, 9)] {
        let exact = exp_neg(&Rational::from(&s * lam)) * &p[j];
        assert!(end[j].lo.clone() - &rad <= exact && exact <= end[j].hi.clone() + &rad, "coordinate {j}");
    }
}

#[test]
fn binary_powers_of_the_taylor_matrix_enclose_the_exponential() {
    let mut f = diagonal();
    let h = f.piece_len();
    for n in [1u64, 2, 3, 37, 1000] {
        let (m, r) = f.power(n);
        let t = Rational::from(&h * n);
        for (j, lam) in [(0, 1u32), (1, 9)] {
            let exact = exp_neg(&Rational::from(&t * lam));
            let e = &m[j * 2 + j];
            let (mid, rad) = e.mid_rad();
            assert!(close(&mid, &exact, &(rad + &r)), "n = {n}, E_{j}{j}");
        }
        for e in [&m[1], &m[2]] {
            assert!(close(&e.mid_rad().0, &Rational::new(), &(e.mid_rad().1 + &r)), "n = {n}: off-diagonal");
        }
        assert!(r < Rational::from(1) >> 300u32, "n = {n}: radius {r}");
    }
}
