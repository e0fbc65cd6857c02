//! A handle between a running integrator and the outside world: progress out, cancellation in.
//!
//! A [`Monitor`] is cheap to clone (an `Arc`); every clone sees the same state. An integrator
//! that is given one (the `monitor` field of its options) calls [`Monitor::poll`] once per
//! accepted step or segment with the time it has reached, its step and event counts. `poll`
//! stores them (for a progress display on another thread, read with [`Monitor::progress`]) and
//! returns whether [`Monitor::cancel`] has been called. On `true` the integrator stops at once and
//! returns what it has:
//!
//! * validated integrators: [`Status::Undecided`](crate::Status) with
//!   [`UndecidedReason::Interrupted`](crate::UndecidedReason) and `certified_until` the (lower end
//!   of the) time reached; every segment and event up to it is certified as in an uninterrupted run
//!   (the interruption only drops proof steps that were never attempted);
//! * reference (point) integrators: the run so far, status `NotValidated` as always.
//!
//! Polling costs two relaxed atomic stores and one load (plus the observer, if any); the time is
//! stored as an `f64` (for display only, never used in a proof).
//!
//! ```
//! use reluflow_flow::monitor::Monitor;
//! let m = Monitor::new();
//! assert!(!m.poll(0.5, 3, 1));
//! assert_eq!(m.progress().steps, 3);
//! m.clone().cancel();
//! assert!(m.poll(0.75, 4, 1) && m.is_cancelled());
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A callback run by every [`Monitor::poll`] (on the integrator's thread), after the counters are
/// stored. It gets the monitor (so it may cancel) and the progress just reported.
pub type Observer = dyn Fn(&Monitor, Progress) + Send + Sync;

/// What an integrator last reported.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// The flow time reached (an approximation for display: the lower end of an enclosure).
    pub t: f64,
    /// Steps (accepted steps, or guard classifications for the single neuron) so far.
    pub steps: usize,
    /// Switches so far.
    pub events: usize,
}

struct Inner {
    cancelled: AtomicBool,
    t_bits: AtomicU64,
    steps: AtomicUsize,
    events: AtomicUsize,
    observer: Option<Box<Observer>>,
    /// A wall-clock deadline and the words that name it (the setting to change).
    deadline: Mutex<Option<(Instant, String)>>,
    /// The deadline passed at a poll.
    expired: AtomicBool,
}

/// The shared progress/cancellation handle (see the module documentation).
///
/// Two monitors compare equal when they are clones of the same handle (so options structs that
/// hold one can still derive `PartialEq`).
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

impl Monitor {
    /// A fresh, not cancelled monitor at `t = 0` with no observer.
    pub fn new() -> Monitor {
        Monitor::build(None)
    }

    /// A monitor that also calls `observer` from every [`poll`](Monitor::poll) (e.g. to cancel after
    /// some condition in tests, or to forward progress).
    pub fn with_observer(observer: impl Fn(&Monitor, Progress) + Send + Sync + 'static) -> Monitor {
        Monitor::build(Some(Box::new(observer)))
    }

    fn build(observer: Option<Box<Observer>>) -> Monitor {
        Monitor {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                t_bits: AtomicU64::new(0f64.to_bits()),
                steps: AtomicUsize::new(0),
                events: AtomicUsize::new(0),
                observer,
                deadline: Mutex::new(None),
                expired: AtomicBool::new(false),
            }),
        }
    }

    /// Asks the integrator to stop at its next poll (idempotent; safe from any thread, including a
    /// signal handler's thread).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Monitor::cancel) has been called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Called by integrators: records the time reached `t`, `steps` and `events`, runs the
    /// observer, and returns whether the run must stop (cancelled, or past the deadline).
    pub fn poll(&self, t: f64, steps: usize, events: usize) -> bool {
        let i = &self.inner;
        i.t_bits.store(t.to_bits(), Ordering::Relaxed);
        i.steps.store(steps, Ordering::Relaxed);
        i.events.store(events, Ordering::Relaxed);
        if let Some(f) = &i.observer {
            f(self, Progress { t, steps, events });
        }
        self.is_cancelled() || self.past_deadline()
    }

    /// Sets (or with `None` clears) a wall-clock budget from now on: polls after `limit` return
    /// `true`, and [`budget_exhausted`](Monitor::budget_exhausted) then returns `what` (words
    /// that name the budget and the setting that changes it).
    pub fn set_deadline(&self, limit: Option<(Duration, String)>) {
        let at = limit.and_then(|(d, what)| Instant::now().checked_add(d).map(|at| (at, what)));
        *self.inner.deadline.lock().unwrap_or_else(|e| e.into_inner()) = at;
        self.inner.expired.store(false, Ordering::SeqCst);
    }

    fn past_deadline(&self) -> bool {
        let i = &self.inner;
        if i.expired.load(Ordering::Relaxed) {
            return true;
        }
        let late =
            i.deadline.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_some_and(|(at, _)| Instant::now() >= *at);
        if late {
            i.expired.store(true, Ordering::SeqCst);
        }
        late
    }

    /// After a poll returned `true` because the deadline passed: the budget's words (the
    /// integrators report [`UndecidedReason::Budget`](crate::UndecidedReason) with them instead of
    /// `Interrupted`).
    pub fn budget_exhausted(&self) -> Option<String> {
        let i = &self.inner;
        if !i.expired.load(Ordering::SeqCst) {
            return None;
        }
        i.deadline.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|(_, what)| what.clone())
    }

    /// Why a poll said stop: the budget if one ran out, else an interruption.
    pub fn stop_reason(&self) -> crate::UndecidedReason {
        match self.budget_exhausted() {
            Some(what) => crate::UndecidedReason::Budget { what },
            None => crate::UndecidedReason::Interrupted,
        }
    }

    /// The last reported progress (all zero before the first poll).
    pub fn progress(&self) -> Progress {
        let i = &self.inner;
        Progress {
            t: f64::from_bits(i.t_bits.load(Ordering::Relaxed)),
            steps: i.steps.load(Ordering::Relaxed),
            events: i.events.load(Ordering::Relaxed),
        }
    }
}

impl Default for Monitor {
    fn default() -> Self {
        Monitor::new()
    }
}

impl PartialEq for Monitor {
    fn eq(&self, other: &Monitor) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Monitor {}

impl fmt::Debug for Monitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Monitor")
            .field("cancelled", &self.is_cancelled())
            .field("progress", &self.progress())
            .field("observer", &self.inner.observer.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_state_and_compare_by_identity() {
        let a = Monitor::new();
        let b = a.clone();
        assert_eq!(a, b);
        assert_ne!(a, Monitor::new());
        assert_eq!(a.progress(), Progress::default());
        assert!(!b.poll(2.5, 7, 2));
        assert_eq!(a.progress(), Progress { t: 2.5, steps: 7, events: 2 });
        assert!(!a.is_cancelled());
        b.cancel();
        assert!(a.is_cancelled());
        assert!(format!("{a:?}").contains("cancelled: true"));
    }

    #[test]
    fn an_observer_can_cancel_from_the_integrator_thread() {
        let m = Monitor::with_observer(|m, p| {
            if p.steps >= 3 {
                m.cancel();
            }
        });
        assert!(!m.poll(0.1, 1, 0));
        assert!(!m.poll(0.2, 2, 0));
        assert!(m.poll(0.3, 3, 0));
        let other = m.clone();
        std::thread::spawn(move || assert!(other.is_cancelled())).join().unwrap();
    }
}
