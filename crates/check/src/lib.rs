//! Invariant checker and theorem catalogue for reluflow trajectories.
//!
//! A proof writer asks "does my lemma hold along this trajectory?". This crate answers with a
//! three-valued [`Verdict`]: **holds** (proved over the whole time range from the enclosures — segment
//! hulls over time intervals and the behaviour at events — or by a named identity of the flow with
//! the enclosures checked for consistency), **violated** (a certified [`Witness`]: a segment or time
//! and an enclosure lying on the wrong side of the claim), or **undecided** (with the reason).
//! Nothing is sampled.
//!
//! * [`catalogue()`] lists the statements ([`Entry`]: stable id, source, statement, hypotheses,
//!   how it is checked, whether it is implemented). Every entry has a note
//!   `proofs-notes/thm-<id>.md`.
//! * [`check`] runs the selected entries on a [`Problem`](reluflow_model::Problem) and a
//!   [`Trajectory`](reluflow_flow::Trajectory) and returns a [`CheckReport`] whose rows carry the
//!   hypotheses' [`Truth`] (certified true / false / undecided), the conclusion's verdict and a
//!   [`RowStatus`]; [`CheckReport::outcome`] gives the overall [`Outcome`] for an exit code.
//! * [`check_static`] runs only the statements about the data (assumptions, the sign of 𝓜).
//! * [`lemma`] checks a user's own claims, written in a small language (`docs/lemmas.md`) or as a
//!   Rust [`Invariant`](lemma::Invariant), with the same verdicts.
//!
//! Everything is generic over the backends of `reluflow-arith` (the entry points take an
//! [`Enclosure`](reluflow_arith::Enclosure) backend; a point run enters through [`degenerate`], which
//! marks it `NotValidated`: every row is then labelled not validated and is never certified).
//!
//! **Invariant**: this crate depends on no concrete backend and does no I/O.
//!
//! **Cost** (release build, f64 intervals, all applicable entries, default refinement of 8 pieces
//! per segment; `cargo test -p reluflow-check --release --test integrated -- --ignored --nocapture`):
//! checking costs 0.19× the validated two-layer integration of
//! `examples/two-layer-explicit.toml` (0.60 ms vs 3.1 ms, 11 segments), 0.60× on a balanced CEL
//! instance where every CEL entry applies (d = n = 2, m = 3, λ = 10⁻³, t ∈ [0, 20], 30 segments:
//! 6.0 ms vs 9.9 ms, including the certified enclosure of δ for `cel.thm6`), 0.31× the
//! single-neuron certification of Vardi–Shamir γ = 1 with its limit (0.21 ms vs 0.68 ms), and 2.1×
//! on a one-segment run that integrates in 0.04 ms.
//!
//! ```
//! use reluflow_arith::{Interval, Scalar, exact::parse_exact};
//! use reluflow_check::{Outcome, RowStatus, Selection, check};
//! use reluflow_flow::{Pattern, SegmentParts, State, Status, Trajectory, TrajectoryParts};
//! use reluflow_model::*;
//! let q = |s: &str| parse_exact(s).unwrap();
//! // One point x = 1 with label 0, w(0) = 1: w(t) = e^{−t}, so ‖w‖ shrinks.
//! let data = Data::new(vec![vec![q("1")]], Labels::Given(vec![q("0")])).unwrap();
//! let run = RunConfig { t_end: Horizon::Finite(q("1")), arithmetic: Arithmetic::Interval, precision: 53 };
//! let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data,
//!     Init::Single { w: vec![q("1")] }, run).unwrap();
//! let iv = |lo: f64, hi: f64| Interval::try_from((lo, hi)).unwrap();
//! let e1 = Interval::from_f64(-1.0, &()).exp(); // e^{−1}, enclosed
//! let st = |w: Interval| State { w: vec![vec![w]], a: None };
//! let pattern = Pattern { active: vec![vec![0]], frozen: vec![false], sliding: Vec::new() };
//! let seg = SegmentParts { t_start: iv(0.0, 0.0), t_end: iv(1.0, 1.0), pattern,
//!     hull: st(e1.convex_hull(iv(1.0, 1.0))), end: st(e1) };
//! let traj = Trajectory::from_parts(TrajectoryParts { initial: st(iv(1.0, 1.0)), segments: vec![seg],
//!     events: vec![], final_state: st(e1), t_final: iv(1.0, 1.0), limit: None, status: Status::Certified })
//!     .unwrap();
//! let sel = Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() };
//! let report = check(&p, &traj, &sel);
//! assert_eq!(report.rows[0].status, RowStatus::Counterexample);
//! assert_eq!(report.outcome(), Outcome::SomeViolated);
//! ```
#![deny(missing_docs)]

pub mod catalogue;
pub mod cel;
mod checks;
mod dispatch;
mod error;
mod explain;
mod expsign;
pub mod generic;
pub mod hyp;
pub mod inst;
pub mod lemma;
mod norm_tail;
pub mod rational;
pub mod refine;
mod refine_affine;
pub mod report;
mod simplex;
pub mod single;
pub mod sweep;
pub mod teacher;
pub mod thm8;
pub mod verdict;

pub use catalogue::{Applies, Check, Entry, Kind, PredicateCheck, StaticCheck, TrajCheck, catalogue, entry};
pub use error::CheckError;
pub use hyp::{Hyp, Params};
pub use report::{
    CheckReport, HypRow, Outcome, Row, RowStatus, Selection, check, check_static, degenerate, validate_shape,
};
pub use verdict::{Comparison, Location, Proof, Relation, Truth, Verdict, Witness};
