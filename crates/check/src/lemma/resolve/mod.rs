//! Name resolution: binds the names of a parsed lemma to the quantities of one model (single
//! neuron: `w`, `x[i]`, `y[i]`; two-layer: `a[j]`, `w[j]`, …), checks every index against `m` and
//! `n`, infers what each `forall` variable ranges over, and refuses what the model lacks.

use super::ast::{Ast, BinOp, Domain, Node, NodeKind, Scope};
use super::error::{ErrorKind, LemmaError, Span};
use super::typed::{Formula, Num, Resolved, Spans, Vector};
use reluflow_model::{ModelKind, Problem};
use rug::Rational;

mod quantity;
mod sets;

/// Every name of the language, for suggestions.
pub const NAMES: &[&str] = &[
    "t",
    "loss",
    "w",
    "w0",
    "a",
    "a0",
    "x",
    "y",
    "r",
    "norm",
    "dot",
    "angle",
    "cosangle",
    "balance",
    "active",
    "count_active",
    "kind",
    "point",
    "neuron",
    "deactivated_before",
    "activated_before",
];

/// The model's sizes.
struct Model {
    two_layer: bool,
    m: usize,
    n: usize,
    d: usize,
}

struct Resolver<'a> {
    text: &'a str,
    model: Model,
    events: bool,
    limit: bool,
    /// Bound variables: name and the domain inferred so far.
    vars: Vec<(String, Option<Domain>)>,
}

type R<T> = Result<T, LemmaError>;

/// Resolves `ast` (parsed from `text`) against `problem`.
///
/// # Errors
/// An unknown name (with the nearest valid ones), a quantity the model lacks, an index out of
/// range, or a type error, each at its place in `text`.
pub fn resolve(text: &str, ast: &Ast, problem: &Problem) -> R<Resolved> {
    let model = Model {
        two_layer: problem.model() == ModelKind::TwoLayer,
        m: problem.init().width(),
        n: problem.data().n(),
        d: problem.data().d(),
    };
    let events = ast.scope == Scope::Events;
    let limit = ast.scope == Scope::Limit;
    let mut r = Resolver { text, model, events, limit, vars: Vec::new() };
    let body = r.formula(&ast.body)?;
    let derivative = body.any_num(&Num::has_ddt);
    let second = body.any_num(&|n| n.ddt_order() >= 2);
    let uses_t = body.any_num(&Num::has_t);
    if derivative && events {
        return Err(r.err(ast.body.span, "d/dt is not defined at an event (the field switches there)"));
    }
    Ok(Resolved { scope: ast.scope.clone(), body, derivative, second, uses_t })
}

/// What `kind` compares with (the names of `reluflow_flow::EventKind`).
const EVENT_KINDS: &str =
    "event kinds are \"activate\", \"deactivate\", \"death\", \"slide\" and \"slide-end\" (the last two: Clarke flow)";

