//! The activation pattern at `t = 0`, decided exactly (rational arithmetic on the exact input).
//!
//! Proofs note: `proofs-notes/net-validated-switches.md` ("Start").

use super::Net;
use super::slide::sliding_pattern;
use super::start_two::{leave_two, on_sides, second_solution};
use super::taylor::guard_rate;
use crate::trajectory::{Pattern, UndecidedReason};
use reluflow_arith::Enclosure;
use reluflow_model::{Init, Problem};
use rug::Rational;

/// The pattern at `t = 0` from the *exact* initial guards (rational arithmetic): `A_j = {i : g > 0}`
/// (`≥ 0` with σ'(0) = 1); neurons with no active point are frozen (zero field for good) unless one
/// of their guards is exactly 0 and a solution can leave through it ([`frozen_stays`]). A live
/// neuron with one guard exactly 0 leaves the surface to the side both fields point to
/// ([`leave_surface`]); the pairs that do are returned with the pattern (their guard is 0 at
/// `t = 0` and of the pattern's sign on `(0, t]` as long as its rate keeps that sign).
pub(crate) fn initial_pattern<S: Enclosure>(
    problem: &Problem,
    net: &Net<S>,
    x0: &[S],
    clarke: bool,
) -> Result<(Pattern, Vec<(usize, usize)>), UndecidedReason> {
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
    let mut pattern = Pattern { active: Vec::new(), frozen: Vec::new(), sliding: Vec::new() };
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
    let leaving = leave_surfaces(net, &mut pattern, x0, &on_surface, clarke)?;
    for j in (0..a_zero.len()).filter(|&j| pattern.frozen[j] && !a_zero[j]) {
        let mine: Vec<(usize, usize)> = on_surface.iter().copied().filter(|&(jj, _)| jj == j).collect();
        let classes = surface_classes(net, &mine);
        if classes.len() > 1 {
            // Dead on two surfaces: it stays dead if every active side points back (`dead.rs`).
            if net.stays_dead_on_surfaces(&pattern, x0, j, &classes) {
                continue;
            }
            return Err(match second_solution(net, &pattern, x0, j, &classes) {
                Some(point) => UndecidedReason::NonUnique { neuron: j, point },
                None => UndecidedReason::SimultaneousSwitches { pairs: mine },
            });
        }
        for &(_, i) in &mine {
            frozen_stays(net, &pattern, x0, j, i)?;
        }
    }
    Ok((pattern, leaving))
}

/// The classes (each by its smallest point) of the points of `pairs`.
fn surface_classes<S: Enclosure>(net: &Net<S>, pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut reps: Vec<usize> = pairs.iter().map(|&(_, k)| net.class(k)[0]).collect();
    reps.sort_unstable();
    reps.dedup();
    reps
}

/// How a live neuron leaves the one surface it starts on.
enum Leave {
    /// Both fields point to the inactive (`false`) or the active (`true`) side: every solution goes
    /// there.
    To(bool),
    /// Both fields point away from the surface: two solutions.
    Both,
    /// The inactive side's field holds the guard at 0 and the active side's points back: the
    /// point stays on its surface, inactive (`pinned.rs`).
    Stay,
}

/// The live neurons' pairs on a surface at `t = 0`, each decided by [`leave_surface`] (the pattern
/// gets the side they go to); two surfaces of one neuron by `start_two::leave_two`, more:
/// `SimultaneousSwitches`. A pair with
/// two solutions is `NonUnique` once every other pair is decided (the two are then solutions of
/// the whole flow). Returns the pairs that leave.
fn leave_surfaces<S: Enclosure>(
    net: &Net<S>,
    pattern: &mut Pattern,
    x0: &[S],
    on_surface: &[(usize, usize)],
    clarke: bool,
) -> Result<Vec<(usize, usize)>, UndecidedReason> {
    let live: Vec<(usize, usize)> = on_surface.iter().copied().filter(|&(j, _)| !pattern.frozen[j]).collect();
    let mut leaving = Vec::new();
    let mut two_ways = None;
    let mut done: Vec<usize> = Vec::new();
    for &(j, i) in &live {
        if done.contains(&j) {
            continue;
        }
        done.push(j);
        // One surface: the points of j on a surface are i's class (parallel points).
        let same: Vec<(usize, usize)> = live.iter().copied().filter(|&(jj, _)| jj == j).collect();
        let class = net.class(i);
        match surface_classes(net, &same)[..] {
            [_] => {}
            [r0, r1] => {
                let to = leave_two(net, pattern, x0, j, [r0, r1])?;
                *pattern = on_sides(net, pattern, j, [r0, r1], to);
                leaving.extend(same.iter().copied());
                continue;
            }
            _ => return Err(UndecidedReason::SimultaneousSwitches { pairs: same }),
        }
        match leave_surface(net, pattern, x0, j, i) {
            Ok(Leave::To(active)) => {
                *pattern = sides(net, pattern, j, i, active);
                leaving.extend(class.iter().map(|&k| (j, k)));
            }
            Ok(Leave::Both) => two_ways = two_ways.or(Some((j, i))),
            Ok(Leave::Stay) => *pattern = sides(net, pattern, j, i, false),
            // The Clarke flow slides along a surface that attracts from both sides.
            Err(UndecidedReason::Sliding { .. }) if clarke => {
                *pattern = sliding_pattern(&sides(net, pattern, j, i, false), j, i)
            }
            Err(reason) => return Err(reason),
        }
    }
    match two_ways {
        Some((neuron, point)) => Err(UndecidedReason::NonUnique { neuron, point }),
        None => Ok(leaving),
    }
}

