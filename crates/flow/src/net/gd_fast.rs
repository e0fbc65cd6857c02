//! The fast f64 gradient-descent loop for the two-layer network (non-validated).
//!
//! Row-major contiguous buffers (`W` m×d, `X` n×d and `Xᵀ` d×n, `Z = W Xᵀ` m×n) padded with zeros
//! to multiples of 8 lanes, no allocation per iteration, register-blocked kernels (blocks of
//! 4 neurons × 8 lanes of fixed-size arrays, which LLVM keeps in vector registers):
//!
//! * forward: `Z = W Xᵀ` (inner loop over points, no horizontal sums), residuals
//!   `r = Σ_j a_j σ(z_j) − y`, loss `(G/2) Σ r_i²`;
//! * backward: masked residuals `C_ji = r_i [i ∈ A_j]`, `p_j = Σ_i C_ji z_ji`, `Q = C X`, then
//!   `w_j −= ηG a_j q_j`, `a_j −= ηG p_j` (both from the old values).
//!
//! **Dead neurons are skipped** (`proofs-notes/net-gd-fast.md`). A neuron with no active point has zero gradient, so its weights
//! (and its row of `Z`) never change again and it contributes `a_j σ(z_ji) = 0` to every residual:
//! it is dropped from the list of live neurons for good (exact, not an approximation). Neuron death
//! is the common case in the paper's setting (Lemma 4), so this typically halves the work
//! (proofs note `net-gd-fast`).
//!
//! **Gram mode** ([`FastGd::new_gram`]): since every update of `w_j` is a combination of the
//! points, `W = W₀ + B X` with `B` (m×n) updated by `ΔB_j = −ηG a_j C_j` (O(m·n)), and
//! `Z = W Xᵀ` is updated as `Z += ΔB K` with the Gram matrix `K = X Xᵀ` (O(m·n²)): one `m·n·n`
//! product per iteration instead of two `m·n·d` products (half the work when n = d). The iterates
//! are the same in exact arithmetic; in f64, `Z` accumulates the updates instead of being
//! recomputed from `W`, so results differ from the direct mode by rounding (tested against it),
//! and `W` is formed only on request ([`FastGd::state`]).
//!
//! **Lane mode** ([`FastGd::new_lanes`], `gd_lanes.rs`): the neurons along the vector lanes, for
//! few points and coordinates, where padding `n` and `d` to 8 lanes would waste most of the work.
//!
//! The same iteration as [`gd_step`](super::gd::gd_step) with f64 rounding in a different order
//! (results agree to rounding, not bit for bit). Cost `2·m_live·n·d` multiply–adds per iteration.

use super::field::NetData;
use super::gd::{GdOptions, GdStop};
use super::gd_kernels::{L, NB, bwd_block, fwd_block, mask_row, pad};
use super::gd_lanes::Lanes;
use crate::trajectory::State;

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
    gram: Option<Gram>,
    /// Lane mode's own state (when set, the buffers above are not used).
    lanes: Option<Box<Lanes>>,
    /// Whether `Z` matches the current weights (Gram mode: computed once directly, then updated).
    z_ready: bool,
    snapshot: Vec<f64>,
}

