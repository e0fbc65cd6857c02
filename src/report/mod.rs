//! Reports of a run: the JSON document (`--json`) and the human-readable table, both generic
//! over the backend `S` of the [`Trajectory`].
//!
//! **Invariant**: every interval `[lo, hi]` printed is rounded *outward* from the backend's exact
//! endpoints (`lo` down, `hi` up, with `digits` significant digits), so a printed enclosure
//! contains the computed one, which contains the exact value. Point backends print `lo = hi` =
//! their value, rounded the same way (outward to `digits` digits, so `lo ≤ value ≤ hi` still).

mod advice;
pub mod envelope;
mod human;
mod reason;
#[cfg(test)]
mod tests;

pub use human::render_human;
pub use reason::JsonReason;

use reluflow_arith::exact::{Dir, bound_decimal};
use reluflow_arith::{Bound, Guarantee, Scalar};
use reluflow_flow::{Limit, State, Status, Trajectory};
use reluflow_model::{Arithmetic, Horizon, Problem};
use serde::Serialize;

/// Significant digits printed when `--digits` is not given.
pub const DEFAULT_DIGITS: u32 = 17;

/// An outward-rounded `[lo, hi]` pair of decimal strings.
pub type Pair = [String; 2];

/// The JSON document of `certify --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonReport {
    /// `"certified"`, `"undecided"`, `"not-validated"` or `"internal-inconsistency"` (a bug: two
    /// enclosures of one value did not meet; the run stopped at `certified_until`, exit 70).
    pub status: &'static str,
    /// Why the proof stopped (only when undecided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<JsonReason>,
    /// The time up to which everything is certified: `"inf"` or a decimal (a lower bound, rounded
    /// down); `null` for non-validated runs.
    pub certified_until: Option<String>,
    /// The requested horizon: `"inf"` or the exact rational from the file (`"2000"`, `"1/3"`).
    pub t_end: String,
    /// `"single-neuron"` or `"two-layer"`.
    pub model: &'static str,
    /// The backend name (`"f64"`, `"mpfr"`, `"interval"`, `"mpfr-interval"`).
    pub arithmetic: &'static str,
    /// Significand bits (53 for the f64 kinds).
    pub precision: u32,
    /// `[run] tolerance` as written exactly (two-layer; absent when automatic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<String>,
    /// `[run] order` (two-layer; absent when automatic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// `[run] solution` (two-layer; absent when `"fixed"`, the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<&'static str>,
    /// The σ'(0) convention, 0 or 1.
    pub relu_prime_at_zero: u8,
    /// The loss normalisation (`"half-sum"`, `"half-mean"`, `"mean"`).
    pub loss: &'static str,
    /// Significant digits of every printed bound.
    pub digits: u32,
    /// Number of constant-pattern segments.
    pub segments: usize,
    /// Proved activation switches, in time order.
    pub events: Vec<JsonEvent>,
    /// The state at the last time reached.
    #[serde(rename = "final")]
    pub final_state: JsonState,
    /// The limit `t → ∞`, when certified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<JsonLimit>,
}

/// One event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonEvent {
    /// Enclosure of the switching time.
    pub t: Pair,
    /// The data point (0-based).
    pub point: usize,
    /// The neuron (0-based).
    pub neuron: usize,
    /// `"activate"`, `"deactivate"`, `"death"`, `"slide"` or `"slide-end"`
    /// ([`reluflow_flow::EventKind::name`]).
    pub kind: &'static str,
}

/// Hidden weights: one vector for the single neuron, one per neuron for two-layer models.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum JsonWeights {
    /// Single neuron: `w` as a list of `[lo, hi]`.
    Single(Vec<Pair>),
    /// Two-layer: `w[j]` per neuron.
    Layers(Vec<Vec<Pair>>),
}

/// A state with the time it holds at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonState {
    /// Enclosure of the time.
    pub t: Pair,
    /// Hidden weights.
    pub w: JsonWeights,
    /// Output weights (two-layer models only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Vec<Pair>>,
    /// Enclosure of the loss over the state's enclosure.
    pub loss: Pair,
}

/// The loss over the enclosure `state` (for every point of it, in an interval backend), for both
/// models: the single neuron is the network with one neuron and output weight exactly 1.
pub fn state_loss<S: Scalar>(problem: &Problem, state: &State<S>, ctx: &S::Ctx) -> S {
    let data = reluflow_flow::net::field::NetData::<S>::from_problem(problem, ctx);
    match state.a {
        Some(_) => reluflow_flow::net::field::loss(&data, state),
        None => {
            let one = State { w: state.w.clone(), a: Some(vec![S::one(ctx); state.w.len()]) };
            reluflow_flow::net::field::loss(&data, &one)
        }
    }
}

