//! The integration loop: steps, guard checks, switches, and the trajectory it returns.

use super::ball::BallSet;
use super::lohner::{LohnerSet, Step, choose_jac_order, lohner_step};
use super::saltation::{SwitchStep, through_switch};
use super::series::{Series, live, series, with_jacobians};
use super::slide::first_not_attracting;
use super::start::initial_pattern;
use super::switch::{Crossing, SwitchOutcome, analyze_guard, cross};
use super::taylor::{Apriori, apriori, block_exponents, guard_rate, maxabs, poly_at, uncertain_guards};
use super::{Net, StepFail, ValidatedError, ValidatedOptions};
use super::{slide_exit, slide_locate};
use crate::net::field::{NetData, initial_state};
use crate::trajectory::{Event, Pattern, SegmentParts, State, Status, Trajectory, TrajectoryParts, UndecidedReason};
use reluflow_arith::rounding::f64_down;
use reluflow_arith::{Enclosure, Inconsistency, meet, meet_all};
use reluflow_model::{Horizon, Problem, ReluPrime, Solution};
use rug::Rational;

mod ball_mode;
mod limit_search;
mod revival;

/// Counters of one run (for reports and benchmarks).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunStats {
    /// Accepted Taylor steps (including steps that end just before a switch).
    pub steps: usize,
    /// Step-size halvings because the a priori enclosure could not be validated.
    pub halvings: usize,
    /// Steps shortened to approach a switching surface.
    pub approach_steps: usize,
    /// Steps taken with a ball set and a logarithmic-norm bound (the convergent phase) instead of a
    /// Lohner set (included in `steps`).
    pub ball_steps: usize,
    /// Proved switches.
    pub events: usize,
    /// With a certified limit (`Horizon::Infinite`): the loss rate of the Polyak–Łojasiewicz
    /// proof (also in `Trajectory::limit`).
    pub limit_rate: Option<crate::trajectory::LossRate>,
    /// Largest relative width `max_c width(x_c)/|x_c|` of the final state's live neurons.
    pub final_rel_width: f64,
    /// Largest absolute width of the final state.
    pub final_abs_width: f64,
}

/// [`certify_with_stats`] without the counters.
///
/// # Errors
/// As [`certify_with_stats`].
pub fn certify<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &ValidatedOptions,
) -> Result<Trajectory<S>, ValidatedError> {
    certify_with_stats(problem, ctx, opts).map(|(t, _)| t)
}

/// Encloses the exact two-layer gradient flow of `problem` over `[0, T]` (`T` from
/// `problem.run().t_end`) with the backend `S`; see the module documentation for the method.
///
/// `Horizon::Infinite`: integrates to `t = 1, 2, 4, …` (at most `opts.limit_search_until`) and
/// after each stretch tries to prove the limit from the current box by a Polyak–Łojasiewicz ball
/// (`proofs-notes/net-limit-pl.md`); proved: [`Status::Certified`] with `Trajectory::limit`, else
/// [`Status::Undecided`] with the last reason, certified until the time reached.
///
/// # Errors
/// [`ValidatedError::Net`] when the problem is not two-layer or its initial weights are out of the
/// backend's exponent range (f64 intervals refuse `scale = 1e-600`); [`ValidatedError::Options`]
/// for unusable options. Every failure of a proof step is a `Status::Undecided`, not an error.
pub fn certify_with_stats<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &ValidatedOptions,
) -> Result<(Trajectory<S>, RunStats), ValidatedError> {
    if opts.order == 1
        || opts.jac_order < 1
        || opts.h_max.is_nan()
        || opts.h_max <= 0.0
        || opts.h_min.is_nan()
        || opts.h_min <= 0.0
    {
        return Err(ValidatedError::Options(
            "need order 0 (automatic) or ≥ 2, jac_order ≥ 1 and positive h_min, h_max".into(),
        ));
    }
    let s0 = initial_state::<S>(problem, ctx)?;
    let full = NetData::from_problem(problem, ctx);
    // Large `d`: the flow runs in coordinates of the data's span (`reduce.rs`), lifted at the end.
    let reduced = if opts.span_coordinates { super::reduce::reduce(problem, &s0, &full, ctx) } else { None };
    let (data, s0) = match &reduced {
        Some(r) => (r.data.clone(), r.s0.clone()),
        None => (full, s0),
    };
    let mut net = Net::new(data, s0.width(), ctx.clone());
    net.set_parallel(problem.data().x());
    net.set_pinnable(problem.solution() == Solution::Clarke || problem.relu_prime() == ReluPrime::Zero);
    let x0 = net.flatten(&s0);
    let tol = tolerance::<S>(opts, ctx);
    let mut opts = opts.clone();
    if opts.order == 0 {
        opts.order = auto_order(tol);
    }
    let mut run = Runner {
        wrap_cap: f64::INFINITY,
        ball: None,
        ball_h_next: f64::INFINITY,
        eigen: super::ball::EigenCache::default(),
        limit: None,
        plain_run: 0,
        next_ball_try: 0,
        opts: opts.clone(),
        tol,
        t: Rational::new(),
        set: LohnerSet::from_box(&net, &x0),
        xbox: x0,
        pattern: Pattern { active: vec![Vec::new(); net.m], frozen: vec![false; net.m], sliding: Vec::new() },
        segments: Vec::new(),
        events: Vec::new(),
        stats: RunStats::default(),
        net,
        relu_prime: problem.relu_prime(),
        initial: s0,
        leaving: Vec::new(),
        clarke: problem.solution() == Solution::Clarke,
        slide_approaches: 0,
        precise: None,
    };
    run.precise = precise_twin::<S>(problem, &run.net, tol, ctx, reduced.is_some());
    let status = match initial_pattern(problem, &run.net, &run.xbox, run.clarke) {
        Err(reason) => run.undecided(reason),
        Ok((p, leaving)) => {
            run.pattern = p;
            run.leaving = leaving;
            match problem.run().t_end.clone() {
                Horizon::Finite(t_end) => run.go(&t_end),
                Horizon::Infinite => run.go_to_limit(opts.limit_search_until),
            }
        }
    };
    let (tr, stats) = run.finish(status);
    let tr = match &reduced {
        Some(r) => r.lift_parts(tr),
        None => tr,
    };
    Ok((Trajectory::from_parts(tr.without_vacuous_bounds())?, stats))
}

