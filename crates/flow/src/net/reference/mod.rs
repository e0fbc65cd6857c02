//! The non-validated reference integrator for the two-layer gradient flow: high-order adaptive
//! Taylor steps in point arithmetic (`f64` or MPFR), with event location and neuron death.
//!
//! * **Steps**: the Taylor coefficients of [`taylor_coefficients`] to order `p` in the current
//!   pattern; step size from the decay of the last two coefficients (Jorba–Zou style), per neuron
//!   and **relative** to that neuron's size: `h = 0.9 · min_j min_{k∈{p−1,p}} (tol ‖x_j‖ / ‖x_{j,k}‖)^{1/k}`
//!   (computed through logarithms, so MPFR states of size 1e-600 and their exponential growth are
//!   handled: the step depends on the growth *rate*, not on the size).
//! * **Events**: each guard `w_j(τ)ᵀx_i` is a polynomial on the step; its first point on the
//!   wrong side of the pattern is found by **root exclusion** (module `roots`): on a piece
//!   `[a, b]` of the step the Taylor shift at the midpoint bounds the guard and its derivative;
//!   a piece where the guard cannot reach the wrong side, or where it is monotone, is settled
//!   (for a monotone piece: a crossing iff the guard is wrong at `b`, located by bisection);
//!   other pieces are halved (at most `samples` times), and a smallest piece left over (a
//!   near-tangency) is resolved through the guard's extremum — a dip to the wrong side and back
//!   inside one step is found, the step is cut at its first crossing, and the return is the
//!   next step's event. The step is cut at the earliest crossing, the state taken just past it,
//!   and the pattern switched. A neuron whose last active point leaves is **frozen** (event
//!   [`EventKind::Death`](crate::trajectory::EventKind::Death)): with no active point its field is zero on the inactive side, so it stays
//!   on the hyperplane. Neurons with no active point at the start are frozen silently.
//!   Guards that are inconsistent with the pattern at the start of a step (two crossings inside one
//!   bisection bracket) are switched at the current time. A pair switching back and forth within a
//!   negligible time (sliding along its surface, or grazing) stops the run with [`RefStop::Sliding`].
//!   Not validated: the bounds are computed in the backend arithmetic (with a rounding margin
//!   of `8(p+1)` unit roundoffs relative to the size of the terms), and a dip narrower than the
//!   rounding of the guard itself is not seen.
//! * **Output**: a [`Trajectory`] with [`Status::NotValidated`], one [`Segment`](crate::Segment) per step whose
//!   `hull` **is the end state** (a point run has no enclosure over the step; the segment ends
//!   are its samples), plus optionally the dense output ([`RefRun::state_at`]).
//!
//! Notes: `proofs-notes/net-field.md` (field, Taylor recursion, frozen neurons),
//! `proofs-notes/net-reference.md` (step and event control, measured costs).

mod events;
mod roots;
mod slide;

use super::NetError;
use super::field::{NetData, initial_state, loss, pattern_of, taylor_coefficients};
use crate::trajectory::{SegmentParts, State, Status, Trajectory, TrajectoryParts};
use events::{chattering, first_crossing, past_crossing, toggle};
use reluflow_arith::{Point, Scalar, linalg::dot};
use reluflow_model::{Horizon, Problem};
use roots::{SearchCfg, unit_roundoff, wrong};

/// Settings of the reference integrator.
#[derive(Clone, Debug, PartialEq)]
pub struct RefOptions {
    /// Taylor order `p`.
    pub order: usize,
    /// Relative local error per step (per neuron).
    pub tol: f64,
    /// Largest number of steps.
    pub max_steps: usize,
    /// Stop once the loss is below this.
    pub loss_stop: Option<f64>,
    /// Largest step (also the step used when nothing constrains it, e.g. a stationary state).
    pub h_max: f64,
    /// Depth limit of the event search: a step is halved at most this many times while a guard
    /// can neither be excluded from crossing nor shown monotone on a piece (a near-tangency);
    /// a piece of length `h·2^(−samples)` left over is resolved through the guard's extremum.
    /// (Historical name: it was the number of sample points per step.) Default 24.
    pub samples: usize,
    /// Bisection iterations when locating a crossing (≈ the precision in bits).
    pub bisect_iters: usize,
    /// Keep the Taylor coefficients of every step (for [`RefRun::state_at`]).
    pub dense: bool,
    /// Progress and cancellation ([`crate::monitor`]): polled once per step; when cancelled the run
    /// stops with [`RefStop::Interrupted`]. Default `None`.
    pub monitor: Option<crate::monitor::Monitor>,
    /// The Clarke flow (`[run] solution = "clarke"`): slide along a surface that attracts from
    /// both sides instead of stopping with [`RefStop::Sliding`] (module `slide`). Default `false`.
    pub clarke: bool,
}

