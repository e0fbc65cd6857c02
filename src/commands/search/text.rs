//! The summary for people: `summary.md` and the lines printed at the end of a run.

use super::summary::SummaryDoc;

fn list(v: &[u64]) -> String {
    const MAX: usize = 12;
    let shown: Vec<String> = v.iter().take(MAX).map(|k| k.to_string()).collect();
    let more = if v.len() > MAX { format!(", … ({} more)", v.len() - MAX) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn arguments(d: &SummaryDoc) -> String {
    let r = &d.run;
    let assumed = if r.assumed.is_empty() { "none".to_string() } else { r.assumed.join(", ") };
    let shard = match &d.shards {
        Some(sh) => format!("{} shards", sh.of),
        None => format!("shard {}/{}", r.shard[0], r.shard[1]),
    };
    format!(
        "seed {}, cases 0..{}, {shard}, model {}, horizon {}, hypotheses assumed: {assumed}",
        r.seed, r.cases, r.model, r.horizon
    )
}

fn counts(d: &SummaryDoc) -> String {
    let c = &d.coverage;
    format!(
        "{} cases finished of {} planned{}; {} satisfied the hypotheses; screened: {} hold, {} \
         undecided, {} violated → {} certified, {} unconfirmed; {} internal",
        d.cases.finished,
        d.cases.planned,
        if d.shards.is_some() { String::new() } else { format!(" ({} by this run)", d.cases.this_run) },
        c.satisfied,
        c.screened_holds,
        c.screened_undecided,
        c.screened_violations,
        c.confirmed,
        c.unconfirmed,
        c.internal
    )
}

/// The closing lines of a run (stdout, or stderr with `--json`).
pub fn human(d: &SummaryDoc, dir: &str) -> String {
    let mut s = format!("search {}: {}\n  {}\n", d.run.theorem, arguments(d), counts(d));
    if let Some(sh) = &d.shards {
        let merged: Vec<u64> = sh.merged.keys().copied().collect();
        s.push_str(&format!("  shards merged: {} of {}", list(&merged), sh.of));
        if !sh.missing.is_empty() {
            s.push_str(&format!("; MISSING: {}", list(&sh.missing)));
        }
        s.push('\n');
    }
    if !d.counterexamples.is_empty() {
        let cases: Vec<u64> = d.counterexamples.iter().map(|c| c.case).collect();
        s.push_str(&format!("  certified counterexamples: {} (cases {})\n", cases.len(), list(&cases)));
        s.push_str(&format!("    first: {dir}/{}\n", d.counterexamples[0].toml));
    }
    if !d.unconfirmed.is_empty() {
        let cases: Vec<u64> = d.unconfirmed.iter().map(|c| c.case).collect();
        s.push_str(&format!(
            "  unconfirmed candidates (screened violations that did not certify): cases {}\n",
            list(&cases)
        ));
    }
    let line = match d.outcome {
        "counterexample" => "COUNTEREXAMPLE: certified (interval arithmetic)",
        "none-found" => "NONE FOUND among the cases run (a search, not a proof)",
        "unconfirmed" => "UNCONFIRMED: screened violations that did not certify; no certified counterexample",
        "incomplete" => "INCOMPLETE: shards are missing; no certified counterexample in those merged",
        "interrupted" => "INTERRUPTED: the summary covers the cases finished; run again to resume",
        _ => "INTERNAL INCONSISTENCY (a bug, not an answer): please report the case",
    };
    s.push_str(&format!("  stop: {}\noutcome: {line} (exit {}); summary in {dir}/summary.md\n", d.stop, d.exit_code));
    s
}

/// `summary.md`.
pub fn markdown(d: &SummaryDoc) -> String {
    let mut md = format!("# Search for counterexamples to `{}`\n\n", d.run.theorem);
    md.push_str(&format!("**Statement**: {}\n\n", d.statement));
    md.push_str(&format!("**Search**: {} (stop: {}).\n\n", arguments(d), d.stop));
    md.push_str(&format!("**Coverage**: {}.\n\n", counts(d)));
    if let Some(sh) = &d.shards {
        md.push_str(&format!("**Shards**: {} of {} merged", sh.merged.len(), sh.of));
        if !sh.missing.is_empty() {
            md.push_str(&format!("; missing: {}", list(&sh.missing)));
        }
        md.push_str(".\n\n");
    }
    md.push_str(&format!("**Outcome**: {} (exit {}).\n\n", d.outcome, d.exit_code));
    if !d.counterexamples.is_empty() {
        md.push_str("## Certified counterexamples\n\n| case | entry | problem file | shrunk | witness |\n|---|---|---|---|---|\n");
        for c in &d.counterexamples {
            let shrunk = if c.shrunk { "yes" } else { "no" };
            md.push_str(&format!(
                "| {} | [{}]({}) | `{}` | {shrunk} | {} |\n",
                c.case,
                c.md,
                c.md,
                c.toml,
                c.witness.replace('|', "\\|")
            ));
        }
        md.push('\n');
    }
    for (title, notes) in [("Unconfirmed candidates", &d.unconfirmed), ("Internal inconsistencies", &d.internal)] {
        if !notes.is_empty() {
            md.push_str(&format!("## {title}\n\n"));
            for n in notes.iter() {
                md.push_str(&format!("- case {}: {}\n", n.case, n.why));
            }
            md.push('\n');
        }
    }
    md
}
