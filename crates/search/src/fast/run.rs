//! The single neuron's gradient flow in f64 from its closed form, for screening only (not
//! validated, no exact arithmetic, no allocation per sample beyond the sample arrays).
//!
//! Inside an activation pattern `P` the flow is linear: `ẇ = b − Aw` with `A = g Σ_{i∈P} x_i x_iᵀ`,
//! `b = g Σ_{i∈P} y_i x_i` and `g = 2c` the gradient factor. In the eigenbasis `A = QΛQᵀ` each
//! coordinate `u_k` of `u = Qᵀw` decays to `u*_k = β_k/λ_k` (`β = Qᵀb`) as `e^{−λ_k τ}`; a zero
//! eigenvalue leaves its coordinate where it is (`β_k = 0` there, since `b ∈ range A`). Guards
//! `x_iᵀw(τ)` are exponential sums, sampled on a grid that resolves the fastest mode first and then
//! grows geometrically (so a stiff pattern costs a few dozen samples, not `λ_max/λ_min`); the first
//! sign change against the pattern is bisected and the pattern switches there. Double crossings
//! between two samples (a guard grazing its hyperplane) are missed: the screen's business is speed,
//! and the certified run that follows every screened violation is the one that decides.

use super::eig::{SymEig, sym_eig};
pub use super::start::Start;

/// A single-neuron instance in f64.
#[derive(Clone, Debug)]
pub struct Neuron {
    /// Dimension.
    pub d: usize,
    /// Data rows, `n × d` row-major.
    pub x: Vec<f64>,
    /// Labels.
    pub y: Vec<f64>,
    /// `w(0)`.
    pub w0: Vec<f64>,
    /// The gradient factor `g = 2c` (`L = c Σ (σ(x_iᵀw) − y_i)²`).
    pub g: f64,
    /// `σ'(0) = 1`: a point on its hyperplane counts as active.
    pub zero_active: bool,
    /// The horizon (`None`: `t → ∞`).
    pub horizon: Option<f64>,
}

/// `Neuron` with the row norms computed once.
struct Ctx<'a> {
    nr: &'a Neuron,
    row_norm: Vec<f64>,
}

/// One pattern of the run, from `t0` to `t1` (`t1 = ∞` for the last piece of an infinite run).
#[derive(Clone, Debug)]
pub struct Piece {
    /// Start time.
    pub t0: f64,
    /// End time.
    pub t1: f64,
    /// The pattern: point `i` active.
    pub active: Vec<bool>,
    eig: SymEig,
    /// Eigenvalues with the numerically zero ones set to 0.
    lam: Vec<f64>,
    /// `Qᵀw(t0)`.
    u0: Vec<f64>,
    /// The limit coordinates (`u*` where `λ > 0`, `u0` where `λ = 0`).
    ustar: Vec<f64>,
    /// `ξ_ik = (Qᵀx_i)_k`, `n × d`.
    xi: Vec<f64>,
}

/// Samples of the run in time order: `t`, `w(t)` and `ẇ(t)` (row-major, `d` each) and the piece.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// Times.
    pub t: Vec<f64>,
    /// States, `len × d`.
    pub w: Vec<f64>,
    /// Velocities, `len × d`.
    pub v: Vec<f64>,
    /// The piece of each sample.
    pub piece: Vec<usize>,
}

/// A screened run: its pieces, its samples and, for `t → ∞`, the limit.
#[derive(Clone, Debug)]
pub struct Run {
    /// The patterns in time order (the last is the limit pattern of an infinite run).
    pub pieces: Vec<Piece>,
    /// Samples (every grid time, each piece's start and end).
    pub samples: Samples,
    /// `w(∞)` for an infinite horizon.
    pub limit: Option<Vec<f64>>,
}

/// Most switches of one run (beyond: chattering or sliding, for the full screen to judge).
pub const MAX_SWITCHES: usize = 200;
/// Relative size below which an eigenvalue is zero and a guard is on its hyperplane.
const REL_ZERO: f64 = 1e-12;

pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

impl Neuron {
    pub(super) fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    pub(super) fn n(&self) -> usize {
        self.y.len()
    }

