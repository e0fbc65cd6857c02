//! Sliding in two-layer certificates (the Clarke flow): `two-layer-sliding.json`
//! (`examples/two-layer-sliding.toml`: one neuron starting on the hyperplane of `x_1`, which
//! attracts it from both sides, so it slides along it) and `two-layer-slide.json` (three neurons;
//! neuron 1 arrives on the hyperplane of `x_1` at `t ≈ 0.107` and slides on to `t = 2`; the binary's
//! `tests/certificate_net.rs` keeps both current). Both verify; read as the flow with σ'(0) fixed,
//! the first fails (its guard does not keep a sign) and the second is malformed (a slide needs the
//! Clarke flow); a slide turned into a switch, or its window moved before the arrival, fails at
//! the event; the end claims are covered by `tests/net.rs`.
//!
//! Slide ends: `two-layer-slide-exit.json` (`examples/two-layer-slide-exit.toml`: neuron 1 slides
//! along `x_1`'s hyperplane from `t ≈ 6.15` and leaves it to the active side at `t ≈ 7.39`, then
//! slides along `x_0`'s) and `two-layer-slide-end.json` (a random instance: neuron 0 leaves `x_3`'s
//! hyperplane to the inactive side at `t ≈ 1.96` while neuron 1 slides along `x_1`'s). Both verify;
//! the other side, a switch in place of the end, or the window moved off the end fails at the
//! event, and an end claimed for a pair that does not slide fails.

use reluflow_certificate::from_text;
use serde_json::{Value, json};

const START: &str = include_str!("data/two-layer-sliding.json");
const ARRIVAL: &str = include_str!("data/two-layer-slide.json");
const EXIT: &str = include_str!("data/two-layer-slide-exit.json");
const END: &str = include_str!("data/two-layer-slide-end.json");

fn run(v: &Value) -> Result<(), String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    reluflow_verify::verify(&c).map(|_| ()).map_err(|f| f.to_string())
}

