//! The gradient-flow vector field of the two-layer network inside a fixed activation pattern, its
//! Taylor coefficients, the loss and the gradient.
//!
//! With `h(x) = Σ_j a_j σ(w_jᵀx)`, `L = c Σ_i (h(x_i) − y_i)²`, `G = 2c`, residuals
//! `r_i = h(x_i) − y_i` and active sets `A_j = {i : w_jᵀx_i > 0}` (`∪ {= 0}` when σ'(0) = 1):
//!
//! ```text
//! ẇ_j = −G a_j Σ_{i∈A_j} r_i x_i,      ȧ_j = −G Σ_{i∈A_j} r_i (w_jᵀx_i).
//! ```
//!
//! Inside a fixed pattern `r_i = Σ_{j: i∈A_j} a_j (w_jᵀx_i) − y_i` is quadratic, so the field is a
//! cubic polynomial in `(W, a)`. Every function here is a fixed sequence of backend operations
//! with no data-dependent branch once the pattern is given, so for an
//! [`Enclosure`](reluflow_arith::Enclosure) backend each result contains the exact value for
//! **every** point of the input boxes (inclusion isotonicity); for a point backend it is rounded.
//!
//! Proofs note: `proofs-notes/net-field.md` (the formulas, the Taylor recursion, balancedness).

use super::NetError;
use crate::trajectory::{Pattern, State};
use reluflow_arith::{Scalar, linalg::dot};
use reluflow_model::{Init, ModelKind, Problem, ReluPrime};
use rug::Rational;

/// Safety margin, in binary orders of magnitude, between the smallest initial weight and the
/// backend's smallest normal number: [`initial_state`] refuses initial weights below
/// `2^(S::min_normal_exp + EXPONENT_MARGIN)`, so that the weights, the products `a_j w_j` (of size
/// about `λ²` relative to the data) and the decay of shrinking neurons stay clear of underflow.
pub const EXPONENT_MARGIN: i64 = 64;

/// The data of a two-layer problem converted once into a backend.
#[derive(Clone, Debug)]
pub struct NetData<S> {
    /// The points `x_i`, `n` rows of length `d`.
    pub x: Vec<Vec<S>>,
    /// The labels `y_i`.
    pub y: Vec<S>,
    /// `G = 2c` where `L = c Σ (h − y)²`.
    pub grad_factor: S,
    /// The σ'(0) convention (decides whether a guard exactly 0 is active).
    pub relu_prime: ReluPrime,
}

impl<S: Scalar> NetData<S> {
    /// Converts the exact data of `p` (enclosed by interval backends, rounded to nearest by point
    /// backends). Works for any model kind (only the data and the loss are read).
    pub fn from_problem(p: &Problem, ctx: &S::Ctx) -> Self {
        let data = p.data();
        NetData {
            x: data.x().iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect(),
            y: data.y().iter().map(|q| S::from_rational(q, ctx)).collect(),
            grad_factor: S::from_rational(&p.grad_factor(), ctx),
            relu_prime: p.relu_prime(),
        }
    }
    /// Number of points.
    pub fn n(&self) -> usize {
        self.x.len()
    }
    /// Input dimension.
    pub fn d(&self) -> usize {
        self.x.first().map_or(0, Vec::len)
    }
    /// The backend context (taken from `grad_factor`).
    pub fn ctx(&self) -> S::Ctx {
        self.grad_factor.ctx()
    }
}

/// `⌊log₂|q|⌋` up to ±1, for `q ≠ 0`.
fn approx_exponent(q: &Rational) -> i64 {
    i64::from(q.numer().significant_bits()) - i64::from(q.denom().significant_bits())
}

fn check_range<S: Scalar>(q: &Rational, what: impl FnOnce() -> String, ctx: &S::Ctx) -> Result<(), NetError> {
    if *q == 0 {
        return Ok(());
    }
    let min_safe_exp = S::min_normal_exp(ctx) + EXPONENT_MARGIN;
    let exponent = approx_exponent(q);
    if exponent < min_safe_exp {
        return Err(NetError::ScaleOutOfRange { what: what(), exponent, min_safe_exp, backend: S::NAME });
    }
    Ok(())
}

