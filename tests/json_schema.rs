//! Every command's JSON validates against `docs/schema/reluflow-v2.schema.json`, and the
//! documents agree with themselves: one verdict per row (the explanation starts with the status)
//! and witnesses numbered as `certify` numbers its segments.

use crate::util::{examples_dir, reluflow};
use serde_json::Value;
use std::path::Path;

/// Validates `doc` against the schema; the error names the failing key.
fn validate(doc: &Value, what: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/reluflow-v2.schema.json");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let id = compiler.compile(schema.to_str().expect("utf-8 path"), &mut schemas).expect("the schema compiles");
    if let Err(e) = schemas.validate(doc, id) {
        panic!("{what}: the JSON does not match the schema:\n{e:#}\n{doc:#}");
    }
}

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().expect("utf-8 path").to_string()
}

#[test]
fn certify_json_of_every_kind_of_run_matches_the_schema() {
    // Certified with a limit (single neuron; two-layer with a rate), a finite horizon, a point run.
    // The Clarke flow leaving sliding modes to both sides (events "activate", "slide-end").
    for (file, code) in [
        ("vardi-shamir-gamma1.toml", 0),
        ("two-layer-limit.toml", 0),
        ("norm-growth-fails.toml", 0),
        ("two-layer-slide-exit.toml", 0),
        ("two-layer-slide-end.toml", 0),
    ] {
        let r = reluflow(&["certify", &example(file), "--json", "--quiet"]);
        assert_eq!(r.code, Some(code), "{r:#?}");
        let v = r.json();
        validate(&v, file);
        assert_eq!((v["command"].as_str(), v["exit_code"].as_i64()), (Some("certify"), Some(code.into())));
        assert!(v["input"].as_str().is_some_and(|s| s.ends_with(file)), "{v}");
        assert_eq!(v["final"]["loss"].as_array().map(Vec::len), Some(2), "final.loss for both models: {v}");
    }
}

#[test]
fn a_failure_with_json_is_a_document_too() {
    let r = reluflow(&["certify", "/nonexistent/problem.toml", "--json"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    let v = r.json();
    validate(&v, "failure");
    assert_eq!((v["status"].as_str(), v["exit_code"].as_i64()), (Some("bad-input"), Some(2)));
}

#[test]
fn check_json_with_lemmas_matches_the_schema() {
    let args =
        ["check", &example("norm-growth-fails.toml"), "--json", "--quiet", "--lemma", "forall t: d/dt norm(w)^2 >= 0"];
    let r = reluflow(&args);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let v = r.json();
    validate(&v, "check --lemma");
    assert_eq!(v["lemmas"][0]["status"], "counterexample", "{v}");
}

#[test]
fn theorems_json_matches_the_schema() {
    validate(&reluflow(&["theorems", "--json"]).json(), "theorems");
    validate(&reluflow(&["theorems", "--json", "lsy.norm-growth"]).json(), "theorems ID");
}

#[test]
fn search_summary_matches_the_schema() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("s");
    let out = out.to_str().expect("utf-8 path");
    let r =
        reluflow(&["search", "--theorem", "lsy.norm-growth", "--cases", "6", "--seed", "7", "--out", out, "--json"]);
    let v = r.json();
    validate(&v, "search");
    assert_eq!(v["exit_code"].as_i64(), r.code.map(i64::from), "{v}");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s/summary.json")).unwrap()).unwrap();
    validate(&saved, "summary.json");
    let out = dir.path().join("l");
    let lemma = "forall t: d/dt norm(w)^2 >= 0";
    let r = reluflow(&[
        "search",
        "--lemma",
        lemma,
        "--cases",
        "3",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let v = r.json();
    validate(&v, "search --lemma");
    assert_eq!(v["exit_code"].as_i64(), r.code.map(i64::from), "{v}");
}

/// Check reports of examples with witnesses, vacuous rows and undecided rows: valid, one verdict
/// per row, and every witness names a segment `certify` reports (not a refined piece).
#[test]
fn check_json_has_one_verdict_per_row_and_one_numbering() {
    for file in ["norm-growth-zero-init-sigma-one.toml", "support-vector-reactivation.toml", "two-layer-explicit.toml"]
    {
        let c = reluflow(&["certify", &example(file), "--json", "--quiet"]).json();
        let segments = c["segments"].as_u64().expect("segments");
        let r = reluflow(&["check", &example(file), "--json", "--quiet"]);
        let v = r.json();
        validate(&v, file);
        assert_eq!(v["exit_code"].as_i64(), r.code.map(i64::from), "{file}");
        for row in v["rows"].as_array().expect("rows") {
            let (status, text) = (row["status"].as_str().unwrap(), row["explanation"].as_str().unwrap());
            assert!(text.starts_with(status), "{file}: the explanation contradicts the status: {row:#}");
            let at = &row["conclusion"]["witness"]["at"];
            if let Some(k) = at["segment"].as_u64() {
                assert!(k < segments, "{file}: witness at segment {k}, but certify reports {segments}: {row:#}");
            }
        }
    }
}
