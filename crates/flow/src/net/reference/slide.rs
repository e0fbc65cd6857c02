//! Sliding in the reference integrator (`RefOptions::clarke`): where a pair chatters across a
//! surface that attracts from both sides, the run continues with the sliding field (the pattern
//! with the point inactive, `Pattern::sliding`, whose `w_j` velocity is projected onto the
//! hyperplane, `net::sliding`). The sliding mode ends where a one-sided rate stops pointing into
//! the surface: each sliding step is cut at the first such time, located by bisection on the
//! step's Taylor polynomial ([`exit_time`]), and the run leaves there to the side whose field
//! stopped pointing into the surface (`proofs-notes/net-clarke-sliding.md`). Not validated.

use super::eval_state;
use super::events::CHATTER_SPAN;
use crate::net::field::{NetData, field};
use crate::trajectory::{Event, EventKind, Pattern, State};
use reluflow_arith::{Scalar, linalg::dot};

/// Sample points per step at which the sliding modes are checked before bisecting (a mode that
/// ends and resumes between two of them is not seen).
const EXIT_SAMPLES: usize = 8;

/// Whether the surface of `(j, i)` attracts from both sides at `s` (`ρ⁻ > 0 > ρ⁺`), on two surfaces
/// for each multiplier of `j`'s other one (`σ'(0) ∈ {0, 1}` for its point).
fn mode_attracts<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>, j: usize, i: usize) -> bool {
    let other = pattern.sliding_points(j).into_iter().find(|&k| k != i);
    let vertices: Vec<Pattern> = match other {
        None => vec![pattern.clone()],
        Some(k) => [false, true]
            .iter()
            .map(|&on| {
                let mut p = pattern.clone();
                p.active[j].retain(|&q| q != k);
                if on {
                    let at = p.active[j].binary_search(&k).unwrap_or_else(|e| e);
                    p.active[j].insert(at, k);
                }
                p
            })
            .collect(),
    };
    vertices.iter().all(|p| {
        let (minus, plus) = rates(data, p, s, j, i);
        minus.certainly_pos() && plus.certainly_neg()
    })
}

/// `pattern` without neuron `j`'s sliding pairs.
fn one_surface(pattern: &Pattern, j: usize) -> Pattern {
    let mut p = pattern.clone();
    p.sliding.retain(|&(jj, _)| jj != j);
    p
}

/// The one-sided rates `(ρ⁻, ρ⁺)` of guard `(j, i)` at `s`: `i` inactive / active for `j`, no
/// projection.
fn rates<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>, j: usize, i: usize) -> (S, S) {
    let ctx = data.ctx();
    let mut off = Pattern { sliding: Vec::new(), ..pattern.clone() };
    off.active[j].retain(|&k| k != i);
    off.frozen[j] = false;
    let mut on = off.clone();
    let at = on.active[j].binary_search(&i).unwrap_or_else(|e| e);
    on.active[j].insert(at, i);
    let rate = |p: &Pattern| dot(&field(data, p, s).w[j], &data.x[i], &ctx);
    (rate(&off), rate(&on))
}

