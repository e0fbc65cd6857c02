//! The checker's verdicts in certificates (`tests/data/check-*.json`, written by `reluflow check
//! --certificate`; `tests/certificate.rs` of the binary keeps them current): each checked verdict
//! is re-proved; a flipped verdict, a witness moved off its times, a witness value moved past the
//! true one fail at that verdict; a weakened claim (a looser bound, shorter times, a verdict
//! written as unchecked) is accepted as what it is.

use reluflow_certificate::from_text;
use rug::Rational;
use serde_json::{Value, json};

const FAILS: &str = include_str!("data/check-norm-growth-fails.json");
const HOLDS: &str = include_str!("data/check-norm-growth-holds.json");
const ZERO: &str = include_str!("data/check-norm-growth-zero-init-sigma-one.json");
const DEATH: &str = include_str!("data/check-single-neuron-death.json");
const GAMMA1: &str = include_str!("data/check-vardi-shamir-gamma1.json");
/// `K = diag(1, 9)`, `w(s) = (1, 1) + (10⁻³e^{−s}, −e^{−9s}/2)`: the norm grows until `s ≈ 1.05`,
/// then shrinks for ever (the slow mode's `−gᵀu₁ < 0`); the checker's witness on the tail has no
/// value, so its violation is written unchecked.
const LATE: &str = include_str!("data/check-late-tail.json");

