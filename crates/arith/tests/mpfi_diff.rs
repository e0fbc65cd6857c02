//! Differential test of `MpInterval` against MPFI, the reference MPFR interval library
//! (feature `mpfi-oracle`; needs a C compiler and Debian's `libmpfi-dev`):
//!
//! ```text
//! apt-get install -y libmpfi-dev
//! cargo test -p reluflow-arith --features mpfi-oracle --test mpfi_diff
//! ```
//!
//! The oracle `tests/mpfi_diff/oracle.c` is compiled into `CARGO_TARGET_TMPDIR` and fed the
//! ends of pseudo-random intervals as exact binary numbers `M·2^E`. For `+ − × ÷ sqr sqrt exp ln`
//! on bounded operands (divisors not containing 0, `sqrt`/`ln` of positive intervals: there MPFI's
//! semantics coincide with IEEE 1788's) both libraries return the tightest enclosure at the
//! working precision, so the ends must be *equal*.
#![cfg(feature = "mpfi-oracle")]

use reluflow_arith::{Bound, Enclosure, Float, MpInterval, Rational, Scalar};
use rug::Integer;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Compiles the oracle once per test binary run.
fn oracle() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let exe = dir.join("mpfi_oracle");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mpfi_diff/oracle.c");
    let out = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(&src)
        .args(["-lmpfi", "-lmpfr", "-lgmp"])
        .output()
        .expect("no C compiler (set CC)");
    assert!(
        out.status.success(),
        "compiling the MPFI oracle failed (is libmpfi-dev installed?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn end_text(x: &Float) -> String {
    let (m, e) = x.to_integer_exp().expect("finite end");
    format!("{m} {e}")
}

fn parse_end(toks: &mut std::str::SplitWhitespace<'_>) -> Bound {
    match toks.next().expect("end") {
        "inf" => Bound::PosInf,
        "-inf" => Bound::NegInf,
        m => {
            let m: Integer = m.parse().expect("mantissa");
            let e: i64 = toks.next().expect("exponent").parse().expect("exponent");
            let r = Rational::from(m);
            Bound::Finite(if e >= 0 { r << e as u32 } else { r >> (-e) as u32 })
        }
    }
}

/// Reproducible xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A rational with a 60-bit numerator, odd denominator and scale 2^[-20, 20), of either sign.
    fn rational(&mut self, positive: bool) -> Rational {
        let n = (self.next() >> 4) as i64;
        let d = (self.next() >> 40) | 1;
        let s = (self.next() % 40) as i32 - 20;
        let r = Rational::from((n, d));
        let r = if s >= 0 { r << s as u32 } else { r >> (-s) as u32 };
        if positive || self.next() & 1 == 0 { r } else { -r }
    }
    fn interval(&mut self, prec: u32, positive: bool) -> MpInterval {
        let (a, b) = (self.rational(positive), self.rational(positive));
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        // a third of the intervals are points (then every result end is a correctly rounded value)
        if self.next().is_multiple_of(3) {
            MpInterval::from_rational(&a, &prec)
        } else {
            MpInterval::from_bounds(&a, &b, &prec)
        }
    }
}

#[test]
fn mpfr_intervals_equal_mpfi_on_bounded_operands() {
    let exe = oracle();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut lines = String::new();
    let mut ours = Vec::new();
    for prec in [53u32, 128, 256, 1024] {
        for _ in 0..300 {
            let (x, y) = (rng.interval(prec, false), rng.interval(prec, false));
            let pos = rng.interval(prec, true);
            let small = x.mul_2si(-50); // |small| < 2^15: exp stays in range
            let mut cases: Vec<(&str, MpInterval, Option<MpInterval>, MpInterval)> = vec![
                ("add", x.clone(), Some(y.clone()), x.add(&y)),
                ("sub", x.clone(), Some(y.clone()), x.sub(&y)),
                ("mul", x.clone(), Some(y.clone()), x.mul(&y)),
                ("sqr", x.clone(), None, x.sqr()),
                ("sqrt", pos.clone(), None, pos.sqrt()),
                ("log", pos.clone(), None, pos.ln()),
                ("exp", small.clone(), None, small.exp()),
            ];
            if !y.contains_zero() {
                cases.push(("div", x.clone(), Some(y.clone()), x.div(&y)));
            }
            for (op, a, b, r) in cases {
                lines.push_str(&format!("{op} {prec} {} {}", end_text(a.lo()), end_text(a.hi())));
                if let Some(b) = &b {
                    lines.push_str(&format!(" {} {}", end_text(b.lo()), end_text(b.hi())));
                }
                lines.push('\n');
                ours.push((op, prec, a, b, r));
            }
        }
    }
    let mut child = Command::new(&exe).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("run oracle");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()).expect("write cases"));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer");
    assert!(out.status.success(), "oracle failed");
    let text = String::from_utf8(out.stdout).expect("utf8");
    let answers: Vec<&str> = text.lines().collect();
    assert_eq!(answers.len(), ours.len(), "oracle answered {} of {} cases", answers.len(), ours.len());
    for ((op, prec, a, b, r), line) in ours.iter().zip(&answers) {
        let mut toks = line.split_whitespace();
        let (lo, hi) = (parse_end(&mut toks), parse_end(&mut toks));
        assert_eq!(
            (r.lower(), r.upper()),
            (lo.clone(), hi.clone()),
            "{op} at {prec} bits of {a} and {b:?}: ours {r}, MPFI [{lo:?}, {hi:?}]"
        );
    }
    println!("{} cases agree with MPFI", ours.len());
}
