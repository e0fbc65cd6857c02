//! Problem files (TOML) → a validated [`reluflow_model::Problem`], and back (written by
//! `reluflow_format`: [`to_toml`], [`ProblemDoc`]; [`read_doc`] reads a written problem back as
//! an equal one).
//!
//! ```toml
//! model = "single-neuron"         # or "two-layer"
//! relu_prime_at_zero = 1          # 0 (default) or 1: the value used for σ'(0)
//! loss = "half-sum"               # "half-sum" ½Σ, "half-mean" (1/2n)Σ, "mean" (1/n)Σ
//! [data]
//! x = [[3, -1, 0], [4, 2, 0], [0, "0.1", 1]]   # numbers or decimal strings, exact
//! y = [16, 18, 0]
//! # teacher = [4, 0, 0]          # instead of y: y_i = relu(teacher·x_i)
//! [init]
//! w = [0, 0, 0]
//! # two-layer, explicit: one row of w and one output weight per hidden neuron
//! # w = [[1, 0, 0], [0, 1, 0]]
//! # a = [1, -1]
//! # two-layer, balanced: w_j(0) = scale·z_j, a_j(0) = s_j·scale·‖z_j‖
//! # scale = "1e-600"
//! # z = [[1, 0, 0], [0, 1, 0]]
//! # s = [1, -1]
//! [run]
//! t_end = "inf"
//! arithmetic = "interval"        # "f64", "mpfr", "interval" (f64 intervals) or "mpfr-interval"
//! # precision = 256              # bits, required by (and only for) "mpfr" and "mpfr-interval"
//! # tolerance = "1e-18"          # two-layer only: relative local error per step (default automatic)
//! # order = 20                   # two-layer only: Taylor order (default automatic)
//! # solution = "clarke"          # two-layer only: "fixed" (default, σ'(0) as stated) or "clarke"
//! # time_limit = 600             # seconds of wall-clock time per integration (0: none)
//! # memory_limit = 8000          # megabytes of resident memory (0: none; default 90 % of free)
//! # your own claims, checked by `check` (docs/lemmas.md), one table each:
//! # [[lemma]]
//! # name = "norm grows"
//! # text = "forall t: d/dt norm(w)^2 >= 0"
//! ```
//!
//! Every number is read as the exact rational it denotes (see [`read`]). Everything this module
//! refuses is reported as a [`SpecError`] naming the file, the line and column, the field, the
//! value and what was expected; nothing here panics on any input.

#[cfg(test)]
mod accuracy_tests;
mod budget;
#[cfg(test)]
mod doc_keys;
mod error;
mod lemmas;
mod read;
#[cfg(test)]
mod roundtrip;
#[cfg(test)]
mod run_fixtures;
#[cfg(test)]
mod solution_tests;
#[cfg(test)]
mod tests;

pub use budget::load_budget;
pub use error::{SpecError, SpecErrorKind};
pub use lemmas::load_lemmas;
pub use reluflow_format::to_toml;
pub use reluflow_format::{ProblemDoc, exact_text};

use read::{Doc, Val};
use reluflow_model::{
    Accuracy, Arithmetic, Data, F64_BITS, Horizon, Init, Labels, LossScale, MAX_ORDER, MAX_PRECISION, MIN_ORDER,
    MIN_PRECISION, ModelError, ModelKind, Problem, ReluPrime, RunConfig, Solution,
};
use std::path::Path;
use toml::de::{DeTable, DeValue};

const TOP_KEYS: &[&str] = &["model", "relu_prime_at_zero", "loss", "data", "init", "run", "lemma"];
const DATA_KEYS: &[&str] = &["x", "y", "teacher"];
const INIT_KEYS: &[&str] = &["w", "a", "scale", "z", "s"];
const RUN_KEYS: &[&str] =
    &["t_end", "arithmetic", "precision", "tolerance", "order", "solution", "time_limit", "memory_limit"];

/// Reads and validates the problem file at `path`.
pub fn load(path: &Path) -> Result<Problem, SpecError> {
    let (file, src) = read_source(path)?;
    parse(&file, &src)
}

/// The name (for messages) and the text of the file at `path`.
pub(crate) fn read_source(path: &Path) -> Result<(String, String), SpecError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(src) => Ok((file, src)),
        Err(e) => Err(SpecError { file, location: None, kind: Box::new(SpecErrorKind::Io(e)) }),
    }
}

/// The problem of a [`ProblemDoc`], read back through this reader (`name` appears in its
/// messages), so a written problem passes the same checks as one typed by hand.
///
/// # Errors
/// Whatever the reader refuses (a document not made by [`ProblemDoc::of`], e.g. a damaged log
/// line).
pub fn read_doc(doc: &ProblemDoc, name: &str) -> Result<Problem, SpecError> {
    parse(name, &doc.to_toml(&[]))
}

