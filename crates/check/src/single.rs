//! Single-neuron claims: the norm identity (`lsy.norm-growth`), support-vector stability, global
//! convergence, and Vardi–Shamir's distance and limit statements (`gen.dist-to-interpolant`,
//! `vs.thm8-distance`, `vs.thm3-limit`).

use crate::generic::instants;
use crate::inst::Inst;
use crate::sweep::{Coverage, Direction, Monotone, certainly_le, certainly_less, horizon, positive_length};
use crate::verdict::{Location, Proof, Relation, Verdict, show};
use reluflow_arith::{Inconsistency, Scalar, linalg, meet};
use reluflow_flow::{EventKind, Pattern, State, Trajectory};
use rug::Rational;

/// `lsy.norm-growth` — see `proofs-notes/thm-lsy.norm-growth.md`.
///
/// `½‖w‖²` must not decrease: values at segment ends, and on each hull the enclosure of
/// `d/dt ½‖w‖² = G Σ_{i∈A} (y_i − z_i) z_i` with `z_i = relu(x_iᵀw)`, each term enclosed twice —
/// as `y_i²/4 − (z_i − y_i/2)²` (one occurrence of `z_i`: tight) and as the product
/// `(y_i − z_i)·z_i` (exactly non-negative when `0 ≤ z_i ≤ y_i`) — and the two intersected.
///
/// Where a hull leaves the sign open (always on the tail `[T, ∞)` after the last event, where the
/// derivative tends to 0 inside a ball about the limit), the residual's modes from the segment's
/// start decide (`norm_tail.rs`).
pub fn norm_growth<S: reluflow_arith::Enclosure>(
    inst: &Inst<S>,
    x: &[Vec<Rational>],
    y: &[Rational],
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let value = |st: &State<S>| linalg::norm_sq(&st.w[0], &inst.ctx).mul_2si(-1);
    let deriv = |st: &State<S>, p: &Pattern| -> Result<S, Inconsistency> {
        let mut acc = S::zero(&inst.ctx);
        for &i in &p.active[0] {
            let z = inst.z(&st.w[0], i).relu();
            let half_y = inst.y[i].mul_2si(-1);
            let centred = half_y.sqr().sub(&z.sub(&half_y).sqr());
            let product = inst.y[i].sub(&z).mul(&z);
            acc = acc.add(&meet("check: d/dt ½‖w‖², centred form ∩ product form", &centred, &product)?);
        }
        Ok(inst.g.mul(&acc))
    };
    // From w(0) = 0 exactly, while the first pattern lasts the flow is w(t) = Σ_k (1 − e^{−Gλ_k t})
    // (u_kᵀb/λ_k) u_k (eigenpairs of M = X_AᵀX_A with λ_k > 0, b = X_Aᵀy_A ∈ range M), so
    // wᵀẇ = Σ_k (1 − e^{−Gλ_k t}) G e^{−Gλ_k t} (u_kᵀb)²/λ_k ≥ 0 there, whatever the hulls say.
    let zero_start = traj.initial().w[0].iter().all(|c| !c.possibly_pos() && !c.possibly_neg());
    let first = cov.segs.first().map(|&k| traj.segments()[k].pattern());
    let prefix = if zero_start {
        cov.segs.iter().take_while(|&&k| Some(traj.segments()[k].pattern()) == first).count()
    } else {
        0
    };
    let id = "wᵀẇ = Σ_k (1 − e^{−Gλ_k t})Ge^{−Gλ_k t}(u_kᵀb)²/λ_k ≥ 0 on the first pattern from w(0) = 0; enclosures after it";
    Monotone {
        name: "½‖w‖²",
        value: &value,
        deriv: &deriv,
        dir: Direction::NonDecreasing,
        identity: None,
        proved_prefix: Some((prefix, id)),
    }
    .check_with(
        traj,
        cov,
        Some(&|start, seg, origin| crate::norm_tail::norm_growth_piece(inst, x, y, start, seg, origin)),
    )
}