/// The automatic Taylor order for the step tolerance `tol` (`ValidatedOptions::order`).
fn auto_order(tol: f64) -> usize {
    let p = (-0.5 * tol.ln()).ceil() + 2.0;
    if p.is_finite() { (p as usize).clamp(12, 32) } else { 20 }
}

fn tolerance<S: Enclosure>(opts: &ValidatedOptions, ctx: &S::Ctx) -> f64 {
    opts.tol_rel.unwrap_or_else(|| {
        let third = S::one(ctx).div(&S::from_i64(3, ctx));
        let ulp = third.width_upper() * 3.0;
        (1e3 * ulp).max(1e-30)
    })
}

/// The MPFR twin for the centre's Taylor polynomial when `tol` is below ten ulps of the backend
/// (a tolerance its own rounding of the centre's series cannot honour), at about twice its
/// precision.
fn precise_twin<S: Enclosure>(
    problem: &Problem,
    net: &Net<S>,
    tol: f64,
    ctx: &S::Ctx,
    reduced: bool,
) -> Option<super::precise::Precise> {
    let third = S::one(ctx).div(&S::from_i64(3, ctx));
    let ulp = third.width_upper() * 3.0;
    if !(ulp > 0.0 && tol < 10.0 * ulp) {
        return None;
    }
    let bits = (-ulp.log2()).ceil() as u32;
    super::precise::Precise::new(problem, net.m, (2 * bits + 22).max(128), reduced)
}

/// Largest accepted wrapping indicator of a plain step ([`LohnerSet::wrap`]): above it the step is
/// redone with half the length (the interval Jacobian of a long step adds more width than the
/// flow carries; measured on the paper-size run, `net-validated-wrapping`, "Step and order
/// control").
const WRAP_MAX: f64 = 0.1;

/// The rigorous remainder of a step may add at most this multiple of the step tolerance (relative
/// to each live neuron's size); see [`Runner::remainder_limited`].
const REM_TOL_FACTOR: f64 = 100.0;

/// What [`Runner::advance`] did.
enum Advanced {
    /// The step was taken.
    Done,
    /// The Lohner step failed (basis not invertible, non-finite values).
    Failed,
    /// The step would wrap too much ([`WRAP_MAX`]); nothing was changed.
    TooWide,
    /// Two enclosures of the end state did not meet (a bug); nothing was changed.
    Inconsistent(Inconsistency),
}

