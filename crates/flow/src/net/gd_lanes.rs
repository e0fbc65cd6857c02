//! The neuron-major layout of the fast gradient-descent loop ([`super::gd_fast`]), for few points
//! and few coordinates.
//!
//! The point-major kernels pad `n` and `d` to multiples of 8 lanes: at `n = d = 4` three quarters
//! of every vector is zero padding, and the per-neuron loops cost more than their arithmetic. Here
//! the **neurons lie along the vector lanes** instead: `Wᵀ` is `d × m` (padded to a block of `L` = 16
//! neurons, two 8-lane vectors), so every operation is on full vectors and nothing of size `n` or
//! `d` is padded:
//!
//! * forward, per block of `L` neurons and per point `i`: `z_i = Σ_k x_ik Wᵀ_k` (`d` vector FMAs),
//!   `r_i += a ⊙ σ(z_i)` accumulated in lanes (one horizontal sum per point, at the end);
//! * backward, per block: `c_i = r_i [z_i active]`, `q_k = Σ_i c_i x_ik`, `p = Σ_i r_i σ(z_i)`, then
//!   `Wᵀ_k −= ηG a ⊙ q_k`, `a −= ηG p` (from the old values, as the point-major loop).
//!
//! Dead neurons (no active point: zero gradient for good, `proofs-notes/net-gd-fast.md`) are moved
//! behind the live ones, so blocks of dead neurons are skipped; a dead neuron that shares a block
//! with live ones is computed but changes nothing (`σ(z) = 0` and `c = 0` on its lanes), and so are
//! padding lanes (`w = 0`, `a = 0`).

use super::gd_kernels::pad;

/// Neurons per lane block: two 8-lane vectors, so that independent chains hide the FMA latency.
const L: usize = 16;

/// Rows of `Wᵀ` updated together (their sums stay in registers).
const KB: usize = 4;

/// The state and buffers of the neuron-major loop.
#[derive(Clone, Debug)]
pub(super) struct Lanes {
    n: usize,
    d: usize,
    /// Lanes (neurons padded to a multiple of `L`).
    mp: usize,
    /// `Wᵀ`, `d × mp`: lane `t` of row `k` is coordinate `k` of neuron `perm[t]`.
    wt: Vec<f64>,
    /// Output weights by lane.
    a: Vec<f64>,
    /// `X`, `n × d`, unpadded.
    x: Vec<f64>,
    y: Vec<f64>,
    /// `Z`, `n × mp`.
    z: Vec<f64>,
    r: Vec<f64>,
    /// Per-point lane accumulators of the residuals, `n × L` (flat: zeroed by one `fill`, which
    /// LLVM would otherwise vectorise across the vectors into scatters).
    racc: Vec<f64>,
    /// The masked residuals `c_i` of one lane block, `n × L`.
    cbuf: Vec<f64>,
    /// Lane → neuron (`usize::MAX` for padding).
    perm: Vec<usize>,
    /// Lanes `0..live` hold the live neurons.
    live: usize,
    grad_factor: f64,
    zero_active: bool,
    skip_dead: bool,
}