/// Parses the text `src` of the problem file named `file` (the name only appears in messages).
pub fn parse(file: &str, src: &str) -> Result<Problem, SpecError> {
    let doc = Doc { file, src };
    let root = DeTable::parse(src).map_err(|mut e| {
        e.set_input(Some(src));
        doc.error_at_file(SpecErrorKind::Syntax(e.to_string()))
    })?;
    let root = root.get_ref();
    doc.check_keys("", root, TOP_KEYS)?;

    let model = match root.get("model") {
        Some(v) => {
            doc.choice("model", v, &[("single-neuron", ModelKind::SingleNeuron), ("two-layer", ModelKind::TwoLayer)])?
        }
        None => return Err(doc.missing("model", "\"single-neuron\" or \"two-layer\"")),
    };
    let relu_prime = match root.get("relu_prime_at_zero") {
        Some(v) => match doc.integer("relu_prime_at_zero", v, 0..=1, "0 or 1 (the value used for σ'(0))")? {
            0 => ReluPrime::Zero,
            _ => ReluPrime::One,
        },
        None => ReluPrime::Zero,
    };
    let loss = match root.get("loss") {
        Some(v) => doc.choice(
            "loss",
            v,
            &[("half-sum", LossScale::HalfSum), ("half-mean", LossScale::HalfMean), ("mean", LossScale::Mean)],
        )?,
        None => match model {
            ModelKind::SingleNeuron => LossScale::HalfSum,
            ModelKind::TwoLayer => LossScale::HalfMean,
        },
    };

    let data_v = root.get("data").ok_or_else(|| doc.missing("data", "a table [data] with `x` and `y` or `teacher`"))?;
    let data = read_data(&doc, data_v)?;
    let init_v = root.get("init").ok_or_else(|| doc.missing("init", "a table [init] with the initial parameters"))?;
    let init = read_init(&doc, init_v, model)?;
    let run_v = root.get("run").ok_or_else(|| doc.missing("run", "a table [run] with `t_end` and `arithmetic`"))?;
    let run = read_run(&doc, run_v)?;
    let accuracy = read_accuracy(&doc, run_v)?;
    let solution = read_solution(&doc, run_v)?;

    Problem::new(model, relu_prime, loss, data, init, run)
        .and_then(|p| p.with_accuracy(accuracy))
        .and_then(|p| p.with_solution(solution))
        .map_err(|e| model_error(&doc, root, e))
}

fn read_data(doc: &Doc<'_>, v: &Val<'_>) -> Result<Data, SpecError> {
    let t = doc.table("data", v)?;
    doc.check_keys("data", t, DATA_KEYS)?;
    let x_v =
        t.get("x").ok_or_else(|| doc.missing("data.x", "the data points: a list of rows such as [[1, 0], [0, 1]]"))?;
    let x = doc.matrix("data.x", x_v, "data points")?;
    let labels = match (t.get("y"), t.get("teacher")) {
        (Some(_), Some(teacher)) => {
            return Err(doc.error(
                teacher.span(),
                SpecErrorKind::Conflict {
                    field: "data.teacher".into(),
                    message: "both `y` and `teacher` are given; give the labels `y` or a teacher whose ReLU makes them, not both".into(),
                },
            ));
        }
        (Some(y), None) => Labels::Given(doc.vector("data.y", y, "the labels")?),
        (None, Some(teacher)) => Labels::Teacher(doc.vector("data.teacher", teacher, "the teacher vector")?),
        (None, None) => {
            return Err(
                doc.missing("data.y", "the labels `y = [...]`, or `teacher = [...]` to set y_i = relu(teacher·x_i)")
            );
        }
    };
    Data::new(x, labels).map_err(|e| {
        let span = locate(t, "data", &model_field(&e)).unwrap_or_else(|| v.span());
        doc.error(span, SpecErrorKind::Model(e))
    })
}

