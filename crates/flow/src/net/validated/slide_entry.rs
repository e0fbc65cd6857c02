//! Entering a sliding mode at a proved crossing (`[run] solution = "clarke"`): the flow of the old
//! pattern reaches the surface transversally inside the window, the field on the far side points
//! back into it, so from the crossing on the Clarke flow slides
//! (`proofs-notes/net-clarke-sliding.md`, "Entry").

use super::slide::{attracts, first_not_attracting, mode_attracts, rates, sliding_pattern};
use super::switch::{Crossing, SwitchOutcome};
use super::taylor::{apriori, block_exponents, poly_at, uncertain_guards};
use super::{Net, ValidatedOptions, series::series};
use crate::trajectory::{EventKind, Pattern, UndecidedReason};
use reluflow_arith::rounding::f64_up;
use reluflow_arith::{Enclosure, meet_all};

/// Enters sliding for the crossing `c` of neuron `c.j` through point `c.i`'s surface, with `off`
/// and `on` the patterns with `i`'s class inactive / active for `j` (one of them the pattern
/// before the crossing, whose transversality over the window box `xw` the caller proved);
/// `before` encloses the states from the step start to the crossing.
///
/// Proves: the surface attracts from both sides over `xw` (so every trajectory slides from its
/// crossing time `τ* ∈ [lo, hi]`); an a priori enclosure `E` of the sliding flow from `xw` over
/// `[0, hi − lo]`, on which the surface still attracts and every other guard keeps its sign; then
/// the state at `hi` (`hi − τ* ∈ [0, hi − lo]` after the crossing) lies in the sliding Taylor
/// polynomial over `[0, hi − lo]` met with `E`. Restart at `hi` (`eta = 0`).
pub(crate) fn enter<S: Enclosure>(
    net: &Net<S>,
    off: &Pattern,
    on: &Pattern,
    before: Vec<S>,
    xw: Vec<S>,
    c: &Crossing,
    opts: &ValidatedOptions,
) -> SwitchOutcome<S> {
    let (j, i) = (c.j, c.i);
    let sliding = UndecidedReason::Sliding { neuron: j, point: i };
    let slide = sliding_pattern(off, j, i);
    // On one surface `rates(off, on)` are the one-sided rates; beside a surface `j` already slides
    // on, every surface of `j` must attract for every multiplier of the other.
    let both_attract = |x: &[S]| {
        attracts(&rates(net, off, on, x, j, i))
            && slide.sliding_points(j).into_iter().all(|k| mode_attracts(net, &slide, x, j, k))
    };
    if !both_attract(&xw) {
        return SwitchOutcome::Undecided(sliding);
    }
    let delta = f64_up(c.hi - c.lo);
    let ser = series(net, &slide, &xw, opts.order, None);
    let mid: Vec<S> = xw.iter().map(|v| v.mid()).collect();
    let e_scale = block_exponents(net, &mid);
    let Some(apri) = apriori(net, &slide, &ser, delta, &e_scale, opts.apriori_iters) else {
        return SwitchOutcome::Undecided(UndecidedReason::Other(format!(
            "could not enclose the sliding flow of neuron {j} along the hyperplane of point {i}"
        )));
    };
    if !both_attract(&apri.e) {
        return SwitchOutcome::Undecided(UndecidedReason::SlidingMayEnd { neuron: j, point: i });
    }
    if let Some((neuron, point)) = first_not_attracting(net, &slide, &apri.e) {
        // Another neuron slides: its mode must persist after this entry too.
        return SwitchOutcome::Undecided(UndecidedReason::SlidingMayEnd { neuron, point });
    }
    if let Some(&other) = uncertain_guards(net, &slide, &apri.e).first() {
        return SwitchOutcome::Undecided(UndecidedReason::SimultaneousSwitches { pairs: vec![(j, i), other] });
    }
    let end = poly_at(&ser.x, Some(&apri.rem), &S::from_f64_bounds(0.0, delta, &net.ctx));
    let end = match meet_all("net: sliding Taylor box after entry ∩ a priori box", &end, &apri.e) {
        Ok(v) => v,
        Err(e) => return SwitchOutcome::Undecided(e.into()),
    };
    SwitchOutcome::Proved {
        pattern: slide,
        kinds: vec![(i, EventKind::Slide)],
        before_hull: before,
        at_switch: xw,
        after_hull: apri.e,
        end,
        eta: 0.0,
    }
}
