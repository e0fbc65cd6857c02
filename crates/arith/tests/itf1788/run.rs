//! Which ITF1788 operation runs as which of our `Scalar`/`Enclosure` operations, and how each
//! result is judged (`check`). An ITF1788 operation is mapped only where our operation has the
//! same semantics; every other line is skipped with its reason.

use super::check::{self, Outcome, Pair, judge_bool, judge_end, judge_interval, judge_mid, judge_upper};
use super::parse::{Case, Val};
use reluflow_arith::{Bound, Enclosure, Interval, MpInterval, Rational, Scalar};

/// A backend under test: its context and what its docs say about the operations that are not
/// the tightest.
pub trait Backend: Enclosure {
    /// A label for the table.
    const LABEL: &'static str;
    /// The precision context (53 bits: the results are compared with binary64's).
    fn context() -> Self::Ctx;
    /// Why `mul_add` may be wider than the tightest enclosure (`None`: it must be tightest).
    const FMA_LOOSE: Option<&'static str>;
}

impl Backend for MpInterval {
    const LABEL: &'static str = "MpInterval (53 bits)";
    fn context() -> u32 {
        53
    }
    const FMA_LOOSE: Option<&'static str> = Some(
        "fma: MpInterval's multiply-add rounds the product before the sum (muldiv.rs, FUSED = false): \
         up to 1 ulp wider per end",
    );
}

impl Backend for Interval {
    const LABEL: &'static str = "inari::Interval (adapter)";
    fn context() {}
    const FMA_LOOSE: Option<&'static str> = None;
}

pub const DECORATED: &str = "decorated (`_com`…, `[nai]`, `d-…`): our intervals carry no decorations";
pub const NOT_PROVIDED: &str = "operation not provided by Scalar/Enclosure";
const POWN_OTHER: &str = "pown(x, p) for p ∉ {2, −1}: only p = 2 (sqr) and p = −1 (1/x) are our operations";
const EMPTY_MIDRAD: &str = "mid/rad/midRad/wid of the empty set (NaN in IEEE 1788): unspecified by our docs";
const EMPTY_ORDER: &str = "(strict)precedes with an empty operand: IEEE 1788 says true (vacuously); \
                           our law (∅ proves nothing, excludes nothing) answers false";
const MEMBER_NOT_REAL: &str = "isMember of ±∞/NaN: contains_rational takes a rational";
const NUMS_NOT_BINARY64: &str = "numsToInterval of a number that is not binary64: from_f64_bounds takes f64";
const NUMS_INFINITE: &str = "numsToInterval(±∞, ±∞), same sign: from_f64_bounds clamps to a half-line, not ∅ \
                             (documented: ∅ only for lo > hi or NaN)";
const RAD_UPPER: &str = "rad: rad_upper is an upper bound on the radius (documented), not IEEE 1788's rad";
const WID_UPPER: &str = "wid: width_upper is an upper bound on the width (documented), not IEEE 1788's wid";

/// The `S` value of argument `i`, which must be an interval (exact: its ends are binary64).
fn arg<S: Backend>(c: &Case, i: usize) -> S {
    let p = c.args.get(i).and_then(check::interval);
    let p = p.unwrap_or_else(|| panic!("{}:{}: argument {i} is not an interval: {}", c.file, c.line, c.src));
    build::<S>(p)
}

fn build<S: Backend>(p: Pair) -> S {
    match p {
        None => S::empty(&S::context()),
        Some((a, b)) => S::from_f64_bounds(a, b, &S::context()),
    }
}

/// A number argument as binary64 (NaN for NaN), or `None` if it is not a binary64 number.
fn num_f64(v: &Val) -> Option<f64> {
    match v {
        Val::Num(None) => Some(f64::NAN),
        Val::Num(Some(Bound::NegInf)) => Some(f64::NEG_INFINITY),
        Val::Num(Some(Bound::PosInf)) => Some(f64::INFINITY),
        Val::Num(Some(Bound::Finite(q))) => Some(nearest(q)).filter(|x| Rational::from_f64(*x).as_ref() == Some(q)),
        _ => None,
    }
}

/// `q` rounded to the nearest binary64 (ties to even).
fn nearest(q: &Rational) -> f64 {
    <f64 as Scalar>::from_rational(q, &())
}

/// Two verdicts on one line: the first failure, else exact only if both are.
fn both(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (f @ Outcome::Fail(_), _) | (_, f @ Outcome::Fail(_)) => f,
        (Outcome::Exact, o) | (o, _) => o,
    }
}

