//! The two-teacher data of the shallow-network paper's Appendix I (`shared/papers/
//! shallow-relu-correlated-inputs.md` §7.2, from its script): a second cluster around `−center`
//! whose teacher points the other way with norm 3, and labels `y = σ(v₁ᵀx) − σ(v₂ᵀx)` on all `2n`
//! points, so the network must fit a positive and a negative neuron.
//!
//! * `center = normalize(randn(d))`; `n` points `center + randn(d)·√ρ/√d` and `n` points
//!   `−center + randn(d)·√ρ/√d`;
//! * `v₁ = normalize(center + randn(d)·√ρ/√d)`, `v₂ = 3·normalize(−center + randn(d)·√ρ/√d)`;
//! * the whole dataset is drawn again if a label is 0; initialisation as in [`super::data`].
//!
//! Seeded like [`super::data`]; labels are recomputed exactly in [`TwoTeachers::to_problem`].

use super::data::{Conventions, Normal, balanced, exact, normalize};
use rand::RngExt;
use reluflow_model::{Labels, LossScale, ModelError, Problem, ReluPrime, RunConfig};
use rug::Rational;

/// A generated two-teacher instance (f64 values, each an exact binary rational).
#[derive(Clone, Debug, PartialEq)]
pub struct TwoTeachers {
    /// The `2n` points: first the cluster around `center`, then the one around `−center`.
    pub x: Vec<Vec<f64>>,
    /// `v₁` (unit) and `v₂` (norm 3, up to rounding).
    pub teachers: [Vec<f64>; 2],
    /// The initialisation directions `z_j`.
    pub z: Vec<Vec<f64>>,
    /// The signs `s_j`.
    pub s: Vec<i8>,
}

fn relu_dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>().max(0.0)
}

/// Generates an instance with `n` points per teacher in dimension `d`, width `m`, variance
/// multiplier `rho`. Panics if a size is 0 or `rho` is not positive.
pub fn generate(n: usize, d: usize, m: usize, rho: f64, seed: u64) -> TwoTeachers {
    assert!(n > 0 && d > 0 && m > 0 && rho > 0.0, "sizes and ρ must be positive");
    let mut g = Normal::new(seed);
    let noise = rho.sqrt() / (d as f64).sqrt();
    loop {
        let mut center: Vec<f64> = (0..d).map(|_| g.next()).collect();
        normalize(&mut center);
        let cluster =
            |sign: f64, g: &mut Normal| -> Vec<f64> { center.iter().map(|c| sign * c + g.next() * noise).collect() };
        let mut x: Vec<Vec<f64>> = (0..n).map(|_| cluster(1.0, &mut g)).collect();
        x.extend((0..n).map(|_| cluster(-1.0, &mut g)));
        let mut v1 = cluster(1.0, &mut g);
        normalize(&mut v1);
        let mut v2 = cluster(-1.0, &mut g);
        normalize(&mut v2);
        let v2: Vec<f64> = v2.iter().map(|c| 3.0 * c).collect();
        let t = TwoTeachers { x, teachers: [v1, v2], z: Vec::new(), s: Vec::new() };
        if t.x.iter().any(|xi| relu_dot(xi, &t.teachers[0]) == relu_dot(xi, &t.teachers[1]))
            || t.labels().iter().any(|y| *y == 0)
        {
            continue;
        }
        let sd = 1.0 / ((d * m) as f64).sqrt();
        let z = (0..m).map(|_| (0..d).map(|_| g.next() * sd).collect()).collect();
        let s = (0..m).map(|_| if g.rng.random::<bool>() { 1 } else { -1 }).collect();
        return TwoTeachers { z, s, ..t };
    }
}

impl TwoTeachers {
    /// The labels `σ(v₁ᵀx_i) − σ(v₂ᵀx_i)`, exactly.
    pub fn labels(&self) -> Vec<Rational> {
        let relu = |xi: &[f64], v: &[f64]| -> Rational {
            let z: Rational = xi.iter().zip(v).map(|(a, b)| exact(*a) * exact(*b)).sum();
            if z > 0 { z } else { Rational::new() }
        };
        self.x.iter().map(|xi| relu(xi, &self.teachers[0]) - relu(xi, &self.teachers[1])).collect()
    }

    /// The exact two-layer problem with balanced initialisation at `scale`.
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
        let conv = Conventions { relu_prime, loss, run };
        balanced(&self.x, Labels::Given(self.labels()), &self.z, &self.s, scale, conv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_clusters_two_teachers_and_exact_labels() {
        let t = generate(6, 5, 7, 0.1, 3);
        assert_eq!((t.x.len(), t.z.len(), t.s.len()), (12, 7, 7));
        let norm = |v: &[f64]| v.iter().map(|c| c * c).sum::<f64>().sqrt();
        assert!((norm(&t.teachers[0]) - 1.0).abs() < 1e-12 && (norm(&t.teachers[1]) - 3.0).abs() < 1e-12);
        let y = t.labels();
        // Each cluster is labelled by its own teacher: positive, then negative.
        assert!(y[..6].iter().all(|v| *v > 0) && y[6..].iter().all(|v| *v < 0), "{y:?}");
        assert_eq!(generate(6, 5, 7, 0.1, 3), t, "seeded");
    }
}
