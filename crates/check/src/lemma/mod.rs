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
//! model lacks, or an index past `m` or `n`, is an error); [`check_lemmas`] evaluates lemmas on the
//! checker's prepared (tailed, refined) trajectory. Time derivatives come from the vector field on
//! the segment hulls in forward mode (value and derivative enclosures together), never from
//! differences of samples. The module does no I/O.
//!
//! ```
//! use reluflow_arith::{Interval, Scalar, exact::parse_exact};
//! use reluflow_check::RowStatus;
//! use reluflow_check::lemma::{Lemma, check_lemma};
//! use reluflow_flow::{Pattern, SegmentParts, State, Status, Trajectory, TrajectoryParts};
//! use reluflow_model::*;
//! let q = |s: &str| parse_exact(s).unwrap();
//! // One point x = 1 with label 0, w(0) = 1: w(t) = e^{−t} on [0, 1].
//! let data = Data::new(vec![vec![q("1")]], Labels::Given(vec![q("0")])).unwrap();
//! let run = RunConfig { t_end: Horizon::Finite(q("1")), arithmetic: Arithmetic::Interval, precision: 53 };
//! let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data,
//!     Init::Single { w: vec![q("1")] }, run).unwrap();
//! let iv = |lo: f64, hi: f64| Interval::try_from((lo, hi)).unwrap();
//! let e1 = Interval::from_f64(-1.0, &()).exp();
//! let st = |w: Interval| State { w: vec![vec![w]], a: None };
//! let seg = SegmentParts { t_start: iv(0.0, 0.0), t_end: iv(1.0, 1.0),
//!     pattern: Pattern { active: vec![vec![0]], frozen: vec![false], sliding: Vec::new() },
//!     hull: st(e1.convex_hull(iv(1.0, 1.0))), end: st(e1) };
//! let traj = Trajectory::from_parts(TrajectoryParts { initial: st(iv(1.0, 1.0)), segments: vec![seg],
//!     events: vec![], final_state: st(e1), t_final: iv(1.0, 1.0), limit: None, status: Status::Certified })
//!     .unwrap();
//!
//! let shrinks = Lemma::parse("forall t: d/dt norm(w)^2 <= 0 and loss <= 1/2").unwrap();
//! assert_eq!(check_lemma(&p, &traj, &shrinks).unwrap().status, RowStatus::Holds);
//! let grows = Lemma::parse("forall t: norm(w) is nondecreasing").unwrap();
//! let row = check_lemma(&p, &traj, &grows).unwrap();
//! assert_eq!(row.status, RowStatus::Counterexample); // with the segment and d/dt norm(w) < 0
//! let err = Lemma::parse("forall t: a[0] >= 0").unwrap().resolve(&p).unwrap_err();
//! assert!(err.to_string().contains("no output weights"));
//! ```

mod ast;
mod check;
mod error;
mod eval;
mod identity;
mod invariant;
mod lex;
mod parse;
mod resolve;
mod typed;

pub use ast::{Ast, Scope};
pub use error::{ErrorKind, LemmaError, Span};
pub use invariant::{Invariant, View, check_invariant};
pub use resolve::NAMES;
pub use typed::Resolved;

use crate::hyp::Params;
use crate::report::RowStatus;
use crate::verdict::Verdict;
use reluflow_arith::Enclosure;
use reluflow_flow::Trajectory;
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

/// One lemma's row of a report: the same statuses as a catalogue row.
#[derive(Clone, Debug)]
pub struct LemmaRow<S> {
    /// The name given (or the text).
    pub name: String,
    /// The lemma's text.
    pub text: String,
    /// The verdict.
    pub conclusion: Verdict<S>,
    /// Whether it rests on enclosures of a validated run (else "not validated").
    pub validated: bool,
    /// `Holds`, `Counterexample`, `Undecided`, `NotValidated` or `Inconsistent`.
    pub status: RowStatus,
}

/// Checks named lemmas on `traj`, a trajectory of `problem`, on the checker's prepared trajectory
/// (single-neuron tail, `params.refine` pieces per segment), computed once for all of them.
///
/// # Errors
/// The first lemma that does not resolve against the model.
pub fn check_lemmas<S: Enclosure>(
    problem: &Problem,
    traj: &Trajectory<S>,
    lemmas: &[(String, Lemma)],
    params: &Params,
) -> Result<Vec<LemmaRow<S>>, LemmaError> {
    let resolved = lemmas.iter().map(|(_, l)| l.resolve(problem)).collect::<Result<Vec<_>, _>>()?;
    if let Err(why) = crate::report::validate_shape(problem, traj) {
        let why = format!("malformed trajectory: {why}");
        return Ok(lemmas.iter().map(|(n, l)| row(n, l, Verdict::undecided(why.clone()), true)).collect());
    }
    let prep = crate::dispatch::prepare(problem, params, traj);
    Ok(lemmas
        .iter()
        .zip(&resolved)
        .map(|((name, l), r)| row(name, l, check::verdict(&l.text, r, problem, &prep, traj), prep.cov.validated))
        .collect())
}

/// Checks one lemma (default parameters: the checker's refinement).
///
/// # Errors
/// When the lemma does not resolve against the model.
pub fn check_lemma<S: Enclosure>(
    problem: &Problem,
    traj: &Trajectory<S>,
    lemma: &Lemma,
) -> Result<LemmaRow<S>, LemmaError> {
    let mut rows = check_lemmas(problem, traj, &[(lemma.text.clone(), lemma.clone())], &Params::default())?;
    Ok(rows.remove(0))
}

fn row<S>(name: &str, l: &Lemma, conclusion: Verdict<S>, validated: bool) -> LemmaRow<S> {
    row_of(name, &l.text, conclusion, validated)
}

/// The row of a verdict, with the statuses of the catalogue's rows.
fn row_of<S>(name: &str, text: &str, conclusion: Verdict<S>, validated: bool) -> LemmaRow<S> {
    let status = if conclusion.is_inconsistent() {
        RowStatus::Inconsistent
    } else if !validated {
        RowStatus::NotValidated
    } else {
        match &conclusion {
            Verdict::Holds { .. } => RowStatus::Holds,
            Verdict::Violated { .. } => RowStatus::Counterexample,
            _ => RowStatus::Undecided,
        }
    };
    LemmaRow { name: name.to_string(), text: text.to_string(), conclusion, validated, status }
}
