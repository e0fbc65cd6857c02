//! `reluflow export`: the CSV and JSON Lines tables load as documented (checked from Rust, and
//! with pandas when Python has it), and agree with `certify`'s report.

use crate::util::{examples_dir, reluflow};
use std::process::Command;

fn example(name: &str) -> String {
    examples_dir().join(name).to_str().expect("utf-8 path").to_string()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("{s:?} is not a float: {e}"))
}

#[test]
fn csv_has_one_row_per_record_with_ordered_bounds_that_meet_certify() {
    let file = example("two-layer-explicit.toml");
    let r = reluflow(&["export", &file, "--format", "csv", "--quiet"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let mut lines = r.stdout.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    // m = 2, d = 2: 8 fixed columns, then w (4), a (2), loss, norms (2), each _lo and _hi.
    assert_eq!(header.len(), 8 + 2 * (4 + 2 + 1 + 2), "{header:?}");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let c = reluflow(&["certify", &file, "--json", "--quiet"]).json();
    let segments = c["segments"].as_u64().unwrap() as usize;
    let count = |kind: &str| rows.iter().filter(|r| r[0] == kind).count();
    assert_eq!((count("segment"), count("end"), count("initial")), (segments, segments, 1));
    assert_eq!(count("event"), c["events"].as_array().unwrap().len());
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert_eq!(row[4], "true", "a certified run: every row certified: {row:?}");
        for pair in row[8..].chunks(2).filter(|p| !p[0].is_empty()) {
            assert!(num(pair[0]) <= num(pair[1]), "{row:?}");
        }
    }
    // The last end row is certify's final state: the two enclosures of one value meet.
    let last = rows.iter().rev().find(|r| r[0] == "end").unwrap();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let final_w00 = &c["final"]["w"][0][0];
    let (lo, hi) = (num(final_w00[0].as_str().unwrap()), num(final_w00[1].as_str().unwrap()));
    assert!(num(last[col("w0_0_lo")]) <= hi && lo <= num(last[col("w0_0_hi")]), "{last:?} vs {final_w00}");
}

#[test]
fn jsonl_starts_with_the_run_and_parses_line_by_line() {
    let r = reluflow(&["export", &example("vardi-shamir-gamma1.toml"), "--format", "jsonl", "--quiet"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let docs: Vec<serde_json::Value> =
        r.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let run = &docs[0];
    assert_eq!((run["record"].as_str(), run["schema_version"].as_u64()), (Some("run"), Some(2)), "{run}");
    assert_eq!((run["status"].as_str(), run["d"].as_u64()), (Some("certified"), Some(3)), "{run}");
    let limit = docs.last().unwrap();
    assert_eq!(limit["record"], "limit", "{limit}");
    assert!(limit.get("t").is_none(), "{limit}");
    // Single neuron: w is a list of [lo, hi] pairs; the limit is w(∞) = (5, −1, s).
    assert_eq!(limit["w"][0], serde_json::json!([5.0, 5.0]), "{limit}");
}

/// With pandas installed, the documented one-liners load both formats.
#[test]
fn pandas_loads_both_formats_when_installed() {
    let has_pandas = Command::new("python3").args(["-c", "import pandas"]).status().is_ok_and(|s| s.success());
    if !has_pandas {
        eprintln!("pandas is not installed: the formats are checked from Rust only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (csv, jsonl) = (dir.path().join("t.csv"), dir.path().join("t.jsonl"));
    for (fmt, path) in [("csv", &csv), ("jsonl", &jsonl)] {
        let out = path.to_str().unwrap();
        let r = reluflow(&["export", &example("two-layer-explicit.toml"), "--format", fmt, "-o", out, "--quiet"]);
        assert_eq!(r.code, Some(0), "{r:#?}");
    }
    let script = format!(
        "import pandas as pd\n\
         d = pd.read_csv({csv:?}, float_precision='round_trip')\n\
         assert (d.loss_lo <= d.loss_hi).all() and set(d.record) >= {{'initial', 'segment', 'end'}}\n\
         j = pd.read_json({jsonl:?}, lines=True)\n\
         assert j.record[0] == 'run' and len(j) == len(d) + 1\n"
    );
    let st = Command::new("python3").args(["-c", &script]).status().expect("python3 runs");
    assert!(st.success(), "pandas could not load the tables");
}
