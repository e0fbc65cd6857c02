//! Re-proving a stretch of one pattern: from the ball `a + u + B(ρ)`, over local times `[0, L]`,
//! the path stays in a claimed box and every guard keeps its required sign; the result is an
//! enclosure `p + B(ε)` of `E(L)u`. The stretch is cut into Taylor pieces (`field.rs`), and a
//! piece whose enclosure cannot prove a claim is halved (up to `MAX_DEPTH` times).

use crate::Fail;
use crate::field::{Field, mat_vec};
use crate::num::{I, dot, dot_i, norm_up, show, show_i};
use rug::Rational;

/// Most halvings of a piece no longer than a Taylor piece.
const MAX_DEPTH: u32 = 48;
/// Most pieces of one stretch.
const MAX_PIECES: u64 = 2_000_000;

/// `E(s)u ∈ p + B(eps)`.
#[derive(Clone, Debug)]
pub struct Pt {
    pub p: Vec<Rational>,
    pub eps: Rational,
}

/// What a stretch must keep: a box (world coordinates), and guards `(i, σ)`: `σ x_iᵀw > 0` after
/// the start; `closed[k]` says that `σ x_iᵀw ≥ 0` is known at the start.
#[derive(Clone, Debug)]
pub struct Claims<'a> {
    pub hull: Option<&'a [(Rational, Rational)]>,
    pub guards: Vec<(usize, i8)>,
    pub closed: Vec<bool>,
    /// Guards whose rate must have a strict sign `(i, σ)`: `σ d/dt x_iᵀw > 0`.
    pub rates: Vec<(usize, i8)>,
    /// Per coordinate, a radius that replaces `ρ` in the box claim: the ball's image
    /// `E(s)B(ρ)` reaches at most `ρ‖E(s)e_j‖` along `e_j` (`E(s)` symmetric), which the caller
    /// bounds for every time of the stretch.
    pub radii: Option<Vec<Rational>>,
    /// A claim about a quantity of the state on every piece (a verdict's claim).
    pub quantity: Option<Quantity<'a>>,
    pub loc: String,
}

/// A claim on the states of a piece: given the box of offsets `U` and the ball radius `r` (the
/// states are `a + U + B(r)`), `Err((what, found, needed))` when it cannot be proved there.
#[derive(Clone, Copy)]
pub struct Quantity<'a>(pub &'a QuantityFn<'a>);

/// See [`Quantity`].
pub type QuantityFn<'a> = dyn Fn(&Field, &Guards, &[I], &Rational) -> Result<(), Miss> + 'a;

/// A quantity claim that fails: what was to be shown, the verifier's enclosure, what it had to
/// satisfy.
pub type Miss = (String, String, String);

impl std::fmt::Debug for Quantity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Quantity(..)")
    }
}

/// Per point: `x_i`, an upper bound of `‖x_i‖`, `K x_i` and an upper bound of its norm.
#[derive(Debug)]
pub struct Guards {
    pub x: Vec<Vec<Rational>>,
    pub xn: Vec<Rational>,
    pub kx: Vec<Vec<Rational>>,
    pub kxn: Vec<Rational>,
}

impl Guards {
    pub fn new(f: &Field, x: &[Vec<Rational>]) -> Guards {
        let kx: Vec<Vec<Rational>> = x.iter().map(|xi| f.apply(xi)).collect();
        Guards {
            x: x.to_vec(),
            xn: x.iter().map(|v| norm_up(v)).collect(),
            kxn: kx.iter().map(|v| norm_up(v)).collect(),
            kx,
        }
    }
    /// `x_iᵀw` over `a + U + B(r)` (U a box of offsets).
    pub fn value(&self, f: &Field, i: usize, u: &[I], r: &Rational) -> I {
        dot_i(&self.x[i], u).add(&I::pt(dot(&self.x[i], &f.anchor))).widen(&Rational::from(&self.xn[i] * r))
    }
    /// `d/dt x_iᵀw = −(Kx_i)ᵀ(w − a)` over `a + U + B(r)`.
    pub fn rate(&self, i: usize, u: &[I], r: &Rational) -> I {
        dot_i(&self.kx[i], u).neg().widen(&Rational::from(&self.kxn[i] * r))
    }
}

fn pts(v: &[Rational]) -> Vec<I> {
    v.iter().map(|q| I::pt(q.clone())).collect()
}

/// Taylor terms of the path box (the rest is bounded by Lagrange's remainder).
const BOX_ORDER: u32 = 4;

