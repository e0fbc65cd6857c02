//! `Horizon::Infinite`: integrate in doubling stretches and try the Polyak–Łojasiewicz limit proof
//! (`super::super::limit`, `proofs-notes/net-limit-pl.md`) after each.

use super::super::limit::prove_limit;
use super::Runner;
use crate::trajectory::{Limit, Status, UndecidedReason};
use reluflow_arith::Enclosure;
use rug::Rational;

impl<S: Enclosure> Runner<S> {
    /// Integrates to `t = 1, 2, 4, …` (the last stretch ends at `until`), trying to prove the
    /// limit from the box at the end of each stretch. A proof gives [`Status::Certified`] with
    /// `self.limit` set; a failed integration step ends the run as it would for a finite horizon;
    /// no proof by `until` gives [`Status::Undecided`] naming the last reason.
    pub(super) fn go_to_limit(&mut self, until: f64) -> Status<S> {
        let Some(cap) = Rational::from_f64(until).filter(|c| *c > 0) else {
            return self.undecided(UndecidedReason::Other(format!("limit search horizon {until} is not positive")));
        };
        let mut target = Rational::from(1);
        loop {
            if target > cap {
                target = cap.clone();
            }
            match self.go(&target) {
                Status::Certified => {}
                other => return other,
            }
            match prove_limit(&self.net, &self.pattern, &self.xbox) {
                Ok(proof) => {
                    self.stats.limit_rate = Some(super::LimitRate {
                        t0: self.time(&self.t).upper_f64(),
                        mu: proof.mu_rd(),
                        loss0: proof.loss0_ru(),
                        radius: proof.radius_ru(),
                        ball: proof.rho(),
                    });
                    self.limit = Some(Limit {
                        state: self.net.unflatten(proof.limit()),
                        loss: proof.limit_loss().clone(),
                        pattern: self.pattern.clone(),
                    });
                    return Status::Certified;
                }
                Err(why) if target >= cap => {
                    return self.undecided(UndecidedReason::Other(format!(
                        "limit t → ∞ not proved by t = {}: {why}",
                        target.to_f64()
                    )));
                }
                Err(_) => target *= 2,
            }
        }
    }
}
