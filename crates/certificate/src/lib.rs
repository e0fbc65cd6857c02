//! The certificate format of reluflow: what a certified run claims, with every number exact, so
//! that an independent verifier (`reluflow-verify`) can re-check it (`docs/certificate.md`).
//!
//! A certificate is JSON text with `"format": "reluflow-certificate"`, a `"version"` and a
//! `"model"` tag; version 1 knows the model `"single-neuron"`, version 3 adds `"two-layer"`
//! ([`Net`]). Every number is a string: an
//! integer (`"-3"`) or an exact rational `"p/q"` (`q > 0`); numbers that stand for reals the
//! integrator enclosed are dyadic (`q` a power of two), rounded outward. Version 2 adds the
//! checker's verdicts ([`VerdictCert`]); version 1 files (no verdicts) are still read. This crate only models,
//! writes ([`to_text`]) and reads ([`from_text`]) the text: no I/O and no numerics. Reading never
//! panics; it returns a [`FormatError`] naming the field path.

mod net;
mod read;
mod write;

pub use net::{Net, NetBox, NetEnd, NetEvent, NetEventKind, NetInit, NetProblem};

pub use read::{FormatError, from_text};
pub use write::to_text;

use rug::Rational;

/// The value of `"format"`.
pub const FORMAT: &str = "reluflow-certificate";
/// The latest version, which this crate writes for the two-layer network.
pub const VERSION: u64 = 3;
/// The version this crate writes for the single neuron (version 3 changed nothing there).
pub const NEURON_VERSION: u64 = 2;
/// The versions this crate reads (version 1 has no verdicts, versions 1 and 2 no two-layer
/// network).
pub const READS: [u64; 3] = [1, 2, 3];

/// A closed interval `[lo, hi]` of exact rationals (`lo ≤ hi` is checked when read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iv {
    pub lo: Rational,
    pub hi: Rational,
}

/// A certificate: one model's claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Certificate {
    /// `"model": "single-neuron"`.
    SingleNeuron(Neuron),
    /// `"model": "two-layer"`.
    TwoLayer(Net),
}

/// The time horizon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Horizon {
    Finite(Rational),
    /// `"inf"`: the certificate ends with a limit.
    Infinite,
}

/// The loss normalisation `L = c Σ_i (σ(x_iᵀw) − y_i)²` by name (`c` follows from it and `n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// `c = 1/2`.
    HalfSum,
    /// `c = 1/(2n)`.
    HalfMean,
    /// `c = 1/n`.
    Mean,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::HalfSum => "half-sum",
            Loss::HalfMean => "half-mean",
            Loss::Mean => "mean",
        }
    }
    pub fn from_name(s: &str) -> Option<Loss> {
        [Loss::HalfSum, Loss::HalfMean, Loss::Mean].into_iter().find(|l| l.name() == s)
    }
}

/// The exact problem of a single neuron.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuronProblem {
    /// `n` points in `ℝ^d`.
    pub x: Vec<Vec<Rational>>,
    /// `n` labels.
    pub y: Vec<Rational>,
    /// σ'(0): 0 or 1.
    pub relu_prime_at_zero: u8,
    pub loss: Loss,
    /// `w(0)`.
    pub w0: Vec<Rational>,
    pub t_end: Horizon,
}

/// The certified run of a single neuron: its patterns in order, and the checker's verdicts on it
/// (empty for `certify`; written by `check`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neuron {
    pub problem: NeuronProblem,
    /// Flat guards: points on their hyperplane at `w(0)` whose guard stays 0 for good (increasing
    /// indices; empty when none).
    pub flat: Vec<usize>,
    pub patterns: Vec<PatternCert>,
    pub verdicts: Vec<VerdictCert>,
}

/// The set `anchor + u + B(rho)` (Euclidean ball) of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ball {
    pub u: Vec<Rational>,
    pub rho: Rational,
}

/// One step: for the local times `[t.0, t.1]` of its pattern, the states start in `start`, stay
/// in `hull` and end in `end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub t0: Rational,
    pub t1: Rational,
    pub start: Ball,
    pub end: Ball,
    pub hull: Vec<Iv>,
}

/// One activation pattern: its active points (those with `x_i ≠ 0` on the positive side), its
/// start time (an enclosure: it begins at a switch), an exact equilibrium `anchor` of its field
/// that its balls refer to, its steps (local times from 0) and how it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternCert {
    pub active: Vec<usize>,
    pub t_start: Iv,
    pub anchor: Vec<Rational>,
    pub steps: Vec<Step>,
    pub exit: Exit,
}

/// The slow mode of a final pattern: `u` (in the span of the active points, any length) close to
/// an eigenvector of the smallest eigenvalue of `K` on that span, and `nu` strictly between that
/// eigenvalue and the next (absent when the span is one-dimensional).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slow {
    pub u: Vec<Rational>,
    pub nu: Option<Rational>,
}

