//! Set predicates and set-valued helpers: subset, interior, contains_rational, the three-valued
//! comparisons, mid ∈ x, rad_upper, lo/hi points, bisect, inflate, on bounded, half-infinite,
//! entire and empty operands.

use crate::for_each_backend;
use crate::util::{hi_q, lo_q, make, q};
use reluflow_arith::{Bound, Enclosure, Rational};

/// `(x, y, x ⊆ y, x interior to y)` (IEEE 1788 `subset` and `interior`).
const SUBSET: &[(&str, &str, bool, bool)] = &[
    ("[1, 2]", "[0, 3]", true, true),
    ("[1, 2]", "[1, 3]", true, false),
    ("[1, 3]", "[1, 2]", false, false),
    ("[1, 2]", "[1, 2]", true, false),
    ("[empty]", "[1, 2]", true, true),
    ("[empty]", "[empty]", true, true),
    ("[1, 2]", "[empty]", false, false),
    ("[1, 2]", "[entire]", true, true),
    ("[entire]", "[entire]", true, true),
    ("[1, inf]", "[0, inf]", true, true),
    ("[-inf, 1]", "[-inf, 1]", true, false),
    ("[-inf, 0]", "[-inf, 1]", true, true),
    ("[entire]", "[0, inf]", false, false),
];

/// `(x, rational, contained)`.
const CONTAINS: &[(&str, &str, bool)] = &[
    ("[1, 2]", "3/2", true),
    ("[1, 2]", "1", true),
    ("[1, 2]", "2", true),
    ("[1, 2]", "5/2", false),
    ("[1, 2]", "-1", false),
    ("[-inf, 0]", "-1e300", true),
    ("[-inf, 0]", "1e-300", false),
    ("[0, inf]", "1e300", true),
    ("[entire]", "0", true),
    ("[empty]", "0", false),
    ("[0, 0]", "0", true),
];

/// `(x, certainly_pos, certainly_neg, possibly_pos, possibly_neg, possibly_zero)`.
const SIGNS: &[(&str, [bool; 5])] = &[
    ("[1, 2]", [true, false, true, false, false]),
    ("[0, 2]", [false, false, true, false, true]),
    ("[-2, -1]", [false, true, false, true, false]),
    ("[-2, 0]", [false, false, false, true, true]),
    ("[-1, 1]", [false, false, true, true, true]),
    ("[0, 0]", [false, false, false, false, true]),
    ("[entire]", [false, false, true, true, true]),
    ("[1, inf]", [true, false, true, false, false]),
    // The empty set proves nothing and excludes nothing (the law of `Scalar`).
    ("[empty]", [false, false, true, true, true]),
];

fn predicates<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    for &(x, y, sub, int) in SUBSET {
        let (a, b) = (make::<S>(x, ctx), make::<S>(y, ctx));
        assert_eq!(a.subset(&b), sub, "{} subset({x}, {y})", S::NAME);
        assert_eq!(a.interior(&b), int, "{} interior({x}, {y})", S::NAME);
    }
    for &(x, r, want) in CONTAINS {
        assert_eq!(make::<S>(x, ctx).contains_rational(&q(r)), want, "{} {r} ∈ {x}", S::NAME);
    }
    for &(x, want) in SIGNS {
        let v = make::<S>(x, ctx);
        let got = [v.certainly_pos(), v.certainly_neg(), v.possibly_pos(), v.possibly_neg(), v.possibly_zero()];
        assert_eq!(got, want, "{} signs of {x}", S::NAME);
        assert_eq!(v.contains_zero(), want[4]);
    }
    let (a, b, c) = (make::<S>("[1, 2]", ctx), make::<S>("[3, 4]", ctx), make::<S>("[2, 5]", ctx));
    assert!(a.certainly_lt(&b) && !b.certainly_lt(&a) && !a.certainly_lt(&c) && a.possibly_lt(&c));
    assert!(!b.possibly_lt(&a));
    assert!(make::<S>("[1, 2]", ctx).is_finite() && !make::<S>("[1, inf]", ctx).is_finite());
    assert!(!S::empty(ctx).is_finite());
}

#[test]
fn subset_interior_contains_and_signs() {
    for_each_backend!(predicates);
}

/// `mid ∈ x` as a single point, `rad_upper ≥` the radius, lo/hi points, bisect, span, inflate.
fn mid_rad_and_pieces<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    let third = q("1/3");
    let cases = ["[1, 2]", "[-1e300, 1e300]", "[-3, -2]", "[0, 0]", "[-inf, 5]", "[5, inf]", "[entire]", "[1/3, 1e10]"];
    for x in cases {
        let v = make::<S>(x, ctx);
        let m = v.mid();
        assert!(m.subset(&v), "{} mid({x}) = {m:?} ∉ {x}", S::NAME);
        assert_eq!(m.lower(), m.upper(), "{} mid({x}) not a point", S::NAME);
        assert!(matches!(m.lower(), Bound::Finite(_)), "{} mid({x}) not finite", S::NAME);
        let r = v.rad_upper();
        match (v.lower(), v.upper()) {
            (Bound::Finite(lo), Bound::Finite(hi)) => {
                let exact = Rational::from(&hi - &lo) / 2u32;
                assert!(Rational::from_f64(r).unwrap() >= exact, "{} rad_upper({x}) = {r} < {exact}", S::NAME);
                let (a, b) = v.bisect();
                assert!(a.subset(&v) && b.subset(&v), "{} bisect({x})", S::NAME);
                assert_eq!(a.hull(&b).lower(), v.lower());
                assert_eq!(a.hull(&b).upper(), v.upper());
                assert_eq!(a.upper(), b.lower(), "{} bisect({x}) halves meet at the midpoint", S::NAME);
                assert_eq!(v.lo_point().lower(), Bound::Finite(lo.clone()));
                assert_eq!(v.lo_point().upper(), Bound::Finite(lo));
                assert_eq!(v.hi_point().lower(), Bound::Finite(hi.clone()));
                assert_eq!(v.hi_point().upper(), Bound::Finite(hi));
            }
            _ => assert_eq!(r, f64::INFINITY, "{} rad_upper({x})", S::NAME),
        }
        assert!(v.subset(&v.inflate(0.5)), "{} inflate({x})", S::NAME);
    }
    let (a, b) = (make::<S>("[1, 2]", ctx), make::<S>("[5, 7]", ctx));
    assert!(make::<S>("[1, 7]", ctx).subset(&a.span_to(&b)) && a.span_to(&b).subset(&make::<S>("[1, 7]", ctx)));
    let e = S::empty(ctx);
    assert!(e.mid().is_empty() && e.lo_point().is_empty() && e.hi_point().is_empty(), "{} pieces of ∅", S::NAME);
    assert!(e.hull(&e).is_empty() && e.intersect(&a).is_empty());
    // inflating by r ≥ 0 contains every point within r
    let x = make::<S>("[1/3, 1/3]", ctx).inflate(1e-3);
    assert!(x.contains_rational(&(third.clone() - q("1e-3"))) && x.contains_rational(&(third + q("1e-3"))));
    assert!(lo_q(&x) < hi_q(&x));
}

#[test]
fn mid_rad_bisect_and_points() {
    for_each_backend!(mid_rad_and_pieces);
}
