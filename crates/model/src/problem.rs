//! The problem types and their validation.

use crate::ModelError;
use crate::accuracy::Accuracy;
use crate::solution::Solution;
use reluflow_arith::exact::{Dir, decimal_rounded};
use rug::Rational;

/// Which network is trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// `f_w(x) = σ(wᵀx)`, `w ∈ ℝ^d` (Lee–Sim–Ye; Vardi–Shamir).
    SingleNeuron,
    /// `h_θ(x) = Σ_j a_j σ(w_jᵀx)`, both layers trained (Chistikov–Englert–Lazić).
    TwoLayer,
}

impl ModelKind {
    /// The name used in problem files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::SingleNeuron => "single-neuron",
            ModelKind::TwoLayer => "two-layer",
        }
    }
}

/// The value used for the ReLU's derivative at 0 (the flow is not differentiable there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReluPrime {
    /// σ'(0) = 0 (PyTorch's convention; the shallow-network paper's).
    Zero,
    /// σ'(0) = 1 (Vardi–Shamir's, needed for w(0) = 0 to move).
    One,
}

impl ReluPrime {
    /// Whether a point with pre-activation exactly 0 counts as active.
    pub fn zero_is_active(self) -> bool {
        self == ReluPrime::One
    }
    /// The value 0 or 1.
    pub fn value(self) -> u8 {
        match self {
            ReluPrime::Zero => 0,
            ReluPrime::One => 1,
        }
    }
}

/// The loss normalisation `L = c · Σ_i (h(x_i) − y_i)²`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossScale {
    /// `c = 1/2` (Vardi–Shamir, Lee–Sim–Ye).
    HalfSum,
    /// `c = 1/(2n)` (Chistikov–Englert–Lazić).
    HalfMean,
    /// `c = 1/n` (PyTorch's `mse_loss`).
    Mean,
}

impl LossScale {
    /// The name used in problem files.
    pub fn name(self) -> &'static str {
        match self {
            LossScale::HalfSum => "half-sum",
            LossScale::HalfMean => "half-mean",
            LossScale::Mean => "mean",
        }
    }
    /// The factor `c` for `n` data points, exactly.
    pub fn factor(self, n: usize) -> Rational {
        match self {
            LossScale::HalfSum => Rational::from((1, 2)),
            LossScale::HalfMean => Rational::from((1, 2 * n as u64)),
            LossScale::Mean => Rational::from((1, n as u64)),
        }
    }
}

/// How labels were given.
#[derive(Clone, Debug, PartialEq)]
pub enum Labels {
    /// Explicit labels `y_i`.
    Given(Vec<Rational>),
    /// A teacher `v`: `y_i = σ(vᵀx_i)`, computed exactly.
    Teacher(Vec<Rational>),
}

/// The training data: `n` points `x_i ∈ ℝ^d` and labels, all exact rationals.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    x: Vec<Vec<Rational>>,
    y: Vec<Rational>,
    teacher: Option<Vec<Rational>>,
}

