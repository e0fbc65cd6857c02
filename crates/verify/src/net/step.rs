//! One step of the verifier's ball (`ball.rs`) over a time of length `h`:
//!
//! 1. an a priori box `E ⊇ X + [0, h]·f(E)` (`X` the ball's box) on which every guard's class is
//!    certain, or held (`guards.rs`): the solutions from `X` stay in `E` over the step
//!    (Picard–Lindelöf), and there the field is the pattern's cubic polynomial;
//! 2. the centre's Taylor polynomial of order `p − 1` with the Lagrange remainder
//!    `h^p·x_p(E)` (the coefficient function of order `p` over `E`, which contains every point of
//!    the solution);
//! 3. the logarithmic norm: `‖W⁻¹(φ_h(ξ) − φ_h(c))‖₂ ≤ e^{μ̄h} ‖W⁻¹(ξ − c)‖₂` with
//!    `μ̄ ≥ sup_{y∈E} λ_max(sym(W⁻¹Df(y)W))` (both solutions and the segment between them stay in
//!    the convex `E`), and per neuron the comparison system of `spread.rs`.
//!
//! The new ball is centred at a point of the centre's enclosure `C`, with radius
//! `e^{μ̄h}ρ + ‖W⁻¹ rad C‖₂`. Proofs note: `proofs-notes/certificate-verifier-net.md`.

use super::ball::{Ball, norm2};
use super::fi::{Fi, add_up, claim, exp_up, mul_up, prec, sqrt_up};
use super::field::{Data, Pattern, classify_holding, field, series, series_until, strict};
use super::guards;
use super::jacobian::jacobian_weighted;
use super::spectral::lambda_max_upper;
use super::spread::{comparison, exp_upper};
use rug::Float;

/// The highest Taylor order of a step (the remainder is the coefficient of the order used).
const ORDER: usize = 32;
/// The lowest.
const ORDER_MIN: usize = 8;

/// Why a step could not be taken.
#[derive(Debug)]
pub enum StepFail {
    /// No a priori box was found (the step is too long for a first-order enclosure).
    Apriori,
    /// A guard's class is uncertain on the a priori box: neuron, point, the guard's enclosure.
    Guard(usize, usize, Fi),
    /// The remainder is not small (the step is too long for the order).
    Remainder,
    /// A sliding pair's hyperplane is not proved to attract from both sides on the a priori box.
    Slide(usize, usize),
    /// A dead neuron is not proved to stay dead on the a priori box (`dead.rs`): neuron, point.
    Revival(usize, usize),
}

/// `E ⊇ X + [0, h]·f(E)` with certain guard classes on `E`, by iteration from `X + [0,h]f(X)`.
pub(super) fn apriori(dt: &Data, x: &[Fi], h: &Fi) -> Result<(Vec<Fi>, Pattern), StepFail> {
    apriori_holding(dt, x, h, false).map(|(e, act, _)| (e, act))
}

/// [`apriori`]; with `hold`, a guard that is uncertain on `E` but strictly on one side on `X` is
/// held in that class (returned; the caller must prove that it keeps it, `guards.rs`) and `f` is
/// the field of the pattern that holds it.
fn apriori_holding(dt: &Data, x: &[Fi], h: &Fi, hold: bool) -> Result<(Vec<Fi>, Pattern, Held), StepFail> {
    let hz = h.with_zero();
    let step = |e: &[Fi], act: &Pattern| -> Vec<Fi> {
        x.iter().zip(field(dt, act, e)).map(|(xi, fi)| xi.add(&fi.mul(&hz))).collect()
    };
    let mut held: Held = Vec::new();
    let mut classes = |v: &[Fi]| loop {
        match classify_holding(dt, v, &held) {
            Ok(act) => return Ok(act),
            Err((j, i, g)) => match strict(dt, x, j, i) {
                Some(c) if hold && !dt.forced.iter().any(|f| (f.0, f.1) == (j, i)) => held.push((j, i, c)),
                _ => return Err(StepFail::Guard(j, i, g)),
            },
        }
    };
    let act = classes(x)?;
    let mut e: Vec<Fi> = step(x, &act).iter().zip(x).map(|(v, xi)| inflate(&v.hull(xi))).collect();
    for _ in 0..8 {
        if !e.iter().all(Fi::finite) {
            return Err(StepFail::Apriori);
        }
        let act = classes(&e)?;
        let f = step(&e, &act);
        if f.iter().zip(&e).all(|(a, b)| a.within(b)) {
            return Ok((f, act, held));
        }
        e = f.iter().map(inflate).collect();
    }
    Err(StepFail::Apriori)
}

/// Guards held in a class over a step: `(neuron, point, class)`.
type Held = Vec<(usize, usize, bool)>;

/// `v` widened by a sixteenth of its radius and a tiny absolute amount.
pub(super) fn inflate(v: &Fi) -> Fi {
    let (_, r) = v.mid_rad();
    let tiny = Float::with_val(prec(), v.mag() >> 100u32);
    v.widen(&add_up(&Float::with_val(prec(), &r >> 4u32), &tiny))
}

/// The remainder's bound for neuron `j` of a step from `b`, in the weighted norm of its block:
/// `2^{−64}`, or less for claims narrower than `2^{−48}` of their size (`2^{−claim}`, [`claim`]):
/// `max(ρ_j/64, 2^{−claim−16})`, small beside the neuron's ball or beside the claims.
fn thresholds(b: &Ball) -> Vec<Float> {
    let fixed = Float::with_val(prec(), 1) >> 64u32;
    let floor = Float::with_val(prec(), 1) >> (claim() + 16);
    let each = |r: &Float| {
        let own = Float::with_val(prec(), r >> 6u32);
        if floor >= fixed || own >= fixed {
            fixed.clone()
        } else if own > floor {
            own
        } else {
            floor.clone()
        }
    };
    b.rho.iter().map(each).collect()
}