/// The certified limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonLimit {
    /// Hidden weights at `t = ∞`.
    pub w: JsonWeights,
    /// Output weights (two-layer models only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Vec<Pair>>,
    /// Enclosure of the limit loss.
    pub loss: Pair,
    /// For each neuron, its active points from the last event on.
    pub active: Vec<Vec<usize>>,
    /// The certified loss rate `L(t) ≤ loss0·e^{−2μ(t − t0)}` for `t ≥ t0`, when the proof gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<JsonRate>,
    /// `[neuron, point]` pairs active in the limit pattern whose limit lies exactly on the point's
    /// hyperplane (the guard is positive at every finite time and tends to 0; the pattern is fixed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on_hyperplane: Vec<(usize, usize)>,
}

/// A certified loss rate; decimals rounded so that the bound is weaker than the proved one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonRate {
    /// The time from which the bound holds (rounded up).
    pub t0: String,
    /// The loss at `t0` (rounded up).
    pub loss0: String,
    /// The rate constant μ (rounded down).
    pub mu: String,
    /// Times from which the loss is at most each of [`LOSS_LEVELS`] (each time rounded up), as
    /// far as the bound gives a finite time.
    pub loss_below: Vec<JsonLossLevel>,
}

/// The loss levels `loss_below` reports (the bound itself, `loss0·e^{−2μ(t − t0)}`, gives any other).
pub const LOSS_LEVELS: [&str; 4] = ["1e-3", "1e-6", "1e-9", "1e-12"];

/// A time from which the certified loss bound is at most `loss`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonLossLevel {
    /// The level (a decimal).
    pub loss: &'static str,
    /// From this time on (rounded up), `L(t) ≤ loss`.
    pub t: String,
}

/// The decimal strings of a loss rate (`digits` significant digits, rounded to weaken the bound).
pub fn rate_json(rate: &reluflow_flow::LossRate, digits: u32) -> JsonRate {
    let dec = |v: f64, dir: Dir| {
        rug::Rational::from_f64(v)
            .map_or_else(|| v.to_string(), |q| reluflow_arith::exact::decimal_rounded(&q, digits, dir))
    };
    JsonRate {
        t0: dec(rate.t0, Dir::Up),
        loss0: dec(rate.loss0, Dir::Up),
        mu: dec(rate.mu, Dir::Down),
        loss_below: LOSS_LEVELS
            .iter()
            .filter_map(|&loss| {
                // The level rounded down, so the time (rounded up) is for a level at most `loss`.
                let level = loss.parse::<f64>().ok().map(|l| l - l * f64::EPSILON)?;
                rate.time_to_loss(level).map(|t| JsonLossLevel { loss, t: dec(t, Dir::Up) })
            })
            .collect(),
    }
}

/// `s` as an outward-rounded `[lo, hi]` (`"nan"` for a NaN point value).
pub fn pair<S: Scalar>(s: &S, digits: u32) -> Pair {
    if S::GUARANTEE == Guarantee::Approximate && s.approx_f64().is_nan() {
        return ["nan".to_string(), "nan".to_string()];
    }
    [bound_decimal(&s.lower(), digits, Dir::Down), bound_decimal(&s.upper(), digits, Dir::Up)]
}

/// An upper bound on the width `hi − lo`, two significant digits (`"inf"` when unbounded,
/// `"empty"` for an empty enclosure, `"nan"` for NaN).
pub fn width<S: Scalar>(s: &S) -> String {
    if S::GUARANTEE == Guarantee::Approximate && s.approx_f64().is_nan() {
        return "nan".to_string();
    }
    match (s.lower(), s.upper()) {
        (Bound::Finite(lo), Bound::Finite(hi)) if lo > hi => "empty".to_string(),
        (Bound::Finite(lo), Bound::Finite(hi)) => reluflow_arith::exact::decimal_rounded(&(hi - lo), 2, Dir::Up),
        (Bound::PosInf, Bound::NegInf) => "empty".to_string(),
        _ => "inf".to_string(),
    }
}

/// The requested horizon as text.
pub fn horizon_text(h: &Horizon) -> String {
    match h {
        Horizon::Infinite => "inf".to_string(),
        Horizon::Finite(q) => q.to_string(),
    }
}

/// The requested horizon for display: exact when short, else rounded down to `digits`
/// significant digits like every other bound (`t_end = "1e1000000"` must not print a million
/// digits; the exact value is in the JSON's `t_end`).
pub fn horizon_display(h: &Horizon, digits: u32) -> String {
    let exact = horizon_text(h);
    match h {
        Horizon::Finite(q) if exact.len() > (digits as usize).max(17) => {
            reluflow_arith::exact::decimal_rounded(q, digits, Dir::Down)
        }
        _ => exact,
    }
}

