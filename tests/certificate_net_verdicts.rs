//! The checker's verdicts in two-layer certificates: `check --certificate` on the two-layer
//! examples writes every applicable entry's verdict, and `verify` re-proves the identities, the
//! output weights' signs and the points' returns; the verifier's `net-check-*` fixtures are what
//! `check` writes; a flipped verdict is exit 4 naming it; a slide back onto a hyperplane a point
//! left is a reactivation, written and re-proved.

use crate::util::{TempSpec, examples_dir, reluflow};
use serde_json::{Value, json};

/// `check --certificate` on the problem file `spec`: its exit and the certificate.
fn checked(spec: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["check", spec, "--quiet", "--certificate", path.to_str().unwrap()]);
    assert!(!r.stderr.contains("does not verify"), "{spec}: {r:#?}");
    (r.code, std::fs::read_to_string(&path).expect("written"))
}

fn verify(text: &str) -> crate::util::Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    std::fs::write(&path, text).expect("write");
    reluflow(&["verify", path.to_str().unwrap()])
}

/// The verdicts the verifier re-proves on every two-layer example.
const REPROVED: [&str; 5] =
    ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen", "lsy.support-vector-stability"];

#[test]
fn check_certificates_of_the_two_layer_examples_carry_verdicts_that_verify() {
    for name in ["two-layer-accuracy.toml", "two-layer-explicit.toml", "two-layer-limit.toml"] {
        let spec = examples_dir().join(name);
        let (_, text) = checked(spec.to_str().unwrap());
        let c: Value = serde_json::from_str(&text).unwrap();
        assert!(c["verdicts"].as_array().is_some_and(|v| v.len() >= REPROVED.len()), "{name}");
        let r = verify(&text);
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        for e in REPROVED {
            assert!(r.stdout.contains(&format!("verdict {e} holds: re-proved")), "{name}: {e}: {r:#?}");
        }
    }
}

/// `a_0 = 0.01` driven through 0 by an over-fitted point: `gen.sign-preserved` is violated.
const SIGN: &str = "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
                    x = [[1, 0]]\ny = [-1]\n[init]\nw = [[1, 0]]\na = [0.01]\n[run]\nt_end = 2\n\
                    arithmetic = \"interval\"\n";

/// Point 3 turns off for neuron 3 at t ≈ 1.5e-4 and on again at t ≈ 0.0139 (found by `search`).
const RESWITCH: &str = "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
                        x = [[-5, 0], [\"0.5\", 2], [-4, \"0.5\"], [2, -1]]\nteacher = [8, 0]\n[init]\n\
                        w = [[4, 0], [\"-3.5\", -14], [5, -1], [\"-0.2\", \"-0.6\"]]\n\
                        a = [-1, 2, \"3.5\", -8]\n[run]\nt_end = 0.02\narithmetic = \"interval\"\n";

#[test]
fn the_verifiers_net_fixtures_are_what_check_writes_and_a_flipped_verdict_fails() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/verify/tests/data");
    for (name, text, entry, code) in
        [("sign", SIGN, "gen.sign-preserved", 3), ("reswitch", RESWITCH, "lsy.support-vector-stability", 4)]
    {
        let spec = TempSpec::new(&format!("{name}.toml"), text);
        let (exit, cert) = checked(spec.arg());
        assert_eq!(exit, Some(code), "{name}");
        let fixture = std::fs::read_to_string(data.join(format!("net-check-{name}.json"))).expect("the fixture");
        assert_eq!(cert, fixture, "{name}: regenerate crates/verify/tests/data");
        let r = verify(&cert);
        assert!(r.code == Some(0) && r.stdout.contains(&format!("verdict {entry} violated: re-proved")), "{r:#?}");
        let mut v: Value = serde_json::from_str(&cert).unwrap();
        let k = v["verdicts"].as_array().unwrap().iter().position(|x| x["entry"] == entry).unwrap();
        v["verdicts"][k] = json!({"entry": entry, "verdict": "holds"});
        let r = verify(&serde_json::to_string_pretty(&v).unwrap());
        assert_eq!(r.code, Some(4), "{r:#?}");
        assert!(r.stdout.contains(&format!("CLAIM FAILS at verdict {k} ({entry})")), "{r:#?}");
    }
}

/// The Clarke flow: neuron 1 turns point 2 off at t ≈ 0.056, then comes back to its hyperplane
/// and slides along it (t ≈ 0.849): a sliding point contributes, so the point is active again
/// (found among random instances).
const SLIDE_BACK: &str = "model = \"two-layer\"\nrelu_prime_at_zero = 1\nloss = \"half-mean\"\n[data]\n\
    x = [[\"-1.3\", \"1.4\", \"-1.8\"], [\"-0.3\", \"0.9\", \"-0.7\"], [\"0.8\", \"0.7\", \"-0.5\"], \
    [\"-1.2\", \"1.4\", \"-1.3\"]]\ny = [\"1.8\", \"1.3\", \"-0.4\", \"-0.1\"]\n[init]\n\
    w = [[\"0.5\", \"-0.7\", \"-0.1\"], [\"-1.5\", \"0.5\", \"-2.0\"], [\"-2.0\", \"1.9\", \"1.7\"]]\n\
    a = [\"1.8\", \"1.6\", \"0.2\"]\n[run]\nt_end = 1\narithmetic = \"interval\"\nsolution = \"clarke\"\n";

#[test]
fn a_point_turned_off_then_slid_along_is_a_re_proved_reactivation() {
    let spec = TempSpec::new("slide-back.toml", SLIDE_BACK);
    let (exit, cert) = checked(spec.arg());
    assert_eq!(exit, Some(4));
    let v: Value = serde_json::from_str(&cert).unwrap();
    assert_eq!(v["events"][1]["kind"], "slide");
    let k =
        v["verdicts"].as_array().unwrap().iter().position(|x| x["entry"] == "lsy.support-vector-stability").unwrap();
    let want = json!({"kind": "reswitch", "neuron": 1, "point": 2, "events": [0, 1]});
    assert_eq!(v["verdicts"][k]["witness"], want);
    let r = verify(&cert);
    assert!(r.code == Some(0) && r.stdout.contains("support-vector-stability violated: re-proved"), "{r:#?}");
}
