//! One activation pattern of the certified driver: steps until the horizon, a certified limit, a
//! stop, or the first switch (handed to `switch.rs`).

use super::ball::{Ball, PieceS, hull_box};
use super::certify::{Cursor, Env, Out};
use super::frame::{CBall, Frame};
use super::gram::GramPiece;
use super::limit::global;
use super::modal::Modes;
use super::run::{Class, Found, Leaf, Run, lo_q, narrower};
use super::slow::SlowMode;
use super::switch;
use super::witness::{Conv, FlatData, WCrossing, WExit, WPattern, WSlow, Witness};
use crate::trajectory::*;
use reluflow_arith::{Enclosure, meet_all};
use rug::Rational;

/// What a pattern ends with.
pub(crate) enum Next<S> {
    /// A proved switch: the next pattern starts here.
    Pattern(Cursor<S>),
    /// The run is over (certified or undecided).
    Done(Box<TrajectoryParts<S>>),
}

/// The segment being built: its start time, pattern and hull of the states so far.
pub(crate) struct Open<S> {
    pub start: S,
    pub pattern: Pattern,
    pub hull: Vec<S>,
}

impl<S: Enclosure> Open<S> {
    /// Adds `h` to the hull.
    pub fn grow(&mut self, h: &[S]) {
        self.hull = hull_box(&self.hull, h);
    }
    /// Closes the segment at `t_end` with end state `end`.
    pub fn close(self, out: &mut Out<S>, t_end: S, end: Vec<S>) {
        out.close(self.start, t_end, self.pattern, self.hull, end);
    }
}

/// The pattern's stepping state: local time `tau` since `t0`, the ball there, the step exponent.
struct Pos<S> {
    t0: S,
    tau: Rational,
    ball: CBall<S>,
    e: i32,
    e_max: i32,
}

impl<S: Enclosure> Pos<S> {
    fn now(&self) -> S {
        self.t0.add(&S::from_rational(&self.tau, &self.t0.ctx()))
    }
}

/// The box the pattern starts from: the ball's box, met with the switching box if any.
fn start_box<S: Enclosure>(ball: &Ball<S>, seg_box: &Option<Vec<S>>) -> Result<Vec<S>, (UndecidedReason, Vec<S>)> {
    let b0 = ball.to_box();
    match seg_box {
        Some(b) => meet_all("neuron: event box ∩ restart ball", b, &b0).map_err(|e| (e.into(), b.clone())),
        None => Ok(b0),
    }
}

/// `(I − P)W₀ + w_A`: `(I − P)w` is conserved while this pattern lasts, so the limit lies there
/// (`proofs-notes/neuron-gram-space.md`, "The conserved part").
fn kernel_limit<S: Enclosure>(ps: &PieceS<S>, start_box: &[S]) -> Vec<S> {
    ps.conserved(start_box)
}