struct Runner<S: Enclosure> {
    /// Step cap from the wrapping control (halved on [`Advanced::TooWide`], ×1.25 per step).
    wrap_cap: f64,
    /// The ball set while in the convergent phase (`ball_mode.rs`); `None`: the Lohner set `set`.
    ball: Option<BallSet<S>>,
    /// Step cap in the ball phase: 1.5× the last ball step (saves the a priori attempts that
    /// would fail at the point-coefficient estimate and be halved).
    ball_h_next: f64,
    /// Eigenvectors reused by the ball steps' logarithmic-norm bounds (`ball::EigenCache`).
    eigen: super::ball::EigenCache,
    /// The certified limit (`Horizon::Infinite`), once proved.
    limit: Option<crate::trajectory::Limit<S>>,
    /// Plain Lohner steps since the last switch, approach or return from the ball.
    plain_run: usize,
    /// The step count from which entering the ball is tried again.
    next_ball_try: usize,
    opts: ValidatedOptions,
    tol: f64,
    t: Rational,
    set: LohnerSet<S>,
    xbox: Vec<S>,
    pattern: Pattern,
    segments: Vec<SegmentParts<S>>,
    events: Vec<Event<S>>,
    stats: RunStats,
    net: Net<S>,
    relu_prime: ReluPrime,
    initial: State<S>,
    /// Pairs whose exact guard was 0 at `t = 0` (`start.rs`), or at a proved exit from a sliding
    /// mode (`slide_exit.rs`), and has the pattern's sign from then to `t`: over a step whose a priori box gives the guard's rate that sign, the sign is
    /// kept (mean value theorem), although the guard's enclosure at the step start may touch 0.
    /// Emptied at the first switch; a pair leaves once its guard is certain over a step.
    leaving: Vec<(usize, usize)>,
    /// `[run] solution = "clarke"`: attracting surfaces are slid along (`Pattern::sliding`)
    /// instead of ending the run.
    clarke: bool,
    /// Steps shortened because a sliding mode was not proved to persist over them (at most
    /// [`SLIDE_APPROACHES`]; reset by a step taken at its natural length).
    slide_approaches: usize,
    /// The centre's Taylor polynomial in a wider precision, when the tolerance asks for more
    /// than the backend's own rounding allows (`precise.rs`).
    precise: Option<super::precise::Precise>,
}

/// How many times a step is shortened because a sliding mode is not proved to persist over it
/// before the run ends undecided (`SlidingMayEnd`) near where the mode may end.
const SLIDE_APPROACHES: usize = 60;

impl<S: Enclosure> Runner<S> {
    fn time(&self, q: &Rational) -> S {
        S::from_rational(q, &self.net.ctx)
    }

    fn undecided(&self, reason: UndecidedReason) -> Status<S> {
        Status::Undecided { reason, certified_until: self.time(&self.t) }
    }

    /// Step size from the centre's coefficients: `h = 0.8 min_{k∈{p−1,p}} (tol / ρ_k)^{1/k}` with
    /// `ρ_k = max_j ‖block_j(x_k)‖ / ‖block_j(x_0)‖` over live neurons (relative, per neuron).
    fn choose_h(&self, ser: &Series<S>) -> f64 {
        let p = ser.x.len() - 1;
        let b = self.net.d + 1;
        let tol = self.tol;
        let mut h = f64::INFINITY;
        for k in [p - 1, p] {
            let mut ratio: f64 = 0.0;
            for j in 0..self.net.m {
                if self.pattern.frozen[j] {
                    continue;
                }
                let num = maxabs(&ser.x[k][j * b..(j + 1) * b], &self.net.ctx);
                let den = maxabs(&ser.x[0][j * b..(j + 1) * b], &self.net.ctx);
                let r = num.div(&den).approx_f64();
                if r.is_finite() {
                    ratio = ratio.max(r);
                }
            }
            if ratio > 0.0 {
                h = h.min((tol / ratio).powf(1.0 / k as f64));
            }
        }
        0.8 * h
    }

