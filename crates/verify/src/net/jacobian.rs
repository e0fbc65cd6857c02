//! The two-layer field's Jacobian over a box, weighted per neuron, for the logarithmic-norm bounds
//! of a step (`ball.rs`, `spread.rs`).

use super::fi::Fi;
use super::field::{Data, Pattern};

/// `W⁻¹ Df W` over the box `v` for `W = diag(2^{e_a})`, row-major `N × N`:
/// `Df = −G (JᵀJ + H₂)` with `J = ∂r/∂θ` (`∂r_i/∂w_j = a_j x_i`, `∂r_i/∂a_j = u_ji` for
/// `i ∈ A_j`) and `H₂ = Σ_i r_i ∇²r_i` (only `∂²r_i/∂a_j∂w_j = x_i`, `i ∈ A_j`); `Df` is
/// symmetric, so `(W⁻¹DfW)_ab = Df_ab 2^{e_b−e_a}`; with sliding pairs, `Π Df` (not symmetric).
pub fn jacobian_weighted(dt: &Data, act: &Pattern, v: &[Fi], e: &[i32]) -> Vec<Fi> {
    let (n, d, m, nn) = (dt.n, dt.d, dt.m, dt.size());
    let mut jac = vec![vec![Fi::zero(); nn]; n];
    let mut r: Vec<Fi> = dt.y.iter().map(Fi::neg).collect();
    for j in 0..m {
        for i in (0..n).filter(|&i| act[j][i]) {
            let u = dt.guard(v, j, i);
            r[i] = r[i].add(&v[dt.a(j)].mul(&u));
            for l in 0..d {
                jac[i][j * (d + 1) + l] = v[dt.a(j)].mul(&dt.x[i][l]);
            }
            jac[i][dt.a(j)] = u;
        }
    }
    let mut h = vec![Fi::zero(); nn * nn];
    for a in 0..nn {
        for b in a..nn {
            h[a * nn + b] = (0..n).fold(Fi::zero(), |acc, i| acc.add(&jac[i][a].mul(&jac[i][b])));
        }
    }
    for j in 0..m {
        for l in 0..d {
            let s = (0..n).filter(|&i| act[j][i]).fold(Fi::zero(), |acc, i| acc.add(&r[i].mul(&dt.x[i][l])));
            let (a, b) = (j * (d + 1) + l, dt.a(j));
            h[a * nn + b] = h[a * nn + b].add(&s);
        }
    }
    let mut out = vec![Fi::zero(); nn * nn];
    for a in 0..nn {
        for b in a..nn {
            let df = h[a * nn + b].mul(&dt.g).neg();
            out[a * nn + b] = df.scale2(e[b] - e[a]);
            out[b * nn + a] = df.scale2(e[a] - e[b]);
        }
    }
    // A sliding pair's field is `Π_i f` on the `w_j` block: its rows are projected (one weight
    // per neuron, so `W⁻¹ Π Df W = Π W⁻¹ Df W`).
    if !dt.slides.is_empty() {
        for b in 0..nn {
            let mut col: Vec<Fi> = (0..nn).map(|a| out[a * nn + b].clone()).collect();
            dt.project(&mut col);
            for (a, v) in col.into_iter().enumerate() {
                out[a * nn + b] = v;
            }
        }
    }
    out
}