/// Runs one pattern from `cur` (see the module documentation).
pub(crate) fn run<S: Enclosure>(env: &Env<'_, S>, out: &mut Out<S>, cur: Cursor<S>) -> Next<S> {
    let Cursor { active, skip, t0, ball, work, seg_box } = cur;
    let piece = GramPiece::new(&env.dg, env.y, &env.c, &active);
    let ps = PieceS::<S>::new(&piece, &env.dg, &env.ctx);
    let req = env.req(&active, &skip);
    let pattern = Pattern { active: vec![env.report(&active)], frozen: vec![false], sliding: Vec::new() };
    let (frame, cball) = Frame::new(&ps, &env.pts, &ball);
    let mut run = Run::new(ps, frame, &env.pts, req.clone(), env.bits, env.ctx.clone());
    run.modes = Modes::new(&piece, &run.ps, &env.ctx);
    run.max_work = env.opts.max_steps.saturating_sub(work);
    run.monitor = env.opts.monitor.clone();
    let norm = run.ps.norm;
    let e = if norm > 0.0 { (0.25 / norm).log2().floor() as i32 } else { 0 };
    let e_max = if norm > 0.0 { (64.0 / norm).log2().floor() as i32 } else { 0 };
    // With the modes, steps may grow with the slowest decay rather than the fastest.
    let slowest = run.modes.as_ref().map_or(0.0, |m| m.slowest);
    let e_max = if slowest > 0.0 { e_max.max((64.0 / slowest).log2().floor() as i32) } else { e_max };
    let mut seg = Open { start: t0.clone(), pattern, hull: ball.to_box() };
    let start_box = match start_box(&ball, &seg_box) {
        Ok(b) => b,
        Err((reason, b)) => return Next::Done(Box::new(out.undecided(reason, t0, b))),
    };
    let kernel_limit = kernel_limit(&run.ps, &start_box);
    let horizon = env.horizon(&t0);
    let slow = piece.on_plane.iter().any(|&b| b).then(|| SlowMode::<S>::new(&piece.g, &run.ps, &env.ctx)).flatten();
    if let Some(w) = out.witness.as_mut() {
        begin(w, env, &piece, &active, &skip, &t0, &ball);
        run.log = Some(Vec::new());
    }
    let mut pos = Pos { t0, tau: Rational::new(), ball: cball, e, e_max };
    loop {
        if let Some((hlo, hhi, t_end)) = &horizon
            && pos.tau >= *hlo
        {
            return Next::Done(Box::new(at_horizon(env, out, &mut run, &piece, seg, &pos, hhi, t_end)));
        }
        if let Some((tail, lim)) = global(&run, &piece, &pos.ball, &env.pts, &req, slow.as_ref()) {
            let limit = Limits { tail, lim, kernel: &kernel_limit, start_box: &start_box, slow: slow.as_ref() };
            return Next::Done(Box::new(finish(env, out, &mut run, &piece, seg, &pos, &horizon, limit)));
        }
        if let Some(tr) = out_of_budget(env, out, &run, &mut seg, &pos, work + run.work) {
            return Next::Done(Box::new(tr));
        }
        let mut len = Rational::from(1) << pos.e.clamp(-1000, 1000);
        if let Some((hlo, _, _)) = &horizon {
            let rest = Rational::from(hlo - &pos.tau);
            if rest < len {
                len = rest;
            }
        }
        let found = run.search(&pos.tau, &pos.ball, &len, env.opts.max_bisections);
        let cross = leaves(out, env, &piece, &mut run);
        match found {
            Found::Clear { end, hull, split } => {
                seg.grow(&hull);
                pos.ball = end;
                pos.tau += &len;
                pos.e = if split { pos.e - 1 } else { (pos.e + 1).min(pos.e_max.max(pos.e)) };
            }
            Found::Stop { reason, at, hull } => {
                seg.grow(&hull);
                let reason = diagnose(&run, &piece, &pos.ball, reason);
                let at = pos.t0.add(&S::from_rational(&at, &env.ctx));
                seg.close(out, at.clone(), hull.clone());
                return Next::Done(Box::new(out.undecided(reason, at, hull)));
            }
            Found::Event { i, lo, hi, w_box, hull } => {
                if let Some(w) = out.witness.as_mut() {
                    let t_ev = pos.t0.add(&S::from_bounds(&lo, &hi, &env.ctx));
                    switch_exit(w, &Conv { g: &piece.g, dg: &env.dg }, cross, i, &t_ev, &w_box);
                }
                seg.grow(&hull);
                let ev = switch::Switch { i, lo, hi, w_box };
                return switch::after(env, out, seg, &active, skip, &pos.t0, ev, work + run.work);
            }
        }
    }
}

/// The horizon is reached at the pattern's local time `pos.tau` (its lower end): the final state
/// over the remaining local-time enclosure, if no guard can switch inside it.
#[allow(clippy::too_many_arguments)]
fn at_horizon<S: Enclosure>(
    env: &Env<'_, S>,
    out: &mut Out<S>,
    run: &mut Run<'_, S>,
    piece: &GramPiece,
    mut seg: Open<S>,
    pos: &Pos<S>,
    hhi: &Rational,
    t_end: &Rational,
) -> TrajectoryParts<S> {
    let fin = if *hhi > pos.tau {
        let width = Rational::from(hhi - &pos.tau);
        let (classes, _, _, h) = run.classify(&pos.ball, &width);
        if classes.iter().any(|c| *c != Class::Ok) {
            let reason = UndecidedReason::Other("a switch may happen inside the time enclosure of t_end".to_string());
            seg.close(out, pos.now(), run.world(&pos.ball));
            return out.undecided(reason, pos.now(), run.world(&pos.ball));
        }
        h
    } else {
        run.world(&pos.ball)
    };
    if let Some(w) = out.witness.as_mut() {
        let t1 = hhi.clone().max(pos.tau.clone());
        let start = w.ball(&Conv { g: &piece.g, dg: &env.dg }, &pos.ball);
        let (hull, state) = (w.ivs(&fin), w.ivs(&fin));
        w.exit(WExit::Horizon { t0: pos.tau.clone(), t1, start, hull, state });
    }
    seg.grow(&fin);
    let t_fin = S::from_rational(t_end, &env.ctx);
    seg.close(out, t_fin.clone(), fin.clone());
    out.certified(t_fin, fin, None)
}

