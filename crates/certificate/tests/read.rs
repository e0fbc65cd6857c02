//! Reading never panics and names the field path of what it refuses; writing then reading gives
//! the same certificate.

use proptest::prelude::*;
use reluflow_certificate::{from_text, to_text};

const VALID: &str = include_str!("../../verify/tests/data/vardi-shamir-gamma1.json");

/// A death and a limit on a hyperplane (its optional `slow`).
const DEATH: &str = include_str!("../../verify/tests/data/single-neuron-death.json");
const SLOW: &str = include_str!("../../verify/tests/data/limit-on-hyperplane.json");

/// Verdicts (written by `check --certificate`): a rate and a limit loss, a decrease and a
/// reactivation, unchecked ones.
const VERDICTS: &str = include_str!("../../verify/tests/data/check-single-neuron-death.json");
const DECREASE: &str = include_str!("../../verify/tests/data/check-norm-growth-zero-init-sigma-one.json");
/// A flat guard.
const FLAT: &str = include_str!("../../verify/tests/data/flat-switch-limit.json");
/// Two-layer networks: an explicit start to a limit, a balanced start to a horizon.
const NET: &str = include_str!("../../verify/tests/data/two-layer-limit.json");
const NET_BALANCED: &str = include_str!("../../verify/tests/data/two-layer-accuracy.json");
/// Two-layer certificates with verdicts: a `sign` witness, and a `reswitch` one.
const NET_SIGN: &str = include_str!("../../verify/tests/data/net-check-sign.json");
const NET_RESWITCH: &str = include_str!("../../verify/tests/data/net-check-reswitch.json");

#[test]
fn a_written_certificate_reads_back_equal() {
    for text in [VALID, DEATH, SLOW, VERDICTS, DECREASE, FLAT, NET, NET_BALANCED, NET_SIGN, NET_RESWITCH] {
        let c = from_text(text).expect("a valid certificate");
        assert_eq!(to_text(&c), text);
        assert_eq!(from_text(&to_text(&c)), Ok(c));
    }
}

