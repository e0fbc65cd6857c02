//! Reading certificates: every refusal names the field path (`patterns[2].steps[0].hull[1]`).

mod net;
mod verdicts;

use super::*;
use serde_json::Value;
use verdicts::{Shape, verdict};

/// Why a text is not a certificate this version can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {what}")]
pub struct FormatError {
    /// The field path (`$` is the document).
    pub path: String,
    pub what: String,
}

/// Longest number string accepted (a bound on the work a hostile file can cause per number): a
/// problem's decimals may carry exponents up to ±1,000,000, so an exact `p/q` of one has a
/// numerator or denominator of a million digits (`1e-25219`, an example's initial scale, is
/// 25,222 characters).
const MAX_NUMBER_CHARS: usize = 2_100_000;

struct At<'a> {
    v: &'a Value,
    path: String,
}

fn err<T>(path: &str, what: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError { path: path.to_string(), what: what.into() })
}

impl<'a> At<'a> {
    fn field(&self, key: &str) -> Result<At<'a>, FormatError> {
        let obj = match self.v.as_object() {
            Some(o) => o,
            None => return err(&self.path, "expected an object"),
        };
        match obj.get(key) {
            Some(v) => Ok(At { v, path: format!("{}.{key}", self.path) }),
            None => err(&self.path, format!("missing field `{key}`")),
        }
    }
    /// The field `key` if the object has it.
    fn opt_field(&self, key: &str) -> Result<Option<At<'a>>, FormatError> {
        match self.v.as_object() {
            Some(o) if o.contains_key(key) => self.field(key).map(Some),
            Some(_) => Ok(None),
            None => err(&self.path, "expected an object"),
        }
    }
    /// Refuses keys other than `keys` (a certificate holds nothing the verifier does not read).
    fn only(&self, keys: &[&str]) -> Result<(), FormatError> {
        if let Some(k) = self.v.as_object().and_then(|o| o.keys().find(|k| !keys.contains(&k.as_str()))) {
            return err(&self.path, format!("unknown field `{k}`"));
        }
        Ok(())
    }
    fn items(&self) -> Result<Vec<At<'a>>, FormatError> {
        match self.v.as_array() {
            Some(a) => Ok(a.iter().enumerate().map(|(i, v)| At { v, path: format!("{}[{i}]", self.path) }).collect()),
            None => err(&self.path, "expected an array"),
        }
    }
    fn str(&self) -> Result<&'a str, FormatError> {
        self.v.as_str().map_or_else(|| err(&self.path, "expected a string"), Ok)
    }
    fn index(&self, below: usize) -> Result<usize, FormatError> {
        match self.v.as_u64() {
            Some(k) if (k as usize) < below && k < u64::from(u32::MAX) => Ok(k as usize),
            _ => err(&self.path, format!("expected an index below {below}, got {}", self.v)),
        }
    }
    fn q(&self) -> Result<Rational, FormatError> {
        let s = self.str()?;
        parse_q(s).map_or_else(|w| err(&self.path, w), Ok)
    }
    fn qs(&self, len: usize) -> Result<Vec<Rational>, FormatError> {
        let v: Vec<Rational> = self.items()?.iter().map(|a| a.q()).collect::<Result<_, _>>()?;
        if v.len() != len {
            return err(&self.path, format!("expected {len} numbers, got {}", v.len()));
        }
        Ok(v)
    }
    fn iv(&self) -> Result<Iv, FormatError> {
        let it = self.items()?;
        if it.len() != 2 {
            return err(&self.path, "expected an interval [lo, hi]");
        }
        let (lo, hi) = (it[0].q()?, it[1].q()?);
        if lo > hi {
            return err(&self.path, "interval with lo > hi");
        }
        Ok(Iv { lo, hi })
    }
    fn ivs(&self, len: usize) -> Result<Vec<Iv>, FormatError> {
        let v: Vec<Iv> = self.items()?.iter().map(|a| a.iv()).collect::<Result<_, _>>()?;
        if v.len() != len {
            return err(&self.path, format!("expected {len} intervals, got {}", v.len()));
        }
        Ok(v)
    }
    fn pair(&self) -> Result<(Rational, Rational), FormatError> {
        let it = self.items()?;
        if it.len() != 2 {
            return err(&self.path, "expected two times [t0, t1]");
        }
        Ok((it[0].q()?, it[1].q()?))
    }
}

