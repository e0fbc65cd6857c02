//! Intervals of MPFR floats with outward rounding (every lower end rounded down, every upper end
//! up), for the two-layer checks: the verifier's own, far faster than exact rationals on the
//! Taylor series of a cubic field. MPFR's operations are correctly rounded, so a directed
//! rounding is a bound.

use rug::float::Round;
use rug::{Float, Rational};

thread_local! {
    static BITS: std::cell::Cell<u32> = const { std::cell::Cell::new(160) };
    static CLAIM: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Significant bits of every end: 160, or more when the certificate's claims are narrower
/// ([`set_claim`]).
pub fn prec() -> u32 {
    BITS.with(std::cell::Cell::get)
}

/// Sets this thread's verification for claims as narrow as `2^−rel` relative to their size: `rel`
/// bits and 50 more for every end (at least 160, at most 4096).
pub fn set_claim(rel: u32) {
    BITS.with(|b| b.set(rel.saturating_add(50).clamp(160, 4096)));
}

/// Makes this thread's step remainders follow claims as narrow as `2^−rel` of their size (0: a
/// fixed bound, `ball.rs`).
pub fn follow_claims(rel: u32) {
    CLAIM.with(|c| c.set(rel.min(4046)));
}

/// The claims this thread's step remainders follow, `2^−claim()` ([`follow_claims`]; 0: none).
pub fn claim() -> u32 {
    CLAIM.with(std::cell::Cell::get)
}

/// Where an interval lies: in `[0, ∞)`, in `(−∞, 0]` (and not in the first), or on both sides of 0.
enum Sign {
    Pos,
    Neg,
    Mixed,
}

impl Sign {
    fn of(x: &Fi) -> Sign {
        if x.lo >= 0 {
            Sign::Pos
        } else if x.hi <= 0 {
            Sign::Neg
        } else {
            Sign::Mixed
        }
    }
}

/// `[lo, hi]` with MPFR ends (`lo ≤ hi`, both finite).
#[derive(Clone, Debug)]
pub struct Fi {
    pub lo: Float,
    pub hi: Float,
}

impl Fi {
    pub fn zero() -> Fi {
        Fi { lo: Float::new(prec()), hi: Float::new(prec()) }
    }
    /// The exact rational `q`, enclosed.
    pub fn q(q: &Rational) -> Fi {
        Fi::qq(q, q)
    }
    /// `[lo, hi]` for rationals, enclosed.
    pub fn qq(lo: &Rational, hi: &Rational) -> Fi {
        Fi { lo: Float::with_val_round(prec(), lo, Round::Down).0, hi: Float::with_val_round(prec(), hi, Round::Up).0 }
    }
    /// The point `f` (exact when `f` has at most [`prec()`] bits).
    pub fn pt(f: &Float) -> Fi {
        Fi { lo: Float::with_val_round(prec(), f, Round::Down).0, hi: Float::with_val_round(prec(), f, Round::Up).0 }
    }
    pub fn add(&self, o: &Fi) -> Fi {
        Fi {
            lo: Float::with_val_round(prec(), &self.lo + &o.lo, Round::Down).0,
            hi: Float::with_val_round(prec(), &self.hi + &o.hi, Round::Up).0,
        }
    }
    pub fn sub(&self, o: &Fi) -> Fi {
        Fi {
            lo: Float::with_val_round(prec(), &self.lo - &o.hi, Round::Down).0,
            hi: Float::with_val_round(prec(), &self.hi - &o.lo, Round::Up).0,
        }
    }
    pub fn neg(&self) -> Fi {
        Fi { lo: Float::with_val(prec(), -&self.hi), hi: Float::with_val(prec(), -&self.lo) }
    }
    /// The product, from the two (or, when both factors straddle 0, four) end products that the
    /// signs of the factors make the extremes, each rounded outward.
    pub fn mul(&self, o: &Fi) -> Fi {
        let p = prec();
        let dn = |x: &Float, y: &Float| Float::with_val_round(p, x * y, Round::Down).0;
        let up = |x: &Float, y: &Float| Float::with_val_round(p, x * y, Round::Up).0;
        let (a, b, c, d) = (&self.lo, &self.hi, &o.lo, &o.hi);
        let (lo, hi) = match (Sign::of(self), Sign::of(o)) {
            (Sign::Pos, Sign::Pos) => (dn(a, c), up(b, d)),
            (Sign::Pos, Sign::Neg) => (dn(b, c), up(a, d)),
            (Sign::Pos, Sign::Mixed) => (dn(b, c), up(b, d)),
            (Sign::Neg, Sign::Pos) => (dn(a, d), up(b, c)),
            (Sign::Neg, Sign::Neg) => (dn(b, d), up(a, c)),
            (Sign::Neg, Sign::Mixed) => (dn(a, d), up(a, c)),
            (Sign::Mixed, Sign::Pos) => (dn(a, d), up(b, d)),
            (Sign::Mixed, Sign::Neg) => (dn(b, c), up(a, c)),
            (Sign::Mixed, Sign::Mixed) => (dn(a, d).min(&dn(b, c)), up(a, c).max(&up(b, d))),
        };
        Fi { lo, hi }
    }
    /// `self / k` for an integer `k > 0`.
    pub fn div_u(&self, k: u32) -> Fi {
        Fi {
            lo: Float::with_val_round(prec(), &self.lo / k, Round::Down).0,
            hi: Float::with_val_round(prec(), &self.hi / k, Round::Up).0,
        }
    }
    /// `self / o` for `o` certainly positive (`o.lo > 0`).
    pub fn div_pos(&self, o: &Fi) -> Fi {
        let (a, b) = (&self.lo, &self.hi);
        let lo = if *a >= 0 { (a, &o.hi) } else { (a, &o.lo) };
        let hi = if *b >= 0 { (b, &o.lo) } else { (b, &o.hi) };
        Fi {
            lo: Float::with_val_round(prec(), lo.0 / lo.1, Round::Down).0,
            hi: Float::with_val_round(prec(), hi.0 / hi.1, Round::Up).0,
        }
    }
    /// `√self` for `self ≥ 0` (a negative lower end is taken as 0).
    pub fn sqrt(&self) -> Fi {
        let lo = if self.lo > 0 {
            Float::with_val_round(prec(), self.lo.sqrt_ref(), Round::Down).0
        } else {
            Float::new(prec())
        };
        Fi { lo, hi: Float::with_val_round(prec(), self.hi.sqrt_ref(), Round::Up).0 }
    }
    /// `self · 2^e` (exact).
    pub fn scale2(&self, e: i32) -> Fi {
        Fi { lo: Float::with_val(prec(), &self.lo << e), hi: Float::with_val(prec(), &self.hi << e) }
    }
    pub fn hull(&self, o: &Fi) -> Fi {
        let lo = if self.lo <= o.lo { self.lo.clone() } else { o.lo.clone() };
        let hi = if self.hi >= o.hi { self.hi.clone() } else { o.hi.clone() };
        Fi { lo, hi }
    }
    /// The hull with 0.
    pub fn with_zero(&self) -> Fi {
        self.hull(&Fi::zero())
    }
    pub fn within(&self, o: &Fi) -> bool {
        o.lo <= self.lo && self.hi <= o.hi
    }
    /// `max |x|` over the interval, rounded up.
    pub fn mag(&self) -> Float {
        let (a, b) = (Float::with_val(prec(), self.lo.abs_ref()), Float::with_val(prec(), self.hi.abs_ref()));
        if a >= b { a } else { b }
    }
    /// A point of the interval (the midpoint rounded to nearest) and an upper bound of the
    /// distance from it to either end.
    pub fn mid_rad(&self) -> (Float, Float) {
        let m = Float::with_val(prec(), &self.lo + &self.hi) >> 1u32;
        let r1 = Float::with_val_round(prec(), &self.hi - &m, Round::Up).0;
        let r2 = Float::with_val_round(prec(), &m - &self.lo, Round::Up).0;
        (m, if r1 >= r2 { r1 } else { r2 })
    }
    /// `self ± r` for `r ≥ 0`.
    pub fn widen(&self, r: &Float) -> Fi {
        Fi {
            lo: Float::with_val_round(prec(), &self.lo - r, Round::Down).0,
            hi: Float::with_val_round(prec(), &self.hi + r, Round::Up).0,
        }
    }
    /// The lower end as an exact rational.
    pub fn lo_q(&self) -> Rational {
        self.lo.to_rational().unwrap_or_default()
    }
    /// The upper end as an exact rational.
    pub fn hi_q(&self) -> Rational {
        self.hi.to_rational().unwrap_or_default()
    }
    /// Both ends are finite numbers.
    pub fn finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite() && self.lo <= self.hi
    }
}

