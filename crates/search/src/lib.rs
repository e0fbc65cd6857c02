//! Counterexample search for the reluflow theorem catalogue (in progress): the instance
//! strategies, the plan of a catalogue entry, and the screen → certify stages.
#![deny(missing_docs)]

mod claim;
mod error;
mod plan;
pub mod screen;
pub mod slack;
pub mod strategy;

pub use claim::{Claim, Judgement, VerdictKind};
pub use error::SearchError;
pub use plan::{Plan, Space, default_horizon, is_assumed};
pub use screen::Budget;
