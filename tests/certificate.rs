//! `certify --certificate` and `verify`: certificates of the shipped single-neuron examples
//! verify; what the format cannot describe is refused (exit 5) naming it; a file that is not a
//! certificate is exit 2; a certificate whose switch window was shortened off the crossing, or
//! one written by an integrator with wrong-way rounding or with dropped remainders, is rejected
//! (exit 4).

use crate::util::{examples_dir, reluflow};

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().expect("utf-8 path").to_string()
}

/// Certifies `name` with a certificate in a temporary directory; returns its text.
fn certificate(name: &str) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["certify", &example(name), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{name}: {r:#?}");
    std::fs::read_to_string(&path).expect("the certificate was written")
}

/// `reluflow verify` on `text`.
fn verify(text: &str) -> crate::util::Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    std::fs::write(&path, text).expect("write the certificate");
    reluflow(&["verify", path.to_str().unwrap()])
}

/// The shipped single-neuron examples whose certificates verify.
const VERIFIED: [&str; 15] = [
    "vardi-shamir-gamma0.toml",
    "vardi-shamir-gamma1.toml",
    "vardi-shamir-gamma1-mpfr256.toml",
    "vardi-shamir-gamma2.toml",
    "vardi-shamir-gamma5.toml",
    "global-convergence-d2-small-init.toml",
    "norm-growth-fails.toml",
    "norm-growth-holds.toml",
    "norm-growth-overshoot.toml",
    "norm-growth-small-init-overshoot.toml",
    "norm-growth-zero-init-sigma-one.toml",
    "norm-growth-tiny-init-d2.toml",
    "support-vector-reactivation.toml",
    "limit-on-hyperplane.toml",
    "single-neuron-death.toml",
];

#[test]
fn certificates_of_the_single_neuron_examples_verify() {
    for name in VERIFIED {
        let r = verify(&certificate(name));
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        assert!(r.stdout.starts_with("VERIFIED"), "{name}: {r:#?}");
    }
}

