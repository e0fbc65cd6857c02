//! The claims of a single-neuron certificate, pattern by pattern (`docs/certificate.md`).

use crate::exits::{self, Ctx, Switched};
use crate::field::Field;
use crate::num::{I, dot, show};
use crate::walk::{Claims, Guards, Pt, walk};
use crate::{Fail, Verified};
use reluflow_certificate::{Ball, Crossing, Exit, Loss, Neuron, NeuronProblem, PatternCert};
use rug::Rational;

fn q_str(q: &Rational) -> String {
    format!("{} ({q})", show(q))
}

/// `‖u₁ − u₀‖ + ρ₀ ≤ ρ₁`: the ball `(u₀, ρ₀)` lies in `(u₁, ρ₁)` (same anchor).
pub(crate) fn ball_in_ball(inner: &Ball, outer: &Ball, loc: &str) -> Result<(), Fail> {
    let slack = Rational::from(&outer.rho - &inner.rho);
    let dist: Rational = inner.u.iter().zip(&outer.u).map(|(a, b)| Rational::from(a - b).square()).sum();
    if slack < 0 || dist > Rational::from(slack.square_ref()) {
        let what = "the set lies in the next one: ‖u − u'‖ + ρ ≤ ρ'";
        let found = format!("‖u − u'‖² = {}, ρ = {}", show(&dist), q_str(&inner.rho));
        return Err(Fail::new(loc, what, found, format!("ρ' = {}", q_str(&outer.rho))));
    }
    Ok(())
}

/// The box `lo ≤ w ≤ hi` lies in `anchor + u + B(ρ)` (its farthest corner does).
pub(crate) fn box_in_ball(bx: &[(Rational, Rational)], anchor: &[Rational], b: &Ball, loc: &str) -> Result<(), Fail> {
    let far: Rational = bx
        .iter()
        .zip(anchor.iter().zip(&b.u))
        .map(|((lo, hi), (a, u))| {
            let c = Rational::from(a + u);
            Rational::from(lo - &c).square().max(Rational::from(hi - &c).square())
        })
        .sum();
    if far > Rational::from(b.rho.square_ref()) {
        let found = format!("farthest corner at distance² {}", show(&far));
        return Err(Fail::new(
            loc,
            "the set lies in the pattern's first ball",
            found,
            format!("ρ² = {}", show(&Rational::from(b.rho.square_ref()))),
        ));
    }
    Ok(())
}

/// The loss factor `c` for `n` points.
fn loss_factor(l: Loss, n: usize) -> Rational {
    match l {
        Loss::HalfSum => Rational::from((1, 2)),
        Loss::HalfMean => Rational::from((1, 2 * n as u64)),
        Loss::Mean => Rational::from((1, n as u64)),
    }
}

/// The problem as every claim sees it.
pub(crate) fn context(p: &NeuronProblem) -> Ctx<'_> {
    let c = loss_factor(p.loss, p.x.len());
    Ctx {
        x: &p.x,
        y: &p.y,
        gf: Rational::from(&c * 2u32),
        c,
        nonzero: p.x.iter().map(|r| r.iter().any(|v| *v != 0)).collect(),
        t_end: &p.t_end,
        one: p.relu_prime_at_zero == 1,
        flat: vec![false; p.x.len()],
    }
}

/// Re-proves the patterns of a single-neuron certificate (its verdicts: `verdicts.rs`).
pub(crate) fn neuron(n: &Neuron) -> Result<Verified, Fail> {
    let p = &n.problem;
    let mut ctx = context(p);
    ctx.flat = crate::flat::guards(&ctx, n)?;
    let mut prev: Option<Switched> = None;
    let (mut steps, mut switches) = (0, 0);
    for (pi, pat) in n.patterns.iter().enumerate() {
        let last = pi + 1 == n.patterns.len();
        steps += pat.steps.len();
        match pattern(&ctx, pi, pat, prev.take(), &p.w0, last)? {
            Some(s) => {
                switches += 1;
                prev = Some(s);
            }
            None => {
                let ending = pat.exit.name();
                return Ok(Verified { patterns: pi + 1, steps, switches, ending, verdicts: Vec::new() });
            }
        }
    }
    Err(Fail::new(
        format!("pattern {}", n.patterns.len() - 1),
        "the run ends (horizon or limit)",
        "a switch".into(),
        "a next pattern".into(),
    ))
}

/// The first ball of a pattern.
fn first_ball(pat: &PatternCert) -> &Ball {
    match (pat.steps.first(), &pat.exit) {
        (Some(s), _) => &s.start,
        (
            None,
            Exit::Switch(Crossing { start, .. })
            | Exit::Horizon { start, .. }
            | Exit::Limit { start, .. }
            | Exit::Death { crossing: Crossing { start, .. }, .. },
        ) => start,
    }
}

