//! The spread of a step per neuron: for two solutions in the convex a priori box `E`, their
//! weighted difference `u` (blocks `u_j`, one per neuron) satisfies `u' = A(t)u` with `A` an
//! average of `W⁻¹DfW` over `E`, so
//! `d/dt ‖u_j‖ ≤ λ_max(sym A_jj)‖u_j‖ + Σ_{k≠j} ‖A_jk‖₂ ‖u_k‖`. With `M_jj ≥ λ_max(sym A_jj)`
//! and `M_jk ≥ ‖A_jk‖₂` over `E` (a Metzler matrix), the comparison theorem for quasi-monotone
//! systems gives `‖u(h)‖ ≤ e^{hM}‖u(0)‖` componentwise. One radius per neuron keeps a neuron's
//! set tight when another one switches (its field jumps) or when neurons differ in size.

use super::fi::{Fi, add_up, exp_up, mul_up, prec, sqrt_up};
use super::field::Data;
use super::spectral::lambda_max_upper;
use rug::Float;

/// `M` (`m × m`, row-major) from `W⁻¹DfW` over `E` (`wdfw`, `N × N`, not symmetrised): the
/// diagonal blocks' `λ_max` of the symmetric part, the off-diagonal blocks' Frobenius norms.
pub fn comparison(dt: &Data, wdfw: &[Fi]) -> Vec<Float> {
    let (m, b, nn) = (dt.m, dt.d + 1, dt.size());
    let mut out = vec![Float::new(prec()); m * m];
    for j in 0..m {
        for k in 0..m {
            if j == k {
                let block: Vec<Fi> = (0..b * b)
                    .map(|q| {
                        let (r, c) = (j * b + q / b, j * b + q % b);
                        wdfw[r * nn + c].add(&wdfw[c * nn + r]).div_u(2)
                    })
                    .collect();
                out[j * m + k] = lambda_max_upper(&block, b);
            } else {
                let mut s = Float::new(prec());
                for r in j * b..(j + 1) * b {
                    for c in k * b..(k + 1) * b {
                        let v = wdfw[r * nn + c].mag();
                        s = add_up(&s, &mul_up(&v, &v));
                    }
                }
                out[j * m + k] = sqrt_up(&s);
            }
        }
    }
    out
}

/// An entrywise upper bound of `e^{hM}` for the Metzler `M` (`m × m`) and every `h` in the
/// interval `h ≥ 0` (`e^{B}` for `B ≥ 0` grows with every entry of `B`, so each entry of `hM` is
/// taken at its upper bound): `e^{hM} = e^{−s}e^{B}` with `B = hM + sI ≥ 0`, the series of `e^{B}`
/// summed upward to an order `K` with `‖B‖∞ ≤ (K+2)/2` and its tail bounded by
/// `‖B‖∞^{K+1}/(K+1)! · 1/(1 − ‖B‖∞/(K+2)) ≤ 2‖B‖∞^{K+1}/(K+1)!` (below `2^{−prec}`) in every entry
/// (`(B^k)_ij ≤ ‖B‖∞^k`).
pub fn exp_upper(mm: &[Float], m: usize, h: &Fi) -> Vec<Float> {
    let hm: Vec<Float> = mm.iter().map(|v| mul_up(v, if *v >= 0 { &h.hi } else { &h.lo })).collect();
    // s = ⌈max(0, −min_j hM_jj)⌉ + 1, exact, so that every diagonal entry of B is at least 1.
    let low = (0..m).map(|j| hm[j * m + j].clone()).fold(Float::new(prec()), |a, v| if v < a { v } else { a });
    let s = Float::with_val(prec(), Float::with_val(prec(), -low).ceil() + 1u32);
    let b: Vec<Float> = (0..m * m)
        .map(|q| if q / m == q % m { add_up(&hm[q], &s) } else { hm[q].clone().max(&Float::new(prec())) })
        .collect();
    let norm = (0..m)
        .map(|j| (0..m).fold(Float::new(prec()), |a, k| add_up(&a, &b[j * m + k])))
        .fold(Float::new(prec()), |a, v| a.max(&v));
    // Terms up to an order K ≥ 2‖B‖ + 8 whose tail bound is below 2^{−prec}.
    let eps = Float::with_val(prec(), 1) >> prec();
    let mut term: Vec<Float> = (0..m * m).map(|q| Float::with_val(prec(), u32::from(q / m == q % m))).collect();
    let mut sum = term.clone();
    let mut power = Float::with_val(prec(), 1);
    let mut k = 0u32;
    let tail = loop {
        k += 1;
        let mut next = vec![Float::new(prec()); m * m];
        for i in 0..m {
            for j in 0..m {
                let mut acc = Float::new(prec());
                for l in 0..m {
                    acc = add_up(&acc, &mul_up(&term[i * m + l], &b[l * m + j]));
                }
                next[i * m + j] = Float::with_val_round(prec(), &acc / k, rug::float::Round::Up).0;
            }
        }
        term = next;
        sum = sum.iter().zip(&term).map(|(a, t)| add_up(a, t)).collect();
        // ‖B‖^{k+1}/(k+1)!, then twice it bounds the tail once ‖B‖ ≤ (k + 2)/2.
        power = Float::with_val_round(prec(), mul_up(&power, &norm) / k, rug::float::Round::Up).0;
        let next_term = Float::with_val_round(prec(), mul_up(&power, &norm) / (k + 1), rug::float::Round::Up).0;
        let tail = mul_up(&next_term, &Float::with_val(prec(), 2));
        let big = Float::with_val(prec(), 2 * k + 4) >= mul_up(&norm, &Float::with_val(prec(), 4));
        if big && tail <= eps {
            break tail;
        }
        if k >= 4000 {
            // No bound proved: an infinite one (the step's set becomes unbounded and fails).
            break if big { tail } else { Float::with_val(prec(), f64::INFINITY) };
        }
    };
    let shrink = exp_up(&Float::with_val(prec(), -&s));
    sum.iter().map(|v| mul_up(&add_up(v, &tail), &shrink)).collect()
}
