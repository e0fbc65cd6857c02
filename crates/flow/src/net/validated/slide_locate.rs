//! Where a sliding mode may end along a step of the sliding flow (`[run] solution = "clarke"`):
//! the surface is proved to attract on pieces of the step (on the piece's box, or by the mean value
//! theorem in time), and the first piece where it is not is searched for a transversal zero of one
//! one-sided rate (`proofs-notes/net-clarke-sliding.md`, "Exit").

use super::Net;
use super::series::Series;
use super::slide::{mode_attracts, one_sided, rates};
use super::slide_exit::Leaving;
use super::start::sides;
use super::taylor::{Apriori, poly_at};
use crate::net::sliding::rate_derivative;
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// Pieces of the step on which the sliding mode is checked.
const PIECES: usize = 16;
/// Halvings of the exit window while its transversality is not proved.
const NARROW: usize = 60;

/// Whether every sliding mode of `pattern` persists over the step `[0, h]` (Taylor values `ser_x`,
/// a priori enclosure `apri`), proved on [`PIECES`] pieces ([`attracts_on`]) where the a priori box
/// as a whole does not show it.
pub(crate) fn persists<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    ser_x: &Series<S>,
    apri: &Apriori<S>,
    h: f64,
) -> bool {
    let at = |lo: f64, hi: f64| poly_at(&ser_x.x, Some(&apri.rem), &S::from_f64_bounds(lo, hi, &net.ctx));
    let times = piece_times(h);
    pattern.sliding.iter().filter(|&&(j, _)| !pattern.frozen[j]).all(|&(j, i)| {
        if pattern.sliding_points(j).len() > 1 {
            // Two surfaces: on each piece's box, for every multiplier of the other surface.
            return (0..PIECES).all(|k| mode_attracts(net, pattern, &at(times[k], times[k + 1]), j, i));
        }
        let on = sides(net, pattern, j, i, true);
        (0..PIECES).all(|k| attracts_on(net, pattern, &on, &at, times[k], times[k + 1], (j, i)))
    })
}

/// `0 = t_0 < … < t_PIECES = h`, equally spaced.
fn piece_times(h: f64) -> Vec<f64> {
    (0..=PIECES).map(|k| if k == PIECES { h } else { h * k as f64 / PIECES as f64 }).collect()
}

/// Where the sliding mode of `(j, i)` ends along the sliding flow `at(lo, hi)` (a box of the
/// states over `[lo, hi] ⊂ [0, h]`): `(side, lo, hi)` with the surface proved attracting on
/// `[0, lo]` (on pieces, [`attracts_on`]), the leaving rate of the side's attracting sign at `lo`
/// and of the exit's sign at `hi`, and on the window box its derivative along the sliding field of
/// the exit's sign and the other rate of its attracting sign. `None`: not found or not proved.
pub(super) fn locate<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    on: &Pattern,
    at: &impl Fn(f64, f64) -> Vec<S>,
    h: f64,
    (j, i): (usize, usize),
) -> Option<(bool, f64, f64)> {
    let times = piece_times(h);
    let k0 = (0..PIECES).find(|&k| !attracts_on(net, pattern, on, at, times[k], times[k + 1], (j, i)))?;
    // The side: the rate that is still attracting at the end of the failed piece stays so.
    let (minus, plus) = rates(net, pattern, on, &at(times[k0 + 1], times[k0 + 1]), j, i);
    let active = if minus.certainly_pos() {
        true
    } else if plus.certainly_neg() {
        false
    } else {
        return None;
    };
    let lv = Leaving { net, pattern, on: on.clone(), j, i, active };
    let mut lo = times[k0];
    let mut hi = times[k0 + 1..].iter().copied().find(|&t| lv.rate(&at(t, t)).certainly_pos())?;
    if !lv.rate(&at(lo, lo)).certainly_neg() {
        return None;
    }
    for _ in 0..NARROW {
        let window = at(lo, hi);
        if lv.turn(pattern, &window).certainly_pos() && lv.other_holds(&window) {
            return Some((active, lo, hi));
        }
        let mid = 0.5 * (lo + hi);
        if !(lo < mid && mid < hi) {
            return None;
        }
        let r = lv.rate(&at(mid, mid));
        if r.certainly_pos() {
            hi = mid;
        } else if r.certainly_neg() && attracts_on(net, pattern, on, at, lo, mid, (j, i)) {
            lo = mid;
        } else {
            return None;
        }
    }
    None
}

/// Whether the surface of `(j, i)` attracts from both sides at every state of the sliding flow
/// over `[a, b]`: on the box `at(a, b)`, or by the mean value theorem in time, each rate over
/// `[a, b]` lying in its value at the midpoint `c` plus its derivative along the sliding field over
/// the box times `[a − c, b − c]` (the rates are small differences of large terms near an exit,
/// and a box over a time interval loses that cancellation; the derivative's box does not matter as
/// much).
fn attracts_on<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    on: &Pattern,
    at: &impl Fn(f64, f64) -> Vec<S>,
    a: f64,
    b: f64,
    (j, i): (usize, usize),
) -> bool {
    let bx = at(a, b);
    let (minus, plus) = rates(net, pattern, on, &bx, j, i);
    let c = 0.5 * (a + b);
    let (m_c, p_c) = rates(net, pattern, on, &at(c, c), j, i);
    let ctx = &net.ctx;
    let dt = S::from_f64_bounds(a, b, ctx).sub(&S::from_f64_bounds(c, c, ctx));
    let (s, v) = (net.unflatten(&bx), net.unflatten(&net.field_flat(pattern, &bx)));
    let d_minus = rate_derivative(&net.data, &one_sided(pattern), &s, &v, (j, i));
    let d_plus = rate_derivative(&net.data, &one_sided(on), &s, &v, (j, i));
    let minus_mv = d_minus.mul_add(&dt, &m_c);
    let plus_mv = d_plus.mul_add(&dt, &p_c);
    (minus.certainly_pos() || minus_mv.certainly_pos()) && (plus.certainly_neg() || plus_mv.certainly_neg())
}
