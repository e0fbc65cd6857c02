//! `reluflow reproduce`: the quick variants run in the test suite and reproduce the papers'
//! statements; unknown names are refused with the list.

use crate::util::reluflow;

#[test]
fn vardi_shamir_quick_certifies_the_papers_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vs");
    let run = reluflow(&["reproduce", "vardi-shamir", "--quick", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let csv = std::fs::read_to_string(out.join("vardi-shamir.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8, "γ = 0, 1, 2, 5 in two arithmetics:\n{csv}");
    for r in &rows {
        assert_eq!(r[9], "yes", "inside the paper's interval: {r:?}");
        assert_eq!(r[10], "true", "w₁, w₂ enclose 5α, −α: {r:?}");
    }
    // γ = 1 at 256 bits: s = −0.040772919766673468…, width below 1e-70.
    let g1 = rows.iter().find(|r| r[0] == "1" && r[3] == "256").unwrap();
    assert!(g1[4].starts_with("-4.07729197666734") && g1[5].starts_with("-4.07729197666734"), "{g1:?}");
    assert!(g1[6].parse::<f64>().unwrap() < 1e-70, "{g1:?}");
    let md = std::fs::read_to_string(out.join("vardi-shamir.md")).unwrap();
    assert!(md.contains("σ'(0) = 1") && md.contains("inside the paper's stated interval"), "{md}");
    let svg = std::fs::read_to_string(out.join("vardi-shamir.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<circle"), "an SVG with the points");
}

#[test]
fn an_unknown_reproduction_is_refused_with_the_list() {
    let run = reluflow(&["reproduce", "shallow-nope", "--quick", "--out", "/nonexistent/never"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("shallow-nope") && run.stderr.contains("vardi-shamir"), "{}", run.stderr);
}

/// `single-neuron` with a few instances per row: every row drawn and counted, the naive norm-growth
/// claim certifiably broken, and the same seed gives the same table.
#[test]
fn single_neuron_statistics_are_certified_and_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let table = |name: &str| {
        let out = dir.path().join(name);
        let run =
            reluflow(&["reproduce", "single-neuron", "--seeds", "6", "--seed", "1", "--out", out.to_str().unwrap()]);
        assert!(matches!(run.code, Some(0 | 3)), "{run:#?}");
        let csv = std::fs::read_to_string(out.join("single-neuron.csv")).unwrap();
        // Everything but the timing column.
        csv.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string()).collect::<Vec<_>>()
    };
    let first = table("a");
    assert_eq!(first.len(), 1 + 16, "{first:#?}");
    let cells = |row: &str| row.split(',').map(str::to_string).collect::<Vec<_>>();
    for row in &first[1..] {
        let c = cells(row);
        let n: Vec<usize> = c[3..7].iter().map(|x| x.parse().unwrap()).collect();
        assert_eq!(n[0], 6, "six instances drawn: {row}");
        assert_eq!(n[1] + n[2] + n[3], n[0], "every instance counted once: {row}");
    }
    let naive = cells(&first[1]);
    assert_eq!((naive[0].as_str(), naive[1].as_str()), ("lsy.norm-growth", "\"\""), "{naive:?}");
    assert!(naive[5].parse::<usize>().unwrap() > 0, "the naive claim falls: {naive:?}");
    let zero =
        first.iter().find(|r| r.contains("teacher zero-init relu-prime-one\"") && r.starts_with("lsy.norm")).unwrap();
    // This set falls only about once in 10,000 instances (proofs-notes/search-campaigns.md), so
    // six draws of seed 1 hold no counterexample; a certified one here would be news.
    assert_eq!(cells(zero)[5], "0", "{zero}");
    assert_eq!(table("b"), first, "the same seed draws the same instances");
}

/// `shallow-angles --quick`: the script's GD settings, the angle statistics with the accurate
/// formula, the f64/MPFR check, and a rerun into the same directory that recomputes nothing (a
/// journal line cut short by a crash is run again).
#[test]
fn shallow_angles_quick_runs_resumes_and_reports_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sa");
    let args = ["reproduce", "shallow-angles", "--quick", "--jobs", "2", "--out", out.to_str().unwrap()];
    let first = reluflow(&args);
    assert_eq!(first.code, Some(0), "{first:#?}");
    let csv = std::fs::read_to_string(out.join("shallow-angles.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 3 * 2, "2 schemes × 3 λ × 2 trials:\n{csv}");
    for row in csv.lines().skip(1) {
        let c: Vec<&str> = row.split(',').collect();
        let (max, avg): (f64, f64) = (c[9].parse().unwrap(), c[10].parse().unwrap());
        assert!((0.0..=180.0).contains(&max) && avg <= max, "{row}");
        assert!(c[6] == "threshold" || c[6] == "max-iters" || c[6] == "unchanged", "{row}");
    }
    let md = std::fs::read_to_string(out.join("shallow-angles.md")).unwrap();
    for needle in ["learning rate 0.01", "2·atan2", "median ± standard deviation", "128-bit MPFR", "falls at"] {
        assert!(md.contains(needle), "`{needle}` missing:\n{md}");
    }
    assert!(std::fs::read_to_string(out.join("shallow-angles.svg")).unwrap().starts_with("<svg"));
    // Resume: cut the journal's last line short, as a crash would; exactly that trial runs again.
    let journal = out.join("shallow-angles.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(text.lines().count(), 12, "{text}");
    std::fs::write(&journal, &text[..text.len() - 20]).unwrap();
    let second = reluflow(&args);
    assert_eq!(second.code, Some(0), "{second:#?}");
    assert!(second.stderr.contains("11 already in") && second.stderr.contains("1 to run"), "{}", second.stderr);
    let again = std::fs::read_to_string(out.join("shallow-angles.csv")).unwrap();
    let strip = |s: &str| s.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string()).collect::<Vec<_>>();
    assert_eq!(strip(&csv), strip(&again), "the same numbers, except the seconds column");
}

/// `shallow-loss --quick`: both curves recorded on a geometric grid, and the summary's trend line.
#[test]
fn shallow_loss_quick_records_both_curves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sl");
    let run = reluflow(&["reproduce", "shallow-loss", "--quick", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let csv = std::fs::read_to_string(out.join("shallow-loss.csv")).unwrap();
    for exp in ["-2", "-5", "-8"] {
        let rows: Vec<Vec<f64>> = csv
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(3) == Some(exp))
            .map(|l| l.split(',').skip(4).map(|v| v.parse().unwrap()).collect())
            .collect();
        assert!(rows.len() > 10, "λ = 4^{exp}: {rows:?}");
        assert!(rows.windows(2).all(|w| w[0][0] < w[1][0]), "iterations increase: {rows:?}");
        let (first, last) = (&rows[0], rows.last().unwrap());
        assert!(last[1] < 1e-3 * first[1] && last[2] >= 0.0, "the training loss falls: {first:?} → {last:?}");
    }
    let md = std::fs::read_to_string(out.join("shallow-loss.md")).unwrap();
    assert!(md.contains("out-of-distribution") && md.contains("the final test loss falls at"), "{md}");
}

/// `shallow-single-run --quick`: the eigen-coordinates of v* − v cross zero in the order of
/// decreasing eigenvalue, the alignment with γ peaks early, and ‖θ‖² heads for 2.
#[test]
fn shallow_single_run_quick_shows_the_examples_phenomena() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ssr");
    let run = reluflow(&["reproduce", "shallow-single-run", "--quick", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stderr.contains("crossed in order: true"), "{}", run.stderr);
    let csv = std::fs::read_to_string(out.join("shallow-single-run.csv")).unwrap();
    let last: Vec<f64> = csv.lines().last().unwrap().split(',').map(|v| v.parse().unwrap()).collect();
    assert!((1.5..2.5).contains(&last[8]), "‖θ‖² = {}", last[8]);
    assert!((0.8..1.2).contains(&last[7]), "‖W‖_* = {}", last[7]);
    let md = std::fs::read_to_string(out.join("shallow-single-run.md")).unwrap();
    assert!(md.contains("order of decreasing eigenvalue (Example 31): **yes**"), "{md}");
}

/// `two-teachers --quick`: the two-teacher data, one row per (ρ, trial), both sign groups.
#[test]
fn two_teachers_quick_tabulates_both_groups_per_rho() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tt");
    let run = reluflow(&["reproduce", "two-teachers", "--quick", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let csv = std::fs::read_to_string(out.join("two-teachers.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 2, "{csv}");
    for row in csv.lines().skip(1) {
        let c: Vec<&str> = row.split(',').collect();
        assert!(c[0] == "0.05" || c[0] == "0.414", "{row}");
        let (pos, neg): (usize, usize) = (c[5].parse().unwrap(), c[7].parse().unwrap());
        assert!(pos > 0 && neg > 0, "both groups have live neurons: {row}");
    }
    let md = std::fs::read_to_string(out.join("two-teachers.md")).unwrap();
    assert_eq!(md.matches("| 0.05 |").count(), 1, "one row per ρ:\n{md}");
}

/// `certified-gd-vs-gf --quick`: the flow certified to its horizon, GD compared at every segment
/// end, close to it at the end (relative distance far below 1) but never inside a box narrower
/// than GD's O(η) error.
#[test]
fn certified_gd_vs_gf_quick_compares_at_every_segment_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gg");
    let run = reluflow(&["reproduce", "certified-gd-vs-gf", "--quick", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let csv = std::fs::read_to_string(out.join("certified-gd-vs-gf.csv")).unwrap();
    let rows: Vec<Vec<f64>> = csv.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert!(rows.len() > 20, "{csv}");
    assert!(rows.windows(2).all(|w| w[0][0] <= w[1][0]), "segment ends in time order");
    let last = rows.last().unwrap();
    assert!(last[1] >= 59.0 && last[3] < 1e-2 && last[4] < 1e-6, "{last:?}");
    let md = std::fs::read_to_string(out.join("certified-gd-vs-gf.md")).unwrap();
    assert!(md.contains("piecewise-linear path") && md.contains("(certified)"), "{md}");
}