/// Point `point` reaches its hyperplane during the local step `[t0, t1]` (states from `start`,
/// in `hull` until the switch), at the absolute time `time`, in the box `state`: the claims a
/// switch and a death share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    pub point: usize,
    pub t0: Rational,
    pub t1: Rational,
    pub start: Ball,
    pub hull: Vec<Iv>,
    pub time: Iv,
    pub state: Vec<Iv>,
}

/// How a pattern ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A switch: the crossing, and the next pattern follows.
    Switch(Crossing),
    /// `t_end` is reached: from `start` at local time `t0`, no switch until the local time
    /// `t1`, states in `hull` meanwhile, and the state at `t_end` in `state`.
    Horizon { t0: Rational, t1: Rational, start: Ball, hull: Vec<Iv>, state: Vec<Iv> },
    /// No switch ever again: from `start` at local time `t0`, every later state in `hull`, the
    /// limit `w(∞)` in `limit` and its loss in `loss`; `slow` for the active guards whose limit
    /// lies on their hyperplane.
    Limit { t0: Rational, start: Ball, hull: Vec<Iv>, limit: Vec<Iv>, loss: Iv, slow: Option<Slow> },
    /// A death (σ'(0) = 0): the crossing turns every active point off; the state stays in its
    /// `state` for every later time (the final state or the limit), with the loss in `loss`.
    Death { crossing: Crossing, loss: Iv },
}

impl Exit {
    pub fn name(&self) -> &'static str {
        match self {
            Exit::Switch(_) => "switch",
            Exit::Horizon { .. } => "horizon",
            Exit::Limit { .. } => "limit",
            Exit::Death { .. } => "death",
        }
    }
}

/// The checker's verdict on one catalogue entry's conclusion, as the verifier is to re-check it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerdictCert {
    /// The conclusion holds on the certified run (the verifier proves it from the certificate);
    /// `w_star` is the exact zero-loss point the entry speaks of (`gen.dist-to-interpolant`,
    /// `vs.thm8-distance`), which the verifier checks.
    Holds { entry: String, w_star: Option<Vec<Rational>> },
    /// The conclusion is violated, with a witness the verifier proves from the certificate.
    Violated { entry: String, witness: WitnessCert },
    /// A verdict (`holds`, `violated` or `undecided`) the verifier does not re-check: it is
    /// reported as unchecked, never as proved.
    Unchecked { entry: String, verdict: VerdictName },
}

/// The name of a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictName {
    Holds,
    Violated,
    Undecided,
}

impl VerdictName {
    pub fn name(self) -> &'static str {
        match self {
            VerdictName::Holds => "holds",
            VerdictName::Violated => "violated",
            VerdictName::Undecided => "undecided",
        }
    }
    pub fn from_name(s: &str) -> Option<VerdictName> {
        [VerdictName::Holds, VerdictName::Violated, VerdictName::Undecided].into_iter().find(|v| v.name() == s)
    }
}

impl VerdictCert {
    /// The catalogue entry.
    pub fn entry(&self) -> &str {
        match self {
            VerdictCert::Holds { entry, .. }
            | VerdictCert::Violated { entry, .. }
            | VerdictCert::Unchecked { entry, .. } => entry,
        }
    }
    /// The verdict's name.
    pub fn verdict(&self) -> VerdictName {
        match self {
            VerdictCert::Holds { .. } => VerdictName::Holds,
            VerdictCert::Violated { .. } => VerdictName::Violated,
            VerdictCert::Unchecked { verdict, .. } => *verdict,
        }
    }
}

/// What proves a violation; times are absolute, `[lo, hi]` means every time in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessCert {
    /// `d/dt ½‖w‖² ≤ below` (with `below < 0`) at every time of `t` (`t.lo < t.hi`).
    Rate { t: Iv, below: Rational },
    /// `½‖w‖² ≥ above` at every time of `earlier`, `≤ below` at every time of `later`
    /// (`earlier.hi ≤ later.lo`, `below < above`): the norm decreased.
    Decrease { earlier: Iv, above: Rational, later: Iv, below: Rational },
    /// Point `point` is active in pattern `active`, inactive in the later pattern `inactive`
    /// and active again in the still later pattern `again`.
    Reactivation { point: usize, active: usize, inactive: usize, again: usize },
    /// `L(w(∞)) ≥ above > 0`.
    LimitLoss { above: Rational },
    /// Two-layer: the output weight `a_neuron` is not of the sign of `a_neuron(0)` (it is `0` or of
    /// the other sign) at every time of `t`.
    Sign { neuron: usize, t: Iv },
    /// Two-layer: event `off` turns point `point` off for neuron `neuron` (its guard goes from
    /// positive to negative), and the later event `on` turns it on again.
    Reswitch { neuron: usize, point: usize, off: usize, on: usize },
}

impl WitnessCert {
    pub fn kind(&self) -> &'static str {
        match self {
            WitnessCert::Rate { .. } => "rate",
            WitnessCert::Decrease { .. } => "decrease",
            WitnessCert::Reactivation { .. } => "reactivation",
            WitnessCert::LimitLoss { .. } => "limit-loss",
            WitnessCert::Sign { .. } => "sign",
            WitnessCert::Reswitch { .. } => "reswitch",
        }
    }
}
