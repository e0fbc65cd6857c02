//! Event handling of the reference integrator: locating the first guard crossing of a step
//! (root exclusion per guard, `roots`),
//! stepping just past it, switching the pattern (with neuron death), and detecting chattering.

use super::eval_state;
use super::roots::{SearchCfg, first_wrong, wrong};
use crate::net::field::NetData;
use crate::trajectory::{Event, EventKind, Pattern, State};
use reluflow_arith::{Point, Scalar, linalg::dot};

/// Number of consecutive switches of one pair within a negligible time span that count as chattering.
const CHATTER_EVENTS: usize = 4;
/// The time span (relative to `1 + t`) below which those switches count as chattering.
pub(super) const CHATTER_SPAN: f64 = 1e-9;

/// Detects chattering: the last [`CHATTER_EVENTS`] events switch the same pair back and forth within
/// `CHATTER_SPAN·(1 + t)` time units, i.e. the flow slides along that pair's surface (a Filippov
/// sliding mode) or grazes it; the reference integrator stops there rather than zig-zagging.
pub(super) fn chattering<S: Scalar>(events: &[Event<S>]) -> Option<(usize, usize)> {
    let tail = events.get(events.len().checked_sub(CHATTER_EVENTS)?..)?;
    let (j, i) = (tail[0].neuron, tail[0].point);
    if tail.iter().any(|e| (e.neuron, e.point) != (j, i)) {
        return None;
    }
    let (t0, t1) = (tail[0].t.approx_f64(), tail[CHATTER_EVENTS - 1].t.approx_f64());
    (t1 - t0 <= CHATTER_SPAN * (1.0 + t1.abs())).then_some((j, i))
}

/// Switches pair `(j, i)` in the pattern and records the event (a death when the neuron's last
/// active point leaves).
pub(super) fn toggle<S: Scalar>(pattern: &mut Pattern, events: &mut Vec<Event<S>>, j: usize, i: usize, t: &S) {
    let kind = match pattern.active[j].binary_search(&i) {
        Ok(pos) => {
            pattern.active[j].remove(pos);
            if pattern.active[j].is_empty() {
                pattern.frozen[j] = true;
                EventKind::Death
            } else {
                EventKind::Deactivate
            }
        }
        Err(pos) => {
            pattern.active[j].insert(pos, i);
            EventKind::Activate
        }
    };
    events.push(Event { t: t.clone(), point: i, neuron: j, kind });
}

/// The earliest guard crossing in `(0, h]`: `(τ just past the crossing, neuron, point)`. Each
/// guard polynomial is searched by root exclusion ([`first_wrong`]) for a crossing certainly
/// before the earliest one found so far; ties keep the first pair in `(neuron, point)` order.
/// The pairs in `skip` (just left a sliding mode: guard and rate 0 at the step start) are not
/// searched.
pub(super) fn first_crossing<S: Point>(
    data: &NetData<S>,
    pattern: &Pattern,
    c: &[State<S>],
    h: &S,
    cfg: &SearchCfg<S>,
    skip: &[(usize, usize)],
) -> Option<(S, usize, usize)> {
    let ctx = data.ctx();
    let mut best: Option<(S, usize, usize)> = None;
    for j in 0..pattern.active.len() {
        if pattern.frozen[j] {
            continue;
        }
        for i in 0..data.n() {
            if pattern.sliding_points(j).contains(&i) || skip.contains(&(j, i)) {
                // Sliding: the guard is held constant (at its value on the surface).
                continue;
            }
            let act = pattern.active[j].binary_search(&i).is_ok();
            let poly: Vec<S> = c.iter().map(|ck| dot(&ck.w[j], &data.x[i], &ctx)).collect();
            let limit = best.as_ref().map_or(h, |b| &b.0);
            if let Some(tau) = first_wrong(&poly, h, limit, act, cfg)
                && best.as_ref().is_none_or(|b| tau.certainly_lt(&b.0))
            {
                best = Some((tau, j, i));
            }
        }
    }
    best
}

/// The state just past a located crossing of pair `(j, i)`: from `tau` on, moving forward by
/// doubling amounts (starting at `h·2^(−iters)`) until the guard computed from the state itself is
/// on the new side, so that the next step starts consistent with the switched pattern (a dying
/// neuron is frozen and needs no check).
///
/// Never past the end `h` of the step: the Taylor polynomial `c` describes the flow on `[0, h]`
/// only (beyond it, its error grows like `(τ/h)^(p+1)`). A guard that does not reach the new side
/// before `h` (a dip to the wrong side narrower than the rounding of the guard computed from the
/// state: a grazing contact) leaves the state at the located crossing; the next step finds the
/// guard back on its old side at the same time and stops the run as sliding or grazing
/// ([`super::RefStop::Sliding`]). Doubling on without this bound evaluated the polynomial at up
/// to `16h` and threw the run off the flow (losses of 1e33, `a_j² − ‖w_j‖²` off by 1e16).
pub(super) fn past_crossing<S: Scalar>(
    data: &NetData<S>,
    pattern: &Pattern,
    c: &[State<S>],
    tau: S,
    h: &S,
    j: usize,
    i: usize,
    iters: usize,
    zero_active: bool,
) -> (S, State<S>) {
    let ctx = data.ctx();
    let was_active = pattern.active[j].binary_search(&i).is_ok();
    let dies = was_active && pattern.active[j].len() == 1;
    let at_tau = eval_state(c, &tau);
    if dies {
        return (tau, at_tau);
    }
    let mut extra = h.mul_2si(-(iters.min(2000) as i32));
    let (mut t_try, mut next) = (tau.clone(), at_tau.clone());
    for _ in 0..64 {
        if !wrong(&dot(&next.w[j], &data.x[i], &ctx), !was_active, zero_active) {
            return (t_try, next);
        }
        t_try = t_try.add(&extra);
        if h.certainly_lt(&t_try) {
            break;
        }
        extra = extra.mul_2si(1);
        next = eval_state(c, &t_try);
    }
    (tau, at_tau)
}