    /// `ẇ = g Σ_{i∈P} (y_i − x_iᵀw) x_i`.
    pub(super) fn field(&self, active: &[bool], w: &[f64]) -> Vec<f64> {
        let mut v = vec![0.0; self.d];
        for i in (0..self.n()).filter(|&i| active[i]) {
            let r = self.g * (self.y[i] - dot(self.row(i), w));
            v.iter_mut().zip(self.row(i)).for_each(|(vk, xk)| *vk += r * xk);
        }
        v
    }

    /// The tolerance under which `x_iᵀw` counts as 0.
    pub(super) fn tol(&self, i: usize, w: &[f64]) -> f64 {
        REL_ZERO * dot(self.row(i), self.row(i)).sqrt() * dot(w, w).sqrt()
    }
}
impl Piece {
    fn new(nr: &Neuron, t0: f64, active: Vec<bool>, w: &[f64]) -> Piece {
        let d = nr.d;
        let mut a = vec![0.0; d * d];
        let mut b = vec![0.0; d];
        for i in (0..nr.n()).filter(|&i| active[i]) {
            let xi = nr.row(i);
            for r in 0..d {
                b[r] += nr.g * nr.y[i] * xi[r];
                for c in 0..d {
                    a[r * d + c] += nr.g * xi[r] * xi[c];
                }
            }
        }
        let eig = sym_eig(&a, d);
        let top = eig.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let lam: Vec<f64> = eig.values.iter().map(|&v| if v > REL_ZERO * top { v } else { 0.0 }).collect();
        let col = |k: usize, v: &[f64]| (0..d).map(|r| eig.q[r * d + k] * v[r]).sum::<f64>();
        let u0: Vec<f64> = (0..d).map(|k| col(k, w)).collect();
        let ustar: Vec<f64> = (0..d).map(|k| if lam[k] > 0.0 { col(k, &b) / lam[k] } else { u0[k] }).collect();
        let xi: Vec<f64> =
            (0..nr.n()).flat_map(|i| (0..d).map(move |k| (i, k))).map(|(i, k)| col(k, nr.row(i))).collect();
        Piece { t0, t1: f64::INFINITY, active, eig, lam, u0, ustar, xi }
    }

    /// `u(τ)` and `u̇(τ)` in the eigenbasis, into `u` and `du` (`u̇_k = −λ_k (u0_k − u*_k) e^{−λ_k τ}`,
    /// without the cancellation of `β − λu` near the limit).
    fn coords(&self, tau: f64, u: &mut [f64], du: &mut [f64]) {
        for k in 0..self.lam.len() {
            let gap = self.u0[k] - self.ustar[k];
            if self.lam[k] > 0.0 {
                let e = if tau.is_infinite() { 0.0 } else { (-self.lam[k] * tau).exp() };
                u[k] = self.ustar[k] + gap * e;
                du[k] = -self.lam[k] * gap * e;
            } else {
                u[k] = self.u0[k];
                du[k] = 0.0;
            }
        }
    }

    /// `Qu` into `out`.
    fn to_w(&self, u: &[f64], out: &mut [f64]) {
        let d = u.len();
        for (r, o) in out.iter_mut().enumerate() {
            *o = (0..d).map(|k| self.eig.q[r * d + k] * u[k]).sum();
        }
    }

    /// Whether point `i`'s guard at coordinates `u` (`‖w‖ = wn`) disagrees with the pattern.
    fn disagrees(&self, cx: &Ctx<'_>, i: usize, u: &[f64], wn: f64) -> bool {
        let d = u.len();
        let z = dot(&self.xi[i * d..(i + 1) * d], u);
        let tol = REL_ZERO * cx.row_norm[i] * wn;
        if self.active[i] { z < -tol } else { z > tol }
    }

    /// Whether any guard disagrees at `u` (`‖w‖ = wn`).
    fn any_disagrees(&self, cx: &Ctx<'_>, u: &[f64], wn: f64) -> bool {
        (0..self.active.len()).any(|i| self.disagrees(cx, i, u, wn))
    }

    /// The grid of sample offsets on `[0, end]` (`end` finite): the fastest mode first, then
    /// geometric growth.
    fn grid(&self, end: f64) -> Vec<f64> {
        let top = self.lam.iter().fold(0.0f64, |m, v| m.max(*v));
        let h0 = if top > 0.0 { 0.25 / top } else { end };
        let mut out = vec![0.0];
        let mut tau = 0.0f64;
        while tau < end && out.len() < 2_000 {
            tau = (tau + h0.max(0.25 * tau)).min(end);
            out.push(tau);
        }
        out
    }
}

