//! Per-mode enclosures of `E(s)p = exp(−sK)p` for pieces far longer than the Taylor pieces allow
//! (`s tr K ≤ 1/2`), so that stiff patterns need not be walked at the pace of their fastest mode.
//!
//! `Q` is any invertible rational matrix (the verifier's own Jacobi iteration makes it close to
//! orthonormal eigenvectors of `K`; nothing relies on how close). With `c = Q⁻¹v` the flow
//! `v̇ = −Kv` reads `ċ = −Mc`, `M = Q⁻¹KQ` (exact). Split `M = D + F` with `D` a dyadic diagonal;
//! by variation of constants, for `σ ∈ [0, h]`,
//! `c_k(σ) = e^{−σD_k}c_k(0) − ∫₀^σ e^{−(σ−τ)D_k}(Fc(τ))_k dτ`, and `|c_j(τ)| ≤ ‖(Q⁻¹)_j‖‖p‖`
//! because `‖E(τ)p‖ ≤ ‖p‖` (`K` symmetric positive semi-definite). So
//! `|c_k(σ) − e^{−σD_k}c_k(0)| ≤ φ_k‖p‖ J_k`, `φ_k = Σ_j |F_kj|‖(Q⁻¹)_j‖`,
//! `J_k = min(h, 1/D_k)` for `D_k > 0`, else `h·e^{−hD_k}`. `e^{−σD_k}` lies between 1 and
//! `e^{−hD_k}`, which gives the path box; `v = Qc`.

use crate::num::{BITS, I, dot, exp_neg, norm_up, round, sqrt_up};
use rug::Rational;
use std::collections::BTreeMap;

/// Eigen-coordinates of one pattern's `K`.
#[derive(Debug)]
pub struct Modes {
    d: usize,
    /// `Q` (columns: approximate eigenvectors), exact dyadics, row-major.
    q: Vec<Rational>,
    /// An outward enclosure of the exact `Q⁻¹`.
    qinv: Vec<I>,
    /// `D_k`.
    diag: Vec<Rational>,
    /// `φ_k` (rounded up).
    phi: Vec<Rational>,
    decay: BTreeMap<(usize, Rational), I>,
}

impl Modes {
    /// `None` when the iteration's `Q` is singular (the caller keeps Taylor pieces).
    pub fn new(k: &[Rational], d: usize) -> Option<Modes> {
        Modes::with(k, d, jacobi(k, d))
    }

    /// The modes of `k` in the coordinates `q` (any invertible matrix, row-major).
    pub fn with(k: &[Rational], d: usize, q: Vec<Rational>) -> Option<Modes> {
        let inv = inverse(&q, d)?;
        let kq: Vec<Rational> = (0..d * d).map(|e| dot_col(&k[e / d * d..e / d * d + d], &q, e % d, d)).collect();
        let m: Vec<Rational> = (0..d * d).map(|e| dot_col(&inv[e / d * d..e / d * d + d], &kq, e % d, d)).collect();
        let cn: Vec<Rational> = (0..d).map(|j| norm_up(&inv[j * d..(j + 1) * d])).collect();
        let diag: Vec<Rational> = (0..d).map(|j| round(m[j * d + j].clone(), false)).collect();
        let phi: Vec<Rational> = (0..d)
            .map(|r| {
                let s: Rational = (0..d)
                    .map(|c| {
                        let f = if r == c { Rational::from(&m[r * d + c] - &diag[r]) } else { m[r * d + c].clone() };
                        round(f.abs() * &cn[c], true)
                    })
                    .sum();
                round(s, true)
            })
            .collect();
        let qinv = inv.into_iter().map(|v| I::new(round(v.clone(), false), round(v, true))).collect();
        Some(Modes { d, q, qinv, diag, phi, decay: BTreeMap::new() })
    }

    fn decay(&mut self, k: usize, h: &Rational) -> I {
        let key = (k, h.clone());
        if let Some(e) = self.decay.get(&key) {
            return e.clone();
        }
        let e = exp_neg(&Rational::from(h * &self.diag[k]));
        self.decay.insert(key, e.clone());
        e
    }

    /// Enclosures of `E(h)p` and of `{E(σ)p : σ ∈ [0, h]}`.
    pub fn piece(&mut self, p: &[Rational], h: &Rational) -> (Vec<I>, Vec<I>) {
        let d = self.d;
        let np = norm_up(p);
        let mut end_c = Vec::with_capacity(d);
        let mut box_c = Vec::with_capacity(d);
        for k in 0..d {
            let c0 = (0..d).fold(I::zero(), |s, j| s.add(&self.qinv[k * d + j].mul_q(&p[j])));
            let e = self.decay(k, h);
            let span = if self.diag[k] > 0 {
                h.clone().min(Rational::from(self.diag[k].recip_ref()))
            } else {
                Rational::from(h * &e.hi)
            };
            let slack = round(Rational::from(&self.phi[k] * &np) * span, true);
            end_c.push(c0.mul(&e).widen(&slack));
            box_c.push(c0.mul(&e.hull(&I::pt(Rational::from(1u32)))).widen(&slack));
        }
        let back = |c: &[I]| -> Vec<I> {
            (0..d).map(|r| (0..d).fold(I::zero(), |s, k| s.add(&c[k].mul_q(&self.q[r * d + k])))).collect()
        };
        (back(&end_c), back(&box_c))
    }
}