    /// The a priori enclosure for a step of length `h` (all of `remaining` if `last`), halving `h`
    /// until it is validated, then shortened by the remainder control ([`Self::remainder_limited`]).
    /// Returns the enclosure and the exact step; `Err` (undecided, step underflow) below `h_min`.
    fn step_length(
        &mut self,
        ser_x: &Series<S>,
        e_scale: &[i32],
        mut h: f64,
        mut last: bool,
        remaining: &Rational,
    ) -> Result<(Apriori<S>, Rational), Status<S>> {
        let apri = loop {
            let h_hi = if last { self.time(remaining).upper_f64() } else { h };
            if let Some(a) = apriori(&self.net, &self.pattern, ser_x, h_hi, e_scale, self.opts.apriori_iters) {
                break a;
            }
            self.stats.halvings += 1;
            h = if last { remaining.to_f64() / 2.0 } else { h / 2.0 };
            last = false;
            if h < self.opts.h_min {
                return Err(self.undecided(UndecidedReason::StepUnderflow));
            }
        };
        // Remainder control: the a priori enclosure `E` over `[0, h]` stays valid over any shorter
        // step, so the step is shortened (no new proof needed) until the rigorous remainder
        // `rem·h^{p+1}` adds at most `REM_TOL_FACTOR·tol` of each live neuron's size.
        let h_try = if last { self.time(remaining).upper_f64() } else { h };
        if let Some(h_r) = self.remainder_limited(&apri.rem, h_try, e_scale) {
            // Never longer than the validated step (h_min may exceed a tiny last step).
            let h_new = h_r.max(self.opts.h_min).min(h_try);
            if h_new < h_try {
                h = h_new;
                last = false;
            }
        }
        let h_exact = if last { remaining.clone() } else { Rational::from_f64(h).expect("finite step") };
        Ok((apri, h_exact))
    }

    /// A shorter step `h' < h` for which `max_c width(rem_c)·2^{−e_c}·h'^{p+1} ≤ REM_TOL_FACTOR·tol`
    /// over the live coordinates (`e` the per-neuron scale exponents), or `None` if `h` already
    /// meets it. The point-coefficient estimate of [`Self::choose_h`] does not see how much wider
    /// the interval coefficient over the a priori box is; on the paper-size run the remainder
    /// then grew from 4e-12 to 1e-4 of the state within four steps (`net-validated-wrapping`).
    fn remainder_limited(&self, rem: &[S], h: f64, e: &[i32]) -> Option<f64> {
        let k = self.opts.order as i32 + 1;
        let b = self.net.d + 1;
        let mut worst: f64 = 0.0;
        for (c, r) in rem.iter().enumerate() {
            if !self.pattern.frozen[c / b] {
                worst = worst.max(r.width_upper() * 2f64.powi(-e[c]));
            }
        }
        let allowed = REM_TOL_FACTOR * self.tol;
        let now = worst * h.powi(k);
        if now.is_nan() || now <= allowed || !now.is_finite() {
            return None;
        }
        Some(0.9 * h * (allowed / now).powf(1.0 / k as f64))
    }

    /// `max width(x_c)/|x_c|` over the components of live neurons of the current box.
    fn live_rel_width(&self) -> f64 {
        let b = self.net.d + 1;
        let mut rel: f64 = 0.0;
        for (c, x) in self.xbox.iter().enumerate() {
            if !self.pattern.frozen[c / b] {
                let r = x.hi_point().sub(&x.lo_point()).div(&x.abs()).approx_f64();
                if r.is_finite() {
                    rel = rel.max(r);
                }
            }
        }
        rel
    }

    fn push_segment(&mut self, t0: S, t1: S, pattern: Pattern, hull: &[S], end: &[S]) {
        let (hull, end) = (self.net.unflatten(hull), self.net.unflatten(end));
        self.segments.push(SegmentParts { t_start: t0, t_end: t1, pattern, hull, end });
    }

    /// The Taylor values and Jacobians over `xhat` for a step of length `h` (Jacobian order from
    /// [`choose_jac_order`], at most `opts.jac_order`).
    fn jets(&self, ser_c: &Series<S>, ser_x: &Series<S>, xhat: &[S], h: f64) -> Series<S> {
        let q = choose_jac_order(&self.net, &self.pattern, ser_c, ser_x, xhat, h, self.opts.jac_order);
        with_jacobians(&self.net, &self.pattern, ser_x, xhat, q)
    }

