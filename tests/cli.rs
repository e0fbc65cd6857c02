//! The command line itself: help, usage errors, exit-code table.

use crate::util::reluflow;

const CODES: [&str; 7] = ["0", "2", "3", "4", "5", "70", "130"];

#[test]
fn help_teaches_the_exit_codes() {
    for args in [&["--help"][..], &["-h"], &["certify", "--help"], &["help", "certify"]] {
        let r = reluflow(args);
        assert_eq!(r.code, Some(0), "{args:?}: {r:#?}");
        assert!(r.stdout.contains("Exit codes:"), "{args:?}: {}", r.stdout);
        for code in CODES {
            assert!(
                r.stdout.lines().any(|l| l.trim_start().starts_with(&format!("{code}  "))),
                "{args:?}: code {code} missing"
            );
        }
    }
}

#[test]
fn certify_help_shows_the_format_and_the_guarantee() {
    let r = reluflow(&["certify", "--help"]);
    for needle in [
        "[data]",
        "teacher",
        "[init]",
        "scale = \"1e-600\"",
        "[run]",
        "\"mpfr-interval\"",
        "Guarantee",
        "UNDECIDED",
        "--json",
        "--digits",
    ] {
        assert!(r.stdout.contains(needle), "`{needle}` missing from certify --help:\n{}", r.stdout);
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["certify"],
        &["frobnicate"],
        &["certify", "x.toml", "--digits", "0"],
        &["certify", "x.toml", "--bogus"],
    ] {
        let r = reluflow(args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:#?}");
        assert!(!r.stderr.is_empty(), "{args:?}: no message");
    }
}

#[test]
fn version_succeeds() {
    let r = reluflow(&["--version"]);
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.starts_with("reluflow "), "{}", r.stdout);
}
