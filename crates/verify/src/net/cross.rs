//! A window `[τ_lo, τ_hi]` in which the guards `G` (pairs `(j, i)`) cross, from the ball `B` at
//! `τ_lo` (`X` its box):
//!
//! 1. every guard of `G` has a strict sign `s_g` on `X`, and every other guard a certain class on
//!    the a priori box `E`;
//! 2. `X + [0, h]·F(E) ⊆ E`, `F(E)` the hull of the fields of the `2^|G|` patterns that the guards
//!    of `G` can make: every solution, whichever side of each guard it is on, stays in `E`;
//! 3. transversality: `d/dt g = x_iᵀẇ_j` has the sign `−s_g` on `E` under every one of those
//!    patterns, so `g` is strictly monotone over the window;
//! 4. `g(X) + h·ġ(E)` has the sign `−s_g`: every solution has crossed by `τ_hi`, exactly once.
//!
//! The state at `τ_hi` is the state at `τ_lo` moved by `∫ f ∈ h·F(E)`. A death (σ'(0) = 0, the neuron's other guards
//! `≤ 0` on `E`): the guard reaches 0 inside the window (4. bounds the hitting time of the
//! active motion) and the field is 0 on `{every guard of j ≤ 0}`, so the neuron stays there
//! for good; the caller marks it dead.

use super::Window;
use super::ball::{Ball, weights};
use super::fi::Fi;
use super::field::{Data, Pattern, certain, field};
use super::record::Record;
use super::step::step;
use rug::Rational;

/// Guards, as `(neuron, point)`.
type Guards<'a> = &'a [(usize, usize)];

/// A proved window: the displacement over it and each crossing guard's new class (`true`: on).
pub type Crossed = (Vec<Fi>, Vec<(usize, usize, bool)>);

/// Halvings at either end of a window: the walk stops once its step is below `2^−REFINE` of the
/// window, and the window's end is bisected `REFINE` times. Finer than that, the crossing time's
/// share of the state's uncertainty, `(z − a)·F`, is far below what the ball carries already (the
/// window is the integrator's time enclosure, itself about as wide as the ball allows), and each
/// try costs a full step or crossing proof.
const REFINE: usize = 30;

/// What a window's proof gives: the displacement over it, each crossing guard's new class, the
/// time after the window at which the run restarts (0 but after a slide's end), and an
/// enclosure of every state up to the restart where the displacement alone does not give one.
struct Proof {
    shift: Vec<Fi>,
    classes: Vec<(usize, usize, bool)>,
    eta: Rational,
    swept: Option<Vec<Fi>>,
}

