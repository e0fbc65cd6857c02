//! The non-validated reference solver: the same closed form in point arithmetic (f64 or MPFR),
//! events located by bisection and Newton without proofs. Status [`Status::NotValidated`].

use super::exact::{Piece, parallel};
use super::expm::{expm_point, precision_bits};
use super::start::{Start, decide};
use super::{NeuronError, NeuronOptions, check_problem};
use crate::trajectory::*;
use reluflow_arith::linalg::{dot, mat_vec, norm};
use reluflow_arith::{Point, Scalar};
use reluflow_model::{Horizon, Problem};
use rug::Rational;

/// One pattern of a reference run: it starts at `t_start` in `w_start`.
#[derive(Clone, Debug)]
struct RefPiece<S> {
    t_start: S,
    w_start: Vec<S>,
    a: Vec<S>,
    p: Vec<S>,
    w_a: Vec<S>,
    norm: f64,
    frozen: bool,
}

/// A reference run: the trajectory (events, segments, limit; nothing certified) and the closed
/// form per pattern, to evaluate the state at any time.
#[derive(Clone, Debug)]
pub struct ReferenceRun<S> {
    /// The run in the shared format (status [`Status::NotValidated`]; for point backends a
    /// segment's `hull` is its end state, not an enclosure).
    pub trajectory: Trajectory<S>,
    pieces: Vec<RefPiece<S>>,
    d: usize,
    bits: u32,
}

impl<S: Point> ReferenceRun<S> {
    /// The reference state at time `t ≥ 0`: `w_∞ + exp((t − t_k)A)(w_k − w_∞)` in the last pattern
    /// started at or before `t` (frozen after a death).
    pub fn state_at(&self, t: &S) -> Vec<S> {
        let k = self.pieces.iter().rposition(|p| !t.certainly_lt(&p.t_start)).unwrap_or(0);
        let pc = &self.pieces[k];
        if pc.frozen {
            return pc.w_start.clone();
        }
        let s = t.sub(&pc.t_start);
        let (winf, v) = split(pc, &pc.w_start);
        let e = expm_point(&pc.a, self.d, &s, s.approx_f64(), pc.norm, self.bits);
        let ev = mat_vec(&e, self.d, self.d, &v, &t.ctx());
        winf.iter().zip(&ev).map(|(a, b)| a.add(b)).collect()
    }
}

fn split<S: Scalar>(pc: &RefPiece<S>, w: &[S]) -> (Vec<S>, Vec<S>) {
    let d = w.len();
    let ctx = w[0].ctx();
    let pw = mat_vec(&pc.p, d, d, w, &ctx);
    let v: Vec<S> = pw.iter().zip(&pc.w_a).map(|(a, b)| a.sub(b)).collect();
    let winf: Vec<S> = w.iter().zip(&v).map(|(a, b)| a.sub(b)).collect();
    (winf, v)
}

/// Taylor coefficients `u_k = A^k v / k!` of `w(s) − w_∞`, enough for `s·‖A‖ ≤ 1/2` at `bits`.
fn coefficients<S: Scalar>(a: &[S], v: &[S], bits: u32) -> Vec<Vec<S>> {
    let d = v.len();
    let ctx = v[0].ctx();
    let kmax = super::expm::plan(0.5, bits).k as usize + 2;
    let mut u = vec![v.to_vec()];
    for k in 1..=kmax {
        let next = mat_vec(a, d, d, &u[k - 1], &ctx);
        let kk = S::from_i64(k as i64, &ctx);
        u.push(next.iter().map(|c| c.div(&kk)).collect());
    }
    u
}

fn poly<S: Scalar>(u: &[Vec<S>], winf: &[S], s: &S) -> Vec<S> {
    let mut acc = u[u.len() - 1].clone();
    for k in (0..u.len() - 1).rev() {
        acc = acc.iter().zip(&u[k]).map(|(a, b)| a.mul_add(s, b)).collect();
    }
    acc.iter().zip(winf).map(|(a, b)| a.add(b)).collect()
}

