//! Judging one result against ITF1788's expected value.
//!
//! **Intervals.** The expected value `E` is the tightest binary64 interval around the exact result
//! set `X`. Our result `R` passes the soundness check if `hull64(R) ⊇ E`, where `hull64` rounds
//! `R`'s ends outward to binary64 (its exponent range and subnormals): if `R ⊇ X` then `hull64(R)`
//! is a binary64 interval containing `X`, so it contains the tightest one, `E`. That is the
//! containment requirement in the only form the expected value allows, and in binary64's normal
//! range `hull64(R) = R`. Then the result is
//!
//! * `Exact` if `R = E` (both ends equal as rationals);
//! * `Binary64` if `R ≠ E` but `hull64(R) = E`: `R` is tighter than any binary64 interval could
//!   be, which only MPFR's exponent range (no overflow at 2^1024, no subnormals) allows;
//! * wider than `E` but containing it: a pass only where our docs say the operation is not the
//!   tightest (the caller names that documented reason), otherwise a failure "not tightest".
//!
//! **Numbers and booleans.** Booleans and exact ends (`inf`, `sup`) must be equal. `mid` must be
//! a point of the interval and `rad_upper`/`width_upper` at least the exact radius/width (the laws
//! of `Enclosure`); equal to IEEE 1788's `mid`/`rad`/`wid` counts as exact, else contained-only.

use super::parse::Val;
use reluflow_arith::{Bound, Enclosure, Float, Rational, Scalar};
use rug::float::Round;

/// A binary64 interval, `None` for the empty set.
pub type Pair = Option<(f64, f64)>;

/// The verdict on one test line for one backend.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Equal to the expected value.
    Exact,
    /// Equal to the expected interval once rounded outward to binary64 (MPFR's exponent range).
    Binary64,
    /// Contains the expected value (or obeys the documented looser law) without equalling it.
    Loose(&'static str),
    /// Not contained, not tightest where promised, or a wrong boolean/number.
    Fail(String),
    /// Not run, and why.
    Skip(&'static str),
}

/// `q` rounded to binary64 in direction `r` (via 64 bits in the same direction: two roundings
/// in one direction give the single one, the binary64 grid being part of the 64-bit grid).
fn to_f64(q: &Rational, r: Round) -> f64 {
    Float::with_val_round(64, q, r).0.to_f64_round(r)
}

fn end64(b: &Bound, r: Round) -> f64 {
    match b {
        Bound::NegInf => f64::NEG_INFINITY,
        Bound::PosInf => f64::INFINITY,
        Bound::Finite(q) => to_f64(q, r),
    }
}

/// The binary64 hull of an interval given by its exact ends.
pub fn hull64(v: &Option<(Bound, Bound)>) -> Pair {
    v.as_ref().map(|(a, b)| (end64(a, Round::Down), end64(b, Round::Up)))
}

/// An ITF1788 interval value as the binary64 interval it denotes (`None`: not an interval). A
/// literal end that is not binary64 (`13.1`) means the nearest binary64 number, as in the C++
/// and Rust test code the vectors came from (`I<double>(13.1, 13.1)`): the expected results were
/// computed from those.
pub fn interval(v: &Val) -> Option<Pair> {
    let nearest = |b: &Bound| match b {
        Bound::Finite(q) => <f64 as Scalar>::from_rational(q, &()),
        _ => end64(b, Round::Nearest), // ±∞
    };
    match v {
        Val::Iv(x) => Some(x.as_ref().map(|(a, b)| (nearest(a), nearest(b)))),
        _ => None,
    }
}

/// The exact ends of `x` (`None` when empty).
pub fn ends<S: Enclosure>(x: &S) -> Option<(Bound, Bound)> {
    if x.is_empty() { None } else { Some((x.lower(), x.upper())) }
}

/// The exact value of a binary64 number (NaN is not expected here).
pub fn bound(x: f64) -> Bound {
    match x {
        f64::INFINITY => Bound::PosInf,
        f64::NEG_INFINITY => Bound::NegInf,
        _ => Bound::Finite(Rational::from_f64(x).unwrap_or_else(|| panic!("NaN where a number is needed"))),
    }
}

/// `a ≤ b` for ends (−∞ < finite < +∞).
pub fn le(a: &Bound, b: &Bound) -> bool {
    match (a, b) {
        (Bound::NegInf, _) | (_, Bound::PosInf) => true,
        (Bound::Finite(x), Bound::Finite(y)) => x <= y,
        _ => false,
    }
}

fn contains(outer: Pair, inner: Pair) -> bool {
    match (outer, inner) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((a, b)), Some((c, d))) => a <= c && d <= b,
    }
}