    /// Advances the Lohner set by `h` (enclosing the exact step `h_exact`) with the pattern fixed;
    /// `hull` encloses the states over the step; `ser_x` holds the Taylor values over `xhat`.
    fn advance(
        &mut self,
        ser_c: &Series<S>,
        ser_x: &Series<S>,
        xhat: &[S],
        rem: &[S],
        h_exact: &Rational,
        hull: &[S],
    ) -> Advanced {
        let h = self.time(h_exact);
        let ser_x = self.jets(ser_c, ser_x, xhat, h.upper_f64());
        let p = ser_c.x.len() - 1;
        let centre = self.precise.as_ref().and_then(|pr| pr.centre_poly(&self.pattern, &self.set.c, &h, p));
        let step = Step { ser_c, ser_x: &ser_x, rem, h: &h, centre: centre.as_deref() };
        let (set, mut end) = match lohner_step(&self.net, &self.pattern, &self.set, &step, None, &self.xbox) {
            Ok(v) => v,
            Err(StepFail::Method) => return Advanced::Failed,
            Err(StepFail::Inconsistent(e)) => return Advanced::Inconsistent(e),
        };
        if set.wrap > WRAP_MAX && h.upper_f64() > self.opts.h_min {
            return Advanced::TooWide;
        }
        self.wrap_cap *= 1.25;
        // Frozen neurons do not move (zero field): keep their enclosure from before the step.
        let b = self.net.d + 1;
        for (c, e) in end.iter_mut().enumerate() {
            if self.pattern.frozen[c / b] {
                *e = match meet("net: frozen neuron after a step ∩ before it", e, &self.xbox[c]) {
                    Ok(v) => v,
                    Err(e) => return Advanced::Inconsistent(e),
                };
            }
        }
        let t1 = Rational::from(&self.t + h_exact);
        let hull: Vec<S> = hull.iter().zip(&end).map(|(a, b)| a.hull(b)).collect();
        let (ts, te) = (self.time(&self.t), self.time(&t1));
        self.push_segment(ts, te, self.pattern.clone(), &hull, &end);
        self.t = t1;
        self.set = set;
        self.xbox = end;
        self.stats.steps += 1;
        Advanced::Done
    }