impl Resolver<'_> {
    fn err(&self, span: Span, why: impl Into<String>) -> LemmaError {
        LemmaError::new(self.text, span, ErrorKind::Model { why: why.into() })
    }

    fn formula(&mut self, n: &Node) -> R<Formula> {
        match &n.kind {
            NodeKind::Bool(b) => Ok(Formula::Bool(*b)),
            NodeKind::Not(f) => Ok(Formula::Not(Box::new(self.formula(f)?), n.span)),
            NodeKind::Binary(op @ (BinOp::And | BinOp::Or | BinOp::Implies), a, b) => {
                Ok(Formula::Logic(*op, Box::new(self.formula(a)?), Box::new(self.formula(b)?)))
            }
            NodeKind::Binary(op, a, b) if op.is_cmp() => self.comparison(*op, a, b, n.span),
            NodeKind::Monotone(e, up) => {
                // X nondecreasing ⇔ d/dt X ≥ 0; angle(u, v) nonincreasing ⇔ d/dt cos ∠ ≥ 0.
                let (x, flip) = match self.angle(e)? {
                    Some(c) => (c, true),
                    None => (self.num(e)?, false),
                };
                let op = if *up != flip { BinOp::Ge } else { BinOp::Le };
                let dx = self.ddt(x, e.span)?;
                let quoted = self.text.get(e.span.start..e.span.end).unwrap_or("?");
                let name = if flip { format!("d/dt cos {quoted}") } else { format!("d/dt {quoted}") };
                let spans = Spans { clause: n.span, lhs: e.span };
                Ok(Formula::Named(name, Box::new(Formula::Cmp(op, dx, Num::Const(Rational::new()), spans))))
            }
            NodeKind::In(e, set, negated) => {
                let member = self.member(e)?;
                let set = self.set(set)?;
                Ok(Formula::In(member, set, *negated, n.span))
            }
            NodeKind::Forall(v, domain, body) => {
                if self.vars.iter().any(|(w, _)| w == v) || NAMES.contains(&v.as_str()) {
                    return Err(self.err(n.span, format!("`{v}` is already a name here; choose another variable")));
                }
                self.vars.push((v.clone(), *domain));
                let slot = self.vars.len() - 1;
                let body = self.formula(body);
                let (_, dom) = self.vars.pop().unwrap_or_default();
                let body = body?;
                let Some(dom) = dom else {
                    let why = format!("`{v}` is never used as an index: write `forall {v} in neurons` or `in points`");
                    return Err(self.err(n.span, why));
                };
                Ok(Formula::Forall(slot, dom, v.clone(), Box::new(body)))
            }
            _ => Err(LemmaError::new(
                self.text,
                n.span,
                ErrorKind::Syntax { expected: "a claim (a comparison, `… is nonincreasing`, `… in …`)".into() },
            )),
        }
    }

    fn comparison(&mut self, op: BinOp, a: &Node, b: &Node, span: Span) -> R<Formula> {
        if let NodeKind::Name(k) = &a.kind
            && k == "kind"
        {
            return self.kind_cmp(op, a, b, span);
        }
        let spans = Spans { clause: span, lhs: a.span };
        // Angles compare through their cosines (acos is decreasing): flip the comparison.
        let flip = |op: BinOp| match op {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            o => o,
        };
        match (self.angle(a)?, self.angle(b)?) {
            (Some(x), Some(y)) => return Ok(Formula::Cmp(flip(op), x, y, spans)),
            (Some(_), None) | (None, Some(_)) => {
                let why = "an angle compares only with another angle (or use `angle(u, v) is nonincreasing`, \
                           `d/dt angle(u, v) <= 0`, or `cosangle(u, v)` for arithmetic)";
                return Err(self.err(span, why));
            }
            (None, None) => {}
        }
        if let (NodeKind::Ddt(inner), true) = (&a.kind, is_zero(b))
            && let Some(c) = self.angle(inner)?
        {
            let dc = self.ddt(c, a.span)?;
            return Ok(Formula::Cmp(flip(op), dc, Num::Const(Rational::new()), spans));
        }
        Ok(Formula::Cmp(op, self.num(a)?, self.num(b)?, spans))
    }

    fn kind_cmp(&mut self, op: BinOp, a: &Node, b: &Node, span: Span) -> R<Formula> {
        if !self.events {
            return Err(self.err(a.span, "`kind` is a quantity of events: use it under `at every event:`"));
        }
        let NodeKind::Str(s) = &b.kind else {
            return Err(self.err(b.span, EVENT_KINDS));
        };
        if !matches!(s.as_str(), "activate" | "deactivate" | "death" | "slide" | "slide-end") {
            return Err(self.err(b.span, EVENT_KINDS));
        }
        match op {
            BinOp::Eq => Ok(Formula::Kind(s.clone(), false, span)),
            BinOp::Ne => Ok(Formula::Kind(s.clone(), true, span)),
            _ => Err(self.err(span, "`kind` compares only with == or !=")),
        }
    }

    /// `Some(cos ∠(u, v))` when `n` is `angle(u, v)`.
    fn angle(&mut self, n: &Node) -> R<Option<Num>> {
        match &n.kind {
            NodeKind::Call(f, args) if f == "angle" => {
                let [u, v] = self.two_vectors(f, args, n.span)?;
                Ok(Some(Num::Cos(u, v)))
            }
            _ => Ok(None),
        }
    }

    fn ddt(&self, x: Num, span: Span) -> R<Num> {
        if x.ddt_order() >= 2 {
            return Err(self.err(span, "derivatives beyond the second are not supported"));
        }
        if self.events {
            return Err(self.err(span, "d/dt is not defined at an event (the field switches there)"));
        }
        Ok(Num::Ddt(Box::new(x)))
    }

    fn two_vectors(&mut self, f: &str, args: &[Node], span: Span) -> R<[Vector; 2]> {
        match args {
            [u, v] => Ok([self.vector(u)?, self.vector(v)?]),
            _ => Err(self.err(span, format!("`{f}` takes two vectors, e.g. {f}(w[0], x[1])"))),
        }
    }
}

fn is_zero(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Num(q) if *q == 0)
}