/// The exact radius (`half`) or width of `x` (`None`: unbounded; `x` is not empty).
fn extent<S: Enclosure>(x: &S, half: bool) -> Option<Rational> {
    match (x.lower(), x.upper()) {
        (Bound::Finite(a), Bound::Finite(b)) => Some(if half { (b - a) / 2u32 } else { b - a }),
        _ => None,
    }
}

/// Runs one test line on backend `S` and judges it.
pub fn run_case<S: Backend>(c: &Case) -> Outcome {
    if c.decorated {
        return Outcome::Skip(DECORATED);
    }
    let ctx = S::context();
    let x = |i| arg::<S>(c, i);
    let want = &c.results[0];
    let iv = |r: S| judge_interval(&r, want, None);
    match c.op.as_str() {
        "neg" => iv(x(0).neg()),
        "add" => iv(x(0).add(&x(1))),
        "sub" => iv(x(0).sub(&x(1))),
        "mul" => iv(x(0).mul(&x(1))),
        "div" => iv(x(0).div(&x(1))),
        "recip" => iv(S::one(&ctx).div(&x(0))),
        "sqr" => iv(x(0).sqr()),
        "sqrt" => iv(x(0).sqrt()),
        "exp" => iv(x(0).exp()),
        "log" => iv(x(0).ln()),
        "abs" => iv(x(0).abs()),
        "min" => iv(x(0).min(&x(1))),
        "max" => iv(x(0).max(&x(1))),
        "fma" => judge_interval(&x(0).mul_add(&x(1), &x(2)), want, S::FMA_LOOSE),
        "pown" => match &c.args[1] {
            Val::Num(Some(Bound::Finite(p))) if *p == 2 => iv(x(0).sqr()),
            Val::Num(Some(Bound::Finite(p))) if *p == -1 => iv(S::one(&ctx).div(&x(0))),
            _ => Outcome::Skip(POWN_OTHER),
        },
        "convexHull" => iv(x(0).hull(&x(1))),
        "intersection" => iv(x(0).intersect(&x(1))),
        "inf" => judge_end(x(0).lower(), want),
        "sup" => judge_end(x(0).upper(), want),
        "mid" | "rad" | "midRad" | "wid" if x(0).is_empty() => Outcome::Skip(EMPTY_MIDRAD),
        "mid" => judge_mid(&x(0), want),
        "rad" => judge_upper(x(0).rad_upper(), extent(&x(0), true), want, RAD_UPPER),
        "midRad" => {
            both(judge_mid(&x(0), want), judge_upper(x(0).rad_upper(), extent(&x(0), true), &c.results[1], RAD_UPPER))
        }
        "wid" => judge_upper(x(0).width_upper(), extent(&x(0), false), want, WID_UPPER),
        "isEmpty" => judge_bool(x(0).is_empty(), want),
        "isCommonInterval" => judge_bool(x(0).is_finite(), want),
        "subset" => judge_bool(x(0).subset(&x(1)), want),
        "interior" => judge_bool(x(0).interior(&x(1)), want),
        "isMember" => match &c.args[0] {
            // a number literal means the binary64 number nearest to it
            Val::Num(Some(Bound::Finite(q))) => {
                let m = Rational::from_f64(nearest(q)).expect("finite");
                judge_bool(x(1).contains_rational(&m), want)
            }
            _ => Outcome::Skip(MEMBER_NOT_REAL),
        },
        "strictPrecedes" | "precedes" if x(0).is_empty() || x(1).is_empty() => Outcome::Skip(EMPTY_ORDER),
        // every element of x is below every element of y
        "strictPrecedes" => judge_bool(x(0).certainly_lt(&x(1)), want),
        // x ≼ y ⇔ sup x ≤ inf y ⇔ no element of y is below some element of x
        "precedes" => judge_bool(!x(1).possibly_lt(&x(0)), want),
        "b-numsToInterval" => match (num_f64(&c.args[0]), num_f64(&c.args[1])) {
            (Some(a), Some(b)) if a.is_infinite() && a == b => {
                judge_interval(&S::from_f64_bounds(a, b, &ctx), want, Some(NUMS_INFINITE))
            }
            (Some(a), Some(b)) => iv(S::from_f64_bounds(a, b, &ctx)),
            _ => Outcome::Skip(NUMS_NOT_BINARY64),
        },
        _ => Outcome::Skip(NOT_PROVIDED),
    }
}
