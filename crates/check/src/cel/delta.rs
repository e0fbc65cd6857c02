//! A certified enclosure of Chistikov–Englert–Lazić's `δ` (§3) and of the eigen-data it uses:
//! eigenvalues of `(1/n)XXᵀ` isolated by exact rational inertia counts (LDLᵀ of `C − σI`,
//! `C = Σ x_i x_iᵀ`, Sylvester's law of inertia), the coordinates `ν_k*` from spectral projectors
//! with intervals, and the minimum-over-stage yardstick terms by branch and bound over the
//! great-circle arc (Prop 14(x)). See `proofs-notes/thm-cel.thm6.md`.

use crate::cel::closed::{all_yardsticks, stage_set};
use crate::cel::geometry::{directions, i_plus};
use crate::cel::yardstick::gamma_of;
use crate::rational::{dot, norm_sq};
use crate::verdict::show;
use reluflow_arith::{Enclosure, linalg};
use reluflow_model::Problem;
use rug::Rational;

/// `#{eigenvalues of c < σ}` by an exact LDLᵀ of `c − σI`; `None` if a pivot is zero (then `σ`
/// is an eigenvalue of a leading principal submatrix and the count is not read off).
pub fn count_below(c: &[Vec<Rational>], sigma: &Rational) -> Option<usize> {
    let d = c.len();
    let mut a: Vec<Vec<Rational>> = c.to_vec();
    for (i, row) in a.iter_mut().enumerate() {
        row[i] -= sigma;
    }
    let mut neg = 0;
    for k in 0..d {
        let piv = a[k][k].clone();
        if piv == 0 {
            return None;
        }
        if piv < 0 {
            neg += 1;
        }
        for i in k + 1..d {
            let f = Rational::from(&a[i][k] / &piv);
            for j in k + 1..d {
                let t = Rational::from(&f * &a[k][j]);
                a[i][j] -= t;
            }
        }
    }
    Some(neg)
}

fn count_near(c: &[Vec<Rational>], sigma: &Rational, lo: &Rational, hi: &Rational) -> Option<(Rational, usize)> {
    // Move σ a little inside (lo, hi) until no pivot vanishes (finitely many bad points).
    let w = Rational::from(hi - lo);
    for k in 0..16u32 {
        let s = if k == 0 { sigma.clone() } else { sigma + Rational::from(&w / (k * 7 + 3)) };
        if &s <= lo || &s >= hi {
            continue;
        }
        if let Some(n) = count_below(c, &s) {
            return Some((s, n));
        }
    }
    None
}

/// Isolating intervals `[lo, hi]` (exact rationals, width ≤ `tol`, one eigenvalue each) of the
/// eigenvalues of the symmetric rational matrix `c`, **descending**; `None` if two eigenvalues
/// cannot be separated within 400 bisections (e.g. a repeated eigenvalue).
pub fn eigen_intervals(c: &[Vec<Rational>], tol: &Rational) -> Option<Vec<(Rational, Rational)>> {
    let d = c.len();
    // Gershgorin: every eigenvalue lies in [−r, r].
    let r: Rational = c.iter().map(|row| row.iter().map(|v| Rational::from(v.abs_ref())).sum::<Rational>()).max()?;
    let r: Rational = r + 1u32;
    let lo0 = Rational::from(-&r);
    let mut stack = vec![(lo0.clone(), r.clone(), count_below(c, &lo0)?, count_below(c, &r)?)];
    let mut out = Vec::new();
    let mut steps = 0;
    while let Some((lo, hi, clo, chi)) = stack.pop() {
        if chi == clo {
            continue;
        }
        if chi - clo == 1 && Rational::from(&hi - &lo) <= *tol {
            out.push((lo, hi));
            continue;
        }
        steps += 1;
        if steps > 400 * d.max(1) {
            return None;
        }
        let mid = Rational::from(&lo + &hi) / 2;
        let (m, cm) = count_near(c, &mid, &lo, &hi)?;
        stack.push((lo, m.clone(), clo, cm));
        stack.push((m, hi, cm, chi));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0));
    (out.len() == d).then_some(out)
}