/// `"; tolerance 1e-18; order 20; solution clarke"` for the settings of `[run]` that are not the
/// defaults.
pub fn accuracy_text(problem: &Problem) -> String {
    let acc = problem.accuracy();
    let mut out = String::new();
    if let Some(t) = acc.tolerance() {
        out.push_str(&format!("; tolerance {}", short_exact(t)));
    }
    if let Some(p) = acc.order() {
        out.push_str(&format!("; order {p}"));
    }
    if problem.solution() != reluflow_model::Solution::Fixed {
        out.push_str(&format!("; solution {}", problem.solution().name()));
    }
    out
}

/// The exact text of `q` ([`crate::spec::exact_text`]), with a decimal below 1e-3 in scientific
/// notation (`1e-18`, not `0.000000000000000001`); still exact.
fn short_exact(q: &rug::Rational) -> String {
    let text = crate::spec::exact_text(q);
    let Some(frac) = text.strip_prefix("0.").filter(|f| f.starts_with("000")) else { return text };
    let digits = frac.trim_start_matches('0');
    let exp = digits.len() as i64 - 1 - frac.len() as i64;
    let (lead, tail) = digits.split_at(1);
    if tail.is_empty() { format!("{lead}e{exp}") } else { format!("{lead}.{tail}e{exp}") }
}

/// Significand bits of the arithmetic actually used.
pub fn effective_precision(problem: &Problem) -> u32 {
    match problem.run().arithmetic {
        Arithmetic::F64 | Arithmetic::Interval => 53,
        Arithmetic::Mpfr | Arithmetic::MpfrInterval => problem.run().precision,
    }
}

fn weights<S: Scalar>(state: &State<S>, digits: u32) -> (JsonWeights, Option<Vec<Pair>>) {
    let a = state.a.as_ref().map(|a| a.iter().map(|x| pair(x, digits)).collect());
    let rows = |row: &Vec<S>| row.iter().map(|x| pair(x, digits)).collect::<Vec<_>>();
    let w = match (&state.a, state.w.as_slice()) {
        (None, [only]) => JsonWeights::Single(rows(only)),
        _ => JsonWeights::Layers(state.w.iter().map(rows).collect()),
    };
    (w, a)
}

fn limit_json<S: Scalar>(limit: &Limit<S>, digits: u32) -> JsonLimit {
    let (w, a) = weights(&limit.state, digits);
    JsonLimit {
        w,
        a,
        loss: pair(&limit.loss, digits),
        active: limit.pattern.active.clone(),
        rate: limit.rate.as_ref().map(|r| rate_json(r, digits)),
        on_hyperplane: limit.on_hyperplane.clone(),
    }
}

/// The status word, the reason and the certified time of a trajectory.
pub fn status_fields<S: Scalar>(
    traj: &Trajectory<S>,
    problem: &Problem,
    digits: u32,
) -> (&'static str, Option<JsonReason>, Option<String>) {
    match traj.status() {
        Status::Certified => ("certified", None, Some(horizon_display(&problem.run().t_end, digits))),
        Status::Undecided { reason, certified_until } => {
            let word = if reason.is_inconsistency() { "internal-inconsistency" } else { "undecided" };
            let json = JsonReason { advice: advice::of(reason, problem), ..JsonReason::of(reason) };
            (word, Some(json), Some(bound_decimal(&certified_until.lower(), digits, Dir::Down)))
        }
        Status::NotValidated => ("not-validated", None, None),
    }
}

/// Builds the JSON report of `traj`, a run of `problem`, printing `digits` significant digits.
pub fn json_report<S: Scalar>(problem: &Problem, traj: &Trajectory<S>, digits: u32) -> JsonReport {
    let (status, reason, certified_until) = status_fields(traj, problem, digits);
    let (w, a) = weights(traj.final_state(), digits);
    JsonReport {
        status,
        reason,
        certified_until,
        t_end: horizon_text(&problem.run().t_end),
        model: problem.model().name(),
        arithmetic: S::NAME,
        precision: effective_precision(problem),
        tolerance: problem.accuracy().tolerance().map(short_exact),
        order: problem.accuracy().order(),
        solution: (problem.solution() != reluflow_model::Solution::Fixed).then(|| problem.solution().name()),
        relu_prime_at_zero: problem.relu_prime().value(),
        loss: problem.loss().name(),
        digits,
        segments: traj.segments().len(),
        events: traj
            .events()
            .iter()
            .map(|e| JsonEvent { t: pair(&e.t, digits), point: e.point, neuron: e.neuron, kind: e.kind.name() })
            .collect(),
        final_state: JsonState {
            t: pair(traj.t_final(), digits),
            w,
            a,
            loss: pair(&state_loss(problem, traj.final_state(), &traj.t_final().ctx()), digits),
        },
        limit: traj.limit().map(|l| limit_json(l, digits)),
    }
}
