//! `reluflow search`: a counterexample search over one catalogue entry or a lemma of the user's with
//! [`reluflow_search::search_claim`], written as found into an output directory (`run.json`,
//! `cases.jsonl`, `cex-<case>.{toml,json,md}`, `summary.{json,md}`), resumable, shardable, and
//! `reluflow search merge` for the shards. The library does no I/O: this module owns every file
//! format of the search ([`log`], [`cex`], [`summary`]).

mod args;
mod cex;
mod help;
mod identity;
mod log;
mod merge;
mod record;
mod summary;
mod target;
mod text;

pub use args::{ABOUT, SearchArgs, SearchCommand, SearchSetup};
pub use help::{AFTER_LONG_HELP, LONG_ABOUT};
pub use merge::run as merge;

use crate::exit::{Exit, Failure};
use crate::progress::{self, Watch};
use cex::CexWriter;
use identity::RunId;
use log::LogSink;
use reluflow_flow::monitor::Monitor;
use reluflow_search::{CaseRecord, CaseStatus, StopReason, search_claim};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use summary::{Cases, CoverageDoc, SummaryDoc, coverage, lists, verdict};

/// Runs a validated search (see the module documentation) and returns its exit.
pub fn run(s: &SearchSetup) -> Result<Exit, Failure> {
    prepare(&s.out, &s.id)?;
    let log_path = s.out.join("cases.jsonl");
    let old = log::replay(&log_path, true)?;
    if old.partial > 0 {
        eprintln!(
            "reluflow: {}: cut a partial last line ({} bytes) left by an interrupted run",
            log_path.display(),
            old.partial
        );
    }
    let done: BTreeSet<u64> = old.records.iter().map(|r| r.case).collect();
    let planned = s.cfg.shard_cases().count() as u64;
    let found_before = old.records.iter().filter(|r| r.status == CaseStatus::Counterexample).count();
    let watch = Watch::with(progress_line(&s.id.theorem, planned, done.len() as u64, found_before), farewell);
    let monitor = watch.monitor().unwrap_or_default();
    let cex = CexWriter::new(&s.out, &s.target, s.cfg.seed);
    let sink = LogSink::open(&log_path, &cex, monitor.clone())?;
    let result = search_claim(s.target.claim(), &s.cfg, &done, &sink, &monitor);
    let (new, error) = sink.finish();
    let summary = result.map_err(Failure::bad_input)?;
    let this_run = new.len() as u64;
    let mut records = old.records;
    records.extend(new);
    records.sort_by_key(|r| r.case);
    let interrupted = summary.stop == StopReason::Cancelled && progress::interrupted();
    let stop = match summary.stop {
        StopReason::Completed => "completed",
        StopReason::Cancelled => "cancelled",
        StopReason::TimeLimit => "time-limit",
    };
    let cases = Cases { planned, finished: records.len() as u64, this_run };
    let (mut doc, exit) = document(&s.id, &records, stop, cases, interrupted);
    doc.elapsed_s = Some(summary.elapsed.as_secs_f64());
    save(&s.out, &doc)?;
    drop(watch);
    if let Some(why) = error {
        return Err(Failure::internal(anyhow::anyhow!(
            "{}: {why}; the summary covers the cases written",
            s.out.display()
        )));
    }
    print(&doc, &s.out, s.json, exit)
}

/// Creates the output directory with its `run.json`, or checks that an existing one was written
/// by a search with the same identity (to resume it).
fn prepare(dir: &Path, id: &RunId) -> Result<(), Failure> {
    let shown = dir.display();
    if dir.join("run.json").exists() {
        let there = RunId::read(dir)?;
        let diffs = there.differences(id, false, ("in run.json", "given now"));
        if diffs.is_empty() {
            return Ok(());
        }
        return Err(Failure::bad_input(anyhow::anyhow!(
            "--out {shown}: got a directory written by a search with other arguments ({}); give the same arguments to \
             resume it, or another --out",
            diffs.join("; ")
        )));
    }
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => true,
    };
    if !empty {
        return Err(Failure::bad_input(anyhow::anyhow!(
            "--out {shown}: got a non-empty directory without run.json, expected a new or empty directory, or one \
             written by `reluflow search` (to resume it)"
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("--out {shown}: cannot create ({e})")))?;
    id.write(dir)
}

/// The summary of `records` under `id` (file names relative to the search's directory), and its exit.
fn document(id: &RunId, records: &[CaseRecord], stop: &str, cases: Cases, interrupted: bool) -> (SummaryDoc, Exit) {
    let refs: Vec<&CaseRecord> = records.iter().collect();
    let (counterexamples, unconfirmed, internal) = lists(&refs, &|_| String::new());
    let (outcome, exit) = verdict(records, interrupted, false);
    let statement = target::statement(id);
    let doc = SummaryDoc {
        run: id.clone(),
        statement,
        stop: stop.into(),
        elapsed_s: None,
        cases,
        coverage: CoverageDoc::of(&coverage(records)),
        counterexamples,
        unconfirmed,
        internal,
        shards: None,
        outcome,
        exit_code: exit.code(),
    };
    (doc, exit)
}

/// Writes `summary.json` and `summary.md` into `dir`.
pub(super) fn save(dir: &Path, doc: &SummaryDoc) -> Result<(), Failure> {
    let json = crate::report::envelope::to_json(doc, None).map_err(Failure::internal)?;
    for (name, text) in [("summary.json", json + "\n"), ("summary.md", text::markdown(doc))] {
        std::fs::write(dir.join(name), text)
            .map_err(|e| Failure::internal(anyhow::anyhow!("cannot write {}: {e}", dir.join(name).display())))?;
    }
    Ok(())
}

/// Prints the summary (human text on stdout, or JSON on stdout and the text on stderr).
pub(super) fn print(doc: &SummaryDoc, dir: &Path, json: bool, exit: Exit) -> Result<Exit, Failure> {
    emit(doc, &text::human(doc, &dir.display().to_string()), json).map(|()| exit)
}

/// Prints `human` on stdout, or `doc` as JSON (in the envelope; the document carries its own
/// `exit_code`) on stdout and `human` on stderr. A reader that went away is not an error.
pub(super) fn emit<T: serde::Serialize>(doc: &T, human: &str, json: bool) -> Result<(), Failure> {
    let written = if json {
        let text = crate::report::envelope::to_json(doc, None).map_err(Failure::internal)?;
        eprint!("{human}");
        writeln!(std::io::stdout().lock(), "{text}")
    } else {
        write!(std::io::stdout().lock(), "{human}")
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::internal(anyhow::anyhow!("cannot write the summary: {e}")))
        }
        _ => Ok(()),
    }
}

/// The progress line: cases done of the shard, rate, counterexamples.
fn progress_line(theorem: &str, planned: u64, before: u64, found_before: usize) -> Box<progress::Message> {
    let theorem = theorem.to_string();
    Box::new(move |m: &Monitor| {
        let p = m.progress();
        let rate = if p.t > 0.0 { p.steps as f64 / p.t } else { 0.0 };
        let hint = if m.is_cancelled() { "stopping (Ctrl-C again: quit now)" } else { "Ctrl-C: stop & summarise" };
        format!(
            "searching {theorem}: {}/{planned} cases · {rate:.2} cases/s · {} counterexample(s) · {hint}",
            before + p.steps as u64,
            found_before + p.events
        )
    })
}

fn farewell(m: &Monitor) -> String {
    format!(
        "reluflow: interrupted by the user after {} case(s) of this run; no new case starts, cases in flight are \
         dropped (a resumed run does them), and the summary covers every finished case",
        m.progress().steps
    )
}
