//! The certified driver: the problem entered into the backend, the start pattern, and one
//! activation pattern after another (`pattern.rs`) until a pattern ends the run.

use super::ball::{Ball, norm_upper};
use super::exact::parallel;
use super::expm::precision_bits;
use super::gram::DataGram;
use super::pattern;
use super::run::{Points, hi_q, lo_q};
use super::start::{Start, decide};
use super::witness::Witness;
use super::{NeuronError, NeuronOptions, check_problem};
use crate::trajectory::*;
use reluflow_arith::{Enclosure, Scalar};
use reluflow_model::{Horizon, Problem, ReluPrime};
use rug::Rational;

pub(crate) fn state<S: Scalar>(w: Vec<S>) -> State<S> {
    State { w: vec![w], a: None }
}

/// What every pattern of one run shares: the problem, exact and in the backend.
pub(crate) struct Env<'a, S: Enclosure> {
    pub problem: &'a Problem,
    pub opts: &'a NeuronOptions,
    pub ctx: S::Ctx,
    /// The data's exact Gram matrix, for the span algebra of every pattern.
    pub dg: DataGram<'a>,
    pub y: &'a [Rational],
    /// The loss factor `c`.
    pub c: Rational,
    pub conv: ReluPrime,
    pub n: usize,
    pub bits: u32,
    /// `x_i ≠ 0` (points with `x_i = 0` never switch).
    pub nonzero: Vec<bool>,
    pub pts: Points<S>,
}

impl<'a, S: Enclosure> Env<'a, S> {
    fn new(problem: &'a Problem, ctx: &S::Ctx, opts: &'a NeuronOptions) -> Self {
        let data = problem.data();
        let x = data.x();
        let pts = Points {
            x: x.iter().map(|xi| xi.iter().map(|q| S::from_rational(q, ctx)).collect()).collect(),
            xn: x.iter().map(|xi| norm_upper::<S>(xi, ctx)).collect(),
            parallel: parallel(x),
        };
        Env {
            problem,
            opts,
            ctx: ctx.clone(),
            dg: DataGram::new(x),
            y: data.y(),
            c: problem.loss_factor(),
            conv: problem.relu_prime(),
            n: data.n(),
            bits: precision_bits::<S>(ctx),
            nonzero: x.iter().map(|xi| xi.iter().any(|v| *v != 0)).collect(),
            pts,
        }
    }

    /// The reported active set: with σ'(0) = 1 the points with `x_i = 0` count as active.
    pub fn report(&self, active: &[usize]) -> Vec<usize> {
        let mut a: Vec<usize> = active.to_vec();
        if self.conv.zero_is_active() {
            a.extend((0..self.n).filter(|&i| !self.nonzero[i]));
        }
        a.sort_unstable();
        a
    }

    /// Per point, the required side of its guard in pattern `active`: `+1` active, `−1` inactive,
    /// `0` not a guard (`x_i = 0`, or a guard that stays exactly 0 on the inactive side).
    pub fn req(&self, active: &[usize], skip: &[bool]) -> Vec<i8> {
        (0..self.n)
            .map(|i| {
                if !self.nonzero[i] || skip[i] {
                    0
                } else if active.contains(&i) {
                    1
                } else {
                    -1
                }
            })
            .collect()
    }

    /// For a finite horizon and a pattern starting at `t0`: the local times `[lo, hi]` at which
    /// `t_end` may be reached, and `t_end`.
    pub fn horizon(&self, t0: &S) -> Option<(Rational, Rational, Rational)> {
        match &self.problem.run().t_end {
            Horizon::Finite(t) => {
                let lo: Rational = t - hi_q(t0).expect("finite start time");
                let hi: Rational = t - lo_q(t0).expect("finite start time");
                Some((lo.max(Rational::new()), hi.max(Rational::new()), t.clone()))
            }
            Horizon::Infinite => None,
        }
    }
}

/// The trajectory built so far.
pub(crate) struct Out<S> {
    pub initial: State<S>,
    pub segments: Vec<SegmentParts<S>>,
    pub events: Vec<Event<S>>,
    /// The sets of the proof, when asked for (`certify_with_witness`).
    pub witness: Option<Witness>,
}

impl<S: Enclosure> Out<S> {
    /// Appends the segment `[t_start, t_end]` of `pattern`.
    pub fn close(&mut self, t_start: S, t_end: S, pattern: Pattern, hull: Vec<S>, end: Vec<S>) {
        self.segments.push(SegmentParts { t_start, t_end, pattern, hull: state(hull), end: state(end) });
    }

