//! An independent verifier of reluflow certificates (`docs/certificate.md`).
//!
//! It shares no numerical code with the integrators: it depends only on the format
//! (`reluflow-certificate`) and `rug`, evaluates the vector field itself from the certificate's
//! exact data, and does its own exact rational arithmetic, rounding outward to dyadics of
//! `num::BITS` bits only where sizes would grow (`num.rs`). [`verify`] re-proves every claim of a
//! certificate (the argument: `proofs-notes/certificate-verifier.md`) in order and returns the
//! first that fails, with its location and the two values that disagree; a claim kind it cannot
//! re-check fails as "not supported", never passes. The checker's verdicts in a certificate are
//! re-proved after the patterns ([`Verified::verdicts`]); one written as unchecked is reported so.

mod check;
mod death;
mod exits;
mod field;
mod flat;
mod modes;
mod net;
mod num;
mod slow;
mod tail;
mod theorems;
mod verdicts;
mod walk;
mod window;

use reluflow_certificate::Certificate;

/// The first claim that could not be re-proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fail {
    /// Where: `pattern 1 / step 3 / w[0]`.
    pub location: String,
    /// What was to be shown.
    pub claim: String,
    /// The verifier's value (an enclosure).
    pub found: String,
    /// The certificate's value it had to fit.
    pub needed: String,
}

impl Fail {
    pub(crate) fn new(location: impl Into<String>, claim: impl Into<String>, found: String, needed: String) -> Fail {
        Fail { location: location.into(), claim: claim.into(), found, needed }
    }
    pub(crate) fn unsupported(location: impl Into<String>, what: String) -> Fail {
        Fail::new(location, format!("not supported: {what}"), "-".into(), "-".into())
    }
}

impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}\n  found:  {}\n  needed: {}", self.location, self.claim, self.found, self.needed)
    }
}

/// What a verified certificate established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub patterns: usize,
    pub steps: usize,
    pub switches: usize,
    /// `"horizon"`, `"limit"` or `"death"`.
    pub ending: &'static str,
    /// The checker's verdicts, in the certificate's order.
    pub verdicts: Vec<VerdictReport>,
}

/// One verdict of the certificate: re-proved (`checked`), or written as unchecked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictReport {
    pub entry: String,
    /// `"holds"`, `"violated"` or `"undecided"`.
    pub verdict: &'static str,
    /// Whether the verifier re-proved it (false: the certificate marks it unchecked).
    pub checked: bool,
}

/// Re-proves every claim of `c` (see the crate documentation).
///
/// # Errors
/// The first claim that fails (the patterns' claims first, then the verdicts' in order).
pub fn verify(c: &Certificate) -> Result<Verified, Fail> {
    let (mut v, each) = verify_each(c)?;
    v.verdicts = each.into_iter().collect::<Result<_, _>>()?;
    Ok(v)
}

/// Re-proves the patterns of `c`, then each verdict on its own: the patterns' result (without
/// verdicts) and, per verdict, its report or the claim of it that fails.
///
/// # Errors
/// The first claim of the patterns that fails.
#[allow(clippy::type_complexity)]
pub fn verify_each(c: &Certificate) -> Result<(Verified, Vec<Result<VerdictReport, Fail>>), Fail> {
    match c {
        Certificate::SingleNeuron(n) => {
            let v = check::neuron(n)?;
            let each = verdicts::all(&check::context(&n.problem), n);
            Ok((v, each))
        }
        Certificate::TwoLayer(n) => net::check(n),
    }
}

#[cfg(test)]
mod tests;