/// The initial state `(W(0), a(0))` of a two-layer problem.
///
/// * `Init::Explicit`: the given weights, converted (enclosed / rounded).
/// * `Init::Balanced`: `w_j = λ z_j` (the exact rational product, converted once) and
///   `a_j = s_j λ ‖z_j‖` computed as `s_j · λ · √(‖z_j‖²)` with `‖z_j‖²` exact, so an interval
///   backend encloses the exact `a_j` and a point backend rounds it (a few ulps).
///
/// # Errors
/// [`NetError::NotTwoLayer`] for a single-neuron problem; [`NetError::ScaleOutOfRange`] when a
/// non-zero initial weight (or `λ‖z_j‖`) is below `2^(S::min_normal_exp + EXPONENT_MARGIN)`: e.g.
/// `scale = 1e-600` with `f64` or `inari::Interval` is refused instead of underflowing to 0.
pub fn initial_state<S: Scalar>(p: &Problem, ctx: &S::Ctx) -> Result<State<S>, NetError> {
    if p.model() != ModelKind::TwoLayer {
        return Err(NetError::NotTwoLayer);
    }
    match p.init() {
        Init::Single { .. } => Err(NetError::NotTwoLayer),
        Init::Explicit { w, a } => {
            for (j, row) in w.iter().enumerate() {
                for (k, q) in row.iter().enumerate() {
                    check_range::<S>(q, || format!("init.w[{j}][{k}]"), ctx)?;
                }
                check_range::<S>(&a[j], || format!("init.a[{j}]"), ctx)?;
            }
            Ok(State {
                w: w.iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect(),
                a: Some(a.iter().map(|q| S::from_rational(q, ctx)).collect()),
            })
        }
        Init::Balanced { scale, z, s } => {
            let lambda = S::from_rational(scale, ctx);
            let mut ws = Vec::with_capacity(z.len());
            let mut a = Vec::with_capacity(z.len());
            for (j, zj) in z.iter().enumerate() {
                let mut row = Vec::with_capacity(zj.len());
                let mut nz = Rational::new();
                for (k, q) in zj.iter().enumerate() {
                    let wq = Rational::from(scale * q);
                    check_range::<S>(&wq, || format!("init.scale · z[{j}][{k}]"), ctx)?;
                    row.push(S::from_rational(&wq, ctx));
                    nz += Rational::from(q * q);
                }
                // λ‖z_j‖ ≥ λ max|z_jk| was checked above through the largest entry; check it too.
                let norm_bound = Rational::from(scale * scale) * &nz;
                let e2 = approx_exponent(&norm_bound) / 2;
                let min_safe_exp = S::min_normal_exp(ctx) + EXPONENT_MARGIN;
                if e2 < min_safe_exp {
                    return Err(NetError::ScaleOutOfRange {
                        what: format!("init.scale · ‖z[{j}]‖"),
                        exponent: e2,
                        min_safe_exp,
                        backend: S::NAME,
                    });
                }
                let norm = S::from_rational(&nz, ctx).sqrt();
                let aj = lambda.mul(&norm);
                a.push(if s[j] < 0 { aj.neg() } else { aj });
                ws.push(row);
            }
            Ok(State { w: ws, a: Some(a) })
        }
    }
}

/// The guards `g[j][i] = w_jᵀx_i` (the switching functions of the pattern).
pub fn guards<S: Scalar>(data: &NetData<S>, s: &State<S>) -> Vec<Vec<S>> {
    let ctx = data.ctx();
    s.w.iter().map(|wj| data.x.iter().map(|xi| dot(wj, xi, &ctx)).collect()).collect()
}

