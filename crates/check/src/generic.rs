//! The generic invariants of gradient flow (`gen.*` entries of the catalogue): loss non-increasing,
//! balancedness, sign of the output weights, frozen dead neurons, the span invariant.

use crate::inst::Inst;
use crate::rational;
use crate::sweep::{Coverage, Direction, Monotone, horizon, overlaps};
use crate::verdict::{Location, Proof, Relation, Verdict, show};
use reluflow_arith::{Inconsistency, Scalar, linalg};
use reluflow_flow::{Pattern, State, Trajectory};
use rug::Rational;

/// Every state a pointwise claim must be checked on: the initial state, every certified segment
/// hull (with its pattern) and end, and the limit when the coverage is complete.
pub fn instants<'a, S: Scalar>(
    traj: &'a Trajectory<S>,
    cov: &Coverage,
) -> Vec<(&'a State<S>, Location<S>, Option<&'a Pattern>)> {
    let mut v = vec![(traj.initial(), Location::Initial, None)];
    for &k in &cov.segs {
        let s = &traj.segments()[k];
        let seg = cov.at(k, s);
        v.push((s.hull(), seg, Some(s.pattern())));
        v.push((s.end(), cov.end_at(k, s), None));
    }
    if cov.incomplete.is_none()
        && let Some(l) = traj.limit()
    {
        v.push((&l.state, Location::Limit, Some(&l.pattern)));
    }
    v
}

/// `gen.loss-nonincreasing` — see `proofs-notes/thm-gen.loss-nonincreasing.md`.
///
/// Values `L` at the initial state, segment ends and limit must never certainly increase; on each
/// segment hull the chain-rule enclosure `dL/dt = 2c Σ_i r_i ḣ_i` must not be certainly positive.
/// `Holds` rests on the identity `dL/dt = −‖θ̇‖²` (Prop 9) with those checks consistent.
pub fn loss_nonincreasing<S: Scalar>(inst: &Inst<S>, traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let value = |st: &State<S>| inst.loss(st, None);
    let deriv = |st: &State<S>, p: &Pattern| -> Result<S, Inconsistency> {
        let r = inst.residuals(st, Some(p));
        let act = inst.activations(st, Some(p));
        let v = inst.velocity(st, p);
        let mut dl = S::zero(&inst.ctx);
        for i in 0..inst.n() {
            let mut hdot = S::zero(&inst.ctx);
            for j in 0..st.w.len() {
                if !p.active[j].contains(&i) {
                    continue;
                }
                let xw = linalg::dot(&inst.x[i], &v.w[j], &inst.ctx);
                match (&st.a, &v.a) {
                    (Some(a), Some(adot)) => {
                        hdot.add_mul_assign(&adot[j], &act[j][i]);
                        hdot.add_mul_assign(&a[j], &xw);
                    }
                    _ => hdot = hdot.add(&xw),
                }
            }
            dl.add_mul_assign(&r[i], &hdot);
        }
        Ok(inst.g.mul(&dl))
    };
    Monotone {
        name: "L",
        value: &value,
        deriv: &deriv,
        dir: Direction::NonIncreasing,
        identity: Some("dL/dt = −‖θ̇‖² (Prop 9)"),
        proved_prefix: None,
    }
    .check(traj, cov)
}

