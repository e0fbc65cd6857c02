//! Three-valued comparisons and connectives.

use super::super::ast::BinOp;
use super::{Fail, Tri};
use crate::verdict::show;
use reluflow_arith::Enclosure;

/// Three-valued comparison of two enclosures.
pub(super) fn compare<S: Enclosure>(op: BinOp, x: S, y: S, clause: String, quantity: String, explain: bool) -> Tri<S> {
    use crate::sweep::{certainly_le, certainly_less};
    let point_eq = x.lower() == x.upper() && y.lower() == y.upper() && x.lower() == y.lower();
    let disjoint = certainly_less(&x, &y) || certainly_less(&y, &x);
    let (t, f) = match op {
        BinOp::Lt => (certainly_less(&x, &y), certainly_le(&y, &x)),
        BinOp::Le => (certainly_le(&x, &y), certainly_less(&y, &x)),
        BinOp::Gt => (certainly_less(&y, &x), certainly_le(&x, &y)),
        BinOp::Ge => (certainly_le(&y, &x), certainly_less(&x, &y)),
        BinOp::Eq => (point_eq, disjoint),
        _ => (disjoint, point_eq),
    };
    let detail =
        if explain { format!("left side ∈ {}, right side ∈ {}", show(&x), show(&y)) } else { String::new() };
    if !x.is_finite() || !y.is_finite() || x.is_empty() || y.is_empty() {
        return Tri::Unknown(format!("`{clause}`: {detail} (no information)"));
    }
    if t {
        Tri::True
    } else if f {
        Tri::False(Fail { clause, quantity, detail, value: Some(x) })
    } else {
        Tri::Unknown(format!("`{clause}`: {detail} overlap"))
    }
}

pub(super) fn and<S>(a: Tri<S>, b: impl FnOnce() -> Tri<S>) -> Tri<S> {
    match a {
        f @ Tri::False(_) => f,
        Tri::True => b(),
        Tri::Unknown(why) => match b() {
            f @ Tri::False(_) => f,
            _ => Tri::Unknown(why),
        },
    }
}

pub(super) fn or<S>(a: Tri<S>, b: impl FnOnce() -> Tri<S>) -> Tri<S> {
    match a {
        Tri::True => Tri::True,
        Tri::False(fa) => match b() {
            // `implies` passes an anonymous failure for its satisfied premise: keep the other side.
            Tri::False(fb) if fa.clause.is_empty() => Tri::False(fb),
            Tri::False(fb) if fb.clause.is_empty() => Tri::False(fa),
            Tri::False(fb) => {
                let clause = format!("{} or {}", fa.clause, fb.clause);
                let detail = [fa.detail, fb.detail].into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>();
                Tri::False(Fail { quantity: clause.clone(), clause, detail: detail.join("; "), value: None })
            }
            other => other,
        },
        Tri::Unknown(why) => match b() {
            Tri::True => Tri::True,
            _ => Tri::Unknown(why),
        },
    }
}