fn read_init(doc: &Doc<'_>, v: &Val<'_>, model: ModelKind) -> Result<Init, SpecError> {
    let t = doc.table("init", v)?;
    doc.check_keys("init", t, INIT_KEYS)?;
    let explicit = t.get("w").is_some() || t.get("a").is_some();
    let balanced = ["scale", "z", "s"].iter().any(|k| t.get(*k).is_some());
    if explicit && balanced {
        let (k, val) =
            t.iter().find(|(k, _)| ["scale", "z", "s"].contains(&k.get_ref().as_ref())).expect("balanced key");
        return Err(doc.error(
            val.span(),
            SpecErrorKind::Conflict {
                field: format!("init.{}", k.get_ref()),
                message: "an explicit initialisation (`w`, `a`) and a balanced one (`scale`, `z`, `s`) are both given; keep one".into(),
            },
        ));
    }
    if balanced {
        let need = |k: &str, what: &str| t.get(k).ok_or_else(|| doc.missing(&format!("init.{k}"), what));
        let scale = doc
            .number("init.scale", need("scale", "the scale λ > 0 of the balanced initialisation, e.g. \"1e-600\"")?)?;
        let z = doc.matrix(
            "init.z",
            need("z", "the directions z_j: one row of length d per hidden neuron")?,
            "directions",
        )?;
        let s_v = need("s", "the output signs s_j: a list of 1 and -1, one per hidden neuron")?;
        let DeValue::Array(items) = s_v.get_ref() else {
            return Err(doc.bad("init.s", s_v, "a list of signs 1 or -1, one per hidden neuron"));
        };
        let s = items
            .iter()
            .enumerate()
            .map(|(j, it)| doc.integer(&format!("init.s[{j}]"), it, -1..=1, "1 or -1").map(|n| n as i8))
            .collect::<Result<Vec<i8>, _>>()?;
        if let Some(j) = s.iter().position(|&sj| sj == 0) {
            return Err(doc.bad(&format!("init.s[{j}]"), &items[j], "1 or -1"));
        }
        return Ok(Init::Balanced { scale, z, s });
    }
    let w_v = t.get("w").ok_or_else(|| {
        doc.missing(
            "init.w",
            "`w = [...]` (single neuron), `w = [[...], ...]` with `a = [...]`, or `scale`, `z`, `s` (two-layer)",
        )
    })?;
    let is_matrix = matches!(w_v.get_ref(), DeValue::Array(a) if a.first().is_some_and(|r| matches!(r.get_ref(), DeValue::Array(_))));
    if is_matrix && model == ModelKind::SingleNeuron {
        return Err(doc.bad(
            "init.w",
            w_v,
            "one weight vector such as [0, 0, 0] (model = \"single-neuron\"; a list of rows is for two-layer models)",
        ));
    }
    if is_matrix {
        let w = doc.matrix("init.w", w_v, "hidden weights")?;
        let a_v =
            t.get("a").ok_or_else(|| doc.missing("init.a", "the output weights `a = [...]`, one per row of init.w"))?;
        let a = doc.vector("init.a", a_v, "output weights")?;
        Ok(Init::Explicit { w, a })
    } else {
        let w = doc.vector("init.w", w_v, "the initial weight vector")?;
        // A flat `w` is a single neuron's. With `a` beside it (single-neuron model) or for a
        // two-layer model, Problem::new explains the mismatch; a flat `w` is never silently read
        // as a one-neuron hidden layer.
        match (t.get("a"), model) {
            (Some(a_v), ModelKind::SingleNeuron) => {
                Ok(Init::Explicit { w: vec![w], a: doc.vector("init.a", a_v, "output weights")? })
            }
            _ => Ok(Init::Single { w }),
        }
    }
}

fn read_run(doc: &Doc<'_>, v: &Val<'_>) -> Result<RunConfig, SpecError> {
    let t = doc.table("run", v)?;
    doc.check_keys("run", t, RUN_KEYS)?;
    let t_v =
        t.get("t_end").ok_or_else(|| doc.missing("run.t_end", "a time ≥ 0 such as 2000 or \"1/3\", or \"inf\""))?;
    let t_end = match t_v.get_ref() {
        DeValue::String(s) if s.trim() == "inf" => Horizon::Infinite,
        DeValue::Float(f) if matches!(f.as_str(), "inf" | "+inf") => Horizon::Infinite,
        _ => Horizon::Finite(
            doc.number("run.t_end", t_v).map_err(|_| doc.bad("run.t_end", t_v, "a time ≥ 0, or \"inf\""))?,
        ),
    };
    let a_v = t
        .get("arithmetic")
        .ok_or_else(|| doc.missing("run.arithmetic", "\"f64\", \"mpfr\", \"interval\" or \"mpfr-interval\""))?;
    let arithmetic = doc.choice(
        "run.arithmetic",
        a_v,
        &[
            ("f64", Arithmetic::F64),
            ("mpfr", Arithmetic::Mpfr),
            ("interval", Arithmetic::Interval),
            ("mpfr-interval", Arithmetic::MpfrInterval),
        ],
    )?;
    let precision_expected = format!("a number of bits from {MIN_PRECISION} to {MAX_PRECISION} (an integer)");
    let precision = match t.get("precision") {
        Some(p) if !arithmetic.has_precision() => f64_precision(doc, p, arithmetic)?,
        Some(p) => {
            doc.integer("run.precision", p, i64::from(MIN_PRECISION)..=i64::from(MAX_PRECISION), &precision_expected)?
                as u32
        }
        None if matches!(arithmetic, Arithmetic::Mpfr | Arithmetic::MpfrInterval) => {
            return Err(doc.missing(
                "run.precision",
                format!("{precision_expected}, required by arithmetic = \"{}\"", arithmetic.name()),
            ));
        }
        None => F64_BITS,
    };
    Ok(RunConfig { t_end, arithmetic, precision })
}

