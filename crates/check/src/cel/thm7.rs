//! `cel.thm7-limit` (Theorem 7): the exact finite-λ facts of its proof as invariants along one
//! trajectory ([`thm7_facts`]), and the λ → 0 statement as a **trend over runs, not a proof**
//! ([`thm7_trend`]). See `proofs-notes/thm-cel.thm7-limit.md`.

use crate::cel::geometry::{directions, i_plus};
use crate::inst::Inst;
use crate::rational::norm_sq;
use crate::sweep::{Coverage, certainly_le, certainly_less, overlaps};
use crate::verdict::{Location, Proof, Verdict, show};
use reluflow_arith::{Enclosure, linalg};
use reluflow_flow::{State, Trajectory};
use reluflow_model::{Init, Problem};
use rug::Rational;

fn j_plus(p: &Problem) -> Option<(Vec<usize>, Vec<Vec<Rational>>)> {
    let (z, s) = directions(p)?;
    let plus = (0..z.len()).filter(|&j| s[j] == 1 && !i_plus(p, &z[j]).is_empty()).collect();
    Some((plus, z))
}

/// The bundle `v = Σ_{J+} a_j w_j`.
fn bundle<S: Enclosure>(st: &State<S>, plus: &[usize], ctx: &S::Ctx) -> Vec<S> {
    let d = st.w.first().map_or(0, Vec::len);
    let mut v = vec![S::zero(ctx); d];
    for &j in plus {
        let aj = st.a.as_ref().map_or_else(|| S::zero(ctx), |a| a[j].clone());
        for (vk, wk) in v.iter_mut().zip(&st.w[j]) {
            vk.add_mul_assign(&aj, wk);
        }
    }
    v
}

/// Summary numbers of a state for the trend: `Σ_{J+}‖w_j‖²`, `‖v − v*‖`, the largest
/// `1 − cos∠(w_j, w_k)` over pairs in `J+`, the distance to `Θ_v*`.
#[derive(Clone, Debug)]
pub struct Summary<S> {
    /// `Σ_{J+}‖w_j‖²`.
    pub sum_sq: S,
    /// `‖v − v*‖` for the bundle `v = Σ_{J+} a_j w_j`.
    pub dist_v: S,
    /// `max_{j,k∈J+} (1 − w̄_jᵀw̄_k)` (0 with fewer than two neurons).
    pub max_one_minus_cos: S,
    /// `dist(θ, Θ_v*)`, from `dist² = Σ_j(‖w_j‖² + a_j²) + 2 − 2 max_{ρ≥0,‖ρ‖=1} ρᵀb`,
    /// `b_j = w_jᵀv* + a_j` (the max is `‖b_+‖` when some `b_j > 0`, else `max_j b_j`).
    pub dist_theta: S,
}

/// The [`Summary`] of `st`, or `None` without a teacher or hidden layer.
pub fn summary<S: Enclosure>(p: &Problem, st: &State<S>, ctx: &S::Ctx) -> Option<Summary<S>> {
    let (plus, _) = j_plus(p)?;
    let vstar: Vec<S> = p.data().teacher()?.iter().map(|q| S::from_rational(q, ctx)).collect();
    let zero = S::zero(ctx);
    let mut sum_sq = zero.clone();
    for &j in &plus {
        sum_sq = sum_sq.add(&linalg::norm_sq(&st.w[j], ctx));
    }
    let v = bundle(st, &plus, ctx);
    let dist_v = linalg::norm(&linalg::sub_vec(&v, &vstar), ctx);
    let mut worst = zero.clone();
    for (x, &j) in plus.iter().enumerate() {
        for &k in &plus[x + 1..] {
            let c = linalg::dot(&st.w[j], &st.w[k], ctx)
                .div(&linalg::norm(&st.w[j], ctx).mul(&linalg::norm(&st.w[k], ctx)));
            worst = worst.max(&S::one(ctx).sub(&c));
        }
    }
    let a = st.a.as_ref()?;
    let mut s0 = S::from_i64(2, ctx);
    let mut pos = zero.clone();
    let mut maxb: Option<S> = None;
    let mut some_pos = false;
    for (j, wj) in st.w.iter().enumerate() {
        s0 = s0.add(&linalg::norm_sq(wj, ctx)).add(&a[j].sqr());
        let b = linalg::dot(wj, &vstar, ctx).add(&a[j]);
        some_pos |= b.certainly_pos();
        pos = pos.add(&b.relu().sqr());
        maxb = Some(maxb.map_or(b.clone(), |m| m.max(&b)));
    }
    let best = if some_pos { pos.sqrt() } else { pos.sqrt().hull(&maxb.unwrap_or(zero.clone())) };
    let dist_theta = s0.sub(&best.mul_2si(1)).max(&zero).sqrt();
    Some(Summary { sum_sq, dist_v, max_one_minus_cos: worst, dist_theta })
}

