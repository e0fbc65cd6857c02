//! Chistikov–Englert–Lazić, *Learning a neuron by a shallow ReLU network*: the setting and
//! assumptions as predicates, the yardstick and closed-form arcs, the certified δ, and the
//! trajectory statements of the catalogue's `cel.*` entries.
//!
//! `geometry` is the leaf every other module builds on; the dependencies run one way:
//! geometry ← yardstick ← closed ← delta ← assumptions, and geometry/yardstick ← traj ← phase2,
//! thm6; delta ← thm6, thm7.

pub mod assumptions;
pub mod closed;
pub mod delta;
pub mod geometry;
pub mod phase2;
pub mod thm6;
pub mod thm7;
pub mod traj;
pub mod yardstick;

pub use assumptions::{assumption1, assumption1_iv, assumption2, assumption2_full, assumption3, eval_hyp, setting};
pub use geometry::{directions, gamma, i_plus, ln_rational};
