//! The end of a slide (the Clarke flow; the verifier's argument in
//! `proofs-notes/certificate-verifier-net.md`, "A slide's end"): neuron `j`, sliding along the
//! hyperplane `x_iᵀw_j = 0`, leaves it to one side when that side's one-sided rate changes sign.
//!
//! With `P'` the pattern after the end (point `i` active for `j` on the active side, inactive on
//! the inactive side) and `σ = ±1` that side's sign, the *leaving rate* is `L = σ·ρ_{P'}`,
//! `ρ_P = x_iᵀ f_{P,w_j} = −G a_j Σ_{k∈A_j^P} r_k c_k` (`c_k = x_kᵀx_i`, no projection): on the
//! hyperplane it is the one-sided rate `ρ⁺` (active) or `−ρ⁻` (inactive), negative while the
//! hyperplane attracts; off it, `ġ = ρ_{P'}` along the flow of `P'`.

use super::ball::Ball;
use super::cross::{kept, revival};
use super::fi::{Fi, prec};
use super::field::{Data, Pattern, field, series};
use super::rate::{rate, rate_along};
use super::slide::attracting;
use super::step::apriori;
use rug::{Float, Rational};

/// Doublings of the time after the end before the restart is given up.
const TRIES: usize = 24;

/// A proved end of a slide over `[a, a + h]`, the run restarting at `a + h + eta`.
pub struct Leave {
    /// The state at the restart is the state at `a` moved by a point of `shift`.
    pub shift: Vec<Fi>,
    /// Holds every state of `[a, a + h + eta]`.
    pub swept: Vec<Fi>,
    pub eta: Rational,
}

/// Every sliding pair other than `(j, i)` attracts from both sides on `e` in the pattern `p`.
fn others_attract(dt: &Data, p: &Pattern, e: &[Fi], (j, i): (usize, usize)) -> Result<(), String> {
    for &(k, l) in dt.slides.iter().filter(|&&q| q != (j, i)) {
        let (minus, plus) = dt.one_sided(p, e, k, l);
        if !(minus.lo > 0 && plus.hi < 0) {
            return Err(format!("the hyperplane of x_{l} is not proved to attract neuron {k} from both sides"));
        }
    }
    Ok(())
}

