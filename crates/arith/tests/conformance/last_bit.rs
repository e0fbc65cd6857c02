//! Directed rounding at the last bit: inexact results must be exactly `[RD(r), RU(r)]` of the
//! exact range `r` at the working precision (MPFR and inari both return the tightest interval
//! for these operations), and irrational ones must bracket a 4×-precision enclosure.

use crate::for_each_backend;
use crate::util::{hi_q, lo_q, next_up_q, q, rd_ru};
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Rational, Scalar};
use rug::float::Round;

/// Asserts `x` is exactly `[RD_prec(lo), RU_prec(hi)]`.
#[track_caller]
fn assert_tight<S: Enclosure>(x: &S, lo: &Rational, hi: &Rational, prec: u32, what: &str) {
    let (want_lo, _) = rd_ru(lo, prec);
    let (_, want_hi) = rd_ru(hi, prec);
    assert!(!x.is_empty(), "{} {what}: empty", S::NAME);
    assert_eq!(lo_q(x), want_lo, "{} {what}: lower end of {x:?} (exact {lo})", S::NAME);
    assert_eq!(hi_q(x), want_hi, "{} {what}: upper end of {x:?} (exact {hi})", S::NAME);
}

/// Interval ends of every sign, exactly representable at `prec`, whose products, quotients and
/// sums are inexact: `±(1 + 2^(1−p))`, `±3`, `±RD(1/3)`, `0`.
fn ends(prec: u32) -> Vec<Rational> {
    let u = Rational::from(1) + Rational::from((1, 1)) / Rational::from(rug::Integer::from(1) << (prec - 1));
    let third = rd_ru(&Rational::from((1, 3)), prec).0;
    let mut v = vec![Rational::new()];
    for x in [u, Rational::from(3), third] {
        v.push(-x.clone());
        v.push(x);
    }
    v.sort();
    v
}

/// The exact range of `op` over `[a, b] × [c, d]` (corner extremes; `None` when `op` is `div` and
/// the divisor contains 0, covered by the exact tables instead).
fn exact_range(
    op: &str,
    (a, b): (&Rational, &Rational),
    (c, d): (&Rational, &Rational),
) -> Option<(Rational, Rational)> {
    let corners = |f: &dyn Fn(&Rational, &Rational) -> Rational| {
        let v = [f(a, c), f(a, d), f(b, c), f(b, d)];
        let lo = v.iter().min().unwrap().clone();
        let hi = v.iter().max().unwrap().clone();
        (lo, hi)
    };
    Some(match op {
        "add" => (Rational::from(a + c), Rational::from(b + d)),
        "sub" => (Rational::from(a - d), Rational::from(b - c)),
        "mul" => corners(&|x, y| Rational::from(x * y)),
        "div" if *c <= 0 && *d >= 0 => return None,
        "div" => corners(&|x, y| Rational::from(x / y)),
        _ => unreachable!(),
    })
}

