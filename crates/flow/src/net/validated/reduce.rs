//! The two-layer flow in coordinates of the data's span, so that cost follows the data.
//!
//! Every `ẇ_j = −G a_j Σ_i r_i x_i` (projected, while sliding, onto hyperplanes of data points) lies
//! in `V = span{x_i}`, and the field sees `w_j` only through the guards `x_iᵀw_j`. In an orthonormal
//! basis `q_1, …, q_r` of `V` (`Q`, `r × d`) the flow of `(Qw_j, a_j)` is the two-layer flow of the
//! data `x'_i = Qx_i ∈ ℝ^r` (`x'_iᵀQw_j = x_iᵀw_j`, and `Q` is an isometry of `V`), and
//! `w_j(t) = w_j(0) + Qᵀ(Qw_j(t) − Qw_j(0))`. The basis comes from the exact Gram matrix
//! (`K = XXᵀ`, rational, `O(n²d)` once): Gram–Schmidt on the independent points `I` in order,
//! `K_II = LDLᵀ` with `L` unit lower triangular and `D > 0` diagonal, exactly. Then
//! `x'_{ik} = (L⁻¹K_{I,i})_k / √D_k` and `Qw_j(0) = (L⁻¹ X_I w_j(0))_k / √D_k`: rational up to one
//! square root, enclosed with two roundings; `Qᵀc = X_Iᵀ L⁻ᵀ (c ⊘ √D)`. The integrator's sets are
//! `m(r+1)`-dimensional instead of `m(d+1)` (`proofs-notes/net-validated-reduced.md`).

use crate::net::field::NetData;
use crate::neuron::gram::DataGram;
use crate::trajectory::{Limit, SegmentParts, State, TrajectoryParts};
use reluflow_arith::Enclosure;
use reluflow_model::{Init, Problem};
use rug::Rational;

/// Below this `d` the integrator works in `ℝ^d` (exact data, no reduction).
const MIN_D: usize = 64;
/// Above this `n` the exact factorisation is not attempted.
const MAX_N: usize = 64;

/// The exact factorisation `K_II = LDLᵀ` of the independent points `I`, and each point's
/// coordinates `v_i = L⁻¹K_{I,i}`.
struct Factor {
    independent: Vec<usize>,
    l: Vec<Vec<Rational>>,
    diag: Vec<Rational>,
    v: Vec<Vec<Rational>>,
}

/// `L⁻¹ b` for unit lower triangular `L` (rows of length `k + 1`).
fn forward(l: &[Vec<Rational>], b: &[Rational]) -> Vec<Rational> {
    let mut out: Vec<Rational> = Vec::with_capacity(b.len());
    for (k, bk) in b.iter().enumerate() {
        let mut s = bk.clone();
        for (p, o) in out.iter().enumerate() {
            s -= Rational::from(&l[k][p] * o);
        }
        out.push(s);
    }
    out
}

fn factor(dg: &DataGram<'_>) -> Factor {
    let n = dg.n();
    let (mut independent, mut l, mut diag) = (Vec::new(), Vec::<Vec<Rational>>::new(), Vec::<Rational>::new());
    for i in 0..n {
        let col: Vec<Rational> = independent.iter().map(|&p| dg.gram(p, i).clone()).collect();
        let v = forward(&l, &col);
        let proj: Rational = v.iter().zip(&diag).map(|(vk, dk)| Rational::from(vk * vk) / dk).sum();
        let rest = Rational::from(dg.gram(i, i) - &proj);
        if rest > 0 {
            let mut row: Vec<Rational> = v.iter().zip(&diag).map(|(vk, dk)| Rational::from(vk / dk)).collect();
            row.push(Rational::from(1));
            l.push(row);
            diag.push(rest);
            independent.push(i);
        }
    }
    let v =
        (0..n).map(|i| forward(&l, &independent.iter().map(|&p| dg.gram(p, i).clone()).collect::<Vec<_>>())).collect();
    Factor { independent, l, diag, v }
}

/// The dimension the validated integrator works in for `problem`: the rank `r` of the data when
/// it reduces (`d ≥ 64`, `n < d`, `n ≤ 64`), else `d`.
pub fn working_dim(problem: &Problem) -> usize {
    let x = problem.data().x();
    let d = x.first().map_or(0, Vec::len);
    let r = if reduces(x.len(), d) { factor(&DataGram::new(x)).independent.len() } else { d };
    if r == 0 { d } else { r }
}

fn reduces(n: usize, d: usize) -> bool {
    d >= MIN_D && n < d && n <= MAX_N
}

/// The exact initial hidden weights (`λ z_j` for a balanced start); `None` for a single neuron.
fn exact_initial_w(problem: &Problem) -> Option<Vec<Vec<Rational>>> {
    match problem.init() {
        Init::Explicit { w, .. } => Some(w.clone()),
        Init::Balanced { scale, z, .. } => {
            Some(z.iter().map(|zj| zj.iter().map(|q| Rational::from(scale * q)).collect()).collect())
        }
        Init::Single { .. } => None,
    }
}

