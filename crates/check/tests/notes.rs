//! `proofs-notes/` and the code stay in step (style.md §4): every note slug cited under `crates/`
//! or `src/` exists, every note is cited by code or is the note of a catalogue entry, every
//! catalogue entry has its note, and `proofs-notes/README.md` lists every note.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target" || n.to_string_lossy().starts_with('.')) {
                continue;
            }
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every `<slug>` in text of the form `proofs-notes/<slug>.md`, slug chars `[A-Za-z0-9_.-]`.
fn cited_slugs(text: &str) -> Vec<String> {
    const PREFIX: &str = "proofs-notes/";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(k) = rest.find(PREFIX) {
        rest = &rest[k + PREFIX.len()..];
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c))).unwrap_or(rest.len());
        if let Some(slug) = rest[..len].strip_suffix(".md")
            && !slug.is_empty()
        {
            out.push(slug.to_string());
        }
        rest = &rest[len..];
    }
    out
}

fn notes() -> BTreeSet<String> {
    fs::read_dir(root().join("proofs-notes"))
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".md")).map(str::to_string))
        .filter(|s| s != "README")
        .collect()
}

fn citations() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    walk(&root().join("crates"), &mut files);
    walk(&root().join("src"), &mut files);
    let mut out = BTreeSet::new();
    for f in files {
        let Ok(text) = fs::read_to_string(&f) else { continue };
        for s in cited_slugs(&text) {
            out.insert((s, f.strip_prefix(root()).unwrap_or(&f).display().to_string()));
        }
    }
    out
}

#[test]
fn slug_scanner_reads_only_real_slugs() {
    let t = "see `proofs-notes/thm-gen.span.md`, proofs-notes/<slug>.md and proofs-notes/README";
    assert_eq!(cited_slugs(t), vec!["thm-gen.span".to_string()]);
}

#[test]
fn every_cited_note_exists() {
    let notes = notes();
    let missing: Vec<_> = citations().into_iter().filter(|(s, _)| s != "README" && !notes.contains(s)).collect();
    assert!(missing.is_empty(), "cited but missing in proofs-notes/: {missing:?}");
}

#[test]
fn every_note_is_cited_by_code_or_the_catalogue() {
    let cited: BTreeSet<String> = citations().into_iter().map(|(s, _)| s).collect();
    let catalogue: BTreeSet<String> = reluflow_check::catalogue().iter().map(|e| e.note_slug()).collect();
    let orphans: Vec<_> = notes().into_iter().filter(|n| !cited.contains(n) && !catalogue.contains(n)).collect();
    assert!(orphans.is_empty(), "notes cited by neither code nor the catalogue: {orphans:?}");
}

#[test]
fn every_catalogue_entry_has_its_note() {
    let notes = notes();
    let missing: Vec<_> =
        reluflow_check::catalogue().iter().map(|e| e.note_slug()).filter(|s| !notes.contains(s)).collect();
    assert!(missing.is_empty(), "catalogue entries without a note: {missing:?}");
}

#[test]
fn the_index_lists_every_note() {
    let index = fs::read_to_string(root().join("proofs-notes/README.md")).unwrap();
    let unlisted: Vec<_> = notes().into_iter().filter(|n| !index.contains(&format!("({n}.md)"))).collect();
    assert!(unlisted.is_empty(), "notes missing from proofs-notes/README.md: {unlisted:?}");
}
