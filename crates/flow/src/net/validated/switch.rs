//! Proving an activation switch `w_jᵀx_i = 0` inside a step: the crossing window, transversality
//! on both sides (or death), and the enclosure right after the switch.
//!
//! Proofs note: `proofs-notes/net-validated-switches.md`.

use super::series::{Series, live, series};
use super::slide::first_not_attracting;
use super::taylor::{Apriori, apriori, block_exponents, guard, guard_rate, poly_at, uncertain_guards};
use super::{Net, ValidatedOptions};
use crate::trajectory::{EventKind, Pattern, UndecidedReason};
use reluflow_arith::rounding::f64_up;
use reluflow_arith::{Enclosure, meet_all};
use reluflow_model::ReluPrime;

/// What the guard polynomial says about one doubtful guard over a step `[0, h]`.
#[derive(Clone, Debug)]
pub(crate) struct GuardInfo {
    pub j: usize,
    pub i: usize,
    /// The guard keeps the pattern's sign over the whole step (no switch).
    pub certain_whole: bool,
    /// The guard keeps the pattern's sign on `[0, lo]` (for every start in the box).
    pub lo: f64,
    /// `(lo, hi)`: the guard has the opposite sign at `hi` (for every start in the box).
    pub window: Option<(f64, f64)>,
}

fn sign_ok<S: Enclosure>(v: &S, positive: bool) -> bool {
    if positive { v.certainly_pos() } else { v.certainly_neg() }
}

/// The guard polynomial `G(τ) = Σ_{k≤p} g_k τ^k + ρ τ^{p+1}` of one pair.
struct GuardPoly<S> {
    g: Vec<Vec<S>>,
    rem: Vec<S>,
    mid: Vec<Vec<S>>,
}

impl<S: Enclosure> GuardPoly<S> {
    fn new(net: &Net<S>, ser_x: &Series<S>, rem: &[S], j: usize, i: usize) -> GuardPoly<S> {
        let g: Vec<Vec<S>> = ser_x.x.iter().map(|c| vec![guard(net, c, j, i)]).collect();
        let mid = g.iter().map(|c| vec![c[0].mid()]).collect();
        GuardPoly { g, rem: vec![guard(net, rem, j, i)], mid }
    }
    /// Encloses `G(τ)` for every `τ ∈ [a, b]` and every start in the box.
    fn on(&self, a: f64, b: f64) -> S {
        let ctx = self.rem[0].ctx();
        poly_at(&self.g, Some(&self.rem), &S::from_f64_bounds(a, b, &ctx)).remove(0)
    }
    /// The midpoint polynomial at `τ` (no remainder: an approximation, used only to aim).
    fn approx(&self, t: f64) -> S {
        let ctx = self.rem[0].ctx();
        poly_at(&self.mid, None, &S::from_f64(t, &ctx)).remove(0)
    }
    /// `G` has sign `pos` on all of `[a, b]`, by adaptive subdivision (at most `budget` evaluations).
    fn sign_on(&self, a: f64, b: f64, pos: bool, budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if sign_ok(&self.on(a, b), pos) {
            return true;
        }
        let m = 0.5 * (a + b);
        if !(m > a && m < b) {
            return false;
        }
        self.sign_on(a, m, pos, budget) && self.sign_on(m, b, pos, budget)
    }
}