/// The finite-λ facts of Theorem 7's proof along `traj`: (a) `‖w_j^t‖ ≤ λ‖z_j‖` for `j ∉ J+`
/// (hull bound, or `d/dt ½‖w_j‖² = a_jȧ_j ≤ 0` on the hull chained from `t = 0`); (b) `a_j = ‖w_j‖`
/// for `j ∈ J+` (Prop 1(ii); enclosures must overlap); (c) on segment ends where the network is
/// linear on the data (every `J+` neuron active on every point, no other neuron active):
/// `‖v − v*‖² ≤ L/(c n η_d)`; (d) at a certified limit: `L ∋ 0`, `v^∞ ∋ v*`,
/// `1 ≤ Σ_{J+}‖w_j^∞‖² < 1/(1 − 4λ^ε)`. Notes: the [`Summary`] at the limit or final state.
pub fn thm7_facts<S: Enclosure>(
    p: &Problem,
    eps: &Rational,
    inst: &Inst<S>,
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> (Verdict<S>, Vec<String>) {
    let ctx = &inst.ctx;
    let Init::Balanced { scale, .. } = p.init() else { return (Verdict::undecided("not a balanced init"), vec![]) };
    let Some((plus, z)) = j_plus(p) else { return (Verdict::undecided("no hidden layer"), vec![]) };
    let Some(vq) = p.data().teacher() else { return (Verdict::undecided("no teacher v*"), vec![]) };
    let vstar: Vec<S> = vq.iter().map(|q| S::from_rational(q, ctx)).collect();
    let n = p.data().n();
    let others: Vec<usize> = (0..z.len()).filter(|j| !plus.contains(j)).collect();
    let lam2 = Rational::from(scale * scale);
    let bound: Vec<S> = z.iter().map(|zj| S::from_rational(&(norm_sq(zj) * &lam2), ctx)).collect();
    let mut chain = vec![true; z.len()];
    let mut unknown: Option<String> = None;
    let mut note = |s: String| {
        if unknown.is_none() {
            unknown = Some(s);
        }
    };
    // η_d for the linear-phase bound; when it cannot be enclosed, that bound is unchecked and the
    // row cannot hold on a segment where it applies (recorded below, never skipped silently).
    let lin_scale = match crate::cel::delta::eigen::<S>(p, ctx) {
        Ok(e) => match e.eta.last() {
            Some(eta) => Ok(inst.c.mul(&S::from_i64(n as i64, ctx)).mul(eta)),
            None => Err("no eigenvalue η_d of XXᵀ".to_string()),
        },
        Err(why) => Err(why),
    };
    for &k in &cov.segs {
        let seg = &traj.segments()[k];
        let at = || cov.at(k, seg);
        let at_end = || cov.end_at(k, seg);
        let vel = inst.velocity(seg.hull(), seg.pattern());
        let (ha, ea, va) = (seg.hull().a.as_ref(), seg.end().a.as_ref(), vel.a.as_ref());
        let (Some(ha), Some(ea), Some(va)) = (ha, ea, va) else {
            return (Verdict::undecided("no output layer"), vec![]);
        };
        for &j in &others {
            let nh = linalg::norm_sq(&seg.hull().w[j], ctx);
            let ne = linalg::norm_sq(&seg.end().w[j], ctx);
            let what = format!("‖w_{j}‖² (j ∉ J+)");
            if certainly_less(&bound[j], &nh) {
                return (
                    Verdict::violated(at(), what, Some(nh), format!("must be ≤ λ²‖z_{j}‖² = {}", show(&bound[j]))),
                    vec![],
                );
            }
            if certainly_less(&bound[j], &ne) {
                let b = format!("must be ≤ λ²‖z_{j}‖² = {}", show(&bound[j]));
                return (Verdict::violated(at_end(), what, Some(ne), b), vec![]);
            }
            let shrinking = ha[j].mul(&va[j]).certainly_nonpos();
            chain[j] = certainly_le(&nh, &bound[j]) || (chain[j] && shrinking);
            if !chain[j] {
                note(format!("‖w_{j}‖² ∈ {} on {} not certainly ≤ λ²‖z_{j}‖²", show(&nh), at()));
            }
        }
        for &j in &plus {
            for (st_a, st_w, loc) in [(&ha[j], &seg.hull().w[j], at()), (&ea[j], &seg.end().w[j], at_end())] {
                let nw = linalg::norm(st_w, ctx);
                if !overlaps(st_a, &nw) {
                    let b = format!("must equal ‖w_{j}‖ ∈ {} (Prop 1(ii))", show(&nw));
                    return (Verdict::violated(loc, format!("a_{j} (j ∈ J+)"), Some(st_a.clone()), b), vec![]);
                }
            }
        }
        let linear = plus.iter().all(|&j| seg.pattern().active[j].len() == n)
            && others.iter().all(|&j| seg.pattern().active[j].is_empty());
        match (linear, &lin_scale) {
            (true, Ok(ls)) => {
                let dv = linalg::norm_sq(&linalg::sub_vec(&bundle(seg.end(), &plus, ctx), &vstar), ctx);
                let rhs = inst.loss(seg.end(), Some(seg.pattern())).div(ls);
                if certainly_less(&rhs, &dv) {
                    let b = format!("must be ≤ L/(c n η_d) ∈ {} (the network is linear on the data)", show(&rhs));
                    return (Verdict::violated(at_end(), "‖v − v*‖²", Some(dv), b), vec![]);
                }
            }
            (true, Err(why)) => note(format!("‖v − v*‖² ≤ L/(c n η_d) not checked at {}: {why}", at_end())),
            (false, _) => {}
        }
    }
    let mut notes = Vec::new();
    let last = traj.limit().map_or(traj.final_state(), |l| &l.state);
    if let Some(sm) = summary(p, last, ctx) {
        notes.push(format!(
            "{}: Σ_J+‖w_j‖² ∈ {}, ‖v − v*‖ ∈ {}, max 1 − cos in J+ ∈ {}, dist(θ, Θ_v*) ∈ {} (trend data, not a proof)",
            if traj.limit().is_some() { "limit" } else { "final state" },
            show(&sm.sum_sq),
            show(&sm.dist_v),
            show(&sm.max_one_minus_cos),
            show(&sm.dist_theta)
        ));
        if let (Some(l), true) = (traj.limit(), cov.incomplete.is_none()) {
            let one = S::one(ctx);
            let four_l = S::from_i64(4, ctx)
                .mul(&S::from_rational(eps, ctx).mul(&crate::cel::ln_rational::<S>(scale, ctx)).exp());
            let v = bundle(&l.state, &plus, ctx);
            if !l.loss.contains_zero() && l.loss.certainly_pos() {
                return (Verdict::violated(Location::Limit, "L(θ^∞)", Some(l.loss.clone()), "must be 0"), notes);
            }
            if let Some(k) = (0..v.len()).find(|&k| !overlaps(&v[k], &vstar[k])) {
                let b = format!("must equal v*_{k} = {}", show(&vstar[k]));
                return (Verdict::violated(Location::Limit, format!("v^∞_{k}"), Some(v[k].clone()), b), notes);
            }
            for &j in &others {
                let nl = linalg::norm_sq(&l.state.w[j], ctx);
                if certainly_less(&bound[j], &nl) {
                    let b = format!("must be ≤ λ²‖z_{j}‖² = {}", show(&bound[j]));
                    return (Verdict::violated(Location::Limit, format!("‖w_{j}‖² (j ∉ J+)"), Some(nl), b), notes);
                }
                if !certainly_le(&nl, &bound[j]) {
                    note(format!("‖w_{j}^∞‖² ∈ {} not certainly ≤ λ²‖z_{j}‖²", show(&nl)));
                }
            }
            if certainly_less(&sm.sum_sq, &one) {
                return (Verdict::violated(Location::Limit, "Σ_J+‖w_j^∞‖²", Some(sm.sum_sq), "must be ≥ 1"), notes);
            }
            if certainly_less(&four_l, &one) {
                let ub = one.div(&one.sub(&four_l));
                if certainly_le(&ub, &sm.sum_sq) {
                    let b = format!("must be < 1/(1 − 4λ^ε) ∈ {}", show(&ub));
                    return (Verdict::violated(Location::Limit, "Σ_J+‖w_j^∞‖²", Some(sm.sum_sq), b), notes);
                }
                if !certainly_less(&sm.sum_sq, &ub) || !certainly_le(&one, &sm.sum_sq) {
                    note(format!("Σ_J+‖w_j^∞‖² ∈ {} not certainly in [1, {})", show(&sm.sum_sq), show(&ub)));
                }
            }
        }
    }
    if let Some(why) = &cov.incomplete {
        return (Verdict::undecided(format!("no violation found, but {why}")), notes);
    }
    if let Some(why) = unknown {
        return (Verdict::undecided(why), notes);
    }
    let range = if traj.limit().is_some() { "all t ≥ 0 and the limit".to_string() } else { cov.range.clone() };
    let proof = Proof::Identity(
        "‖w_j‖ ≤ λ‖z_j‖ off J+ from hulls/derivatives; a_j = ‖w_j‖ (Prop 1(ii)) and the limit equalities only consistent",
    );
    (Verdict::Holds { proof, range }, notes)
}

/// One run of a trend.
#[derive(Clone, Debug)]
pub struct TrendRow<S> {
    /// The initialisation scale λ.
    pub lambda: Rational,
    /// Whether the numbers are from a certified limit (else from the final state).
    pub at_limit: bool,
    /// The final time of the run.
    pub t_final: S,
    /// The loss at the limit or final state.
    pub loss: S,
    /// The [`Summary`] there.
    pub summary: Summary<S>,
}

/// Theorem 7's λ → 0 statement as a **trend over runs, not a proof**: for each `(problem,
/// trajectory)` with a balanced initialisation, the [`Summary`] at the limit (or final state),
/// sorted by decreasing λ. Runs without a balanced init or a teacher are skipped.
pub fn thm7_trend<S: Enclosure>(runs: &[(&Problem, &Trajectory<S>)]) -> Vec<TrendRow<S>> {
    let mut out = Vec::new();
    for (p, t) in runs {
        let Init::Balanced { scale, .. } = p.init() else { continue };
        let ctx = t.t_final().ctx();
        let (st, loss, at_limit) = match t.limit() {
            Some(l) => (&l.state, l.loss.clone(), true),
            None => (t.final_state(), Inst::<S>::new(p, &ctx).loss(t.final_state(), None), false),
        };
        if let Some(summary) = summary(p, st, &ctx) {
            out.push(TrendRow { lambda: scale.clone(), at_limit, t_final: t.t_final().clone(), loss, summary });
        }
    }
    out.sort_by(|a, b| b.lambda.cmp(&a.lambda));
    out
}

/// The trend as text, headed "trend, not a proof".
pub fn trend_text<S: Enclosure>(rows: &[TrendRow<S>]) -> String {
    let mut s = String::from("Theorem 7 trend in λ (trend, not a proof)\n");
    for r in rows {
        s.push_str(&format!(
            "λ = {:.3e}  {} t = {}  L ∈ {}  max 1 − cos(J+) ∈ {}  dist(θ, Θ_v*) ∈ {}  Σ‖w_j‖² ∈ {}\n",
            r.lambda.to_f64(),
            if r.at_limit { "limit" } else { "final" },
            show(&r.t_final),
            show(&r.loss),
            show(&r.summary.max_one_minus_cos),
            show(&r.summary.dist_theta),
            show(&r.summary.sum_sq)
        ));
    }
    s
}