/// The enclosures of a proved final pattern: every later state (`tail`), the limit (`lim`), the
/// conserved-part limit (`kernel`) and the pattern's start box.
struct Limits<'b, S> {
    tail: Vec<S>,
    lim: Vec<S>,
    kernel: &'b [S],
    start_box: &'b [S],
    /// The slow mode that proved the guards whose limit is on their hyperplane.
    slow: Option<&'b SlowMode<S>>,
}

/// No switch can ever happen again in this pattern: the limit (infinite horizon) or the final
/// state at `t_end`.
#[allow(clippy::too_many_arguments)]
fn finish<S: Enclosure>(
    env: &Env<'_, S>,
    out: &mut Out<S>,
    run: &mut Run<'_, S>,
    piece: &GramPiece,
    mut seg: Open<S>,
    pos: &Pos<S>,
    horizon: &Option<(Rational, Rational, Rational)>,
    l: Limits<'_, S>,
) -> TrajectoryParts<S> {
    let lim = match meet_all("neuron: limit ∩ kernel limit", &l.lim, l.kernel) {
        Ok(m) => m,
        Err(e) => return out.undecided(e.into(), pos.t0.clone(), l.start_box.to_vec()),
    };
    match horizon {
        None => {
            seg.grow(&l.tail);
            let limit = Limit {
                state: super::certify::state(lim),
                loss: S::from_rational(&piece.limit_loss, &env.ctx),
                pattern: seg.pattern.clone(),
                rate: None,
                on_hyperplane: (0..env.n).filter(|&i| piece.on_plane[i]).map(|i| (0, i)).collect(),
            };
            if let Some(w) = out.witness.as_mut() {
                let slow = match l.slow {
                    Some(m) if !limit.on_hyperplane.is_empty() => {
                        Some(WSlow { u: piece.g.lift_exact(&env.dg, &m.xi), nu: m.nu.clone() })
                    }
                    _ => None,
                };
                if !limit.on_hyperplane.is_empty() && slow.is_none() {
                    w.refuse("a limit on a hyperplane without its slow mode");
                }
                let start = w.ball(&Conv { g: &piece.g, dg: &env.dg }, &pos.ball);
                let (hull, lim) = (w.ivs(&l.tail), w.ivs(&limit.state.w[0]));
                let (t0, loss) = (pos.tau.clone(), piece.limit_loss.clone());
                w.exit(WExit::Limit { t0, start, hull, limit: lim, loss, slow });
            }
            let (now, fin) = (pos.now(), run.world(&pos.ball));
            seg.close(out, now.clone(), fin.clone());
            out.certified(now, fin, Some(limit))
        }
        Some((hlo, hhi, t_end)) => {
            let tau = &pos.tau;
            let (slo, shi) = (Rational::from(hlo - tau), Rational::from(hhi - tau));
            let e_fin = run.expm_range(&slo, &shi);
            let fin = run.world(&CBall { v: run.ps.step_coords(&e_fin, &pos.ball.v), rho: pos.ball.rho.clone() });
            // A far horizon: the dense exponential loses every digit, the decay modes do not.
            let fin = match &run.modes {
                Some(m) => {
                    let st = m.step_over(&pos.ball, S::from_bounds(&slo, &shi, &env.ctx));
                    let end = run.world(&m.end(&st, &run.ps, &pos.ball.rho));
                    fin.iter().zip(end).map(|(a, b)| narrower(a, b)).collect()
                }
                None => fin,
            };
            let e_all = run.expm_range(&Rational::new(), &Rational::from(hhi - tau));
            let dense = run.world(&CBall { v: run.ps.step_coords(&e_all, &pos.ball.v), rho: pos.ball.rho.clone() });
            let dense = match meet_all("neuron: dense box ∩ tail box", &dense, &l.tail) {
                Ok(m) => m,
                Err(e) => return out.undecided(e.into(), pos.t0.clone(), l.start_box.to_vec()),
            };
            if let Some(w) = out.witness.as_mut() {
                let start = w.ball(&Conv { g: &piece.g, dg: &env.dg }, &pos.ball);
                let (hull, state) = (w.ivs(&super::ball::hull_box(&dense, &fin)), w.ivs(&fin));
                w.exit(WExit::Horizon { t0: pos.tau.clone(), t1: hhi.clone(), start, hull, state });
            }
            seg.grow(&dense);
            seg.grow(&fin);
            let t_fin = S::from_rational(t_end, &env.ctx);
            seg.close(out, t_fin.clone(), fin.clone());
            out.certified(t_fin, fin, None)
        }
    }
}