/// `gen.dist-to-interpolant` — see `proofs-notes/thm-gen.dist-to-interpolant.md`.
///
/// `½‖w − w*‖²` must not increase for the exact zero-loss point `w_star`; on each hull
/// `d/dt = G Σ_{i∈A} (y_i − z_i)(z_i − z*_i)`, evaluated by the sign of `z*_i` exactly:
/// `−(z_i − y_i)²` when `z*_i > 0` (then `y_i = z*_i`), `−z_i (z_i − z*_i)` when `z*_i ≤ 0`.
pub fn dist_to_interpolant<S: Scalar>(
    inst: &Inst<S>,
    x: &[Vec<Rational>],
    y: &[Rational],
    w_star: &[Rational],
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let ws: Vec<S> = w_star.iter().map(|q| S::from_rational(q, &inst.ctx)).collect();
    let zstar: Vec<Rational> = x.iter().map(|xi| crate::rational::dot(xi, w_star)).collect();
    let value = |st: &State<S>| linalg::norm_sq(&linalg::sub_vec(&st.w[0], &ws), &inst.ctx).mul_2si(-1);
    let deriv = |st: &State<S>, p: &Pattern| -> Result<S, Inconsistency> {
        let mut acc = S::zero(&inst.ctx);
        for &i in &p.active[0] {
            let z = inst.z(&st.w[0], i).relu();
            let zs = S::from_rational(&zstar[i], &inst.ctx);
            let term = if zstar[i] > 0 && y[i] == zstar[i] {
                z.sub(&inst.y[i]).sqr().neg()
            } else if zstar[i] <= 0 && y[i] == 0 {
                z.mul(&z.sub(&zs)).neg()
            } else {
                inst.y[i].sub(&z).mul(&z.sub(&zs))
            };
            acc = acc.add(&term);
        }
        Ok(inst.g.mul(&acc))
    };
    Monotone {
        name: "½‖w − w*‖²",
        value: &value,
        deriv: &deriv,
        dir: Direction::NonIncreasing,
        identity: None,
        proved_prefix: None,
    }
    .check(traj, cov)
}

/// `vs.thm8-distance` — see `proofs-notes/thm-vs.thm8-distance.md`.
///
/// `‖w(t) − w(0)‖² ≤ 4‖w* − w(0)‖²` on every hull, end and the limit (`w(0)` and `w*` exact).
/// Beyond the enclosed range it follows from `gen.dist-to-interpolant` (triangle inequality).
pub fn thm8_distance<S: Scalar>(
    inst: &Inst<S>,
    w0: &[Rational],
    w_star: &[Rational],
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let diff: Vec<Rational> = w_star.iter().zip(w0).map(|(a, b)| Rational::from(a - b)).collect();
    let bound = S::from_rational(&(crate::rational::norm_sq(&diff) * Rational::from(4)), &inst.ctx);
    let w0s: Vec<S> = w0.iter().map(|q| S::from_rational(q, &inst.ctx)).collect();
    let mut unknown = None;
    for (st, at, _) in instants(traj, cov) {
        let v = linalg::norm_sq(&linalg::sub_vec(&st.w[0], &w0s), &inst.ctx);
        if certainly_less(&bound, &v) {
            let breaks = format!("must be ≤ 4‖w* − w(0)‖² = {}", show(&bound));
            return Verdict::violated(at, "‖w − w(0)‖²", Some(v), breaks).with_bound(Relation::Le, bound);
        }
        if !certainly_le(&v, &bound) && unknown.is_none() {
            unknown = Some(format!("‖w − w(0)‖² ∈ {} at {at} is not certainly ≤ {}", show(&v), show(&bound)));
        }
    }
    if let Some(why) = &cov.incomplete {
        return Verdict::undecided(format!("no violation found, but {why}"));
    }
    if let Some(why) = unknown {
        return Verdict::undecided(why);
    }
    if traj.limit().is_some() && !cov.reaches_infinity {
        // The tail: ‖w(t) − w(0)‖ ≤ ‖w(t) − w*‖ + ‖w* − w(0)‖ ≤ 2‖w* − w(0)‖ by monotone distance.
        return Verdict::Holds {
            proof: Proof::Identity("‖w(t) − w*‖ ≤ ‖w(0) − w*‖ (gen.dist-to-interpolant) on the tail"),
            range: "all t ≥ 0".into(),
        };
    }
    Verdict::Holds { proof: Proof::Enclosures, range: cov.range.clone() }
}