/// Buffers of the Gram mode.
#[derive(Clone, Debug)]
struct Gram {
    /// `K = X Xᵀ`, `np × np`.
    k: Vec<f64>,
    /// `B`, `m × np`, with `W = W₀ + B X` (`W₀` stays in `FastGd::w`).
    b: Vec<f64>,
    /// The last update `ΔB`, `m × np`.
    db: Vec<f64>,
    /// Whether `Z` still has to absorb `ΔB K`.
    pending: bool,
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
            gram: None,
            lanes: None,
            z_ready: false,
            snapshot: Vec::new(),
        }
    }

    /// Like [`FastGd::new`], in Gram mode (see the module docs).
    pub fn new_gram(data: &NetData<f64>, s: &State<f64>) -> Self {
        let mut g = FastGd::new(data, s);
        let (np, dp) = (g.np, g.dp);
        let mut k = vec![0.0; np * np];
        for i in 0..np {
            for l in 0..np {
                k[i * np + l] = (0..dp).fold(0.0, |acc, c| g.x[i * dp + c].mul_add(g.x[l * dp + c], acc));
            }
        }
        g.gram = Some(Gram { k, b: vec![0.0; g.m * np], db: vec![0.0; g.m * np], pending: false });
        g
    }

    /// Like [`FastGd::new`], in lane mode (see the module docs).
    pub fn new_lanes(data: &NetData<f64>, s: &State<f64>) -> Self {
        let mut g = FastGd::new(data, s);
        let a = s.a.as_ref().expect("a two-layer state has output weights");
        g.lanes = Some(Box::new(Lanes::new(&s.w, a, &data.x, &data.y, data.grad_factor, g.zero_active)));
        g
    }

    /// The faster mode for the shape of the data: lane mode when padding `n` and `d` to 8 lanes
    /// would at least double the work of the point-major kernels; else Gram mode when `n ≤ d` (one
    /// `m·n·n` product per iteration instead of two `m·n·d` ones); else the direct mode.
    pub fn auto(data: &NetData<f64>, s: &State<f64>) -> Self {
        let (n, d) = (data.n(), data.d());
        if pad(n, L) * pad(d, L) >= 2 * n * d {
            FastGd::new_lanes(data, s)
        } else if n <= d {
            FastGd::new_gram(data, s)
        } else {
            FastGd::new(data, s)
        }
    }

    /// The layout in use: `"lanes"`, `"gram"` or `"direct"`.
    pub fn layout(&self) -> &'static str {
        match (&self.lanes, &self.gram) {
            (Some(_), _) => "lanes",
            (None, Some(_)) => "gram",
            (None, None) => "direct",
        }
    }

    /// The current parameters (in Gram mode `W = W₀ + B X` is formed here, O(m·n·d)).
    pub fn state(&self) -> State<f64> {
        if let Some(l) = &self.lanes {
            let (w, a) = l.params(self.m);
            return State { w, a: Some(a) };
        }
        let (d, dp, np) = (self.d, self.dp, self.np);
        let w = (0..self.m)
            .map(|j| {
                let mut row = self.w[j * dp..j * dp + d].to_vec();
                if let Some(g) = &self.gram {
                    for i in 0..np {
                        let bji = g.b[j * np + i];
                        for (wc, xc) in row.iter_mut().zip(&self.x[i * dp..i * dp + d]) {
                            *wc = bji.mul_add(*xc, *wc);
                        }
                    }
                }
                row
            })
            .collect();
        State { w, a: Some(self.a.clone()) }
    }

    /// Whether dead neurons are dropped from the work list (default `true`; `false` keeps every
    /// neuron, which gives the same iterates at the dense cost — for benchmarks).
    pub fn set_skip_dead(&mut self, skip: bool) {
        if let Some(l) = &mut self.lanes {
            l.set_skip_dead(skip);
        }
        self.skip_dead = skip;
        if !skip {
            self.live = (0..self.m).collect();
        }
    }

    /// Number of neurons still live (dead neurons are skipped for good).
    pub fn live_neurons(&self) -> usize {
        self.lanes.as_ref().map_or(self.live.len(), |l| l.live_neurons())
    }

    /// Forward pass: `Z = W Xᵀ` for the live neurons, the residuals, and the loss
    /// `L = (G/2) Σ r_i²` of the current iterate.
    pub fn forward(&mut self) -> f64 {
        if let Some(l) = &mut self.lanes {
            return l.forward();
        }
        let (np, dp) = (self.np, self.dp);
        let mut blocks = self.live.chunks_exact(NB);
        match &mut self.gram {
            Some(g) if g.pending => {
                for b in &mut blocks {
                    fwd_block::<NB, true>(b, &g.db, &g.k, &mut self.z, np, np);
                }
                for j in blocks.remainder() {
                    fwd_block::<1, true>(std::slice::from_ref(j), &g.db, &g.k, &mut self.z, np, np);
                }
                g.pending = false;
            }
            Some(_) if self.z_ready => {}
            _ => {
                for b in &mut blocks {
                    fwd_block::<NB, false>(b, &self.w, &self.xt, &mut self.z, np, dp);
                }
                for j in blocks.remainder() {
                    fwd_block::<1, false>(std::slice::from_ref(j), &self.w, &self.xt, &mut self.z, np, dp);
                }
                self.z_ready = true;
            }
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
        if let Some(l) = &mut self.lanes {
            return l.backward(eta);
        }
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
        if let Some(g) = &mut self.gram {
            for &j in &self.live {
                let ca = -coef * self.a[j];
                let o = j * np;
                for ((db, b), c) in g.db[o..o + np].iter_mut().zip(&mut g.b[o..o + np]).zip(&self.c[o..o + np]) {
                    *db = ca * c;
                    *b += *db;
                }
            }
            g.pending = true;
        } else {
            let mut blocks = self.live.chunks_exact(NB);
            for b in &mut blocks {
                bwd_block::<NB>(b, coef, &self.a, &self.c, &self.x, &mut self.w, np, dp);
            }
            for j in blocks.remainder() {
                bwd_block::<1>(std::slice::from_ref(j), coef, &self.a, &self.c, &self.x, &mut self.w, np, dp);
            }
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
    /// comes for free from the forward pass); `stop_if_unchanged` compares `W` (Gram mode: `B`) and `a` bit for bit
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
                    let (wv, av) = self.params();
                    let wa = wv.len();
                    if self.snapshot[..wa] == *wv && self.snapshot[wa..] == *av {
                        return FastGdRun { iters: k, losses, stop: GdStop::Unchanged };
                    }
                    self.take_snapshot();
                }
            }
            self.backward(eta);
            k += 1;
        }
    }

    /// The buffers that determine the iterate: `W` (Gram mode: `B`; lane mode: `Wᵀ`) and `a`.
    fn params(&self) -> (&[f64], &[f64]) {
        match (&self.lanes, &self.gram) {
            (Some(l), _) => l.buffers(),
            (None, Some(g)) => (&g.b, &self.a),
            (None, None) => (&self.w, &self.a),
        }
    }

    fn take_snapshot(&mut self) {
        let mut snap = std::mem::take(&mut self.snapshot);
        let (wv, av) = self.params();
        snap.clear();
        snap.extend_from_slice(wv);
        snap.extend_from_slice(av);
        self.snapshot = snap;
    }
}
