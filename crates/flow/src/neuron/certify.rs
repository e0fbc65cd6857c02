//! The certified driver: patterns, events, death, horizon and limit.

use super::ball::{Ball, PieceS, guard, hull_box, inflate_box, norm_upper};
use super::exact::{Piece, parallel};
use super::expm::precision_bits;
use super::limit::{death, global};
use super::run::{Class, Found, Points, Run, hi_q, lo_q};
use super::start::{Start, decide};
use super::{NeuronError, NeuronOptions, check_problem};
use crate::trajectory::*;
use reluflow_arith::{Enclosure, Scalar, meet_all};
use reluflow_model::{Horizon, Problem};
use rug::Rational;

fn state<S: Scalar>(w: Vec<S>) -> State<S> {
    State { w: vec![w], a: None }
}

struct Out<S> {
    segments: Vec<Segment<S>>,
    events: Vec<Event<S>>,
}

/// Closes the last segment `[seg_start, t_fin]` (hull `hull`, end `fin`) and returns the certified
/// trajectory ending there, with the certified limit if one was proved.
fn certified<S: Scalar>(
    initial: State<S>,
    mut out: Out<S>,
    seg_start: S,
    t_fin: S,
    pattern: Pattern,
    hull: Vec<S>,
    fin: Vec<S>,
    limit: Option<Limit<S>>,
) -> Trajectory<S> {
    out.segments.push(Segment {
        t_start: seg_start,
        t_end: t_fin.clone(),
        pattern,
        hull: state(hull),
        end: state(fin.clone()),
    });
    Trajectory {
        initial,
        segments: out.segments,
        events: out.events,
        final_state: state(fin),
        t_final: t_fin,
        limit,
        status: Status::Certified,
    }
}