/// Passes the events of the window `w` (crossings of its guards, deaths among them, or one
/// slide's start or end), from the ball `b` at its start: first plain steps towards its end
/// while the old pattern is proved (each halving the rest of the window), then the shortest
/// window `[a, z]` that [`cross`], [`super::slide::arrive`] or [`super::leave::leave`] proves (so
/// the state's uncertainty from the unknown crossing time is `(z − a)·F`, not the claimed
/// window's). A slide's end restarts the run a little after `z` (never after `until`). `b`
/// becomes the set at the restart, which is returned with each guard's new class (`true`: on; a
/// slide counts as on), and the crossed guards are marked dead, sliding, no longer sliding or
/// forced in `dt`. The enclosures of every time up to the restart go to `rec`.
pub fn pass(
    dt: &mut Data,
    b: &mut Ball,
    w: &Window,
    until: &Rational,
    (steps, rec): (&mut usize, &mut Record),
) -> Result<(Rational, Vec<bool>), String> {
    let (lo, hi) = (&w.lo, &w.hi);
    // Walk up to the crossing: a step that is proved is taken, one that is not is halved, down
    // to `2^−REFINE` of the window.
    let mut a = lo.clone();
    let mut len = Rational::from(hi - lo) / 2u32;
    let finest = Rational::from(hi - lo) >> REFINE as u32;
    for _ in 0..2 * REFINE {
        if len < finest {
            break;
        }
        let bw = b.reweighted(weights(dt, &b.c, Some(&b.e)));
        match step(dt, &bw, &Fi::q(&len)) {
            Ok((next, e)) => {
                let z = Rational::from(&a + &len);
                rec.sweep(dt, &a, &z, &e);
                *b = next;
                rec.sweep(dt, &z, &z, &b.state_box());
                a = z;
                *steps += 1;
                if Rational::from(hi - &a) <= len {
                    len /= 2u32;
                }
            }
            Err(_) => len /= 2u32,
        }
    }
    // The shortest proved window from `a`, by bisection of its end between a failure and a success.
    let x = b.hull();
    let ball = &*b;
    let prove = |h: &Rational| -> Result<Proof, String> {
        if let Some(&(j, i, active)) = w.ends.first() {
            let room = Rational::from(until - &a) - h;
            let l = super::leave::leave(dt, ball, (j, i), active, h, &room)?;
            return Ok(Proof { shift: l.shift, classes: vec![(j, i, active)], eta: l.eta, swept: Some(l.swept) });
        }
        let (shift, classes) = match w.slides.first() {
            Some(&g) => super::slide::arrive(dt, &x, g, &Fi::q(h))?,
            None => cross(dt, &x, &w.gs, &w.deaths, &Fi::q(h))?,
        };
        Ok(Proof { shift, classes, eta: Rational::new(), swept: None })
    };
    let mut best = Some((prove(&Rational::from(hi - &a))?, hi.clone()));
    let (mut fails, mut holds) = (a.clone(), hi.clone());
    for _ in 0..REFINE {
        let z = Rational::from(&fails + &holds) / 2u32;
        match prove(&Rational::from(&z - &a)) {
            Ok(r) => {
                best = Some((r, z.clone()));
                holds = z;
            }
            Err(_) => fails = z,
        }
    }
    let (p, z) = best.ok_or("no window")?;
    for &(j, _) in &w.deaths {
        dt.dead[j] = true;
    }
    // The crossed guards' new classes hold for the true solution from here on (the window's
    // proof gave the sign at its end); steps keep them while the box cannot show it.
    dt.forced.retain(|f| !w.gs.contains(&(f.0, f.1)));
    let turns = p.classes.iter().map(|c| c.2).collect();
    let new = p.classes.iter().copied().filter(|&(j, i, _)| !w.deaths.contains(&(j, i)) && !w.slides.contains(&(j, i)));
    dt.forced.extend(new);
    dt.slides.extend_from_slice(&w.slides);
    dt.slides.retain(|q| !w.ends.iter().any(|e| (e.0, e.1) == *q));
    let restart = Rational::from(&z + &p.eta);
    // Every state of a crossing's window is the state at `a` moved by `∫ f ∈ [0, z − a]·F(E)`.
    let swept = p.swept.unwrap_or_else(|| x.iter().zip(&p.shift).map(|(v, s)| v.add(&s.with_zero())).collect());
    rec.sweep(dt, &a, &restart, &swept);
    *b = b.shifted(&p.shift);
    rec.sweep(dt, &restart, &restart, &b.state_box());
    Ok((restart, turns))
}

/// The patterns on `e` with the guards of `gs` free: `Err` names another guard without a certain
/// class.
pub fn patterns(dt: &Data, e: &[Fi], gs: &[(usize, usize)]) -> Result<Vec<Pattern>, String> {
    let mut base = vec![vec![false; dt.n]; dt.m];
    for (j, row) in base.iter_mut().enumerate().filter(|(j, _)| !dt.dead[*j]) {
        for (i, a) in row.iter_mut().enumerate() {
            if gs.contains(&(j, i)) {
                continue;
            }
            let forced = dt.forced.iter().find(|f| (f.0, f.1) == (j, i)).map(|f| f.2);
            *a = match (certain(dt, e, j, i), forced) {
                (Some(c), Some(f)) if c != f => {
                    return Err(format!("the guard w_{j}ᵀx_{i} is certainly off the side a window proved"));
                }
                (Some(c), _) => c,
                (None, Some(c)) => c,
                (None, None) => return Err(format!("the guard w_{j}ᵀx_{i} has no certain class in the window")),
            };
        }
    }
    Ok((0..1usize << gs.len())
        .map(|bits| {
            let mut p = base.clone();
            for (k, &(j, i)) in gs.iter().enumerate() {
                p[j][i] = bits >> k & 1 == 1;
            }
            p
        })
        .collect())
}

/// The hull of the fields of `ps` over `e`.
fn hull_field(dt: &Data, ps: &[Pattern], e: &[Fi]) -> Vec<Fi> {
    let mut out: Option<Vec<Fi>> = None;
    for p in ps {
        let f = field(dt, p, e);
        out = Some(match out {
            None => f,
            Some(o) => o.iter().zip(&f).map(|(a, b)| a.hull(b)).collect(),
        });
    }
    out.unwrap_or_default()
}

/// Every guard still forced from an earlier window (other than `gs`) keeps its side on `e` under
/// each of `fields`: its class is certain there, or its rate has the class's sign.
pub fn kept(dt: &Data, e: &[Fi], gs: Guards<'_>, fields: &[Vec<Fi>]) -> Result<(), String> {
    for &(j, i, on) in dt.forced.iter().filter(|f| !gs.contains(&(f.0, f.1))) {
        let class = certain(dt, e, j, i);
        if class == Some(!on) {
            return Err(format!("the guard w_{j}ᵀx_{i} is certainly off the side a window proved"));
        }
        if class.is_none() {
            let keeps = fields.iter().all(|f| {
                let r = guard_rate(dt, f, j, i);
                if on { r.lo > 0 } else { r.hi < 0 }
            });
            if !keeps {
                return Err(format!("the guard w_{j}ᵀx_{i}, which crossed before, is not proved to keep its side"));
            }
        }
    }
    Ok(())
}

