//! The initial activation pattern, decided exactly (see `proofs-notes/neuron-events.md`, "Starts on
//! a hyperplane").
//!
//! Data and `w(0)` are exact rationals, so `g_i(0) = x_iᵀw(0)` and its rate in every pattern are
//! exact: a start on one or several hyperplanes is decided without rounding.

use super::gram::{DataGram, Gram};
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

/// The sign of the first non-vanishing time derivative at `t = 0` of the guard `x_iᵀw(t)` along the
/// linear flow of the pattern `g` from `w0` (`xw0 = Xw0`): `f(w0) = Q̂ᵀη₁` with
/// `η₁ = −N(D⁻¹Q̂w0 − ω)`, and `g^{(k)}(0) = x_iᵀA^{k−1}f(w0) = (Q̂x_i)ᵀ(−N)^{k−1}η₁`; 0 if the
/// guard is constant (by Cayley–Hamilton for the `r × r` matrix `N` it suffices to look at `k ≤ r`).
fn first_sign(g: &Gram, i: usize, xw0: &[Rational], w0: &[Rational]) -> i8 {
    let z: Vec<Rational> = g.coords_with(xw0, w0).into_iter().zip(&g.omega).map(|(a, b)| a - b).collect();
    let qx = &g.xq[i];
    let mut eta: Vec<Rational> = g.apply_n(&z).into_iter().map(|v| -v).collect();
    for _ in 0..=g.rank() {
        let d = dot(qx, &eta);
        if d != 0 {
            return if d > 0 { 1 } else { -1 };
        }
        eta = g.apply_n(&eta).into_iter().map(|v| -v).collect();
    }
    0
}

/// Largest number of simultaneous zero guards for which every neighbouring cell is examined.
const MAX_CELL_ENUMERATION: usize = 12;

/// Decides the initial pattern for `w0`, or says why it cannot.
///
/// With `Z` the points on their hyperplane at `w0`, a cell `A` (the points with `x_iᵀw > 0`
/// plus any subset of `Z`) is *entered* if its own linear flow from `w0` moves every `i ∈ Z` into
/// `A`'s side for small `t > 0` (the sign of the first non-vanishing derivative of the guard:
/// `+` if `i ∈ A`, `−` if not), or keeps the guard identically 0 where the convention gives `A`'s
/// status (active for σ'(0) = 1). Each entered cell is a solution. The start is accepted iff
/// exactly one cell is entered (all `2^|Z|` cells are examined when `|Z| ≤ 12`; beyond,
/// only the convention's cell and its single flips, and the convention's cell must be the one).
/// Two self-consistent cells are two solutions; none means no transversal continuation.
pub(crate) fn decide(dg: &DataGram<'_>, y: &[Rational], c: &Rational, w0: &[Rational], conv: ReluPrime) -> Start {
    let x = dg.x;
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
    if zero_set.is_empty() {
        return Start::Go { active, skip: vec![false; n] };
    }
    // The cells around w0: all subsets of Z when few, else the convention's and its single flips.
    let zn = zero_set.len();
    let base: u64 = zero_set.iter().enumerate().filter(|(_, i)| active.contains(i)).map(|(k, _)| 1u64 << k).sum();
    let masks: Vec<u64> = if zn <= MAX_CELL_ENUMERATION {
        (0..(1u64 << zn)).collect()
    } else {
        std::iter::once(base).chain((0..zn).map(|k| base ^ (1u64 << k))).collect()
    };
    let mut good: Vec<(Vec<usize>, Vec<bool>)> = Vec::new();
    for mask in masks {
        let mut cell = fixed.clone();
        cell.extend(zero_set.iter().enumerate().filter(|(k, _)| mask >> k & 1 == 1).map(|(_, &i)| i));
        cell.sort_unstable();
        let pc = Gram::new(dg, y, c, &cell);
        let mut skip = vec![false; n];
        let consistent = zero_set.iter().all(|&i| match first_sign(&pc, i, &z, w0) {
            1 => cell.contains(&i),
            -1 => !cell.contains(&i),
            _ => {
                // The guard stays exactly 0 along this cell's flow: the convention decides the
                // point's status on its hyperplane, and it must be this cell's.
                let stays_ok = cell.contains(&i) == conv.zero_is_active();
                if stays_ok && !cell.contains(&i) {
                    skip[i] = true;
                }
                stays_ok
            }
        });
        if consistent {
            good.push((cell, skip));
            if good.len() > 1 {
                break;
            }
        }
    }
    match good.len() {
        1 if zn <= MAX_CELL_ENUMERATION || good[0].0 == active => {
            let (active, skip) = good.pop().expect("one cell");
            Start::Go { active, skip }
        }
        0 | 1 => Start::Stop(UndecidedReason::NonUnique { neuron: 0, point: zero_set[0] }),
        _ => {
            let differs = zero_set
                .iter()
                .copied()
                .find(|i| good[0].0.contains(i) != good[1].0.contains(i))
                .unwrap_or(zero_set[0]);
            Start::Stop(UndecidedReason::NonUnique { neuron: 0, point: differs })
        }
    }
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
        let s = decide(&DataGram::new(&x), &y, &half, &[q(0), q(0), q(0)], ReluPrime::One);
        assert_eq!(s, Start::Go { active: vec![0, 1, 2], skip: vec![false; 3] });
        // γ = 0: the third point is x = 0, never a guard.
        let (x, y) = vs(0);
        let s = decide(&DataGram::new(&x), &y, &half, &[q(0), q(0), q(0)], ReluPrime::One);
        assert_eq!(s, Start::Go { active: vec![0, 1], skip: vec![false; 3] });
    }

    #[test]
    fn zero_start_with_relu_prime_zero_is_not_unique() {
        // σ'(0) = 0 at w = 0: staying is a solution, and so is leaving along y_i x_i.
        let (x, y) = vs(1);
        let s = decide(&DataGram::new(&x), &y, &Rational::from((1, 2)), &[q(0), q(0), q(0)], ReluPrime::Zero);
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
        let s = decide(&DataGram::new(&x), &y, &Rational::from((1, 2)), &w0, ReluPrime::One);
        assert!(matches!(s, Start::Stop(_)), "{s:?}");
        let y2 = vec![q(2), q(0)];
        let s = decide(&DataGram::new(&x), &y2, &Rational::from((1, 2)), &w0, ReluPrime::One);
        assert!(matches!(s, Start::Stop(UndecidedReason::NonUnique { point: 0, .. })), "{s:?}");
    }
}
