//! Gradient descent `θ ← θ − η ∇L(θ)` on the two-layer network, in every backend, and its
//! balancedness identity.
//!
//! * [`gd_step`] / [`gd_run`]: generic over [`Scalar`]. The gradient uses the activation pattern of
//!   the current iterate and the σ'(0) convention ([`gradient`]). With an interval backend every
//!   iterate encloses the exact-arithmetic GD iterate, **as long as every guard's sign is decided**;
//!   when an enclosure of `w_jᵀx_i` straddles 0 the exact step depends on the unknown side and the
//!   run stops with [`GdStop::Undecided`] at that iteration (never a guess).
//! * [`FastGd`](super::gd_fast::FastGd): the fast f64 loop (contiguous buffers, no allocation).
//!
//! Balancedness (`proofs-notes/net-gd-balancedness.md`): with `g_j = −G Σ_{i∈A_j} r_i x_i` (so that the
//! step is `w_j += η a_j g_j`, `a_j += η w_jᵀg_j`), `D_j = a_j² − ‖w_j‖²` obeys exactly
//! `D_j^{k+1} = D_j^k + η²((w_jᵀg_j)² − a_j²‖g_j‖²)` ([`gd_balancedness_increment`]).

use super::NetError;
use super::field::{NetData, gradient, live, loss, residuals};
use crate::trajectory::{Pattern, State};
use reluflow_arith::{Scalar, linalg::dot};

/// One step `θ − η ∇L(θ)`.
///
/// # Errors
/// [`NetError::UndecidedGuard`] if a guard's sign is undecidable (interval backends).
pub fn gd_step<S: Scalar>(data: &NetData<S>, s: &State<S>, eta: &S) -> Result<State<S>, NetError> {
    let g = gradient(data, s)?;
    let step = |x: &S, gx: &S| gx.mul(eta).neg().add(x);
    Ok(State {
        w: s.w.iter().zip(&g.w).map(|(w, gw)| w.iter().zip(gw).map(|(x, gx)| step(x, gx)).collect()).collect(),
        a: Some(
            s.a.as_ref()
                .expect("a two-layer state has output weights")
                .iter()
                .zip(g.a.as_ref().expect("gradient of a two-layer state"))
                .map(|(x, gx)| step(x, gx))
                .collect(),
        ),
    })
}