/// `Σ_j row_j b_{j,col}` for a row-major `b`.
fn dot_col(row: &[Rational], b: &[Rational], col: usize, d: usize) -> Rational {
    let c: Vec<Rational> = (0..d).map(|j| b[j * d + col].clone()).collect();
    dot(row, &c)
}

/// Cyclic Jacobi rotations on `K` (rounded to `BITS` bits; an approximation only): the
/// accumulated rotations, row-major, columns the approximate eigenvectors.
fn jacobi(k: &[Rational], d: usize) -> Vec<Rational> {
    let r = |q: Rational| round(q, false);
    let mut a = k.to_vec();
    let mut v: Vec<Rational> = (0..d * d).map(|e| Rational::from(u32::from(e / d == e % d))).collect();
    let scale: Rational = a.iter().map(|x| Rational::from(x.square_ref())).sum();
    let tol = Rational::from(&scale >> (2 * BITS - 80));
    for _ in 0..40 {
        let off: Rational = (0..d * d).filter(|e| e / d != e % d).map(|e| Rational::from(a[e].square_ref())).sum();
        if off <= tol {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                if a[p * d + q] == 0 {
                    continue;
                }
                let zeta = r(Rational::from(&a[q * d + q] - &a[p * d + p]) / (Rational::from(&a[p * d + q]) * 2u32));
                let root = sqrt_up(&(Rational::from(zeta.square_ref()) + 1u32));
                let t = if zeta >= 0 { r((zeta.clone() + root).recip()) } else { r(-(root - zeta).recip()) };
                let c = r(sqrt_up(&(Rational::from(t.square_ref()) + 1u32)).recip());
                let s = r(Rational::from(&t * &c));
                rotate(&mut a, &mut v, d, (p, q), (&c, &s));
            }
        }
    }
    v
}

/// `A ← JᵀAJ`, `V ← VJ` for the rotation `J` in the plane `(p, q)`.
fn rotate(a: &mut [Rational], v: &mut [Rational], d: usize, (p, q): (usize, usize), (c, s): (&Rational, &Rational)) {
    let r = |x: Rational| round(x, false);
    let cols = |m: &mut [Rational]| {
        for i in 0..d {
            let (x, y) = (m[i * d + p].clone(), m[i * d + q].clone());
            m[i * d + p] = r(Rational::from(c * &x) - Rational::from(s * &y));
            m[i * d + q] = r(Rational::from(s * &x) + Rational::from(c * &y));
        }
    };
    cols(a);
    cols(v);
    for j in 0..d {
        let (x, y) = (a[p * d + j].clone(), a[q * d + j].clone());
        a[p * d + j] = r(Rational::from(c * &x) - Rational::from(s * &y));
        a[q * d + j] = r(Rational::from(s * &x) + Rational::from(c * &y));
    }
}

/// The exact inverse (Gauss–Jordan on rationals), `None` if singular.
fn inverse(m: &[Rational], d: usize) -> Option<Vec<Rational>> {
    let mut a = m.to_vec();
    let mut inv: Vec<Rational> = (0..d * d).map(|e| Rational::from(u32::from(e / d == e % d))).collect();
    for col in 0..d {
        let piv = (col..d).find(|&r| a[r * d + col] != 0)?;
        for j in 0..d {
            a.swap(piv * d + j, col * d + j);
            inv.swap(piv * d + j, col * d + j);
        }
        let f = Rational::from(a[col * d + col].recip_ref());
        for j in 0..d {
            a[col * d + j] *= &f;
            inv[col * d + j] *= &f;
        }
        for r in (0..d).filter(|&r| r != col) {
            let g = a[r * d + col].clone();
            if g == 0 {
                continue;
            }
            for j in 0..d {
                let (x, y) = (Rational::from(&g * &a[col * d + j]), Rational::from(&g * &inv[col * d + j]));
                a[r * d + j] -= x;
                inv[r * d + j] -= y;
            }
        }
    }
    Some(inv)
}

/// Approximate eigenpairs of the symmetric `k` (`d × d`) from the Jacobi rotations: per column `q`
/// of `Q`, its Rayleigh quotient (rounded) and the column. An approximation only: whoever uses it
/// checks what it needs exactly.
pub(crate) fn approximate_eigen(k: &[Rational], d: usize) -> Vec<(Rational, Vec<Rational>)> {
    let q = jacobi(k, d);
    (0..d)
        .map(|c| {
            let col: Vec<Rational> = (0..d).map(|r| q[r * d + c].clone()).collect();
            let kc: Vec<Rational> = (0..d).map(|r| dot(&k[r * d..(r + 1) * d], &col)).collect();
            let n2 = dot(&col, &col);
            let rq = if n2 == 0 { Rational::new() } else { round(dot(&col, &kc) / n2, false) };
            (rq, col)
        })
        .collect()
}