/// Runs the reference solver (see [`ReferenceRun`]).
///
/// # Errors
/// [`NeuronError`] when the problem is not a single-neuron problem.
pub fn reference<S: Point>(
    problem: &Problem,
    ctx: &S::Ctx,
    opts: &NeuronOptions,
) -> Result<ReferenceRun<S>, NeuronError> {
    let w0q = check_problem(problem)?;
    let data = problem.data();
    let (xq, yq) = (data.x(), data.y());
    let (n, d) = (data.n(), data.d());
    let c = problem.loss_factor();
    let conv = problem.relu_prime();
    let bits = precision_bits::<S>(ctx);
    let nonzero: Vec<bool> = xq.iter().map(|xi| xi.iter().any(|v| *v != 0)).collect();
    let x: Vec<Vec<S>> = xq.iter().map(|xi| xi.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let xn: Vec<S> = x.iter().map(|xi| norm(xi, ctx)).collect();
    let ys: Vec<S> = yq.iter().map(|q| S::from_rational(q, ctx)).collect();
    let mut w: Vec<S> = w0q.iter().map(|q| S::from_rational(q, ctx)).collect();
    let initial = State { w: vec![w.clone()], a: None };
    let z0: Vec<Rational> = xq.iter().map(|xi| xi.iter().zip(&w0q).map(|(a, b)| Rational::from(a * b)).sum()).collect();
    // The start pattern: the one cell the exact start analysis finds entered, else the convention's.
    let mut active: Vec<usize> = match decide(&super::gram::DataGram::new(xq), yq, &c, &w0q, conv) {
        Start::Go { active, .. } => active,
        Start::Stop(_) => {
            (0..n).filter(|&i| nonzero[i] && (z0[i] > 0 || (z0[i] == 0 && conv.zero_is_active()))).collect()
        }
    };
    let mut t = S::zero(ctx);
    let mut segments = Vec::new();
    let mut events = Vec::new();
    let mut pieces = Vec::new();
    let mut pinned: Vec<usize> = Vec::new();
    let par = parallel(xq);
    let t_end: Option<S> = match &problem.run().t_end {
        Horizon::Finite(q) => Some(S::from_rational(q, ctx)),
        Horizon::Infinite => None,
    };
    let mut limit = None;
    let mut steps = 0usize;
    let st = |w: &[S]| State { w: vec![w.to_vec()], a: None };
    // A point run's segment: its hull and end are the state at its end.
    let point_segment = |t0: S, t1: &S, pattern: Pattern, w: &[S]| SegmentParts {
        t_start: t0,
        t_end: t1.clone(),
        pattern,
        hull: st(w),
        end: st(w),
    };
    'pieces: loop {
        let piece = Piece::new(xq, yq, &c, active.clone());
        let conv_s = |v: &[Rational]| v.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<S>>();
        let rp = RefPiece {
            t_start: t.clone(),
            w_start: w.clone(),
            a: conv_s(&piece.a),
            p: conv_s(&piece.p),
            w_a: conv_s(&piece.w_a),
            norm: piece.norm_inf.to_f64(),
            frozen: false,
        };
        let mut rep = active.clone();
        if conv.zero_is_active() {
            rep.extend((0..n).filter(|&i| !nonzero[i]));
            rep.sort_unstable();
        }
        let pattern = Pattern { active: vec![rep], frozen: vec![false], sliding: Vec::new() };
        let seg_start = t.clone();
        let sign_ok = |i: usize, g: &S| if active.contains(&i) { g.certainly_pos() } else { g.certainly_neg() };
        let h_max = if rp.norm > 0.0 { 0.5 / rp.norm } else { 1.0 };
        let h_max = S::from_f64(2f64.powi(h_max.log2().floor() as i32), ctx);
        loop {
            steps += 1;
            if opts.monitor.as_ref().is_some_and(|m| m.poll(t.approx_f64(), steps, events.len())) {
                segments.push(point_segment(seg_start, &t, pattern, &w));
                pieces.push(rp);
                break 'pieces;
            }
            let (winf, v) = split(&rp, &w);
            // Point version of the limit test.
            let rv = norm(&v, ctx);
            let free = (0..n).filter(|&i| nonzero[i]).all(|i| {
                if piece.in_kernel[i] {
                    sign_ok(i, &dot(&x[i], &w, ctx)) || dot(&x[i], &w, ctx).possibly_zero() && !active.contains(&i)
                } else {
                    let g = dot(&x[i], &winf, ctx);
                    g.abs().sub(&xn[i].mul(&rv)).certainly_pos() && sign_ok(i, &g)
                }
            });
            // A step no guard can reach: |g_i| > ‖x_i‖·s·‖ẇ‖ since ‖ẇ(s)‖ ≤ ‖ẇ(0)‖ in a pattern.
            let speed = norm(&mat_vec(&rp.a, d, d, &v, ctx), ctx);
            let mut safe: Option<S> = None;
            if !free && speed.certainly_pos() {
                for i in (0..n).filter(|&i| nonzero[i] && !piece.in_kernel[i]) {
                    let hi = dot(&x[i], &w, ctx).abs().div(&xn[i].mul(&speed)).mul(&S::from_f64(0.9, ctx));
                    safe = Some(match safe {
                        Some(m) if m.certainly_lt(&hi) => m,
                        _ => hi,
                    });
                }
            }
            let mut h = match &safe {
                Some(sf) if h_max.certainly_lt(sf) => sf.clone(),
                _ => h_max.clone(),
            };
            let last = match &t_end {
                Some(te) => {
                    let rest = te.sub(&t);
                    if free || !h.certainly_lt(&rest) {
                        h = rest;
                        true
                    } else {
                        false
                    }
                }
                None => {
                    if free || steps > opts.max_steps {
                        let mut loss = S::zero(ctx);
                        for i in 0..n {
                            let e = dot(&x[i], &winf, ctx).relu().sub(&ys[i]);
                            loss = loss.add(&e.sqr());
                        }
                        loss = loss.mul(&S::from_rational(&c, ctx));
                        limit = Some(Limit {
                            state: st(&winf),
                            loss,
                            pattern: pattern.clone(),
                            rate: None,
                            on_hyperplane: Vec::new(),
                        });
                        segments.push(point_segment(seg_start, &t, pattern, &w));
                        pieces.push(rp);
                        break 'pieces;
                    }
                    false
                }
            };
            let long = h_max.certainly_lt(&h);
            if long && (free || safe.as_ref().is_some_and(|sf| !sf.certainly_lt(&h))) {
                // No switch within this step: the matrix exponential, no sub-samples.
                let e = expm_point(&rp.a, d, &h, h.approx_f64(), rp.norm, bits);
                let ev = mat_vec(&e, d, d, &v, ctx);
                w = winf.iter().zip(&ev).map(|(a, b)| a.add(b)).collect();
                t = t.add(&h);
                pinned.clear();
                if last {
                    segments.push(point_segment(seg_start, &t, pattern, &w));
                    pieces.push(rp);
                    break 'pieces;
                }
                continue;
            }
            if long {
                h = h_max.clone();
            }
            let last = last && !h.certainly_lt(&t_end.as_ref().map(|te| te.sub(&t)).unwrap_or_else(|| h.clone()));
            let u = coefficients(&rp.a, &v, bits);
            // The guard that just switched sits on its hyperplane: it is not tested in the first step.
            let pin = std::mem::take(&mut pinned);
            let wrong = |s: &S| -> Option<usize> {
                let ws = poly(&u, &winf, s);
                (0..n).find(|&i| {
                    nonzero[i] && !piece.in_kernel[i] && !pin.contains(&i) && {
                        let g = dot(&x[i], &ws, ctx);
                        if active.contains(&i) { g.certainly_neg() } else { g.certainly_pos() }
                    }
                })
            };
            // Sub-samples catch a guard that crosses and comes back within one step.
            let mut hit = None;
            let mut prev = S::zero(ctx);
            for k in 1..=8 {
                let s = h.mul(&S::from_f64(k as f64 / 8.0, ctx));
                if wrong(&s).is_some() {
                    hit = Some((prev.clone(), s));
                    break;
                }
                prev = s;
            }
            let Some((mut lo, mut hi)) = hit else {
                w = poly(&u, &winf, &h);
                t = t.add(&h);
                if last {
                    segments.push(point_segment(seg_start, &t, pattern, &w));
                    pieces.push(rp);
                    break 'pieces;
                }
                continue;
            };
            for _ in 0..(bits.min(200)) {
                let m = lo.add(&hi).mul_2si(-1);
                if wrong(&m).is_some() {
                    hi = m;
                } else {
                    lo = m;
                }
            }
            let j = wrong(&hi).unwrap_or(0);
            // Newton on g_j(s) = x_jᵀ w(s), g_j' = x_jᵀ A (w(s) − w_∞).
            let mut s = hi.clone();
            for _ in 0..40 {
                let ws = poly(&u, &winf, &s);
                let g = dot(&x[j], &ws, ctx);
                let dw: Vec<S> = ws.iter().zip(&winf).map(|(a, b)| a.sub(b)).collect();
                let gd = dot(&x[j], &mat_vec(&rp.a, d, d, &dw, ctx), ctx);
                let ns = s.sub(&g.div(&gd));
                if !ns.is_finite() || ns.certainly_lt(&lo) || hi.certainly_lt(&ns) {
                    break;
                }
                if ns.sub(&s).possibly_zero() {
                    s = ns;
                    break;
                }
                s = ns;
            }
            w = poly(&u, &winf, &s);
            t = t.add(&s);
            segments.push(point_segment(seg_start, &t, pattern, &w));
            pieces.push(rp);
            // Points on the same hyperplane switch together.
            let mut group = vec![j];
            group.extend(par[j].iter().copied());
            group.sort_unstable();
            let before = active.clone();
            for &k in &group {
                if before.contains(&k) {
                    active.retain(|&m| m != k);
                } else {
                    active.push(k);
                }
            }
            active.sort_unstable();
            if active.is_empty() {
                for &k in &group {
                    events.push(Event { t: t.clone(), point: k, neuron: 0, kind: EventKind::Death });
                }
                let frozen = RefPiece {
                    t_start: t.clone(),
                    w_start: w.clone(),
                    a: vec![S::zero(ctx); d * d],
                    p: vec![S::zero(ctx); d * d],
                    w_a: vec![S::zero(ctx); d],
                    norm: 0.0,
                    frozen: true,
                };
                pieces.push(frozen);
                let pat = Pattern { active: vec![vec![]], frozen: vec![true], sliding: Vec::new() };
                let t_fin = t_end.clone().unwrap_or_else(|| t.clone());
                segments.push(SegmentParts {
                    t_start: t.clone(),
                    t_end: t_fin.clone(),
                    pattern: pat.clone(),
                    hull: st(&w),
                    end: st(&w),
                });
                if t_end.is_none() {
                    let loss = ys.iter().fold(S::zero(ctx), |acc, v| acc.add(&v.sqr())).mul(&S::from_rational(&c, ctx));
                    limit = Some(Limit { state: st(&w), loss, pattern: pat, rate: None, on_hyperplane: Vec::new() });
                }
                t = t_fin;
                break 'pieces;
            }
            for &k in &group {
                let kind = if before.contains(&k) { EventKind::Deactivate } else { EventKind::Activate };
                events.push(Event { t: t.clone(), point: k, neuron: 0, kind });
            }
            // The new pattern's field must carry the state off the hyperplane; if it points back
            // (sliding) or is tangent, the closed form has nothing more to say: stop here.
            let next = Piece::new(xq, yq, &c, active.clone());
            let alpha: Vec<S> = next.alpha[j].iter().map(|q| S::from_rational(q, ctx)).collect();
            let rate = dot(&alpha, &w, ctx).add(&S::from_rational(&next.beta[j], ctx));
            let away = if active.contains(&j) { rate.certainly_pos() } else { rate.certainly_neg() };
            pinned = group;
            if !away || events.len() > opts.max_events {
                break 'pieces;
            }
            continue 'pieces;
        }
    }
    let parts = TrajectoryParts {
        initial,
        segments,
        events,
        final_state: st(&w),
        t_final: t,
        limit,
        status: Status::NotValidated,
    };
    let trajectory = Trajectory::from_parts(parts)?;
    Ok(ReferenceRun { trajectory, pieces, d, bits })
}