/// Every interval with ends in `ends(prec)`, against every other, for + − × ÷ and sqr: the
/// result is the tightest enclosure; `add_mul_assign` contains the exact range of `c + x·y` and
/// lies inside `c + x·y` computed by `mul` then `add`.
fn all_sign_cases<S: Enclosure>(ctx: &S::Ctx, prec: u32) {
    let e = ends(prec);
    let ivs: Vec<(Rational, Rational)> =
        e.iter().flat_map(|a| e.iter().filter(move |b| a <= *b).map(move |b| (a.clone(), b.clone()))).collect();
    let c = (Rational::from((1, 7)), Rational::from((2, 7)));
    let cs = S::from_bounds(&c.0, &c.1, ctx);
    let (c_lo, c_hi) = (lo_q(&cs), hi_q(&cs));
    for (a, b) in &ivs {
        let x = S::from_bounds(a, b, ctx);
        assert_tight(&x, a, b, prec, "from_bounds");
        let sq = x.sqr();
        let (s_lo, s_hi) = if *a <= 0 && *b >= 0 {
            (Rational::new(), Rational::from(a * a).max(Rational::from(b * b)))
        } else {
            (Rational::from(a * a).min(Rational::from(b * b)), Rational::from(a * a).max(Rational::from(b * b)))
        };
        assert_tight(&sq, &s_lo, &s_hi, prec, &format!("sqr[{a}, {b}]"));
        for (cc, d) in &ivs {
            let y = S::from_bounds(cc, d, ctx);
            for op in ["add", "sub", "mul", "div"] {
                let Some((lo, hi)) = exact_range(op, (a, b), (cc, d)) else { continue };
                let got = crate::exact_tables::binary(op, &x, &y);
                assert_tight(&got, &lo, &hi, prec, &format!("{op}([{a}, {b}], [{cc}, {d}])"));
            }
            let (lo, hi) = exact_range("mul", (a, b), (cc, d)).unwrap();
            let mut acc = cs.clone();
            acc.add_mul_assign(&x, &y);
            let what = format!("[1/7, 2/7] += [{a}, {b}]·[{cc}, {d}]");
            assert!(acc.contains_rational(&Rational::from(&c_lo + &lo)), "{} {what}: {acc:?} misses lower", S::NAME);
            assert!(acc.contains_rational(&Rational::from(&c_hi + &hi)), "{} {what}: {acc:?} misses upper", S::NAME);
            assert!(acc.subset(&cs.add(&x.mul(&y))), "{} {what}: {acc:?} wider than mul+add", S::NAME);
            assert!(x.mul_add(&y, &cs).subset(&cs.add(&x.mul(&y))), "{} mul_add {what}", S::NAME);
        }
    }
}

#[test]
fn every_sign_case_rounds_each_end_outward_by_at_most_one_ulp() {
    for_each_backend!(all_sign_cases);
}

/// `[1,1]/[3,3]`, `from_rational(1/10)`: the two adjacent numbers around the exact value.
fn thirds_and_tenths<S: Enclosure>(ctx: &S::Ctx, prec: u32) {
    for (num, den) in [(1, 3), (-1, 3), (1, 10), (-1, 10), (2, 3), (1, 7)] {
        let r = Rational::from((num, den));
        let x = S::from_i64(num, ctx).div(&S::from_i64(den, ctx));
        assert_tight(&x, &r, &r, prec, &format!("{num}/{den}"));
        assert_eq!(hi_q(&x), next_up_q(&lo_q(&x), prec), "{num}/{den}: ends not adjacent");
        let y = S::from_rational(&r, ctx);
        assert_eq!((y.lower(), y.upper()), (x.lower(), x.upper()), "from_rational({r})");
    }
}

#[test]
fn a_third_and_a_tenth_are_the_adjacent_floats() {
    for_each_backend!(thirds_and_tenths);
    // binary64 constants, independent of MPFR: RD(1/3), RU(1/3), RD(0.1), RU(0.1)
    let ctx = 53u32;
    for (x, lo, hi) in [
        (
            MpInterval::from_i64(1, &ctx).div(&MpInterval::from_i64(3, &ctx)),
            0x3FD5555555555555u64,
            0x3FD5555555555556u64,
        ),
        (MpInterval::from_rational(&q("0.1"), &ctx), 0x3FB9999999999999, 0x3FB999999999999A),
    ] {
        assert_eq!((x.lower_f64().to_bits(), x.upper_f64().to_bits()), (lo, hi));
    }
    let third = Interval::from_i64(1, &()).div(&Interval::from_i64(3, &()));
    assert_eq!((third.inf().to_bits(), third.sup().to_bits()), (0x3FD5555555555555, 0x3FD5555555555556));
    let tenth = Interval::from_rational(&q("0.1"), &());
    assert_eq!((tenth.inf().to_bits(), tenth.sup().to_bits()), (0x3FB9999999999999, 0x3FB999999999999A));
}

/// `f` at `4·prec` bits rounded down and up (an enclosure of the exact value, 4× as precise).
fn fine(f: &dyn Fn(&Float, Round) -> Float, x: &Rational, prec: u32) -> (Float, Float) {
    let xf = Float::with_val(4 * prec, x);
    (f(&xf, Round::Down), f(&xf, Round::Up))
}