/// An integer or `p/q` with `q > 0`, in decimal digits (an optional `-` on `p`).
pub(crate) fn parse_q(s: &str) -> Result<Rational, String> {
    if s.len() > MAX_NUMBER_CHARS {
        return Err(format!("number longer than {MAX_NUMBER_CHARS} characters"));
    }
    let int = |t: &str, signed: bool| -> Result<rug::Integer, String> {
        let digits = if signed { t.strip_prefix('-').unwrap_or(t) } else { t };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("expected an integer or p/q, got {s:?}"));
        }
        rug::Integer::from_str_radix(t, 10).map_err(|e| format!("{s:?}: {e}"))
    };
    match s.split_once('/') {
        None => Ok(Rational::from(int(s, true)?)),
        Some((p, q)) => {
            let (p, q) = (int(p, true)?, int(q, false)?);
            if q == 0 {
                return Err(format!("zero denominator in {s:?}"));
            }
            Ok(Rational::from((p, q)))
        }
    }
}

/// Reads a certificate (see the crate documentation). Shapes are checked here (dimensions,
/// indices, `lo ≤ hi`, `ρ ≥ 0`); what the numbers claim is the verifier's business.
pub fn from_text(text: &str) -> Result<Certificate, FormatError> {
    let v: Value = serde_json::from_str(text).or_else(|e| err("$", format!("not JSON: {e}")))?;
    let root = At { v: &v, path: "$".into() };
    if root.field("format")?.str()? != FORMAT {
        return err("$.format", format!("expected \"{FORMAT}\""));
    }
    let version = root.field("version")?;
    let Some(version) = version.v.as_u64().filter(|v| READS.contains(v)) else {
        return err("$.version", format!("this reader knows versions {READS:?}, got {}", version.v));
    };
    match root.field("model")?.str()? {
        "single-neuron" => {
            root.only(&["format", "version", "model", "problem", "patterns", "verdicts", "flat"])?;
            Ok(Certificate::SingleNeuron(neuron(&root, version)?))
        }
        "two-layer" if version >= 3 => net::net(&root),
        "two-layer" => err("$.model", "the two-layer model needs version 3"),
        other => err("$.model", format!("model {other:?} is not supported by version {VERSION}")),
    }
}

fn neuron(root: &At<'_>, version: u64) -> Result<Neuron, FormatError> {
    let problem = problem(&root.field("problem")?)?;
    let (n, d) = (problem.x.len(), problem.w0.len());
    let pats = root.field("patterns")?;
    let patterns: Vec<PatternCert> = pats.items()?.iter().map(|p| pattern(p, n, d)).collect::<Result<_, _>>()?;
    if patterns.is_empty() {
        return err(&pats.path, "expected at least one pattern");
    }
    let verdicts = match root.opt_field("verdicts")? {
        None => Vec::new(),
        Some(v) if version < 2 => return err(&v.path, "verdicts need version 2"),
        Some(v) => {
            let shape = Shape::Neuron { n, d, patterns: patterns.len() };
            v.items()?.iter().map(|w| verdict(w, shape)).collect::<Result<_, _>>()?
        }
    };
    let flat = match root.opt_field("flat")? {
        None => Vec::new(),
        Some(f) if version < 2 => return err(&f.path, "flat guards need version 2"),
        Some(f) => {
            let v: Vec<usize> = f.items()?.iter().map(|a| a.index(n)).collect::<Result<_, _>>()?;
            if v.windows(2).any(|w| w[0] >= w[1]) {
                return err(&f.path, "expected increasing point indices");
            }
            v
        }
    };
    Ok(Neuron { problem, flat, patterns, verdicts })
}

fn problem(p: &At<'_>) -> Result<NeuronProblem, FormatError> {
    p.only(&["x", "y", "relu_prime_at_zero", "loss", "w0", "t_end"])?;
    let (x, y, relu_prime_at_zero, loss, t_end) = common(p)?;
    let w0 = p.field("w0")?.qs(x[0].len())?;
    Ok(NeuronProblem { x, y, relu_prime_at_zero, loss, w0, t_end })
}

/// The data, labels, σ'(0), loss and horizon that both models' problems state.
#[allow(clippy::type_complexity)]
fn common(p: &At<'_>) -> Result<(Vec<Vec<Rational>>, Vec<Rational>, u8, Loss, Horizon), FormatError> {
    let xs = p.field("x")?;
    let rows = xs.items()?;
    if rows.is_empty() {
        return err(&xs.path, "expected at least one point");
    }
    let d = rows[0].items()?.len();
    if d == 0 {
        return err(&rows[0].path, "expected at least one coordinate");
    }
    let x: Vec<Vec<Rational>> = rows.iter().map(|r| r.qs(d)).collect::<Result<_, _>>()?;
    let y = p.field("y")?.qs(x.len())?;
    let rp = p.field("relu_prime_at_zero")?;
    let relu_prime_at_zero = match rp.v.as_u64() {
        Some(k @ (0 | 1)) => k as u8,
        _ => return err(&rp.path, "expected 0 or 1"),
    };
    let lf = p.field("loss")?;
    let loss = Loss::from_name(lf.str()?).map_or_else(|| err(&lf.path, "expected half-sum, half-mean or mean"), Ok)?;
    let te = p.field("t_end")?;
    let t_end = match te.str()? {
        "inf" => Horizon::Infinite,
        _ => {
            let t = te.q()?;
            if t < 0 {
                return err(&te.path, "expected t_end ≥ 0");
            }
            Horizon::Finite(t)
        }
    };
    Ok((x, y, relu_prime_at_zero, loss, t_end))
}

