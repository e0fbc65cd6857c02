//! `reluflow check`: verdicts, witnesses and exit codes on the shipped examples.

use crate::util::{TempSpec, examples_dir, reluflow};
use serde_json::Value;

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().expect("utf-8 path").to_string()
}

fn row<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["rows"].as_array().expect("rows").iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no row {id}: {v}"))
}

#[test]
fn norm_growth_holds_on_its_example() {
    let r = reluflow(&["check", &example("norm-growth-holds.toml"), "--theorem", "lsy.norm-growth", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["outcome"], "all-hold");
    assert_eq!(v["trajectory"]["status"], "certified");
    assert_eq!(v["trajectory"]["certified_until"], "8");
    let row = row(&v, "lsy.norm-growth");
    assert_eq!(row["status"], "holds", "{row}");
    assert_eq!(row["conclusion"]["verdict"], "holds");
    assert_eq!(row["conclusion"]["range"], "t ∈ [0, 8]");
    assert!(r.stderr.contains("outcome: ALL HOLD"), "human text on stderr: {}", r.stderr);
    // The human form on stdout.
    let r = reluflow(&["check", &example("norm-growth-holds.toml"), "--theorem", "lsy.norm-growth"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.lines().any(|l| l.starts_with("lsy.norm-growth") && l.contains("holds")), "{}", r.stdout);
}

#[test]
fn norm_growth_fails_with_a_certified_witness() {
    let r = reluflow(&["check", &example("norm-growth-fails.toml"), "--theorem", "lsy.norm-growth", "--json"]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let v = r.json();
    assert_eq!((v["outcome"].as_str(), v["exit_code"].as_u64()), (Some("some-violated"), Some(4)));
    let row = row(&v, "lsy.norm-growth");
    assert_eq!(row["status"], "counterexample", "{row}");
    let c = &row["conclusion"];
    assert_eq!(c["verdict"], "violated");
    let w = &c["witness"];
    assert_eq!((w["at"]["kind"].as_str(), w["at"]["segment"].as_u64()), (Some("segment"), Some(0)), "{w}");
    assert!(row["explanation"].as_str().is_some_and(|s| s.starts_with("counterexample: ")), "{row}");
    // The claim as data: d/dt ½‖w‖² >= 0.
    assert_eq!(
        (w["bound"]["relation"].as_str(), &w["bound"]["bound"]),
        (Some(">="), &serde_json::json!(["0", "0"])),
        "{w}"
    );
    assert!(w["quantity"].as_str().is_some_and(|s| s.contains("‖w‖²")), "{w}");
    // d/dt ½‖w‖² = −e^{−2t} on [0, t₁]: the enclosure lies strictly below 0.
    let hi: f64 = w["value"][1].as_str().expect("value [lo, hi]").parse().expect("a decimal");
    assert!(hi < 0.0, "{w}");
    assert!(r.stderr.contains("VIOLATED"), "{}", r.stderr);
}

#[test]
fn assuming_a_false_hypothesis_makes_the_row_vacuous() {
    let args = ["check", &example("norm-growth-fails.toml"), "--theorem", "lsy.norm-growth", "--json"];
    let r = reluflow(&[&args[..], &["--assume", "all-active-init"]].concat());
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    let row = row(&v, "lsy.norm-growth");
    assert_eq!(row["status"], "vacuous", "{row}");
    let h = row["hypotheses"].as_array().unwrap().iter().find(|h| h["id"] == "all-active-init").unwrap();
    assert_eq!((h["assumed"].as_bool(), h["truth"].as_str()), (Some(true), Some("false")), "{h}");
    // One verdict: the explanation says vacuous and names the false hypothesis; the conclusion's
    // own violation is quoted as the conclusion's alone.
    let text = row["explanation"].as_str().expect("explanation");
    assert!(text.starts_with("vacuous: assumed hypothesis all-active-init"), "{text}");
    assert!(text.contains("the conclusion on its own is violated"), "{text}");
}

#[test]
fn vardi_shamir_limit_holds() {
    let r = reluflow(&["check", &example("vardi-shamir-gamma1.toml"), "--theorem", "vs.thm3-limit", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["trajectory"]["certified_until"], "inf");
    assert_eq!(row(&v, "vs.thm3-limit")["status"], "holds");
    // Theorem 8 with the minimum-norm interpolant (5, −1, 0), a zero-loss point of X_1.
    let args = ["check", &example("vardi-shamir-gamma1.toml"), "--theorem", "vs.thm8-distance", "--json"];
    let r = reluflow(&[&args[..], &["--w-star", "5,-1,0"]].concat());
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    let row = row(&v, "vs.thm8-distance");
    assert_eq!(row["status"], "holds", "{row}");
    assert_eq!(row["hypotheses"][0]["truth"], "true", "{row}");
}

#[test]
fn norm_growth_on_vardi_shamir_holds_up_to_the_limit() {
    // The last segment's tail [T, ∞) is decided by the residual's modes, for every γ > 0.
    for g in ["1", "2", "5"] {
        let spec = example(&format!("vardi-shamir-gamma{g}.toml"));
        let r = reluflow(&["check", &spec, "--theorem", "lsy.norm-growth", "--json"]);
        assert_eq!(r.code, Some(0), "γ = {g}: {r:#?}");
        assert_eq!(row(&r.json(), "lsy.norm-growth")["status"], "holds", "γ = {g}");
    }
}

#[test]
fn every_default_entry_on_vardi_shamir_ends_cleanly() {
    let r = reluflow(&["check", &example("vardi-shamir-gamma1.toml"), "--json"]);
    assert!(matches!(r.code, Some(0 | 3)), "{r:#?}");
    let v = r.json();
    assert_eq!(v["exit_code"].as_i64().map(|c| c as i32), r.code);
    let rows = v["rows"].as_array().expect("rows");
    assert!(rows.len() >= 5, "{v}");
    for row in rows {
        assert!(row["id"].is_string() && row["source"].is_string() && row["status"].is_string(), "{row}");
        assert!(["holds", "violated", "undecided"].contains(&row["conclusion"]["verdict"].as_str().unwrap_or("")));
        assert!(row["conclusion"]["text"].is_string() && row["notes"].is_array(), "{row}");
        assert_ne!(row["status"], "counterexample", "{row}");
    }
    let statuses: Vec<&str> = rows.iter().filter_map(|r| r["status"].as_str()).collect();
    assert_eq!(r.code == Some(3), statuses.contains(&"undecided"), "{statuses:?}");
}

#[test]
fn a_point_run_gives_not_validated_rows_and_exit_0() {
    let text = std::fs::read_to_string(example("norm-growth-fails.toml"))
        .unwrap()
        .replace("arithmetic = \"interval\"", "arithmetic = \"f64\"");
    let spec = TempSpec::new("f64.toml", &text);
    let r = reluflow(&["check", spec.arg(), "--theorem", "lsy.norm-growth", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(
        (v["outcome"].as_str(), v["trajectory"]["status"].as_str()),
        (Some("not-validated"), Some("not-validated"))
    );
    let row = row(&v, "lsy.norm-growth");
    assert_eq!((row["status"].as_str(), row["validated"].as_bool()), (Some("not validated"), Some(false)), "{row}");
    assert!(r.stderr.starts_with("NOT VALIDATED"), "{}", r.stderr);
}

#[test]
fn unknown_ids_and_keys_are_bad_input() {
    let spec = example("norm-growth-holds.toml");
    let r = reluflow(&["check", &spec, "--theorem", "lsy.no-such-thing"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("lsy.no-such-thing") && r.stderr.contains("lsy.norm-growth"), "{}", r.stderr);
    let r = reluflow(&["check", &spec, "--assume", "no-such-hyp", "--json"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert_eq!(r.json()["status"], "bad-input");
    assert!(r.stderr.contains("no-such-hyp"), "{}", r.stderr);
}

#[test]
fn the_teacher_hypothesis_is_decided_for_explicit_labels() {
    let text = std::fs::read_to_string(example("norm-growth-overshoot.toml")).unwrap();
    let truth = |data: &str| {
        let spec = TempSpec::new("labels.toml", &text.replace("x = [[2]]\nteacher = [\"0.5\"]", data));
        let args = ["check", spec.arg(), "--theorem", "lsy.norm-growth", "--assume", "teacher", "--json"];
        let r = reluflow(&args);
        let v = r.json();
        let row = row(&v, "lsy.norm-growth");
        let h = row["hypotheses"].as_array().unwrap().iter().find(|h| h["id"] == "teacher").unwrap().clone();
        (r.code, row["status"].as_str().unwrap().to_string(), h)
    };
    // y = 1 at x = 2: the teacher v = 1/2 is found and checked.
    let (code, status, h) = truth("x = [[2]]\ny = [1]");
    assert_eq!((code, h["truth"].as_str()), (Some(4), Some("true")), "{h}");
    assert_eq!(status, "counterexample", "{h}");
    // y = (1, 1) at x = 2 and x = 4: no teacher, proved; the row is vacuous, not undecided.
    let (code, status, h) = truth("x = [[2], [4]]\ny = [1, 1]");
    assert_eq!((code, h["truth"].as_str(), status.as_str()), (Some(0), Some("false"), "vacuous"), "{h}");
    assert!(h.to_string().contains("cannot be labelled together"), "{h}");
}

#[test]
fn a_parameter_of_the_wrong_shape_is_bad_input_not_vacuous() {
    // d = 3: a w* of length 2 is a typing mistake, not a false hypothesis.
    let spec = example("vardi-shamir-gamma1.toml");
    let r = reluflow(&["check", &spec, "--theorem", "vs.thm8-distance", "--w-star", "5,-1", "--json"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert_eq!(r.json()["status"], "bad-input");
    assert!(r.stderr.contains("--w-star has 2 coordinates but the data points have d = 3"), "{}", r.stderr);
}

#[test]
fn check_help_teaches_verdicts_hypotheses_and_examples() {
    let r = reluflow(&["check", "--help"]);
    assert_eq!(r.code, Some(0));
    for needle in [
        "holds",
        "violated",
        "undecided",
        "counterexample",
        "--assume",
        "--no-assume",
        "--small-init-radius",
        "reluflow check examples/norm-growth-fails.toml --theorem lsy.norm-growth",
        "NOT VALIDATED",
        "Exit codes:",
    ] {
        assert!(r.stdout.contains(needle), "`{needle}` missing from check --help:\n{}", r.stdout);
    }
}

/// A point a neuron slides along (Clarke flow) still contributes (σ'(0) = α ∈ (0, 1)): sliding
/// and then leaving to the active side is no reactivation of an inactive point.
#[test]
fn a_point_slid_along_has_not_left_the_support() {
    let id = "lsy.support-vector-stability";
    let r = reluflow(&["check", &example("two-layer-slide-exit.toml"), "--theorem", id, "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(row(&v, id)["status"], "holds", "{v}");
}