fn exact_dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(u, v)| Rational::from(u * v)).sum()
}

/// The reduced problem and the map back.
pub(crate) struct Reduced<S> {
    /// The data `x'_i = Qx_i`, labels and factor unchanged.
    pub data: NetData<S>,
    /// `(Qw_j(0), a_j(0))`.
    pub s0: State<S>,
    lift: Lift<S>,
}

/// `w_j = w_j(0) + X_Iᵀ L⁻ᵀ((w'_j − w'_j(0)) ⊘ √D)`.
struct Lift<S> {
    rows: Vec<Vec<S>>,
    /// `L` enclosed (exact rationals rounded outward).
    l: Vec<Vec<S>>,
    sqrt_d: Vec<S>,
    initial: State<S>,
    reduced_initial: Vec<Vec<S>>,
}

/// The reduction of `problem` (initial state `s0` in `ℝ^d`) when it applies ([`working_dim`]).
pub(crate) fn reduce<S: Enclosure>(
    problem: &Problem,
    s0: &State<S>,
    data: &NetData<S>,
    ctx: &S::Ctx,
) -> Option<Reduced<S>> {
    let x = problem.data().x();
    let d = x.first().map_or(0, Vec::len);
    if !reduces(x.len(), d) {
        return None;
    }
    let dg = DataGram::new(x);
    let f = factor(&dg);
    if f.independent.is_empty() {
        // Every point is 0: nothing moves the hidden weights; keep the problem as it is.
        return None;
    }
    let sqrt_d: Vec<S> = f.diag.iter().map(|q| S::from_rational(q, ctx).sqrt()).collect();
    let coords =
        |v: &[Rational]| -> Vec<S> { v.iter().zip(&sqrt_d).map(|(c, s)| S::from_rational(c, ctx).div(s)).collect() };
    let xr: Vec<Vec<S>> = f.v.iter().map(|v| coords(v)).collect();
    let wr: Vec<Vec<S>> = exact_initial_w(problem)?
        .iter()
        .map(|wj| {
            let g: Vec<Rational> = f.independent.iter().map(|&p| exact_dot(&x[p], wj)).collect();
            coords(&forward(&f.l, &g))
        })
        .collect();
    let rows = f.independent.iter().map(|&p| x[p].iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let reduced =
        NetData { x: xr, y: data.y.clone(), grad_factor: data.grad_factor.clone(), relu_prime: data.relu_prime };
    let s0r = State { w: wr.clone(), a: s0.a.clone() };
    let l = f.l.iter().map(|row| row.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let lift = Lift { rows, l, sqrt_d, initial: s0.clone(), reduced_initial: wr };
    Some(Reduced { data: reduced, s0: s0r, lift })
}

impl<S: Enclosure> Reduced<S> {
    /// The trajectory `parts` of the reduced flow in `ℝ^d`: every state lifted, the initial state
    /// the problem's own.
    pub fn lift_parts(&self, parts: TrajectoryParts<S>) -> TrajectoryParts<S> {
        let segments = parts
            .segments
            .into_iter()
            .map(|s| SegmentParts { hull: self.lift(&s.hull), end: self.lift(&s.end), ..s })
            .collect();
        let limit = parts.limit.map(|l| Limit { state: self.lift(&l.state), ..l });
        TrajectoryParts {
            initial: self.lift.initial.clone(),
            segments,
            final_state: self.lift(&parts.final_state),
            limit,
            ..parts
        }
    }

    /// The state in `ℝ^d` whose reduced coordinates are `s` (an enclosure of every such state).
    pub fn lift(&self, s: &State<S>) -> State<S> {
        let lf = &self.lift;
        let ctx = lf.sqrt_d.first().map(|v| v.ctx());
        let w =
            s.w.iter()
                .zip(&lf.reduced_initial)
                .zip(&lf.initial.w)
                .map(|((wr, w0r), w0)| {
                    let Some(ctx) = &ctx else { return w0.clone() };
                    let c: Vec<S> = wr.iter().zip(w0r).zip(&lf.sqrt_d).map(|((u, v), s)| u.sub(v).div(s)).collect();
                    // y = L⁻ᵀ c (back substitution, exact L).
                    let r = c.len();
                    let mut y = vec![S::zero(ctx); r];
                    for k in (0..r).rev() {
                        let mut acc = c[k].clone();
                        for p in k + 1..r {
                            acc = acc.sub(&lf.l[p][k].mul(&y[p]));
                        }
                        y[k] = acc;
                    }
                    let mut out = w0.clone();
                    for (yk, row) in y.iter().zip(&lf.rows) {
                        for (o, xv) in out.iter_mut().zip(row) {
                            o.add_mul_assign(yk, xv);
                        }
                    }
                    out
                })
                .collect();
        State { w, a: s.a.clone() }
    }
}
