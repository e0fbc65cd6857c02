//! Numbers: constants, arithmetic, `d/dt`, powers, the model's named, indexed and called
//! quantities.

use super::super::ast::{BinOp, Domain, Node, NodeKind};
use super::super::error::{ErrorKind, LemmaError, Span, nearest};
use super::super::typed::{EventInt, Num, Set};
use super::{NAMES, R, Resolver};

impl Resolver<'_> {
    pub(super) fn num(&mut self, n: &Node) -> R<Num> {
        match &n.kind {
            NodeKind::Num(q) => Ok(Num::Const(q.clone())),
            NodeKind::Neg(e) => Ok(Num::Neg(Box::new(self.num(e)?))),
            NodeKind::Ddt(e) => {
                let x = self.num(e)?;
                self.ddt(x, n.span)
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

    pub(super) fn power(&mut self, b: &Node, e: &Node, span: Span) -> R<Num> {
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

    pub(super) fn name(&mut self, name: &str, span: Span) -> R<Num> {
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

    pub(super) fn unknown(&self, name: &str, span: Span) -> LemmaError {
        let mut known: Vec<&str> = NAMES.to_vec();
        known.extend(self.vars.iter().map(|(v, _)| v.as_str()));
        LemmaError::new(self.text, span, ErrorKind::Unknown { nearest: nearest(name, &known) })
    }

    pub(super) fn indexed(&mut self, name: &str, ix: &Node, span: Span) -> R<Num> {
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

    pub(super) fn need_two_layer(&self, name: &str, span: Span) -> R<()> {
        if self.model.two_layer {
            Ok(())
        } else {
            Err(self.err(
                span,
                format!("the single-neuron model has no output weights ({name}[j] needs model = \"two-layer\")"),
            ))
        }
    }

    pub(super) fn call(&mut self, f: &str, args: &[Node], span: Span) -> R<Num> {
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
}