impl Data {
    /// Checks shapes (non-empty, rectangular, labels or teacher of matching length) and computes
    /// teacher labels exactly.
    pub fn new(x: Vec<Vec<Rational>>, labels: Labels) -> Result<Data, ModelError> {
        if x.is_empty() {
            return Err(ModelError::invalid("data.x", "an empty list", "at least one data point"));
        }
        let d = x[0].len();
        if d == 0 {
            return Err(ModelError::invalid("data.x[0]", "an empty row", "at least one coordinate"));
        }
        for (i, row) in x.iter().enumerate() {
            if row.len() != d {
                return Err(ModelError::inconsistent(
                    format!("data.x[{i}]"),
                    format!("has {} coordinates but data.x[0] has {d} (the matrix is ragged)", row.len()),
                ));
            }
        }
        let n = x.len();
        let (y, teacher) = match labels {
            Labels::Given(y) => {
                if y.len() != n {
                    return Err(ModelError::inconsistent(
                        "data.y",
                        format!("has {} labels but data.x has {n} points", y.len()),
                    ));
                }
                (y, None)
            }
            Labels::Teacher(v) => {
                if v.len() != d {
                    return Err(ModelError::inconsistent(
                        "data.teacher",
                        format!("has {} coordinates but the data points have {d}", v.len()),
                    ));
                }
                let y = x
                    .iter()
                    .map(|xi| {
                        let z: Rational = xi.iter().zip(&v).map(|(a, b)| Rational::from(a * b)).sum();
                        if z > 0 { z } else { Rational::new() }
                    })
                    .collect();
                (y, Some(v))
            }
        };
        Ok(Data { x, y, teacher })
    }
    /// Number of points.
    pub fn n(&self) -> usize {
        self.x.len()
    }
    /// Input dimension.
    pub fn d(&self) -> usize {
        self.x[0].len()
    }
    /// The points (rows).
    pub fn x(&self) -> &[Vec<Rational>] {
        &self.x
    }
    /// The labels.
    pub fn y(&self) -> &[Rational] {
        &self.y
    }
    /// The teacher, when labels were generated from one.
    pub fn teacher(&self) -> Option<&[Rational]> {
        self.teacher.as_deref()
    }
    /// `x_iᵀ x_k`, exactly.
    pub fn gram(&self, i: usize, k: usize) -> Rational {
        self.x[i].iter().zip(&self.x[k]).map(|(a, b)| Rational::from(a * b)).sum()
    }
}

/// The initial parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// Single neuron: `w(0)`.
    Single {
        /// `w(0) ∈ ℝ^d`.
        w: Vec<Rational>,
    },
    /// Two-layer, explicit: `w_j(0)` and `a_j(0)`.
    Explicit {
        /// Hidden weights, `m` rows of length `d`.
        w: Vec<Vec<Rational>>,
        /// Output weights, length `m`.
        a: Vec<Rational>,
    },
    /// Two-layer, balanced: `w_j = scale·z_j`, `a_j = s_j‖w_j‖` (the square root is enclosed by
    /// the interval backends, rounded by the point backends).
    Balanced {
        /// `λ > 0`.
        scale: Rational,
        /// Directions `z_j ≠ 0`, `m` rows of length `d`.
        z: Vec<Vec<Rational>>,
        /// Signs `s_j ∈ {−1, +1}`.
        s: Vec<i8>,
    },
}

impl Init {
    /// Number of hidden neurons (1 for the single neuron).
    pub fn width(&self) -> usize {
        match self {
            Init::Single { .. } => 1,
            Init::Explicit { a, .. } => a.len(),
            Init::Balanced { s, .. } => s.len(),
        }
    }
}

/// The time horizon of a run.
#[derive(Clone, Debug, PartialEq)]
pub enum Horizon {
    /// Integrate over `[0, T]`.
    Finite(Rational),
    /// Integrate until the limit `t → ∞` can be certified.
    Infinite,
}

/// The arithmetic a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arithmetic {
    /// f64, non-validated.
    F64,
    /// MPFR points, non-validated.
    Mpfr,
    /// f64 intervals (inari), validated.
    Interval,
    /// MPFR intervals, validated.
    MpfrInterval,
}

impl Arithmetic {
    /// The name used in problem files.
    pub fn name(self) -> &'static str {
        match self {
            Arithmetic::F64 => "f64",
            Arithmetic::Mpfr => "mpfr",
            Arithmetic::Interval => "interval",
            Arithmetic::MpfrInterval => "mpfr-interval",
        }
    }
    /// Whether results of this arithmetic are enclosures (certifiable).
    pub fn is_validated(self) -> bool {
        matches!(self, Arithmetic::Interval | Arithmetic::MpfrInterval)
    }
    /// Whether the precision is a setting of this arithmetic (the MPFR kinds); the f64 kinds
    /// always compute with 53 bits.
    pub fn has_precision(self) -> bool {
        matches!(self, Arithmetic::Mpfr | Arithmetic::MpfrInterval)
    }
    /// The bits this arithmetic computes with when `precision` is asked for.
    pub fn bits(self, precision: u32) -> u32 {
        if self.has_precision() { precision } else { F64_BITS }
    }
}

/// The significand width of the f64 kinds.
pub const F64_BITS: u32 = 53;