impl Lanes {
    /// From row-major `w` (`m` rows of `d`), `a`, `x` (`n` rows of `d`) and `y`.
    pub(super) fn new(
        w: &[Vec<f64>],
        a: &[f64],
        x: &[Vec<f64>],
        y: &[f64],
        grad_factor: f64,
        zero_active: bool,
    ) -> Self {
        let (m, n, d) = (w.len(), x.len(), x.first().map_or(0, Vec::len));
        let mp = pad(m.max(1), L);
        let mut wt = vec![0.0; d * mp];
        for (j, row) in w.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                wt[k * mp + j] = *v;
            }
        }
        let mut al = vec![0.0; mp];
        al[..m].copy_from_slice(a);
        Lanes {
            n,
            d,
            mp,
            wt,
            a: al,
            x: x.concat(),
            y: y.to_vec(),
            z: vec![0.0; n * mp],
            r: vec![0.0; n],
            racc: vec![0.0; n * L],
            cbuf: vec![0.0; n * L],
            perm: (0..mp).map(|t| if t < m { t } else { usize::MAX }).collect(),
            live: m,
            grad_factor,
            zero_active,
            skip_dead: true,
        }
    }

    fn blocks(&self) -> usize {
        pad(self.live, L) / L
    }

    /// `Z`, the residuals and the loss `(G/2) Σ r_i²` of the current iterate.
    pub(super) fn forward(&mut self) -> f64 {
        let (d, mp) = (self.d, self.mp);
        self.racc.fill(0.0);
        for b in 0..self.blocks() {
            let o = b * L;
            let av: [f64; L] = self.a[o..o + L].try_into().expect("lane block");
            for (i, xi) in self.x.chunks_exact(d).enumerate() {
                let mut zi = [0.0f64; L];
                for (k, &xv) in xi.iter().enumerate() {
                    let wk: &[f64; L] = self.wt[k * mp + o..k * mp + o + L].try_into().expect("lane block");
                    for l in 0..L {
                        zi[l] = xv.mul_add(wk[l], zi[l]);
                    }
                }
                let ra: &mut [f64; L] = (&mut self.racc[i * L..i * L + L]).try_into().expect("lane block");
                for l in 0..L {
                    ra[l] = av[l].mul_add(zi[l].max(0.0), ra[l]);
                }
                self.z[i * mp + o..i * mp + o + L].copy_from_slice(&zi);
            }
        }
        for ((r, ra), y) in self.r.iter_mut().zip(self.racc.chunks_exact(L)).zip(&self.y) {
            *r = ra.iter().sum::<f64>() - y;
        }
        0.5 * self.grad_factor * self.r.iter().map(|r| r * r).sum::<f64>()
    }

    /// The update with step `eta` from the last [`forward`](Self::forward); dead neurons move
    /// behind the live ones.
    pub(super) fn backward(&mut self, eta: f64) {
        let coef = eta * self.grad_factor;
        let mut any_dead = false;
        for b in 0..self.blocks() {
            let count = if self.zero_active {
                self.backward_block::<true>(b, coef)
            } else {
                self.backward_block::<false>(b, coef)
            };
            any_dead |= (0..L).any(|l| b * L + l < self.live && count[l] == 0.0);
        }
        if any_dead && self.skip_dead {
            self.compact();
        }
    }

    /// The update of lane block `b`; returns each lane's number of active points. `ZA`: whether
    /// `z = 0` counts as active.
    fn backward_block<const ZA: bool>(&mut self, b: usize, coef: f64) -> [f64; L] {
        let (d, mp, o) = (self.d, self.mp, b * L);
        let (mut p, mut count) = ([0.0f64; L], [0.0f64; L]);
        for (i, (cb, &ri)) in self.cbuf.chunks_exact_mut(L).zip(&self.r).enumerate() {
            let zi: [f64; L] = self.z[i * mp + o..i * mp + o + L].try_into().expect("lane block");
            for l in 0..L {
                let on = if ZA { zi[l] >= 0.0 } else { zi[l] > 0.0 };
                cb[l] = if on { ri } else { 0.0 };
                count[l] += if on { 1.0 } else { 0.0 };
                p[l] = ri.mul_add(zi[l].max(0.0), p[l]);
            }
        }
        let av: [f64; L] = self.a[o..o + L].try_into().expect("lane block");
        let mut k = 0;
        while k + KB <= d {
            self.update_rows::<KB>(k, o, coef, &av);
            k += KB;
        }
        while k < d {
            self.update_rows::<1>(k, o, coef, &av);
            k += 1;
        }
        for l in 0..L {
            self.a[o + l] = (-coef).mul_add(p[l], av[l]);
        }
        count
    }

    /// Rows `k..k + K` of `Wᵀ` in lane block `o`: `Wᵀ_k −= ηG a ⊙ Σ_i c_i x_ik`, the sums in
    /// registers (`K` rows of `L` lanes) over the points.
    fn update_rows<const K: usize>(&mut self, k: usize, o: usize, coef: f64, av: &[f64; L]) {
        let (d, mp) = (self.d, self.mp);
        let mut acc = [[0.0f64; L]; K];
        for (xi, cb) in self.x.chunks_exact(d).zip(self.cbuf.chunks_exact(L)) {
            let cv: &[f64; L] = cb.try_into().expect("lane block");
            for t in 0..K {
                let xv = xi[k + t];
                for l in 0..L {
                    acc[t][l] = cv[l].mul_add(xv, acc[t][l]);
                }
            }
        }
        for (t, q) in acc.iter().enumerate() {
            let row = (k + t) * mp + o;
            let wk: &mut [f64; L] = (&mut self.wt[row..row + L]).try_into().expect("lane block");
            for l in 0..L {
                wk[l] = (-coef * av[l]).mul_add(q[l], wk[l]);
            }
        }
    }

    /// Moves the neurons without an active point (at the last forward pass) behind the live ones.
    fn compact(&mut self) {
        let (n, mp) = (self.n, self.mp);
        let on = |v: f64| if self.zero_active { v >= 0.0 } else { v > 0.0 };
        let alive: Vec<bool> = (0..self.live).map(|t| (0..n).any(|i| on(self.z[i * mp + t]))).collect();
        let mut front = 0;
        for t in 0..self.live {
            if alive[t] {
                self.swap_lanes(front, t);
                front += 1;
            }
        }
        self.live = front;
    }

    fn swap_lanes(&mut self, s: usize, t: usize) {
        if s == t {
            return;
        }
        for k in 0..self.d {
            self.wt.swap(k * self.mp + s, k * self.mp + t);
        }
        self.a.swap(s, t);
        self.perm.swap(s, t);
    }

    /// Whether dead neurons leave the work list (see `FastGd::set_skip_dead`).
    pub(super) fn set_skip_dead(&mut self, skip: bool) {
        self.skip_dead = skip;
        if !skip {
            self.live = self.perm.iter().filter(|j| **j != usize::MAX).count();
            // Live lanes first again: put the real neurons in their original order.
            let mut order: Vec<usize> = (0..self.mp).collect();
            order.sort_by_key(|t| self.perm[*t]);
            let (wt, a, perm) = (self.wt.clone(), self.a.clone(), self.perm.clone());
            for (dst, src) in order.into_iter().enumerate() {
                for k in 0..self.d {
                    self.wt[k * self.mp + dst] = wt[k * self.mp + src];
                }
                self.a[dst] = a[src];
                self.perm[dst] = perm[src];
            }
        }
    }

    /// Number of live neurons.
    pub(super) fn live_neurons(&self) -> usize {
        self.live
    }

    /// `(w, a)` in neuron order.
    pub(super) fn params(&self, m: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut w = vec![vec![0.0; self.d]; m];
        let mut a = vec![0.0; m];
        for (t, &j) in self.perm.iter().enumerate().filter(|(_, j)| **j != usize::MAX) {
            for k in 0..self.d {
                w[j][k] = self.wt[k * self.mp + t];
            }
            a[j] = self.a[t];
        }
        (w, a)
    }

    /// The buffers that hold the parameters (for the unchanged-iterate test).
    pub(super) fn buffers(&self) -> (&[f64], &[f64]) {
        (&self.wt, &self.a)
    }
}
