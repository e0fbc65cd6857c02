//! The budgets of one integration (`certify`, `check`, `export`): wall-clock time, resident
//! memory and (on request) steps. Past any, the integrator's monitor stops the run, which ends
//! *undecided* with what it certified so far (exit 3), and the reason names the setting to change.
//!
//! Each budget comes from the flag (`--time-limit`, `--memory-limit`), else the problem file's
//! `[run]` key (`crate::spec::load_budget`), else the default: 600 s, and 90 % of the memory free
//! when the run starts. Memory is watched from the monitor's poll (once per step, at most every
//! 20 ms): the resident set against the budget, and the mapped size against the address-space
//! limit (`ulimit -v`), so a run that grows step by step stops before an allocation fails (an
//! allocation failure inside GMP or the Rust allocator would abort the process and lose the run).

use crate::cli::{BudgetArgs, DEFAULT_TIME_LIMIT};
use crate::commands::memory;
use crate::exit::Failure;
use reluflow_flow::monitor::{Monitor, Progress};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The budgets in force (seconds; bytes). 0 / `None`: no limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Wall-clock seconds of one integration (0: none).
    pub seconds: f64,
    /// Resident bytes (`None`: none).
    pub memory: Option<f64>,
    /// Accepted steps (`None`: none).
    pub steps: Option<usize>,
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

/// The budgets for a run of the problem file `spec` under `args` (flags win over the file).
pub fn resolve(spec: &Path, args: &BudgetArgs) -> Result<Limits, Failure> {
    let file = crate::spec::load_budget(spec).map_err(Failure::bad_input)?;
    let seconds = args.time_limit.or(file.time_limit).unwrap_or(DEFAULT_TIME_LIMIT);
    let memory = match args.memory_limit.or(file.memory_limit) {
        Some(mb) if mb > 0.0 => Some(mb * 1e6),
        Some(_) => None,
        None => default_memory(),
    };
    Ok(Limits { seconds, memory, steps: args.max_steps.filter(|&n| n > 0) })
}

/// Resolves and installs the budgets of this process's integrations (once).
pub fn apply(spec: &Path, args: &BudgetArgs) -> Result<(), Failure> {
    let limits = resolve(spec, args)?;
    let _ = LIMITS.set(limits);
    Ok(())
}

/// The budgets installed by [`apply`] (`None`: none installed, e.g. `search`).
pub fn limits() -> Option<Limits> {
    LIMITS.get().copied()
}

/// 90 % of what this process may still allocate plus what it holds already.
fn default_memory() -> Option<f64> {
    let held = status_field("VmRSS:").unwrap_or(0.0);
    memory::available().map(|free| 0.9 * (free + held))
}

/// A `/proc/self/status` field in bytes (`None` off Linux).
fn status_field(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    memory::field(&status, key, 0).map(|kb| kb * 1024.0)
}

/// The address-space limit (`ulimit -v`) in bytes, if one is set.
fn address_space_limit() -> Option<f64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    memory::field(&limits, "Max address space", 0)
}

/// The words of a memory stop: what ran out, how far, and the setting to change.
fn memory_words(budget: f64, resident: f64) -> String {
    format!(
        "the memory budget of {} (resident memory reached {}; raise it with --memory-limit MB or [run] memory_limit, \
         0 for none)",
        memory::human(budget),
        memory::human(resident)
    )
}

fn address_space_words(limit: f64, mapped: f64) -> String {
    format!(
        "the address-space limit `ulimit -v` of {} (mapped memory reached {}; raise the limit, or reduce m, d or the \
         precision)",
        memory::human(limit),
        memory::human(mapped)
    )
}

/// Which memory budget, if any, this process is past.
fn past_memory_budget(limits: &Limits) -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key| memory::field(&status, key, 0).map(|v| v * 1024.0);
    if let (Some(budget), Some(resident)) = (limits.memory, kb("VmRSS:"))
        && resident > budget
    {
        return Some(memory_words(budget, resident));
    }
    match (address_space_limit(), kb("VmSize:")) {
        (Some(limit), Some(mapped)) if mapped > 0.95 * limit => Some(address_space_words(limit, mapped)),
        _ => None,
    }
}

