//! `[run] solution`: read as one of two words, refused elsewhere with the position, refused for the
//! single neuron with the reason, and written back only when it is not the default.

use super::run_fixtures::{SINGLE, TWO_LAYER, refused};
use super::*;

#[test]
fn solution_is_read_and_defaults_to_fixed() {
    assert_eq!(parse("ok.toml", TWO_LAYER).unwrap().solution(), Solution::Fixed);
    let p = parse("ok.toml", &format!("{TWO_LAYER}solution = \"fixed\"\n")).unwrap();
    assert_eq!(p.solution(), Solution::Fixed);
    let p = parse("ok.toml", &format!("{TWO_LAYER}solution = \"clarke\"\n")).unwrap();
    assert_eq!(p.solution(), Solution::Clarke);
}

#[test]
fn bad_solutions_name_line_column_field_and_choices() {
    for (bad, shown) in [("\"filippov\"", "`\"filippov\"`"), ("1", "`1` (an integer)"), ("\"Clarke\"", "`\"Clarke\"`")]
    {
        let e = refused(&format!("{TWO_LAYER}solution = {bad}\n"));
        assert!(e.starts_with("bad.toml:13:12: run.solution: got "), "{e}");
        assert!(e.contains(shown) && e.contains("one of \"fixed\", \"clarke\""), "{e}");
    }
    let e = refused(&format!("{SINGLE}solution = \"clarke\"\n"));
    assert!(e.starts_with("bad.toml:11:12: run.solution: model = \"single-neuron\""), "{e}");
    assert!(e.contains("for two-layer models"), "{e}");
    assert!(parse("ok.toml", &format!("{SINGLE}solution = \"fixed\"\n")).is_ok());
}

#[test]
fn solution_round_trips_and_is_written_only_when_not_the_default() {
    for extra in ["solution = \"clarke\"\n", "solution = \"fixed\"\n", ""] {
        let p = parse("ok.toml", &format!("{TWO_LAYER}{extra}")).unwrap();
        let text = to_toml(&p, &[]);
        assert_eq!(parse("written.toml", &text).unwrap(), p, "{text}");
        assert_eq!(text.contains("solution"), extra.contains("clarke"), "{text}");
        let json = serde_json::to_string(&ProblemDoc::of(&p)).unwrap();
        let doc: ProblemDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(super::read_doc(&doc, "json").unwrap(), p);
    }
}
