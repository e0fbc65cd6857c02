//! Counterexample search for the reluflow theorem catalogue: try hard to break a statement under
//! exactly its stated hypotheses, and come back with a **certified** counterexample or with the
//! evidence ([`Coverage`]) that a serious search found none.
//!
//! * A [`Plan`] turns a catalogue entry and a [`Selection`](reluflow_check::Selection) (which
//!   switchable hypotheses are assumed) into an instance space ([`strategy`]: proptest strategy
//!   functions that build only valid [`Problem`](reluflow_model::Problem)s and keep their
//!   constraints while shrinking). An instance is accepted only if the catalogue's own
//!   three-valued predicates say every assumed hypothesis is certainly true; assumed hypotheses
//!   that cannot hold together are an error naming them ([`SearchError::Unsatisfiable`]).
//! * Each case is **screened**: the Lee–Sim–Ye conjectures by the [`fast`] f64 closed-form run
//!   judged directly against the claim (tens of thousands of instances a second), the two-layer
//!   support-vector conjecture by an adaptive f64 run of the fixed-pattern flow ([`fast::net`],
//!   thousands a second), everything else
//!   by the point integrator (f64, not validated) and the checker — in MPFR for problems written
//!   for it (the shallow-network instances whose scale λ lies below f64's range,
//!   [`strategy::cel_problem`]); only a screened violation is
//!   **re-run** with the certified interval integrator (MPFR intervals for those) and checked
//!   again ([`screen`]), within [`Budget::certify_time`] when set. A case is a [`CaseStatus::Counterexample`] only when the
//!   certified row is a `Counterexample`; a screened violation that does not certify is
//!   [`CaseStatus::NotConfirmed`] with the reason. Counterexamples are **shrunk** through the
//!   proptest value tree, re-screening each step, and the smallest one is re-certified.
//! * A statement about the data (`cel.thm8-sign-M`, `cel.prop13/14/22-yardstick`) makes no run:
//!   the checker's static check is its screen (f64 intervals, not validated) and its certification
//!   (the problem's own arithmetic), [`Claim::judge_data`]. Predicates are not searched.
//! * [`search`] runs a [`SearchConfig`]: case `k` of the global sequence draws from an RNG keyed
//!   by `(seed, k)` alone, so the same seed gives the same instances whatever the threads; shard
//!   `(i, n)` takes `k ≡ i (mod n)`; a set of done cases is skipped (resume). Each finished case
//!   goes to the caller's [`Sink`] at once as a [`CaseRecord`]; a cancelled
//!   [`Monitor`](reluflow_flow::monitor::Monitor) stops the start of new cases.
//! * [`Mode::Targeted`] ([`targeted`]) climbs the claim's slack instead of sampling blindly:
//!   rounds of perturbed low-slack instances (hypotheses re-checked exactly) plus fresh draws,
//!   screened, certified and shrunk as in the random mode; for thin counterexample regions.
//! * Any [`Claim`] can be searched with [`search_claim`]; [`Plan`] is the claim of a catalogue
//!   entry, [`LemmaClaim`] the claim of a user's lemma (`reluflow_check::lemma`).
//!
//! Campaign results (which Lee–Sim–Ye hypothesis sets fell, which survived, the theorems that
//! hold for every instance, and why screened violations stayed unconfirmed):
//! `proofs-notes/search-campaigns.md`.
//!
//! **Invariants**: no I/O and no file format (the caller's sink writes); deterministic per
//! `(seed, case)`; a counterexample is only ever a certified one (a point run never is).
//!
//! ```
//! use reluflow_flow::monitor::Monitor;
//! use reluflow_search::{CaseStatus, Collect, SearchConfig, search};
//! // Lee–Sim–Ye's "‖w‖ increases", with none of its switchable hypotheses assumed: with a zero
//! // label on an active point the norm shrinks, and the search certifies it.
//! let cfg = SearchConfig { cases: 8, seed: 1, shrink_steps: 0, ..SearchConfig::new("lsy.norm-growth") };
//! let sink = Collect::new();
//! let summary = search(&cfg, &Default::default(), &sink, &Monitor::new()).unwrap();
//! assert!(!summary.counterexamples.is_empty());
//! let records = sink.records();
//! let cex = records.iter().find(|r| r.status == CaseStatus::Counterexample).unwrap();
//! assert!(cex.certified.as_ref().unwrap().text.starts_with("counterexample"));
//! assert_eq!(summary.coverage.tried, 8);
//! ```
//!
//! # Property tests of your own
//!
//! Draw instances with the [`strategy`] functions, certify each, and check a lemma
//! ([`check_lemma_on`], the language of `reluflow_check::lemma`) or a Rust type implementing
//! [`Invariant`](reluflow_check::lemma::Invariant) ([`check_invariant_on`]); the verdict is
//! three-valued, and [`no_counterexample`] fails a test case only on a *certified* counterexample,
//! with the witness in the message. The same in a `proptest!` block: put the closure's body in the
//! test.
//!
//! ```
//! use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
//! use reluflow_check::lemma::Lemma;
//! use reluflow_search::strategy::{NeuronSpace, neuron_problem};
//! use reluflow_search::{check_lemma_on, no_counterexample};
//! let runner = |cases| {
//!     let config = Config { cases, max_shrink_iters: 4, failure_persistence: None, ..Config::default() };
//!     TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
//! };
//! let instances = neuron_problem(&NeuronSpace { n: 2..=3, ..NeuronSpace::default() });
//! let property = |text: &'static str| {
//!     let lemma = Lemma::parse(text).unwrap();
//!     move |p: reluflow_model::Problem| {
//!         let row = check_lemma_on(&p, &lemma).map_err(TestCaseError::reject)?;
//!         no_counterexample(&p, &row)
//!     }
//! };
//! // A theorem of gradient flow: no instance breaks it.
//! runner(4).run(&instances, property("loss is nonincreasing")).unwrap();
//! // "Every residual shrinks" is false: the failure carries the certified witness.
//! let failure = runner(64).run(&instances, property("forall i: d/dt r[i]^2 <= 0")).unwrap_err();
//! assert!(failure.to_string().contains("certified counterexample"), "{failure}");
//! ```
#![deny(missing_docs)]

mod case;
mod claim;
mod coverage;
mod data;
mod driver;
mod error;
pub mod fast;
mod lemma;
mod mp;
mod plan;
mod record;
pub mod screen;
mod search;
pub mod slack;
pub mod strategy;
pub mod targeted;

pub use case::{MAX_REJECTS, case_rng, case_runner, draw};
pub use claim::{Claim, FINE_REFINE, Judgement, VerdictKind, witness_time};
pub use coverage::{Coverage, Spread};
pub use error::SearchError;
pub use lemma::{LemmaClaim, LemmaSpace, check_invariant_on, check_lemma_on, no_counterexample};
pub use plan::{Plan, Space, default_horizon};
pub use record::{CaseRecord, CaseStatus, Collect, Shrunk, Sink, Timings};
pub use screen::Budget;
pub use search::{SearchConfig, SearchSummary, StopReason, probe, search, search_claim};
pub use targeted::{Mode, Targeted};