/// When and how a gradient-descent run stops.
#[derive(Clone, Debug, PartialEq)]
pub struct GdOptions {
    /// Largest number of iterations.
    pub max_iters: u64,
    /// Record the loss every `record_every` iterations (and at the start and the end); ≥ 1.
    pub record_every: u64,
    /// Stop once the loss is below this (for intervals: once its upper bound is).
    pub loss_threshold: Option<f64>,
    /// Stop when the weights are bit-identical at two consecutive recording points (as the
    /// paper's script does).
    pub stop_if_unchanged: bool,
}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum GdStop {
    /// The loss fell below the threshold.
    Threshold,
    /// `max_iters` iterations were done.
    MaxIters,
    /// The weights did not change between two recording points.
    Unchanged,
    /// A guard's sign was undecidable at this iteration (interval backends): the state returned is
    /// the last one certified, before that iteration.
    Undecided {
        /// The iteration that could not be taken (0-based count of steps done).
        iteration: u64,
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
}

/// The result of [`gd_run`].
#[derive(Clone, Debug, PartialEq)]
pub struct GdRun<S> {
    /// The last iterate.
    pub state: State<S>,
    /// Steps done.
    pub iters: u64,
    /// `(iteration, loss)` at the recording points.
    pub losses: Vec<(u64, S)>,
    /// Why it stopped.
    pub stop: GdStop,
}

fn bounds_equal<S: Scalar>(a: &State<S>, b: &State<S>) -> bool {
    let same = |x: &S, y: &S| x.lower() == y.lower() && x.upper() == y.upper();
    a.w.iter().flatten().zip(b.w.iter().flatten()).all(|(x, y)| same(x, y))
        && a.a.iter().flatten().zip(b.a.iter().flatten()).all(|(x, y)| same(x, y))
}

fn below<S: Scalar>(l: &S, thr: Option<f64>) -> bool {
    thr.is_some_and(|t| l.upper_f64() < t)
}

/// Runs gradient descent from `s0` with step `eta` (see [`GdOptions`], [`GdStop`]).
pub fn gd_run<S: Scalar>(data: &NetData<S>, s0: &State<S>, eta: &S, opts: &GdOptions) -> GdRun<S> {
    let every = opts.record_every.max(1);
    let mut s = s0.clone();
    let l0 = loss(data, &s);
    let mut losses = vec![(0, l0.clone())];
    if below(&l0, opts.loss_threshold) {
        return GdRun { state: s, iters: 0, losses, stop: GdStop::Threshold };
    }
    let mut last_recorded = s.clone();
    let mut k = 0;
    while k < opts.max_iters {
        match gd_step(data, &s, eta) {
            Ok(next) => s = next,
            Err(NetError::UndecidedGuard { neuron, point }) => {
                return GdRun { state: s, iters: k, losses, stop: GdStop::Undecided { iteration: k, neuron, point } };
            }
            Err(e) => panic!("gd_step failed unexpectedly: {e}"),
        }
        k += 1;
        if k.is_multiple_of(every) || k == opts.max_iters {
            let l = loss(data, &s);
            let done = below(&l, opts.loss_threshold);
            losses.push((k, l));
            if done {
                return GdRun { state: s, iters: k, losses, stop: GdStop::Threshold };
            }
            if opts.stop_if_unchanged && k.is_multiple_of(every) {
                if bounds_equal(&s, &last_recorded) {
                    return GdRun { state: s, iters: k, losses, stop: GdStop::Unchanged };
                }
                last_recorded = s.clone();
            }
        }
    }
    GdRun { state: s, iters: k, losses, stop: GdStop::MaxIters }
}

/// Balancedness `D_j = a_j² − ‖w_j‖²` per neuron (enclosed / rounded).
pub fn balancedness<S: Scalar>(s: &State<S>) -> Vec<S> {
    let a = s.a.as_ref().expect("a two-layer state has output weights");
    s.w.iter()
        .zip(a)
        .map(|(w, aj)| {
            let mut dj = aj.sqr();
            for c in w {
                dj = dj.sub(&c.sqr());
            }
            dj
        })
        .collect()
}

/// The GD balancedness increment `η²((w_jᵀg_j)² − a_j²‖g_j‖²)` per neuron, with
/// `g_j = −G Σ_{i∈A_j} r_i x_i` computed inside `pattern` (frozen neurons: 0). If the step is
/// taken with this pattern, `D_j(θ − η∇L) = D_j(θ) + increment_j` exactly (note
/// `net-gd-balancedness`); interval backends enclose the exact increment.
pub fn gd_balancedness_increment<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>, eta: &S) -> Vec<S> {
    let ctx = data.ctx();
    let a = s.a.as_ref().expect("a two-layer state has output weights");
    let (r, _) = residuals(data, pattern, s);
    let mg = data.grad_factor.neg();
    let eta2 = eta.sqr();
    (0..s.w.len())
        .map(|j| {
            let mut g = vec![S::zero(&ctx); data.d()];
            for &i in live(pattern, j) {
                for (gc, xc) in g.iter_mut().zip(&data.x[i]) {
                    gc.add_mul_assign(&r[i], xc);
                }
            }
            let g: Vec<S> = g.iter().map(|c| c.mul(&mg)).collect();
            let wg = dot(&s.w[j], &g, &ctx);
            let gg = reluflow_arith::linalg::norm_sq(&g, &ctx);
            wg.sqr().sub(&a[j].sqr().mul(&gg)).mul(&eta2)
        })
        .collect()
}
