//! Verdicts that rest on a theorem's own setting: the zero-loss point of Vardi–Shamir's distance
//! statements (`gen.dist-to-interpolant`, `vs.thm8-distance`) and the limit of their Theorem 3
//! instance (`vs.thm3-limit`), re-proved from the certificate's exact problem and limit.

use crate::Fail;
use crate::exits::{Ctx, conserved};
use crate::num::{I, dot, show_i};
use reluflow_certificate::{Exit, Horizon, Neuron, PatternCert};
use rug::Rational;

/// `gen.dist-to-interpolant` and `vs.thm8-distance` hold for a zero-loss point `w*`:
/// `σ(x_iᵀw*) = y_i` for every point (exactly). Then along every pattern
/// `d/dt ½‖w − w*‖² = −2c Σ_{i∈A} (σ(z_i) − σ(z*_i))(z_i − z*_i) ≤ 0` (σ monotone, `z_i > 0` on
/// the cell), so `‖w − w*‖` never grows, and `‖w(t) − w(0)‖ ≤ ‖w(t) − w*‖ + ‖w* − w(0)‖ ≤
/// 2‖w* − w(0)‖`: both are identities of the verified flow.
pub(crate) fn zero_loss(ctx: &Ctx<'_>, w_star: Option<&Vec<Rational>>, loc: &str) -> Result<(), Fail> {
    let Some(w) = w_star else {
        return Err(Fail::new(loc, "the verdict names its zero-loss point w*", "none".into(), "w_star".into()));
    };
    for (i, (x, y)) in ctx.x.iter().zip(ctx.y).enumerate() {
        let z = dot(x, w).max(Rational::new());
        if z != *y {
            let what = "w* has zero loss: σ(x_iᵀw*) = y_i";
            return Err(Fail::new(format!("{loc} / w_star"), what, format!("σ(x_{i}ᵀw*) = {z}"), format!("{y}")));
        }
    }
    Ok(())
}

/// Vardi–Shamir's bounds on `s/α` for `γ` (`(0, 0)`: `s = 0` exactly).
fn bounds(gamma: &Rational) -> Option<(Rational, Rational)> {
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

/// `(α, γ)` when the problem is the Theorem 3 instance: rows `(3, −1, 0)`, `(4, 2, 0)`,
/// `(0, γ, γ)`, labels `α(16, 18, 0)` with `α > 0`, `w(0) = 0`, σ'(0) = 1, `t_end = inf`.
fn instance(ctx: &Ctx<'_>, n: &Neuron) -> Option<(Rational, Rational)> {
    let q = |v: i32| Rational::from(v);
    let x = ctx.x;
    let shape = x.len() == 3 && x.iter().all(|r| r.len() == 3);
    if !shape || x[0] != [q(3), q(-1), q(0)] || x[1] != [q(4), q(2), q(0)] || x[2][0] != 0 || x[2][1] != x[2][2] {
        return None;
    }
    let alpha = Rational::from(&ctx.y[0] / 16u32);
    let labels = alpha > 0 && ctx.y[1] == Rational::from(&alpha * 18u32) && ctx.y[2] == 0;
    let setting = n.problem.w0.iter().all(|v| *v == 0) && ctx.one && *ctx.t_end == Horizon::Infinite;
    (labels && setting).then(|| (alpha, x[2][1].clone()))
}

/// `vs.thm3-limit` holds: on the instance, the limit pattern is `{0, 1}` (or all three for
/// `γ = 0`), its anchor solves `X_S a = y_S` exactly (so `w(∞) = α(5, −1, s)`: the rest of `w(∞)`
/// lies in `ker K = span e₃`), and the verifier's enclosure of `s = w(∞)[2]` (the limit ball met
/// with the conserved part, as for the limit exit) lies strictly inside the paper's interval.
pub(crate) fn thm3(ctx: &Ctx<'_>, n: &Neuron, loc: &str) -> Result<(), Fail> {
    let Some((alpha, gamma)) = instance(ctx, n) else {
        return Err(Fail::new(
            loc,
            "the problem is Theorem 3's instance",
            "another problem".into(),
            "X_γ, α(16, 18, 0)".into(),
        ));
    };
    let Some((lo, hi)) = bounds(&gamma) else {
        return Err(Fail::new(loc, "γ is one of 0, 1, 2, 5", gamma.to_string(), "0, 1, 2 or 5".into()));
    };
    let pats = &n.patterns;
    let Some(last) = pats.last() else { return Err(Fail::new(loc, "a pattern", "none".into(), "one".into())) };
    let Exit::Limit { start, .. } = &last.exit else {
        return Err(Fail::new(loc, "the run ends at a limit", last.exit.name().into(), "limit".into()));
    };
    let ok_set = last.active == [0, 1] || (gamma == 0 && last.active == [0, 1, 2]);
    let solves = (0..2).all(|i| dot(&ctx.x[i], &last.anchor) == ctx.y[i]);
    if !ok_set || !solves {
        let what = "the limit pattern {0, 1} with X_S a = y_S";
        return Err(Fail::new(format!("{loc} / limit"), what, format!("{:?}", last.active), "[0, 1], solved".into()));
    }
    let s = limit_coordinate(ctx, pats, last, &start.rho, 2);
    let (a, b) = (Rational::from(&lo * &alpha), Rational::from(&hi * &alpha));
    let inside = if gamma == 0 { s.lo == 0 && s.hi == 0 } else { a < s.lo && s.hi < b };
    if !inside {
        let what = "s = w(∞)[2] lies strictly inside the paper's interval (s = 0 for γ = 0)";
        return Err(Fail::new(format!("{loc} / limit / w[2]"), what, show_i(&s), format!("({a}, {b})")));
    }
    Ok(())
}

/// `w(∞)[j]` from the limit exit: `a + B(ρ)` met with `a + (I − P)(W − a)`, `W` the last pattern's
/// start set (`w(0)` or the switching box before it).
fn limit_coordinate(ctx: &Ctx<'_>, pats: &[PatternCert], last: &PatternCert, rho: &Rational, j: usize) -> I {
    let set: Vec<(Rational, Rational)> = match pats.len().checked_sub(2).map(|p| &pats[p].exit) {
        Some(Exit::Switch(c)) => c.state.iter().map(|v| (v.lo.clone(), v.hi.clone())).collect(),
        _ => ctx.x[0].iter().map(|_| (Rational::new(), Rational::new())).collect(),
    };
    let c = &conserved(ctx, last, &last.anchor, &set)[j];
    let a = &last.anchor[j];
    I::new(Rational::from(a - rho).max(c.lo.clone()), Rational::from(a + rho).min(c.hi.clone()))
}
