//! `reluflow check`: integrate the problem exactly as `certify` does
//! (`super::integrate::integrate`), check the selected catalogue entries along the
//! trajectory and on the data with [`reluflow_check::check`], print the table of verdicts and exit
//! with its outcome.
//!
//! A point run (`f64`, `mpfr`) is converted with [`reluflow_check::degenerate`] into degenerate
//! enclosures of the same precision (`inari::Interval`, `MpInterval`); the library marks every
//! trajectory row "not validated" and the run exits 0 with a `NOT VALIDATED` line. A trajectory
//! that is itself undecided is checked on its certified part `[0, certified_until]`; the output
//! says so.

mod json;
mod lemmas;

use super::{
    certify::Streams,
    integrate::{Run, integrate},
};
use crate::cli::{CheckConfig, Output};
use crate::exit::{Exit, Failure};
use crate::report::{JsonReason, status_fields};
use reluflow_arith::{Enclosure, Float, Interval, MpInterval};
use reluflow_check::lemma::{Lemma, LemmaRow, check_lemmas};
use reluflow_check::{CheckReport, Kind, Outcome, RowStatus, Selection, Verdict, check, check_static, degenerate};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::Problem;

/// Every row status, in the order of the summary lines.
pub const STATUSES: [RowStatus; 8] = [
    RowStatus::Holds,
    RowStatus::Counterexample,
    RowStatus::Undecided,
    RowStatus::NotValidated,
    RowStatus::Vacuous,
    RowStatus::False,
    RowStatus::NotApplicable,
    RowStatus::NotImplemented,
];

/// What to check: catalogue entries (`selection`, skipped when `catalogue` is false) and lemmas.
#[derive(Clone, Copy, Debug)]
pub struct Checks<'a> {
    /// The entries, assumptions and parameters.
    pub selection: &'a Selection,
    /// Whether the catalogue entries are checked (false for `--lemma` without `--theorem`).
    pub catalogue: bool,
    /// Named lemmas, resolved against the problem beforehand.
    pub lemmas: &'a [(String, Lemma)],
}

impl<'a> Checks<'a> {
    /// The catalogue selection alone.
    #[cfg(test)]
    pub fn catalogue(selection: &'a Selection) -> Checks<'a> {
        Checks { selection, catalogue: true, lemmas: &[] }
    }
}

/// Runs `check` on a validated config, printing to the process's stdout and stderr.
pub fn run(cfg: &CheckConfig) -> Result<Exit, Failure> {
    // stderr stays unlocked: the progress display (another thread) writes to it during the run.
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr());
    let checks = Checks { selection: &cfg.selection, catalogue: cfg.catalogue, lemmas: &cfg.lemmas };
    let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
    if let Some(path) = &cfg.certificate {
        return super::certificate::run_check(cfg, path, &mut io);
    }
    check_run_with(&cfg.problem, integrate(&cfg.problem)?, checks, cfg.output, &mut io)
}

/// Integrates `problem` (shared step with `certify`), checks `selection` and reports.
#[cfg(test)]
pub fn check_problem(
    problem: &Problem,
    selection: &Selection,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    check_run(problem, integrate(problem)?, selection, out, io)
}

/// Checks `selection` on `run`, a run of `problem` from [`integrate`] or
/// [`integrate_with`](super::integrate::integrate_with), and reports.
#[cfg(test)]
pub fn check_run(
    problem: &Problem,
    run: Run,
    selection: &Selection,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    check_run_with(problem, run, Checks::catalogue(selection), out, io)
}

/// Checks catalogue entries and lemmas on `run` and reports.
pub fn check_run_with(
    problem: &Problem,
    run: Run,
    checks: Checks<'_>,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    match run {
        Run::F64(t) => match degenerate::<f64, Interval>(&t, &()) {
            Some(e) => report(problem, &e, checks, out, io),
            None => report_static::<Interval>(problem, &(), checks, out, io),
        },
        Run::Mpfr(t, bits) => match degenerate::<Float, MpInterval>(&t, &bits) {
            Some(e) => report(problem, &e, checks, out, io),
            None => report_static::<MpInterval>(problem, &bits, checks, out, io),
        },
        Run::Interval(t) => report(problem, &t, checks, out, io),
        Run::MpInterval(t) => report(problem, &t, checks, out, io),
    }
}

