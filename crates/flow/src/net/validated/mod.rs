//! Validated (interval) integration of the two-layer gradient flow through activation switches.
//!
//! [`certify`] encloses the exact flow of a [`Problem`] over `[0, T]` with any [`Enclosure`]
//! backend (`inari::Interval`, [`MpInterval`](reluflow_arith::MpInterval)):
//!
//! * **Steps** (per activation pattern): a priori enclosure over `[0, h]` by a high-order Picard
//!   test, Taylor series of order `p` by series products, Lagrange remainder from the order-`p+1`
//!   coefficient over the a priori enclosure.
//! * **Wrapping effect**: Lohner's QR method with per-neuron power-of-two scaling (relative error
//!   control for states of size `1e-600`); see `proofs-notes/net-validated-wrapping.md`.
//! * **Convergent phase**: once the flow is switch-free and nearly neutral, a ball set with a
//!   rigorous logarithmic-norm bound replaces the Lohner set (it does not wrap); see
//!   `proofs-notes/net-validated-ball.md`. The step length is also capped so that the rigorous
//!   remainder stays within 100× the step tolerance.
//! * **Limit** (`t_end = inf`): a Polyak–Łojasiewicz ball proof from the box reached at `t = 1, 2,
//!   4, …` (`proofs-notes/net-limit-pl.md`).
//! * **Switches** `w_jᵀx_i = 0`: guards are checked over every step; a crossing is proved by a
//!   sign change of the guard's Taylor polynomial (with remainder) and a guard derivative bounded
//!   away from 0 on both sides (transversality); the flow restarts from the enclosure of the
//!   crossing. **Death** (σ'(0) = 0, the last active point of a neuron leaves): the neuron's
//!   field vanishes on the inactive side, it stops on the surface and is carried frozen. Grazing,
//!   unseparated simultaneous switches and sliding end the run as [`Status::Undecided`].
//!
//! **Guarantee**: a returned [`Trajectory`] with [`Status::Certified`] contains the exact flow for
//! the exact input on `[0, T]` in the sense of [`crate::trajectory`]; with `Undecided` up to
//! `certified_until`. Notes: `proofs-notes/net-validated-wrapping.md`,
//! `proofs-notes/net-validated-switches.md`, `proofs-notes/net-field.md`.

mod ball;
mod bulk;
mod dead;
mod driver;
mod limit;
mod lohner;
mod pinned;
mod precise;
mod reduce;
mod saltation;
mod series;
mod slide;
mod slide_entry;
mod slide_exit;
mod slide_locate;
mod start;
mod start_two;
mod switch;
mod taylor;

pub use driver::{RunStats, certify, certify_with_stats};
pub use reduce::working_dim;

use super::NetError;
use super::field::{NetData, field};
use crate::trajectory::{Pattern, State};
#[cfg(doc)]
use crate::trajectory::{Status, Trajectory};
use reluflow_arith::{Enclosure, Inconsistency};
#[cfg(doc)]
use reluflow_model::Problem;
use thiserror::Error;

/// Why a validated step (Lohner, ball, through a switch) produced no result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StepFail {
    /// A limit of the method (basis not invertible, non-finite values, no a priori enclosure): the
    /// caller shortens the step, restarts from a box, or stops *undecided*.
    Method,
    /// Two enclosures of one exact value did not meet: a bug; the run stops at the last
    /// consistent point ([`reluflow_arith::meet`]).
    Inconsistent(Inconsistency),
}

impl From<Inconsistency> for StepFail {
    fn from(e: Inconsistency) -> Self {
        StepFail::Inconsistent(e)
    }
}

