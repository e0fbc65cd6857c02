//! Hand-built trajectories with closed-form solutions, for the checker's tests.
//!
//! Provenance: every flow here is solved by hand (noted at each fixture) and enclosed with the
//! backend's `exp`/`sqrt`; segment hulls are coordinatewise hulls of the two end states, which is
//! valid because every coordinate of these solutions is monotone in time.
#![allow(dead_code)]

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Rational};
use reluflow_flow::{Limit, Pattern, SegmentParts, State, Status, Trajectory};
use reluflow_model::*;

/// An exact rational from a decimal or ratio string.
pub fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn rows(x: &[&[&str]]) -> Vec<Vec<Rational>> {
    x.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect()
}

/// A single-neuron problem with teacher labels, loss ½Σ, σ'(0) = 0.
pub fn single(x: &[&[&str]], teacher: &[&str], w0: &[&str], t_end: Horizon) -> Problem {
    let data = Data::new(rows(x), Labels::Teacher(teacher.iter().map(|s| q(s)).collect())).unwrap();
    let run = RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 128 };
    let init = Init::Single { w: w0.iter().map(|s| q(s)).collect() };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap()
}

/// `examples/norm-growth-holds.toml`: x = e_0, e_1, teacher (2, 1), w(0) = (1, 0.5).
/// Both points active for all t; `w(t) = (2 − e^{−t}, 1 − ½e^{−t})`.
pub fn growth_holds_problem(t_end: Horizon) -> Problem {
    single(&[&["1", "0"], &["0", "1"]], &["2", "1"], &["1", "0.5"], t_end)
}

/// The closed form of [`growth_holds_problem`].
pub fn growth_holds_state<S: Enclosure>(t: &S) -> State<S> {
    let ctx = t.ctx();
    let e = t.neg().exp();
    let c = |v: i64| S::from_i64(v, &ctx);
    State { w: vec![vec![c(2).sub(&e), c(1).sub(&e.mul_2si(-1))]], a: None }
}

/// `examples/norm-growth-fails.toml`: x = e_0, e_1, teacher (0, 1), w(0) = (1, −1).
/// Only x_0 (label 0) active; `w(t) = (e^{−t}, −1)`.
pub fn growth_fails_problem(t_end: Horizon) -> Problem {
    single(&[&["1", "0"], &["0", "1"]], &["0", "1"], &["1", "-1"], t_end)
}

/// The closed form of [`growth_fails_problem`].
pub fn growth_fails_state<S: Enclosure>(t: &S) -> State<S> {
    let ctx = t.ctx();
    State { w: vec![vec![t.neg().exp(), S::from_i64(-1, &ctx)]], a: None }
}

/// A two-layer problem, d = n = 1, x = 1, teacher 1 (y = 1), loss ½Σ, σ'(0) = 0,
/// w(0) = (0.5, −1), a(0) = (0.5, 1): neuron 0 balanced and active, neuron 1 dead.
/// With u = a_0 = w_0: u̇ = u(1 − u²), so `u(t)² = 1/(1 + 3e^{−2t})`; neuron 1 frozen.
pub fn two_layer_problem(t_end: Horizon) -> Problem {
    let data = Data::new(vec![vec![q("1")]], Labels::Teacher(vec![q("1")])).unwrap();
    let run = RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 128 };
    let init = Init::Explicit { w: vec![vec![q("0.5")], vec![q("-1")]], a: vec![q("0.5"), q("1")] };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfSum, data, init, run).unwrap()
}

/// The closed form of [`two_layer_problem`].
pub fn two_layer_state<S: Enclosure>(t: &S) -> State<S> {
    let ctx = t.ctx();
    let one = S::one(&ctx);
    let u = one.div(&one.add(&S::from_i64(3, &ctx).mul(&t.mul_2si(1).neg().exp()))).sqrt();
    State { w: vec![vec![u.clone()], vec![S::from_i64(-1, &ctx)]], a: Some(vec![u, one]) }
}

/// Coordinatewise hull of two states.
pub fn hull<S: Enclosure>(a: &State<S>, b: &State<S>) -> State<S> {
    let h = |x: &[S], y: &[S]| x.iter().zip(y).map(|(u, v)| u.hull(v)).collect::<Vec<S>>();
    State {
        w: a.w.iter().zip(&b.w).map(|(x, y)| h(x, y)).collect(),
        a: match (&a.a, &b.a) {
            (Some(x), Some(y)) => Some(h(x, y)),
            _ => None,
        },
    }
}

