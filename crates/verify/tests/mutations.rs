//! Single-number changes of valid certificates (`tests/data/`, written by `reluflow certify
//! --certificate`; `tests/certificate.rs` of the binary keeps them current): each change that
//! makes a claim false fails `verify` at the claim that uses the number; a change that only
//! loosens a final claim (a wider hull, limit box, loss or final state) is accepted.

use proptest::prelude::*;
use reluflow_certificate::from_text;
use rug::Rational;
use serde_json::Value;

const FIXTURES: [&str; 6] = [
    include_str!("data/global-convergence-d2-small-init.json"),
    include_str!("data/norm-growth-holds.json"),
    include_str!("data/vardi-shamir-gamma1.json"),
    include_str!("data/limit-on-hyperplane.json"),
    include_str!("data/single-neuron-death.json"),
    // Stiff patterns (eigenvalues 0.07 to 87): long per-mode pieces.
    include_str!("data/support-vector-reactivation.json"),
];

fn q(v: &Value) -> Rational {
    v.as_str().unwrap().parse().unwrap()
}

fn s(r: &Rational) -> Value {
    Value::String(r.to_string())
}

/// Verifies the mutated document: `Ok(())` or the failing location.
fn run(v: &Value) -> Result<(), String> {
    let c = from_text(&v.to_string()).map_err(|e| format!("malformed: {e}"))?;
    reluflow_verify::verify(&c).map(|_| ()).map_err(|f| f.to_string())
}

fn fails_at(v: &Value, place: &str) -> Result<(), TestCaseError> {
    match run(v) {
        Ok(()) => Err(TestCaseError::fail(format!("verified, but {place} was made false"))),
        Err(f) if f.starts_with(place) => Ok(()),
        Err(f) => Err(TestCaseError::fail(format!("failed elsewhere than {place}: {f}"))),
    }
}

/// The step `k` of pattern `p` (clamped), or `None` if the pattern has no step.
fn step(v: &Value, p: usize, k: usize) -> Option<(usize, usize)> {
    let steps = v["patterns"][p]["steps"].as_array()?;
    (!steps.is_empty()).then(|| (p, k % steps.len()))
}

#[derive(Clone, Copy, Debug)]
enum Change {
    /// A label of a point active in pattern 0, plus one.
    Label,
    /// A coordinate of a point active in pattern 0: a digit appended to its numerator.
    DataDigit,
    /// A step's hull: one lower end moved above the start set's centre.
    HullPastStart,
    /// A step's end radius set to 0 (the image of a ball of positive radius is no point).
    EndRadius,
    /// A coordinate of a pattern's anchor, plus one.
    Anchor,
    /// A switch's time moved past its window (the next pattern's start time moved along).
    SwitchTime,
    /// A point added to or removed from a pattern's active set.
    Active,
    /// The limit box or the loss moved past the value, or the final state's box moved away.
    FinalPast,
    /// The slow mode of a limit on a hyperplane: its separator `ν` moved below the smallest
    /// eigenvalue or past the second, or its vector turned to the other eigenvector.
    Slow,
    /// A death's switch claimed for a point that does not switch (another active point, or the
    /// death moved onto a pattern that keeps a point active).
    DeathPoint,
    /// Loosening: a hull, the limit box, the loss or the final state widened by 1.
    Loosen,
}