fn ball(b: &At<'_>, d: usize) -> Result<Ball, FormatError> {
    b.only(&["u", "rho"])?;
    let u = b.field("u")?.qs(d)?;
    let r = b.field("rho")?;
    let rho = r.q()?;
    if rho < 0 {
        return err(&r.path, "expected a radius ≥ 0");
    }
    Ok(Ball { u, rho })
}

fn step(s: &At<'_>, d: usize) -> Result<Step, FormatError> {
    s.only(&["t", "start", "end", "hull"])?;
    let (t0, t1) = s.field("t")?.pair()?;
    Ok(Step {
        t0,
        t1,
        start: ball(&s.field("start")?, d)?,
        end: ball(&s.field("end")?, d)?,
        hull: s.field("hull")?.ivs(d)?,
    })
}

fn pattern(p: &At<'_>, n: usize, d: usize) -> Result<PatternCert, FormatError> {
    p.only(&["active", "t_start", "anchor", "steps", "exit"])?;
    let act = p.field("active")?;
    let active: Vec<usize> = act.items()?.iter().map(|a| a.index(n)).collect::<Result<_, _>>()?;
    if active.windows(2).any(|w| w[0] >= w[1]) {
        return err(&act.path, "expected increasing point indices");
    }
    let steps = p.field("steps")?.items()?.iter().map(|s| step(s, d)).collect::<Result<_, _>>()?;
    Ok(PatternCert {
        active,
        t_start: p.field("t_start")?.iv()?,
        anchor: p.field("anchor")?.qs(d)?,
        steps,
        exit: exit(&p.field("exit")?, n, d)?,
    })
}

/// The optional `slow` of a limit: `{"u": [...], "nu": q}` (`nu` optional).
fn slow(e: &At<'_>, d: usize) -> Result<Option<Slow>, FormatError> {
    let Some(s) = e.opt_field("slow")? else { return Ok(None) };
    s.only(&["u", "nu"])?;
    let nu = s.opt_field("nu")?.map(|v| v.q()).transpose()?;
    Ok(Some(Slow { u: s.field("u")?.qs(d)?, nu }))
}

fn exit(e: &At<'_>, n: usize, d: usize) -> Result<Exit, FormatError> {
    let kind = e.field("kind")?;
    let start = || ball(&e.field("start")?, d);
    let hull = || e.field("hull")?.ivs(d);
    let keys: &[&str] = match kind.str()? {
        "switch" => &["kind", "point", "t", "start", "hull", "time", "state"],
        "death" => &["kind", "point", "t", "start", "hull", "time", "state", "loss"],
        "horizon" => &["kind", "t", "start", "hull", "state"],
        "limit" => &["kind", "t", "start", "hull", "limit", "loss", "slow"],
        other => return err(&kind.path, format!("expected switch, death, horizon or limit, got {other:?}")),
    };
    e.only(keys)?;
    let crossing = || -> Result<Crossing, FormatError> {
        let (t0, t1) = e.field("t")?.pair()?;
        Ok(Crossing {
            point: e.field("point")?.index(n)?,
            t0,
            t1,
            start: start()?,
            hull: hull()?,
            time: e.field("time")?.iv()?,
            state: e.field("state")?.ivs(d)?,
        })
    };
    match kind.str()? {
        "switch" => Ok(Exit::Switch(crossing()?)),
        "death" => Ok(Exit::Death { crossing: crossing()?, loss: e.field("loss")?.iv()? }),
        "horizon" => {
            let (t0, t1) = e.field("t")?.pair()?;
            Ok(Exit::Horizon { t0, t1, start: start()?, hull: hull()?, state: e.field("state")?.ivs(d)? })
        }
        "limit" => Ok(Exit::Limit {
            t0: e.field("t")?.q()?,
            start: start()?,
            hull: hull()?,
            limit: e.field("limit")?.ivs(d)?,
            loss: e.field("loss")?.iv()?,
            slow: slow(e, d)?,
        }),
        other => err(&kind.path, format!("expected switch, death, horizon or limit, got {other:?}")),
    }
}
