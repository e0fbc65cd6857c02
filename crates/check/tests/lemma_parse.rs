//! The lemma parser: the grammar's examples parse, errors point at the right place with what was
//! expected, and no input makes it panic (100,000 generated strings plus arbitrary Unicode).

use proptest::prelude::*;
use reluflow_check::lemma::{ErrorKind, Lemma, Scope};
use reluflow_model::*;
use rug::Rational;

fn q(s: &str) -> Rational {
    reluflow_arith::exact::parse_exact(s).unwrap()
}

fn single() -> Problem {
    let data =
        Data::new(vec![vec![q("1"), q("0")], vec![q("0"), q("1")]], Labels::Given(vec![q("1"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Finite(q("1")), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::Zero,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![q("1"), q("1")] },
        run,
    )
    .unwrap()
}

fn two_layer() -> Problem {
    let data =
        Data::new(vec![vec![q("1"), q("0")], vec![q("0"), q("1")]], Labels::Given(vec![q("1"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Finite(q("1")), arithmetic: Arithmetic::Interval, precision: 53 };
    let w = vec![vec![q("1"), q("0")], vec![q("0"), q("1")], vec![q("1"), q("1")]];
    let init = Init::Explicit { w, a: vec![q("1"), q("1"), q("-1")] };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap()
}

#[test]
fn the_four_examples_parse_and_resolve() {
    let cases = [
        ("forall t: d/dt norm(w)^2 >= 0", Scope::Always, false),
        ("forall t >= 1: angle(w[0], w[2]) is nonincreasing", Scope::From(q("1")), true),
        (r#"at every event: kind != "activate" or point not in deactivated_before"#, Scope::Events, false),
        ("forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2", Scope::Always, true),
    ];
    for (text, scope, two) in cases {
        let l = Lemma::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(l.scope(), &scope, "{text}");
        let p = if two { two_layer() } else { single() };
        l.resolve(&p).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn more_forms_parse() {
    for text in [
        "forall t in [0, 2.5]: loss <= 1/2",
        "eventually: loss < 0.01",
        "at the limit: r[0] == 0",
        "forall i: y[i] >= 0 implies r[i] <= 1",
        "forall t: not (loss > 2) and true",
        "forall j in neurons: |active(j)| <= 2 or count_active(j) >= 0",
        "d/dt (w·x[0]) >= -10",
        "dot(w, x[1]) >= -1 - t^2",
        "cosangle(w, [1, -1]) <= 1",
        "0 in active(0) => loss ≥ 0",
        "at every event: t >= 0 and neuron == 0",
    ] {
        let l = Lemma::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        l.resolve(&single()).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn syntax_errors_say_where_and_what_was_expected() {
    let e = Lemma::parse("forall t: d/dt norm(w)^2 >= ").unwrap_err();
    assert_eq!((e.line, e.column), (1, 29), "{e}");
    assert!(matches!(&e.kind, ErrorKind::Syntax { expected } if expected == "an expression"), "{e}");
    assert!(e.to_string().contains("the end of the lemma"), "{e}");
    let e = Lemma::parse("forall t in [2, 1]: loss >= 0").unwrap_err();
    assert!(e.to_string().contains("a ≤ b"), "{e}");
    let e = Lemma::parse("loss >= 0\n  and norm(w) >> 1").unwrap_err();
    assert_eq!((e.line, e.column, e.found.as_str()), (2, 16, ">"), "{e}");
    let e = Lemma::parse("loss is decreasing").unwrap_err();
    assert!(e.to_string().contains("`nonincreasing` or `nondecreasing`") && e.found == "decreasing", "{e}");
    let e = Lemma::parse("loss $ 1").unwrap_err();
    assert_eq!(e.found, "$");
    let caret = e.to_string();
    assert!(caret.ends_with("       ^"), "{caret}");
}

#[test]
fn name_errors_suggest_the_nearest_names() {
    let e = Lemma::parse("los >= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(matches!(&e.kind, ErrorKind::Unknown { nearest } if nearest[0] == "`loss`"), "{e}");
    let e = Lemma::parse("forall j: angel(w[j], w[0]) is nonincreasing").unwrap().resolve(&two_layer()).unwrap_err();
    assert!(e.to_string().contains("did you mean `angle`"), "{e}");
    let e = Lemma::parse("a[0] >= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Model { .. }) && e.message().contains("no output weights"), "{e}");
    let e = Lemma::parse("norm(w[3]) >= 0").unwrap().resolve(&two_layer()).unwrap_err();
    assert!(e.message().contains("3 neurons (0 to 2)"), "{e}");
    let e = Lemma::parse("norm(w) >= 0").unwrap().resolve(&two_layer()).unwrap_err();
    assert!(e.message().contains("write w[j]"), "{e}");
    let e = Lemma::parse("y[j] >= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(e.message().contains("not bound"), "{e}");
    let e = Lemma::parse("forall j: a[j] >= r[j]").unwrap().resolve(&two_layer()).unwrap_err();
    assert!(e.message().contains("ranges over neurons"), "{e}");
    let e = Lemma::parse("d/dt d2/dt2 loss <= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(e.message().contains("beyond the second"), "{e}");
    let e = Lemma::parse("d2/dt2 (d/dt loss) is nondecreasing").unwrap().resolve(&single()).unwrap_err();
    assert!(e.message().contains("beyond the second"), "{e}");
    let e = Lemma::parse("at every event: loss >= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(e.message().contains("not available at events"), "{e}");
    let e = Lemma::parse("angle(w[0], w[1]) <= 1").unwrap().resolve(&two_layer()).unwrap_err();
    assert!(e.message().contains("cosangle"), "{e}");
}

/// Lemma-like strings: a soup of the language's tokens and stray characters.
fn soup(state: &mut u64, len: usize) -> String {
    const PIECES: &[&str] = &[
        "forall",
        " t",
        " j",
        " i",
        ":",
        "in",
        "[",
        "]",
        "(",
        ")",
        ",",
        "d/dt",
        "d2/dt2 ",
        "after the last event",
        " norm",
        "(w)",
        "w",
        "w[0]",
        "a[j]",
        "x[1]",
        "y[0]",
        "r[i]",
        "loss",
        "angle",
        "dot",
        "·",
        "^",
        "2",
        "0.5",
        "-",
        "+",
        "*",
        "/",
        "<=",
        ">=",
        "==",
        "!=",
        "<",
        ">",
        " and ",
        " or ",
        " not ",
        " implies ",
        " is ",
        "nonincreasing",
        "|",
        "active(j)",
        "\"activate\"",
        "kind",
        "point",
        "deactivated_before",
        "at every event:",
        "at the limit:",
        "eventually",
        "1e5",
        "1/0",
        "\n",
        "é",
        "∞",
        "\"",
        "99999999999999999999",
        "w[18446744073709551616]",
        "^64",
        "^65",
        "balance(0)",
        "true",
    ];
    let mut s = String::new();
    for _ in 0..len {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        s.push_str(PIECES[(*state % PIECES.len() as u64) as usize]);
    }
    s
}

#[test]
fn the_parser_never_panics_on_100000_generated_strings() {
    let models = [single(), two_layer()];
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut parsed = 0;
    for k in 0..100_000 {
        let text = soup(&mut state, 1 + k % 12);
        match Lemma::parse(&text) {
            Ok(l) => {
                parsed += 1;
                for p in &models {
                    if let Err(e) = l.resolve(p) {
                        let _ = e.to_string();
                    }
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    assert!(parsed > 100, "the generator must also reach valid lemmas ({parsed})");
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("{}loss{} >= 0", "(".repeat(10_000), ")".repeat(10_000));
    assert!(Lemma::parse(&deep).is_err());
    let deep = format!("{}loss >= 0", "not ".repeat(10_000));
    assert!(Lemma::parse(&deep).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,60}") {
        if let Ok(l) = Lemma::parse(&text) {
            let _ = l.resolve(&single());
        }
    }
}

#[test]
fn second_derivatives_spell_two_ways_and_after_the_last_event_is_a_scope() {
    let two = Lemma::parse("after the last event: d2/dt2 loss >= 0").unwrap();
    let nested = Lemma::parse("after last event: d/dt d/dt loss >= 0").unwrap();
    assert_eq!(two.scope(), &reluflow_check::lemma::Scope::AfterLastEvent);
    let (a, b) = (two.resolve(&single()).unwrap(), nested.resolve(&single()).unwrap());
    let no_spans =
        |r: &reluflow_check::lemma::Resolved| format!("{:?}", r.body).split("Spans").next().map(str::to_string);
    assert_eq!(no_spans(&a), no_spans(&b));
    assert!(no_spans(&a).unwrap().starts_with("Cmp(Ge, Ddt(Ddt(Loss))"), "{a:?}");
    assert!(a.derivative && a.second);
    // `… is nondecreasing` of a first derivative is a second derivative too.
    let m = Lemma::parse("d/dt loss is nondecreasing").unwrap().resolve(&two_layer()).unwrap();
    assert!(m.second);
    let e = Lemma::parse("after the first event: loss >= 0").unwrap_err();
    assert!(e.to_string().contains("`last`"), "{e}");
    // `d2/dt2x` is a name, not the operator.
    let e = Lemma::parse("d2/dt2x >= 0").unwrap().resolve(&single()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Unknown { .. } | ErrorKind::Model { .. }), "{e}");
}
