//! The report writer on hand-built trajectories (no integrator involved).

use super::*;
use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Interval, MpInterval, Rational};
use reluflow_flow::{Event, EventKind, Pattern, SegmentParts, UndecidedReason};
use serde_json::{Value, json};

const SINGLE: &str = r#"
model = "single-neuron"
relu_prime_at_zero = 1
[data]
x = [[3, -1, 0], [4, 2, 0], [0, 1, 1]]
y = [16, 18, 0]
[init]
w = [0, 0, 0]
[run]
t_end = "inf"
arithmetic = "interval"
"#;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn iv(lo: &str, hi: &str) -> Interval {
    Interval::from_bounds(&q(lo), &q(hi), &())
}

fn single_state<S: Clone>(w: Vec<S>) -> State<S> {
    State { w: vec![w], a: None }
}

/// A certified Vardi–Shamir-like run with one deactivation and a limit (values made up, shapes real).
fn certified_interval_run() -> Trajectory<Interval> {
    let third = Interval::from_rational(&Rational::from((1, 3)), &());
    let w_end = vec![iv("4.9", "5.1"), iv("-1.1", "-0.9"), iv("-0.05", "-0.03")];
    let pattern = Pattern { active: vec![vec![0, 1, 2]], frozen: vec![false], sliding: Vec::new() };
    let seg = SegmentParts {
        t_start: iv("0", "0"),
        t_end: third,
        pattern: pattern.clone(),
        hull: single_state(w_end.clone()),
        end: single_state(w_end.clone()),
    };
    Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: single_state(vec![iv("0", "0"); 3]),
        segments: vec![seg],
        events: vec![Event { t: third, point: 2, neuron: 0, kind: EventKind::Deactivate }],
        final_state: single_state(w_end.clone()),
        t_final: third,
        limit: Some(Limit {
            state: single_state(vec![iv("5", "5"), iv("-1", "-1"), iv("-0.0390625", "-0.0390625")]),
            loss: iv("0", "0"),
            pattern: Pattern { active: vec![vec![0, 1]], frozen: vec![false], sliding: Vec::new() },
            rate: None,
            on_hyperplane: Vec::new(),
        }),
        status: Status::Certified,
    })
    .unwrap()
}

#[test]
fn json_of_a_certified_interval_run() {
    let problem = crate::spec::parse("t.toml", SINGLE).unwrap();
    let traj = certified_interval_run();
    let v: Value = serde_json::to_value(json_report(&problem, &traj, 5)).unwrap();
    assert_eq!(v["status"], "certified");
    assert!(v.get("reason").is_none());
    assert_eq!(v["certified_until"], "inf");
    assert_eq!(v["t_end"], "inf");
    assert_eq!(v["arithmetic"], "interval");
    assert_eq!(v["precision"], 53);
    assert_eq!(v["relu_prime_at_zero"], 1);
    assert_eq!(v["loss"], "half-sum");
    // 1/3 enclosed in binary64 and printed outward with 5 digits
    assert_eq!(
        v["events"],
        json!([{ "t": ["3.3333e-1", "3.3334e-1"], "point": 2, "neuron": 0, "kind": "deactivate" }])
    );
    assert_eq!(v["final"]["t"], json!(["3.3333e-1", "3.3334e-1"]));
    // single neuron: w is a flat list of [lo, hi]; no `a`
    // −0.05 and −0.03 are not binary64 numbers: their enclosure's ends print outward
    assert_eq!(v["final"]["w"][2], json!(["-5.0001e-2", "-2.9999e-2"]));
    assert!(v["final"].get("a").is_none());
    assert_eq!(v["limit"]["w"], json!([["5", "5"], ["-1", "-1"], ["-3.9063e-2", "-3.9062e-2"]]));
    assert_eq!(v["limit"]["loss"], json!(["0", "0"]));
    assert_eq!(v["limit"]["active"], json!([[0, 1]]));
}

#[test]
fn printed_bounds_contain_the_enclosure() {
    // Whatever the digits, the printed [lo, hi] contains the binary64 interval around 0.1.
    let x = Interval::from_rational(&q("0.1"), &());
    let (lo, hi) = match (x.lower(), x.upper()) {
        (Bound::Finite(a), Bound::Finite(b)) => (a, b),
        other => panic!("{other:?}"),
    };
    for digits in 1..=25 {
        let [plo, phi] = pair(&x, digits);
        assert!(q(&plo) <= lo && hi <= q(&phi), "digits {digits}: [{plo}, {phi}]");
    }
    assert_eq!(width(&Interval::EMPTY), "empty");
    assert_eq!(width(&Interval::ENTIRE), "inf");
    assert_eq!(pair(&Interval::ENTIRE, 5), ["-inf".to_string(), "inf".to_string()]);
}

