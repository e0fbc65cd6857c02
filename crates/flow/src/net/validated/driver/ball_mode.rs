//! Steps with a ball set and a logarithmic-norm bound (`super::super::ball`), entered from the
//! Lohner set when the flow is nearly neutral (the convergent phase) or when the set is so narrow
//! that the ball's growth stays within the width budget (a run from an exact point), and left
//! (back to a Lohner set of the box) when a guard becomes doubtful or the bound grows past both.
//! Proofs note: `proofs-notes/net-validated-ball.md`.

use super::super::StepFail;
use super::super::ball::{BallSet, EigenCache, ball_step, log_norm_gradient_upper, log_norm_upper};
use super::super::lohner::LohnerSet;
use super::super::series::{live_coords, series};
use super::super::taylor::{block_exponents, poly_at, uncertain_guards};
use super::{REM_TOL_FACTOR, Runner};
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

/// The width budget of a ball outside the convergent phase, in steps' remainder allowances
/// ([`Runner::within_budget`]): `100 · REM_TOL_FACTOR · tol`, about `1.7e-9` of each neuron's
/// size for f64 intervals.
pub(super) const BUDGET_STEPS: f64 = 100.0;

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
    /// Back to a Lohner set: the set of the current box (which encloses the ball's points), or the
    /// Lohner set the ball was made from when no ball step was taken (`ball_h_next` is `+∞` until
    /// the first one), which is still the set of the current time.
    pub(super) fn leave_ball(&mut self) {
        self.ball = None;
        if self.ball_h_next.is_finite() {
            self.set = LohnerSet::from_box(&self.net, &self.xbox);
        }
        self.plain_run = 0;
        self.next_ball_try = self.stats.steps + RETRY_EVERY;
    }

    /// Whether a ball of radius `rho` (weights `w`) about `c` is within the width budget: on every
    /// live neuron `j` its half-width relative to the neuron's scale, `ρ·2^{w − e_j}`
    /// (`e_j = ⌊log₂‖block_j(c)‖_∞⌋`), is at most [`BUDGET_STEPS`]` · REM_TOL_FACTOR · tol`, what
    /// the remainders of that many steps may add. Within it the ball's coarser growth (`e^{μ̄h}`
    /// in every direction) costs no more width than the steps' own tolerance allows.
    fn within_budget(&self, c: &[S], w: &[i32], rho: f64) -> bool {
        let e = block_exponents(&self.net, c);
        let budget = BUDGET_STEPS * REM_TOL_FACTOR * self.tol;
        rho.is_finite() && live_coords(&self.net, &self.pattern).iter().all(|&a| rho * 2f64.powi(w[a] - e[a]) <= budget)
    }

    /// Before a plain step: enter the ball (one common weight) when the Lohner set is within the
    /// width budget ([`Self::within_budget`]; a run from an exact point starts so), the flow is
    /// switch-free here (no pair leaving a surface, no sliding, no guard doubtful on the current
    /// box) and no attempt failed in the last [`RETRY_EVERY`] steps. Whether it may go on is
    /// decided per step by its bound ([`Self::ball_iteration`]). Not when the tolerance asks for more than the backend's
    /// rounding (`precise.rs`): the ball's centre step has no wide-precision twin and its radius
    /// spreads every rounding error over all coordinates, while the Lohner step keeps a few ulps.
    pub(super) fn maybe_enter_narrow_ball(&mut self) {
        let quiet = self.leaving.is_empty() && self.pattern.sliding.is_empty() && self.precise.is_none();
        if self.stats.steps < self.next_ball_try || !quiet {
            return;
        }
        // A guard already doubtful on the current box stays so on the step's a priori box (which
        // contains it): the ball would be left at once (a switch is near).
        if !uncertain_guards(&self.net, &self.pattern, &self.xbox).is_empty() {
            return;
        }
        self.next_ball_try = self.stats.steps + RETRY_EVERY;
        let live = live_coords(&self.net, &self.pattern);
        let emax = live.iter().map(|&a| self.set.e[a]).max().unwrap_or(0);
        let common = vec![emax; self.set.e.len()];
        // The hull's half-widths first (O(N²)), then the ball (one O(N³) product for a wide set).
        let hull = self.set.hull();
        let half = hull.iter().map(|v| v.rad_upper()).fold(0.0, f64::max);
        if !self.within_budget(&self.set.c, &common, half * 2f64.powi(-emax)) {
            return;
        }
        if let Some(ball) = BallSet::from_lohner(&self.set, &live, common)
            && self.within_budget(&ball.c, &ball.w, ball.rho)
        {
            self.ball = Some(ball);
            self.ball_h_next = f64::INFINITY;
        }
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

    /// The logarithmic-norm bound `μ̄` for a ball step of length `h` over the a priori box `e_box`,
    /// or `None` when the ball must be left. The gradient-structure bound (`O(n·d·m)`, common
    /// weights only) is taken when the grown radius `ρe^{μ̄h}` stays within the width budget;
    /// otherwise the eigenvector bound (`O(N³)`) as well, the smaller of the two, and the ball
    /// goes on while `μ̄ ≤ MU_LEAVE` or the grown radius is still within the budget.
    fn ball_bound(&mut self, ball: &BallSet<S>, e_box: &[S], h: f64) -> Option<f64> {
        let grown = |mu: f64| ball.rho * (mu * h).exp() * (1.0 + 1e-9);
        let cheap = log_norm_gradient_upper(&self.net, &self.pattern, e_box, &ball.w);
        if let Some(mu) = cheap
            && self.within_budget(&ball.c, &ball.w, grown(mu))
        {
            return Some(mu);
        }
        let full = log_norm_upper(&self.net, &self.pattern, e_box, &ball.w, &mut self.eigen);
        let mu = match (cheap, full) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        (mu <= MU_LEAVE || self.within_budget(&ball.c, &ball.w, grown(mu))).then_some(mu)
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
        let hs = self.time(&h_exact);
        let Some(mu) = self.ball_bound(&ball, &apri.e, hs.upper_f64()) else {
            return BallIter::Leave;
        };
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
