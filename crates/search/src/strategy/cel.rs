//! Shallow-network instances of Chistikov–Englert–Lazić (`cel.*`): [`CelSpace`] and
//! [`cel_problem`].
//!
//! Every instance is a two-layer network with σ'(0) = 0, the loss `(1/2n) Σ (h(x_i) − y_i)²`,
//! teacher labels from a unit teacher `v* = He_1`, and the balanced initialisation
//! `w_j(0) = λz_j`, `a_j(0) = s_j‖w_j(0)‖` (the entries' checks need the teacher and `λ`). `H` is
//! the identity or a rational Householder reflection ([`super::frame`], drawn when
//! [`CelSpace::rotate`]), so `v*` is an exactly rational unit vector; shrinking moves it towards
//! `e_1`. What a switched hypothesis changes:
//!
//! * `cel.setting` (correlated data): `x_i = c_iH(1, e_i)` with `c_i > 0` and `‖e_i‖² ≤ 0.81/(d−1)
//!   < 1`, so `∠(v*, x_i) = ∠(e_1, (1, e_i)) < π/4` exactly (`H` is exactly orthogonal); relaxed,
//!   the points are any short decimals.
//! * `cel.assumption1` (spanning data among others): `n ≥ d`; relaxed, `n` may be below `d`.
//! * `cel.assumption2` (the scale): `λ = 10^−k` with `k` above the instance's own bound: the
//!   certified `δ_lo` and `Δ_hi` of `reluflow_check::cel::delta` give
//!   `k* = (3/ε)(ln m + 9nΔ²ln n/δ³)/ln 10`, and `k = ⌈k*·(1 + u)⌉ + 1` with `u ∈ {0, 1/10, 1}`
//!   (recomputed on every shrunk instance, so the bound keeps holding); relaxed, `λ = μ·10^−k` with
//!   `μ ∈ {1, 5}` and `k` from [`CelScale::Exponent`]'s ranges (large scales first).
//!
//! What a construction cannot guarantee (rank, distinct eigenvalues, the yardsticks' certified
//! crossings, an enclosable `δ`) is left to the hypothesis filter, which runs the catalogue's own
//! predicates. Scales below `10^−40` get `arithmetic = "mpfr-interval"` at 256 bits (f64 cannot hold
//! `λ²`), larger ones f64 intervals: the screen and the certified run follow the problem's arithmetic.

use super::frame::{Reflection, reflection};
use super::numbers::{nonzero, positive_decimal, vector};
use proptest::prelude::*;
use reluflow_arith::{Enclosure, MpInterval, Scalar};
use reluflow_model::{Arithmetic, Data, Horizon, Init, Labels, LossScale, ModelKind, Problem, ReluPrime, RunConfig};
use rug::{Integer, Rational};
use std::ops::RangeInclusive;

/// How `λ` is chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum CelScale {
    /// Below the instance's Assumption 2 bound (`cel.assumption2` assumed), for `ε`; instances whose
    /// bound lies below `10^−max_exponent` (or has no certified `δ`) keep a placeholder `λ` that
    /// the hypothesis filter rejects.
    BelowAssumption2 {
        /// The ε of Assumption 2.
        epsilon: Rational,
        /// The largest decimal exponent `k` drawn (`λ = 10^−k`).
        max_exponent: u64,
    },
    /// `λ = 10^−k` with `k` from one of these ranges (the first shrinks best).
    Exponent(Vec<RangeInclusive<u64>>),
}

/// The space of shallow-network instances (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct CelSpace {
    /// Hidden widths.
    pub m: RangeInclusive<usize>,
    /// Input dimensions (at least 2: Assumption 1(i)).
    pub d: RangeInclusive<usize>,
    /// Points beyond `d` (`n = d + extra`) when spanning, else `n` from `1..=d + max extra`.
    pub extra_points: RangeInclusive<usize>,
    /// `∠(v*, x_i) < π/4` built in.
    pub correlated: bool,
    /// `n ≥ d` built in.
    pub spanning: bool,
    /// How `λ` is chosen.
    pub scale: CelScale,
    /// The teacher's direction is drawn (`v* = He_1`, see the module documentation); off: `e_1`.
    pub rotate: bool,
    /// The horizon of the generated problems.
    pub horizon: Horizon,
}

