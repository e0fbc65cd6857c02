//! An independent verifier of reluflow certificates (`docs/certificate.md`).
//!
//! It shares no numerical code with the integrators: it depends only on the format
//! (`reluflow-certificate`) and `rug`, evaluates the vector field itself from the certificate's
//! exact data, and does its own exact rational arithmetic, rounding outward to dyadics of
//! `num::BITS` bits only where sizes would grow (`num.rs`). [`verify`] re-proves every claim of a
//! certificate (the argument: `proofs-notes/certificate-verifier.md`) in order and returns the
//! first that fails, with its location and the two values that disagree; a claim kind it cannot
//! re-check fails as "not supported", never passes.

mod check;
mod death;
mod exits;
mod field;
mod modes;
mod num;
mod slow;
mod walk;

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
}

/// Re-proves every claim of `c` (see the crate documentation).
///
/// # Errors
/// The first claim that fails.
pub fn verify(c: &Certificate) -> Result<Verified, Fail> {
    match c {
        Certificate::SingleNeuron(n) => check::neuron(n),
    }
}

#[cfg(test)]
mod tests;
