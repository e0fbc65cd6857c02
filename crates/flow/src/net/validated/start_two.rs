//! A neuron that starts on two surfaces at once (guards of two classes exactly 0 at `t = 0`).
//!
//! Proofs note: `proofs-notes/net-validated-switches.md` ("Start on two surfaces").

use super::Net;
use super::start::sides;
use super::taylor::guard_rate;
use crate::trajectory::{Pattern, UndecidedReason};
use reluflow_arith::Enclosure;

/// The sides a live neuron `j` leaves the surfaces of the classes `reps` to, from the exact start
/// `x0` on both: each guard's rate must have one sign at the four vertices of the Clarke set there
/// (each surface on its inactive or its active side, [`sides`]; the set is the hull of those four
/// fields, the limits of gradients), so that every Clarke solution leaves both surfaces at once to
/// that side. Otherwise undecided, naming both.
pub(crate) fn leave_two<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    j: usize,
    reps: [usize; 2],
) -> Result<[bool; 2], UndecidedReason> {
    let undecided = || UndecidedReason::SimultaneousSwitches { pairs: reps.iter().map(|&r| (j, r)).collect() };
    let mut out = [false; 2];
    for (c, &r) in reps.iter().enumerate() {
        let signs: Vec<Option<bool>> = [(false, false), (false, true), (true, false), (true, true)]
            .iter()
            .map(|&(a, b)| {
                let rate = guard_rate(net, &on_sides(net, pattern, j, reps, [a, b]), x0, j, r);
                if rate.certainly_pos() {
                    Some(true)
                } else if rate.certainly_neg() {
                    Some(false)
                } else {
                    None
                }
            })
            .collect();
        out[c] = signs[0].filter(|side| signs.iter().all(|s| *s == Some(*side))).ok_or_else(undecided)?;
    }
    Ok(out)
}

/// A class of the frozen neuron `j`, on the surfaces of `classes` at the exact start `x0`, through
/// which a second solution leaves: with that class's side active its guard's rate is positive,
/// and every other surface's guard falls or is held constant under that pattern
/// (`Net::constant_guard`), so the pattern's flow stays where its field is one of the Clarke set's
/// (a solution beside the neuron at rest).
pub(crate) fn second_solution<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    j: usize,
    classes: &[usize],
) -> Option<usize> {
    let mut live_j = pattern.clone();
    live_j.active[j].clear();
    live_j.frozen[j] = false;
    classes.iter().copied().find(|&i| {
        let p = sides(net, &live_j, j, i, true);
        guard_rate(net, &p, x0, j, i).certainly_pos()
            && classes
                .iter()
                .filter(|&&k| k != i)
                .all(|&k| net.constant_guard(&p, j, k) || guard_rate(net, &p, x0, j, k).certainly_neg())
    })
}

/// `pattern` with neuron `j` on the sides `to` of the two classes `reps` ([`sides`] for each).
pub(crate) fn on_sides<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    j: usize,
    reps: [usize; 2],
    to: [bool; 2],
) -> Pattern {
    let p = sides(net, pattern, j, reps[0], to[0]);
    sides(net, &p, j, reps[1], to[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::field::NetData;
    use reluflow_arith::{Interval, Scalar};

    /// One neuron `w = (0, 0, 1)`, `a = 1`, `G = 1`, on the surfaces of `x_0 = (1, 0, 0)` and
    /// `x_1 = (−1, 1, 0)`, with `x_2 = (1, 0, 1)` active (`r_2 = −1`) and residuals `r_0`, `r_1` on the
    /// surfaces (labels `−r`): the rate of `x_0`'s guard is `1 − r_0 [0 active] + r_1 [1 active]`.
    fn leave(r0: f64, r1: f64) -> Result<[bool; 2], UndecidedReason> {
        let iv = |v: f64| Interval::from_f64(v, &());
        let row = |v: [f64; 3]| v.iter().map(|&c| iv(c)).collect::<Vec<_>>();
        let data = NetData {
            x: vec![row([1.0, 0.0, 0.0]), row([-1.0, 1.0, 0.0]), row([1.0, 0.0, 1.0])],
            y: vec![iv(-r0), iv(-r1), iv(2.0)],
            grad_factor: iv(1.0),
            relu_prime: reluflow_model::ReluPrime::Zero,
        };
        let net = Net::new(data, 1, ());
        let pattern = Pattern { active: vec![vec![2]], frozen: vec![false], sliding: Vec::new() };
        leave_two(&net, &pattern, &[iv(0.0), iv(0.0), iv(1.0), iv(1.0)], 0, [0, 1])
    }

    #[test]
    fn both_guards_of_one_sign_at_every_vertex_leave_to_their_sides() {
        assert_eq!(leave(0.5, 0.2).unwrap(), [true, false]);
    }

    /// With point 1 inactive the guard of `x_0` rises on both of its sides (`1`, `0.5`), but with
    /// point 1 active and point 0 active it falls (`1 − 0.5 − 0.8 < 0`): not decided (a test of
    /// one surface at a time would have passed it).
    #[test]
    fn a_vertex_of_the_other_surface_that_turns_the_rate_is_not_decided() {
        assert!(matches!(leave(0.5, -0.8), Err(UndecidedReason::SimultaneousSwitches { .. })));
    }
}
