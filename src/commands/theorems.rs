//! `reluflow theorems [ID]`: the theorem catalogue of `reluflow_check` (id, source, statement,
//! what is checked, hypotheses, implemented or why not), or one entry in full with its proofs note.

use crate::cli::TheoremsArgs;
use crate::exit::{Exit, Failure};
use reluflow_check::{Applies, Entry, Kind, Selection, catalogue, entry};
use serde::Serialize;
use std::io::Write;

/// The whole catalogue as JSON.
#[derive(Debug, Serialize)]
pub struct JsonCatalogue {
    /// Every entry, in catalogue order.
    pub entries: Vec<JsonEntry>,
}

/// One entry as JSON.
#[derive(Debug, Serialize)]
pub struct JsonEntry {
    /// Stable id.
    pub id: &'static str,
    /// Paper and number.
    pub source: &'static str,
    /// The statement.
    pub statement: &'static str,
    /// `"single-neuron"`, `"two-layer"` or `"both"`.
    pub applies: &'static str,
    /// `"trajectory"`, `"static"` or `"predicate"`.
    pub kind: &'static str,
    /// How the conclusion is checked.
    pub checked: &'static str,
    /// Whether `reluflow check` decides it.
    pub implemented: bool,
    /// Why not, when not implemented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_implemented: Option<&'static str>,
    /// The conclusion in the lemma language, when it can state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<&'static str>,
    /// The hypotheses.
    pub hypotheses: Vec<JsonHyp>,
    /// The proofs note: `proofs-notes/thm-<id>.md`.
    pub note: String,
}

/// One hypothesis as JSON.
#[derive(Debug, Serialize)]
pub struct JsonHyp {
    /// Its id (the key of `--assume`).
    pub id: &'static str,
    /// The statement.
    pub statement: &'static str,
    /// Whether `--assume` / `--no-assume` may switch it.
    pub switchable: bool,
    /// Whether it is assumed by default.
    pub assumed_by_default: bool,
}

fn applies_name(a: Applies) -> &'static str {
    match a {
        Applies::Single => "single-neuron",
        Applies::TwoLayer => "two-layer",
        Applies::Both => "both",
    }
}

fn applies_phrase(a: Applies) -> &'static str {
    match a {
        Applies::Single => "single-neuron model",
        Applies::TwoLayer => "two-layer model",
        Applies::Both => "both models",
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Trajectory => "trajectory",
        Kind::Static => "static",
        Kind::Predicate => "predicate",
    }
}

fn note_path(e: &Entry) -> String {
    format!("proofs-notes/{}.md", e.note_slug())
}

/// The JSON form of `e`.
pub fn json_entry(e: &Entry) -> JsonEntry {
    JsonEntry {
        id: e.id,
        source: e.source,
        statement: e.statement,
        applies: applies_name(e.applies),
        kind: kind_name(e.kind()),
        checked: e.checked,
        implemented: e.implemented(),
        not_implemented: e.not_implemented(),
        expression: e.expression,
        hypotheses: e
            .hypotheses
            .iter()
            .map(|h| JsonHyp {
                id: h.id,
                statement: h.statement,
                switchable: h.switchable,
                assumed_by_default: h.default_assumed,
            })
            .collect(),
        note: note_path(e),
    }
}

