//! `cel.thm6` (Theorem 6 / Lemma 32(ii),(v)) along a two-layer trajectory: with `δ ∈ [δ_lo, δ_hi]`
//! certified ([`crate::cel::delta::delta`]), `T2 = inf{t ≥ T1 : ν_1^t/ν_1* ≥ 1/2}` is enclosed from
//! segment hulls and ends, `T2 < ln(1/λ)(4+ε)dΔ²/δ⁶` is decided, and
//! `L(θ^{T2+t}) < 0.5Δ²e^{−0.4tδ⁴/Δ²}` is checked on every covered finite segment after `T2`.
//! Times and losses are converted from the paper's loss `(1/2n)Σ` with `κ = 2nc`:
//! `t_problem = t_paper/κ`, `L_problem = κ L_paper`. See `proofs-notes/thm-cel.thm6.md`.

use crate::cel::delta::{Delta, Eigen};
use crate::cel::geometry::{directions, i_plus, ln_rational};
use crate::cel::traj::t1;
use crate::inst::Inst;
use crate::sweep::{Coverage, certainly_le, certainly_less};
use crate::verdict::{Proof, Verdict, show};
use reluflow_arith::{Bound, Enclosure, linalg};
use reluflow_flow::{State, Trajectory};
use reluflow_model::{Init, Problem};
use rug::Rational;

/// `ν_1(v)/ν_1* = vᵀP_1v*/(v*ᵀP_1v*)` for the bundle `v = Σ_{J+} a_j w_j` of a state.
fn ratio<S: Enclosure>(st: &State<S>, plus: &[usize], eig: &Eigen<S>, ctx: &S::Ctx) -> S {
    let d = eig.proj[0].len();
    let mut v = vec![S::zero(ctx); d];
    let a = st.a.as_ref();
    for &j in plus {
        let aj = a.map_or_else(|| S::zero(ctx), |a| a[j].clone());
        for (vk, wk) in v.iter_mut().zip(&st.w[j]) {
            vk.add_mul_assign(&aj, wk);
        }
    }
    linalg::dot(&v, &eig.proj[0], ctx).div(&eig.nu_sq[0])
}