/// `lsy.support-vector-stability` — see `proofs-notes/thm-lsy.support-vector-stability.md`.
///
/// No point that was active and then inactive becomes active again: from the segment patterns in
/// time order (segments of certainly positive length), the limit pattern, and the event list
/// (a `Deactivate` of `(j, i)` certainly followed by an `Activate`). Per neuron, for every width.
pub fn support_vector_stability<S: Scalar>(
    n: usize,
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> (Verdict<S>, Option<String>) {
    let m = traj.initial().width();
    // state[j][i]: 0 = never active yet, 1 = active seen, 2 = active then inactive seen.
    let mut state = vec![vec![0u8; n]; m];
    let mut left_at: Vec<Vec<Option<Location<S>>>> = vec![vec![None; n]; m];
    let mut steps: Vec<(&Pattern, Location<S>)> = Vec::new();
    for &k in &cov.segs {
        let s = &traj.segments()[k];
        if positive_length(s.t_start(), s.t_end()) {
            steps.push((s.pattern(), cov.at(k, s)));
        }
    }
    if cov.incomplete.is_none()
        && let Some(l) = traj.limit()
    {
        steps.push((&l.pattern, Location::Limit));
    }
    for (p, at) in steps {
        for j in 0..m {
            for i in 0..state[j].len() {
                // A point neuron j slides along (Clarke flow) sits on its hyperplane with
                // σ'(0) = α ∈ (0, 1): it still contributes, so it has not become inactive.
                let active = p.active[j].contains(&i) || p.sliding.contains(&(j, i));
                match (state[j][i], active) {
                    (0, true) => state[j][i] = 1,
                    (1, false) => {
                        state[j][i] = 2;
                        left_at[j][i] = Some(at.clone());
                    }
                    (2, true) => {
                        let left = left_at[j][i].as_ref().map_or(String::new(), |l| format!(" (inactive at {l})"));
                        let breaks =
                            format!("contains point {i} again, after point {i} was active, then inactive{left}");
                        return (Verdict::violated(at, format!("active set of neuron {j}"), None, breaks), None);
                    }
                    _ => {}
                }
            }
        }
    }
    // Only events inside the certified range count.
    let certified = |t: &S| match traj.status() {
        reluflow_flow::Status::Undecided { certified_until, .. } => certainly_le(t, certified_until),
        _ => true,
    };
    for (a, ea) in traj.events().iter().enumerate() {
        if ea.kind != EventKind::Deactivate || !certified(&ea.t) {
            continue;
        }
        for (b, eb) in traj.events().iter().enumerate() {
            if eb.kind == EventKind::Activate
                && certified(&eb.t)
                && eb.neuron == ea.neuron
                && eb.point == ea.point
                && certainly_less(&ea.t, &eb.t)
            {
                let breaks =
                    format!("point {} deactivated at event {a} (t ∈ {}) and re-activates", eb.point, show(&ea.t));
                return (Verdict::violated(Location::Event { index: b, t: eb.t.clone() }, "event", None, breaks), None);
            }
        }
    }
    let final_set = traj.limit().map(|l| format!("final active sets (support vectors): {:?}", l.pattern.active));
    if let Some(why) = &cov.incomplete {
        return (Verdict::undecided(format!("no re-activation found, but {why}")), final_set);
    }
    (Verdict::Holds { proof: Proof::Enclosures, range: horizon(cov, traj) }, final_set)
}

/// `lsy.global-convergence-d2` — see `proofs-notes/thm-lsy.global-convergence-d2.md`.
///
/// `L(w(∞)) = 0` from the certified limit: violated if its loss enclosure is certainly positive or
/// a point with `y_i > 0` is inactive in the limit pattern (then `σ(x_iᵀw∞) = 0 ≠ y_i`); holds if
/// every inactive point has `y_i = 0` exactly, the system `X_S w = y_S` of the limit active set
/// `S` is consistent (exact rank test; the limit then solves it) and the loss enclosure contains 0.
pub fn global_convergence<S: Scalar>(
    x: &[Vec<Rational>],
    y: &[Rational],
    traj: &Trajectory<S>,
    cov: &Coverage,
) -> Verdict<S> {
    let Some(l) = traj.limit() else { return Verdict::undecided("the trajectory has no certified limit") };
    if cov.incomplete.is_some() {
        return Verdict::undecided("the trajectory is not certified up to its limit");
    }
    if l.loss.certainly_pos() {
        let zero = S::zero(&l.loss.ctx());
        return Verdict::violated(Location::Limit, "L(w(∞))", Some(l.loss.clone()), "must be 0")
            .with_bound(Relation::Eq, zero);
    }
    // The limit solves X_S w = y_S when that system is consistent (exact rank test); if it is not,
    // every w with pattern S misfits some point of S, so L(w(∞)) > 0.
    let s_rows: Vec<Vec<Rational>> = l.pattern.active[0].iter().map(|&i| x[i].clone()).collect();
    let aug: Vec<Vec<Rational>> = l.pattern.active[0]
        .iter()
        .zip(&s_rows)
        .map(|(&i, r)| r.iter().cloned().chain([y[i].clone()]).collect())
        .collect();
    if crate::rational::rank(&aug) != crate::rational::rank(&s_rows) {
        let breaks = "X_S w = y_S has no solution for the limit active set S, so L(w(∞)) > 0";
        return Verdict::violated(Location::Limit, "limit active set", None, breaks);
    }
    for (i, yi) in y.iter().enumerate() {
        if *yi != 0 && !l.pattern.active[0].contains(&i) {
            let breaks = format!("point {i} has y = {yi} but is inactive in the limit, so L(w(∞)) ≥ c·y_{i}² > 0");
            return Verdict::violated(Location::Limit, "limit active set", None, breaks);
        }
    }
    if !l.loss.possibly_zero() {
        return Verdict::undecided(format!("L(w(∞)) ∈ {} excludes 0 without being positive", show(&l.loss)));
    }
    Verdict::Holds { proof: Proof::Identity("X_S w(∞) = y_S and y_i = 0 off S"), range: "t → ∞".into() }
}

/// The γ of Vardi–Shamir's Theorem 3 instance and the paper's bounds on `s/α` (`lo < s/α < hi`;
/// `γ = 0` gives `s = 0`), or `None` if `γ` is not one of the paper's values.
pub fn thm3_bounds(gamma: &Rational) -> Option<(Rational, Rational)> {
    let r = |a: i64, b: i64| Rational::from((a, b));
    [
        (0, (r(0, 1), r(0, 1))),
        (1, (r(-45, 1000), r(-35, 1000))),
        (2, (r(-12, 100), r(-10, 100))),
        (5, (r(-22, 100), r(-20, 100))),
    ]
    .into_iter()
    .find(|(g, _)| *gamma == *g)
    .map(|(_, b)| b)
}

/// `vs.thm3-limit` — see `proofs-notes/thm-vs.thm3-limit.md`.
///
/// The certified limit must be `α(5, −1, s)` with `lo·α < s < hi·α`: violated if a coordinate is
/// certainly off, holds if the first two overlap `5α` and `−α` (they are fixed exactly by the limit
/// system `X_S w = y_S`, `S = {0, 1}`, which the limit pattern must show) and `s` is certainly
/// inside the paper's interval.
pub fn thm3_limit<S: Scalar>(alpha: &Rational, gamma: &Rational, traj: &Trajectory<S>) -> Verdict<S> {
    let Some((lo, hi)) = thm3_bounds(gamma) else {
        return Verdict::undecided(format!("γ = {gamma} is not one of the paper's values 0, 1, 2, 5"));
    };
    let Some(l) = traj.limit() else { return Verdict::undecided("the trajectory has no certified limit") };
    if matches!(traj.status(), reluflow_flow::Status::Undecided { .. }) {
        return Verdict::undecided("the trajectory is not certified up to its limit");
    }
    let ctx = l.loss.ctx();
    let w = &l.state.w[0];
    let e = |q: Rational| S::from_rational(&q, &ctx);
    let targets = [e(Rational::from(alpha * 5)), e(Rational::from(-alpha))];
    for k in 0..2 {
        if !crate::sweep::overlaps(&w[k], &targets[k]) {
            let breaks = format!("must equal {}", show(&targets[k]));
            return Verdict::violated(Location::Limit, format!("w(∞)[{k}]"), Some(w[k].clone()), breaks);
        }
    }
    let (slo, shi) = (e(Rational::from(&lo * alpha)), e(Rational::from(&hi * alpha)));
    let exact_zero = lo == 0 && hi == 0;
    let inside = if exact_zero {
        !w[2].possibly_pos() && !w[2].possibly_neg()
    } else {
        certainly_less(&slo, &w[2]) && certainly_less(&w[2], &shi)
    };
    let outside =
        if exact_zero { !w[2].possibly_zero() } else { certainly_le(&w[2], &slo) || certainly_le(&shi, &w[2]) };
    let claim =
        if exact_zero { "must be 0".to_string() } else { format!("must lie in ({}, {})", show(&slo), show(&shi)) };
    if outside {
        return Verdict::violated(Location::Limit, "s = w(∞)[2]", Some(w[2].clone()), claim);
    }
    if l.pattern.active[0] != [0, 1] && !(l.pattern.active[0] == [0, 1, 2] && *gamma == 0) {
        return Verdict::undecided(format!("the limit active set {:?} is not {{0, 1}}", l.pattern.active[0]));
    }
    if inside {
        Verdict::Holds { proof: Proof::Enclosures, range: "t → ∞".into() }
    } else {
        Verdict::undecided(format!("s ∈ {} is not certainly inside: {claim}", show(&w[2])))
    }
}

/// For a certified single-neuron trajectory whose segments stop at `T` before a certified limit,
/// the same trajectory with a tail segment `[T, ∞)`: pattern = the limit pattern, hull = the box
/// `w(∞) ± r`, `r ≥ ‖w(T) − w(∞)‖`, end = the limit state.
///
/// Valid because after the last event the flow is linear, `w(t) − w(∞) = exp(−(t−T)GM)(w(T) − w(∞))`
/// with `w(T) − w(∞) ∈ range(M)` and `M = X_SᵀX_S ⪰ 0`, so `‖w(t) − w(∞)‖ ≤ ‖w(T) − w(∞)‖`
/// (see `proofs-notes/thm-gen.dist-to-interpolant.md`, "Tail"). `None` when not applicable.
pub fn with_single_tail<S: reluflow_arith::Enclosure>(traj: &Trajectory<S>, cov: &Coverage) -> Option<Trajectory<S>> {
    let l = traj.limit()?;
    if traj.initial().a.is_some() || cov.incomplete.is_some() || cov.reaches_infinity {
        return None;
    }
    let ctx = traj.t_final().ctx();
    let diff = linalg::sub_vec(&traj.final_state().w[0], &l.state.w[0]);
    let r = linalg::norm_sq(&diff, &ctx).sqrt().hi_point();
    if !r.is_finite() {
        return None;
    }
    let sym = r.neg().hull(&r);
    let hull = State { w: vec![l.state.w[0].iter().map(|c| c.add(&sym)).collect()], a: None };
    let t0 = traj.t_final().clone();
    let t_inf = S::from_f64_bounds(t0.upper_f64() + 1.0, f64::INFINITY, &ctx);
    let tail = reluflow_flow::SegmentParts {
        t_start: t0,
        t_end: t_inf,
        pattern: l.pattern.clone(),
        hull,
        end: l.state.clone(),
    };
    // The tail keeps the contract (it starts at `t_final`, the end of the last segment, and a last
    // segment towards a limit may end at +∞); should it not, there is no tail (sound: fewer claims).
    let tailed = traj.clone().edit(|p| p.segments.push(tail));
    debug_assert!(tailed.is_ok(), "the tail broke the trajectory contract: {:?}", tailed.as_ref().err());
    tailed.ok()
}
