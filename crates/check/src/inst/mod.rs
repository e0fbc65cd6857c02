//! The instance in a backend's numbers, and the gradient-flow field evaluated on an enclosure of
//! the state under a segment's activation pattern.
//!
//! On a segment the pattern is constant on the open time interval, so for every time of the
//! *closed* segment an active point has `z = x_iᵀw_j ≥ 0` (hence `σ(z) = relu(z)`) and an
//! inactive point has `z ≤ 0` (hence `σ(z) = 0`), by continuity. The field below is the one of the
//! open interval; quantities derived from it (derivatives) are valid there, and monotonicity
//! extends to the closed segment because the state is continuous. See
//! `proofs-notes/thm-gen.loss-nonincreasing.md`.

use reluflow_arith::{Scalar, linalg};
use reluflow_flow::{Pattern, State};
use reluflow_model::{ModelKind, Problem};

mod accel;

/// The data, labels and loss factors of a problem in the numbers of backend `S`.
#[derive(Clone, Debug)]
pub struct Inst<S: Scalar> {
    /// The precision context.
    pub ctx: S::Ctx,
    /// Which model.
    pub model: ModelKind,
    /// The points `x_i` (enclosures of the exact rationals).
    pub x: Vec<Vec<S>>,
    /// The labels `y_i`.
    pub y: Vec<S>,
    /// The loss factor `c` in `L = c Σ (h(x_i) − y_i)²`.
    pub c: S,
    /// The gradient factor `G = 2c`.
    pub g: S,
}

/// The velocity of the flow: `ẇ_j` for every neuron and `ȧ_j` for the two-layer model.
#[derive(Clone, Debug)]
pub struct Velocity<S> {
    /// `ẇ_j`.
    pub w: Vec<Vec<S>>,
    /// `ȧ_j` (two-layer only).
    pub a: Option<Vec<S>>,
}

impl<S: Scalar> Inst<S> {
    /// The instance of `problem` in backend `S` with context `ctx`.
    pub fn new(problem: &Problem, ctx: &S::Ctx) -> Inst<S> {
        let data = problem.data();
        let x = data.x().iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
        let y = data.y().iter().map(|q| S::from_rational(q, ctx)).collect();
        Inst {
            ctx: ctx.clone(),
            model: problem.model(),
            x,
            y,
            c: S::from_rational(&problem.loss_factor(), ctx),
            g: S::from_rational(&problem.grad_factor(), ctx),
        }
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.x.len()
    }

    /// `z_ij = x_iᵀ w_j`.
    pub fn z(&self, w: &[S], i: usize) -> S {
        linalg::dot(&self.x[i], w, &self.ctx)
    }

