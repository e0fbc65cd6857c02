//! Lohner's QR method with per-neuron scaling: the set `{c + D·B·r : r ∈ R}` with a point centre
//! `c`, `D = diag(2^{e})` (one exponent per neuron block), an f64 matrix `B` with nearly
//! orthonormal columns, and an interval vector `R`.
//!
//! Proofs note: `proofs-notes/net-validated-wrapping.md` (part B: the step, the rigorous inverse
//! of the floating-point `Q`).

use super::Net;
use super::series::Series;
use super::taylor::{block_exponents, maxabs, poly_at, sym};
use reluflow_arith::Enclosure;
use reluflow_arith::midrad::{MidRadMat, add_ru};

/// A Lohner set `{c + D B r : r ∈ R}`.
#[derive(Clone, Debug)]
pub(crate) struct LohnerSet<S> {
    /// Centre (degenerate intervals).
    pub c: Vec<S>,
    /// Scale exponents `D = diag(2^{e})`.
    pub e: Vec<i32>,
    /// `N × N` row-major basis.
    pub b: Vec<f64>,
    /// Coefficient box.
    pub r: Vec<S>,
}

impl<S: Enclosure> LohnerSet<S> {
    /// The set of a box: `c = mid(x)`, `B = I`, `R = D⁻¹(x − c)`.
    pub fn from_box(net: &Net<S>, x: &[S]) -> LohnerSet<S> {
        let nn = x.len();
        let c: Vec<S> = x.iter().map(|v| v.mid()).collect();
        let e = block_exponents(net, &c);
        let r = x.iter().zip(&c).zip(&e).map(|((v, cv), &ec)| v.sub(cv).mul_2si(-ec)).collect();
        let mut b = vec![0.0; nn * nn];
        for k in 0..nn {
            b[k * nn + k] = 1.0;
        }
        LohnerSet { c, e, b, r }
    }

    /// The interval hull `c + D (B R)`.
    pub fn hull(&self) -> Vec<S> {
        let nn = self.c.len();
        let ctx = self.c[0].ctx();
        (0..nn)
            .map(|a| {
                let mut acc = S::zero(&ctx);
                for k in 0..nn {
                    let bak = self.b[a * nn + k];
                    if bak != 0.0 {
                        acc.add_mul_assign(&S::from_f64(bak, &ctx), &self.r[k]);
                    }
                }
                self.c[a].add(&acc.mul_2si(self.e[a]))
            })
            .collect()
    }
}

/// Householder QR of the `n × n` matrix `a` (row-major) with its columns taken in the order
/// `perm`; returns the orthogonal factor `Q` (row-major, approximate: only `QᵀQ ≈ I` is used, and
/// that is bounded rigorously by the caller).
fn householder_q(a: &[f64], n: usize, perm: &[usize]) -> Vec<f64> {
    let mut r: Vec<f64> = vec![0.0; n * n];
    for i in 0..n {
        for (k, &p) in perm.iter().enumerate() {
            r[i * n + k] = a[i * n + p];
        }
    }
    let mut q = vec![0.0; n * n];
    for k in 0..n {
        q[k * n + k] = 1.0;
    }
    for k in 0..n {
        let norm: f64 = (k..n).map(|i| r[i * n + k] * r[i * n + k]).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            continue;
        }
        let alpha = if r[k * n + k] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = (k..n).map(|i| r[i * n + k]).collect();
        v[0] -= alpha;
        let vn: f64 = v.iter().map(|x| x * x).sum();
        if vn == 0.0 {
            continue;
        }
        // R ← H R, Q ← Q H with H = I − 2 v vᵀ / vᵀv on rows/columns k..n.
        for col in 0..n {
            let s: f64 = (k..n).map(|i| v[i - k] * r[i * n + col]).sum::<f64>() * 2.0 / vn;
            for i in k..n {
                r[i * n + col] -= s * v[i - k];
            }
        }
        for row in 0..n {
            let s: f64 = (k..n).map(|i| q[row * n + i] * v[i - k]).sum::<f64>() * 2.0 / vn;
            for i in k..n {
                q[row * n + i] -= s * v[i - k];
            }
        }
    }
    q
}

/// An upper bound of `‖I − QᵀQ‖_∞` computed with midpoint–radius products (rigorous).
fn orthogonality_defect_ru(q: &[f64], n: usize) -> f64 {
    let mut qt = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            qt[k * n + i] = q[i * n + k];
        }
    }
    let p = MidRadMat::from_points(n, n, &qt).mat_mul(&MidRadMat::from_points(n, n, q));
    let mut worst: f64 = 0.0;
    for i in 0..n {
        let mut row = 0.0;
        for k in 0..n {
            let idx = i * n + k;
            let target = if i == k { 1.0 } else { 0.0 };
            row = add_ru(row, add_ru((target - p.mid()[idx]).abs(), p.rad()[idx]));
        }
        worst = worst.max(row);
    }
    worst
}