/// The run settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    /// Time horizon.
    pub t_end: Horizon,
    /// Arithmetic.
    pub arithmetic: Arithmetic,
    /// Bits of precision for the MPFR kinds. The f64 kinds compute with 53 bits whatever is
    /// given: [`Problem::new`] stores 53 for them, so that two problems that compute the same are
    /// equal (and a written problem file, which states no precision for them, reads back equal).
    pub precision: u32,
}

/// Smallest accepted MPFR precision in bits.
pub const MIN_PRECISION: u32 = 8;
/// Largest accepted MPFR precision in bits.
pub const MAX_PRECISION: u32 = 1 << 20;

/// A validated problem: every integrator and check takes one of these.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    model: ModelKind,
    relu_prime: ReluPrime,
    loss: LossScale,
    data: Data,
    init: Init,
    run: RunConfig,
    accuracy: Accuracy,
    solution: Solution,
}

pub(crate) fn short_text(q: &Rational) -> String {
    decimal_rounded(q, 6, Dir::Down)
}

impl Problem {
    /// Checks that the pieces fit together (model and initialisation agree, dimensions match,
    /// `λ > 0`, `z_j ≠ 0`, `s_j = ±1`, `t_end ≥ 0`, precision in range).
    pub fn new(
        model: ModelKind,
        relu_prime: ReluPrime,
        loss: LossScale,
        data: Data,
        init: Init,
        run: RunConfig,
    ) -> Result<Problem, ModelError> {
        let d = data.d();
        let row_check = |field: &str, rows: &[Vec<Rational>]| -> Result<(), ModelError> {
            if rows.is_empty() {
                return Err(ModelError::invalid(field, "an empty list", "at least one hidden neuron"));
            }
            for (j, r) in rows.iter().enumerate() {
                if r.len() != d {
                    return Err(ModelError::inconsistent(
                        format!("{field}[{j}]"),
                        format!("has {} coordinates but the data points have {d}", r.len()),
                    ));
                }
            }
            Ok(())
        };
        match (&model, &init) {
            (ModelKind::SingleNeuron, Init::Single { w }) => {
                if w.len() != d {
                    return Err(ModelError::inconsistent(
                        "init.w",
                        format!("has {} coordinates but the data points have {d}", w.len()),
                    ));
                }
            }
            (ModelKind::SingleNeuron, _) => {
                return Err(ModelError::inconsistent(
                    "init",
                    "model = \"single-neuron\" takes `w = [...]` (one vector); `a`, `scale`, `z`, `s` belong to two-layer models",
                ));
            }
            (ModelKind::TwoLayer, Init::Single { .. }) => {
                return Err(ModelError::inconsistent(
                    "init.w",
                    "model = \"two-layer\" takes `w = [[...], ...]` with `a = [...]`, or `scale`, `z` and `s`",
                ));
            }
            (ModelKind::TwoLayer, Init::Explicit { w, a }) => {
                row_check("init.w", w)?;
                if a.len() != w.len() {
                    return Err(ModelError::inconsistent(
                        "init.a",
                        format!("has {} entries but init.w has {} neurons", a.len(), w.len()),
                    ));
                }
            }
            (ModelKind::TwoLayer, Init::Balanced { scale, z, s }) => {
                if *scale <= 0 {
                    return Err(ModelError::invalid("init.scale", short_text(scale), "a number > 0"));
                }
                row_check("init.z", z)?;
                for (j, zj) in z.iter().enumerate() {
                    if zj.iter().all(|c| *c == 0) {
                        return Err(ModelError::invalid(
                            format!("init.z[{j}]"),
                            "the zero vector",
                            "a non-zero direction (the balanced initialisation needs z_j ≠ 0)",
                        ));
                    }
                }
                if s.len() != z.len() {
                    return Err(ModelError::inconsistent(
                        "init.s",
                        format!("has {} entries but init.z has {} neurons", s.len(), z.len()),
                    ));
                }
                for (j, sj) in s.iter().enumerate() {
                    if *sj != 1 && *sj != -1 {
                        return Err(ModelError::invalid(format!("init.s[{j}]"), sj.to_string(), "1 or -1"));
                    }
                }
            }
        }
        if let Horizon::Finite(t) = &run.t_end
            && *t < 0
        {
            return Err(ModelError::invalid("run.t_end", short_text(t), "a time ≥ 0, or \"inf\""));
        }
        if !(MIN_PRECISION..=MAX_PRECISION).contains(&run.precision) {
            return Err(ModelError::invalid(
                "run.precision",
                run.precision.to_string(),
                format!("a number of bits from {MIN_PRECISION} to {MAX_PRECISION}"),
            ));
        }
        let run = RunConfig { precision: run.arithmetic.bits(run.precision), ..run };
        Ok(Problem {
            model,
            relu_prime,
            loss,
            data,
            init,
            run,
            accuracy: Accuracy::automatic(),
            solution: Solution::Fixed,
        })
    }

