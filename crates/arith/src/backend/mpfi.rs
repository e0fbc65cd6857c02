//! [`MpInterval`]: intervals with MPFR endpoints and directed rounding (ours: `rug` has none).
//!
//! Representation: `[lo, hi]` with both ends at the interval's precision; `lo` is never `+∞`,
//! `hi` never `−∞`; the empty set has both ends NaN. Every lower end is computed with
//! `Round::Down` and every upper end with `Round::Up` (MPFR correctly rounds each operation in the
//! requested direction, so each end is the tightest bound of its formula at that precision).

use super::mpfr::{float_bound, mul_round};
use crate::scalar::{Bound, Enclosure, Guarantee, Scalar};
use rug::{
    Assign, Float, Rational,
    float::{Round, Special},
    ops::{AddAssignRound, AssignRound},
};
use std::cmp::Ordering;

/// A closed real interval with MPFR endpoints, or the empty set.
///
/// Fields are private: every constructor rounds outward, so a value of this type always contains
/// what it was computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct MpInterval {
    lo: Float,
    hi: Float,
}

/// Where an interval lies relative to zero (for the case analyses of `*` and `/`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// `lo ≥ 0` (and not `[0, 0]`)
    Pos,
    /// `hi ≤ 0` (and not `[0, 0]`)
    Neg,
    /// `lo < 0 < hi`
    Mixed,
    /// `[0, 0]`
    Zero,
}

impl MpInterval {
    /// `[lo, hi]` from endpoints the caller guarantees are ordered, finite-or-proper-infinite and of
    /// precision `prec` (no rounding is done: the caller's bound is trusted). Prefer
    /// [`Enclosure::from_bounds`]; this is the unchecked path for code that computed the ends
    /// with directed rounding itself.
    pub fn new_unchecked(lo: Float, hi: Float) -> MpInterval {
        debug_assert!(lo.is_nan() || hi.is_nan() || lo <= hi, "unordered ends {lo} > {hi}");
        MpInterval { lo, hi }
    }