/// One piece of length `h`: the end enclosure and the box of offsets over the piece.
///
/// The box keeps one `σ` per Taylor term: `E(σ)p ∈ p + Σ_{1≤j<J} σ^j (−K)^j p / j! + B(R)` with
/// `σ^j ∈ [0, h^j]` and `R = (h tr K)^J/J! ‖p‖`, so the first-order motion is not spread over the
/// matrix entries (which would lose the cancellation in `Kp`).
pub fn piece(f: &mut Field, pt: &Pt, h: &Rational) -> (Pt, Vec<I>) {
    if let Some(m) = f.modes_for(h) {
        let (end, bx) = m.piece(&pt.p, h);
        let bx = bx.iter().map(|b| b.widen(&pt.eps)).collect();
        return (recentre(&end, &Rational::new(), pt), narrow(f, pt, h, bx));
    }
    (end_of(f, pt, h), taylor_box(f, pt, h))
}

/// Longest pieces (in units of `1/tr K`) whose Taylor box is worth meeting with the per-mode
/// one: it keeps the first-order cancellation in `Kp`, which the per-mode box (a sum over modes
/// in each coordinate) loses.
const TAYLOR_REACH: u32 = 4;

/// The per-mode box `bx` of a piece met with its Taylor box where that can be narrower (both
/// enclose the same states).
fn narrow(f: &Field, pt: &Pt, h: &Rational, bx: Vec<I>) -> Vec<I> {
    if Rational::from(h * &f.tau) > TAYLOR_REACH {
        return bx;
    }
    let t = taylor_box(f, pt, h);
    bx.into_iter().zip(t).map(|(a, b)| I::new(a.lo.max(b.lo), a.hi.min(b.hi))).collect()
}

/// `E(h)u` from `E(0)u ∈ pt` for a cached length `h` (`h tr K ≤ 1/2`).
fn end_of(f: &mut Field, pt: &Pt, h: &Rational) -> Pt {
    let d = f.d;
    let end = mat_vec(&f.piece(h).t, &pt.p, d);
    let rem = f.piece(h).rem.clone();
    recentre(&end, &rem, pt)
}

/// `E(h)(p + B(ε)) ⊆ T p + B(ε + rem ‖p‖)` (`E(h)` a contraction), recentred on a dyadic point.
fn recentre(end: &[I], rem: &Rational, pt: &Pt) -> Pt {
    let r = Rational::from(rem * &norm_up(&pt.p)) + &pt.eps;
    let (mut p, mut rads) = (Vec::with_capacity(end.len()), Vec::with_capacity(end.len()));
    for e in end {
        let (m, rad) = e.mid_rad();
        p.push(m);
        rads.push(rad);
    }
    let eps = Rational::from(&r + &norm_up(&rads));
    Pt { p, eps }
}

/// The box of offsets `E(σ)u`, `σ ∈ [0, h]` (see [`piece`]); per mode beyond the Taylor pieces.
pub fn path_box(f: &mut Field, pt: &Pt, h: &Rational) -> Vec<I> {
    if let Some(m) = f.modes_for(h) {
        let bx = m.piece(&pt.p, h).1.iter().map(|b| b.widen(&pt.eps)).collect();
        return narrow(f, pt, h, bx);
    }
    taylor_box(f, pt, h)
}

/// The Taylor box of offsets (see [`piece`]); valid for every `h` (Lagrange's remainder holds
/// for every eigenvalue `hλ ≥ 0`), useful for `h tr K` of order 1.
fn taylor_box(f: &Field, pt: &Pt, h: &Rational) -> Vec<I> {
    let d = f.d;
    let np = norm_up(&pt.p);
    let mut v = pts(&pt.p);
    let mut acc = v.clone();
    let mut fact = Rational::from(1u32);
    for j in 1..BOX_ORDER {
        v = (0..d).map(|row| dot_i(&f.k[row * d..(row + 1) * d], &v).mul_q(&(-Rational::from(h / j)))).collect();
        acc = acc.iter().zip(&v).map(|(a, t)| a.add(&t.hull(&I::zero()))).collect();
        fact *= j;
    }
    fact *= BOX_ORDER;
    let x = Rational::from(h * &f.tau);
    let lagrange = (Rational::from(rug::ops::Pow::pow(&x, BOX_ORDER)) / &fact) * &np + &pt.eps;
    acc.iter().map(|b| b.widen(&lagrange)).collect()
}

