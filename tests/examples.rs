//! The shipped examples: every file is accepted, and `certify` ends with a report's exit code.
//!
//! Every (model, arithmetic) combination has an integrator: `certify` must end with exit 0
//! (certified / not-validated) or 3 (undecided), with the documented JSON shape. Examples whose
//! header carries the marker `slow-example` (minutes in a debug build) are parsed but not run
//! here; `.ci/run` runs them with the release binary.

use crate::util::{examples_dir, reluflow};
use serde_json::Value;

fn example_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("examples/ exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_str().expect("utf-8 path").to_string())
        .collect();
    files.sort();
    files
}

fn is_pair(v: &Value) -> bool {
    matches!(v.as_array().map(Vec::as_slice), Some([Value::String(_), Value::String(_)]))
}

/// The documented shape of a `certify --json` report.
fn check_report_shape(v: &Value, exit: i32) {
    let status = v["status"].as_str().expect("status");
    match exit {
        0 => assert!(status == "certified" || status == "not-validated", "{v}"),
        3 => {
            assert_eq!(status, "undecided", "{v}");
            assert!(v["reason"].is_string() && v["certified_until"].is_string(), "{v}");
        }
        _ => unreachable!(),
    }
    for key in ["t_end", "arithmetic", "model", "loss"] {
        assert!(v[key].is_string(), "{key}: {v}");
    }
    assert!(v["precision"].is_u64() && v["relu_prime_at_zero"].is_u64(), "{v}");
    for e in v["events"].as_array().expect("events") {
        assert!(is_pair(&e["t"]) && e["point"].is_u64() && e["neuron"].is_u64(), "{e}");
        assert!(["activate", "deactivate", "death"].contains(&e["kind"].as_str().unwrap_or("")), "{e}");
    }
    let fin = &v["final"];
    assert!(is_pair(&fin["t"]), "{fin}");
    let w = fin["w"].as_array().expect("final.w");
    assert!(w.iter().all(is_pair) || w.iter().all(|r| r.as_array().is_some_and(|r| r.iter().all(is_pair))), "{fin}");
    if let Some(limit) = v.get("limit") {
        assert!(is_pair(&limit["loss"]), "{limit}");
        assert!(limit["w"].is_array(), "{limit}");
        if let Some(rate) = limit.get("rate") {
            for key in ["t0", "loss0", "mu"] {
                assert!(rate[key].as_str().is_some_and(|s| s.parse::<f64>().is_ok()), "{key}: {rate}");
            }
        }
    }
}

/// A two-layer limit t → ∞ (`examples/two-layer-limit.toml`): certified with a Polyak–Łojasiewicz
/// rate, the limit loss exactly 0, the limit box narrow, and the 1e-9 time after t0.
#[test]
fn two_layer_limit_example_is_certified_with_a_rate() {
    let f = examples_dir().join("two-layer-limit.toml").to_str().expect("utf-8 path").to_string();
    let r = reluflow(&["certify", &f, "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["status"], "certified", "{v}");
    let limit = &v["limit"];
    assert_eq!(limit["loss"], serde_json::json!(["0", "0"]), "{limit}");
    let rate = &limit["rate"];
    let num = |k: &str| rate[k].as_str().and_then(|s| s.parse::<f64>().ok()).unwrap_or_else(|| panic!("{k}: {rate}"));
    assert!(num("mu") > 0.0 && num("loss0") >= 0.0 && num("t0") >= 1.0, "{rate}");
    assert!(num("t_loss_below_1e_9") >= num("t0"), "{rate}");
    for row in limit["w"].as_array().expect("w rows") {
        for p in row.as_array().expect("pairs") {
            let lo: f64 = p[0].as_str().unwrap().parse().unwrap();
            let hi: f64 = p[1].as_str().unwrap().parse().unwrap();
            assert!(hi - lo < 1e-6, "limit box too wide: {p}");
        }
    }
}

#[test]
fn every_example_is_accepted_and_certify_ends_cleanly() {
    let files = example_files();
    assert!(files.len() >= 7, "{files:?}");
    for f in &files {
        if is_slow(f) {
            continue;
        }
        let r = reluflow(&["certify", f, "--json"]);
        let code = r.code.expect("not killed by a signal");
        assert!([0, 3].contains(&code), "{f}: exit {code}\n{r:#?}");
        check_report_shape(&r.json(), code);
    }
}

fn is_slow(f: &str) -> bool {
    std::fs::read_to_string(f)
        .expect("readable")
        .lines()
        .take_while(|l| l.starts_with('#'))
        .any(|l| l.contains("slow-example"))
}

/// Vardi–Shamir Theorem 3 end to end: w(∞) = (5, −1, s) with s in the theorem's interval
/// (`shared/papers/single-neuron-support-vectors.md` §4), certified by the command line.
#[test]
fn the_vardi_shamir_limits_are_certified_inside_the_theorem_intervals() {
    use reluflow_arith::exact::parse_exact;
    let cases = [
        ("gamma0", "0", "0"),
        ("gamma1", "-0.045", "-0.035"),
        ("gamma2", "-0.12", "-0.1"),
        ("gamma5", "-0.22", "-0.2"),
    ];
    for (name, lo, hi) in cases {
        let f = examples_dir().join(format!("vardi-shamir-{name}.toml")).to_str().expect("utf-8 path").to_string();
        let r = reluflow(&["certify", &f, "--json", "--digits", "30"]);
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        let v = r.json();
        assert_eq!(v["status"], "certified", "{name}: {v}");
        let w = v["limit"]["w"].as_array().expect("limit.w");
        let end = |k: usize, e: usize| parse_exact(w[k][e].as_str().unwrap()).unwrap();
        assert!(end(0, 0) == 5 && end(0, 1) == 5 && end(1, 0) == -1 && end(1, 1) == -1, "{name}: {w:?}");
        let (lo, hi) = (parse_exact(lo).unwrap(), parse_exact(hi).unwrap());
        if lo == hi {
            assert!(end(2, 0) == lo && end(2, 1) == hi, "{name}: {w:?}");
        } else {
            assert!(
                lo < end(2, 0) && end(2, 1) < hi,
                "{name}: s = [{}, {}] outside ({lo}, {hi})",
                end(2, 0),
                end(2, 1)
            );
        }
        let loss = &v["limit"]["loss"];
        assert_eq!(loss[0], "0", "{name}: {loss}");
        assert_eq!(loss[1], "0", "{name}: {loss}");
    }
}

#[test]
fn every_example_starts_with_an_explanation() {
    for f in example_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("# "), "{f} must open with comments saying what it is");
        assert!(text.contains("What to expect"), "{f} must say what to expect");
    }
}

#[test]
fn the_vardi_shamir_family_is_shipped() {
    let files = example_files();
    for name in [
        "vardi-shamir-gamma0",
        "vardi-shamir-gamma1",
        "vardi-shamir-gamma2",
        "vardi-shamir-gamma5",
        "vardi-shamir-gamma1-mpfr256",
        "two-layer-tiny-init",
        "two-layer-explicit",
    ] {
        assert!(files.iter().any(|f| f.ends_with(&format!("/{name}.toml"))), "{name} missing");
    }
}
