//! Written problem files read back as equal problems: single neuron, two-layer explicit and
//! balanced, teacher labels, `t_end = "inf"`, σ'(0) = 1, ratios, huge integers and tiny scales.

use super::*;
use reluflow_arith::exact::parse_exact;
use rug::Rational;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn qs(v: &[&str]) -> Vec<Rational> {
    v.iter().map(|s| q(s)).collect()
}

fn run(t_end: Horizon, arithmetic: Arithmetic, precision: u32) -> RunConfig {
    RunConfig { t_end, arithmetic, precision }
}

/// Writes `p`, reads it back, and asserts equality (also through the JSON form of the document).
fn round_trip(p: &Problem) -> String {
    let text = to_toml(p, &["a header line".into(), "with\na newline".into()]);
    let back = parse("written.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(&back, p, "{text}");
    let json = serde_json::to_string(&ProblemDoc::of(p)).unwrap();
    let doc: ProblemDoc = serde_json::from_str(&json).unwrap();
    assert_eq!(&super::read_doc(&doc, "json").unwrap(), p, "{json}");
    text
}

#[test]
fn exact_texts_read_back_exactly() {
    for s in
        ["0", "-3", "1/3", "-2/7", "0.125", "-0.5", "1e-600", "-1.25e-30", "3.5e-19", "123456789012345678901234567890"]
    {
        let x = q(s);
        let t = exact_text(&x);
        assert_eq!(q(&t), x, "{s} → {t}");
    }
    assert_eq!(exact_text(&q("1/3")), "1/3");
    assert_eq!(exact_text(&q("0.125")), "0.125");
    assert_eq!(exact_text(&q("1e-600")), "1e-600");
    // Scales far below f64's range (Assumption 2 of the shallow-network paper) are written in
    // milliseconds: a quadratic factor count took minutes here.
    let t = std::time::Instant::now();
    assert_eq!(exact_text(&q("5e-400000")), "5e-400000");
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    assert_eq!(exact_text(&q("-12.5e-40")), "-1.25e-39");
    assert_eq!(exact_text(&q("0.1")), "0.1");
    assert_eq!(exact_text(&q("-7")), "-7");
}

#[test]
fn single_neuron_problems_round_trip() {
    let data = Data::new(
        vec![qs(&["3", "-1", "0"]), qs(&["4", "2", "1e-600"]), qs(&["0", "1/3", "1"])],
        Labels::Given(qs(&["16", "18", "0"])),
    )
    .unwrap();
    let init = Init::Single { w: qs(&["0", "-2/7", "123456789012345678901234567890"]) };
    for (rp, t_end, arith, bits) in [
        (ReluPrime::One, Horizon::Infinite, Arithmetic::Interval, 53),
        (ReluPrime::Zero, Horizon::Finite(q("8")), Arithmetic::F64, 53),
        (ReluPrime::Zero, Horizon::Finite(q("65/64")), Arithmetic::MpfrInterval, 256),
        (ReluPrime::One, Horizon::Finite(q("0")), Arithmetic::Mpfr, 80),
    ] {
        let p = Problem::new(
            ModelKind::SingleNeuron,
            rp,
            LossScale::HalfSum,
            data.clone(),
            init.clone(),
            run(t_end, arith, bits),
        )
        .unwrap();
        let text = round_trip(&p);
        assert!(text.starts_with("# a header line\n# with a newline\nmodel = \"single-neuron\""), "{text}");
    }
    let teacher =
        Data::new(vec![qs(&["1", "0.5"]), qs(&["-1", "2"])], Labels::Teacher(qs(&["1/3", "-1e-30"]))).unwrap();
    let init = Init::Single { w: qs(&["1e-600", "0"]) };
    let p = Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::Mean,
        teacher,
        init,
        run(Horizon::Infinite, Arithmetic::Interval, 53),
    )
    .unwrap();
    let text = round_trip(&p);
    assert!(text.contains("teacher = [\"1/3\", \"-1e-30\"]") && !text.contains("\ny ="), "{text}");
}

#[test]
fn two_layer_problems_round_trip() {
    let data =
        Data::new(vec![qs(&["1", "0"]), qs(&["1", "1"]), qs(&["2", "1"])], Labels::Teacher(qs(&["1", "1/2"]))).unwrap();
    let balanced = Init::Balanced { scale: q("1e-600"), z: vec![qs(&["1", "0"]), qs(&["0", "-1/3"])], s: vec![1, -1] };
    let explicit = Init::Explicit { w: vec![qs(&["0.25", "-1"])], a: qs(&["-3/2"]) };
    let labels = Data::new(vec![qs(&["1", "0"])], Labels::Given(qs(&["0.7"]))).unwrap();
    for (data, init, loss) in [(data.clone(), balanced, LossScale::HalfMean), (labels, explicit, LossScale::HalfSum)] {
        for (rp, t_end) in [(ReluPrime::Zero, Horizon::Finite(q("2000"))), (ReluPrime::One, Horizon::Infinite)] {
            let r = run(t_end, Arithmetic::MpfrInterval, 256);
            let p = Problem::new(ModelKind::TwoLayer, rp, loss, data.clone(), init.clone(), r).unwrap();
            round_trip(&p);
        }
    }
}

#[test]
fn the_shipped_examples_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            round_trip(&load(&path).unwrap());
            seen += 1;
        }
    }
    assert!(seen >= 5, "{seen}");
}
