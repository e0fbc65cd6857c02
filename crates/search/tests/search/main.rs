//! Integration tests of the search (one binary): strategies keep the assumed hypotheses, the loop
//! is deterministic, sharded and resumable, and it finds certified counterexamples where they
//! exist and none where the statement is a theorem. Every search here is small (debug builds run
//! it in seconds); big searches belong in `benches/screen.rs`.

mod broken;
mod cel;
mod cel_static;
mod convex;
mod fast;
mod fast_net;
mod finds;
mod lemma;
mod loop_props;
mod plans;
mod replay;
mod targeted;
mod thin;
mod util;
