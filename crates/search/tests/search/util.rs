//! Shared helpers.

use reluflow_arith::Interval;
use reluflow_check::{Selection, Truth, hyp};
use reluflow_model::Problem;
use reluflow_search::{CaseRecord, Collect, SearchConfig, SearchSummary, search};
use std::collections::BTreeSet;

/// A selection assuming exactly the given switches (globally).
pub fn assuming(switches: &[&str]) -> Selection {
    let mut sel = Selection::default();
    for s in switches {
        sel.assume.insert(s.to_string(), true);
    }
    sel
}

/// The truth of hypothesis `id` on `p`, by the catalogue's predicate (independently of the plan).
pub fn truth(id: &str, p: &Problem, sel: &Selection) -> Truth {
    hyp::eval::<Interval>(id, p, &sel.params, &())
}

/// Runs `cfg` to completion, skipping `done`; the summary and the records.
pub fn run(cfg: &SearchConfig, done: &BTreeSet<u64>) -> (SearchSummary, Vec<CaseRecord>) {
    let sink = Collect::new();
    let summary = search(cfg, done, &sink, &reluflow_flow::monitor::Monitor::new()).expect("the search starts");
    (summary, sink.records())
}

/// What identifies a case's result: index, instance and status name.
pub fn key(r: &CaseRecord) -> (u64, Option<Problem>, &'static str) {
    (r.case, r.problem.clone(), r.status.name())
}

/// Some valid single-neuron instance.
pub fn draw_one() -> Problem {
    let plan = reluflow_search::Plan::new("lsy.norm-growth", &Selection::default(), None, None).unwrap();
    reluflow_search::draw(&plan, 0, 0).unwrap()
}