impl RefOptions {
    /// For f64: order 20, tolerance 1e-15, 60 bisection iterations.
    pub fn f64() -> Self {
        RefOptions {
            order: 20,
            tol: 1e-15,
            max_steps: 1_000_000,
            loss_stop: None,
            h_max: 1e3,
            samples: 24,
            bisect_iters: 60,
            dense: false,
            monitor: None,
            clarke: false,
        }
    }
    /// For MPFR with `bits` of precision: tolerance `2^(−bits)` (floored at 1e-300), order
    /// `⌈−ln(tol)/2⌉ + 2` (the Jorba–Zou optimum) at least 20, `bits + 8` bisection iterations.
    pub fn for_bits(bits: u32) -> Self {
        let tol = 2f64.powi(-(bits.min(996) as i32)).max(1e-300);
        let order = ((-tol.ln() / 2.0).ceil() as usize + 2).max(20);
        RefOptions { order, tol, bisect_iters: bits as usize + 8, ..RefOptions::f64() }
    }
}

/// Why a reference run stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefStop {
    /// The horizon `t_end` was reached.
    Reached,
    /// The loss fell below `loss_stop`.
    LossBelow,
    /// `max_steps` steps were taken.
    MaxSteps,
    /// Every neuron is frozen (the state is stationary) and the horizon is infinite.
    AllFrozen,
    /// A guard switched back and forth without time advancing (sliding or a grazing contact).
    Sliding {
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
    /// The [`RefOptions::monitor`] was cancelled.
    Interrupted,
}

/// One step's Taylor polynomial: the state at `t0 + τ` is `Σ_k coeffs[k] τ^k` for `τ ∈ [0, h]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseStep<S> {
    /// Start time.
    pub t0: S,
    /// Step length.
    pub h: S,
    /// Normalised Taylor coefficients.
    pub coeffs: Vec<State<S>>,
}

/// A reference run.
#[derive(Clone, Debug, PartialEq)]
pub struct RefRun<S> {
    /// Segments (one per step), events, final state; status [`Status::NotValidated`].
    pub trajectory: Trajectory<S>,
    /// The dense output (empty unless `RefOptions::dense`).
    pub dense: Vec<DenseStep<S>>,
    /// Steps taken.
    pub steps: usize,
    /// Why it stopped.
    pub stop: RefStop,
}

impl<S: Point> RefRun<S> {
    /// The state at time `t` from the dense output (`None` if `t` is outside the steps covered or
    /// the run kept no dense output).
    pub fn state_at(&self, t: &S) -> Option<State<S>> {
        let k = self.dense.partition_point(|st| !t.certainly_lt(&st.t0));
        let st = self.dense.get(k.checked_sub(1)?)?;
        let tau = t.sub(&st.t0);
        if tau.certainly_neg() || st.h.certainly_lt(&tau) {
            return None;
        }
        Some(eval_state(&st.coeffs, &tau))
    }
}

/// `Σ_k c_k τ^k` (Horner).
pub fn eval_state<S: Scalar>(c: &[State<S>], tau: &S) -> State<S> {
    let mut acc = c[c.len() - 1].clone();
    for ck in c[..c.len() - 1].iter().rev() {
        for (row, crow) in acc.w.iter_mut().zip(&ck.w) {
            for (v, cv) in row.iter_mut().zip(crow) {
                *v = v.mul_add(tau, cv);
            }
        }
        if let (Some(a), Some(ca)) = (acc.a.as_mut(), ck.a.as_ref()) {
            for (v, cv) in a.iter_mut().zip(ca) {
                *v = v.mul_add(tau, cv);
            }
        }
    }
    acc
}

