//! [`ProblemDoc`]: a [`Problem`] in the words of the problem-file format, every number as the
//! exact text of its rational ([`exact_text`]). It is what is written: as TOML (a problem file,
//! [`ProblemDoc::to_toml`]) and as a JSON value (the search log). It is read back only through
//! the binary's TOML reader, so a written problem passes the same checks as one typed by hand.

use reluflow_model::{Horizon, Init, Problem, Solution};
use rug::{Integer, Rational};
use serde::{Deserialize, Serialize};

/// A problem file's contents (the format: `src/spec/mod.rs` of the `reluflow` binary).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProblemDoc {
    /// `"single-neuron"` or `"two-layer"`.
    pub model: String,
    /// 0 or 1.
    pub relu_prime_at_zero: u8,
    /// `"half-sum"`, `"half-mean"` or `"mean"`.
    pub loss: String,
    /// `[data]`.
    pub data: DataDoc,
    /// `[init]`.
    pub init: InitDoc,
    /// `[run]`.
    pub run: RunDoc,
}

/// `[data]`: the points and either the labels or the teacher.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataDoc {
    /// The points, one row each.
    pub x: Vec<Vec<String>>,
    /// The labels (absent when a teacher makes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Vec<String>>,
    /// The teacher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher: Option<Vec<String>>,
}

/// `[init]`: `w` (single neuron), `w` and `a` (two-layer explicit), or `scale`, `z`, `s`
/// (two-layer balanced).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitDoc {
    /// The initial weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub w: Option<Weights>,
    /// The output weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<Vec<String>>,
    /// The scale of a balanced initialisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// Its directions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z: Option<Vec<Vec<String>>>,
    /// Its output signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<Vec<i8>>,
}

/// One weight vector or one row per hidden neuron.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Weights {
    /// The single neuron's `w`.
    Vector(Vec<String>),
    /// The hidden layer's `w`, one row per neuron.
    Matrix(Vec<Vec<String>>),
}

/// `[run]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDoc {
    /// A time (exact text) or `"inf"`.
    pub t_end: String,
    /// The arithmetic's name.
    pub arithmetic: String,
    /// Bits (53 for the f64 kinds, whose files state no precision).
    pub precision: u32,
    /// The relative local error per step of the two-layer integrators (exact text; absent:
    /// automatic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<String>,
    /// The Taylor order of the two-layer integrators (absent: automatic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// The notion of solution of the two-layer flow (absent: `"fixed"`, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
}

/// The exact text of `q`: an integer (`-3`), a terminating decimal (`0.125`, or `1e-600`,
/// `1.25e-30` when it would need more than 18 digits after the point), else a ratio (`1/3`).
/// `reluflow_arith::exact::parse_exact` reads each back as `q`.
pub fn exact_text(q: &Rational) -> String {
    let den = q.denom();
    if *den == 1 {
        return q.numer().to_string();
    }
    let twos = den.find_one(0).unwrap_or(0);
    // GMP's mpz_remove divides by powers of 5 by squaring: a scale such as 1e-400000 is written
    // in milliseconds (removing one factor at a time took quadratic time, minutes).
    let (rest, fives) = Integer::from(den >> twos).remove_factor(&Integer::from(5));
    if rest != 1 {
        return q.to_string();
    }
    let k = twos.max(fives);
    let scaled = (q.numer() * Integer::from(Integer::u_pow_u(10, k))) / den;
    let (sign, digits) = (if scaled < 0 { "-" } else { "" }, scaled.abs().to_string());
    let k = k as usize;
    if k <= 18 {
        let padded = format!("{digits:0>width$}", width = k + 1);
        let (int, frac) = padded.split_at(padded.len() - k);
        return format!("{sign}{int}.{frac}");
    }
    let exp = digits.len() as i64 - 1 - k as i64;
    let (lead, tail) = digits.split_at(1);
    let tail = tail.trim_end_matches('0');
    let dot = if tail.is_empty() { String::new() } else { format!(".{tail}") };
    format!("{sign}{lead}{dot}e{exp}")
}

fn texts(v: &[Rational]) -> Vec<String> {
    v.iter().map(exact_text).collect()
}

fn rows(m: &[Vec<Rational>]) -> Vec<Vec<String>> {
    m.iter().map(|r| texts(r)).collect()
}

impl ProblemDoc {
    /// The document of `p` (exact: the binary's reader gives `p` back).
    pub fn of(p: &Problem) -> ProblemDoc {
        let data = p.data();
        let data = match data.teacher() {
            Some(v) => DataDoc { x: rows(data.x()), y: None, teacher: Some(texts(v)) },
            None => DataDoc { x: rows(data.x()), y: Some(texts(data.y())), teacher: None },
        };
        let none = InitDoc { w: None, a: None, scale: None, z: None, s: None };
        let init = match p.init() {
            Init::Single { w } => InitDoc { w: Some(Weights::Vector(texts(w))), ..none },
            Init::Explicit { w, a } => InitDoc { w: Some(Weights::Matrix(rows(w))), a: Some(texts(a)), ..none },
            Init::Balanced { scale, z, s } => {
                InitDoc { scale: Some(exact_text(scale)), z: Some(rows(z)), s: Some(s.clone()), ..none }
            }
        };
        let run = p.run();
        let t_end = match &run.t_end {
            Horizon::Finite(t) => exact_text(t),
            Horizon::Infinite => "inf".into(),
        };
        ProblemDoc {
            model: p.model().name().into(),
            relu_prime_at_zero: p.relu_prime().value(),
            loss: p.loss().name().into(),
            data,
            init,
            run: RunDoc {
                t_end,
                arithmetic: run.arithmetic.name().into(),
                precision: run.precision,
                tolerance: p.accuracy().tolerance().map(exact_text),
                order: p.accuracy().order(),
                solution: (p.solution() != Solution::Fixed).then(|| p.solution().name().into()),
            },
        }
    }
}
