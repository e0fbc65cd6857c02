//! The Jacobians `∂x_k/∂x₀` of the Taylor coefficients as midpoint–radius matrix products that
//! follow the structure of the two-layer field.
//!
//! Neuron `j` couples to the others only through the `n` residuals, so every derivative of the
//! recursion is a small dense product: with `D·` the row of derivatives (length `|L|`) and `X_j`
//! the `n_j × d` rows of its active points,
//!
//! * `Dz_j[k] = X_j · Dw_j[k]` (`n_j × |L|`),
//! * `Dr[k]` (row `i`) `= Σ_j Σ_{p: act_j[p] = i} Σ_{l≤k} (a_j[l] Dz_j[k−l][p] + z_j[p][k−l] Da_j[l])`,
//! * `Dq_j[k] = X_jᵀ · Dr[k]|_{act_j}` (`d × |L|`),
//! * `Dw_j[k+1] = c_k Σ_{l≤k} (a_j[l] Dq_j[k−l] + q_j[k−l] Da_j[l])`,
//! * `Da_j[k+1] = c_k Σ_p Σ_{l≤k} (r_i[l] Dz_j[k−l][p] + z_j[p][k−l] Dr_i[l])`, `i = act_j[p]`,
//!
//! each sum a product of a coefficient matrix (values of the recursion, enclosed over the box) with
//! a stack of derivative rows. Per order that is `O(|L| · Σ_j n_j (d + k))` operations, in blocked
//! f64 products with Rump's a priori bounds instead of per-operation intervals. Proof:
//! `proofs-notes/net-validated-structured-jacobian.md`.

use super::{Aux, live, live_coords};
use crate::net::validated::Net;
use crate::net::validated::bulk::{RAD_FLOOR, to_midrad_1};
use crate::net::validated::slide::projectors;
use crate::trajectory::Pattern;
use rayon::prelude::*;
use reluflow_arith::midrad::{MidRadMat, add_into, combine_into, product};
use reluflow_arith::{Enclosure, buffers};

/// Magnitudes outside `[2⁻²⁰⁰, 2²⁰⁰]` (besides 0) send a state to the per-operation jets: f64
/// products of such values lose their relative accuracy to underflow, and the per-neuron scaling
/// of the Lohner step would magnify the absolute error terms.
const RANGE: f64 = 1.606_938_044_258_990_3e60; // 2²⁰⁰

/// Whether every component of the box `x0` is 0 or reaches a magnitude in `[2⁻²⁰⁰, 2²⁰⁰]` and none
/// exceeds `2²⁰⁰`.
pub(super) fn in_range<S: Enclosure>(x0: &[S]) -> bool {
    x0.iter().all(|v| {
        let hi = v.abs().upper_f64();
        hi.is_finite() && hi <= RANGE && (hi == 0.0 || hi >= 1.0 / RANGE)
    })
}

/// Derivative rows of one quantity series, appended one order at a time (row-major, `width`
/// entries per order).
struct Stack {
    mid: Vec<f64>,
    rad: Vec<f64>,
}

impl Stack {
    /// An empty stack with room for `len` entries (all orders: no reallocation in the loop).
    fn with_capacity(len: usize) -> Stack {
        Stack { mid: Vec::with_capacity(len), rad: Vec::with_capacity(len) }
    }
    fn push(&mut self, mid: &[f64], rad: &[f64]) {
        self.mid.extend_from_slice(mid);
        self.rad.extend_from_slice(rad);
    }
    /// The stack as a `rows × (len / rows)` matrix (borrowed midpoints and radii).
    fn mat(&self, rows: usize) -> Slab<'_> {
        Slab { rows, mid: &self.mid, rad: &self.rad }
    }
}

/// A borrowed row-major midpoint–radius matrix with `rows` rows.
struct Slab<'a> {
    rows: usize,
    mid: &'a [f64],
    rad: &'a [f64],
}

/// Derivative rows of one quantity series kept per order as the products made them (moved in, not
/// copied), for the linear combinations over all orders so far.
struct Orders(Vec<(Vec<f64>, Vec<f64>)>);

impl Orders {
    /// The rows of every order so far, `width` entries each, in order-major order (the rows of the
    /// stacked matrix).
    fn rows(&self, width: usize) -> Vec<(&[f64], &[f64])> {
        self.0.iter().flat_map(|(m, r)| m.chunks_exact(width).zip(r.chunks_exact(width))).collect()
    }
    /// The last order.
    fn last(&self) -> (&[f64], &[f64]) {
        let (m, r) = self.0.last().expect("an order");
        (m, r)
    }
}

