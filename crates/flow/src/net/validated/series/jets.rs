//! The Taylor coefficients with their Jacobians by per-operation first-order jets `(v, ∂v/∂x₀)`
//! in the backend's arithmetic: the fallback of [`super::series`] when a state is outside the
//! range where the f64 midpoint–radius Jacobians (`jac.rs`) keep their accuracy, and the
//! independent reference of their tests.

use super::{Jac, Series, live, live_coords};
use crate::net::validated::Net;
use crate::net::validated::slide::projectors;
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// A value with its gradient with respect to the initial state (`d` empty: value only).
#[derive(Clone, Debug)]
struct Jet<S> {
    v: S,
    d: Vec<S>,
}

impl<S: Enclosure> Jet<S> {
    fn zero(nd: usize, ctx: &S::Ctx) -> Jet<S> {
        Jet { v: S::zero(ctx), d: vec![S::zero(ctx); nd] }
    }
    /// `self += a·b` (product rule on the gradient).
    fn add_mul(&mut self, a: &Jet<S>, b: &Jet<S>) {
        self.v.add_mul_assign(&a.v, &b.v);
        for ((s, ad), bd) in self.d.iter_mut().zip(&a.d).zip(&b.d) {
            s.add_mul_assign(&a.v, bd);
            s.add_mul_assign(ad, &b.v);
        }
    }
    /// `self += c·b` for a constant `c`.
    fn add_scaled(&mut self, c: &S, b: &Jet<S>) {
        self.v.add_mul_assign(c, &b.v);
        for (s, bd) in self.d.iter_mut().zip(&b.d) {
            s.add_mul_assign(c, bd);
        }
    }
    fn scale(&self, c: &S) -> Jet<S> {
        Jet { v: c.mul(&self.v), d: self.d.iter().map(|x| c.mul(x)).collect() }
    }
}

/// The Taylor coefficients of the solution of the pattern flow from `x0` (a box: enclosures for
/// every point of it), to `order`, with Jacobians up to order `jac_order` if given (`jac` then has
/// `min(jac_order, order) + 1` entries; higher orders carry values only, which is what makes a
/// low-order Jacobian cheap: its cost grows like `jac_order²`, not `order²`).
pub(crate) fn series_jets<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    order: usize,
    jac_order: Option<usize>,
) -> Series<S> {
    let ctx = &net.ctx;
    let (m, d, n, nn) = (net.m, net.d, net.n, net.dim());
    let cols = live_coords(net, pattern);
    let mut pos_of = vec![usize::MAX; nn];
    for (k, &c) in cols.iter().enumerate() {
        pos_of[c] = k;
    }
    let nd = if jac_order.is_some() { cols.len() } else { 0 };
    let jq = jac_order.map_or(0, |q| q.min(order));
    // Jets (derivatives) are carried by the coefficients of order ≤ jq, and by the auxiliary series
    // z, r, q of order < jq (the only ones that enter the coefficients of order ≤ q).
    let nd_at = |k: usize| if k <= jq { nd } else { 0 };
    let b = d + 1;
    let mut xs: Vec<Vec<Jet<S>>> = Vec::with_capacity(order + 1);
    xs.push(
        x0.iter()
            .enumerate()
            .map(|(c, v)| {
                let mut jt = Jet { v: v.clone(), d: vec![S::zero(ctx); nd] };
                if nd > 0 && pos_of[c] != usize::MAX {
                    jt.d[pos_of[c]] = S::one(ctx);
                }
                jt
            })
            .collect(),
    );
    let mg = net.data.grad_factor.neg();
    let pis = projectors(net, pattern);
    // z[j][p]: series of w_jᵀx_i for the p-th active point i of neuron j; r[i]; q[j][k][l].
    let mut z: Vec<Vec<Vec<Jet<S>>>> = (0..m).map(|j| vec![Vec::new(); live(pattern, j).len()]).collect();
    let mut r: Vec<Vec<Jet<S>>> = vec![Vec::new(); n];
    let mut q: Vec<Vec<Vec<Jet<S>>>> = vec![Vec::new(); m];
    for k in 0..order {
        let nd = nd_at(k + 1);
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                let mut acc = Jet::zero(nd, ctx);
                for l in 0..d {
                    acc.add_scaled(&net.data.x[i][l], &xs[k][j * b + l]);
                }
                z[j][p].push(acc);
            }
        }
        let mut rk: Vec<Jet<S>> = (0..n)
            .map(|i| {
                let mut jt = Jet::zero(nd, ctx);
                if k == 0 {
                    jt.v = net.data.y[i].neg();
                }
                jt
            })
            .collect();
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                for l in 0..=k {
                    rk[i].add_mul(&xs[l][j * b + d], &z[j][p][k - l]);
                }
            }
        }
        for (ri, v) in r.iter_mut().zip(rk) {
            ri.push(v);
        }
        let c = mg.div(&S::from_i64((k + 1) as i64, ctx));
        let mut next: Vec<Jet<S>> = Vec::with_capacity(nn);
        for j in 0..m {
            let act = live(pattern, j);
            let mut qk: Vec<Jet<S>> = vec![Jet::zero(nd, ctx); d];
            for &i in act {
                for (l, ql) in qk.iter_mut().enumerate() {
                    ql.add_scaled(&net.data.x[i][l], &r[i][k]);
                }
            }
            q[j].push(qk);
            if act.is_empty() {
                next.extend((0..b).map(|_| Jet::zero(nd, ctx)));
                continue;
            }
            for l in 0..d {
                let mut acc = Jet::zero(nd, ctx);
                for ll in 0..=k {
                    acc.add_mul(&xs[ll][j * b + d], &q[j][k - ll][l]);
                }
                next.push(acc.scale(&c));
            }
            if let Some(pi) = &pis[j] {
                // Sliding: Π_i applied to the w_j block (values and gradients alike).
                let w = next[j * b..j * b + d].to_vec();
                for (l, out) in next[j * b..j * b + d].iter_mut().enumerate() {
                    *out = Jet::zero(nd, ctx);
                    for (cc, wc) in w.iter().enumerate() {
                        out.add_scaled(&pi[l * d + cc], wc);
                    }
                }
            }
            let mut an = Jet::zero(nd, ctx);
            for (p, &i) in act.iter().enumerate() {
                for l in 0..=k {
                    an.add_mul(&r[i][l], &z[j][p][k - l]);
                }
            }
            next.push(an.scale(&c));
        }
        xs.push(next);
    }
    let x = xs.iter().map(|row| row.iter().map(|jt| jt.v.clone()).collect()).collect();
    let jac = if jac_order.is_some() {
        xs.into_iter().take(jq + 1).map(|row| row.into_iter().flat_map(|jt| jt.d).collect()).collect()
    } else {
        Vec::new()
    };
    Series { x, jac: Jac::Backend(jac), aux: None }
}
