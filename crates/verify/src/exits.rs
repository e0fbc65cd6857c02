//! Where patterns begin and end: the start at `t = 0`, entering after a switch, and the three
//! exits (switch, horizon, limit).

use crate::Fail;
use crate::check::{ball_in_ball, box_in_ball, guard_at, pairs};
use crate::field::Field;
use crate::num::{I, dot, norm_up, show, show_i};
use crate::walk::{Claims, Guards, Pt, advance, walk};
use reluflow_certificate::{Ball, Crossing, Exit, Horizon, Iv, PatternCert, Slow};
use rug::Rational;

/// The problem as every claim sees it.
pub(crate) struct Ctx<'a> {
    pub x: &'a [Vec<Rational>],
    pub y: &'a [Rational],
    /// The loss factor `c` and the gradient factor `2c`.
    pub c: Rational,
    pub gf: Rational,
    pub nonzero: Vec<bool>,
    pub t_end: &'a Horizon,
    /// σ'(0) = 1.
    pub one: bool,
    /// The flat guards (`flat.rs`): on their hyperplane for good, no guard of any pattern.
    pub flat: Vec<bool>,
}

/// A proved switch: the time, the state box there, the points that switched, the next active set.
#[derive(Debug)]
pub(crate) struct Switched {
    pub time: Iv,
    /// The verifier's own lower bound of the switch time (`≥ time.lo`): the states from there
    /// to the switch lie in `state`.
    pub from: Rational,
    pub state: Vec<(Rational, Rational)>,
    pub group: Vec<usize>,
    pub next: Vec<usize>,
}

/// A pattern after its steps: where its exit begins.
pub(crate) struct Stretch<'a, 'b> {
    pub f: &'b mut Field,
    pub gs: &'b Guards,
    pub guards: &'b [(usize, i8)],
    pub closed: Vec<bool>,
    pub t: Rational,
    pub prev_end: Option<&'b Ball>,
    pub loc: &'a str,
    pub t_start: &'b Iv,
    /// The set the pattern started from: `w(0)` or the switching box.
    pub start_set: Vec<(Rational, Rational)>,
}

fn field_at(ctx: &Ctx<'_>, cell: &[usize], w: &[Rational]) -> Vec<Rational> {
    let mut f = vec![Rational::new(); w.len()];
    for &j in cell {
        let r = &ctx.gf * (guard_at(&ctx.x[j], w) - &ctx.y[j]);
        f.iter_mut().zip(&ctx.x[j]).for_each(|(a, b)| *a -= Rational::from(&r * b));
    }
    f
}

