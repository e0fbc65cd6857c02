//! The edge of the machine: a wall-clock budget that binds (also inside one step's bisection),
//! and a problem too large for the memory limit refused up front with the cause and the setting,
//! never an abort.

use crate::util::{TempSpec, certify_text, reluflow};
use std::process::Command;

/// Two points 1e-12 apart at 512 bits: without a budget this runs for many minutes.
const CLOSE: &str = r#"model = "single-neuron"
relu_prime_at_zero = 0
loss = "half-sum"
[data]
x = [[1, 1], [1, "1.000000000001"]]
y = [1, -1]
[init]
w = ["0.5", "0.5"]
[run]
t_end = "inf"
arithmetic = "mpfr-interval"
precision = 512
"#;

#[test]
fn the_time_limit_ends_the_run_undecided_with_the_setting_to_change() {
    let start = std::time::Instant::now();
    let r = certify_text("close.toml", CLOSE, &["--time-limit", "1"]);
    assert!(start.elapsed().as_secs_f64() < 30.0, "took {:?}", start.elapsed());
    assert_eq!(r.code, Some(3), "{r:#?}");
    assert!(r.stdout.contains("UNDECIDED") && r.stdout.contains("--time-limit"), "{}", r.stdout);
    let j = certify_text("close.toml", CLOSE, &["--time-limit", "1", "--json"]).json();
    assert_eq!(j["status"], "undecided");
    assert_eq!(j["reason"]["kind"], "budget", "{j}");
    assert!(j["reason"]["text"].as_str().unwrap().contains("wall-clock time limit"), "{j}");
    for bad in ["-1", "inf", "soon"] {
        let r = certify_text("close.toml", CLOSE, &["--time-limit", bad]);
        assert_eq!(r.code, Some(2), "--time-limit {bad}: {r:#?}");
    }
    for cmd in ["certify", "check"] {
        let r = reluflow(&[cmd, "--help"]);
        assert!(r.stdout.contains("--time-limit"), "{cmd} --help:\n{}", r.stdout);
    }
}

/// A two-layer problem with `m = 20`, `d = 2000` and `n = 65` points (more than the integrator
/// reduces to the data's span, so it works in all `d` coordinates): its Lohner matrices alone need
/// ~50 GB.
fn oversized() -> String {
    let (m, d, n) = (20, 2000, 65);
    let row = |v: &str| format!("[{}]", vec![v; d].join(","));
    let w: Vec<String> = (0..m).map(|_| row("0.01")).collect();
    let x: Vec<String> = (0..n).map(|_| row("0.5")).collect();
    format!(
        "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-mean\"\n[data]\nx = [{}]\ny = [{}]\n[init]\nw = [{}]\na = [{}]\n[run]\nt_end = 1\narithmetic = \"interval\"\n",
        x.join(","),
        vec!["1"; n].join(","),
        w.join(","),
        vec!["0.1"; m].join(",")
    )
}

#[test]
fn an_oversized_problem_under_a_memory_limit_is_refused_with_the_cause() {
    let spec = TempSpec::new("big.toml", &oversized());
    let out = Command::new("sh")
        .args(["-c", "ulimit -v 4000000 && exec \"$0\" certify \"$1\"", env!("CARGO_BIN_EXE_reluflow"), spec.arg()])
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for needle in ["too large", "Lohner", "m = 20", "d = 2000", "ulimit -v", "reduce the width m"] {
        assert!(stderr.contains(needle), "`{needle}` missing: {stderr}");
    }
}

#[test]
fn the_problem_file_carries_budgets_and_the_flags_win() {
    // `[run] time_limit` binds like the flag; the flag overrides it.
    let with_key = CLOSE.replace("precision = 512", "precision = 512\ntime_limit = 1");
    let start = std::time::Instant::now();
    let j = certify_text("close.toml", &with_key, &["--json"]).json();
    assert!(start.elapsed().as_secs_f64() < 30.0, "took {:?}", start.elapsed());
    assert_eq!(j["reason"]["kind"], "budget", "{j}");
    assert!(j["reason"]["text"].as_str().unwrap().contains("[run] time_limit"), "{j}");
    let j = certify_text("close.toml", &with_key, &["--json", "--time-limit", "2"]).json();
    assert!(j["reason"]["text"].as_str().unwrap().contains("limit of 2 s"), "{j}");
    // A bad budget names the key, the value and what was expected.
    let bad = CLOSE.replace("precision = 512", "precision = 512\nmemory_limit = -5");
    let r = certify_text("close.toml", &bad, &[]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("run.memory_limit") && r.stderr.contains("megabytes ≥ 0"), "{}", r.stderr);
}

#[test]
fn a_run_past_its_memory_budget_ends_undecided_with_what_it_certified() {
    // Every process holds more than one megabyte: the first poll stops the run.
    let r = certify_text("close.toml", CLOSE, &["--memory-limit", "1"]);
    assert_eq!(r.code, Some(3), "{r:#?}");
    assert!(r.stdout.contains("UNDECIDED") && r.stdout.contains("certified up to t = "), "{}", r.stdout);
    assert!(r.stdout.contains("memory budget of 1 MB") && r.stdout.contains("--memory-limit MB"), "{}", r.stdout);
    let j = certify_text("close.toml", CLOSE, &["--memory-limit", "1", "--json"]).json();
    assert_eq!(j["reason"]["kind"], "budget", "{j}");
    assert_eq!(j["exit_code"], 3, "{j}");
    for bad in ["-1", "lots"] {
        assert_eq!(certify_text("close.toml", CLOSE, &["--memory-limit", bad]).code, Some(2), "{bad}");
    }
}

#[test]
fn precision_that_cannot_be_reached_says_so_and_names_the_setting() {
    // In f64 intervals the two crossings 1e-12 apart are not resolved: the reason says so and the
    // advice names the arithmetic and the precision to try next.
    let f64_iv = CLOSE.replace("arithmetic = \"mpfr-interval\"\nprecision = 512", "arithmetic = \"interval\"");
    let r = certify_text("close.toml", &f64_iv, &[]);
    assert_eq!(r.code, Some(3), "{r:#?}");
    assert!(r.stdout.contains("to go further:") && r.stdout.contains("precision = 128"), "{}", r.stdout);
    let j = certify_text("close.toml", &f64_iv, &["--json"]).json();
    let advice = j["reason"]["advice"].as_str().unwrap_or_default();
    assert!(advice.contains("arithmetic = \"mpfr-interval\" with precision = 128"), "{j}");
}

#[test]
fn a_step_that_outlasts_the_time_limit_is_stopped_by_the_backstop() {
    // At a million bits the set-up takes about a second and the first matrix exponential minutes:
    // the integrator cannot poll in time, so the backstop ends the process 5 s past the limit,
    // with exit 3 and the reason.
    let huge = CLOSE.replace("precision = 512", "precision = 1048576");
    let start = std::time::Instant::now();
    let r = certify_text("close.toml", &huge, &["--time-limit", "10"]);
    assert!(start.elapsed().as_secs_f64() < 60.0, "took {:?}", start.elapsed());
    assert_eq!(r.code, Some(3), "{r:#?}");
    for needle in ["UNDECIDED", "time limit of 10 s passed", "inside one step", "--time-limit", "run.precision"] {
        assert!(r.stderr.contains(needle), "`{needle}` missing: {}", r.stderr);
    }
}
