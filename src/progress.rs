//! Progress display and Ctrl-C for long integrations (`certify`, `check`, `plot`) and searches
//! (`search`: the loop polls the monitor once per finished case).
//!
//! [`arm`] (called once by `main` for the commands that integrate) installs a SIGINT handler
//! around a process-wide [`Monitor`]. While an integration runs ([`Watch`], held by
//! `commands::integrate::integrate`):
//! * the first Ctrl-C cancels the monitor: the integrator stops at its next step and returns what
//!   it has (validated runs: `Undecided`, reason "interrupted by the user", `certified_until` the
//!   time reached); the normal report is printed and the exit is 130 ([`interrupted`]);
//! * a second Ctrl-C exits at once with 130.
//!
//! Outside an integration (reading the file, checking theorems, printing) Ctrl-C exits at once
//! with 130, as without a handler.
//!
//! The display (a spinner with the flow time reached, steps, events and elapsed time) goes to
//! stderr, never to stdout, and only when stderr is a terminal and `--quiet` was not given.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reluflow_flow::monitor::Monitor;
use reluflow_model::{Horizon, Problem};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The process-wide state set by [`arm`].
struct Armed {
    monitor: Monitor,
    quiet: bool,
    /// An integration is running (a [`Watch`] is alive).
    active: AtomicBool,
    /// The monitor was cancelled while an integration was running.
    interrupted: AtomicBool,
}

static ARMED: OnceLock<Armed> = OnceLock::new();

/// The budget's words in an undecided reason: what ran out and the setting that changes it.
fn time_limit_words(seconds: f64) -> String {
    format!(
        "the wall-clock time limit of {seconds} s for one integration (raise it with --time-limit SECONDS or \
         [run] time_limit; 0 for none)"
    )
}

/// Installs the Ctrl-C handler (once per process; later calls do nothing). `quiet`: no progress
/// display. Without `arm` (unit tests, other commands) integrations run without a monitor.
pub fn arm(quiet: bool) {
    let armed = Armed {
        monitor: Monitor::with_observer(crate::budget::memory_guard),
        quiet,
        active: AtomicBool::new(false),
        interrupted: AtomicBool::new(false),
    };
    if ARMED.set(armed).is_err() {
        return;
    }
    let handler = || {
        static FIRST: OnceLock<Instant> = OnceLock::new();
        let Some(a) = ARMED.get() else { std::process::exit(130) };
        // The terminal's SIGINT and the supervising parent's copy of it come together: one interrupt.
        if FIRST.get().is_some_and(|t| t.elapsed() < crate::supervise::SAME_INTERRUPT) {
            return;
        }
        let _ = FIRST.set(Instant::now());
        if !a.active.load(Ordering::SeqCst) || a.monitor.is_cancelled() {
            // Nothing to save (or the user insists): leave now, as an unhandled SIGINT would.
            std::process::exit(130);
        }
        a.interrupted.store(true, Ordering::SeqCst);
        a.monitor.cancel();
    };
    if let Err(e) = ctrlc::set_handler(handler) {
        eprintln!("reluflow: warning: cannot install the Ctrl-C handler ({e}); Ctrl-C will lose the run");
    }
}

/// Whether the user interrupted an integration of this process (the exit is then 130).
pub fn interrupted() -> bool {
    ARMED.get().is_some_and(|a| a.interrupted.load(Ordering::SeqCst))
}

/// A running integration (or search): gives it the monitor and shows progress until dropped.
#[derive(Debug)]
pub struct Watch {
    monitor: Option<Monitor>,
    display: Option<Display>,
    /// Set on drop: the integration returned, the hard stop must not fire.
    done: Arc<AtomicBool>,
    /// The line printed on drop after an interruption.
    farewell: fn(&Monitor) -> String,
}

#[derive(Debug)]
struct Display {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

/// What a progress line says, from the monitor (called about ten times a second).
pub type Message = dyn Fn(&Monitor) -> String + Send + 'static;

impl Watch {
    /// Starts watching an integration of `problem` (a no-op unless [`arm`] was called).
    pub fn start(problem: &Problem) -> Watch {
        let verb = if problem.run().arithmetic.is_validated() { "certifying" } else { "integrating" };
        let t_end = match &problem.run().t_end {
            Horizon::Finite(q) => Some(q.to_f64()),
            Horizon::Infinite => None,
        };
        Watch::with(Box::new(move |m| message(verb, t_end, m)), integration_farewell)
    }