/// The fast run of `nr`, or why it could not be run.
pub fn run(nr: &Neuron) -> Result<Run, Start> {
    let cx = Ctx { nr, row_norm: (0..nr.n()).map(|i| dot(nr.row(i), nr.row(i)).sqrt()).collect() };
    let mut active = nr.start()?;
    let (mut t, mut w) = (0.0, nr.w0.clone());
    let mut out = Run { pieces: Vec::new(), samples: Samples::default(), limit: None };
    for _ in 0..=MAX_SWITCHES {
        let mut pc = Piece::new(nr, t, active.clone(), &w);
        let slowest = pc.lam.iter().copied().filter(|l| *l > 0.0).fold(f64::INFINITY, f64::min);
        let end = match nr.horizon {
            Some(h) => (h - t).max(0.0),
            None if slowest.is_finite() => 60.0 / slowest,
            None => 0.0, // nothing moves: the start is the limit
        };
        let switch = walk(&cx, &pc, end, out.pieces.len(), &mut out.samples);
        let Some((stop, flip, w_new)) = switch else {
            pc.t1 = if nr.horizon.is_some() { t + end } else { f64::INFINITY };
            if nr.horizon.is_none() {
                let (mut u, mut du, mut lim) = (vec![0.0; nr.d], vec![0.0; nr.d], vec![0.0; nr.d]);
                pc.coords(f64::INFINITY, &mut u, &mut du);
                pc.to_w(&u, &mut lim);
                out.limit = Some(lim);
            }
            out.pieces.push(pc);
            return Ok(out);
        };
        for i in flip {
            active[i] = !active[i];
        }
        pc.t1 = t + stop;
        t += stop;
        w = w_new;
        out.pieces.push(pc);
    }
    Err(Start::Escalate(format!("more than {MAX_SWITCHES} switches (chattering or sliding)")))
}

/// A switch found by [`walk`]: its offset in the piece, the points that flip, the state there.
type Switch = (f64, Vec<usize>, Vec<f64>);

/// Samples piece `pc` (index `k`) on `[0, end]` until a guard disagrees with its pattern; the
/// switch there, or `None` at `end`.
fn walk(cx: &Ctx<'_>, pc: &Piece, end: f64, k: usize, s: &mut Samples) -> Option<Switch> {
    let d = cx.nr.d;
    let (mut u, mut du, mut w, mut v) = (vec![0.0; d], vec![0.0; d], vec![0.0; d], vec![0.0; d]);
    let at = |tau: f64, u: &mut [f64], du: &mut [f64], w: &mut [f64], v: &mut [f64]| {
        pc.coords(tau, u, du);
        pc.to_w(u, w);
        pc.to_w(du, v);
        dot(w, w).sqrt()
    };
    let push = |s: &mut Samples, tau: f64, w: &[f64], v: &[f64]| {
        s.t.push(pc.t0 + tau);
        s.w.extend_from_slice(w);
        s.v.extend_from_slice(v);
        s.piece.push(k);
    };
    at(0.0, &mut u, &mut du, &mut w, &mut v);
    push(s, 0.0, &w, &v);
    for win in pc.grid(end).windows(2) {
        let wn = at(win[1], &mut u, &mut du, &mut w, &mut v);
        if !pc.any_disagrees(cx, &u, wn) {
            push(s, win[1], &w, &v);
            continue;
        }
        let (mut lo, mut hi) = (win[0], win[1]);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi || hi - lo <= 1e-14 * hi {
                break;
            }
            let wn = at(mid, &mut u, &mut du, &mut w, &mut v);
            if pc.any_disagrees(cx, &u, wn) { hi = mid } else { lo = mid }
        }
        let wn = at(hi, &mut u, &mut du, &mut w, &mut v);
        push(s, hi, &w, &v);
        let flip = (0..pc.active.len()).filter(|&i| pc.disagrees(cx, i, &u, wn)).collect();
        return Some((hi, flip, w));
    }
    None
}