/// Decimal exponents at or beyond which the problem is written for MPFR intervals.
pub const MPFR_FROM_EXPONENT: u64 = 40;

/// The exponents a relaxed scale is drawn from: large scales `10^−1..10^−3`, then moderate
/// `10^−4..10^−40` (f64), then tiny ones `10^−100..10^−1000` (MPFR) that still miss Assumption 2.
pub fn relaxed_exponents() -> Vec<RangeInclusive<u64>> {
    vec![1..=3, 4..=MPFR_FROM_EXPONENT, 100..=1000]
}

impl Default for CelSpace {
    fn default() -> Self {
        CelSpace {
            m: 2..=3,
            d: 2..=3,
            extra_points: 0..=1,
            correlated: true,
            spanning: true,
            scale: CelScale::BelowAssumption2 { epsilon: Rational::from((1, 4)), max_exponent: 2_000_000 },
            rotate: true,
            horizon: Horizon::Finite(Rational::from(8)),
        }
    }
}

#[derive(Clone, Debug)]
struct Draw {
    x: Vec<Vec<Rational>>,
    z: Vec<Vec<Rational>>,
    signs: Vec<bool>,
    exponent: u64,
    /// `1` or `5`: `λ = mantissa·10^−k` for a relaxed scale.
    mantissa: u32,
    slack: Rational,
    /// The teacher's frame `H`.
    frame: Reflection,
}

/// A short decimal `p/(10(d−1))`, `|p| ≤ 9`: `d − 1` of them have squared norm `≤ 0.81/(d−1) < 1`.
fn tilt(d: usize) -> impl Strategy<Value = Rational> + Clone {
    let q = 10 * (d as i64 - 1).max(1);
    (-9i64..=9).prop_map(move |p| Rational::from((p, q)))
}

/// A point at an angle below π/4 from `e_1`: `c(1, e)` (rotated into the teacher's frame later).
fn correlated_point(d: usize) -> impl Strategy<Value = Vec<Rational>> + Clone {
    (positive_decimal(), proptest::collection::vec(tilt(d), d - 1))
        .prop_map(|(c, e)| std::iter::once(Rational::from(1)).chain(e).map(|v| Rational::from(&v * &c)).collect())
}

/// `k` from `ranges`, the first drawn most often (weights `len, len − 1, …, 1`).
fn exponents(ranges: &[RangeInclusive<u64>]) -> BoxedStrategy<u64> {
    let weighted: Vec<(u32, BoxedStrategy<u64>)> =
        ranges.iter().enumerate().map(|(i, r)| ((ranges.len() - i) as u32, r.clone().boxed())).collect();
    proptest::strategy::Union::new_weighted(weighted).boxed()
}

/// Shallow-network problems from `space`.
///
/// # Panics
/// If a range of `space` is empty, `d` starts below 2 or `m` at 0 (a programming error).
pub fn cel_problem(space: &CelSpace) -> BoxedStrategy<Problem> {
    assert!(*space.d.start() >= 2 && *space.m.start() >= 1 && !space.m.is_empty() && !space.d.is_empty());
    let s = space.clone();
    let space = space.clone();
    (s.m.clone(), s.d.clone(), s.extra_points.clone())
        .prop_flat_map(move |(m, d, extra)| {
            let n = if s.spanning { Just(d + extra).boxed() } else { (1..=d + extra).boxed() };
            let point = if s.correlated { correlated_point(d).boxed() } else { vector(d).prop_map(nonzero).boxed() };
            let exponent = match &s.scale {
                CelScale::BelowAssumption2 { .. } => Just(0u64).boxed(),
                CelScale::Exponent(r) => exponents(r),
            };
            let slack = prop_oneof![Just((0, 1)), Just((1, 10)), Just((1, 1))].prop_map(Rational::from);
            let mantissa = match &s.scale {
                CelScale::BelowAssumption2 { .. } => Just(1u32).boxed(),
                CelScale::Exponent(_) => prop_oneof![Just(1u32), Just(5)].boxed(),
            };
            // Drawn last, so the draws before it are those of a search with the teacher `e_1`.
            let frame = if s.rotate { reflection(d).boxed() } else { Just(Reflection::identity()).boxed() };
            (
                n.prop_flat_map(move |n| proptest::collection::vec(point.clone(), n)),
                proptest::collection::vec(vector(d).prop_map(nonzero), m),
                proptest::collection::vec(any::<bool>(), m),
                exponent,
                mantissa,
                slack,
                frame,
            )
        })
        .prop_map(move |(x, z, signs, exponent, mantissa, slack, frame)| {
            build(&space, Draw { x, z, signs, exponent, mantissa, slack, frame })
        })
        .boxed()
}

