//! `inari::Interval`: f64 intervals (IEEE 1788 set-based flavour), the fast validated backend.
//!
//! Every operation is inari's, which is tested against the ITF1788 vectors; conversions from
//! rationals round outward through MPFR (`proofs-notes/mpfr-interval-rounding.md`, items 5–6).
//!
//! **Fault injection.** Every result inari rounds (`+ − × ÷`, `mul_add`, `mul_2si`, `sqr`,
//! `sqrt`, `exp`, `ln`, and the f64 `rad_upper`) passes through `rounded`, which under the
//! testing-only feature `fault-narrow-inari` narrows it by one ulp at each end (see
//! `crate::rounding`). Exact operations (negation, `abs`, `min`, `max`, hull, intersection) and
//! the conversions (MPFR's family, `fault-flip-rounding`) are left alone.

use super::float64::{f64_bound, rational_to_f64};
use crate::rounding::{down, up};
use crate::scalar::{Bound, Enclosure, Guarantee, Scalar};
use inari::Interval;
use rug::Rational;

fn iv(lo: f64, hi: f64) -> Interval {
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return Interval::EMPTY;
    }
    // inari rejects +inf as a lower end and -inf as an upper end; clamp them (still a superset of
    // nothing real, i.e. containment is kept for the real part).
    let lo = if lo == f64::INFINITY { f64::MAX } else { lo };
    let hi = if hi == f64::NEG_INFINITY { f64::MIN } else { hi };
    Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
}

/// `x` itself; under `fault-narrow-inari` (testing only) `x` narrowed by one ulp at each finite
/// end: the lower end moves up to the next f64, the upper end down to the previous one. Ends that
/// would cross (adjacent or equal ends) meet at the new lower end, so the result is never empty
/// and a point stays the same point; infinite ends and the empty set are kept.
#[inline(always)]
fn rounded(x: Interval) -> Interval {
    if cfg!(feature = "fault-narrow-inari") { narrowed(x) } else { x }
}

fn narrowed(x: Interval) -> Interval {
    if x.is_empty() {
        return x;
    }
    let (lo, hi) = (x.inf(), x.sup());
    let lo2 = if lo.is_finite() && lo < hi { lo.next_up() } else { lo };
    let hi2 = if hi.is_finite() && lo < hi { hi.next_down().max(lo2) } else { hi };
    Interval::try_from((lo2, hi2)).unwrap_or(x)
}

impl Scalar for Interval {
    type Ctx = ();
    const GUARANTEE: Guarantee = Guarantee::Enclosure;
    const NAME: &'static str = "interval";
    const OP_COST: u32 = 4;