/// A certified trajectory with segments `[k, k+1]`, `k < t_end`, all with `pattern`, the states
/// from `state_at`, and an optional limit.
pub fn build<S: Enclosure>(
    ctx: &S::Ctx,
    t_end: i64,
    state_at: impl Fn(&S) -> State<S>,
    pattern: &Pattern,
    limit: Option<Limit<S>>,
) -> Trajectory<S> {
    let t = |k: i64| S::from_i64(k, ctx);
    let segments: Vec<SegmentParts<S>> = (0..t_end)
        .map(|k| {
            let (s0, s1) = (state_at(&t(k)), state_at(&t(k + 1)));
            SegmentParts { t_start: t(k), t_end: t(k + 1), pattern: pattern.clone(), hull: hull(&s0, &s1), end: s1 }
        })
        .collect();
    Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: state_at(&t(0)),
        final_state: state_at(&t(t_end)),
        segments,
        events: vec![],
        t_final: t(t_end),
        limit,
        status: Status::Certified,
    })
    .unwrap()
}

/// Appends a tail segment `[t_final, ∞)` whose hull is the hull of the final and limit states
/// (valid for these monotone solutions).
pub fn add_tail<S: Enclosure>(traj: &mut Trajectory<S>) {
    let l = traj.limit().cloned().expect("a limit");
    let ctx = traj.t_final().ctx();
    let t_inf = S::from_f64_bounds(traj.t_final().lower_f64(), f64::INFINITY, &ctx);
    let tail = SegmentParts {
        t_start: traj.t_final().clone(),
        t_end: t_inf,
        pattern: l.pattern.clone(),
        hull: hull(traj.final_state(), &l.state),
        end: l.state.clone(),
    };
    *traj = traj.clone().edit(|p| p.segments.push(tail)).expect("a tail keeps the contract");
}

/// Pattern with the given active points for one neuron.
pub fn pat1(active: &[usize]) -> Pattern {
    Pattern { active: vec![active.to_vec()], frozen: vec![false], sliding: Vec::new() }
}

/// The growth-holds trajectory on `[0, 8]`, optionally with its limit `(2, 1)` (loss 0).
pub fn growth_holds<S: Enclosure>(ctx: &S::Ctx, with_limit: bool) -> Trajectory<S> {
    let limit = with_limit.then(|| Limit {
        state: State { w: vec![vec![S::from_i64(2, ctx), S::from_i64(1, ctx)]], a: None },
        loss: S::zero(ctx),
        pattern: pat1(&[0, 1]),
        rate: None,
        on_hyperplane: Vec::new(),
    });
    build(ctx, 8, growth_holds_state::<S>, &pat1(&[0, 1]), limit)
}

/// The growth-fails trajectory on `[0, 8]`, optionally with its limit `(0, −1)` (loss ½).
pub fn growth_fails<S: Enclosure>(ctx: &S::Ctx, with_limit: bool) -> Trajectory<S> {
    let limit = with_limit.then(|| Limit {
        state: State { w: vec![vec![S::zero(ctx), S::from_i64(-1, ctx)]], a: None },
        loss: S::one(ctx).mul_2si(-1),
        pattern: pat1(&[0]),
        rate: None,
        on_hyperplane: Vec::new(),
    });
    build(ctx, 8, growth_fails_state::<S>, &pat1(&[0]), limit)
}

/// The two-layer trajectory on `[0, 8]`.
pub fn two_layer<S: Enclosure>(ctx: &S::Ctx) -> Trajectory<S> {
    let pattern = Pattern { active: vec![vec![0], vec![]], frozen: vec![false, true], sliding: Vec::new() };
    build(ctx, 8, two_layer_state::<S>, &pattern, None)
}

/// The shallow-network instance of the CEL tests: d = n = 2, teacher e_0, three neurons (two in
/// J+, one negative), balanced at λ = 10⁻³, horizon `t_end`; every CEL entry applies.
pub fn cel_problem(t_end: &str) -> Problem {
    let x = vec![vec![q("1"), q("0.2")], vec![q("1"), q("-0.3")]];
    let data = Data::new(x, Labels::Teacher(vec![q("1"), q("0")])).unwrap();
    let init = Init::Balanced {
        scale: q("1e-3"),
        z: vec![vec![q("0.5"), q("1")], vec![q("1"), q("0.1")], vec![q("0.8"), q("-0.6")]],
        s: vec![1, -1, 1],
    };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}
