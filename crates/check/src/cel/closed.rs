//! The yardstick's closed forms checked as separate statements: Prop 13(ii) (the cosh/sinh norm
//! law on a stage) and Prop 22 (the tanh angle law after the last crossing), on the stage-wise
//! solution of [`crate::cel::yardstick`]. See `proofs-notes/thm-cel.prop13-yardstick.md` and
//! `proofs-notes/thm-cel.prop22-yardstick.md`.
//!
//! On a stage `[τ₀, τ₁]` with constant `γ` (norm `g`), start norm `N₀` and `c₀ = cos φ₀`,
//! `θ₀ = artanh c₀`, the closed forms are `N(u) = N₀ cosh(θ₀ + s g u)/cosh θ₀`,
//! `αᵀγ(u) = N(u) g cos φ(u)` with `cos φ(u) = tanh(θ₀ + s g u)` (`u = t − τ₀`). The checks:
//! (a) the norm law at `τ₁` against the yardstick's own enclosure of `‖α(τ₁)‖`; (b) the
//! geometric invariant `N sin φ = const` (the component of `α` orthogonal to `γ` does not move,
//! since `α̇ ∥ γ`) from the yardstick's direction at `τ₁`; (c) the tanh law at `τ₁` against that
//! direction; (d) the ODE identities `dN/dt = s αᵀγ`, `d(αᵀγ)/dt = s g² N` and `N > 0` on every
//! piece of the stage (interval evaluation over subintervals of `u`).

use crate::cel::geometry::{directions, i_plus};
use crate::cel::yardstick::{Yardstick, artanh, gamma_of};
use crate::sweep::overlaps;
use crate::verdict::{Location, Proof, Verdict, show};
use reluflow_arith::{Enclosure, linalg};
use reluflow_model::Problem;

/// `tanh x = 1 − 2/(e^{2x} + 1)`, enclosed.
fn tanh<S: Enclosure>(x: &S) -> S {
    let one = S::one(&x.ctx());
    one.sub(&S::from_i64(2, &x.ctx()).div(&x.mul_2si(1).exp().add(&one)))
}

/// The active set of stage `ℓ` (1-based) of a yardstick: `I_+(z_j)` with the first `ℓ − 1`
/// crossed points added (`s_j = +1`) or removed (`s_j = −1`).
pub fn stage_set<S>(p: &Problem, y: &Yardstick<S>, stage: usize) -> Vec<usize> {
    let Some((z, _)) = directions(p) else { return vec![] };
    let mut set = i_plus(p, &z[y.neuron]);
    for c in y.crossings.iter().take(stage.saturating_sub(1)) {
        if y.sign == 1 {
            set.push(c.point);
        } else {
            set.retain(|&k| k != c.point);
        }
    }
    set.sort_unstable();
    set
}

/// The state at the start of stage `ℓ` (1-based): `(τ, ‖α‖, ᾱ)`.
fn stage_start<S: Enclosure>(p: &Problem, y: &Yardstick<S>, stage: usize, ctx: &S::Ctx) -> Option<(S, S, Vec<S>)> {
    if stage <= 1 {
        let (z, _) = directions(p)?;
        let zs: Vec<S> = z[y.neuron].iter().map(|q| S::from_rational(q, ctx)).collect();
        let n = linalg::norm(&zs, ctx);
        let dir = zs.iter().map(|c| c.div(&n)).collect();
        return Some((S::zero(ctx), n, dir));
    }
    let c = y.crossings.get(stage - 2)?;
    let n = linalg::norm(&c.dir, ctx);
    Some((c.tau.clone(), c.norm.clone(), c.dir.iter().map(|v| v.div(&n)).collect()))
}

/// What went wrong on a stage: a certified disagreement or an undecided step.
enum Fail<S> {
    Violated(String, S, String),
    Undecided(String),
}