/// `check --certificate` on `name`: the exit of `check` and the certificate's text.
fn checked_certificate(name: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["check", &example(name), "--quiet", "--certificate", path.to_str().unwrap()]);
    (r.code, std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: no certificate ({e}): {r:#?}")))
}

/// `check --certificate` writes the verdicts with their witnesses; `verify` re-proves every
/// checked one and lists the rest as unchecked; `check` keeps its own exit (4: a counterexample).
#[test]
fn check_certificates_carry_verdicts_that_verify() {
    let cases: [(&str, i32, &[&str]); 6] = [
        ("norm-growth-fails.toml", 4, &["lsy.norm-growth violated: re-proved"]),
        ("norm-growth-holds.toml", 3, &["lsy.norm-growth holds: re-proved", "gen.loss-nonincreasing holds: re-proved"]),
        (
            "norm-growth-zero-init-sigma-one.toml",
            4,
            &["lsy.norm-growth violated: re-proved", "lsy.support-vector-stability violated: re-proved"],
        ),
        (
            "support-vector-reactivation.toml",
            4,
            &["lsy.support-vector-stability violated: re-proved", "lsy.norm-growth holds: re-proved"],
        ),
        ("single-neuron-death.toml", 4, &["lsy.global-convergence-d2 violated: re-proved"]),
        (
            "vardi-shamir-gamma1.toml",
            3,
            &[
                "lsy.global-convergence-d2 holds: re-proved",
                "vs.thm3-limit holds: re-proved",
                "lsy.norm-growth holds: re-proved",
            ],
        ),
    ];
    for (name, exit, lines) in cases {
        let (code, text) = checked_certificate(name);
        assert_eq!(code, Some(exit), "{name}");
        let r = verify(&text);
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        for l in lines {
            assert!(r.stdout.contains(&format!("verdict {l}")), "{name}: {l}: {r:#?}");
        }
    }
}

/// A verdict of a `check` certificate flipped (the witness dropped): `verify` fails at it.
#[test]
fn a_flipped_verdict_of_a_check_certificate_is_rejected_at_it() {
    let (_, text) = checked_certificate("norm-growth-fails.toml");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let k = v["verdicts"].as_array().unwrap().iter().position(|x| x["entry"] == "lsy.norm-growth").unwrap();
    v["verdicts"][k] = serde_json::json!({"entry": "lsy.norm-growth", "verdict": "holds"});
    let r = verify(&serde_json::to_string_pretty(&v).unwrap());
    assert_eq!(r.code, Some(4), "{r:#?}");
    assert!(r.stdout.contains(&format!("CLAIM FAILS at verdict {k} (lsy.norm-growth)")), "{r:#?}");
}

#[test]
fn check_certificate_to_stdout_with_the_report_on_stderr() {
    let r = reluflow(&["check", &example("norm-growth-fails.toml"), "--quiet", "--certificate", "-"]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    assert!(r.stdout.contains("\"verdicts\"") && r.stderr.contains("VIOLATED"), "{r:#?}");
    assert_eq!(verify(&r.stdout).code, Some(0));
}

#[test]
fn the_verifiers_fixtures_are_what_check_writes() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/verify/tests/data");
    for name in [
        "norm-growth-fails",
        "norm-growth-holds",
        "norm-growth-zero-init-sigma-one",
        "single-neuron-death",
        "vardi-shamir-gamma1",
    ] {
        let fixture = std::fs::read_to_string(data.join(format!("check-{name}.json"))).expect("the fixture");
        assert_eq!(
            checked_certificate(&format!("{name}.toml")).1,
            fixture,
            "{name}: regenerate crates/verify/tests/data"
        );
    }
    // The norm grows, then shrinks for ever on the limit's tail (K = diag(1, 9)).
    let late = "model = \"single-neuron\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
                x = [[1, 0], [0, 3]]\ny = [1, 3]\n[init]\nw = [\"1.001\", \"0.5\"]\n[run]\nt_end = \"inf\"\n\
                arithmetic = \"interval\"\n";
    let spec = crate::util::TempSpec::new("late.toml", late);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["check", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let fixture = std::fs::read_to_string(data.join("check-late-tail.json")).expect("the fixture");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixture, "late tail: regenerate crates/verify/tests/data");
}

#[test]
fn the_verifiers_fixtures_are_what_certify_writes() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/verify/tests/data");
    for name in [
        "global-convergence-d2-small-init",
        "norm-growth-holds",
        "vardi-shamir-gamma1",
        "limit-on-hyperplane",
        "single-neuron-death",
        "support-vector-reactivation",
        "two-layer-limit",
        "two-layer-accuracy",
        "two-layer-sliding",
    ] {
        let fixture = std::fs::read_to_string(data.join(format!("{name}.json"))).expect("the fixture");
        assert_eq!(certificate(&format!("{name}.toml")), fixture, "{name}: regenerate crates/verify/tests/data");
    }
}

#[test]
fn certificate_to_stdout_with_the_report_on_stderr() {
    let r = reluflow(&["certify", &example("norm-growth-holds.toml"), "--quiet", "--certificate", "-"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.contains("\"format\": \"reluflow-certificate\""), "{r:#?}");
    assert!(r.stderr.contains("CERTIFIED"), "{r:#?}");
    assert_eq!(verify(&r.stdout).code, Some(0));
}

/// Problems that start with a point on its hyperplane whose guard stays 0 (a flat guard), as the
/// verifier's `flat-*` fixtures: `(fixture, problem file)`.
const FLAT: [(&str, &str); 2] = [
    (
        "flat-horizon",
        "model = \"single-neuron\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
         x = [[1, 0], [0, 1]]\ny = [1, 0]\n[init]\nw = [2, 0]\n[run]\nt_end = 1\narithmetic = \"interval\"\n",
    ),
    (
        "flat-switch-limit",
        "model = \"single-neuron\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
         x = [[1, 0, 0], [0, 1, 0], [1, 0, -1]]\ny = [3, -1, 0]\n[init]\nw = [1, 0, 2]\n[run]\n\
         t_end = \"inf\"\narithmetic = \"interval\"\n",
    ),
];

/// A flat guard (point 1: `K x₁ = 0` in every pattern, `y₁ ≤ 0`, σ'(0) = 0) is written in
/// `flat` and verifies; the verifier's fixtures are what `certify` writes.
#[test]
fn a_start_with_a_flat_guard_is_certified_and_verifies() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/verify/tests/data");
    for (name, text) in FLAT {
        let spec = crate::util::TempSpec::new("flat.toml", text);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("c.json");
        let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        let cert = std::fs::read_to_string(&path).expect("the certificate");
        let v = verify(&cert);
        assert_eq!(v.code, Some(0), "{name}: {v:#?}");
        let fixture = std::fs::read_to_string(data.join(format!("{name}.json"))).expect("the fixture");
        assert_eq!(cert, fixture, "{name}: regenerate crates/verify/tests/data");
    }
}

#[test]
fn what_the_format_cannot_describe_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let p = path.to_str().unwrap();
    // Point 1's guard is 0 at w(0) and stays 0 only because w(0) is an equilibrium of the
    // pattern: x₁ is not orthogonal to x₀ (not a flat guard).
    let along = "model = \"single-neuron\"\nrelu_prime_at_zero = 0\nloss = \"half-sum\"\n[data]\n\
                 x = [[1, 0, 0], [1, -1, 0], [0, 1, 0]]\ny = [1, 0, 1]\n[init]\nw = [1, 1, 0]\n[run]\nt_end = 2\n\
                 arithmetic = \"interval\"\n";
    let spec = crate::util::TempSpec::new("along.toml", along);
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", p]);
    assert_eq!(r.code, Some(5), "{r:#?}");
    assert!(r.stderr.contains("a start on a hyperplane whose guard stays at 0 along this run only"), "{r:#?}");
    // A slide ending at a death of its neuron at another point (found among random instances).
    let death = "model = \"two-layer\"\nrelu_prime_at_zero = 1\nloss = \"half-mean\"\n[data]\n\
                 x = [[\"-1.7\", \"1.2\", \"-1.1\"], [\"-0.9\", \"1.6\", \"2.0\"], [\"0.9\", \"0.1\", \"1.8\"], \
                 [\"0.7\", \"-0.7\", \"-1.0\"]]\ny = [\"2.0\", \"-1.5\", \"-1.0\", \"-0.3\"]\n[init]\n\
                 w = [[\"-0.9\", \"0.7\", \"-0.3\"], [\"0.4\", \"1.2\", \"-1.5\"], [\"1.0\", \"-0.8\", \"0.1\"], \
                 [\"-1.0\", \"1.5\", \"0.1\"], [\"-1.8\", \"0.1\", \"1.8\"]]\n\
                 a = [\"0.6\", \"0.9\", \"1.6\", \"0.4\", \"0.9\"]\n[run]\nt_end = 4\narithmetic = \"interval\"\n\
                 solution = \"clarke\"\n";
    let spec = crate::util::TempSpec::new("death.toml", death);
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", p]);
    assert_eq!(r.code, Some(5), "{r:#?}");
    assert!(r.stderr.contains("the end of neuron 2's slide along point 2's hyperplane with other events"), "{r:#?}");
    // A Clarke start on a hyperplane that the run leaves (the verifier re-proves only slides).
    let leave = "model = \"two-layer\"\n[data]\nx = [[1, 1], [0, 1]]\ny = [2, \"0.1\"]\n[init]\nw = [[1, 0]]\n\
                 a = [1]\n[run]\nt_end = 3\narithmetic = \"interval\"\nsolution = \"clarke\"\n";
    let spec = crate::util::TempSpec::new("leave.toml", leave);
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", p]);
    assert_eq!(r.code, Some(5), "{r:#?}");
    assert!(r.stderr.contains("a Clarke start on point 1's hyperplane that neuron 0 leaves"), "{r:#?}");
    assert!(!path.exists(), "no certificate is written for a refused run");
}

