//! A precedence-climbing parser from tokens to the [`Ast`]. Precedence, loosest first:
//! `implies` (right), `or`, `and`, `not`, comparisons / `is …` / `in`, `+ -`, `* / ·`, unary `-`,
//! `^` (right), then `d/dt`, indexing and calls.

use super::ast::{Ast, BinOp, Node, NodeKind, Scope};
use super::error::{ErrorKind, LemmaError, Span};
use super::lex::{Tok, lex};
use reluflow_arith::exact::parse_exact;
use rug::Rational;

mod claim;
mod term;

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
        if self.is_word("after") {
            self.bump();
            if self.is_word("the") {
                self.bump();
            }
            self.expect_word("last")?;
            self.expect_word("event")?;
            self.expect_sym(":")?;
            return Ok(Scope::AfterLastEvent);
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
}

fn is_keyword(w: &str) -> bool {
    matches!(w, "and" | "or" | "not" | "implies" | "forall" | "is" | "in" | "true" | "false" | "eventually")
}

fn bin(op: BinOp, lhs: Node, rhs: Node) -> Node {
    let span = lhs.span.to(rhs.span);
    Node { kind: NodeKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
}
