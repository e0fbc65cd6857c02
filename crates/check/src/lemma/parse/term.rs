//! Terms: sums, products, unary minus, powers, `d/dt`, brackets, names, indexing and calls.

use super::super::ast::{BinOp, Node, NodeKind};
use super::super::error::{LemmaError, Span};
use super::super::lex::Tok;
use super::{Parser, bin, is_keyword};

impl Parser<'_> {
    pub(super) fn sum(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => BinOp::Add,
                Tok::Sym("-") => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.product()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    pub(super) fn product(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("*") => BinOp::Mul,
                Tok::Sym("/") => BinOp::Div,
                Tok::Sym("·") => BinOp::Dot,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.unary()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    pub(super) fn unary(&mut self) -> Result<Node, LemmaError> {
        if self.is_sym("-") {
            let start = self.bump().1;
            self.enter()?;
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(Node { kind: NodeKind::Neg(Box::new(inner)), span });
        }
        self.power()
    }

    pub(super) fn power(&mut self) -> Result<Node, LemmaError> {
        let base = self.primary()?;
        if self.is_sym("^") {
            self.bump();
            self.enter()?;
            let exp = self.unary();
            self.depth -= 1;
            return Ok(bin(BinOp::Pow, base, exp?));
        }
        Ok(base)
    }

    pub(super) fn primary(&mut self) -> Result<Node, LemmaError> {
        self.enter()?;
        let r = self.primary_inner();
        self.depth -= 1;
        r
    }

    pub(super) fn primary_inner(&mut self) -> Result<Node, LemmaError> {
        let (tok, span) = (self.peek().clone(), self.span());
        match tok {
            Tok::Num(_) => {
                let q = self.number()?;
                Ok(Node { kind: NodeKind::Num(q), span })
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Node { kind: NodeKind::Str(s), span })
            }
            Tok::Ddt | Tok::D2dt2 => {
                self.bump();
                let inner = self.unary()?;
                let span = span.to(inner.span);
                let once = Node { kind: NodeKind::Ddt(Box::new(inner)), span };
                if tok == Tok::Ddt {
                    return Ok(once);
                }
                Ok(Node { kind: NodeKind::Ddt(Box::new(once)), span })
            }
            Tok::Sym("(") => {
                self.bump();
                let inner = self.formula()?;
                let end = self.expect_sym(")")?;
                Ok(Node { kind: inner.kind, span: span.to(end) })
            }
            Tok::Sym("|") => {
                self.bump();
                let inner = self.sum()?;
                let end = self.expect_sym("|")?;
                Ok(Node { kind: NodeKind::Size(Box::new(inner)), span: span.to(end) })
            }
            Tok::Sym("[") => {
                self.bump();
                let items = self.list("]")?;
                let end = self.expect_sym("]")?;
                Ok(Node { kind: NodeKind::Vector(items), span: span.to(end) })
            }
            Tok::Ident(name) if is_keyword(&name) => match name.as_str() {
                "true" | "false" => {
                    self.bump();
                    Ok(Node { kind: NodeKind::Bool(name == "true"), span })
                }
                _ => Err(self.expected("an expression")),
            },
            Tok::Ident(name) => {
                self.bump();
                self.after_name(name, span)
            }
            _ => Err(self.expected("an expression")),
        }
    }

    /// `name`, `name[index]` or `name(args)`.
    pub(super) fn after_name(&mut self, name: String, span: Span) -> Result<Node, LemmaError> {
        if self.is_sym("[") {
            self.bump();
            let index = self.sum()?;
            let end = self.expect_sym("]")?;
            return Ok(Node { kind: NodeKind::Index(name, Box::new(index)), span: span.to(end) });
        }
        if self.is_sym("(") {
            self.bump();
            let args = self.list(")")?;
            let end = self.expect_sym(")")?;
            return Ok(Node { kind: NodeKind::Call(name, args), span: span.to(end) });
        }
        Ok(Node { kind: NodeKind::Name(name), span })
    }

    /// Comma-separated expressions up to (not including) `close`.
    pub(super) fn list(&mut self, close: &str) -> Result<Vec<Node>, LemmaError> {
        let mut items = Vec::new();
        if self.is_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(self.sum()?);
            if !self.is_sym(",") {
                return Ok(items);
            }
            self.bump();
        }
    }
}
