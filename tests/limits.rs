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

/// A two-layer problem with `m = 20`, `d = 2000`: its Lohner matrices alone need ~50 GB.
fn oversized() -> String {
    let (m, d) = (20, 2000);
    let row = |v: &str| format!("[{}]", vec![v; d].join(","));
    let w: Vec<String> = (0..m).map(|_| row("0.01")).collect();
    format!(
        "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-mean\"\n[data]\nx = [{}]\ny = [1]\n[init]\nw = [{}]\na = [{}]\n[run]\nt_end = 1\narithmetic = \"interval\"\n",
        row("0.5"),
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