/// The guard of `(j, i)` along the pattern flow over `[0, h]`: whether it keeps its sign, the
/// largest `lo` (found by bisection) on `[0, lo]` of which it provably keeps it, and, when the
/// midpoint polynomial changes sign, a tight window `(a, b)` around the approximate crossing with
/// `G` of the old sign on `[0, a]` and of the new sign at `b`.
pub(crate) fn analyze_guard<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    rem: &[S],
    j: usize,
    i: usize,
    h: f64,
) -> GuardInfo {
    let gp = GuardPoly::new(net, ser_x, rem, j, i);
    let pos = live(pattern, j).contains(&i);
    let mut info = GuardInfo { j, i, certain_whole: false, lo: 0.0, window: None };
    let mut budget = 200;
    if gp.sign_on(0.0, h, pos, &mut budget) {
        info.certain_whole = true;
        info.lo = h;
        return info;
    }
    if !sign_ok(&gp.on(0.0, 0.0), pos) {
        return info;
    }
    // Approximate crossing of the midpoint polynomial (bisection on its sign).
    if sign_ok(&gp.approx(h), !pos) {
        let (mut a, mut b) = (0.0, h);
        for _ in 0..64 {
            let m = 0.5 * (a + b);
            if !(m > a && m < b) {
                break;
            }
            if sign_ok(&gp.approx(m), pos) { a = m } else { b = m }
        }
        let tc = 0.5 * (a + b);
        let width = gp.on(tc, tc);
        let slope = {
            let ctx = width.ctx();
            let dm: Vec<Vec<S>> =
                (1..gp.mid.len()).map(|k| vec![gp.mid[k][0].mul(&S::from_i64(k as i64, &ctx))]).collect();
            poly_at(&dm, None, &S::from_f64(tc, &ctx)).remove(0)
        };
        let ratio = width.hi_point().sub(&width.lo_point()).div(&slope.abs()).approx_f64();
        let mut eps = if ratio.is_finite() { (2.0 * ratio).max(4.0 * f64::EPSILON * tc) } else { f64::NAN };
        for _ in 0..10 {
            if !(eps.is_finite() && eps > 0.0) {
                break;
            }
            let (wa, wb) = ((tc - eps).max(0.0), (tc + eps).min(h));
            let mut budget = 400;
            if sign_ok(&gp.on(wb, wb), !pos) && gp.sign_on(0.0, wa, pos, &mut budget) {
                info.lo = wa;
                info.window = Some((wa, wb));
                return info;
            }
            eps *= 4.0;
        }
    }
    // No window: the largest provable lo, by bisection.
    let (mut a, mut b) = (0.0, h);
    for _ in 0..40 {
        let m = 0.5 * (a + b);
        let mut budget = 60;
        if gp.sign_on(0.0, m, pos, &mut budget) { a = m } else { b = m }
    }
    info.lo = a;
    info
}

/// A crossing window `(lo, hi]` of guard `(j, i)`, separated from every other doubtful guard.
#[derive(Clone, Debug)]
pub(crate) struct Crossing {
    pub j: usize,
    pub i: usize,
    pub lo: f64,
    pub hi: f64,
}

/// Whether `(j, i)` left its surface at a proved time before this step (the driver's `leaving`
/// pairs: its guard was 0 there and has had the pattern's sign since, the driver checked its rate
/// over the step) and its rate under `next` keeps the pattern's sign over the enclosure `e` after
/// the switch, so the guard keeps moving away from 0 there.
fn still_leaving<S: Enclosure>(
    net: &Net<S>,
    next: &Pattern,
    e: &[S],
    leaving: &[(usize, usize)],
    (j, i): (usize, usize),
) -> bool {
    leaving.contains(&(j, i)) && sign_ok(&guard_rate(net, next, e, j, i), live(next, j).contains(&i))
}

/// The result of [`cross`].
#[derive(Clone, Debug)]
pub(crate) enum SwitchOutcome<S> {
    /// The switch is proved.
    Proved {
        /// The pattern after the switch.
        pattern: Pattern,
        /// The points that switch (the class of the crossing point, [`Net::class`]) with
        /// activate / deactivate / death.
        kinds: Vec<(usize, EventKind)>,
        /// Encloses the states from the step start to the switch.
        before_hull: Vec<S>,
        /// Encloses the state at the switch.
        at_switch: Vec<S>,
        /// Encloses the states from the switch to `hi + eta`.
        after_hull: Vec<S>,
        /// Encloses the state at `hi + eta`.
        end: Vec<S>,
        /// The restart time is `hi + eta`.
        eta: f64,
    },
    /// The proof failed (reason for the report).
    Undecided(UndecidedReason),
}

/// The first restart offset `η` tried after a switch: `delta` (the window width; always after a
/// death or a pinning, `settles`, which leave the guard at 0), or the time the
/// switched guard needs, at its slowest rate under the new pattern over the window box `xw`, to
/// move twice the width of its own enclosure there (a slow transversal crossing: at rate 2e-6 and
/// guard width 4e-16 that is 4e-10, far beyond the `delta·2⁸` the doubling reaches).
/// Only a first guess: step 6 checks the guard's sign at the restart time.
fn first_eta<S: Enclosure>(
    net: &Net<S>,
    next: &Pattern,
    xw: &[S],
    j: usize,
    i: usize,
    delta: f64,
    settles: bool,
) -> f64 {
    if settles {
        return delta;
    }
    let slowest = guard_rate(net, next, xw, j, i).abs().lower_f64();
    let need = 2.0 * guard(net, xw, j, i).width_upper() / slowest;
    if need.is_finite() { need.max(delta) } else { delta }
}

