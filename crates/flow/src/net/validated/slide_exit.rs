//! Leaving a sliding mode (`[run] solution = "clarke"`): one one-sided rate reaches 0
//! transversally along the sliding flow while the other stays strictly signed, and the flow
//! continues with the pattern of the side the multiplier leaves towards
//! (`proofs-notes/net-clarke-sliding.md`, "Exit").

use super::series::series;
use super::slide::{first_not_attracting, one_sided, rates};
use super::slide_locate::locate;
use super::start::sides;
use super::switch::analyze_guard;
use super::taylor::{Apriori, apriori, block_exponents, poly_at, uncertain_guards};
use super::{Net, ValidatedOptions, series::Series};
use crate::net::sliding::rate_derivative;
use crate::trajectory::{EventKind, Pattern, UndecidedReason};
use reluflow_arith::rounding::{f64_down, f64_up};
use reluflow_arith::{Enclosure, meet_all};
use rug::Rational;

/// Bisections that narrow the exit window once it is proved.
const REFINE: usize = 60;
/// Restart offsets tried (doubling) after the exit.
const ETA_TRIES: usize = 12;

/// The sliding pair `(j, i)` of `pattern` and the side its mode leaves to.
pub(super) struct Leaving<'a, S: Enclosure> {
    pub(super) net: &'a Net<S>,
    pub(super) pattern: &'a Pattern,
    pub(super) on: Pattern,
    pub(super) j: usize,
    pub(super) i: usize,
    /// `true`: `ρ⁺` rises through 0 (to the active side); `false`: `ρ⁻` falls through 0.
    pub(super) active: bool,
}

impl<S: Enclosure> Leaving<'_, S> {
    /// The leaving rate times the exit's sign over the box `x`: negative while the mode attracts,
    /// positive once it has left.
    pub(super) fn rate(&self, x: &[S]) -> S {
        let (minus, plus) = rates(self.net, self.pattern, &self.on, x, self.j, self.i);
        if self.active { plus } else { minus.neg() }
    }
    /// The other rate keeps its attracting sign on `x` (Filippov's uniqueness condition there).
    pub(super) fn other_holds(&self, x: &[S]) -> bool {
        let (minus, plus) = rates(self.net, self.pattern, &self.on, x, self.j, self.i);
        if self.active { minus.certainly_pos() } else { plus.certainly_neg() }
    }
    /// The derivative of [`Self::rate`] along the flow of `flow` over the box `x`.
    pub(super) fn turn(&self, flow: &Pattern, x: &[S]) -> S {
        let side = if self.active { one_sided(&self.on) } else { one_sided(self.pattern) };
        let v = self.net.field_flat(flow, x);
        let (s, v) = (self.net.unflatten(x), self.net.unflatten(&v));
        let d = rate_derivative(&self.net.data, &side, &s, &v, (self.j, self.i));
        if self.active { d } else { d.neg() }
    }
    /// The pattern after the exit and its events.
    fn next(&self) -> (Pattern, Vec<(usize, EventKind)>) {
        let mut next = self.pattern.clone();
        next.sliding.retain(|&p| p != (self.j, self.i));
        if !self.active {
            return (next, vec![(self.i, EventKind::SlideEnd)]);
        }
        let next = sides(self.net, &next, self.j, self.i, true);
        let kinds = self
            .net
            .class(self.i)
            .into_iter()
            .filter_map(|k| {
                let (was, is) = (self.pattern.active[self.j].contains(&k), next.active[self.j].contains(&k));
                (was != is).then_some((k, if is { EventKind::Activate } else { EventKind::Deactivate }))
            })
            .collect();
        (next, kinds)
    }
}

/// A proved exit: the mode ends at a time in `t + [lo, hi]` and the run restarts at `t + hi + eta`.
pub(crate) struct Exit<S> {
    pub lo: f64,
    pub hi: f64,
    pub eta: f64,
    /// The pattern after the exit.
    pub pattern: Pattern,
    /// `(point, kind)` of the events at the exit.
    pub kinds: Vec<(usize, EventKind)>,
    /// Encloses the states over `[0, hi]` (sliding).
    pub before: Vec<S>,
    /// Encloses the state at the exit.
    pub at_exit: Vec<S>,
    /// Encloses the states from the exit to `hi + eta`.
    pub after: Vec<S>,
    /// Encloses the state at `hi + eta`.
    pub end: Vec<S>,
}

fn not_proved<T>(j: usize, i: usize) -> Result<T, UndecidedReason> {
    Err(UndecidedReason::SlidingMayEnd { neuron: j, point: i })
}

