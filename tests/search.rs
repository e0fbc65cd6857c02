//! `reluflow search` and `reluflow search merge`: what is found and written, resume after a crash,
//! shards, refusals, help and Ctrl-C. Small `--cases` keep every run to about a second.

use crate::util::{Run, reluflow};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `reluflow search --theorem ID --cases N --seed S --quiet --json --out DIR [--jobs 2] [extra…]`.
fn search(id: &str, cases: u64, seed: u64, out: &Path, extra: &[&str]) -> Run {
    let (cases, seed) = (cases.to_string(), seed.to_string());
    let out = out.to_str().expect("utf-8 temp path");
    let mut args =
        vec!["search", "--theorem", id, "--cases", &cases, "--seed", &seed, "--quiet", "--json", "--out", out];
    if !extra.contains(&"--jobs") {
        args.extend_from_slice(&["--jobs", "2"]);
    }
    args.extend_from_slice(extra);
    reluflow(&args)
}

fn summary(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

fn cex_cases(v: &Value) -> Vec<u64> {
    v["counterexamples"].as_array().expect("counterexamples").iter().map(|c| c["case"].as_u64().unwrap()).collect()
}

fn lines(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("cases.jsonl")).expect("cases.jsonl");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

#[test]
fn finds_a_certified_counterexample_to_norm_growth_and_writes_a_reproducible_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let r = search("lsy.norm-growth", 12, 1, &out, &[]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let v = r.json();
    assert_eq!((v["outcome"].as_str(), v["exit_code"].as_u64()), (Some("counterexample"), Some(4)));
    assert_eq!(v, summary(&out), "stdout is summary.json");
    assert_eq!(v["coverage"]["tried"], 12);
    let cases = cex_cases(&v);
    assert!(!cases.is_empty(), "{v}");
    assert_eq!(v["coverage"]["confirmed"].as_u64(), Some(cases.len() as u64));
    // One line per case, each with the status and a problem of exact rationals as strings.
    let log = lines(&out);
    assert_eq!(log.len(), 12);
    for l in &log {
        assert!(l["status"].is_string() && l["problem"]["data"]["x"][0][0].is_string(), "{l}");
    }
    // Each counterexample file is a problem file that `check` certifies as a counterexample.
    for k in cases {
        let toml = out.join(format!("cex-{k}.toml"));
        let r = reluflow(&["check", toml.to_str().unwrap(), "--theorem", "lsy.norm-growth"]);
        assert_eq!(r.code, Some(4), "case {k}: {r:#?}");
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(format!("cex-{k}.json"))).unwrap()).unwrap();
        assert_eq!(report["rows"][0]["status"], "counterexample", "{report}");
        let md = std::fs::read_to_string(out.join(format!("cex-{k}.md"))).unwrap();
        assert!(md.contains("**Witness**") && md.contains("reluflow check cex-"), "{md}");
    }
    assert!(std::fs::read_to_string(out.join("summary.md")).unwrap().contains("Certified counterexamples"));
}

#[test]
fn finds_none_for_a_theorem() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let r = search("gen.loss-nonincreasing", 12, 2, &out, &[]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let v = r.json();
    assert_eq!(v["outcome"], "none-found");
    assert!(cex_cases(&v).is_empty());
    assert_eq!((v["coverage"]["tried"].as_u64(), v["coverage"]["confirmed"].as_u64()), (Some(12), Some(0)));
    assert!(v["coverage"]["spreads"]["d"]["histogram"].as_object().is_some_and(|h| !h.is_empty()), "{v}");
    assert!(r.stderr.contains("NONE FOUND"), "{}", r.stderr);
}

