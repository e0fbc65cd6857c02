//! Problem-file reading: exactness of every number syntax, and one test per class of bad input
//! checking that the message names the file, the field, the value and what was expected.

use super::*;
use reluflow_arith::exact::parse_exact;
use rug::Rational;

const SINGLE: &str = r#"
model = "single-neuron"
relu_prime_at_zero = 1
loss = "half-sum"
[data]
x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]
y = [16, 18, 0]
[init]
w = [0, 0, 0]
[run]
t_end = "inf"
arithmetic = "interval"
"#;

const BALANCED: &str = r#"
model = "two-layer"
[data]
x = [[1, 0], [1, 1], [2, 1]]
teacher = [1, "1/2"]
[init]
scale = "1e-600"
z = [[1, 0], [0, 1]]
s = [1, -1]
[run]
t_end = 2000
arithmetic = "mpfr-interval"
precision = 256
"#;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn ok(src: &str) -> Problem {
    parse("test.toml", src).unwrap_or_else(|e| panic!("{e}"))
}

/// The error message for `src`, asserting it names the file and every fragment given.
fn err(src: &str, fragments: &[&str]) -> String {
    let e = parse("bad.toml", src).expect_err("should be refused").to_string();
    assert!(e.starts_with("bad.toml"), "no file name in: {e}");
    for f in fragments {
        assert!(e.contains(f), "`{f}` missing from: {e}");
    }
    e
}

#[test]
fn reads_the_documented_single_neuron_file() {
    let p = ok(SINGLE);
    assert_eq!(p.model(), ModelKind::SingleNeuron);
    assert_eq!(p.relu_prime(), ReluPrime::One);
    assert_eq!(p.loss(), LossScale::HalfSum);
    assert_eq!(p.data().x()[2][1], q("1/10"));
    assert_eq!(p.data().y(), &[q("16"), q("18"), q("0")]);
    assert_eq!(p.init(), &Init::Single { w: vec![q("0"); 3] });
    assert_eq!(p.run().t_end, Horizon::Infinite);
    assert_eq!(p.run().arithmetic, Arithmetic::Interval);
}

