//! Gradient flows of ReLU models: the exact piecewise solver for the single neuron, the validated
//! Taylor integrator for the two-layer network, non-validated reference integrators, and gradient
//! descent, all generic over the arithmetic backends of `reluflow-arith`.
//!
//! **Invariant**: this crate does no I/O.
#![deny(missing_docs)]

pub mod monitor;
pub mod net;
pub mod neuron;
pub mod trajectory;
pub mod vacuous;

pub use trajectory::*;
