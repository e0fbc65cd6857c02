//! The hypothesis `teacher` for explicit labels, decided exactly: is there a `v` with
//! `y_i = σ(vᵀx_i)` for every `i`? With `σ = relu` this is the linear system
//!
//! ```text
//! vᵀx_i = y_i  (y_i > 0),      vᵀx_i ≤ 0  (y_i = 0)
//! ```
//!
//! (a negative label is never realisable). By Farkas' lemma exactly one of two systems has a
//! solution: that one, or `Σ_{y_i>0} λ_i x_i + Σ_{y_i=0} μ_i x_i = 0, μ ≥ 0, Σ λ_i y_i = −1`
//! (for a solution `v`, `0 = Σ λ_i y_i + Σ μ_i vᵀx_i ≤ −1` would follow). The exact simplex
//! (`simplex.rs`) looks for a solution of each; an answer is given only after its witness — `v`,
//! or the multipliers `(λ, μ)` — is checked exactly against the data, so the verdict never rests
//! on the solver (`proofs-notes/teacher-feasibility.md`).

use crate::rational::dot;
use crate::simplex::{NoPoint, feasible_point};
use rug::Rational;

/// The largest `n·d` decided. The cost grows with the bit length of the tableau's rationals as
/// well as its size: measured in a debug build, n = d = 16 takes 0.08 s, n = d = 25 0.35 s,
/// n = 100 with d = 2 0.1 s, but n = d = 40 6 s; beyond this bound the hypothesis stays
/// undecided, naming the bound.
pub const MAX_ENTRIES: usize = 1024;

/// The decision, each answer with its checked witness.
#[derive(Clone, Debug, PartialEq)]
pub enum Realisable {
    /// `σ(vᵀx_i) = y_i` for every `i`, checked exactly.
    Yes {
        /// The teacher.
        v: Vec<Rational>,
    },
    /// The multipliers `λ` (on the points with `y_i > 0`) and `μ ≥ 0` (on the points with
    /// `y_i = 0`), by point index, checked exactly to give `0 ≤ Σ λ_i y_i = −1`.
    No {
        /// `(i, c_i)` for the non-zero multipliers.
        multipliers: Vec<(usize, Rational)>,
    },
    /// A label is negative (`σ ≥ 0`).
    NegativeLabel {
        /// The first such point.
        point: usize,
    },
    /// Not decided (size or pivot budget), with the reason.
    Undecided(String),
}

/// Decides whether the labels `y` of the points `x` (rows of length `d`) are `σ(vᵀx_i)` for
/// some `v`.
pub fn realisable(x: &[Vec<Rational>], y: &[Rational]) -> Realisable {
    if let Some(point) = y.iter().position(|yi| *yi < 0) {
        return Realisable::NegativeLabel { point };
    }
    let d = x.first().map_or(0, Vec::len);
    if x.len().saturating_mul(d.max(1)) > MAX_ENTRIES {
        return Realisable::Undecided(format!(
            "n·d = {} exceeds the {MAX_ENTRIES} entries of the exact feasibility test",
            x.len() * d
        ));
    }
    match primal(x, y, d) {
        Ok(v) if is_teacher(x, y, &v) => return Realisable::Yes { v },
        Ok(_) => return Realisable::Undecided("the exact solver's teacher did not check (a bug)".into()),
        Err(NoPoint::Budget) => return Realisable::Undecided("pivot budget of the exact test exhausted".into()),
        Err(NoPoint::Infeasible) => {}
    }
    match dual(x, y, d) {
        Ok(multipliers) if is_certificate(x, y, &multipliers) => Realisable::No { multipliers },
        Ok(_) => Realisable::Undecided("the exact solver's certificate did not check (a bug)".into()),
        Err(NoPoint::Budget) => Realisable::Undecided("pivot budget of the exact test exhausted".into()),
        Err(NoPoint::Infeasible) => {
            Realisable::Undecided("neither a teacher nor a certificate found (contradicts Farkas: a bug)".into())
        }
    }
}

/// `v` with `vᵀx_i = y_i` (y_i > 0) and `vᵀx_i + s_i = 0`, `s_i ≥ 0` (y_i = 0): variables
/// `(v, s)`.
fn primal(x: &[Vec<Rational>], y: &[Rational], d: usize) -> Result<Vec<Rational>, NoPoint> {
    let zeros: Vec<usize> = (0..y.len()).filter(|&i| y[i] == 0).collect();
    let mut m = Vec::with_capacity(x.len());
    for (i, xi) in x.iter().enumerate() {
        let mut row = xi.clone();
        row.extend(zeros.iter().map(|&k| Rational::from(u32::from(k == i))));
        m.push(row);
    }
    let free: Vec<bool> = (0..d).map(|_| true).chain(zeros.iter().map(|_| false)).collect();
    let mut z = feasible_point(&m, y, &free)?;
    z.truncate(d);
    Ok(z)
}

/// The multipliers: one variable per point (free where `y_i > 0`, `≥ 0` where `y_i = 0`), rows
/// `Σ_i c_i x_i = 0` (one per coordinate) and `Σ_i c_i y_i = −1`.
fn dual(x: &[Vec<Rational>], y: &[Rational], d: usize) -> Result<Vec<(usize, Rational)>, NoPoint> {
    let mut m: Vec<Vec<Rational>> = (0..d).map(|k| x.iter().map(|xi| xi[k].clone()).collect()).collect();
    m.push(y.to_vec());
    let mut c = vec![Rational::new(); d];
    c.push(Rational::from(-1));
    let free: Vec<bool> = y.iter().map(|yi| *yi > 0).collect();
    let z = feasible_point(&m, &c, &free)?;
    Ok(z.into_iter().enumerate().filter(|(_, c)| *c != 0).collect())
}

fn relu(q: Rational) -> Rational {
    if q > 0 { q } else { Rational::new() }
}

/// `σ(vᵀx_i) = y_i` for every `i`, exactly.
pub fn is_teacher(x: &[Vec<Rational>], y: &[Rational], v: &[Rational]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(xi, yi)| xi.len() == v.len() && relu(dot(xi, v)) == *yi)
}

/// The multipliers prove that no teacher exists: `μ_i ≥ 0` on the zero labels,
/// `Σ c_i x_i = 0` and `Σ c_i y_i < 0`, exactly.
pub fn is_certificate(x: &[Vec<Rational>], y: &[Rational], c: &[(usize, Rational)]) -> bool {
    let d = x.first().map_or(0, Vec::len);
    if c.iter().any(|(i, ci)| *i >= x.len() || (y[*i] == 0 && *ci < 0) || y[*i] < 0) {
        return false;
    }
    let mut sum = vec![Rational::new(); d];
    for (i, ci) in c {
        for (s, xk) in sum.iter_mut().zip(&x[*i]) {
            *s += Rational::from(ci * xk);
        }
    }
    let value: Rational = c.iter().map(|(i, ci)| Rational::from(ci * &y[*i])).sum();
    sum.iter().all(|s| *s == 0) && value < 0
}

#[cfg(test)]
#[path = "teacher_tests.rs"]
mod tests;
