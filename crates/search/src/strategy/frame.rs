//! The teacher's frame of the shallow-network instances: a rational Householder reflection
//! `H = I − 2uuᵀ/uᵀu` (`u` a short integer vector), exactly orthogonal with rational entries, so
//! that `v* = He_1` is an exactly rational unit vector and `Hx` keeps every angle and norm of `x`
//! exactly. `u = 0` (or no `u`) is the identity: the teacher `e_1`, what shrinking moves towards.

use super::numbers::dot;
use proptest::prelude::*;
use rug::Rational;

/// A reflection of `ℝ^d`: `None` is the identity, `Some(u)` the Householder reflection of `u`
/// (the identity too when `u = 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reflection(pub Option<Vec<i64>>);

impl Reflection {
    /// The identity.
    pub fn identity() -> Reflection {
        Reflection(None)
    }

    /// `u` as rationals, when it is not zero.
    fn axis(&self) -> Option<Vec<Rational>> {
        let u = self.0.as_ref()?;
        u.iter().any(|c| *c != 0).then(|| u.iter().map(|c| Rational::from(*c)).collect())
    }

    /// `Hx = x − 2(uᵀx/uᵀu)u`, exactly.
    pub fn apply(&self, x: &[Rational]) -> Vec<Rational> {
        let Some(u) = self.axis() else { return x.to_vec() };
        let c = 2 * dot(&u, x) / dot(&u, &u);
        x.iter().zip(&u).map(|(xk, uk)| xk - Rational::from(&c * uk)).collect()
    }

    /// The teacher `v* = He_1` of `ℝ^d`, an exactly rational unit vector.
    pub fn teacher(&self, d: usize) -> Vec<Rational> {
        let mut e1 = vec![Rational::new(); d];
        e1[0] = Rational::from(1);
        self.apply(&e1)
    }
}

/// Reflections of `ℝ^d`: the identity (the teacher `e_1`, first so that shrinking moves towards
/// it) or `u ∈ {−3, …, 3}^d` (entries shrinking towards 0).
pub fn reflection(d: usize) -> impl Strategy<Value = Reflection> + Clone {
    prop_oneof![Just(Reflection::identity()), proptest::collection::vec(-3i64..=3, d).prop_map(|u| Reflection(Some(u)))]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: &[(i64, i64)]) -> Vec<Rational> {
        v.iter().map(|&(p, q)| Rational::from((p, q))).collect()
    }

    #[test]
    fn a_householder_reflection_is_exactly_orthogonal() {
        let h = Reflection(Some(vec![1, -2, 3]));
        let (a, b) = (q(&[(1, 2), (3, 10), (-1, 1)]), q(&[(2, 1), (0, 1), (7, 4)]));
        assert_eq!(dot(&h.apply(&a), &h.apply(&b)), dot(&a, &b));
        let v = h.teacher(3);
        assert_eq!(dot(&v, &v), 1);
        // v* = e_1 − 2(u_1/uᵀu)u = (1, 0, 0) − (1/7)(1, −2, 3).
        assert_eq!(v, q(&[(6, 7), (2, 7), (-3, 7)]));
        assert_eq!(h.apply(&h.apply(&a)), a, "H² = I");
    }

    #[test]
    fn no_axis_and_the_zero_axis_are_the_identity() {
        let x = q(&[(1, 3), (-5, 2)]);
        assert_eq!(Reflection::identity().apply(&x), x);
        assert_eq!(Reflection(Some(vec![0, 0])).apply(&x), x);
        assert_eq!(Reflection(Some(vec![0, 0])).teacher(2), q(&[(1, 1), (0, 1)]));
    }
}
