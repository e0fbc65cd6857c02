//! Event handling of the reference integrator: locating the first guard crossing of a step,
//! stepping just past it, switching the pattern (with neuron death), and detecting chattering.

use super::{RefOptions, eval_state, horner, wrong};
use crate::net::field::NetData;
use crate::trajectory::{Event, EventKind, Pattern, State};
use reluflow_arith::{Point, Scalar, linalg::dot};

/// Number of consecutive switches of one pair within a negligible time span that count as chattering.
const CHATTER_EVENTS: usize = 4;
/// The time span (relative to `1 + t`) below which those switches count as chattering.
const CHATTER_SPAN: f64 = 1e-9;

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

/// A guard `(neuron, point, polynomial)` that first goes wrong at a given sample.
type Candidate<S> = (usize, usize, Vec<S>);

/// The earliest guard crossing in `(0, h]`: `(τ just past the crossing, neuron, point)`.
pub(super) fn first_crossing<S: Point>(
    data: &NetData<S>,
    pattern: &Pattern,
    c: &[State<S>],
    h: &S,
    opts: &RefOptions,
    zero_active: bool,
) -> Option<(S, usize, usize)> {
    let ctx = data.ctx();
    let ns = opts.samples;
    let taus: Vec<S> =
        (1..=ns).map(|k| h.mul(&S::from_i64(k as i64, &ctx)).div(&S::from_i64(ns as i64, &ctx))).collect();
    // First wrong sample per guard, keeping only the earliest sample index.
    let mut first: Option<(usize, Vec<Candidate<S>>)> = None;
    for j in 0..pattern.active.len() {
        if pattern.frozen[j] {
            continue;
        }
        for i in 0..data.n() {
            let act = pattern.active[j].binary_search(&i).is_ok();
            let poly: Vec<S> = c.iter().map(|ck| dot(&ck.w[j], &data.x[i], &ctx)).collect();
            let limit = first.as_ref().map_or(ns, |f| f.0 + 1);
            if let Some(k) = taus[..limit].iter().position(|tau| wrong(&horner(&poly, tau), act, zero_active)) {
                match &mut first {
                    Some((k0, v)) if *k0 == k => v.push((j, i, poly)),
                    _ => first = Some((k, vec![(j, i, poly)])),
                }
            }
        }
    }
    let (k, cands) = first?;
    let lo0 = if k == 0 { S::zero(&ctx) } else { taus[k - 1].clone() };
    let mut best: Option<(S, usize, usize)> = None;
    for (j, i, poly) in cands {
        let act = pattern.active[j].binary_search(&i).is_ok();
        let (mut lo, mut hi) = (lo0.clone(), taus[k].clone());
        for _ in 0..opts.bisect_iters {
            let mid = lo.add(&hi).mul_2si(-1);
            if wrong(&horner(&poly, &mid), act, zero_active) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        if best.as_ref().is_none_or(|b| hi.certainly_lt(&b.0)) {
            best = Some((hi, j, i));
        }
    }
    best
}

/// The state just past a located crossing of pair `(j, i)`: from `tau` on, moving forward by
/// doubling amounts (starting at `h·2^(−iters)`) until the guard computed from the state itself is
/// on the new side, so that the next step starts consistent with the switched pattern (a dying
/// neuron is frozen and needs no check).
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
    let mut next = eval_state(c, &tau);
    if dies {
        return (tau, next);
    }
    let mut extra = h.mul_2si(-(iters.min(2000) as i32));
    let mut t_try = tau;
    for _ in 0..64 {
        if !wrong(&dot(&next.w[j], &data.x[i], &ctx), !was_active, zero_active) {
            break;
        }
        t_try = t_try.add(&extra);
        extra = extra.mul_2si(1);
        next = eval_state(c, &t_try);
    }
    (t_try, next)
}