#[test]
fn a_file_that_is_not_a_certificate_is_exit_2_with_its_field_path() {
    assert_eq!(verify("not json").code, Some(2));
    let text = certificate("norm-growth-holds.toml");
    let r = verify(&text.replacen("\"rho\": \"0\"", "\"rho\": \"-1\"", 1));
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("$.patterns[0].steps[0].start.rho"), "{r:#?}");
    let r = reluflow(&["verify", "/nonexistent/c.json"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
}

/// The reference switch times of `name` (a 256-bit MPFR point run of the same problem), in order:
/// `[lo, hi]` around each, from the report's decimals.
fn reference_switch_times(name: &str) -> Vec<(rug::Rational, rug::Rational)> {
    let text = std::fs::read_to_string(example(name)).expect("the example");
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("precision = "))
        .map(|l| if l.starts_with("arithmetic = ") { "arithmetic = \"mpfr\"\nprecision = 256" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let j = crate::util::certify_text("reference.toml", &text, &["--json"]).json();
    assert_eq!(j["status"], "not-validated", "{j}");
    let dec = |v: &serde_json::Value| reluflow_arith::exact::parse_exact(v.as_str().unwrap()).unwrap();
    let mut out: Vec<(rug::Rational, rug::Rational)> = Vec::new();
    for e in j["events"].as_array().unwrap() {
        let t = (dec(&e["t"][0]), dec(&e["t"][1]));
        if out.last() != Some(&t) {
            out.push(t); // points on one hyperplane switch together: one switch
        }
    }
    out
}

/// Every switch window of a certificate cut short so that it misses the crossing (the reference
/// run's switch time), before it or after it, fails at that switch; the next pattern's start time
/// still holds the cut window, so only the switch's own claim is false.
#[test]
fn a_switch_window_shortened_off_the_crossing_is_rejected() {
    use rug::Rational;
    let q = |s: &serde_json::Value| s.as_str().unwrap().parse::<Rational>().unwrap();
    let mut cut = 0;
    for name in ["vardi-shamir-gamma1.toml", "support-vector-reactivation.toml", "norm-growth-zero-init-sigma-one.toml"]
    {
        let text = certificate(name);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let switches: Vec<usize> = (0..v["patterns"].as_array().unwrap().len())
            .filter(|&p| v["patterns"][p]["exit"]["kind"] == "switch")
            .collect();
        let refs = reference_switch_times(name);
        assert_eq!(switches.len(), refs.len(), "{name}: the reference has the same switches");
        for (&p, (rlo, rhi)) in switches.iter().zip(&refs) {
            let time = &v["patterns"][p]["exit"]["time"];
            let (lo, hi) = (q(&time[0]), q(&time[1]));
            assert!(lo <= *rlo && *rhi <= hi, "{name}: switch {p}: the reference time lies in the window");
            let eps = Rational::from(&hi - &lo) / 64u32;
            let before = (lo.clone(), Rational::from(rlo - &eps));
            let after = (Rational::from(rhi + &eps), hi.clone());
            for (a, b) in [before, after] {
                if a >= b {
                    continue;
                }
                let mut w = v.clone();
                w["patterns"][p]["exit"]["time"] = serde_json::json!([a.to_string(), b.to_string()]);
                let r = verify(&serde_json::to_string_pretty(&w).unwrap());
                assert_eq!(r.code, Some(4), "{name}: switch {p} cut to [{a}, {b}]: {r:#?}");
                assert!(r.stdout.contains(&format!("pattern {p} / switch")), "{name}: {r:#?}");
                cut += 1;
            }
        }
    }
    assert!(cut >= 8, "only {cut} windows were cut");
}

/// A certificate written while the single neuron's balls drop the widths of their centres
/// (feature `fault-drop-remainder`, `.ci/fault-check`: the Taylor remainder and the roundings of
/// every step are lost, so its end balls are too small) must not verify; without the fault the
/// same certificates verify.
#[test]
fn a_certificate_from_a_dropped_remainder_is_rejected() {
    for name in ["norm-growth-holds.toml", "support-vector-reactivation.toml"] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("c.json");
        let p = path.to_str().unwrap();
        let r = reluflow(&["certify", &example(name), "--quiet", "--certificate", p]);
        assert_eq!(r.code, Some(0), "{name}: {r:#?}");
        let v = reluflow(&["verify", p]);
        if cfg!(feature = "fault-drop-remainder") {
            assert_eq!(v.code, Some(4), "{name}: a certificate with dropped remainders verified: {v:#?}");
            assert!(v.stdout.contains("CLAIM FAILS"), "{name}: {v:#?}");
        } else {
            assert_eq!(v.code, Some(0), "{name}: {v:#?}");
        }
    }
}

/// Under `fault-flip-rounding` (every MPFR rounding the wrong way, `.ci/fault-check`) the
/// 256-bit run's enclosures are too narrow by an ulp, and its certificate must not verify;
/// without the fault the same certificate verifies.
#[test]
fn a_certificate_from_wrong_way_rounding_is_rejected() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let p = path.to_str().unwrap();
    let r = reluflow(&["certify", &example("vardi-shamir-gamma1-mpfr256.toml"), "--quiet", "--certificate", p]);
    if cfg!(feature = "fault-flip-rounding") {
        // The faulty run still certifies (its enclosures are short by an ulp, not empty).
        assert_eq!(r.code, Some(0), "{r:#?}");
        let v = reluflow(&["verify", p]);
        assert_eq!(v.code, Some(4), "a faulty certificate verified: {v:#?}");
        assert!(v.stdout.contains("CLAIM FAILS"), "{v:#?}");
    } else {
        assert_eq!(r.code, Some(0), "{r:#?}");
        assert_eq!(reluflow(&["verify", p]).code, Some(0));
    }
}

