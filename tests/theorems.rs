//! `reluflow theorems`: the catalogue listing and single entries.

use crate::util::reluflow;

#[test]
fn json_lists_every_catalogue_id() {
    let r = reluflow(&["theorems", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["command"], "theorems", "{v}");
    let entries = v["entries"].as_array().expect("a list of entries");
    let ids: Vec<&str> = entries.iter().filter_map(|e| e["id"].as_str()).collect();
    let expected: Vec<&str> = reluflow_check::catalogue().iter().map(|e| e.id).collect();
    assert_eq!(ids, expected);
    for e in entries {
        for key in ["source", "statement", "checked", "applies", "kind", "note"] {
            assert!(e[key].is_string(), "{key}: {e}");
        }
        assert_eq!(e["implemented"].as_bool(), Some(e.get("not_implemented").is_none()), "{e}");
    }
}

#[test]
fn one_entry_in_full_with_its_note() {
    let r = reluflow(&["theorems", "lsy.norm-growth"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let e = reluflow_check::entry("lsy.norm-growth").unwrap();
    // The statement is wrapped: compare its words.
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>().join(" ");
    assert!(words(&r.stdout).contains(&words(e.statement)), "{}", r.stdout);
    assert!(r.stdout.contains("proofs-notes/thm-lsy.norm-growth.md"), "{}", r.stdout);
    assert!(r.stdout.contains("--assume"), "{}", r.stdout);
    let note = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs-notes/thm-lsy.norm-growth.md");
    assert!(note.is_file(), "the printed note exists");
}

#[test]
fn the_listing_marks_unimplemented_entries_and_unknown_ids_are_bad_input() {
    let r = reluflow(&["theorems"]);
    assert_eq!(r.code, Some(0));
    let unimplemented = reluflow_check::catalogue().iter().filter(|e| !e.implemented()).count();
    assert_eq!(r.stdout.matches("NOT IMPLEMENTED").count(), unimplemented, "{}", r.stdout);
    let r = reluflow(&["theorems", "gen.nope"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("gen.nope") && r.stderr.contains("gen.span"), "{}", r.stderr);
}
