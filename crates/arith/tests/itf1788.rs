//! The IEEE 1788 test vectors of ITF1788 (libieeep1788's, Apache-2.0, unmodified in
//! `tests/data/itf1788/`) run on our two interval backends through the `Scalar`/`Enclosure`
//! traits: `MpInterval` at 53 bits, and `inari::Interval` through our adapter
//! (`backend/inari_iv.rs`; never inari directly: the adapter is what is tested).
//!
//! * `parse`: the `.itl` reader; `run`: which ITF1788 operation is which of ours (only where the
//!   semantics match; every other line is skipped with its reason); `check`: the verdicts;
//!   `report`: the table.
//! * Pass criteria (`check`): every interval result contains the expected tightest binary64
//!   interval (after rounding our ends outward to binary64) and equals it unless our docs say
//!   the operation is not tightest; predicates and exact ends are equal; `mid` is a point of the
//!   interval and `rad_upper`/`width_upper` are at least the exact radius/width.
//! * The table (shown with `--nocapture`, and in every failure message) counts per backend what
//!   was compared, matched exactly, was only contained, or was skipped and why.
//! * With the feature `fault-flip-rounding` this test must fail (non-containment).
//!
//! `RELUFLOW_ITF1788_EXTRA=DIR` adds the `.itl` files of DIR not already here, e.g. ITF1788's
//! LGPL-licensed `c-xsc.itl`, `fi_lib.itl` and `mpfi.itl`, which this repository does not ship.

#[path = "itf1788/check.rs"]
mod check;
#[path = "itf1788/parse.rs"]
mod parse;
#[path = "itf1788/report.rs"]
mod report;
#[path = "itf1788/run.rs"]
mod run;

use parse::{Case, Val, parse_file};
use reluflow_arith::{Bound, Enclosure, Interval, MpInterval, Rational, Scalar};
use report::Tally;
use std::path::{Path, PathBuf};

/// At least this many lines must really be compared per backend (the shipped files give a few
/// more; a drop means lines are being skipped or misread).
const MIN_RUN: usize = 1450;

/// The `.itl` files of `dir`, sorted by name.
fn itl_files(dir: &Path) -> Vec<PathBuf> {
    let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut v: Vec<PathBuf> =
        rd.map(|e| e.expect("dir entry").path()).filter(|p| p.extension() == Some("itl".as_ref())).collect();
    v.sort();
    v
}

/// The shipped files, then those of `RELUFLOW_ITF1788_EXTRA` not shipped: (file names, lines).
fn load() -> (Vec<String>, Vec<Case>) {
    let mut paths = itl_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/itf1788"));
    if let Some(extra) = std::env::var_os("RELUFLOW_ITF1788_EXTRA") {
        let have: Vec<_> = paths.iter().filter_map(|p| p.file_name().map(|n| n.to_owned())).collect();
        paths.extend(
            itl_files(extra.as_ref())
                .into_iter()
                .filter(|p| !have.iter().any(|n| Some(n.as_os_str()) == p.file_name())),
        );
    }
    let (mut names, mut cases) = (Vec::new(), Vec::new());
    for p in paths {
        let name = p.file_name().expect("file name").to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        cases.extend(parse_file(&name, &text));
        names.push(name);
    }
    (names, cases)
}

fn tally<S: run::Backend>(cases: &[Case]) -> Tally {
    let mut t = Tally::new(S::LABEL);
    for c in cases {
        t.add(c, run::run_case::<S>(c));
    }
    t
}

#[test]
fn itf1788_vectors_on_both_interval_backends() {
    let (files, cases) = load();
    let mp = tally::<MpInterval>(&cases);
    let inari = tally::<Interval>(&cases);
    let tallies = [&mp, &inari];
    let table = report::table(&files, cases.len(), &tallies);
    println!("{table}");
    let failed: usize = tallies.iter().map(|t| t.failures.len()).sum();
    assert!(failed == 0, "{failed} ITF1788 lines fail:\n{}\n{table}", report::failures(&tallies, 100));
    for t in tallies {
        assert!(
            t.run() >= MIN_RUN,
            "{}: only {} lines compared (at least {MIN_RUN} expected)\n{table}",
            t.label,
            t.run()
        );
    }
}