/// What the trajectory contributes to the report: its status line and whether its rows are
/// restricted to a certified prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrajectoryInfo {
    /// `"certified"`, `"undecided"`, `"not-validated"`, or `"non-finite"` (a point run that produced
    /// NaN or ±∞: its trajectory rows are not checked).
    pub status: &'static str,
    /// Why the integrator stopped (undecided), or why nothing was checked (non-finite).
    pub reason: Option<JsonReason>,
    /// The time up to which the trajectory is certified (a decimal rounded down, or `"inf"`).
    pub certified_until: Option<String>,
    /// Number of segments.
    pub segments: usize,
    /// Number of proved switches.
    pub events: usize,
}

impl TrajectoryInfo {
    fn of<S: Enclosure>(problem: &Problem, traj: &Trajectory<S>, digits: u32) -> TrajectoryInfo {
        let (status, reason, certified_until) = status_fields(traj, problem, digits);
        TrajectoryInfo { status, reason, certified_until, segments: traj.segments().len(), events: traj.events().len() }
    }

    /// The status line(s) of the human report.
    pub fn describe(&self, arithmetic: &str) -> String {
        let until = self.certified_until.as_deref().unwrap_or("?");
        match self.status {
            "certified" => {
                let covered =
                    if until == "inf" { "t ∈ [0, ∞) and the limit".to_string() } else { format!("[0, {until}]") };
                format!(
                    "trajectory: CERTIFIED up to t = {until} ({} segment(s), {} switch(es)); trajectory rows cover {covered}",
                    self.segments, self.events
                )
            }
            "undecided" => format!(
                "trajectory: UNDECIDED, certified only up to t = {until} ({}).\n  Trajectory rows are checked on \
                 the certified part [0, {until}] only: a violation found there is certified, but nothing past \
                 t = {until} is proved.",
                self.reason.as_ref().map_or("?", |r| r.text.as_str())
            ),
            "internal-inconsistency" => format!(
                "trajectory: INTERNAL INCONSISTENCY (a bug, not an answer): the run stopped at t = {until}: {}.\n  \
                 Every trajectory row reports it; please report the problem file.",
                self.reason.as_ref().map_or("?", |r| r.text.as_str())
            ),
            "not-validated" => format!(
                "NOT VALIDATED: `{arithmetic}` is a reference (point) arithmetic. The trajectory rows below were \
                 computed on its values as degenerate intervals and prove nothing; only statements about the data \
                 alone are exact."
            ),
            _ => format!(
                "NOT VALIDATED: the `{arithmetic}` reference run produced a non-finite value (NaN or ±∞); only \
                 statements about the data were checked.{}",
                self.reason.as_ref().map(|r| format!(" ({})", r.text)).unwrap_or_default()
            ),
        }
    }
}

/// Checks `traj` and prints the report.
fn report<S: Enclosure>(
    problem: &Problem,
    traj: &Trajectory<S>,
    checks: Checks<'_>,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    report_table(problem, traj, checks, out, io).map(|(exit, _)| exit)
}

/// [`report`], returning the catalogue's table too (for the certificate's verdicts).
pub fn report_table<S: Enclosure>(
    problem: &Problem,
    traj: &Trajectory<S>,
    checks: Checks<'_>,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<(Exit, CheckReport<S>), Failure> {
    let table = if checks.catalogue { check(problem, traj, checks.selection) } else { CheckReport { rows: vec![] } };
    let lemma_rows = check_lemmas(problem, traj, checks.lemmas, &checks.selection.params)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("{e}")))?;
    let info = TrajectoryInfo::of(problem, traj, out.digits);
    let undecided_traj = matches!(traj.status(), Status::Undecided { .. });
    let verdict = match traj.status() {
        // A bug in the run is an internal error, whatever the rows (static ones may still hold).
        Status::Undecided { reason, .. } if reason.is_inconsistency() => (Outcome::Inconsistent, Exit::Internal),
        _ => lemmas::merge(exit_for(&table, undecided_traj), &lemma_rows),
    };
    emit(problem, &table, &lemma_rows, &info, verdict, out, io).map(|exit| (exit, table))
}