/// sqrt, exp, ln at irrational points: the ends bracket the 4×-precision enclosure and are adjacent.
fn elementary_functions<S: Enclosure>(ctx: &S::Ctx, prec: u32) {
    type F = fn(&Float, Round) -> Float;
    type Case<S> = (&'static str, F, fn(&S) -> S, &'static str);
    let p4 = 4 * prec;
    let sqrt: F = |x, r| Float::with_val_round(x.prec(), x.sqrt_ref(), r).0;
    let exp: F = |x, r| Float::with_val_round(x.prec(), x.exp_ref(), r).0;
    let ln: F = |x, r| Float::with_val_round(x.prec(), x.ln_ref(), r).0;
    let cases: [Case<S>; 9] = [
        ("sqrt", sqrt, |x| x.sqrt(), "2"),
        ("sqrt", sqrt, |x| x.sqrt(), "3"),
        ("sqrt", sqrt, |x| x.sqrt(), "3/4"),
        ("exp", exp, |x| x.exp(), "1"),
        ("exp", exp, |x| x.exp(), "-1"),
        ("exp", exp, |x| x.exp(), "5/2"),
        ("ln", ln, |x| x.ln(), "2"),
        ("ln", ln, |x| x.ln(), "1/2"),
        ("ln", ln, |x| x.ln(), "10"),
    ];
    for (name, f, op, arg) in cases {
        let a = q(arg);
        let x = S::from_rational(&a, ctx);
        assert_eq!(lo_q(&x), hi_q(&x), "{arg} must be representable");
        let y = op(&x);
        let (lo4, hi4) = fine(&f, &a, prec);
        assert_eq!(lo4.prec(), p4);
        assert!(lo_q(&y) <= lo4.to_rational().unwrap(), "{} {name}({arg}): lower end {y:?} above {lo4}", S::NAME);
        assert!(hi_q(&y) >= hi4.to_rational().unwrap(), "{} {name}({arg}): upper end {y:?} below {hi4}", S::NAME);
        assert_eq!(hi_q(&y), next_up_q(&lo_q(&y), prec), "{} {name}({arg}): ends not adjacent", S::NAME);
        // on a non-degenerate interval the ends are the directed roundings of the end values
        // (all three functions are increasing, and 4p-bit directed values round to the same p-bit
        // directed values as the exact ones, since the exact values are irrational)
        let (l, h) = (a.clone().min(a.clone() * 2u32), a.clone().max(a.clone() * 2u32));
        let z = op(&S::from_bounds(&l, &h, ctx));
        let lo_want = fine(&f, &l, prec).0;
        let hi_want = fine(&f, &h, prec).1;
        assert_eq!(lo_q(&z), rd_ru(&lo_want.to_rational().unwrap(), prec).0, "{name}([{l}, {h}]) lower");
        assert_eq!(hi_q(&z), rd_ru(&hi_want.to_rational().unwrap(), prec).1, "{name}([{l}, {h}]) upper");
    }
}

#[test]
fn sqrt_exp_ln_bracket_a_four_times_finer_value_with_adjacent_ends() {
    for_each_backend!(elementary_functions);
}

/// Integers beyond the precision: `2^60 + 1` at 53 bits is `[2^60, 2^60 + 2^8]`.
fn big_integers<S: Enclosure>(ctx: &S::Ctx, prec: u32) {
    for v in [(1i64 << 60) + 1, -(1i64 << 60) - 1, i64::MAX, i64::MIN, (1 << 53) + 1, 12345] {
        let x = S::from_i64(v, ctx);
        let r = Rational::from(v);
        assert_tight(&x, &r, &r, prec, &format!("from_i64({v})"));
    }
}

