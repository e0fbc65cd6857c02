//! Proptest strategies (functions returning strategies, not `Arbitrary` impls) that build only
//! valid [`Problem`](reluflow_model::Problem)s and keep their constraints while shrinking.
//!
//! * [`neuron_problem`] from a [`NeuronSpace`]: the single neuron (`d`, `n`, labels from a teacher
//!   or arbitrary non-negative ones, σ'(0), initial scale and direction, zero init, every point
//!   active at the start, the `d = 2` family).
//! * [`net_problem`] from a [`NetSpace`]: the two-layer network (balanced or explicit init,
//!   teacher labels).
//! * [`cel_problem`] from a [`CelSpace`]: the shallow-network setting of Chistikov–Englert–Lazić
//!   (correlated data, spanning data, balanced initialisation with a scale below Assumption 2's
//!   bound, a teacher direction `v* = He_1` from a rational Householder reflection [`frame`]), each
//!   part switchable.
//! * [`Assume`]: the values of a strategy that satisfy a predicate, drawn and shrunk without ever
//!   showing a rejected one; [`Plan::strategy`](crate::Plan::strategy) uses it with the catalogue's
//!   own hypothesis predicates.
//! * [`numbers`]: short exact decimals and the exact constructions (half-spaces, scaling).

mod assume;
mod cel;
pub mod frame;
mod net;
mod neuron;
pub mod numbers;

pub use assume::{Accept, Assume, AssumeTree};
pub use cel::{CelScale, CelSpace, MPFR_FROM_EXPONENT, assumption2_exponent, cel_problem, relaxed_exponents};
pub use net::{NetInit, NetSpace, net_problem};
pub use neuron::{LabelSource, NeuronSpace, neuron_problem};