/// A point run with a non-finite value: only the static entries are checked, and the outcome is
/// "not validated" (unless a statement about the data has a certified counterexample).
fn report_static<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    checks: Checks<'_>,
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    let table =
        if checks.catalogue { check_static::<S>(problem, ctx, checks.selection) } else { CheckReport { rows: vec![] } };
    let info = TrajectoryInfo {
        status: "non-finite",
        reason: Some(JsonReason::plain("non-finite", "the reference integrator returned NaN or an infinity")),
        certified_until: None,
        segments: 0,
        events: 0,
    };
    let lemma_rows: Vec<LemmaRow<S>> = checks
        .lemmas
        .iter()
        .map(|(name, l)| LemmaRow {
            name: name.clone(),
            text: l.text().to_string(),
            conclusion: Verdict::undecided("the reference run produced a non-finite value: no trajectory to check"),
            validated: false,
            status: RowStatus::NotValidated,
        })
        .collect();
    let verdict = match table.outcome() {
        Outcome::SomeViolated => (Outcome::SomeViolated, Exit::Counterexample),
        _ => (Outcome::NotValidated, Exit::Success),
    };
    emit(problem, &table, &lemma_rows, &info, verdict, out, io)
}

/// The overall outcome and exit code of a table: internal inconsistency → 70, violated → 4,
/// undecided → 3, all hold → 0, not validated → 0. A trajectory row that holds on an undecided trajectory covers only the
/// certified prefix, not the requested horizon: the table then counts as undecided (exit 3).
pub fn exit_for<S>(table: &CheckReport<S>, undecided_traj: bool) -> (Outcome, Exit) {
    match table.outcome() {
        Outcome::Inconsistent => (Outcome::Inconsistent, Exit::Internal),
        Outcome::SomeViolated => (Outcome::SomeViolated, Exit::Counterexample),
        Outcome::SomeUndecided => (Outcome::SomeUndecided, Exit::Undecided),
        Outcome::NotValidated => (Outcome::NotValidated, Exit::Success),
        Outcome::AllHold => {
            let partial = table.rows.iter().any(|r| r.entry.kind() == Kind::Trajectory && r.status == RowStatus::Holds);
            if undecided_traj && partial {
                (Outcome::SomeUndecided, Exit::Undecided)
            } else {
                (Outcome::AllHold, Exit::Success)
            }
        }
    }
}

/// The machine name of an outcome.
pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::AllHold => "all-hold",
        Outcome::SomeViolated => "some-violated",
        Outcome::SomeUndecided => "some-undecided",
        Outcome::NotValidated => "not-validated",
        Outcome::Inconsistent => "internal-inconsistency",
    }
}

/// Ids of the rows with status `s`.
pub fn ids_with<S>(table: &CheckReport<S>, s: RowStatus) -> Vec<&'static str> {
    table.rows.iter().filter(|r| r.status == s).map(|r| r.entry.id).collect()
}

/// The closing lines: one summary line per status present, then the outcome line.
fn summary<S>(
    table: &CheckReport<S>,
    lemma_rows: &[LemmaRow<S>],
    (outcome, exit): (Outcome, Exit),
    info: &TrajectoryInfo,
) -> String {
    let mut s = String::from("summary:\n");
    for st in STATUSES {
        let ids = ids_with(table, st);
        if !ids.is_empty() {
            s.push_str(&format!("  {:<16} {:>2}: {}\n", st.name(), ids.len(), ids.join(", ")));
        }
    }
    s.push_str(&lemmas::summary(lemma_rows));
    if table.rows.is_empty() && lemma_rows.is_empty() {
        s.push_str("  no entry applies to this model\n");
    }
    let line = match outcome {
        Outcome::AllHold => "ALL HOLD: every checked statement is proved, or says nothing on this instance".to_string(),
        Outcome::SomeViolated => {
            let mut names: Vec<&str> = ids_with(table, RowStatus::Counterexample);
            names.extend(lemma_rows.iter().filter(|r| r.status == RowStatus::Counterexample).map(|r| r.name.as_str()));
            format!("VIOLATED: certified counterexample ({}); see the witness above", names.join(", "))
        }
        Outcome::SomeUndecided
            if table.outcome() == Outcome::AllHold && lemmas::outcome(lemma_rows) == Outcome::AllHold =>
        {
            format!(
                "UNDECIDED: the rows that hold cover only [0, {}], not the requested horizon",
                info.certified_until.as_deref().unwrap_or("?")
            )
        }
        Outcome::SomeUndecided => "UNDECIDED: some statements could not be decided (reasons above)".to_string(),
        Outcome::NotValidated => "NOT VALIDATED: point arithmetic, nothing about the trajectory is certified".into(),
        Outcome::Inconsistent => format!(
            "INTERNAL INCONSISTENCY (a bug, not an answer): enclosures that must meet did not ({}); please report it",
            ids_with(table, RowStatus::Inconsistent).join(", ")
        ),
    };
    s.push_str(&format!("outcome: {line} (exit {})\n", exit.code()));
    s
}