    /// The model.
    pub fn model(&self) -> ModelKind {
        self.model
    }
    /// The σ'(0) convention.
    pub fn relu_prime(&self) -> ReluPrime {
        self.relu_prime
    }
    /// The loss normalisation.
    pub fn loss(&self) -> LossScale {
        self.loss
    }
    /// The loss factor `c` in `L = c Σ (h − y)²`, exactly.
    pub fn loss_factor(&self) -> Rational {
        self.loss.factor(self.data.n())
    }
    /// The gradient factor `2c` in `−∇L = −2c Σ (h − y) ∂h`, exactly.
    pub fn grad_factor(&self) -> Rational {
        self.loss_factor() * Rational::from(2)
    }
    /// The data.
    pub fn data(&self) -> &Data {
        &self.data
    }
    /// The initialisation.
    pub fn init(&self) -> &Init {
        &self.init
    }
    /// The run settings.
    pub fn run(&self) -> &RunConfig {
        &self.run
    }
    /// The accuracy requested from the two-layer integrators (automatic unless set by
    /// [`with_accuracy`](Problem::with_accuracy)).
    pub fn accuracy(&self) -> &Accuracy {
        &self.accuracy
    }
    /// The notion of solution of the two-layer flow (σ'(0) fixed unless set by
    /// [`with_solution`](Problem::with_solution)).
    pub fn solution(&self) -> Solution {
        self.solution
    }
    /// The same problem with other run settings (validated again; the accuracy and the solution
    /// are kept).
    pub fn with_run(&self, run: RunConfig) -> Result<Problem, ModelError> {
        Problem::new(self.model, self.relu_prime, self.loss, self.data.clone(), self.init.clone(), run)?
            .with_accuracy(self.accuracy.clone())?
            .with_solution(self.solution)
    }
    /// The same problem with another initialisation (validated again; the accuracy and the
    /// solution are kept).
    pub fn with_init(&self, init: Init) -> Result<Problem, ModelError> {
        Problem::new(self.model, self.relu_prime, self.loss, self.data.clone(), init, self.run.clone())?
            .with_accuracy(self.accuracy.clone())?
            .with_solution(self.solution)
    }
    /// The same problem with the notion of solution `solution`.
    ///
    /// # Errors
    /// [`ModelError::Inconsistent`] (field `run.solution`) for [`Solution::Clarke`] with a
    /// single-neuron model, whose certifier follows the fixed σ'(0) only.
    pub fn with_solution(&self, solution: Solution) -> Result<Problem, ModelError> {
        if self.model == ModelKind::SingleNeuron && solution != Solution::Fixed {
            return Err(ModelError::inconsistent(
                "run.solution",
                "model = \"single-neuron\" is certified with σ'(0) fixed (solution = \"fixed\"); \
                 solution = \"clarke\" (sliding along attracting surfaces) is for two-layer models",
            ));
        }
        Ok(Problem { solution, ..self.clone() })
    }
    /// The same problem with the accuracy settings `accuracy`.
    ///
    /// # Errors
    /// [`ModelError::Inconsistent`] (field `run.tolerance` or `run.order`) for a single-neuron
    /// model with a setting that is not automatic: its certifier is exact between switches (closed
    /// form, no Taylor steps), its accuracy is set by the arithmetic and `precision` alone.
    pub fn with_accuracy(&self, accuracy: Accuracy) -> Result<Problem, ModelError> {
        if self.model == ModelKind::SingleNeuron && !accuracy.is_automatic() {
            let field = if accuracy.tolerance().is_some() { "run.tolerance" } else { "run.order" };
            return Err(ModelError::inconsistent(
                field,
                "model = \"single-neuron\" is solved in closed form between switches (no Taylor steps, no step \
                 tolerance): its accuracy is set by `arithmetic` and `precision`; `tolerance` and `order` are for \
                 two-layer models",
            ));
        }
        Ok(Problem { accuracy, ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::exact::parse_exact;

    fn q(s: &str) -> Rational {
        parse_exact(s).unwrap()
    }
    fn run() -> RunConfig {
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 128 }
    }

    #[test]
    fn teacher_labels_are_exact_relus() {
        let d =
            Data::new(vec![vec![q("0.1"), q("1")], vec![q("-1"), q("0.2")]], Labels::Teacher(vec![q("3"), q("0.5")]))
                .unwrap();
        assert_eq!(d.y()[0], q("0.8"), "σ(0.3 + 0.5) = 0.8 exactly");
        assert_eq!(d.y()[1], q("0"), "σ(−3 + 0.1) = 0");
    }

    #[test]
    fn shapes_and_ranges_are_checked() {
        let x = vec![vec![q("1"), q("2")], vec![q("3")]];
        let e = Data::new(x, Labels::Given(vec![q("1"), q("2")])).unwrap_err();
        assert!(e.to_string().contains("data.x[1]"), "{e}");
        assert!(Data::new(vec![], Labels::Given(vec![])).is_err());
        let d = Data::new(vec![vec![q("1"), q("2")]], Labels::Given(vec![q("1")])).unwrap();
        let bad_scale = Init::Balanced { scale: q("0"), z: vec![vec![q("1"), q("0")]], s: vec![1] };
        let e = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, d.clone(), bad_scale, run())
            .unwrap_err();
        assert!(e.to_string().contains("init.scale"), "{e}");
        let bad_s = Init::Balanced { scale: q("1e-600"), z: vec![vec![q("1"), q("0")]], s: vec![2] };
        let e = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, d.clone(), bad_s, run())
            .unwrap_err();
        assert!(e.to_string().contains("init.s[0]"), "{e}");
        let mut r = run();
        r.precision = 1;
        let e = Problem::new(
            ModelKind::SingleNeuron,
            ReluPrime::Zero,
            LossScale::HalfSum,
            d.clone(),
            Init::Single { w: vec![q("0"), q("0")] },
            r,
        )
        .unwrap_err();
        assert!(e.to_string().contains("run.precision"), "{e}");
        let e = Problem::new(
            ModelKind::SingleNeuron,
            ReluPrime::Zero,
            LossScale::HalfSum,
            d,
            Init::Single { w: vec![q("0")] },
            run(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("init.w"), "{e}");
    }

    #[test]
    fn loss_factors() {
        assert_eq!(LossScale::HalfMean.factor(4), Rational::from((1, 8)));
        assert_eq!(LossScale::Mean.factor(4), Rational::from((1, 4)));
        assert_eq!(LossScale::HalfSum.factor(4), Rational::from((1, 2)));
    }

    #[test]
    fn clarke_is_for_two_layer_models_and_survives_other_settings() {
        let d = Data::new(vec![vec![q("1"), q("2")]], Labels::Given(vec![q("1")])).unwrap();
        let single = Init::Single { w: vec![q("0"), q("0")] };
        let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, d.clone(), single, run())
            .unwrap();
        assert_eq!(p.solution(), Solution::Fixed);
        let e = p.with_solution(Solution::Clarke).unwrap_err();
        assert!(e.to_string().starts_with("run.solution"), "{e}");
        let two = Init::Explicit { w: vec![vec![q("1"), q("0")]], a: vec![q("1")] };
        let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, d, two, run())
            .unwrap()
            .with_solution(Solution::Clarke)
            .unwrap();
        assert_eq!(p.solution(), Solution::Clarke);
        let mut r = run();
        r.t_end = Horizon::Finite(q("2"));
        assert_eq!(p.with_run(r).unwrap().solution(), Solution::Clarke, "with_run keeps the solution");
        assert_eq!(Solution::Clarke.name(), "clarke");
        assert_eq!(Solution::default().name(), "fixed");
    }
}