fn doc(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn q(v: &Value) -> Rational {
    v.as_str().unwrap().parse().unwrap()
}

fn s(r: &Rational) -> Value {
    Value::String(r.to_string())
}

/// The verifier's answer: the verdicts' `(entry, verdict, checked)`, or the failure's text.
fn run(v: &Value) -> Result<Vec<(String, &'static str, bool)>, String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    let r = reluflow_verify::verify(&c).map_err(|f| f.to_string())?;
    Ok(r.verdicts.into_iter().map(|v| (v.entry, v.verdict, v.checked)).collect())
}

/// The index of the verdict on `entry`.
fn at(v: &Value, entry: &str) -> usize {
    v["verdicts"].as_array().unwrap().iter().position(|x| x["entry"] == entry).expect(entry)
}

fn fails_at(v: &Value, entry: &str, place: &str) {
    let k = at(v, entry);
    let want = format!("verdict {k} ({entry}){place}");
    match run(v) {
        Ok(_) => panic!("verified, but verdict {k} ({entry}) was made false"),
        Err(f) => assert!(f.starts_with(&want), "failed elsewhere than {want}: {f}"),
    }
}

fn checked(v: &Value, entry: &str, verdict: &str) {
    let r = run(v).unwrap_or_else(|f| panic!("{entry}: {f}"));
    let k = at(v, entry);
    assert_eq!((r[k].0.as_str(), r[k].1, r[k].2), (entry, verdict, true), "{r:?}");
}

#[test]
fn the_checked_verdicts_of_the_examples_are_re_proved() {
    for (text, entry, verdict) in [
        (FAILS, "lsy.norm-growth", "violated"),
        (HOLDS, "lsy.norm-growth", "holds"),
        (ZERO, "lsy.norm-growth", "violated"),
        (ZERO, "lsy.support-vector-stability", "violated"),
        (DEATH, "lsy.norm-growth", "violated"),
        (DEATH, "lsy.global-convergence-d2", "violated"),
        (GAMMA1, "lsy.global-convergence-d2", "holds"),
        (GAMMA1, "lsy.support-vector-stability", "holds"),
        (HOLDS, "gen.loss-nonincreasing", "holds"),
        (HOLDS, "gen.dist-to-interpolant", "holds"),
        (HOLDS, "vs.thm8-distance", "holds"),
        (GAMMA1, "vs.thm3-limit", "holds"),
        // The norm's growth for ever on the limit's tail, by the slow mode.
        (GAMMA1, "lsy.norm-growth", "holds"),
    ] {
        checked(&doc(text), entry, verdict);
    }
    // What the verifier has no argument for is listed as unchecked, not as proved: a violation
    // on the tail without a value.
    let r = run(&doc(LATE)).unwrap();
    let k = at(&doc(LATE), "lsy.norm-growth");
    assert_eq!((r[k].1, r[k].2), ("violated", false));
}

/// A witness of the kind `entry` takes, made up (false on these runs).
fn made_up(entry: &str) -> Value {
    match entry {
        "lsy.norm-growth" => json!({"kind": "rate", "t": ["0", "1/2"], "below": "-1/1000"}),
        "lsy.support-vector-stability" => json!({"kind": "reactivation", "point": 0, "patterns": [0, 0, 0]}),
        _ => json!({"kind": "limit-loss", "above": "1/1000000"}),
    }
}

#[test]
fn a_flipped_verdict_fails_at_that_verdict() {
    for (text, entry) in [
        (FAILS, "lsy.norm-growth"),
        (HOLDS, "lsy.norm-growth"),
        (ZERO, "lsy.support-vector-stability"),
        (DEATH, "lsy.global-convergence-d2"),
        (GAMMA1, "lsy.global-convergence-d2"),
        (GAMMA1, "lsy.support-vector-stability"),
        (HOLDS, "gen.loss-nonincreasing"),
        (HOLDS, "gen.span"),
        (HOLDS, "gen.dist-to-interpolant"),
        (GAMMA1, "vs.thm3-limit"),
    ] {
        let mut v = doc(text);
        let k = at(&v, entry);
        let slot = &mut v["verdicts"][k];
        let o = slot.as_object_mut().unwrap();
        if o.remove("witness").is_some() {
            o.insert("verdict".into(), "holds".into());
        } else {
            o.remove("w_star");
            o.insert("verdict".into(), "violated".into());
            o.insert("witness".into(), made_up(entry));
        }
        fails_at(&v, entry, "");
    }
}

#[test]
fn a_witness_moved_off_its_times_fails_at_that_verdict() {
    // The rate of a decaying norm: at the end of the horizon it is far above the bound.
    let mut v = doc(FAILS);
    let k = at(&v, "lsy.norm-growth");
    v["verdicts"][k]["witness"]["t"] = json!(["7", "8"]);
    fails_at(&v, "lsy.norm-growth", " / witness");
    // The death: the rate is negative only before it; past it the times lie in no pattern.
    let mut v = doc(DEATH);
    let k = at(&v, "lsy.norm-growth");
    let t1 = q(&v["verdicts"][k]["witness"]["t"][1]);
    v["verdicts"][k]["witness"]["t"] = json!([s(&(t1.clone() + 5)), s(&(t1 + 6))]);
    fails_at(&v, "lsy.norm-growth", " / witness / t");
    // The decrease: the later times moved back before the earlier ones.
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.norm-growth");
    let w = &mut v["verdicts"][k]["witness"];
    w["later"] = json!(["0", "0"]);
    fails_at(&v, "lsy.norm-growth", " / witness");
    // The decrease: the later times moved to t = 1/2 (the norm grew from 0 until then).
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.norm-growth");
    let e = v["verdicts"][k]["witness"]["earlier"].clone();
    v["verdicts"][k]["witness"]["earlier"] = json!(["1/2", "1/2"]);
    v["verdicts"][k]["witness"]["later"] = e;
    fails_at(&v, "lsy.norm-growth", " / witness / earlier");
    // The reactivation: the inactive pattern moved onto one where the point is active.
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.support-vector-stability");
    v["verdicts"][k]["witness"]["patterns"][1] = v["verdicts"][k]["witness"]["patterns"][0].clone();
    fails_at(&v, "lsy.support-vector-stability", " / witness / patterns[1]");
}

#[test]
fn a_witness_value_moved_past_the_true_one_fails_at_that_verdict() {
    let mut v = doc(FAILS);
    let k = at(&v, "lsy.norm-growth");
    let b = q(&v["verdicts"][k]["witness"]["below"]);
    v["verdicts"][k]["witness"]["below"] = s(&(b * 4u32));
    fails_at(&v, "lsy.norm-growth", " / witness");
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.norm-growth");
    let a = q(&v["verdicts"][k]["witness"]["above"]);
    v["verdicts"][k]["witness"]["above"] = s(&(a + Rational::from((1, 1000))));
    fails_at(&v, "lsy.norm-growth", " / witness / earlier");
    let mut v = doc(DEATH);
    let k = at(&v, "lsy.global-convergence-d2");
    let a = q(&v["verdicts"][k]["witness"]["above"]);
    v["verdicts"][k]["witness"]["above"] = s(&(a * 2u32));
    fails_at(&v, "lsy.global-convergence-d2", " / witness / above");
    // The point changed: it is not active in the first pattern named.
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.support-vector-stability");
    let p = v["verdicts"][k]["witness"]["point"].as_u64().unwrap();
    v["verdicts"][k]["witness"]["point"] = json!((p + 1) % 3);
    fails_at(&v, "lsy.support-vector-stability", " / witness / patterns");
}

/// The zero-loss point of the distance statements is checked: moved off, or missing, it fails.
#[test]
fn a_zero_loss_point_that_is_none_fails() {
    for entry in ["gen.dist-to-interpolant", "vs.thm8-distance"] {
        let mut v = doc(HOLDS);
        let k = at(&v, entry);
        let w = q(&v["verdicts"][k]["w_star"][0]);
        v["verdicts"][k]["w_star"][0] = s(&(w + Rational::from((1, 1u64 << 40))));
        fails_at(&v, entry, " / w_star");
        v["verdicts"][k].as_object_mut().unwrap().remove("w_star");
        fails_at(&v, entry, "");
    }
}

#[test]
fn a_weakened_claim_is_accepted_as_what_it_is() {
    let mut v = doc(FAILS);
    let k = at(&v, "lsy.norm-growth");
    let b = q(&v["verdicts"][k]["witness"]["below"]);
    v["verdicts"][k]["witness"]["below"] = s(&(b / 2u32));
    v["verdicts"][k]["witness"]["t"] = json!(["1/4", "1/2"]);
    checked(&v, "lsy.norm-growth", "violated");
    let mut v = doc(ZERO);
    let k = at(&v, "lsy.norm-growth");
    let a = q(&v["verdicts"][k]["witness"]["above"]);
    let b = q(&v["verdicts"][k]["witness"]["below"]);
    v["verdicts"][k]["witness"]["above"] = s(&((a.clone() + &b) / 2u32));
    checked(&v, "lsy.norm-growth", "violated");
    let mut v = doc(DEATH);
    let k = at(&v, "lsy.global-convergence-d2");
    v["verdicts"][k]["witness"]["above"] = s(&Rational::from((1, 1000)));
    checked(&v, "lsy.global-convergence-d2", "violated");
    // Any verdict written as unchecked: accepted, and reported unchecked.
    for (text, entry) in [(FAILS, "lsy.norm-growth"), (GAMMA1, "lsy.global-convergence-d2")] {
        let mut v = doc(text);
        let k = at(&v, entry);
        let o = v["verdicts"][k].as_object_mut().unwrap();
        o.remove("witness");
        o.insert("checked".into(), false.into());
        let r = run(&v).unwrap();
        assert!(!r[k].2, "{entry}: {r:?}");
    }
}

#[test]
fn a_checked_verdict_without_an_argument_is_not_supported() {
    let mut v = doc(GAMMA1);
    let k = at(&v, "gen.dist-to-interpolant");
    v["verdicts"][k] = json!({"entry": "cel.thm6", "verdict": "holds"});
    fails_at(&v, "cel.thm6", ": not supported");
}

/// A norm that grows, then shrinks for ever on the limit's tail: claimed to hold, it fails where
/// the rate turns negative (after the walk from the limit's ball, before the slow mode's bound).
#[test]
fn a_norm_growth_that_fails_on_the_tail_is_rejected() {
    let mut v = doc(LATE);
    let k = at(&v, "lsy.norm-growth");
    v["verdicts"][k] = json!({"entry": "lsy.norm-growth", "verdict": "holds"});
    fails_at(&v, "lsy.norm-growth", " / pattern 0 / stretch 0");
}

/// Every number or index of a verdict replaced by a hostile value: `verify` answers (verified or
/// a failing claim), never panics.
#[test]
fn a_replaced_verdict_value_never_panics() {
    let values = [json!("-1"), json!("0"), json!("1/3"), json!("99999999999999999999999/7"), json!(2), json!(0)];
    for text in [FAILS, DEATH] {
        let v = doc(text);
        for (k, verdict) in v["verdicts"].as_array().unwrap().iter().enumerate() {
            let Some(w) = verdict["witness"].as_object() else { continue };
            for key in w.keys().filter(|key| *key != "kind") {
                for (pos, value) in values.iter().enumerate() {
                    let mut m = v.clone();
                    let slot = &mut m["verdicts"][k]["witness"][key];
                    match slot {
                        Value::Array(a) => {
                            let at = pos % a.len();
                            a[at] = value.clone();
                        }
                        other => *other = value.clone(),
                    }
                    let _ = run(&m);
                }
            }
        }
    }
}
