//! Stepping inside one pattern: guard classification over a time interval, bisection, and the
//! rigorous location of the first switch by interval Newton (see `proofs-notes/neuron-events.md`).

use super::ball::{PieceS, hull_box};
use super::expm::expm_enclosure;
use super::frame::{CBall, Frame};
use super::modal::Modes;
use crate::trajectory::UndecidedReason;
use reluflow_arith::{Bound, Enclosure, Inconsistency, Scalar, meet, meet_all};
use rug::Rational;
use std::collections::BTreeMap;

/// Per-point constants in the backend.
#[derive(Clone, Debug)]
pub(crate) struct Points<S> {
    pub x: Vec<Vec<S>>,
    /// Upper bounds of `‖x_i‖₂`.
    pub xn: Vec<S>,
    /// Points on the same hyperplane as `i` (exact multiples of `x_i`): they switch together.
    pub parallel: Vec<Vec<usize>>,
}

/// How one guard behaves over a time interval `[a, a + len]`, given that at `a` it is on its
/// required closed side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Strictly on its required side on `(a, a + len]`.
    Ok,
    /// Exactly one transversal zero in `(a, a + len)`.
    Cross,
    /// Neither could be proved.
    Unknown,
}

/// What a search over `[a, a + len]` found.
#[derive(Clone, Debug)]
pub(crate) enum Found<S> {
    /// No switch: the ball at `a + len` and a hull of all states on the interval.
    Clear { end: CBall<S>, hull: Vec<S>, split: bool },
    /// The first switch: point `i`, its time in `[lo, hi]` (local times), the box of states over
    /// that time interval, and a hull of all states from `a` to `hi`.
    Event { i: usize, lo: Rational, hi: Rational, w_box: Vec<S>, hull: Vec<S> },
    /// The proof stopped: certified on `[a, at]`, with a hull of the states there.
    Stop { reason: UndecidedReason, at: Rational, hull: Vec<S> },
}

/// Of two enclosures of the same value, the one of smaller width (each contains the value).
pub(crate) fn narrower<S: Enclosure>(a: &S, b: S) -> S {
    if b.width_upper() < a.width_upper() { b } else { a.clone() }
}