/// The activation pattern at `s`: `i ∈ A_j` iff `w_jᵀx_i > 0`, or `= 0` with σ'(0) = 1.
///
/// Returns `None` if some guard's sign is undecidable in this backend (an enclosure containing 0
/// that is not exactly `[0, 0]`). `frozen[j]` is `false` for every neuron (deaths are decided by
/// the integrators, not by a snapshot). Point backends always decide (their comparison is the
/// rounded value's sign).
pub fn pattern_of<S: Scalar>(data: &NetData<S>, s: &State<S>) -> Option<Pattern> {
    let g = guards(data, s);
    let zero_active = data.relu_prime.zero_is_active();
    let mut active = Vec::with_capacity(g.len());
    for gj in &g {
        let mut aj = Vec::new();
        for (i, gi) in gj.iter().enumerate() {
            match reluflow_arith::sign_of(gi) {
                reluflow_arith::Sign::Positive => aj.push(i),
                reluflow_arith::Sign::Negative => {}
                reluflow_arith::Sign::Zero => {
                    if zero_active {
                        aj.push(i)
                    }
                }
                reluflow_arith::Sign::Unknown => return None,
            }
        }
        active.push(aj);
    }
    let frozen = vec![false; active.len()];
    Some(Pattern { active, frozen, sliding: Vec::new() })
}

/// The active list of neuron `j` as the field sees it: empty when frozen.
pub(crate) fn live(pattern: &Pattern, j: usize) -> &[usize] {
    if pattern.frozen.get(j).copied().unwrap_or(false) { &[] } else { &pattern.active[j] }
}

fn output_weights<S>(s: &State<S>) -> &[S] {
    s.a.as_deref().expect("a two-layer state has output weights `a`")
}

/// Residuals `r_i = Σ_{j: i∈A_j} a_j (w_jᵀx_i) − y_i` with the pattern held fixed (frozen neurons
/// contribute nothing), together with the guards of the active pairs `z[j][k] = w_jᵀx_{A_j[k]}`.
pub(crate) fn residuals<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>) -> (Vec<S>, Vec<Vec<S>>) {
    let ctx = data.ctx();
    let a = output_weights(s);
    let mut r: Vec<S> = data.y.iter().map(S::neg).collect();
    let mut z = Vec::with_capacity(s.w.len());
    for (j, wj) in s.w.iter().enumerate() {
        let act = live(pattern, j);
        let zj: Vec<S> = act.iter().map(|&i| dot(wj, &data.x[i], &ctx)).collect();
        for (k, &i) in act.iter().enumerate() {
            r[i].add_mul_assign(&a[j], &zj[k]);
        }
        z.push(zj);
    }
    (r, z)
}

/// The vector field `(ẇ, ȧ)` at `s` with `pattern` held fixed:
/// `ẇ_j = −G a_j Σ_{i∈A_j} r_i x_i`, `ȧ_j = −G Σ_{i∈A_j} r_i (w_jᵀx_i)`, with
/// `r_i = Σ_{j: i∈A_j} a_j w_jᵀx_i − y_i`. Frozen neurons and neurons with an empty active set get
/// the zero field (and contribute nothing to `r`). A neuron sliding on point `i`
/// (`Pattern::sliding`) gets its `ẇ_j` projected onto `x_i`'s hyperplane ([`super::sliding`]).
///
/// Guarantee: enclosure of the exact field for every point of `s` (interval backends); rounded
/// (point backends). Panics if `s.a` is `None` or the shapes disagree with `data`/`pattern`.
pub fn field<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>) -> State<S> {
    let ctx = data.ctx();
    let d = data.d();
    let a = output_weights(s);
    let (r, z) = residuals(data, pattern, s);
    let mg = data.grad_factor.neg();
    let mut dw = Vec::with_capacity(s.w.len());
    let mut da = Vec::with_capacity(s.w.len());
    for j in 0..s.w.len() {
        let act = live(pattern, j);
        let mut q = vec![S::zero(&ctx); d];
        let mut rz = S::zero(&ctx);
        for (k, &i) in act.iter().enumerate() {
            for (qc, xc) in q.iter_mut().zip(&data.x[i]) {
                qc.add_mul_assign(&r[i], xc);
            }
            rz.add_mul_assign(&r[i], &z[j][k]);
        }
        let ga = mg.mul(&a[j]);
        let wj: Vec<S> = q.iter().map(|qc| ga.mul(qc)).collect();
        dw.push(slide(data, pattern, j, wj));
        da.push(mg.mul(&rz));
    }
    State { w: dw, a: Some(da) }
}

