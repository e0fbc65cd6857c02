//! Vectors, indices (literal or bound by `forall`, checked against `m` and `n`), set members and
//! sets.

use super::super::ast::{Domain, Node, NodeKind};
use super::super::typed::{EventInt, Ix, Member, Set, Vector};
use super::{NAMES, R, Resolver};

impl Resolver<'_> {
    pub(super) fn vector(&mut self, n: &Node) -> R<Vector> {
        if self.events {
            return Err(self.err(n.span, "state quantities are not available at events (use kind, point, neuron, t)"));
        }
        match &n.kind {
            NodeKind::Name(v) if v == "w" || v == "w0" => {
                if self.model.m != 1 {
                    return Err(self.err(n.span, format!("there are {} neurons: write {v}[j]", self.model.m)));
                }
                Ok(if v == "w" { Vector::W(Ix::Lit(0)) } else { Vector::W0(Ix::Lit(0)) })
            }
            NodeKind::Index(v, ix) if v == "w" || v == "w0" => {
                let j = self.index(ix, Domain::Neurons)?;
                Ok(if v == "w" { Vector::W(j) } else { Vector::W0(j) })
            }
            NodeKind::Index(v, ix) if v == "x" => Ok(Vector::X(self.index(ix, Domain::Points)?)),
            NodeKind::Vector(items) => {
                let mut out = Vec::new();
                for it in items {
                    match &it.kind {
                        NodeKind::Num(q) => out.push(q.clone()),
                        NodeKind::Neg(inner) if matches!(&inner.kind, NodeKind::Num(_)) => {
                            let NodeKind::Num(q) = &inner.kind else { unreachable!() };
                            out.push(-q.clone());
                        }
                        _ => return Err(self.err(it.span, "a constant vector holds numbers only")),
                    }
                }
                if out.len() != self.model.d {
                    return Err(self.err(n.span, format!("the data have dimension d = {}", self.model.d)));
                }
                Ok(Vector::Const(out))
            }
            NodeKind::Name(v) | NodeKind::Index(v, _) if !NAMES.contains(&v.as_str()) => Err(self.unknown(v, n.span)),
            _ => Err(self.err(n.span, "expected a vector: w, w[j], w0[j], x[i] or [c1, …, cd]")),
        }
    }

    pub(super) fn index(&mut self, n: &Node, dom: Domain) -> R<Ix> {
        let (size, what) = match dom {
            Domain::Neurons => (self.model.m, "neurons"),
            Domain::Points => (self.model.n, "data points"),
        };
        match &n.kind {
            NodeKind::Num(q) => match q.numer().to_usize() {
                Some(k) if q.is_integer() && k < size => Ok(Ix::Lit(k)),
                _ => Err(self.err(
                    n.span,
                    format!("index out of range: the model has {size} {what} (0 to {})", size.saturating_sub(1)),
                )),
            },
            NodeKind::Name(v) => {
                let Some(slot) = self.vars.iter().rposition(|(w, _)| w == v) else {
                    let why = format!("`{v}` is not bound: write `forall {v}: …` (over {what}) or a number");
                    return Err(self.err(n.span, why));
                };
                match self.vars[slot].1 {
                    Some(d) if d != dom => {
                        Err(self.err(n.span, format!("`{v}` ranges over {} here but indexes {what}", name_of(d))))
                    }
                    _ => {
                        self.vars[slot].1 = Some(dom);
                        Ok(Ix::Var(slot))
                    }
                }
            }
            _ => Err(self.err(n.span, "an index is a number or a variable bound by `forall`")),
        }
    }

    pub(super) fn member(&mut self, n: &Node) -> R<Member> {
        match &n.kind {
            NodeKind::Name(v) if v == "point" && self.events => Ok(Member::Event(EventInt::Point)),
            NodeKind::Name(v) if v == "neuron" && self.events => Ok(Member::Event(EventInt::Neuron)),
            _ => Ok(Member::Ix(self.index(n, Domain::Points)?)),
        }
    }

    pub(super) fn set(&mut self, n: &Node) -> R<Set> {
        match &n.kind {
            NodeKind::Name(s) if s == "deactivated_before" || s == "activated_before" => {
                if !self.events {
                    return Err(self.err(n.span, format!("`{s}` is a set of events: use it under `at every event:`")));
                }
                Ok(if s == "deactivated_before" { Set::DeactivatedBefore } else { Set::ActivatedBefore })
            }
            NodeKind::Call(f, args) if f == "active" => match args.as_slice() {
                [j] if !self.events => Ok(Set::Active(self.index(j, Domain::Neurons)?)),
                [_] => Err(self.err(n.span, "state quantities are not available at events")),
                _ => Err(self.err(n.span, "`active` takes one neuron index")),
            },
            NodeKind::Name(s) | NodeKind::Call(s, _) if !NAMES.contains(&s.as_str()) => Err(self.unknown(s, n.span)),
            _ => Err(self.err(n.span, "expected a set: active(j), deactivated_before or activated_before")),
        }
    }
}

fn name_of(d: Domain) -> &'static str {
    match d {
        Domain::Neurons => "neurons",
        Domain::Points => "data points",
    }
}
