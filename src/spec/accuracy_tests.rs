//! `[run] tolerance` and `order`: read exactly, refused with the field, the value as written and
//! the accepted range, refused for the single neuron (closed form, no Taylor steps), and written
//! back (round trip).

use super::run_fixtures::{SINGLE, TWO_LAYER, refused};
use super::*;
use reluflow_arith::exact::parse_exact;

#[test]
fn tolerance_and_order_are_read_exactly() {
    let p = parse("ok.toml", &format!("{TWO_LAYER}tolerance = \"1e-18\"\norder = 20\n")).unwrap();
    assert_eq!(p.accuracy().tolerance(), Some(&parse_exact("1e-18").unwrap()));
    assert_eq!(p.accuracy().order(), Some(20));
    let p = parse("ok.toml", &format!("{TWO_LAYER}tolerance = 1e-12\n")).unwrap();
    assert_eq!(p.accuracy().tolerance(), Some(&parse_exact("1e-12").unwrap()), "a float literal is exact");
    assert_eq!(p.accuracy().order(), None);
    assert!(parse("ok.toml", TWO_LAYER).unwrap().accuracy().is_automatic());
}

#[test]
fn bad_values_name_line_column_field_value_and_range() {
    let e = refused(&format!("{TWO_LAYER}tolerance = \"0.5\"\n"));
    assert!(e.starts_with("bad.toml:13:13: run.tolerance: got `\"0.5\"` (a string), expected a relative error"), "{e}");
    assert!(e.contains("from 1e-300 to 1e-3"), "{e}");
    let e = refused(&format!("{TWO_LAYER}tolerance = \"-1e-18\"\n"));
    assert!(e.contains("run.tolerance: got `\"-1e-18\"`"), "{e}");
    let e = refused(&format!("{TWO_LAYER}tolerance = \"fine\"\n"));
    assert!(e.contains("run.tolerance") && e.contains("a finite number"), "{e}");
    for (bad, shown) in [("1", "`1` (an integer)"), ("65", "`65`"), ("20.0", "(a float)"), ("\"20\"", "(a string)")] {
        let e = refused(&format!("{TWO_LAYER}order = {bad}\n"));
        assert!(e.starts_with("bad.toml:13:9: run.order: got "), "{e}");
        assert!(e.contains(shown) && e.contains("a Taylor order from 2 to 64 (an integer)"), "{e}");
    }
    let e = refused(&format!("{TWO_LAYER}tol = 20\n"));
    assert!(e.contains("unknown key `run.tol`") && e.contains("`tolerance`, `order`"), "{e}");
}

#[test]
fn the_single_neuron_refuses_them_with_the_reason() {
    for extra in ["tolerance = \"1e-18\"", "order = 20"] {
        let e = refused(&format!("{SINGLE}{extra}\n"));
        let field = extra.split(' ').next().unwrap();
        assert!(e.starts_with("bad.toml:11:"), "{e}");
        assert!(e.contains(&format!("run.{field}: model = \"single-neuron\" is solved in closed form")), "{e}");
        assert!(e.contains("`arithmetic` and `precision`"), "{e}");
    }
}

#[test]
fn tolerance_and_order_round_trip() {
    for extra in ["tolerance = \"1e-18\"\norder = 20\n", "order = 2\n", "tolerance = \"1/3000\"\n", ""] {
        let p = parse("ok.toml", &format!("{TWO_LAYER}{extra}")).unwrap();
        let text = to_toml(&p, &[]);
        assert_eq!(parse("written.toml", &text).unwrap(), p, "{text}");
        for key in ["tolerance", "order"] {
            assert_eq!(text.contains(key), extra.contains(key), "{text}");
        }
        let json = serde_json::to_string(&ProblemDoc::of(&p)).unwrap();
        assert_eq!(extra.is_empty(), !json.contains("tolerance") && !json.contains("order"), "{json}");
        let doc: ProblemDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(super::read_doc(&doc, "json").unwrap(), p);
    }
}
