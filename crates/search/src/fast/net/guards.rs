//! The guards `x_iᵀw_j` over one step: a cubic Hermite interpolant from their values and
//! derivatives at both ends (the step's first and last stages), its extremes, and its first
//! crossing of the level that switches the pair.

use super::field::{Net, dot};

/// One guard over a step `τ ∈ [0, h]`, in `u = τ/h ∈ [0, 1]`.
#[derive(Clone, Copy, Debug)]
pub struct Cubic {
    g0: f64,
    g1: f64,
    /// `h·ġ` at both ends.
    d0: f64,
    d1: f64,
}

impl Cubic {
    /// The guard of pair `(j, i)` between `y0` (field `k0`) and `y1` (field `k1`) over a step `h`.
    pub fn of(net: &Net, j: usize, i: usize, ends: [&[f64]; 2], fields: [&[f64]; 2], h: f64) -> Cubic {
        let xi = net.row(i);
        Cubic {
            g0: dot(net.w(ends[0], j), xi),
            g1: dot(net.w(ends[1], j), xi),
            d0: h * dot(net.w(fields[0], j), xi),
            d1: h * dot(net.w(fields[1], j), xi),
        }
    }

    /// The interpolant at `u`.
    pub fn at(&self, u: f64) -> f64 {
        let (u2, u3) = (u * u, u * u * u);
        (2.0 * u3 - 3.0 * u2 + 1.0) * self.g0
            + (u3 - 2.0 * u2 + u) * self.d0
            + (-2.0 * u3 + 3.0 * u2) * self.g1
            + (u3 - u2) * self.d1
    }

    /// The points of `[0, 1]` where the interpolant may be extreme: both ends and the zeros of its
    /// derivative inside, in increasing order.
    fn stations(&self) -> ([f64; 4], usize) {
        // H'(u) = 3αu² + 2βu + γ.
        let alpha = 2.0 * self.g0 + self.d0 - 2.0 * self.g1 + self.d1;
        let beta = -3.0 * self.g0 - 2.0 * self.d0 + 3.0 * self.g1 - self.d1;
        let gamma = self.d0;
        let mut out = [0.0, 1.0, 1.0, 1.0];
        let mut k = 1;
        let mut push = |u: f64| {
            if u > 0.0 && u < 1.0 {
                out[k] = u;
                k += 1;
            }
        };
        let (qa, qb, qc) = (3.0 * alpha, 2.0 * beta, gamma);
        if qa.abs() <= 1e-14 * (qb.abs() + qc.abs()) {
            if qb != 0.0 {
                push(-qc / qb);
            }
        } else {
            let disc = qb * qb - 4.0 * qa * qc;
            if disc >= 0.0 {
                let s = disc.sqrt();
                let (r1, r2) = ((-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa));
                push(r1.min(r2));
                push(r1.max(r2));
            }
        }
        out[k] = 1.0;
        (out, k + 1)
    }

    /// The least and the largest value over the step.
    pub fn range(&self) -> (f64, f64) {
        let (st, k) = self.stations();
        st[..k]
            .iter()
            .map(|u| self.at(*u))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }

    /// The first `u ∈ (0, 1]` where `sign·H(u) < −level` (the pair leaves its side by more than the
    /// margin), from `sign·H(0) ≥ −level`: `None` when the interpolant stays on its side. Located
    /// by bisection on the monotone piece where it first happens; the point returned is past it.
    pub fn first_exit(&self, sign: f64, level: f64) -> Option<f64> {
        let phi = |u: f64| sign * self.at(u) + level;
        let (st, k) = self.stations();
        let mut prev = 0.0;
        for &u in &st[1..k] {
            if phi(u) < 0.0 {
                let (mut lo, mut hi) = (prev, u);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if mid <= lo || mid >= hi {
                        break;
                    }
                    if phi(mid) < 0.0 { hi = mid } else { lo = mid }
                }
                return Some(hi);
            }
            prev = u;
        }
        None
    }
}