/// `P_k v = Π_{l≠k} (C − η_l)/(η_k − η_l) v` for every `k`: the spectral projections of `v` for the
/// symmetric `c` with the distinct eigenvalues enclosed in `eta`.
pub fn spectral_projections<S: Enclosure>(c: &[Vec<S>], eta: &[S], v: &[S], ctx: &S::Ctx) -> Vec<Vec<S>> {
    (0..eta.len())
        .map(|k| {
            let mut w = v.to_vec();
            for l in (0..eta.len()).filter(|&l| l != k) {
                let cw: Vec<S> = c.iter().map(|row| linalg::dot(row, &w, ctx)).collect();
                let den = eta[k].sub(&eta[l]);
                w = cw.iter().zip(&w).map(|(a, b)| a.sub(&eta[l].mul(b)).div(&den)).collect();
            }
            w
        })
        .collect()
}

/// The eigen-data of `(1/n)XXᵀ` and `v*` in backend `S`.
#[derive(Clone, Debug)]
pub struct Eigen<S> {
    /// `η_1 > … > η_d`, enclosed.
    pub eta: Vec<S>,
    /// `P_k v* = ν_k* u_k` for every `k` (spectral projectors applied to `v*`).
    pub proj: Vec<Vec<S>>,
    /// `ν_k*² = v*ᵀP_k v*`.
    pub nu_sq: Vec<S>,
}

/// The eigen-data, or why not (no teacher, eigenvalues not separated).
pub fn eigen<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> Result<Eigen<S>, String> {
    let data = p.data();
    let (d, n) = (data.d(), data.n());
    let v = data.teacher().ok_or("no teacher v*")?;
    let x = data.x();
    let nq = Rational::from(n as u64);
    let c: Vec<Vec<Rational>> = (0..d)
        .map(|a| (0..d).map(|b| x.iter().map(|xi| Rational::from(&xi[a] * &xi[b])).sum::<Rational>() / &nq).collect())
        .collect();
    let tol = Rational::from((1, 1u64 << 62));
    let iv = eigen_intervals(&c, &tol).ok_or("the eigenvalues of XXᵀ/n could not be separated")?;
    let eta: Vec<S> = iv.iter().map(|(lo, hi)| S::from_bounds(lo, hi, ctx)).collect();
    let cs: Vec<Vec<S>> = c.iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let vs: Vec<S> = v.iter().map(|q| S::from_rational(q, ctx)).collect();
    let proj = spectral_projections(&cs, &eta, &vs, ctx);
    let nu_sq = proj.iter().map(|w| linalg::dot(&vs, w, ctx)).collect();
    Ok(Eigen { eta, proj, nu_sq })
}

/// An enclosure of `δ` with its terms.
#[derive(Clone, Debug)]
pub struct Delta<S> {
    /// `δ ∈ value` (lower end from certified lower bounds of every term).
    pub value: S,
    /// `Δ = max{max ‖x_i‖, max ‖z_j‖, 1}`.
    pub big: S,
    /// The term that attains the lower end, in words.
    pub smallest: String,
    /// Every term of the minimum with its enclosure (in the paper's time scale).
    pub terms: Vec<(String, S)>,
}

/// `min_{c ∈ [c0, c1]} |A + cB|/√(1 + c²)` bounded below by branch and bound on `c` (the
/// parameter `c = cot φ` of the great-circle arc): `(lower bound, a value at c0)`.
fn arc_min<S: Enclosure>(a: &S, b: &S, c0: &S, c1: &S) -> (S, S) {
    let ctx = a.ctx();
    let one = S::one(&ctx);
    let f = |c: &S| a.add(&c.mul(b)).abs().div(&one.add(&c.sqr()).sqrt());
    let range = c0.hull(c1);
    let at_start = f(c0);
    let mut pieces = vec![(range, 0u32)];
    let mut lower: Option<S> = None;
    while let Some((c, depth)) = pieces.pop() {
        let v = f(&c);
        if (!v.certainly_pos() || v.width_upper() > 0.5 * v.lower_f64()) && depth < 14 {
            let (l, r) = c.bisect();
            pieces.push((l, depth + 1));
            pieces.push((r, depth + 1));
            continue;
        }
        let lo = v.lo_point().max(&S::zero(&ctx));
        lower = Some(lower.map_or(lo.clone(), |m: S| m.min(&lo)));
    }
    (lower.unwrap_or_else(|| S::zero(&ctx)), at_start)
}

