//! The two-layer field in one activation pattern, evaluated by the verifier over intervals: its
//! Taylor series along the flow and its Jacobian.
//!
//! State layout: neuron `j` at `j(d+1)..(j+1)(d+1)`, `w_j` then `a_j`. In a pattern with active
//! sets `A_j` (`act[j][i]`), `u_ji = w_jᵀx_i` for `i ∈ A_j` (else 0), `r_i = Σ_j a_j u_ji − y_i`,
//! `L = c Σ_i r_i²` and the flow is `ȧ_j = −G Σ_i r_i u_ji`, `ẇ_j = −G a_j Σ_{i∈A_j} r_i x_i`
//! with `G = 2c`: a cubic polynomial field, equal to the gradient flow wherever the pattern's
//! guard signs hold (see [`classify`]).

use super::fi::Fi;
use reluflow_certificate::{Loss, NetProblem};
use rug::Rational;

/// The problem's data as intervals (exact decimals are enclosed once).
#[derive(Clone)]
pub struct Data {
    pub n: usize,
    pub d: usize,
    pub m: usize,
    pub x: Vec<Vec<Fi>>,
    pub y: Vec<Fi>,
    /// `G = 2c`.
    pub g: Fi,
    /// σ'(0).
    pub sp0: u8,
    /// Neurons proved dead (a death event): frozen for good, every guard `≤ 0`.
    pub dead: Vec<bool>,
    /// Guards that crossed in the last window, with their new class (`true`: active): the true
    /// solution has that class although the set's box may not show it yet (see `step::step`).
    pub forced: Vec<(usize, usize, bool)>,
    /// The Clarke flow (otherwise σ'(0) is fixed and nothing slides).
    pub clarke: bool,
    /// Pairs `(j, i)` whose neuron slides along the hyperplane `x_iᵀw_j = 0` (entered at a proved
    /// slide): their class is inactive and the field's `w_j` block is projected onto `x_i^⊥`.
    pub slides: Vec<(usize, usize)>,
}

impl Data {
    pub fn new(p: &NetProblem) -> Data {
        let n = p.x.len();
        let c = match p.loss {
            Loss::HalfSum => Rational::from((1, 2)),
            Loss::HalfMean => Rational::from((1, 2 * n as u64)),
            Loss::Mean => Rational::from((1, n as u64)),
        };
        Data {
            n,
            d: p.x[0].len(),
            m: p.init.width(),
            x: p.x.iter().map(|r| r.iter().map(Fi::q).collect()).collect(),
            y: p.y.iter().map(Fi::q).collect(),
            g: Fi::q(&(c * 2u32)),
            sp0: p.relu_prime_at_zero,
            dead: vec![false; p.init.width()],
            forced: Vec::new(),
            clarke: p.clarke,
            slides: Vec::new(),
        }
    }
    /// The state size `m(d + 1)`.
    pub fn size(&self) -> usize {
        self.m * (self.d + 1)
    }
    /// The index of `a_j`.
    pub fn a(&self, j: usize) -> usize {
        j * (self.d + 1) + self.d
    }
    /// `v ↦ Π_i v = v − (x_iᵀv/‖x_i‖²)x_i` on the `w_j` block of every sliding pair, in place.
    pub fn project(&self, v: &mut [Fi]) {
        self.project_with(&self.slides, v);
    }
    /// [`Data::project`] for the sliding pairs `slides`.
    pub fn project_with(&self, slides: &[(usize, usize)], v: &mut [Fi]) {
        for &(j, i) in slides {
            let x = &self.x[i];
            let nx = x.iter().fold(Fi::zero(), |s, c| s.add(&c.mul(c)));
            let w = &mut v[j * (self.d + 1)..j * (self.d + 1) + self.d];
            let c = w.iter().zip(x).fold(Fi::zero(), |s, (a, b)| s.add(&a.mul(b))).div_pos(&nx);
            for (a, b) in w.iter_mut().zip(x) {
                *a = a.sub(&c.mul(b));
            }
        }
    }
    /// The one-sided rates `(ρ⁻, ρ⁺)` of the guard `x_iᵀw_j` over `v`: the rates of the pattern
    /// `act` with `i` inactive, and active, for `j` (`rate::rate`, no projection of `j`'s block).
    /// On the hyperplane they are the one-sided rates (the residuals of both patterns agree
    /// there); it attracts from both sides where `ρ⁻ > 0 > ρ⁺`.
    pub fn one_sided(&self, act: &Pattern, v: &[Fi], j: usize, i: usize) -> (Fi, Fi) {
        let mut side = act.clone();
        side[j][i] = false;
        let minus = super::rate::rate(self, &side, v, (j, i));
        side[j][i] = true;
        (minus, super::rate::rate(self, &side, v, (j, i)))
    }
    /// The guard `w_jᵀx_i` over `v`.
    pub fn guard(&self, v: &[Fi], j: usize, i: usize) -> Fi {
        let w = &v[j * (self.d + 1)..j * (self.d + 1) + self.d];
        w.iter().zip(&self.x[i]).fold(Fi::zero(), |s, (a, b)| s.add(&a.mul(b)))
    }
}

