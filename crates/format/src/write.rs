//! Problem files written: [`ProblemDoc`] → TOML text that the binary's reader reads back as an
//! equal [`Problem`]. Integers that fit in an `i64` are written bare, every other number as a quoted
//! exact text (`"1/3"`, `"0.125"`, `"1e-600"`), so no number passes through a float.

use super::doc::{ProblemDoc, Weights};
use reluflow_model::Problem;
use std::fmt::Write;

/// The problem file of `p`, opened by `header` as comment lines.
pub fn to_toml(p: &Problem, header: &[String]) -> String {
    ProblemDoc::of(p).to_toml(header)
}

/// A TOML basic string.
pub fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An exact number: bare when it is an integer that TOML reads as one, else quoted.
fn number(s: &str) -> String {
    if s.parse::<i64>().is_ok() { s.to_string() } else { string(s) }
}

fn vector(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| number(s)).collect();
    format!("[{}]", items.join(", "))
}

/// One row a line when there is more than one.
fn matrix(m: &[Vec<String>]) -> String {
    match m {
        [row] => format!("[{}]", vector(row)),
        _ => {
            let lines: Vec<String> = m.iter().map(|r| format!("  {},\n", vector(r))).collect();
            format!("[\n{}]", lines.concat())
        }
    }
}

impl ProblemDoc {
    /// The problem file, opened by `header` as comment lines (`# …`).
    pub fn to_toml(&self, header: &[String]) -> String {
        let mut out = String::new();
        for line in header {
            let _ = writeln!(out, "# {}", line.replace(['\n', '\r'], " "));
        }
        let _ = writeln!(out, "model = {}", string(&self.model));
        let _ = writeln!(out, "relu_prime_at_zero = {}", self.relu_prime_at_zero);
        let _ = writeln!(out, "loss = {}", string(&self.loss));
        let _ = writeln!(out, "\n[data]\nx = {}", matrix(&self.data.x));
        if let Some(y) = &self.data.y {
            let _ = writeln!(out, "y = {}", vector(y));
        }
        if let Some(v) = &self.data.teacher {
            let _ = writeln!(out, "teacher = {}", vector(v));
        }
        out.push_str("\n[init]\n");
        let i = &self.init;
        match &i.w {
            Some(Weights::Vector(w)) => {
                let _ = writeln!(out, "w = {}", vector(w));
            }
            Some(Weights::Matrix(w)) => {
                let _ = writeln!(out, "w = {}", matrix(w));
            }
            None => {}
        }
        if let Some(a) = &i.a {
            let _ = writeln!(out, "a = {}", vector(a));
        }
        if let Some(scale) = &i.scale {
            let _ = writeln!(out, "scale = {}", number(scale));
        }
        if let Some(z) = &i.z {
            let _ = writeln!(out, "z = {}", matrix(z));
        }
        if let Some(s) = &i.s {
            let signs: Vec<String> = s.iter().map(|x| x.to_string()).collect();
            let _ = writeln!(out, "s = [{}]", signs.join(", "));
        }
        let r = &self.run;
        let _ = writeln!(out, "\n[run]\nt_end = {}", number(&r.t_end));
        let _ = writeln!(out, "arithmetic = {}", string(&r.arithmetic));
        // The f64 kinds compute with 53 bits: the file states a precision only where it applies.
        if !matches!(r.arithmetic.as_str(), "f64" | "interval") {
            let _ = writeln!(out, "precision = {}", r.precision);
        }
        if let Some(tol) = &r.tolerance {
            let _ = writeln!(out, "tolerance = {}", number(tol));
        }
        if let Some(order) = r.order {
            let _ = writeln!(out, "order = {order}");
        }
        if let Some(solution) = &r.solution {
            let _ = writeln!(out, "solution = {}", string(solution));
        }
        out
    }
}

/// A `[[lemma]]` table (`name` optional) to append to a problem file: `reluflow check` on the file
/// checks the lemma.
pub fn lemma_table(text: &str, name: Option<&str>) -> String {
    let name = name.map(|n| format!("name = {}\n", string(n))).unwrap_or_default();
    format!("\n[[lemma]]\n{name}text = {}\n", string(text))
}
