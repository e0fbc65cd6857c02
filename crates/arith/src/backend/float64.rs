//! `f64`: the fast, non-validated backend (IEEE binary64, round to nearest).

use crate::scalar::{Bound, Guarantee, Point, Scalar};
use rug::{Float, Rational, float::Round};

impl Scalar for f64 {
    type Ctx = ();
    const GUARANTEE: Guarantee = Guarantee::Approximate;
    const NAME: &'static str = "f64";
    const OP_COST: u32 = 1;

    fn ctx(&self) {}
    fn min_normal_exp(_: &()) -> i64 {
        -1022
    }
    /// Correctly rounded to nearest (ties to even), through MPFR at 53 bits with binary64's
    /// exponent range applied by `to_f64_round`.
    fn from_rational(q: &Rational, _: &()) -> f64 {
        rational_to_f64(q, Round::Nearest)
    }
    fn from_i64(v: i64, _: &()) -> f64 {
        v as f64
    }
    fn from_f64(v: f64, _: &()) -> f64 {
        v
    }
    fn add(&self, rhs: &f64) -> f64 {
        self + rhs
    }
    fn sub(&self, rhs: &f64) -> f64 {
        self - rhs
    }
    fn mul(&self, rhs: &f64) -> f64 {
        self * rhs
    }
    fn div(&self, rhs: &f64) -> f64 {
        self / rhs
    }
    fn neg(&self) -> f64 {
        -self
    }
    fn mul_add(&self, b: &f64, c: &f64) -> f64 {
        f64::mul_add(*self, *b, *c)
    }
    fn add_mul_assign(&mut self, a: &f64, b: &f64) {
        *self = f64::mul_add(*a, *b, *self);
    }
    fn mul_2si(&self, k: i32) -> f64 {
        // Two steps keep 2^k representable for |k| up to 2·1023.
        let half = k / 2;
        self * 2f64.powi(half) * 2f64.powi(k - half)
    }
    fn sqr(&self) -> f64 {
        self * self
    }
    fn sqrt(&self) -> f64 {
        f64::sqrt(*self)
    }
    fn exp(&self) -> f64 {
        f64::exp(*self)
    }
    fn ln(&self) -> f64 {
        f64::ln(*self)
    }
    fn abs(&self) -> f64 {
        f64::abs(*self)
    }
    fn max(&self, rhs: &f64) -> f64 {
        f64::max(*self, *rhs)
    }
    fn min(&self, rhs: &f64) -> f64 {
        f64::min(*self, *rhs)
    }
    fn certainly_pos(&self) -> bool {
        *self > 0.0
    }
    fn certainly_neg(&self) -> bool {
        *self < 0.0
    }
    // NaN carries no information: every `possibly_*` is true for it, every `certainly_*` false.
    fn possibly_pos(&self) -> bool {
        *self > 0.0 || self.is_nan()
    }
    fn possibly_neg(&self) -> bool {
        *self < 0.0 || self.is_nan()
    }
    fn possibly_zero(&self) -> bool {
        *self == 0.0 || self.is_nan()
    }
    fn certainly_lt(&self, rhs: &f64) -> bool {
        self < rhs
    }
    fn possibly_lt(&self, rhs: &f64) -> bool {
        self < rhs || self.is_nan() || rhs.is_nan()
    }
    fn lower(&self) -> Bound {
        f64_bound(*self)
    }
    fn upper(&self) -> Bound {
        f64_bound(*self)
    }
    fn lower_f64(&self) -> f64 {
        *self
    }
    fn upper_f64(&self) -> f64 {
        *self
    }
    fn approx_f64(&self) -> f64 {
        *self
    }
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
}

impl Point for f64 {
    fn to_rational(&self) -> Option<Rational> {
        Rational::from_f64(*self)
    }
}

/// The exact value of an f64 as a [`Bound`] (NaN is reported as an unbounded end).
pub(crate) fn f64_bound(x: f64) -> Bound {
    if x == f64::INFINITY || x.is_nan() {
        Bound::PosInf
    } else if x == f64::NEG_INFINITY {
        Bound::NegInf
    } else {
        Bound::Finite(Rational::from_f64(x).expect("finite"))
    }
}

/// `q` rounded to binary64 in direction `round` (subnormals and overflow handled as IEEE does).
pub(crate) fn rational_to_f64(q: &Rational, round: Round) -> f64 {
    // 64 bits of MPFR with the same rounding direction, then to_f64_round: double rounding is
    // harmless for directed roundings (both steps move the same way, and the second step's result
    // is still the nearest-in-that-direction binary64). For round-to-nearest we go through a
    // precision large enough to hold the exact value when it is short, else 2·53+2 bits, which
    // makes the double rounding innocuous except for exact ties at 106 bits (then we correct).
    match round {
        Round::Down | Round::Up | Round::Zero => {
            let (f, _) = Float::with_val_round(64, q, round);
            f.to_f64_round(round)
        }
        _ => {
            // Exact comparison fixes any double-rounding error: take the two directed results
            // and pick the nearer (ties to even) exactly.
            let lo = rational_to_f64(q, Round::Down);
            let hi = rational_to_f64(q, Round::Up);
            if lo == hi {
                return lo;
            }
            let (Some(rlo), Some(rhi)) = (Rational::from_f64(lo), Rational::from_f64(hi)) else {
                // one side is infinite: IEEE overflows to ±∞ from |q| ≥ 2^1024 − 2^970 on.
                let threshold = Rational::from((rug::Integer::from(1) << 1024u32) - (rug::Integer::from(1) << 970u32));
                let big = Rational::from(q.abs_ref()) >= threshold;
                return match (lo.is_infinite(), big) {
                    (true, true) => lo,
                    (true, false) => hi,
                    (false, true) => hi,
                    (false, false) => lo,
                };
            };
            let dlo = Rational::from(q - &rlo);
            let dhi = Rational::from(&rhi - q);
            match dlo.cmp(&dhi) {
                std::cmp::Ordering::Less => lo,
                std::cmp::Ordering::Greater => hi,
                std::cmp::Ordering::Equal => {
                    if lo.to_bits() & 1 == 0 {
                        lo
                    } else {
                        hi
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rational_rounding_is_directed_and_nearest() {
        let tenth = Rational::from((1, 10));
        let lo = rational_to_f64(&tenth, Round::Down);
        let hi = rational_to_f64(&tenth, Round::Up);
        assert!(Rational::from_f64(lo).unwrap() < tenth);
        assert!(Rational::from_f64(hi).unwrap() > tenth);
        assert_eq!(f64::next_up(lo), hi);
        assert_eq!(f64::from_rational(&tenth, &()), 0.1);
        // subnormal range and underflow
        let tiny = crate::exact::pow10(-320);
        assert!(rational_to_f64(&tiny, Round::Down) > 0.0);
        let tinier = crate::exact::pow10(-400);
        assert_eq!(rational_to_f64(&tinier, Round::Down), 0.0);
        assert_eq!(rational_to_f64(&tinier, Round::Up), f64::from_bits(1));
        let huge = crate::exact::pow10(400);
        assert_eq!(rational_to_f64(&huge, Round::Down), f64::MAX);
        assert_eq!(rational_to_f64(&huge, Round::Up), f64::INFINITY);
        assert_eq!(f64::from_rational(&-huge, &()), f64::NEG_INFINITY);
    }
}
