//! The checker's verdicts in two-layer certificates (`tests/data/net-check-*.json`, written by
//! `reluflow check --certificate`; the binary's `tests/certificate_net.rs` keeps them current):
//! `net-check-sign` is a neuron whose output weight `a_0 = 0.01` is driven through 0
//! (`gen.sign-preserved` violated at one time), `net-check-reswitch` a run in which point 3 turns
//! off for neuron 3 and on again (`lsy.support-vector-stability` violated by events 0 and 1).
//! Both verify with their verdicts re-proved; a flipped verdict, a witness moved off the times or
//! events that prove it, or a violation claimed of an identity fails at that verdict; a verdict
//! made unchecked, or a shorter witness window, is accepted as the weaker statement it is.

use reluflow_certificate::from_text;
use serde_json::{Value, json};

const SIGN: &str = include_str!("data/net-check-sign.json");
const RESWITCH: &str = include_str!("data/net-check-reswitch.json");

fn load(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The verdicts' `(entry, checked)` reports, or the failure's text.
fn run(v: &Value) -> Result<Vec<(String, bool)>, String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    let r = reluflow_verify::verify(&c).map_err(|f| f.to_string())?;
    Ok(r.verdicts.into_iter().map(|v| (v.entry, v.checked)).collect())
}

fn index(v: &Value, entry: &str) -> usize {
    v["verdicts"].as_array().unwrap().iter().position(|x| x["entry"] == entry).unwrap()
}

fn fails_at(v: &Value, at: &str) {
    match run(v) {
        Err(e) => assert!(e.starts_with(at), "expected a failure at {at}, got {e}"),
        Ok(r) => panic!("expected a failure at {at}, got {r:?}"),
    }
}

#[test]
fn the_fixtures_verify_with_their_verdicts_re_proved() {
    for (text, violated) in [(SIGN, "gen.sign-preserved"), (RESWITCH, "lsy.support-vector-stability")] {
        let v = load(text);
        let k = index(&v, violated);
        assert_eq!(v["verdicts"][k]["verdict"], "violated");
        let r = run(&v).unwrap();
        for entry in ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen", violated] {
            assert!(r.contains(&(entry.to_string(), true)), "{entry}: {r:?}");
        }
        assert!(r.iter().any(|(e, c)| e.starts_with("cel.") && !c), "{r:?}");
    }
}

#[test]
fn a_sign_witness_moved_before_the_crossing_fails_and_a_later_one_verifies() {
    let mut v = load(SIGN);
    let k = index(&v, "gen.sign-preserved");
    let at = format!("verdict {k} (gen.sign-preserved) / witness / t");
    v["verdicts"][k]["witness"]["t"] = json!(["1/1000", "1/1000"]);
    fails_at(&v, &at);
    v["verdicts"][k]["witness"]["t"] = json!(["1/1000", "1"]);
    fails_at(&v, &at);
    v["verdicts"][k]["witness"]["t"] = json!(["1/10", "3"]);
    fails_at(&v, &at);
    // a_0 < 0 from t ≈ 0.0162 on: any window after it is a witness.
    v["verdicts"][k]["witness"]["t"] = json!(["1/10", "2"]);
    assert!(run(&v).is_ok());
    v["verdicts"][k]["witness"]["t"] = json!(["1", "1"]);
    assert!(run(&v).is_ok());
}

#[test]
fn a_flipped_verdict_fails_at_it() {
    for (text, entry, at) in
        [(SIGN, "gen.sign-preserved", "a[0]"), (RESWITCH, "lsy.support-vector-stability", "event 1")]
    {
        let mut v = load(text);
        let k = index(&v, entry);
        v["verdicts"][k] = json!({"entry": entry, "verdict": "holds"});
        match run(&v) {
            Err(e) => assert!(e.starts_with(&format!("verdict {k} ({entry})")) && e.contains(at), "{e}"),
            Ok(r) => panic!("{entry}: {r:?}"),
        }
    }
    let mut v = load(RESWITCH);
    let k = index(&v, "gen.sign-preserved");
    v["verdicts"][k] = json!({"entry": "gen.sign-preserved", "verdict": "violated", "witness": {"kind": "sign", "neuron": 0, "t": ["0", "1/100"]}});
    fails_at(&v, &format!("verdict {k} (gen.sign-preserved) / witness"));
}

#[test]
fn a_reswitch_witness_naming_other_events_fails() {
    let v = load(RESWITCH);
    let k = index(&v, "lsy.support-vector-stability");
    let at = format!("verdict {k} (lsy.support-vector-stability) / witness / events");
    for (neuron, point, events) in [(3, 3, [1, 0]), (3, 3, [0, 0]), (3, 2, [0, 1]), (2, 3, [0, 1])] {
        let mut w = v.clone();
        w["verdicts"][k]["witness"] = json!({"kind": "reswitch", "neuron": neuron, "point": point, "events": events});
        fails_at(&w, &at);
    }
}

#[test]
fn a_violated_identity_fails_and_a_verdict_made_unchecked_verifies() {
    for entry in ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen"] {
        let mut v = load(SIGN);
        let k = index(&v, entry);
        v["verdicts"][k] =
            json!({"entry": entry, "verdict": "violated", "witness": {"kind": "sign", "neuron": 0, "t": ["1", "1"]}});
        fails_at(&v, &format!("verdict {k} ({entry})"));
    }
    let mut v = load(SIGN);
    let k = index(&v, "gen.sign-preserved");
    v["verdicts"][k] = json!({"entry": "gen.sign-preserved", "verdict": "violated", "checked": false});
    assert!(run(&v).unwrap().contains(&("gen.sign-preserved".to_string(), false)));
    // A checked verdict on an entry the verifier has no argument for fails as not supported.
    let c = index(&v, "cel.lemma4");
    v["verdicts"][c] = json!({"entry": "cel.lemma4", "verdict": "holds"});
    let e = run(&v).unwrap_err();
    assert!(e.starts_with(&format!("verdict {c} (cel.lemma4): not supported")), "{e}");
}

#[test]
fn a_single_neuron_witness_or_a_zero_loss_point_in_a_two_layer_certificate_is_malformed() {
    let mut v = load(SIGN);
    let k = index(&v, "gen.sign-preserved");
    v["verdicts"][k]["witness"] = json!({"kind": "limit-loss", "above": "1"});
    assert!(run(&v).unwrap_err().starts_with("malformed"));
    let mut v = load(SIGN);
    let k = index(&v, "gen.span");
    v["verdicts"][k]["w_star"] = json!(["0", "1"]);
    assert!(run(&v).unwrap_err().starts_with("malformed"));
}
