//! The single ReLU neuron: gradient flow in closed form between activation switches, certified.
//!
//! For `L(w) = c Σ_i (σ(x_iᵀw) − y_i)²` the flow `ẇ = −∇L(w)` is linear while the active set
//! `A = {i : x_iᵀw > 0}` (with `= 0` too when σ'(0) = 1) is constant:
//! `ẇ = −G(M w − b)`, `G = 2c`, `M = X_AᵀX_A`, `b = X_Aᵀy_A`, hence
//! `w(t₀ + s) = w_∞ + exp(−sGM)(w(t₀) − w_∞)` with `w_∞ = (I − P)w(t₀) + M⁺b` and `P` the projector
//! onto `range(M)` (`proofs-notes/neuron-closed-form.md`).
//!
//! * [`certify`] (interval backends): per pattern, `GM`, `P`, `M⁺b` exactly in rationals, in the
//!   span of the active points (`proofs-notes/neuron-gram-space.md`: nothing `d × d`); the state
//!   as a centre plus a Euclidean ball (no wrapping, since `‖exp(−sGM)‖₂ ≤ 1`); the exponential by
//!   scaling and squaring with a rigorous Taylor remainder (`proofs-notes/neuron-matrix-exponential.md`);
//!   switches located by interval Newton with proved sign change, transversality and order, and the
//!   new pattern's field checked to leave the hyperplane (`proofs-notes/neuron-events.md`); the limit
//!   certified when the ball that holds every later state avoids every hyperplane
//!   (`proofs-notes/neuron-limit.md`). Whatever cannot be proved ends the run as
//!   [`Status::Undecided`](crate::Status) with its reason and the time certified so far.
//!   A start on hyperplanes is decided exactly: the one activation cell entered by its own flow.
//! * [`certify_with_witness`]: [`certify`] and the exact sets its proof rests on
//!   ([`witness::Witness`]), for a certificate that an independent verifier re-checks
//!   (`docs/certificate.md`).
//! * [`reference()`] (point backends): the same closed form without proofs.
//! * [`rk`]: an adaptive Dormand–Prince integrator of the same flow, for comparison.
//!
//! ```
//! use reluflow_arith::{Interval, Rational, exact::parse_exact};
//! use reluflow_flow::neuron::{NeuronOptions, certify};
//! use reluflow_flow::Status;
//! use reluflow_model::*;
//! let q = |s: &str| parse_exact(s).unwrap();
//! // Vardi–Shamir Theorem 3 with γ = 1: w(∞) = (5, −1, s), s ∈ (−0.045, −0.035).
//! let data = Data::new(
//!     vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q("1"), q("1")]],
//!     Labels::Given(vec![q("16"), q("18"), q("0")]),
//! ).unwrap();
//! let p = Problem::new(
//!     ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data,
//!     Init::Single { w: vec![q("0"); 3] },
//!     RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 },
//! ).unwrap();
//! let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
//! assert_eq!(*tr.status(), Status::Certified);
//! let s = tr.limit().unwrap().state.w[0][2];
//! assert!(s.inf() > -0.045 && s.sup() < -0.035 && s.wid() < 1e-12);
//! ```

mod ball;
mod certify;
mod exact;
mod expm;
mod frame;
pub(crate) mod gram;
mod limit;
mod modal;
mod pattern;
mod reference;
pub mod rk;
mod run;
mod slow;
mod start;
mod switch;
pub mod witness;

pub use certify::{certify, certify_with_witness};
pub use reference::{ReferenceRun, reference};

use reluflow_model::{Init, ModelKind, Problem};
use rug::Rational;

/// Budgets and search depths of [`certify`] and [`reference()`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuronOptions {
    /// Most guard classifications (steps and bisection nodes) before giving up with
    /// [`UndecidedReason::Budget`](crate::UndecidedReason) (reference: most steps).
    pub max_steps: usize,
    /// Most switches before giving up.
    pub max_events: usize,
    /// Most halvings of a step while isolating a switch; when exhausted near a guard that is
    /// neither proved clear nor proved crossing, the run is undecided with `Grazing`.
    pub max_bisections: u32,
    /// Progress and cancellation ([`crate::monitor`]); a cancelled monitor ends [`certify`] as
    /// [`UndecidedReason::Interrupted`](crate::UndecidedReason) and [`reference()`] early. Default `None`.
    pub monitor: Option<crate::monitor::Monitor>,
}

impl Default for NeuronOptions {
    fn default() -> Self {
        NeuronOptions { max_steps: 20_000, max_events: 1_000, max_bisections: 40, monitor: None }
    }
}

/// Misuse of the single-neuron solvers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NeuronError {
    /// The problem is not a single-neuron problem.
    #[error("the single-neuron solver needs model = \"single-neuron\", got \"{0}\"")]
    WrongModel(&'static str),
    /// The initialisation is not a single weight vector.
    #[error("the single-neuron solver needs `init.w` as one vector")]
    WrongInit,
    /// The run broke the trajectory contract (a bug).
    #[error("integrator contract violated: {0}")]
    Trajectory(#[from] crate::TrajectoryError),
}

/// Checks the model kind and returns `w(0)`.
fn check_problem(problem: &Problem) -> Result<Vec<Rational>, NeuronError> {
    if problem.model() != ModelKind::SingleNeuron {
        return Err(NeuronError::WrongModel(problem.model().name()));
    }
    match problem.init() {
        Init::Single { w } => Ok(w.clone()),
        _ => Err(NeuronError::WrongInit),
    }
}

/// The limit `(I − P)w + M⁺b` of the flow of the fixed pattern `active` from `w`, in exact
/// rationals (`proofs-notes/neuron-closed-form.md`): the closed-form reference for a certified
/// limit, given any state `w` after the last switch.
pub fn pattern_limit(problem: &Problem, active: &[usize], w: &[Rational]) -> Vec<Rational> {
    let data = problem.data();
    let dg = gram::DataGram::new(data.x());
    let g = gram::Gram::new(&dg, data.y(), &problem.loss_factor(), active);
    let xw: Vec<Rational> = data.x().iter().map(|xi| gram::dot(xi, w)).collect();
    let z: Vec<Rational> = g.coords_with(&xw, w).into_iter().zip(&g.omega).map(|(a, b)| a - b).collect();
    w.iter().zip(g.lift_exact(&dg, &z)).map(|(a, b)| Rational::from(a - &b)).collect()
}
