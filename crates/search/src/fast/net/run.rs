//! The fixed-pattern gradient flow of a two-layer network in f64, for screening only: adaptive
//! Dormand–Prince 5(4) steps inside the current activation pattern (where the field is a smooth
//! cubic), guards followed through each step by their cubic Hermite interpolant, the step cut at
//! the first guard that leaves its side by more than a relative margin, and the pair switched
//! there. The margin is a hysteresis band: a pair just switched sits a margin past its hyperplane,
//! so it switches back only when the flow really returns — and a pair that keeps switching back
//! and forth (a surface that attracts from both sides: sliding, where the fixed-pattern flow has
//! no continuation) stops the run. Stiff stretches switch to a stabilised Runge–Kutta–Chebyshev
//! method.

use super::field::{Net, dot};
use super::guards::Cubic;
use super::method::{Method, STIFF_STEPS};
use super::step::Stepper;

/// Relative local error per step (per neuron).
pub const RTOL: f64 = 1e-9;
/// Relative margin of a guard: pair `(j, i)` switches when `x_iᵀw_j` is past its hyperplane by
/// more than `MARGIN ‖x_i‖ ‖w_j‖`.
pub const MARGIN: f64 = 1e-9;
/// Most steps of one run (beyond: the full screen judges).
pub const MAX_STEPS: usize = 20_000;
/// Most switches of one run.
pub const MAX_EVENTS: usize = 400;
/// Switches of one pair after which it counts as sliding.
pub const SLIDE_TOGGLES: u32 = 8;

/// A switch of pair `(neuron, point)` at time `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Time.
    pub t: f64,
    /// The neuron.
    pub neuron: usize,
    /// The point.
    pub point: usize,
    /// Becomes active (else inactive).
    pub activate: bool,
}

/// What a claim watching the run sees.
pub trait Watch {
    /// After a step ending at `t`: per pair `j·n + i` the least and largest of
    /// `x_iᵀw_j / (‖x_i‖ ‖w_j‖)` over the step (`‖w_j‖` the larger of both ends; 0 where `w_j = 0`),
    /// and the state `theta`. `true` stops the run.
    fn step(&mut self, t: f64, lo: &[f64], hi: &[f64], theta: &[f64]) -> bool;
    /// After a switch. `true` stops the run.
    fn event(&mut self, e: &Event) -> bool;
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    /// The horizon.
    Reached,
    /// The watch asked to stop at `t`.
    Stopped(f64),
    /// Pair `(neuron, point)` switched [`SLIDE_TOGGLES`] times, the last at `t`: the flow slides
    /// along the surface (or the pair oscillates across it).
    Sliding {
        /// Time of the last switch.
        t: f64,
        /// The neuron.
        neuron: usize,
        /// The point.
        point: usize,
    },
}

struct State<'a> {
    net: &'a Net,
    act: Vec<bool>,
    live: Vec<bool>,
    toggles: Vec<u32>,
    events: usize,
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl State<'_> {
    fn relive(&mut self) {
        let n = self.net.n();
        self.live = (0..self.net.m).map(|j| self.act[j * n..(j + 1) * n].iter().any(|a| *a)).collect();
    }

    fn margin(&self, i: usize, wn: f64) -> f64 {
        let xi = self.net.row(i);
        MARGIN * dot(xi, xi).sqrt() * wn
    }

    /// Switches pair `k` at `t`; `Err` past the budget, `Ok(true)` to stop.
    fn switch(&mut self, k: usize, t: f64, watch: &mut dyn Watch) -> Result<bool, String> {
        let n = self.net.n();
        self.act[k] = !self.act[k];
        self.toggles[k] += 1;
        self.events += 1;
        self.relive();
        if self.events > MAX_EVENTS {
            return Err(format!("more than {MAX_EVENTS} switches"));
        }
        Ok(watch.event(&Event { t, neuron: k / n, point: k % n, activate: self.act[k] }))
    }
}

/// Whether no guard can switch any more before `t_end`: along the gradient flow
/// `dL/dt = −‖θ̇‖²`, so the path from `t` to `t_end` is at most `R = √((t_end − t) L(t))` long
/// (Cauchy–Schwarz) and no guard moves by more than `‖x_i‖ R`; when every guard of a live neuron is
/// farther than twice that (plus its margin) from its hyperplane, the pattern is final.
fn settled(s: &State<'_>, theta: &[f64], t: f64, t_end: f64) -> bool {
    let (net, n) = (s.net, s.net.n());
    let reach = ((t_end - t) * net.loss(theta)).sqrt();
    (0..net.m).filter(|&j| s.live[j]).all(|j| {
        let wn = wnorm(net, theta, j);
        (0..n).all(|i| {
            let g = net.guard(theta, j, i) * if s.act[j * n + i] { 1.0 } else { -1.0 };
            let xn = dot(net.row(i), net.row(i)).sqrt();
            g > 2.0 * xn * reach + s.margin(i, wn)
        })
    })
}

fn wnorm(net: &Net, theta: &[f64], j: usize) -> f64 {
    let w = net.w(theta, j);
    dot(w, w).sqrt()
}