/// `text` wrapped at `width` columns, every line indented by `indent` (the first by `first`).
fn wrap(text: &str, first: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

fn hyp_line(e: &Entry) -> String {
    if e.hypotheses.is_empty() {
        return "none".into();
    }
    let parts: Vec<String> = e
        .hypotheses
        .iter()
        .map(|h| match (h.switchable, h.default_assumed) {
            (false, _) => h.id.to_string(),
            (true, true) => format!("{} (switchable, on)", h.id),
            (true, false) => format!("{} (switchable, off)", h.id),
        })
        .collect();
    parts.join(", ")
}

/// The short form used by the listing.
pub fn brief(e: &Entry) -> String {
    let mut s = format!("{}  [{}]\n", e.id, e.source);
    let status = match e.not_implemented() {
        None => "implemented".to_string(),
        Some(why) => format!("NOT IMPLEMENTED: {why}"),
    };
    s.push_str(&format!("    {}, {}; {status}\n", applies_phrase(e.applies), kind_name(e.kind())));
    s.push_str(&wrap(e.statement, "    statement:  ", "                ", 100));
    s.push_str(&wrap(e.checked, "    checked:    ", "                ", 100));
    s.push_str(&wrap(&hyp_line(e), "    hypotheses: ", "                ", 100));
    s
}

/// The full form for `reluflow theorems ID`.
pub fn full(e: &Entry) -> String {
    let mut s = format!("{}\n", e.id);
    s.push_str(&format!("source:     {}\n", e.source));
    s.push_str(&format!("applies to: {} ({} entry)\n", applies_phrase(e.applies), kind_name(e.kind())));
    s.push_str(&wrap(e.statement, "statement:  ", "            ", 100));
    s.push_str(&wrap(e.checked, "checked:    ", "            ", 100));
    if let Some(x) = e.expression {
        s.push_str(&format!(
            "as a lemma: {x}\n            (`check --lemma` with this text checks the same conclusion)\n"
        ));
    }
    match e.not_implemented() {
        None => s.push_str("status:     implemented\n"),
        Some(why) => s.push_str(&wrap(why, "status:     NOT IMPLEMENTED: ", "            ", 100)),
    }
    if e.hypotheses.is_empty() {
        s.push_str("hypotheses: none\n");
    } else {
        s.push_str("hypotheses:\n");
        for h in e.hypotheses {
            let how = match (h.switchable, h.default_assumed) {
                (false, _) => "always assumed".to_string(),
                (true, on) => format!(
                    "switchable, {} by default (--assume {id} / --no-assume {id}, or {}:{id} for this entry only)",
                    if on { "on" } else { "off" },
                    e.id,
                    id = h.id
                ),
            };
            s.push_str(&format!("  {:<18} {}\n", h.id, h.statement));
            s.push_str(&format!("  {:<18} {how}\n", ""));
        }
    }
    s.push_str(&format!("note:       {}\n", note_path(e)));
    s.push_str(&format!("check with: reluflow check SPEC --theorem {}\n", e.id));
    s
}

/// Runs `theorems`, printing to stdout.
pub fn run(args: &TheoremsArgs) -> Result<Exit, Failure> {
    let text = render(args)?;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        // The reader went away (`reluflow theorems | head`): nothing left to say.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::internal(anyhow::anyhow!("cannot write the catalogue: {e}")))
        }
        _ => Ok(Exit::Success),
    }
}

/// The text printed by `theorems` (JSON or human); an unknown id is bad input.
pub fn render(args: &TheoremsArgs) -> Result<String, Failure> {
    let chosen = match &args.id {
        None => None,
        Some(id) => {
            // The same message as `check --theorem`: it lists the known ids.
            Selection { ids: vec![id.clone()], ..Selection::default() }
                .validate()
                .map_err(|m| Failure::bad_input(anyhow::anyhow!(m)))?;
            Some(entry(id).ok_or_else(|| Failure::internal(anyhow::anyhow!("validated id `{id}` not found")))?)
        }
    };
    Ok(match (chosen, args.json) {
        (Some(e), true) => pretty(&json_entry(e))?,
        (Some(e), false) => full(e).trim_end().to_string(),
        (None, true) => pretty(&JsonCatalogue { entries: catalogue().iter().map(json_entry).collect() })?,
        (None, false) => {
            let all = catalogue();
            let implemented = all.iter().filter(|e| e.implemented()).count();
            let mut s = format!(
                "{} statements ({implemented} implemented). `reluflow theorems ID` shows one in full with its proofs \
                 note; `reluflow check SPEC --theorem ID` checks it.\nSwitchable hypotheses are turned on and off \
                 with `reluflow check --assume HYP` / `--no-assume HYP`.\n",
                all.len()
            );
            for e in all {
                s.push('\n');
                s.push_str(&brief(e));
            }
            s.trim_end().to_string()
        }
    })
}

fn pretty<T: Serialize>(v: &T) -> Result<String, Failure> {
    crate::report::envelope::to_json(v, Some(0)).map_err(Failure::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(json: bool, id: Option<&str>) -> TheoremsArgs {
        TheoremsArgs { json, id: id.map(str::to_string) }
    }

    #[test]
    fn lists_every_entry_and_shows_one_in_full() {
        let list = render(&args(false, None)).unwrap();
        for e in catalogue() {
            assert!(list.contains(e.id), "{} missing", e.id);
        }
        let one = render(&args(false, Some("lsy.norm-growth"))).unwrap();
        assert!(one.contains("proofs-notes/thm-lsy.norm-growth.md") && one.contains("switchable, off"), "{one}");
        let v: serde_json::Value = serde_json::from_str(&render(&args(true, None)).unwrap()).unwrap();
        assert_eq!(v["entries"].as_array().unwrap().len(), catalogue().len());
        assert_eq!(v["schema_version"], crate::report::envelope::SCHEMA_VERSION);
        let bad = render(&args(false, Some("lsy.nope"))).unwrap_err();
        assert_eq!(bad.exit, Exit::BadInput);
        assert!(bad.to_string().contains("lsy.nope") && bad.to_string().contains("gen.span"), "{bad}");
    }

    #[test]
    fn wrap_keeps_words_and_indents() {
        let w = wrap("a bb ccc dddd", "> ", "  ", 6);
        assert_eq!(w, "> a bb\n  ccc\n  dddd\n");
        assert_eq!(wrap("", "x: ", "   ", 10), "x: \n");
    }
}