/// `a · B` for a one-row coefficient matrix `a` and the rows of `B` given as slices (as [`prod`]:
/// bound (B3''), radii raised to `RAD_FLOOR`).
fn comb(a: &MidRadMat, rows: &[(&[f64], &[f64])]) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(a.rows(), 1, "a combination has one coefficient row");
    let w = rows.first().map_or(0, |(m, _)| m.len());
    let (mut mid, mut rad) = (vec![0.0; w], vec![0.0; w]);
    combine_into(a.mid(), a.rad(), rows, &mut mid, &mut rad);
    rad.iter_mut().for_each(|r| *r = r.max(RAD_FLOOR));
    (mid, rad)
}

/// The coefficient matrix `rows × cols` with entries `f(r, c)` (backend values), midpoint–radius.
fn coef<S: Enclosure>(rows: usize, cols: usize, f: impl Fn(usize, usize) -> S) -> MidRadMat {
    let (mut mid, mut rad) = (Vec::with_capacity(rows * cols), Vec::with_capacity(rows * cols));
    for r in 0..rows {
        for c in 0..cols {
            let (m, rr) = to_midrad_1(&f(r, c));
            mid.push(m);
            rad.push(rr);
        }
    }
    MidRadMat::new(rows, cols, mid, rad)
}

/// `a · b` with radii raised to `RAD_FLOOR` (an enlargement; keeps the next products out of
/// subnormal arithmetic, `bulk::floor_radii`).
fn prod(a: &MidRadMat, b: &Slab) -> (Vec<f64>, Vec<f64>) {
    let cols = b.mid.len() / b.rows;
    let (mid, mut rad) = product(a.mid(), a.rad(), b.mid, b.rad, a.rows(), b.rows, cols);
    rad.iter_mut().for_each(|r| *r = r.max(RAD_FLOOR));
    (mid, rad)
}

/// The per-neuron state of the derivative recursion.
struct NeuronJac {
    act: Vec<usize>,
    x: MidRadMat,
    xt: MidRadMat,
    dz: Orders,
    da: Stack,
    dr: Orders,
    dq: Orders,
}

/// The rows of neuron `j` in the next order's derivative matrix: `Dw_j` (`d` rows) and `Da_j`.
struct NextRows {
    j: usize,
    w: (Vec<f64>, Vec<f64>),
    a: (Vec<f64>, Vec<f64>),
}

/// The seed `∂x₀/∂x₀ = I` restricted to the live columns: `N × |L|`.
pub(super) fn identity_seed<S: Enclosure>(net: &Net<S>, pattern: &Pattern) -> MidRadMat {
    let (nn, cols) = (net.dim(), live_coords(net, pattern));
    let nd = cols.len();
    let mut mid = buffers::zeros(nn * nd);
    for (k, &c) in cols.iter().enumerate() {
        mid[c * nd + k] = 1.0;
    }
    MidRadMat::new(nn, nd, mid, buffers::zeros(nn * nd))
}

