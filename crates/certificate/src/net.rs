//! The two-layer network's certificate: the exact problem, the times of the run's steps (along
//! which the verifier encloses the flow with its own arithmetic), and what the run claims at its
//! end.

use super::{Horizon, Iv, Loss, VerdictCert};
use rug::Rational;

/// The initialisation of a two-layer network, exactly as the problem states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetInit {
    /// `w_j(0)` (`m` rows of length `d`) and `a_j(0)`.
    Explicit { w: Vec<Vec<Rational>>, a: Vec<Rational> },
    /// `w_j(0) = scale·z_j`, `a_j(0) = s_j‖w_j(0)‖₂` (`scale > 0`, `s_j = ±1`).
    Balanced { scale: Rational, z: Vec<Vec<Rational>>, s: Vec<i8> },
}

impl NetInit {
    /// The width `m`.
    pub fn width(&self) -> usize {
        match self {
            NetInit::Explicit { a, .. } => a.len(),
            NetInit::Balanced { s, .. } => s.len(),
        }
    }
}

/// The exact problem of a two-layer network `h(x) = Σ_j a_j σ(w_jᵀx)` with the loss
/// `L = c Σ_i (h(x_i) − y_i)²`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetProblem {
    /// `n` points in `ℝ^d`.
    pub x: Vec<Vec<Rational>>,
    /// `n` labels.
    pub y: Vec<Rational>,
    /// σ'(0): 0 or 1.
    pub relu_prime_at_zero: u8,
    pub loss: Loss,
    pub init: NetInit,
    pub t_end: Horizon,
    /// The Clarke subgradient flow (`"solution": "clarke"`): a neuron whose field points into a
    /// hyperplane from both sides slides along it. Otherwise σ'(0) is fixed and there is no
    /// sliding.
    pub clarke: bool,
}

/// An enclosure of a network's state: `w[j][l]` and `a[j]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetBox {
    pub w: Vec<Vec<Iv>>,
    pub a: Vec<Iv>,
}

/// What the run claims at its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetEnd {
    /// At the last step time (`t_end`) the state lies in `state`.
    Horizon { state: NetBox },
    /// At the last step time, before the horizon (the run that wrote it stopped undecided there,
    /// or at a resource limit), the state lies in `state`: the certificate of the run's certified
    /// part, truncated at its last certified time.
    Until { state: NetBox },
    /// From the last step time on, the state converges; its limit lies in `limit`, and the
    /// limit's loss in `loss`.
    Limit { limit: NetBox, loss: Iv },
}

impl NetEnd {
    pub fn name(&self) -> &'static str {
        match self {
            NetEnd::Horizon { .. } => "horizon",
            NetEnd::Until { .. } => "until",
            NetEnd::Limit { .. } => "limit",
        }
    }
}

/// A guard crossing: `w_jᵀx_i` (`neuron` `j`, `point` `i`) changes sign exactly once during
/// `time`, transversally, and keeps its sign between the crossings the certificate lists (a
/// switch of point `i` on or off for neuron `j`; the last active point of a neuron switching off
/// is its death; a Clarke flow's arrival on a hyperplane that attracts from both sides is a slide).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetEvent {
    pub neuron: usize,
    pub point: usize,
    pub time: Iv,
    pub kind: NetEventKind,
}

/// What a guard crossing does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetEventKind {
    /// The guard changes sign: point `i` switches on or off for neuron `j`.
    Switch,
    /// σ'(0) = 0: the neuron's last active point reaches its hyperplane in `time` and the neuron
    /// stays there, frozen, for good.
    Death,
    /// The Clarke flow: the guard reaches 0 in `time` and stays 0, the neuron sliding along the
    /// hyperplane, until its slide ends (or for the rest of the run).
    Slide,
    /// The Clarke flow: the neuron sliding along the hyperplane leaves it once in `time`,
    /// transversally in the second order (the guard's one-sided rate towards `active`'s side
    /// changes sign there), and its guard has that side's strict sign from then on.
    SlideEnd {
        /// `true`: to the side where the point is active (`"side": "active"`); `false`: to the
        /// inactive side (`"side": "inactive"`).
        active: bool,
    },
}

impl NetEventKind {
    pub fn name(self) -> &'static str {
        match self {
            NetEventKind::Switch => "switch",
            NetEventKind::Death => "death",
            NetEventKind::Slide => "slide",
            NetEventKind::SlideEnd { .. } => "slide-end",
        }
    }
}

/// The certified run of a two-layer network: the flow from the exact initial state, with the
/// guard crossings `events` (in time order) and no other change of pattern, over the increasing
/// step times `steps` (`0 < t_1 < … < t_K`), ending as `end` says. The step times carry no claim
/// of their own: the verifier encloses the flow over each of them (and may split them), so a
/// changed time changes the work, never the truth of what is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    pub problem: NetProblem,
    pub steps: Vec<Rational>,
    pub events: Vec<NetEvent>,
    pub end: NetEnd,
    /// The checker's verdicts (written by `check`), re-proved by the verifier after the flow.
    pub verdicts: Vec<VerdictCert>,
}
