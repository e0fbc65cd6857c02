//! The set operations of [`MpInterval`] ([`Enclosure`]), its `Display` and `Assign`.

use super::MpInterval;
use crate::rounding::{down, up};
use crate::scalar::Enclosure;
use rug::{
    Assign, Float, Rational,
    float::{Round, Special},
    ops::AssignRound,
};

impl Enclosure for MpInterval {
    fn from_bounds(lo: &Rational, hi: &Rational, prec: &u32) -> MpInterval {
        if lo > hi {
            return Self::empty(prec);
        }
        let l = Float::with_val_round(*prec, lo, down()).0;
        let h = Float::with_val_round(*prec, hi, up()).0;
        Self::clean(l, h, *prec)
    }
    fn from_f64_bounds(lo: f64, hi: f64, prec: &u32) -> MpInterval {
        Self::from_floats(&Float::with_val(53, lo), &Float::with_val(53, hi), *prec)
    }
    fn empty(prec: &u32) -> MpInterval {
        MpInterval { lo: Float::with_val(*prec, Special::Nan), hi: Float::with_val(*prec, Special::Nan) }
    }
    fn entire(prec: &u32) -> MpInterval {
        MpInterval { lo: Float::with_val(*prec, Special::NegInfinity), hi: Float::with_val(*prec, Special::Infinity) }
    }
    fn is_empty(&self) -> bool {
        self.lo.is_nan()
    }
    fn hull(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() {
            return rhs.clone();
        }
        if rhs.is_empty() {
            return self.clone();
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, self.lo.min_ref(&rhs.lo), down()).0;
        let hi = Float::with_val_round(p, self.hi.max_ref(&rhs.hi), up()).0;
        MpInterval { lo, hi }
    }
    fn intersect(&self, rhs: &MpInterval) -> MpInterval {
        let p = self.p(rhs);
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&p);
        }
        let lo = Float::with_val_round(p, self.lo.max_ref(&rhs.lo), down()).0;
        let hi = Float::with_val_round(p, self.hi.min_ref(&rhs.hi), up()).0;
        if lo > hi { Self::empty(&p) } else { MpInterval { lo, hi } }
    }
    fn subset(&self, rhs: &MpInterval) -> bool {
        self.is_empty() || (!rhs.is_empty() && rhs.lo <= self.lo && self.hi <= rhs.hi)
    }
    fn interior(&self, rhs: &MpInterval) -> bool {
        self.is_empty()
            || (!rhs.is_empty()
                && (rhs.lo < self.lo || (rhs.lo.is_infinite() && self.lo.is_infinite()))
                && (self.hi < rhs.hi || (rhs.hi.is_infinite() && self.hi.is_infinite())))
    }
    fn contains_rational(&self, q: &Rational) -> bool {
        !self.is_empty() && self.lo <= *q && *q <= self.hi
    }
    fn mid(&self) -> MpInterval {
        let p = self.prec();
        if self.is_empty() {
            return self.clone();
        }
        let m = match (self.lo.is_infinite(), self.hi.is_infinite()) {
            (true, true) => Float::new(p),
            (true, false) => self.hi.clone(),
            (false, true) => self.lo.clone(),
            (false, false) => {
                // Every step is monotone and fixes representable numbers, so lo ≤ r ≤ hi: the
                // (p+1)-bit sum lies in [2lo, 2hi], halving is exact, rounding to p bits keeps
                // [lo, hi]. Only an overflowing sum (ends near MPFR's largest exponent) needs the
                // halves added instead (no overflow; no underflow either, since then |ends| is huge).
                let mut m = Float::with_val(p + 1, &self.lo + &self.hi);
                if m.is_infinite() {
                    let (lo2, hi2) = (Float::with_val(p, &self.lo >> 1u32), Float::with_val(p, &self.hi >> 1u32));
                    m = Float::with_val(p + 1, &lo2 + &hi2);
                } else {
                    m >>= 1;
                }
                let mut r = Float::new(p);
                r.assign_round(&m, Round::Nearest);
                r
            }
        };
        MpInterval { lo: m.clone(), hi: m }
    }
    fn rad_upper(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let mut w = Float::with_val_round(self.prec(), &self.hi - &self.lo, up()).0;
        w >>= 1;
        w.to_f64_round(up())
    }
    fn lo_point(&self) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        Self::clean(self.lo.clone(), self.lo.clone(), self.prec())
    }
    fn hi_point(&self) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        Self::clean(self.hi.clone(), self.hi.clone(), self.prec())
    }
}

impl std::fmt::Display for MpInterval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return write!(f, "[empty]");
        }
        write!(
            f,
            "[{}, {}]",
            self.lo.to_string_radix_round(10, None, down()),
            self.hi.to_string_radix_round(10, None, up())
        )
    }
}

/// Assignment keeps `self`'s precision (as rug's `Assign` does) and rounds the ends outward, so
/// the target still contains `src` when its precision is lower.
impl Assign<&MpInterval> for MpInterval {
    fn assign(&mut self, src: &MpInterval) {
        if src.is_empty() {
            *self = Self::empty(&self.prec());
            return;
        }
        self.lo.assign_round(&src.lo, down());
        self.hi.assign_round(&src.hi, up());
    }
}