fn change(v: &mut Value, what: Change, p: usize, k: usize, j: usize) -> Option<String> {
    let np = v["patterns"].as_array().unwrap().len();
    let p = p % np;
    let d = v["problem"]["w0"].as_array().unwrap().len();
    let j = j % d;
    let pat = &v["patterns"][p];
    let active: Vec<usize> = pat["active"].as_array().unwrap().iter().map(|a| a.as_u64().unwrap() as usize).collect();
    match what {
        Change::Label | Change::DataDigit => {
            let a0: Vec<u64> =
                v["patterns"][0]["active"].as_array().unwrap().iter().map(|a| a.as_u64().unwrap()).collect();
            let i = *a0.get(k % a0.len().max(1))? as usize;
            if matches!(what, Change::Label) {
                let y = q(&v["problem"]["y"][i]) + 1;
                v["problem"]["y"][i] = s(&y);
            } else {
                let x = v["problem"]["x"][i][j].as_str().unwrap().to_string();
                let (num, den) =
                    x.split_once('/').map_or((x.clone(), None), |(a, b)| (a.to_string(), Some(b.to_string())));
                let num = format!("{num}3");
                v["problem"]["x"][i][j] = Value::String(den.map_or(num.clone(), |d| format!("{num}/{d}")));
            }
            Some("pattern 0".into())
        }
        Change::HullPastStart => {
            let (p, k) = step(v, p, k)?;
            let st = &v["patterns"][p]["steps"][k];
            let centre = q(&v["patterns"][p]["anchor"][j]) + q(&st["start"]["u"][j]);
            let above = centre + Rational::from((1, 1u64 << 40));
            let hi = q(&st["hull"][j][1]).max(above.clone());
            v["patterns"][p]["steps"][k]["hull"][j] = Value::Array(vec![s(&above), s(&hi)]);
            Some(format!("pattern {p} / step {k}"))
        }
        Change::EndRadius => {
            let (p, k) = step(v, p, k)?;
            if q(&v["patterns"][p]["steps"][k]["start"]["rho"]) == 0 {
                return None;
            }
            v["patterns"][p]["steps"][k]["end"]["rho"] = s(&Rational::new());
            Some(format!("pattern {p} / step {k} / end"))
        }
        Change::Anchor => {
            let a = q(&pat["anchor"][j]) + 1;
            v["patterns"][p]["anchor"][j] = s(&a);
            Some(format!("pattern {p}"))
        }
        Change::SwitchTime => {
            let e = &pat["exit"];
            let kind = e["kind"].as_str().unwrap().to_string();
            if kind != "switch" && kind != "death" {
                return None;
            }
            let (lo, hi) = (q(&e["time"][0]), q(&e["time"][1]));
            let w = Rational::from(&hi - &lo) + Rational::from((1, 1u64 << 50));
            let (nlo, nhi) = (Rational::from(&hi + &w), Rational::from(&hi + &w) + &w);
            v["patterns"][p]["exit"]["time"] = Value::Array(vec![s(&nlo), s(&nhi)]);
            if kind == "switch" {
                v["patterns"][p + 1]["t_start"] = Value::Array(vec![s(&nlo), s(&nhi)]);
            }
            Some(format!("pattern {p} / {kind} / time"))
        }
        Change::Slow => {
            let e = &mut v["patterns"][np - 1]["exit"];
            e.get("slow")?;
            let u = e["slow"]["u"].as_array().unwrap().clone();
            match k % 3 {
                0 => e["slow"]["nu"] = s(&Rational::from((1, 1u64 << 30))),
                1 => e["slow"]["nu"] = s(&Rational::from(1u64 << 30)),
                _ if u.len() == 2 => {
                    // (u₀, u₁) ↦ (−u₁, u₀): the other eigenvector's approximation.
                    e["slow"]["u"] = Value::Array(vec![s(&(-q(&u[1]))), u[0].clone()]);
                }
                _ => return None,
            }
            Some(format!("pattern {} / limit / guard", np - 1))
        }
        Change::DeathPoint => {
            let n = v["problem"]["y"].as_array().unwrap().len();
            let e = &mut v["patterns"][np - 1]["exit"];
            if e["kind"] != "death" || n != 2 || np < 2 {
                return None;
            }
            if k.is_multiple_of(2) {
                // The other point: it is inactive in the last pattern, so not a crossing guard of it.
                let point = e["point"].as_u64().unwrap();
                e["point"] = Value::from(1 - point);
                Some(format!("pattern {}", np - 1))
            } else {
                // The death claimed one pattern earlier, where a second point is still active.
                let pats = v["patterns"].as_array_mut().unwrap();
                let last = pats.pop().unwrap();
                let prev = pats.last_mut().unwrap();
                let mut ex = prev["exit"].clone();
                ex["kind"] = Value::from("death");
                ex["loss"] = last["exit"]["loss"].clone();
                prev["exit"] = ex;
                Some(format!("pattern {} / death", np - 2))
            }
        }
        Change::Active => {
            let n = v["problem"]["y"].as_array().unwrap().len();
            let i = k % n;
            let mut a = active.clone();
            if let Some(pos) = a.iter().position(|&m| m == i) {
                a.remove(pos);
            } else {
                a.push(i);
                a.sort_unstable();
            }
            v["patterns"][p]["active"] = Value::Array(a.into_iter().map(|m| Value::from(m as u64)).collect());
            Some(if p > 0 { format!("pattern {p}") } else { "pattern 0".into() })
        }
        Change::FinalPast => {
            let e = &mut v["patterns"][np - 1]["exit"];
            let kind = e["kind"].as_str().unwrap().to_string();
            let key = match kind.as_str() {
                "limit" | "death" if !k.is_multiple_of(2) => "loss",
                "limit" => "limit",
                _ => "state",
            };
            let slot = if key == "loss" { &mut e["loss"] } else { &mut e[key][j] };
            let hi = q(&slot[1]) + 1;
            *slot = Value::Array(vec![s(&hi), s(&(hi.clone() + 1))]);
            Some(format!("pattern {} / {kind}", np - 1))
        }
        Change::Loosen => {
            let last = np - 1;
            let slot = match k % 3 {
                0 => {
                    let (p, k) = step(v, p, k)?;
                    &mut v["patterns"][p]["steps"][k]["hull"][j]
                }
                1 => &mut v["patterns"][last]["exit"]["hull"][j],
                _ => {
                    let e = &mut v["patterns"][last]["exit"];
                    if e["kind"] == "limit" { &mut e["limit"][j] } else { &mut e["state"][j] }
                }
            };
            let (lo, hi) = (q(&slot[0]) - 1, q(&slot[1]) + 1);
            *slot = Value::Array(vec![s(&lo), s(&hi)]);
            None
        }
    }
}

