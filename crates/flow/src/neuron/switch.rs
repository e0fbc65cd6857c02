//! After a proved switch: the segment is closed, the next pattern is checked to carry the state
//! off the hyperplane on the new side (`proofs-notes/neuron-events.md`), or the run ends in a death
//! or undecided.

use super::ball::{Ball, PieceS};
use super::certify::{Cursor, Env, Out};
use super::gram::GramPiece;
use super::limit::death;
use super::pattern::{Next, Open};
use super::run::hi_q;
use crate::trajectory::*;
use reluflow_arith::Enclosure;
use reluflow_model::Horizon;
use rug::Rational;

/// A proved first switch of point `i` at local time `[lo, hi]` (after `t0`), state box `w_box`.
pub(crate) struct Switch<S> {
    pub i: usize,
    pub lo: Rational,
    pub hi: Rational,
    pub w_box: Vec<S>,
}

/// The switching group of `i` (every point on its hyperplane) and the next active set.
fn next_pattern(env_parallel: &[usize], i: usize, active: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut group = vec![i];
    group.extend(env_parallel.iter().copied());
    group.sort_unstable();
    let mut next = active.to_vec();
    for &k in &group {
        if active.contains(&k) {
            next.retain(|&m| m != k);
        } else {
            next.push(k);
        }
    }
    next.sort_unstable();
    (group, next)
}

/// Closes the segment at the switch and continues (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(crate) fn after<S: Enclosure>(
    env: &Env<'_, S>,
    out: &mut Out<S>,
    seg: Open<S>,
    active: &[usize],
    mut skip: Vec<bool>,
    t0: &S,
    ev: Switch<S>,
    work: usize,
) -> Next<S> {
    let Switch { i, lo, hi, w_box } = ev;
    let ctx = &env.ctx;
    let t_ev = t0.add(&S::from_bounds(&lo, &hi, ctx));
    seg.close(out, t_ev.clone(), w_box.clone());
    let (group, next) = next_pattern(&env.pts.parallel[i], i, active);
    let at = t0.add(&S::from_rational(&lo, ctx));
    if out.events.len() >= env.opts.max_events {
        let what = format!("{} events (NeuronOptions::max_events)", env.opts.max_events);
        return Next::Done(Box::new(out.undecided(UndecidedReason::Budget { what }, at, w_box)));
    }
    if next.is_empty() && env.conv.zero_is_active() {
        // σ'(0) = 1: on the hyperplane the convention's field is the old, non-zero one, pointing
        // to the inactive side, where the field vanishes: no classical solution continues (only
        // the Filippov one). Not certified; the two-layer solver says the same
        // (`proofs-notes/neuron-events.md`).
        let reason = UndecidedReason::Other(format!(
            "σ'(0) = 1 and the last active point ({i}) reaches its hyperplane: the convention's field \
             there is non-zero and points to the inactive side, where the field vanishes, so no \
             classical solution continues (only the Filippov one, frozen on the hyperplane); \
             use relu_prime_at_zero = 0 to certify the death"
        ));
        return Next::Done(Box::new(out.undecided(reason, at, w_box)));
    }
    if next.is_empty() {
        // Death (σ'(0) = 0): the field on the inactive side is identically zero.
        if let Some(w) = out.witness.as_mut() {
            let loss: Rational = env.y.iter().map(|v| Rational::from(v.square_ref())).sum::<Rational>() * &env.c;
            // A death that may come after a finite t_end: the state there is in the switch's
            // `state` either way, but it may not be frozen yet, so the loss is widened.
            let late = match &env.problem.run().t_end {
                Horizon::Finite(t) => hi_q(&t_ev).is_none_or(|h| h > *t),
                Horizon::Infinite => false,
            };
            w.death(loss, late.then_some((env.dg.x, env.y, &env.c)));
        }
        for &k in &group {
            out.events.push(Event { t: t_ev.clone(), point: k, neuron: 0, kind: EventKind::Death });
        }
        let segs = (std::mem::take(&mut out.segments), std::mem::take(&mut out.events));
        let horizon = &env.problem.run().t_end;
        let tr = death(segs, out.initial.clone(), t_ev, w_box, env.report(&[]), horizon, env.y, &env.c, ctx);
        return Next::Done(Box::new(tr));
    }
    let new_piece = GramPiece::new(&env.dg, env.y, &env.c, &next);
    let new_ps = PieceS::<S>::new(&new_piece, &env.dg, ctx);
    if let Some(reason) = leaves(&new_ps, &group, &next, &w_box) {
        return Next::Done(Box::new(out.undecided(reason, at, w_box)));
    }
    let zero = S::zero(ctx);
    for k in 0..env.n {
        if skip[k] && !new_piece.in_kernel[k] {
            if new_ps.rate(k, &w_box, &zero).certainly_neg() {
                skip[k] = false;
            } else {
                let reason = UndecidedReason::NonUnique { neuron: 0, point: k };
                return Next::Done(Box::new(out.undecided(reason, at, w_box)));
            }
        }
    }
    for &k in &group {
        let kind = if active.contains(&k) { EventKind::Deactivate } else { EventKind::Activate };
        out.events.push(Event { t: t_ev.clone(), point: k, neuron: 0, kind });
    }
    let ball = Ball::from_box(&w_box, &zero);
    Next::Pattern(Cursor { active: next, skip, t0: t_ev, ball, work, seg_box: Some(w_box) })
}

/// The new pattern's field must carry the state into each member's new side; else why not.
fn leaves<S: Enclosure>(new_ps: &PieceS<S>, group: &[usize], next: &[usize], w_box: &[S]) -> Option<UndecidedReason> {
    let zero = S::zero(&w_box[0].ctx());
    for &k in group {
        let r = new_ps.rate(k, w_box, &zero);
        let entering = next.contains(&k);
        let away = if entering { r.certainly_pos() } else { r.certainly_neg() };
        let back = if entering { r.certainly_neg() } else { r.certainly_pos() };
        if !away {
            return Some(if back {
                UndecidedReason::Sliding { neuron: 0, point: k }
            } else {
                UndecidedReason::Grazing { neuron: 0, point: k }
            });
        }
    }
    None
}
