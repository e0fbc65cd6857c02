//! The scalar traits every integrator and check is written against.
//!
//! Three layers, each with laws (style.md §6):
//!
//! * [`Scalar`]: a `Clone + Debug` number with the operations the flows need, an explicit precision
//!   context, and *three-valued* comparisons (`certainly_*` / `possibly_*`) instead of `<`.
//! * [`Enclosure`]: a `Scalar` that is a set (a closed interval) guaranteed to contain the exact
//!   value of the expression it was computed from.
//! * [`Point`]: a `Scalar` that is a single floating-point number (non-validated runs).
//!
//! The traits are deliberately not `num_traits::Float` or `RealField`: those assume point values,
//! a total order and `Copy`, which intervals and MPFR numbers do not have.

use rug::Rational;
use std::fmt::Debug;

/// What a backend promises about the value an operation returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guarantee {
    /// The result is a set containing the exact real result of the operation applied to every
    /// point of the operands (inclusion isotonicity, IEEE 1788 "containment").
    Enclosure,
    /// The result is one floating-point number near the exact result (correctly rounded for the
    /// basic operations of MPFR and IEEE f64, faithfully or better for `exp`/`ln`); no error bound.
    Approximate,
}

/// One endpoint of a scalar, read exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    /// −∞ (an unbounded lower end).
    NegInf,
    /// A finite value, exactly (every binary floating-point number is a rational).
    Finite(Rational),
    /// +∞ (an unbounded upper end).
    PosInf,
}

/// A real number type, possibly a set of reals, with the operations the gradient flows need.
///
/// # Laws
///
/// For an [`Enclosure`] backend (`GUARANTEE == Guarantee::Enclosure`), every operation `op` satisfies
/// **containment**: if `x ∋ ξ` and `y ∋ η` then `op(x, y) ∋ op(ξ, η)` for the exact real `op`, and
/// `from_rational(q) ∋ q` exactly. The comparisons are then *certain*: `certainly_pos(x)` implies
/// every element of `x` is `> 0`; `possibly_pos(x)` is false only if no element is `> 0`.
///
/// For a [`Point`] backend (`GUARANTEE == Guarantee::Approximate`) each operation returns one
/// rounded number; `certainly_*` and `possibly_*` coincide and compare that number.
///
/// **A value without information proves nothing and excludes nothing.** For the empty set (an
/// [`Enclosure`] that is `is_empty`) and for NaN (a point), every `certainly_*` predicate (also
/// `certainly_nonneg`, `certainly_nonpos`, `certainly_lt`) is **false** and every `possibly_*`
/// predicate (also `possibly_zero`, `possibly_lt`) is **true**; [`sign_of`] is [`Sign::Unknown`].
/// An empty enclosure of a real value is a bug somewhere upstream, so a decision computed from one
/// must come out *undecided*, never *proved*: code that decides by `!possibly_neg()` (= "certainly
/// non-negative") stays sound on ∅ under this law, where the set-theoretic reading (nothing in ∅ is
/// negative) would be a vacuous proof.
///
/// Operations on values of different precision return the larger precision (MPFR backends).
pub trait Scalar: Clone + Debug + Send + Sync + 'static {
    /// The precision context needed to create constants (`()` for the f64 backends, the number of
    /// bits for the MPFR backends).
    type Ctx: Clone + Debug + PartialEq + Send + Sync + 'static;

    /// The guarantee every operation of this backend makes.
    const GUARANTEE: Guarantee;
    /// A short name for reports (`"f64"`, `"mpfr"`, `"interval"`, `"mpfr-interval"`).
    const NAME: &'static str;
    /// The rough cost of one arithmetic operation, in f64 operations (1 for `f64`; MPFR's are tens
    /// of times dearer). Only a hint, for deciding whether a piece of work is worth splitting over
    /// threads; it never changes a result.
    const OP_COST: u32;

    /// The context this value was created with.
    fn ctx(&self) -> Self::Ctx;
    /// The smallest positive normal number of this backend's exponent range, as a power of two
    /// `2^e` (returns `e`). Values whose magnitude falls below it lose precision or underflow.
    fn min_normal_exp(ctx: &Self::Ctx) -> i64;

    /// The exact rational `q`: enclosed (enclosures) or rounded to nearest (points).
    fn from_rational(q: &Rational, ctx: &Self::Ctx) -> Self;
    /// The integer `v` (exact whenever it fits the precision, else as `from_rational`).
    fn from_i64(v: i64, ctx: &Self::Ctx) -> Self;
    /// The binary64 number `v` (exact: every finite f64 is representable in every backend here).
    fn from_f64(v: f64, ctx: &Self::Ctx) -> Self;
    /// Zero.
    fn zero(ctx: &Self::Ctx) -> Self {
        Self::from_i64(0, ctx)
    }
    /// One.
    fn one(ctx: &Self::Ctx) -> Self {
        Self::from_i64(1, ctx)
    }

    /// `self + rhs`.
    fn add(&self, rhs: &Self) -> Self;
    /// `self − rhs`.
    fn sub(&self, rhs: &Self) -> Self;
    /// `self · rhs`.
    fn mul(&self, rhs: &Self) -> Self;
    /// `self / rhs`. Division by a set containing zero gives the entire line (enclosures) or ±∞/NaN.
    fn div(&self, rhs: &Self) -> Self;
    /// `−self` (exact in every backend).
    fn neg(&self) -> Self;
    /// `self · b + c`.
    fn mul_add(&self, b: &Self, c: &Self) -> Self;
    /// `self += a · b`, in place (the inner loop of dot products).
    fn add_mul_assign(&mut self, a: &Self, b: &Self) {
        *self = a.mul_add(b, self);
    }
    /// `self · 2^k` (exact unless it overflows or underflows).
    fn mul_2si(&self, k: i32) -> Self;
    /// `self²` (tighter than `self · self` for enclosures containing zero).
    fn sqr(&self) -> Self;
    /// `√self` (for enclosures, of the non-negative part; empty if none).
    fn sqrt(&self) -> Self;
    /// `e^self`.
    fn exp(&self) -> Self;
    /// `ln self` (for enclosures, of the positive part).
    fn ln(&self) -> Self;
    /// `|self|`.
    fn abs(&self) -> Self;
    /// `max(self, rhs)`.
    fn max(&self, rhs: &Self) -> Self;
    /// `min(self, rhs)`.
    fn min(&self, rhs: &Self) -> Self;
    /// The ReLU `σ(self) = max(self, 0)`.
    fn relu(&self) -> Self {
        self.max(&Self::zero(&self.ctx()))
    }

    /// Every element is `> 0`.
    fn certainly_pos(&self) -> bool;
    /// Every element is `< 0`.
    fn certainly_neg(&self) -> bool;
    /// Some element is `> 0`.
    fn possibly_pos(&self) -> bool;
    /// Some element is `< 0`.
    fn possibly_neg(&self) -> bool;
    /// Every element is `≥ 0`.
    fn certainly_nonneg(&self) -> bool {
        !self.possibly_neg()
    }
    /// Every element is `≤ 0`.
    fn certainly_nonpos(&self) -> bool {
        !self.possibly_pos()
    }
    /// The value may be zero (for points: is zero).
    fn possibly_zero(&self) -> bool;
    /// Every element of `self` is less than every element of `rhs`.
    fn certainly_lt(&self, rhs: &Self) -> bool {
        rhs.sub(self).certainly_pos()
    }
    /// Some element of `self` is less than some element of `rhs`.
    fn possibly_lt(&self, rhs: &Self) -> bool {
        rhs.sub(self).possibly_pos()
    }

    /// The lower end, exactly (a point's value).
    fn lower(&self) -> Bound;
    /// The upper end, exactly (a point's value).
    fn upper(&self) -> Bound;
    /// A lower bound as f64, rounded down (for points: the value rounded down).
    fn lower_f64(&self) -> f64;
    /// An upper bound as f64, rounded up (for points: the value rounded up).
    fn upper_f64(&self) -> f64;
    /// An approximation as f64 (the midpoint, rounded to nearest).
    fn approx_f64(&self) -> f64;
    /// Neither end is infinite nor NaN (and, for enclosures, the set is not empty).
    fn is_finite(&self) -> bool;
}

