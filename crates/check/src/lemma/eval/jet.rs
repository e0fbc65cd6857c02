//! Second-order forward mode: a value with enclosures of its first and second time derivatives
//! along the flow (a 2-jet), each rule the exact calculus identity evaluated in interval
//! arithmetic, so every part encloses its exact counterpart wherever the operands' parts do.

use reluflow_arith::Scalar;

/// A value and (when asked for) enclosures of its first and second time derivatives.
#[derive(Clone, Debug)]
pub(super) struct D<S> {
    pub(super) v: S,
    pub(super) d: Option<S>,
    pub(super) d2: Option<S>,
}

impl<S: Scalar> D<S> {
    /// A quantity constant in time, with its derivatives up to `order`.
    pub(super) fn constant(v: S, order: u8, ctx: &S::Ctx) -> D<S> {
        D { v, d: (order >= 1).then(|| S::zero(ctx)), d2: (order >= 2).then(|| S::zero(ctx)) }
    }
}

pub(super) fn add<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.add(&b.v), d: zip(&a.d, &b.d, |x, y| x.add(y)), d2: zip(&a.d2, &b.d2, |x, y| x.add(y)) }
}
pub(super) fn sub<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.sub(&b.v), d: zip(&a.d, &b.d, |x, y| x.sub(y)), d2: zip(&a.d2, &b.d2, |x, y| x.sub(y)) }
}
pub(super) fn neg<S: Scalar>(a: &D<S>) -> D<S> {
    D { v: a.v.neg(), d: a.d.as_ref().map(Scalar::neg), d2: a.d2.as_ref().map(Scalar::neg) }
}
/// `(ab)' = a'b + ab'`, `(ab)'' = a''b + 2a'b' + ab''`.
pub(super) fn mul<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let d = zip(&a.d, &b.d, |da, db| da.mul(&b.v).add(&a.v.mul(db)));
    let d2 = match (&a.d, &b.d, &a.d2, &b.d2) {
        (Some(da), Some(db), Some(dda), Some(ddb)) => {
            Some(dda.mul(&b.v).add(&da.mul(db).mul_2si(1)).add(&a.v.mul(ddb)))
        }
        _ => None,
    };
    D { v: a.v.mul(&b.v), d, d2 }
}
/// `q = a/b`: `q' = (a' − q b')/b`, `q'' = (a'' − 2q'b' − q b'')/b`.
pub(super) fn div<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let q = a.v.div(&b.v);
    let d = zip(&a.d, &b.d, |da, db| da.sub(&q.mul(db)).div(&b.v));
    let d2 = match (&d, &b.d, &a.d2, &b.d2) {
        (Some(dq), Some(db), Some(dda), Some(ddb)) => Some(dda.sub(&dq.mul(db).mul_2si(1)).sub(&q.mul(ddb)).div(&b.v)),
        _ => None,
    };
    D { v: q, d, d2 }
}
/// `s = √a`: `s' = a'/(2s)`, `s'' = (a'' − 2s'²)/(2s)` (from `a = s²`).
pub(super) fn sqrt<S: Scalar>(a: &D<S>) -> D<S> {
    let s = a.v.sqrt();
    let two_s = s.mul_2si(1);
    let d = a.d.as_ref().map(|d| d.div(&two_s));
    let d2 = zip(&a.d2, &d, |dda, ds| dda.sub(&ds.sqr().mul_2si(1)).div(&two_s));
    D { v: s, d, d2 }
}
pub(super) fn pow<S: Scalar>(a: &D<S>, k: u32, ctx: &S::Ctx) -> D<S> {
    if k == 0 {
        let order = u8::from(a.d.is_some()) + u8::from(a.d2.is_some());
        return D::constant(S::one(ctx), order, ctx);
    }
    // a^k by repeated products (the jet rules of `mul`).
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
    let order = u.first().map_or(0, |x| u8::from(x.d.is_some()) + u8::from(x.d2.is_some()));
    let mut acc = D::constant(S::zero(ctx), order, ctx);
    for (x, y) in u.iter().zip(v) {
        acc = add(&acc, &mul(x, y));
    }
    acc
}
/// `‖u‖² = Σ u_k²` (each square a `sqr`, never below 0), its derivative `2 Σ u_k u̇_k` and its
/// second derivative `2 Σ (u̇_k² + u_k ü_k)`.
pub(super) fn norm_sq<S: Scalar>(u: &[D<S>], ctx: &S::Ctx) -> D<S> {
    let order = u.first().map_or(0, |x| u8::from(x.d.is_some()) + u8::from(x.d2.is_some()));
    let mut acc = D::constant(S::zero(ctx), order, ctx);
    for x in u {
        acc.v = acc.v.add(&x.v.sqr());
        acc.d = zip(&acc.d, &x.d, |s, dx| s.add(&x.v.mul(dx).mul_2si(1)));
        acc.d2 = match (&acc.d2, &x.d, &x.d2) {
            (Some(s), Some(dx), Some(ddx)) => Some(s.add(&dx.sqr().add(&x.v.mul(ddx)).mul_2si(1))),
            _ => None,
        };
    }
    acc
}

pub(super) fn zip<S>(a: &Option<S>, b: &Option<S>, f: impl Fn(&S, &S) -> S) -> Option<S> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        _ => None,
    }
}
