//! Hypotheses as three-valued predicates on an instance (data + initialisation + conventions),
//! decided exactly in rational arithmetic wherever possible.

use crate::cel;
use crate::rational::{dot, norm_sq};
use crate::teacher::Realisable;
use crate::verdict::Truth;
use reluflow_model::{Init, LossScale, ModelKind, Problem, ReluPrime};
use rug::Rational;

/// Parameters of hypotheses and conclusions that are not part of the problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The `r` of the hypothesis `small-init` (`‖w(0)‖ ≤ r`); `None` leaves it undecided.
    pub init_norm_bound: Option<Rational>,
    /// The analysis parameter `ε ∈ (0, 1/4]` of Assumption 2 (default 1/4, the weakest bound).
    pub epsilon: Rational,
    /// A zero-loss point `w*` for `gen.dist-to-interpolant` / `vs.thm8-distance`; default: the
    /// teacher, when labels come from one.
    pub w_star: Option<Vec<Rational>>,
    /// Split every finite segment into this many pieces with hulls from the field before the
    /// trajectory checks (`refine::refine`; 0 or 1: off). Default 8.
    pub refine: u32,
}

impl Params {
    /// Checks the parameters' shapes against the problem they are used on: `w*` (`--w-star`)
    /// must have one coordinate per data column. A wrong shape is a mistake in the input, not a
    /// false hypothesis: it must not make a row *vacuous*.
    ///
    /// # Errors
    /// A message naming the flag, the length given and the length expected.
    pub fn check_for(&self, p: &Problem) -> Result<(), String> {
        let d = p.data().d();
        match &self.w_star {
            Some(ws) if ws.len() != d => Err(format!(
                "--w-star has {} coordinate{} but the data points have d = {d}: give {d} comma-separated numbers",
                ws.len(),
                if ws.len() == 1 { "" } else { "s" }
            )),
            _ => Ok(()),
        }
    }
}

impl Default for Params {
    fn default() -> Params {
        Params { init_norm_bound: None, epsilon: Rational::from((1, 4)), w_star: None, refine: 8 }
    }
}

/// A hypothesis an entry may assume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hyp {
    /// Stable id (e.g. `"teacher"`).
    pub id: &'static str,
    /// The statement in words and formula.
    pub statement: &'static str,
    /// Whether the user may switch it on or off (Lee–Sim–Ye's unknown hypotheses).
    pub switchable: bool,
    /// Whether it is assumed unless the selection says otherwise.
    pub default_assumed: bool,
}

/// The initial hidden weights, exactly (`scale·z_j` for a balanced initialisation).
pub fn init_w(p: &Problem) -> Vec<Vec<Rational>> {
    match p.init() {
        Init::Single { w } => vec![w.clone()],
        Init::Explicit { w, .. } => w.clone(),
        Init::Balanced { scale, z, .. } => {
            z.iter().map(|zj| zj.iter().map(|c| Rational::from(c * scale)).collect()).collect()
        }
    }
}

/// The zero-loss comparison point: `params.w_star`, else the teacher (single neuron only).
pub fn w_star(p: &Problem, params: &Params) -> Option<Vec<Rational>> {
    params.w_star.clone().or_else(|| p.data().teacher().map(<[Rational]>::to_vec))
}

fn relu(q: Rational) -> Rational {
    if q > 0 { q } else { Rational::new() }
}

