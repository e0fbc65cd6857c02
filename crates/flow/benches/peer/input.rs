//! The instance files of the peer benchmark: one `key v v v | v v v` line per field, rows
//! separated by `|`, `#` comments. Exact numbers (`3`, `-0.125`, `1/3`, `1e-3`) become rationals
//! through `reluflow_arith::exact::parse_exact`, so the flow solved here is exactly the one the
//! script wrote down; f64 fields of the gradient-descent files are read with Rust's correctly
//! rounded parser (the script writes them with Python's round-trip `repr`).

use reluflow_arith::exact::parse_exact;
use reluflow_model::*;
use rug::Rational;
use std::collections::HashMap;

/// The fields of one file: each a list of rows of number texts.
pub type Fields = HashMap<String, Vec<Vec<String>>>;

pub fn read(path: &str) -> Fields {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Fields::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rows = rest.split('|').map(|r| r.split_whitespace().map(String::from).collect()).collect();
        out.insert(key.to_string(), rows);
    }
    out
}

fn rows<'a>(f: &'a Fields, key: &str) -> &'a [Vec<String>] {
    f.get(key).unwrap_or_else(|| panic!("field {key} missing"))
}

/// The single value of `key`.
pub fn text<'a>(f: &'a Fields, key: &str) -> &'a str {
    &rows(f, key)[0][0]
}

/// `key` as f64 rows.
pub fn f64_rows(f: &Fields, key: &str) -> Vec<Vec<f64>> {
    rows(f, key).iter().map(|r| r.iter().map(|v| v.parse().expect("an f64")).collect()).collect()
}

/// `key` as one f64 vector.
pub fn f64_vec(f: &Fields, key: &str) -> Vec<f64> {
    f64_rows(f, key).concat()
}

fn exact_rows(f: &Fields, key: &str) -> Vec<Vec<Rational>> {
    rows(f, key).iter().map(|r| r.iter().map(|v| parse_exact(v).expect("an exact number")).collect()).collect()
}

fn exact_vec(f: &Fields, key: &str) -> Vec<Rational> {
    exact_rows(f, key).concat()
}

/// The exact problem of the file at `path`, with `precision` bits (53 for the f64 kinds).
pub fn problem(path: &str, precision: u32) -> Problem {
    let f = read(path);
    let model = match text(&f, "model") {
        "single-neuron" => ModelKind::SingleNeuron,
        "two-layer" => ModelKind::TwoLayer,
        m => panic!("model {m}"),
    };
    let relu_prime = if text(&f, "relu_prime") == "1" { ReluPrime::One } else { ReluPrime::Zero };
    let loss = match text(&f, "loss") {
        "half-sum" => LossScale::HalfSum,
        "half-mean" => LossScale::HalfMean,
        "mean" => LossScale::Mean,
        l => panic!("loss {l}"),
    };
    let labels = if f.contains_key("teacher") {
        Labels::Teacher(exact_vec(&f, "teacher"))
    } else {
        Labels::Given(exact_vec(&f, "y"))
    };
    let data = Data::new(exact_rows(&f, "x"), labels).expect("valid data");
    let init = if f.contains_key("w0") {
        Init::Single { w: exact_vec(&f, "w0") }
    } else {
        let s = exact_vec(&f, "s").iter().map(|q| if *q < 0 { -1 } else { 1 }).collect();
        Init::Balanced { scale: parse_exact(text(&f, "scale")).expect("scale"), z: exact_rows(&f, "z"), s }
    };
    let t_end = match text(&f, "t_end") {
        "inf" => Horizon::Infinite,
        t => Horizon::Finite(parse_exact(t).expect("t_end")),
    };
    let arithmetic = if precision == 53 { Arithmetic::Interval } else { Arithmetic::MpfrInterval };
    let run = RunConfig { t_end, arithmetic, precision };
    Problem::new(model, relu_prime, loss, data, init, run).expect("a valid problem")
}