/// Normalised Taylor coefficients `x_k = x^{(k)}(0)/k!`, `k = 0..=order`, of the solution of
/// `ẋ = field(pattern, x)`, `x(0) = s0` (so `[0] = s0`).
///
/// Recursion (automatic differentiation by series products): with the coefficients up to `k`
/// known, `z_ij[k] = W_j[k]ᵀx_i`, `r_i[k] = Σ_{j: i∈A_j} Σ_{l≤k} a_j[l] z_ij[k−l] − y_i [k = 0]`,
/// `q_j[k] = Σ_{i∈A_j} r_i[k] x_i`, and
/// `W_j[k+1] = −G/(k+1) Σ_{l≤k} a_j[l] q_j[k−l]`, `a_j[k+1] = −G/(k+1) Σ_{i∈A_j} Σ_{l≤k} r_i[l] z_ij[k−l]`.
/// Cost `O(order²·m·n + order·m·n·d)`.
///
/// Guarantee: for an interval backend and a box `s0`, each returned coefficient encloses the
/// corresponding coefficient of the solution from **every** point of `s0` (the recursion is a fixed
/// expression in `s0`). This is what a validated integrator needs when it evaluates the
/// coefficients over an a priori enclosure to bound the Taylor remainder. Panics as [`field`].
pub fn taylor_coefficients<S: Scalar>(
    data: &NetData<S>,
    pattern: &Pattern,
    s0: &State<S>,
    order: usize,
) -> Vec<State<S>> {
    let ctx = data.ctx();
    let m = s0.w.len();
    let d = data.d();
    let n = data.n();
    let mut out: Vec<State<S>> = Vec::with_capacity(order + 1);
    out.push(s0.clone());
    if order == 0 {
        return out;
    }
    let zero = S::zero(&ctx);
    let mg = data.grad_factor.neg();
    // Series per active pair, per point, per neuron.
    let mut z: Vec<Vec<Vec<S>>> = (0..m).map(|j| vec![Vec::with_capacity(order); live(pattern, j).len()]).collect();
    let mut r: Vec<Vec<S>> = vec![Vec::with_capacity(order); n];
    let mut q: Vec<Vec<Vec<S>>> = vec![Vec::with_capacity(order); m];
    for k in 0..order {
        let cur = &out[k];
        // z_ij[k]
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                z[j][p].push(dot(&cur.w[j], &data.x[i], &ctx));
            }
        }
        // r_i[k]
        let mut rk: Vec<S> = if k == 0 { data.y.iter().map(S::neg).collect() } else { vec![zero.clone(); n] };
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                for l in 0..=k {
                    let al = &output_weights(&out[l])[j];
                    rk[i].add_mul_assign(al, &z[j][p][k - l]);
                }
            }
        }
        for (ri, v) in r.iter_mut().zip(rk) {
            ri.push(v);
        }
        // q_j[k], then the next coefficient
        let c = mg.div(&S::from_i64((k + 1) as i64, &ctx));
        let mut w_next = Vec::with_capacity(m);
        let mut a_next = Vec::with_capacity(m);
        for j in 0..m {
            let act = live(pattern, j);
            let mut qk = vec![zero.clone(); d];
            for &i in act {
                for (qc, xc) in qk.iter_mut().zip(&data.x[i]) {
                    qc.add_mul_assign(&r[i][k], xc);
                }
            }
            q[j].push(qk);
            if act.is_empty() {
                w_next.push(vec![zero.clone(); d]);
                a_next.push(zero.clone());
                continue;
            }
            let mut wn = vec![zero.clone(); d];
            for l in 0..=k {
                let al = &output_weights(&out[l])[j];
                for (wc, qc) in wn.iter_mut().zip(&q[j][k - l]) {
                    wc.add_mul_assign(al, qc);
                }
            }
            let mut an = zero.clone();
            for (p, &i) in act.iter().enumerate() {
                for l in 0..=k {
                    an.add_mul_assign(&r[i][l], &z[j][p][k - l]);
                }
            }
            w_next.push(slide(data, pattern, j, wn.iter().map(|v| c.mul(v)).collect()));
            a_next.push(c.mul(&an));
        }
        out.push(State { w: w_next, a: Some(a_next) });
    }
    out
}

