//! The yardstick trajectories of Chistikov–Englert–Lazić (§3, Props 12–14, 22), solved stage by
//! stage in closed form with the backend's intervals: `α_j^0 = z_j`,
//! `dα_j/dt = s_j‖α_j‖ γ_{I_+(α_j)}`, with `γ_I = 2c Σ_{i∈I} y_i x_i` (the paper's `(1/n)Σ` for its
//! loss `L = (1/2n)Σ`; another loss factor `c` rescales time). See
//! `proofs-notes/thm-cel.prop14-yardstick.md`.
//!
//! On a stage with constant `I` and `γ = γ_I`, with `φ` the angle between `α` and `γ`:
//! `cos φ(t) = tanh(artanh cos φ₀ + s‖γ‖(t − τ))` (Prop 14(vi)),
//! `ᾱ(t) = (sin φ(t) ᾱ₀ + sin(φ₀ − φ(t)) γ̄)/sin φ₀` (Prop 14(x)), and
//! `‖α(t)‖ = ‖α₀‖(½(1 + s cos φ₀)e^{‖γ‖(t−τ)} + ½(1 − s cos φ₀)e^{−‖γ‖(t−τ)})` (Prop 13).
//! Point `i` reaches its hyperplane when `sin φ (a_i − cos φ₀ g_i) + cos φ sin φ₀ g_i = 0`
//! (`a_i = ᾱ₀ᵀx_i`, `g_i = γ̄ᵀx_i`), i.e. `cot φ_c = −(a_i − cos φ₀ g_i)/(sin φ₀ g_i)`; it is reached
//! on the stage iff `φ_c` lies between `φ₀` and the end of the motion (`0` for `s = +1`, `π` for
//! `s = −1`), i.e. iff `s·(cot φ_c − cot φ₀) > 0`. The next crossing is the reached candidate with
//! the smallest time; it must be certainly smaller than every other candidate's (else undecided).

use crate::cel::geometry::{directions, i_plus};
use crate::rational::dot;
use reluflow_arith::{Enclosure, linalg};
use reluflow_model::Problem;
use rug::Rational;

/// Why a yardstick could not be certified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YardError {
    /// The computation could not decide (overlapping times, a degenerate angle, wide enclosures).
    Undecided(String),
    /// The crossing structure of Prop 2 certainly fails on this instance (e.g. no point reaches
    /// its hyperplane on a stage, or the first one to do so is not one that Prop 2 lets cross).
    Fails(String),
}

impl std::fmt::Display for YardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YardError::Undecided(s) => write!(f, "undecided: {s}"),
            YardError::Fails(s) => write!(f, "fails: {s}"),
        }
    }
}

/// One crossing of a yardstick.
#[derive(Clone, Debug)]
pub struct Crossing<S> {
    /// The point `i_j^ℓ` that reaches the hyperplane.
    pub point: usize,
    /// `τ_j^ℓ`.
    pub tau: S,
    /// `‖α_j^{τ_j^ℓ}‖` (Prop 13).
    pub norm: S,
    /// `ᾱ_j^{τ_j^ℓ}`.
    pub dir: Vec<S>,
}

/// The certified crossing structure of one yardstick (Prop 14).
#[derive(Clone, Debug)]
pub struct Yardstick<S> {
    /// The neuron `j`.
    pub neuron: usize,
    /// `s_j`.
    pub sign: i8,
    /// `n_j = |I_{−s_j}(z_j)|`.
    pub n_j: usize,
    /// The crossings in time order.
    pub crossings: Vec<Crossing<S>>,
    /// `cos φ_j^0 = cos∠(z_j, γ_{I_+(z_j)})`.
    pub cos_phi0: S,
}

/// `artanh x = ½ ln((1 + x)/(1 − x))` for `|x| < 1` (an enclosure; NaN/entire outside).
pub fn artanh<S: Enclosure>(x: &S) -> S {
    let one = S::one(&x.ctx());
    one.add(x).div(&one.sub(x)).ln().mul_2si(-1)
}

/// `γ_I = 2c Σ_{i∈I} y_i x_i` in the problem's time scale, enclosed in `S`.
pub fn gamma_of<S: Enclosure>(p: &Problem, set: &[usize], ctx: &S::Ctx) -> Vec<S> {
    let data = p.data();
    let g = p.grad_factor();
    let mut v = vec![Rational::new(); data.d()];
    for &i in set {
        for (vk, xk) in v.iter_mut().zip(&data.x()[i]) {
            *vk += Rational::from(&data.y()[i] * xk) * &g;
        }
    }
    v.iter().map(|q| S::from_rational(q, ctx)).collect()
}