    /// Starts watching a run described by `message`, printing `farewell` on drop after a Ctrl-C
    /// (a no-op unless [`arm`] was called).
    pub fn with(message: Box<Message>, farewell: fn(&Monitor) -> String) -> Watch {
        let done = Arc::new(AtomicBool::new(false));
        let Some(a) = ARMED.get() else { return Watch { monitor: None, display: None, done, farewell } };
        a.active.store(true, Ordering::SeqCst);
        let limit = crate::budget::limits().map(|l| l.seconds).filter(|s| *s > 0.0 && s.is_finite());
        a.monitor.set_deadline(limit.map(|s| (std::time::Duration::from_secs_f64(s), time_limit_words(s))));
        if let Some(seconds) = limit {
            crate::budget::backstop(a.monitor.clone(), seconds, done.clone());
        }
        let show = !a.quiet && std::io::stderr().is_terminal();
        let display = show.then(|| Display::start(a.monitor.clone(), message));
        Watch { monitor: Some(a.monitor.clone()), display, done, farewell }
    }

    /// The monitor to pass to the integrator (`None` when not armed).
    pub fn monitor(&self) -> Option<Monitor> {
        self.monitor.clone()
    }
}

fn integration_farewell(m: &Monitor) -> String {
    let p = m.progress();
    format!(
        "reluflow: interrupted by the user at t ≈ {} ({} steps, {} events); reporting what was reached",
        short(p.t),
        p.steps,
        p.events
    )
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(d) = self.display.take() {
            d.stop.store(true, Ordering::SeqCst);
            if let Some(t) = d.ticker {
                let _ = t.join();
            }
            d.bar.finish_and_clear();
        }
        if let Some(a) = ARMED.get() {
            a.active.store(false, Ordering::SeqCst);
            if a.interrupted.load(Ordering::SeqCst) {
                eprintln!("{}", (self.farewell)(&a.monitor));
            }
        }
    }
}

impl Display {
    fn start(monitor: Monitor, message: Box<Message>) -> Display {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_msg}") {
            bar.set_style(style);
        }
        bar.set_message(message(&monitor));
        bar.enable_steady_tick(Duration::from_millis(120));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (bar.clone(), stop.clone());
        let ticker = std::thread::Builder::new()
            .name("reluflow-progress".into())
            .spawn(move || {
                while !s.load(Ordering::SeqCst) {
                    b.set_message(message(&monitor));
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
            .ok();
        Display { bar, stop, ticker }
    }
}

/// `certifying: t = 12.5 of 2000 (0.6%) · 31 steps · 2 events` and the Ctrl-C hint (the template
/// cuts it to the terminal's width).
fn message(verb: &str, t_end: Option<f64>, monitor: &Monitor) -> String {
    let p = monitor.progress();
    let of = match t_end {
        Some(te) if te > 0.0 => format!("{} ({:.1}%)", short(te), 100.0 * p.t / te),
        Some(te) => short(te),
        None => "inf".to_string(),
    };
    let hint = if monitor.is_cancelled() { "stopping (Ctrl-C again: quit now)" } else { "Ctrl-C: stop & report" };
    format!("{verb}: t = {} of {of} · {} steps · {} events · {hint}", short(p.t), p.steps, p.events)
}

/// A short human number: fixed notation in `[1e-3, 1e6)`, scientific otherwise.
pub fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        format!("{x}")
    } else if (1e-3..1e6).contains(&x.abs()) {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_messages_are_short_and_complete() {
        assert_eq!(short(0.0), "0");
        assert_eq!(short(2000.0), "2000");
        assert_eq!(short(12.5), "12.5");
        assert_eq!(short(1e-600_f64.max(1e-300)), "1.000e-300");
        assert_eq!(short(3.25e7), "3.250e7");
        let m = Monitor::new();
        assert!(!m.poll(12.5, 31, 2));
        let s = message("certifying", Some(2000.0), &m);
        assert!(s.starts_with("certifying: t = 12.5 of 2000 (0.6%) · 31 steps · 2 events"), "{s}");
        assert!(message("integrating", None, &m).contains("of inf"));
        m.cancel();
        assert!(message("certifying", Some(0.0), &m).contains("Ctrl-C again"));
    }

    #[test]
    fn without_arm_a_watch_has_no_monitor() {
        // Unit tests never call `arm` (it would install a process-wide signal handler).
        let src =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vardi-shamir-gamma1.toml")).unwrap();
        let p = crate::spec::parse("vs.toml", &src).unwrap();
        let w = Watch::start(&p);
        assert!(w.monitor().is_none());
        assert!(!interrupted());
    }
}
