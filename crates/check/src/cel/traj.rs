//! Chistikov–Englert–Lazić statements along two-layer trajectories: Lemma 19 (norms in the first
//! phase) and Lemma 4 (negative neurons die by `T0`). Their hypotheses include Assumption 2, which
//! is certified true only for astronomically small λ (no practical run), so rows are vacuous or
//! undecided as statements of the paper; the
//! conclusion's verdict is still certified on the given trajectory (an empirical fact about this
//! λ). See `proofs-notes/thm-cel.lemma19.md` and `proofs-notes/thm-cel.lemma4.md`.

use crate::cel::geometry::{directions, gamma, i_plus, ln_rational};
use crate::inst::Inst;
use crate::rational::norm_sq;
use crate::sweep::{Coverage, certainly_le, certainly_less};
use crate::verdict::{Location, Proof, Verdict, show};
use reluflow_arith::{Enclosure, linalg};
use reluflow_flow::Trajectory;
use reluflow_model::{Init, Problem};
use rug::Rational;

/// `T1 = ε ln(1/λ)/‖γ_[n]‖` (with `γ_[n]` in the problem's time scale, `2c Σ y_i x_i`), or why not.
pub fn t1<S: Enclosure>(p: &Problem, eps: &Rational, ctx: &S::Ctx) -> Result<S, String> {
    let Init::Balanced { scale, .. } = p.init() else { return Err("no scale λ (not a balanced init)".into()) };
    if *scale >= 1 {
        return Err("λ ≥ 1".into());
    }
    let n = p.data().n();
    let all: Vec<usize> = (0..n).collect();
    // gamma() uses 1/n; rescale to 2c.
    let factor = p.grad_factor() * Rational::from(n as u64);
    let g: Vec<S> = gamma(p, &all).iter().map(|q| S::from_rational(&Rational::from(q * &factor), ctx)).collect();
    let gn = linalg::norm(&g, ctx);
    Ok(S::from_rational(eps, ctx).mul(&ln_rational::<S>(scale, ctx).neg()).div(&gn))
}

/// The common start of the lemmas that look at `T1`: `T1` (enclosed), `λ`, the directions `z_j` and
/// signs `s_j` of a balanced initialisation — or the undecided verdict saying which is missing.
#[allow(clippy::type_complexity)] // a private tuple read once by each lemma
pub(crate) fn phase_start<'p, S: Enclosure>(
    p: &'p Problem,
    eps: &Rational,
    ctx: &S::Ctx,
) -> Result<(S, &'p Rational, Vec<Vec<Rational>>, Vec<i8>), Verdict<S>> {
    let t1 = t1::<S>(p, eps, ctx).map_err(Verdict::undecided)?;
    let Init::Balanced { scale, .. } = p.init() else { return Err(Verdict::undecided("not a balanced init")) };
    let Some((z, s)) = directions(p) else { return Err(Verdict::undecided("no hidden layer")) };
    Ok((t1, scale, z, s))
}