/// Whether every neuron's block of `v` is within its bound of `limits` (weights `e`).
fn within_limits(v: &[Fi], e: &[i32], limits: &[Float]) -> bool {
    let bl = v.len() / limits.len();
    limits.iter().enumerate().all(|(j, l)| weighted_norm(&v[j * bl..(j + 1) * bl], &e[j * bl..(j + 1) * bl]) <= *l)
}

/// `c·h^k`.
fn scaled(c: &[Fi], h: &Fi, k: usize) -> Vec<Fi> {
    let mut hk = Fi::pt(&Float::with_val(prec(), 1));
    for _ in 0..k {
        hk = hk.mul(h);
    }
    c.iter().map(|v| v.mul(&hk)).collect()
}

/// `‖W⁻¹ mag(v)‖₂` from above.
fn weighted_norm(v: &[Fi], e: &[i32]) -> Float {
    let mut s = Float::new(prec());
    for (x, &k) in v.iter().zip(e) {
        let r = Float::with_val(prec(), x.mag() << -k);
        s = add_up(&s, &mul_up(&r, &r));
    }
    sqrt_up(&s)
}

/// `(A + Aᵀ)/2` of the `n × n` interval matrix `a`.
fn symmetric(a: &[Fi], n: usize) -> Vec<Fi> {
    (0..n * n).map(|q| a[q].add(&a[(q % n) * n + q / n]).div_u(2)).collect()
}

/// `Σ_k a_k h^k` by Horner.
fn horner(coef: &[Vec<Fi>], h: &Fi, at: usize) -> Fi {
    coef.iter().rev().fold(Fi::zero(), |s, c| s.mul(h).add(&c[at]))
}

/// One step of length `h > 0` from `b`: the ball at its end and the a priori box, which holds
/// every state of the step.
pub fn step(dt: &Data, b: &Ball, h: &Fi) -> Result<(Ball, Vec<Fi>), StepFail> {
    let x = b.hull();
    let (e, act, held) = apriori_holding(dt, &x, h, true)?;
    guards::keeps_forced(dt, &act, &e)?;
    guards::monotone(dt, &act, &e, &held)?;
    super::dead::stay(dt, &act, &e, &dt.dead).map_err(|(j, i)| StepFail::Revival(j, i))?;
    // A sliding neuron slides on for the whole step: its surface attracts from both sides on `E`
    // (`proofs-notes/net-clarke-sliding.md`, uniqueness), so the solution is the sliding field's.
    for &(j, i) in &dt.slides {
        let (minus, plus) = dt.one_sided(&act, &e, j, i);
        if !(minus.lo > 0 && plus.hi < 0) {
            return Err(StepFail::Slide(j, i));
        }
    }
    let end = flow(dt, b, h, &act, &e)?;
    guards::keeps_held(dt, &end.state_box(), &held)?;
    Ok((end, e))
}

/// The ball at the end of a step of length `h` of the pattern `act`'s polynomial flow from `b`,
/// given an a priori box `e` of that flow (`X + [0, h]·f_act(e) ⊆ e`): it holds the flow's end
/// state from every state of `b`.
pub(super) fn flow(dt: &Data, b: &Ball, h: &Fi, act: &Pattern, e: &[Fi]) -> Result<Ball, StepFail> {
    let limits = thresholds(b);
    let small = |k: usize, c: &[Fi]| k >= ORDER_MIN && within_limits(&scaled(c, h, k), &b.e, &limits);
    let es = series_until(dt, act, e, ORDER, small);
    let p = es.len() - 1;
    let rem = scaled(&es[p], h, p);
    if !within_limits(&rem, &b.e, &limits) {
        return Err(StepFail::Remainder);
    }
    let cpts: Vec<Fi> = b.c.iter().map(Fi::pt).collect();
    let cs = series(dt, act, &cpts, p - 1);
    let cen: Vec<Fi> = rem.iter().enumerate().map(|(a, r)| horner(&cs, h, a).add(r)).collect();
    let nn = dt.size();
    let wdfw = jacobian_weighted(dt, act, e, &b.e);
    let grow = exp_upper(&comparison(dt, &wdfw), dt.m, h);
    // The whole state's weighted norm grows by at most e^{μ̄h}, μ̄ ≥ λ_max(sym W⁻¹DfW) on E
    // (increasing in h for μ̄ ≥ 0, decreasing otherwise): a bound for every neuron too.
    let mu = lambda_max_upper(&symmetric(&wdfw, nn), nn);
    let whole = mul_up(&exp_up(&mul_up(&mu, if mu >= 0 { &h.hi } else { &h.lo })), &b.total);
    let next = Ball::around(&cen, b.e.clone(), dt.d + 1);
    let rho: Vec<Float> = (0..dt.m)
        .map(|j| {
            let blocks = (0..dt.m).fold(Float::new(prec()), |s, k| add_up(&s, &mul_up(&grow[j * dt.m + k], &b.rho[k])));
            add_up(if blocks < whole { &blocks } else { &whole }, &next.rho[j])
        })
        .collect();
    let (by_parts, by_whole) = (norm2(&rho), add_up(&whole, &next.total));
    let total = if by_parts < by_whole { by_parts } else { by_whole };
    // A coordinate whose field is identically 0 on `E` does not move over the step.
    let pin = b.keep_pins(&field(dt, act, e));
    Ok(Ball { rho, total, pin, ..next })
}
