//! Register-blocked f64 kernels of the fast gradient-descent loop ([`super::gd_fast`]).
//!
//! Fixed-size arrays of `L` lanes × `NB` neurons, which LLVM keeps in vector registers; all slices
//! are padded with zeros to multiples of `L`.

/// Lanes of the vector kernels (one AVX-512 register of f64; two AVX2 registers).
pub(super) const L: usize = 8;
/// Neurons processed together (register blocking).
pub(super) const NB: usize = 4;

pub(super) fn pad(v: usize, to: usize) -> usize {
    v.div_ceil(to) * to
}

pub(super) fn lanes(v: &[f64], o: usize) -> &[f64; L] {
    v[o..o + L].try_into().expect("lane slice")
}

/// Lane chunks processed together (two registers per neuron: `2·L` points or coordinates).
const C: usize = 2;

/// `Z[idx[t]] = W[idx[t]] Xᵀ` (or `+=` when `ACC`) for a block of `K` neurons, with `W` of row
/// stride `dp` and `Xᵀ` of shape `dp × np`.
pub(super) fn fwd_block<const K: usize, const ACC: bool>(
    idx: &[usize],
    w: &[f64],
    xt: &[f64],
    z: &mut [f64],
    np: usize,
    dp: usize,
) {
    let mut ib = 0;
    while ib + C * L <= np {
        fwd_tile::<K, C, ACC>(idx, w, xt, z, np, dp, ib);
        ib += C * L;
    }
    while ib < np {
        fwd_tile::<K, 1, ACC>(idx, w, xt, z, np, dp, ib);
        ib += L;
    }
}

fn fwd_tile<const K: usize, const CH: usize, const ACC: bool>(
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
            if ACC {
                for (zz, v) in z[o..o + L].iter_mut().zip(&acc[t][ch]) {
                    *zz += *v;
                }
            } else {
                z[o..o + L].copy_from_slice(&acc[t][ch]);
            }
        }
    }
}

/// `w[idx[t]] += coef_t · C[idx[t]] X` for a block of `K` neurons, `coef_t = −ηG a_{idx[t]}`.
pub(super) fn bwd_block<const K: usize>(
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
pub(super) fn mask_row<const ZA: bool>(z: &[f64], r: &[f64], valid: &[f64], c: &mut [f64]) -> (f64, f64) {
    let mut pacc = [0.0f64; L];
    let mut cnt = [0.0f64; L];
    for ib in (0..z.len()).step_by(L) {
        let (zv, rv, vv) = (*lanes(z, ib), *lanes(r, ib), *lanes(valid, ib));
        let mut cv = [0.0f64; L];
        for l in 0..L {
            let on = if ZA { zv[l] >= 0.0 } else { zv[l] > 0.0 };
            // Branch-free exact select: all-ones or all-zeros bit mask (vectorises; no mispredicts).
            let mask = 0u64.wrapping_sub(u64::from(on));
            cv[l] = f64::from_bits(rv[l].to_bits() & mask);
            cnt[l] += f64::from_bits(vv[l].to_bits() & mask);
            pacc[l] = cv[l].mul_add(zv[l], pacc[l]);
        }
        c[ib..ib + L].copy_from_slice(&cv);
    }
    (pacc.iter().sum(), cnt.iter().sum())
}
