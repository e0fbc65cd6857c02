//! Seeded, reproducible data and initialisations as in the shallow-network paper's experiments
//! (`shared/papers/shallow-relu-correlated-inputs.md` §7.2, reconstructed from its script).
//!
//! * `center = normalize(randn(d))`; `X = center + randn(n, d) · noise/√d` with `noise² = ρ`,
//!   `ρ = 1` ([`Scheme::Centred`], teacher `v* = center`) or `ρ = √2 − 1` ([`Scheme::Uncentred`],
//!   teacher `v* = normalize(center + randn(d) · noise/√d)`);
//! * labels `y = relu(X v*)`; the whole dataset is drawn again if a label is 0 (the script's
//!   "exclude angles > π/2" rule);
//! * balanced initialisation directions `z_j ~ N(0, I/(dm))`, signs `s_j` uniform in `{±1}`.
//!
//! Randomness: `ChaCha8Rng::seed_from_u64(seed)`, standard normals by the Box–Muller transform
//! (both outputs used), all in f64. The same seed gives bit-identical data on every platform
//! (ChaCha and IEEE f64 arithmetic are deterministic; `ln`, `cos`, `sin`, `sqrt` come from the
//! platform's libm, which is correctly rounded for `sqrt` and deterministic for a given libm).
//! The f64 values are exact binary rationals, so an instance becomes an exact [`Problem`]
//! ([`Instance::to_problem`]); its labels are recomputed exactly from the teacher.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_model::{
    Arithmetic, Data, Horizon, Init, Labels, LossScale, ModelError, ModelKind, Problem, ReluPrime, RunConfig,
};
use rug::Rational;

/// The paper's two dataset schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `ρ = 1`, teacher = the cluster centre.
    Centred,
    /// `ρ = √2 − 1`, teacher = a normalised noisy copy of the centre.
    Uncentred,
}

