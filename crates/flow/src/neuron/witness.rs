//! The sets a certified single-neuron run rests on, exactly, for a certificate that an independent
//! verifier re-checks (`certify_with_witness`; the format is `reluflow-certificate`'s).
//!
//! Inside a pattern every ball of the run is `w_∞ + Q̂ᵀv + B(ρ)` (`frame.rs`) around the one exact
//! limit `w_∞` of the pattern's flow from the centre it started from: an equilibrium of the
//! pattern's affine field. The witness records that equilibrium exactly (the pattern's
//! `anchor`), each ball as its exact offset `u = Q̂ᵀv` and the upper end of `ρ`, and every box
//! and time as the exact ends of its enclosure: nothing is rounded again, nothing is re-wrapped.

// The fields are the format's, documented field by field in `docs/certificate.md`.
#![allow(missing_docs)]
use super::frame::CBall;
use super::gram::{DataGram, Gram};
use super::run::{Leaf, hi_q, lo_q};
use reluflow_arith::Enclosure;
use rug::Rational;

/// `[lo, hi]`, exact.
pub type WIv = (Rational, Rational);

/// The data, labels and loss factor `c` of `c Σ_i (σ(x_iᵀw) − y_i)²`.
pub(crate) type LossData<'a> = (&'a [Vec<Rational>], &'a [Rational], &'a Rational);

/// The ball `anchor + u + B(rho)`.
#[derive(Clone, Debug, PartialEq)]
pub struct WBall {
    pub u: Vec<Rational>,
    pub rho: Rational,
}

/// One proved step `[t0, t1]` (local times of its pattern).
#[derive(Clone, Debug, PartialEq)]
pub struct WStep {
    pub t0: Rational,
    pub t1: Rational,
    pub start: WBall,
    pub end: WBall,
    pub hull: Vec<WIv>,
}

/// The slow mode of a final pattern (`slow.rs`): `u` (exact, in the active span, any length) close
/// to the eigenvector of the smallest eigenvalue of `K` on the span, and `nu` separating that
/// eigenvalue from the next (none when the span is one-dimensional).
#[derive(Clone, Debug, PartialEq)]
pub struct WSlow {
    pub u: Vec<Rational>,
    pub nu: Option<Rational>,
}

/// The crossing of `point`'s hyperplane inside the step `[t0, t1]` (from `start`, states in
/// `hull`), at absolute time `time`, state in `state`: what a switch and a death share.
#[derive(Clone, Debug, PartialEq)]
pub struct WCrossing {
    pub point: usize,
    pub t0: Rational,
    pub t1: Rational,
    pub start: WBall,
    pub hull: Vec<WIv>,
    pub time: WIv,
    pub state: Vec<WIv>,
}

/// How a pattern ended.
#[derive(Clone, Debug, PartialEq)]
pub enum WExit {
    /// A switch: the crossing, and the next pattern follows.
    Switch(WCrossing),
    /// `t_end` reached: no switch on `[t0, t1]`, the state at `t_end` in `state`.
    Horizon { t0: Rational, t1: Rational, start: WBall, hull: Vec<WIv>, state: Vec<WIv> },
    /// No switch ever again: every later state in `hull`, `w(∞)` in `limit`, its loss exactly;
    /// `slow` when an active guard's limit lies on its hyperplane.
    Limit { t0: Rational, start: WBall, hull: Vec<WIv>, limit: Vec<WIv>, loss: Rational, slow: Option<WSlow> },
    /// A death: the crossing leaves no point active (σ'(0) = 0); the state stays in its `state`
    /// for good, with the loss in `loss` (exactly `c Σ y_i²`, or, when the death may come after a
    /// finite `t_end`, its hull with the loss over `state`).
    Death { crossing: WCrossing, loss: WIv },
}

/// One pattern: its active points with `x_i ≠ 0` (sorted), start time, anchor, steps and exit.
#[derive(Clone, Debug, PartialEq)]
pub struct WPattern {
    pub active: Vec<usize>,
    pub t_start: WIv,
    pub anchor: Vec<Rational>,
    pub steps: Vec<WStep>,
    pub exit: Option<WExit>,
}

/// The witness of a run. `unsupported` names a part of the run that the witness does not
/// describe (a certificate must then not be written).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Witness {
    pub patterns: Vec<WPattern>,
    /// The points on their hyperplane at `w(0)` whose guard stays 0 for good (flat guards:
    /// `proofs-notes/certificate-verifier.md`, "Flat guards").
    pub flat: Vec<usize>,
    pub unsupported: Option<String>,
}

/// What decides whether a guard that stays 0 is flat: the data, labels, σ'(0) = 1, and the
/// pattern's points orthogonal to the span of its active points (`K x_k = 0`).
pub(crate) struct FlatData<'a> {
    pub x: &'a [Vec<Rational>],
    pub y: &'a [Rational],
    pub one: bool,
    pub in_kernel: &'a [bool],
}

/// Converts enclosures to exact ends; what cannot be (an infinite end) marks the witness.
pub(crate) struct Conv<'g, 'd> {
    pub g: &'g Gram,
    pub dg: &'g DataGram<'d>,
}

