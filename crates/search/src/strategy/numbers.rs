//! The numbers instances are made of: short exact decimals (`p/q` with small `p` and
//! `q ∈ {1, 2, 4, 10}`), and the exact vector operations the constructions need.
//!
//! Every strategy here shrinks towards simpler numbers (numerator towards 0, denominator
//! towards 1), and every construction below maps *any* input to a value with its property, so a
//! constraint built in by construction also holds on every shrunk value.

use proptest::prelude::*;
use rug::Rational;

/// The denominators of short decimals, simplest first (shrinking moves towards 1).
fn denominator() -> impl Strategy<Value = i64> + Clone {
    prop_oneof![Just(1i64), Just(2), Just(4), Just(10)]
}

/// A short decimal `p/q`, `p ∈ [−8, 8]`, `q ∈ {1, 2, 4, 10}`, exactly.
pub fn short_decimal() -> impl Strategy<Value = Rational> + Clone {
    (-8i64..=8, denominator()).prop_map(|(p, q)| Rational::from((p, q)))
}

/// A non-negative short decimal `p/q`, `p ∈ [0, 8]`.
pub fn nonneg_decimal() -> impl Strategy<Value = Rational> + Clone {
    (0i64..=8, denominator()).prop_map(|(p, q)| Rational::from((p, q)))
}

/// A positive short decimal `p/q`, `p ∈ [1, 8]`.
pub fn positive_decimal() -> impl Strategy<Value = Rational> + Clone {
    (1i64..=8, denominator()).prop_map(|(p, q)| Rational::from((p, q)))
}

/// An initial scale: `1`, then `1/2, 1/10, 1/100, 2` (shrinks towards 1).
pub fn scale() -> impl Strategy<Value = Rational> + Clone {
    prop_oneof![Just((1, 1)), Just((1, 2)), Just((1, 10)), Just((1, 100)), Just((2, 1))]
        .prop_map(|(p, q): (i64, i64)| Rational::from((p, q)))
}

/// A vector of `d` short decimals.
pub fn vector(d: usize) -> impl Strategy<Value = Vec<Rational>> + Clone {
    proptest::collection::vec(short_decimal(), d)
}

/// `aᵀb`, exactly.
pub fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// `‖a‖₁`, exactly (an upper bound of `‖a‖₂`).
pub fn l1(a: &[Rational]) -> Rational {
    a.iter().map(|x| Rational::from(x.abs_ref())).sum()
}

/// `c·a`, exactly.
pub fn scaled(c: &Rational, a: &[Rational]) -> Vec<Rational> {
    a.iter().map(|x| Rational::from(c * x)).collect()
}

/// `a + b`, exactly.
pub fn added(a: &[Rational], b: &[Rational]) -> Vec<Rational> {
    a.iter().zip(b).map(|(x, y)| Rational::from(x + y)).collect()
}

/// `v` if it is not zero, else the first unit vector.
pub fn nonzero(mut v: Vec<Rational>) -> Vec<Rational> {
    if v.iter().all(|c| *c == 0) {
        v[0] = Rational::from(1);
    }
    v
}

/// A point of the open half-space `{x : xᵀnormal > 0}` made from `x`: `x` itself, `−x`, or
/// `x + normal` when `x` lies on the boundary (then `(x + normal)ᵀnormal = ‖normal‖² > 0`).
/// `normal` must not be zero.
pub fn into_halfspace(x: Vec<Rational>, normal: &[Rational]) -> Vec<Rational> {
    let z = dot(&x, normal);
    if z > 0 {
        x
    } else if z < 0 {
        x.into_iter().map(|c| -c).collect()
    } else {
        added(&x, normal)
    }
}

/// `w` scaled down so that `‖w‖₁ ≤ r` (hence `‖w‖₂ ≤ r`); unchanged when it already is. `r ≥ 0`.
pub fn within(w: Vec<Rational>, r: &Rational) -> Vec<Rational> {
    let n = l1(&w);
    if n <= *r { w } else { scaled(&Rational::from(r / &n), &w) }
}

/// `max(z, 0)`, exactly.
pub fn relu(z: Rational) -> Rational {
    if z > 0 { z } else { Rational::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    #[test]
    fn constructions_have_their_property_on_degenerate_inputs() {
        let normal = vec![q(1, 2), q(-1, 1)];
        for x in [vec![q(0, 1), q(0, 1)], vec![q(2, 1), q(1, 1)], vec![q(1, 1), q(3, 1)], vec![q(-1, 1), q(2, 1)]] {
            assert!(dot(&into_halfspace(x.clone(), &normal), &normal) > 0, "{x:?}");
        }
        assert_eq!(nonzero(vec![q(0, 1), q(0, 1)]), vec![q(1, 1), q(0, 1)]);
        let w = within(vec![q(3, 1), q(-4, 1)], &q(1, 2));
        assert_eq!(l1(&w), q(1, 2));
        assert_eq!(within(vec![q(0, 1)], &q(0, 1)), vec![q(0, 1)]);
        assert_eq!(relu(q(-1, 3)), 0);
    }
}