/// `gen.balancedness` — see `proofs-notes/thm-gen.balancedness.md`.
///
/// `D_j = a_j² − ‖w_j‖²` on every hull, segment end and the limit must overlap its initial
/// enclosure; a hull whose `D_j` certainly differs is a violation. `Holds` rests on the identity
/// `dD_j/dt = 2a_j w_jᵀg_j − 2w_jᵀ(a_j g_j) = 0`.
pub fn balancedness<S: Scalar>(inst: &Inst<S>, traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let dj = |st: &State<S>, j: usize| -> Option<S> {
        let a = st.a.as_ref()?;
        Some(a[j].sqr().sub(&linalg::norm_sq(&st.w[j], &inst.ctx)))
    };
    let m = traj.initial().width();
    let mut d0 = Vec::with_capacity(m);
    for j in 0..m {
        match dj(traj.initial(), j) {
            Some(d) => d0.push(d),
            None => return Verdict::undecided("the trajectory has no output weights (not a two-layer run)"),
        }
    }
    for (st, at, _) in instants(traj, cov) {
        for j in 0..m {
            let Some(d) = dj(st, j) else { return Verdict::undecided("a state lacks output weights") };
            if !d.is_finite() {
                return Verdict::undecided(format!("a_{j}² − ‖w_{j}‖² is not finite at {at}: no information there"));
            }
            if !overlaps(&d, &d0[j]) {
                let breaks = format!("differs from its initial value {}", show(&d0[j]));
                return Verdict::violated(at, format!("a_{j}² − ‖w_{j}‖²"), Some(d), breaks)
                    .with_bound(Relation::Eq, d0[j].clone());
            }
        }
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("consistent so far, but {why}"));
    }
    Verdict::Holds { proof: Proof::Identity("d/dt(a_j² − ‖w_j‖²) = 0 (Prop 1)"), range: horizon(cov, traj) }
}

/// `gen.sign-preserved` — see `proofs-notes/thm-gen.sign-preserved.md`.
///
/// Each `a_j` must keep the certain sign of `a_j(0)` on every segment hull. Proved from the
/// enclosures (a hull certainly of that sign covers every time of its segment).
pub fn sign_preserved<S: Scalar>(traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let Some(a0) = &traj.initial().a else {
        return Verdict::undecided("the trajectory has no output weights (not a two-layer run)");
    };
    let mut signs = Vec::new();
    for (j, a) in a0.iter().enumerate() {
        if a.certainly_pos() {
            signs.push(true);
        } else if a.certainly_neg() {
            signs.push(false);
        } else {
            return Verdict::undecided(format!("the sign of a_{j}(0) ∈ {} is not certain", show(a)));
        }
    }
    let mut unknown: Option<String> = None;
    for (st, at, _) in instants(traj, cov) {
        if matches!(at, Location::Limit) {
            continue; // the claim is about finite times; a limit may be 0.
        }
        let Some(a) = &st.a else { return Verdict::undecided("a state lacks output weights") };
        for (j, aj) in a.iter().enumerate() {
            let (good, bad) = if signs[j] {
                (aj.certainly_pos(), aj.certainly_nonpos())
            } else {
                (aj.certainly_neg(), aj.certainly_nonneg())
            };
            if bad {
                let want = if signs[j] { "must stay > 0" } else { "must stay < 0" };
                let rel = if signs[j] { Relation::Gt } else { Relation::Lt };
                return Verdict::violated(at, format!("a_{j}"), Some(aj.clone()), want)
                    .with_bound(rel, S::zero(&aj.ctx()));
            }
            if !good && unknown.is_none() {
                unknown = Some(format!("a_{j} ∈ {} at {at} may be 0 (enclosure too wide)", show(aj)));
            }
        }
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("no violation found, but {why}"));
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    if traj.limit().is_some() && !cov.reaches_infinity {
        return Verdict::undecided(format!(
            "holds for {}, but the tail up to the limit has no segment hull",
            cov.range
        ));
    }
    Verdict::Holds { proof: Proof::Enclosures, range: cov.range.clone() }
}

