//! The bookkeeping of a search loop, shared by the random and the targeted mode: stop
//! conditions (cancellation, time limit), coverage, counterexamples, the sink and the monitor.

use crate::coverage::Coverage;
use crate::record::{CaseRecord, CaseStatus, Sink};
use crate::search::{SearchConfig, SearchSummary, StopReason};
use reluflow_flow::monitor::Monitor;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Instant;

/// The bookkeeping shared by the random and the targeted loop: stop conditions, coverage,
/// counterexamples, the sink and the monitor.
pub(crate) struct Loop<'a> {
    cfg: &'a SearchConfig,
    sink: &'a dyn Sink,
    monitor: &'a Monitor,
    start: Instant,
    stop: AtomicU8,
    finished: AtomicUsize,
    found: Mutex<(Coverage, Vec<u64>)>,
}

impl<'a> Loop<'a> {
    pub(crate) fn new(cfg: &'a SearchConfig, sink: &'a dyn Sink, monitor: &'a Monitor) -> Loop<'a> {
        let found = Mutex::new((Coverage::default(), Vec::new()));
        Loop { cfg, sink, monitor, start: Instant::now(), stop: AtomicU8::new(0), finished: AtomicUsize::new(0), found }
    }

    /// The search's monitor.
    pub(crate) fn monitor(&self) -> &'a Monitor {
        self.monitor
    }

    /// Whether the loop has stopped (cancelled or out of time).
    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst) != 0
    }

    /// Runs one case unless the loop stops first; hands its record to the sink and returns a copy.
    pub(crate) fn one(&self, run: impl FnOnce() -> Option<CaseRecord>) -> Option<CaseRecord> {
        if self.stopped() {
            return None;
        }
        if self.monitor.is_cancelled() {
            self.stop.store(1, Ordering::SeqCst);
            return None;
        }
        if self.cfg.time_limit.is_some_and(|lim| self.start.elapsed() >= lim) {
            self.stop.store(2, Ordering::SeqCst);
            return None;
        }
        let Some(rec) = run() else {
            self.stop.store(1, Ordering::SeqCst);
            return None;
        };
        let cex = {
            let mut f = self.found.lock().unwrap_or_else(|e| e.into_inner());
            f.0.add(&rec);
            if rec.status == CaseStatus::Counterexample {
                f.1.push(rec.case);
            }
            f.1.len()
        };
        self.sink.record(rec.clone());
        let count = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        self.monitor.poll(self.start.elapsed().as_secs_f64(), count, cex);
        Some(rec)
    }

    /// The summary of the cases run.
    pub(crate) fn summary(self, already_done: u64) -> SearchSummary {
        let (coverage, mut counterexamples) = self.found.into_inner().unwrap_or_else(|e| e.into_inner());
        counterexamples.sort_unstable();
        let stop = match self.stop.into_inner() {
            0 => StopReason::Completed,
            1 => StopReason::Cancelled,
            _ => StopReason::TimeLimit,
        };
        SearchSummary { coverage, stop, elapsed: self.start.elapsed(), counterexamples, already_done }
    }
}