/// The ODE identities and `N > 0` on `pieces` subintervals of `u ∈ [0, u_max]`; returns the
/// smallest certified lower bound of `N` (Prop 13(i)'s `μ`).
fn ode_pieces<S: Enclosure>(n0: &S, c0: &S, g: &S, s: &S, u_max: &S, pieces: u32, what: &str) -> Result<S, Fail<S>> {
    let ctx = n0.ctx();
    let theta0 = artanh(c0);
    let cosh0 = theta0.exp().add(&theta0.neg().exp()).mul_2si(-1);
    let hi = u_max.hi_point();
    let mut mu: Option<S> = None;
    for k in 0..pieces.max(1) {
        let a = hi.mul(&S::from_i64(i64::from(k), &ctx)).div(&S::from_i64(i64::from(pieces.max(1)), &ctx));
        let b = hi.mul(&S::from_i64(i64::from(k + 1), &ctx)).div(&S::from_i64(i64::from(pieces.max(1)), &ctx));
        let u = a.lo_point().hull(&b.hi_point()).max(&S::zero(&ctx));
        let th = theta0.add(&s.mul(g).mul(&u));
        let (ep, em) = (th.exp(), th.neg().exp());
        let n = n0.mul(&ep.add(&em).mul_2si(-1)).div(&cosh0);
        let dn = s.mul(g).mul(n0).mul(&ep.sub(&em).mul_2si(-1)).div(&cosh0); // d/du of the norm law
        let cos = tanh(&th);
        let p = n.mul(g).mul(&cos); // αᵀγ from the angle law
        let sech2 = S::one(&ctx).sub(&cos.sqr());
        let dp = g.mul(&dn.mul(&cos).add(&n.mul(s).mul(g).mul(&sech2))); // d/du of N g cos φ
        if !n.certainly_pos() {
            return Err(Fail::Undecided(format!("{what}: ‖α‖ ∈ {} is not certainly > 0 on piece {k}", show(&n))));
        }
        let r1 = dn.sub(&s.mul(&p));
        if !r1.contains_zero() {
            return Err(Fail::Violated(format!("{what}: dN/dt − s αᵀγ on piece {k}"), r1, "must be 0".into()));
        }
        let r2 = dp.sub(&s.mul(&g.sqr()).mul(&n));
        if !r2.contains_zero() {
            return Err(Fail::Violated(format!("{what}: d(αᵀγ)/dt − s‖γ‖²N on piece {k}"), r2, "must be 0".into()));
        }
        let lo = n.lo_point();
        mu = Some(match mu {
            Some(m) => m.min(&lo),
            None => lo,
        });
    }
    Ok(mu.unwrap_or_else(|| n0.clone()))
}

fn agree<S: Enclosure>(a: &S, b: &S, what: String) -> Result<(), Fail<S>> {
    if overlaps(a, b) {
        Ok(())
    } else {
        Err(Fail::Violated(what, a.sub(b), format!("must be 0 (the two sides are {} and {})", show(a), show(b))))
    }
}

/// One stage of Prop 13 (1-based `stage ≤ n_j`).
fn prop13_stage<S: Enclosure>(
    p: &Problem,
    y: &Yardstick<S>,
    stage: usize,
    pieces: u32,
    ctx: &S::Ctx,
) -> Result<S, Fail<S>> {
    let j = y.neuron;
    let what = format!("yardstick {j}, stage {stage}");
    let (tau0, n0, d0) = stage_start(p, y, stage, ctx).ok_or_else(|| Fail::Undecided(format!("{what}: no start")))?;
    let end = &y.crossings[stage - 1];
    let gamma = gamma_of::<S>(p, &stage_set(p, y, stage), ctx);
    let g = linalg::norm(&gamma, ctx);
    if !g.certainly_pos() {
        return Err(Fail::Undecided(format!("{what}: ‖γ‖ not certainly > 0")));
    }
    let gbar: Vec<S> = gamma.iter().map(|c| c.div(&g)).collect();
    let s = S::from_i64(i64::from(y.sign), ctx);
    let one = S::one(ctx);
    let c0 = linalg::dot(&d0, &gbar, ctx);
    let s0 = one.sub(&c0.sqr()).sqrt();
    let d1n = linalg::norm(&end.dir, ctx);
    let c1 = linalg::dot(&end.dir, &gbar, ctx).div(&d1n);
    let s1 = one.sub(&c1.sqr()).sqrt();
    if !s0.certainly_pos() || !s1.certainly_pos() || !c0.is_finite() || !c1.is_finite() {
        return Err(Fail::Undecided(format!("{what}: sin φ not certainly > 0 at the stage ends")));
    }
    let u = end.tau.sub(&tau0);
    if !u.certainly_pos() {
        return Err(Fail::Undecided(format!("{what}: stage length {} not certainly > 0", show(&u))));
    }
    // (a) the norm law at τ₁ against the yardstick's enclosure.
    let e = g.mul(&u).exp();
    let law = n0.mul(&one.add(&s.mul(&c0)).mul(&e).add(&one.sub(&s.mul(&c0)).div(&e)).mul_2si(-1));
    agree(&law, &end.norm, format!("{what}: Prop 13 norm law at τ − ‖α(τ)‖"))?;
    // (b) N sin φ is constant on the stage.
    agree(&n0.mul(&s0), &end.norm.mul(&s1), format!("{what}: ‖α‖ sin φ at the stage start − at its end"))?;
    // (c) the tanh law at τ₁ against the direction.
    agree(&tanh(&artanh(&c0).add(&s.mul(&g).mul(&u))), &c1, format!("{what}: tanh law − ᾱ(τ)ᵀγ̄"))?;
    // (d) the ODE identities over the stage.
    ode_pieces(&n0, &c0, &g, &s, &u, pieces, &what)
}