/// Keeps the first `keep` lines of the log and half of the next one, as a SIGKILL could.
fn crash(dir: &Path, keep: usize) {
    let path = dir.join("cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let all: Vec<&str> = text.lines().collect();
    let half = &all[keep][..all[keep].len() / 2];
    std::fs::write(&path, format!("{}\n{half}", all[..keep].join("\n"))).unwrap();
}

#[test]
fn a_resumed_search_finds_what_an_uninterrupted_one_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, resumed) = (tmp.path().join("whole"), tmp.path().join("resumed"));
    assert_eq!(search("lsy.norm-growth", 12, 3, &whole, &[]).code, Some(4));
    assert_eq!(search("lsy.norm-growth", 12, 3, &resumed, &[]).code, Some(4));
    crash(&resumed, 5);
    let r = search("lsy.norm-growth", 12, 3, &resumed, &[]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    assert!(r.stderr.contains("partial last line"), "{}", r.stderr);
    let (a, b) = (summary(&whole), summary(&resumed));
    assert_eq!(cex_cases(&a), cex_cases(&b));
    assert_eq!(a["coverage"], b["coverage"]);
    assert_eq!((b["cases"]["finished"].as_u64(), b["cases"]["this_run"].as_u64()), (Some(12), Some(7)), "{b}");
    let mut done: Vec<u64> = lines(&resumed).iter().map(|l| l["case"].as_u64().unwrap()).collect();
    done.sort_unstable();
    assert_eq!(done, (0..12).collect::<Vec<_>>(), "every case once, no partial line left");
    // Other arguments into the same directory are refused, naming what differs.
    let r = search("lsy.norm-growth", 12, 4, &resumed, &[]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("--out") && r.stderr.contains("seed"), "{}", r.stderr);
}