impl Witness {
    /// Records the guards `skip` marks as staying 0 on the pattern being begun (`w0`: the state
    /// at the pattern's start, exact). They must be flat: on the first pattern each is `K x_k = 0`,
    /// `σ'(0)·y_k = 0`, `y_k ≤ 0` and orthogonal to every other point on its hyperplane at `w(0)`;
    /// on every later pattern the same guards, still `K x_k = 0`. Else the run is refused.
    pub(crate) fn flat_guards(&mut self, f: &FlatData<'_>, skip: &[bool], w0: &[Rational]) {
        let flat: Vec<usize> = (0..skip.len()).filter(|&k| skip[k]).collect();
        if self.patterns.is_empty() {
            let dot = |a: &[Rational], b: &[Rational]| -> Rational {
                a.iter().zip(b).map(|(p, q)| Rational::from(p * q)).sum()
            };
            let on_plane = |j: usize| f.x[j].iter().any(|v| *v != 0) && dot(&f.x[j], w0) == 0;
            let ok = |k: usize| {
                f.in_kernel[k]
                    && f.y[k] <= 0
                    && (!f.one || f.y[k] == 0)
                    && (0..f.x.len()).all(|j| j == k || !on_plane(j) || dot(&f.x[j], &f.x[k]) == 0)
            };
            if !flat.iter().all(|&k| ok(k)) {
                self.refuse("a start on a hyperplane whose guard stays at 0 along this run only (not a flat guard)");
            }
            self.flat = flat;
        } else if flat != self.flat || flat.iter().any(|&k| !f.in_kernel[k]) {
            self.refuse("a guard on its hyperplane at t = 0 that leaves it after a switch");
        }
    }

    pub(crate) fn refuse(&mut self, what: &str) {
        if self.unsupported.is_none() {
            self.unsupported = Some(what.to_string());
        }
    }

    /// The pattern being recorded.
    pub(crate) fn current(&mut self) -> Option<&mut WPattern> {
        self.patterns.last_mut()
    }

    pub(crate) fn iv<S: Enclosure>(&mut self, s: &S) -> WIv {
        match (lo_q(s), hi_q(s)) {
            (Some(l), Some(h)) => (l, h),
            _ => {
                self.refuse("an unbounded enclosure");
                (Rational::new(), Rational::new())
            }
        }
    }

    pub(crate) fn ivs<S: Enclosure>(&mut self, v: &[S]) -> Vec<WIv> {
        v.iter().map(|s| self.iv(s)).collect()
    }

    pub(crate) fn ball<S: Enclosure>(&mut self, c: &Conv<'_, '_>, b: &CBall<S>) -> WBall {
        let v: Vec<Rational> = b.v.iter().map(|s| self.iv(s).0).collect();
        if b.v.iter().any(|s| lo_q(s) != hi_q(s)) {
            self.refuse("a ball centre that is not a point");
        }
        WBall { u: c.g.lift_exact(c.dg, &v), rho: self.iv(&b.rho).1 }
    }

    /// Moves the proved clear leaves of `log` into the current pattern's steps and returns the
    /// crossing leaf, if any.
    pub(crate) fn take_leaves<S: Enclosure>(&mut self, c: &Conv<'_, '_>, log: &mut Vec<Leaf<S>>) -> Option<Leaf<S>> {
        let mut cross = None;
        for leaf in log.drain(..) {
            match leaf {
                Leaf::Clear { a, len, start, end, hull } => {
                    let step = WStep {
                        t1: Rational::from(&a + &len),
                        t0: a,
                        start: self.ball(c, &start),
                        end: self.ball(c, &end),
                        hull: self.ivs(&hull),
                    };
                    if let Some(p) = self.current() {
                        p.steps.push(step);
                    }
                }
                leaf @ Leaf::Cross { .. } => cross = Some(leaf),
            }
        }
        cross
    }

    /// Turns the current pattern's switch into a death with the loss `loss` after it.
    /// Turns the current switch into a death with the loss `c Σ y_i²` (`frozen`); with
    /// `data = Some((x, y, c))` (a death that may come after `t_end`, where the state may still be
    /// before it) the hull of that with the loss `c Σ (σ(x_iᵀw) − y_i)²` over the switch's `state`,
    /// in exact interval arithmetic.
    pub(crate) fn death(&mut self, frozen: Rational, data: Option<LossData<'_>>) {
        let exit = self.current().and_then(|p| p.exit.take());
        match exit {
            Some(WExit::Switch(crossing)) => {
                let loss = match data {
                    Some((x, y, c)) => {
                        let (lo, hi) = loss_over(x, y, c, &crossing.state);
                        (lo.min(frozen.clone()), hi.max(frozen))
                    }
                    None => (frozen.clone(), frozen),
                };
                let death = WExit::Death { crossing, loss };
                if let Some(p) = self.current() {
                    p.exit = Some(death);
                }
            }
            _ => self.refuse("a death without its switch"),
        }
    }

    /// Ends the current pattern with `exit`.
    pub(crate) fn exit(&mut self, exit: WExit) {
        match self.current() {
            Some(p) if p.exit.is_none() => p.exit = Some(exit),
            _ => self.refuse("an exit without its pattern"),
        }
    }
}

/// `c Σ_i (σ(x_iᵀw) − y_i)²` over the box `state`, exactly: `x_iᵀw` by its extreme corners,
/// σ monotone, the square of an interval.
fn loss_over(x: &[Vec<Rational>], y: &[Rational], c: &Rational, state: &[WIv]) -> WIv {
    let (mut lo, mut hi) = (Rational::new(), Rational::new());
    for (xi, yi) in x.iter().zip(y) {
        let (mut a, mut b) = (Rational::new(), Rational::new());
        for (v, (l, h)) in xi.iter().zip(state) {
            let (p, q) = (Rational::from(v * l), Rational::from(v * h));
            a += p.clone().min(q.clone());
            b += p.max(q);
        }
        let (r0, r1) = (a.max(Rational::new()) - yi, b.max(Rational::new()) - yi);
        let top = Rational::from(r0.square_ref()).max(Rational::from(r1.square_ref()));
        let bottom = if r0 <= 0 && r1 >= 0 {
            Rational::new()
        } else {
            Rational::from(r0.square_ref()).min(Rational::from(r1.square_ref()))
        };
        lo += bottom;
        hi += top;
    }
    (lo * c, hi * c)
}
