//! The activation pattern at `t = 0`, decided exactly (rational arithmetic on the exact input).
//!
//! Proofs note: `proofs-notes/net-validated-switches.md` ("Start").

use super::Net;
use super::taylor::guard_rate;
use crate::net::field::initial_state;
use crate::trajectory::{Pattern, State, UndecidedReason};
use reluflow_arith::Enclosure;
use reluflow_model::{Init, Problem};
use rug::Rational;

/// The pattern at `t = 0` from the *exact* initial guards (rational arithmetic): `A_j = {i : g > 0}`
/// (`≥ 0` with σ'(0) = 1); neurons with no active point are frozen (zero field for good) unless one
/// of their guards is exactly 0 and a solution can leave through it ([`frozen_stays`]). A live
/// neuron with a guard exactly 0 (σ'(0) = 0) or a neuron on a surface with σ'(0) = 1 is undecided.
pub(crate) fn initial_pattern<S: Enclosure>(problem: &Problem, net: &Net<S>) -> Result<Pattern, UndecidedReason> {
    let (w, a_zero): (Vec<Vec<Rational>>, Vec<bool>) = match problem.init() {
        Init::Explicit { w, a } => (w.clone(), a.iter().map(|v| *v == 0).collect()),
        // a_j = s_j λ‖z_j‖ with λ > 0 and z_j ≠ 0: never zero.
        Init::Balanced { scale, z, .. } => {
            (z.iter().map(|zj| zj.iter().map(|q| Rational::from(scale * q)).collect()).collect(), vec![false; z.len()])
        }
        Init::Single { w } => (vec![w.clone()], vec![false]),
    };
    let x = problem.data().x();
    let zero_active = problem.relu_prime().zero_is_active();
    let mut pattern = Pattern { active: Vec::new(), frozen: Vec::new() };
    let mut on_surface = Vec::new();
    for (j, wj) in w.iter().enumerate() {
        let mut act = Vec::new();
        for (i, xi) in x.iter().enumerate() {
            let g: Rational = wj.iter().zip(xi).map(|(a, b)| Rational::from(a * b)).sum();
            if g > 0 || (zero_active && g == 0) {
                act.push(i);
            }
            // `x_i = 0`: no surface (the guard is 0 for every `w`, `Net::is_guard`).
            if g == 0 && net.is_guard(i) {
                on_surface.push((j, i));
            }
        }
        pattern.frozen.push(act.is_empty());
        pattern.active.push(act);
    }
    let x0 = net.flatten(&initial_state_of(net, &w, problem));
    for &(j, i) in &on_surface {
        if !pattern.frozen[j] {
            let rate = guard_rate(net, &pattern, &x0, j, i);
            return Err(if rate.contains_zero() {
                UndecidedReason::Grazing { neuron: j, point: i }
            } else {
                UndecidedReason::NonUnique { neuron: j, point: i }
            });
        }
    }
    for &(j, i) in &on_surface {
        if pattern.frozen[j] && !a_zero[j] {
            frozen_stays(net, &pattern, &x0, j, i)?;
        }
    }
    Ok(pattern)
}

/// A frozen neuron `j` (no active point, σ'(0) = 0, `a_j ≠ 0`) whose guard of point `i` (`x_i ≠ 0`)
/// is exactly 0: with `i` counted active, the guard's rate is `ρ_i = c a_j r_i ‖x_i‖²` (`r_i` the
/// residual). `ρ_i > 0`: a second solution leaves through the surface (`NonUnique`); `ρ_i` not
/// certainly `< 0`: `Grazing`. If `ρ_i < 0` for every such `i`, no solution leaves
/// (`proofs-notes/net-validated-switches.md`, "Start"): `Ok`.
fn frozen_stays<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    j: usize,
    i: usize,
) -> Result<(), UndecidedReason> {
    let mut leaving = pattern.clone();
    leaving.active[j] = vec![i];
    leaving.frozen[j] = false;
    let rate = guard_rate(net, &leaving, x0, j, i);
    if rate.certainly_neg() {
        Ok(())
    } else if rate.certainly_pos() {
        Err(UndecidedReason::NonUnique { neuron: j, point: i })
    } else {
        Err(UndecidedReason::Grazing { neuron: j, point: i })
    }
}

fn initial_state_of<S: Enclosure>(net: &Net<S>, w: &[Vec<Rational>], problem: &Problem) -> State<S> {
    let s = initial_state::<S>(problem, &net.ctx).expect("checked before");
    State { w: w.iter().map(|r| r.iter().map(|q| S::from_rational(q, &net.ctx)).collect()).collect(), a: s.a }
}
