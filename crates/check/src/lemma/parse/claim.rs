//! Claims: `implies`, `or`, `and`, `not`, `forall` over indices, comparisons, `is …`, `in`.

use super::super::ast::{BinOp, Domain, Node, NodeKind};
use super::super::error::LemmaError;
use super::super::lex::Tok;
use super::{Parser, bin};

impl Parser<'_> {
    pub(super) fn formula(&mut self) -> Result<Node, LemmaError> {
        self.enter()?;
        let r = self.implies();
        self.depth -= 1;
        r
    }

    pub(super) fn implies(&mut self) -> Result<Node, LemmaError> {
        let lhs = self.or()?;
        if self.is_word("implies") || self.is_sym("implies") {
            self.bump();
            let rhs = self.formula()?;
            return Ok(bin(BinOp::Implies, lhs, rhs));
        }
        Ok(lhs)
    }

    pub(super) fn or(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.and()?;
        while self.is_word("or") {
            self.bump();
            let rhs = self.and()?;
            lhs = bin(BinOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    pub(super) fn and(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.not()?;
        while self.is_word("and") {
            self.bump();
            let rhs = self.not()?;
            lhs = bin(BinOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    pub(super) fn not(&mut self) -> Result<Node, LemmaError> {
        if self.is_word("not") {
            let start = self.bump().1;
            self.enter()?;
            let inner = self.not();
            self.depth -= 1;
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(Node { kind: NodeKind::Not(Box::new(inner)), span });
        }
        if self.is_word("forall") {
            return self.forall();
        }
        self.comparison()
    }

    /// `forall v [in neurons|points]: formula` (the body extends as far right as possible).
    pub(super) fn forall(&mut self) -> Result<Node, LemmaError> {
        let start = self.bump().1;
        let var = match self.peek().clone() {
            Tok::Ident(v) if v != "t" => v,
            Tok::Ident(_) => return Err(self.expected("an index variable (a time quantifier must come first)")),
            _ => return Err(self.expected("an index variable such as `j` or `i`")),
        };
        self.bump();
        let mut domain = None;
        if self.is_word("in") {
            self.bump();
            domain = Some(if self.is_word("neurons") {
                Domain::Neurons
            } else if self.is_word("points") {
                Domain::Points
            } else {
                return Err(self.expected("`neurons` or `points`"));
            });
            self.bump();
        }
        self.expect_sym(":")?;
        let body = self.formula()?;
        let span = start.to(body.span);
        Ok(Node { kind: NodeKind::Forall(var, domain, Box::new(body)), span })
    }

    pub(super) fn comparison(&mut self) -> Result<Node, LemmaError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Sym("<") => Some(BinOp::Lt),
            Tok::Sym("<=") => Some(BinOp::Le),
            Tok::Sym(">") => Some(BinOp::Gt),
            Tok::Sym(">=") => Some(BinOp::Ge),
            Tok::Sym("==") => Some(BinOp::Eq),
            Tok::Sym("!=") => Some(BinOp::Ne),
            _ => None,
        };
        if let Some(op) = op {
            self.bump();
            let rhs = self.sum()?;
            return Ok(bin(op, lhs, rhs));
        }
        if self.is_word("is") {
            self.bump();
            let up = if self.is_word("nonincreasing") {
                false
            } else if self.is_word("nondecreasing") {
                true
            } else {
                return Err(self.expected("`nonincreasing` or `nondecreasing`"));
            };
            let end = self.bump().1;
            let span = lhs.span.to(end);
            return Ok(Node { kind: NodeKind::Monotone(Box::new(lhs), up), span });
        }
        let negated = self.is_word("not") && self.word_at(1, "in");
        if negated || self.is_word("in") {
            self.bump();
            if negated {
                self.bump();
            }
            let set = self.sum()?;
            let span = lhs.span.to(set.span);
            return Ok(Node { kind: NodeKind::In(Box::new(lhs), Box::new(set), negated), span });
        }
        Ok(lhs)
    }
}