/// The start: `0 ∈ t_start`, `w(0)` in the first ball, the pattern's signs at `w(0)`, and no other
/// activation cell around `w(0)` entered by its own flow. Returns the guards that are 0 at `w(0)`.
pub(crate) fn start(
    ctx: &Ctx<'_>,
    pat: &PatternCert,
    w0: &[Rational],
    f: &Field,
    b: &Ball,
    loc: &str,
) -> Result<Vec<usize>, Fail> {
    if pat.t_start.lo > 0 || pat.t_start.hi < 0 {
        return Err(Fail::new(
            format!("{loc} / t_start"),
            "the run starts at t = 0",
            show_i(&I::new(pat.t_start.lo.clone(), pat.t_start.hi.clone())),
            "∋ 0".into(),
        ));
    }
    let pt: Vec<(Rational, Rational)> = w0.iter().map(|q| (q.clone(), q.clone())).collect();
    box_in_ball(&pt, &f.anchor, b, &format!("{loc} / start"))?;
    let n = ctx.x.len();
    let z: Vec<Rational> = ctx.x.iter().map(|xi| guard_at(xi, w0)).collect();
    let zero: Vec<usize> = (0..n).filter(|&i| ctx.nonzero[i] && !ctx.flat[i] && z[i] == 0).collect();
    for i in (0..n).filter(|&i| ctx.nonzero[i] && z[i] != 0) {
        if (z[i] > 0) != pat.active.contains(&i) {
            return Err(Fail::new(
                format!("{loc} / active"),
                format!("point {i}'s side at w(0)"),
                format!("x_iᵀw(0) = {}", z[i]),
                "the pattern's side".into(),
            ));
        }
    }
    if zero.len() > 12 {
        return Err(Fail::unsupported(format!("{loc} / start"), format!("{} guards at 0 at w(0)", zero.len())));
    }
    let fixed: Vec<usize> = pat.active.iter().copied().filter(|i| !zero.contains(i)).collect();
    for mask in 0u32..(1 << zero.len()) {
        let mut cell = fixed.clone();
        cell.extend(zero.iter().enumerate().filter(|(k, _)| mask >> k & 1 == 1).map(|(_, &i)| i));
        cell.sort_unstable();
        if cell == pat.active {
            continue;
        }
        let fw = field_at(ctx, &cell, w0);
        let excluded = if fw.iter().all(|v| *v == 0) {
            zero.iter().any(|i| cell.contains(i) != ctx.one)
        } else {
            zero.iter().any(|&i| {
                let r = dot(&ctx.x[i], &fw);
                (cell.contains(&i) && r < 0) || (!cell.contains(&i) && r > 0)
            })
        };
        if !excluded {
            let what = "no other activation cell is entered from w(0) (uniqueness, first derivatives)";
            return Err(Fail::new(
                format!("{loc} / start"),
                what,
                format!("cell {cell:?} not excluded"),
                format!("only {:?}", pat.active),
            ));
        }
    }
    Ok(zero)
}

/// Entering after a switch: the active set the switch gives, the start time, the state box in the
/// first ball.
pub(crate) fn enter(
    _ctx: &Ctx<'_>,
    pat: &PatternCert,
    s: &Switched,
    f: &Field,
    b: &Ball,
    loc: &str,
) -> Result<(), Fail> {
    if pat.active != s.next {
        return Err(Fail::new(
            format!("{loc} / active"),
            "the active set after the switch",
            format!("{:?}", pat.active),
            format!("{:?}", s.next),
        ));
    }
    if pat.t_start.lo > s.time.lo || pat.t_start.hi < s.time.hi {
        let found = format!("[{}, {}]", pat.t_start.lo, pat.t_start.hi);
        return Err(Fail::new(
            format!("{loc} / t_start"),
            "the start time holds the switch time",
            found,
            format!("⊇ [{}, {}]", s.time.lo, s.time.hi),
        ));
    }
    box_in_ball(&s.state, &f.anchor, b, &format!("{loc} / start"))
}

/// The points on the hyperplane of `i` (`x_k = λx_i`, `x_k ≠ 0`).
fn group(ctx: &Ctx<'_>, i: usize) -> Vec<usize> {
    let xi = &ctx.x[i];
    let Some(j) = xi.iter().position(|v| *v != 0) else { return vec![i] };
    (0..ctx.x.len())
        .filter(|&k| {
            let lam = Rational::from(&ctx.x[k][j] / &xi[j]);
            ctx.nonzero[k] && ctx.x[k].iter().zip(xi).all(|(a, b)| *a == Rational::from(&lam * b))
        })
        .collect()
}

