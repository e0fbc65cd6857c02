//! A lemma of one's own written in Rust: "after the last event the loss is convex in t", as a
//! [`Invariant`] on the checker's prepared trajectory. The same claim in the lemma language is
//! `after the last event: d2/dt2 loss >= 0`; `tests/own_lemma.rs` checks both in `proptest!`
//! blocks on instances drawn with the project's strategies.

use reluflow_arith::{Interval, Scalar};
use reluflow_check::lemma::{Invariant, View};
use reluflow_check::sweep::positive_length;
use reluflow_check::{Proof, Verdict};

/// `L̈ ≥ 0` on every segment of the final activation pattern.
#[derive(Clone, Copy, Debug, Default)]
pub struct LossConvexAfterLastEvent;

impl Invariant<Interval> for LossConvexAfterLastEvent {
    fn name(&self) -> String {
        "loss-convex-after-last-event".into()
    }

    fn verdict(&self, v: &View<'_, Interval>) -> Verdict<Interval> {
        let (traj, cov) = (v.trajectory, v.coverage);
        if let Some(why) = &cov.incomplete {
            return Verdict::undecided(format!("the last event is not known: {why}"));
        }
        // The final pattern's segments (the coverage is complete, so no event follows them).
        let from = cov.final_pattern_start(traj);
        let mut unknown = None;
        for &k in &cov.segs[from..] {
            let s = &traj.segments()[k];
            let velocity = v.instance.velocity(s.hull(), s.pattern());
            let d2 = v.instance.loss_accel(s.hull(), s.pattern(), &velocity);
            if d2.certainly_neg() && positive_length(s.t_start(), s.t_end()) {
                return Verdict::violated(cov.at(k, s), "d2/dt2 loss", Some(d2), "must be ≥ 0");
            }
            if !d2.certainly_nonneg() && unknown.is_none() {
                unknown = Some(format!("d2/dt2 loss has no certain sign on {}", cov.at(k, s)));
            }
        }
        if traj.limit().is_some() && !cov.reaches_infinity {
            return Verdict::undecided("the tail up to the limit has no segment hull");
        }
        match unknown {
            Some(why) => Verdict::undecided(why),
            None => Verdict::Holds { proof: Proof::Enclosures, range: "after the last event".into() },
        }
    }
}