/// Proves the switch `c` (see `proofs-notes/net-validated-switches.md`):
/// 1. the state over the window, `X* = T(lo..hi)`, has guard rate of the new sign under the old
///    pattern (so each trajectory crosses exactly once, at some `τ* ∈ (lo, hi]`);
/// 2. the new pattern: `i` and the points parallel to it ([`Net::class`]) toggled in `A_j`; if `i`
///    was `j`'s last active point and
///    σ'(0) = 0, the neuron dies (frozen, zero field); otherwise the guard rate under the new
///    pattern over `X*` must also have the new sign (no sliding);
/// 3. an a priori enclosure `E'` of the new pattern's flow from `X*` over `[0, hi − lo + η]`, on
///    which every other guard keeps its sign and the switched guard's rate keeps the new sign; the
///    restart time `hi + η` (`η ≤ max_eta`, so the horizon is not overshot) has the switched guard
///    certainly of its new sign.
pub(crate) fn cross<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    relu_prime: ReluPrime,
    clarke: bool,
    ser_x: &Series<S>,
    apri: &Apriori<S>,
    c: &Crossing,
    opts: &ValidatedOptions,
    max_eta: f64,
    leaving: &[(usize, usize)],
) -> SwitchOutcome<S> {
    let ctx = &net.ctx;
    let (j, i) = (c.j, c.i);
    // A sliding neuron crossing a second surface transversally (under its sliding field) keeps
    // sliding in the new pattern if the first surface still attracts there (checked on the
    // enclosure after the switch); its death is analysed below, a second sliding surface is not.
    let slides_on = pattern.sliding_point(j);
    let unanalysed =
        |k: usize| SwitchOutcome::Undecided(UndecidedReason::SimultaneousSwitches { pairs: vec![(j, k), (j, i)] });
    let was_active = live(pattern, j).contains(&i);
    // Taylor polynomial with remainder and the a priori box both enclose the flow over the step.
    let over = |lo: f64, hi: f64, site| {
        meet_all(site, &poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(lo, hi, ctx)), &apri.e)
    };
    let before = match over(0.0, c.hi, "net: Taylor hull before a switch ∩ a priori box") {
        Ok(v) => v,
        Err(e) => return SwitchOutcome::Undecided(e.into()),
    };
    let xw = match over(c.lo, c.hi, "net: Taylor box at a switch ∩ a priori box") {
        Ok(v) => v,
        Err(e) => return SwitchOutcome::Undecided(e.into()),
    };
    if !sign_ok(&guard_rate(net, pattern, &xw, j, i), !was_active) {
        return SwitchOutcome::Undecided(UndecidedReason::Grazing { neuron: j, point: i });
    }
    // Every point of i's class toggles (its guard is a fixed multiple of i's).
    let class = net.class(i);
    let mut next = pattern.clone();
    let mut kinds: Vec<(usize, EventKind)> = Vec::new();
    for &k in &class {
        match next.active[j].binary_search(&k) {
            Ok(pos) => {
                next.active[j].remove(pos);
                kinds.push((k, EventKind::Deactivate));
            }
            Err(pos) => {
                next.active[j].insert(pos, k);
                kinds.push((k, EventKind::Activate));
            }
        }
    }
    // The last active class of a sliding neuron leaves: the Clarke flow stops the neuron where it
    // is, on both surfaces (`dead.rs`), and its sliding ends.
    let slide_death = slides_on.filter(|_| next.active[j].is_empty());
    let kind = if next.active[j].is_empty() {
        if relu_prime == ReluPrime::One && slide_death.is_none() {
            // With σ'(0) = 1 the surface counts as active: the field on the surface points out of
            // it, the field beyond it vanishes — a sliding (Filippov) situation.
            return SwitchOutcome::Undecided(UndecidedReason::Sliding { neuron: j, point: i });
        }
        next.frozen[j] = true;
        // The points of one class leave together; the first is named the death.
        kinds[0].1 = EventKind::Death;
        if slide_death.is_some() {
            kinds.extend(pattern.sliding_points(j).into_iter().map(|s| (s, EventKind::SlideEnd)));
            next.sliding.retain(|&(jj, _)| jj != j);
        }
        EventKind::Death
    } else if was_active {
        EventKind::Deactivate
    } else {
        EventKind::Activate
    };
    // A point deactivated onto a pattern that holds its guard constant stays on its surface
    // (`pinned.rs`): the old pattern's rate, proved negative over `xw`, is the active side's.
    let pin = kind != EventKind::Death && was_active && net.pinnable && net.constant_guard(&next, j, i);
    let settles = kind == EventKind::Death || pin;
    if !settles && !sign_ok(&guard_rate(net, &next, &xw, j, i), !was_active) {
        // A second sliding surface is entered like the first (`slide_entry`); a third is not.
        if let Some(s) = slides_on.filter(|_| !clarke || pattern.sliding_points(j).len() > 1) {
            return unanalysed(s);
        }
        if clarke {
            let off = if was_active { &next } else { pattern };
            let on = if was_active { pattern } else { &next };
            return super::slide_entry::enter(net, off, on, before, xw, c, opts);
        }
        return SwitchOutcome::Undecided(UndecidedReason::Sliding { neuron: j, point: i });
    }
    let delta = f64_up(c.hi - c.lo);
    let ser_w = series(net, &next, &xw, opts.order, None);
    let mid: Vec<S> = xw.iter().map(|v| v.mid()).collect();
    let e_scale = block_exponents(net, &mid);
    // Continue past `hi` by `eta` so that the switched guard is certainly of its new sign at the
    // restart time `hi + eta` (the duration since the switch lies in [eta, delta + eta]).
    let mut eta = first_eta(net, &next, &xw, j, i, delta, settles);
    for _ in 0..8 {
        if eta > max_eta {
            break;
        }
        let total = f64_up(delta + eta);
        let Some(after) = apriori(net, &next, &ser_w, total, &e_scale, opts.apriori_iters) else {
            return SwitchOutcome::Undecided(UndecidedReason::Other(format!(
                "could not enclose the flow after the switch of neuron {j} at point {i}"
            )));
        };
        let death = kind == EventKind::Death;
        if death && let Some(k) = (0..net.n).find(|&k| net.is_guard(k) && !net.guard_holds(&next, &after.e, j, k)) {
            return SwitchOutcome::Undecided(UndecidedReason::Other(format!(
                "neuron {j} dies on the hyperplane of point {i}, but the field on the active side of the \
                 hyperplane of point {k} may point away from it after the death: a second solution, with \
                 the neuron revived, is neither excluded nor proved"
            )));
        }
        let others: Vec<(usize, usize)> = uncertain_guards(net, &next, &after.e)
            .into_iter()
            .filter(|&(jj, ii)| !(jj == j && (death || class.contains(&ii))))
            .filter(|&(jj, ii)| !still_leaving(net, &next, &after.e, leaving, (jj, ii)))
            .collect();
        if let Some(&(jj, ii)) = others.first() {
            return SwitchOutcome::Undecided(UndecidedReason::SimultaneousSwitches { pairs: vec![(j, i), (jj, ii)] });
        }
        let holds = if pin {
            net.active_side_returns(&next, &after.e, j, i)
        } else {
            settles || sign_ok(&guard_rate(net, &next, &after.e, j, i), !was_active)
        };
        if !holds {
            return SwitchOutcome::Undecided(UndecidedReason::Sliding { neuron: j, point: i });
        }
        let end = poly_at(&ser_w.x, Some(&after.rem), &S::from_f64_bounds(eta, total, ctx));
        let end = match meet_all("net: Taylor box after a switch ∩ a priori box", &end, &after.e) {
            Ok(v) => v,
            Err(e) => return SwitchOutcome::Undecided(e.into()),
        };
        if settles || sign_ok(&guard(net, &end, j, i), !was_active) {
            if let Some((neuron, point)) = first_not_attracting(net, &next, &after.e) {
                // Another neuron slides: its mode must persist after this switch too.
                return SwitchOutcome::Undecided(UndecidedReason::SlidingMayEnd { neuron, point });
            }
            let after_hull = after.e.clone();
            return SwitchOutcome::Proved {
                pattern: next,
                kinds,
                before_hull: before,
                at_switch: xw,
                after_hull,
                end,
                eta,
            };
        }
        eta *= 2.0;
    }
    SwitchOutcome::Undecided(UndecidedReason::Other(format!(
        "could not separate the state from the hyperplane of point {i} after the switch of neuron {j}"
    )))
}