/// Settings of the validated integrator.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedOptions {
    /// Taylor order `p` (the remainder uses order `p+1`); `0` (the default): automatic, from the
    /// step tolerance `tol` (Jorba–Zou 2005: the work per unit time of a Taylor method is least
    /// near `p ≈ −½ ln tol`), `p = ⌈−½ ln tol⌉ + 2` within `[12, 32]` — 17 for f64 intervals, 32 for
    /// MPFR intervals (where `tol = 1e-30`).
    pub order: usize,
    /// Order `q ≤ p` of the Jacobian series of a step (Lohner's mean-value form); the orders
    /// `q < k ≤ p` enter as a box (`proofs-notes/net-validated-wrapping.md`, part B). Default 8.
    pub jac_order: usize,
    /// Relative local error target per step (drives the step size); `None`: `max(10³·ulp, 1e-30)`
    /// where `ulp` is the backend's relative precision.
    pub tol_rel: Option<f64>,
    /// Largest step. Default 4.
    pub h_max: f64,
    /// Smallest step tried before giving up (`StepUnderflow`). Default 1e-12.
    pub h_min: f64,
    /// Failed a priori inflations before halving the step. Default 6.
    pub apriori_iters: usize,
    /// Step budget (accepted steps). Default 1 000 000.
    pub max_steps: usize,
    /// For `Horizon::Infinite`: the latest time at which the limit proof is tried (the run
    /// integrates to `t = 1, 2, 4, …` up to this time and tries after each stretch; then it ends
    /// undecided with the reason). Default 4096.
    pub limit_search_until: f64,
    /// Progress and cancellation ([`crate::monitor`]): polled before every step; when cancelled the
    /// run ends as [`Status::Undecided`] with `UndecidedReason::Interrupted`. Default `None`.
    pub monitor: Option<crate::monitor::Monitor>,
    /// Integrate in an orthonormal basis of the data's span when it pays (`d ≥ 64`, `n < d`,
    /// `n ≤ 64`; `working_dim`, `proofs-notes/net-validated-reduced.md`). Default `true`; `false`
    /// keeps all `d` coordinates (for comparisons).
    pub span_coordinates: bool,
}

impl Default for ValidatedOptions {
    fn default() -> Self {
        ValidatedOptions {
            order: 0,
            jac_order: 8,
            tol_rel: None,
            h_max: 4.0,
            h_min: 1e-12,
            apriori_iters: 6,
            max_steps: 1_000_000,
            limit_search_until: 4096.0,
            monitor: None,
            span_coordinates: true,
        }
    }
}

