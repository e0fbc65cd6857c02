//! The certificate of an undecided two-layer run covers its certified part (end `until`): it is
//! written beside exit 3, verifies, and is rejected when its claim is moved past the verifier's
//! enclosure or when it claims to end at the horizon it did not reach; a step budget
//! (`--max-steps`) stops a run at the same step every time, and its certified part verifies.

use crate::util::{TempSpec, reluflow};
use serde_json::Value;

/// σ'(0) fixed; at t ≈ 0.054 neuron 3's field points into point 1's hyperplane from both sides,
/// where the fixed-σ'(0) flow has no solution: the run stops undecided after one switch.
const SLIDES: &str = r#"model = "two-layer"
relu_prime_at_zero = 1
loss = "half-mean"
[data]
x = [["-0.5", "-0.6", "-0.3"], ["-1.0", "-1.4", "-2.0"]]
y = ["-0.9", "-0.3"]
[init]
w = [["1.5", "0.5", "1.2"], ["-1.6", "1.2", "1.1"], ["-1.2", "1.5", "-1.5"], ["1.8", "-1.0", "-0.6"]]
a = ["0.9", "1.5", "2.0", "1.3"]
[run]
t_end = 2
arithmetic = "interval"
"#;

type Q = rug::Rational;

fn q(v: &Value) -> Q {
    v.as_str().expect("a number string").parse::<Q>().expect("a rational")
}

/// `verify` on `c`, written to a temporary file.
fn verify(c: &Value) -> crate::util::Run {
    let spec = TempSpec::new("c.json", &serde_json::to_string(c).expect("JSON"));
    reluflow(&["verify", spec.arg()])
}

#[test]
fn an_undecided_run_writes_the_certificate_of_its_certified_part_and_it_verifies() {
    let spec = TempSpec::new("slides.toml", SLIDES);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "undecided: {r:#?}");
    assert!(r.stderr.contains("covers its certified part"), "{r:#?}");
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert_eq!(c["end"]["kind"], "until", "{c}");
    let steps = c["steps"].as_array().expect("steps");
    let last = q(steps.last().expect("a step"));
    assert!(last > 0 && last < 2, "the certified part ends before t_end = 2: {last}");
    assert_eq!(c["events"].as_array().map(Vec::len), Some(1), "the one switch before the stop");

    let v = verify(&c);
    assert_eq!(v.code, Some(0), "{v:#?}");
    assert!(v.stdout.contains("the run stopped before t_end"), "{}", v.stdout);

    // The claim moved past the true state: a[3]'s interval replaced by one just above it.
    let mut moved = c.clone();
    let a3 = &mut moved["end"]["state"]["a"][3];
    let (lo, hi) = (q(&a3[0]), q(&a3[1]));
    let width = Q::from(&hi - &lo);
    a3[0] = Value::String(Q::from(&hi + &width).to_string());
    a3[1] = Value::String(Q::from(&hi + Q::from(&width * 2u32)).to_string());
    let v = verify(&moved);
    assert_eq!(v.code, Some(4), "{v:#?}");
    assert!(v.stdout.contains("end") && v.stdout.contains("last step time"), "{}", v.stdout);

    // A truncated claim at the horizon is not a truncation: the reader refuses it.
    let mut at_horizon = c.clone();
    let n = at_horizon["steps"].as_array().unwrap().len();
    at_horizon["steps"][n - 1] = Value::String("2".into());
    let v = verify(&at_horizon);
    assert_eq!(v.code, Some(2), "{v:#?}");
    assert!(v.stderr.contains("$.steps") && v.stderr.contains("before t_end"), "{v:#?}");

    // `check --certificate` writes it too, without verdicts.
    let r = reluflow(&["check", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{r:#?}");
    let c2: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert_eq!(c2["end"]["kind"], "until");
    assert!(c2.get("verdicts").is_none(), "{c2}");
    assert_eq!(verify(&c2).code, Some(0));
}

#[test]
fn a_step_budget_stops_the_run_at_the_same_step_and_its_certified_part_verifies() {
    let limit = crate::util::examples_dir().join("two-layer-limit.toml");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let args = ["certify", limit.to_str().unwrap(), "--quiet", "--json", "--max-steps", "5", "--certificate"];
    let r = reluflow(&[&args[..], &[path.to_str().unwrap()]].concat());
    assert_eq!(r.code, Some(3), "{r:#?}");
    let j = r.json();
    assert_eq!(j["status"], "undecided");
    assert_eq!(j["reason"]["kind"], "budget", "{j}");
    assert!(j["reason"]["text"].as_str().unwrap().contains("--max-steps"), "{j}");
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert_eq!((c["end"]["kind"].as_str(), c["steps"].as_array().map(Vec::len)), (Some("until"), Some(5)), "{c}");
    let v = verify(&c);
    assert_eq!(v.code, Some(0), "{v:#?}");
    // The same budget gives the same certificate: a step count, not a clock.
    let again = reluflow(&[&args[..], &[path.to_str().unwrap()]].concat());
    assert_eq!(again.code, Some(3));
    let c2: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert_eq!(c, c2);
    assert!(reluflow(&["certify", "--help"]).stdout.contains("--max-steps"));
    assert!(reluflow(&["check", "--help"]).stdout.contains("--max-steps"));
}
