//! The fast f64 gradient-descent loop for the two-layer network (non-validated).
//!
//! Row-major contiguous buffers (`W` m×d, `X` n×d and `Xᵀ` d×n, `Z = W Xᵀ` m×n) padded with zeros
//! to multiples of [`L`] lanes, no allocation per iteration, register-blocked kernels (blocks of
//! [`NB`] neurons × `L` lanes of fixed-size arrays, which LLVM keeps in vector registers):
//!
//! * forward: `Z = W Xᵀ` (inner loop over points, no horizontal sums), residuals
//!   `r = Σ_j a_j σ(z_j) − y`, loss `(G/2) Σ r_i²`;
//! * backward: masked residuals `C_ji = r_i [i ∈ A_j]`, `p_j = Σ_i C_ji z_ji`, `Q = C X`, then
//!   `w_j −= ηG a_j q_j`, `a_j −= ηG p_j` (both from the old values).
//!
//! **Dead neurons are skipped.** A neuron with no active point has zero gradient, so its weights
//! (and its row of `Z`) never change again and it contributes `a_j σ(z_ji) = 0` to every residual:
//! it is dropped from the list of live neurons for good (exact, not an approximation). Neuron death
//! is the common case in the paper's setting (Lemma 4), so this typically halves the work
//! (proofs note `net-gd-fast`).
//!
//! The same iteration as [`gd_step`](super::gd::gd_step) with f64 rounding in a different order
//! (results agree to rounding, not bit for bit). Cost `2·m_live·n·d` multiply–adds per iteration.

use super::field::NetData;
use super::gd::{GdOptions, GdStop};
use crate::trajectory::State;

/// Lanes of the vector kernels (one AVX-512 register of f64; two AVX2 registers).
pub const L: usize = 8;
/// Neurons processed together (register blocking).
pub const NB: usize = 4;

fn pad(v: usize, to: usize) -> usize {
    v.div_ceil(to) * to
}

fn lanes(v: &[f64], o: usize) -> &[f64; L] {
    v[o..o + L].try_into().expect("lane slice")
}

/// Lane chunks processed together (two registers per neuron: `2·L` points or coordinates).
const C: usize = 2;

/// `Z[idx[t]] = W[idx[t]] Xᵀ` for a block of `K` neurons, `CH` lane chunks of points at a time.
fn fwd_block<const K: usize>(idx: &[usize], w: &[f64], xt: &[f64], z: &mut [f64], np: usize, dp: usize) {
    let mut ib = 0;
    while ib + C * L <= np {
        fwd_tile::<K, C>(idx, w, xt, z, np, dp, ib);
        ib += C * L;
    }
    while ib < np {
        fwd_tile::<K, 1>(idx, w, xt, z, np, dp, ib);
        ib += L;
    }
}

fn fwd_tile<const K: usize, const CH: usize>(
    idx: &[usize],
    w: &[f64],
    xt: &[f64],
    z: &mut [f64],
    np: usize,
    dp: usize,
    ib: usize,
) {
    let wrows: [&[f64]; K] = std::array::from_fn(|t| &w[idx[t] * dp..idx[t] * dp + dp]);
    let mut acc = [[[0.0f64; L]; CH]; K];
    for (k, xrow) in xt.chunks_exact(np).take(dp).enumerate() {
        let xs = &xrow[ib..ib + CH * L];
        for t in 0..K {
            let wv = wrows[t][k];
            for ch in 0..CH {
                for l in 0..L {
                    acc[t][ch][l] = wv.mul_add(xs[ch * L + l], acc[t][ch][l]);
                }
            }
        }
    }
    for t in 0..K {
        for ch in 0..CH {
            let o = idx[t] * np + ib + ch * L;
            z[o..o + L].copy_from_slice(&acc[t][ch]);
        }
    }
}

/// `w[idx[t]] += coef_t · C[idx[t]] X` for a block of `K` neurons, `coef_t = −ηG a_{idx[t]}`.
fn bwd_block<const K: usize>(
    idx: &[usize],
    coef: f64,
    a: &[f64],
    c: &[f64],
    x: &[f64],
    w: &mut [f64],
    np: usize,
    dp: usize,
) {
    let mut kb = 0;
    while kb + C * L <= dp {
        bwd_tile::<K, C>(idx, coef, a, c, x, w, np, dp, kb);
        kb += C * L;
    }
    while kb < dp {
        bwd_tile::<K, 1>(idx, coef, a, c, x, w, np, dp, kb);
        kb += L;
    }
}

