//! The Taylor values of the pattern flow over a box, in the backend's arithmetic: the recursion of
//! `proofs-notes/net-field.md` with every operation enclosed, so that each coefficient encloses
//! the exact one for every point of the box.
//!
//! Each order splits over neurons (and the residuals over points) on rayon's threads when the
//! backend's operations are dear enough (`Scalar::OP_COST`, MPFR): each order is a few thousand
//! operations (m·(d + n)·k), too little to hand to a thread pool in f64, where splitting made the
//! switch-free family's runs 1.5–4× slower and the paper-size run no faster. Every sum is taken
//! in the same order either way, so the result is the same bit for bit.

use super::super::Net;
use super::super::slide::{apply, projectors};
use super::{Aux, live};
use crate::trajectory::Pattern;
use rayon::prelude::*;
use reluflow_arith::Enclosure;

/// The coefficients `x[0..=order]` and the auxiliary series (orders `< order`) over the box `x0`.
pub(super) fn values<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x0: &[S], order: usize) -> (Vec<Vec<S>>, Aux<S>) {
    values_split(net, pattern, x0, order, worth_splitting::<S>(net.m * (net.d + net.n)))
}

/// [`values`], split over rayon's threads when `par`.
fn values_split<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    order: usize,
    par: bool,
) -> (Vec<Vec<S>>, Aux<S>) {
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
    // For each point, the neurons it is live for (in order) and its place among their points.
    let mut by_point: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for j in 0..m {
        for (p, &i) in live(pattern, j).iter().enumerate() {
            by_point[i].push((j, p));
        }
    }
    for k in 0..order {
        let Aux { z, r, q } = &mut aux;
        let xk = &xs[k];
        each_mut(par, z, |j, zj| {
            let w = &xk[j * b..j * b + d];
            for (zp, &i) in zj.iter_mut().zip(live(pattern, j)) {
                zp.push(dot(&net.data.x[i], w, ctx));
            }
        });
        each_mut(par, r, |i, ri| ri.push(residual(net, (&xs, z), &by_point[i], i, k)));
        let c = mg.div(&S::from_i64((k + 1) as i64, ctx));
        let mut next: Vec<S> = vec![S::zero(ctx); x0.len()];
        let mut blocks: Vec<_> = q.iter_mut().zip(next.chunks_mut(b)).collect();
        each_mut(par, &mut blocks, |j, (qj, out)| {
            let act = live(pattern, j);
            let mut qk: Vec<S> = vec![S::zero(ctx); d];
            for &i in act {
                for (l, ql) in qk.iter_mut().enumerate() {
                    ql.add_mul_assign(&net.data.x[i][l], &r[i][k]);
                }
            }
            qj.push(qk);
            if !act.is_empty() {
                neuron_block(net, (&xs, z, r), (qj, act), &c, pis[j].as_deref(), (j, k), out);
            }
        });
        xs.push(next);
    }
    (xs, aux)
}

/// Whether work of `width` operations per coefficient order is worth splitting over threads in
/// the backend `S` (a cost hint only: the results do not depend on it).
fn worth_splitting<S: Enclosure>(width: usize) -> bool {
    (S::OP_COST as usize).saturating_mul(width) >= 16_384 && rayon::current_num_threads() > 1
}

/// `f(i, &mut items[i])` for every `i`, on rayon's threads when `par`.
fn each_mut<T: Send>(par: bool, items: &mut [T], f: impl Fn(usize, &mut T) + Send + Sync) {
    if par {
        items.par_iter_mut().enumerate().for_each(|(i, t)| f(i, t));
    } else {
        items.iter_mut().enumerate().for_each(|(i, t)| f(i, t));
    }
}

/// `xᵀw`, accumulated from the first coordinate.
fn dot<S: Enclosure>(x: &[S], w: &[S], ctx: &S::Ctx) -> S {
    let mut acc = S::zero(ctx);
    for (xl, wl) in x.iter().zip(w) {
        acc.add_mul_assign(xl, wl);
    }
    acc
}

