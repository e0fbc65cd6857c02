//! From a scalar to plot coordinates: outward f64 bounds, or outward bounds of `log10 |x|`
//! computed from the exact endpoints (so that 1e-600, which underflows f64, is still drawn).

use reluflow_arith::{Bound, Float, Rational, Scalar};
use rug::float::Round;

/// Working precision of the logarithms (bits): far more than the f64 the plot ends in.
const LOG_BITS: u32 = 64;

/// How values are mapped to a plot axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// The value itself.
    Linear,
    /// `log10 |value|`.
    Log10Abs,
}

/// `log10 q` for a rational `q > 0`, as f64 rounded in direction `dir` (`Round::Down` or `Round::Up`):
/// the rational is rounded in `dir` to 64 bits, MPFR's `log10` (correctly rounded) in `dir`, then
/// the conversion to f64 in `dir`. Every step is monotone and rounds the same way, so the result is
/// a bound in that direction. MPFR's exponent range holds 10^±(10^17): 1e-600 is no problem.
///
/// Degenerate cases: `q ≤ 0` gives −∞ (the limit of `log10 |x|` as `x → 0`).
pub fn log10_rational(q: &Rational, dir: Round) -> f64 {
    if *q <= 0 {
        return f64::NEG_INFINITY;
    }
    let (mut f, _) = Float::with_val_round(LOG_BITS, q, dir);
    f.log10_round(dir);
    f.to_f64_round(dir)
}

/// Outward bounds `[lo, hi]` of `{ log10 |x| : x ∈ s }`, from the exact endpoints of `s` (for a point
/// backend: of its one value, so `lo` and `hi` bracket it by one f64 rounding each way).
///
/// Degenerate cases: `0 ∈ s` gives `lo = −∞`; an unbounded end gives `hi = +∞`.
pub fn log10_abs_bounds<S: Scalar>(s: &S) -> (f64, f64) {
    let (lo, hi) = (s.lower(), s.upper());
    let abs = |b: &Bound| match b {
        Bound::Finite(q) => Some(Rational::from(q.abs_ref())),
        Bound::NegInf | Bound::PosInf => None,
    };
    let sign_lo = match &lo {
        Bound::NegInf => -1,
        Bound::Finite(q) => q.cmp0() as i32,
        Bound::PosInf => 1,
    };
    let sign_hi = match &hi {
        Bound::NegInf => -1,
        Bound::Finite(q) => q.cmp0() as i32,
        Bound::PosInf => 1,
    };
    let upper = match (abs(&lo), abs(&hi)) {
        (Some(a), Some(b)) => log10_rational(if a > b { &a } else { &b }, Round::Up),
        _ => f64::INFINITY,
    };
    let lower = if sign_lo <= 0 && sign_hi >= 0 {
        f64::NEG_INFINITY
    } else {
        // Both ends strictly on one side of 0: the smaller magnitude is the end nearer to 0.
        let near = if sign_lo > 0 { abs(&lo) } else { abs(&hi) };
        near.map_or(f64::INFINITY, |q| log10_rational(&q, Round::Down))
    };
    (lower, upper)
}

/// Outward bounds of `s` on `axis` (linear: `lower_f64`/`upper_f64`, rounded outward).
pub fn bounds<S: Scalar>(s: &S, axis: Axis) -> (f64, f64) {
    match axis {
        Axis::Linear => (s.lower_f64(), s.upper_f64()),
        Axis::Log10Abs => log10_abs_bounds(s),
    }
}

/// One f64 for a point value on `axis` (a non-validated run's line; nothing is claimed about it).
pub fn approx<S: Scalar>(s: &S, axis: Axis) -> f64 {
    match axis {
        Axis::Linear => s.approx_f64(),
        Axis::Log10Abs => match s.lower() {
            Bound::Finite(q) => log10_rational(&Rational::from(q.abs_ref()), Round::Nearest),
            Bound::NegInf | Bound::PosInf => f64::INFINITY,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::exact::parse_exact;
    use reluflow_arith::{Enclosure, Interval, MpInterval};

    #[test]
    fn log10_of_tiny_rationals_is_outward() {
        let q = parse_exact("1e-600").unwrap();
        let (lo, hi) = (log10_rational(&q, Round::Down), log10_rational(&q, Round::Up));
        assert!(lo <= -600.0 && -600.0 <= hi && hi - lo < 1e-12, "{lo} {hi}");
        let third = Rational::from((1, 3));
        let (lo, hi) = (log10_rational(&third, Round::Down), log10_rational(&third, Round::Up));
        assert!(lo < hi && lo <= -0.477_121_254_719_662_4 && hi >= -0.477_121_254_719_662_5);
        assert_eq!(log10_rational(&Rational::new(), Round::Down), f64::NEG_INFINITY);
        assert_eq!(log10_rational(&Rational::from(-1), Round::Up), f64::NEG_INFINITY);
    }

    #[test]
    fn log10_abs_bounds_cover_sign_cases() {
        let iv = |lo: f64, hi: f64| Interval::from_f64_bounds(lo, hi, &());
        assert_eq!(log10_abs_bounds(&iv(10.0, 100.0)), (1.0, 2.0));
        assert_eq!(log10_abs_bounds(&iv(-100.0, -10.0)), (1.0, 2.0));
        assert_eq!(log10_abs_bounds(&iv(-1.0, 100.0)), (f64::NEG_INFINITY, 2.0));
        assert_eq!(log10_abs_bounds(&iv(0.0, 0.0)), (f64::NEG_INFINITY, f64::NEG_INFINITY));
        assert_eq!(log10_abs_bounds(&Interval::entire(&())).1, f64::INFINITY);
        let tiny = MpInterval::from_rational(&parse_exact("-3e-600").unwrap(), &256);
        let (lo, hi) = log10_abs_bounds(&tiny);
        let exact = 3f64.log10() - 600.0;
        assert!(lo <= exact && exact <= hi && hi - lo < 1e-9, "{lo} {hi}");
        assert_eq!(bounds(&iv(1.0, 2.0), Axis::Linear), (1.0, 2.0));
        assert!((approx(&1000.0f64, Axis::Log10Abs) - 3.0).abs() < 1e-15);
    }
}