/// The certified enclosure of `δ` (every term of its definition in §3, with the yardstick times in
/// the paper's scale `τ_paper = 2nc·τ`), or why it is not available.
pub fn delta<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> Result<Delta<S>, String> {
    let data = p.data();
    let (d, n) = (data.d(), data.n());
    let x = data.x();
    let (z, s) = directions(p).ok_or("no hidden layer")?;
    let e = |q: &Rational| S::from_rational(q, ctx);
    let norm = |v: &[Rational]| e(&norm_sq(v)).sqrt();
    let mut terms: Vec<(String, S)> = Vec::new();
    terms.push(("x̄_iᵀx̄_i".into(), S::one(ctx)));
    for (i, xi) in x.iter().enumerate() {
        terms.push((format!("‖x_{i}‖"), norm(xi)));
        for (k, xk) in x.iter().enumerate().skip(i + 1) {
            terms.push((format!("x̄_{i}ᵀx̄_{k}"), e(&dot(xi, xk)).div(&norm(xi).mul(&norm(xk)))));
        }
    }
    let eig = eigen::<S>(p, ctx)?;
    let dm1 = S::from_i64(d as i64 - 1, ctx);
    for k in 0..d.saturating_sub(1) {
        let gap = eig.eta[k].sqrt().sub(&eig.eta[k + 1].sqrt()).mul(&dm1);
        terms.push((format!("(√η_{} − √η_{})(d − 1)", k + 1, k + 2), gap));
    }
    terms.push(("√η_d".into(), eig.eta[d - 1].sqrt()));
    let sqrt_d = S::from_i64(d as i64, ctx).sqrt();
    for (k, nu2) in eig.nu_sq.iter().enumerate() {
        if !nu2.certainly_pos() {
            return Err(format!("ν_{}*² ∈ {} is not certainly > 0", k + 1, show(nu2)));
        }
        terms.push((format!("ν_{}*√d", k + 1), nu2.sqrt().mul(&sqrt_d)));
    }
    let mut big = S::one(ctx);
    for v in x.iter().chain(z.iter()) {
        big = big.max(&norm(v));
    }
    for (j, zj) in z.iter().enumerate() {
        terms.push((format!("‖z_{j}‖"), norm(zj)));
    }
    let kappa = e(&(p.grad_factor() * Rational::from(n as u64)));
    let one = S::one(ctx);
    for y in all_yardsticks::<S>(p, ctx).map_err(|v| format!("the yardsticks: {v}"))? {
        let j = y.neuron;
        let c = y.cos_phi0.clone();
        let sgn = S::from_i64(i64::from(y.sign), ctx);
        terms.push(if y.sign == 1 {
            (format!("cos φ_{j}^0"), c)
        } else {
            (format!("sin φ_{j}^0"), one.sub(&c.sqr()).sqrt())
        });
        let mut prev_tau = S::zero(ctx);
        let zs: Vec<S> = z[j].iter().map(|q| S::from_rational(q, ctx)).collect();
        let zn = linalg::norm(&zs, ctx);
        let mut dir: Vec<S> = zs.iter().map(|c| c.div(&zn)).collect();
        if s[j] == -1
            && let Some(c1) = y.crossings.first()
        {
            let xi = &x[c1.point];
            let xs: Vec<S> = xi.iter().map(|q| S::from_rational(q, ctx)).collect();
            terms.push((format!("ᾱ_{j}^0ᵀx̄_{}", c1.point), linalg::dot(&dir, &xs, ctx).div(&norm(xi))));
        }
        for (l, cr) in y.crossings.iter().enumerate() {
            terms.push((format!("τ_{j}^{} − τ_{j}^{}", l + 1, l), cr.tau.sub(&prev_tau).mul(&kappa)));
            let gamma = gamma_of::<S>(p, &stage_set(p, &y, l + 1), ctx);
            let g = linalg::norm(&gamma, ctx);
            let gbar: Vec<S> = gamma.iter().map(|v| v.div(&g)).collect();
            let c0 = linalg::dot(&dir, &gbar, ctx);
            let s0 = one.sub(&c0.sqr()).sqrt();
            let coef = |i: usize| {
                let xs: Vec<S> = x[i].iter().map(|q| S::from_rational(q, ctx)).collect();
                let xn = norm(&x[i]);
                let (a, gi) = (linalg::dot(&dir, &xs, ctx).div(&xn), linalg::dot(&gbar, &xs, ctx).div(&xn));
                (a.sub(&c0.mul(&gi)).div(&s0), gi)
            };
            let (a_end, b_end) = coef(cr.point);
            let (cot0, cot1) = (c0.div(&s0), a_end.div(&b_end).neg());
            if !s0.certainly_pos() || !b_end.certainly_pos() && !b_end.certainly_neg() || !sgn.is_finite() {
                return Err(format!("yardstick {j}, stage {}: degenerate arc", l + 1));
            }
            for i in (0..n).filter(|&i| i != cr.point && (l == 0 || i != y.crossings[l - 1].point)) {
                let (a, b) = coef(i);
                let (lo, at) = arc_min(&a, &b, &cot0, &cot1);
                terms.push((format!("min |ᾱ_{j}ᵀx̄_{i}| on stage {}", l + 1), lo.hull(&at.hi_point())));
            }
            prev_tau = cr.tau.clone();
            let dn = linalg::norm(&cr.dir, ctx);
            dir = cr.dir.iter().map(|v| v.div(&dn)).collect();
        }
    }
    let mut value = terms[0].1.clone();
    let mut smallest = terms[0].0.clone();
    for (name, t) in &terms[1..] {
        if t.lower_f64() < value.lower_f64() {
            smallest = name.clone();
        }
        value = value.min(t);
    }
    if z.iter().all(|zj| i_plus(p, zj).is_empty()) {
        return Err("J+ ∪ J− is empty".into());
    }
    Ok(Delta { value, big, smallest, terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[i64]]) -> Vec<Vec<Rational>> {
        rows.iter().map(|r| r.iter().map(|&a| Rational::from(a)).collect()).collect()
    }

    #[test]
    fn eigenvalues_are_isolated_exactly() {
        // [[2,1],[1,2]] has eigenvalues 3 and 1; diag(2, 3, 5) has 5, 3, 2.
        let tol = Rational::from((1, 1 << 20));
        let iv = eigen_intervals(&m(&[&[2, 1], &[1, 2]]), &tol).unwrap();
        assert!(iv[0].0 <= 3 && 3 <= iv[0].1 && iv[1].0 <= 1 && 1 <= iv[1].1, "{iv:?}");
        let iv = eigen_intervals(&m(&[&[2, 0, 0], &[0, 3, 0], &[0, 0, 5]]), &tol).unwrap();
        for ((lo, hi), e) in iv.iter().zip([5, 3, 2]) {
            assert!(*lo <= e && e <= *hi && Rational::from(hi - lo) <= tol);
        }
        // A repeated eigenvalue cannot be isolated.
        assert!(eigen_intervals(&m(&[&[1, 0], &[0, 1]]), &tol).is_none());
        assert_eq!(count_below(&m(&[&[2, 1], &[1, 2]]), &Rational::from((5, 2))), Some(1));
        assert_eq!(count_below(&m(&[&[2, 1], &[1, 2]]), &Rational::from(4)), Some(2));
        // σ = 2 makes the first pivot of C − σI vanish: no count is read off.
        assert_eq!(count_below(&m(&[&[2, 1], &[1, 2]]), &Rational::from(2)), None);
    }
}