/// `cel.lemma19`: (i) `‖w_j‖ < 2‖z_j‖λ^{1−εt/T1}` for every neuron on `[0, T1]`; (ii)
/// `s_j d‖w_j‖/dt ≥ 0` for `j ∈ J+ ∪ J−` on `[0, T1]`, from `d/dt ½‖w_j‖² = a_j ȧ_j` on hulls.
pub fn lemma19<S: Enclosure>(
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
    let ln_l = ln_rational::<S>(scale, ctx);
    let eps_s = S::from_rational(eps, ctx);
    // bound_j(t)² = 4‖z_j‖² λ^{2 − 2εt/T1} = 4‖z_j‖² exp((2 − 2εt/T1) ln λ), increasing in t.
    let bound_sq = |j: usize, t: &S| -> S {
        let e = S::from_i64(2, ctx).sub(&eps_s.mul(t).div(&t1).mul_2si(1));
        S::from_rational(&(norm_sq(&z[j]) * Rational::from(4)), ctx).mul(&e.mul(&ln_l).exp())
    };
    let moving: Vec<bool> = z.iter().map(|zj| !i_plus(p, zj).is_empty()).collect();
    let mut unknown: Option<String> = None;
    let mut reached_t1 = false;
    for &k in &cov.segs {
        let seg = &traj.segments()[k];
        if certainly_le(&t1, seg.t_start()) {
            reached_t1 = true;
            break;
        }
        // The segment may hold times before T1; violations need it to certainly start before T1.
        let starts_before = certainly_less(seg.t_start(), &t1);
        let at = || cov.at(k, seg);
        let v = inst.velocity(seg.hull(), seg.pattern());
        let (Some(a), Some(adot)) = (&seg.hull().a, &v.a) else { return Verdict::undecided("not a two-layer run") };
        for j in 0..z.len() {
            let nw = linalg::norm_sq(&seg.hull().w[j], ctx);
            let b0 = bound_sq(j, &seg.t_start().lo_point());
            if !certainly_less(&nw, &b0) && unknown.is_none() {
                unknown = Some(format!("‖w_{j}‖² ∈ {} on {} is not certainly < {}", show(&nw), at(), show(&b0)));
            }
            if certainly_le(seg.t_end(), &t1) {
                let ne = linalg::norm_sq(&seg.end().w[j], ctx);
                let b1 = bound_sq(j, &seg.t_end().hi_point());
                if certainly_le(&b1, &ne) {
                    let at_end = cov.end_at(k, seg);
                    return Verdict::violated(
                        at_end,
                        format!("‖w_{j}‖²"),
                        Some(ne),
                        format!("must be < 4‖z_j‖²λ^(2−2εt/T1) ≤ {}", show(&b1)),
                    );
                }
            }
            if moving[j] {
                let d = S::from_i64(i64::from(s[j]), ctx).mul(&a[j]).mul(&adot[j]);
                if d.certainly_neg() && starts_before && certainly_less(seg.t_start(), seg.t_end()) {
                    return Verdict::violated(at(), format!("s_{j}·d/dt ½‖w_{j}‖²"), Some(d), "must be ≥ 0 before T1");
                }
                if !d.certainly_nonneg() && unknown.is_none() {
                    unknown = Some(format!("s_{j}·d/dt ½‖w_{j}‖² ∈ {} on {} has no certain sign", show(&d), at()));
                }
            }
        }
        if !certainly_less(seg.t_end(), &t1) {
            reached_t1 = true;
        }
    }
    if !reached_t1 {
        return Verdict::undecided(format!("the certified segments end before T1 ∈ {}", show(&t1)));
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: format!("t ∈ [0, T1], T1 ∈ {}", show(&t1)) }
}

/// `cel.lemma4`: for `j ∈ J−`, `‖w_j(T0)‖ ≤ λ‖z_j‖` and no active point after `T0` (so `w_j` is
/// frozen), with `T0 = max_j τ_j^{n_j} + 1` from the certified yardsticks.
pub fn lemma4<S: Enclosure>(p: &Problem, t0: &S, inst: &Inst<S>, traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let ctx = &inst.ctx;
    let Init::Balanced { scale, .. } = p.init() else { return Verdict::undecided("not a balanced init") };
    let Some((z, s)) = directions(p) else { return Verdict::undecided("no hidden layer") };
    let neg: Vec<usize> = (0..z.len()).filter(|&j| s[j] == -1 && !i_plus(p, &z[j]).is_empty()).collect();
    let mut found_t0 = false;
    let mut unknown: Option<String> = None;
    for &k in &cov.segs {
        let seg = &traj.segments()[k];
        let at = || cov.at(k, seg);
        let before = certainly_less(seg.t_end(), t0);
        let after = certainly_less(t0, seg.t_start());
        if !before && !after {
            // The segment may contain T0: its hull encloses w_j(T0) if it does.
            found_t0 = true;
            let contains = certainly_le(seg.t_start(), t0) && certainly_le(t0, seg.t_end());
            for &j in &neg {
                if !seg.pattern().active[j].is_empty() && unknown.is_none() {
                    unknown = Some(format!("neuron {j} is active on {}, which may extend past T0", at()));
                }
                let bound = S::from_rational(&(norm_sq(&z[j]) * Rational::from(scale * scale)), ctx);
                let nw = linalg::norm_sq(&seg.hull().w[j], ctx);
                if contains && certainly_less(&bound, &nw) {
                    return Verdict::violated(
                        at(),
                        format!("‖w_{j}‖² at T0"),
                        Some(nw),
                        format!("must be ≤ λ²‖z_j‖² = {}", show(&bound)),
                    );
                }
                if !certainly_le(&nw, &bound) && unknown.is_none() {
                    unknown = Some(format!("‖w_{j}‖² ∈ {} on {} is not certainly ≤ λ²‖z_j‖²", show(&nw), at()));
                }
            }
        }
        if after {
            for &j in &neg {
                if !seg.pattern().active[j].is_empty() {
                    let breaks = format!("neuron {j} ∈ J− has active points {:?} after T0", seg.pattern().active[j]);
                    return Verdict::violated(at(), format!("active set of neuron {j}"), None, breaks);
                }
            }
        }
    }
    if !found_t0 {
        return Verdict::undecided(format!("no certified segment reaches T0 ∈ {}", show(t0)));
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("no violation found, but {why}"));
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: format!("T0 ∈ {} and the covered range after it", show(t0)) }
}