fn load(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_sliding_fixtures_verify_and_not_as_the_fixed_flow() {
    for text in [START, ARRIVAL] {
        let v = load(text);
        assert_eq!(v["problem"]["solution"], "clarke");
        assert_eq!(run(&v), Ok(()));
    }
    let mut v = load(START);
    v["problem"].as_object_mut().unwrap().remove("solution");
    let e = run(&v).unwrap_err();
    assert!(e.starts_with("step 0 / ") && e.contains("the guard w_0ᵀx_1 keeps its sign"), "{e}");
    let mut v = load(ARRIVAL);
    v["problem"]["solution"] = json!("fixed");
    assert!(run(&v).unwrap_err().starts_with("malformed"), "a slide needs the Clarke flow");
}

#[test]
fn a_slide_read_as_a_switch_or_moved_before_the_arrival_fails_at_its_event() {
    let mut v = load(ARRIVAL);
    v["events"][0]["kind"] = json!("switch");
    let e = run(&v).unwrap_err();
    // The other side's field points back into the hyperplane: no transversal crossing.
    assert!(e.starts_with("event 0 / ") && e.contains("not proved transversal"), "{e}");
    let mut v = load(ARRIVAL);
    let lo: rug::Rational = v["events"][0]["time"][0].as_str().unwrap().parse().unwrap();
    let early = rug::Rational::from(&lo * 9u32) / 10u32;
    v["events"][0]["time"] = json!([(rug::Rational::from(&early * 9u32) / 10u32).to_string(), early.to_string()]);
    let e = run(&v).unwrap_err();
    assert!(e.starts_with("event 0 / "), "{e}");
}

#[test]
fn a_slide_on_a_second_hyperplane_of_the_neuron_or_a_switch_of_the_sliding_guard_fails() {
    // The start's neuron 0 slides along x_1's hyperplane; a claimed slide onto x_0's fails.
    let mut v = load(START);
    v["events"] = json!([{"kind": "slide", "neuron": 0, "point": 0, "time": ["1", "2"]}]);
    let e = run(&v).unwrap_err();
    assert!(e.starts_with("event 0 / ") && e.contains("two hyperplanes"), "{e}");
    // The sliding guard's event can only be the slide's end.
    let mut v = load(START);
    v["events"] = json!([{"kind": "switch", "neuron": 0, "point": 1, "time": ["1", "2"]}]);
    let e = run(&v).unwrap_err();
    assert!(e.starts_with("event 0 / ") && e.contains("along which it slides, is the slide's end"), "{e}");
}

/// The index of the fixture's slide-end event.
fn end_event(v: &Value) -> usize {
    v["events"].as_array().unwrap().iter().position(|e| e["kind"] == "slide-end").unwrap()
}

#[test]
fn slide_ends_to_either_side_verify() {
    for (text, side) in [(EXIT, "active"), (END, "inactive")] {
        let v = load(text);
        assert_eq!(v["events"][end_event(&v)]["side"], side);
        assert_eq!(run(&v), Ok(()));
    }
}

#[test]
fn a_slide_end_to_the_other_side_or_as_a_switch_fails_at_its_event() {
    for text in [EXIT, END] {
        let k = end_event(&load(text));
        let at = format!("event {k} / ");
        let mut v = load(text);
        let other = if v["events"][k]["side"] == "active" { "inactive" } else { "active" };
        v["events"][k]["side"] = json!(other);
        let e = run(&v).unwrap_err();
        assert!(e.starts_with(&at) && e.contains("a transversal crossing in the window"), "{e}");
        let mut v = load(text);
        v["events"][k]["kind"] = json!("switch");
        v["events"][k].as_object_mut().unwrap().remove("side");
        let e = run(&v).unwrap_err();
        assert!(e.starts_with(&at) && e.contains("is the slide's end"), "{e}");
    }
}

#[test]
fn a_slide_end_window_moved_off_the_end_or_of_a_pair_that_does_not_slide_fails() {
    let k = end_event(&load(EXIT));
    let q = |v: &Value| -> rug::Rational { v.as_str().unwrap().parse().unwrap() };
    // Earlier: the flow still slides through the whole window.
    let mut v = load(EXIT);
    let lo = q(&v["events"][k]["time"][0]);
    let w = rug::Rational::from(&q(&v["events"][k]["time"][1]) - &lo);
    let before = |n: u32| (&lo - rug::Rational::from(&w * n)).to_string();
    v["events"][k]["time"] = json!([before(4), before(2)]);
    let e = run(&v).unwrap_err();
    assert!(e.starts_with(&format!("event {k} / ")) && e.contains("not proved to stop attracting"), "{e}");
    // The sliding neuron is 1; an end claimed for neuron 0 at the same point and time fails.
    let mut v = load(EXIT);
    v["events"][k]["neuron"] = json!(0);
    let e = run(&v).unwrap_err();
    assert!(e.contains("neuron 1's event at the hyperplane of x_1") || e.contains("before its slide ends"), "{e}");
}

#[test]
fn of_two_halves_of_the_end_claim_after_a_slide_end_at_most_one_verifies() {
    // Neuron 1's first weight, which moved along and off the hyperplane.
    let v = load(EXIT);
    let q = |x: &Value| -> rug::Rational { x.as_str().unwrap().parse().unwrap() };
    let claim = &v["end"]["state"]["w"][1][0];
    let (lo, hi) = (q(&claim[0]), q(&claim[1]));
    let mid = rug::Rational::from(&lo + &hi) / 2u32;
    let verified = [(lo.clone(), mid.clone()), (mid, hi)]
        .into_iter()
        .filter(|(a, b)| {
            let mut probe = v.clone();
            probe["end"]["state"]["w"][1][0] = json!([a.to_string(), b.to_string()]);
            run(&probe).is_ok()
        })
        .count();
    assert!(verified <= 1, "both halves of a claim verified");
}