    /// `[lo, hi]` from two f64-representable or MPFR ends, each rounded outward to `prec`.
    /// `lo > hi` or a NaN end gives the empty set.
    pub fn from_floats(lo: &Float, hi: &Float, prec: u32) -> MpInterval {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Self::empty(&prec);
        }
        let l = Float::with_val_round(prec, lo, Round::Down).0;
        let h = Float::with_val_round(prec, hi, Round::Up).0;
        Self::clean(l, h, prec)
    }

    /// The lower end.
    pub fn lo(&self) -> &Float {
        &self.lo
    }
    /// The upper end.
    pub fn hi(&self) -> &Float {
        &self.hi
    }
    /// The precision of the ends, in bits.
    pub fn prec(&self) -> u32 {
        self.lo.prec()
    }

    fn clean(lo: Float, hi: Float, prec: u32) -> MpInterval {
        // +∞ as a lower end or −∞ as an upper end cannot enclose a real number; such results only
        // arise from overflow of an already unbounded set, which we widen to stay a valid interval.
        let lo = if lo.is_infinite() && lo.is_sign_positive() { Float::with_val(prec, f64::MAX) } else { lo };
        let hi = if hi.is_infinite() && hi.is_sign_negative() { Float::with_val(prec, f64::MIN) } else { hi };
        if lo.is_nan() || hi.is_nan() {
            // 0·∞ or ∞−∞ can only come from unbounded operands: give up tightness, keep containment
            return Self::entire(&prec);
        }
        MpInterval { lo, hi }
    }

    fn class(&self) -> Class {
        let l = self.lo.cmp0();
        let h = self.hi.cmp0();
        match (l, h) {
            (Some(Ordering::Equal), Some(Ordering::Equal)) => Class::Zero,
            (Some(Ordering::Equal | Ordering::Greater), _) => Class::Pos,
            (_, Some(Ordering::Equal | Ordering::Less)) => Class::Neg,
            _ => Class::Mixed,
        }
    }

    fn p(&self, rhs: &MpInterval) -> u32 {
        self.prec().max(rhs.prec())
    }

    /// The endpoints `(a_lo_factor, b_lo_factor, a_hi_factor, b_hi_factor)` whose products give
    /// the ends of `a·b`, or `None` for the mixed×mixed case.
    fn product_corners<'a>(a: &'a MpInterval, b: &'a MpInterval) -> Option<[&'a Float; 4]> {
        use Class::*;
        Some(match (a.class(), b.class()) {
            (Pos, Pos) => [&a.lo, &b.lo, &a.hi, &b.hi],
            (Pos, Neg) => [&a.hi, &b.lo, &a.lo, &b.hi],
            (Pos, Mixed) => [&a.hi, &b.lo, &a.hi, &b.hi],
            (Neg, Pos) => [&a.lo, &b.hi, &a.hi, &b.lo],
            (Neg, Neg) => [&a.hi, &b.hi, &a.lo, &b.lo],
            (Neg, Mixed) => [&a.lo, &b.hi, &a.lo, &b.lo],
            (Mixed, Pos) => [&a.lo, &b.hi, &a.hi, &b.hi],
            (Mixed, Neg) => [&a.hi, &b.lo, &a.lo, &b.lo],
            (Mixed, Mixed) => return None,
            (Zero, _) | (_, Zero) => unreachable!("zero handled by the caller"),
        })
    }

    /// `a·b` for non-empty operands.
    fn mul_nonempty(a: &MpInterval, b: &MpInterval, prec: u32) -> MpInterval {
        if a.class() == Class::Zero || b.class() == Class::Zero {
            return Self::point_zero(prec);
        }
        match Self::product_corners(a, b) {
            Some([l1, l2, h1, h2]) => {
                let lo = mul_round(l1, l2, prec, Round::Down);
                let hi = mul_round(h1, h2, prec, Round::Up);
                Self::clean(lo, hi, prec)
            }
            None => {
                let lo1 = mul_round(&a.lo, &b.hi, prec, Round::Down);
                let lo2 = mul_round(&a.hi, &b.lo, prec, Round::Down);
                let hi1 = mul_round(&a.lo, &b.lo, prec, Round::Up);
                let hi2 = mul_round(&a.hi, &b.hi, prec, Round::Up);
                let lo = if lo1 < lo2 { lo1 } else { lo2 };
                let hi = if hi1 > hi2 { hi1 } else { hi2 };
                Self::clean(lo, hi, prec)
            }
        }
    }

    fn point_zero(prec: u32) -> MpInterval {
        MpInterval { lo: Float::new(prec), hi: Float::new(prec) }
    }

    fn div_round(a: &Float, b: &Float, prec: u32, round: Round) -> Float {
        if a.is_zero() {
            return Float::new(prec);
        }
        Float::with_val_round(prec, a / b, round).0
    }

    /// `a / b` for non-empty operands (IEEE 1788 tightest-hull semantics).
    fn div_nonempty(a: &MpInterval, b: &MpInterval, prec: u32) -> MpInterval {
        use Class::*;
        let inf = |neg: bool| Float::with_val(prec, if neg { Special::NegInfinity } else { Special::Infinity });
        let (d, dn, up) = (Self::div_round, Round::Down, Round::Up);
        match (a.class(), b.class()) {
            (_, Zero) => Self::empty(&prec),
            (Zero, _) => Self::point_zero(prec),
            (Pos, Pos) => Self::clean(d(&a.lo, &b.hi, prec, dn), d(&a.hi, &b.lo, prec, up), prec),
            (Neg, Pos) => Self::clean(d(&a.lo, &b.lo, prec, dn), d(&a.hi, &b.hi, prec, up), prec),
            (Mixed, Pos) if b.lo.is_zero() => Self::entire(&prec),
            (Mixed, Pos) => Self::clean(d(&a.lo, &b.lo, prec, dn), d(&a.hi, &b.lo, prec, up), prec),
            (Pos, Neg) => Self::clean(d(&a.hi, &b.hi, prec, dn), d(&a.lo, &b.lo, prec, up), prec),
            (Neg, Neg) => Self::clean(d(&a.hi, &b.lo, prec, dn), d(&a.lo, &b.hi, prec, up), prec),
            (Mixed, Neg) if b.hi.is_zero() => Self::entire(&prec),
            (Mixed, Neg) => Self::clean(d(&a.hi, &b.hi, prec, dn), d(&a.lo, &b.hi, prec, up), prec),
            (_, Mixed) => Self::entire(&prec),
        }
        .fix_zero_divisor_end(a, b, &inf)
    }

    /// Division by an interval with a zero end: the quotient is unbounded on one side.
    fn fix_zero_divisor_end(self, a: &MpInterval, b: &MpInterval, inf: &dyn Fn(bool) -> Float) -> MpInterval {
        use Class::*;
        let (ac, bc) = (a.class(), b.class());
        if self.is_empty() || ac == Zero || ac == Mixed || bc == Mixed || bc == Zero {
            return self;
        }
        let positive_quotient = (ac == Pos) == (bc == Pos);
        // A quotient end divided by the zero end of b is ±∞ (MPFR already gives ±∞ for x/±0 with
        // x ≠ 0, but a/0 with a = 0 end must not produce NaN: handled since a's relevant end ≠ 0
        // when a lies strictly on one side; a touching zero gives 0/0 only at a's zero end, which
        // the Pos/Neg formulas never divide by b's zero end).
        let touches = (bc == Pos && b.lo.is_zero()) || (bc == Neg && b.hi.is_zero());
        if !touches {
            return self;
        }
        if positive_quotient {
            MpInterval { lo: self.lo, hi: inf(false) }
        } else {
            MpInterval { lo: inf(true), hi: self.hi }
        }
    }

    fn unary_monotone(&self, f: impl Fn(&mut Float, Round)) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let prec = self.prec();
        let mut lo = self.lo.clone();
        let mut hi = self.hi.clone();
        f(&mut lo, Round::Down);
        f(&mut hi, Round::Up);
        Self::clean(lo, hi, prec)
    }
}