fn q(n: i64, d: i64) -> Bound {
    Bound::Finite(Rational::from((n, d)))
}

#[test]
fn the_reader_reads_itl_syntax() {
    let text = "/* header; with { braces } */\n\
                testcase t { // comment\n\
                  add [1.0, 2.0] [-infinity, 3] = [entire];\n\
                  sqrt [empty] = [empty]\n  ;\n\
                  neg [0X1.99999A0000000P-4, 0x1921fb54442d18p-51]_com = [-0x33p-1,+8]_com;\n\
                  isEmpty [nai] = false;\n\
                  b-numsToInterval 1.0 NaN = [empty] signal UndefinedOperation;\n\
                }\n";
    let c = parse_file("t.itl", text);
    assert_eq!(c.len(), 5);
    assert_eq!((c[0].op.as_str(), c[0].line, c[0].decorated), ("add", 3, false));
    assert_eq!((c[0].file.as_str(), c[0].src.as_str()), ("t.itl", "add [1.0, 2.0] [-infinity, 3] = [entire];"));
    assert_eq!(c[0].args, [Val::Iv(Some((q(1, 1), q(2, 1)))), Val::Iv(Some((Bound::NegInf, q(3, 1))))]);
    assert_eq!(c[0].results, [Val::Iv(Some((Bound::NegInf, Bound::PosInf)))]);
    assert_eq!((c[1].line, &c[1].args[0]), (4, &Val::Iv(None)));
    let h = Rational::from(0x199999A0000000_i64) / (Rational::from(1) << 56);
    let pi = Rational::from(0x1921fb54442d18_i64) / (Rational::from(1) << 51);
    assert_eq!(c[2].args[0], Val::Iv(Some((Bound::Finite(h), Bound::Finite(pi)))));
    assert_eq!(c[2].results[0], Val::Iv(Some((q(-51, 2), q(8, 1)))));
    assert!(c[2].decorated && c[3].decorated && !c[4].decorated);
    assert_eq!(c[3].results, [Val::Bool(false)]);
    assert_eq!(c[4].args, [Val::Num(Some(q(1, 1))), Val::Num(None)]);
    assert_eq!(c[4].signal.as_deref(), Some("UndefinedOperation"));
}

#[test]
fn the_verdicts_catch_narrow_and_wide_results() {
    use check::{Outcome, judge_interval};
    let iv = |a: f64, b: f64| MpInterval::from_f64_bounds(a, b, &53);
    let want = Val::Iv(Some((q(1, 1), q(3, 1))));
    assert_eq!(judge_interval(&iv(1.0, 3.0), &want, None), Outcome::Exact);
    assert!(matches!(judge_interval(&iv(1.0, 2.0), &want, None), Outcome::Fail(m) if m.starts_with("NOT CONTAINED")));
    assert!(matches!(judge_interval(&iv(0.5, 3.0), &want, None), Outcome::Fail(m) if m.starts_with("not tightest")));
    assert_eq!(judge_interval(&iv(0.5, 3.0), &want, Some("doc")), Outcome::Loose("doc"));
    // MPFR's exponent range: 2^1025 is finite there; rounded outward to binary64 it is [MAX, +∞]
    let big = iv(f64::MAX, f64::MAX).mul(&iv(4.0, 4.0));
    let overflow = Val::Iv(Some((check::bound(f64::MAX), Bound::PosInf)));
    assert_eq!(judge_interval(&big, &overflow, None), Outcome::Binary64);
    assert!(matches!(judge_interval(&iv(f64::MAX, f64::MAX), &overflow, None), Outcome::Fail(_)));
    // a literal end that is not binary64 means the nearest binary64 number
    let lit = Val::Iv(Some((q(1, 10), q(1, 10))));
    assert_eq!(check::interval(&lit), Some(Some((0.1, 0.1))));
}