/// The exit of a pattern.
pub(crate) fn exit(
    ctx: &Ctx<'_>,
    mut s: Stretch<'_, '_>,
    e: &Exit,
    pat: &PatternCert,
    last: bool,
) -> Result<Option<Switched>, Fail> {
    let (t0, start) = match e {
        Exit::Switch(Crossing { t0, start, .. })
        | Exit::Horizon { t0, start, .. }
        | Exit::Limit { t0, start, .. }
        | Exit::Death { crossing: Crossing { t0, start, .. }, .. } => (t0, start),
    };
    let el = format!("{} / {}", s.loc, e.name());
    if *t0 != s.t {
        return Err(Fail::new(
            format!("{el} / t"),
            "the exit starts where the steps end",
            t0.to_string(),
            s.t.to_string(),
        ));
    }
    if let Some(pe) = s.prev_end {
        ball_in_ball(pe, start, &format!("{el} / start"))?;
    }
    if !last && !matches!(e, Exit::Switch(_)) {
        return Err(Fail::new(&el, "the run ends here, so no pattern follows", "more patterns".into(), "none".into()));
    }
    match e {
        Exit::Switch(c) => {
            if last {
                return Err(Fail::new(&el, "a switch is followed by a pattern", "none".into(), "a pattern".into()));
            }
            switch(ctx, &mut s, &el, c, pat).map(Some)
        }
        Exit::Death { crossing, loss } => {
            let sw = switch(ctx, &mut s, &el, crossing, pat)?;
            crate::death::after(ctx, &el, &sw, loss).map(|()| None)
        }
        Exit::Horizon { t1, hull, state, .. } => horizon(ctx, &mut s, &el, start, t0, t1, hull, state).map(|()| None),
        Exit::Limit { hull, limit, loss, slow, .. } => {
            limit_exit(ctx, &mut s, &el, start, hull, limit, loss, slow.as_ref(), pat).map(|()| None)
        }
    }
}

fn pts(v: &[Rational]) -> Vec<I> {
    v.iter().map(|q| I::pt(q.clone())).collect()
}

fn switch(ctx: &Ctx<'_>, s: &mut Stretch<'_, '_>, el: &str, c: &Crossing, pat: &PatternCert) -> Result<Switched, Fail> {
    let Crossing { point: i, start: b, t0, t1, hull, time, state } = c;
    let i = *i;
    let Some(k) = s.guards.iter().position(|g| g.0 == i) else {
        return Err(Fail::new(
            format!("{el} / point"),
            "the switching point is a guard (x_i ≠ 0)",
            format!("point {i}"),
            "x_i ≠ 0".into(),
        ));
    };
    let sg = s.guards[k].1;
    let len = Rational::from(t1 - t0);
    if len <= 0 {
        return Err(Fail::new(
            format!("{el} / t"),
            "the crossing step has a positive length",
            format!("[{t0}, {t1}]"),
            "t0 < t1".into(),
        ));
    }
    let start = Pt { p: b.u.clone(), eps: Rational::new() };
    let h = pairs(hull);
    let only_hull = Claims {
        hull: Some(&h),
        guards: Vec::new(),
        closed: Vec::new(),
        rates: vec![(i, -sg)],
        radii: None,
        quantity: None,
        loc: format!("{el} / hull"),
    };
    // Transversal: the guard moves strictly towards its hyperplane on the whole step (the walk
    // proves the rate's sign piece by piece), from its own side.
    walk(s.f, s.gs, &start, &b.rho, &len, &only_hull)?;
    if !s.closed[k] {
        let what = "the guard starts the crossing step on its own side";
        return Err(Fail::new(format!("{el} / guard {i}"), what, "not known".into(), "σ g ≥ 0".into()));
    }
    let target = (Rational::from(&time.lo - &s.t_start.lo) - t0, Rational::from(&time.hi - &s.t_start.hi) - t0);
    let (lo, hi, ptl) = newton(s, el, i, sg, &start, &b.rho, &len, &target)?;
    // The switch time: pattern start + step start + [lo, hi].
    let abs = I::new(Rational::from(&s.t_start.lo + t0) + &lo, Rational::from(&s.t_start.hi + t0) + &hi);
    if !abs.within(&I::new(time.lo.clone(), time.hi.clone())) {
        let what = "the switch time lies in the certificate's time enclosure";
        return Err(Fail::new(format!("{el} / time"), what, show_i(&abs), format!("[{}, {}]", time.lo, time.hi)));
    }
    let grp = group(ctx, i);
    let others: Vec<(usize, i8)> = s.guards.iter().copied().filter(|g| !grp.contains(&g.0)).collect();
    let closed: Vec<bool> =
        s.guards.iter().zip(&s.closed).filter(|(g, _)| !grp.contains(&g.0)).map(|(_, c)| *c).collect();
    let keep = Claims {
        hull: None,
        guards: others,
        closed,
        rates: Vec::new(),
        radii: None,
        quantity: None,
        loc: format!("{el} / before the switch"),
    };
    walk(s.f, s.gs, &start, &b.rho, &hi, &keep)?;
    let st = pairs(state);
    let radii = Some(contracted(s.f, &b.rho, &lo)?);
    let at = Claims {
        hull: Some(&st),
        guards: Vec::new(),
        closed: Vec::new(),
        rates: Vec::new(),
        radii,
        quantity: None,
        loc: format!("{el} / state"),
    };
    crate::walk::walk_or_point(s.f, s.gs, &start, &ptl, &b.rho, &Rational::from(&hi - &lo), &at)?;
    let mut next: Vec<usize> = pat.active.iter().copied().filter(|k| !grp.contains(k)).collect();
    next.extend(grp.iter().copied().filter(|k| !pat.active.contains(k)));
    next.sort_unstable();
    Ok(Switched { time: time.clone(), from: abs.lo, state: st, group: grp, next })
}

