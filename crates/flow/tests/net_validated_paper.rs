//! The paper-size example `examples/two-layer-paper-m25.toml` is exactly the seeded instance of
//! `net::data::generate` (m = 25, d = n = 16, uncentred scheme, seed 1, λ = 4^-7): every binary64
//! value of the generator is written as its exact decimal expansion.
//!
//! Regenerate the body (everything after the header comments): `RF_WRITE_BODY=/tmp/body.toml cargo
//! test -p reluflow-flow --test net_validated_paper -- --ignored print_paper_example`.

use reluflow_flow::net::data::{Instance, Scheme, Spec, generate};
use rug::ops::Pow;
use rug::{Integer, Rational};

/// The generator call of the example.
const SPEC: Spec = Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 1 };

/// The exact decimal expansion of a finite binary64 value (it terminates: the denominator is a
/// power of two, `p/2^k = p·5^k/10^k`).
fn exact_decimal(v: f64) -> String {
    let q = Rational::from_f64(v).expect("finite");
    let (num, den) = q.into_numer_denom();
    let k = den.significant_bits() - 1; // den = 2^k
    assert_eq!(den, Integer::from(1) << k);
    if k == 0 {
        return num.to_string();
    }
    let scaled: Integer = num.clone().abs() * Integer::from(5).pow(k);
    let mut digits = scaled.to_string();
    let k = k as usize;
    if digits.len() <= k {
        digits = "0".repeat(k + 1 - digits.len()) + &digits;
    }
    let (int, frac) = digits.split_at(digits.len() - k);
    let frac = frac.trim_end_matches('0');
    let sign = if num < 0 { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
}

fn row(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|x| exact_decimal(*x)).collect::<Vec<_>>().join(", "))
}

fn rows(v: &[Vec<f64>]) -> String {
    format!("[\n{}\n]", v.iter().map(|r| format!("  {},", row(r))).collect::<Vec<_>>().join("\n"))
}

/// The TOML body (everything after the header comments) for the generated instance.
fn body(inst: &Instance) -> String {
    let s: Vec<String> = inst.s.iter().map(|v| v.to_string()).collect();
    format!(
        "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-mean\"\n\n[data]\nx = {}\nteacher = {}\n\n\
         [init]\nscale = \"0.00006103515625\"\nz = {}\ns = [{}]\n\n[run]\nt_end = {}\narithmetic = \"interval\"\n",
        rows(&inst.x),
        row(&inst.teacher),
        rows(&inst.z),
        s.join(", "),
        T_END
    )
}

/// The horizon written into the example.
const T_END: u32 = 2720;

fn example_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/two-layer-paper-m25.toml")
}

#[test]
fn exact_decimals_are_exact() {
    for v in [0.1, -0.75, 3.0, 1e-20, -123.456, 2f64.powi(-60)] {
        let text = exact_decimal(v);
        let back = reluflow_arith::exact::parse_exact(&text).expect("parses");
        assert_eq!(back, Rational::from_f64(v).unwrap(), "{v} -> {text}");
    }
    assert_eq!(exact_decimal(0.1), "0.1000000000000000055511151231257827021181583404541015625");
}

#[test]
fn paper_example_file_is_the_seeded_instance() {
    let text = std::fs::read_to_string(example_path()).expect("examples/two-layer-paper-m25.toml exists");
    let header_end = text.find("\nmodel = ").expect("a body after the header");
    let header = &text[..header_end];
    assert!(header.lines().all(|l| l.starts_with('#')), "only comments before the body");
    assert!(header.contains("slow-example"), "the header marks the example slow");
    let inst = generate(&SPEC);
    assert_eq!(inst.attempts, 1);
    assert_eq!(&text[header_end + 1..], body(&inst), "the example's data differ from generate(seed 1)");
}

#[test]
#[ignore = "writes the example body to $RF_WRITE_BODY (or prints it); see the module docs"]
fn print_paper_example() {
    let text = body(&generate(&SPEC));
    match std::env::var("RF_WRITE_BODY") {
        Ok(path) => std::fs::write(path, text).expect("writable"),
        Err(_) => print!("{text}"),
    }
}
