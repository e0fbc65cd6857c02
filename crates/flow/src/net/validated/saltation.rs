//! Carrying the Lohner set through a proved switch instead of restarting from a box.
//!
//! With `τ* ∈ [lo, hi]` the (unknown, start-dependent) switching time and `T = hi + η` the restart
//! time, the state is `x(T) = g(τ*)` with `g(τ) = φ'(T − τ, φ(τ, x₀))` (`φ`, `φ'`: the polynomial
//! flows of the old and new pattern, both defined on either side of the surface). So
//! `x(T) ∈ g(τ_m) + (τ* − τ_m)·{g'(τ)}` with
//! `g'(τ) = Dφ'(T − τ, y)·(f(y) − f'(y))`, `y = φ(τ, x₀) ∈ X*` (the old pattern's polynomial over the
//! window). `g(τ_m)` is the composition of two Taylor maps (old pattern for `τ_m`, new pattern for
//! `T − τ_m`), carried as one Lohner step: the image of the first is not re-orthogonalised but fed
//! to the second as an interval basis (`lohner::image`, "Composed steps"); the
//! correction uses `‖D⁻¹(Dφ'(s, y) − I)D‖_∞ ≤ e^{s L} − 1` (Grönwall in the per-neuron scaled norm,
//! `L ≥ ‖D⁻¹ Df'(E') D‖_∞` over the a priori enclosure `E'` of the new flow from `X*`).
//! Proofs note: `proofs-notes/net-validated-switches.md` ("carrying the set through").

use super::lohner::{LohnerSet, Source, Step, choose_jac_order, image, reorthogonalise};
use super::series::{Series, live_coords, series, with_jacobians};
use super::taylor::{Apriori, apriori, block_exponents, maxabs, sym};
use super::{Net, StepFail};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;
use reluflow_arith::midrad::{add_ru, mul_ru};
use reluflow_arith::rounding::f64_up;
use rug::Rational;

/// What [`through_switch`] needs about the step and the switch.
pub(crate) struct SwitchStep<'a, S> {
    /// The pattern before and after.
    pub old: &'a Pattern,
    pub new: &'a Pattern,
    /// Taylor values at the set's centre and (with Jacobians) over its hull, old pattern.
    pub ser_c: &'a Series<S>,
    pub ser_x: &'a Series<S>,
    /// The old pattern's a priori enclosure over the step (contains `[0, hi]`).
    pub apri: &'a Apriori<S>,
    /// The window `[lo, hi]` and the restart offset `eta` (restart at `hi + eta`).
    pub lo: f64,
    pub hi: f64,
    pub eta: f64,
    /// The old pattern's polynomial over the window, and the new flow's a priori enclosure from it
    /// over `[0, hi − lo + eta]`.
    pub xw: &'a [S],
    pub after_e: &'a [S],
    pub order: usize,
    pub jac_order: usize,
    pub apriori_iters: usize,
}

/// The Lohner set and box at the restart time `hi + eta`; [`StepFail::Method`] when a step fails
/// (the caller then restarts from its box enclosure), [`StepFail::Inconsistent`] on a bug.
pub(crate) fn through_switch<S: Enclosure>(
    net: &Net<S>,
    set: &LohnerSet<S>,
    st: &SwitchStep<'_, S>,
) -> Result<(LohnerSet<S>, Vec<S>), StepFail> {
    let ctx = &net.ctx;
    let nn = net.dim();
    let tm = 0.5 * (st.lo + st.hi);
    if !(tm > st.lo && tm < st.hi) {
        return Err(StepFail::Method);
    }
    // g(τ_m), first half: the old pattern for τ_m.
    // Frozen coordinates: constant under the old pattern; the newly dead neuron (if any) stays at its
    // state at τ*, enclosed by `xw` (which also encloses the constant ones).
    let h1 = S::from_f64(tm, ctx);
    let step1 = Step { ser_c: st.ser_c, ser_x: st.ser_x, rem: &st.apri.rem, h: &h1, centre: None };
    let img1 = image(net, st.old, Source::Set(set), &step1, None, st.xw)?;
    // Second half: the new pattern for T − τ_m (exact rational, enclosed).
    let exact = |v: f64| Rational::from_f64(v).ok_or(StepFail::Method);
    let dur = exact(st.hi)? + exact(st.eta)? - exact(tm)?;
    let dur_s = S::from_rational(&dur, ctx);
    let ser_c1 = series(net, st.new, &img1.c, st.order, None);
    let xhat1: Vec<S> = img1.direct.iter().zip(&img1.c).map(|(a, b)| a.hull(b)).collect();
    let vals1 = series(net, st.new, &xhat1, st.order, None);
    let q1 = choose_jac_order(net, st.new, &ser_c1, &vals1, &xhat1, dur_s.upper_f64(), st.jac_order);
    let ser_x1 = with_jacobians(net, st.new, &vals1, &xhat1, q1);
    let e_scale = block_exponents(net, &img1.c);
    let apri1 = apriori(net, st.new, &ser_x1, dur_s.upper_f64(), &e_scale, st.apriori_iters).ok_or(StepFail::Method)?;
    // Saltation correction Δ = [−δ_m, δ_m]·(Δf + ball), Δf = f_old(X*) − f_new(X*).
    let df: Vec<S> =
        net.field_flat(st.old, st.xw).iter().zip(net.field_flat(st.new, st.xw)).map(|(a, b)| a.sub(&b)).collect();
    let e = &img1.e;
    // Df' over E' (columns: the live coordinates of the new pattern; the others are exactly 0).
    let ser = series(net, st.new, st.after_e, 1, Some(1));
    if ser.jac.len() < 2 {
        return Err(StepFail::Method);
    }
    let jac = ser.jac.order(1, &net.ctx);
    let live = live_coords(net, st.new);
    let nl = live.len();
    let mut l_scaled: f64 = 0.0;
    for c in 0..nn {
        let mut row = 0.0;
        for (k, &d) in live.iter().enumerate() {
            row = add_ru(row, jac[c * nl + k].abs().mul_2si(e[d] - e[c]).upper_f64());
        }
        l_scaled = l_scaled.max(row);
    }
    let s_max = f64_up(st.hi - st.lo + st.eta);
    let sl = mul_ru(s_max, l_scaled);
    if !sl.is_finite() {
        return Err(StepFail::Method);
    }
    let rho = S::from_f64(sl, ctx).exp().sub(&S::one(ctx)).hi_point();
    let df_scaled: Vec<S> = df.iter().zip(e).map(|(v, &ec)| v.mul_2si(-ec)).collect();
    let big = maxabs(&df_scaled, ctx).hi_point().mul(&rho);
    let dm = f64_up((st.hi - tm).max(tm - st.lo));
    let window = S::from_f64_bounds(-dm, dm, ctx);
    let delta: Vec<S> = df.iter().zip(e).map(|(v, &ec)| window.mul(&v.add(&sym(&big.mul_2si(ec))))).collect();
    let step2 = Step { ser_c: &ser_c1, ser_x: &ser_x1, rem: &apri1.rem, h: &dur_s, centre: None };
    let img2 = image(net, st.new, Source::Image(&img1), &step2, Some(&delta), st.xw)?;
    reorthogonalise(net, img2)
}
