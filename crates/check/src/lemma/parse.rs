//! A precedence-climbing parser from tokens to the [`Ast`]. Precedence, loosest first:
//! `implies` (right), `or`, `and`, `not`, comparisons / `is …` / `in`, `+ -`, `* / ·`, unary `-`,
//! `^` (right), then `d/dt`, indexing and calls.

use super::ast::{Ast, BinOp, Domain, Node, NodeKind, Scope};
use super::error::{ErrorKind, LemmaError, Span};
use super::lex::{Tok, lex};
use reluflow_arith::exact::parse_exact;
use rug::Rational;

/// Most nesting of brackets and operators (deeper input is refused, never a stack overflow).
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

/// Parses a lemma.
///
/// # Errors
/// A [`LemmaError`] with the line, column, offending text and what was expected.
pub fn parse(text: &str) -> Result<Ast, LemmaError> {
    let mut p = Parser { text, toks: lex(text)?, pos: 0, depth: 0 };
    let scope = p.scope()?;
    let body = p.formula()?;
    if p.peek() != &Tok::End {
        return Err(p.expected("an operator (`and`, `or`, `implies`, a comparison) or the end of the lemma"));
    }
    Ok(Ast { scope, body })
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn span(&self) -> Span {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }
    fn word_at(&self, k: usize, w: &str) -> bool {
        matches!(self.toks.get(self.pos + k), Some((Tok::Ident(s), _)) if s == w)
    }
    fn expected(&self, what: &str) -> LemmaError {
        LemmaError::new(self.text, self.span(), ErrorKind::Syntax { expected: what.into() })
    }
    fn expect_sym(&mut self, s: &str) -> Result<Span, LemmaError> {
        if self.is_sym(s) { Ok(self.bump().1) } else { Err(self.expected(&format!("`{s}`"))) }
    }
    fn expect_word(&mut self, w: &str) -> Result<(), LemmaError> {
        if self.is_word(w) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(&format!("`{w}`")))
        }
    }
    fn enter(&mut self) -> Result<(), LemmaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(self.expected(&format!("at most {MAX_DEPTH} levels of nesting")))
        } else {
            Ok(())
        }
    }

    fn number(&mut self) -> Result<Rational, LemmaError> {
        let neg = self.is_sym("-");
        if neg {
            self.bump();
        }
        match self.peek().clone() {
            Tok::Num(s) => {
                let q = parse_exact(&s).map_err(|_| self.expected("a decimal number"))?;
                self.bump();
                Ok(if neg { -q } else { q })
            }
            _ => Err(self.expected("a number")),
        }
    }

    /// A time bound: a number or a ratio of two (`1/2`), exactly.
    fn time(&mut self) -> Result<Rational, LemmaError> {
        let q = self.number()?;
        if !self.is_sym("/") {
            return Ok(q);
        }
        self.bump();
        let d = self.number()?;
        if d == 0 {
            return Err(self.expected("a non-zero denominator"));
        }
        Ok(q / d)
    }

    /// The optional time scope at the head of the lemma.
    fn scope(&mut self) -> Result<Scope, LemmaError> {
        if self.is_word("forall") && self.word_at(1, "t") {
            self.bump();
            self.bump();
            let scope = if self.is_word("in") {
                self.bump();
                self.expect_sym("[")?;
                let a = self.time()?;
                self.expect_sym(",")?;
                let b = self.time()?;
                self.expect_sym("]")?;
                if a > b {
                    return Err(self.expected("an interval [a, b] with a ≤ b"));
                }
                Scope::Between(a, b)
            } else if self.is_sym(">=") {
                self.bump();
                Scope::From(self.time()?)
            } else {
                Scope::Always
            };
            self.expect_sym(":")?;
            return Ok(scope);
        }
        if self.is_word("eventually") {
            self.bump();
            if self.is_sym(":") {
                self.bump();
            }
            return Ok(Scope::Eventually);
        }
        if self.is_word("at") {
            self.bump();
            let scope = if self.is_word("every") {
                self.bump();
                self.expect_word("event")?;
                Scope::Events
            } else if self.is_word("the") {
                self.bump();
                self.expect_word("limit")?;
                Scope::Limit
            } else {
                return Err(self.expected("`every event` or `the limit`"));
            };
            self.expect_sym(":")?;
            return Ok(scope);
        }
        Ok(Scope::Always)
    }

    fn formula(&mut self) -> Result<Node, LemmaError> {
        self.enter()?;
        let r = self.implies();
        self.depth -= 1;
        r
    }

    fn implies(&mut self) -> Result<Node, LemmaError> {
        let lhs = self.or()?;
        if self.is_word("implies") || self.is_sym("implies") {
            self.bump();
            let rhs = self.formula()?;
            return Ok(bin(BinOp::Implies, lhs, rhs));
        }
        Ok(lhs)
    }

    fn or(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.and()?;
        while self.is_word("or") {
            self.bump();
            let rhs = self.and()?;
            lhs = bin(BinOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Node, LemmaError> {
        let mut lhs = self.not()?;
        while self.is_word("and") {
            self.bump();
            let rhs = self.not()?;
            lhs = bin(BinOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Node, LemmaError> {
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
    fn forall(&mut self) -> Result<Node, LemmaError> {
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

    fn comparison(&mut self) -> Result<Node, LemmaError> {
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

    fn sum(&mut self) -> Result<Node, LemmaError> {
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

    fn product(&mut self) -> Result<Node, LemmaError> {
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

    fn unary(&mut self) -> Result<Node, LemmaError> {
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

    fn power(&mut self) -> Result<Node, LemmaError> {
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

    fn primary(&mut self) -> Result<Node, LemmaError> {
        self.enter()?;
        let r = self.primary_inner();
        self.depth -= 1;
        r
    }

    fn primary_inner(&mut self) -> Result<Node, LemmaError> {
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
            Tok::Ddt => {
                self.bump();
                let inner = self.unary()?;
                let span = span.to(inner.span);
                Ok(Node { kind: NodeKind::Ddt(Box::new(inner)), span })
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
    fn after_name(&mut self, name: String, span: Span) -> Result<Node, LemmaError> {
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
    fn list(&mut self, close: &str) -> Result<Vec<Node>, LemmaError> {
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

fn is_keyword(w: &str) -> bool {
    matches!(w, "and" | "or" | "not" | "implies" | "forall" | "is" | "in" | "true" | "false" | "eventually")
}

fn bin(op: BinOp, lhs: Node, rhs: Node) -> Node {
    let span = lhs.span.to(rhs.span);
    Node { kind: NodeKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
}
