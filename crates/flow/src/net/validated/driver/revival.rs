//! Dead neurons stay dead only while the active side of their surface points back.
//!
//! A neuron frozen on the surface of point `i` (it died there, or starts there) has zero field on
//! the inactive side and on the surface (σ'(0) = 0, or the Clarke flow with multiplier 0). If the
//! active side's rate `ρ⁺ = −G a_j r_i ‖x_i‖²` turns positive — the residual `r_i` changes sign as
//! the other neurons fit `x_i` — a second solution leaves the surface: the neuron revives. Each
//! step proves `ρ⁺ < 0` (or that `i` is inert) over its a priori box (`Net::stays_dead`); where it
//! fails the step is shortened towards the sign change, and where `ρ⁺ > 0` is proved at the end
//! of a step, on the line the neuron died on, the run ends `NonUnique`
//! (`proofs-notes/net-validated-switches.md`, "Pinned points").

use super::super::series::Series;
use super::super::taylor::{Apriori, guard, poly_at, uncertain_guards};
use super::Runner;
use crate::trajectory::{EventKind, Status, UndecidedReason};
use reluflow_arith::Enclosure;

/// How many times a step is shortened towards a possible revival before the run stops undecided.
const REVIVAL_APPROACHES: usize = 60;

/// What the dead-neuron check makes of a step.
pub(super) enum Revival<S> {
    /// Every dead neuron stays dead over the step (or none sits on a surface).
    Holds,
    /// Not proved over the step: try a shorter one.
    Shorten,
    /// Proved non-unique, or not decided after the approaches.
    Stop(Status<S>),
}

impl<S: Enclosure> Runner<S> {
    /// The dead-neuron check over the step `[0, h_hi]` with a priori box `apri.e`.
    pub(super) fn revival(&self, ser_x: &Series<S>, apri: &Apriori<S>, h_hi: f64, approaches: usize) -> Revival<S> {
        let net = &self.net;
        let doubt = (0..net.m).filter(|&j| self.pattern.frozen[j]).find_map(|j| {
            (0..net.n)
                .filter(|&i| net.is_guard(i) && !guard(net, &apri.e, j, i).certainly_neg())
                .find(|&i| !net.stays_dead(&self.pattern, &apri.e, j, i))
                .map(|i| (j, i))
        });
        let Some((j, i)) = doubt else { return Revival::Holds };
        // Only the revival in doubt: the pattern's flow is the flow up to the step's end, where the
        // Taylor polynomial with remainder encloses the state.
        let alone = uncertain_guards(net, &self.pattern, &apri.e).iter().all(|&(jj, _)| self.pattern.frozen[jj]);
        let end = poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(h_hi, h_hi, &net.ctx));
        // The guard is exactly 0 (so a solution can leave through the surface) where the neuron
        // died on `i`'s line; a guard enclosure that merely contains 0 proves nothing.
        let class = net.class(i);
        let died_here =
            self.events.iter().any(|e| e.kind == EventKind::Death && e.neuron == j && class.contains(&e.point));
        // On two surfaces at once a positive rate alone does not make a second solution.
        let one_surface = net.doubtful_classes(&apri.e, j, i).len() == 1;
        if alone && died_here && one_surface && net.revives(&self.pattern, &end, j, i) {
            return Revival::Stop(self.undecided(UndecidedReason::NonUnique { neuron: j, point: i }));
        }
        if approaches < REVIVAL_APPROACHES && h_hi > self.opts.h_min {
            return Revival::Shorten;
        }
        Revival::Stop(self.undecided(UndecidedReason::Other(format!(
            "neuron {j} is frozen on the hyperplane of point {i}, and the field on its active side may \
             turn away from it (the residual of point {i} may change sign): a second solution, with \
             the neuron revived, is neither excluded nor proved"
        ))))
    }
}