/// A [`Scalar`] that is a closed interval guaranteed to contain the exact value.
///
/// # Laws
///
/// * Containment for every operation (see [`Scalar`]).
/// * `hull(x, y) ⊇ x ∪ y`; `intersect(x, y) ⊇ x ∩ y` (and is empty only if `x ∩ y` is).
/// * `mid(x) ∈ x` is a single point (a degenerate interval); `rad_upper(x) ≥` the radius.
/// * `subset`, `interior` and `contains_rational` are exact set predicates (so `∅ ⊆ x`: a proof
///   that rests on `F(E) ⊆ E` must also check that `F(E)` is non-empty, e.g. by `is_finite`).
///   `contains_zero` follows the three-valued law of [`Scalar`]: true for ∅.
/// * Enclosures of one exact value always meet; an empty meeting is a bug, and code that must
///   meet two such enclosures goes through [`crate::meet()`], which reports it instead of returning ∅.
pub trait Enclosure: Scalar {
    /// The interval `[lo, hi]` rounded outward; `lo > hi` gives the empty set.
    fn from_bounds(lo: &Rational, hi: &Rational, ctx: &Self::Ctx) -> Self;
    /// The interval `[lo, hi]` with f64 ends (exact); `lo > hi` or NaN gives the empty set.
    fn from_f64_bounds(lo: f64, hi: f64, ctx: &Self::Ctx) -> Self;
    /// The empty set.
    fn empty(ctx: &Self::Ctx) -> Self;
    /// The whole real line.
    fn entire(ctx: &Self::Ctx) -> Self;
    /// Is the set empty?
    fn is_empty(&self) -> bool;
    /// The convex hull of `self ∪ rhs`.
    fn hull(&self, rhs: &Self) -> Self;
    /// `self ∩ rhs` (possibly empty).
    fn intersect(&self, rhs: &Self) -> Self;
    /// `self ⊆ rhs`.
    fn subset(&self, rhs: &Self) -> bool;
    /// `self` lies in the interior of `rhs` (both ends strictly inside).
    fn interior(&self, rhs: &Self) -> bool;
    /// `q ∈ self`, exactly.
    fn contains_rational(&self, q: &Rational) -> bool;
    /// `0 ∈ self`, or `self` is empty (as [`Scalar::possibly_zero`]: `!contains_zero()` is used as a
    /// proof that a value is non-zero, and ∅ proves nothing).
    fn contains_zero(&self) -> bool {
        self.possibly_zero()
    }
    /// A point inside the set (the midpoint rounded to the backend's precision), as a degenerate
    /// interval.
    fn mid(&self) -> Self;
    /// An upper bound on the radius `(hi − lo)/2`, as f64 rounded up.
    fn rad_upper(&self) -> f64;
    /// An upper bound on the width `hi − lo`, as f64 rounded up.
    fn width_upper(&self) -> f64 {
        let r = self.rad_upper();
        // Doubling is exact in binary (or overflows to +inf, still an upper bound).
        2.0 * r
    }
    /// The lower end as a degenerate interval.
    fn lo_point(&self) -> Self;
    /// The upper end as a degenerate interval.
    fn hi_point(&self) -> Self;
    /// `[lo(self), hi(rhs)]`: the interval from this lower end to `rhs`'s upper end.
    fn span_to(&self, rhs: &Self) -> Self {
        self.lo_point().hull(&rhs.hi_point())
    }
    /// `self` widened by `r ≥ 0` on both sides (rounded outward).
    fn inflate(&self, r: f64) -> Self {
        let ctx = self.ctx();
        self.add(&Self::from_f64_bounds(-r, r, &ctx))
    }
    /// The two halves `[lo, m]` and `[m, hi]` for the midpoint `m`.
    fn bisect(&self) -> (Self, Self) {
        let m = self.mid();
        (self.lo_point().hull(&m), m.hull(&self.hi_point()))
    }
}