/// Starts sliding pair `(j, i)` if its surface attracts from both sides at `s` (`ρ⁻ > 0 > ρ⁺`):
/// the pattern gets `i` inactive for `j` and `(j, i)` sliding, and the pair's chattering switches
/// (its trailing events within the chattering span before `t`) are replaced by one
/// [`EventKind::Slide`] event at the first of them. `false`: not attracting.
pub(super) fn slide_in<S: Scalar>(
    data: &NetData<S>,
    pattern: &mut Pattern,
    events: &mut Vec<Event<S>>,
    s: &State<S>,
    t: &S,
    (j, i): (usize, usize),
) -> bool {
    // Beside a surface `j` already slides on, both slide at once if both attract for every
    // multiplier of the other; else the new surface replaces the old one.
    let mut both = pattern.clone();
    both.active[j].retain(|&k| k != i);
    both.sliding.push((j, i));
    let keep = both.sliding_points(j).len() > 1
        && both.sliding_points(j).into_iter().all(|k| mode_attracts(data, &both, s, j, k));
    if !keep && !mode_attracts(data, &one_surface(pattern, j), s, j, i) {
        return false;
    }
    // The chattering switches: the pair's trailing events within the chattering span of now
    // (an earlier, genuine switch of the pair stays).
    let span = CHATTER_SPAN * (1.0 + t.approx_f64().abs());
    let first = events
        .iter()
        .rposition(|e| (e.neuron, e.point) != (j, i) || t.approx_f64() - e.t.approx_f64() > span)
        .map_or(0, |k| k + 1);
    let t_first = events.get(first).map(|e| e.t.clone());
    events.truncate(first);
    if let Some(t) = t_first {
        events.push(Event { t, point: i, neuron: j, kind: EventKind::Slide });
    }
    pattern.active[j].retain(|&k| k != i);
    pattern.frozen[j] = false;
    if !keep {
        pattern.sliding.retain(|&(jj, _)| jj != j);
    }
    pattern.sliding.push((j, i));
    pattern.sliding.sort_unstable();
    true
}

/// Whether every sliding mode of `pattern` attracts at `s`.
fn all_attract<S: Scalar>(data: &NetData<S>, pattern: &Pattern, s: &State<S>) -> bool {
    pattern.sliding.iter().all(|&(j, i)| mode_attracts(data, pattern, s, j, i))
}

/// The first time in `(0, h]` at which a sliding mode of `pattern` stops attracting along the
/// step's Taylor polynomial `c`, to `h·2^(−iters)` (the first failing one of [`EXIT_SAMPLES`]
/// samples, then bisection between it and the sample before; the returned time is the upper end
/// of the last bracket, where the mode no longer attracts). `None`: every mode attracts at every
/// sample.
pub(super) fn exit_time<S: Scalar>(
    data: &NetData<S>,
    pattern: &Pattern,
    c: &[State<S>],
    h: &S,
    iters: usize,
) -> Option<S> {
    let ctx = data.ctx();
    let at = |tau: &S| all_attract(data, pattern, &eval_state(c, tau));
    let n = S::from_i64(EXIT_SAMPLES as i64, &ctx);
    let mut lo = S::zero(&ctx);
    let mut hi = (1..=EXIT_SAMPLES as i64).map(|k| h.mul(&S::from_i64(k, &ctx)).div(&n)).find(|tau| {
        let ok = at(tau);
        if ok {
            lo = tau.clone();
        }
        !ok
    })?;
    for _ in 0..iters {
        let mid = lo.add(&hi).mul_2si(-1);
        if !(lo.certainly_lt(&mid) && mid.certainly_lt(&hi)) {
            break;
        }
        if at(&mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// Ends every sliding mode of `pattern` whose surface no longer attracts at `s`: to the active
/// side (event `Activate`) when the active side's field stopped pointing into it, else to the
/// inactive side (event `SlideEnd`, no active set changes). Returns the pairs that left: their
/// guards are 0 with rate 0 at `s` (they leave quadratically), so the next step does not search
/// them for a crossing.
pub(super) fn slide_out<S: Scalar>(
    data: &NetData<S>,
    pattern: &mut Pattern,
    events: &mut Vec<Event<S>>,
    s: &State<S>,
    t: &S,
) -> Vec<(usize, usize)> {
    let mut left = Vec::new();
    for (j, i) in pattern.sliding.clone() {
        if mode_attracts(data, pattern, s, j, i) {
            continue;
        }
        let (_, plus) = rates(data, pattern, s, j, i);
        pattern.sliding.retain(|&p| p != (j, i));
        left.push((j, i));
        let kind = if !plus.certainly_neg() {
            let at = pattern.active[j].binary_search(&i).unwrap_or_else(|e| e);
            pattern.active[j].insert(at, i);
            EventKind::Activate
        } else {
            EventKind::SlideEnd
        };
        events.push(Event { t: t.clone(), point: i, neuron: j, kind });
    }
    left
}