#[test]
fn json_of_an_undecided_two_layer_mpfr_run() {
    let src = SINGLE
        .replace("\"single-neuron\"", "\"two-layer\"")
        .replace("w = [0, 0, 0]", "w = [[1, 0, 0], [0, 1, 0]]\na = [1, -1]")
        .replace("t_end = \"inf\"", "t_end = 10")
        .replace("\"interval\"", "\"mpfr-interval\"\nprecision = 128");
    let problem = crate::spec::parse("t.toml", &src).unwrap();
    let m = |s: &str| MpInterval::from_rational(&q(s), &128);
    let state =
        State { w: vec![vec![m("1"), m("0"), m("0")], vec![m("0"), m("1"), m("0")]], a: Some(vec![m("1"), m("-1")]) };
    let traj = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: state.clone(),
        segments: vec![],
        events: vec![],
        final_state: state,
        t_final: m("2.5"),
        limit: None,
        status: Status::Undecided {
            reason: UndecidedReason::Grazing { neuron: 1, point: 2 },
            certified_until: MpInterval::from_bounds(&q("2.49"), &q("2.5"), &128),
        },
    })
    .unwrap();
    let v: Value = serde_json::to_value(json_report(&problem, &traj, 17)).unwrap();
    assert_eq!(v["status"], "undecided");
    assert_eq!(v["reason"]["kind"], "grazing", "{v}");
    assert_eq!((v["reason"]["neuron"].as_u64(), v["reason"]["point"].as_u64()), (Some(1), Some(2)), "{v}");
    assert!(v["reason"]["text"].as_str().unwrap().contains("grazing"), "{v}");
    assert_eq!(
        v["certified_until"], "2.4899999999999999",
        "the lower end (2.49 rounded down to 128 bits), rounded down"
    );
    assert_eq!(v["t_end"], "10");
    assert_eq!(v["arithmetic"], "mpfr-interval");
    assert_eq!(v["precision"], 128);
    assert_eq!(v["final"]["w"], json!([[["1", "1"], ["0", "0"], ["0", "0"]], [["0", "0"], ["1", "1"], ["0", "0"]]]));
    assert_eq!(v["final"]["a"], json!([["1", "1"], ["-1", "-1"]]));
    assert!(v.get("limit").is_none());
    let text = render_human(&problem, &traj, 17);
    assert!(
        text.contains("UNDECIDED") && text.contains("t = 2.4899999999999999 only") && text.contains("grazing"),
        "{text}"
    );
    assert!(text.contains("w[1][1]") && text.contains("a[1]"), "{text}");
}

#[test]
fn an_inconsistent_run_is_reported_as_a_bug_not_a_result() {
    let problem = crate::spec::parse("t.toml", SINGLE).unwrap();
    let m = |s: &str| MpInterval::from_rational(&q(s), &128);
    let e = reluflow_arith::meet("net: a site", &m("1"), &m("2")).unwrap_err();
    let state = single_state(vec![m("0"), m("0"), m("0")]);
    let traj = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: state.clone(),
        segments: vec![],
        events: vec![],
        final_state: state,
        t_final: m("0"),
        limit: None,
        status: Status::Undecided { reason: UndecidedReason::Inconsistent(e), certified_until: m("0.5") },
    })
    .unwrap();
    let v: Value = serde_json::to_value(json_report(&problem, &traj, 17)).unwrap();
    assert_eq!(v["status"], "internal-inconsistency");
    assert_eq!(v["reason"]["kind"], "internal-inconsistency", "{v}");
    assert!(v["reason"]["text"].as_str().unwrap().contains("net: a site"), "{v}");
    let text = render_human(&problem, &traj, 17);
    assert!(text.starts_with("status: INTERNAL INCONSISTENCY") && text.contains("stopped at t = 5e-1"), "{text}");
    assert!(text.contains("[1, 1] and [2, 2]"), "{text}");
}

#[test]
fn f64_runs_are_not_validated_and_print_points() {
    let problem = crate::spec::parse("t.toml", &SINGLE.replace("\"interval\"", "\"f64\"")).unwrap();
    let w = vec![0.1f64, -1.0, f64::NAN];
    let traj: Trajectory<f64> = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: single_state(vec![0.0; 3]),
        segments: vec![],
        events: vec![Event { t: 0.5, point: 1, neuron: 0, kind: EventKind::Activate }],
        final_state: single_state(w),
        t_final: 3.0,
        limit: None,
        status: Status::NotValidated,
    })
    .unwrap();
    let v: Value = serde_json::to_value(json_report(&problem, &traj, 17)).unwrap();
    assert_eq!(v["status"], "not-validated");
    assert_eq!(v["certified_until"], Value::Null);
    assert_eq!(v["arithmetic"], "f64");
    assert_eq!(v["events"][0]["t"], json!(["5e-1", "5e-1"]));
    // the binary64 nearest 0.1 is 0.1000000000000000055511151231257827…: outward to 17 digits
    assert_eq!(v["final"]["w"][0], json!(["1e-1", "1.0000000000000001e-1"]));
    assert_eq!(v["final"]["w"][2], json!(["nan", "nan"]));
    let text = render_human(&problem, &traj, 17);
    assert!(text.contains("NOT VALIDATED") && text.contains("activate"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("w[2]") && l.contains("[nan, nan]") && l.ends_with("nan")),
        "{text}"
    );
}

#[test]
fn human_report_of_a_certified_run() {
    let problem = crate::spec::parse("t.toml", SINGLE).unwrap();
    let text = render_human(&problem, &certified_interval_run(), 6);
    assert!(text.starts_with("status: CERTIFIED up to t = inf"), "{text}");
    assert!(text.contains("deactivate") && text.contains("[3.33333e-1, 3.33334e-1]"), "{text}");
    assert!(text.contains("limit t → ∞") && text.contains("loss"), "{text}");
    assert!(text.contains("neuron 0: active points {0, 1}"), "{text}");
    // binary64 ends of −0.05 and −0.03 are outside the decimals; the width bound is just above 0.02
    assert!(text.contains("w[2]  [-5.00001e-2, -2.99999e-2]  2.1e-2"), "{text}");
}

#[test]
fn small_decimals_are_shown_in_scientific_notation_exactly() {
    for (text, shown) in [
        ("1e-18", "1e-18"),
        ("0.0005", "5e-4"),
        ("0.00125", "0.00125"),
        ("0.000125", "1.25e-4"),
        ("0.01", "0.01"),
        ("1/3000", "1/3000"),
    ] {
        let q = parse_exact(text).unwrap();
        let s = super::short_exact(&q);
        assert_eq!(s, shown);
        assert_eq!(parse_exact(&s).unwrap(), q, "{s} reads back exactly");
    }
}