#[test]
fn from_i64_rounds_outward_when_the_integer_does_not_fit() {
    for_each_backend!(big_integers);
    let x = MpInterval::from_i64((1 << 60) + 1, &53);
    assert_eq!((lo_q(&x), hi_q(&x)), (Rational::from(1i64 << 60), Rational::from((1i64 << 60) + 256)));
    let x = MpInterval::from_i64((1 << 60) + 1, &128);
    assert_eq!((lo_q(&x), hi_q(&x)), (Rational::from((1i64 << 60) + 1), Rational::from((1i64 << 60) + 1)));
}

/// Rounded constructors: `from_bounds` rounds each end outward, `lower_f64`/`upper_f64` too, and
/// `rad_upper` bounds the exact radius from above.
fn constructors_and_f64_views<S: Enclosure>(ctx: &S::Ctx, prec: u32) {
    let (a, b) = (q("1/3"), q("1e10") / 7u32);
    let x = S::from_bounds(&a, &b, ctx);
    assert_tight(&x, &a, &b, prec, "from_bounds(1/3, 1e10/7)");
    let (lo64, hi64) = (rd_ru(&lo_q(&x), 53).0, rd_ru(&hi_q(&x), 53).1);
    assert_eq!(Rational::from_f64(x.lower_f64()).unwrap(), lo64, "lower_f64");
    assert_eq!(Rational::from_f64(x.upper_f64()).unwrap(), hi64, "upper_f64");
    let exact_rad = (hi_q(&x) - lo_q(&x)) / 2u32;
    assert!(Rational::from_f64(x.rad_upper()).unwrap() >= exact_rad, "rad_upper below the radius");
    assert!(Rational::from_f64(x.width_upper()).unwrap() >= exact_rad * 2u32, "width_upper below the width");
    assert!(S::from_bounds(&b, &a, ctx).is_empty(), "from_bounds(hi, lo) must be empty");
    assert!(S::from_f64_bounds(f64::NAN, 1.0, ctx).is_empty());
    assert!(S::from_f64_bounds(2.0, 1.0, ctx).is_empty());
}

#[test]
fn rounded_constructors_and_f64_views_are_outward() {
    for_each_backend!(constructors_and_f64_views);
}

#[test]
fn inari_outward_conversion_in_the_subnormal_and_overflow_ranges() {
    let tiny = Rational::from(3u32) >> 1076u32; // 3·2^-1076 = 0.75·2^-1074
    let x = Interval::from_rational(&tiny, &());
    assert_eq!((x.inf(), x.sup()), (0.0, f64::from_bits(1)));
    let x = Interval::from_rational(&(Rational::from(3u32) >> 1074u32), &());
    assert_eq!((x.inf(), x.sup()), (f64::from_bits(3), f64::from_bits(3)));
    let x = Interval::from_rational(&-q("1e-400"), &());
    assert_eq!((x.inf(), x.sup()), (-f64::from_bits(1), -0.0));
    let x = Interval::from_rational(&q("1e400"), &());
    assert_eq!((x.inf(), x.sup()), (f64::MAX, f64::INFINITY));
    // MPFR's exponent range: the same numbers are ordinary, with adjacent ends
    for v in ["0.75e-323", "1e-400", "1e400", "-1e-100000"] {
        let r = q(v);
        let y = MpInterval::from_rational(&r, &53);
        assert_tight(&y, &r, &r, 53, v);
    }
}

#[test]
fn mul_2si_far_below_the_f64_range_stays_an_enclosure() {
    // regression: inari's mul_2si used 2f64.powi(k/2), which is 0 for k/2 ≤ -1024, and gave [0, 0]
    let x = Interval::from_i64(1, &());
    for k in [-2100, -3000, -5000, i32::MIN] {
        let y = x.mul_2si(k);
        assert_eq!((y.inf(), y.sup()), (0.0, f64::from_bits(1)), "2^{k}");
    }
    let y = Interval::from_i64(-3, &()).mul_2si(-1076); // −0.75·2^-1074
    assert_eq!((y.inf(), y.sup()), (-f64::from_bits(1), 0.0));
    for k in [1100, 3000, i32::MAX] {
        let y = x.mul_2si(k);
        assert_eq!((y.inf(), y.sup()), (f64::MAX, f64::INFINITY), "2^{k}");
    }
    let z = MpInterval::from_i64(3, &53).mul_2si(-3000);
    let r = Rational::from(3u32) >> 3000u32;
    assert_eq!((lo_q(&z), hi_q(&z)), (r.clone(), r));
}

