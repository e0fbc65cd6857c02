//! Integration tests of the `reluflow` binary: they run the built executable on problem files
//! and check exit codes, messages and the JSON shape.

mod bad_input;
mod certificate;
mod certificate_net;
mod certificate_net_verdicts;
mod certificate_until;
mod check;
mod cli;
mod examples;
mod export;
mod horizons;
mod interrupt;
mod json_schema;
mod lemma;
mod lemma_catalogue;
mod limits;
mod plot;
mod reproduce;
mod search;
mod source_rules;
mod supervise;
mod theorems;
mod util;
