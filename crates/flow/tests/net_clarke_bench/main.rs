//! The Clarke flow on `decided_net` bench instances, against the 256-bit reference integrator,
//! which slides too, locates the exits by bisection and stops dead neurons
//! (`proofs-notes/net-clarke-sliding.md`, `proofs-notes/net-validated-switches.md`).

mod death;
mod slides;
mod start;
mod support;
