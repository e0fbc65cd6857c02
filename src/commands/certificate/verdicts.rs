//! `check`'s verdicts as the certificate's verdicts (`docs/certificate.md`, "Verdicts"): each
//! conclusion's verdict with its witness in the terms the verifier re-proves (absolute times,
//! pattern indices, exact bounds from the checker's outward-rounded enclosures). A verdict the
//! verifier has no argument for, or that it does not re-prove on this certificate (the writer runs
//! it), is written as unchecked and named on stderr.

use reluflow_arith::{Bound, Enclosure};
use reluflow_certificate::{self as fmt, Certificate, Exit, Horizon, Iv, VerdictCert, VerdictName, WitnessCert};
use reluflow_check::{CheckReport, Location, RowStatus, Verdict, Witness};
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

fn lo<S: Enclosure>(x: &S) -> Option<Rational> {
    match x.lower() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

fn hi<S: Enclosure>(x: &S) -> Option<Rational> {
    match x.upper() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// Every time of a location, as an absolute interval the location certainly covers.
fn window<S: Enclosure>(at: &Location<S>) -> Option<Iv> {
    let iv = |lo: Rational, hi: Rational| (lo <= hi).then_some(Iv { lo, hi });
    match at {
        Location::Initial => iv(Rational::new(), Rational::new()),
        Location::SegmentEnd { t, .. } | Location::InSegment { t, .. } | Location::Event { t, .. } => {
            iv(lo(t)?, hi(t)?)
        }
        Location::Segment { t_start, t_end, .. } | Location::Tail { t_start, t_end: Some(t_end) } => {
            iv(hi(t_start)?, lo(t_end)?)
        }
        Location::Tail { t_start, t_end: None } => {
            let a = hi(t_start)?;
            iv(a.clone(), a + 1u32)
        }
        Location::Limit | Location::Data => None,
    }
}

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

fn unchecked(entry: &str, verdict: VerdictName) -> VerdictCert {
    VerdictCert::Unchecked { entry: entry.to_string(), verdict }
}

/// The certificate's verdict for one conclusion (`w_star`: the zero-loss point of the checks).
fn verdict<S: Enclosure>(entry: &str, v: &Verdict<S>, n: &fmt::Neuron, w_star: Option<&[Rational]>) -> VerdictCert {
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

/// Adds the verdicts of `table`'s rows (`w_star`: the zero-loss point the checks used, the
/// teacher or `--w-star`) (the entries that apply and are implemented) to `cert`,
/// then runs the verifier and writes those it does not re-prove as unchecked; returns a note for
/// each of these.
pub fn add<S: Enclosure>(cert: &mut Certificate, table: &CheckReport<S>, w_star: Option<&[Rational]>) -> Vec<String> {
    let Certificate::SingleNeuron(n) = cert else { return Vec::new() };
    let rows = table.rows.iter().filter(|r| !matches!(r.status, RowStatus::NotApplicable | RowStatus::NotImplemented));
    let verdicts: Vec<VerdictCert> = rows.map(|r| verdict(r.entry.id, &r.conclusion, n, w_star)).collect();
    n.verdicts = verdicts;
    let each = match reluflow_verify::verify_each(cert) {
        Ok((_, each)) => each,
        Err(f) => return vec![format!("the certificate's patterns do not verify: {f}")],
    };
    let Certificate::SingleNeuron(n) = cert else { return Vec::new() };
    let mut notes = Vec::new();
    for (v, r) in n.verdicts.iter_mut().zip(each) {
        if let Err(f) = r {
            notes.push(format!(
                "verdict {} ({}) written as unchecked: the verifier does not re-prove it ({}: {})",
                v.entry(),
                v.verdict().name(),
                f.location,
                f.claim
            ));
            *v = unchecked(v.entry(), v.verdict());
        }
    }
    notes
}