/// The active sets.
pub type Pattern = Vec<Vec<bool>>;

/// The pattern of the box `v` if every guard's class is certain there: with σ'(0) = 0 a point
/// is active where its guard is `> 0` and inactive where `≤ 0`; with σ'(0) = 1 active where
/// `≥ 0` and inactive where `< 0`; a dead neuron's points are inactive (its true states have
/// every guard `≤ 0`, see `cross.rs`). On such a box the gradient flow's field is the pattern's
/// polynomial field. `Err((j, i, guard))` names an uncertain guard.
pub fn classify(dt: &Data, v: &[Fi]) -> Result<Pattern, (usize, usize, Fi)> {
    classify_holding(dt, v, &[])
}

/// [`classify`], with the guards of `hold` (`(j, i, class)`) taken in their given class whatever
/// `v` shows: the pattern of a step whose held guards are proved to keep their class along the
/// solution (`guards.rs`).
pub fn classify_holding(dt: &Data, v: &[Fi], hold: &[(usize, usize, bool)]) -> Result<Pattern, (usize, usize, Fi)> {
    let mut act = vec![vec![false; dt.n]; dt.m];
    for (j, row) in act.iter_mut().enumerate().filter(|(j, _)| !dt.dead[*j]) {
        for (i, a) in row.iter_mut().enumerate() {
            if dt.slides.contains(&(j, i)) {
                continue; // inactive, the sliding field's side
            }
            if let Some(h) = hold.iter().find(|h| (h.0, h.1) == (j, i)) {
                *a = h.2;
                continue;
            }
            let g = dt.guard(v, j, i);
            let (on, off) = if dt.sp0 == 0 { (g.lo > 0, g.hi <= 0) } else { (g.lo >= 0, g.hi < 0) };
            let forced = dt.forced.iter().find(|f| (f.0, f.1) == (j, i)).map(|f| f.2);
            match forced {
                Some(c) if g.finite() && !(if c { off } else { on }) => *a = c,
                // A box certainly on the other side of a forced guard contradicts what a window
                // proved of the true solution: an inconsistency, never taken as a class.
                Some(_) => return Err((j, i, g)),
                _ if !(on || off) || !g.finite() => return Err((j, i, g)),
                _ => *a = on,
            }
        }
    }
    Ok(act)
}

/// The class of guard `(j, i)` on `v` if it is certain (`true`: active).
pub fn certain(dt: &Data, v: &[Fi], j: usize, i: usize) -> Option<bool> {
    if dt.slides.contains(&(j, i)) {
        return Some(false);
    }
    let g = dt.guard(v, j, i);
    let (on, off) = if dt.sp0 == 0 { (g.lo > 0, g.hi <= 0) } else { (g.lo >= 0, g.hi < 0) };
    (g.finite() && (on || off)).then_some(on)
}

/// The class of guard `(j, i)` on `v` if the guard is strictly away from 0 there (`true`: `> 0`,
/// active under either convention; `false`: `< 0`).
pub fn strict(dt: &Data, v: &[Fi], j: usize, i: usize) -> Option<bool> {
    let g = dt.guard(v, j, i);
    if !g.finite() || dt.slides.contains(&(j, i)) || dt.dead[j] {
        return None;
    }
    if g.lo > 0 {
        Some(true)
    } else if g.hi < 0 {
        Some(false)
    } else {
        None
    }
}

/// `Σ_{l ≤ k} a[l]·b[k − l]`.
fn cauchy<'a>(a: impl Fn(usize) -> &'a Fi, b: impl Fn(usize) -> &'a Fi, k: usize) -> Fi {
    (0..=k).fold(Fi::zero(), |s, l| s.add(&a(l).mul(b(k - l))))
}

/// The Taylor coefficients `x_0 = x0, x_1, …, x_order` of the pattern's flow through `x0`
/// (`x_{k+1} = f_k/(k+1)` with `f_k` the `k`-th coefficient of `f(x(t))`), each containing the
/// exact coefficient for every point of `x0`.
pub fn series(dt: &Data, act: &Pattern, x0: &[Fi], order: usize) -> Vec<Vec<Fi>> {
    series_until(dt, act, x0, order, |_, _| false)
}

