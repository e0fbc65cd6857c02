//! Flat guards: certificates of runs that start with a point on its hyperplane whose guard stays
//! 0 (`tests/data/flat-*.json`, written by `reluflow certify --certificate`; `tests/certificate.rs`
//! of the binary keeps them current) verify; the claim removed, or made for a point whose guard
//! could rise from 0 (a positive label, σ'(0)·y ≠ 0, a direction not orthogonal to the active
//! points, a point off its hyperplane), fails.

use reluflow_certificate::from_text;
use serde_json::{Value, json};

/// `x = e₁, e₂`, `y = (1, 0)`, `w(0) = (2, 0)`, σ'(0) = 0, `t_end = 1`: point 1 stays on its
/// hyperplane (`y₁ = 0`).
const HORIZON: &str = include_str!("data/flat-horizon.json");
/// `x = e₁, e₂, e₁ − e₃`, `y = (3, −1, 0)`, `w(0) = (1, 0, 2)`, `t_end = inf`: point 2 switches
/// on, point 1 stays on its hyperplane (`y₁ = −1`), and the run ends at its limit.
const SWITCH: &str = include_str!("data/flat-switch-limit.json");

fn doc(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn run(v: &Value) -> Result<String, String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    reluflow_verify::verify(&c).map(|r| r.ending.to_string()).map_err(|f| f.to_string())
}

fn fails_at(v: &Value, place: &str) {
    match run(v) {
        Ok(_) => panic!("verified, but the flat guard was made false ({place})"),
        Err(f) => assert!(f.starts_with(place), "failed elsewhere than {place}: {f}"),
    }
}

#[test]
fn certificates_with_a_flat_guard_verify() {
    assert_eq!(run(&doc(HORIZON)), Ok("horizon".into()));
    assert_eq!(run(&doc(SWITCH)), Ok("limit".into()));
    assert_eq!(doc(SWITCH)["flat"], json!([1]));
}

#[test]
fn without_the_flat_claim_the_guard_is_not_decided() {
    // y₁ = 0: no first derivative excludes the cell with point 1 active.
    let mut v = doc(HORIZON);
    v.as_object_mut().unwrap().remove("flat");
    fails_at(&v, "pattern 0 / start");
    // y₁ = −1: the start is decided, but the guard never leaves 0.
    let mut v = doc(SWITCH);
    v.as_object_mut().unwrap().remove("flat");
    fails_at(&v, "pattern 0 / step 0 / guard 1");
}

#[test]
fn a_flat_claim_for_a_guard_that_could_rise_fails() {
    // A positive label: on the positive side the guard's rate is 2c y₁ > 0 at 0.
    let mut v = doc(SWITCH);
    v["problem"]["y"][1] = json!("1");
    fails_at(&v, "flat / point 1");
    // σ'(0) = 1 with y₁ ≠ 0: on the hyperplane the point's term 2c y₁ σ'(0) x₁ moves it.
    let mut v = doc(SWITCH);
    v["problem"]["relu_prime_at_zero"] = json!(1);
    fails_at(&v, "flat / point 1");
    // x₁ = (2, 1, −1): still on its hyperplane at w(0), but not orthogonal to x₀ (K x₁ ≠ 0).
    let mut v = doc(SWITCH);
    v["problem"]["x"][1] = json!(["2", "1", "-1"]);
    fails_at(&v, "flat / point 1");
    // A point off its hyperplane, and an active one.
    let mut v = doc(SWITCH);
    v["flat"] = json!([0, 1]);
    fails_at(&v, "flat / point 0");
    let mut v = doc(SWITCH);
    v["flat"] = json!([1, 2]);
    fails_at(&v, "flat / point 2");
}