fn pattern(
    ctx: &Ctx<'_>,
    pi: usize,
    pat: &PatternCert,
    prev: Option<Switched>,
    w0: &[Rational],
    last: bool,
) -> Result<Option<Switched>, Fail> {
    let loc = format!("pattern {pi}");
    if let Some(&i) = pat.active.iter().find(|&&i| !ctx.nonzero[i]) {
        return Err(Fail::new(
            format!("{loc} / active"),
            "active points have x_i ≠ 0",
            format!("point {i}"),
            "x_i ≠ 0".into(),
        ));
    }
    let mut f = Field::new(ctx.x, ctx.y, &ctx.gf, &pat.active, pat.anchor.clone());
    if let Some((j, v)) = f.defect().into_iter().enumerate().find(|(_, v)| *v != 0) {
        let what = "the anchor is an equilibrium of the pattern's field (K a = g)";
        return Err(Fail::new(format!("{loc} / anchor / w[{j}]"), what, format!("(Ka − g)_{j} = {v}"), "0".into()));
    }
    let gs = Guards::new(&f, ctx.x);
    let guards: Vec<(usize, i8)> = (0..ctx.x.len())
        .filter(|&i| ctx.nonzero[i] && !ctx.flat[i])
        .map(|i| (i, if pat.active.contains(&i) { 1 } else { -1 }))
        .collect();
    let ball0 = first_ball(pat);
    let start_set: Vec<(Rational, Rational)> = match &prev {
        None => w0.iter().map(|q| (q.clone(), q.clone())).collect(),
        Some(s) => s.state.clone(),
    };
    let zero_at_start: Vec<usize> = match &prev {
        None => exits::start(ctx, pat, w0, &f, ball0, &loc)?,
        Some(s) => {
            exits::enter(ctx, pat, s, &f, ball0, &loc)?;
            s.group.clone()
        }
    };
    let start_pts: Vec<I> = ball0.u.iter().map(|q| I::pt(q.clone())).collect();
    let mut closed: Vec<bool> = guards
        .iter()
        .map(|&(i, s)| zero_at_start.contains(&i) || gs.value(&f, i, &start_pts, &ball0.rho).signed(s))
        .collect();
    let mut t = Rational::new();
    let mut prev_end: Option<&Ball> = None;
    for (k, st) in pat.steps.iter().enumerate() {
        let sl = format!("{loc} / step {k}");
        if st.t0 != t || st.t1 < st.t0 {
            return Err(Fail::new(
                format!("{sl} / t"),
                "steps follow each other",
                format!("[{}, {}]", st.t0, st.t1),
                format!("start {t}"),
            ));
        }
        if let Some(e) = prev_end {
            ball_in_ball(e, &st.start, &format!("{sl} / start"))?;
        }
        let claims = Claims {
            hull: Some(&pairs(&st.hull)),
            guards: guards.clone(),
            closed: closed.clone(),
            rates: Vec::new(),
            radii: None,
            quantity: None,
            loc: sl.clone(),
        };
        let len = Rational::from(&st.t1 - &st.t0);
        let end = walk(&mut f, &gs, &Pt { p: st.start.u.clone(), eps: Rational::new() }, &st.start.rho, &len, &claims)?;
        end_in_ball(&end, &st.start.rho, &st.end, &format!("{sl} / end"))?;
        closed = vec![true; guards.len()];
        t = st.t1.clone();
        prev_end = Some(&st.end);
    }
    let ex = exits::Stretch {
        f: &mut f,
        gs: &gs,
        guards: &guards,
        closed,
        t,
        prev_end,
        loc: &loc,
        t_start: &pat.t_start,
        start_set,
    };
    exits::exit(ctx, ex, &pat.exit, pat, last)
}

/// The hull as pairs.
pub(crate) fn pairs(v: &[reluflow_certificate::Iv]) -> Vec<(Rational, Rational)> {
    v.iter().map(|i| (i.lo.clone(), i.hi.clone())).collect()
}

/// `E(h)u ∈ p + B(ε)` and the start radius `ρ` fit the end ball: `‖p − u'‖ + ε + ρ ≤ ρ'`.
pub(crate) fn end_in_ball(end: &Pt, rho: &Rational, b: &Ball, loc: &str) -> Result<(), Fail> {
    let slack = Rational::from(&b.rho - rho) - &end.eps;
    let dist: Rational = end.p.iter().zip(&b.u).map(|(a, c)| Rational::from(a - c).square()).sum();
    if slack < 0 || dist > Rational::from(slack.square_ref()) {
        let what = "the flow of the step's start set ends in its end set: ‖E(h)u − u'‖ + ρ ≤ ρ'";
        let found =
            format!("‖E(h)u − u'‖ ≤ {} + {}, ρ = {}", show(&crate::num::sqrt_up(&dist)), show(&end.eps), q_str(rho));
        return Err(Fail::new(loc, what, found, format!("ρ' = {}", q_str(&b.rho))));
    }
    Ok(())
}

/// `x_iᵀw` exactly.
pub(crate) fn guard_at(x: &[Rational], w: &[Rational]) -> Rational {
    dot(x, w)
}