fn bwd_tile<const K: usize, const CH: usize>(
    idx: &[usize],
    coef: f64,
    a: &[f64],
    c: &[f64],
    x: &[f64],
    w: &mut [f64],
    np: usize,
    dp: usize,
    kb: usize,
) {
    let crows: [&[f64]; K] = std::array::from_fn(|t| &c[idx[t] * np..idx[t] * np + np]);
    let mut acc = [[[0.0f64; L]; CH]; K];
    for (i, xrow) in x.chunks_exact(dp).take(np).enumerate() {
        let xs = &xrow[kb..kb + CH * L];
        for t in 0..K {
            let cv = crows[t][i];
            for ch in 0..CH {
                for l in 0..L {
                    acc[t][ch][l] = cv.mul_add(xs[ch * L + l], acc[t][ch][l]);
                }
            }
        }
    }
    for t in 0..K {
        let ca = -coef * a[idx[t]];
        for ch in 0..CH {
            let o = idx[t] * dp + kb + ch * L;
            let wr = &mut w[o..o + L];
            for l in 0..L {
                wr[l] = ca.mul_add(acc[t][ch][l], wr[l]);
            }
        }
    }
}

/// Masked residuals of one neuron: `c_i = r_i [i active]`; returns `(Σ_i c_i z_i, number of active
/// real points)`. `ZA`: whether `z = 0` counts as active; `valid` is 1 for real points, 0 for padding.
fn mask_row<const ZA: bool>(z: &[f64], r: &[f64], valid: &[f64], c: &mut [f64]) -> (f64, f64) {
    let mut pacc = [0.0f64; L];
    let mut cnt = [0.0f64; L];
    for ib in (0..z.len()).step_by(L) {
        let (zv, rv, vv) = (lanes(z, ib), lanes(r, ib), lanes(valid, ib));
        let cv: &mut [f64; L] = (&mut c[ib..ib + L]).try_into().expect("lane slice");
        for l in 0..L {
            let on = if ZA { zv[l] >= 0.0 } else { zv[l] > 0.0 };
            cv[l] = if on { rv[l] } else { 0.0 };
            cnt[l] += if on { vv[l] } else { 0.0 };
            pacc[l] = cv[l].mul_add(zv[l], pacc[l]);
        }
    }
    (pacc.iter().sum(), cnt.iter().sum())
}

/// Gradient-descent state in flat f64 buffers (see the module docs).
#[derive(Clone, Debug)]
pub struct FastGd {
    m: usize,
    n: usize,
    d: usize,
    np: usize,
    dp: usize,
    /// `X`, `np × dp`.
    x: Vec<f64>,
    /// `Xᵀ`, `dp × np`.
    xt: Vec<f64>,
    y: Vec<f64>,
    /// `W`, `m × dp`.
    w: Vec<f64>,
    a: Vec<f64>,
    grad_factor: f64,
    zero_active: bool,
    /// `Z = W Xᵀ`, `m × np` (rows of dead neurons stay valid: they never change).
    z: Vec<f64>,
    /// Masked residuals, `m × np`.
    c: Vec<f64>,
    r: Vec<f64>,
    /// 1 for real points, 0 for padding.
    valid: Vec<f64>,
    p: Vec<f64>,
    /// Live neurons (some point active at the last forward pass), increasing.
    live: Vec<usize>,
    skip_dead: bool,
    snapshot: Vec<f64>,
}

/// The result of [`FastGd::run`].
#[derive(Clone, Debug, PartialEq)]
pub struct FastGdRun {
    /// Steps done.
    pub iters: u64,
    /// `(iteration, loss)` at the recording points (the loss of the iterate after that many steps).
    pub losses: Vec<(u64, f64)>,
    /// Why it stopped ([`GdStop::Undecided`] never happens in f64).
    pub stop: GdStop,
}

impl FastGd {
    /// Copies the data and the state into flat buffers. Panics if `s.a` is `None` or the
    /// dimensions disagree.
    pub fn new(data: &NetData<f64>, s: &State<f64>) -> Self {
        let (m, n, d) = (s.w.len(), data.n(), data.d());
        let (np, dp) = (pad(n, L), pad(d, L));
        let mut x = vec![0.0; np * dp];
        let mut xt = vec![0.0; dp * np];
        for i in 0..n {
            assert_eq!(data.x[i].len(), d, "ragged data");
            for k in 0..d {
                x[i * dp + k] = data.x[i][k];
                xt[k * np + i] = data.x[i][k];
            }
        }
        let mut w = vec![0.0; m * dp];
        for (j, row) in s.w.iter().enumerate() {
            assert_eq!(row.len(), d, "weights do not match the data dimension");
            w[j * dp..j * dp + d].copy_from_slice(row);
        }
        let a = s.a.clone().expect("a two-layer state has output weights");
        assert_eq!(a.len(), m, "one output weight per neuron");
        let mut y = data.y.clone();
        y.resize(np, 0.0);
        FastGd {
            m,
            n,
            d,
            np,
            dp,
            x,
            xt,
            y,
            w,
            a,
            grad_factor: data.grad_factor,
            zero_active: data.relu_prime.zero_is_active(),
            z: vec![0.0; m * np],
            c: vec![0.0; m * np],
            r: vec![0.0; np],
            valid: (0..np).map(|i| if i < n { 1.0 } else { 0.0 }).collect(),
            p: vec![0.0; m],
            live: (0..m).collect(),
            skip_dead: true,
            snapshot: vec![0.0; m * dp + m],
        }
    }

