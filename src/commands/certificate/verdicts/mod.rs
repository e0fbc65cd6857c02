//! `check`'s verdicts as the certificate's verdicts (`docs/certificate.md`, "Verdicts"): each
//! conclusion's verdict with its witness in the terms the verifier re-proves (absolute times,
//! pattern indices, exact bounds from the checker's outward-rounded enclosures). A verdict the
//! verifier has no argument for, or that it does not re-prove on this certificate (the writer runs
//! it), is written as unchecked and named on stderr.

mod net;
mod neuron;

use reluflow_arith::{Bound, Enclosure};
use reluflow_certificate::{Certificate, Iv, VerdictCert, VerdictName};
use reluflow_check::{CheckReport, Location, RowStatus};
use rug::Rational;

pub(super) fn lo<S: Enclosure>(x: &S) -> Option<Rational> {
    match x.lower() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

pub(super) fn hi<S: Enclosure>(x: &S) -> Option<Rational> {
    match x.upper() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// Every time of a location, as an absolute interval the location certainly covers.
pub(super) fn window<S: Enclosure>(at: &Location<S>) -> Option<Iv> {
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

pub(super) fn unchecked(entry: &str, verdict: VerdictName) -> VerdictCert {
    VerdictCert::Unchecked { entry: entry.to_string(), verdict }
}

/// What the writer knows of the run beyond the certificate: the zero-loss point the checks used
/// (the teacher or `--w-star`; single neuron) and, per event of a two-layer run, whether its
/// guard turned on.
pub struct Run<'a> {
    pub w_star: Option<&'a [Rational]>,
    pub turns: &'a [bool],
}

/// Adds the verdicts of `table`'s rows (the entries that apply and are implemented) to `cert`,
/// then runs the verifier and writes those it does not re-prove as unchecked; returns a note for
/// each of these.
pub fn add<S: Enclosure>(cert: &mut Certificate, table: &CheckReport<S>, run: &Run<'_>) -> Vec<String> {
    let rows = table.rows.iter().filter(|r| !matches!(r.status, RowStatus::NotApplicable | RowStatus::NotImplemented));
    let verdicts: Vec<VerdictCert> = match cert {
        Certificate::SingleNeuron(n) => {
            rows.map(|r| neuron::verdict(r.entry.id, &r.conclusion, n, run.w_star)).collect()
        }
        Certificate::TwoLayer(n) => rows.map(|r| net::verdict(r.entry.id, &r.conclusion, n, run.turns)).collect(),
    };
    *list(cert) = verdicts;
    let each = match reluflow_verify::verify_each(cert) {
        Ok((_, each)) => each,
        Err(f) => return vec![format!("the certificate's flow does not verify: {f}")],
    };
    let mut notes = Vec::new();
    for (v, r) in list(cert).iter_mut().zip(each) {
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

fn list(cert: &mut Certificate) -> &mut Vec<VerdictCert> {
    match cert {
        Certificate::SingleNeuron(n) => &mut n.verdicts,
        Certificate::TwoLayer(n) => &mut n.verdicts,
    }
}
