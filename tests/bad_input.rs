//! Every class of bad problem file exits with code 2 and a message that names the file, the field,
//! the value and what was expected (also as a JSON error object with `--json`).

use crate::util::{VALID, certify_text, reluflow};

/// Runs `certify` on `text` (a mutation of [`VALID`]) and checks exit 2 and the message fragments.
fn refused(text: &str, fragments: &[&str]) {
    let r = certify_text("problem.toml", text, &[]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stdout.is_empty(), "nothing on stdout without --json: {r:#?}");
    assert!(r.stderr.contains("problem.toml"), "file not named: {}", r.stderr);
    for f in fragments {
        assert!(r.stderr.contains(f), "`{f}` missing from: {}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let j = certify_text("problem.toml", text, &["--json"]);
    assert_eq!(j.code, Some(2));
    let v = j.json();
    assert_eq!(v["status"], "bad-input");
    assert_eq!(v["exit_code"], 2);
    assert!(v["message"].as_str().unwrap().contains(fragments[0]), "{v}");
}

fn with(old: &str, new: &str) -> String {
    assert!(VALID.contains(old), "{old}");
    VALID.replacen(old, new, 1)
}

#[test]
fn ragged_matrix() {
    refused(&with("[0, \"1\", 1]]", "[0, 1]]"), &["data.x[2]", "`[0, 1]`", "a row of 3 numbers"]);
}

#[test]
fn dimension_mismatch() {
    refused(&with("w = [0, 0, 0]", "w = [0, 0]"), &["init.w", "has 2 coordinates but the data points have 3"]);
    refused(&with("y = [16, 18, 0]", "y = [16, 18, 0, 1]"), &["data.y", "has 4 labels but data.x has 3 points"]);
}

#[test]
fn nan_and_inf() {
    refused(&with("\"1\"", "nan"), &["data.x[2][1]", "`nan`", "expected a finite number"]);
    refused(&with("\"1\"", "-inf"), &["data.x[2][1]", "`-inf`", "expected a finite number"]);
    refused(&with("\"1\"", "\"inf\""), &["data.x[2][1]", "`\"inf\"`", "expected a finite number"]);
}

#[test]
fn empty_data() {
    refused(
        &with("x = [[3, -1, 0], [4, 2, 0], [0, \"1\", 1]]\ny = [16, 18, 0]", "x = []\ny = []"),
        &["data.x", "an empty list", "at least one data point"],
    );
}

#[test]
fn precision_that_does_not_apply() {
    refused(
        &with("arithmetic = \"interval\"", "arithmetic = \"interval\"\nprecision = 256"),
        &["run.precision", "`256`", "computes in f64 (53 bits)", "arithmetic = \"mpfr-interval\""],
    );
}

#[test]
fn unknown_keys() {
    refused(&with("[run]", "[run]\nsteps = 10"), &["unknown key `run.steps`", "`t_end`, `arithmetic`, `precision`"]);
    refused(&with("y = [", "teachr = [1, 1, 1]\ny = ["), &["unknown key `data.teachr`", "did you mean `teacher`?"]);
}

#[test]
fn precision_out_of_range() {
    let mpfr = with("arithmetic = \"interval\"", "arithmetic = \"mpfr-interval\"\nprecision = -256");
    refused(&mpfr, &["run.precision", "`-256`", "a number of bits from 8 to"]);
    refused(&mpfr.replace("-256", "4"), &["run.precision", "`4`", "a number of bits from 8 to"]);
}

#[test]
fn teacher_and_labels_both_given() {
    refused(
        &with("y = [16, 18, 0]", "y = [16, 18, 0]\nteacher = [5, -1, 0]"),
        &["data.teacher", "both `y` and `teacher`"],
    );
}

#[test]
fn missing_fields() {
    refused(
        &with("model = \"single-neuron\"\n", ""),
        &["model: missing", "expected \"single-neuron\" or \"two-layer\""],
    );
    refused(&with("t_end = \"inf\"\n", ""), &["run.t_end: missing", "expected a time"]);
}

#[test]
fn wrong_types() {
    refused(&with("t_end = \"inf\"", "t_end = true"), &["run.t_end", "`true` (a boolean)", "a time ≥ 0, or \"inf\""]);
    refused(&with("\"interval\"", "64"), &["run.arithmetic", "`64` (an integer)", "one of \"f64\""]);
    refused(
        &with("relu_prime_at_zero = 1", "relu_prime_at_zero = \"one\""),
        &["relu_prime_at_zero", "`\"one\"` (a string)", "0 or 1"],
    );
}

#[test]
fn model_and_init_disagree() {
    refused(
        &with("w = [0, 0, 0]", "scale = \"1e-600\"\nz = [[1, 0, 0]]\ns = [1]"),
        &["init", "model = \"single-neuron\" takes `w = [...]`"],
    );
    let two = with("\"single-neuron\"", "\"two-layer\"");
    refused(&two, &["init.w", "model = \"two-layer\" takes"]);
}

#[test]
fn toml_syntax_error_shows_line_and_column() {
    refused(&with("y = [16, 18, 0]", "y = [16, 18, 0"), &["TOML parse error at line", "column"]);
}

#[test]
fn unreadable_file() {
    let r = reluflow(&["certify", "/nonexistent/dir/problem.toml"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("/nonexistent/dir/problem.toml: cannot read the problem file"), "{}", r.stderr);
}
