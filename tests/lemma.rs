//! `reluflow check --lemma` and `[[lemma]]`: the grammar reference's four examples on the shipped
//! examples (both models), the JSON rows, and errors with their place in the text.

use crate::util::{TempSpec, examples_dir, reluflow};
use serde_json::Value;

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().expect("utf-8 path").to_string()
}

fn lemma_row(v: &Value, k: usize) -> &Value {
    &v["lemmas"].as_array().unwrap_or_else(|| panic!("no lemmas: {v}"))[k]
}

fn check_lemma(file: &str, lemma: &str) -> (Option<i32>, Value) {
    let r = reluflow(&["check", &example(file), "--lemma", lemma, "--json"]);
    assert!(r.stderr.contains("lemma"), "{r:#?}");
    let v = r.json();
    (r.code, v)
}

#[test]
fn the_four_examples_on_the_shipped_examples() {
    let norm = "forall t: d/dt norm(w)^2 >= 0";
    let (code, v) = check_lemma("norm-growth-holds.toml", norm);
    assert_eq!((code, lemma_row(&v, 0)["status"].as_str()), (Some(0), Some("holds")), "{v}");
    assert!(v["rows"].as_array().is_some_and(Vec::is_empty), "--lemma alone checks no catalogue entry: {v}");
    let (code, v) = check_lemma("norm-growth-fails.toml", norm);
    let row = lemma_row(&v, 0);
    assert_eq!((code, row["status"].as_str()), (Some(4), Some("counterexample")), "{v}");
    let w = &row["conclusion"]["witness"];
    assert_eq!(w["quantity"], "d/dt norm(w)^2", "{w}");
    assert!(w["at"]["kind"] == "segment" && w["value"].is_array(), "{w}");

    let (code, v) = check_lemma("two-layer-accuracy.toml", "forall t >= 1: angle(w[0], w[2]) is nonincreasing");
    assert_eq!((code, lemma_row(&v, 0)["conclusion"]["range"].as_str()), (Some(0), Some("t ∈ [1, 3/2]")), "{v}");

    let events = r#"at every event: kind != "activate" or point not in deactivated_before"#;
    let (code, v) = check_lemma("support-vector-reactivation.toml", events);
    let w = &lemma_row(&v, 0)["conclusion"]["witness"];
    assert_eq!(code, Some(4), "{v}");
    assert!(
        w["at"]["kind"] == "event"
            && w["at"]["event"] == 2
            && w["breaks"].as_str().is_some_and(|s| s.contains("point 3")),
        "{w}"
    );

    let balance = "forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2";
    for (file, range) in [("two-layer-explicit.toml", "t ∈ [0, 10]"), ("two-layer-limit.toml", "all t ≥ 0")] {
        let (code, v) = check_lemma(file, balance);
        let c = &lemma_row(&v, 0)["conclusion"];
        assert_eq!((code, c["range"].as_str()), (Some(0), Some(range)), "{file}: {v}");
        assert!(c["proof"].as_str().is_some_and(|p| p.starts_with("identity")), "{c}");
    }
}

#[test]
fn lemma_tables_in_the_problem_file_join_the_catalogue_rows() {
    let text = std::fs::read_to_string(example("norm-growth-fails.toml")).unwrap()
        + "\n[[lemma]]\nname = \"loss falls\"\ntext = \"loss is nonincreasing\"\n\n[[lemma]]\ntext = \"forall t in [0, 1]: norm(w) >= 1\"\n";
    let spec = TempSpec::new("lemmas.toml", &text);
    let r = reluflow(&["check", spec.arg(), "--theorem", "lsy.norm-growth", "--lemma", "t >= 0", "--json"]);
    let v = r.json();
    assert_eq!(r.code, Some(4), "{r:#?}");
    let names: Vec<&str> = v["lemmas"].as_array().unwrap().iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["loss falls", "lemma-2", "lemma-3"], "{v}");
    assert_eq!(lemma_row(&v, 0)["status"], "holds");
    assert_eq!(lemma_row(&v, 1)["status"], "holds", "‖w‖ ≥ |w_1| = 1: {v}");
    assert_eq!(v["rows"][0]["id"], "lsy.norm-growth");
    // The same file still certifies: other commands ignore the lemmas.
    assert_eq!(reluflow(&["certify", spec.arg(), "--json"]).code, Some(0));
}

