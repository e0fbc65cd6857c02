//! Property tests: for random exact rationals in random intervals (and the intervals' exact ends,
//! where a wrongly rounded end shows first), the exact rational result of `+ − × ÷ sqr` and of
//! `c + a·b` lies in the interval result; for `sqrt`, `exp`, `ln` the 4×-precision enclosure of
//! the point value does. Every property runs on `MpInterval` at 53, 128 and 256 bits and on
//! `inari::Interval`, through the generic traits.
//!
//! Case counts are modest (64; `PROPTEST_CASES` overrides). Under a fault-injection feature
//! (`reluflow_arith::FAULT_INJECTED`) failures are expected and are not persisted.

use crate::util::{hi_q, lo_q};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Rational, Scalar};
use rug::float::Round;

fn config() -> Config {
    let persistence = if reluflow_arith::FAULT_INJECTED {
        None
    } else {
        Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))
            as Box<dyn proptest::test_runner::FailurePersistence>)
    };
    Config { cases: 64, failure_persistence: persistence, ..Config::default() }
}

/// A rational `n/d · 2^s` with a 40-bit numerator, a 20-bit denominator and `|s| ≤ 40`: mostly
/// not representable at any precision (odd denominators).
fn rational() -> impl Strategy<Value = Rational> {
    (-(1i64 << 40)..(1i64 << 40), 1u32..(1 << 20), -40i32..40).prop_map(|(n, d, s)| {
        let r = Rational::from((n, d));
        if s >= 0 { r << s.unsigned_abs() } else { r >> s.unsigned_abs() }
    })
}

/// An ordered pair of rationals (the exact ends of an interval) and a fraction `t ∈ [0, 1]`.
fn interval() -> impl Strategy<Value = (Rational, Rational, Rational)> {
    (rational(), rational(), 0u32..=1024).prop_map(|(a, b, t)| {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        (a, b, Rational::from((t, 1024)))
    })
}

/// The backend's interval for `[a, b]` and exact points in it: `a`, `b`, the rounded ends, and an
/// interior point `lo + t·(hi − lo)`.
fn build<S: Enclosure>((a, b, t): &(Rational, Rational, Rational), ctx: &S::Ctx) -> (S, Vec<Rational>) {
    let x = S::from_bounds(a, b, ctx);
    let (lo, hi) = (lo_q(&x), hi_q(&x));
    let mid = Rational::from(&hi - &lo) * t + &lo;
    (x, vec![a.clone(), b.clone(), lo, hi, mid])
}

fn binary_ops<S: Enclosure>(
    ctx: &S::Ctx,
    xs: &(Rational, Rational, Rational),
    ys: &(Rational, Rational, Rational),
    cs: &(Rational, Rational, Rational),
) -> Result<(), TestCaseError> {
    let (x, px) = build::<S>(xs, ctx);
    let (y, py) = build::<S>(ys, ctx);
    let (c, pc) = build::<S>(cs, ctx);
    let (sum, dif, pro, quo, sq) = (x.add(&y), x.sub(&y), x.mul(&y), x.div(&y), x.sqr());
    let mut fma = c.clone();
    fma.add_mul_assign(&x, &y);
    let fma2 = x.mul_add(&y, &c);
    prop_assert!(fma.subset(&c.add(&pro)), "{} add_mul_assign wider than mul+add", S::NAME);
    for u in &px {
        let u2 = Rational::from(u * u);
        prop_assert!(sq.contains_rational(&u2), "{} sqr({x:?}) = {sq:?} misses {u}²", S::NAME);
        for v in &py {
            let n = S::NAME;
            prop_assert!(sum.contains_rational(&Rational::from(u + v)), "{n} {x:?}+{y:?} = {sum:?} misses {u}+{v}");
            prop_assert!(dif.contains_rational(&Rational::from(u - v)), "{n} {x:?}-{y:?} = {dif:?} misses {u}-{v}");
            let uv = Rational::from(u * v);
            prop_assert!(pro.contains_rational(&uv), "{n} {x:?}·{y:?} = {pro:?} misses {u}·{v}");
            if *v != 0 {
                let q = Rational::from(u / v);
                prop_assert!(quo.contains_rational(&q), "{n} {x:?}/{y:?} = {quo:?} misses {u}/{v}");
            }
            for w in &pc {
                let e = Rational::from(w + &uv);
                prop_assert!(fma.contains_rational(&e), "{n} {c:?} += {x:?}·{y:?} = {fma:?} misses {e}");
                prop_assert!(fma2.contains_rational(&e), "{n} mul_add misses {e}");
            }
        }
    }
    Ok(())
}