    /// The current parameters.
    pub fn state(&self) -> State<f64> {
        State {
            w: (0..self.m).map(|j| self.w[j * self.dp..j * self.dp + self.d].to_vec()).collect(),
            a: Some(self.a.clone()),
        }
    }

    /// Whether dead neurons are dropped from the work list (default `true`; `false` keeps every
    /// neuron, which gives the same iterates at the dense cost — for benchmarks).
    pub fn set_skip_dead(&mut self, skip: bool) {
        self.skip_dead = skip;
        if !skip {
            self.live = (0..self.m).collect();
        }
    }

    /// Number of neurons still live (dead neurons are skipped for good).
    pub fn live_neurons(&self) -> usize {
        self.live.len()
    }

    /// Forward pass: `Z = W Xᵀ` for the live neurons, the residuals, and the loss
    /// `L = (G/2) Σ r_i²` of the current iterate.
    pub fn forward(&mut self) -> f64 {
        let (np, dp) = (self.np, self.dp);
        let mut blocks = self.live.chunks_exact(NB);
        for b in &mut blocks {
            fwd_block::<NB>(b, &self.w, &self.xt, &mut self.z, np, dp);
        }
        for j in blocks.remainder() {
            fwd_block::<1>(std::slice::from_ref(j), &self.w, &self.xt, &mut self.z, np, dp);
        }
        for (r, y) in self.r.iter_mut().zip(&self.y) {
            *r = -*y;
        }
        for &j in &self.live {
            let aj = self.a[j];
            for (r, zz) in self.r.iter_mut().zip(&self.z[j * np..(j + 1) * np]) {
                *r = aj.mul_add(zz.max(0.0), *r);
            }
        }
        0.5 * self.grad_factor * self.r[..self.n].iter().map(|r| r * r).sum::<f64>()
    }

    /// Backward pass and update with step `eta`, using `Z` and `r` of the last
    /// [`forward`](Self::forward); neurons found without an active point leave the live list.
    pub fn backward(&mut self, eta: f64) {
        let (n, np, dp) = (self.n, self.np, self.dp);
        let coef = eta * self.grad_factor;
        let zero_active = self.zero_active;
        let mut dead = false;
        for &j in &self.live {
            let o = j * np;
            let (p, count) = if zero_active {
                mask_row::<true>(&self.z[o..o + np], &self.r, &self.valid, &mut self.c[o..o + np])
            } else {
                mask_row::<false>(&self.z[o..o + np], &self.r, &self.valid, &mut self.c[o..o + np])
            };
            self.p[j] = p;
            dead |= count == 0.0;
        }
        let mut blocks = self.live.chunks_exact(NB);
        for b in &mut blocks {
            bwd_block::<NB>(b, coef, &self.a, &self.c, &self.x, &mut self.w, np, dp);
        }
        for j in blocks.remainder() {
            bwd_block::<1>(std::slice::from_ref(j), coef, &self.a, &self.c, &self.x, &mut self.w, np, dp);
        }
        for &j in &self.live {
            self.a[j] = (-coef).mul_add(self.p[j], self.a[j]);
        }
        if dead && self.skip_dead {
            let z = &self.z;
            let on = |v: f64| if zero_active { v >= 0.0 } else { v > 0.0 };
            self.live.retain(|&j| z[j * np..j * np + n].iter().any(|v| on(*v)));
        }
    }

    /// One step; returns the loss of the iterate before the step.
    pub fn step(&mut self, eta: f64) -> f64 {
        let l = self.forward();
        self.backward(eta);
        l
    }

    /// Runs at most `opts.max_iters` steps. The threshold is checked at every iteration (the loss
    /// comes for free from the forward pass); `stop_if_unchanged` compares `W` and `a` bit for bit
    /// at consecutive recording points.
    pub fn run(&mut self, eta: f64, opts: &GdOptions) -> FastGdRun {
        let every = opts.record_every.max(1);
        let mut losses = Vec::new();
        let thr = opts.loss_threshold.unwrap_or(f64::NEG_INFINITY);
        self.take_snapshot();
        let mut k = 0u64;
        loop {
            let l = self.forward();
            let at_record = k.is_multiple_of(every);
            if l < thr {
                losses.push((k, l));
                return FastGdRun { iters: k, losses, stop: GdStop::Threshold };
            }
            if k == opts.max_iters {
                losses.push((k, l));
                return FastGdRun { iters: k, losses, stop: GdStop::MaxIters };
            }
            if at_record {
                losses.push((k, l));
                if opts.stop_if_unchanged && k > 0 {
                    let wa = self.m * self.dp;
                    if self.snapshot[..wa] == self.w[..] && self.snapshot[wa..] == self.a[..] {
                        return FastGdRun { iters: k, losses, stop: GdStop::Unchanged };
                    }
                    self.take_snapshot();
                }
            }
            self.backward(eta);
            k += 1;
        }
    }

    fn take_snapshot(&mut self) {
        let wa = self.m * self.dp;
        self.snapshot[..wa].copy_from_slice(&self.w);
        self.snapshot[wa..].copy_from_slice(&self.a);
    }
}