impl Scalar for MpInterval {
    type Ctx = u32;
    const GUARANTEE: Guarantee = Guarantee::Enclosure;
    const NAME: &'static str = "mpfr-interval";

    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn min_normal_exp(_: &u32) -> i64 {
        rug::float::exp_min() as i64 - 1
    }
    fn from_rational(q: &Rational, prec: &u32) -> MpInterval {
        Self::from_bounds(q, q, prec)
    }
    fn from_i64(v: i64, prec: &u32) -> MpInterval {
        let lo = Float::with_val_round(*prec, v, Round::Down).0;
        let hi = Float::with_val_round(*prec, v, Round::Up).0;
        MpInterval { lo, hi }
    }
    fn from_f64(v: f64, prec: &u32) -> MpInterval {
        Self::from_f64_bounds(v, v, prec)
    }
    fn add(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, &self.lo + &rhs.lo, Round::Down).0;
        let hi = Float::with_val_round(p, &self.hi + &rhs.hi, Round::Up).0;
        Self::clean(lo, hi, p)
    }
    fn sub(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, &self.lo - &rhs.hi, Round::Down).0;
        let hi = Float::with_val_round(p, &self.hi - &rhs.lo, Round::Up).0;
        Self::clean(lo, hi, p)
    }
    fn mul(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        Self::mul_nonempty(self, rhs, self.p(rhs))
    }
    fn div(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        Self::div_nonempty(self, rhs, self.p(rhs))
    }
    fn neg(&self) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        MpInterval { lo: Float::with_val(self.prec(), -&self.hi), hi: Float::with_val(self.prec(), -&self.lo) }
    }
    fn mul_add(&self, b: &MpInterval, c: &MpInterval) -> MpInterval {
        let mut acc = c.clone();
        acc.add_mul_assign(self, b);
        acc
    }
    /// `self += a·b` with one rounding per end: each end is MPFR's fused multiply-add of the
    /// selected endpoint product, rounded outward (tighter than a rounded product then a rounded
    /// sum, and no temporary allocation outside the mixed×mixed case).
    fn add_mul_assign(&mut self, a: &MpInterval, b: &MpInterval) {
        if self.is_empty() || a.is_empty() || b.is_empty() {
            *self = Self::empty(&self.prec());
            return;
        }
        let (ac, bc) = (a.class(), b.class());
        if ac == Class::Zero || bc == Class::Zero {
            return;
        }
        let unbounded = a.lo.is_infinite() || a.hi.is_infinite() || b.lo.is_infinite() || b.hi.is_infinite();
        if unbounded || self.lo.is_infinite() || self.hi.is_infinite() {
            let prod = a.mul(b);
            *self = self.add(&prod);
            return;
        }
        match Self::product_corners(a, b) {
            Some([l1, l2, h1, h2]) => {
                if !(l1.is_zero() || l2.is_zero()) {
                    self.lo.add_assign_round(l1 * l2, Round::Down);
                }
                if !(h1.is_zero() || h2.is_zero()) {
                    self.hi.add_assign_round(h1 * h2, Round::Up);
                }
            }
            None => {
                let p = self.prec();
                let lo1 = Float::with_val_round(p, a.lo.mul_add_ref(&b.hi, &self.lo), Round::Down).0;
                let lo2 = Float::with_val_round(p, a.hi.mul_add_ref(&b.lo, &self.lo), Round::Down).0;
                let hi1 = Float::with_val_round(p, a.lo.mul_add_ref(&b.lo, &self.hi), Round::Up).0;
                let hi2 = Float::with_val_round(p, a.hi.mul_add_ref(&b.hi, &self.hi), Round::Up).0;
                self.lo = if lo1 < lo2 { lo1 } else { lo2 };
                self.hi = if hi1 > hi2 { hi1 } else { hi2 };
            }
        }
    }
    fn mul_2si(&self, k: i32) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let p = self.prec();
        let lo = Float::with_val_round(p, &self.lo << k, Round::Down).0;
        let hi = Float::with_val_round(p, &self.hi << k, Round::Up).0;
        Self::clean(lo, hi, p)
    }
    fn sqr(&self) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let p = self.prec();
        match self.class() {
            Class::Zero => Self::point_zero(p),
            Class::Pos => Self::clean(
                Float::with_val_round(p, self.lo.square_ref(), Round::Down).0,
                Float::with_val_round(p, self.hi.square_ref(), Round::Up).0,
                p,
            ),
            Class::Neg => Self::clean(
                Float::with_val_round(p, self.hi.square_ref(), Round::Down).0,
                Float::with_val_round(p, self.lo.square_ref(), Round::Up).0,
                p,
            ),
            Class::Mixed => {
                let m = if Float::with_val(p, -&self.lo) > self.hi { &self.lo } else { &self.hi };
                Self::clean(Float::new(p), Float::with_val_round(p, m.square_ref(), Round::Up).0, p)
            }
        }
    }
    fn sqrt(&self) -> MpInterval {
        if self.is_empty() || self.hi.cmp0() == Some(Ordering::Less) {
            return Self::empty(&self.prec());
        }
        let p = self.prec();
        let lo = if self.lo.cmp0() == Some(Ordering::Greater) {
            Float::with_val_round(p, self.lo.sqrt_ref(), Round::Down).0
        } else {
            Float::new(p)
        };
        let hi = Float::with_val_round(p, self.hi.sqrt_ref(), Round::Up).0;
        Self::clean(lo, hi, p)
    }
    fn exp(&self) -> MpInterval {
        self.unary_monotone(|x, r| {
            x.exp_round(r);
        })
    }
    fn ln(&self) -> MpInterval {
        if self.is_empty() || self.hi.cmp0() != Some(Ordering::Greater) {
            return Self::empty(&self.prec());
        }
        let p = self.prec();
        let lo = if self.lo.cmp0() == Some(Ordering::Greater) {
            Float::with_val_round(p, self.lo.ln_ref(), Round::Down).0
        } else {
            Float::with_val(p, Special::NegInfinity)
        };
        let hi = Float::with_val_round(p, self.hi.ln_ref(), Round::Up).0;
        Self::clean(lo, hi, p)
    }
    fn abs(&self) -> MpInterval {
        match self.class() {
            _ if self.is_empty() => self.clone(),
            Class::Pos | Class::Zero => self.clone(),
            Class::Neg => self.neg(),
            Class::Mixed => {
                let p = self.prec();
                let nl = Float::with_val(p, -&self.lo);
                let hi = if nl > self.hi { nl } else { self.hi.clone() };
                MpInterval { lo: Float::new(p), hi }
            }
        }
    }
    fn max(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, self.lo.max_ref(&rhs.lo), Round::Down).0;
        let hi = Float::with_val_round(p, self.hi.max_ref(&rhs.hi), Round::Up).0;
        MpInterval { lo, hi }
    }
    fn min(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, self.lo.min_ref(&rhs.lo), Round::Down).0;
        let hi = Float::with_val_round(p, self.hi.min_ref(&rhs.hi), Round::Up).0;
        MpInterval { lo, hi }
    }
    fn relu(&self) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let p = self.prec();
        let lo = if self.lo.cmp0() == Some(Ordering::Greater) { self.lo.clone() } else { Float::new(p) };
        let hi = if self.hi.cmp0() == Some(Ordering::Greater) { self.hi.clone() } else { Float::new(p) };
        MpInterval { lo, hi }
    }
    fn certainly_pos(&self) -> bool {
        !self.is_empty() && self.lo.cmp0() == Some(Ordering::Greater)
    }
    fn certainly_neg(&self) -> bool {
        !self.is_empty() && self.hi.cmp0() == Some(Ordering::Less)
    }
    fn possibly_pos(&self) -> bool {
        !self.is_empty() && self.hi.cmp0() == Some(Ordering::Greater)
    }
    fn possibly_neg(&self) -> bool {
        !self.is_empty() && self.lo.cmp0() == Some(Ordering::Less)
    }
    fn possibly_zero(&self) -> bool {
        !self.is_empty() && self.lo.cmp0() != Some(Ordering::Greater) && self.hi.cmp0() != Some(Ordering::Less)
    }
    fn certainly_lt(&self, rhs: &MpInterval) -> bool {
        !self.is_empty() && !rhs.is_empty() && self.hi < rhs.lo
    }
    fn possibly_lt(&self, rhs: &MpInterval) -> bool {
        !self.is_empty() && !rhs.is_empty() && self.lo < rhs.hi
    }
    fn lower(&self) -> Bound {
        if self.is_empty() { Bound::PosInf } else { float_bound(&self.lo) }
    }
    fn upper(&self) -> Bound {
        if self.is_empty() { Bound::NegInf } else { float_bound(&self.hi) }
    }
    fn lower_f64(&self) -> f64 {
        self.lo.to_f64_round(Round::Down)
    }
    fn upper_f64(&self) -> f64 {
        self.hi.to_f64_round(Round::Up)
    }
    fn approx_f64(&self) -> f64 {
        self.mid().lo.to_f64()
    }
    fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }
}

