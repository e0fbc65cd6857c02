//! Sliding in the reference integrator (`RefOptions::clarke`): where a pair chatters across a
//! surface that attracts from both sides, the run continues with the sliding field (the pattern
//! with the point inactive, `Pattern::sliding`, whose `w_j` velocity is projected onto the
//! hyperplane, `net::sliding`); at each step start the one-sided rates are evaluated at the state
//! and the run leaves to the side whose field stopped pointing into the surface
//! (`proofs-notes/net-clarke-sliding.md`). Not validated: the exit is found at step resolution.

use super::events::CHATTER_SPAN;
use crate::net::field::{NetData, field};
use crate::trajectory::{Event, EventKind, Pattern, State};
use reluflow_arith::{Scalar, linalg::dot};

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
    let (minus, plus) = rates(data, pattern, s, j, i);
    if !(minus.certainly_pos() && plus.certainly_neg()) {
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
    pattern.sliding.retain(|&(jj, _)| jj != j);
    pattern.sliding.push((j, i));
    true
}

/// Ends every sliding mode of `pattern` whose surface no longer attracts at `s`: to the active
/// side (event `Activate`) when the active side's field stopped pointing into it, else to the
/// inactive side (no switch).
pub(super) fn slide_out<S: Scalar>(
    data: &NetData<S>,
    pattern: &mut Pattern,
    events: &mut Vec<Event<S>>,
    s: &State<S>,
    t: &S,
) {
    for (j, i) in pattern.sliding.clone() {
        let (minus, plus) = rates(data, pattern, s, j, i);
        if minus.certainly_pos() && plus.certainly_neg() {
            continue;
        }
        pattern.sliding.retain(|&p| p != (j, i));
        if !plus.certainly_neg() {
            let at = pattern.active[j].binary_search(&i).unwrap_or_else(|e| e);
            pattern.active[j].insert(at, i);
            events.push(Event { t: t.clone(), point: i, neuron: j, kind: EventKind::Activate });
        }
    }
}