/// `cel.prop13-yardstick` on given yardsticks: every stage of every yardstick satisfies the norm
/// law (checks (a)–(d) of the module doc). Public so that a mutated yardstick can be checked.
pub fn prop13_on<S: Enclosure>(
    p: &Problem,
    ys: &[Yardstick<S>],
    pieces: u32,
    ctx: &S::Ctx,
) -> (Verdict<S>, Vec<String>) {
    let mut notes = Vec::new();
    for y in ys {
        let mut mu: Option<S> = None;
        for stage in 1..=y.crossings.len() {
            match prop13_stage(p, y, stage, pieces, ctx) {
                Ok(m) => mu = Some(mu.map_or(m.clone(), |x| x.min(&m))),
                Err(Fail::Violated(q, v, b)) => return (Verdict::violated(Location::Data, q, Some(v), b), notes),
                Err(Fail::Undecided(why)) => return (Verdict::undecided(why), notes),
            }
        }
        let order: Vec<usize> = y.crossings.iter().map(|c| c.point).collect();
        let taus: Vec<String> = y.crossings.iter().map(|c| show(&c.tau)).collect();
        let norms: Vec<String> = y.crossings.iter().map(|c| show(&c.norm)).collect();
        let mu = mu.map_or_else(|| "—".to_string(), |m| show(&m));
        notes.push(format!(
            "neuron {} (s = {:+}): order {order:?}, τ = [{}], ‖α(τ)‖ = [{}], min ‖α‖ on the stages ≥ {mu}",
            y.neuron,
            y.sign,
            taus.join(", "),
            norms.join(", ")
        ));
    }
    let v = Verdict::Holds {
        proof: Proof::Identity("Prop 13(ii): N₀cosh(θ₀ + s‖γ‖u)/cosh θ₀ solves dN/dt = sαᵀγ, d(αᵀγ)/dt = s‖γ‖²N"),
        range: "static: every stage of every yardstick".into(),
    };
    (v, notes)
}

/// The certified yardsticks of `J+ ∪ J−` (or the verdict saying why not: a certified failure of
/// the crossing structure is a violation on the data, anything else undecided).
pub fn all_yardsticks<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> Result<Vec<Yardstick<S>>, Verdict<S>> {
    use crate::cel::yardstick::{YardError, yardstick};
    let Some((z, _)) = directions(p) else { return Err(Verdict::undecided("no hidden layer")) };
    let mut out = Vec::new();
    for j in 0..z.len() {
        if i_plus(p, &z[j]).is_empty() {
            continue;
        }
        match yardstick::<S>(p, j, ctx) {
            Ok(y) => out.push(y),
            Err(YardError::Fails(why)) => {
                return Err(Verdict::violated(
                    Location::Data,
                    format!("crossing structure of yardstick {j}"),
                    None,
                    why,
                ));
            }
            Err(YardError::Undecided(why)) => return Err(Verdict::undecided(format!("yardstick {j}: {why}"))),
        }
    }
    Ok(out)
}