/// The `k`-th coefficient of the residual `r_i = Σ_{j: i live} a_j z_ji − y_i`: the neurons in
/// order (`owners`: each with the point's place among its live points), each one's Cauchy product
/// from its order 0.
fn residual<S: Enclosure>(
    net: &Net<S>,
    (xs, z): (&[Vec<S>], &[Vec<Vec<S>>]),
    owners: &[(usize, usize)],
    i: usize,
    k: usize,
) -> S {
    let (b, d) = (net.d + 1, net.d);
    let mut acc = if k == 0 { net.data.y[i].neg() } else { S::zero(&net.ctx) };
    for &(j, p) in owners {
        for l in 0..=k {
            acc.add_mul_assign(&xs[l][j * b + d], &z[j][p][k - l]);
        }
    }
    acc
}

/// The series known at order `k`: the state's `xs`, and `z` and `r` of [`Aux`].
type Known<'a, S> = (&'a [Vec<S>], &'a [Vec<Vec<S>>], &'a [Vec<S>]);

/// The order-`k + 1` coefficients of neuron `j`'s block `(w_j, a_j)` into `out`, from the series
/// `xs`, `z` and `r` (orders `≤ k`) and `qj`, neuron `j`'s `q` (orders `≤ k`); `act` its live
/// points and `c = −G/(k + 1)`; the sliding projector `pi` applied to `w_j`'s part.
fn neuron_block<S: Enclosure>(
    net: &Net<S>,
    (xs, z, r): Known<'_, S>,
    (qj, act): (&[Vec<S>], &[usize]),
    c: &S,
    pi: Option<&[S]>,
    (j, k): (usize, usize),
    out: &mut [S],
) {
    let ctx = &net.ctx;
    let (b, d) = (net.d + 1, net.d);
    for (l, o) in out[..d].iter_mut().enumerate() {
        let mut acc = S::zero(ctx);
        for ll in 0..=k {
            acc.add_mul_assign(&xs[ll][j * b + d], &qj[k - ll][l]);
        }
        *o = c.mul(&acc);
    }
    if let Some(pi) = pi {
        apply(pi, &mut out[..d], ctx);
    }
    let mut an = S::zero(ctx);
    for (p, &i) in act.iter().enumerate() {
        for l in 0..=k {
            an.add_mul_assign(&r[i][l], &z[j][p][k - l]);
        }
    }
    out[d] = c.mul(&an);
}

#[cfg(test)]
mod tests {
    use super::super::tests::tiny_net;
    use super::*;
    use reluflow_arith::Scalar;

    /// Splitting over threads takes every sum in the same order: the same coefficients bit for
    /// bit, with a sliding neuron and with a frozen one.
    #[test]
    fn split_and_sequential_values_are_the_same_bit_for_bit() {
        let net = tiny_net();
        let patterns = [
            Pattern { active: vec![vec![0], vec![1, 2]], frozen: vec![false, false], sliding: vec![(0, 1)] },
            Pattern { active: vec![vec![0, 1, 2], vec![]], frozen: vec![false, true], sliding: Vec::new() },
        ];
        let x0: Vec<_> = [0.4, 0.1, 0.5, -0.1, 0.4, -0.6].iter().map(|v| Scalar::from_f64(*v, &())).collect();
        for pattern in &patterns {
            let (xs, aux) = values_split(&net, pattern, &x0, 7, false);
            let (xp, auxp) = values_split(&net, pattern, &x0, 7, true);
            assert_eq!(xs, xp);
            assert!(aux.z == auxp.z && aux.r == auxp.r && aux.q == auxp.q);
            assert!(
                xs[7].iter().any(|v| v.lower_f64() != 0.0 || v.upper_f64() != 0.0),
                "every coefficient of order 7 is 0"
            );
        }
    }
}
