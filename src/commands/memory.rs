//! Refuse up front a problem that cannot fit: an estimate of the integrator's memory against the
//! address-space limit (`ulimit -v`) and the memory the system has available. Allocation failure
//! inside GMP or the Rust allocator aborts the process, so the refusal has to come first.
//!
//! The estimates are lower bounds of what the integrators allocate (a refusal is never wrong
//! about a problem that would have run): the validated two-layer integrator keeps Lohner matrices
//! of `D × D` enclosures, `D = m(r + 1)` with `r` its working dimension (`d`, or the rank of the
//! data when it works in their span, `working_dim`); the single neuron and the reference integrators keep a
//! few vectors of length `n·d` and `m·d` (`proofs-notes/neuron-gram-space.md`).

use crate::exit::Failure;
use reluflow_model::{Arithmetic, ModelKind, Problem};

/// Bytes of one value of the problem's arithmetic (an MPFR number: its struct and its limbs).
fn value_bytes(problem: &Problem) -> f64 {
    let mpfr = 32.0 + 8.0 * (problem.run().precision as f64 / 64.0).ceil();
    match problem.run().arithmetic {
        Arithmetic::F64 => 8.0,
        Arithmetic::Interval => 16.0,
        Arithmetic::Mpfr => mpfr,
        Arithmetic::MpfrInterval => 2.0 * mpfr,
    }
}

/// A lower bound of the integrator's memory, in bytes, and what dominates it.
pub fn estimate(problem: &Problem) -> (f64, String) {
    let (n, d) = (problem.data().n() as f64, problem.data().d() as f64);
    let m = problem.init().width() as f64;
    let v = value_bytes(problem);
    let data = 2.0 * n * d * v;
    match (problem.model(), problem.run().arithmetic.is_validated()) {
        (ModelKind::TwoLayer, true) => {
            // For large d it works in the data's span, of dimension r ≤ n (the rank).
            let r = reluflow_flow::net::validated::working_dim(problem) as f64;
            let dim = m * (r + 1.0);
            let what = if r < d {
                format!(
                    "the validated two-layer integrator keeps Lohner matrices of (m(r + 1))² = {dim}² enclosures \
                     (m = {m}, r = {r} the rank of the data, d = {d})"
                )
            } else {
                format!(
                    "the validated two-layer integrator keeps Lohner matrices of (m(d + 1))² = {dim}² enclosures \
                     (m = {m}, d = {d})"
                )
            };
            // The interval Jacobian over a step (D² values) and the f64 basis B and Q (2·8·D² bytes).
            (dim * dim * (v + 16.0) + data, what)
        }
        _ => (data + 2.0 * m * d * v, format!("the data and the state (n = {n}, d = {d})")),
    }
}

/// The first number of `line` after `key` (`/proc` formats), if any.
pub fn field(text: &str, key: &str, nth: usize) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().nth(nth)?.parse().ok()
}

/// Bytes this process may still allocate: the address-space limit minus what is mapped, and the
/// system's available memory plus free swap (`None` where `/proc` does not say).
pub fn available() -> Option<f64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mapped = field(&status, "VmSize:", 0).unwrap_or(0.0) * 1024.0;
    let by_limit = limits.as_deref().and_then(|l| field(l, "Max address space", 0)).map(|lim| lim - mapped);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let by_system =
        field(&meminfo, "MemAvailable:", 0).map(|a| (a + field(&meminfo, "SwapFree:", 0).unwrap_or(0.0)) * 1024.0);
    match (by_limit, by_system) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub fn human(bytes: f64) -> String {
    if bytes >= 1e9 { format!("{:.1} GB", bytes / 1e9) } else { format!("{:.0} MB", bytes / 1e6) }
}

/// Refuses (exit 2) a problem whose estimated memory exceeds what is available, naming the cause
/// and the settings to change.
pub fn check_fits(problem: &Problem) -> Result<(), Failure> {
    let (need, what) = estimate(problem);
    match available() {
        Some(have) if need > have => Err(Failure::bad_input(anyhow::anyhow!(
            "the problem is too large for this machine: it needs at least {} of memory ({what}), but only {} \
             can be allocated (the address-space limit `ulimit -v` and the available memory); reduce the width m or \
             the dimension d, use arithmetic = \"interval\" rather than \"mpfr-interval\", or raise the limit",
            human(need),
            human(have.max(0.0))
        ))),
        _ => Ok(()),
    }
}
