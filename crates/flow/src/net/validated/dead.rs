//! A dead neuron on two surfaces at once: it stays dead while every active side points back.
//!
//! A neuron that dies while it slides on the surface of point `s` stops where its last active
//! class `K` leaves: on `H_s ∩ H_K`. Its field is zero there for the multipliers 0, so staying is a
//! Clarke solution; it is the only one while, for each point `k` of the two classes, the rate of
//! `k`'s guard with `k`'s side of its class active is negative with the other surface on either
//! side (`proofs-notes/net-validated-switches.md`, "Dead on two surfaces"): no guard can turn
//! positive, and on the surfaces the only velocity that keeps both guards at 0 is zero, the two
//! class directions being independent.

use super::Net;
use super::pinned::revived;
use super::start::sides;
use super::taylor::{guard, guard_rate};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

impl<S: Enclosure> Net<S> {
    /// The classes of neuron `j`'s points whose guards are not certainly negative over `x`, each
    /// named by its smallest point; `i`'s class always (first).
    pub(crate) fn doubtful_classes(&self, x: &[S], j: usize, i: usize) -> Vec<usize> {
        let first = self.class(i)[0];
        let mut out = vec![first];
        for k in (0..self.n).filter(|&k| self.is_guard(k)) {
            let rep = self.class(k)[0];
            if !out.contains(&rep) && !guard(self, x, j, k).certainly_neg() {
                out.push(rep);
            }
        }
        out
    }

    /// Whether the frozen neuron `j`, whose guards of the `classes` (exactly two) may be 0 over
    /// `x`, stays dead: for each point `k` of either class, with `k`'s side of its class active and
    /// the other class on either side, the rate of `k`'s guard is certainly negative.
    /// Three or more surfaces are not analysed (their directions may be dependent).
    pub(crate) fn stays_dead_on_surfaces(&self, pattern: &Pattern, x: &[S], j: usize, classes: &[usize]) -> bool {
        if classes.len() != 2 {
            return false;
        }
        let live_j = revived(pattern, j);
        classes.iter().enumerate().all(|(c, &rep)| {
            let other = classes[1 - c];
            self.class(rep).into_iter().all(|k| {
                [false, true].iter().all(|&other_on| {
                    let p = sides(self, &sides(self, &live_j, j, other, other_on), j, k, true);
                    guard_rate(self, &p, x, j, k).certainly_neg()
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::field::NetData;
    use reluflow_arith::{Interval, Scalar};

    /// One neuron `w = (0, 0)`, `a = 1`, frozen on the surfaces of `x_0 = (1, 0)` and `x_1`, labels
    /// `y`, `G = 1`: the rate of `k`'s guard with the points `A` active is `Σ_{l∈A} y_l x_kᵀx_l`.
    fn on_two_surfaces(x1: [f64; 2], y: [f64; 2]) -> bool {
        let iv = |v: f64| Interval::from_f64(v, &());
        let data = NetData {
            x: vec![vec![iv(1.0), iv(0.0)], x1.iter().map(|&v| iv(v)).collect()],
            y: y.iter().map(|&v| iv(v)).collect(),
            grad_factor: iv(1.0),
            relu_prime: reluflow_model::ReluPrime::Zero,
        };
        let net = Net::new(data, 1, ());
        let pattern = Pattern { active: vec![Vec::new()], frozen: vec![true], sliding: Vec::new() };
        let state = [iv(0.0), iv(0.0), iv(1.0)];
        assert_eq!(net.doubtful_classes(&state, 0, 0), vec![0, 1]);
        (0..2).all(|i| net.stays_dead(&pattern, &state, 0, i))
    }

    #[test]
    fn a_neuron_on_two_acute_surfaces_with_negative_labels_stays_dead() {
        assert!(on_two_surfaces([1.0, 1.0], [-1.0, -1.0]));
    }

    /// `x_1 = (−1, 1)`, `y = (−1, −2)`: each guard alone returns (`−1`, `−4`), but with both points
    /// active the guard of `x_0` rises (`−1 + 2 = 1`): a second solution may leave along `x_1`'s
    /// side. The one-surface check would have passed; the other surface's active side catches it.
    #[test]
    fn a_mixed_side_that_points_away_is_caught() {
        assert!(!on_two_surfaces([-1.0, 1.0], [-1.0, -2.0]));
    }
}