/// Per coordinate `j`, `ρ‖E(s)e_j‖` bounded for every `s ≥ lo` (by its value at the multiple
/// `nh ≤ lo` of the longest piece length: `‖E(s)e_j‖` does not grow with `s`, `E` being a
/// symmetric contraction semigroup), at most `ρ`. `E(nh) ∈ M + B₂(r)` by binary powering.
fn contracted(f: &mut Field, rho: &Rational, lo: &Rational) -> Result<Vec<Rational>, Fail> {
    let n = Rational::from(lo / &f.piece_len()).floor();
    let n = n.numer().to_u64().unwrap_or(u64::MAX).min(1 << 40);
    let (m, r) = f.power(n);
    let d = f.d;
    Ok((0..d)
        .map(|j| {
            let col: Vec<Rational> = (0..d)
                .map(|k| Rational::from(m[k * d + j].lo.abs_ref()).max(Rational::from(m[k * d + j].hi.abs_ref())))
                .collect();
            (Rational::from(&norm_up(&col) + &r) * rho).min(rho.clone())
        })
        .collect())
}

/// The zero of guard `i` (sign `sg` before it) in the step `[0, len]` from `start`, by interval
/// Newton with the rate enclosure `rate` (bisection where Newton stalls), until the local window
/// the certificate claims is reached. Returns `[lo, hi]` and `E(lo)u`.
#[allow(clippy::too_many_arguments)]
fn newton(
    s: &mut Stretch<'_, '_>,
    el: &str,
    i: usize,
    sg: i8,
    start: &Pt,
    rho: &Rational,
    len: &Rational,
    target: &(Rational, Rational),
) -> Result<(Rational, Rational, Pt), Fail> {
    let g_at = |s: &Stretch<'_, '_>, p: &Pt| s.gs.value(s.f, i, &pts(&p.p), &Rational::from(&p.eps + rho));
    let end = advance(s.f, start, len)?;
    let g_end = g_at(s, &end);
    if !g_end.signed(-sg) {
        return Err(Fail::new(
            format!("{el} / guard {i}"),
            "the guard has crossed at the step's end",
            show_i(&g_end),
            "the other side".into(),
        ));
    }
    let (mut lo, mut hi, mut ptl) = (Rational::new(), len.clone(), start.clone());
    for _ in 0..400 {
        if lo >= target.0 && hi <= target.1 {
            break;
        }
        let m = crate::num::round(Rational::from(&lo + &hi) / 2u32, false);
        let pm = advance(s.f, &ptl, &Rational::from(&m - &lo))?;
        let g = g_at(s, &pm);
        // The rate over the states of the current root interval: where it has a sign, one
        // interval Newton step; else (or when Newton stalls) bisect on the sign of g(m) — the
        // walk proved the guard strictly monotone on the whole step.
        let bx = crate::walk::path_box(s.f, &ptl, &Rational::from(&hi - &lo));
        let rate = s.gs.rate(i, &bx, rho);
        let old = Rational::from(&hi - &lo);
        if rate.signed(-sg) {
            let inv = I::new(Rational::from(rate.hi.recip_ref()), Rational::from(rate.lo.recip_ref()));
            let image = I::pt(m.clone()).add(&g.mul(&inv).neg());
            let (nlo, nhi) = (lo.clone().max(image.lo), hi.clone().min(image.hi));
            if nlo > nhi {
                let what = "the Newton image meets the root interval";
                return Err(Fail::new(format!("{el} / guard {i}"), what, format!("[{lo}, {hi}]"), "a zero".into()));
            }
            // Any narrowing is kept (the image holds the zero, and near the width of g's
            // enclosure a weak one is all Newton can give); where it no longer narrows,
            // bisection takes over.
            if Rational::from(&nhi - &nlo) < old {
                ptl = advance(s.f, &ptl, &Rational::from(&nlo - &lo))?;
                (lo, hi) = (nlo, nhi);
                continue;
            }
        }
        if g.signed(sg) {
            (lo, ptl) = (m, pm);
        } else if g.signed(-sg) {
            hi = m;
        } else {
            break;
        }
        if old == Rational::from(&hi - &lo) {
            break;
        }
    }
    Ok((lo, hi, ptl))
}

