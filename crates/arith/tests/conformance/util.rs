//! Helpers: an interval literal parser (ITF1788 style), exact comparisons, and the list of
//! backends every generic check runs on.

use reluflow_arith::{Bound, Enclosure, Float, Rational, Scalar, exact::parse_exact};
use rug::float::Round;

/// The exact rational a decimal or ratio literal denotes.
pub fn q(s: &str) -> Rational {
    parse_exact(s).unwrap_or_else(|e| panic!("bad literal {s}: {e}"))
}

/// An interval literal: `[a, b]` with exact ends (`-inf`/`inf` allowed), `[empty]`, `[entire]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// The empty set.
    Empty,
    /// `[lo, hi]`.
    Iv(Bound, Bound),
}

fn end(s: &str) -> Bound {
    match s.trim() {
        "-inf" => Bound::NegInf,
        "inf" | "+inf" => Bound::PosInf,
        t => Bound::Finite(q(t)),
    }
}

/// Parses an interval literal.
pub fn lit(s: &str) -> Lit {
    let t = s.trim();
    let inner = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or_else(|| panic!("bad interval {s}"));
    match inner.trim() {
        "empty" => Lit::Empty,
        "entire" => Lit::Iv(Bound::NegInf, Bound::PosInf),
        body => {
            let (a, b) = body.split_once(',').unwrap_or((body, body));
            Lit::Iv(end(a), end(b))
        }
    }
}

/// The interval a literal denotes, built in backend `S` (exact when the finite ends are
/// representable; otherwise rounded outward). Half-lines are `[a, a] + [0, ∞]` and
/// `[b, b] + [−∞, 0]`, which is exact for representable `a`, `b`.
pub fn make<S: Enclosure>(s: &str, ctx: &S::Ctx) -> S {
    match lit(s) {
        Lit::Empty => S::empty(ctx),
        Lit::Iv(Bound::NegInf, Bound::PosInf) => S::entire(ctx),
        Lit::Iv(Bound::Finite(a), Bound::Finite(b)) => S::from_bounds(&a, &b, ctx),
        Lit::Iv(Bound::Finite(a), Bound::PosInf) => {
            S::from_rational(&a, ctx).add(&S::from_f64_bounds(0.0, f64::INFINITY, ctx))
        }
        Lit::Iv(Bound::NegInf, Bound::Finite(b)) => {
            S::from_rational(&b, ctx).add(&S::from_f64_bounds(f64::NEG_INFINITY, 0.0, ctx))
        }
        l => panic!("not an interval: {l:?}"),
    }
}

/// What `x` is, as a literal (for messages and exact comparison).
pub fn seen<S: Enclosure>(x: &S) -> Lit {
    if x.is_empty() { Lit::Empty } else { Lit::Iv(x.lower(), x.upper()) }
}

/// Asserts `got` is exactly the interval `want` (both ends equal as exact rationals).
#[track_caller]
pub fn assert_is<S: Enclosure>(got: &S, want: &str, what: &str) {
    assert_eq!(seen(got), lit(want), "{} {what}: got {got:?}, want {want}", S::NAME);
}

/// A finite end of `x`, exactly (panics on an infinite end or the empty set).
pub fn lo_q<S: Scalar>(x: &S) -> Rational {
    match x.lower() {
        Bound::Finite(r) => r,
        b => panic!("lower end {b:?} is not finite"),
    }
}

/// See [`lo_q`].
pub fn hi_q<S: Scalar>(x: &S) -> Rational {
    match x.upper() {
        Bound::Finite(r) => r,
        b => panic!("upper end {b:?} is not finite"),
    }
}

/// `q` rounded down and up to `prec` bits by MPFR (the oracle for one correctly rounded end).
pub fn rd_ru(qv: &Rational, prec: u32) -> (Rational, Rational) {
    let lo = Float::with_val_round(prec, qv, Round::Down).0;
    let hi = Float::with_val_round(prec, qv, Round::Up).0;
    (lo.to_rational().unwrap(), hi.to_rational().unwrap())
}

/// The next number above the finite `x` at precision `prec` (exact).
pub fn next_up_q(x: &Rational, prec: u32) -> Rational {
    let mut f = Float::with_val(prec, x);
    assert_eq!(f.to_rational().unwrap(), *x, "{x} is not representable at {prec} bits");
    f.next_up();
    f.to_rational().unwrap()
}

/// Runs `check` on every interval backend: `MpInterval` at 53, 128 and 256 bits, then inari.
/// `check` receives the backend's precision in bits (53 for inari).
#[macro_export]
macro_rules! for_each_backend {
    ($check:ident) => {{
        for prec in $crate::util::PRECS {
            $check::<reluflow_arith::MpInterval>(&prec, prec);
        }
        $check::<reluflow_arith::Interval>(&(), 53);
    }};
}

/// The MPFR interval precisions every table runs at.
pub const PRECS: [u32; 3] = [53, 128, 256];
