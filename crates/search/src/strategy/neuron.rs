//! Single-neuron instances: [`NeuronSpace`] says which constraints are built in, [`neuron_problem`]
//! draws valid [`Problem`]s from it.

use super::numbers::{
    added, dot, into_halfspace, nonneg_decimal, nonzero, positive_decimal, relu, scale, scaled, vector, within,
};
use proptest::prelude::*;
use reluflow_model::{Arithmetic, Data, Horizon, Init, Labels, LossScale, ModelKind, Problem, ReluPrime, RunConfig};
use rug::Rational;
use std::ops::RangeInclusive;

/// Where the labels come from.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelSource {
    /// A teacher `v`: `y_i = σ(vᵀx_i)` (the problem records the teacher).
    Teacher,
    /// Explicit non-negative labels (positive ones under `positive_labels`).
    Arbitrary,
    /// Either, drawn per instance.
    Either,
    /// Explicit labels `y_i = σ(x_iᵀw*)` of a given zero-loss point `w*` (fixes `d = len(w*)`).
    Interpolating(Vec<Rational>),
}

/// The space of single-neuron instances a strategy draws from. Each field is a constraint that
/// holds on every drawn instance *by construction*, so it also holds on every shrunk one.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronSpace {
    /// Input dimensions (within `1..=5` is what the tests and benchmarks use).
    pub d: RangeInclusive<usize>,
    /// Numbers of points.
    pub n: RangeInclusive<usize>,
    /// The labels.
    pub labels: LabelSource,
    /// Every `y_i > 0` (teacher: every point in the teacher's open half-space).
    pub positive_labels: bool,
    /// σ'(0), or `None` for either.
    pub relu_prime: Option<ReluPrime>,
    /// `Some(true)`: `w(0) = 0`; `Some(false)`: `w(0) = scale·u` with `u` drawn; `None`: either
    /// (zero one time in five).
    pub zero_init: Option<bool>,
    /// Every point active at `t = 0` (points are reflected into `w(0)`'s half-space; with `w(0) = 0`
    /// the instance takes σ'(0) = 1).
    pub all_active: bool,
    /// `‖w(0)‖ ≤ r` (the initialisation is scaled down to `‖w(0)‖₁ ≤ r`).
    pub init_norm_bound: Option<Rational>,
    /// The loss normalisation, or `None` for any.
    pub loss: Option<LossScale>,
    /// The horizon of the generated problems.
    pub horizon: Horizon,
}

impl Default for NeuronSpace {
    fn default() -> Self {
        NeuronSpace {
            d: 1..=5,
            n: 1..=8,
            labels: LabelSource::Either,
            positive_labels: false,
            relu_prime: None,
            zero_init: None,
            all_active: false,
            init_norm_bound: None,
            loss: None,
            horizon: Horizon::Finite(Rational::from(8)),
        }
    }
}

/// The raw draw, before the constructions.
#[derive(Clone, Debug)]
struct Draw {
    x: Vec<Vec<Rational>>,
    teacher: Vec<Rational>,
    labels: Vec<Rational>,
    use_teacher: bool,
    direction: Vec<Rational>,
    scale: Rational,
    zero: bool,
    relu_prime: ReluPrime,
    loss: LossScale,
    tilt: Rational,
}

fn relu_prime(fixed: Option<ReluPrime>) -> BoxedStrategy<ReluPrime> {
    match fixed {
        Some(r) => Just(r).boxed(),
        None => prop_oneof![Just(ReluPrime::Zero), Just(ReluPrime::One)].boxed(),
    }
}

fn loss(fixed: Option<LossScale>) -> BoxedStrategy<LossScale> {
    match fixed {
        Some(l) => Just(l).boxed(),
        None => prop_oneof![3 => Just(LossScale::HalfSum), 1 => Just(LossScale::HalfMean), 1 => Just(LossScale::Mean)]
            .boxed(),
    }
}

fn flag(fixed: Option<bool>, p_true: f64) -> BoxedStrategy<bool> {
    match fixed {
        Some(b) => Just(b).boxed(),
        None => proptest::bool::weighted(p_true).boxed(),
    }
}

