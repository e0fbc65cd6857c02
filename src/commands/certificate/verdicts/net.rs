//! A two-layer run's verdicts and witnesses: the identities of the flow and the entries the
//! verifier reads off its own enclosures (`gen.sign-preserved`) or the directions of its verified
//! crossings (`lsy.support-vector-stability`); the shallow-network paper's statements are written
//! unchecked.

use super::{unchecked, window};
use reluflow_arith::Enclosure;
use reluflow_certificate::{self as fmt, VerdictCert, VerdictName, WitnessCert};
use reluflow_check::{Verdict, Witness};

/// The entries whose `holds` the verifier re-proves on a two-layer run.
const RECHECKED: [&str; 6] = [
    "gen.loss-nonincreasing",
    "gen.balancedness",
    "gen.span",
    "gen.dead-frozen",
    "gen.sign-preserved",
    "lsy.support-vector-stability",
];

/// The first point that a neuron turns off, then on again, in the certificate's events
/// (`turns[k]`: event `k` turned its guard on).
fn reswitch(n: &fmt::Net, turns: &[bool]) -> Option<WitnessCert> {
    for (on, e) in n.events.iter().enumerate().filter(|(k, _)| turns.get(*k) == Some(&true)) {
        let same = |f: &fmt::NetEvent| (f.neuron, f.point) == (e.neuron, e.point);
        if let Some(off) = (0..on).find(|&k| turns.get(k) == Some(&false) && same(&n.events[k])) {
            return Some(WitnessCert::Reswitch { neuron: e.neuron, point: e.point, off, on });
        }
    }
    None
}

/// The output weight `a_j` of the checker's witness quantity `a_j`, over the witness's times.
fn sign<S: Enclosure>(w: &Witness<S>) -> Option<WitnessCert> {
    let neuron = w.quantity.strip_prefix("a_")?.parse().ok()?;
    Some(WitnessCert::Sign { neuron, t: window(&w.at)? })
}

fn violated<S: Enclosure>(entry: &str, w: &Witness<S>, n: &fmt::Net, turns: &[bool]) -> Option<WitnessCert> {
    match entry {
        "gen.sign-preserved" => sign(w),
        "lsy.support-vector-stability" => reswitch(n, turns),
        _ => None,
    }
}

/// The certificate's verdict for one conclusion.
pub(super) fn verdict<S: Enclosure>(entry: &str, v: &Verdict<S>, n: &fmt::Net, turns: &[bool]) -> VerdictCert {
    match v {
        Verdict::Holds { .. } if RECHECKED.contains(&entry) => {
            VerdictCert::Holds { entry: entry.to_string(), w_star: None }
        }
        Verdict::Holds { .. } => unchecked(entry, VerdictName::Holds),
        Verdict::Violated { witness } => match violated(entry, witness, n, turns) {
            Some(witness) => VerdictCert::Violated { entry: entry.to_string(), witness },
            None => unchecked(entry, VerdictName::Violated),
        },
        Verdict::Undecided { .. } | Verdict::Inconsistent { .. } => unchecked(entry, VerdictName::Undecided),
    }
}
