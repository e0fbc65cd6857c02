//! Rules about the source itself (`proofs-notes/defence-in-depth.md`):
//!
//! * no raw `intersect` / `intersection` on enclosures in the non-test code of the integrators, the
//!   checker and the binary — enclosures that must meet go through `reluflow_arith::meet`, which
//!   reports an empty meeting instead of returning ∅;
//! * every site of a checked meeting (a string literal `"neuron: …"`, `"net: …"`, `"check: …"` in
//!   that code) is exercised by the injection tests, and every site those tests name exists.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.rs` files under `dir`, recursively, except test files (`tests.rs`, anything in a
/// `tests/` directory).
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if path.is_dir() {
            if name != "tests" {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The non-test code of a file: everything before its first test module (`#[cfg(test)]` followed
/// by `mod`); a `#[cfg(test)]` helper function elsewhere in the file does not end the code.
fn non_test_code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source file");
    let test_module = text.match_indices("#[cfg(test)]").map(|(k, _)| k).find(|&k| {
        let rest = text[k + "#[cfg(test)]".len()..].trim_start();
        rest.starts_with("mod ") || rest.starts_with("pub mod ") || rest.starts_with("pub(crate) mod ")
    });
    match test_module {
        Some(k) => text[..k].to_string(),
        None => text,
    }
}

fn checked_code() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in ["crates/flow/src", "crates/check/src", "src"] {
        sources(&root().join(dir), &mut files);
    }
    assert!(files.len() > 50, "too few source files found: {}", files.len());
    files.into_iter().map(|p| (p.clone(), non_test_code(&p))).collect()
}

/// The string literals of `text` that start with one of the site prefixes.
fn site_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split('"').skip(1).step_by(2) {
        if ["neuron: ", "net: ", "check: "].iter().any(|p| piece.starts_with(p)) {
            out.push(piece.to_string());
        }
    }
    out
}

#[test]
fn no_raw_intersections_outside_arith() {
    let mut offenders = Vec::new();
    for (path, code) in checked_code() {
        for (k, line) in code.lines().enumerate() {
            let code_part = line.split("//").next().unwrap_or_default();
            if code_part.contains(".intersect(") || code_part.contains(".intersection(") {
                offenders.push(format!("{}:{}: {}", path.display(), k + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "raw intersections of enclosures (use reluflow_arith::meet / meet_all, which report an empty meeting):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_meeting_site_is_injected_by_a_test() {
    let mut in_code: Vec<String> = checked_code().iter().flat_map(|(_, c)| site_literals(c)).collect();
    in_code.sort();
    in_code.dedup();
    assert!(in_code.len() >= 30, "expected the meeting sites of flow and check, found {}", in_code.len());
    let mut in_tests = Vec::new();
    for f in ["crates/flow/tests/inconsistency.rs", "crates/check/tests/inconsistency.rs"] {
        in_tests.extend(site_literals(&std::fs::read_to_string(root().join(f)).expect("the injection tests")));
    }
    let missing: Vec<&String> = in_code.iter().filter(|s| !in_tests.contains(s)).collect();
    assert!(missing.is_empty(), "meeting sites no injection test exercises: {missing:?}");
    let stale: Vec<&String> = in_tests.iter().filter(|s| !in_code.contains(s)).collect();
    assert!(stale.is_empty(), "the injection tests name sites that no longer exist: {stale:?}");
}