/// `d/dt w_jᵀx_i = x_iᵀẇ_j` from a field.
pub fn guard_rate(dt: &Data, f: &[Fi], j: usize, i: usize) -> Fi {
    dt.guard(f, j, i)
}

/// A death of neuron `j` at its guard `i` can be proved: σ'(0) = 0 and every other guard of `j`
/// is inactive on `e`.
pub fn death_possible(dt: &Data, e: &[Fi], j: usize, i: usize) -> bool {
    dt.sp0 == 0 && (0..dt.n).filter(|&k| k != i).all(|k| dt.guard(e, j, k).hi <= 0)
}

/// The crossing window of length `h` from the box `x` (`deaths`: the guards of `gs` that end a
/// neuron): the displacement `h·F(E)` over it (the state at its end is the state at its start
/// plus a point of it) and the new class of each guard of `gs` (`true`: active), or why not. A guard still forced from an earlier window (`Data::forced`) must keep its side.
pub fn cross(dt: &Data, x: &[Fi], gs: &[(usize, usize)], deaths: &[(usize, usize)], h: &Fi) -> Result<Crossed, String> {
    let mut before = Vec::with_capacity(gs.len());
    for &(j, i) in gs {
        let g = dt.guard(x, j, i);
        before.push(if g.lo > 0 {
            1
        } else if g.hi < 0 {
            -1
        } else {
            return Err(format!("the guard w_{j}ᵀx_{i} has no strict sign at the window's start"));
        });
    }
    let hz = h.with_zero();
    let reach = |e: &[Fi], ps: &[Pattern]| -> Vec<Fi> {
        x.iter().zip(hull_field(dt, ps, e)).map(|(a, f)| a.add(&f.mul(&hz))).collect()
    };
    let mut e: Vec<Fi> = reach(x, &patterns(dt, x, gs)?).iter().map(super::step::inflate).collect();
    let mut found = None;
    for _ in 0..8 {
        if !e.iter().all(Fi::finite) {
            break;
        }
        let ps = patterns(dt, &e, gs)?;
        let f = reach(&e, &ps);
        if f.iter().zip(&e).all(|(a, b)| a.within(b)) {
            found = Some((f, ps));
            break;
        }
        e = f.iter().map(super::step::inflate).collect();
    }
    let (e, ps) = found.ok_or("no a priori enclosure of the window")?;
    for (&(j, i), &s) in gs.iter().zip(&before) {
        let mut rate: Option<Fi> = None;
        // A dying neuron moves only while the guard is active: once it is 0, the field is 0.
        let death = deaths.contains(&(j, i));
        for p in ps.iter().filter(|p| !death || p[j][i]) {
            let r = guard_rate(dt, &field(dt, p, &e), j, i);
            rate = Some(rate.map_or(r.clone(), |q| q.hull(&r)));
        }
        let rate = rate.unwrap_or_else(Fi::zero);
        if deaths.contains(&(j, i)) && (s < 0 || !death_possible(dt, &e, j, i)) {
            return Err(format!("neuron {j} is not proved to die at the guard w_{j}ᵀx_{i}"));
        }
        if !(if s > 0 { rate.hi < 0 } else { rate.lo > 0 }) {
            return Err(format!("the guard w_{j}ᵀx_{i} is not proved transversal in the window"));
        }
        let after = dt.guard(x, j, i).add(&rate.mul(h));
        if !(if s > 0 { after.hi < 0 } else { after.lo > 0 }) {
            return Err(format!("the guard w_{j}ᵀx_{i} is not proved to have crossed by the window's end"));
        }
    }
    let fields: Vec<Vec<Fi>> = ps.iter().map(|p| field(dt, p, &e)).collect();
    kept(dt, &e, gs, &fields)?;
    for p in &ps {
        super::slide::attracting(dt, p, &e)?;
        revival(dt, p, &e)?;
    }
    let f = hull_field(dt, &ps, &e);
    let classes = gs.iter().zip(&before).map(|(&(j, i), &s)| (j, i, s < 0)).collect();
    Ok((f.iter().map(|v| v.mul(h)).collect(), classes))
}

/// Every dead neuron stays dead on `e` in the pattern `p` (`dead.rs`), or why not.
pub fn revival(dt: &Data, p: &Pattern, e: &[Fi]) -> Result<(), String> {
    super::dead::stay(dt, p, e, &dt.dead)
        .map_err(|(j, i)| format!("dead neuron {j} is not proved to stay on the hyperplane of x_{i}"))
}