    /// `σ(z_ij)` for every neuron `j` and point `i` (`[j][i]`): under a pattern, `relu(z)` for
    /// active and `0` for inactive points; without one (a single instant), `relu(z)`.
    pub fn activations(&self, st: &State<S>, pattern: Option<&Pattern>) -> Vec<Vec<S>> {
        let zero = S::zero(&self.ctx);
        st.w.iter()
            .enumerate()
            .map(|(j, wj)| {
                (0..self.n())
                    .map(|i| match pattern {
                        Some(p) if !p.active[j].contains(&i) => zero.clone(),
                        _ => self.z(wj, i).relu(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The outputs `h(x_i)`: `σ(x_iᵀw)` (single neuron) or `Σ_j a_j σ(w_jᵀx_i)` (two-layer).
    pub fn outputs(&self, st: &State<S>, pattern: Option<&Pattern>) -> Vec<S> {
        let act = self.activations(st, pattern);
        (0..self.n())
            .map(|i| match &st.a {
                None => act[0][i].clone(),
                Some(a) => {
                    let mut h = S::zero(&self.ctx);
                    for (j, aj) in a.iter().enumerate() {
                        h.add_mul_assign(aj, &act[j][i]);
                    }
                    h
                }
            })
            .collect()
    }

    /// The residuals `r_i = h(x_i) − y_i`.
    pub fn residuals(&self, st: &State<S>, pattern: Option<&Pattern>) -> Vec<S> {
        self.outputs(st, pattern).iter().zip(&self.y).map(|(h, y)| h.sub(y)).collect()
    }

    /// The loss `L = c Σ_i r_i²`.
    pub fn loss(&self, st: &State<S>, pattern: Option<&Pattern>) -> S {
        let mut s = S::zero(&self.ctx);
        for r in self.residuals(st, pattern) {
            s = s.add(&r.sqr());
        }
        self.c.mul(&s)
    }

    /// `g_j = −G Σ_{i∈A_j} r_i x_i` for every neuron (zero for frozen neurons), under `pattern`;
    /// for a neuron sliding on point `i` (`Pattern::sliding`) projected onto `x_i`'s hyperplane,
    /// `Π_i g_j`: the Clarke subgradient's element the sliding motion follows.
    pub fn g(&self, st: &State<S>, pattern: &Pattern) -> Vec<Vec<S>> {
        let r = self.residuals(st, Some(pattern));
        let d = self.x.first().map_or(0, Vec::len);
        (0..st.w.len())
            .map(|j| {
                let mut gj = vec![S::zero(&self.ctx); d];
                if !pattern.frozen.get(j).copied().unwrap_or(false) {
                    for &i in &pattern.active[j] {
                        let coef = self.g.mul(&r[i]).neg();
                        for k in 0..d {
                            gj[k].add_mul_assign(&coef, &self.x[i][k]);
                        }
                    }
                }
                slide(&self.x, pattern, j, gj)
            })
            .collect()
    }

    /// The field of the open segment with `pattern`: `ẇ = −G Σ_{i∈A} r_i x_i` (single neuron);
    /// `ẇ_j = a_j g_j`, `ȧ_j = w_jᵀ g_j` with `g_j = −G Σ_{i∈A_j} r_i x_i` (two-layer); zero for
    /// frozen neurons. Sliding neurons move with `ẇ_j = a_j Π_i g_j`; `ȧ_j` keeps its form (the
    /// multiplier's term in it carries the factor `w_jᵀx_i = 0`).
    pub fn velocity(&self, st: &State<S>, pattern: &Pattern) -> Velocity<S> {
        let r = self.residuals(st, Some(pattern));
        let act = self.activations(st, Some(pattern));
        let d = self.x.first().map_or(0, Vec::len);
        let mut wdot = Vec::with_capacity(st.w.len());
        let mut adot = Vec::with_capacity(st.w.len());
        for j in 0..st.w.len() {
            let mut gj = vec![S::zero(&self.ctx); d];
            let mut wg = S::zero(&self.ctx);
            if !pattern.frozen.get(j).copied().unwrap_or(false) {
                for &i in &pattern.active[j] {
                    let coef = self.g.mul(&r[i]).neg();
                    for k in 0..d {
                        gj[k].add_mul_assign(&coef, &self.x[i][k]);
                    }
                    // w_jᵀ x_i = σ(z_ij) on the closed segment for an active point.
                    wg.add_mul_assign(&coef, &act[j][i]);
                }
            }
            let gj = slide(&self.x, pattern, j, gj);
            match &st.a {
                None => wdot.push(gj),
                Some(a) => {
                    wdot.push(linalg::scale_vec(&a[j], &gj));
                    adot.push(wg);
                }
            }
        }
        Velocity { w: wdot, a: st.a.as_ref().map(|_| adot) }
    }
}

/// `v` projected onto the hyperplanes (one or two) that neuron `j` slides on under `pattern`
/// (`proofs-notes/net-clarke-sliding.md`), else `v`.
fn slide<S: Scalar>(x: &[Vec<S>], pattern: &Pattern, j: usize, v: Vec<S>) -> Vec<S> {
    let points = pattern.sliding_points(j);
    if points.is_empty() || pattern.frozen.get(j).copied().unwrap_or(false) {
        return v;
    }
    let xs: Vec<&[S]> = points.iter().map(|&i| &x[i][..]).collect();
    reluflow_flow::net::sliding::project_out_all(&xs, &v)
}