/// The earliest exit over all pairs of live neurons during the step `y0 → y1` (stages `k0`,
/// `k1`): `(u, pair)` with `u` the fraction of the step. Fills the watch's ranges as it goes.
fn first_exit(s: &mut State<'_>, ends: [&[f64]; 2], fields: [&[f64]; 2], h: f64) -> Option<(f64, usize)> {
    let (net, n) = (s.net, s.net.n());
    let mut best: Option<(f64, usize)> = None;
    for j in 0..net.m {
        let wn = wnorm(net, ends[0], j).max(wnorm(net, ends[1], j));
        for i in 0..n {
            let k = j * n + i;
            let c = Cubic::of(net, j, i, ends, fields, h);
            let xn = dot(net.row(i), net.row(i)).sqrt();
            let (lo, hi) = if s.live[j] { c.range() } else { (c.at(1.0), c.at(1.0)) };
            let scale = if wn * xn > 0.0 { 1.0 / (wn * xn) } else { 0.0 };
            (s.lo[k], s.hi[k]) = (lo * scale, hi * scale);
            if !s.live[j] {
                continue;
            }
            let sign = if s.act[k] { 1.0 } else { -1.0 };
            if let Some(u) = c.first_exit(sign, s.margin(i, wn))
                && best.is_none_or(|(b, _)| u < b)
            {
                best = Some((u, k));
            }
        }
    }
    best
}

/// Runs `net` from `θ(0)` to its horizon under `watch`; `Err(why)` when the run is beyond this
/// screen (step size underflow, a value not finite, more than [`MAX_STEPS`] steps or
/// [`MAX_EVENTS`] switches).
pub fn run(net: &Net, watch: &mut dyn Watch) -> Result<End, String> {
    let act = net.pattern(&net.theta0);
    let pairs = act.len();
    let mut s = State {
        net,
        act,
        live: Vec::new(),
        toggles: vec![0; pairs],
        events: 0,
        lo: vec![0.0; pairs],
        hi: vec![0.0; pairs],
    };
    s.relive();
    let mut st = Stepper::new(net);
    let mut method = Method { stiff: false, rho: 0.0, age: 0 };
    let (mut y, mut y1) = (net.theta0.clone(), net.theta0.clone());
    let (t_end, h_max) = (net.horizon, net.horizon / 16.0);
    let (mut t, mut h) = (0.0, h_max * 1e-3);
    st.first(net, &s.act, &s.live, &y);
    for step in 0..MAX_STEPS {
        if t >= t_end || (step % 8 == 7 && settled(&s, &y, t, t_end)) {
            return Ok(End::Reached);
        }
        if !method.stiff && step % 256 == 255 && (t_end - t) / h > STIFF_STEPS {
            method = Method { stiff: true, rho: 0.0, age: 0 };
        }
        let (hh, err) = method.trial(&mut st, net, (&s.act, &s.live), &y, h.min(h_max).min(t_end - t), &mut y1);
        if !err.is_finite() || y1.iter().any(|v| !v.is_finite()) {
            return Err("a value of the f64 run is not finite".into());
        }
        let grow = method.grow(err);
        if err > 1.0 {
            h = hh * grow;
            if h <= 1e-14 * (1.0 + t) {
                return Err("the step size underflowed".into());
            }
            continue;
        }
        let exit = first_exit(&mut s, [&y, &y1], [&st.k[0], &st.k[6]], hh);
        let (dt, hit) = match exit {
            Some((u, k)) if u < 1.0 => {
                // Redo the step to just past the exit (shorter, so within the tolerance).
                method.trial(&mut st, net, (&s.act, &s.live), &y, u * hh, &mut y1);
                first_exit(&mut s, [&y, &y1], [&st.k[0], &st.k[6]], u * hh);
                (u * hh, Some(k))
            }
            other => (hh, other.map(|(_, k)| k)),
        };
        t = if dt == t_end - t { t_end } else { t + dt };
        std::mem::swap(&mut y, &mut y1);
        st.k.swap(0, 6);
        h = if hit.is_some() { hh } else { hh * grow };
        if watch.step(t, &s.lo, &s.hi, &y) {
            return Ok(End::Stopped(t));
        }
        let Some(k) = hit else { continue };
        method.age = 0;
        if let Some(end) = switch_at(&mut s, k, &y, t, watch)? {
            return Ok(end);
        }
        st.first(net, &s.act, &s.live, &y);
    }
    Err(format!("more than {MAX_STEPS} steps"))
}

/// Switches pair `k` at `(t, y)`, then every pair the interpolant let slip past its margin; the
/// end of the run when the watch stops it or `k` slides.
fn switch_at(s: &mut State<'_>, k: usize, y: &[f64], t: f64, watch: &mut dyn Watch) -> Result<Option<End>, String> {
    let (net, n) = (s.net, s.net.n());
    if s.switch(k, t, watch)? {
        return Ok(Some(End::Stopped(t)));
    }
    if s.toggles[k] >= SLIDE_TOGGLES {
        return Ok(Some(End::Sliding { t, neuron: k / n, point: k % n }));
    }
    for q in (0..s.act.len()).filter(|q| *q != k) {
        let (j, i) = (q / n, q % n);
        let g = net.guard(y, j, i) * if s.act[q] { 1.0 } else { -1.0 };
        if s.live[j] && g < -s.margin(i, wnorm(net, y, j)) && s.switch(q, t, watch)? {
            return Ok(Some(End::Stopped(t)));
        }
    }
    Ok(None)
}
