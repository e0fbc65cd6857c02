//! The Taylor values of the pattern flow over a box, in the backend's arithmetic: the recursion of
//! `proofs-notes/net-field.md` with every operation enclosed, so that each coefficient encloses
//! the exact one for every point of the box.
//!
//! It runs on one thread: each order is a few thousand operations (m·(d + n)·k), too little to
//! hand to a thread pool; splitting it over neurons made the switch-free family's runs 1.5–4×
//! slower and the paper-size run no faster.

use super::super::Net;
use super::super::slide::{apply, projectors};
use super::{Aux, live};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// The coefficients `x[0..=order]` and the auxiliary series (orders `< order`) over the box `x0`.
pub(super) fn values<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x0: &[S], order: usize) -> (Vec<Vec<S>>, Aux<S>) {
    let ctx = &net.ctx;
    let (m, d, n) = (net.m, net.d, net.n);
    let b = d + 1;
    let mut xs: Vec<Vec<S>> = vec![x0.to_vec()];
    let mut aux = Aux {
        z: (0..m).map(|j| vec![Vec::new(); live(pattern, j).len()]).collect(),
        r: vec![Vec::new(); n],
        q: vec![Vec::new(); m],
    };
    let mg = net.data.grad_factor.neg();
    let pis = projectors(net, pattern);
    for k in 0..order {
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                let mut acc = S::zero(ctx);
                for l in 0..d {
                    acc.add_mul_assign(&net.data.x[i][l], &xs[k][j * b + l]);
                }
                aux.z[j][p].push(acc);
            }
        }
        let mut rk: Vec<S> = (0..n).map(|i| if k == 0 { net.data.y[i].neg() } else { S::zero(ctx) }).collect();
        for j in 0..m {
            for (p, &i) in live(pattern, j).iter().enumerate() {
                for l in 0..=k {
                    rk[i].add_mul_assign(&xs[l][j * b + d], &aux.z[j][p][k - l]);
                }
            }
        }
        for (ri, v) in aux.r.iter_mut().zip(rk) {
            ri.push(v);
        }
        let c = mg.div(&S::from_i64((k + 1) as i64, ctx));
        let mut next: Vec<S> = Vec::with_capacity(x0.len());
        for j in 0..m {
            let act = live(pattern, j);
            let mut qk: Vec<S> = vec![S::zero(ctx); d];
            for &i in act {
                for (l, ql) in qk.iter_mut().enumerate() {
                    ql.add_mul_assign(&net.data.x[i][l], &aux.r[i][k]);
                }
            }
            aux.q[j].push(qk);
            if act.is_empty() {
                next.extend((0..b).map(|_| S::zero(ctx)));
                continue;
            }
            for l in 0..d {
                let mut acc = S::zero(ctx);
                for ll in 0..=k {
                    acc.add_mul_assign(&xs[ll][j * b + d], &aux.q[j][k - ll][l]);
                }
                next.push(c.mul(&acc));
            }
            if let Some(pi) = &pis[j] {
                apply(pi, &mut next[j * b..j * b + d], ctx);
            }
            let mut an = S::zero(ctx);
            for (p, &i) in act.iter().enumerate() {
                for l in 0..=k {
                    an.add_mul_assign(&aux.r[i][l], &aux.z[j][p][k - l]);
                }
            }
            next.push(c.mul(&an));
        }
        xs.push(next);
    }
    (xs, aux)
}