impl Enclosure for MpInterval {
    fn from_bounds(lo: &Rational, hi: &Rational, prec: &u32) -> MpInterval {
        if lo > hi {
            return Self::empty(prec);
        }
        let l = Float::with_val_round(*prec, lo, Round::Down).0;
        let h = Float::with_val_round(*prec, hi, Round::Up).0;
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
        let lo = Float::with_val_round(p, self.lo.min_ref(&rhs.lo), Round::Down).0;
        let hi = Float::with_val_round(p, self.hi.max_ref(&rhs.hi), Round::Up).0;
        MpInterval { lo, hi }
    }
    fn intersect(&self, rhs: &MpInterval) -> MpInterval {
        let p = self.p(rhs);
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&p);
        }
        let lo = Float::with_val_round(p, self.lo.max_ref(&rhs.lo), Round::Down).0;
        let hi = Float::with_val_round(p, self.hi.min_ref(&rhs.hi), Round::Up).0;
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
                let mut m = Float::with_val(p + 1, &self.lo + &self.hi);
                m >>= 1;
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
        let mut w = Float::with_val_round(self.prec(), &self.hi - &self.lo, Round::Up).0;
        w >>= 1;
        w.to_f64_round(Round::Up)
    }
    fn lo_point(&self) -> MpInterval {
        Self::clean(self.lo.clone(), self.lo.clone(), self.prec())
    }
    fn hi_point(&self) -> MpInterval {
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
            self.lo.to_string_radix_round(10, None, Round::Down),
            self.hi.to_string_radix_round(10, None, Round::Up)
        )
    }
}

impl Assign<&MpInterval> for MpInterval {
    fn assign(&mut self, src: &MpInterval) {
        self.lo.assign(&src.lo);
        self.hi.assign(&src.hi);
    }
}
