//! Two-layer instances with teacher labels: [`NetSpace`] and [`net_problem`].

use super::numbers::{into_halfspace, l1, nonneg_decimal, nonzero, scale, scaled, vector, within};
use proptest::prelude::*;
use reluflow_model::{Arithmetic, Data, Horizon, Init, Labels, LossScale, ModelKind, Problem, ReluPrime, RunConfig};
use rug::Rational;
use std::ops::RangeInclusive;

/// How the two-layer network starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetInit {
    /// `w_j = λz_j`, `a_j = s_j‖w_j‖`.
    Balanced,
    /// Explicit `w_j`, `a_j`.
    Explicit,
    /// Either, drawn per instance.
    Either,
}

/// The space of two-layer instances (teacher labels always). As for
/// [`NeuronSpace`](super::NeuronSpace), every field is a constraint built in by construction.
#[derive(Clone, Debug, PartialEq)]
pub struct NetSpace {
    /// Hidden widths.
    pub m: RangeInclusive<usize>,
    /// Input dimensions.
    pub d: RangeInclusive<usize>,
    /// Numbers of points.
    pub n: RangeInclusive<usize>,
    /// The initialisation.
    pub init: NetInit,
    /// Explicit inits get `|a_j| ≥ ‖w_j‖₁ ≥ ‖w_j‖₂` and `a_j ≠ 0` (hypothesis `nonneg-D`).
    pub nonneg_d: bool,
    /// Every point in the teacher's open half-space (every `y_i > 0`).
    pub positive_labels: bool,
    /// `w_j(0) = 0` for every `j` (forces the explicit initialisation).
    pub zero_init: bool,
    /// `Σ_j ‖w_j(0)‖₁ ≤ r` (so `Σ_j ‖w_j(0)‖₂² ≤ r²`).
    pub init_norm_bound: Option<Rational>,
    /// σ'(0), or `None` for either.
    pub relu_prime: Option<ReluPrime>,
    /// The loss normalisation.
    pub loss: LossScale,
    /// The horizon of the generated problems.
    pub horizon: Horizon,
}

impl Default for NetSpace {
    fn default() -> Self {
        NetSpace {
            m: 1..=4,
            d: 1..=3,
            n: 1..=4,
            init: NetInit::Either,
            nonneg_d: false,
            positive_labels: false,
            zero_init: false,
            init_norm_bound: None,
            relu_prime: None,
            loss: LossScale::HalfSum,
            horizon: Horizon::Finite(Rational::from(8)),
        }
    }
}

#[derive(Clone, Debug)]
struct Draw {
    x: Vec<Vec<Rational>>,
    teacher: Vec<Rational>,
    w: Vec<Vec<Rational>>,
    a: Vec<Rational>,
    signs: Vec<bool>,
    extra: Vec<Rational>,
    scale: Rational,
    balanced: bool,
    relu_prime: ReluPrime,
}

/// Two-layer problems from `space`, teacher labels `y_i = σ(vᵀx_i)`, short exact decimals.
///
/// # Panics
/// If a range of `space` is empty or starts at 0 (a programming error).
pub fn net_problem(space: &NetSpace) -> BoxedStrategy<Problem> {
    for r in [&space.m, &space.d, &space.n] {
        assert!(*r.start() >= 1 && !r.is_empty(), "ranges must lie in 1..");
    }
    let s = space.clone();
    let space = space.clone();
    (s.m.clone(), s.d.clone(), s.n.clone())
        .prop_flat_map(move |(m, d, n)| {
            let balanced = match (s.zero_init, s.init) {
                (true, _) | (_, NetInit::Explicit) => Just(false).boxed(),
                (_, NetInit::Balanced) => Just(true).boxed(),
                (_, NetInit::Either) => any::<bool>().boxed(),
            };
            let relu_prime = match s.relu_prime {
                Some(r) => Just(r).boxed(),
                None => prop_oneof![Just(ReluPrime::Zero), Just(ReluPrime::One)].boxed(),
            };
            (
                proptest::collection::vec(vector(d), n),
                vector(d),
                proptest::collection::vec(vector(d), m),
                vector(m),
                proptest::collection::vec(any::<bool>(), m),
                proptest::collection::vec(nonneg_decimal(), m),
                scale(),
                balanced,
                relu_prime,
            )
        })
        .prop_map(move |(x, teacher, w, a, signs, extra, scale, balanced, relu_prime)| {
            build(&space, Draw { x, teacher, w, a, signs, extra, scale, balanced, relu_prime })
        })
        .boxed()
}

fn init(space: &NetSpace, draw: &Draw) -> Init {
    let sign = |b: bool| if b { 1i8 } else { -1 };
    if draw.balanced {
        let z: Vec<Vec<Rational>> = draw.w.iter().cloned().map(nonzero).collect();
        let mut scale = draw.scale.clone();
        if let Some(r) = &space.init_norm_bound {
            let total: Rational = z.iter().map(|zj| l1(zj)).sum::<Rational>() * &scale;
            if total > *r {
                scale = Rational::from(&scale * r) / total;
            }
        }
        return Init::Balanced { scale, z, s: draw.signs.iter().map(|b| sign(*b)).collect() };
    }
    let mut w: Vec<Vec<Rational>> = if space.zero_init {
        vec![vec![Rational::new(); draw.teacher.len()]; draw.w.len()]
    } else {
        draw.w.iter().map(|wj| scaled(&draw.scale, wj)).collect()
    };
    if let Some(r) = &space.init_norm_bound {
        let flat: Vec<Rational> = w.iter().flatten().cloned().collect();
        let scaled_down = within(flat, r);
        w = scaled_down.chunks(draw.teacher.len()).map(<[Rational]>::to_vec).collect();
    }
    let a = if space.nonneg_d {
        let mag = |j: usize| {
            let m = l1(&w[j]) + &draw.extra[j];
            if m == 0 { Rational::from(1) } else { m }
        };
        (0..w.len()).map(|j| if draw.signs[j] { mag(j) } else { -mag(j) }).collect()
    } else {
        draw.a.clone()
    };
    Init::Explicit { w, a }
}

fn build(space: &NetSpace, mut draw: Draw) -> Problem {
    let teacher = if space.positive_labels { nonzero(draw.teacher.clone()) } else { draw.teacher.clone() };
    if space.positive_labels {
        draw.x = draw.x.drain(..).map(|xi| into_halfspace(xi, &teacher)).collect();
    }
    let init = init(space, &draw);
    let data = Data::new(draw.x, Labels::Teacher(teacher)).expect("the strategy builds rectangular non-empty data");
    let run = RunConfig { t_end: space.horizon.clone(), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, draw.relu_prime, space.loss, data, init, run)
        .expect("the strategy builds valid two-layer problems")
}