/// Why [`certify`] could not start (proof failures along the way are not errors: they come back
/// as [`Status::Undecided`]).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidatedError {
    /// The problem or its initial state is not usable with this backend.
    #[error(transparent)]
    Net(#[from] NetError),
    /// This integrator needs an enclosure backend (interval arithmetic).
    #[error("options: {0}")]
    Options(String),
    /// The run broke the trajectory contract (a bug).
    #[error("integrator contract violated: {0}")]
    Trajectory(#[from] crate::TrajectoryError),
}

/// The network data in flat coordinates (neuron `j` at `j(d+1)..(j+1)(d+1)`: `w_j` then `a_j`).
#[derive(Clone, Debug)]
pub(crate) struct Net<S: Enclosure> {
    pub data: NetData<S>,
    pub m: usize,
    pub d: usize,
    pub n: usize,
    pub ctx: S::Ctx,
    /// `x_i = 0` exactly (every coordinate enclosed by the point interval `[0, 0]`): its guard
    /// `w_jᵀx_i` is identically 0, so it is no switching surface (see [`Net::is_guard`]).
    zero_point: Vec<bool>,
    /// For each point, the other points on the same line through 0 (`x_k = c·x_i`, `c ≠ 0`, decided
    /// exactly by [`Net::set_parallel`]; empty unless set): their guards are `c·w_jᵀx_i`, so each
    /// neuron meets all their surfaces at the same times (see [`Net::class`]).
    parallel: Vec<Vec<usize>>,
    /// `(i, k)` with `x_k = c·x_i`, `c > 0` (same direction), for `k` in `parallel[i]`.
    same_direction: Vec<(usize, usize)>,
    /// `orthogonal[i][k]`: `x_iᵀx_k = 0` exactly (decided by [`Net::set_parallel`]; all false
    /// unless set). A pattern whose active points of neuron `j` are all orthogonal to `x_i` holds
    /// `w_jᵀx_i` constant (`pinned.rs`).
    orthogonal: Vec<Vec<bool>>,
    /// Whether a point may stay on its surface with the inactive side's field: with σ'(0) = 0, or
    /// as the Clarke flow (multiplier 0). Set by [`Net::set_pinnable`].
    pinnable: bool,
}

impl<S: Enclosure> Net<S> {
    pub fn new(data: NetData<S>, m: usize, ctx: S::Ctx) -> Net<S> {
        let (d, n) = (data.d(), data.n());
        let zero_point =
            data.x.iter().map(|xi| xi.iter().all(|v| v.contains_zero() && v.width_upper() == 0.0)).collect();
        Net {
            data,
            m,
            d,
            n,
            ctx,
            zero_point,
            parallel: vec![Vec::new(); n],
            same_direction: Vec::new(),
            orthogonal: vec![vec![false; n]; n],
            pinnable: false,
        }
    }
    /// Records which points are parallel (all 2×2 minors of `x_i, x_k` vanish, both non-zero) and
    /// which are orthogonal, from the exact data `x`.
    ///
    /// From the exact Gram matrix (`O(n²d)`): `x_i ∥ x_k` iff equality holds in Cauchy–Schwarz,
    /// `(x_iᵀx_k)² = ‖x_i‖²‖x_k‖²`, both non-zero. The relations are those of the problem's data,
    /// also when the integrator works in reduced coordinates (an isometry of their span keeps them).
    pub fn set_parallel(&mut self, x: &[Vec<rug::Rational>]) {
        let dg = crate::neuron::gram::DataGram::new(x);
        let g = |i: usize, k: usize| dg.gram(i, k).clone();
        for i in 0..self.n {
            self.parallel[i] = (0..self.n)
                .filter(|&k| k != i && g(i, i) != 0 && g(k, k) != 0 && g(i, k).square() == g(i, i) * g(k, k))
                .collect();
            for &k in &self.parallel[i] {
                if g(i, k) > 0 {
                    self.same_direction.push((i, k));
                }
            }
            for k in 0..self.n {
                self.orthogonal[i][k] = g(i, k) == 0;
            }
        }
    }
    /// Allows points to stay on their surface with the inactive side's field (see `pinnable`).
    pub fn set_pinnable(&mut self, pinnable: bool) {
        self.pinnable = pinnable;
    }
    /// Whether `x_k = c·x_i` with `c > 0` (`k` in `i`'s class, decided exactly; `k = i` included):
    /// then the two guards of every neuron have the same sign.
    pub fn same_direction(&self, i: usize, k: usize) -> bool {
        k == i || self.same_direction.contains(&(i, k))
    }
    /// The points whose surfaces coincide with point `i`'s for every neuron: `i` and the points
    /// parallel to it, sorted. Along any flow their guards of one neuron are fixed multiples of
    /// each other, so they switch together: every one of them toggles when `i`'s guard crosses 0
    /// (`proofs-notes/net-validated-switches.md`, "Parallel points").
    pub fn class(&self, i: usize) -> Vec<usize> {
        let mut c = self.parallel[i].clone();
        c.push(i);
        c.sort_unstable();
        c
    }
    /// Whether point `i`'s guards are switching functions. A point with `x_i = 0` has guard 0 for
    /// every `w` and contributes nothing to the field in any pattern (`r_i x_i = 0`,
    /// `r_i w_jᵀx_i = 0`), so it never switches and is not checked; it stays in the loss, with its
    /// constant residual `−y_i` (`proofs-notes/net-validated-switches.md`, "Zero data points").
    pub fn is_guard(&self, i: usize) -> bool {
        !self.zero_point[i]
    }
    pub fn dim(&self) -> usize {
        self.m * (self.d + 1)
    }
    pub fn flatten(&self, s: &State<S>) -> Vec<S> {
        let a = s.a.as_ref().expect("two-layer state");
        (0..self.m).flat_map(|j| s.w[j].iter().cloned().chain(std::iter::once(a[j].clone()))).collect()
    }
    pub fn unflatten(&self, x: &[S]) -> State<S> {
        let b = self.d + 1;
        State {
            w: (0..self.m).map(|j| x[j * b..j * b + self.d].to_vec()).collect(),
            a: Some((0..self.m).map(|j| x[j * b + self.d].clone()).collect()),
        }
    }
    /// The pattern field in flat coordinates (H4a's `net::field::field`).
    pub fn field_flat(&self, pattern: &Pattern, x: &[S]) -> Vec<S> {
        self.flatten(&field(&self.data, pattern, &self.unflatten(x)))
    }
}