/// Proves that the sliding mode of `(j, i)` ends inside the step `[0, h]` of `pattern` (Taylor
/// values `ser_x` over the step's start box, a priori enclosure `apri` over `[0, h]`) and continues
/// after it, not beyond `remaining`:
/// 1. on pieces `[0, lo]` the surface attracts; at `lo` the leaving rate has its attracting sign and
///    at `hi` the exit's sign; on the window box `X* = T(lo..hi)` its derivative along the sliding
///    field has the exit's sign and the other rate keeps its attracting sign, so the mode ends at a
///    unique `τ* ∈ (lo, hi)` and the solution is unique there; every other guard keeps its sign over
///    `[0, hi]`;
/// 2. the flow of the side's pattern from `X*` has an a priori enclosure `E'` over
///    `[0, hi − lo + η]` on which the leaving rate's derivative keeps the exit's sign (so the rate,
///    0 at `τ*`, and the guard, 0 at `τ*`, both have the new sign after it), the other rate keeps its
///    sign and every other guard and sliding mode persists; at the restart `hi + η` the leaving
///    rate is certainly of the new sign.
pub(crate) fn leave<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    apri: &Apriori<S>,
    h: f64,
    (j, i): (usize, usize),
    opts: &ValidatedOptions,
    remaining: &Rational,
) -> Result<Exit<S>, UndecidedReason> {
    if pattern.sliding_points(j).len() > 1 {
        // The end of a mode on two surfaces is not analysed: the run stops before it.
        return not_proved(j, i);
    }
    let ctx = &net.ctx;
    let at = |lo: f64, hi: f64| poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(lo, hi, ctx));
    let on = sides(net, pattern, j, i, true);
    let Some((active, mut lo, mut hi)) = locate(net, pattern, &on, &at, h, (j, i)) else {
        return not_proved(j, i);
    };
    let lv = Leaving { net, pattern, on, j, i, active };
    // The leaving rate is monotone on the window: narrow it around its zero.
    for _ in 0..REFINE {
        let mid = 0.5 * (lo + hi);
        if !(lo < mid && mid < hi) {
            break;
        }
        let r = lv.rate(&at(mid, mid));
        if r.certainly_neg() {
            lo = mid;
        } else if r.certainly_pos() {
            hi = mid;
        } else {
            break;
        }
    }
    let before = meet_all("net: Taylor hull before a slide exit ∩ a priori box", &at(0.0, hi), &apri.e)?;
    let xw = meet_all("net: Taylor box at a slide exit ∩ a priori box", &at(lo, hi), &apri.e)?;
    // Every other guard keeps its sign over [0, hi] (on the box, else on its Taylor polynomial).
    let other = uncertain_guards(net, pattern, &before)
        .into_iter()
        .find(|&(jj, ii)| !analyze_guard(net, pattern, ser_x, &apri.rem, jj, ii, hi).certain_whole);
    if let Some(other) = other {
        return Err(UndecidedReason::SimultaneousSwitches { pairs: vec![(j, i), other] });
    }
    let others =
        Pattern { sliding: pattern.sliding.iter().copied().filter(|&p| p != (j, i)).collect(), ..pattern.clone() };
    if let Some((neuron, point)) = first_not_attracting(net, &others, &before) {
        return not_proved(neuron, point);
    }
    let max_eta = (remaining - Rational::from_f64(hi).expect("finite")).to_f64();
    let max_eta = if max_eta > 0.0 { f64_down(max_eta) } else { return not_proved(j, i) };
    let (eta, pattern, kinds, after, end) = continue_after(&lv, &xw, f64_up(hi - lo), opts, max_eta)?;
    Ok(Exit { lo, hi, eta, pattern, kinds, before, at_exit: xw, after, end })
}

/// What [`continue_after`] proves: `η`, the new pattern, its events, `E'` and the restart box.
type After<S> = (f64, Pattern, Vec<(usize, EventKind)>, Vec<S>, Vec<S>);

/// Step 2 of [`leave`]: the flow of the side's pattern from the exit window box `xw` (of width
/// `delta` in time), restarted at `hi + η` with `η ≤ max_eta`.
fn continue_after<S: Enclosure>(
    lv: &Leaving<'_, S>,
    xw: &[S],
    delta: f64,
    opts: &ValidatedOptions,
    max_eta: f64,
) -> Result<After<S>, UndecidedReason> {
    let (net, j, i) = (lv.net, lv.j, lv.i);
    let (next, kinds) = lv.next();
    let ser_w = series(net, &next, xw, opts.order, None);
    let mid: Vec<S> = xw.iter().map(|v| v.mid()).collect();
    let e_scale = block_exponents(net, &mid);
    let class = net.class(i);
    // First guess: the time the rate, growing at its slowest, needs to pass twice its own width.
    let need = 2.0 * lv.rate(xw).width_upper() / lv.turn(&next, xw).lower_f64();
    let mut eta = if need.is_finite() && need > delta { need } else { delta };
    for _ in 0..ETA_TRIES {
        if eta > max_eta {
            break;
        }
        let total = f64_up(delta + eta);
        let Some(after) = apriori(net, &next, &ser_w, total, &e_scale, opts.apriori_iters) else {
            return not_proved(j, i);
        };
        if !(lv.turn(&next, &after.e).certainly_pos() && lv.other_holds(&after.e)) {
            return not_proved(j, i);
        }
        let other =
            uncertain_guards(net, &next, &after.e).into_iter().find(|&(jj, ii)| !(jj == j && class.contains(&ii)));
        if let Some(other) = other {
            return Err(UndecidedReason::SimultaneousSwitches { pairs: vec![(j, i), other] });
        }
        if let Some((neuron, point)) = first_not_attracting(net, &next, &after.e) {
            return not_proved(neuron, point);
        }
        let end = poly_at(&ser_w.x, Some(&after.rem), &S::from_f64_bounds(eta, total, &net.ctx));
        let end = meet_all("net: Taylor box after a slide exit ∩ a priori box", &end, &after.e)?;
        if lv.rate(&end).certainly_pos() {
            return Ok((eta, next, kinds, after.e, end));
        }
        eta *= 2.0;
    }
    not_proved(j, i)
}