fn show(p: Pair) -> String {
    p.map_or("[empty]".into(), |(a, b)| format!("[{a:e}, {b:e}]"))
}

/// An interval result `got` against the expected `want`; `loose` names the documented reason why
/// the operation may be wider than the tightest (None: it must be the tightest).
pub fn judge_interval<S: Enclosure>(got: &S, want: &Val, loose: Option<&'static str>) -> Outcome {
    let Some(e) = interval(want) else { return Outcome::Fail(format!("expected value {want:?} is no interval")) };
    let r = ends(got);
    let r64 = hull64(&r);
    if r == e.map(|(a, b)| (bound(a), bound(b))) {
        Outcome::Exact
    } else if r64 == e {
        Outcome::Binary64
    } else if !contains(r64, e) {
        Outcome::Fail(format!("NOT CONTAINED: want {}, got {} ({got:?})", show(e), show(r64)))
    } else if let Some(why) = loose {
        Outcome::Loose(why)
    } else {
        Outcome::Fail(format!("not tightest: want {}, got {} ({got:?})", show(e), show(r64)))
    }
}

/// A predicate's answer.
pub fn judge_bool(got: bool, want: &Val) -> Outcome {
    match want {
        Val::Bool(w) if *w == got => Outcome::Exact,
        _ => Outcome::Fail(format!("want {want:?}, got {got}")),
    }
}

/// An exact end (`lower()`/`upper()`).
pub fn judge_end(got: Bound, want: &Val) -> Outcome {
    match want {
        Val::Num(Some(w)) if *w == got => Outcome::Exact,
        _ => Outcome::Fail(format!("want {want:?}, got {got:?}")),
    }
}

/// `mid(x)`: a single finite point of `x` (exact if it is IEEE 1788's midpoint `want`).
pub fn judge_mid<S: Enclosure>(x: &S, want: &Val) -> Outcome {
    let m = x.mid();
    let (lo, hi) = (x.lower(), x.upper());
    match ends(&m) {
        Some((Bound::Finite(p), Bound::Finite(q))) if p == q => {
            let pt = Bound::Finite(p);
            if !(le(&lo, &pt) && le(&pt, &hi)) {
                Outcome::Fail(format!("mid {pt:?} outside {x:?}"))
            } else if *want == Val::Num(Some(pt)) {
                Outcome::Exact
            } else {
                Outcome::Loose("mid: a point of x, not IEEE 1788's rounded midpoint (documented law: mid ∈ x)")
            }
        }
        _ => Outcome::Fail(format!("mid {m:?} is not a single finite point")),
    }
}

/// An upper bound `got` on an exact non-negative quantity `exact` (`None`: +∞), such as the
/// radius or the width; exact if it equals IEEE 1788's value `want`.
pub fn judge_upper(got: f64, exact: Option<Rational>, want: &Val, why: &'static str) -> Outcome {
    if got.is_nan() {
        return Outcome::Fail(format!("NaN where an upper bound on {exact:?} is needed"));
    }
    let g = bound(got);
    let ok = exact.as_ref().map_or(g == Bound::PosInf, |q| le(&Bound::Finite(q.clone()), &g));
    match want {
        _ if !ok => Outcome::Fail(format!("NOT AN UPPER BOUND: {got:e} is below the exact value {exact:?}")),
        Val::Num(Some(w)) if *w == g => Outcome::Exact,
        _ => Outcome::Loose(why),
    }
}
