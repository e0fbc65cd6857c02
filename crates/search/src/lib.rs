//! Counterexample search for the reluflow theorem catalogue (in progress): the instance
//! strategies.
#![deny(missing_docs)]

pub mod strategy;