/// `E(s)u` from `pt`, `s ≥ 0`: per mode at once when `s` is longer than a Taylor piece; else
/// by the Taylor series applied to the vector.
pub fn advance(f: &mut Field, pt: &Pt, s: &Rational) -> Result<Pt, Fail> {
    if *s <= 0 {
        return Ok(pt.clone());
    }
    if let Some(m) = f.modes_for(s) {
        return Ok(recentre(&m.piece(&pt.p, s).0, &Rational::new(), pt));
    }
    let h = f.piece_len();
    let n = Rational::from(s / &h).floor();
    let n = n.numer().to_u64().filter(|&n| n <= MAX_PIECES);
    let Some(n) = n else {
        return Err(Fail::unsupported("a stretch", format!("more than {MAX_PIECES} Taylor pieces")));
    };
    let mut cur = pt.clone();
    for _ in 0..n {
        cur = end_of(f, &cur, &h);
    }
    let rest = s - Rational::from(&h * n);
    if rest > 0 {
        let (end, rem) = f.apply_exp(&rest, &cur.p);
        cur = recentre(&end, &rem, &cur);
    }
    Ok(cur)
}

/// The stretch's first pieces: the whole stretch when per-mode pieces are available (halving
/// finds the lengths the claims need), else the fewest pieces of at most the Taylor length.
fn split(f: &mut Field, s: &Rational) -> Result<(u64, Rational), Fail> {
    if *s <= 0 {
        return Ok((0, Rational::new()));
    }
    if f.modes_for(s).is_some() {
        return Ok((1, s.clone()));
    }
    let n = Rational::from(s / &f.piece_len()).ceil();
    let n = n.numer().to_u64().filter(|&n| n <= MAX_PIECES);
    match n {
        Some(n) => Ok((n, Rational::from(s / n))),
        None => Err(Fail::unsupported("a stretch", format!("more than {MAX_PIECES} Taylor pieces"))),
    }
}

/// Re-proves `claims` over `[0, len]` from `pt` with ball radius `rho`; returns `E(len)u`.
pub fn walk(f: &mut Field, gs: &Guards, pt: &Pt, rho: &Rational, len: &Rational, c: &Claims<'_>) -> Result<Pt, Fail> {
    walk_from(f, gs, pt, pt, rho, len, c)
}

/// [`walk`] from `pt`, which the flow reached from `origin` (whose coordinates with a zero row
/// of `K` it kept).
pub fn walk_from(
    f: &mut Field,
    gs: &Guards,
    origin: &Pt,
    pt: &Pt,
    rho: &Rational,
    len: &Rational,
    c: &Claims<'_>,
) -> Result<Pt, Fail> {
    let (n, h) = split(f, len)?;
    // Halvings of a per-mode piece down to the Taylor length do not count against `MAX_DEPTH`.
    let mut limit = MAX_DEPTH;
    let mut top = h.clone();
    while top > f.piece_len() {
        top >>= 1u32;
        limit += 1;
    }
    let mut cur = pt.clone();
    let mut closed = c.closed.clone();
    for k in 0..n {
        cur = prove(f, gs, origin, &cur, rho, &h, c, &closed, (0, limit), &Rational::from(&h * k))?;
        closed = vec![true; closed.len()];
    }
    Ok(cur)
}

#[allow(clippy::too_many_arguments)]
fn prove(
    f: &mut Field,
    gs: &Guards,
    origin: &Pt,
    pt: &Pt,
    rho: &Rational,
    h: &Rational,
    c: &Claims<'_>,
    closed: &[bool],
    (depth, limit): (u32, u32),
    at: &Rational,
) -> Result<Pt, Fail> {
    let (end, bx) = piece(f, pt, h);
    match check(f, gs, [origin, pt, &end], &bx, rho, c, closed, at, h) {
        Ok(()) => Ok(end),
        Err(fail) if depth >= limit => Err(fail),
        Err(_) => {
            let half = Rational::from(h / 2u32);
            let mid = prove(f, gs, origin, pt, rho, &half, c, closed, (depth + 1, limit), at)?;
            let at2 = Rational::from(at + &half);
            prove(f, gs, origin, &mid, rho, &half, c, &vec![true; closed.len()], (depth + 1, limit), &at2)
        }
    }
}