/// The monitor observer that enforces the step and memory budgets: at every poll the step count;
/// at most every 20 ms of polls it records the progress for a supervising parent
/// (`supervise.rs`) and reads this process's memory. Past a budget it ends the run through the
/// monitor's deadline.
pub fn memory_guard(monitor: &Monitor, progress: Progress) {
    if let Some(max) = limits().and_then(|l| l.steps)
        && progress.steps >= max
    {
        let words = format!("the step budget of {max} steps (raise it with --max-steps N; 0 for none)");
        monitor.set_deadline(Some((Duration::ZERO, words)));
    }
    static START: OnceLock<Instant> = OnceLock::new();
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = START.get_or_init(Instant::now).elapsed().as_nanos() as u64;
    let last = LAST.load(Ordering::Relaxed);
    if now.saturating_sub(last) < 20_000_000
        || LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    crate::supervise::record(progress.t, progress.steps, progress.events);
    let Some(limits) = limits() else { return };
    if let Some(words) = past_memory_budget(&limits) {
        monitor.set_deadline(Some((Duration::ZERO, words)));
    }
}

/// The time limit's backstop: the integrators stop at their next poll past the deadline, but one
/// step can outlast any limit (a matrix exponential at a million bits takes minutes). If the
/// integration is still running `grace` after the deadline, the process ends here, with exit 3
/// and the time the proof had reached (the lower end of the last polled time: every step before
/// it was certified); the details of the certified part are lost.
pub fn backstop(monitor: Monitor, seconds: f64, done: Arc<AtomicBool>) {
    let grace = (0.1 * seconds).max(5.0);
    let at = Instant::now() + Duration::from_secs_f64(seconds + grace);
    let watcher = move || {
        while Instant::now() < at {
            if done.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if done.load(Ordering::SeqCst) {
            return;
        }
        let p = monitor.progress();
        eprintln!(
            "reluflow: UNDECIDED: the wall-clock time limit of {seconds} s passed {grace} s ago inside one step \
             (at t ≈ {}, after {} steps and {} events), so the run was stopped there and its certified part is not \
             reported; raise --time-limit SECONDS (or [run] time_limit), or lower run.precision, which sets the \
             cost of one step",
            crate::progress::short(p.t),
            p.steps,
            p.events
        );
        std::process::exit(i32::from(crate::exit::Exit::Undecided.code()));
    };
    let _ = std::thread::Builder::new().name("reluflow-time-limit".into()).spawn(watcher);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_below_the_resident_set_stops_the_next_poll() {
        let tiny = Limits { seconds: 0.0, memory: Some(1.0), steps: None };
        let words = past_memory_budget(&tiny).expect("any process holds more than one byte");
        assert!(words.contains("--memory-limit MB") && words.contains("[run] memory_limit"), "{words}");
        assert_eq!(past_memory_budget(&Limits { seconds: 0.0, memory: None, steps: None }), None);
    }

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_in() {
        let dir = std::env::temp_dir().join(format!("reluflow-budget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = dir.join("p.toml");
        std::fs::write(&spec, "[run]\ntime_limit = 30\nmemory_limit = 0\n").unwrap();
        let from_file = resolve(&spec, &BudgetArgs::default()).unwrap();
        assert_eq!(from_file, Limits { seconds: 30.0, memory: None, steps: None });
        let flags = BudgetArgs { time_limit: Some(5.0), memory_limit: Some(100.0), max_steps: Some(7) };
        assert_eq!(resolve(&spec, &flags).unwrap(), Limits { seconds: 5.0, memory: Some(1e8), steps: Some(7) });
        std::fs::write(&spec, "[run]\nt_end = 1\n").unwrap();
        let default = resolve(&spec, &BudgetArgs::default()).unwrap();
        assert_eq!(default.seconds, DEFAULT_TIME_LIMIT);
        assert!(default.memory.is_some_and(|m| m > 1e6), "{default:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
