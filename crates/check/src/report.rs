//! Running the catalogue on a problem and a trajectory: [`Selection`] in, [`CheckReport`] out.

use crate::catalogue::{Applies, Check, Entry, Kind, catalogue};
use crate::error::CheckError;
use crate::hyp::{self, Params};
use crate::verdict::{Truth, Verdict};
use reluflow_arith::{Enclosure, Point, Scalar};
use reluflow_flow::Trajectory;
use reluflow_model::{ModelKind, Problem};
use std::collections::BTreeMap;

/// Which entries to run and which switchable hypotheses to assume.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Entry ids to run; empty runs every entry that applies to the model.
    pub ids: Vec<String>,
    /// Overrides of switchable hypotheses: key `"<hyp>"` (every entry) or `"<entry>:<hyp>"`
    /// (one entry), value whether it is assumed.
    pub assume: BTreeMap<String, bool>,
    /// Parameters (`r` of `small-init`, `ε`, `w*`).
    pub params: Params,
}

impl Selection {
    /// Whether hypothesis `h` of entry `e` is assumed: always when it is not switchable; else the
    /// override `"<entry>:<hyp>"`, then `"<hyp>"`, then its default. The checker and the search
    /// both decide it here.
    pub fn assumes(&self, e: &Entry, h: &hyp::Hyp) -> bool {
        if !h.switchable {
            return true;
        }
        let key = format!("{}:{}", e.id, h.id);
        self.assume.get(&key).or_else(|| self.assume.get(h.id)).copied().unwrap_or(h.default_assumed)
    }

    /// Checks the selection against the catalogue: every id names an entry, every `assume` key is
    /// `<hyp>` or `<entry>:<hyp>` for a switchable hypothesis of some (that) entry, `ε ∈ (0, 1/4]`.
    /// The error names the offending key and what was expected.
    ///
    /// # Errors
    /// [`CheckError::UnknownTheorem`], [`CheckError::NotSwitchable`], [`CheckError::Epsilon`].
    pub fn validate(&self) -> Result<(), CheckError> {
        for id in &self.ids {
            if crate::catalogue::entry(id).is_none() {
                let known = catalogue().iter().map(|e| e.id).collect();
                return Err(CheckError::UnknownTheorem { id: id.clone(), known });
            }
        }
        for key in self.assume.keys() {
            let (entry, h) = match key.split_once(':') {
                Some((e, h)) => (Some(e), h),
                None => (None, key.as_str()),
            };
            let ok = catalogue()
                .iter()
                .filter(|e| entry.is_none_or(|id| id == e.id))
                .any(|e| e.hypotheses.iter().any(|x| x.id == h && x.switchable));
            if !ok {
                let mut switchable: Vec<&'static str> =
                    catalogue().iter().flat_map(|e| e.hypotheses).filter(|h| h.switchable).map(|h| h.id).collect();
                switchable.sort_unstable();
                switchable.dedup();
                return Err(CheckError::NotSwitchable {
                    key: key.clone(),
                    entry: entry.map(str::to_string),
                    switchable,
                });
            }
        }
        let eps = &self.params.epsilon;
        if *eps <= 0 || *eps > rug::Rational::from((1, 4)) {
            return Err(CheckError::Epsilon { value: eps.to_string() });
        }
        Ok(())
    }
}

/// Checks that a trajectory fits `problem` (widths, dimensions, the points its patterns and
/// events name), so that no check indexes out of range on a trajectory of another problem. The
/// trajectory's own shape is its contract ([`Trajectory::from_parts`]); this is the part only the
/// problem knows, [`Trajectory::check_problem`], which the binary runs on every integration too.
///
/// # Errors
/// [`CheckError::Shape`] naming the first part that does not match.
pub fn validate_shape<S: Scalar>(problem: &Problem, traj: &Trajectory<S>) -> Result<(), CheckError> {
    traj.check_problem(problem).map_err(|e| CheckError::Shape { what: e.to_string() })
}

/// One hypothesis of one row.
#[derive(Clone, Debug, PartialEq)]
pub struct HypRow {
    /// Its id.
    pub id: &'static str,
    /// Its statement.
    pub statement: &'static str,
    /// Whether it is assumed for this row.
    pub assumed: bool,
    /// Its truth on the instance.
    pub truth: Truth,
}

/// What one row means for the statement "hypotheses ⇒ conclusion" on this instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowStatus {
    /// The conclusion is proved.
    Holds,
    /// An assumed hypothesis is certainly false: the statement says nothing here.
    Vacuous,
    /// Every assumed hypothesis is certainly true and the conclusion certainly fails.
    Counterexample,
    /// Not decided (conclusion undecided, or violated under undecided hypotheses).
    Undecided,
    /// A predicate entry (setting, assumption) is certainly false on this instance.
    False,
    /// A point-arithmetic run: nothing certified.
    NotValidated,
    /// The entry is about another model.
    NotApplicable,
    /// The entry is not implemented (its reason is in the row).
    NotImplemented,
    /// Enclosures that must meet did not (a bug): no answer.
    Inconsistent,
}

