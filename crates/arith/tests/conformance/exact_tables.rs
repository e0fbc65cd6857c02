//! Table-driven cases whose results are exactly representable (ITF1788 style): the result must
//! *equal* the exact interval, at every precision and in every backend. Provenance: written for
//! this suite from the IEEE 1788 definitions (set-based flavour), in the spirit of the ITF1788
//! vectors `libieeep1788_elem.itl` (add, sub, mul, div, sqr, sqrt, exp, log, abs, min, max) and
//! `libieeep1788_set.itl` (intersection, convexHull).

use crate::for_each_backend;
use crate::util::{assert_is, make};
use reluflow_arith::Enclosure;

/// `(op, x, y, x op y)`.
const BINARY: &[(&str, &str, &str, &str)] = &[
    // add / sub
    ("add", "[1, 2]", "[3, 4]", "[4, 6]"),
    ("add", "[-1/2, 1/4]", "[-3, -1]", "[-7/2, -3/4]"),
    ("add", "[-inf, 1]", "[2, 3]", "[-inf, 4]"),
    ("add", "[1, inf]", "[-inf, 1]", "[entire]"),
    ("add", "[entire]", "[1, 2]", "[entire]"),
    ("add", "[empty]", "[1, 2]", "[empty]"),
    ("add", "[1, 2]", "[empty]", "[empty]"),
    ("add", "[empty]", "[entire]", "[empty]"),
    ("sub", "[1, 2]", "[3, 4]", "[-3, -1]"),
    ("sub", "[1, inf]", "[1, inf]", "[entire]"),
    ("sub", "[1, inf]", "[-inf, 0]", "[1, inf]"),
    ("sub", "[-inf, 2]", "[1, 3]", "[-inf, 1]"),
    ("sub", "[empty]", "[1, 2]", "[empty]"),
    ("sub", "[1, 2]", "[empty]", "[empty]"),
    // mul: every sign class of each operand (P, N, M, Z, with zero ends), unbounded, empty
    ("mul", "[1, 2]", "[3, 4]", "[3, 8]"),
    ("mul", "[1, 2]", "[-4, -3]", "[-8, -3]"),
    ("mul", "[-2, -1]", "[3, 4]", "[-8, -3]"),
    ("mul", "[-2, -1]", "[-4, -3]", "[3, 8]"),
    ("mul", "[-1, 2]", "[3, 4]", "[-4, 8]"),
    ("mul", "[-1, 2]", "[-4, -3]", "[-8, 4]"),
    ("mul", "[3, 4]", "[-1, 2]", "[-4, 8]"),
    ("mul", "[-4, -3]", "[-1, 2]", "[-8, 4]"),
    ("mul", "[-1, 2]", "[-3, 4]", "[-6, 8]"),
    ("mul", "[-2, 1]", "[-3, 4]", "[-8, 6]"),
    ("mul", "[-2, 3]", "[-5, 1]", "[-15, 10]"),
    ("mul", "[-3, 2]", "[-1, 5]", "[-15, 10]"),
    ("mul", "[0, 2]", "[3, 4]", "[0, 8]"),
    ("mul", "[0, 2]", "[-4, -3]", "[-8, 0]"),
    ("mul", "[-2, 0]", "[3, 4]", "[-8, 0]"),
    ("mul", "[-2, 0]", "[-4, -3]", "[0, 8]"),
    ("mul", "[0, 2]", "[-3, 4]", "[-6, 8]"),
    ("mul", "[-2, 0]", "[-3, 4]", "[-8, 6]"),
    ("mul", "[-3, 4]", "[0, 2]", "[-6, 8]"),
    ("mul", "[0, 2]", "[0, 3]", "[0, 6]"),
    ("mul", "[-2, 0]", "[0, 3]", "[-6, 0]"),
    ("mul", "[-2, 0]", "[-3, 0]", "[0, 6]"),
    ("mul", "[0, 0]", "[-3, 4]", "[0, 0]"),
    ("mul", "[1, 2]", "[0, 0]", "[0, 0]"),
    ("mul", "[0, 0]", "[entire]", "[0, 0]"),
    ("mul", "[entire]", "[0, 0]", "[0, 0]"),
    ("mul", "[0, 0]", "[0, inf]", "[0, 0]"),
    ("mul", "[1, inf]", "[2, 3]", "[2, inf]"),
    ("mul", "[1, inf]", "[-3, -2]", "[-inf, -2]"),
    ("mul", "[0, inf]", "[-3, -2]", "[-inf, 0]"),
    ("mul", "[-1, inf]", "[2, 3]", "[-3, inf]"),
    ("mul", "[-1, inf]", "[-3, 2]", "[entire]"),
    ("mul", "[1, inf]", "[-3, 2]", "[entire]"),
    ("mul", "[0, inf]", "[0, inf]", "[0, inf]"),
    ("mul", "[-inf, -1]", "[-inf, -1]", "[1, inf]"),
    ("mul", "[-inf, 0]", "[0, inf]", "[-inf, 0]"),
    ("mul", "[-inf, 2]", "[-3, -1]", "[-6, inf]"),
    ("mul", "[entire]", "[0, 1]", "[entire]"),
    ("mul", "[entire]", "[entire]", "[entire]"),
    ("mul", "[empty]", "[1, 2]", "[empty]"),
    ("mul", "[0, 0]", "[empty]", "[empty]"),
    ("mul", "[entire]", "[empty]", "[empty]"),
    // div: sign classes, zero ends (half-lines), [0,0] divisor (empty), unbounded, empty
    ("div", "[6, 8]", "[2, 4]", "[3/2, 4]"),
    ("div", "[6, 8]", "[-4, -2]", "[-4, -3/2]"),
    ("div", "[-8, -6]", "[2, 4]", "[-4, -3/2]"),
    ("div", "[-8, -6]", "[-4, -2]", "[3/2, 4]"),
    ("div", "[-6, 8]", "[2, 4]", "[-3, 4]"),
    ("div", "[-6, 8]", "[-4, -2]", "[-4, 3]"),
    ("div", "[0, 8]", "[2, 4]", "[0, 4]"),
    ("div", "[-8, 0]", "[2, 4]", "[-4, 0]"),
    ("div", "[0, 8]", "[-4, -2]", "[-4, 0]"),
    ("div", "[-8, 0]", "[-4, -2]", "[0, 4]"),
    ("div", "[6, 8]", "[-2, 4]", "[entire]"),
    ("div", "[-8, -6]", "[-2, 4]", "[entire]"),
    ("div", "[-6, 8]", "[-2, 4]", "[entire]"),
    ("div", "[0, 0]", "[-2, 4]", "[0, 0]"),
    ("div", "[0, 0]", "[entire]", "[0, 0]"),
    ("div", "[0, 0]", "[0, 0]", "[empty]"),
    ("div", "[1, 2]", "[0, 0]", "[empty]"),
    ("div", "[-1, 2]", "[0, 0]", "[empty]"),
    ("div", "[entire]", "[0, 0]", "[empty]"),
    ("div", "[6, 8]", "[0, 4]", "[3/2, inf]"),
    ("div", "[6, 8]", "[-4, 0]", "[-inf, -3/2]"),
    ("div", "[-8, -6]", "[0, 4]", "[-inf, -3/2]"),
    ("div", "[-8, -6]", "[-4, 0]", "[3/2, inf]"),
    ("div", "[-6, 8]", "[0, 4]", "[entire]"),
    ("div", "[-6, 8]", "[-4, 0]", "[entire]"),
    ("div", "[0, 8]", "[0, 4]", "[0, inf]"),
    ("div", "[0, 8]", "[-4, 0]", "[-inf, 0]"),
    ("div", "[-8, 0]", "[0, 4]", "[-inf, 0]"),
    ("div", "[-8, 0]", "[-4, 0]", "[0, inf]"),
    ("div", "[6, 8]", "[2, inf]", "[0, 4]"),
    ("div", "[6, inf]", "[2, 4]", "[3/2, inf]"),
    ("div", "[6, 8]", "[0, inf]", "[0, inf]"),
    ("div", "[-inf, -1]", "[-inf, -1]", "[0, inf]"),
    ("div", "[-inf, -6]", "[2, 4]", "[-inf, -3/2]"),
    ("div", "[1, 2]", "[entire]", "[entire]"),
    ("div", "[entire]", "[1, 2]", "[entire]"),
    ("div", "[empty]", "[1, 2]", "[empty]"),
    ("div", "[1, 2]", "[empty]", "[empty]"),
    // max / min
    ("max", "[1, 2]", "[0, 3]", "[1, 3]"),
    ("max", "[-inf, 1]", "[0, 0]", "[0, 1]"),
    ("max", "[-3, -1]", "[-2, inf]", "[-2, inf]"),
    ("max", "[empty]", "[1, 2]", "[empty]"),
    ("min", "[1, 2]", "[0, 3]", "[0, 2]"),
    ("min", "[1, inf]", "[2, 3]", "[1, 3]"),
    ("min", "[-inf, 1]", "[0, 0]", "[-inf, 0]"),
    ("min", "[1, 2]", "[empty]", "[empty]"),
    // hull / intersect
    ("hull", "[1, 2]", "[4, 5]", "[1, 5]"),
    ("hull", "[empty]", "[1, 2]", "[1, 2]"),
    ("hull", "[1, 2]", "[empty]", "[1, 2]"),
    ("hull", "[empty]", "[empty]", "[empty]"),
    ("hull", "[-inf, 0]", "[1, 2]", "[-inf, 2]"),
    ("intersect", "[1, 3]", "[2, 4]", "[2, 3]"),
    ("intersect", "[1, 2]", "[3, 4]", "[empty]"),
    ("intersect", "[1, 2]", "[2, 3]", "[2, 2]"),
    ("intersect", "[entire]", "[1, inf]", "[1, inf]"),
    ("intersect", "[empty]", "[1, 2]", "[empty]"),
];