/// The end of `(j, i)`'s slide towards the side `active` within `h` of the ball `b` (`x` its
/// box), the run restarting at most `room` after the window:
///
/// 1. the sliding flow's a priori box `E ⊇ x + [0, h]·Π_i f(E)`, every other guard of a certain
///    class (or a forced one kept) and every other slide attracting on it; the other one-sided
///    rate keeps its attracting sign on `E` (Filippov's uniqueness condition at the exit);
/// 2. `L(x) < 0`, `L̇ > 0` along the sliding field on `E` and `L(x) + h·L̇(E) > 0`: `L` has
///    exactly one zero `τ*` in the window, the flow slides up to it;
/// 3. the flow of `P'` from `E` over `[0, h + η]` has an a priori box `E'` on which `L̇ > 0` along
///    it, every other guard keeps its class and every other slide attracts: `L > 0` and the guard
///    strictly of the new side after `τ*`, so that flow is the solution;
/// 4. the state at the restart `a + h + η` lies in `b + shift`, from the second-order expansions
///    of both flows about `τ*` (`u = τ* − a ∈ [0, h]`, `s = h + η − u`), where the sliding field
///    and `f_{P'}` agree (the multiplier is 0 or 1 there):
///    `x(a + h + η) − x(a) ∈ (h + η)·f_{P'}(E) − [0, h²]·x₂^S(E) + [η², (h + η)²]·x₂^{P'}(E')`
///    (`x₂` the second Taylor coefficient functions of the two flows); and `L > 0`, by more than
///    its width, on the box of that set, so that the steps after it keep the new side.
pub fn leave(
    dt: &Data,
    b: &Ball,
    (j, i): (usize, usize),
    active: bool,
    h: &Rational,
    room: &Rational,
) -> Result<Leave, String> {
    let (hf, x) = (Fi::q(h), &b.hull());
    let (e, ps) = apriori(dt, x, &hf).map_err(|_| "no a priori enclosure of the slide's last stretch".to_string())?;
    let fs = field(dt, &ps, &e);
    kept(dt, &e, &[(j, i)], std::slice::from_ref(&fs))?;
    others_attract(dt, &ps, &e, (j, i))?;
    revival(dt, &ps, &e)?;
    let (minus, plus) = dt.one_sided(&ps, &e, j, i);
    if !(if active { minus.lo > 0 } else { plus.hi < 0 }) {
        return Err(format!("the other side's rate of the guard w_{j}ᵀx_{i} is not proved to keep its sign"));
    }
    let mut pn = ps.clone();
    pn[j][i] = active;
    let side = |v: Fi| if active { v } else { v.neg() };
    // `L(θ(a))` (the one-sided rate `Data::one_sided` at the true state, on the hyperplane).
    let start = side(rate(dt, &pn, x, (j, i)));
    let turn = side(rate_along(dt, &pn, &e, &fs, (j, i)));
    if !(start.hi < 0 && turn.lo > 0 && start.add(&turn.mul(&hf)).lo > 0) {
        return Err(format!("the hyperplane of x_{i} is not proved to stop attracting neuron {j} in the window"));
    }
    let mut after = dt.clone();
    after.slides.retain(|&q| q != (j, i));
    after.forced.retain(|f| (f.0, f.1) != (j, i));
    after.forced.push((j, i, active));
    let slid = series(dt, &ps, &e, 2).swap_remove(2);
    // First guess: the time the rate, growing at its slowest, needs to pass twice its size at `a`.
    let guess = Rational::from_f64(2.0 * start.mag().to_f64() / turn.lo.to_f64()).unwrap_or_default();
    let half = Rational::from(room / 2u32);
    let mut eta = (if guess > half { half } else { guess }).max(h.clone());
    for _ in 0..TRIES {
        if eta > *room {
            break;
        }
        if let Some(done) = restart(&after, (&e, &slid, b), (j, i), active, (h, &eta))? {
            return Ok(done);
        }
        eta *= 2u32;
    }
    Err(format!("the guard w_{j}ᵀx_{i} is not proved to leave its hyperplane before the next event"))
}

/// Steps 3 and 4 of [`leave`] for one `η` (`after`: the data with `(j, i)` no longer sliding and
/// forced to its new side): `None` when the rate is not yet positive at the restart.
fn restart(
    after: &Data,
    (e, slid, b): (&[Fi], &[Fi], &Ball),
    (j, i): (usize, usize),
    active: bool,
    (h, eta): (&Rational, &Rational),
) -> Result<Option<Leave>, String> {
    let total = Fi::q(&Rational::from(h + eta));
    let (e2, pn) = apriori(after, e, &total).map_err(|_| "no a priori enclosure after the slide's end".to_string())?;
    if pn[j][i] != active {
        return Err(format!("the guard w_{j}ᵀx_{i} is on the wrong side after the slide's end"));
    }
    let side = |v: Fi| if active { v } else { v.neg() };
    let fnew = field(after, &pn, &e2);
    if side(rate_along(after, &pn, &e2, &fnew, (j, i))).lo <= 0 {
        return Err(format!("the guard w_{j}ᵀx_{i}'s rate is not proved to grow after the slide's end"));
    }
    kept(after, &e2, &[(j, i)], std::slice::from_ref(&fnew))?;
    attracting(after, &pn, &e2)?;
    revival(after, &pn, &e2)?;
    let whole = Fi::q(&Rational::from(h + eta));
    let early = Fi::qq(&Rational::new(), &Rational::from(h * h));
    let late = Fi::qq(&Rational::from(eta * eta), &Rational::from(h + eta).square());
    let v = field(after, &pn, e);
    let bent = series(after, &pn, &e2, 2).swap_remove(2);
    let shift: Vec<Fi> =
        (0..v.len()).map(|k| v[k].mul(&whole).sub(&slid[k].mul(&early)).add(&bent[k].mul(&late))).collect();
    // With a margin (the rate above its own width), so that the next steps' a priori boxes keep it.
    let end = side(rate(after, &pn, &b.shifted(&shift).hull(), (j, i)));
    if end.lo <= Float::with_val(prec(), &end.hi - &end.lo) {
        return Ok(None);
    }
    Ok(Some(Leave { shift, swept: e2, eta: eta.clone() }))
}
