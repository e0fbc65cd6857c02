//! The single neuron's verdicts and witnesses, in the terms the verifier re-proves (absolute
//! times, pattern indices, exact bounds from the checker's outward-rounded enclosures).

use super::{hi, lo, unchecked, window};
use reluflow_arith::Enclosure;
use reluflow_certificate::{self as fmt, Exit, Horizon, VerdictCert, VerdictName, WitnessCert};
use reluflow_check::{Verdict, Witness};
use rug::Rational;

/// The entries whose `holds` the verifier re-proves.
const RECHECKED: [&str; 7] = [
    "gen.loss-nonincreasing",
    "gen.span",
    "gen.dead-frozen",
    "lsy.norm-growth",
    "lsy.support-vector-stability",
    "lsy.global-convergence-d2",
    "vs.thm3-limit",
];

/// The entries that speak of a zero-loss point `w*`: their `holds` is re-proved with it.
const WITH_W_STAR: [&str; 2] = ["gen.dist-to-interpolant", "vs.thm8-distance"];

/// The witness of a violated `lsy.norm-growth`: a negative rate over a stretch of time, or a
/// value of `½‖w‖²` below an earlier one.
fn norm_growth<S: Enclosure>(w: &Witness<S>) -> Option<WitnessCert> {
    let below = hi(w.value.as_ref()?)?;
    if w.quantity.starts_with("d/dt") {
        let t = window(&w.at)?;
        return (t.lo < t.hi && below < 0).then_some(WitnessCert::Rate { t, below });
    }
    let b = w.bound.as_ref()?;
    let (earlier, later) = (window(b.at.as_ref()?)?, window(&w.at)?);
    let above = lo(&b.bound)?;
    (earlier.hi <= later.lo && below < above).then_some(WitnessCert::Decrease { earlier, above, later, below })
}

/// The first point active, then inactive, then active again in the certificate's patterns.
fn reactivation(n: &fmt::Neuron) -> Option<WitnessCert> {
    let pats = &n.patterns;
    for (c, pc) in pats.iter().enumerate() {
        for &point in &pc.active {
            let Some(b) = (0..c).rev().find(|&b| !pats[b].active.contains(&point)) else { continue };
            if let Some(a) = (0..b).find(|&a| pats[a].active.contains(&point)) {
                return Some(WitnessCert::Reactivation { point, active: a, inactive: b, again: c });
            }
        }
    }
    None
}

/// A positive lower bound of `L(w(∞))`: the checker's, else the certificate's final loss.
fn limit_loss<S: Enclosure>(w: &Witness<S>, n: &fmt::Neuron) -> Option<WitnessCert> {
    let own = match (n.patterns.last().map(|p| &p.exit), &n.problem.t_end) {
        (Some(Exit::Limit { loss, .. }), _) | (Some(Exit::Death { loss, .. }), Horizon::Infinite) => {
            Some(loss.lo.clone())
        }
        _ => None,
    };
    let above = w.value.as_ref().and_then(lo).filter(|v| *v > 0).or(own)?;
    (above > 0).then_some(WitnessCert::LimitLoss { above })
}

fn violated<S: Enclosure>(entry: &str, w: &Witness<S>, n: &fmt::Neuron) -> Option<WitnessCert> {
    match entry {
        "lsy.norm-growth" => norm_growth(w),
        "lsy.support-vector-stability" => reactivation(n),
        "lsy.global-convergence-d2" => limit_loss(w, n),
        _ => None,
    }
}

/// The certificate's verdict for one conclusion (`w_star`: the zero-loss point of the checks).
pub(super) fn verdict<S: Enclosure>(
    entry: &str,
    v: &Verdict<S>,
    n: &fmt::Neuron,
    w_star: Option<&[Rational]>,
) -> VerdictCert {
    match v {
        Verdict::Holds { .. } if RECHECKED.contains(&entry) => {
            VerdictCert::Holds { entry: entry.to_string(), w_star: None }
        }
        Verdict::Holds { .. } if WITH_W_STAR.contains(&entry) && w_star.is_some() => {
            VerdictCert::Holds { entry: entry.to_string(), w_star: w_star.map(<[Rational]>::to_vec) }
        }
        Verdict::Holds { .. } => unchecked(entry, VerdictName::Holds),
        Verdict::Violated { witness } => match violated(entry, witness, n) {
            Some(witness) => VerdictCert::Violated { entry: entry.to_string(), witness },
            None => unchecked(entry, VerdictName::Violated),
        },
        // An inconsistency is no answer: nothing to re-check.
        Verdict::Undecided { .. } | Verdict::Inconsistent { .. } => unchecked(entry, VerdictName::Undecided),
    }
}