#[test]
fn merged_shards_equal_the_unsharded_search() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    assert_eq!(search("lsy.norm-growth", 12, 5, &whole, &[]).code, Some(4));
    let shard = |i: u64| -> PathBuf {
        let dir = tmp.path().join("shards").join(format!("s{i}"));
        let r = search("lsy.norm-growth", 12, 5, &dir, &["--shard", &format!("{i}/2")]);
        // A shard may hold no counterexample, or only an unconfirmed candidate.
        assert!(matches!(r.code, Some(0 | 3 | 4)), "{r:#?}");
        dir
    };
    let (s0, s1) = (shard(0), shard(1));
    let r = reluflow(&["search", "merge", s0.to_str().unwrap(), s1.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let merged = r.json();
    assert_eq!(merged, summary(&tmp.path().join("shards")), "written to the parent of the first DIR");
    let a = summary(&whole);
    assert_eq!(merged["coverage"], a["coverage"]);
    assert_eq!(cex_cases(&merged), cex_cases(&a));
    assert!(
        merged["counterexamples"][0]["toml"].as_str().is_some_and(|t| t.starts_with("s0/") || t.starts_with("s1/"))
    );
    // One shard alone: the other is reported missing.
    let out = tmp.path().join("one");
    let r = reluflow(&["search", "merge", s0.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(r.json()["shards"]["missing"], serde_json::json!([1]), "{r:#?}");
}

/// A statement about the data: no run, the static check as screen and certification, and the
/// counterexample file reproduces with `check` (with the correlated-data condition and Assumption 1
/// dropped, a yardstick may never reach a point it must cross).
#[test]
fn a_statement_about_the_data_is_searched_and_its_counterexample_reproduces() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let relax = ["--no-assume", "cel.setting", "--no-assume", "cel.assumption1"];
    let r = search("cel.prop14-yardstick", 16, 1, &out, &relax);
    assert_eq!(r.code, Some(4), "{r:#?}");
    let cases = cex_cases(&r.json());
    assert!(!cases.is_empty(), "{r:#?}");
    for k in cases {
        let toml = out.join(format!("cex-{k}.toml"));
        let mut args = vec!["check", toml.to_str().unwrap(), "--theorem", "cel.prop14-yardstick"];
        args.extend_from_slice(&relax);
        let r = reluflow(&args);
        assert_eq!(r.code, Some(4), "case {k}: {r:#?}");
        assert!(r.stdout.contains("crossing structure of yardstick"), "case {k}: {r:#?}");
    }
    let paper = search("cel.prop14-yardstick", 64, 1, &tmp.path().join("p"), &[]);
    assert_eq!(paper.code, Some(0), "{paper:#?}");
}

#[test]
fn bad_arguments_exit_2_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    for (id, extra, needles) in [
        ("lsy.nope", &[][..], &["--theorem", "lsy.nope", "lsy.norm-growth"][..]),
        ("cel.setting", &[], &["--theorem", "cannot be searched", "gen.loss-nonincreasing"]),
        ("lsy.norm-growth", &["--shard", "3/2"], &["--shard", "3/2", "0 ≤ I < N"]),
        ("lsy.norm-growth", &["--assume", "bogus"], &["--assume", "bogus"]),
        ("lsy.norm-growth", &["--jobs", "0"], &["--jobs", "got `0`"]),
        ("lsy.norm-growth", &["--assume", "small-init"], &["--assume", "small-init"]),
        ("lsy.norm-growth", &["--certify-time", "0"], &["--certify-time", "got `0`"]),
        ("cel.assumption3", &[], &["--theorem", "cannot be searched", "predicate", "cel.prop14-yardstick"]),
    ] {
        let r = search(id, 4, 0, &out, extra);
        assert_eq!(r.code, Some(2), "{id} {extra:?}: {r:#?}");
        for n in needles {
            assert!(r.stderr.contains(n), "`{n}` missing for {id} {extra:?}: {}", r.stderr);
        }
        assert_eq!(r.json()["status"], "bad-input");
        assert!(!out.exists(), "nothing is written before the arguments are valid");
    }
}

#[test]
fn help_teaches_the_search() {
    let r = reluflow(&["search", "--help"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    for needle in [
        "screen",
        "certified",
        "shrinks",
        "cases.jsonl",
        "cex-<k>.toml",
        "Resume",
        "sbatch --array=0-15",
        "reluflow search merge out/s*",
        "Exit codes",
        "130",
        "--certify-time",
        "not confirmed: budget",
        "MPFR",
        "--no-assume cel.assumption2",
    ] {
        assert!(r.stdout.contains(needle), "`{needle}` missing from search --help:\n{}", r.stdout);
    }
    let r = reluflow(&["search", "merge", "--help"]);
    assert!(r.stdout.contains("missing") && r.stdout.contains("parent"), "{}", r.stdout);
}

/// A search killed with SIGKILL mid-run (no summary, maybe half a line in `cases.jsonl`) and
/// restarted with the same arguments ends with exactly the counterexamples of an uninterrupted run.
#[test]
fn a_search_killed_with_sigkill_and_restarted_loses_nothing() {
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let (killed, whole) = (tmp.path().join("killed"), tmp.path().join("whole"));
    let args = |out: &Path| -> Vec<String> {
        [
            "search",
            "--theorem",
            "lsy.norm-growth",
            "--cases",
            "40",
            "--seed",
            "3",
            "--jobs",
            "2",
            "--shrink-steps",
            "10",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(["--quiet", "--json", "--out", out.to_str().unwrap()].map(String::from))
        .collect()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_reluflow"))
        .args(args(&killed))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the reluflow binary starts");
    // Kill once some cases are logged (or after 20 s at most).
    let log = killed.join("cases.jsonl");
    for _ in 0..200 {
        let n = std::fs::read_to_string(&log).map(|t| t.lines().count()).unwrap_or(0);
        if n >= 3 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
    let before = std::fs::read_to_string(&log).map(|t| t.lines().count()).unwrap_or(0);
    assert!(before < 40, "the run finished before it could be killed");
    let resumed = reluflow(&args(&killed).iter().map(String::as_str).collect::<Vec<_>>());
    let full = reluflow(&args(&whole).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((resumed.code, full.code), (Some(4), Some(4)), "{resumed:#?}\n{full:#?}");
    assert_eq!(cex_cases(&summary(&killed)), cex_cases(&summary(&whole)), "{before} cases logged before the kill");
    let mut cases: Vec<u64> = lines(&killed).iter().map(|l| l["case"].as_u64().unwrap()).collect();
    cases.sort_unstable();
    assert_eq!(cases, (0..40).collect::<Vec<u64>>(), "every case exactly once in the log");
}
