//! The rate of a guard under a pattern's unprojected field, `ρ_P = x_iᵀ f_{P,w_j} =
//! −G a_j Σ_{k∈A_j^P} r_k c_k` (`c_k = x_kᵀx_i`), with `a_j` factored out and the data's Gram
//! entries in place of `x_iᵀ` times each coordinate of `ẇ_j` (`a_j` enters once: far narrower
//! than the guard of the field near a hyperplane, where the rate is much smaller than its terms),
//! and its derivative along a velocity.

use super::fi::Fi;
use super::field::{Data, Pattern};

/// `w_lᵀx_k` summed with `a_l` over the neurons for which `k` is active: the residual `r_k` of `x`.
fn residual(dt: &Data, p: &Pattern, x: &[Fi], k: usize) -> Fi {
    (0..dt.m).filter(|&l| p[l][k]).fold(dt.y[k].neg(), |s, l| s.add(&x[dt.a(l)].mul(&dt.guard(x, l, k))))
}

/// `ṙ_k = Σ_{l: k∈A_l} (v_{a_l} w_lᵀx_k + a_l v_{w_l}ᵀx_k)` at `x` along the velocity `v`.
fn residual_rate(dt: &Data, p: &Pattern, x: &[Fi], v: &[Fi], k: usize) -> Fi {
    (0..dt.m)
        .filter(|&l| p[l][k])
        .fold(Fi::zero(), |s, l| s.add(&v[dt.a(l)].mul(&dt.guard(x, l, k))).add(&x[dt.a(l)].mul(&dt.guard(v, l, k))))
}

/// `c_k = x_kᵀx_i`.
fn gram(dt: &Data, k: usize, i: usize) -> Fi {
    dt.x[k].iter().zip(&dt.x[i]).fold(Fi::zero(), |s, (a, b)| s.add(&a.mul(b)))
}

/// `ρ_P` over the box `x`: the guard `x_iᵀw_j`'s rate under the pattern `p`'s unprojected field.
pub fn rate(dt: &Data, p: &Pattern, x: &[Fi], (j, i): (usize, usize)) -> Fi {
    let s = (0..dt.n).filter(|&k| p[j][k]).fold(Fi::zero(), |s, k| s.add(&residual(dt, p, x, k).mul(&gram(dt, k, i))));
    dt.g.mul(&x[dt.a(j)]).mul(&s).neg()
}

/// `Dρ_P(x)·v = −G (v_{a_j} Σ_{k∈A_j} r_k c_k + a_j Σ_{k∈A_j} ṙ_k c_k)` over the boxes `x`, `v`:
/// with `v` an enclosure of a field over `x`, the rate's derivative along that field's flow.
pub fn rate_along(dt: &Data, p: &Pattern, x: &[Fi], v: &[Fi], (j, i): (usize, usize)) -> Fi {
    let (mut s, mut sd) = (Fi::zero(), Fi::zero());
    for k in (0..dt.n).filter(|&k| p[j][k]) {
        let c = gram(dt, k, i);
        s = s.add(&residual(dt, p, x, k).mul(&c));
        sd = sd.add(&residual_rate(dt, p, x, v, k).mul(&c));
    }
    dt.g.mul(&v[dt.a(j)].mul(&s).add(&x[dt.a(j)].mul(&sd))).neg()
}