type Elementary = fn(&Float, Round) -> Float;

/// `f(x)` for `x` exactly representable at `prec`: the ends of `op(x)` must bracket the 4·prec-bit
/// enclosure `[RD(f(u)), RU(f(u))]` of every representable `u` in `x` (ends and an interior point).
fn elementary<S: Enclosure>(
    ctx: &S::Ctx,
    prec: u32,
    xs: &(Rational, Rational, Rational),
    op: fn(&S) -> S,
    f: Elementary,
    name: &str,
) -> Result<(), TestCaseError> {
    let (x, _) = build::<S>(xs, ctx);
    let (lo, hi) = (lo_q(&x), hi_q(&x));
    let inner = Float::with_val(prec, Rational::from(&hi - &lo) * &xs.2 + &lo).to_rational().unwrap();
    let y = op(&x);
    for u in [lo, hi, inner] {
        let uf = Float::with_val(4 * prec, &u);
        prop_assert_eq!(uf.to_rational().unwrap(), u.clone());
        let (d, up) = (f(&uf, Round::Down).to_rational().unwrap(), f(&uf, Round::Up).to_rational().unwrap());
        prop_assert!(lo_q(&y) <= d, "{} {name}({x:?}) = {y:?}: lower end above {name}({u}) ≥ {d}", S::NAME);
        prop_assert!(hi_q(&y) >= up, "{} {name}({x:?}) = {y:?}: upper end below {name}({u}) ≤ {up}", S::NAME);
    }
    Ok(())
}

fn sqrt_f(x: &Float, r: Round) -> Float {
    Float::with_val_round(x.prec(), x.sqrt_ref(), r).0
}
fn exp_f(x: &Float, r: Round) -> Float {
    Float::with_val_round(x.prec(), x.exp_ref(), r).0
}
fn ln_f(x: &Float, r: Round) -> Float {
    Float::with_val_round(x.prec(), x.ln_ref(), r).0
}

/// Runs `body::<S>(ctx, prec)` on the four interval backends.
macro_rules! on_backends {
    (|$ctx:ident, $prec:ident, $S:ident| $body:expr) => {{
        for $prec in crate::util::PRECS {
            type $S = MpInterval;
            let $ctx = &$prec;
            $body?;
        }
        {
            type $S = Interval;
            let ($ctx, $prec) = (&(), 53u32);
            let _ = $prec;
            $body?;
        }
    }};
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn exact_results_of_add_sub_mul_div_sqr_fma_are_enclosed(xs in interval(), ys in interval(), cs in interval()) {
        on_backends!(|ctx, prec, S| binary_ops::<S>(ctx, &xs, &ys, &cs));
    }

    #[test]
    fn sqrt_and_ln_enclose_a_four_times_finer_value(xs in interval()) {
        let pos = (Rational::from(xs.0.abs_ref()) + 1u32, Rational::from(xs.1.abs_ref()) + 1u32, xs.2.clone());
        let pos = if pos.0 <= pos.1 { pos } else { (pos.1, pos.0, pos.2) };
        on_backends!(|ctx, prec, S| elementary::<S>(ctx, prec, &pos, |x| x.sqrt(), sqrt_f, "sqrt"));
        on_backends!(|ctx, prec, S| elementary::<S>(ctx, prec, &pos, |x| x.ln(), ln_f, "ln"));
    }

    #[test]
    fn exp_encloses_a_four_times_finer_value(a in -40i64..40, b in -40i64..40, xs in interval()) {
        // exponents kept in [−80, 80] so that binary64 neither overflows nor underflows
        let (a, b) = (Rational::from(a) + xs.0.clone() / (Rational::from(xs.0.abs_ref()) + 1u32), Rational::from(b));
        let e = if a <= b { (a, b, xs.2.clone()) } else { (b, a, xs.2.clone()) };
        on_backends!(|ctx, prec, S| elementary::<S>(ctx, prec, &e, |x| x.exp(), exp_f, "exp"));
    }
}