impl Scheme {
    /// The variance multiplier `ρ` (covariance `ρ/d · I`).
    pub fn rho(self) -> f64 {
        match self {
            Scheme::Centred => 1.0,
            Scheme::Uncentred => std::f64::consts::SQRT_2 - 1.0,
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The dataset scheme.
    pub scheme: Scheme,
    /// Number of points.
    pub n: usize,
    /// Input dimension.
    pub d: usize,
    /// Width (number of hidden neurons).
    pub m: usize,
    /// Seed of the ChaCha8 generator.
    pub seed: u64,
}

/// A generated instance, in f64 (every value is an exact binary rational).
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The points, `n` rows of length `d`.
    pub x: Vec<Vec<f64>>,
    /// The teacher `v*` (unit norm up to rounding).
    pub teacher: Vec<f64>,
    /// Labels `relu(x_iᵀv*)` in f64 (all `> 0`); [`Instance::to_problem`] recomputes them exactly.
    pub y: Vec<f64>,
    /// The initialisation directions `z_j`, `m` rows of length `d`.
    pub z: Vec<Vec<f64>>,
    /// The signs `s_j ∈ {−1, +1}`.
    pub s: Vec<i8>,
    /// How many datasets were drawn before all labels were positive (1 = the first).
    pub attempts: usize,
}

/// Standard normal samples by Box–Muller (both outputs used).
#[derive(Debug)]
pub(crate) struct Normal {
    pub(crate) rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Normal {
    /// The stream of the seed `seed`.
    pub(crate) fn new(seed: u64) -> Normal {
        Normal { rng: ChaCha8Rng::seed_from_u64(seed), spare: None }
    }

    pub(crate) fn next(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        // u1 ∈ (0, 1] so ln(u1) is finite; u2 ∈ [0, 1).
        let u1: f64 = 1.0 - self.rng.random::<f64>();
        let u2: f64 = self.rng.random::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (2.0 * std::f64::consts::PI * u2).sin_cos();
        self.spare = Some(r * s);
        r * c
    }
}

pub(crate) fn normalize(v: &mut [f64]) {
    let nrm = v.iter().map(|c| c * c).sum::<f64>().sqrt();
    for c in v {
        *c /= nrm;
    }
}

/// Largest number of datasets drawn before giving up (a label of 0 has probability far below
/// 1/2 per point in these schemes, so this is never reached in practice).
pub const MAX_ATTEMPTS: usize = 10_000;

/// Generates an instance (see the module docs for the distributions).
///
/// Panics if `n`, `d` or `m` is 0, or if [`MAX_ATTEMPTS`] datasets all had a zero label.
pub fn generate(spec: &Spec) -> Instance {
    assert!(spec.n > 0 && spec.d > 0 && spec.m > 0, "n, d and m must be positive");
    let (n, d, m) = (spec.n, spec.d, spec.m);
    let mut g = Normal::new(spec.seed);
    let noise = spec.scheme.rho().sqrt() / (d as f64).sqrt();
    for attempt in 1..=MAX_ATTEMPTS {
        let mut center: Vec<f64> = (0..d).map(|_| g.next()).collect();
        normalize(&mut center);
        let x: Vec<Vec<f64>> = (0..n).map(|_| center.iter().map(|c| c + g.next() * noise).collect()).collect();
        let teacher = match spec.scheme {
            Scheme::Centred => center.clone(),
            Scheme::Uncentred => {
                let mut t: Vec<f64> = center.iter().map(|c| c + g.next() * noise).collect();
                normalize(&mut t);
                t
            }
        };
        let y: Vec<f64> =
            x.iter().map(|xi| xi.iter().zip(&teacher).map(|(a, b)| a * b).sum::<f64>().max(0.0)).collect();
        let exact_ok = x.iter().all(|xi| {
            let z: Rational = xi.iter().zip(&teacher).map(|(a, b)| exact(*a) * exact(*b)).sum();
            z > 0
        });
        if y.iter().any(|v| *v <= 0.0) || !exact_ok {
            continue;
        }
        let sd = 1.0 / ((d * m) as f64).sqrt();
        let z: Vec<Vec<f64>> = (0..m)
            .map(|_| {
                loop {
                    let row: Vec<f64> = (0..d).map(|_| g.next() * sd).collect();
                    if row.iter().any(|c| *c != 0.0) {
                        break row;
                    }
                }
            })
            .collect();
        let s: Vec<i8> = (0..m).map(|_| if g.rng.random::<bool>() { 1 } else { -1 }).collect();
        return Instance { x, teacher, y, z, s, attempts: attempt };
    }
    panic!("{MAX_ATTEMPTS} datasets in a row had a zero label");
}

/// The run settings of a generated problem.
pub(crate) struct Conventions {
    pub(crate) relu_prime: ReluPrime,
    pub(crate) loss: LossScale,
    pub(crate) run: RunConfig,
}

/// The exact two-layer problem on the points `x` with `labels`, balanced initialisation `λ z_j`
/// (`λ = scale`) with signs `s`.
pub(crate) fn balanced(
    x: &[Vec<f64>],
    labels: Labels,
    z: &[Vec<f64>],
    s: &[i8],
    scale: Rational,
    c: Conventions,
) -> Result<Problem, ModelError> {
    let init = Init::Balanced { scale, z: exact_rows(z), s: s.to_vec() };
    Problem::new(ModelKind::TwoLayer, c.relu_prime, c.loss, Data::new(exact_rows(x), labels)?, init, c.run)
}

/// The rows of `m` as exact rationals.
pub(crate) fn exact_rows(m: &[Vec<f64>]) -> Vec<Vec<Rational>> {
    m.iter().map(|r| r.iter().map(|v| exact(*v)).collect()).collect()
}

pub(crate) fn exact(v: f64) -> Rational {
    Rational::from_f64(v).expect("generated values are finite")
}

impl Instance {
    /// The exact two-layer problem: data `x` and teacher as exact rationals (labels
    /// `σ(v*ᵀx_i)` computed exactly), balanced initialisation with `scale`, these `z` and `s`.
    ///
    /// # Errors
    /// Whatever [`Problem::new`] rejects (e.g. `scale ≤ 0`).
    pub fn to_problem(
        &self,
        scale: Rational,
        relu_prime: ReluPrime,
        loss: LossScale,
        run: RunConfig,
    ) -> Result<Problem, ModelError> {
        let teacher = self.teacher.iter().map(|v| exact(*v)).collect();
        let conv = Conventions { relu_prime, loss, run };
        balanced(&self.x, Labels::Teacher(teacher), &self.z, &self.s, scale, conv)
    }

    /// [`Instance::to_problem`] with the paper's conventions: σ'(0) = 0, `L = (1/2n) Σ (h − y)²`,
    /// infinite horizon, 256-bit MPFR intervals.
    pub fn to_paper_problem(&self, scale: Rational) -> Result<Problem, ModelError> {
        self.to_problem(
            scale,
            ReluPrime::Zero,
            LossScale::HalfMean,
            RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::MpfrInterval, precision: 256 },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_muller_has_unit_moments() {
        let mut g = Normal { rng: ChaCha8Rng::seed_from_u64(7), spare: None };
        let k = 200_000;
        let v: Vec<f64> = (0..k).map(|_| g.next()).collect();
        let mean = v.iter().sum::<f64>() / k as f64;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / k as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }

    #[test]
    fn degenerate_single_point_instance() {
        let inst = generate(&Spec { scheme: Scheme::Centred, n: 1, d: 1, m: 1, seed: 0 });
        assert_eq!(inst.x.len(), 1);
        assert!(inst.y[0] > 0.0);
        assert_eq!(inst.teacher.len(), 1);
        assert!((inst.teacher[0].abs() - 1.0).abs() < 1e-15);
    }
}