/// Lower end of an enclosure as an exact rational (`None` if infinite).
pub(crate) fn lo_q<S: Scalar>(s: &S) -> Option<Rational> {
    match s.lower() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// Upper end of an enclosure as an exact rational (`None` if infinite).
pub(crate) fn hi_q<S: Scalar>(s: &S) -> Option<Rational> {
    match s.upper() {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// One pattern's stepping machinery.
#[derive(Debug)]
pub(crate) struct Run<'a, S: Enclosure> {
    pub ps: PieceS<S>,
    /// What the coordinates of this pattern's balls refer to (`frame.rs`).
    pub frame: Frame<S>,
    pub pts: &'a Points<S>,
    /// `+1`: must stay `> 0`; `−1`: must stay `< 0`; `0`: not a guard here.
    pub req: Vec<i8>,
    pub bits: u32,
    pub ctx: S::Ctx,
    cache: BTreeMap<Rational, (Vec<S>, Vec<S>)>,
    /// The pattern's decay modes, for step enclosures whose width does not grow with stiffness.
    pub modes: Option<Modes<S>>,
    /// Number of guard classifications performed (the step budget counts these).
    pub work: usize,
    /// Most classifications this pattern may perform, and the run's monitor: both are checked
    /// inside the bisection too, which can take many classifications in one step.
    pub max_work: usize,
    pub monitor: Option<crate::monitor::Monitor>,
    /// The proved leaves of the step search, in time order, when a witness is recorded
    /// (`witness.rs`).
    pub log: Option<Vec<Leaf<S>>>,
}

/// A proved leaf of the step search: from `start` at local time `a`, over `[a, a + len]`.
#[derive(Clone, Debug)]
pub(crate) enum Leaf<S> {
    /// No guard changes sign; the states end in `end` and stay in `hull`.
    Clear { a: Rational, len: Rational, start: CBall<S>, end: CBall<S>, hull: Vec<S> },
    /// A guard crosses inside the step (the switch that follows); `hull` holds the states.
    Cross { a: Rational, len: Rational, start: CBall<S>, hull: Vec<S> },
}

impl<'a, S: Enclosure> Run<'a, S> {
    pub fn new(ps: PieceS<S>, frame: Frame<S>, pts: &'a Points<S>, req: Vec<i8>, bits: u32, ctx: S::Ctx) -> Self {
        Run {
            ps,
            frame,
            pts,
            req,
            bits,
            ctx,
            cache: BTreeMap::new(),
            modes: None,
            work: 0,
            max_work: usize::MAX,
            monitor: None,
            log: None,
        }
    }

    fn f64_up(q: &Rational) -> f64 {
        rug::Float::with_val_round(53, q, reluflow_arith::rounding::up()).0.to_f64_round(reluflow_arith::rounding::up())
    }

    /// `exp(sA)` for `s ∈ [lo, hi]` (exact rationals, `0 ≤ lo ≤ hi`).
    pub fn expm_range(&self, lo: &Rational, hi: &Rational) -> Vec<S> {
        let s = if lo == hi { S::from_rational(lo, &self.ctx) } else { S::from_bounds(lo, hi, &self.ctx) };
        expm_enclosure(&self.ps.a, self.ps.r, &s, Self::f64_up(hi), self.ps.norm, self.bits)
    }

    /// `(exp(len·A), {exp(sA) : s ∈ [0, len]})`, cached; doubling reuses the half step:
    /// `E(2h) = E(h)²` and `E([0, 2h]) = E([0, h]) ∪ E(h)E([0, h])`.
    pub fn exps(&mut self, len: &Rational) -> (Vec<S>, Vec<S>) {
        if let Some(v) = self.cache.get(len) {
            return v.clone();
        }
        let half = Rational::from(len / 2u32);
        let d = self.ps.r;
        let v = if let Some((ep, ed)) = self.cache.get(&half) {
            let ep2 = reluflow_arith::linalg::mat_mul(ep, ep, d, d, d, &self.ctx);
            let ed2 = reluflow_arith::linalg::mat_mul(ep, ed, d, d, d, &self.ctx);
            (ep2, hull_box(ed, &ed2))
        } else {
            (self.expm_range(len, len), self.expm_range(&Rational::new(), len))
        };
        self.cache.insert(len.clone(), v.clone());
        v
    }

    fn strictly_ok(&self, i: usize, g: &S) -> bool {
        if self.req[i] > 0 { g.certainly_pos() } else { g.certainly_neg() }
    }
    fn certainly_wrong(&self, i: usize, g: &S) -> bool {
        if self.req[i] > 0 { g.certainly_neg() } else { g.certainly_pos() }
    }

    /// The box of `ball` in `d` coordinates.
    pub fn world(&self, ball: &CBall<S>) -> Vec<S> {
        self.frame.world(&self.ps, &ball.v, &ball.rho)
    }

    /// `x_iᵀw` over the ball `w_∞ + Q̂ᵀV + B(ρ)`.
    fn guard(&self, i: usize, v: &[S], rho: &S) -> S {
        self.frame.guard(&self.ps, i, v, &self.pts.xn[i], rho)
    }

    /// Classifies every guard over `[a, a + len]` from the ball at `a`; returns the classes, the
    /// rate enclosures, the end ball and the hull of states (`d` coordinates).
    #[allow(clippy::type_complexity)]
    pub fn classify(&mut self, ball: &CBall<S>, len: &Rational) -> (Vec<Class>, Vec<S>, CBall<S>, Vec<S>) {
        self.work += 1;
        let (ep, ed) = self.exps(len);
        // The centres over the step in coordinates; every state lies within ρ of one.
        let cb = self.ps.step_coords(&ed, &ball.v);
        let mut hull = self.world(&CBall { v: cb.clone(), rho: ball.rho.clone() });
        let mut zeta = self.ps.zeta_hull(&cb, &ball.rho);
        let mut end = self.ps.advance_c(ball, &ep);
        let modal = self.modes.as_ref().map(|m| (m, m.step(ball, len)));
        if let Some((m, st)) = &modal {
            // Two enclosures of the same states: keep the narrower of each.
            hull = hull.iter().zip(m.hull(st, &self.frame)).map(|(a, b)| narrower(a, b)).collect();
            zeta = zeta.iter().zip(m.zeta_hull(st, &self.ps)).map(|(a, b)| narrower(a, b)).collect();
            let e2 = m.end(st, &self.ps, &ball.rho);
            if e2.rho.certainly_lt(&end.rho) {
                end = e2;
            }
        }
        let n = self.req.len();
        let mut classes = vec![Class::Ok; n];
        let mut rates = vec![S::zero(&self.ctx); n];
        for i in 0..n {
            if self.req[i] == 0 {
                continue;
            }
            let mut g = self.guard(i, &cb, &ball.rho);
            let mut r = self.ps.rate_z(i, &cb, &ball.rho);
            if let Some((m, st)) = &modal {
                g = narrower(&g, m.guard(st, &self.frame, i, &self.pts.xn[i]));
                r = narrower(&r, m.rate(st, &self.ps, i));
            }
            if self.strictly_ok(i, &g) {
                continue;
            }
            rates[i] = r.clone();
            if self.strictly_ok(i, &r) {
                continue; // moving away from its hyperplane, starting on the right closed side
            }
            if self.certainly_wrong(i, &r) {
                let ge = self.guard(i, &end.v, &end.rho);
                if self.strictly_ok(i, &ge) {
                    continue; // monotone towards it but still on the right side at the end
                }
                if self.certainly_wrong(i, &ge) {
                    classes[i] = Class::Cross;
                    continue;
                }
            }
            if self.curvature_ok(i, ball, &zeta, len) {
                continue; // a quadratic lower bound keeps it on the right side (near a turning point)
            }
            classes[i] = Class::Unknown;
        }
        (classes, rates, end, hull)
    }

    /// Of the box `old` of every state over `[0, len]` from `ball` and the modal one, the
    /// narrower in each coordinate.
    fn narrow_hull(&self, old: Vec<S>, ball: &CBall<S>, len: &Rational) -> Vec<S> {
        match &self.modes {
            Some(m) => old.iter().zip(m.hull(&m.step(ball, len), &self.frame)).map(|(a, b)| narrower(a, b)).collect(),
            None => old,
        }
    }

    /// Second-order test (`proofs-notes/neuron-events.md`, "Turning guards"): with `σ` the
    /// required sign, `σg(a + s) ≥ A + Bs + Cs²/2` on `[0, len]` for `A`, `B` the lower ends of
    /// `σg(a)`, `σg'(a)` over the start ball and `C` the lower end of `σg'' = σα_iᵀf(w)` over the
    /// step's states (`zeta` encloses their decaying coordinates `ζ(w)`, and
    /// `α_iᵀf(w) = α_iᵀQ̂ᵀ(−N)ζ(w)`); true if that quadratic is positive on `[0, len]`.
    fn curvature_ok(&self, i: usize, ball: &CBall<S>, zeta: &[S], len: &Rational) -> bool {
        let sign = S::from_i64(i64::from(self.req[i]), &self.ctx);
        let g0 = sign.mul(&self.guard(i, &ball.v, &ball.rho));
        let a = g0.lo_point();
        if !a.certainly_pos() {
            return false;
        }
        let b = sign.mul(&self.ps.rate_z(i, &ball.v, &ball.rho)).lo_point();
        let c = sign.mul(&self.ps.alpha_dot(i, &self.ps.field_z(zeta))).lo_point();
        let h = S::from_rational(len, &self.ctx);
        let two = S::from_i64(2, &self.ctx);
        let at_end = a.add(&b.mul(&h)).add(&c.mul(&h).mul(&h).div(&two));
        if !at_end.certainly_pos() {
            return false;
        }
        // Concave (or linear) lower bound: its minimum on [0, len] is at an end.
        if !c.certainly_pos() || !b.certainly_neg() {
            return true;
        }
        // Convex with a vertex at −B/C: positive there, or the vertex is beyond len.
        let vertex_value = a.sub(&b.mul(&b).div(&two.mul(&c)));
        vertex_value.certainly_pos() || h.certainly_lt(&b.neg().div(&c))
    }

    /// Searches `[a, a + len]` for the first switch, bisecting up to `depth` times.
    pub fn search(&mut self, a: &Rational, ball: &CBall<S>, len: &Rational, depth: u32) -> Found<S> {
        if let Some(reason) = self.out_of_budget(a) {
            return Found::Stop { reason, at: a.clone(), hull: self.world(ball) };
        }
        let (classes, rates, end, hull) = self.classify(ball, len);
        if let Some(i) = classes.iter().position(|c| *c == Class::Unknown) {
            if depth == 0 {
                return Found::Stop {
                    reason: UndecidedReason::Grazing { neuron: 0, point: i },
                    at: a.clone(),
                    hull: self.world(ball),
                };
            }
            let half = Rational::from(len / 2u32);
            return match self.search(a, ball, &half, depth - 1) {
                Found::Clear { end: mid, hull: h1, .. } => {
                    let m = Rational::from(a + &half);
                    match self.search(&m, &mid, &half, depth - 1) {
                        Found::Clear { end, hull: h2, .. } => {
                            Found::Clear { end, hull: hull_box(&h1, &h2), split: true }
                        }
                        Found::Event { i, lo, hi, w_box, hull: h2 } => {
                            Found::Event { i, lo, hi, w_box, hull: hull_box(&h1, &h2) }
                        }
                        Found::Stop { reason, at, hull: h2 } => Found::Stop { reason, at, hull: hull_box(&h1, &h2) },
                    }
                }
                other => other,
            };
        }
        let crossing: Vec<usize> = (0..classes.len()).filter(|&i| classes[i] == Class::Cross).collect();
        if crossing.is_empty() {
            if let Some(log) = self.log.as_mut() {
                let leaf = Leaf::Clear {
                    a: a.clone(),
                    len: len.clone(),
                    start: ball.clone(),
                    end: end.clone(),
                    hull: hull.clone(),
                };
                log.push(leaf);
            }
            return Found::Clear { end, hull, split: false };
        }
        let b = Rational::from(a + len);
        let mut found = Vec::new();
        for &i in &crossing {
            match self.refine(i, a, ball, &b, &rates[i]) {
                Ok((lo, hi, w_box)) => found.push((i, lo, hi, w_box)),
                Err(e) => return Found::Stop { reason: e.into(), at: a.clone(), hull: self.world(ball) },
            }
        }
        found.sort_by(|p, q| p.2.cmp(&q.2));
        let (i, lo, hi, w_box) = found[0].clone();
        let same = &self.pts.parallel[i];
        let clash: Vec<usize> = found[1..].iter().filter(|f| f.1 <= hi && !same.contains(&f.0)).map(|f| f.0).collect();
        if !clash.is_empty() {
            let mut pairs = vec![(0, i)];
            pairs.extend(clash.iter().map(|&k| (0, k)));
            let at = found.iter().map(|f| f.1.clone()).min().unwrap_or_else(|| a.clone());
            return Found::Stop { reason: UndecidedReason::SimultaneousSwitches { pairs }, at, hull };
        }
        if let Some(log) = self.log.as_mut() {
            log.push(Leaf::Cross { a: a.clone(), len: len.clone(), start: ball.clone(), hull: hull.clone() });
        }
        Found::Event { i, lo, hi, w_box, hull }
    }

    /// The work budget or the monitor (cancellation, wall-clock budget) stops the search at local
    /// time `a`.
    fn out_of_budget(&self, a: &Rational) -> Option<UndecidedReason> {
        if self.work > self.max_work {
            let what = format!("{} guard classifications in one pattern (NeuronOptions::max_steps)", self.max_work);
            return Some(UndecidedReason::Budget { what });
        }
        let m = self.monitor.as_ref()?;
        m.poll(a.to_f64(), self.work, 0).then(|| m.stop_reason())
    }

    /// The ball at local time `to` from `ball` at `from ≤ to`.
    fn advance_to(&self, ball: CBall<S>, from: &Rational, to: &Rational) -> CBall<S> {
        if to <= from {
            return ball;
        }
        let s = Rational::from(to - from);
        self.ps.advance_c(&ball, &self.expm_range(&s, &s))
    }

    /// Narrows the unique zero of guard `i` in `(a, b)` (rate enclosure `outer` over `[a, b]`,
    /// excluding 0) by interval Newton with a bisection fallback; returns `[lo, hi]` and the box
    /// of states over it. [`Inconsistency`] when enclosures that contain the root (or the state
    /// there) do not meet: an empty Newton image disproves the root just proved, so it is a bug.
    fn refine(
        &mut self,
        i: usize,
        a: &Rational,
        ball: &CBall<S>,
        b: &Rational,
        outer: &S,
    ) -> Result<(Rational, Rational, Vec<S>), Inconsistency> {
        let mut lo = a.clone();
        let mut hi = b.clone();
        let mut ball_lo = ball.clone();
        for _ in 0..200 {
            let width = Rational::from(&hi - &lo);
            let m = Rational::from(&lo + &hi) / 2u32;
            let s_m = Rational::from(&m - &lo);
            let ball_m = self.ps.advance_c(&ball_lo, &self.expm_range(&s_m, &s_m));
            let gm = self.guard(i, &ball_m.v, &ball_m.rho);
            let ed = self.expm_range(&Rational::new(), &width);
            let cb = self.ps.step_coords(&ed, &ball_lo.v);
            let d = meet(
                "neuron: guard rate on the root interval ∩ on the step",
                &self.ps.rate_z(i, &cb, &ball_lo.rho),
                outer,
            )?;
            let ms = S::from_rational(&m, &self.ctx);
            // The root lies in [lo, hi] and in its Newton image: they meet.
            let newton = meet(
                "neuron: Newton image ∩ root interval",
                &ms.sub(&gm.div(&d)),
                &S::from_bounds(&lo, &hi, &self.ctx),
            )?;
            let (mut nlo, mut nhi) = (lo.clone(), hi.clone());
            if let Some(l) = lo_q(&newton).filter(|l| *l > nlo) {
                nlo = l;
            }
            if let Some(h) = hi_q(&newton).filter(|h| *h < nhi) {
                nhi = h;
            }
            let nw = Rational::from(&nhi - &nlo);
            if nw * 2u32 <= width {
                ball_lo = self.advance_to(ball_lo, &lo, &nlo);
                (lo, hi) = (nlo, nhi);
                continue;
            }
            // Newton stalled: bisect on the sign of g(m), if it is known.
            if self.strictly_ok(i, &gm) {
                lo = m;
                ball_lo = ball_m;
            } else if self.certainly_wrong(i, &gm) {
                hi = m;
            } else {
                // Keep Newton's narrowing: the ball moves with the lower end, so that the box
                // below covers the states of the whole window [lo, hi].
                ball_lo = self.advance_to(ball_lo, &lo, &nlo);
                (lo, hi) = (nlo, nhi);
                break;
            }
        }
        let width = Rational::from(&hi - &lo);
        let ed = self.expm_range(&Rational::new(), &width);
        let cb = CBall { v: self.ps.step_coords(&ed, &ball_lo.v), rho: ball_lo.rho.clone() };
        let dense = self.narrow_hull(self.world(&cb), &ball_lo, &width);
        // Mean-value form: w(lo + σ) ∈ w(lo) + [0, Δ]·f(dense) with f(w) = A w + G b.
        let f = self.ps.field(&dense);
        let span = S::from_bounds(&Rational::new(), &width, &self.ctx);
        let mean_value: Vec<S> = self.world(&ball_lo).iter().zip(&f).map(|(w, fv)| w.add(&span.mul(fv))).collect();
        let w_box = meet_all("neuron: mean-value box ∩ dense box at the switch", &mean_value, &dense)?;
        Ok((lo, hi, w_box))
    }
}