/// Certifies the gradient flow of a single ReLU neuron (see the module documentation).
///
/// Guarantee (interval backends `inari::Interval`, `MpInterval`): with status
/// [`Status::Certified`], every segment's `hull` contains the exact state at every time of the
/// segment (for `Horizon::Infinite`, the last segment's hull also contains every later state),
/// `end` the exact state at the segment's end time, every event's `t` the exact switching time, the
/// limit's `state` the exact `w(∞)` and its `loss` the exact limit loss. With
/// [`Status::Undecided`] the same holds up to `certified_until`. Degenerate cases: points with
/// `x_i = 0` never switch; an empty active set means `ẇ = 0` (the start is the limit); `t_end = 0`
/// gives the initial state.
///
/// # Errors
/// [`NeuronError`] when the problem is not a single-neuron problem.
pub fn certify<S: Enclosure>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &NeuronOptions,
) -> Result<Trajectory<S>, NeuronError> {
    let w0 = check_problem(problem)?;
    let data = problem.data();
    let (x, y) = (data.x(), data.y());
    let (n, d) = (data.n(), data.d());
    let c = problem.loss_factor();
    let conv = problem.relu_prime();
    let bits = precision_bits::<S>(ctx);
    let nonzero: Vec<bool> = x.iter().map(|xi| xi.iter().any(|v| *v != 0)).collect();
    let pts = Points {
        x: x.iter().map(|xi| xi.iter().map(|q| S::from_rational(q, ctx)).collect()).collect(),
        xn: x.iter().map(|xi| norm_upper::<S>(xi, ctx)).collect(),
        parallel: parallel(x),
    };
    let zero = S::zero(ctx);
    let initial_box: Vec<S> = w0.iter().map(|q| S::from_rational(q, ctx)).collect();
    let initial = state(initial_box.clone());
    let mut out = Out { segments: Vec::new(), events: Vec::new() };
    let report = |active: &[usize]| {
        let mut a: Vec<usize> = active.to_vec();
        if conv.zero_is_active() {
            a.extend((0..n).filter(|&i| !nonzero[i]));
        }
        a.sort_unstable();
        a
    };
    let undecided = |out: Out<S>, reason, at: S, fin: Vec<S>| Trajectory {
        initial: initial.clone(),
        segments: out.segments,
        events: out.events,
        final_state: state(fin),
        t_final: at.clone(),
        limit: None,
        status: Status::Undecided { reason, certified_until: at.lo_point() },
    };
    let (mut active, mut skip) = match decide(x, y, &c, &w0, conv) {
        Start::Go { active, skip } => (active, skip),
        Start::Stop(reason) => return Ok(undecided(out, reason, zero.clone(), initial_box)),
    };
    let mut t0 = zero.clone();
    let mut ball: Ball<S> = Ball::from_exact(&w0, ctx);
    let mut work = 0usize;
    let mut seg_box: Option<Vec<S>> = None;
    loop {
        let piece = Piece::new(x, y, &c, active.clone());
        let ps = PieceS::<S>::new(&piece, d, ctx);
        let req: Vec<i8> = (0..n)
            .map(|i| {
                if !nonzero[i] || skip[i] {
                    0
                } else if active.contains(&i) {
                    1
                } else {
                    -1
                }
            })
            .collect();
        let pattern = Pattern { active: vec![report(&active)], frozen: vec![false] };
        let mut run = Run::new(ps, &pts, req.clone(), bits, ctx.clone());
        let mut tau = Rational::new();
        let mut hull = ball.to_box();
        let mut e: i32 = if run.ps.norm > 0.0 { (0.25 / run.ps.norm).log2().floor() as i32 } else { 0 };
        let e_max = if run.ps.norm > 0.0 { (64.0 / run.ps.norm).log2().floor() as i32 } else { 0 };
        let seg_start = t0.clone();
        // (I − P)w is conserved while this pattern lasts: the limit is also in (I − P)W₀ + w_A.
        let start_box = ball.to_box();
        let start_box = match &seg_box {
            Some(b) => match meet_all("neuron: event box ∩ restart ball", b, &start_box) {
                Ok(m) => m,
                Err(e) => return Ok(undecided(out, e.into(), t0, b.clone())),
            },
            None => start_box,
        };
        let kernel_limit: Vec<S> = {
            let ip: Vec<S> = piece
                .p
                .iter()
                .enumerate()
                .map(|(k, q)| {
                    let id = if k / d == k % d { Rational::from(1) } else { Rational::new() };
                    S::from_rational(&Rational::from(&id - q), ctx)
                })
                .collect();
            let wk = reluflow_arith::linalg::mat_vec(&ip, d, d, &start_box, ctx);
            wk.iter().zip(&run.ps.w_a).map(|(a, b)| a.add(b)).collect()
        };
        let abs = |t0: &S, tau: &Rational| t0.add(&S::from_rational(tau, ctx));
        let horizon = match &problem.run().t_end {
            Horizon::Finite(t) => {
                let lo: Rational = t - hi_q(&t0).expect("finite start time");
                let hi: Rational = t - lo_q(&t0).expect("finite start time");
                Some((lo.max(Rational::new()), hi.max(Rational::new()), t.clone()))
            }
            Horizon::Infinite => None,
        };
        loop {
            // The horizon was reached exactly at its lower local time.
            if let Some((hlo, hhi, t_end)) = &horizon
                && tau >= *hlo
            {
                let fin = if hhi > &tau {
                    let width = Rational::from(hhi - &tau);
                    let (classes, _, _, h) = run.classify(&ball, &width);
                    if classes.iter().any(|c| *c != Class::Ok) {
                        let reason = UndecidedReason::Other(
                            "a switch may happen inside the time enclosure of t_end".to_string(),
                        );
                        out.segments.push(Segment {
                            t_start: seg_start.clone(),
                            t_end: abs(&t0, &tau),
                            pattern: pattern.clone(),
                            hull: state(hull),
                            end: state(ball.to_box()),
                        });
                        return Ok(undecided(out, reason, abs(&t0, &tau), ball.to_box()));
                    }
                    h
                } else {
                    ball.to_box()
                };
                hull = hull_box(&hull, &fin);
                let t_fin = S::from_rational(t_end, ctx);
                return Ok(certified(initial, out, seg_start, t_fin, pattern, hull, fin, None));
            }
            // No switch can ever happen again in this pattern: finish.
            if let Some((tail, lim)) = global(&run, &piece, &ball, &pts, &req) {
                let lim = match meet_all("neuron: limit ∩ kernel limit", &lim, &kernel_limit) {
                    Ok(m) => m,
                    Err(e) => return Ok(undecided(out, e.into(), t0, start_box)),
                };
                let now = abs(&t0, &tau);
                match &horizon {
                    None => {
                        hull = hull_box(&hull, &tail);
                        let limit = Limit {
                            state: state(lim),
                            loss: S::from_rational(&piece.limit_loss, ctx),
                            pattern: pattern.clone(),
                            rate: None,
                        };
                        let fin = ball.to_box();
                        return Ok(certified(initial, out, seg_start, now, pattern, hull, fin, Some(limit)));
                    }
                    Some((hlo, hhi, t_end)) => {
                        let e_fin = run.expm_range(&Rational::from(hlo - &tau), &Rational::from(hhi - &tau));
                        let fin = inflate_box(&run.ps.centre_box(&ball, &e_fin), &ball.rho);
                        let e_all = run.expm_range(&Rational::new(), &Rational::from(hhi - &tau));
                        let dense = inflate_box(&run.ps.centre_box(&ball, &e_all), &ball.rho);
                        let dense = match meet_all("neuron: dense box ∩ tail box", &dense, &tail) {
                            Ok(m) => m,
                            Err(e) => return Ok(undecided(out, e.into(), t0, start_box)),
                        };
                        hull = hull_box(&hull_box(&hull, &dense), &fin);
                        let t_fin = S::from_rational(t_end, ctx);
                        return Ok(certified(initial, out, seg_start, t_fin, pattern, hull, fin, None));
                    }
                }
            }
            if work + run.work > opts.max_steps {
                let at = abs(&t0, &tau);
                out.segments.push(Segment {
                    t_start: seg_start,
                    t_end: at.clone(),
                    pattern,
                    hull: state(hull),
                    end: state(ball.to_box()),
                });
                let what = format!("{} guard classifications (NeuronOptions::max_steps)", opts.max_steps);
                return Ok(undecided(out, UndecidedReason::Budget { what }, at, ball.to_box()));
            }
            if opts
                .monitor
                .as_ref()
                .is_some_and(|m| m.poll(abs(&t0, &tau).lower_f64(), work + run.work, out.events.len()))
            {
                let at = abs(&t0, &tau);
                let (hull, end) = (state(hull), state(ball.to_box()));
                out.segments.push(Segment { t_start: seg_start, t_end: at.clone(), pattern, hull, end });
                return Ok(undecided(out, UndecidedReason::Interrupted, at, ball.to_box()));
            }
            let mut len = Rational::from(1) << e.clamp(-1000, 1000);
            if let Some((hlo, _, _)) = &horizon {
                let rest = Rational::from(hlo - &tau);
                if rest < len {
                    len = rest;
                }
            }
            match run.search(&tau, &ball, &len, opts.max_bisections) {
                Found::Clear { end, hull: h, split } => {
                    hull = hull_box(&hull, &h);
                    ball = end;
                    tau += &len;
                    e = if split { e - 1 } else { (e + 1).min(e_max.max(e)) };
                }
                Found::Stop { reason, at, hull: h } => {
                    hull = hull_box(&hull, &h);
                    // A guard that cannot be separated from 0 while the pattern's limit may lie on
                    // its hyperplane: say so (the common "grazing at t → ∞" case).
                    let reason = match reason {
                        UndecidedReason::Grazing { point, .. } if !piece.in_kernel[point] => {
                            let (winf, _) = run.ps.split(&ball.c);
                            let g = guard(&pts.x[point], &pts.xn[point], &winf, &ball.rho);
                            if g.contains_zero() {
                                UndecidedReason::Other(format!(
                                    "the limit of the current pattern may lie on the hyperplane of point {point}: \
                                     the approach cannot be told from a switch at this precision"
                                ))
                            } else {
                                UndecidedReason::Grazing { neuron: 0, point }
                            }
                        }
                        other => other,
                    };
                    let at = abs(&t0, &at);
                    out.segments.push(Segment {
                        t_start: seg_start,
                        t_end: at.clone(),
                        pattern,
                        hull: state(hull.clone()),
                        end: state(h.clone()),
                    });
                    return Ok(undecided(out, reason, at, h));
                }
                Found::Event { i, lo, hi, w_box, hull: h } => {
                    hull = hull_box(&hull, &h);
                    let t_ev = t0.add(&S::from_bounds(&lo, &hi, ctx));
                    out.segments.push(Segment {
                        t_start: seg_start,
                        t_end: t_ev.clone(),
                        pattern: pattern.clone(),
                        hull: state(hull),
                        end: state(w_box.clone()),
                    });
                    // Every point on the same hyperplane switches at the same instant.
                    let mut group = vec![i];
                    group.extend(pts.parallel[i].iter().copied());
                    group.sort_unstable();
                    let mut next = active.clone();
                    for &k in &group {
                        if active.contains(&k) {
                            next.retain(|&m| m != k);
                        } else {
                            next.push(k);
                        }
                    }
                    next.sort_unstable();
                    if out.events.len() >= opts.max_events {
                        let what = format!("{} events (NeuronOptions::max_events)", opts.max_events);
                        let at = t0.add(&S::from_rational(&lo, ctx));
                        return Ok(undecided(out, UndecidedReason::Budget { what }, at, w_box));
                    }
                    if next.is_empty() && conv.zero_is_active() {
                        // σ'(0) = 1: on the hyperplane the convention's field is the old, non-zero
                        // one, pointing to the inactive side where the field vanishes: no classical
                        // solution continues (only the Filippov one). Not certified; the two-layer
                        // solver says the same (`proofs-notes/neuron-events.md`).
                        let at = t0.add(&S::from_rational(&lo, ctx));
                        let reason = UndecidedReason::Other(format!(
                            "σ'(0) = 1 and the last active point ({i}) reaches its hyperplane: the convention's field \
                             there is non-zero and points to the inactive side, where the field vanishes, so no \
                             classical solution continues (only the Filippov one, frozen on the hyperplane); \
                             use relu_prime_at_zero = 0 to certify the death"
                        ));
                        return Ok(undecided(out, reason, at, w_box));
                    }
                    if next.is_empty() {
                        // Death (σ'(0) = 0): the field on the inactive side is identically zero.
                        for &k in &group {
                            out.events.push(Event { t: t_ev.clone(), point: k, neuron: 0, kind: EventKind::Death });
                        }
                        return Ok(death(
                            (out.segments, out.events),
                            initial,
                            t_ev,
                            w_box,
                            report(&[]),
                            &problem.run().t_end,
                            y,
                            &c,
                            ctx,
                        ));
                    }
                    let new_piece = Piece::new(x, y, &c, next.clone());
                    let new_ps = PieceS::<S>::new(&new_piece, d, ctx);
                    let at = t0.add(&S::from_rational(&lo, ctx));
                    for &k in &group {
                        // The new pattern's field must carry the state into k's new side.
                        let r = new_ps.rate(k, &w_box, &zero);
                        let entering = next.contains(&k);
                        let away = if entering { r.certainly_pos() } else { r.certainly_neg() };
                        let back = if entering { r.certainly_neg() } else { r.certainly_pos() };
                        if !away {
                            let reason = if back {
                                UndecidedReason::Sliding { neuron: 0, point: k }
                            } else {
                                UndecidedReason::Grazing { neuron: 0, point: k }
                            };
                            return Ok(undecided(out, reason, at, w_box));
                        }
                    }
                    for k in 0..n {
                        if skip[k] && !new_piece.in_kernel[k] {
                            if new_ps.rate(k, &w_box, &zero).certainly_neg() {
                                skip[k] = false;
                            } else {
                                let reason = UndecidedReason::NonUnique { neuron: 0, point: k };
                                return Ok(undecided(out, reason, at, w_box));
                            }
                        }
                    }
                    for &k in &group {
                        let kind = if active.contains(&k) { EventKind::Deactivate } else { EventKind::Activate };
                        out.events.push(Event { t: t_ev.clone(), point: k, neuron: 0, kind });
                    }
                    work += run.work;
                    t0 = t_ev;
                    ball = Ball::from_box(&w_box, &zero);
                    seg_box = Some(w_box);
                    active = next;
                    break;
                }
            }
        }
    }
}