fn changes() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Label),
        Just(Change::DataDigit),
        Just(Change::HullPastStart),
        Just(Change::EndRadius),
        Just(Change::Anchor),
        Just(Change::SwitchTime),
        Just(Change::Active),
        Just(Change::FinalPast),
        Just(Change::Slow),
        Just(Change::DeathPoint),
        Just(Change::Loosen),
    ]
}

#[test]
fn the_fixtures_verify() {
    for text in FIXTURES {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(run(&v), Ok(()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_false_claim_fails_where_it_is_used_and_a_looser_one_passes(
        f in 0..FIXTURES.len(), what in changes(), p in 0usize..8, k in 0usize..64, j in 0usize..8,
    ) {
        let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
        let loosen = matches!(what, Change::Loosen);
        match change(&mut v, what, p, k, j) {
            Some(place) => fails_at(&v, &place)?,
            None if loosen => prop_assert_eq!(run(&v), Ok(())),
            None => {}
        }
    }
}

/// Every kind of change applies to some fixture (so the property test exercises each).
#[test]
fn every_change_applies_somewhere() {
    let kinds = [
        Change::Label,
        Change::DataDigit,
        Change::HullPastStart,
        Change::EndRadius,
        Change::Anchor,
        Change::SwitchTime,
        Change::Active,
        Change::FinalPast,
        Change::Slow,
        Change::DeathPoint,
    ];
    for what in kinds {
        let applies = (0..FIXTURES.len()).any(|f| {
            (0..3).any(|p| {
                (0..3).any(|k| {
                    let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
                    change(&mut v, what, p, k, 0).is_some()
                })
            })
        });
        assert!(applies, "{what:?} never applies");
    }
}

/// The number strings of a document, by path.
fn numbers(v: &Value, out: &mut Vec<Vec<String>>, at: Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| numbers(x, out, [at.clone(), vec![k.clone()]].concat())),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| numbers(x, out, [at.clone(), vec![i.to_string()]].concat()))
        }
        Value::String(t) if t.parse::<Rational>().is_ok() => out.push(at),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any number replaced by any small rational: `verify` answers (pass or a failing claim),
    /// it never panics.
    #[test]
    fn any_number_changed_never_panics(f in 0..FIXTURES.len(), k in 0usize..10_000, p in -64i64..64, q in 1u64..64) {
        let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
        let mut all = Vec::new();
        numbers(&v, &mut all, Vec::new());
        let path = &all[k % all.len()];
        let slot = path.iter().fold(&mut v, |v, key| match v {
            Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
            other => &mut other[key.as_str()],
        });
        *slot = s(&Rational::from((p, q)));
        let _ = run(&v);
    }
}

/// A pattern after the end (a horizon or a limit) holds claims no run reaches: refused.
#[test]
fn a_pattern_after_the_end_fails() {
    for text in FIXTURES {
        let mut v: Value = serde_json::from_str(text).unwrap();
        let pats = v["patterns"].as_array_mut().unwrap();
        let last = pats.last().unwrap().clone();
        let n = pats.len();
        pats.push(last);
        let f = run(&v).expect_err("an extra pattern verified");
        assert!(f.starts_with(&format!("pattern {}", n - 1)), "{f}");
    }
}

/// The changes specific to a limit on a hyperplane and to a death, each variant on its fixture
/// (the property test above reaches them only by chance): each fails where the number is used.
#[test]
fn every_slow_mode_and_death_change_fails_where_it_is_used() {
    let cases = [(3, Change::Slow), (4, Change::DeathPoint), (4, Change::SwitchTime), (4, Change::FinalPast)];
    let mut applied = 0;
    for (f, what) in cases {
        for k in 0..3 {
            let mut v: Value = serde_json::from_str(FIXTURES[f]).unwrap();
            let np = v["patterns"].as_array().unwrap().len();
            if let Some(place) = change(&mut v, what, np - 1, k, k) {
                fails_at(&v, &place).unwrap_or_else(|e| panic!("{what:?} (k = {k}): {e}"));
                applied += 1;
            }
        }
    }
    assert_eq!(applied, 12);
}
