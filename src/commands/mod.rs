//! One module per subcommand; each takes a validated config and returns the [`Exit`](crate::exit::Exit).

pub mod certificate;
pub mod certify;
pub mod check;
pub mod export;
pub mod integrate;
pub mod memory;
pub mod plot;
pub mod reproduce;
pub mod search;
pub mod theorems;
pub mod verify;
