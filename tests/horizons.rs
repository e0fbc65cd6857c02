//! Far horizons: a certified report never carries an infinite bound, and times print with
//! `--digits` (the exact horizon is only in the JSON).

use crate::util::{VALID, certify_text};

fn with_t_end(t: &str, arithmetic: &str) -> String {
    VALID.replace("t_end = \"inf\"", &format!("t_end = {t}")).replace("arithmetic = \"interval\"", arithmetic)
}

#[test]
fn far_horizons_certify_the_limit_state_or_end_undecided() {
    // 1e300 fits f64: the final state comes from the decay modes, near (5, −1, s).
    let r = certify_text("far.toml", &with_t_end("\"1e300\"", "arithmetic = \"interval\""), &["--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let j = r.json();
    assert_eq!(j["status"], "certified");
    let w0 = &j["final"]["w"][0];
    let (lo, hi): (f64, f64) = (w0[0].as_str().unwrap().parse().unwrap(), w0[1].as_str().unwrap().parse().unwrap());
    assert!(lo <= 5.0 && 5.0 <= hi && hi - lo < 1e-9, "w[0] ∈ [{lo}, {hi}]");
    // 1e400 is past f64: undecided with the setting to change, no infinite bound reported.
    for t in ["\"1e400\"", "1e400"] {
        let r = certify_text("far.toml", &with_t_end(t, "arithmetic = \"interval\""), &[]);
        if r.code == Some(2) {
            continue; // the file format may refuse the TOML float `1e400` (= inf) outright
        }
        assert_eq!(r.code, Some(3), "t_end = {t}: {r:#?}");
        assert!(r.stdout.contains("UNDECIDED") && r.stdout.contains("mpfr-interval"), "{}", r.stdout);
        assert!(!r.stdout.contains("inf]"), "{}", r.stdout);
    }
}

#[test]
fn astronomically_far_horizons_print_with_digits() {
    let text = with_t_end("\"1e1000000\"", "arithmetic = \"mpfr-interval\"\nprecision = 128");
    let r = certify_text("far.toml", &text, &["--digits", "6"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.contains("CERTIFIED up to t = 1e1000000"), "{}", r.stdout);
    assert!(r.stdout.len() < 5_000, "{} bytes of report", r.stdout.len());
    assert!(!r.stdout.contains("inf]") && !r.stdout.contains("[-inf"), "{}", r.stdout);
}