/// Every guard strictly signed on `B(a, ‖u‖ + ρ)`, which holds every later state of the pattern;
/// returns that radius. With `slow` (the certificate's slow mode and the rank of the active span),
/// an active guard with `x_iᵀa = 0` is proved positive for good by the slow mode instead.
fn global(s: &Stretch<'_, '_>, b: &Ball, slow: Option<(&Slow, usize)>, el: &str) -> Result<Rational, Fail> {
    let r = norm_up(&b.u) + &b.rho;
    for &(i, sg) in s.guards {
        if let Some((m, rank)) = slow
            && sg > 0
            && dot(&s.gs.x[i], &s.f.anchor) == 0
        {
            crate::slow::stays_positive(&s.f.k, rank, &s.gs.x[i], b, m, &format!("{el} / guard {i}"))?;
            continue;
        }
        let kernel = s.gs.kx[i].iter().all(|v| *v == 0);
        // x_i ∈ ker K: x_iᵀw = x_iᵀ(a + u + δ) for every later state.
        let g = if kernel {
            s.gs.value(s.f, i, &pts(&b.u), &b.rho)
        } else {
            I::pt(dot(&s.gs.x[i], &s.f.anchor)).widen(&Rational::from(&s.gs.xn[i] * &r))
        };
        if !g.signed(sg) {
            let what = "the guard keeps its sign on the ball that holds every later state";
            return Err(Fail::new(format!("{el} / guard {i}"), what, show_i(&g), "strictly signed".into()));
        }
    }
    Ok(r)
}

fn ball_box_in(a: &[Rational], r: &Rational, bx: &[(Rational, Rational)]) -> Option<usize> {
    a.iter().zip(bx).position(|(c, (lo, hi))| Rational::from(c - r) < *lo || Rational::from(c + r) > *hi)
}