#[test]
fn refusals_of_a_death_and_a_slow_mode_name_the_field() {
    let cases = [
        (DEATH, "\"kind\": \"death\"", "\"kind\": \"dead\"", "$.patterns[1].exit.kind"),
        (DEATH, "\"loss\": [", "\"losses\": [", "$.patterns[1].exit"),
        (SLOW, "\"nu\": \"3\"", "\"nu\": \"3/0\"", "$.patterns[0].exit.slow.nu"),
        (SLOW, "\"nu\": \"3\"", "\"mu\": \"3\"", "$.patterns[0].exit.slow"),
    ];
    for (text, from, to, path) in cases {
        assert!(text.contains(from), "{from}");
        let e = from_text(&text.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{e}");
    }
}

#[test]
fn refusals_of_verdicts_name_the_field() {
    let cases = [
        ("\"kind\": \"rate\"", "\"kind\": \"slope\"", "$.verdicts[4].witness.kind"),
        ("\"kind\": \"limit-loss\"", "\"kind\": \"limit-loss\", \"t\": []", "$.verdicts[6].witness"),
        ("\"checked\": false", "\"checked\": true", "$.verdicts[2].checked"),
        ("\"verdict\": \"violated\",\n      \"witness\"", "\"verdict\": \"violated\",\n      \"w\"", "$.verdicts[4]"),
        ("\"verdict\": \"holds\"\n", "\"verdict\": \"true\"\n", "$.verdicts[0].verdict"),
    ];
    for (from, to, path) in cases {
        assert!(VERDICTS.contains(from), "{from}");
        let e = from_text(&VERDICTS.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{e}");
    }
    // An undecided verdict has nothing to check: it is written unchecked, without a witness.
    let text = VERDICTS.replacen("\"verdict\": \"holds\"\n", "\"verdict\": \"undecided\"\n", 1);
    assert_eq!(from_text(&text).unwrap_err().path, "$.verdicts[0].verdict");
    // A version 1 certificate has no verdicts.
    let e = from_text(&VERDICTS.replacen("\"version\": 2", "\"version\": 1", 1)).unwrap_err();
    assert_eq!(e.path, "$.verdicts", "{e}");
    assert!(from_text(&VALID.replacen("\"version\": 2", "\"version\": 1", 1)).is_ok());
}

#[test]
fn refusals_of_flat_guards_name_the_field() {
    let from = "\"flat\": [\n    1\n  ]";
    assert!(FLAT.contains(from), "{from}");
    for (to, path) in [("\"flat\": [1, 1]", "$.flat"), ("\"flat\": [3]", "$.flat[0]"), ("\"flat\": 1", "$.flat")] {
        let e = from_text(&FLAT.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{e}");
    }
    let e = from_text(&FLAT.replacen("\"version\": 2", "\"version\": 1", 1)).unwrap_err();
    assert_eq!(e.path, "$.flat", "{e}");
}

#[test]
fn refusals_of_a_two_layer_certificate_name_the_field() {
    let cases = [
        ("\"version\": 3", "\"version\": 2", "$.model"),
        ("\"kind\": \"limit\"", "\"kind\": \"horizon\"", "$.end"),
        ("\"t_end\": \"inf\"", "\"t_end\": \"1\"", "$.steps"),
        ("\"steps\": [", "\"steps\": [\"0\", ", "$.steps"),
    ];
    for (from, to, path) in cases {
        assert!(NET.contains(from), "{from}");
        let e = from_text(&NET.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{to}: {e}");
    }
    assert!(NET_BALANCED.contains("\"s\": ["));
    let e = from_text(&NET_BALANCED.replacen("\"s\": [\n        1", "\"s\": [\n        2", 1)).unwrap_err();
    assert_eq!(e.path, "$.problem.init.s[0]", "{e}");
    // The Clarke flow: a slide needs it, and the solution is fixed or clarke.
    let slide = include_str!("../../verify/tests/data/two-layer-slide.json");
    let e = from_text(&slide.replacen("\"solution\": \"clarke\"", "\"solution\": \"fixed\"", 1)).unwrap_err();
    assert_eq!(e.path, "$.events[0].kind", "{e}");
    let e = from_text(&slide.replacen("\"solution\": \"clarke\"", "\"solution\": \"filippov\"", 1)).unwrap_err();
    assert_eq!(e.path, "$.problem.solution", "{e}");
    assert_eq!(from_text(slide).map(|c| to_text(&c)), Ok(slide.to_string()));
    // A slide's end names its side, and only it has one.
    let exit = include_str!("../../verify/tests/data/two-layer-slide-exit.json");
    assert_eq!(from_text(exit).map(|c| to_text(&c)), Ok(exit.to_string()));
    let cases = [
        ("\"side\": \"active\"", "\"side\": \"up\"", "$.events[2].side"),
        ("\"side\": \"active\"", "\"sides\": \"active\"", "$.events[2]"),
        ("\"kind\": \"slide-end\"", "\"kind\": \"switch\"", "$.events[2]"),
        ("\"solution\": \"clarke\"", "\"solution\": \"fixed\"", "$.events[1].kind"),
    ];
    for (from, to, path) in cases {
        assert!(exit.contains(from), "{from}");
        let e = from_text(&exit.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{to}: {e}");
    }
    // Two-layer witnesses: indices within the run, two events, the model's own kinds.
    let cases = [
        (NET_SIGN, "\"neuron\": 0,", "\"neuron\": 1,", "$.verdicts[2].witness.neuron"),
        (NET_SIGN, "\"kind\": \"sign\"", "\"kind\": \"rate\"", "$.verdicts[2].witness.kind"),
        (NET_RESWITCH, "\"events\": [\n          0,", "\"events\": [\n          2,", "$.verdicts[5].witness.events[0]"),
        (
            NET_RESWITCH,
            "\"events\": [\n          0,\n          1\n        ]",
            "\"events\": [0]",
            "$.verdicts[5].witness.events",
        ),
        (NET_RESWITCH, "\"point\": 3\n      }", "\"point\": 4\n      }", "$.verdicts[5].witness.point"),
    ];
    for (text, from, to, path) in cases {
        assert!(text.contains(from), "{from}");
        let e = from_text(&text.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{to}: {e}");
    }
}

#[test]
fn refusals_name_the_field() {
    let cases = [
        ("\"version\": 2", "\"version\": 4", "$.version"),
        ("\"model\": \"single-neuron\"", "\"model\": \"two-layer\"", "$.model"),
        ("\"rho\": \"0\"", "\"rho\": \"1/0\"", "$.patterns[0].steps[0].start.rho"),
        ("\"relu_prime_at_zero\": 1", "\"relu_prime_at_zero\": 2", "$.problem.relu_prime_at_zero"),
        ("\"t_end\": \"inf\"", "\"t_end\": \"-1\"", "$.problem.t_end"),
    ];
    for (from, to, path) in cases {
        assert!(VALID.contains(from), "{from}");
        let e = from_text(&VALID.replacen(from, to, 1)).expect_err(to);
        assert_eq!(e.path, path, "{e}");
    }
    assert_eq!(from_text("[]").unwrap_err().path, "$");
    // Nothing the verifier would not read: an unknown field is refused.
    let e = from_text(&VALID.replacen("\"rho\": \"0\"", "\"rho\": \"0\", \"wall_time\": \"1\"", 1)).unwrap_err();
    assert!(e.what.contains("unknown field `wall_time`"), "{e}");
}

/// A problem's decimals may have exponents up to ±1,000,000 (`1e-25219` is an example's initial
/// scale), so their exact `p/q` is read whatever its length up to that; a longer number is
/// refused by name, before any work on it.
#[test]
fn numbers_as_long_as_an_input_decimal_allows_are_read() {
    let tiny = format!("1/1{}", "0".repeat(1_000_000));
    let c = from_text(&VALID.replacen("\"rho\": \"0\"", &format!("\"rho\": \"{tiny}\""), 1)).expect("a long number");
    assert!(to_text(&c).contains(&tiny));
    let beyond = format!("1/1{}", "0".repeat(2_100_000));
    let e = from_text(&VALID.replacen("\"rho\": \"0\"", &format!("\"rho\": \"{beyond}\""), 1)).unwrap_err();
    assert_eq!(e.path, "$.patterns[0].steps[0].start.rho", "{e}");
    assert!(e.what.contains("longer than"), "{e}");
}

/// The JSON's scalar positions, for mutation.
fn leaves(v: &serde_json::Value, out: &mut Vec<Vec<String>>, at: Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            m.iter().for_each(|(k, x)| leaves(x, out, [at.clone(), vec![k.clone()]].concat()))
        }
        serde_json::Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| leaves(x, out, [at.clone(), vec![i.to_string()]].concat()))
        }
        _ => out.push(at),
    }
}

fn slot<'a>(v: &'a mut serde_json::Value, path: &[String]) -> &'a mut serde_json::Value {
    path.iter().fold(v, |v, k| match v {
        serde_json::Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        other => &mut other[k.as_str()],
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = from_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn cut_or_spliced_text_never_panics(at in 0usize..12_000, junk in "[\\[\\]{}\",:0-9/a-z-]{0,8}") {
        let at = at.min(VALID.len());
        let at = (0..=at).rev().find(|&i| VALID.is_char_boundary(i)).unwrap_or(0);
        let _ = from_text(&VALID[..at]);
        let _ = from_text(&format!("{}{junk}{}", &VALID[..at], &VALID[at..]));
    }

    #[test]
    fn a_replaced_value_never_panics(k in 0usize..10_000, pick in 0usize..10, which in 0usize..6) {
        let mut v: serde_json::Value = serde_json::from_str([VALID, VERDICTS, NET, NET_BALANCED, NET_SIGN, NET_RESWITCH][which]).unwrap();
        let mut all = Vec::new();
        leaves(&v, &mut all, Vec::new());
        let path = &all[k % all.len()];
        let values = [
            serde_json::json!(null), serde_json::json!(-1), serde_json::json!(1e300), serde_json::json!("x"),
            serde_json::json!("1/0"), serde_json::json!("-0/5"), serde_json::json!([]), serde_json::json!({}),
            serde_json::json!("99999999999999999999999999999999/3"), serde_json::json!(18446744073709551615u64),
        ];
        *slot(&mut v, path) = values[pick].clone();
        let _ = from_text(&v.to_string());
    }
}

/// A two-layer run to `t_end = 0` has no step times (its end claim is about the initial state);
/// any other horizon needs at least one, and `t_end = 0` none.
#[test]
fn only_a_run_to_t_end_zero_has_no_step_times() {
    let v: serde_json::Value = serde_json::from_str(NET_BALANCED).unwrap();
    let (t_end, steps) = (&v["problem"]["t_end"], &v["steps"]);
    assert!(t_end.as_str().is_some_and(|t| t != "0") && steps.as_array().is_some_and(|s| !s.is_empty()));
    let with = |t: &str, s: serde_json::Value| {
        let mut c = v.clone();
        c["problem"]["t_end"] = t.into();
        c["steps"] = s;
        from_text(&serde_json::to_string_pretty(&c).unwrap())
    };
    assert!(with("0", serde_json::json!([])).is_ok());
    let e = with("0", serde_json::json!(["1"])).unwrap_err();
    assert_eq!(e.path, "$.steps", "{e}");
    let e = with(t_end.as_str().unwrap(), serde_json::json!([])).unwrap_err();
    assert_eq!(e.path, "$.steps", "{e}");
}
