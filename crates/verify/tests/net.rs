//! Two-layer certificates (`tests/data/two-layer-*.json`, two of them sliding, written by `reluflow
//! certify --certificate`; the binary's `tests/certificate.rs` keeps them current): they verify; of a
//! claimed interval split at any point into its two halves, at most one holds the exact value, so
//! never both verify, and a half that fails fails at that coordinate of the end claim; a claim
//! moved outward verifies; a data number changed makes the end claim fail; any number changed
//! never panics.

use proptest::prelude::*;
use reluflow_certificate::from_text;
use rug::Rational;
use serde_json::{Value, json};

const FIXTURES: [&str; 4] = [
    include_str!("data/two-layer-limit.json"),
    include_str!("data/two-layer-accuracy.json"),
    include_str!("data/two-layer-sliding.json"),
    include_str!("data/two-layer-slide.json"),
];

fn run(v: &Value) -> Result<(), String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    reluflow_verify::verify(&c).map(|_| ()).map_err(|f| f.to_string())
}

fn q(v: &Value) -> Rational {
    v.as_str().unwrap().parse().unwrap()
}

/// The claimed box of the end and the location prefix of its claims.
fn claim(v: &mut Value) -> (&mut Value, &'static str) {
    let e = &mut v["end"];
    if e["kind"] == "horizon" { (&mut e["state"], "end / ") } else { (&mut e["limit"], "end / limit / ") }
}

/// The coordinates of the claimed box: (`"a"`, `[j]`) and (`"w"`, `[j, l]`), with their names.
fn coords(v: &Value) -> Vec<(&'static str, Vec<usize>, String)> {
    let mut v = v.clone();
    let (b, _) = claim(&mut v);
    let mut out = Vec::new();
    for (j, row) in b["w"].as_array().unwrap().iter().enumerate() {
        for l in 0..row.as_array().unwrap().len() {
            out.push(("w", vec![j, l], format!("w[{j}][{l}]")));
        }
        out.push(("a", vec![j], format!("a[{j}]")));
    }
    out
}

fn slot<'a>(v: &'a mut Value, field: &str, path: &[usize]) -> &'a mut Value {
    let (b, _) = claim(v);
    path.iter().fold(&mut b[field], |x, &k| &mut x[k])
}

#[test]
fn the_fixtures_verify() {
    for f in FIXTURES {
        let v: Value = serde_json::from_str(f).unwrap();
        assert_eq!(run(&v), Ok(()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn of_two_halves_of_a_claim_never_both_verify(f in 0..FIXTURES.len(), k in 0usize..1000, num in 1u64..1023) {
        let v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
        let cs = coords(&v);
        let (field, path, name) = &cs[k % cs.len()];
        let mut probe = v.clone();
        let at = slot(&mut probe, field, path);
        let (lo, hi) = (q(&at[0]), q(&at[1]));
        prop_assume!(lo < hi, "an exact claim has no halves");
        let cut: Rational = &lo + Rational::from(&hi - &lo) * Rational::from((num, 1024));
        let mut passed = 0;
        for end in [0usize, 1] {
            let mut half = v.clone();
            slot(&mut half, field, path)[end] = json!(cut.to_string());
            match run(&half) {
                Ok(()) => passed += 1,
                Err(e) => {
                    let (_, prefix) = claim(&mut half);
                    prop_assert!(e.starts_with(&format!("{prefix}{name}")), "failed elsewhere: {e}");
                }
            }
        }
        prop_assert!(passed <= 1, "both halves of {name} split at {cut} verified");
    }

    #[test]
    fn a_claim_moved_outward_verifies(f in 0..FIXTURES.len(), k in 0usize..1000, end in 0usize..2, far in 1u64..1_000_000) {
        let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
        let cs = coords(&v);
        let (field, path, _) = &cs[k % cs.len()];
        let at = slot(&mut v, field, path);
        let b = q(&at[end]);
        let d = Rational::from((far, 1_000_000_000_000u64));
        at[end] = json!(if end == 0 { b - d } else { b + d }.to_string());
        prop_assert_eq!(run(&v), Ok(()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_number_changed_never_panics(f in 0..FIXTURES.len(), k in 0usize..10_000, p in -64i64..64, d in 1u64..64) {
        let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
        let mut all = Vec::new();
        numbers(&v, &mut all, Vec::new());
        let path = &all[k % all.len()];
        let at = path.iter().fold(&mut v, |x, key| match x {
            Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
            other => &mut other[key.as_str()],
        });
        *at = json!(format!("{p}/{d}"));
        let _ = run(&v);
    }
}

/// The paths of the number strings of `v`.
fn numbers(v: &Value, out: &mut Vec<Vec<String>>, at: Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| numbers(x, out, [at.clone(), vec![k.clone()]].concat())),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| numbers(x, out, [at.clone(), vec![i.to_string()]].concat()))
        }
        Value::String(s) if s.parse::<Rational>().is_ok() => out.push(at),
        _ => {}
    }
}

/// A label, a data coordinate or an initial weight moved by 1/1000 changes the flow past the
/// claimed box: the end claim fails, or, where the changed flow reaches a hyperplane at another
/// time, the steps up to the claimed event (its guard no longer keeps its sign) or its window.
#[test]
fn a_changed_data_number_fails_at_the_end_claim() {
    for f in FIXTURES {
        let v: Value = serde_json::from_str(f).unwrap();
        let init = if v["problem"]["init"].get("w").is_some() { vec!["init", "w"] } else { vec!["init", "z"] };
        for path in [vec!["y"], vec!["x"], init] {
            let mut w = v.clone();
            let mut at = &mut w["problem"];
            for p in &path {
                at = &mut at[*p];
            }
            let first = if at[0].is_array() { &mut at[0][0] } else { &mut at[0] };
            *first = json!((q(first) + Rational::from((1, 1000))).to_string());
            let r = run(&w);
            let at_claim = |e: &String| ["end", "step", "event"].iter().any(|c| e.starts_with(c));
            assert!(r.as_ref().is_err_and(at_claim), "{path:?}: {r:?}");
        }
    }
}
