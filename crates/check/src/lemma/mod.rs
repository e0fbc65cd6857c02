//! Your own lemmas: a small language for claims about a certified trajectory, checked with the
//! same three-valued verdicts as the catalogue's invariants (grammar: `docs/lemmas.md`).
//!
//! ```text
//! forall t: d/dt norm(w)^2 >= 0
//! forall t >= 1: angle(w[0], w[2]) is nonincreasing
//! at every event: kind != "activate" or point not in deactivated_before
//! forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2
//! ```
//!
//! [`Lemma::parse`] reads the text (errors carry line, column, the offending text, what was
//! expected and the nearest valid names); [`Lemma::resolve`] binds it to a model (a quantity the
//! model lacks, or an index past `m` or `n`, is an error); The module does no I/O.

mod ast;
mod error;
mod lex;
mod parse;
mod resolve;
mod typed;

pub use ast::{Ast, Scope};
pub use error::{ErrorKind, LemmaError, Span};
pub use resolve::NAMES;
pub use typed::Resolved;

use reluflow_model::Problem;

/// A parsed lemma (not yet bound to a model).
#[derive(Clone, Debug, PartialEq)]
pub struct Lemma {
    text: String,
    ast: Ast,
}

impl Lemma {
    /// Parses `text`.
    ///
    /// # Errors
    /// A [`LemmaError`] at the first place the text leaves the grammar.
    pub fn parse(text: &str) -> Result<Lemma, LemmaError> {
        Ok(Lemma { text: text.to_string(), ast: parse::parse(text)? })
    }

    /// The text as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The time scope.
    pub fn scope(&self) -> &Scope {
        &self.ast.scope
    }

    /// Binds the lemma to `problem`'s model.
    ///
    /// # Errors
    /// An unknown name (with the nearest valid ones), a quantity the model lacks, an index out of
    /// range or a misplaced quantity, at its place in the text.
    pub fn resolve(&self, problem: &Problem) -> Result<Resolved, LemmaError> {
        resolve::resolve(&self.text, &self.ast, problem)
    }
}