    fn ctx(&self) {}
    fn min_normal_exp(_: &()) -> i64 {
        -1022
    }
    fn from_rational(q: &Rational, _: &()) -> Interval {
        iv(rational_to_f64(q, down()), rational_to_f64(q, up()))
    }
    fn from_i64(v: i64, ctx: &()) -> Interval {
        // |v| ≤ 2^53 converts exactly (the common 0 and 1 skip the rational round trip)
        if v.unsigned_abs() <= 1 << 53 {
            return iv(v as f64, v as f64);
        }
        Self::from_rational(&Rational::from(v), ctx)
    }
    fn from_f64(v: f64, _: &()) -> Interval {
        iv(v, v)
    }
    #[inline]
    fn add(&self, rhs: &Interval) -> Interval {
        rounded(*self + *rhs)
    }
    #[inline]
    fn sub(&self, rhs: &Interval) -> Interval {
        rounded(*self - *rhs)
    }
    #[inline]
    fn mul(&self, rhs: &Interval) -> Interval {
        rounded(*self * *rhs)
    }
    fn div(&self, rhs: &Interval) -> Interval {
        rounded(*self / *rhs)
    }
    fn neg(&self) -> Interval {
        -*self
    }
    #[inline]
    fn mul_add(&self, b: &Interval, c: &Interval) -> Interval {
        rounded(Interval::mul_add(*self, *b, *c))
    }
    #[inline]
    fn add_mul_assign(&mut self, a: &Interval, b: &Interval) {
        *self = rounded(Interval::mul_add(*a, *b, *self));
    }
    /// Multiplies by exact powers of two `2^j` with `|j| ≤ 1000` (each factor representable and
    /// each product rounded outward by inari). `|k|` is first clamped to 2400: every non-zero
    /// binary64 magnitude lies in `[2^-1074, 2^1024)`, so scaling by `2^±2400` already underflows
    /// to the smallest subnormal (rounded outward) or overflows to `±∞`, and the clamped result
    /// still contains `x·2^k`.
    fn mul_2si(&self, k: i32) -> Interval {
        let mut k = k.clamp(-2400, 2400);
        let mut x = *self;
        while k != 0 {
            let j = k.clamp(-1000, 1000);
            let f = 2f64.powi(j);
            x = rounded(x * iv(f, f));
            k -= j;
        }
        x
    }
    fn sqr(&self) -> Interval {
        rounded(Interval::sqr(*self))
    }
    fn sqrt(&self) -> Interval {
        rounded(Interval::sqrt(*self))
    }
    fn exp(&self) -> Interval {
        rounded(Interval::exp(*self))
    }
    fn ln(&self) -> Interval {
        rounded(Interval::ln(*self))
    }
    fn abs(&self) -> Interval {
        Interval::abs(*self)
    }
    fn max(&self, rhs: &Interval) -> Interval {
        Interval::max(*self, *rhs)
    }
    fn min(&self, rhs: &Interval) -> Interval {
        Interval::min(*self, *rhs)
    }
    fn certainly_pos(&self) -> bool {
        !self.is_empty() && self.inf() > 0.0
    }
    fn certainly_neg(&self) -> bool {
        !self.is_empty() && self.sup() < 0.0
    }
    // The empty set proves nothing and excludes nothing: every `possibly_*` is true for it.
    fn possibly_pos(&self) -> bool {
        self.is_empty() || self.sup() > 0.0
    }
    fn possibly_neg(&self) -> bool {
        self.is_empty() || self.inf() < 0.0
    }
    fn possibly_zero(&self) -> bool {
        self.is_empty() || self.contains(0.0)
    }
    fn certainly_lt(&self, rhs: &Interval) -> bool {
        !self.is_empty() && !rhs.is_empty() && self.sup() < rhs.inf()
    }
    fn possibly_lt(&self, rhs: &Interval) -> bool {
        self.is_empty() || rhs.is_empty() || self.inf() < rhs.sup()
    }
    fn lower(&self) -> Bound {
        if self.is_empty() { Bound::PosInf } else { f64_bound(self.inf()) }
    }
    fn upper(&self) -> Bound {
        if self.is_empty() { Bound::NegInf } else { f64_bound(self.sup()) }
    }
    fn lower_f64(&self) -> f64 {
        if self.is_empty() { f64::NAN } else { self.inf() }
    }
    fn upper_f64(&self) -> f64 {
        if self.is_empty() { f64::NAN } else { self.sup() }
    }
    fn approx_f64(&self) -> f64 {
        Interval::mid(*self)
    }
    fn is_finite(&self) -> bool {
        Interval::is_common_interval(*self)
    }
}

impl Enclosure for Interval {
    fn from_bounds(lo: &Rational, hi: &Rational, _: &()) -> Interval {
        iv(rational_to_f64(lo, down()), rational_to_f64(hi, up()))
    }
    fn from_f64_bounds(lo: f64, hi: f64, _: &()) -> Interval {
        iv(lo, hi)
    }
    fn empty(_: &()) -> Interval {
        Interval::EMPTY
    }
    fn entire(_: &()) -> Interval {
        Interval::ENTIRE
    }
    fn is_empty(&self) -> bool {
        Interval::is_empty(*self)
    }
    fn hull(&self, rhs: &Interval) -> Interval {
        self.convex_hull(*rhs)
    }
    fn intersect(&self, rhs: &Interval) -> Interval {
        self.intersection(*rhs)
    }
    fn subset(&self, rhs: &Interval) -> bool {
        Interval::subset(*self, *rhs)
    }
    fn interior(&self, rhs: &Interval) -> bool {
        Interval::interior(*self, *rhs)
    }
    fn contains_rational(&self, q: &Rational) -> bool {
        if self.is_empty() {
            return false;
        }
        let lo_ok = self.inf() == f64::NEG_INFINITY || Rational::from_f64(self.inf()).is_some_and(|l| l <= *q);
        let hi_ok = self.sup() == f64::INFINITY || Rational::from_f64(self.sup()).is_some_and(|h| *q <= h);
        lo_ok && hi_ok
    }
    fn mid(&self) -> Interval {
        let m = Interval::mid(*self);
        iv(m, m)
    }
    fn rad_upper(&self) -> f64 {
        let r = Interval::rad(*self);
        // inari rounds the radius up; the fault rounds it one ulp below that.
        if cfg!(feature = "fault-narrow-inari") && r > 0.0 { r.next_down() } else { r }
    }
    fn lo_point(&self) -> Interval {
        if self.is_empty() {
            return Interval::EMPTY;
        }
        iv(self.inf(), self.inf())
    }
    fn hi_point(&self) -> Interval {
        if self.is_empty() {
            return Interval::EMPTY;
        }
        iv(self.sup(), self.sup())
    }
}