/// A [`Scalar`] that is one floating-point number (non-validated runs).
///
/// # Laws
///
/// Basic operations are correctly rounded to nearest at the value's precision (IEEE binary64 and
/// MPFR); nothing is claimed about accumulated error.
pub trait Point: Scalar {
    /// The value rounded to the nearest f64.
    fn to_f64(&self) -> f64 {
        self.approx_f64()
    }
    /// The value, exactly (`None` for ±∞ and NaN).
    fn to_rational(&self) -> Option<Rational>;
}

/// The sign of a scalar as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// Every element is `> 0`.
    Positive,
    /// Every element is `< 0`.
    Negative,
    /// The value is exactly zero.
    Zero,
    /// Elements of different signs (or zero and a non-zero sign) are possible.
    Unknown,
}

/// The sign of `x` as far as it is known (see [`Sign`]); [`Sign::Unknown`] for the empty set and NaN
/// (never `Zero`: a value without information proves nothing).
pub fn sign_of<S: Scalar>(x: &S) -> Sign {
    if x.certainly_pos() {
        Sign::Positive
    } else if x.certainly_neg() {
        Sign::Negative
    } else if !x.possibly_pos() && !x.possibly_neg() {
        Sign::Zero
    } else {
        Sign::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interval, MpInterval};
    use rug::Float;

    /// The law of [`Scalar`]: a value without information (∅, NaN) proves nothing and excludes
    /// nothing.
    fn proves_nothing<S: Scalar>(x: &S, one: &S) {
        let certain = [
            x.certainly_pos(),
            x.certainly_neg(),
            x.certainly_nonneg(),
            x.certainly_nonpos(),
            x.certainly_lt(one),
            one.certainly_lt(x),
        ];
        assert!(certain.iter().all(|c| !c), "{x:?}: {certain:?}");
        let possible = [x.possibly_pos(), x.possibly_neg(), x.possibly_zero(), x.possibly_lt(one), one.possibly_lt(x)];
        assert!(possible.iter().all(|p| *p), "{x:?}: {possible:?}");
        assert_eq!(sign_of(x), Sign::Unknown);
    }

    #[test]
    fn empty_sets_and_nan_prove_nothing() {
        proves_nothing(&Interval::empty(&()), &Interval::one(&()));
        proves_nothing(&MpInterval::empty(&128), &MpInterval::one(&128));
        assert!(Interval::empty(&()).contains_zero() && MpInterval::empty(&64).contains_zero());
        proves_nothing(&f64::NAN, &1.0);
        proves_nothing(&Float::with_val(64, rug::float::Special::Nan), &Float::with_val(64, 1));
        // Ordinary values keep their ordinary answers.
        assert_eq!(sign_of(&Interval::zero(&())), Sign::Zero);
        assert_eq!(sign_of(&MpInterval::from_f64_bounds(1.0, 2.0, &64)), Sign::Positive);
        assert!(!Interval::from_f64_bounds(1.0, 2.0, &()).possibly_zero());
    }
}
