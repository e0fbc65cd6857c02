//! The reluflow problem-file format, written: a [`Problem`](reluflow_model::Problem) as a
//! [`ProblemDoc`] (every number the exact text of its rational) and as TOML text
//! ([`to_toml`], [`lemma_table`]). Pure formatting, no I/O; reading a file, and every check on
//! what it says, stays with the `reluflow` binary (`src/spec/`), whose reader reads what is
//! written here back as an equal problem.
//!
//! ```
//! use reluflow_model::*;
//! let q = |s: &str| s.parse::<rug::Rational>().unwrap();
//! let data = Data::new(vec![vec![q("1"), q("1/3")]], Labels::Given(vec![q("1/8")])).unwrap();
//! let run = RunConfig { t_end: Horizon::Finite(q("2")), arithmetic: Arithmetic::Interval, precision: 53 };
//! let init = Init::Single { w: vec![q("0"), q("1")] };
//! let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap();
//! let text = reluflow_format::to_toml(&p, &["an example".into()]);
//! assert!(text.starts_with("# an example\nmodel = \"single-neuron\""));
//! assert!(text.contains("x = [[1, \"1/3\"]]") && text.contains("y = [\"0.125\"]"));
//! let lemma = reluflow_format::lemma_table("loss is nonincreasing", None);
//! assert_eq!(lemma, "\n[[lemma]]\ntext = \"loss is nonincreasing\"\n");
//! ```
#![deny(missing_docs)]

mod doc;
mod write;

pub use doc::{DataDoc, InitDoc, ProblemDoc, RunDoc, Weights, exact_text};
pub use write::{lemma_table, string, to_toml};