#[allow(clippy::too_many_arguments)]
fn horizon(
    ctx: &Ctx<'_>,
    s: &mut Stretch<'_, '_>,
    el: &str,
    b: &Ball,
    t0: &Rational,
    t1: &Rational,
    hull: &[Iv],
    state: &[Iv],
) -> Result<(), Fail> {
    let Horizon::Finite(te) = ctx.t_end else {
        return Err(Fail::new(el, "a horizon exit needs a finite t_end", "inf".into(), "finite".into()));
    };
    let (wl, wh) = (Rational::from(te - &s.t_start.hi), Rational::from(te - &s.t_start.lo));
    if *t0 > wl || *t1 < wh {
        let what = "the stretch covers the local times at which t_end may fall";
        return Err(Fail::new(format!("{el} / t"), what, format!("[{t0}, {t1}]"), format!("⊇ [{wl}, {wh}]")));
    }
    let h = pairs(hull);
    let start = Pt { p: b.u.clone(), eps: Rational::new() };
    let global_ok = matches!(global(s, b, None, el), Ok(r) if ball_box_in(&s.f.anchor, &r, &h).is_none());
    if !global_ok {
        let c = Claims {
            hull: Some(&h),
            guards: s.guards.to_vec(),
            closed: s.closed.clone(),
            rates: Vec::new(),
            radii: None,
            quantity: None,
            loc: el.to_string(),
        };
        walk(s.f, s.gs, &start, &b.rho, &Rational::from(t1 - t0), &c)?;
    }
    let at = advance(s.f, &start, &Rational::from(&wl - t0))?;
    let st = pairs(state);
    let c = Claims {
        hull: Some(&st),
        guards: Vec::new(),
        closed: Vec::new(),
        rates: Vec::new(),
        radii: None,
        quantity: None,
        loc: format!("{el} / state"),
    };
    crate::walk::walk_or_point(s.f, s.gs, &start, &at, &b.rho, &Rational::from(&wh - &wl), &c)
}

#[allow(clippy::too_many_arguments)]
fn limit_exit(
    ctx: &Ctx<'_>,
    s: &mut Stretch<'_, '_>,
    el: &str,
    b: &Ball,
    hull: &[Iv],
    limit: &[Iv],
    loss: &Iv,
    slow: Option<&Slow>,
    pat: &PatternCert,
) -> Result<(), Fail> {
    if *ctx.t_end != Horizon::Infinite {
        return Err(Fail::new(el, "a limit exit needs t_end = inf", "finite".into(), "inf".into()));
    }
    let rows: Vec<Vec<Rational>> = pat.active.iter().map(|&i| ctx.x[i].clone()).collect();
    let base = rank(rows.clone());
    if let Some(m) = slow
        && rank([rows.clone(), vec![m.u.clone()]].concat()) != base
    {
        let what = "the slow mode lies in the span of the active points";
        return Err(Fail::new(format!("{el} / slow"), what, "outside".into(), "inside".into()));
    }
    let r = global(s, b, slow.map(|m| (m, base)), el)?;
    let a = &s.f.anchor;
    if let Some(j) = ball_box_in(a, &r, &pairs(hull)) {
        let found = show_i(&I::new(Rational::from(&a[j] - &r), Rational::from(&a[j] + &r)));
        return Err(Fail::new(
            format!("{el} / hull / w[{j}]"),
            "every later state lies in the box",
            found,
            format!("[{}, {}]", hull[j].lo, hull[j].hi),
        ));
    }
    // w(∞) = a + Π_ker(u + δ) = a + Π_ker δ when u lies in the span of the active points.
    let mut rows = rows;
    rows.push(b.u.clone());
    if rank(rows) != base {
        return Err(Fail::unsupported(
            format!("{el} / start"),
            "a limit ball whose offset leaves the active span".into(),
        ));
    }
    let conserved = conserved(ctx, pat, a, &s.start_set);
    for (j, c) in conserved.iter().enumerate() {
        let ball = I::new(Rational::from(&a[j] - &b.rho), Rational::from(&a[j] + &b.rho));
        let both = I::new(ball.lo.max(c.lo.clone()), ball.hi.min(c.hi.clone()));
        if !both.within(&I::new(limit[j].lo.clone(), limit[j].hi.clone())) {
            let what = "w(∞) lies in the box (w(∞) ∈ a + B(ρ) and w(∞) = a + (I − P)(w(t₀) − a))";
            return Err(Fail::new(
                format!("{el} / limit / w[{j}]"),
                what,
                show_i(&both),
                format!("[{}, {}]", limit[j].lo, limit[j].hi),
            ));
        }
    }
    let l: Rational = (0..ctx.x.len())
        .map(|i| {
            let h = if pat.active.contains(&i) { guard_at(&ctx.x[i], a) } else { Rational::new() };
            (h - &ctx.y[i]).square()
        })
        .sum::<Rational>()
        * &ctx.c;
    if l < loss.lo || l > loss.hi {
        return Err(Fail::new(
            format!("{el} / loss"),
            "the limit loss lies in the interval",
            format!("{} ({l})", show(&l)),
            format!("[{}, {}]", loss.lo, loss.hi),
        ));
    }
    Ok(())
}

