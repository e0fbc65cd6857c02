//! Chistikov–Englert–Lazić statements at and after `T1 = ε ln(1/λ)/‖γ_[n]‖` along two-layer
//! trajectories: Lemma 5/23 (alignment at `T1`) and Lemma 28 (the bundle's angles). Their
//! hypotheses include Assumption 2, certified true only for astronomically small λ. See `proofs-notes/thm-cel.lemma5.md`
//! and `proofs-notes/thm-cel.lemma28-angles.md`.

use crate::cel::geometry::{gamma, i_plus, ln_rational};
use crate::cel::traj::phase_start;
use crate::inst::Inst;
use crate::rational::norm_sq;
use crate::sweep::{Coverage, certainly_le, certainly_less};
use crate::verdict::{Proof, Verdict, show};
use reluflow_arith::{Enclosure, linalg, meet};
use reluflow_flow::{State, Trajectory};
use reluflow_model::Problem;
use rug::Rational;

/// `cel.lemma5` (Lemma 5 / 23(iii),(iv)): for `j ∈ J+` at `T1`: `‖w_j‖ < 2‖z_j‖λ^{1−ε}`,
/// `w̄_jᵀγ̄_[n] ≥ 1 − λ^ε` and `|ln‖α_j^{T1}‖ − ln‖w_j^{T1}/λ‖| ≤ λ^{1−3ε}`, with `‖α_j^{T1}‖` from
/// the certified yardstick and Prop 13/22 (needs `T1 > τ_j^{n_j}`), and `w_j^{T1}` enclosed by the
/// hulls of every segment that may contain `T1`.
pub fn lemma5<S: Enclosure>(
    p: &Problem,
    eps: &Rational,
    inst: &Inst<S>,
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let ctx = &inst.ctx;
    let (t1, scale, z, s) = match phase_start::<S>(p, eps, ctx) {
        Ok(start) => start,
        Err(v) => return v,
    };
    let n = p.data().n();
    let factor = p.grad_factor() * Rational::from(n as u64);
    let g: Vec<S> = gamma(p, &(0..n).collect::<Vec<_>>())
        .iter()
        .map(|q| S::from_rational(&Rational::from(q * &factor), ctx))
        .collect();
    let gn = linalg::norm(&g, ctx);
    let ln_l = ln_rational::<S>(scale, ctx);
    let eps_s = S::from_rational(eps, ctx);
    let pow = |e: S| e.mul(&ln_l).exp(); // λ^e
    let one = S::one(ctx);
    let segs: Vec<usize> = cov
        .segs
        .iter()
        .copied()
        .filter(|&k| {
            !certainly_less(traj.segments()[k].t_end(), &t1) && !certainly_less(&t1, traj.segments()[k].t_start())
        })
        .collect();
    if segs.is_empty() {
        return Verdict::undecided(format!("no certified segment reaches T1 ∈ {}", show(&t1)));
    }
    let mut unknown: Option<String> = None;
    for j in (0..z.len()).filter(|&j| s[j] == 1 && !i_plus(p, &z[j]).is_empty()) {
        let y = match crate::cel::yardstick::yardstick::<S>(p, j, ctx) {
            Ok(y) => y,
            Err(e) => return Verdict::undecided(format!("yardstick {j}: {e}")),
        };
        // ‖α_j‖ and cos φ after the last crossing (or at t = 0 when n_j = 0).
        let zs: Vec<S> = z[j].iter().map(|q| S::from_rational(q, ctx)).collect();
        let (tau, a_norm, dir) = match y.crossings.last() {
            Some(c) => (c.tau.clone(), c.norm.clone(), c.dir.clone()),
            None => (S::zero(ctx), linalg::norm(&zs, ctx), zs.clone()),
        };
        if !certainly_less(&tau, &t1) {
            return Verdict::undecided(format!(
                "T1 ∈ {} is not certainly after τ_{j}^(n_j) ∈ {}",
                show(&t1),
                show(&tau)
            ));
        }
        let c = linalg::dot(&dir, &g, ctx).div(&linalg::norm(&dir, ctx).mul(&gn));
        let e = gn.mul(&t1.sub(&tau)).exp();
        let alpha_t1 = a_norm.mul(&one.add(&c).mul(&e).add(&one.sub(&c).div(&e)).mul_2si(-1));
        let zn = S::from_rational(&norm_sq(&z[j]), ctx).sqrt();
        let lam = S::from_rational(scale, ctx);
        let b_norm = zn.mul_2si(1).mul(&pow(one.sub(&eps_s)));
        let b_cos = one.sub(&pow(eps_s.clone()));
        let b_ln = pow(one.sub(&eps_s.mul(&S::from_i64(3, ctx))));
        for &k in &segs {
            let seg = &traj.segments()[k];
            let contains = certainly_le(seg.t_start(), &t1) && certainly_le(&t1, seg.t_end());
            let at = || cov.at(k, seg);
            let w = &seg.hull().w[j];
            let nw = linalg::norm(w, ctx);
            let cos = linalg::dot(w, &g, ctx).div(&nw.mul(&gn));
            let dln = alpha_t1.ln().sub(&nw.div(&lam).ln()).abs();
            // (name, value, bound, relation): 0 = "< b", 1 = "≤ b", 2 = "≥ b".
            let checks = [
                ("‖w_j(T1)‖", nw.clone(), b_norm.clone(), 0),
                ("w̄_jᵀγ̄_[n] at T1", cos, b_cos.clone(), 2),
                ("|ln‖α_j(T1)‖ − ln‖w_j(T1)/λ‖|", dln, b_ln.clone(), 1),
            ];
            for (name, v, b, rel) in checks {
                let (good, bad, word) = match rel {
                    0 => (certainly_less(&v, &b), certainly_le(&b, &v), "<"),
                    1 => (certainly_le(&v, &b), certainly_less(&b, &v), "≤"),
                    _ => (certainly_le(&b, &v), certainly_less(&v, &b), "≥"),
                };
                if bad && contains {
                    let breaks = format!("must be {word} {}", show(&b));
                    return Verdict::violated(at(), format!("neuron {j}: {name}"), Some(v), breaks);
                }
                if !good && unknown.is_none() {
                    unknown = Some(format!(
                        "neuron {j}: {name} ∈ {} on {} is not certainly {word} {}",
                        show(&v),
                        at(),
                        show(&b)
                    ));
                }
            }
        }
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: format!("t = T1 ∈ {}", show(&t1)) }
}