/// `(op, x, op(x))`.
const UNARY: &[(&str, &str, &str)] = &[
    ("neg", "[1, 2]", "[-2, -1]"),
    ("neg", "[-inf, 1]", "[-1, inf]"),
    ("neg", "[entire]", "[entire]"),
    ("neg", "[empty]", "[empty]"),
    ("sqr", "[-3, 2]", "[0, 9]"),
    ("sqr", "[-2, 3]", "[0, 9]"),
    ("sqr", "[2, 3]", "[4, 9]"),
    ("sqr", "[-3, -2]", "[4, 9]"),
    ("sqr", "[-1, 0]", "[0, 1]"),
    ("sqr", "[0, 0]", "[0, 0]"),
    ("sqr", "[-inf, 1]", "[0, inf]"),
    ("sqr", "[-inf, -2]", "[4, inf]"),
    ("sqr", "[entire]", "[0, inf]"),
    ("sqr", "[empty]", "[empty]"),
    ("sqrt", "[4, 9]", "[2, 3]"),
    ("sqrt", "[-4, 9]", "[0, 3]"),
    ("sqrt", "[-4, 0]", "[0, 0]"),
    ("sqrt", "[-4, -1]", "[empty]"),
    ("sqrt", "[0, inf]", "[0, inf]"),
    ("sqrt", "[-inf, 4]", "[0, 2]"),
    ("sqrt", "[entire]", "[0, inf]"),
    ("sqrt", "[empty]", "[empty]"),
    ("exp", "[0, 0]", "[1, 1]"),
    ("exp", "[-inf, 0]", "[0, 1]"),
    ("exp", "[entire]", "[0, inf]"),
    ("exp", "[empty]", "[empty]"),
    ("ln", "[1, 1]", "[0, 0]"),
    ("ln", "[0, 1]", "[-inf, 0]"),
    ("ln", "[-2, 1]", "[-inf, 0]"),
    ("ln", "[-2, 0]", "[empty]"),
    ("ln", "[1, inf]", "[0, inf]"),
    ("ln", "[entire]", "[entire]"),
    ("ln", "[empty]", "[empty]"),
    ("abs", "[-3, 2]", "[0, 3]"),
    ("abs", "[-3, -2]", "[2, 3]"),
    ("abs", "[2, 3]", "[2, 3]"),
    ("abs", "[-inf, -1]", "[1, inf]"),
    ("abs", "[entire]", "[0, inf]"),
    ("abs", "[empty]", "[empty]"),
    ("relu", "[-2, 3]", "[0, 3]"),
    ("relu", "[-2, -1]", "[0, 0]"),
    ("relu", "[1, 2]", "[1, 2]"),
    ("relu", "[-inf, 5]", "[0, 5]"),
    ("relu", "[entire]", "[0, inf]"),
    ("relu", "[empty]", "[empty]"),
    ("mul_2si(3)", "[-3, 5/4]", "[-24, 10]"),
    ("mul_2si(-2)", "[-inf, 5]", "[-inf, 5/4]"),
    ("mul_2si(1)", "[empty]", "[empty]"),
];