/// Upper bounds: `a + b`, `a · b`, `√a` (`a ≥ 0`), `e^a`.
pub fn add_up(a: &Float, b: &Float) -> Float {
    Float::with_val_round(prec(), a + b, Round::Up).0
}
pub fn mul_up(a: &Float, b: &Float) -> Float {
    Float::with_val_round(prec(), a * b, Round::Up).0
}
pub fn sqrt_up(a: &Float) -> Float {
    Float::with_val_round(prec(), a.sqrt_ref(), Round::Up).0
}
pub fn exp_up(a: &Float) -> Float {
    Float::with_val_round(prec(), a.exp_ref(), Round::Up).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The product as the hull of all four end products, each rounded outward.
    fn mul_all_four(x: &Fi, y: &Fi) -> Fi {
        let ends = [(&x.lo, &y.lo), (&x.lo, &y.hi), (&x.hi, &y.lo), (&x.hi, &y.hi)];
        let lo = ends.iter().map(|(u, v)| Float::with_val_round(prec(), *u * *v, Round::Down).0);
        let hi = ends.iter().map(|(u, v)| Float::with_val_round(prec(), *u * *v, Round::Up).0);
        Fi { lo: lo.reduce(|s, t| s.min(&t)).unwrap(), hi: hi.reduce(|s, t| s.max(&t)).unwrap() }
    }

    /// An interval from two small integers' ratios, zero and exact-sign ends included.
    fn interval() -> impl Strategy<Value = Fi> {
        (-6i32..=6, -6i32..=6, 1u32..=7).prop_map(|(u, v, q)| {
            let (u, v) = (u.min(v), u.max(v));
            Fi::qq(&Rational::from((u, q)), &Rational::from((v, q)))
        })
    }

    proptest! {
        /// Outward rounding is monotone, so the sign cases pick exactly the hull of the four
        /// rounded end products, for every combination of signs.
        #[test]
        fn sign_cases_are_the_hull_of_the_four_end_products(x in interval(), y in interval()) {
            let (fast, all) = (x.mul(&y), mul_all_four(&x, &y));
            prop_assert!(fast.lo == all.lo && fast.hi == all.hi, "{x:?} · {y:?}: {fast:?} against {all:?}");
        }
    }
}