/// Coordinate `j` over the piece when it is monotone there: `ẇ_j = −(K(w − a))_j` keeps one sign
/// on the piece's states, so every path runs from its start to its end value and the coordinate
/// lies between the start set's and the end set's (narrower than the box where it is).
///
/// A coordinate whose row of `K` vanishes never moves: it keeps the value of the stretch's
/// origin (`origin`, exact up to `ε`), whatever the rounding of the pieces since.
///
/// `r ≤ ρ` bounds coordinate `j` of the ball's image (see [`Claims::radii`]); the rate is taken
/// over the whole ball.
fn monotone(f: &Field, j: usize, [origin, start, end]: [&Pt; 3], bx: &[I], rho: &Rational, r: &Rational) -> Option<I> {
    let row = &f.k[j * f.d..(j + 1) * f.d];
    let at = |p: &Pt| I::pt(Rational::from(&f.anchor[j] + &p.p[j])).widen(&Rational::from(&p.eps + r));
    if row.iter().all(|v| *v == 0) {
        return Some(at(origin));
    }
    let rate = dot_i(row, bx).neg().widen(&Rational::from(&f.row_norm[j] * rho));
    if rate.lo < 0 && rate.hi > 0 {
        return None;
    }
    let m = at(start).hull(&at(end));
    let plain = bx[j].add(&I::pt(f.anchor[j].clone())).widen(r);
    Some(I::new(m.lo.max(plain.lo), m.hi.min(plain.hi)))
}

#[allow(clippy::too_many_arguments)]
fn check(
    f: &Field,
    gs: &Guards,
    [origin, start, end]: [&Pt; 3],
    bx: &[I],
    rho: &Rational,
    c: &Claims<'_>,
    closed: &[bool],
    at: &Rational,
    h: &Rational,
) -> Result<(), Fail> {
    // Only a failing claim is formatted (formatting is far costlier than a piece's arithmetic).
    let when = || format!("local times [{}, {}]", show(at), show(&Rational::from(at + h)));
    if let Some(hull) = c.hull {
        for (j, (lo, hi)) in hull.iter().enumerate() {
            let r = c.radii.as_ref().map_or(rho, |v| &v[j]);
            let claim = I::new(lo.clone(), hi.clone());
            let plain = bx[j].add(&I::pt(f.anchor[j].clone())).widen(r);
            if plain.within(&claim) {
                continue;
            }
            let w = monotone(f, j, [origin, start, end], bx, rho, r).unwrap_or(plain);
            if !w.within(&claim) {
                let when = when();
                let what = format!("the path stays in the box ({when})");
                return Err(Fail::new(format!("{} / w[{j}]", c.loc), what, show_i(&w), format!("[{}, {}]", lo, hi)));
            }
        }
    }
    for &(i, s) in &c.rates {
        let rate = gs.rate(i, bx, rho);
        if !rate.signed(s) {
            let when = when();
            let what = format!("the rate of guard {i} is {} ({when})", if s > 0 { "> 0" } else { "< 0" });
            return Err(Fail::new(format!("{} / rate {i}", c.loc), what, show_i(&rate), "strictly signed".into()));
        }
    }
    let end_box = pts(&end.p);
    let end_r = Rational::from(&end.eps + rho);
    for (k, &(i, s)) in c.guards.iter().enumerate() {
        let g = gs.value(f, i, bx, rho);
        if g.signed(s) {
            continue;
        }
        let rate = gs.rate(i, bx, rho);
        let ok = (closed[k] && rate.signed(s)) || (rate.signed(-s) && gs.value(f, i, &end_box, &end_r).signed(s));
        if !ok {
            let side = if s > 0 { "> 0" } else { "< 0" };
            let what = format!("guard x_{i}ᵀw stays {side} ({})", when());
            return Err(Fail::new(
                format!("{} / guard {i}", c.loc),
                what,
                show_i(&g),
                format!("rate {}", show_i(&rate)),
            ));
        }
    }
    if let Some(q) = c.quantity
        && let Err((what, found, needed)) = (q.0)(f, gs, bx, rho)
    {
        return Err(Fail::new(&c.loc, format!("{what} ({})", when()), found, needed));
    }
    Ok(())
}

/// [`walk_from`], and for `len = 0` the claims on the set `a + p + B(ε + ρ)` itself.
pub fn walk_or_point(
    f: &mut Field,
    gs: &Guards,
    origin: &Pt,
    pt: &Pt,
    rho: &Rational,
    len: &Rational,
    c: &Claims<'_>,
) -> Result<(), Fail> {
    if *len > 0 {
        return walk_from(f, gs, origin, pt, rho, len, c).map(|_| ());
    }
    let bx: Vec<I> = pt.p.iter().map(|q| I::pt(q.clone()).widen(&pt.eps)).collect();
    check(f, gs, [origin, pt, pt], &bx, rho, c, &c.closed, &Rational::new(), &Rational::new())
}