/// Prints the report (human text on stdout, or JSON on stdout and the human text on stderr).
fn emit<S: Enclosure>(
    problem: &Problem,
    table: &CheckReport<S>,
    lemma_rows: &[LemmaRow<S>],
    info: &TrajectoryInfo,
    verdict: (Outcome, Exit),
    out: Output,
    io: &mut Streams<'_>,
) -> Result<Exit, Failure> {
    let arithmetic = problem.run().arithmetic.name();
    let human = format!(
        "{}\nproblem: {}, arithmetic {arithmetic}\n\n{}{}\n{}",
        info.describe(arithmetic),
        problem.model().name(),
        table.to_text(),
        lemmas::text(lemma_rows),
        summary(table, lemma_rows, verdict, info)
    );
    let written = if out.json {
        let mut doc = json::document(problem, table, info, verdict.0, out.digits);
        doc.lemmas = lemmas::json(lemma_rows, out.digits);
        let text = crate::report::envelope::to_json(&doc, Some(verdict.1.code())).map_err(Failure::internal)?;
        writeln!(io.stdout, "{text}").and_then(|()| write!(io.stderr, "{human}"))
    } else {
        write!(io.stdout, "{human}")
    };
    match written.and_then(|()| io.stdout.flush()) {
        // The reader went away (`reluflow check … | head`): the verdict still decides the exit.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::internal(anyhow::anyhow!("cannot write the report: {e}")))
        }
        _ => Ok(verdict.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(name: &str) -> Problem {
        let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::spec::load(std::path::Path::new(&path)).unwrap()
    }

    fn run_on(p: &Problem, ids: &[&str], json: bool) -> (Exit, String, String) {
        let sel = Selection { ids: ids.iter().map(|s| s.to_string()).collect(), ..Selection::default() };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
        let exit = check_problem(p, &sel, Output { json, digits: 8 }, &mut io).unwrap();
        (exit, String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
    }

    #[test]
    fn holds_and_violated_map_to_0_and_4() {
        let (exit, text, _) = run_on(&problem("norm-growth-holds.toml"), &["lsy.norm-growth"], false);
        assert_eq!(exit, Exit::Success, "{text}");
        assert!(text.contains("outcome: ALL HOLD") && text.starts_with("trajectory: CERTIFIED"), "{text}");
        let (exit, text, human) = run_on(&problem("norm-growth-fails.toml"), &["lsy.norm-growth"], true);
        assert_eq!(exit, Exit::Counterexample);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["rows"][0]["status"], "counterexample");
        assert!(human.contains("VIOLATED"), "{human}");
    }

    #[test]
    fn a_trajectory_row_that_holds_on_an_undecided_run_is_not_all_hold() {
        let p = problem("norm-growth-holds.toml");
        let Run::Interval(mut traj) = integrate(&p).unwrap() else { panic!("interval run expected") };
        let table = check(&p, &traj, &Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() });
        assert_eq!(exit_for(&table, false), (Outcome::AllHold, Exit::Success));
        assert_eq!(exit_for(&table, true), (Outcome::SomeUndecided, Exit::Undecided));
        // The library itself refuses to call a truncated run "holds".
        let until = *traj.segments()[0].t_end();
        traj = traj
            .edit(|p| {
                p.status =
                    Status::Undecided { reason: reluflow_flow::UndecidedReason::StepUnderflow, certified_until: until };
            })
            .unwrap();
        let (exit, text, _) = {
            let sel = Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() };
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
            let exit = report(&p, &traj, Checks::catalogue(&sel), Output { json: false, digits: 8 }, &mut io).unwrap();
            (exit, String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
        };
        assert_eq!(exit, Exit::Undecided, "{text}");
        assert!(text.starts_with("trajectory: UNDECIDED") && text.contains("certified part"), "{text}");
    }

    #[test]
    fn a_point_run_is_not_validated() {
        let src = std::fs::read_to_string(format!("{}/examples/norm-growth-fails.toml", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .replace("arithmetic = \"interval\"", "arithmetic = \"mpfr\"\nprecision = 64");
        let p = crate::spec::parse("mpfr.toml", &src).unwrap();
        let (exit, text, _) = run_on(&p, &["lsy.norm-growth"], false);
        assert_eq!(exit, Exit::Success, "{text}");
        assert!(text.starts_with("NOT VALIDATED") && text.contains("not validated"), "{text}");
    }
}
