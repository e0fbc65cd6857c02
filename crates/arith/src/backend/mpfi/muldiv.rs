//! The sign-case analyses of `·`, `/` and the in-place `+= a·b` for [`MpInterval`].
//!
//! Proofs note: `proofs-notes/mpfr-interval-rounding.md` (items 1–3).

use super::{Class, MpInterval};
use crate::backend::mpfr::mul_round;
use crate::rounding::{down, up};
use crate::scalar::{Enclosure, Scalar};
use rug::{
    Assign, Float,
    float::{Round, Special},
    ops::{AddAssignRound, AssignRound},
};
use std::cell::RefCell;

/// Measured choice between the two sound ways to update an end by `± a·b` (see the benchmark
/// `crates/arith/benches/arith.rs`): MPFR's fused `mpfr_fma` rounded outward once, or a product
/// rounded outward into a scratch number followed by a sum rounded the same way. On the
/// development machine (2026-11, row "one directed end" of the benchmark) the split form was
/// 1.1–1.6× faster at 53, 128, 256 and 1024 bits, and `MpInterval::add_mul_assign` 10–30 % faster
/// with it at 53–256 bits; so split it is (`true` restores the fused form, 1 ulp tighter per end).
const FUSED: bool = false;

thread_local! {
    /// Scratch numbers for the split update (reused: no allocation per call once warm).
    static SCRATCH: RefCell<[Float; 2]> = RefCell::new([Float::new(64), Float::new(64)]);
}

/// `end += x·y` rounded in direction `round` (a product with an exact zero factor adds nothing;
/// the caller excludes infinite operands). With `FUSED == false` the product is rounded in the same
/// direction first: for `Round::Down`, `RD(RD(xy) + e) ≤ RD(xy) + e ≤ xy + e`, and symmetrically
/// for `Round::Up`, so the split form is as sound as the fused one, only up to 1 ulp wider.
fn add_product_round(end: &mut Float, x: &Float, y: &Float, round: Round, tmp: &mut Float) {
    if x.is_zero() || y.is_zero() {
        return;
    }
    if FUSED {
        end.add_assign_round(x * y, round);
    } else {
        set_prec_if(tmp, end.prec());
        tmp.assign_round(x * y, round);
        end.add_assign_round(&*tmp, round);
    }
}

fn set_prec_if(f: &mut Float, prec: u32) {
    if f.prec() != prec {
        f.set_prec(prec);
    }
}

impl MpInterval {
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
    pub(super) fn mul_nonempty(a: &MpInterval, b: &MpInterval, prec: u32) -> MpInterval {
        if a.class() == Class::Zero || b.class() == Class::Zero {
            return Self::point_zero(prec);
        }
        match Self::product_corners(a, b) {
            Some([l1, l2, h1, h2]) => {
                let lo = mul_round(l1, l2, prec, down());
                let hi = mul_round(h1, h2, prec, up());
                Self::clean(lo, hi, prec)
            }
            None => {
                let lo1 = mul_round(&a.lo, &b.hi, prec, down());
                let lo2 = mul_round(&a.hi, &b.lo, prec, down());
                let hi1 = mul_round(&a.lo, &b.lo, prec, up());
                let hi2 = mul_round(&a.hi, &b.hi, prec, up());
                let lo = if lo1 < lo2 { lo1 } else { lo2 };
                let hi = if hi1 > hi2 { hi1 } else { hi2 };
                Self::clean(lo, hi, prec)
            }
        }
    }

    fn div_round(a: &Float, b: &Float, prec: u32, round: Round) -> Float {
        if a.is_zero() {
            return Float::new(prec);
        }
        Float::with_val_round(prec, a / b, round).0
    }

    /// `a / b` for non-empty operands (IEEE 1788 tightest-hull semantics).
    pub(super) fn div_nonempty(a: &MpInterval, b: &MpInterval, prec: u32) -> MpInterval {
        use Class::*;
        let inf = |neg: bool| Float::with_val(prec, if neg { Special::NegInfinity } else { Special::Infinity });
        let (d, dn, up) = (Self::div_round, down(), up());
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

    /// `self += a·b`, each end updated in place (no allocation once the scratch numbers are warm).
    ///
    /// Bounded operands: the sign classes select one endpoint product per end
    /// (`product_corners`), added by `add_product_round`; mixed×mixed takes the smaller of the two
    /// candidate lower products (each rounded down) and the larger of the two upper ones before the
    /// sum. Unbounded operands fall back to `self + a·b` (which handles `0·∞` and `∞ − ∞`).
    /// The result keeps `self`'s precision in every case.
    pub(super) fn add_mul_assign_impl(&mut self, a: &MpInterval, b: &MpInterval) {
        if self.is_empty() || a.is_empty() || b.is_empty() {
            *self = Self::empty(&self.prec());
            return;
        }
        if a.class() == Class::Zero || b.class() == Class::Zero {
            return;
        }
        let unbounded = a.lo.is_infinite() || a.hi.is_infinite() || b.lo.is_infinite() || b.hi.is_infinite();
        if unbounded || self.lo.is_infinite() || self.hi.is_infinite() {
            // `assign` rounds outward back to `self`'s precision (the sum has the larger one)
            let sum = self.add(&a.mul(b));
            self.assign(&sum);
            return;
        }
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let [t1, t2] = &mut *guard;
            match Self::product_corners(a, b) {
                Some([l1, l2, h1, h2]) => {
                    add_product_round(&mut self.lo, l1, l2, down(), t1);
                    add_product_round(&mut self.hi, h1, h2, up(), t1);
                }
                None => {
                    // all four ends are non-zero and finite here
                    let p = self.prec();
                    set_prec_if(t1, p);
                    set_prec_if(t2, p);
                    t1.assign_round(&a.lo * &b.hi, down());
                    t2.assign_round(&a.hi * &b.lo, down());
                    let m = if *t1 < *t2 { &*t1 } else { &*t2 };
                    self.lo.add_assign_round(m, down());
                    t1.assign_round(&a.lo * &b.lo, up());
                    t2.assign_round(&a.hi * &b.hi, up());
                    let m = if *t1 > *t2 { &*t1 } else { &*t2 };
                    self.hi.add_assign_round(m, up());
                }
            }
        });
    }
}