/// `cel.lemma28-angles` (Lemma 28(i) and the angle monotonicity of its proof): for `t ≥ T1` and
/// `j, k ∈ J+`, `1 − w̄_jᵀw̄_k < 4λ^ε`, and `c_jk = w̄_jᵀw̄_k` is non-decreasing, from
/// `ċ = (ẇ_jᵀw_k + w_jᵀẇ_k)/(‖w_j‖‖w_k‖) − c(w_jᵀẇ_j/‖w_j‖² + w_kᵀẇ_k/‖w_k‖²)` on hulls and `c`
/// at segment ends.
pub fn lemma28<S: Enclosure>(
    p: &Problem,
    eps: &Rational,
    inst: &Inst<S>,
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let ctx = &inst.ctx;
    let (t1, scale, z, s) = match phase_start::<S>(p, eps, ctx) {
        Ok(start) => start,
        Err(v) => return v,
    };
    let plus: Vec<usize> = (0..z.len()).filter(|&j| s[j] == 1 && !i_plus(p, &z[j]).is_empty()).collect();
    if plus.len() < 2 {
        return Verdict::Holds { proof: Proof::Exact, range: "vacuously: fewer than two neurons in J+".into() };
    }
    let bound = S::from_i64(4, ctx).mul(&S::from_rational(eps, ctx).mul(&ln_rational::<S>(scale, ctx)).exp());
    let one = S::one(ctx);
    let cosine = |w: &State<S>, j: usize, k: usize| {
        let (a, b) = (&w.w[j], &w.w[k]);
        linalg::dot(a, b, ctx).div(&linalg::norm(a, ctx).mul(&linalg::norm(b, ctx)))
    };
    let mut unknown: Option<String> = None;
    let mut reached = false;
    for (x, &j) in plus.iter().enumerate() {
        for &k in &plus[x + 1..] {
            let mut best: Option<S> = None;
            for &i in &cov.segs {
                let seg = &traj.segments()[i];
                if certainly_le(seg.t_end(), &t1) {
                    continue;
                }
                reached = true;
                let after = certainly_le(&t1, seg.t_start());
                let at = || cov.at(i, seg);
                let h = seg.hull();
                let c = cosine(h, j, k);
                let gap = one.sub(&c);
                if after && certainly_le(&bound, &gap) {
                    return Verdict::violated(
                        at(),
                        format!("1 − w̄_{j}ᵀw̄_{k}"),
                        Some(gap),
                        format!("must be < 4λ^ε = {}", show(&bound)),
                    );
                }
                if !certainly_less(&gap, &bound) && unknown.is_none() {
                    unknown = Some(format!(
                        "1 − w̄_{j}ᵀw̄_{k} ∈ {} on {} is not certainly < {}",
                        show(&gap),
                        at(),
                        show(&bound)
                    ));
                }
                let v = inst.velocity(h, seg.pattern());
                let (wj, wk, dj, dk) = (&h.w[j], &h.w[k], &v.w[j], &v.w[k]);
                let (nj, nk) = (linalg::norm_sq(wj, ctx), linalg::norm_sq(wk, ctx));
                let first = linalg::dot(dj, wk, ctx).add(&linalg::dot(wj, dk, ctx)).div(&nj.mul(&nk).sqrt());
                let second = c.mul(&linalg::dot(wj, dj, ctx).div(&nj).add(&linalg::dot(wk, dk, ctx).div(&nk)));
                let mut cdot = first.sub(&second);
                if seg.pattern().active[j] == seg.pattern().active[k] {
                    // Balanced init keeps a_j = ‖w_j‖ (Prop 1(ii)), and equal patterns give
                    // g_j = g_k = g, so ċ = (1 − c)(w̄_j + w̄_k)ᵀg (Lemma 28's proof), with
                    // 1 − c ≥ 0 by Cauchy–Schwarz. Both forms enclose ċ: intersect them.
                    let g = &inst.g(h, seg.pattern())[j];
                    let (nj1, nk1) = (nj.sqrt(), nk.sqrt());
                    let sum: Vec<S> = wj.iter().zip(wk).map(|(a, b)| a.div(&nj1).add(&b.div(&nk1))).collect();
                    let product = one.sub(&c).max(&S::zero(ctx)).mul(&linalg::dot(&sum, g, ctx));
                    cdot = match meet("check: d/dt w̄_jᵀw̄_k, general form ∩ equal-pattern form", &cdot, &product)
                    {
                        Ok(v) => v,
                        Err(e) => return e.into(),
                    };
                }
                if after && cdot.certainly_neg() && certainly_less(seg.t_start(), seg.t_end()) {
                    return Verdict::violated(
                        at(),
                        format!("d/dt w̄_{j}ᵀw̄_{k}"),
                        Some(cdot),
                        "must be ≥ 0 (angles non-increasing)",
                    );
                }
                if !cdot.certainly_nonneg() && unknown.is_none() {
                    unknown = Some(format!("d/dt w̄_{j}ᵀw̄_{k} ∈ {} on {} has no certain sign", show(&cdot), at()));
                }
                if after {
                    let ce = cosine(seg.end(), j, k);
                    if let Some(b) = &best
                        && certainly_less(&ce, b)
                    {
                        let at_end = cov.end_at(i, seg);
                        return Verdict::violated(
                            at_end,
                            format!("w̄_{j}ᵀw̄_{k}"),
                            Some(ce),
                            format!("decreased from {}", show(b)),
                        );
                    }
                    if best.as_ref().is_none_or(|b| b.lower_f64() < ce.lower_f64()) {
                        best = Some(ce);
                    }
                }
            }
        }
    }
    if !reached {
        return Verdict::undecided(format!("the certified segments end before T1 ∈ {}", show(&t1)));
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("no violation found, but {why}"));
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    Verdict::Holds {
        proof: Proof::Enclosures,
        range: format!("t ∈ [T1, {}], T1 ∈ {}", show(traj.t_final()), show(&t1)),
    }
}