impl RowStatus {
    /// The name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            RowStatus::Holds => "holds",
            RowStatus::Vacuous => "vacuous",
            RowStatus::Counterexample => "counterexample",
            RowStatus::Undecided => "undecided",
            RowStatus::False => "false",
            RowStatus::NotValidated => "not validated",
            RowStatus::NotApplicable => "not applicable",
            RowStatus::NotImplemented => "not implemented",
            RowStatus::Inconsistent => "internal inconsistency",
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug)]
pub struct Row<S> {
    /// The catalogue entry.
    pub entry: &'static Entry,
    /// Its hypotheses with their truth.
    pub hypotheses: Vec<HypRow>,
    /// The conclusion's verdict.
    pub conclusion: Verdict<S>,
    /// Whether the verdict rests on enclosures (false for point backends: "not validated").
    pub validated: bool,
    /// The row's overall status.
    pub status: RowStatus,
    /// Extra facts (final active set, the sign of 𝓜, the interpolator).
    pub notes: Vec<String>,
}

/// The overall outcome of a report (for an exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every checked row holds (or is vacuous).
    AllHold,
    /// Some row is a certified counterexample.
    SomeViolated,
    /// Some row is undecided (and none violated).
    SomeUndecided,
    /// Point arithmetic: nothing certified.
    NotValidated,
    /// Some row found an internal inconsistency (a bug): the report is an internal error.
    Inconsistent,
}

/// The table of verdicts.
#[derive(Clone, Debug)]
pub struct CheckReport<S> {
    /// The rows, in catalogue order.
    pub rows: Vec<Row<S>>,
}

impl<S> CheckReport<S> {
    /// The outcome: a counterexample wins, then undecided rows, then not-validated ones; rows of
    /// entries that do not apply or are not implemented count only when selected by id.
    pub fn outcome(&self) -> Outcome {
        let st = |s: RowStatus| self.rows.iter().any(|r| r.status == s);
        if st(RowStatus::Inconsistent) {
            Outcome::Inconsistent
        } else if st(RowStatus::Counterexample) {
            Outcome::SomeViolated
        } else if st(RowStatus::NotValidated) {
            Outcome::NotValidated
        } else if st(RowStatus::Undecided) {
            Outcome::SomeUndecided
        } else {
            Outcome::AllHold
        }
    }
}

fn applies(e: &Entry, model: ModelKind) -> bool {
    match e.applies {
        Applies::Both => true,
        Applies::Single => model == ModelKind::SingleNeuron,
        Applies::TwoLayer => model == ModelKind::TwoLayer,
    }
}

fn status<S>(hyps: &[HypRow], v: &Verdict<S>, validated: bool) -> RowStatus {
    if v.is_inconsistent() {
        return RowStatus::Inconsistent;
    }
    if !validated {
        return RowStatus::NotValidated;
    }
    let assumed = || hyps.iter().filter(|h| h.assumed);
    match v {
        Verdict::Holds { .. } => RowStatus::Holds,
        _ if assumed().any(|h| h.truth.is_false()) => RowStatus::Vacuous,
        Verdict::Violated { .. } if assumed().all(|h| h.truth.is_true()) => RowStatus::Counterexample,
        _ => RowStatus::Undecided,
    }
}

fn build<S: Enclosure>(
    problem: &Problem,
    traj: Option<&Trajectory<S>>,
    malformed: Option<&str>,
    ctx: &S::Ctx,
    selection: &Selection,
) -> CheckReport<S> {
    let mut rows = Vec::new();
    let prepared = traj.map(|t| crate::dispatch::prepare(problem, &selection.params, t));
    for e in catalogue() {
        let chosen = selection.ids.iter().any(|id| id == e.id);
        if !selection.ids.is_empty() && !chosen {
            continue;
        }
        let hyps: Vec<HypRow> = e
            .hypotheses
            .iter()
            .map(|h| HypRow {
                id: h.id,
                statement: h.statement,
                assumed: selection.assumes(e, h),
                truth: hyp::eval::<S>(h.id, problem, &selection.params, ctx),
            })
            .collect();
        let skip = |status: RowStatus, why: String| Row {
            entry: e,
            hypotheses: hyps.clone(),
            conclusion: Verdict::undecided(why),
            validated: true,
            status: if chosen { RowStatus::Undecided } else { status },
            notes: vec![],
        };
        if !applies(e, problem.model()) {
            if chosen {
                rows.push(skip(RowStatus::NotApplicable, format!("not about a {} model", problem.model().name())));
            }
            continue;
        }
        let params = &selection.params;
        let (conclusion, validated, notes) = match (e.check, prepared.as_ref()) {
            (Check::NotImplemented { why, .. }, _) => {
                rows.push(skip(RowStatus::NotImplemented, format!("not implemented: {why}")));
                continue;
            }
            (Check::Predicate(c), _) => crate::dispatch::run_predicate::<S>(c, problem, params, ctx),
            (Check::Static(c), _) => crate::dispatch::run_static::<S>(c, problem, ctx),
            (Check::Trajectory(c), Some(prep)) => {
                let (v, notes) = crate::dispatch::run_traj(c, problem, params, prep);
                (v, prep.cov.validated, notes)
            }
            (Check::Trajectory(_), None) => {
                if let Some(why) = malformed {
                    rows.push(skip(RowStatus::Undecided, why.to_string()));
                } else if chosen {
                    rows.push(skip(RowStatus::Undecided, "needs a trajectory".into()));
                }
                continue;
            }
        };
        let status = match status(&hyps, &conclusion, validated) {
            RowStatus::Counterexample if e.kind() == Kind::Predicate => RowStatus::False,
            s => s,
        };
        rows.push(Row { entry: e, hypotheses: hyps, conclusion, validated, status, notes });
    }
    CheckReport { rows }
}