/// One Lohner step of length `h` (an interval containing the exact step length), from `set`,
/// with Taylor values `ser_c` at the centre, values and Jacobians `ser_x` over the hull, and the
/// remainder factor `rem` (order `p+1` coefficient over an a priori enclosure for `[0, ≥ h]`);
/// `extra`, if given, is an interval vector added to every image (the set is then
/// `φ_h(𝒳) + extra`). Returns the new set and a box enclosure of the end state, or `None` if the basis could not be
/// inverted rigorously.
pub(crate) fn lohner_step<S: Enclosure>(
    net: &Net<S>,
    set: &LohnerSet<S>,
    ser_c: &Series<S>,
    ser_x: &Series<S>,
    rem: &[S],
    h: &S,
    extra: Option<&[S]>,
) -> Option<(LohnerSet<S>, Vec<S>)> {
    let ctx = &net.ctx;
    let nn = net.dim();
    // z = T_p(c; h) + rem·h^{p+1} (+ an additive enclosure `extra`, e.g. the saltation term)
    let mut z = poly_at(&ser_c.x, Some(rem), h);
    if let Some(extra) = extra {
        z = z.iter().zip(extra).map(|(a, b)| a.add(b)).collect();
    }
    // J = Σ_k jac_k h^k (Horner per entry), then A = J·D·B.
    let p = ser_x.jac.len() - 1;
    let mut jm: Vec<S> = ser_x.jac[p].clone();
    for k in (0..p).rev() {
        for (jv, c) in jm.iter_mut().zip(&ser_x.jac[k]) {
            *jv = jv.mul_add(h, c);
        }
    }
    for a in 0..nn {
        for b in 0..nn {
            jm[a * nn + b] = jm[a * nn + b].mul_2si(set.e[b]);
        }
    }
    let mut am: Vec<S> = vec![S::zero(ctx); nn * nn];
    for a in 0..nn {
        for k in 0..nn {
            let jak = &jm[a * nn + k];
            for b in 0..nn {
                let bkb = set.b[k * nn + b];
                if bkb != 0.0 {
                    am[a * nn + b].add_mul_assign(jak, &S::from_f64(bkb, ctx));
                }
            }
        }
    }
    // Direct enclosure z + A R.
    let direct: Vec<S> = (0..nn)
        .map(|a| {
            let mut acc = z[a].clone();
            for b in 0..nn {
                acc.add_mul_assign(&am[a * nn + b], &set.r[b]);
            }
            acc
        })
        .collect();
    let c_new: Vec<S> = z.iter().map(|v| v.mid()).collect();
    let e_new = block_exponents(net, &c_new);
    // Â = D'⁻¹A, v = D'⁻¹(z − c').
    for a in 0..nn {
        for b in 0..nn {
            am[a * nn + b] = am[a * nn + b].mul_2si(-e_new[a]);
        }
    }
    let v: Vec<S> = (0..nn).map(|a| z[a].sub(&c_new[a]).mul_2si(-e_new[a])).collect();
    let amid: Vec<f64> = am.iter().map(|x| x.approx_f64()).collect();
    if amid.iter().any(|x| !x.is_finite()) {
        return None;
    }
    // Columns sorted by decreasing ‖Â_col‖ · rad(R_col) (Lohner's ordering).
    let mut perm: Vec<usize> = (0..nn).collect();
    let key: Vec<f64> = (0..nn)
        .map(|b| {
            let cn: f64 = (0..nn).map(|a| amid[a * nn + b] * amid[a * nn + b]).sum::<f64>().sqrt();
            cn * set.r[b].rad_upper()
        })
        .collect();
    perm.sort_by(|x, y| key[*y].partial_cmp(&key[*x]).unwrap_or(std::cmp::Ordering::Equal));
    let q = householder_q(&amid, nn, &perm);
    let eps = orthogonality_defect_ru(&q, nn);
    if eps.is_nan() || eps >= 0.5 {
        return None;
    }
    let factor = (eps / (1.0 - eps).next_down()).next_up();
    // y = (QᵀÂ) R + Qᵀ v, then R' = y + [−δ, δ], δ = ε/(1−ε) ‖y‖_∞.
    let qs: Vec<S> = q.iter().map(|x| S::from_f64(*x, ctx)).collect();
    let mut y: Vec<S> = Vec::with_capacity(nn);
    for a in 0..nn {
        let mut row = vec![S::zero(ctx); nn];
        let mut acc = S::zero(ctx);
        for k in 0..nn {
            let qka = &qs[k * nn + a];
            if q[k * nn + a] == 0.0 {
                continue;
            }
            for b in 0..nn {
                row[b].add_mul_assign(qka, &am[k * nn + b]);
            }
            acc.add_mul_assign(qka, &v[k]);
        }
        for b in 0..nn {
            acc.add_mul_assign(&row[b], &set.r[b]);
        }
        y.push(acc);
    }
    let delta = maxabs(&y, ctx).hi_point().mul(&S::from_f64(factor, ctx));
    let r_new: Vec<S> = y.iter().map(|yv| yv.add(&sym(&delta))).collect();
    let set_new = LohnerSet { c: c_new, e: e_new, b: q, r: r_new };
    let via_set = set_new.hull();
    let end: Vec<S> = via_set
        .iter()
        .zip(&direct)
        .map(|(a, b)| {
            let i = a.intersect(b);
            if i.is_empty() { a.clone() } else { i }
        })
        .collect();
    if end.iter().any(|x| !x.is_finite()) {
        return None;
    }
    Some((set_new, end))
}