/// Single-neuron problems from `space` (see [`NeuronSpace`] for what each constraint does).
/// Data are short exact decimals; the problem's arithmetic is `interval` (certifiable as drawn).
///
/// # Panics
/// If `space` has an empty or zero dimension range (a programming error: the ranges must lie in
/// `1..`).
pub fn neuron_problem(space: &NeuronSpace) -> BoxedStrategy<Problem> {
    assert!(*space.d.start() >= 1 && *space.n.start() >= 1 && !space.d.is_empty() && !space.n.is_empty());
    let d_range = match &space.labels {
        LabelSource::Interpolating(w) => w.len()..=w.len(),
        _ => space.d.clone(),
    };
    let teacher = match space.labels {
        LabelSource::Teacher => Some(true),
        LabelSource::Arbitrary | LabelSource::Interpolating(_) => Some(false),
        LabelSource::Either => None,
    };
    let s = space.clone();
    let space = space.clone();
    (d_range, s.n.clone())
        .prop_flat_map(move |(d, n)| {
            let label = if s.positive_labels { positive_decimal().boxed() } else { nonneg_decimal().boxed() };
            (
                proptest::collection::vec(vector(d), n),
                vector(d),
                proptest::collection::vec(label, n),
                flag(teacher, 0.5),
                vector(d),
                scale(),
                flag(s.zero_init, 0.2),
                relu_prime(s.relu_prime),
                loss(s.loss),
                prop_oneof![Just((0, 1)), Just((1, 8)), Just((1, 2)), Just((1, 1))]
                    .prop_map(|(p, q): (i64, i64)| Rational::from((p, q))),
            )
        })
        .prop_map(move |(x, teacher, labels, use_teacher, direction, scale, zero, relu_prime, loss, tilt)| {
            build(&space, Draw { x, teacher, labels, use_teacher, direction, scale, zero, relu_prime, loss, tilt })
        })
        .boxed()
}

/// The labels and the (possibly reflected) points (labels of a zero-loss point are recomputed
/// after the initialisation has placed the points).
fn labels(space: &NeuronSpace, draw: &mut Draw) -> Labels {
    match &space.labels {
        LabelSource::Interpolating(ws) => {
            if space.positive_labels {
                draw.x = draw.x.drain(..).map(|xi| into_halfspace(xi, ws)).collect();
            }
            Labels::Given(draw.x.iter().map(|xi| relu(dot(xi, ws))).collect())
        }
        _ if draw.use_teacher => {
            let v = nonzero(draw.teacher.clone());
            if space.positive_labels {
                draw.x = draw.x.drain(..).map(|xi| into_halfspace(xi, &v)).collect();
            }
            Labels::Teacher(if space.positive_labels { v } else { draw.teacher.clone() })
        }
        _ => Labels::Given(draw.labels.clone()),
    }
}

/// `w(0)`, and the points reflected into its half-space when every point must start active.
fn init(space: &NeuronSpace, draw: &mut Draw, teacher_positive: Option<&[Rational]>) -> Vec<Rational> {
    let d = draw.direction.len();
    if draw.zero {
        return vec![Rational::new(); d];
    }
    let mut w = match teacher_positive {
        // Every point is in the teacher's half-space already: tilting the teacher keeps most of
        // them in w(0)'s (all of them at tilt 0); the hypothesis filter decides the rest.
        Some(v) if space.all_active => nonzero(added(v, &scaled(&draw.tilt, &draw.direction))),
        _ if space.all_active => nonzero(draw.direction.clone()),
        _ => draw.direction.clone(),
    };
    w = scaled(&draw.scale, &w);
    if let Some(r) = &space.init_norm_bound {
        w = within(w, r);
    }
    if space.all_active && teacher_positive.is_none() && w.iter().any(|c| *c != 0) {
        draw.x = draw.x.drain(..).map(|xi| into_halfspace(xi, &w)).collect();
    }
    w
}

fn build(space: &NeuronSpace, mut draw: Draw) -> Problem {
    let labels = labels(space, &mut draw);
    let teacher_positive = match &labels {
        Labels::Teacher(v) if space.positive_labels => Some(v.clone()),
        Labels::Given(_) if space.positive_labels => match &space.labels {
            LabelSource::Interpolating(ws) => Some(ws.clone()),
            _ => None,
        },
        _ => None,
    };
    let w = init(space, &mut draw, teacher_positive.as_deref());
    // Every point active from w(0) = 0 needs σ'(0) = 1.
    let relu_prime = if space.all_active && w.iter().all(|c| *c == 0) { ReluPrime::One } else { draw.relu_prime };
    // Teacher labels are computed from the final (possibly reflected) points.
    let labels = match &space.labels {
        LabelSource::Interpolating(ws) => Labels::Given(draw.x.iter().map(|xi| relu(dot(xi, ws))).collect()),
        _ => labels,
    };
    let data = Data::new(draw.x, labels).expect("the strategy builds rectangular non-empty data");
    let run = RunConfig { t_end: space.horizon.clone(), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::SingleNeuron, relu_prime, draw.loss, data, Init::Single { w }, run)
        .expect("the strategy builds valid single-neuron problems")
}