/// Runs every selected entry that applies to `problem` on `traj` (trajectory entries) and on the
/// data (static entries), and returns the table of verdicts.
///
/// Verdicts from a `NotValidated` trajectory (e.g. a point run converted with [`degenerate`]) are
/// marked `validated = false` and their rows have status [`RowStatus::NotValidated`]: they are
/// never certified. For a single-neuron run whose segments stop before a certified limit, a tail
/// segment `[T, ∞)` is added from the contraction of the linear flow (see
/// [`crate::single::with_single_tail`]).
///
/// A trajectory whose shapes do not match the problem ([`validate_shape`]) gets every trajectory
/// row undecided with the reason, never a panic.
pub fn check<S: Enclosure>(problem: &Problem, traj: &Trajectory<S>, selection: &Selection) -> CheckReport<S> {
    let ctx = traj.t_final().ctx();
    match validate_shape(problem, traj) {
        Ok(()) => build(problem, Some(traj), None, &ctx, selection),
        Err(why) => build(problem, None, Some(&format!("malformed trajectory: {why}")), &ctx, selection),
    }
}

/// Runs only the static entries (no trajectory needed), with backend context `ctx`.
pub fn check_static<S: Enclosure>(problem: &Problem, ctx: &S::Ctx, selection: &Selection) -> CheckReport<S> {
    build::<S>(problem, None, None, ctx, selection)
}

/// A point-arithmetic trajectory as degenerate enclosures (exact: every float is a rational), with
/// status [`Status::NotValidated`](reluflow_flow::Status) so that nothing checked on it is
/// certified. `None` if a value is infinite or NaN.
pub fn degenerate<P: Point, E: Enclosure>(traj: &Trajectory<P>, ctx: &E::Ctx) -> Option<Trajectory<E>> {
    use reluflow_flow::{Event, Limit, SegmentParts, State, Status, TrajectoryParts};
    let x = |v: &P| v.to_rational().map(|q| E::from_rational(&q, ctx));
    let st = |s: &State<P>| -> Option<State<E>> {
        let w = s.w.iter().map(|r| r.iter().map(x).collect::<Option<Vec<E>>>()).collect::<Option<Vec<_>>>()?;
        let a = match &s.a {
            Some(a) => Some(a.iter().map(x).collect::<Option<Vec<E>>>()?),
            None => None,
        };
        Some(State { w, a })
    };
    let segments = traj
        .segments()
        .iter()
        .map(|s| {
            Some(SegmentParts {
                t_start: x(s.t_start())?,
                t_end: x(s.t_end())?,
                pattern: s.pattern().clone(),
                hull: st(s.hull())?,
                end: st(s.end())?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let events = traj
        .events()
        .iter()
        .map(|e| Some(Event { t: x(&e.t)?, point: e.point, neuron: e.neuron, kind: e.kind }))
        .collect::<Option<Vec<_>>>()?;
    let limit = match traj.limit() {
        Some(l) => Some(Limit {
            state: st(&l.state)?,
            loss: x(&l.loss)?,
            pattern: l.pattern.clone(),
            rate: None,
            on_hyperplane: l.on_hyperplane.clone(),
        }),
        None => None,
    };
    // Exact images of a trajectory that kept the contract keep it (same shapes, same order of
    // every time, and a not-validated status), so `from_parts` does not refuse them.
    Trajectory::from_parts(TrajectoryParts {
        initial: st(traj.initial())?,
        segments,
        events,
        final_state: st(traj.final_state())?,
        t_final: x(traj.t_final())?,
        limit,
        status: Status::NotValidated,
    })
    .ok()
}

impl<S: Scalar> CheckReport<S> {
    /// A plain-text table: one block per row (id, source, status, hypotheses with their truth and
    /// whether assumed, the row's verdict explained with its witness or reason, notes).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for r in &self.rows {
            let v = if r.validated { String::new() } else { " (not validated)".into() };
            out.push_str(&format!("{:<32} {}{v}   [{}]\n", r.entry.id, r.status.name(), r.entry.source));
            for h in &r.hypotheses {
                let mark = if h.assumed { "assumed" } else { "not assumed" };
                out.push_str(&format!("    hypothesis {:<18} {:<11} {}\n", h.id, mark, h.truth));
            }
            out.push_str(&format!("    verdict: {}\n", r.explanation()));
            for n in &r.notes {
                out.push_str(&format!("    note: {n}\n"));
            }
        }
        out
    }
}
