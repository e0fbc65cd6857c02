//! `reluflow search --lemma "…"`: the search thrown at a lemma of the user's
//! ([`reluflow_search::LemmaClaim`]: screen with f64, certify with intervals, shrink). It runs in
//! memory — not sharded, not resumed — and writes each certified counterexample as a problem file
//! with the lemma in a `[[lemma]]` table, so that `reluflow check cex-<case>.toml` reproduces it.

use super::SearchArgs;
use super::args::{parse_model, parse_seconds};
use crate::exit::{Exit, Failure};
use crate::spec::to_toml;
use reluflow_check::lemma::Lemma;
use reluflow_flow::monitor::Monitor;
use reluflow_model::ModelKind;
use reluflow_search::strategy::{NetSpace, NeuronSpace};
use reluflow_search::{CaseStatus, Collect, LemmaClaim, LemmaSpace, SearchConfig, draw, search_claim};
use serde::Serialize;
use std::path::{Path, PathBuf};

fn bad(m: String) -> Failure {
    Failure::bad_input(anyhow::anyhow!(m))
}

/// One certified counterexample.
#[derive(Debug, Serialize)]
struct JsonCex {
    case: u64,
    file: String,
    witness: String,
}

/// The summary.
#[derive(Debug, Serialize)]
struct JsonLemmaSearch {
    lemma: String,
    model: &'static str,
    cases: u64,
    seed: u64,
    counterexamples: Vec<JsonCex>,
    outcome: &'static str,
    exit_code: u8,
}

/// Validates the lemma search's arguments, runs it, writes the counterexamples and reports.
pub fn run(args: &SearchArgs, text: &str) -> Result<Exit, Failure> {
    let lemma = Lemma::parse(text).map_err(|e| bad(format!("--lemma: {e}")))?;
    if args.shard != "0/1" || args.targeted || !args.hyps.assume.is_empty() {
        return Err(bad(
            "--lemma: a lemma search takes no --shard, --targeted or --assume (run other --seed values)".into()
        ));
    }
    if args.cases == 0 || args.jobs == Some(0) {
        return Err(bad("--cases and --jobs: expected numbers ≥ 1".into()));
    }
    let model = args.model.as_deref().map(parse_model).transpose()?.unwrap_or(ModelKind::SingleNeuron);
    let space = match model {
        ModelKind::SingleNeuron => LemmaSpace::Neuron(NeuronSpace::default()),
        ModelKind::TwoLayer => LemmaSpace::Net(NetSpace::default()),
    };
    let claim = LemmaClaim::new("lemma", lemma, space);
    // A lemma that fits no instance (`a[j]` on single neurons, `x[9]`) is refused now.
    draw(&claim, args.seed, 0).map_err(|e| bad(format!("--lemma: no {} instance fits it: {e}", model.name())))?;
    let cfg = SearchConfig {
        model: Some(model),
        cases: args.cases,
        seed: args.seed,
        jobs: args.jobs.unwrap_or(0),
        time_limit: args.time_limit.as_deref().map(parse_seconds).transpose()?,
        shrink_steps: args.shrink_steps,
        ..SearchConfig::new("lemma")
    };
    let sink = Collect::new();
    search_claim(&claim, &cfg, &Default::default(), &sink, &Monitor::new())
        .map_err(|e| bad(format!("--lemma: {e}")))?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("search-out/lemma-seed{}", args.seed)));
    let mut found = Vec::new();
    for rec in sink.records().iter().filter(|r| r.status == CaseStatus::Counterexample) {
        let Some(p) = rec.counterexample() else { continue };
        let witness = rec.shrunk.as_ref().map_or_else(
            || rec.certified.as_ref().map_or(String::new(), |j| j.text.clone()),
            |s| s.certified.text.clone(),
        );
        let file = write_cex(&out, rec.case, p, text, args.seed)?;
        found.push(JsonCex { case: rec.case, file: file.display().to_string(), witness });
    }
    let exit = if found.is_empty() { Exit::Success } else { Exit::Counterexample };
    let doc = JsonLemmaSearch {
        lemma: text.to_string(),
        model: model.name(),
        cases: args.cases,
        seed: args.seed,
        outcome: if found.is_empty() { "none-found" } else { "counterexample" },
        exit_code: exit.code(),
        counterexamples: found,
    };
    print(&doc, args.json)?;
    Ok(exit)
}

/// Writes `cex-<case>.toml`: the instance and the lemma as a `[[lemma]]` table.
fn write_cex(dir: &Path, case: u64, p: &reluflow_model::Problem, text: &str, seed: u64) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(format!("cex-{case}.toml"));
    let header = [
        format!(
            "A certified counterexample to the lemma `{text}` found by `reluflow search --lemma` (seed {seed}, case {case})."
        ),
        format!("Reproduce: reluflow check {}", path.display()),
    ];
    let body = format!("{}{}", to_toml(p, &header), reluflow_format::lemma_table(text, None));
    std::fs::write(&path, body)
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

fn print(doc: &JsonLemmaSearch, json: bool) -> Result<(), Failure> {
    let mut human = format!(
        "search for a counterexample to `{}` ({} instances, {} cases, seed {})\n",
        doc.lemma, doc.model, doc.cases, doc.seed
    );
    for c in &doc.counterexamples {
        human.push_str(&format!("  case {}: {}\n    reproduce: reluflow check {}\n", c.case, c.witness, c.file));
    }
    human.push_str(&match doc.counterexamples.len() {
        0 => format!("outcome: no certified counterexample in {} cases (this is no proof) (exit 0)\n", doc.cases),
        k => format!("outcome: COUNTEREXAMPLE: {k} certified (exit 4)\n"),
    });
    super::emit(doc, &human, json)
}