/// The yardstick of neuron `j` (which must be in `J+ ∪ J−`), or the reason it could not be
/// certified (overlapping crossing times, a degenerate angle, a stage without a crossing).
pub fn yardstick<S: Enclosure>(p: &Problem, j: usize, ctx: &S::Ctx) -> Result<Yardstick<S>, YardError> {
    let (z, s) = directions(p).ok_or_else(|| YardError::Fails("no hidden layer".into()))?;
    let und = |m: String| YardError::Undecided(m);
    let data = p.data();
    let n = data.n();
    let zj = &z[j];
    let sj = s[j];
    let sgn = S::from_i64(i64::from(sj), ctx);
    if let Some(i) = data.x().iter().position(|x| dot(x, zj) == 0) {
        // A point on the hyperplane at the start (Assumption 1(ii) excludes it): the yardstick of
        // Props 2 and 14 is not defined, which says nothing about whether the statement holds.
        return Err(und(format!("I_0(z_{j}) ∋ {i}: the yardstick is defined only for I_0(z_j) = ∅")));
    }
    let mut set = i_plus(p, zj);
    if set.is_empty() {
        return Err(YardError::Fails(format!("neuron {j} is not in J+ ∪ J− (no active point)")));
    }
    let mut pending: Vec<usize> = if sj == 1 { (0..n).filter(|i| !set.contains(i)).collect() } else { set.clone() };
    let n_j = pending.len();
    let x: Vec<Vec<S>> = data.x().iter().map(|r| r.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
    let zs: Vec<S> = zj.iter().map(|q| S::from_rational(q, ctx)).collect();
    let mut norm = linalg::norm(&zs, ctx);
    let mut dir: Vec<S> = zs.iter().map(|c| c.div(&norm)).collect();
    let mut tau = S::zero(ctx);
    let mut crossings = Vec::new();
    let mut cos_phi0_first = None;
    let mut last: Option<usize> = None;
    while !pending.is_empty() {
        let gamma = gamma_of::<S>(p, &set, ctx);
        let gn = linalg::norm(&gamma, ctx);
        if !gn.certainly_pos() {
            return Err(und(format!("γ_I = 0 on a stage of neuron {j}")));
        }
        let gbar: Vec<S> = gamma.iter().map(|c| c.div(&gn)).collect();
        let cos0 = linalg::dot(&dir, &gbar, ctx).div(&linalg::norm(&dir, ctx));
        cos_phi0_first.get_or_insert_with(|| cos0.clone());
        let sin0 = S::one(ctx).sub(&cos0.sqr()).sqrt();
        if !sin0.certainly_pos() || !cos0.is_finite() {
            return Err(und(format!("ᾱ_{j} is (nearly) parallel to γ at τ ∈ {}", crate::verdict::show(&tau))));
        }
        let cot0 = cos0.div(&sin0);
        let mut best: Option<(usize, S, S, S)> = None; // (point, time, cos φ_c, sin φ_c)
        let mut times: Vec<(usize, S)> = Vec::new();
        for i in 0..n {
            let g = linalg::dot(&gbar, &x[i], ctx);
            if Some(i) == last {
                // The point that just crossed must move on through its hyperplane:
                // d/dt αᵀx_i = s‖α‖ γᵀx_i must have the sign s, i.e. γᵀx_i > 0.
                if !g.certainly_pos() {
                    return Err(und(format!("point {i} does not leave the hyperplane of neuron {j} transversally")));
                }
                continue;
            }
            let a = linalg::dot(&dir, &x[i], ctx);
            let big_a = a.sub(&cos0.mul(&g));
            let big_b = sin0.mul(&g);
            if !big_b.possibly_zero() {
                let cot_c = big_a.div(&big_b).neg();
                let ahead = sgn.mul(&cot_c.sub(&cot0));
                if ahead.certainly_nonpos() {
                    continue; // not reached on this stage
                }
                if !ahead.certainly_pos() {
                    return Err(und(format!("whether point {i} is reached on a stage of neuron {j} is not decided")));
                }
                let inv = S::one(ctx).add(&cot_c.sqr()).sqrt();
                let (cos_c, sin_c) = (cot_c.div(&inv), S::one(ctx).div(&inv));
                let t = tau.add(&sgn.mul(&artanh(&cos_c).sub(&artanh(&cos0))).div(&gn));
                times.push((i, t.clone()));
                let better = match &best {
                    None => true,
                    Some((_, bt, _, _)) => t.upper_f64() < bt.upper_f64(),
                };
                if better {
                    best = Some((i, t, cos_c, sin_c));
                }
            } else if !big_b.possibly_pos() && !big_b.possibly_neg() && !big_a.possibly_zero() {
                continue; // γ̄ᵀx_i = 0 exactly and ᾱ₀ᵀx_i ≠ 0: the equation has no solution
            } else {
                return Err(und(format!("the crossing equation of point {i} is degenerate (γ̄ᵀx_i may be 0)")));
            }
        }
        let Some((i, t, cos_c, sin_c)) = best else {
            return Err(YardError::Fails(format!(
                "no point of neuron {j} reaches its hyperplane on the stage from τ ∈ {} (Prop 2 expects one)",
                crate::verdict::show(&tau)
            )));
        };
        let separated = times.iter().filter(|(k, _)| *k != i).all(|(_, u)| t.certainly_lt(u));
        if !separated {
            return Err(und(format!("crossing times of neuron {j} overlap near τ ∈ {}", crate::verdict::show(&t))));
        }
        if !pending.contains(&i) {
            return Err(YardError::Fails(format!(
                "the first point to reach the hyperplane of neuron {j} after τ ∈ {} is {i}, which is not pending: the crossing structure of Prop 2 fails",
                crate::verdict::show(&tau)
            )));
        }
        if !tau.certainly_lt(&t) {
            return Err(und(format!("τ not certainly increasing for neuron {j}")));
        }
        let dt = t.sub(&tau);
        let e = gn.mul(&dt).exp();
        let half = |v: S| v.mul_2si(-1);
        norm = norm
            .mul(&half(S::one(ctx).add(&sgn.mul(&cos0))).mul(&e).add(&half(S::one(ctx).sub(&sgn.mul(&cos0))).div(&e)));
        let sin_diff = sin0.mul(&cos_c).sub(&cos0.mul(&sin_c));
        let unit: Vec<S> = dir.iter().map(|c| c.div(&linalg::norm(&dir, ctx))).collect();
        dir = unit.iter().zip(&gbar).map(|(a, g)| sin_c.mul(a).add(&sin_diff.mul(g)).div(&sin0)).collect();
        tau = t;
        pending.retain(|&k| k != i);
        last = Some(i);
        if sj == 1 {
            set.push(i);
            set.sort_unstable();
        } else {
            set.retain(|&k| k != i);
        }
        crossings.push(Crossing { point: i, tau: tau.clone(), norm: norm.clone(), dir: dir.clone() });
    }
    if sj == 1 {
        // After the last entry every point is active and γ = γ_[n]: no point may ever leave
        // (d/dt α_jᵀx_i = ‖α_j‖ γ_[n]ᵀx_i > 0, exactly).
        let g: Vec<Rational> =
            (0..data.d()).map(|k| (0..n).map(|i| Rational::from(&data.y()[i] * &data.x()[i][k])).sum()).collect();
        if let Some(i) = (0..n).find(|&i| dot(&g, &data.x()[i]) < 0) {
            return Err(YardError::Fails(format!(
                "γ_[n]ᵀx_{i} < 0: point {i} leaves neuron {j} after its last crossing"
            )));
        }
        // γ_[n]ᵀx_i = 0: the guard stays where it is, neither leaving nor the strict growth the
        // argument uses; no verdict either way.
        if let Some(i) = (0..n).find(|&i| dot(&g, &data.x()[i]) == 0) {
            return Err(und(format!(
                "γ_[n]ᵀx_{i} = 0: point {i}'s guard on neuron {j} stays constant after its last crossing"
            )));
        }
    }
    let cos_phi0 = match cos_phi0_first {
        Some(c) => c,
        None => {
            let gamma = gamma_of::<S>(p, &set, ctx);
            linalg::dot(&dir, &gamma, ctx).div(&linalg::norm(&gamma, ctx))
        }
    };
    Ok(Yardstick { neuron: j, sign: sj, n_j, crossings, cos_phi0 })
}
