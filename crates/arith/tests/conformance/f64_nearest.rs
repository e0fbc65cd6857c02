//! `f64::from_rational` is IEEE round-to-nearest, ties to even, including subnormals, the
//! underflow to ±0 and the overflow to ±∞, checked against an oracle written here in exact
//! integer arithmetic (independent of MPFR).

use proptest::prelude::*;
use reluflow_arith::{Rational, Scalar};
use rug::Integer;

/// `2^k` as an f64, exactly (`-1074 ≤ k ≤ 1023`).
fn pow2(k: i32) -> f64 {
    assert!((-1074..=1023).contains(&k));
    if k >= -1022 { f64::from_bits(((k + 1023) as u64) << 52) } else { f64::from_bits(1u64 << (k + 1074)) }
}

/// Round-to-nearest-even of `q` to binary64, by integer arithmetic.
fn oracle(q: &Rational) -> f64 {
    if *q == 0 {
        return 0.0;
    }
    let a = Rational::from(q.abs_ref());
    // e = ⌊log2 a⌋
    let mut e = a.numer().significant_bits() as i64 - a.denom().significant_bits() as i64;
    let two_pow = |k: i64| if k >= 0 { Rational::from(1) << k as u32 } else { Rational::from(1) >> (-k) as u32 };
    while a < two_pow(e) {
        e -= 1;
    }
    while a >= two_pow(e + 1) {
        e += 1;
    }
    let k = e.max(-1022) - 52; // the quantum of binary64 at this magnitude
    let n = a / two_pow(k);
    let (fl, rem) = {
        let fl = n.clone().floor().numer().clone();
        let rem = n - Rational::from(&fl);
        (fl, rem)
    };
    let half = Rational::from((1, 2));
    let m: Integer = if rem > half || (rem == half && fl.is_odd()) { fl + 1 } else { fl };
    // m ≤ 2^53 and m·2^k is the rounded magnitude; ≥ 2^1024 overflows
    let mag = if Rational::from(&m) * two_pow(k) >= two_pow(1024) {
        f64::INFINITY
    } else {
        // exact: m ≤ 2^53, −1074 ≤ k ≤ 971, and m·2^k is representable by construction
        m.to_f64() * pow2(k as i32)
    };
    if *q < 0 { -mag } else { mag }
}

#[track_caller]
fn check(q: &Rational) {
    let got = f64::from_rational(q, &());
    let want = oracle(q);
    assert_eq!(got.to_bits(), want.to_bits(), "from_rational({q}) = {got:e}, nearest-even is {want:e}");
}

#[test]
fn ties_go_to_even_in_the_normal_and_subnormal_ranges() {
    let half_ulp_above = |x: f64| (Rational::from_f64(x).unwrap() + Rational::from_f64(x.next_up()).unwrap()) / 2u32;
    for x in [1.0, 1.5, 3.0, 0.1, 1e300, f64::MIN_POSITIVE, 5e-324, 1e-310, f64::MAX.next_down()] {
        let tie = half_ulp_above(x);
        let even = if x.to_bits() & 1 == 0 { x } else { x.next_up() };
        assert_eq!(f64::from_rational(&tie, &()), even, "tie above {x:e}");
        assert_eq!(f64::from_rational(&-tie.clone(), &()), -even, "tie below -{x:e}");
        check(&tie);
        let eps = Rational::from(1) >> 1200u32;
        check(&(tie.clone() + &eps));
        check(&(tie - &eps));
    }
    // 2^-1075 is the tie between 0 and the smallest subnormal: to 0 (even); above it: 2^-1074
    let t = Rational::from(1) >> 1075u32;
    assert_eq!(f64::from_rational(&t, &()).to_bits(), 0);
    assert_eq!(f64::from_rational(&-t.clone(), &()).to_bits(), (-0.0f64).to_bits());
    assert_eq!(f64::from_rational(&(t.clone() * 3u32), &()), f64::from_bits(2));
    assert_eq!(f64::from_rational(&(t.clone() + (Rational::from(1) >> 1200u32)), &()), f64::from_bits(1));
    // the overflow threshold MAX + ulp(MAX)/2 = 2^1024 − 2^970 rounds to ∞ (MAX's significand is odd)
    let max = Rational::from_f64(f64::MAX).unwrap();
    let thr = max + (Rational::from(1) << 970u32);
    assert_eq!(f64::from_rational(&thr, &()), f64::INFINITY);
    assert_eq!(f64::from_rational(&(thr.clone() - 1u32), &()), f64::MAX);
    assert_eq!(f64::from_rational(&-thr, &()), f64::NEG_INFINITY);
    check(&Rational::from((1, 3)));
    check(&Rational::from((-2, 3)));
}

fn wide_rational() -> impl Strategy<Value = Rational> {
    (any::<i64>(), 1u64..u64::MAX, -1130i32..1100).prop_map(|(n, d, s)| {
        let r = Rational::from((n, d));
        if s >= 0 { r << s.unsigned_abs() } else { r >> s.unsigned_abs() }
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // A fault-injection build fails on purpose: never record its failures as regressions.
        failure_persistence: if reluflow_arith::FAULT_INJECTED {
            None
        } else {
            ProptestConfig::default().failure_persistence
        },
        ..ProptestConfig::default()
    })]

    #[test]
    fn from_rational_is_round_to_nearest_even(q in wide_rational()) {
        check(&q);
    }

    #[test]
    fn from_rational_rounds_ties_between_random_neighbours_to_even(bits in 0u64..0x7FEF_FFFF_FFFF_FFFF) {
        let x = f64::from_bits(bits);
        let tie = (Rational::from_f64(x).unwrap() + Rational::from_f64(x.next_up()).unwrap()) / 2u32;
        let even = if bits & 1 == 0 { x } else { x.next_up() };
        prop_assert_eq!(f64::from_rational(&tie, &()).to_bits(), even.to_bits());
        check(&tie);
    }
}
