//! Where the fast run starts: the activation pattern that continues a start on hyperplanes.

use super::run::{Neuron, dot};

impl Neuron {
    /// The sign of the first derivative of `x_iᵀw(t)` at `t = 0⁺` that is not (numerically) 0,
    /// along the flow of pattern `cell` from `w`: the derivatives are `x_iᵀ(−A)^k ẇ(0)`, and when
    /// the first `d + 1` vanish the guard stays 0 (the flow stays in the Krylov space of `ẇ(0)`).
    fn first_sign(&self, cell: &[bool], w: &[f64], i: usize) -> i8 {
        let xi = self.row(i);
        let xn = dot(xi, xi).sqrt();
        let mut v = self.field(cell, w);
        for _ in 0..=self.d {
            let vn = dot(&v, &v).sqrt();
            if vn == 0.0 {
                return 0;
            }
            let s = dot(xi, &v) / (xn * vn);
            if s.abs() > 1e-9 {
                return if s > 0.0 { 1 } else { -1 };
            }
            // ẅ = −A ẇ inside the pattern: the next derivative direction.
            let zero = vec![0.0; self.d];
            let av: Vec<f64> = self.field(cell, &v).iter().zip(self.field(cell, &zero)).map(|(a, b)| a - b).collect();
            v = av;
        }
        0
    }

    /// The first pattern. Points strictly active are in it; for the points on their hyperplane
    /// (`Z`) every cell (subset of `Z`, when `|Z| ≤ 12`) is tried as the certified solver does: a
    /// cell is self-consistent when its own field moves each point of `Z` into its side (or leaves
    /// it on its hyperplane when no derivative moves it and `σ'(0)` puts it there). One such cell
    /// is the start; none or several end the run ([`Start::NotUnique`]).
    pub(super) fn start(&self) -> Result<Vec<bool>, Start> {
        let w = &self.w0;
        let z: Vec<f64> = (0..self.n()).map(|i| dot(self.row(i), w)).collect();
        let on: Vec<usize> =
            (0..self.n()).filter(|&i| z[i].abs() <= self.tol(i, w) && self.row(i).iter().any(|v| *v != 0.0)).collect();
        let base: Vec<bool> = (0..self.n()).map(|i| z[i] > self.tol(i, w)).collect();
        if on.is_empty() {
            return Ok(base);
        }
        if on.len() > 12 {
            return Err(Start::Escalate(format!("{} points start on their hyperplanes", on.len())));
        }
        let mut good = Vec::new();
        for mask in 0u32..(1 << on.len()) {
            let mut cell = base.clone();
            for (k, &i) in on.iter().enumerate() {
                cell[i] = mask >> k & 1 == 1;
            }
            let mut consistent = true;
            for &i in &on {
                consistent &= match self.first_sign(&cell, w, i) {
                    1 => cell[i],
                    -1 => !cell[i],
                    _ => cell[i] == self.zero_active,
                };
            }
            if consistent {
                good.push(cell);
            }
        }
        match good.len() {
            1 => Ok(good.pop().expect("one cell")),
            0 => Err(Start::NotUnique("no activation pattern continues the start on a hyperplane".into())),
            k => Err(Start::NotUnique(format!("{k} activation patterns continue the start on a hyperplane"))),
        }
    }
}

/// Why the fast run did not start.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// The full screen must judge it (the reason).
    Escalate(String),
    /// The start on hyperplanes has no unique continuation (the certified run will not certify
    /// one either).
    NotUnique(String),
}