/// The conclusion of Theorem 6 on `traj`, given the certified `δ` and eigen-data. Notes: the
/// enclosures of `δ`, `Δ`, `T1`, `T2`, the `T2` bound.
pub fn thm6<S: Enclosure>(
    p: &Problem,
    eps: &Rational,
    inst: &Inst<S>,
    traj: &Trajectory<S>,
    cov: &Coverage,
    delta: &Delta<S>,
    eig: &Eigen<S>,
) -> (Verdict<S>, Vec<String>) {
    let ctx = &inst.ctx;
    let mut notes =
        vec![format!("δ ∈ {} (smallest term: {}), Δ ∈ {}", show(&delta.value), delta.smallest, show(&delta.big))];
    let (d_lo, d_hi) = (delta.value.lo_point(), delta.value.hi_point());
    if !d_lo.certainly_pos() {
        return (
            Verdict::undecided(format!("δ ∈ {} has no certified positive lower bound", show(&delta.value))),
            notes,
        );
    }
    let (b_lo, b_hi) = (delta.big.lo_point(), delta.big.hi_point());
    let t1 = match t1::<S>(p, eps, ctx) {
        Ok(t) => t,
        Err(why) => return (Verdict::undecided(why), notes),
    };
    let Init::Balanced { scale, .. } = p.init() else { return (Verdict::undecided("not a balanced init"), notes) };
    let Some((z, s)) = directions(p) else { return (Verdict::undecided("no hidden layer"), notes) };
    let plus: Vec<usize> = (0..z.len()).filter(|&j| s[j] == 1 && !i_plus(p, &z[j]).is_empty()).collect();
    let n = p.data().n();
    let kappa = S::from_rational(&(p.grad_factor() * Rational::from(n as u64)), ctx);
    let eps_s = S::from_rational(eps, ctx);
    let dd = S::from_i64(p.data().d() as i64, ctx);
    // T2 bound (problem time): ln(1/λ)(4+ε)dΔ²/(δ⁶κ); smallest with δ_hi, Δ_lo; largest with δ_lo, Δ_hi.
    let ln_inv = ln_rational::<S>(scale, ctx).neg();
    let bound = |dl: &S, bg: &S| {
        ln_inv
            .mul(&S::from_i64(4, ctx).add(&eps_s))
            .mul(&dd)
            .mul(&bg.sqr())
            .div(&dl.sqr().mul(&dl.sqr()).mul(&dl.sqr()))
            .div(&kappa)
    };
    let (t2b_min, t2b_max) = (bound(&d_hi, &b_lo), bound(&d_lo, &b_hi));
    notes.push(format!("T1 ∈ {}; T2 bound ln(1/λ)(4+ε)dΔ²/δ⁶ ∈ {}", show(&t1), show(&t2b_min.hull(&t2b_max))));
    let half = S::one(ctx).mul_2si(-1);
    // Enclose T2: lower end from the contiguous segments after T1 with ratio certainly < 1/2,
    // upper end from the first hull/end with ratio certainly ≥ 1/2 at a time certainly ≥ T1.
    let mut t2_lo = t1.lo_point();
    let mut t2_hi: Option<S> = None;
    let mut below_so_far = cov.incomplete.is_none();
    let mut last_below: Option<usize> = None;
    let mut unknown: Option<String> = None;
    for &k in &cov.segs {
        let seg = &traj.segments()[k];
        if certainly_le(seg.t_end(), &t1) {
            continue;
        }
        let r = ratio(seg.hull(), &plus, eig, ctx);
        let after = certainly_le(&t1, seg.t_start());
        let contains = certainly_le(seg.t_start(), &t1) && certainly_le(&t1, seg.t_end());
        if certainly_le(&half, &r) && (after || contains) {
            // ν_1/ν_1* ≥ 1/2 at max(T1, t_start), a time ≥ T1: T2 is at most that.
            t2_hi = Some(if after { seg.t_start().hi_point() } else { t1.hi_point() });
            break;
        }
        if below_so_far && certainly_less(&r, &half) {
            t2_lo = t2_lo.max(&seg.t_end().lo_point());
            last_below = Some(k);
        } else {
            below_so_far = false;
        }
        let re = ratio(seg.end(), &plus, eig, ctx);
        if certainly_le(&half, &re) && certainly_le(&t1, seg.t_end()) {
            t2_hi = Some(seg.t_end().hi_point());
            break;
        }
    }
    // Part 1: T2 < bound.
    if let Some(k) = last_below
        && certainly_le(&t2b_max, &t2_lo)
    {
        let seg = &traj.segments()[k];
        let at = cov.at(k, seg);
        let why = format!("ν_1/ν_1* < 1/2 on all of [T1, {}], so T2 ≥ the bound {}", show(&t2_lo), show(&t2b_max));
        return (Verdict::violated(at, "T2", Some(t2_lo), why), notes);
    }
    let Some(t2_hi) = t2_hi else {
        let why = "ν_1^t/ν_1* ≥ 1/2 is not certified on the covered range (T2 not reached or enclosures too wide)";
        return (Verdict::undecided(why), notes);
    };
    notes.push(format!("T2 ∈ {}", show(&t2_lo.hull(&t2_hi))));
    if !certainly_less(&t2_hi, &t2b_min) {
        unknown = Some(format!("T2 ≤ {} is not certainly < the bound {}", show(&t2_hi), show(&t2b_min)));
    }
    // Part 2: the loss bound κ·0.5Δ²exp(−0.4κ(s − T2)δ⁴/Δ²) on every covered finite segment after T2.
    let lbound = |t: &S, dl: &S, bg: &S| {
        let rate = S::from_rational(&Rational::from((2, 5)), ctx).mul(&kappa).mul(&dl.sqr().sqr()).div(&bg.sqr());
        kappa.mul(&half).mul(&bg.sqr()).mul(&rate.mul(t).neg().exp())
    };
    let mut last_end: Option<S> = None;
    for &k in &cov.segs {
        let seg = &traj.segments()[k];
        if certainly_less(seg.t_end(), &t2_lo) {
            continue;
        }
        if seg.t_end().upper() == Bound::PosInf {
            notes.push(format!("segment {k} reaches t = ∞: the loss bound is not checked on it"));
            continue;
        }
        let zero = S::zero(ctx);
        let t_max = seg.t_end().hi_point().sub(&t2_lo).max(&zero);
        let l_hull = inst.loss(seg.hull(), Some(seg.pattern()));
        let b_min = lbound(&t_max, &d_hi, &b_lo);
        if !certainly_less(&l_hull, &b_min) && unknown.is_none() {
            unknown = Some(format!(
                "loss ∈ {} on segment {k} is not certainly < the bound {} at its end",
                show(&l_hull),
                show(&b_min)
            ));
        }
        if certainly_le(&t2_hi, seg.t_end()) {
            let t_min = seg.t_end().lo_point().sub(&t2_hi).max(&zero);
            let l_end = inst.loss(seg.end(), None);
            let b_max = lbound(&t_min, &d_lo, &b_hi);
            if certainly_le(&b_max, &l_end) {
                let at = cov.end_at(k, seg);
                let breaks = format!("must be < 0.5Δ²e^(−0.4tδ⁴/Δ²) ≤ {} (problem scale, t ≥ T2)", show(&b_max));
                return (Verdict::violated(at, "L(θ^t)", Some(l_end), breaks), notes);
            }
        }
        last_end = Some(seg.t_end().clone());
    }
    if let Some(why) = &cov.incomplete {
        return (Verdict::undecided(format!("no violation found, but {why}")), notes);
    }
    if let Some(why) = unknown {
        return (Verdict::undecided(why), notes);
    }
    let end = last_end.map_or_else(|| "T2".to_string(), |e| show(&e));
    let range = format!("T2 ∈ {} and t ∈ [T2, {end}]", show(&t2_lo.hull(&t2_hi)));
    (Verdict::Holds { proof: Proof::Enclosures, range }, notes)
}
