//! A supervising parent for the commands that integrate (`certify`, `check`, `export`, `plot`).
//!
//! An allocation failure inside GMP or Rust's allocator aborts the process (SIGABRT), and the
//! kernel's out-of-memory killer sends SIGKILL: neither can be caught where it happens, and the
//! memory guard (`budget.rs`) sees only what it polls. So `reluflow` runs these commands in a
//! child process of itself (the *worker*, marked by [`WORKER_ENV`]), which inherits stdin, stdout
//! and stderr and records how far the proof got (the monitor's last polled time) in a small file.
//! The parent passes a normal exit code through unchanged; when the worker dies of a signal it
//! says so — the cause, the time reached, the settings to change — and exits 3 (undecided), never
//! with an abort. Ctrl-C reaches the worker directly (same process group) and through the parent
//! (a `kill -INT` of the parent alone), the worker takes both as one interrupt (`progress.rs`).
//! A worker whose parent is gone stops at its next poll.

use crate::exit::Exit;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// The environment variable that marks the worker; its value is the progress file's path.
pub const WORKER_ENV: &str = "RELUFLOW_WORKER";
/// Set to run without a supervising parent (debugging, profiling).
pub const NO_SUPERVISOR_ENV: &str = "RELUFLOW_NO_SUPERVISOR";

/// In the parent: runs this invocation in a worker and returns its exit. `None` in the worker
/// itself, with [`NO_SUPERVISOR_ENV`], or when no worker can be started (then the command runs in
/// this process, as before).
pub fn run_in_worker(json: bool) -> Option<Exit> {
    if std::env::var_os(WORKER_ENV).is_some() || std::env::var_os(NO_SUPERVISOR_ENV).is_some() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    let path = std::env::temp_dir().join(format!("reluflow-progress-{}", std::process::id()));
    let mut child = Command::new(exe).args(std::env::args_os().skip(1)).env(WORKER_ENV, &path).spawn().ok()?;
    let pid = child.id().to_string();
    // The terminal's Ctrl-C reaches both processes; a SIGINT sent to this process alone is
    // passed on (the worker takes two within half a second as one).
    let _ = ctrlc::set_handler(move || {
        let _ = Command::new("kill").args(["-INT", &pid]).status();
    });
    let status = child.wait().ok()?;
    let reached = std::fs::read_to_string(&path).ok();
    let _ = std::fs::remove_file(&path);
    if let Some(code) = status.code() {
        return Some(Exit::from_code(code));
    }
    use std::os::unix::process::ExitStatusExt;
    let signal = status.signal().unwrap_or(0);
    let failure =
        crate::exit::Failure { exit: Exit::Undecided, error: anyhow::anyhow!(died(signal, reached.as_deref())) };
    Some(crate::conclude(Err(failure), json))
}

/// The message for a worker killed by `signal`, with the progress it recorded (`t steps events`).
fn died(signal: i32, reached: Option<&str>) -> String {
    let cause = match signal {
        6 => {
            "was aborted (SIGABRT): an allocation failed (GMP or the Rust allocator could not get memory; any \
              other fatal error is printed above)"
        }
        9 => "was killed (SIGKILL): most likely by the kernel's out-of-memory killer",
        11 => "crashed (SIGSEGV): most likely its stack or memory ran out",
        _ => "was killed by a signal",
    };
    let mut words = reached.unwrap_or("").split_whitespace().map(|w| w.parse::<f64>().ok());
    let at = match (words.next().flatten(), words.next().flatten(), words.next().flatten()) {
        (Some(t), Some(steps), Some(events)) => format!(
            "the proof had reached t ≈ {} after {steps} steps and {events} events (certified up to there; the \
             details of that part are lost)",
            crate::progress::short(t)
        ),
        _ => "before its first polled step (nothing was certified)".to_string(),
    };
    format!(
        "UNDECIDED: the integration {cause} (signal {signal}); {at}. To go further: lower run.precision, shorten \
         t_end, or give the run more memory (ulimit -v, or --memory-limit MB to stop it cleanly before the machine's \
         limit)"
    )
}

/// In the worker: records the progress `(t, steps, events)` for the parent (called by the
/// monitor's observer at most every 20 ms), and stops when the parent is gone.
pub fn record(t: f64, steps: usize, events: usize) {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    static PARENT: OnceLock<u32> = OnceLock::new();
    let Some(path) = PATH.get_or_init(|| std::env::var_os(WORKER_ENV).map(PathBuf::from)) else { return };
    let parent = *PARENT.get_or_init(std::os::unix::process::parent_id);
    if std::os::unix::process::parent_id() != parent {
        // The parent was killed: nobody reports this run.
        std::process::exit(i32::from(Exit::Interrupted.code()));
    }
    let _ = std::fs::write(path, format!("{t} {steps} {events}\n"));
}

/// How long a second SIGINT after the first is taken as the same interrupt.
pub const SAME_INTERRUPT: Duration = Duration::from_millis(500);
