//! The one-hidden-layer ReLU network `h_θ(x) = Σ_j a_j σ(w_jᵀx)` with both layers trained
//! (Chistikov–Englert–Lazić 2023, `shared/papers/shallow-relu-correlated-inputs.md` §1).
//!
//! * [`field`]: the gradient-flow vector field inside a fixed activation pattern (a cubic
//!   polynomial in `(W, a)`), its Taylor coefficients to any order, loss and gradient — generic
//!   over every backend; with an interval backend each result encloses the exact value for every
//!   point of the input box.
//! * [`gd`] and [`gd_fast`]: gradient descent, generic (interval iterates enclose the exact GD
//!   iterates) and a fast f64 loop; the GD balancedness identity.
//! * [`reference`](mod@reference): the non-validated high-order Taylor integrator with event location and
//!   neuron death (f64 and MPFR; the reference for soundness tests).
//! * [`sliding`]: the Filippov sliding field of the Clarke flow along a hyperplane.
//! * [`data`]: seeded data and initialisations as in the paper's experiments.
//!
//! **Invariant**: nothing here does I/O; every function is generic over
//! [`Scalar`](reluflow_arith::Scalar) except the fast f64 gradient-descent loop.

pub mod data;
pub mod field;
pub mod gd;
pub mod gd_fast;
mod gd_kernels;
mod gd_lanes;
pub mod reference;
pub mod sliding;
pub mod two_teachers;
pub mod validated;

use thiserror::Error;

/// Why a two-layer computation could not be set up or carried on.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NetError {
    /// The problem is not a two-layer problem.
    #[error("the problem is a single-neuron problem; this needs model = \"two-layer\"")]
    NotTwoLayer,
    /// An initial weight is too small for the backend's exponent range: it would underflow (or
    /// lose precision as a subnormal) rather than be represented.
    #[error(
        "initial weight {what} has magnitude about 2^{exponent}, below what the {backend} backend represents safely (2^{min_safe_exp}); use an MPFR backend (arithmetic = \"mpfr\" or \"mpfr-interval\") for scales this small"
    )]
    ScaleOutOfRange {
        /// Which value (e.g. `"init.scale · z[3][0]"`).
        what: String,
        /// `⌊log₂ |value|⌋` (approximately, ±1).
        exponent: i64,
        /// The smallest exponent accepted for this backend (its minimal normal exponent plus a
        /// safety margin, see [`field::EXPONENT_MARGIN`]).
        min_safe_exp: i64,
        /// The backend's name.
        backend: &'static str,
    },
    /// The sign of a guard `w_jᵀx_i` could not be decided (its enclosure straddles 0), so the
    /// gradient (and a gradient-descent step) is not determined.
    #[error("the sign of w_{neuron}ᵀx_{point} is undecidable in this arithmetic (its enclosure contains 0)")]
    UndecidedGuard {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// An argument is invalid (message says which).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// The run broke the trajectory contract (a bug).
    #[error("integrator contract violated: {0}")]
    Trajectory(#[from] crate::TrajectoryError),
}
