//! [`MpInterval`]: intervals with MPFR endpoints and directed rounding (ours: `rug` has none).
//!
//! Representation: `[lo, hi]` with both ends at the interval's precision; `lo` is never `+∞`,
//! `hi` never `−∞`; the empty set has both ends NaN. Every lower end is computed with
//! `Round::Down` and every upper end with `Round::Up`, both taken from `crate::rounding` (MPFR
//! correctly rounds each operation in the requested direction, so each end is the tightest bound
//! of its formula at that precision).
//!
//! Semantics follow IEEE 1788's set-based flavour: `[0,0]·[−∞,∞] = [0,0]`, division by an interval
//! with a zero end gives a half-line, division by `[0,0]` gives the empty set, functions are
//! applied to the part of the operand inside their domain (`√[−1,4] = [0,2]`, `ln[−1,0] = ∅`).
//!
//! Proofs note: `proofs-notes/mpfr-interval-rounding.md` (endpoint formulas, one rounding per end,
//! the split multiply-add, the midpoint).
//!
//! Module map: this file holds the type, its constructors and the [`Scalar`] operations;
//! `muldiv` the sign-case analyses of `·`, `/` and `+= a·b`; `set` the [`Enclosure`] operations.

mod muldiv;
mod set;

use super::mpfr::float_bound;
use crate::rounding::{down, up};
use crate::scalar::{Bound, Enclosure, Guarantee, Scalar};
use rug::{
    Float, Rational,
    float::{Round, Special},
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
        let l = Float::with_val_round(prec, lo, down()).0;
        let h = Float::with_val_round(prec, hi, up()).0;
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
        // The largest finite MPFR number (not f64::MAX: MPFR's exponent range is far wider).
        let lo = if lo.is_infinite() && lo.is_sign_positive() { Self::max_finite(prec, false) } else { lo };
        let hi = if hi.is_infinite() && hi.is_sign_negative() { Self::max_finite(prec, true) } else { hi };
        if lo.is_nan() || hi.is_nan() {
            // 0·∞ or ∞−∞ can only come from unbounded operands: give up tightness, keep containment
            return Self::entire(&prec);
        }
        MpInterval { lo, hi }
    }

    /// `±` the largest finite number at precision `prec` (`negative` selects the sign).
    fn max_finite(prec: u32, negative: bool) -> Float {
        let mut m = Float::with_val(prec, Special::Infinity);
        m.next_down();
        if negative { -m } else { m }
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

    fn point_zero(prec: u32) -> MpInterval {
        MpInterval { lo: Float::new(prec), hi: Float::new(prec) }
    }

    fn unary_monotone(&self, f: impl Fn(&mut Float, Round)) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let prec = self.prec();
        let mut lo = self.lo.clone();
        let mut hi = self.hi.clone();
        f(&mut lo, down());
        f(&mut hi, up());
        Self::clean(lo, hi, prec)
    }
}

impl Scalar for MpInterval {
    type Ctx = u32;
    const GUARANTEE: Guarantee = Guarantee::Enclosure;
    const NAME: &'static str = "mpfr-interval";
    const OP_COST: u32 = 60;

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
        let lo = Float::with_val_round(*prec, v, down()).0;
        let hi = Float::with_val_round(*prec, v, up()).0;
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
        let lo = Float::with_val_round(p, &self.lo + &rhs.lo, down()).0;
        let hi = Float::with_val_round(p, &self.hi + &rhs.hi, up()).0;
        Self::clean(lo, hi, p)
    }
    fn sub(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, &self.lo - &rhs.hi, down()).0;
        let hi = Float::with_val_round(p, &self.hi - &rhs.lo, up()).0;
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
    /// `self += a·b` without temporaries outside the mixed×mixed case (see `muldiv`).
    fn add_mul_assign(&mut self, a: &MpInterval, b: &MpInterval) {
        self.add_mul_assign_impl(a, b);
    }
    fn mul_2si(&self, k: i32) -> MpInterval {
        if self.is_empty() {
            return self.clone();
        }
        let p = self.prec();
        let lo = Float::with_val_round(p, &self.lo << k, down()).0;
        let hi = Float::with_val_round(p, &self.hi << k, up()).0;
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
                Float::with_val_round(p, self.lo.square_ref(), down()).0,
                Float::with_val_round(p, self.hi.square_ref(), up()).0,
                p,
            ),
            Class::Neg => Self::clean(
                Float::with_val_round(p, self.hi.square_ref(), down()).0,
                Float::with_val_round(p, self.lo.square_ref(), up()).0,
                p,
            ),
            Class::Mixed => {
                let m = if Float::with_val(p, -&self.lo) > self.hi { &self.lo } else { &self.hi };
                Self::clean(Float::new(p), Float::with_val_round(p, m.square_ref(), up()).0, p)
            }
        }
    }
    fn sqrt(&self) -> MpInterval {
        if self.is_empty() || self.hi.cmp0() == Some(Ordering::Less) {
            return Self::empty(&self.prec());
        }
        let p = self.prec();
        let lo = if self.lo.cmp0() == Some(Ordering::Greater) {
            Float::with_val_round(p, self.lo.sqrt_ref(), down()).0
        } else {
            Float::new(p)
        };
        let hi = Float::with_val_round(p, self.hi.sqrt_ref(), up()).0;
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
            Float::with_val_round(p, self.lo.ln_ref(), down()).0
        } else {
            Float::with_val(p, Special::NegInfinity)
        };
        let hi = Float::with_val_round(p, self.hi.ln_ref(), up()).0;
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
        let lo = Float::with_val_round(p, self.lo.max_ref(&rhs.lo), down()).0;
        let hi = Float::with_val_round(p, self.hi.max_ref(&rhs.hi), up()).0;
        MpInterval { lo, hi }
    }
    fn min(&self, rhs: &MpInterval) -> MpInterval {
        if self.is_empty() || rhs.is_empty() {
            return Self::empty(&self.p(rhs));
        }
        let p = self.p(rhs);
        let lo = Float::with_val_round(p, self.lo.min_ref(&rhs.lo), down()).0;
        let hi = Float::with_val_round(p, self.hi.min_ref(&rhs.hi), up()).0;
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
    // The empty set proves nothing and excludes nothing: every `possibly_*` is true for it.
    fn possibly_pos(&self) -> bool {
        self.is_empty() || self.hi.cmp0() == Some(Ordering::Greater)
    }
    fn possibly_neg(&self) -> bool {
        self.is_empty() || self.lo.cmp0() == Some(Ordering::Less)
    }
    fn possibly_zero(&self) -> bool {
        self.is_empty() || (self.lo.cmp0() != Some(Ordering::Greater) && self.hi.cmp0() != Some(Ordering::Less))
    }
    fn certainly_lt(&self, rhs: &MpInterval) -> bool {
        !self.is_empty() && !rhs.is_empty() && self.hi < rhs.lo
    }
    fn possibly_lt(&self, rhs: &MpInterval) -> bool {
        self.is_empty() || rhs.is_empty() || self.lo < rhs.hi
    }
    fn lower(&self) -> Bound {
        if self.is_empty() { Bound::PosInf } else { float_bound(&self.lo) }
    }
    fn upper(&self) -> Bound {
        if self.is_empty() { Bound::NegInf } else { float_bound(&self.hi) }
    }
    fn lower_f64(&self) -> f64 {
        self.lo.to_f64_round(down())
    }
    fn upper_f64(&self) -> f64 {
        self.hi.to_f64_round(up())
    }
    fn approx_f64(&self) -> f64 {
        self.mid().lo.to_f64()
    }
    fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }
}