fn inf_norm<S: Scalar>(w: &[S], a: &S) -> S {
    w.iter().fold(a.abs(), |m, v| m.max(&v.abs()))
}

/// The step from the coefficient decay (see the module docs); `None` if nothing constrains it.
fn step_size<S: Scalar>(c: &[State<S>], frozen: &[bool], tol: f64) -> Option<f64> {
    let p = c.len() - 1;
    let ln_tol = tol.ln();
    let mut best: Option<f64> = None;
    for j in 0..c[0].w.len() {
        if frozen[j] {
            continue;
        }
        let a = |k: usize| &c[k].a.as_ref().expect("two-layer state")[j];
        let size = inf_norm(&c[0].w[j], a(0)).ln().approx_f64();
        for k in [p - 1, p].into_iter().filter(|k| *k >= 1) {
            let ck = inf_norm(&c[k].w[j], a(k)).ln().approx_f64();
            if ck.is_finite() && size.is_finite() {
                let h = ((ln_tol + size - ck) / k as f64).exp();
                best = Some(best.map_or(h, |b| b.min(h)));
            }
        }
    }
    best.map(|h| 0.9 * h)
}

/// Integrates from `s0` to `t_end` (`None`: until `loss_stop`, all neurons frozen, or
/// `max_steps`), with the pattern of `s0`.
///
/// # Errors
/// [`NetError::Invalid`] if `s0` has no output weights or the options are unusable (order 0).
pub fn integrate<S: Point>(
    data: &NetData<S>,
    s0: &State<S>,
    t_end: Option<&S>,
    opts: &RefOptions,
) -> Result<RefRun<S>, NetError> {
    if s0.a.is_none() || opts.order == 0 || opts.samples == 0 {
        return Err(NetError::Invalid(
            "the reference integrator needs a two-layer state and order ≥ 1, samples ≥ 1".into(),
        ));
    }
    let ctx = data.ctx();
    let zero_active = data.relu_prime.zero_is_active();
    let m = s0.w.len();
    let mut pattern = pattern_of(data, s0).expect("point backends decide every sign");
    for j in 0..m {
        pattern.frozen[j] = pattern.active[j].is_empty();
    }
    let mut s = s0.clone();
    let mut t = S::zero(&ctx);
    let (mut segments, mut events, mut dense) = (Vec::new(), Vec::new(), Vec::new());
    let mut steps = 0;
    let mut last_toggle: Option<(usize, usize, S)> = None;
    let search = SearchCfg {
        margin: unit_roundoff(&S::one(&ctx)).mul(&S::from_i64(8 * (opts.order as i64 + 1), &ctx)),
        depth: opts.samples,
        bisect_iters: opts.bisect_iters,
        zero_active,
    };
    let stop = loop {
        if t_end.is_some_and(|te| !t.certainly_lt(te)) {
            break RefStop::Reached;
        }
        if opts.loss_stop.is_some_and(|thr| loss(data, &s).approx_f64() < thr) {
            break RefStop::LossBelow;
        }
        if steps >= opts.max_steps {
            break RefStop::MaxSteps;
        }
        if opts.monitor.as_ref().is_some_and(|m| m.poll(t.approx_f64(), steps, events.len())) {
            break RefStop::Interrupted;
        }
        // Switch guards that are already on the wrong side (crossings inside the last bracket).
        let mut slid = None;
        for j in 0..m {
            if pattern.frozen[j] {
                continue;
            }
            for i in 0..data.n() {
                if pattern.sliding_points(j).contains(&i) {
                    continue;
                }
                let act = pattern.active[j].binary_search(&i).is_ok();
                if wrong(&dot(&s.w[j], &data.x[i], &ctx), act, zero_active) {
                    if last_toggle.as_ref().is_some_and(|(lj, li, lt)| (*lj, *li) == (j, i) && !lt.certainly_lt(&t)) {
                        slid = Some((j, i));
                    }
                    toggle(&mut pattern, &mut events, j, i, &t);
                    last_toggle = Some((j, i, t.clone()));
                }
            }
        }
        if let Some((neuron, point)) = slid.or_else(|| chattering(&events)) {
            if !(opts.clarke && slide::slide_in(data, &mut pattern, &mut events, &s, &t, (neuron, point))) {
                break RefStop::Sliding { neuron, point };
            }
            last_toggle = None;
        }
        let left = if opts.clarke { slide::slide_out(data, &mut pattern, &mut events, &s, &t) } else { Vec::new() };
        if pattern.frozen.iter().all(|f| *f) {
            match t_end {
                None => break RefStop::AllFrozen,
                Some(te) => {
                    segments.push(SegmentParts {
                        t_start: t.clone(),
                        t_end: te.clone(),
                        pattern: pattern.clone(),
                        hull: s.clone(),
                        end: s.clone(),
                    });
                    if opts.dense {
                        dense.push(DenseStep { t0: t.clone(), h: te.sub(&t), coeffs: vec![s.clone()] });
                    }
                    t = te.clone();
                    continue;
                }
            }
        }
        let c = taylor_coefficients(data, &pattern, &s, opts.order);
        let mut h = S::from_f64(step_size(&c, &pattern.frozen, opts.tol).unwrap_or(opts.h_max).min(opts.h_max), &ctx);
        if let Some(te) = t_end {
            h = h.min(&te.sub(&t));
        }
        let crossing = first_crossing(data, &pattern, &c, &h, &search, &left);
        let (h_step, hit) = match crossing {
            Some((tau, j, i)) => (tau, Some((j, i))),
            None => (h.clone(), None),
        };
        // A sliding mode that ends inside the step cuts it there; the next step leaves the surface.
        let exit = if pattern.sliding.is_empty() {
            None
        } else {
            slide::exit_time(data, &pattern, &c, &h_step, opts.bisect_iters).filter(|e| e.certainly_lt(&h_step))
        };
        let (h_step, hit) = match exit {
            Some(e) => (e, None),
            None => (h_step, hit),
        };
        let (h_step, next) = match hit {
            Some((j, i)) => past_crossing(data, &pattern, &c, h_step, &h, j, i, opts.bisect_iters, zero_active),
            None => {
                let next = eval_state(&c, &h_step);
                (h_step, next)
            }
        };
        let t_next = t.add(&h_step);
        segments.push(SegmentParts {
            t_start: t.clone(),
            t_end: t_next.clone(),
            pattern: pattern.clone(),
            hull: next.clone(),
            end: next.clone(),
        });
        if opts.dense {
            dense.push(DenseStep { t0: t.clone(), h: h_step.clone(), coeffs: c });
        }
        s = next;
        t = t_next;
        steps += 1;
        if let Some((j, i)) = hit {
            toggle(&mut pattern, &mut events, j, i, &t);
            last_toggle = Some((j, i, t.clone()));
        }
    };
    let trajectory = Trajectory::from_parts(TrajectoryParts {
        initial: s0.clone(),
        segments,
        events,
        final_state: s,
        t_final: t,
        limit: None,
        status: Status::NotValidated,
    })?;
    Ok(RefRun { trajectory, dense, steps, stop })
}

/// Runs the reference integrator on a two-layer problem: initial state from the problem, horizon
/// from `p.run().t_end` (`Infinite`: until `opts.loss_stop`, all neurons frozen, or `max_steps`).
///
/// # Errors
/// As [`initial_state`] and [`integrate`].
pub fn integrate_problem<S: Point>(p: &Problem, ctx: &S::Ctx, opts: &RefOptions) -> Result<RefRun<S>, NetError> {
    let data = NetData::<S>::from_problem(p, ctx);
    let s0 = initial_state::<S>(p, ctx)?;
    let t_end = match &p.run().t_end {
        Horizon::Finite(q) => Some(S::from_rational(q, ctx)),
        Horizon::Infinite => None,
    };
    let opts = RefOptions { clarke: opts.clarke || p.solution() == reluflow_model::Solution::Clarke, ..opts.clone() };
    integrate(&data, &s0, t_end.as_ref(), &opts)
}