/// `gen.dead-frozen` — see `proofs-notes/thm-gen.dead-frozen.md`.
///
/// Neurons with `x_iᵀw_j(0) < 0` for every point (certainly, from the initial enclosure) must have
/// no active point on any segment, and their parameters on every hull, end and the limit must
/// overlap the initial ones.
pub fn dead_frozen<S: Scalar>(inst: &Inst<S>, traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let mut dead = Vec::new();
    for (j, wj) in traj.initial().w.iter().enumerate() {
        let zs: Vec<S> = (0..inst.n()).map(|i| inst.z(wj, i)).collect();
        if zs.iter().all(S::certainly_neg) {
            dead.push(j);
        } else if !zs.iter().any(S::certainly_nonneg) {
            return Verdict::undecided(format!("whether neuron {j} is dead at t = 0 is not certain"));
        }
    }
    for (st, at, pat) in instants(traj, cov) {
        for &j in &dead {
            if let Some(p) = pat
                && !p.active[j].is_empty()
            {
                let breaks = format!("a neuron dead at t = 0 has active points {:?} here", p.active[j]);
                return Verdict::violated(at, format!("active set of neuron {j}"), None, breaks);
            }
            for (k, (c, c0)) in st.w[j].iter().zip(&traj.initial().w[j]).enumerate() {
                if !overlaps(c, c0) {
                    let breaks = format!("differs from its initial value {}", show(c0));
                    return Verdict::violated(at, format!("w_{j}[{k}]"), Some(c.clone()), breaks);
                }
            }
            if let (Some(a), Some(a0)) = (&st.a, &traj.initial().a)
                && !overlaps(&a[j], &a0[j])
            {
                let breaks = format!("differs from its initial value {}", show(&a0[j]));
                return Verdict::violated(at, format!("a_{j}"), Some(a[j].clone()), breaks);
            }
        }
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("consistent so far, but {why}"));
    }
    let range = format!("{} (dead at t = 0: neurons {dead:?})", horizon(cov, traj));
    Verdict::Holds { proof: Proof::Identity("ẇ_j = ȧ_j = 0 while A_j = ∅"), range }
}

/// `gen.span` — see `proofs-notes/thm-gen.span.md`.
///
/// For each neuron, the component of `w_j(t) − w_j(0)` orthogonal to `span{x_i : i active for j
/// on [0, t]}` (exact rational projector) must possibly be zero on every hull, end and the limit.
pub fn span<S: Scalar>(problem_x: &[Vec<Rational>], traj: &Trajectory<S>, cov: &Coverage) -> Verdict<S> {
    let d = problem_x.first().map_or(0, Vec::len);
    let m = traj.initial().width();
    let ctx = traj.initial().w[0][0].ctx();
    let mut ever: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut proj: Vec<Vec<Vec<S>>> = Vec::new();
    let rebuild = |set: &[usize]| -> Vec<Vec<S>> {
        let vs: Vec<&[Rational]> = set.iter().map(|&i| problem_x[i].as_slice()).collect();
        rational::complement_projector(&vs, d)
            .iter()
            .map(|r| r.iter().map(|q| S::from_rational(q, &ctx)).collect())
            .collect()
    };
    for set in &ever {
        proj.push(rebuild(set));
    }
    for (st, at, pat) in instants(traj, cov) {
        if let Some(p) = pat {
            for j in 0..m {
                let before = ever[j].len();
                // A point the neuron slides along counts: the sliding velocity
                // `a_j Π_i g_j = a_j (g_j − c x_i)` has a component along `x_i`
                // (`proofs-notes/net-clarke-sliding.md`).
                for i in p.active[j].iter().copied().chain(p.sliding_points(j)) {
                    if !ever[j].contains(&i) {
                        ever[j].push(i);
                    }
                }
                if ever[j].len() != before {
                    proj[j] = rebuild(&ever[j]);
                }
            }
        }
        for j in 0..m {
            let diff = linalg::sub_vec(&st.w[j], &traj.initial().w[j]);
            for (k, row) in proj[j].iter().enumerate() {
                let c = linalg::dot(row, &diff, &ctx);
                if !c.is_finite() {
                    return Verdict::undecided(format!("the enclosure at {at} is not finite"));
                }
                if !c.possibly_zero() {
                    let breaks = format!("must be 0: w_{j} − w_{j}(0) must lie in span{{x_i : i ∈ {:?}}}", ever[j]);
                    return Verdict::violated(
                        at,
                        format!("orthogonal component {k} of w_{j} − w_{j}(0)"),
                        Some(c),
                        breaks,
                    );
                }
            }
        }
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("consistent so far, but {why}"));
    }
    Verdict::Holds { proof: Proof::Identity("ẇ_j ∈ span{x_i : i ∈ A_j}"), range: horizon(cov, traj) }
}