/// `precision` beside an f64 kind, which computes with 53 bits whatever is asked: refused (a run
/// that silently used fewer bits than written would mislead), except the harmless `53`.
fn f64_precision(doc: &Doc<'_>, p: &Val<'_>, arithmetic: Arithmetic) -> Result<u32, SpecError> {
    let validated = if arithmetic.is_validated() { "mpfr-interval" } else { "mpfr" };
    let expected = format!(
        "no `precision` with arithmetic = \"{}\", which computes in f64 (53 bits); for more bits use \
         arithmetic = \"{validated}\" with this precision",
        arithmetic.name()
    );
    doc.integer("run.precision", p, i64::from(F64_BITS)..=i64::from(F64_BITS), &expected).map(|_| F64_BITS)
}

/// `[run] tolerance` (an exact number) and `order` (an integer): the accuracy of the two-layer
/// integrators, automatic when absent.
fn read_accuracy(doc: &Doc<'_>, v: &Val<'_>) -> Result<Accuracy, SpecError> {
    let t = doc.table("run", v)?;
    let tolerance = match t.get("tolerance") {
        Some(v) => {
            let q = doc.number("run.tolerance", v)?;
            if let Err(ModelError::InvalidValue { expected, .. }) = Accuracy::new(Some(q.clone()), None) {
                return Err(doc.bad("run.tolerance", v, expected));
            }
            Some(q)
        }
        None => None,
    };
    let order_expected = format!("a Taylor order from {MIN_ORDER} to {MAX_ORDER} (an integer)");
    let order = match t.get("order") {
        Some(v) => {
            Some(doc.integer("run.order", v, i64::from(MIN_ORDER)..=i64::from(MAX_ORDER), &order_expected)? as u32)
        }
        None => None,
    };
    Accuracy::new(tolerance, order).map_err(|e| doc.error_at_file(SpecErrorKind::Model(e)))
}

/// `[run] solution`: `"fixed"` (the default) or `"clarke"`.
fn read_solution(doc: &Doc<'_>, v: &Val<'_>) -> Result<Solution, SpecError> {
    match doc.table("run", v)?.get("solution") {
        Some(v) => doc.choice("run.solution", v, &[("fixed", Solution::Fixed), ("clarke", Solution::Clarke)]),
        None => Ok(Solution::Fixed),
    }
}

/// The field named by a model error.
fn model_field(e: &ModelError) -> String {
    match e {
        ModelError::InvalidValue { field, .. } | ModelError::Inconsistent { field, .. } => field.clone(),
    }
}

/// A model error, located at the field it names when that field is in the file.
fn model_error(doc: &Doc<'_>, root: &DeTable<'_>, e: ModelError) -> SpecError {
    match locate(root, "", &model_field(&e)) {
        Some(span) => doc.error(span, SpecErrorKind::Model(e)),
        None => doc.error_at_file(SpecErrorKind::Model(e)),
    }
}

/// The span of the value at dotted path `path` (`data.x[2][1]`) below table `t` (whose own path
/// is `prefix`).
fn locate(t: &DeTable<'_>, prefix: &str, path: &str) -> Option<std::ops::Range<usize>> {
    let rest = if prefix.is_empty() { path } else { path.strip_prefix(prefix)?.strip_prefix('.')? };
    let mut parts = rest.split('.');
    let mut cur: Option<&Val<'_>> = None;
    let mut table = Some(t);
    for part in parts.by_ref() {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(k, i)| (k, i));
        let v = table?.get(key)?;
        let mut v: &Val<'_> = v;
        for idx in indices.split('[').filter(|s| !s.is_empty()) {
            let k: usize = idx.trim_end_matches(']').parse().ok()?;
            let DeValue::Array(items) = v.get_ref() else { return None };
            v = items.get(k)?;
        }
        table = match v.get_ref() {
            DeValue::Table(tt) => Some(tt),
            _ => None,
        };
        cur = Some(v);
    }
    cur.map(|v| v.span())
}
