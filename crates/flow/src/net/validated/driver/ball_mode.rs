//! The convergent phase of a run: steps with a ball set and a logarithmic-norm bound
//! (`super::super::ball`), entered from the Lohner set when the flow is nearly neutral and left
//! (back to a Lohner set of the box) when a guard becomes doubtful or the bound grows.
//! Proofs note: `proofs-notes/net-validated-ball.md`.

use super::super::StepFail;
use super::super::ball::{BallSet, EigenCache, ball_step, log_norm_upper};
use super::super::lohner::LohnerSet;
use super::super::series::{live_coords, series};
use super::super::taylor::{block_exponents, poly_at, uncertain_guards};
use super::Runner;
use crate::trajectory::Status;
use reluflow_arith::{Enclosure, meet_all};
use rug::Rational;

/// The ball is entered when the logarithmic-norm bound over the last step is at most this
/// (per unit time): the flow then spreads a set by at most `e^{0.05 h}` per step.
pub(super) const MU_ENTER: f64 = 0.05;
/// The ball is left when the bound over a step exceeds this (hysteresis against `MU_ENTER`).
pub(super) const MU_LEAVE: f64 = 0.2;
/// Plain Lohner steps (no switch, no approach) before entering is tried.
pub(super) const ENTER_AFTER: usize = 3;
/// Steps between two attempts to enter when the bound was too large.
pub(super) const RETRY_EVERY: usize = 10;

/// What [`Runner::ball_iteration`] did.
pub(super) enum BallIter<S> {
    /// A step was taken with the ball.
    Stepped,
    /// The ball cannot go on (a guard is doubtful over the step, the bound is too large, or a
    /// proof step failed); nothing was committed.
    Leave,
    /// The run ends (undecided).
    Stop(Status<S>),
}

impl<S: Enclosure> Runner<S> {
    /// Back to a Lohner set: the set of the current box (which encloses the ball's points).
    pub(super) fn leave_ball(&mut self) {
        self.ball = None;
        self.set = LohnerSet::from_box(&self.net, &self.xbox);
        self.plain_run = 0;
        self.next_ball_try = self.stats.steps + RETRY_EVERY;
    }

    /// After a plain Lohner step with a priori box `e_box`: enter the ball if the flow has been
    /// switch-free for [`ENTER_AFTER`] steps and the logarithmic-norm bound over `e_box` is at most
    /// [`MU_ENTER`] in one of two weightings (per-neuron scales first, else one common scale).
    pub(super) fn maybe_enter_ball(&mut self, e_box: &[S]) {
        if self.plain_run < ENTER_AFTER || self.stats.steps < self.next_ball_try {
            return;
        }
        self.next_ball_try = self.stats.steps + RETRY_EVERY;
        let live = live_coords(&self.net, &self.pattern);
        let scaled = self.set.e.clone();
        let emax = live.iter().map(|&a| scaled[a]).max().unwrap_or(0);
        let common = vec![emax; scaled.len()];
        // The per-neuron scales keep each neuron's relative accuracy (neurons may differ by
        // hundreds of orders of magnitude), so they are preferred whenever their bound qualifies;
        // the common scale is the norm in which `Df = −∇²L` is symmetric (smaller bound when the
        // neurons' sizes differ by small factors only).
        for w in [scaled, common] {
            if log_norm_upper(&self.net, &self.pattern, e_box, &w, &mut EigenCache::default())
                .is_some_and(|mu| mu <= MU_ENTER)
            {
                self.ball = BallSet::from_lohner(&self.set, &live, w);
                self.ball_h_next = f64::INFINITY;
                return;
            }
        }
    }

    /// One step with the ball (see the module documentation).
    pub(super) fn ball_iteration(&mut self, t_end: &Rational) -> BallIter<S> {
        let Some(ball) = self.ball.clone() else { return BallIter::Leave };
        let p = self.opts.order;
        let ser_c = series(&self.net, &self.pattern, &ball.c, p, None);
        let remaining = Rational::from(t_end - &self.t);
        let h = self.choose_h(&ser_c).min(self.opts.h_max).min(self.ball_h_next);
        let last = h >= remaining.to_f64();
        // Start box: the ball's box within the current box, and the centre (whose solution the
        // logarithmic-norm bound compares with).
        let xhat = match meet_all("net: ball box ∩ current box", &ball.hull(&self.xbox), &self.xbox) {
            Ok(v) => v.iter().zip(&ball.c).map(|(b, c)| b.hull(c)).collect::<Vec<S>>(),
            Err(e) => return BallIter::Stop(self.undecided(e.into())),
        };
        let ser_x = series(&self.net, &self.pattern, &xhat, p, None);
        let e_scale = block_exponents(&self.net, &ball.c);
        let (apri, h_exact) = match self.step_length(&ser_x, &e_scale, h, last, &remaining) {
            Ok(v) => v,
            Err(status) => return BallIter::Stop(status),
        };
        if !uncertain_guards(&self.net, &self.pattern, &apri.e).is_empty() {
            return BallIter::Leave;
        }
        let Some(mu) = log_norm_upper(&self.net, &self.pattern, &apri.e, &ball.w, &mut self.eigen) else {
            return BallIter::Leave;
        };
        if mu > MU_LEAVE {
            return BallIter::Leave;
        }
        let hs = self.time(&h_exact);
        let next = match ball_step(&ball, &ser_c, &apri.rem, &apri.e, &hs, mu, &self.xbox) {
            Ok(next) => next,
            Err(StepFail::Method) => return BallIter::Leave,
            Err(StepFail::Inconsistent(e)) => return BallIter::Stop(self.undecided(e.into())),
        };
        let h_up = hs.upper_f64();
        self.ball_h_next = 1.5 * h_up;
        let over = poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(0.0, h_up, &self.net.ctx));
        let hull = match meet_all("net: ball-step Taylor hull ∩ a priori box", &apri.e, &over) {
            Ok(v) => v.iter().zip(&next.end).map(|(a, end)| a.hull(end)).collect::<Vec<S>>(),
            Err(e) => return BallIter::Stop(self.undecided(e.into())),
        };
        let t1 = Rational::from(&self.t + &h_exact);
        let (ts, te) = (self.time(&self.t), self.time(&t1));
        self.push_segment(ts, te, self.pattern.clone(), &hull, &next.end);
        self.t = t1;
        self.xbox = next.end;
        self.ball = Some(next.ball);
        self.stats.steps += 1;
        self.stats.ball_steps += 1;
        BallIter::Stepped
    }
}