/// The `w_j` block `v` of the pattern field (or of one of its Taylor coefficients, which are
/// linear in it) with the sliding projection `Π_i` applied when `j` slides on point `i`, or `P_S`
/// when it slides on two ([`super::sliding`]).
fn slide<S: Scalar>(data: &NetData<S>, pattern: &Pattern, j: usize, v: Vec<S>) -> Vec<S> {
    let points = pattern.sliding_points(j);
    if points.is_empty() || pattern.frozen.get(j).copied().unwrap_or(false) {
        return v;
    }
    let xs: Vec<&[S]> = points.iter().map(|&i| &data.x[i][..]).collect();
    super::sliding::project_out_all(&xs, &v)
}

/// The loss `L = c Σ_i (Σ_j a_j σ(w_jᵀx_i) − y_i)²` with `c = G/2`, using the ReLU itself (no
/// pattern): for intervals an enclosure of the exact loss over the whole box, for points rounded.
pub fn loss<S: Scalar>(data: &NetData<S>, s: &State<S>) -> S {
    let ctx = data.ctx();
    let a = output_weights(s);
    let g = guards(data, s);
    let mut acc = S::zero(&ctx);
    for (i, yi) in data.y.iter().enumerate() {
        let mut h = yi.neg();
        for (j, gj) in g.iter().enumerate() {
            h.add_mul_assign(&a[j], &gj[i].relu());
        }
        acc = acc.add(&h.sqr());
    }
    acc.mul(&data.grad_factor).mul_2si(-1)
}

/// `∇L` at `s` with the pattern of `s` and the σ'(0) convention: `−field(pattern_of(s), s)`.
///
/// # Errors
/// [`NetError::UndecidedGuard`] if some guard's sign is undecidable (interval straddling 0): then
/// the exact gradient depends on which side the exact point is, and no single enclosure is given.
pub fn gradient<S: Scalar>(data: &NetData<S>, s: &State<S>) -> Result<State<S>, NetError> {
    let pattern = pattern_of(data, s).ok_or_else(|| first_undecided(data, s))?;
    Ok(gradient_in(data, &pattern, s))
}

/// `∇L` inside a given pattern: the negated [`field`].
pub fn gradient_in<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>) -> State<S> {
    let f = field(data, pattern, s);
    State {
        w: f.w.iter().map(|r| r.iter().map(S::neg).collect()).collect(),
        a: f.a.map(|a| a.iter().map(S::neg).collect()),
    }
}

/// The first guard whose sign is undecidable, as an error (or an `Invalid` error if none is).
pub(crate) fn first_undecided<S: Scalar>(data: &NetData<S>, s: &State<S>) -> NetError {
    for (j, gj) in guards(data, s).iter().enumerate() {
        for (i, g) in gj.iter().enumerate() {
            if reluflow_arith::sign_of(g) == reluflow_arith::Sign::Unknown {
                return NetError::UndecidedGuard { neuron: j, point: i };
            }
        }
    }
    NetError::Invalid("no undecidable guard".into())
}
