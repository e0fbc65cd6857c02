//! Forward-mode arithmetic on a value and its time derivative.

use reluflow_arith::Scalar;

/// A value and (in derivative mode) an enclosure of its time derivative.
#[derive(Clone, Debug)]
pub(super) struct D<S> {
    pub(super) v: S,
    pub(super) d: Option<S>,
}

pub(super) fn add<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.add(&b.v), d: zip(&a.d, &b.d, |x, y| x.add(y)) }
}
pub(super) fn sub<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.sub(&b.v), d: zip(&a.d, &b.d, |x, y| x.sub(y)) }
}
pub(super) fn mul<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let d = zip(&a.d, &b.d, |da, db| da.mul(&b.v).add(&a.v.mul(db)));
    D { v: a.v.mul(&b.v), d }
}
pub(super) fn div<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let q = a.v.div(&b.v);
    // (a/b)' = (a' − (a/b) b') / b
    let d = zip(&a.d, &b.d, |da, db| da.sub(&q.mul(db)).div(&b.v));
    D { v: q, d }
}
pub(super) fn sqrt<S: Scalar>(a: &D<S>, ctx: &S::Ctx) -> D<S> {
    let s = a.v.sqrt();
    let two = S::from_i64(2, ctx);
    D { d: a.d.as_ref().map(|d| d.div(&two.mul(&s))), v: s }
}
pub(super) fn pow<S: Scalar>(a: &D<S>, k: u32, ctx: &S::Ctx) -> D<S> {
    if k == 0 {
        return D { v: S::one(ctx), d: a.d.as_ref().map(|_| S::zero(ctx)) };
    }
    // a^k by squaring the value; (a^k)' = k a^(k−1) a'.
    let mut acc = a.clone();
    for _ in 1..k {
        acc = mul(&acc, a);
    }
    if k.is_multiple_of(2) {
        // An even power is ≥ 0: keep the tighter sqr-based enclosure of the value.
        let mut v = a.v.sqr();
        for _ in 1..k / 2 {
            v = v.mul(&a.v.sqr());
        }
        acc.v = v;
    }
    acc
}
pub(super) fn dot<S: Scalar>(u: &[D<S>], v: &[D<S>], ctx: &S::Ctx) -> D<S> {
    let mut acc = D { v: S::zero(ctx), d: u.first().and_then(|x| x.d.as_ref()).map(|_| S::zero(ctx)) };
    for (x, y) in u.iter().zip(v) {
        acc = add(&acc, &mul(x, y));
    }
    acc
}
/// `‖u‖² = Σ u_k²` (each square a `sqr`, never below 0) and its derivative `2 Σ u_k u̇_k`.
pub(super) fn norm_sq<S: Scalar>(u: &[D<S>], ctx: &S::Ctx) -> D<S> {
    let mut v = S::zero(ctx);
    let mut d = u.first().and_then(|x| x.d.as_ref()).map(|_| S::zero(ctx));
    for x in u {
        v = v.add(&x.v.sqr());
        d = zip(&d, &x.d, |acc, dx| acc.add(&x.v.mul(dx).mul_2si(1)));
    }
    D { v, d }
}

pub(super) fn zip<S>(a: &Option<S>, b: &Option<S>, f: impl Fn(&S, &S) -> S) -> Option<S> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        _ => None,
    }
}