/// `cel.prop22-yardstick` on given yardsticks, for `j ∈ J+`: after `τ^{n_j}` every point is
/// active (exactly: the last set is `[n]` and `γ_[n]ᵀx_i > 0` for all `i`), Prop 14(viii)
/// `‖γ_{I^{n_j}}‖cos φ^{n_j−} = ‖γ_[n]‖cos φ^{n_j+}` (intervals), `|cos φ^{n_j+}| < 1`, and the
/// tanh law `cos φ = tanh(θ + ‖γ_[n]‖u)` solves `d cos φ/dt = ‖γ_[n]‖ sin²φ` together with the norm
/// law on `u ∈ [0, horizon]` (`pieces` subintervals). Notes: `cos φ^{n_j+}` and
/// `ρ_j = (1 + cos φ^{n_j+})‖α(τ^{n_j})‖e^{−‖γ_[n]‖τ^{n_j}}` (the predicted limit profile, §4.2).
pub fn prop22_on<S: Enclosure>(
    p: &Problem,
    ys: &[Yardstick<S>],
    horizon: &S,
    pieces: u32,
    ctx: &S::Ctx,
) -> (Verdict<S>, Vec<String>) {
    let n = p.data().n();
    let all: Vec<usize> = (0..n).collect();
    let gamma = gamma_of::<S>(p, &all, ctx);
    let g = linalg::norm(&gamma, ctx);
    let gbar: Vec<S> = gamma.iter().map(|c| c.div(&g)).collect();
    let one = S::one(ctx);
    let mut notes = Vec::new();
    // Exactly: γ_[n]ᵀx_i > 0 for every i (so no point ever leaves a J+ yardstick after τ^{n_j}).
    let gq = crate::cel::gamma(p, &all);
    if let Some(i) = (0..n).find(|&i| crate::rational::dot(&gq, &p.data().x()[i]) <= 0) {
        let why = format!("γ_[n]ᵀx_{i} ≤ 0 (exact): point {i} may leave after the last crossing");
        return (Verdict::violated(Location::Data, "γ_[n]ᵀx_i", None, why), notes);
    }
    for y in ys.iter().filter(|y| y.sign == 1) {
        let j = y.neuron;
        let last = y.crossings.len();
        if stage_set(p, y, last + 1) != all {
            let why = format!(
                "after its last crossing yardstick {j} has active set {:?}, not [n]",
                stage_set(p, y, last + 1)
            );
            return (Verdict::violated(Location::Data, format!("I_+(α_{j})"), None, why), notes);
        }
        let Some((tau, norm, dir)) = stage_start(p, y, last + 1, ctx) else {
            return (Verdict::undecided(format!("yardstick {j}: no state after the last crossing")), notes);
        };
        let c_plus = linalg::dot(&dir, &gbar, ctx);
        if last > 0 {
            let prev = gamma_of::<S>(p, &stage_set(p, y, last), ctx);
            let lhs = linalg::dot(&dir, &prev, ctx);
            if let Err(Fail::Violated(q, v, b)) =
                agree(&lhs, &g.mul(&c_plus), format!("yardstick {j}: Prop 14(viii) ‖γ_I‖cos φ⁻ − ‖γ_[n]‖cos φ⁺"))
            {
                return (Verdict::violated(Location::Data, q, Some(v), b), notes);
            }
        }
        if !certainly_inside_unit(&c_plus) {
            let why = format!("yardstick {j}: cos φ^(n_j+) ∈ {} not certainly in (−1, 1)", show(&c_plus));
            return (Verdict::undecided(why), notes);
        }
        match ode_pieces(&norm, &c_plus, &g, &one, horizon, pieces, &format!("yardstick {j} after τ^(n_j)")) {
            Ok(_) => {}
            Err(Fail::Violated(q, v, b)) => return (Verdict::violated(Location::Data, q, Some(v), b), notes),
            Err(Fail::Undecided(why)) => return (Verdict::undecided(why), notes),
        }
        let rho = one.add(&c_plus).mul(&norm).mul(&g.mul(&tau).neg().exp());
        notes.push(format!(
            "neuron {j}: τ^(n_j) ∈ {}, cos φ^(n_j+) ∈ {}, ρ_j ∈ {}",
            show(&tau),
            show(&c_plus),
            show(&rho)
        ));
    }
    let v = Verdict::Holds {
        proof: Proof::Identity("Prop 22: cos φ = tanh(artanh cos φ⁺ + ‖γ_[n]‖u) solves d cos φ/dt = ‖γ_[n]‖ sin²φ"),
        range: format!("static: every J+ yardstick, u ∈ [0, {}] checked on pieces, exact active sets", show(horizon)),
    };
    (v, notes)
}

fn certainly_inside_unit<S: Enclosure>(c: &S) -> bool {
    let one = S::one(&c.ctx());
    c.is_finite() && c.certainly_lt(&one) && one.neg().certainly_lt(c)
}

/// `‖γ_[n]‖` in the problem's time scale (`2c Σ y_i x_i`), enclosed.
pub fn gamma_norm<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> S {
    let all: Vec<usize> = (0..p.data().n()).collect();
    linalg::norm(&gamma_of::<S>(p, &all, ctx), ctx)
}