    /// Advances by `h_exact`, at most the a priori step of `apri`, with the hull over `[0, h_exact]`
    /// from the Taylor polynomial (met with the a priori box). The caller has proved that the pattern
    /// does not change on `[0, h_exact]`.
    fn step_to(
        &mut self,
        ser_c: &Series<S>,
        ser_x: &Series<S>,
        xhat: &[S],
        apri: &Apriori<S>,
        h_exact: &Rational,
    ) -> Advanced {
        if *h_exact <= 0 {
            return Advanced::Failed;
        }
        let h_up = self.time(h_exact).upper_f64();
        let hull = poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(0.0, h_up, &self.net.ctx));
        match meet_all("net: approach hull ∩ a priori box", &hull, &apri.e) {
            Ok(hull) => self.advance(ser_c, ser_x, xhat, &apri.rem, h_exact, &hull),
            Err(e) => Advanced::Inconsistent(e),
        }
    }

    fn go(&mut self, t_end: &Rational) -> Status<S> {
        let p = self.opts.order;
        let mut h_cap = f64::INFINITY;
        let mut approaches = 0usize;
        while self.t < *t_end {
            if self.stats.steps >= self.opts.max_steps {
                return self.undecided(UndecidedReason::Budget { what: format!("{} steps", self.opts.max_steps) });
            }
            if let Some(m) =
                self.opts.monitor.as_ref().filter(|m| m.poll(self.t.to_f64(), self.stats.steps, self.stats.events))
            {
                let reason = m.stop_reason();
                return self.undecided(reason);
            }
            if self.ball.is_none() {
                self.maybe_enter_narrow_ball();
            }
            if self.ball.is_some() {
                match self.ball_iteration(t_end) {
                    ball_mode::BallIter::Stepped => continue,
                    ball_mode::BallIter::Leave => self.leave_ball(),
                    ball_mode::BallIter::Stop(status) => return status,
                }
            }
            let ser_c = series(&self.net, &self.pattern, &self.set.c, p, None);
            let remaining = Rational::from(t_end - &self.t);
            let h = self.choose_h(&ser_c).min(h_cap).min(self.opts.h_max).min(self.wrap_cap);
            let last = h >= remaining.to_f64();
            let xhat: Vec<S> = self.xbox.iter().zip(&self.set.c).map(|(a, b)| a.hull(b)).collect();
            let ser_x = series(&self.net, &self.pattern, &xhat, p, None);
            let e_scale = block_exponents(&self.net, &self.set.c);
            let (apri, h_exact) = match self.step_length(&ser_x, &e_scale, h, last, &remaining) {
                Ok(v) => v,
                Err(status) => return status,
            };
            let h_hi = self.time(&h_exact).upper_f64();
            // A sliding mode must persist over the whole step (the surface attracts from both
            // sides on the a priori box, or on pieces of the step); else its end is located and
            // proved inside the step, or the step is shortened towards where it may end.
            if let Some((neuron, point)) = first_not_attracting(&self.net, &self.pattern, &apri.e)
                .filter(|_| !slide_locate::persists(&self.net, &self.pattern, &ser_x, &apri, h_hi))
            {
                let pair = (neuron, point);
                match slide_exit::leave(&self.net, &self.pattern, &ser_x, &apri, h_hi, pair, &self.opts, &remaining) {
                    Ok(exit) => {
                        self.take_exit(pair, exit);
                        h_cap = f64::INFINITY;
                        approaches = 0;
                        self.slide_approaches = 0;
                        continue;
                    }
                    Err(UndecidedReason::Inconsistent(e)) => return self.undecided(UndecidedReason::Inconsistent(e)),
                    Err(_) => {}
                }
                if self.slide_approaches < SLIDE_APPROACHES && h_hi > self.opts.h_min {
                    h_cap = h_hi / 4.0;
                    self.slide_approaches += 1;
                    continue;
                }
                return self.undecided(UndecidedReason::SlidingMayEnd { neuron, point });
            }
            if h_cap == f64::INFINITY {
                self.slide_approaches = 0;
            }
            match self.revival(&ser_x, &apri, h_hi, approaches) {
                revival::Revival::Holds => {}
                revival::Revival::Shorten => {
                    h_cap = h_hi / 4.0;
                    approaches += 1;
                    continue;
                }
                revival::Revival::Stop(status) => return status,
            }
            // Guards: over the a priori box, then (for the doubtful ones) over the guard's Taylor
            // polynomial on [0, h].
            let mut doubtful = Vec::new();
            let uncertain = uncertain_guards(&self.net, &self.pattern, &apri.e);
            self.leaving.retain(|p| uncertain.contains(p));
            let (uncertain, left_ok) = self.leaving_checked(uncertain, &apri.e);
            if !left_ok && approaches < 60 && h_hi > self.opts.h_min {
                // The rate of a guard that left its surface at t = 0 is not proved over this step.
                h_cap = h_hi / 4.0;
                approaches += 1;
                continue;
            }
            for (j, i) in uncertain {
                let info = analyze_guard(&self.net, &self.pattern, &ser_x, &apri.rem, j, i, h_hi);
                if !info.certain_whole {
                    doubtful.push(info);
                }
            }
            if doubtful.is_empty() {
                match self.advance(&ser_c, &ser_x, &xhat, &apri.rem, &h_exact, &apri.e) {
                    Advanced::Done => {}
                    Advanced::Failed => return self.precision_exhausted(),
                    Advanced::Inconsistent(e) => return self.undecided(e.into()),
                    Advanced::TooWide => {
                        self.wrap_cap = h_hi / 2.0;
                        self.stats.halvings += 1;
                        continue;
                    }
                }
                h_cap = f64::INFINITY;
                approaches = 0;
                self.plain_run += 1;
                if self.leaving.is_empty() && self.pattern.sliding.is_empty() {
                    self.maybe_enter_ball(&apri.e);
                }
                continue;
            }
            self.plain_run = 0;
            // The earliest proved crossing window, if it is separated from every other doubtful guard.
            let first = doubtful.iter().filter(|g| g.window.is_some()).min_by(|a, b| {
                a.window.unwrap().1.partial_cmp(&b.window.unwrap().1).unwrap_or(std::cmp::Ordering::Equal)
            });
            let mut conflict = Vec::new();
            if let Some(g) = first {
                let hi = g.window.unwrap().1;
                // Surfaces of parallel points coincide with g's: they switch with it.
                let class = self.net.class(g.i);
                conflict = doubtful
                    .iter()
                    .filter(|o| !(o.j == g.j && class.contains(&o.i)) && o.lo < hi)
                    .map(|o| (o.j, o.i))
                    .collect();
                // A switch within a few window widths of the horizon is not crossed (the restart after it
                // could overshoot `T`); the run then approaches it and ends undecided only if it must cross.
                let margin = hi + 8.0 * (hi - g.lo);
                if conflict.is_empty() && Rational::from_f64(margin).is_some_and(|q| q <= remaining) {
                    let c = Crossing { j: g.j, i: g.i, lo: g.lo, hi };
                    let max_eta = (&remaining - Rational::from_f64(hi).expect("finite")).to_f64();
                    let max_eta = if max_eta > 0.0 { f64_down(max_eta) } else { 0.0 };
                    let clarke = self.clarke;
                    match cross(
                        &self.net,
                        &self.pattern,
                        self.relu_prime,
                        clarke,
                        &ser_x,
                        &apri,
                        &c,
                        &self.opts,
                        max_eta,
                        &self.leaving,
                    ) {
                        SwitchOutcome::Proved { pattern, kinds, before_hull, at_switch, after_hull, end, eta } => {
                            let t_lo: Rational = &self.t + Rational::from_f64(c.lo).expect("finite");
                            let t_hi: Rational = &self.t + Rational::from_f64(c.hi).expect("finite");
                            let t_switch = S::from_bounds(&t_lo, &t_hi, &self.net.ctx);
                            let t_hi: Rational = &t_hi + Rational::from_f64(eta).expect("finite");
                            let ts = self.time(&self.t);
                            let kept = (self.segments.len(), self.events.len());
                            self.push_segment(ts, t_switch.clone(), self.pattern.clone(), &before_hull, &at_switch);
                            self.push_segment(t_switch.clone(), self.time(&t_hi), pattern.clone(), &after_hull, &end);
                            for (point, kind) in kinds {
                                self.events.push(Event { t: t_switch.clone(), point, neuron: c.j, kind });
                                self.stats.events += 1;
                            }
                            self.stats.steps += 1;
                            let ser_xj = self.jets(&ser_c, &ser_x, &xhat, c.hi);
                            let st = SwitchStep {
                                old: &self.pattern,
                                new: &pattern,
                                ser_c: &ser_c,
                                ser_x: &ser_xj,
                                apri: &apri,
                                lo: c.lo,
                                hi: c.hi,
                                eta,
                                xw: &at_switch,
                                after_e: &after_hull,
                                order: p,
                                jac_order: self.opts.jac_order,
                                apriori_iters: self.opts.apriori_iters,
                            };
                            // Both the set carried through the switch and the switch's own box
                            // enclose the state at the restart time.
                            // Entering a sliding mode restarts from the box (no saltation map).
                            let through = if pattern.sliding != self.pattern.sliding {
                                Err(StepFail::Method)
                            } else {
                                through_switch(&self.net, &self.set, &st).and_then(|(set, b)| {
                                    Ok((set, meet_all("net: Lohner set through a switch ∩ switch end box", &b, &end)?))
                                })
                            };
                            (self.set, self.xbox) = match through {
                                Ok(v) => v,
                                Err(StepFail::Method) => (LohnerSet::from_box(&self.net, &end), end),
                                Err(StepFail::Inconsistent(e)) => {
                                    // Nothing from this switch on is reported.
                                    self.stats.events -= self.events.len() - kept.1;
                                    self.segments.truncate(kept.0);
                                    self.events.truncate(kept.1);
                                    return self.undecided(e.into());
                                }
                            };
                            self.t = t_hi;
                            self.pattern = pattern;
                            // Pairs still leaving their surface stay watched (their rate is checked
                            // on every step until their guard is certain); the switched one is not.
                            let class = self.net.class(c.i);
                            self.leaving.retain(|&(jj, ii)| !(jj == c.j && class.contains(&ii)));
                            h_cap = f64::INFINITY;
                            approaches = 0;
                            continue;
                        }
                        SwitchOutcome::Undecided(reason) => {
                            if !matches!(reason, UndecidedReason::Inconsistent(_)) {
                                // The pattern flow is the exact flow up to the window's lower end.
                                let lo = Rational::from_f64(c.lo).expect("finite");
                                if let Advanced::Inconsistent(e) = self.step_to(&ser_c, &ser_x, &xhat, &apri, &lo) {
                                    return self.undecided(e.into());
                                }
                            }
                            return self.undecided(reason);
                        }
                    }
                }
            }
            // No separated crossing in this step: approach the nearest surface.
            let lo_min = doubtful.iter().map(|g| g.lo).fold(f64::INFINITY, f64::min);
            approaches += 1;
            if lo_min > self.opts.h_min && lo_min > 1e-9 * h_hi && approaches <= 60 {
                let mut h_exact = Rational::from_f64(lo_min).expect("finite");
                if h_exact > remaining {
                    h_exact = remaining.clone();
                }
                let h_up = self.time(&h_exact).upper_f64();
                match self.step_to(&ser_c, &ser_x, &xhat, &apri, &h_exact) {
                    Advanced::Done => {}
                    Advanced::Failed => return self.precision_exhausted(),
                    Advanced::Inconsistent(e) => return self.undecided(e.into()),
                    Advanced::TooWide => {
                        self.wrap_cap = h_up / 2.0;
                        self.stats.halvings += 1;
                        continue;
                    }
                }
                self.stats.approach_steps += 1;
                h_cap = h_hi;
                continue;
            }
            if !conflict.is_empty() {
                let mut pairs = conflict;
                if let Some(g) = first {
                    pairs.insert(0, (g.j, g.i));
                }
                return self.undecided(UndecidedReason::SimultaneousSwitches { pairs });
            }
            let g = &doubtful[0];
            let rate = guard_rate(&self.net, &self.pattern, &apri.e, g.j, g.i);
            return self.undecided(if rate.contains_zero() {
                UndecidedReason::Grazing { neuron: g.j, point: g.i }
            } else {
                UndecidedReason::PrecisionExhausted { width: max_width(&apri.e) }
            });
        }
        Status::Certified
    }

    /// Records a proved exit from the sliding mode of neuron `j` (`slide_exit`): the sliding
    /// segment up to the exit, the segment after it, the events, and the restart from the end box
    /// at `t + hi + eta`, with the guards of the surface leaving it (their exact values are 0 at the
    /// exit and of the new sign after it, [`Self::leaving`]).
    fn take_exit(&mut self, (j, i): (usize, usize), exit: slide_exit::Exit<S>) {
        let t_lo: Rational = &self.t + Rational::from_f64(exit.lo).expect("finite");
        let t_hi: Rational = &self.t + Rational::from_f64(exit.hi).expect("finite");
        let t_exit = S::from_bounds(&t_lo, &t_hi, &self.net.ctx);
        let t_restart: Rational = &t_hi + Rational::from_f64(exit.eta).expect("finite");
        let ts = self.time(&self.t);
        self.push_segment(ts, t_exit.clone(), self.pattern.clone(), &exit.before, &exit.at_exit);
        self.push_segment(t_exit.clone(), self.time(&t_restart), exit.pattern.clone(), &exit.after, &exit.end);
        for &(point, kind) in &exit.kinds {
            self.events.push(Event { t: t_exit.clone(), point, neuron: j, kind });
            self.stats.events += 1;
        }
        self.stats.steps += 1;
        self.leaving = self.net.class(i).into_iter().map(|k| (j, k)).collect();
        self.set = LohnerSet::from_box(&self.net, &exit.end);
        self.xbox = exit.end;
        self.t = t_restart;
        self.pattern = exit.pattern;
    }

    /// Splits off the pairs of [`Self::leaving`] whose guard rate over the a priori box `e` has the
    /// pattern's sign (they keep it over the step); the flag is false if some leaving pair does not.
    fn leaving_checked(&self, uncertain: Vec<(usize, usize)>, e: &[S]) -> (Vec<(usize, usize)>, bool) {
        let mut ok = true;
        let rest = uncertain
            .into_iter()
            .filter(|&(j, i)| {
                if !self.leaving.contains(&(j, i)) {
                    return true;
                }
                let rate = guard_rate(&self.net, &self.pattern, e, j, i);
                let kept =
                    if live(&self.pattern, j).contains(&i) { rate.certainly_pos() } else { rate.certainly_neg() };
                ok &= kept;
                !kept
            })
            .collect();
        (rest, ok)
    }

    fn precision_exhausted(&self) -> Status<S> {
        self.undecided(UndecidedReason::PrecisionExhausted { width: max_width(&self.xbox) })
    }

    fn finish(mut self, status: Status<S>) -> (TrajectoryParts<S>, RunStats) {
        self.stats.final_rel_width = self.live_rel_width();
        self.stats.final_abs_width = max_width(&self.xbox);
        let t_final = self.time(&self.t);
        let traj = TrajectoryParts {
            initial: self.initial,
            segments: self.segments,
            events: self.events,
            final_state: self.net.unflatten(&self.xbox),
            t_final,
            limit: self.limit,
            status,
        };
        (traj, self.stats)
    }
}

fn max_width<S: Enclosure>(x: &[S]) -> f64 {
    x.iter().map(|v| v.width_upper()).fold(0.0, f64::max)
}
