//! `rug::Float`: MPFR point numbers at any precision (non-validated high-precision runs).
//!
//! The context is the precision in bits. MPFR's exponent range (about 2^±(2^30), i.e. 10^±3·10^8)
//! makes 1e-600 an ordinary normal number.

use crate::rounding::{down, up};
use crate::scalar::{Bound, Guarantee, Point, Scalar};
use rug::{Float, Rational, float::Round};

fn prec2(a: &Float, b: &Float) -> u32 {
    a.prec().max(b.prec())
}

pub(crate) fn float_bound(x: &Float) -> Bound {
    if x.is_nan() {
        Bound::PosInf
    } else if x.is_infinite() {
        if x.is_sign_negative() { Bound::NegInf } else { Bound::PosInf }
    } else {
        Bound::Finite(x.to_rational().expect("finite"))
    }
}

impl Scalar for Float {
    type Ctx = u32;
    const GUARANTEE: Guarantee = Guarantee::Approximate;
    const NAME: &'static str = "mpfr";
    const OP_COST: u32 = 25;

    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn min_normal_exp(_: &u32) -> i64 {
        rug::float::exp_min() as i64 - 1
    }
    fn from_rational(q: &Rational, prec: &u32) -> Float {
        Float::with_val(*prec, q)
    }
    fn from_i64(v: i64, prec: &u32) -> Float {
        Float::with_val(*prec, v)
    }
    fn from_f64(v: f64, prec: &u32) -> Float {
        // exact as soon as prec ≥ 53; below that, rounded to nearest
        Float::with_val(*prec, v)
    }
    fn add(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self + rhs)
    }
    fn sub(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self - rhs)
    }
    fn mul(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self * rhs)
    }
    fn div(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self / rhs)
    }
    fn neg(&self) -> Float {
        Float::with_val(self.prec(), -self)
    }
    fn mul_add(&self, b: &Float, c: &Float) -> Float {
        let p = prec2(self, b).max(c.prec());
        Float::with_val(p, self.mul_add_ref(b, c))
    }
    fn add_mul_assign(&mut self, a: &Float, b: &Float) {
        // MPFR's fused a·b + self, correctly rounded once.
        *self += a * b;
    }
    fn mul_2si(&self, k: i32) -> Float {
        let mut r = self.clone();
        r <<= k;
        r
    }
    fn sqr(&self) -> Float {
        Float::with_val(self.prec(), self.square_ref())
    }
    fn sqrt(&self) -> Float {
        Float::with_val(self.prec(), self.sqrt_ref())
    }
    fn exp(&self) -> Float {
        Float::with_val(self.prec(), self.exp_ref())
    }
    fn ln(&self) -> Float {
        Float::with_val(self.prec(), self.ln_ref())
    }
    fn abs(&self) -> Float {
        Float::with_val(self.prec(), self.abs_ref())
    }
    fn max(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self.max_ref(rhs))
    }
    fn min(&self, rhs: &Float) -> Float {
        Float::with_val(prec2(self, rhs), self.min_ref(rhs))
    }
    fn relu(&self) -> Float {
        if self.is_nan() || self.is_sign_positive() { self.clone() } else { Float::new(self.prec()) }
    }
    fn certainly_pos(&self) -> bool {
        self.cmp0() == Some(std::cmp::Ordering::Greater)
    }
    fn certainly_neg(&self) -> bool {
        self.cmp0() == Some(std::cmp::Ordering::Less)
    }
    // NaN carries no information: every `possibly_*` is true for it, every `certainly_*` false.
    fn possibly_pos(&self) -> bool {
        self.certainly_pos() || self.is_nan()
    }
    fn possibly_neg(&self) -> bool {
        self.certainly_neg() || self.is_nan()
    }
    fn possibly_zero(&self) -> bool {
        self.is_zero() || self.is_nan()
    }
    fn certainly_lt(&self, rhs: &Float) -> bool {
        self < rhs
    }
    fn possibly_lt(&self, rhs: &Float) -> bool {
        self < rhs || self.is_nan() || rhs.is_nan()
    }
    fn lower(&self) -> Bound {
        float_bound(self)
    }
    fn upper(&self) -> Bound {
        float_bound(self)
    }
    fn lower_f64(&self) -> f64 {
        self.to_f64_round(down())
    }
    fn upper_f64(&self) -> f64 {
        self.to_f64_round(up())
    }
    fn approx_f64(&self) -> f64 {
        self.to_f64()
    }
    fn is_finite(&self) -> bool {
        Float::is_finite(self)
    }
}

impl Point for Float {
    fn to_rational(&self) -> Option<Rational> {
        Float::to_rational(self)
    }
}

/// `a · b` rounded in direction `round`, at precision `prec`, with `0 · ∞ = 0` (the interval
/// convention: an exact zero factor annihilates an unbounded one).
pub(crate) fn mul_round(a: &Float, b: &Float, prec: u32, round: Round) -> Float {
    if a.is_zero() || b.is_zero() {
        return Float::new(prec);
    }
    Float::with_val_round(prec, a * b, round).0
}
