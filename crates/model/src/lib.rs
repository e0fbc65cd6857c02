//! Validated problem definitions for reluflow, with exact rational data.
//!
//! A [`Problem`] is what every integrator and check consumes: the model ([`ModelKind`]), the
//! convention for σ'(0) ([`ReluPrime`]), the loss normalisation ([`LossScale`]), the data
//! ([`Data`], exact rationals), the initialisation ([`Init`]), the run settings ([`RunConfig`]) and the accuracy requested from the
//! two-layer integrators ([`Accuracy`], automatic by default, set by [`Problem::with_accuracy`]) and
//! the notion of solution ([`Solution`], σ'(0) fixed by default, set by [`Problem::with_solution`]).
//! It can only be built through [`Problem::new`], which checks every constraint and names the
//! offending field in its [`ModelError`]. File formats are not known here (the binary reads TOML).
//!
//! ```
//! use reluflow_model::*;
//! use reluflow_arith::exact::parse_exact;
//! let q = |s: &str| parse_exact(s).unwrap();
//! let data = Data::new(
//!     vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q("1"), q("1")]],
//!     Labels::Given(vec![q("16"), q("18"), q("0")]),
//! ).unwrap();
//! let p = Problem::new(
//!     ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data,
//!     Init::Single { w: vec![q("0"); 3] },
//!     RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 256 },
//! ).unwrap();
//! assert_eq!(p.data().n(), 3);
//! assert_eq!(p.data().d(), 3);
//! ```
#![deny(missing_docs)]

mod accuracy;
mod error;
mod problem;
mod solution;

pub use accuracy::{Accuracy, MAX_ORDER, MIN_ORDER};
pub use error::ModelError;
pub use problem::*;
pub use solution::Solution;