/// `jac[k]·S` (`k ≤ jq`), `N × c` midpoint–radius matrices, for the seed `S` (`N × c`, an
/// enclosure of a set of matrices), from the values `x` and auxiliary series `aux` of the same
/// box (see [`super::Series`]). The recursion is linear in its seed `Dx[0]`, so seeding it with
/// `S` instead of `I` gives `J_k S` at the cost of `J_k` when `c ≤ |L|`; only the rows of live
/// neurons are read (the Jacobians' columns of frozen coordinates are 0).
pub(super) fn jacobians<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x: &[Vec<S>],
    aux: &Aux<S>,
    jq: usize,
    seed: MidRadMat,
) -> Vec<MidRadMat> {
    let (d, n, nn) = (net.d, net.n, net.dim());
    let b = d + 1;
    assert_eq!(seed.rows(), nn, "the seed has one row per coordinate");
    let nd = seed.cols();
    let mut dx = vec![seed.into_parts()];
    let mut neurons: Vec<(usize, NeuronJac)> = (0..net.m)
        .filter(|&j| !live(pattern, j).is_empty())
        .map(|j| {
            let act = live(pattern, j).to_vec();
            let xd = |p: usize, l: usize| net.data.x[act[p]][l].clone();
            let (x, xt) = (coef(act.len(), d, xd), coef(d, act.len(), |l, p| xd(p, l)));
            let (da, ord) = (Stack::with_capacity(jq * nd), || Orders(Vec::with_capacity(jq)));
            (j, NeuronJac { act, x, xt, dz: ord(), da, dr: ord(), dq: ord() })
        })
        .collect();
    let mg = net.data.grad_factor.neg();
    let pis = projectors(net, pattern);
    for k in 0..jq {
        let (cur_m, cur_r) = &dx[k];
        // Per neuron (in parallel): Σ_l a_j[l] Dz_j[k−l] + Z_rev · Da_j, row p for point act[p].
        let parts: Vec<(Vec<f64>, Vec<f64>)> = neurons
            .par_iter_mut()
            .map(|(j, nj)| {
                let (j, na) = (*j, nj.act.len());
                let (arow, wrows) = ((j * b + d) * nd..(j * b + b) * nd, j * b * nd..(j * b + d) * nd);
                nj.da.push(&cur_m[arow.clone()], &cur_r[arow]);
                let dw = Slab { rows: d, mid: &cur_m[wrows.clone()], rad: &cur_r[wrows] };
                let (zm, zr) = prod(&nj.x, &dw);
                nj.dz.0.push((zm, zr));
                let arev = coef(1, k + 1, |_, l| x[k - l][j * b + d].clone());
                let (mut tm, mut tr) = comb(&arev, &nj.dz.rows(na * nd));
                let zrev = coef(na, k + 1, |p, l| aux.z[j][p][k - l].clone());
                let (um, ur) = prod(&zrev, &nj.da.mat(k + 1));
                add_into(&mut tm, &mut tr, &um, &ur);
                (tm, tr)
            })
            .collect();
        let (mut dr_m, mut dr_r) = (vec![0.0; n * nd], vec![0.0; n * nd]);
        for ((_, nj), (tm, tr)) in neurons.iter().zip(&parts) {
            for (p, &i) in nj.act.iter().enumerate() {
                let (row, dst) = (p * nd..(p + 1) * nd, i * nd..(i + 1) * nd);
                add_into(&mut dr_m[dst.clone()], &mut dr_r[dst], &tm[row.clone()], &tr[row]);
            }
        }
        let c = mg.div(&S::from_i64((k + 1) as i64, &net.ctx));
        let rows: Vec<NextRows> = neurons
            .par_iter_mut()
            .map(|(j, nj)| {
                let (j, na) = (*j, nj.act.len());
                let (mut gm, mut gr) = (Vec::with_capacity(na * nd), Vec::with_capacity(na * nd));
                for &i in &nj.act {
                    gm.extend_from_slice(&dr_m[i * nd..(i + 1) * nd]);
                    gr.extend_from_slice(&dr_r[i * nd..(i + 1) * nd]);
                }
                nj.dr.0.push((gm, gr));
                let (mid, rad) = nj.dr.last();
                let (qm, qr) = prod(&nj.xt, &Slab { rows: na, mid, rad });
                nj.dq.0.push((qm, qr));
                // Dw_j[k+1] = c Σ_l a_j[l] Dq_j[k−l] + (c Q_rev) · Da_j.
                let carev = coef(1, k + 1, |_, l| c.mul(&x[k - l][j * b + d]));
                let (mut wm, mut wr) = comb(&carev, &nj.dq.rows(d * nd));
                let cqrev = coef(d, k + 1, |l, ll| c.mul(&aux.q[j][k - ll][l]));
                let (vm, vr) = prod(&cqrev, &nj.da.mat(k + 1));
                add_into(&mut wm, &mut wr, &vm, &vr);
                if let Some(pi) = &pis[j] {
                    // Sliding: the w_j rows of the sliding field are Π_i times the pattern's.
                    (wm, wr) = prod(&coef(d, d, |r, c| pi[r * d + c].clone()), &Slab { rows: d, mid: &wm, rad: &wr });
                }
                // Da_j[k+1] = c Σ_{l,p} (r_i[l] Dz_j[k−l][p] + z_j[p][k−l] Dr_i[l]).
                let act = &nj.act;
                let c1 = coef(1, (k + 1) * na, |_, t| c.mul(&aux.r[act[t % na]][k - t / na]));
                let (mut am, mut ar) = comb(&c1, &nj.dz.rows(nd));
                let c2 = coef(1, (k + 1) * na, |_, t| c.mul(&aux.z[j][t % na][k - t / na]));
                let (bm, br) = comb(&c2, &nj.dr.rows(nd));
                add_into(&mut am, &mut ar, &bm, &br);
                NextRows { j, w: (wm, wr), a: (am, ar) }
            })
            .collect();
        let (mut nx_m, mut nx_r) = (buffers::zeros(nn * nd), buffers::zeros(nn * nd));
        for r in rows {
            let j = r.j;
            nx_m[j * b * nd..(j * b + d) * nd].copy_from_slice(&r.w.0);
            nx_r[j * b * nd..(j * b + d) * nd].copy_from_slice(&r.w.1);
            nx_m[(j * b + d) * nd..(j * b + b) * nd].copy_from_slice(&r.a.0);
            nx_r[(j * b + d) * nd..(j * b + b) * nd].copy_from_slice(&r.a.1);
        }
        dx.push((nx_m, nx_r));
    }
    dx.into_iter().map(|(m, r)| MidRadMat::new(nn, nd, m, r)).collect()
}