/// The step budget or a cancellation ends the run at the current time.
fn out_of_budget<S: Enclosure>(
    env: &Env<'_, S>,
    out: &mut Out<S>,
    run: &Run<'_, S>,
    seg: &mut Open<S>,
    pos: &Pos<S>,
    work: usize,
) -> Option<TrajectoryParts<S>> {
    let reason = if work > env.opts.max_steps {
        let what = format!("{} guard classifications (NeuronOptions::max_steps)", env.opts.max_steps);
        UndecidedReason::Budget { what }
    } else if let Some(m) = env.opts.monitor.as_ref().filter(|m| m.poll(pos.now().lower_f64(), work, out.events.len()))
    {
        m.stop_reason()
    } else {
        return None;
    };
    let open = std::mem::replace(seg, Open { start: pos.now(), pattern: seg.pattern.clone(), hull: Vec::new() });
    open.close(out, pos.now(), run.world(&pos.ball));
    Some(out.undecided(reason, pos.now(), run.world(&pos.ball)))
}

/// A guard that cannot be separated from 0 while the pattern's limit may lie on its hyperplane:
/// say so (the common "grazing at t → ∞" case).
fn diagnose<S: Enclosure>(
    run: &Run<'_, S>,
    piece: &GramPiece,
    ball: &CBall<S>,
    reason: UndecidedReason,
) -> UndecidedReason {
    match reason {
        UndecidedReason::Grazing { point, .. } if !piece.in_kernel[point] => {
            let g = run.frame.guard_at_limit(point, &run.pts.xn[point], &ball.rho);
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
    }
}

/// Starts recording a pattern: its exact anchor `c₀ − Q̂ᵀζ(c₀)` (`frame.rs`), from the start
/// ball's centre `c₀`.
fn begin<S: Enclosure>(
    w: &mut Witness,
    env: &Env<'_, S>,
    piece: &GramPiece,
    active: &[usize],
    skip: &[bool],
    t0: &S,
    ball: &Ball<S>,
) {
    if ball.c.iter().any(|c| lo_q(c) != super::run::hi_q(c)) {
        w.refuse("a ball centre that is not a point");
    }
    let c0: Vec<Rational> = ball.c.iter().map(|c| lo_q(c).unwrap_or_default()).collect();
    let flat = FlatData { x: env.dg.x, y: env.y, one: env.conv.zero_is_active(), in_kernel: &piece.in_kernel };
    w.flat_guards(&flat, skip, &c0);
    let xw: Vec<Rational> = env.dg.x.iter().map(|xi| super::gram::dot(xi, &c0)).collect();
    let g = &piece.g;
    let z: Vec<Rational> = g.coords_with(&xw, &c0).into_iter().zip(&g.omega).map(|(a, b)| a - b).collect();
    let anchor = c0.iter().zip(g.lift_exact(&env.dg, &z)).map(|(a, b)| Rational::from(a - &b)).collect();
    let t_start = w.iv(t0);
    w.patterns.push(WPattern { active: active.to_vec(), t_start, anchor, steps: Vec::new(), exit: None });
}

/// Moves the search's proved leaves into the witness; returns the crossing leaf, if any.
fn leaves<S: Enclosure>(
    out: &mut Out<S>,
    env: &Env<'_, S>,
    piece: &GramPiece,
    run: &mut Run<'_, S>,
) -> Option<Leaf<S>> {
    let (w, log) = (out.witness.as_mut()?, run.log.as_mut()?);
    w.take_leaves(&Conv { g: &piece.g, dg: &env.dg }, log)
}

/// The pattern ends in the switch of `i` found in the crossing leaf `cross`.
fn switch_exit<S: Enclosure>(
    w: &mut Witness,
    c: &Conv<'_, '_>,
    cross: Option<Leaf<S>>,
    i: usize,
    t_ev: &S,
    w_box: &[S],
) {
    let Some(Leaf::Cross { a, len, start, hull }) = cross else {
        w.refuse("a switch without its crossing step");
        return;
    };
    let (start, hull, time, state) = (w.ball(c, &start), w.ivs(&hull), w.iv(t_ev), w.ivs(w_box));
    let t1 = Rational::from(&a + &len);
    w.exit(WExit::Switch(WCrossing { point: i, t0: a, t1, start, hull, time, state }));
}