fn problem(space: &CelSpace, draw: &Draw, exponent: u64, mantissa: u32) -> Problem {
    let d = draw.x[0].len();
    let teacher = draw.frame.teacher(d);
    // Correlated points are built about e_1 and carried into the teacher's frame; other points
    // are short decimals as drawn.
    let x = if space.correlated { draw.x.iter().map(|x| draw.frame.apply(x)).collect() } else { draw.x.clone() };
    let data = Data::new(x, Labels::Teacher(teacher)).expect("the strategy builds rectangular data");
    let ten_k = Integer::from(Integer::u_pow_u(10, u32::try_from(exponent).unwrap_or(u32::MAX)));
    let scale = Rational::from((Integer::from(mantissa), ten_k));
    let s = draw.signs.iter().map(|b| if *b { 1 } else { -1 }).collect();
    let init = Init::Balanced { scale, z: draw.z.clone(), s };
    let (arithmetic, precision) =
        if exponent >= MPFR_FROM_EXPONENT { (Arithmetic::MpfrInterval, 256) } else { (Arithmetic::Interval, 53) };
    let run = RunConfig { t_end: space.horizon.clone(), arithmetic, precision };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .expect("the strategy builds valid two-layer problems")
}

fn build(space: &CelSpace, draw: Draw) -> Problem {
    match &space.scale {
        CelScale::Exponent(_) => problem(space, &draw, draw.exponent, draw.mantissa),
        CelScale::BelowAssumption2 { epsilon, max_exponent } => {
            // δ does not depend on λ: the bound is computed on the instance at a placeholder
            // scale, which stays when there is no bound (the filter rejects it then).
            let placeholder = problem(space, &draw, 1, 1);
            match assumption2_exponent(&placeholder, epsilon) {
                Some(k) => {
                    let k: Rational = (k * (Rational::from(1) + &draw.slack)).ceil() + 1u32;
                    match k.numer().to_u64() {
                        Some(k) if k <= *max_exponent => problem(space, &draw, k, 1),
                        _ => placeholder,
                    }
                }
                None => placeholder,
            }
        }
    }
}

/// `k*` with `λ ≤ 10^−k*` ⇒ Assumption 2, from the certified `δ_lo` and `Δ_hi` (128-bit MPFR
/// intervals), rounded up to a rational; `None` when `δ` has no certified positive lower bound.
pub fn assumption2_exponent(p: &Problem, epsilon: &Rational) -> Option<Rational> {
    let ctx = 128u32;
    let delta = reluflow_check::cel::delta::delta::<MpInterval>(p, &ctx).ok()?;
    let d_lo = delta.value.lo_point();
    if !d_lo.certainly_pos() {
        return None;
    }
    let (m, n) = (p.init().width() as i64, p.data().n() as i64);
    let big = delta.big.hi_point();
    let e = |v: i64| MpInterval::from_i64(v, &ctx);
    let expo = e(9 * n).mul(&big.sqr()).div(&d_lo.sqr().mul(&d_lo));
    let k = e(m).ln().add(&expo.mul(&e(n).ln())).mul(&MpInterval::from_rational(&(Rational::from(3) / epsilon), &ctx));
    let k = k.div(&e(10).ln());
    let hi = k.upper_f64();
    hi.is_finite().then(|| Rational::from_f64(hi.max(0.0)).expect("finite")).map(|q| q.ceil())
}