/// Decides hypothesis `id` on `problem`. Unknown ids are undecided.
pub fn eval<S: reluflow_arith::Enclosure>(id: &str, p: &Problem, params: &Params, ctx: &S::Ctx) -> Truth {
    let data = p.data();
    let single = p.model() == ModelKind::SingleNeuron;
    match id {
        "single-neuron" => Truth::from_bool(single, "model = single-neuron", "the model is not a single neuron"),
        "two-layer" => Truth::from_bool(!single, "model = two-layer", "the model is not a two-layer network"),
        "teacher" => match data.teacher() {
            Some(_) => Truth::True("labels are y_i = σ(vᵀx_i) for the given teacher".into()),
            None => teacher_truth(data.x(), data.y()),
        },
        "zero-init" => {
            let w = init_w(p);
            Truth::from_bool(w.iter().flatten().all(|c| *c == 0), "w(0) = 0 exactly", "w(0) ≠ 0")
        }
        "small-init" => match &params.init_norm_bound {
            None => Truth::Undecided("no bound r given (--small-init-radius R)".into()),
            Some(r) => {
                let n2: Rational = init_w(p).iter().map(|w| norm_sq(w)).sum();
                let r2 = Rational::from(r * r);
                Truth::from_bool(
                    *r >= 0 && n2 <= r2,
                    format!("‖w(0)‖² = {n2} ≤ r² = {r2}"),
                    format!("‖w(0)‖² = {n2} > r² = {r2}"),
                )
            }
        },
        "d2" => Truth::from_bool(data.d() == 2, "d = 2", format!("d = {}", data.d())),
        "all-active-init" => {
            let zero_active = p.relu_prime() == ReluPrime::One;
            let w = init_w(p);
            for (j, wj) in w.iter().enumerate() {
                for (i, xi) in data.x().iter().enumerate() {
                    let z = dot(xi, wj);
                    if z < 0 || (z == 0 && !zero_active) {
                        return Truth::False(format!("point {i} is inactive for neuron {j} at t = 0 (x_iᵀw = {z})"));
                    }
                }
            }
            Truth::True("every point is active at t = 0".into())
        }
        "positive-labels" => Truth::from_bool(data.y().iter().all(|y| *y > 0), "every y_i > 0", "some y_i ≤ 0"),
        "relu-prime-one" => Truth::from_bool(p.relu_prime() == ReluPrime::One, "σ'(0) = 1", "σ'(0) = 0"),
        "half-sum" => Truth::from_bool(p.loss() == LossScale::HalfSum, "L = ½Σ(·)²", "another loss normalisation"),
        "zero-loss-w*" => match w_star(p, params) {
            None => Truth::Undecided("no zero-loss point w*: give a teacher or --w-star".into()),
            Some(ws) if ws.len() != data.d() => {
                Truth::False(format!("w* has {} coordinates, not d = {}", ws.len(), data.d()))
            }
            Some(ws) => {
                let ok = data.x().iter().zip(data.y()).all(|(xi, yi)| relu(dot(xi, &ws)) == *yi);
                Truth::from_bool(ok, "σ(x_iᵀw*) = y_i for all i, exactly", "w* does not interpolate the data")
            }
        },
        "nonneg-D" => {
            let w = init_w(p);
            match p.init() {
                Init::Balanced { .. } => Truth::True("balanced: a_j(0)² = ‖w_j(0)‖²".into()),
                Init::Explicit { a, .. } => {
                    let ok = a.iter().zip(&w).all(|(aj, wj)| Rational::from(aj * aj) >= norm_sq(wj) && *aj != 0);
                    Truth::from_bool(
                        ok,
                        "a_j(0)² ≥ ‖w_j(0)‖², a_j(0) ≠ 0, exactly",
                        "some a_j(0)² < ‖w_j(0)‖² or a_j(0) = 0",
                    )
                }
                Init::Single { .. } => Truth::False("no output layer".into()),
            }
        }
        "vs.thm3-instance" => match thm3_instance(p) {
            Some((alpha, gamma)) if crate::single::thm3_bounds(&gamma).is_some() => {
                Truth::True(format!("X_γ with γ = {gamma}, y = α(16, 18, 0) with α = {alpha}"))
            }
            Some((_, gamma)) => Truth::False(format!("X_γ with γ = {gamma}: the paper states no bound for it")),
            None => Truth::False("the data is not Vardi–Shamir's X_γ, y = α(16, 18, 0)".into()),
        },
        _ => cel::eval_hyp::<S>(id, p, params, ctx),
    }
}

/// `teacher` for explicit labels, decided exactly (`teacher.rs`).
fn teacher_truth(x: &[Vec<Rational>], y: &[Rational]) -> Truth {
    match crate::teacher::realisable(x, y) {
        Realisable::Yes { v } => {
            Truth::True(format!("labels are y_i = σ(vᵀx_i) for v = {}, checked exactly", short_vector(&v)))
        }
        Realisable::No { multipliers } => {
            let points: Vec<String> = multipliers.iter().map(|(i, _)| i.to_string()).collect();
            let c: Vec<Rational> = multipliers.iter().map(|(_, c)| c.clone()).collect();
            Truth::False(format!(
                "no v has y_i = σ(vᵀx_i) for all i: points {} cannot be labelled together (exact Farkas \
                 certificate c = {} on them: Σ c_i x_i = 0, Σ c_i y_i < 0, c_i ≥ 0 where y_i = 0)",
                points.join(", "),
                short_vector(&c)
            ))
        }
        Realisable::NegativeLabel { point } => Truth::False(format!("label y_{point} is negative")),
        Realisable::Undecided(why) => Truth::Undecided(format!("realisability by a teacher not decided: {why}")),
    }
}

/// `(a, b, …)` with at most 6 coordinates shown.
fn short_vector(v: &[Rational]) -> String {
    let mut parts: Vec<String> = v.iter().take(6).map(Rational::to_string).collect();
    if v.len() > 6 {
        parts.push(format!("… ({} coordinates)", v.len()));
    }
    format!("({})", parts.join(", "))
}

/// `(α, γ)` when the data is Vardi–Shamir's Theorem 3 instance: rows `(3, −1, 0)`, `(4, 2, 0)`,
/// `(0, γ, γ)`, labels `α(16, 18, 0)` with `α > 0`, `γ ≥ 0`.
pub fn thm3_instance(p: &Problem) -> Option<(Rational, Rational)> {
    let d = p.data();
    if d.n() != 3 || d.d() != 3 {
        return None;
    }
    let x = d.x();
    let q = Rational::from;
    let gamma = x[2][1].clone();
    let rows_ok = x[0] == [q(3), q(-1), q(0)] && x[1] == [q(4), q(2), q(0)] && x[2][0] == 0 && x[2][2] == gamma;
    let alpha = Rational::from(&d.y()[0] / 16);
    let labels_ok = alpha > 0 && d.y()[1] == Rational::from(&alpha * 18) && d.y()[2] == 0;
    (rows_ok && labels_ok && gamma >= 0).then_some((alpha, gamma))
}