/// A death before a finite horizon verifies (the final state is the frozen one); the same
/// certificate with `t_end` moved inside the death's time enclosure fails there.
#[test]
fn a_death_before_a_finite_horizon_verifies_and_one_that_may_come_later_fails() {
    let text = std::fs::read_to_string(example("single-neuron-death.toml")).expect("the example");
    let spec = crate::util::TempSpec::new("death.toml", &text.replace("t_end = \"inf\"", "t_end = 1"));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let cert = std::fs::read_to_string(&path).expect("the certificate");
    let v = verify(&cert);
    assert_eq!(v.code, Some(0), "{v:#?}");
    assert!(v.stdout.contains("ending at the death"), "{v:#?}");
    // t_end just before the death's window: the state there is not in `state`.
    let mut j: serde_json::Value = serde_json::from_str(&cert).unwrap();
    let time_lo: rug::Rational = j["patterns"][1]["exit"]["time"][0].as_str().unwrap().parse().unwrap();
    j["problem"]["t_end"] = serde_json::Value::String((time_lo - rug::Rational::from((1, 1u64 << 60))).to_string());
    let v = verify(&serde_json::to_string_pretty(&j).unwrap());
    assert_eq!(v.code, Some(4), "{v:#?}");
    assert!(v.stdout.contains("pattern 1 / death / time"), "{v:#?}");
}

