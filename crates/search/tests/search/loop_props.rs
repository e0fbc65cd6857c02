//! The loop: deterministic per (seed, case), shards partition the cases, resume completes an
//! interrupted run exactly.

use crate::util::{key, run};
use reluflow_flow::monitor::Monitor;
use reluflow_search::{Collect, SearchConfig, StopReason, draw, search};
use std::collections::BTreeSet;

fn base() -> SearchConfig {
    SearchConfig { cases: 12, seed: 9, ..SearchConfig::new("gen.loss-nonincreasing") }
}

#[test]
fn same_seed_same_candidates_whatever_the_threads() {
    let (_, one) = run(&SearchConfig { jobs: 1, ..base() }, &BTreeSet::new());
    let (_, two) = run(&SearchConfig { jobs: 2, ..base() }, &BTreeSet::new());
    let keys = |v: &[reluflow_search::CaseRecord]| v.iter().map(key).collect::<Vec<_>>();
    assert_eq!(keys(&one), keys(&two));
    assert_eq!(one.len(), 12);
    let (_, other) = run(&SearchConfig { seed: 10, ..base() }, &BTreeSet::new());
    assert_ne!(keys(&one), keys(&other), "another seed draws other instances");
    // `draw` gives the instance a search would run.
    let plan = base().plan().unwrap();
    assert_eq!(Some(draw(&plan, 9, 5).unwrap()), one[5].problem);
}

#[test]
fn shards_partition_the_cases() {
    let (_, all) = run(&base(), &BTreeSet::new());
    let mut union = Vec::new();
    for i in 0..3 {
        let (summary, part) = run(&SearchConfig { shard: (i, 3), ..base() }, &BTreeSet::new());
        assert!(part.iter().all(|r| r.case % 3 == i));
        assert_eq!(summary.coverage.tried, 4);
        union.extend(part);
    }
    union.sort_by_key(|r| r.case);
    assert_eq!(union.iter().map(key).collect::<Vec<_>>(), all.iter().map(key).collect::<Vec<_>>());
    let bad = SearchConfig { shard: (3, 3), ..base() };
    assert!(search(&bad, &BTreeSet::new(), &Collect::new(), &Monitor::new()).is_err());
}

#[test]
fn resume_skips_done_cases_and_completes_an_interrupted_run() {
    let (_, all) = run(&base(), &BTreeSet::new());
    // Cancel after five finished cases (the monitor is polled once per case).
    let monitor = Monitor::with_observer(|m, p| {
        if p.steps >= 5 {
            m.cancel();
        }
    });
    let first = Collect::new();
    let summary = search(&base(), &BTreeSet::new(), &first, &monitor).unwrap();
    assert_eq!(summary.stop, StopReason::Cancelled);
    let first = first.records();
    assert!(first.len() >= 5 && first.len() < 12, "{}", first.len());
    let done: BTreeSet<u64> = first.iter().map(|r| r.case).collect();
    let (summary, rest) = run(&base(), &done);
    assert_eq!(summary.already_done, done.len() as u64);
    assert!(rest.iter().all(|r| !done.contains(&r.case)), "done cases are not run again");
    let mut union: Vec<_> = first.into_iter().chain(rest).collect();
    union.sort_by_key(|r| r.case);
    assert_eq!(union.iter().map(key).collect::<Vec<_>>(), all.iter().map(key).collect::<Vec<_>>());
}

#[test]
fn a_time_limit_stops_new_cases() {
    let cfg = SearchConfig { time_limit: Some(std::time::Duration::ZERO), ..base() };
    let (summary, records) = run(&cfg, &BTreeSet::new());
    assert_eq!(summary.stop, StopReason::TimeLimit);
    assert!(records.is_empty());
}