    /// The run so far, undecided at `at` (state `fin` there).
    pub fn undecided(&mut self, reason: UndecidedReason, at: S, fin: Vec<S>) -> TrajectoryParts<S> {
        TrajectoryParts {
            initial: self.initial.clone(),
            segments: std::mem::take(&mut self.segments),
            events: std::mem::take(&mut self.events),
            final_state: state(fin),
            t_final: at.clone(),
            limit: None,
            status: Status::Undecided { reason, certified_until: at.lo_point() },
        }
    }

    /// The certified run, ending at `t_fin` in `fin` (its last segment already closed).
    pub fn certified(&mut self, t_fin: S, fin: Vec<S>, limit: Option<Limit<S>>) -> TrajectoryParts<S> {
        TrajectoryParts {
            initial: self.initial.clone(),
            segments: std::mem::take(&mut self.segments),
            events: std::mem::take(&mut self.events),
            final_state: state(fin),
            t_final: t_fin,
            limit,
            status: Status::Certified,
        }
    }
}

/// Where the run stands when a pattern begins.
pub(crate) struct Cursor<S> {
    pub active: Vec<usize>,
    /// Guards that stay exactly 0 on the inactive side (see [`Start::Go`]).
    pub skip: Vec<bool>,
    /// The pattern's start time.
    pub t0: S,
    pub ball: Ball<S>,
    /// Guard classifications spent in earlier patterns.
    pub work: usize,
    /// The switching box the pattern starts from (none at `t = 0`).
    pub seg_box: Option<Vec<S>>,
}

/// Certifies the gradient flow of a single ReLU neuron (see the module documentation).
///
/// Guarantee (interval backends `inari::Interval`, `MpInterval`): with status
/// [`Status::Certified`], every segment's `hull` contains the exact state at every time of the
/// segment (for `Horizon::Infinite`, the last segment's hull also contains every later state),
/// `end` the exact state at the segment's end time, every event's `t` the exact switching time, the
/// limit's `state` the exact `w(∞)` and its `loss` the exact limit loss. With
/// [`Status::Undecided`] the same holds up to `certified_until`. Degenerate cases: points with
/// `x_i = 0` never switch; an empty active set means `ẇ = 0` (the start is the limit); `t_end = 0`
/// gives the initial state.
///
/// # Errors
/// [`NeuronError`] when the problem is not a single-neuron problem.
pub fn certify<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &NeuronOptions,
) -> Result<Trajectory<S>, NeuronError> {
    Ok(run::<S>(problem, ctx, opts, None)?.0)
}

/// [`certify`], and the exact sets its proof rests on (`witness.rs`): per pattern an exact
/// equilibrium, per step the start and end balls and the hull, per switch its step, time and
/// state, and the limit or the final state. The trajectory is the one [`certify`] returns.
///
/// # Errors
/// [`NeuronError`] when the problem is not a single-neuron problem.
pub fn certify_with_witness<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &NeuronOptions,
) -> Result<(Trajectory<S>, Witness), NeuronError> {
    let (tr, w) = run::<S>(problem, ctx, opts, Some(Witness::default()))?;
    Ok((tr, w.unwrap_or_default()))
}

fn run<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &NeuronOptions,
    witness: Option<Witness>,
) -> Result<(Trajectory<S>, Option<Witness>), NeuronError> {
    let w0 = check_problem(problem)?;
    let env = Env::<S>::new(problem, ctx, opts);
    let zero = S::zero(ctx);
    let initial_box: Vec<S> = w0.iter().map(|q| S::from_rational(q, ctx)).collect();
    let mut out = Out { initial: state(initial_box.clone()), segments: Vec::new(), events: Vec::new(), witness };
    let (active, skip) = match decide(&env.dg, env.y, &env.c, &w0, env.conv) {
        Start::Go { active, skip } => (active, skip),
        Start::Stop(reason) => {
            let tr = Trajectory::from_parts(out.undecided(reason, zero, initial_box).without_vacuous_bounds())?;
            return Ok((tr, out.witness));
        }
    };
    let ball = Ball::from_exact(&w0, ctx);
    let mut cursor = Cursor { active, skip, t0: zero, ball, work: 0, seg_box: None };
    loop {
        match pattern::run(&env, &mut out, cursor) {
            pattern::Next::Pattern(c) => cursor = c,
            pattern::Next::Done(tr) => return Ok((Trajectory::from_parts(tr.without_vacuous_bounds())?, out.witness)),
        }
    }
}