#[test]
fn bad_lemmas_are_bad_input_with_their_place() {
    let spec = example("norm-growth-holds.toml");
    let r = reluflow(&["check", &spec, "--lemma", "loss >= 0", "--lemma", "forall t: nrom(w) >= 0"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(
        r.stderr.contains("--lemma #2: line 1, column 11") && r.stderr.contains("did you mean `norm`"),
        "{}",
        r.stderr
    );
    let r = reluflow(&["check", &spec, "--lemma", "a[0] >= 0"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("no output weights"), "{}", r.stderr);
    let r = reluflow(&["check", &example("two-layer-explicit.toml"), "--lemma", "norm(w[5]) >= 0"]);
    assert!(r.code == Some(2) && r.stderr.contains("2 neurons"), "{r:#?}");
    let r = reluflow(&["check", &spec, "--lemma", "loss >= (1"]);
    assert!(r.code == Some(2) && r.stderr.contains("expected `)`"), "{r:#?}");
    let text = std::fs::read_to_string(&spec).unwrap() + "\n[[lemma]]\ntext = \"loss >>= 0\"\n";
    let bad = TempSpec::new("bad.toml", &text);
    let r = reluflow(&["check", bad.arg()]);
    assert!(r.code == Some(2) && r.stderr.contains("[[lemma]] at line"), "{r:#?}");
}

#[test]
fn check_help_shows_lemma_examples() {
    let r = reluflow(&["check", "--help"]);
    for needle in ["--lemma", "[[lemma]]", "docs/lemmas.md", "d/dt norm(w)^2", "deactivated_before"] {
        assert!(r.stdout.contains(needle), "`{needle}` missing from check --help:\n{}", r.stdout);
    }
}

#[test]
fn search_breaks_a_false_lemma_and_check_reproduces_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("lemma-search");
    let lemma = "forall i: d/dt r[i]^2 <= 0";
    let args = ["search", "--lemma", lemma, "--cases", "1", "--seed", "3", "--shrink-steps", "0", "--jobs", "1"];
    let r = reluflow(&[&args[..], &["--out", out.to_str().unwrap(), "--json"]].concat());
    assert_eq!(r.code, Some(4), "{r:#?}");
    let v = r.json();
    let cex = &v["counterexamples"][0];
    assert!(cex["witness"].as_str().is_some_and(|w| w.starts_with("counterexample: violated")), "{v}");
    let file = out.join(cex["toml"].as_str().expect("the counterexample's file"));
    let again = reluflow(&["check", file.to_str().unwrap(), "--json"]);
    assert_eq!(again.code, Some(4), "{again:#?}");
    assert_eq!(lemma_row(&again.json(), 0)["status"], "counterexample");
    // A lemma that fits no instance of the model is bad input.
    let r = reluflow(&["search", "--lemma", "a[0] >= 0", "--cases", "1"]);
    assert!(r.code == Some(2) && r.stderr.contains("no output weights"), "{r:#?}");
}

#[test]
fn a_lemma_on_a_point_run_is_not_validated() {
    let text = std::fs::read_to_string(example("norm-growth-fails.toml"))
        .unwrap()
        .replace("arithmetic = \"interval\"", "arithmetic = \"f64\"");
    let spec = TempSpec::new("f64.toml", &text);
    let r = reluflow(&["check", spec.arg(), "--lemma", "forall t: d/dt norm(w)^2 >= 0", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["outcome"], "not-validated", "{v}");
    let row = lemma_row(&v, 0);
    assert_eq!((row["status"].as_str(), row["validated"].as_bool()), (Some("not validated"), Some(false)), "{row}");
}

/// A lemma search shards, resumes and merges exactly as a theorem search does, and takes the
/// catalogue's hypotheses with --assume.
#[test]
fn a_lemma_search_shards_resumes_merges_and_assumes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let lemma = "forall i: d/dt r[i]^2 <= 0";
    let base = ["search", "--lemma", lemma, "--cases", "4", "--seed", "3", "--shrink-steps", "0", "--jobs", "1"];
    let shard = |k: u32| {
        let out = dir.path().join(format!("s{k}"));
        let shard = format!("{k}/2");
        let r = reluflow(
            &[&base[..], &["--shard", &shard, "--assume", "all-active-init", "--out", out.to_str().unwrap(), "--json"]]
                .concat(),
        );
        (r, out)
    };
    let (r0, out0) = shard(0);
    let v = r0.json();
    assert_eq!(v["run"]["lemma"], lemma, "{v}");
    assert_eq!(v["run"]["assumed"][0], "all-active-init", "{v}");
    assert_eq!(v["cases"]["planned"], 2, "{v}");
    let (r1, out1) = shard(1);
    assert!(r1.code == Some(0) || r1.code == Some(4), "{r1:#?}");
    // The same arguments resume: every case is done, none runs again.
    let (again, _) = shard(0);
    assert_eq!(again.json()["cases"]["this_run"], 0, "{again:#?}");
    assert_eq!(again.code, r0.code);
    let merged = reluflow(&["search", "merge", out0.to_str().unwrap(), out1.to_str().unwrap(), "--json"]);
    assert_eq!(merged.json()["cases"]["finished"], 4, "{merged:#?}");
    // Other arguments into the same directory are refused; so is a key that names an entry.
    let r = reluflow(&[&base[..], &["--shard", "0/2", "--out", out0.to_str().unwrap()]].concat());
    assert_eq!(r.code, Some(2), "{r:#?}");
    let r = reluflow(&[&base[..], &["--assume", "lsy.norm-growth:zero-init"]].concat());
    assert!(r.code == Some(2) && r.stderr.contains("hypothesis ids only"), "{r:#?}");
}

/// The Clarke flow's event kinds are names the language knows.
#[test]
fn sliding_events_can_be_named() {
    let ex = crate::util::examples_dir().join("two-layer-slide-exit.toml");
    let lemma = "at every event: kind != \"slide\" or point in activated_before or point not in activated_before";
    let r = crate::util::reluflow(&["check", ex.to_str().unwrap(), "--lemma", lemma]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let bad = crate::util::reluflow(&["check", ex.to_str().unwrap(), "--lemma", "at every event: kind == \"slid\""]);
    assert_eq!(bad.code, Some(2), "{bad:#?}");
    assert!(bad.stderr.contains("\"slide-end\""), "{}", bad.stderr);
}
