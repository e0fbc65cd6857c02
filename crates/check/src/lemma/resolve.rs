//! Name resolution: binds the names of a parsed lemma to the quantities of one model (single
//! neuron: `w`, `x[i]`, `y[i]`; two-layer: `a[j]`, `w[j]`, …), checks every index against `m` and
//! `n`, infers what each `forall` variable ranges over, and refuses what the model lacks.

use super::ast::{Ast, BinOp, Domain, Node, NodeKind, Scope};
use super::error::{ErrorKind, LemmaError, Span, nearest};
use super::typed::{EventInt, Formula, Ix, Member, Num, Resolved, Set, Spans, Vector};
use reluflow_model::{ModelKind, Problem};
use rug::Rational;

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
    in_ddt: bool,
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
    let mut r = Resolver { text, model, events, limit, vars: Vec::new(), in_ddt: false };
    let body = r.formula(&ast.body)?;
    let derivative = body.any_num(&Num::has_ddt);
    let uses_t = body.any_num(&Num::has_t);
    if derivative && events {
        return Err(r.err(ast.body.span, "d/dt is not defined at an event (the field switches there)"));
    }
    Ok(Resolved { scope: ast.scope.clone(), body, derivative, uses_t })
}

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
            return Err(self.err(b.span, "`kind` compares with \"activate\", \"deactivate\" or \"death\""));
        };
        if !matches!(s.as_str(), "activate" | "deactivate" | "death") {
            return Err(self.err(b.span, "event kinds are \"activate\", \"deactivate\" and \"death\""));
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
        if x.has_ddt() {
            return Err(self.err(span, "d/dt of a derivative is not supported"));
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

    fn num(&mut self, n: &Node) -> R<Num> {
        match &n.kind {
            NodeKind::Num(q) => Ok(Num::Const(q.clone())),
            NodeKind::Neg(e) => Ok(Num::Neg(Box::new(self.num(e)?))),
            NodeKind::Ddt(e) => {
                if self.in_ddt {
                    return Err(self.err(n.span, "d/dt of a derivative is not supported"));
                }
                self.in_ddt = true;
                let x = self.num(e);
                self.in_ddt = false;
                self.ddt(x?, n.span)
            }
            NodeKind::Binary(BinOp::Pow, b, e) => self.power(b, e, n.span),
            NodeKind::Binary(BinOp::Dot, u, v) => Ok(Num::Dot(self.vector(u)?, self.vector(v)?)),
            NodeKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                Ok(Num::Bin(*op, Box::new(self.num(a)?), Box::new(self.num(b)?)))
            }
            NodeKind::Size(s) => match self.set(s)? {
                Set::Active(j) => Ok(Num::Count(j)),
                _ => Err(self.err(n.span, "only |active(j)| is a number here")),
            },
            NodeKind::Name(name) => self.name(name, n.span),
            NodeKind::Index(name, ix) => self.indexed(name, ix, n.span),
            NodeKind::Call(f, args) => self.call(f, args, n.span),
            NodeKind::Vector(_) => Err(self.err(n.span, "a vector is not a number: use norm(…) or a dot product")),
            NodeKind::Str(_) => Err(self.err(n.span, "a string compares only with `kind` (at every event)")),
            _ => Err(self.err(n.span, "a claim is not a number (put it in parentheses on its own)")),
        }
    }

    fn power(&mut self, b: &Node, e: &Node, span: Span) -> R<Num> {
        let k = match &e.kind {
            NodeKind::Num(q) if q.is_integer() && *q >= 0 && *q <= 64 => q.numer().to_u32().unwrap_or(0),
            _ => return Err(self.err(e.span, "an exponent must be an integer from 0 to 64")),
        };
        // norm(v)^(2k) = (‖v‖²)^k: no square root, so no trouble at v = 0.
        if let NodeKind::Call(f, args) = &b.kind
            && f == "norm"
            && k.is_multiple_of(2)
            && let [v] = args.as_slice()
        {
            let sq = Num::NormSq(self.vector(v)?);
            return Ok(if k == 2 { sq } else { Num::Pow(Box::new(sq), k / 2) });
        }
        if self.angle(b)?.is_some() {
            return Err(self.err(span, "use cosangle(u, v) for arithmetic on angles"));
        }
        Ok(Num::Pow(Box::new(self.num(b)?), k))
    }

    fn name(&mut self, name: &str, span: Span) -> R<Num> {
        let state = |r: &Self, q: Num| -> R<Num> {
            if r.events {
                return Err(r.err(span, "state quantities are not available at events (use kind, point, neuron, t)"));
            }
            Ok(q)
        };
        match name {
            "t" if self.limit => Err(self.err(span, "`t` is infinite at the limit")),
            "t" if self.events => Ok(Num::EventT),
            "t" => Ok(Num::T),
            "loss" => state(self, Num::Loss),
            "point" | "neuron" if !self.events => {
                Err(self.err(span, format!("`{name}` is a quantity of events: use it under `at every event:`")))
            }
            "point" => Ok(Num::EventInt(EventInt::Point)),
            "neuron" => Ok(Num::EventInt(EventInt::Neuron)),
            "w" | "w0" | "x" => Err(self.err(span, "a vector is not a number: use norm(…) or a dot product")),
            "a" | "a0" | "y" | "r" => {
                Err(self.err(span, format!("`{name}` needs an index: {name}[j] (neuron) or {name}[i] (point)")))
            }
            _ if self.vars.iter().any(|(v, _)| v == name) => {
                Err(self.err(span, format!("`{name}` is an index; use it inside brackets such as w[{name}]")))
            }
            _ => Err(self.unknown(name, span)),
        }
    }

    fn unknown(&self, name: &str, span: Span) -> LemmaError {
        let mut known: Vec<&str> = NAMES.to_vec();
        known.extend(self.vars.iter().map(|(v, _)| v.as_str()));
        LemmaError::new(self.text, span, ErrorKind::Unknown { nearest: nearest(name, &known) })
    }

    fn indexed(&mut self, name: &str, ix: &Node, span: Span) -> R<Num> {
        if self.events && name != "a0" && name != "y" {
            return Err(self.err(span, "state quantities are not available at events (use kind, point, neuron, t)"));
        }
        match name {
            "a" | "a0" => {
                self.need_two_layer(name, span)?;
                let j = self.index(ix, Domain::Neurons)?;
                Ok(if name == "a" { Num::A(j) } else { Num::A0(j) })
            }
            "y" => Ok(Num::Label(self.index(ix, Domain::Points)?)),
            "r" => Ok(Num::Resid(self.index(ix, Domain::Points)?)),
            "w" | "w0" | "x" => Err(self.err(span, "a vector is not a number: use norm(…) or a dot product")),
            _ => Err(self.unknown(name, span)),
        }
    }

    fn need_two_layer(&self, name: &str, span: Span) -> R<()> {
        if self.model.two_layer {
            Ok(())
        } else {
            Err(self.err(
                span,
                format!("the single-neuron model has no output weights ({name}[j] needs model = \"two-layer\")"),
            ))
        }
    }

    fn call(&mut self, f: &str, args: &[Node], span: Span) -> R<Num> {
        let one = |r: &mut Self| -> R<&Node> {
            match args {
                [a] => Ok(a),
                _ => Err(r.err(span, format!("`{f}` takes one argument"))),
            }
        };
        match f {
            "norm" => {
                let v = one(self)?;
                Ok(Num::Norm(self.vector(v)?))
            }
            "dot" => {
                let [u, v] = self.two_vectors(f, args, span)?;
                Ok(Num::Dot(u, v))
            }
            "cosangle" => {
                let [u, v] = self.two_vectors(f, args, span)?;
                Ok(Num::Cos(u, v))
            }
            "angle" => Err(self.err(span, "an angle compares only with another angle, or use `… is nonincreasing`")),
            "balance" | "count_active" => {
                let a = one(self)?;
                let j = self.index(a, Domain::Neurons)?;
                if f == "balance" {
                    self.need_two_layer("balance", span)?;
                    Ok(Num::Balance(j))
                } else {
                    Ok(Num::Count(j))
                }
            }
            _ => Err(self.unknown(f, span)),
        }
    }

    fn vector(&mut self, n: &Node) -> R<Vector> {
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

    fn index(&mut self, n: &Node, dom: Domain) -> R<Ix> {
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

    fn member(&mut self, n: &Node) -> R<Member> {
        match &n.kind {
            NodeKind::Name(v) if v == "point" && self.events => Ok(Member::Event(EventInt::Point)),
            NodeKind::Name(v) if v == "neuron" && self.events => Ok(Member::Event(EventInt::Neuron)),
            _ => Ok(Member::Ix(self.index(n, Domain::Points)?)),
        }
    }

    fn set(&mut self, n: &Node) -> R<Set> {
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

fn is_zero(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Num(q) if *q == 0)
}

fn name_of(d: Domain) -> &'static str {
    match d {
        Domain::Neurons => "neurons",
        Domain::Points => "data points",
    }
}