/// `cel.lemma3`: for `j ∈ J+ ∪ J−` the first `n_j` events of neuron `j` cross the yardstick's
/// points `i_j^1, i_j^2, …` in order (entering for `s_j = +1`, leaving for `s_j = −1`), at times
/// with `|τ_j^ℓ − t_j^ℓ| ≤ λ^{1−(1+(3ℓ−1)/(3n_j))ε}`.
pub fn lemma3<S: Enclosure>(p: &Problem, eps: &Rational, ctx: &S::Ctx, traj: &Trajectory<S>) -> Verdict<S> {
    use reluflow_flow::{EventKind, Status};
    let Init::Balanced { scale, .. } = p.init() else { return Verdict::undecided("not a balanced init") };
    let Some((z, s)) = directions(p) else { return Verdict::undecided("no hidden layer") };
    let ln_l = ln_rational::<S>(scale, ctx);
    let certified = |t: &S| match traj.status() {
        Status::Undecided { certified_until, .. } => certainly_le(t, certified_until),
        _ => true,
    };
    let mut unknown: Option<String> = None;
    for j in 0..z.len() {
        if i_plus(p, &z[j]).is_empty() {
            continue;
        }
        let y = match crate::cel::yardstick::yardstick::<S>(p, j, ctx) {
            Ok(y) => y,
            Err(e) => return Verdict::undecided(format!("yardstick {j}: {e}")),
        };
        let evs: Vec<(usize, &reluflow_flow::Event<S>)> =
            traj.events().iter().enumerate().filter(|(_, e)| e.neuron == j && certified(&e.t)).collect();
        for (l, c) in y.crossings.iter().enumerate() {
            let Some(&(idx, e)) = evs.get(l) else {
                unknown.get_or_insert_with(|| {
                    format!("neuron {j}: crossing {} not reached within the certified run", l + 1)
                });
                break;
            };
            let at = Location::Event { index: idx, t: e.t.clone() };
            let kind_ok = if s[j] == 1 { e.kind == EventKind::Activate } else { e.kind != EventKind::Activate };
            if e.point != c.point || !kind_ok {
                let breaks = format!(
                    "crossing {} of neuron {j} must be point {} {} (the yardstick's order)",
                    l + 1,
                    c.point,
                    if s[j] == 1 { "entering" } else { "leaving" }
                );
                let what = format!("event: point {} {}", e.point, e.kind.name());
                return Verdict::violated(at, what, None, breaks);
            }
            let frac = Rational::from((3 * (l as i64 + 1) - 1, 3 * y.n_j as i64));
            let expo =
                S::one(ctx).sub(&S::one(ctx).add(&S::from_rational(&frac, ctx)).mul(&S::from_rational(eps, ctx)));
            let bound = expo.mul(&ln_l).exp();
            let gap = e.t.sub(&c.tau).abs();
            if certainly_less(&bound, &gap) {
                let breaks = format!("must be ≤ λ^(1−(1+(3ℓ−1)/(3n_j))ε) ∈ {} (τ ∈ {})", show(&bound), show(&c.tau));
                return Verdict::violated(at, format!("|t_{j}^{} − τ_{j}^{}|", l + 1, l + 1), Some(gap), breaks);
            }
            if !certainly_le(&gap, &bound) && unknown.is_none() {
                unknown = Some(format!(
                    "|t − τ| ∈ {} for crossing {} of neuron {j} is not certainly ≤ {}",
                    show(&gap),
                    l + 1,
                    show(&bound)
                ));
            }
        }
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    Verdict::Holds { proof: Proof::Enclosures, range: "the first-phase crossings".into() }
}