/// `t_end` inside the death's time enclosure (found by trying decimals near it): the state at
/// `t_end` may still be before the death, so the loss is the hull of `c Σ y_i²` and the loss over
/// the switching box. It verifies; with the loss of the frozen state only, or `t_end` before the
/// verifier's own switch time, it fails.
#[test]
fn a_death_that_may_come_after_a_finite_horizon_verifies_with_the_loss_before_it() {
    let text = std::fs::read_to_string(example("single-neuron-death.toml")).expect("the example");
    let spec =
        crate::util::TempSpec::new("death.toml", &text.replace("t_end = \"inf\"", "t_end = \"0.43829139731804966\""));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("c.json");
    let r = reluflow(&["certify", spec.arg(), "--quiet", "--certificate", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let cert = std::fs::read_to_string(&path).expect("the certificate");
    let mut j: serde_json::Value = serde_json::from_str(&cert).unwrap();
    let q = |v: &serde_json::Value| v.as_str().unwrap().parse::<rug::Rational>().unwrap();
    let exit = j["patterns"][1]["exit"].clone();
    let t_end = q(&j["problem"]["t_end"]);
    assert!(q(&exit["time"][0]) < t_end && t_end < q(&exit["time"][1]), "t_end inside the death's window: {exit}");
    let frozen = rug::Rational::from((5, 8));
    assert!(q(&exit["loss"][0]) == frozen && q(&exit["loss"][1]) > frozen, "the loss before the death: {exit}");
    let v = verify(&cert);
    assert_eq!(v.code, Some(0), "{v:#?}");
    assert!(v.stdout.contains("ending at the death"), "{v:#?}");
    j["patterns"][1]["exit"]["loss"][1] = serde_json::Value::String(frozen.to_string());
    let v = verify(&serde_json::to_string_pretty(&j).unwrap());
    assert_eq!(v.code, Some(4), "{v:#?}");
    assert!(v.stdout.contains("pattern 1 / death / loss"), "{v:#?}");
    j["patterns"][1]["exit"]["loss"] = exit["loss"].clone();
    j["problem"]["t_end"] = exit["time"][0].clone();
    let v = verify(&serde_json::to_string_pretty(&j).unwrap());
    assert_eq!(v.code, Some(4), "{v:#?}");
    assert!(v.stdout.contains("pattern 1 / death / time"), "{v:#?}");
}
