//! The initial activation pattern, decided exactly (see `proofs-notes/neuron-events.md`, "Starts on
//! a hyperplane").
//!
//! Data and `w(0)` are exact rationals, so `g_i(0) = x_iᵀw(0)` and its rate in every pattern are
//! exact: a start on one or several hyperplanes is decided without rounding.

use super::exact::Piece;
use crate::trajectory::UndecidedReason;
use reluflow_model::ReluPrime;
use rug::Rational;

/// What the start decision says.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Start {
    /// Start in `active`; `skip[i]` marks guards that stay exactly 0 while their point's
    /// direction is in the kernel of `M` (σ'(0) = 0 only).
    Go { active: Vec<usize>, skip: Vec<bool> },
    /// The continuation is not unique (or not decidable at this order).
    Stop(UndecidedReason),
}

fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// Largest number of simultaneous zero guards for which every neighbouring cell is examined.
const MAX_CELL_ENUMERATION: usize = 12;

/// Decides the initial pattern for `w0`, or says why it cannot.
///
/// With `Z` the points on their hyperplane at `w0` and `A₀` the convention's pattern, the start
/// is accepted iff (1) for every `i ∈ Z` the rate `s_i = x_iᵀ f_{A₀}(w0)` points into `A₀`'s side
/// strictly (`> 0` if `i ∈ A₀`, `< 0` if not), or `s_i = 0` with `x_i ∈ ker M_{A₀}` and `i ∉ A₀` (the
/// guard then stays exactly 0); and (2) no other pattern `A'` differing from `A₀` only on `Z` is
/// strictly self-consistent at `w0` (its own field entering its own cell), which would be a second
/// solution.
pub(crate) fn decide(x: &[Vec<Rational>], y: &[Rational], c: &Rational, w0: &[Rational], conv: ReluPrime) -> Start {
    let n = x.len();
    let nonzero: Vec<bool> = x.iter().map(|xi| xi.iter().any(|v| *v != 0)).collect();
    let z: Vec<Rational> = x.iter().map(|xi| dot(xi, w0)).collect();
    let zero_set: Vec<usize> = (0..n).filter(|&i| nonzero[i] && z[i] == 0).collect();
    let fixed: Vec<usize> = (0..n).filter(|&i| nonzero[i] && z[i] > 0).collect();
    let mut active: Vec<usize> = fixed.clone();
    if conv.zero_is_active() {
        active.extend(zero_set.iter().copied());
        active.sort_unstable();
    }
    let mut skip = vec![false; n];
    if zero_set.is_empty() {
        return Start::Go { active, skip };
    }
    let p0 = Piece::new(x, y, c, active.clone());
    for &i in &zero_set {
        let s = p0.guard_rate(i, w0);
        let inside = active.contains(&i);
        let ok = if inside { s > 0 } else { s < 0 || (s == 0 && p0.in_kernel[i]) };
        if !ok {
            return Start::Stop(UndecidedReason::NonUnique { neuron: 0, point: i });
        }
        if !inside && s == 0 {
            skip[i] = true;
        }
    }
    // Other cells around w0: all subsets of Z when few, else the single flips.
    let zn = zero_set.len();
    let masks: Vec<u64> = if zn <= MAX_CELL_ENUMERATION {
        (0..(1u64 << zn)).collect()
    } else {
        let base: u64 = zero_set.iter().enumerate().filter(|(_, i)| active.contains(i)).map(|(k, _)| 1u64 << k).sum();
        (0..zn).map(|k| base ^ (1u64 << k)).collect()
    };
    for mask in masks {
        let mut cell = fixed.clone();
        cell.extend(zero_set.iter().enumerate().filter(|(k, _)| mask >> k & 1 == 1).map(|(_, &i)| i));
        cell.sort_unstable();
        if cell == active {
            continue;
        }
        let pc = Piece::new(x, y, c, cell.clone());
        let consistent = zero_set.iter().all(|&i| {
            let s = pc.guard_rate(i, w0);
            if cell.contains(&i) { s > 0 } else { s < 0 || (s == 0 && pc.in_kernel[i] && !conv.zero_is_active()) }
        });
        if consistent {
            let differs = zero_set.iter().copied().find(|i| cell.contains(i) != active.contains(i)).unwrap_or(0);
            return Start::Stop(UndecidedReason::NonUnique { neuron: 0, point: differs });
        }
    }
    Start::Go { active, skip }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64) -> Rational {
        Rational::from(a)
    }

    fn vs(gamma: i64) -> (Vec<Vec<Rational>>, Vec<Rational>) {
        (
            vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(gamma), q(gamma)]],
            vec![q(16), q(18), q(0)],
        )
    }

    #[test]
    fn vardi_shamir_start_at_zero_is_all_active() {
        let (x, y) = vs(1);
        let half = Rational::from((1, 2));
        let s = decide(&x, &y, &half, &[q(0), q(0), q(0)], ReluPrime::One);
        assert_eq!(s, Start::Go { active: vec![0, 1, 2], skip: vec![false; 3] });
        // γ = 0: the third point is x = 0, never a guard.
        let (x, y) = vs(0);
        let s = decide(&x, &y, &half, &[q(0), q(0), q(0)], ReluPrime::One);
        assert_eq!(s, Start::Go { active: vec![0, 1], skip: vec![false; 3] });
    }

    #[test]
    fn zero_start_with_relu_prime_zero_is_not_unique() {
        // σ'(0) = 0 at w = 0: staying is a solution, and so is leaving along y_i x_i.
        let (x, y) = vs(1);
        let s = decide(&x, &y, &Rational::from((1, 2)), &[q(0), q(0), q(0)], ReluPrime::Zero);
        assert!(matches!(s, Start::Stop(UndecidedReason::NonUnique { .. })), "{s:?}");
    }

    #[test]
    fn repelling_surface_is_not_unique() {
        // Point 0 with label 1 on its hyperplane, point 1 pulls it to the negative side:
        // active side rate c + y‖x‖² > 0, inactive side rate c < 0: both sides are solutions.
        let x = vec![vec![q(1), q(0)], vec![q(1), q(1)]];
        let y = vec![q(1), q(0)];
        let w0 = vec![q(0), q(1)];
        // z_1 = 1 > 0 active with label 0: field −(1)(1,1); rate of z_0: −1. Active side: −1 + 1·1 = 0.
        let s = decide(&x, &y, &Rational::from((1, 2)), &w0, ReluPrime::One);
        assert!(matches!(s, Start::Stop(_)), "{s:?}");
        let y2 = vec![q(2), q(0)];
        let s = decide(&x, &y2, &Rational::from((1, 2)), &w0, ReluPrime::One);
        assert!(matches!(s, Start::Stop(UndecidedReason::NonUnique { point: 0, .. })), "{s:?}");
    }
}