#[test]
fn reads_balanced_two_layer_with_teacher_and_defaults() {
    let p = ok(BALANCED);
    assert_eq!(p.model(), ModelKind::TwoLayer);
    assert_eq!(p.relu_prime(), ReluPrime::Zero, "default σ'(0) = 0");
    assert_eq!(p.loss(), LossScale::HalfMean, "default loss of two-layer models");
    assert_eq!(p.data().y(), &[q("1"), q("1.5"), q("2.5")]);
    match p.init() {
        Init::Balanced { scale, s, .. } => {
            assert_eq!(*scale, q("1e-600"));
            assert_eq!(s, &[1, -1]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.run().t_end, Horizon::Finite(q("2000")));
    assert_eq!(p.run().precision, 256);
}

#[test]
fn float_literals_are_exact_decimals() {
    let src = SINGLE.replace(
        r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#,
        "x = [[0.1, 1e-600, -2.5E+2], [1_000.000_1, 0x10, 0o17], [0b101, +7, 123456789012345678901234567890]]",
    );
    let p = ok(&src);
    let x = p.data().x();
    assert_eq!(x[0][0], Rational::from((1, 10)), "0.1 must be exactly 1/10, not the nearest binary64");
    assert_eq!(x[0][1], q("1e-600"), "1e-600 must not underflow");
    assert_eq!(x[0][2], q("-250"));
    assert_eq!(x[1][0], q("1000.0001"));
    assert_eq!(x[1][1], q("16"));
    assert_eq!(x[1][2], q("15"));
    assert_eq!(x[2][0], q("5"));
    assert_eq!(x[2][1], q("7"));
    assert_eq!(x[2][2], q("123456789012345678901234567890"), "integers beyond i64 are exact");
    let one = SINGLE
        .replace(r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#, "x = [[0.1]]")
        .replace("[16, 18, 0]", "[1]")
        .replace("w = [0, 0, 0]", "w = [0]");
    assert_eq!(ok(&one).data().x()[0][0], Rational::from((1, 10)));
}

#[test]
fn t_end_forms() {
    for (text, want) in
        [("\"inf\"", None), ("inf", None), ("2000", Some("2000")), ("\"1/3\"", Some("1/3")), ("0.5", Some("0.5"))]
    {
        let p = ok(&SINGLE.replace("t_end = \"inf\"", &format!("t_end = {text}")));
        let expect = want.map_or(Horizon::Infinite, |w| Horizon::Finite(q(w)));
        assert_eq!(p.run().t_end, expect, "{text}");
    }
    err(&SINGLE.replace("t_end = \"inf\"", "t_end = -inf"), &["run.t_end", "`-inf`", "expected a time ≥ 0"]);
    err(&SINGLE.replace("t_end = \"inf\"", "t_end = -1"), &["run.t_end", "got -1", "a time ≥ 0"]);
    err(&SINGLE.replace("t_end = \"inf\"", "t_end = \"forever\""), &["run.t_end", "`\"forever\"`", "\"inf\""]);
}

#[test]
fn syntax_errors_show_line_and_column() {
    err("model = \"single-neuron\"\n[data]\nx = [[1, 2]\n", &["line 3", "column"]);
    err("model = \nx", &["line 2"]);
    err("model = \"a\"\nmodel = \"b\"\n", &["line 2"]);
}

#[test]
fn nan_and_inf_are_refused_everywhere() {
    for bad in ["nan", "inf", "-inf", "+nan", "\"nan\"", "\"inf\""] {
        let src = SINGLE.replace(r#""0.1""#, bad);
        err(&src, &["bad.toml:6:", "data.x[2][1]", &format!("`{bad}`"), "expected a finite number"]);
    }
    err(&SINGLE.replace("w = [0, 0, 0]", "w = [0, nan, 0]"), &["init.w[1]", "`nan`", "finite number"]);
}

#[test]
fn malformed_numbers_name_the_value() {
    err(
        &SINGLE.replace(r#""0.1""#, r#""0.1.2""#),
        &["data.x[2][1]", "`\"0.1.2\"`", "a string", "expected a finite number"],
    );
    err(&SINGLE.replace(r#""0.1""#, r#""1/0""#), &["data.x[2][1]", "divides by zero"]);
    err(&SINGLE.replace(r#""0.1""#, "true"), &["data.x[2][1]", "`true` (a boolean)", "finite number"]);
    err(&SINGLE.replace(r#""0.1""#, "1979-05-27"), &["data.x[2][1]", "a date-time"]);
}

#[test]
fn shapes_are_checked() {
    err(
        &SINGLE.replace(r#"[0, "0.1", 1]]"#, "[0, 1]]"),
        &["bad.toml:6:", "data.x[2]", "`[0, 1]`", "a row of 3 numbers", "rectangular"],
    );
    err(
        &SINGLE.replace(r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#, "x = [1, 2, 3]"),
        &["data.x[0]", "`1` (an integer)", "a list of lists"],
    );
    err(
        &SINGLE.replace(r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#, "x = \"points\""),
        &["data.x", "(a string)", "a list of rows"],
    );
    err(&SINGLE.replace("y = [16, 18, 0]", "y = [16, 18]"), &["data.y", "has 2 labels but data.x has 3 points"]);
    err(&SINGLE.replace("w = [0, 0, 0]", "w = [0, 0]"), &["init.w", "has 2 coordinates but the data points have 3"]);
    err(&SINGLE.replace("y = [16, 18, 0]", "teacher = [1, 2]"), &["data.teacher", "has 2 coordinates"]);
}

#[test]
fn empty_data_is_refused() {
    let src =
        SINGLE.replace(r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#, "x = []").replace("y = [16, 18, 0]", "y = []");
    err(&src, &["data.x", "an empty list", "at least one data point"]);
    let src = SINGLE
        .replace(r#"x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]"#, "x = [[]]")
        .replace("y = [16, 18, 0]", "y = [1]");
    err(&src, &["data.x[0]", "an empty row"]);
}

#[test]
fn unknown_keys_list_the_known_ones_and_suggest() {
    err(
        &SINGLE.replace("y = [16", "lables = [1]\ny = [16"),
        &["bad.toml:7:1", "unknown key `data.lables`", "`x`, `y`, `teacher`"],
    );
    err(
        &SINGLE.replace("y = [16", "teachr = [1, 2, 3]\ny = [16"),
        &["unknown key `data.teachr`", "did you mean `teacher`?"],
    );
    err(&SINGLE.replace("arithmetic", "arithmetc"), &["unknown key `run.arithmetc`", "did you mean `arithmetic`?"]);
    err(&format!("seed = 3\n{SINGLE}"), &["unknown key `seed`", "`model`, `relu_prime_at_zero`"]);
    err(&SINGLE.replace("relu_prime_at_zero", "relu-prime-at-zero"), &["did you mean `relu_prime_at_zero`?"]);
    err(&SINGLE.replace("[run]", "[run]\n[run.extra]\nk = 1"), &["unknown key `run.extra`"]);
}

#[test]
fn precision_is_checked() {
    let mpfr = SINGLE.replace("\"interval\"", "\"mpfr-interval\"");
    err(&mpfr, &["run.precision", "missing", "required by arithmetic = \"mpfr-interval\""]);
    for (bad, shown) in [
        ("-5", "`-5` (an integer)"),
        ("3", "`3`"),
        ("99999999999", "`99999999999`"),
        ("\"256\"", "(a string)"),
        ("256.0", "(a float)"),
    ] {
        let src = format!("{mpfr}precision = {bad}\n");
        err(&src, &["run.precision", shown, "a number of bits from 8 to 1048576"]);
    }
    assert_eq!(ok(&format!("{mpfr}precision = 1024\n")).run().precision, 1024);
    assert_eq!(ok(SINGLE).run().precision, 53, "f64 kinds default to their 53 bits");
}

#[test]
fn precision_beside_an_f64_kind_is_refused() {
    // `precision = 256` with f64 intervals would silently compute with 53 bits.
    for (arith, instead) in [("interval", "mpfr-interval"), ("f64", "mpfr")] {
        let src = format!("{}precision = 256\n", SINGLE.replace("\"interval\"", &format!("\"{arith}\"")));
        let e = err(&src, &["bad.toml:13:13", "run.precision", "`256`", "computes in f64 (53 bits)"]);
        assert!(e.contains(&format!("arithmetic = \"{instead}\"")), "{e}");
        // What the f64 kinds compute with may be stated.
        let same = src.replace("256", "53");
        assert_eq!(ok(&same).run().precision, 53);
    }
    // Problems built in code normalise the same way, so they compare (and write) as they compute.
    let p = ok(SINGLE);
    let wider = RunConfig { precision: 256, ..p.run().clone() };
    assert_eq!(p.with_run(wider).unwrap().run().precision, 53);
    assert!(!to_toml(&p, &[]).contains("precision"), "{}", to_toml(&p, &[]));
}

#[test]
fn teacher_and_labels_conflict() {
    err(
        &SINGLE.replace("y = [16, 18, 0]", "y = [16, 18, 0]\nteacher = [1, 1, 1]"),
        &["data.teacher", "both `y` and `teacher`"],
    );
    err(&SINGLE.replace("y = [16, 18, 0]", ""), &["data.y", "missing", "teacher"]);
}

#[test]
fn missing_required_fields() {
    err(&SINGLE.replace("model = \"single-neuron\"", ""), &["model: missing", "\"single-neuron\" or \"two-layer\""]);
    err(&SINGLE.replace("[init]\nw = [0, 0, 0]\n", ""), &["init: missing"]);
    err(&SINGLE.replace("t_end = \"inf\"", ""), &["run.t_end: missing"]);
    err(&SINGLE.replace("arithmetic = \"interval\"", ""), &["run.arithmetic: missing", "\"mpfr-interval\""]);
    err(&SINGLE.replace("w = [0, 0, 0]", ""), &["init.w: missing"]);
    err(&BALANCED.replace("s = [1, -1]", ""), &["init.s: missing", "1 and -1"]);
    err(&BALANCED.replace("scale = \"1e-600\"", ""), &["init.scale: missing"]);
}

#[test]
fn wrong_types_and_words() {
    err(
        &SINGLE.replace("\"single-neuron\"", "\"one-neuron\""),
        &["model", "`\"one-neuron\"`", "one of \"single-neuron\", \"two-layer\""],
    );
    err(&SINGLE.replace("\"half-sum\"", "\"sum\""), &["loss", "\"half-mean\""]);
    err(&SINGLE.replace("\"interval\"", "\"double\""), &["run.arithmetic", "`\"double\"`", "\"mpfr-interval\""]);
    err(
        &SINGLE.replace("relu_prime_at_zero = 1", "relu_prime_at_zero = 2"),
        &["relu_prime_at_zero", "got `2`", "0 or 1"],
    );
    err(&SINGLE.replace("relu_prime_at_zero = 1", "relu_prime_at_zero = 0.5"), &["relu_prime_at_zero", "(a float)"]);
    err(&SINGLE.replace("[data]", "data = 3\n[other]"), &["unknown key `other`"]);
    err(&format!("data = 3\n{}", SINGLE.replace("[data]\n", "[ignored]\n")), &["unknown key `ignored`"]);
}

#[test]
fn model_and_init_must_agree() {
    err(&SINGLE.replace("w = [0, 0, 0]", "w = [[0, 0, 0]]\na = [1]"), &["init.w", "single-neuron"]);
    err(
        &SINGLE.replace("w = [0, 0, 0]", "scale = 1\nz = [[1, 0, 0]]\ns = [1]"),
        &["bad.toml", "init", "model = \"single-neuron\" takes `w = [...]`"],
    );
    err(
        &BALANCED.replace("scale = \"1e-600\"\nz = [[1, 0], [0, 1]]\ns = [1, -1]", "w = [0, 0]"),
        &["init.w", "model = \"two-layer\" takes"],
    );
    err(&BALANCED.replace("s = [1, -1]", "s = [1, -1]\nw = [[1, 1]]"), &["both given"]);
    let flat = BALANCED.replace("scale = \"1e-600\"\nz = [[1, 0], [0, 1]]\ns = [1, -1]", "w = [1, 2]\na = [1]");
    err(&flat, &["init.w", "model = \"two-layer\" takes `w = [[...], ...]`"]);
    err(&BALANCED.replace("s = [1, -1]", "s = [1, 0]"), &["init.s[1]", "`0`", "1 or -1"]);
    err(&BALANCED.replace("s = [1, -1]", "s = [1, 2]"), &["init.s[1]", "`2`", "1 or -1"]);
    err(&BALANCED.replace("s = [1, -1]", "s = [1]"), &["init.s", "has 1 entries but init.z has 2 neurons"]);
    err(&BALANCED.replace("\"1e-600\"", "\"-1e-600\""), &["bad.toml:7:", "init.scale", "a number > 0"]);
    err(&BALANCED.replace("[0, 1]]", "[0, 0]]"), &["init.z[1]", "the zero vector"]);
}

#[test]
fn two_layer_explicit() {
    let src = BALANCED.replace(
        "scale = \"1e-600\"\nz = [[1, 0], [0, 1]]\ns = [1, -1]",
        "w = [[0.5, 0], [0, \"-1/4\"]]\na = [1, -0.25]",
    );
    match ok(&src).init() {
        Init::Explicit { w, a } => {
            assert_eq!(w[1][1], q("-1/4"));
            assert_eq!(a[1], q("-0.25"));
        }
        other => panic!("{other:?}"),
    }
    err(&src.replace("a = [1, -0.25]", ""), &["init.a: missing"]);
    err(&src.replace("a = [1, -0.25]", "a = [1]"), &["init.a", "has 1 entries but init.w has 2 neurons"]);
}

#[test]
fn io_errors_name_the_file() {
    let e = load(Path::new("/nonexistent/problem.toml")).unwrap_err().to_string();
    assert!(e.starts_with("/nonexistent/problem.toml: cannot read"), "{e}");
}

#[test]
fn no_panic_on_garbage() {
    for src in [
        "",
        "[",
        "x",
        "model = 1",
        "[data]\nx = [[[1]]]",
        "[[data]]\nx = 1",
        "model = \"two-layer\"\n[init]\nw = [[1], 2]",
        "\u{0}",
    ] {
        assert!(parse("g.toml", src).is_err(), "{src:?}");
    }
}

#[test]
fn every_shipped_example_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            load(&path).unwrap_or_else(|e| panic!("{e}"));
            count += 1;
        }
    }
    assert!(count >= 7, "expected the shipped examples in {}, found {count}", dir.display());
}