#[test]
fn mpfr_only_outward_assign_display_and_exponent_overflow() {
    use rug::Assign;
    // Assign keeps the target's precision and rounds outward
    let fine = MpInterval::from_rational(&q("1/3"), &256);
    let mut coarse = MpInterval::from_i64(7, &53);
    coarse.assign(&fine);
    assert_eq!(coarse.prec(), 53);
    assert_tight(&coarse, &lo_q(&fine), &hi_q(&fine), 53, "assign 256 → 53 bits");
    // Display prints decimal ends rounded outward
    for (v, prec) in [("1/3", 53u32), ("-2/3", 128), ("3.3e-400", 64)] {
        let x = MpInterval::from_rational(&q(v), &prec);
        let shown = x.to_string();
        let (a, b) = shown.trim_matches(['[', ']']).split_once(", ").unwrap();
        assert!(q(a) <= lo_q(&x) && q(b) >= hi_q(&x), "{shown} does not contain {x:?}");
        assert!(q(a) < q(b), "{shown}: decimal ends coincide");
    }
    // leaving MPFR's exponent range: 2^(2^31−1) overflows to [largest finite, +∞], and
    // 2^−(2^31) underflows to [0, smallest positive]
    let one = MpInterval::from_i64(1, &53);
    let big = one.mul_2si(i32::MAX);
    assert!(big.lo().is_finite() && big.lo().is_sign_positive() && big.hi().is_infinite(), "{big:?}");
    let small = one.mul_2si(i32::MIN);
    assert!(small.lo().is_zero() && small.hi().is_sign_positive() && !small.hi().is_zero(), "{small:?}");
    let neg_small = MpInterval::from_i64(-1, &53).mul_2si(i32::MIN);
    assert!(neg_small.hi().is_zero() && neg_small.lo().is_sign_negative() && !neg_small.lo().is_zero());
}

#[test]
fn mixed_precision_operands_give_the_larger_precision_and_stay_outward() {
    let (a, b) = (q("1/3"), q("-2/7"));
    let x = MpInterval::from_rational(&a, &53);
    let y = MpInterval::from_rational(&b, &256);
    for (name, r, exact) in [
        ("add", x.add(&y), Rational::from(&a + &b)),
        ("sub", x.sub(&y), Rational::from(&a - &b)),
        ("mul", x.mul(&y), Rational::from(&a * &b)),
        ("div", x.div(&y), Rational::from(&a / &b)),
        ("mul_add", x.mul_add(&y, &y), Rational::from(&a * &b) + &b),
    ] {
        assert_eq!(r.prec(), 256, "{name}");
        assert!(r.contains_rational(&exact), "{name}: {r:?} misses {exact}");
        // x = 1/3 is inexact at 53 bits, so no result can be a point
        assert!(r.rad_upper() > 0.0);
    }
}

#[test]
fn empty_set_views() {
    fn check<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
        let e = S::empty(ctx);
        assert_eq!((e.lower(), e.upper()), (reluflow_arith::Bound::PosInf, reluflow_arith::Bound::NegInf));
        assert!(e.lower_f64().is_nan() && e.upper_f64().is_nan() && e.approx_f64().is_nan(), "{}", S::NAME);
        // ∅ proves nothing and excludes nothing (the law of `Scalar`).
        assert!(!e.is_finite() && e.contains_zero() && e.possibly_lt(&e) && !e.certainly_lt(&e));
        assert!(!e.certainly_nonneg() && !e.certainly_nonpos() && e.possibly_pos() && e.possibly_neg());
        assert!(e.sqrt().is_empty() && e.exp().is_empty() && e.abs().is_empty() && e.mul_2si(5).is_empty());
    }
    for_each_backend!(check);
}