/// [`series`], stopped after the first order `k ≥ 1` whose coefficients satisfy `stop(k, x_k)`.
pub fn series_until(
    dt: &Data,
    act: &Pattern,
    x0: &[Fi],
    order: usize,
    stop: impl Fn(usize, &[Fi]) -> bool,
) -> Vec<Vec<Fi>> {
    series_impl(dt, act, x0, order, &dt.slides, stop)
}

/// The series of the pattern's field with the `w_j` block of every pair of `slides` projected
/// (the sliding field `Π_i f` is linear in `f`, so each coefficient is the projected one).
fn series_impl(
    dt: &Data,
    act: &Pattern,
    x0: &[Fi],
    order: usize,
    slides: &[(usize, usize)],
    stop: impl Fn(usize, &[Fi]) -> bool,
) -> Vec<Vec<Fi>> {
    let (n, d, m) = (dt.n, dt.d, dt.m);
    let mut xs: Vec<Vec<Fi>> = vec![x0.to_vec()];
    let mut u: Vec<Vec<Vec<Fi>>> = Vec::with_capacity(order);
    let mut r: Vec<Vec<Fi>> = Vec::with_capacity(order);
    let mut s: Vec<Vec<Vec<Fi>>> = Vec::with_capacity(order);
    for k in 0..order {
        let uk: Vec<Vec<Fi>> = (0..m)
            .map(|j| (0..n).map(|i| if act[j][i] { dt.guard(&xs[k], j, i) } else { Fi::zero() }).collect())
            .collect();
        u.push(uk);
        let rk: Vec<Fi> = (0..n)
            .map(|i| {
                let start = if k == 0 { dt.y[i].neg() } else { Fi::zero() };
                (0..m)
                    .filter(|&j| act[j][i])
                    .fold(start, |acc, j| acc.add(&cauchy(|l| &xs[l][dt.a(j)], |l| &u[l][j][i], k)))
            })
            .collect();
        r.push(rk);
        let sk: Vec<Vec<Fi>> = (0..m)
            .map(|j| {
                (0..d)
                    .map(|l| {
                        (0..n).filter(|&i| act[j][i]).fold(Fi::zero(), |acc, i| acc.add(&r[k][i].mul(&dt.x[i][l])))
                    })
                    .collect()
            })
            .collect();
        s.push(sk);
        let mut next = vec![Fi::zero(); dt.size()];
        for j in 0..m {
            let adot = (0..n)
                .filter(|&i| act[j][i])
                .fold(Fi::zero(), |acc, i| acc.add(&cauchy(|l| &r[l][i], |l| &u[l][j][i], k)));
            next[dt.a(j)] = adot.mul(&dt.g).neg().div_u(k as u32 + 1);
            for l in 0..d {
                let wdot = cauchy(|q| &xs[q][dt.a(j)], |q| &s[q][j][l], k);
                next[j * (d + 1) + l] = wdot.mul(&dt.g).neg().div_u(k as u32 + 1);
            }
        }
        dt.project_with(slides, &mut next);
        let done = stop(k + 1, &next);
        xs.push(next);
        if done {
            break;
        }
    }
    xs
}

/// The field `f(v)` over the box `v`.
pub fn field(dt: &Data, act: &Pattern, v: &[Fi]) -> Vec<Fi> {
    series(dt, act, v, 1).swap_remove(1)
}

/// [`field`] with the sliding pairs `slides` in place of the data's.
pub fn field_with(dt: &Data, act: &Pattern, v: &[Fi], slides: &[(usize, usize)]) -> Vec<Fi> {
    series_impl(dt, act, v, 1, slides, |_, _| false).swap_remove(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_certificate::{Horizon, NetInit};

    #[test]
    fn a_box_certainly_off_a_forced_side_is_an_inconsistency_not_a_class() {
        let q = |v: i32| Rational::from(v);
        let p = NetProblem {
            x: vec![vec![q(1)]],
            y: vec![q(1)],
            relu_prime_at_zero: 0,
            loss: Loss::HalfSum,
            init: NetInit::Explicit { w: vec![vec![q(-1)]], a: vec![q(1)] },
            t_end: Horizon::Finite(q(1)),
            clarke: false,
        };
        let mut dt = Data::new(&p);
        let v = [Fi::q(&q(-1)), Fi::q(&q(1))];
        assert_eq!(classify(&dt, &v).ok(), Some(vec![vec![false]]));
        // A window proved the guard active for the true solution; a box certainly inactive
        // contradicts it.
        dt.forced.push((0, 0, true));
        assert!(classify(&dt, &v).is_err());
        dt.forced = vec![(0, 0, false)];
        assert_eq!(classify(&dt, &v).ok(), Some(vec![vec![false]]));
    }
}