/// `pattern` with neuron `j` on the side of `i`'s surface where `i`'s guard is positive (`active`)
/// or negative: the points of `i`'s class with `x_kᵀx_i > 0` go with `i`, the others the opposite way.
pub(crate) fn sides<S: Enclosure>(net: &Net<S>, pattern: &Pattern, j: usize, i: usize, active: bool) -> Pattern {
    let mut p = pattern.clone();
    for k in net.class(i) {
        let same = net.same_direction(i, k);
        p.active[j].retain(|&q| q != k);
        if same == active {
            let at = p.active[j].binary_search(&k).unwrap_or_else(|e| e);
            p.active[j].insert(at, k);
        }
    }
    p
}

/// A live neuron `j` whose guard of point `i` (`x_i ≠ 0`) is exactly 0, no other guard of `j`
/// being 0 except those of points parallel to `x_i` (one surface; they take their sides with `i`). The guard's rate at `t = 0` depends only on `A_j` (at `t = 0` the residuals do not see
/// any pair on a surface), so with `ρ⁻`, `ρ⁺` its rate with `i` inactive / active:
/// `ρ⁻, ρ⁺ < 0` (`> 0`): every solution leaves to the inactive (active) side;
/// `ρ⁻ < 0 < ρ⁺`: two solutions (`Both`); `ρ⁺ < 0 < ρ⁻`: the fields point into the surface from both
/// sides, `Sliding`; a rate not of one sign: `Grazing` (`proofs-notes/net-validated-switches.md`,
/// "Start"). Where the inactive side holds the guard constant (`ρ⁻ ≡ 0`, `Net::constant_guard`)
/// and points may stay on their surface: `ρ⁺ < 0` stays (`Stay`), `ρ⁺ > 0` has two solutions.
fn leave_surface<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    j: usize,
    i: usize,
) -> Result<Leave, UndecidedReason> {
    let (off, on) = (sides(net, pattern, j, i, false), sides(net, pattern, j, i, true));
    let (minus, plus) = (guard_rate(net, &off, x0, j, i), guard_rate(net, &on, x0, j, i));
    if net.pinnable && net.constant_guard(&off, j, i) {
        // `ρ⁻ ≡ 0`: staying is a solution; leaving to the active side is one iff `ρ⁺ > 0`.
        return if net.inert(&off, j, i) || plus.certainly_neg() {
            Ok(Leave::Stay)
        } else if plus.certainly_pos() {
            Ok(Leave::Both)
        } else {
            Err(UndecidedReason::Grazing { neuron: j, point: i })
        };
    }
    if minus.certainly_neg() && plus.certainly_neg() {
        Ok(Leave::To(false))
    } else if minus.certainly_pos() && plus.certainly_pos() {
        Ok(Leave::To(true))
    } else if minus.certainly_neg() && plus.certainly_pos() {
        Ok(Leave::Both)
    } else if minus.certainly_pos() && plus.certainly_neg() {
        Err(UndecidedReason::Sliding { neuron: j, point: i })
    } else {
        Err(UndecidedReason::Grazing { neuron: j, point: i })
    }
}

/// A frozen neuron `j` (no active point, σ'(0) = 0, `a_j ≠ 0`) whose guard of point `i` (`x_i ≠ 0`)
/// is exactly 0: with `i` counted active, the guard's rate is `ρ_i = c a_j r_i ‖x_i‖²` (`r_i` the
/// residual). `ρ_i > 0`: a second solution leaves through the surface (`NonUnique`); `ρ_i` not
/// certainly `< 0`: `Grazing`. If `ρ_i < 0` for every such `i`, or `i` is inert (`Net::inert`:
/// `r_i = a_j w_jᵀx_i` on the leaving side, so `ρ_i ≤ 0`), no solution leaves
/// (`proofs-notes/net-validated-switches.md`, "Start"): `Ok`.
fn frozen_stays<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    j: usize,
    i: usize,
) -> Result<(), UndecidedReason> {
    if net.inert(pattern, j, i) {
        // The leaving side's rate is `−G a_j² ‖x_i‖² w_jᵀx_i ≤ 0` (`pinned.rs`).
        return Ok(());
    }
    // Where the guard turns positive, `i`'s side of its class is active (parallel points too).
    let mut live_j = pattern.clone();
    live_j.active[j].clear();
    live_j.frozen[j] = false;
    let rate = guard_rate(net, &sides(net, &live_j, j, i, true), x0, j, i);
    if rate.certainly_neg() {
        Ok(())
    } else if rate.certainly_pos() {
        Err(UndecidedReason::NonUnique { neuron: j, point: i })
    } else {
        Err(UndecidedReason::Grazing { neuron: j, point: i })
    }
}