/// Applies a binary operation by name.
pub fn binary<S: Enclosure>(op: &str, x: &S, y: &S) -> S {
    match op {
        "add" => x.add(y),
        "sub" => x.sub(y),
        "mul" => x.mul(y),
        "div" => x.div(y),
        "max" => x.max(y),
        "min" => x.min(y),
        "hull" => x.hull(y),
        "intersect" => x.intersect(y),
        _ => panic!("unknown op {op}"),
    }
}

/// Applies a unary operation by name.
pub fn unary<S: Enclosure>(op: &str, x: &S) -> S {
    match op {
        "neg" => x.neg(),
        "sqr" => x.sqr(),
        "sqrt" => x.sqrt(),
        "exp" => x.exp(),
        "ln" => x.ln(),
        "abs" => x.abs(),
        "relu" => x.relu(),
        "mul_2si(3)" => x.mul_2si(3),
        "mul_2si(-2)" => x.mul_2si(-2),
        "mul_2si(1)" => x.mul_2si(1),
        _ => panic!("unknown op {op}"),
    }
}

fn binary_table<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    for &(op, x, y, want) in BINARY {
        let got = binary::<S>(op, &make(x, ctx), &make(y, ctx));
        assert_is(&got, want, &format!("{op}({x}, {y})"));
    }
}

