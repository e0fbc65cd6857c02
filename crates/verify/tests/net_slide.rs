//! Sliding in two-layer certificates (the Clarke flow): `two-layer-sliding.json`
//! (`examples/two-layer-sliding.toml`: one neuron starting on the hyperplane of `x_1`, which
//! attracts it from both sides, so it slides along it) and `two-layer-slide.json` (three neurons;
//! neuron 1 arrives on the hyperplane of `x_1` at `t ≈ 0.107` and slides on to `t = 2`; the binary's
//! `tests/certificate_net.rs` keeps both current). Both verify; read as the flow with σ'(0) fixed,
//! the first fails (its guard does not keep a sign) and the second is malformed (a slide needs the
//! Clarke flow); a slide turned into a switch, or its window moved before the arrival, fails at
//! the event; the end claims are covered by `tests/net.rs`.

use reluflow_certificate::from_text;
use serde_json::{Value, json};

const START: &str = include_str!("data/two-layer-sliding.json");
const ARRIVAL: &str = include_str!("data/two-layer-slide.json");

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
fn a_slide_on_a_second_hyperplane_of_the_neuron_or_a_switch_of_the_sliding_guard_is_refused() {
    // The start's neuron 0 slides along x_1's hyperplane; a claimed slide onto x_0's fails.
    let mut v = load(START);
    v["events"] = json!([{"kind": "slide", "neuron": 0, "point": 0, "time": ["1", "2"]}]);
    let e = run(&v).unwrap_err();
    assert!(e.starts_with("event 0 / ") && e.contains("two hyperplanes"), "{e}");
    // Leaving the hyperplane (a switch of the sliding guard) is not re-proved.
    let mut v = load(START);
    v["events"] = json!([{"kind": "switch", "neuron": 0, "point": 1, "time": ["1", "2"]}]);
    let e = run(&v).unwrap_err();
    assert!(e.contains("not supported: the end of neuron 0's slide"), "{e}");
}