/// `a + (I − P)(W − a)` for the pattern's start set `W`, with `P` the exact orthogonal projector
/// onto the span of the active points: the flow keeps `(I − P)w`, and every equilibrium `e` of the
/// pattern has `(I − P)e = e − P a`... so the limit from `w` is `a + (I − P)(w − a)`. Per coordinate
/// the narrower of the interval evaluation and the midpoint form with Cauchy–Schwarz
/// (`|row_j(I − P) δ| ≤ √(I − P)_jj ‖δ‖`).
pub(crate) fn conserved(ctx: &Ctx<'_>, pat: &PatternCert, a: &[Rational], set: &[(Rational, Rational)]) -> Vec<I> {
    let d = a.len();
    let mut basis: Vec<Vec<Rational>> = Vec::new();
    for &i in &pat.active {
        let mut v = ctx.x[i].clone();
        for q in &basis {
            let f = dot(q, &v) / dot(q, q);
            v.iter_mut().zip(q).for_each(|(x, y)| *x -= Rational::from(&f * y));
        }
        if v.iter().any(|x| *x != 0) {
            basis.push(v);
        }
    }
    let mut c = vec![Rational::new(); d * d];
    for r in 0..d {
        c[r * d + r] += 1;
    }
    for q in &basis {
        let n = dot(q, q);
        for r in 0..d {
            for k in 0..d {
                c[r * d + k] -= Rational::from(&q[r] * &q[k]) / &n;
            }
        }
    }
    let off: Vec<I> =
        set.iter().zip(a).map(|((lo, hi), x)| I::new(Rational::from(lo - x), Rational::from(hi - x))).collect();
    let mids: Vec<(Rational, Rational)> = off.iter().map(|o| o.mid_rad()).collect();
    let rad = norm_up(&mids.iter().map(|m| m.1.clone()).collect::<Vec<_>>());
    let m: Vec<Rational> = mids.into_iter().map(|m| m.0).collect();
    (0..d)
        .map(|r| {
            let row = &c[r * d..(r + 1) * d];
            let plain = crate::num::dot_i(row, &off).add(&I::pt(a[r].clone()));
            let cs = I::pt(dot(row, &m) + &a[r]).widen(&(crate::num::sqrt_up(&c[r * d + r]) * &rad));
            I::new(plain.lo.max(cs.lo), plain.hi.min(cs.hi))
        })
        .collect()
}

/// The rank of exact rational rows (Gaussian elimination).
fn rank(mut rows: Vec<Vec<Rational>>) -> usize {
    let mut r = 0;
    let cols = rows.first().map_or(0, |v| v.len());
    for c in 0..cols {
        let Some(p) = (r..rows.len()).find(|&i| rows[i][c] != 0) else { continue };
        rows.swap(r, p);
        for i in 0..rows.len() {
            if i != r && rows[i][c] != 0 {
                let f = Rational::from(&rows[i][c] / &rows[r][c]);
                let pivot = rows[r].clone();
                rows[i].iter_mut().zip(&pivot).for_each(|(a, b)| *a -= Rational::from(&f * b));
            }
        }
        r += 1;
    }
    r
}
