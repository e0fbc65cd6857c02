//! `Horizon::Infinite`: integrate in doubling stretches and try the Polyak–Łojasiewicz limit proof
//! (`super::super::limit`, `proofs-notes/net-limit-pl.md`) after each.

use super::super::limit::{LimitFail, LimitProof, loss_lower, prove_limit};
use super::Runner;
use crate::trajectory::{Limit, LossRate, Status, UndecidedReason};
use reluflow_arith::{Enclosure, Inconsistency, meet_all};
use rug::Rational;

/// After the first proof, the run goes on (doubling the time, at most this many times) while the
/// limit box is wider than [`TIGHT`] relative to the state: every proof is valid, the limit
/// boxes are intersected, and the box shrinks like `√L0`.
const MORE_DOUBLINGS: usize = 6;
/// Relative radius (to `max(1, max|θ|)`) at which the limit is tight enough to stop.
const TIGHT: f64 = 1e-9;

impl<S: Enclosure> Runner<S> {
    /// Integrates to `t = 1, 2, 4, …` (the last stretch ends at `until`), trying to prove the
    /// limit from the box at the end of each stretch. A proof gives [`Status::Certified`] with
    /// `self.limit` set (tightened as described at [`MORE_DOUBLINGS`]); a failed integration step
    /// ends the run as it would for a finite horizon; no proof by `until` gives
    /// [`Status::Undecided`] naming the last reason.
    pub(super) fn go_to_limit(&mut self, until: f64) -> Status<S> {
        let Some(cap) = Rational::from_f64(until).filter(|c| *c > 0) else {
            return self.undecided(UndecidedReason::Other(format!("limit search horizon {until} is not positive")));
        };
        let mut target = Rational::from(1);
        let mut extra = 0usize;
        // (t, lower bound of L(t)) at the previous stretch's end.
        let mut previous: Option<(f64, f64)> = None;
        loop {
            if target > cap {
                target = cap.clone();
            }
            let status = self.go(&target);
            if let Status::Undecided { reason: UndecidedReason::Inconsistent(_), .. } = status {
                // A bug surfaced: nothing that rests on the run (an earlier limit proof) stands.
                self.limit = None;
                return status;
            }
            if !matches!(status, Status::Certified) {
                // A limit proved earlier still holds (the run is certified up to where it stopped).
                return if self.limit.is_some() { Status::Certified } else { status };
            }
            if !self.pattern.sliding.is_empty() {
                // The limit proof is for a pattern's gradient flow, not for a sliding one.
                if target >= cap {
                    return self.undecided(UndecidedReason::Other(format!(
                        "limit t → ∞ not proved by t = {}: the run slides along a hyperplane, and the limit proof \
                         is for a flow inside one activation pattern",
                        target.to_f64()
                    )));
                }
                target *= 2;
                continue;
            }
            match prove_limit(&self.net, &self.pattern, &self.xbox) {
                Ok(proof) => {
                    let tight = match self.record_limit(&proof) {
                        Ok(tight) => tight,
                        Err(e) => {
                            // Two proofs of one limit that disagree: neither is reported.
                            self.limit = None;
                            return self.undecided(e.into());
                        }
                    };
                    extra += 1;
                    if tight || extra > MORE_DOUBLINGS || target >= cap {
                        return Status::Certified;
                    }
                }
                Err(LimitFail::Inconsistent(e)) => {
                    self.limit = None;
                    return self.undecided(e.into());
                }
                Err(_) if self.limit.is_some() => return Status::Certified,
                Err(why) if target >= cap => {
                    let now = (target.to_f64(), loss_lower(&self.net, &self.pattern, &self.xbox));
                    return self.undecided(UndecidedReason::Other(no_limit_reason(previous, now, &why)));
                }
                Err(_) => previous = Some((target.to_f64(), loss_lower(&self.net, &self.pattern, &self.xbox))),
            }
            target *= 2;
        }
    }

    /// Stores the limit of `proof` (intersected with an earlier one: both contain `θ∞`) and its
    /// rate; `true` when the radius is below [`TIGHT`] relative to the state.
    /// [`Inconsistency`] when the two limit boxes do not meet.
    fn record_limit(&mut self, proof: &LimitProof<S>) -> Result<bool, Inconsistency> {
        let mut boxed = proof.limit().to_vec();
        if let Some(old) = &self.limit {
            boxed = meet_all("net: limit box ∩ earlier limit box", &boxed, &self.net.flatten(&old.state))?;
        }
        let rate = LossRate { t0: self.time(&self.t).upper_f64(), loss0: proof.loss0_ru(), mu: proof.mu_rd() };
        self.limit = Some(Limit {
            state: self.net.unflatten(&boxed),
            loss: proof.limit_loss().clone(),
            pattern: self.pattern.clone(),
            rate: Some(rate.clone()),
            on_hyperplane: Vec::new(),
        });
        self.stats.limit_rate = Some(rate);
        let scale = self.xbox.iter().map(|x| x.abs().upper_f64()).fold(1.0, f64::max);
        Ok(proof.radius_ru() <= TIGHT * scale)
    }
}

/// Why the limit search ended without a proof, in words. The loss is non-increasing along the
/// flow, so a lower bound of `L(T)` bounds `L` on the whole certified run: when it has not even
/// halved over the last doubling of the time, the run has stalled at a positive loss — the
/// network does not interpolate the data along it — and that, not the Gram matrix, is the reason
/// the Polyak–Łojasiewicz argument (which needs `L → 0`) cannot close.
fn no_limit_reason(previous: Option<(f64, f64)>, (t, loss): (f64, f64), why: &LimitFail) -> String {
    match previous {
        Some((t_prev, loss_prev)) if loss > 0.0 && loss >= 0.5 * loss_prev => format!(
            "limit t → ∞ not proved: the loss stays ≥ {loss:.3e} (≥ {loss_prev:.3e} at t = {t_prev}, ≥ {loss:.3e} at \
             t = {t}): the network does not interpolate the data along this run, and the limit proof needs the \
             loss to tend to 0 (last check: {why})"
        ),
        _ => format!("limit t → ∞ not proved by t = {t}: {why}"),
    }
}