fn unary_table<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    for &(op, x, want) in UNARY {
        let got = unary::<S>(op, &make(x, ctx));
        assert_is(&got, want, &format!("{op}({x})"));
    }
}

/// `add_mul_assign` and `mul_add` on the binary `mul` rows: `c + x·y` for `c = [1/2, 1]`.
fn fused_table<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    let c = make::<S>("[1/2, 1]", ctx);
    for &(op, x, y, _) in BINARY.iter().filter(|r| r.0 == "mul") {
        let (x, y) = (make::<S>(x, ctx), make::<S>(y, ctx));
        let want = c.add(&x.mul(&y));
        let mut acc = c.clone();
        acc.add_mul_assign(&x, &y);
        assert_eq!(acc.lower(), want.lower(), "{} {op}: add_mul_assign({x:?}, {y:?})", S::NAME);
        assert_eq!(acc.upper(), want.upper(), "{} {op}: add_mul_assign({x:?}, {y:?})", S::NAME);
        assert_eq!(acc.is_empty(), want.is_empty());
        let m = x.mul_add(&y, &c);
        assert_eq!((m.lower(), m.upper()), (want.lower(), want.upper()), "{} mul_add({x:?}, {y:?})", S::NAME);
    }
    // an empty accumulator stays empty; an entire one stays entire unless the product is empty
    let mut e = S::empty(ctx);
    e.add_mul_assign(&make("[1, 2]", ctx), &make("[3, 4]", ctx));
    assert!(e.is_empty());
    let mut w = S::entire(ctx);
    w.add_mul_assign(&make("[1, 2]", ctx), &make("[3, 4]", ctx));
    assert_is(&w, "[entire]", "entire += [1,2]·[3,4]");
}

#[test]
fn binary_operations_give_the_exact_interval() {
    for_each_backend!(binary_table);
}

#[test]
fn unary_operations_give_the_exact_interval() {
    for_each_backend!(unary_table);
}

#[test]
fn fused_multiply_add_equals_mul_then_add_on_exact_cases() {
    for_each_backend!(fused_table);
}

/// `x` with the same ends but zeros possibly signed `−0`: exact cancellation rounded downward
/// gives `−0` (`1 − 1 = −0` under `Round::Down`), and negation swaps the signs of zero ends.
fn signed_zero_variants<S: Enclosure>(x: &S, ctx: &S::Ctx) -> [S; 3] {
    let one = S::one(ctx);
    let shifted = |v: &S| v.add(&one).sub(&one);
    [x.clone(), shifted(x), shifted(&x.neg()).neg()]
}

/// Every `mul`/`div` row again with operands whose zero ends are `−0`: same results.
fn signed_zero_table<S: Enclosure>(ctx: &S::Ctx, _prec: u32) {
    for &(op, x, y, want) in BINARY.iter().filter(|r| r.0 == "mul" || r.0 == "div") {
        for xv in signed_zero_variants(&make::<S>(x, ctx), ctx) {
            for yv in signed_zero_variants(&make::<S>(y, ctx), ctx) {
                let got = binary::<S>(op, &xv, &yv);
                assert_is(&got, want, &format!("{op}({xv:?}, {yv:?}) from {op}({x}, {y})"));
            }
        }
    }
}

#[test]
fn negative_zero_ends_change_nothing() {
    for_each_backend!(signed_zero_table);
}

#[test]
fn add_mul_assign_keeps_the_accumulator_precision() {
    use reluflow_arith::{MpInterval, Scalar};
    let third = crate::util::q("1/3");
    for (x, y) in [("[1, 2]", "[-3, 4]"), ("[1, inf]", "[2, 3]"), ("[-1, 2]", "[-3, 4]")] {
        let (a, b) = (make::<MpInterval>(x, &256), make::<MpInterval>(y, &256));
        let mut acc = MpInterval::from_rational(&third, &53);
        acc.add_mul_assign(&a, &b);
        assert_eq!(acc.prec(), 53, "{x}·{y}");
        // the 256-bit mul-then-add result is tighter and must lie inside the 53-bit accumulator
        assert!(MpInterval::from_rational(&third, &53).add(&a.mul(&b)).subset(&acc), "{x}·{y}");
    }
}
