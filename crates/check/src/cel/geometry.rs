//! The shared geometry of the shallow-network entries: the initial directions and signs, the
//! vectors `γ_I`, the active sets `I_+(v)`, and `ln q` for huge or tiny rationals. A leaf module:
//! it depends on no other part of the checker except exact rational helpers.

use crate::rational::dot;
use reluflow_arith::Scalar;
use reluflow_model::{Init, Problem};
use rug::{Integer, Rational};

/// The directions `z_j` and signs `s_j` of a two-layer initialisation, exactly: given for a
/// balanced one, `(w_j, sign a_j)` for an explicit one (the scale does not matter for the
/// predicates below). `None` for the single neuron.
pub fn directions(p: &Problem) -> Option<(Vec<Vec<Rational>>, Vec<i8>)> {
    match p.init() {
        Init::Balanced { z, s, .. } => Some((z.clone(), s.clone())),
        Init::Explicit { w, a } => Some((w.clone(), a.iter().map(|aj| if *aj < 0 { -1 } else { 1 }).collect())),
        Init::Single { .. } => None,
    }
}

/// `γ_I = (1/n) Σ_{i∈I} y_i x_i`, exactly.
pub fn gamma(p: &Problem, set: &[usize]) -> Vec<Rational> {
    let data = p.data();
    let n = Rational::from(data.n() as u64);
    let mut g = vec![Rational::new(); data.d()];
    for &i in set {
        for (gk, xk) in g.iter_mut().zip(&data.x()[i]) {
            *gk += Rational::from(&data.y()[i] * xk) / &n;
        }
    }
    g
}

/// `I_+(v) = {i : vᵀx_i > 0}`.
pub fn i_plus(p: &Problem, v: &[Rational]) -> Vec<usize> {
    (0..p.data().n()).filter(|&i| dot(&p.data().x()[i], v) > 0).collect()
}

/// `ln q` for a positive rational, as `ln f + e ln 2` with `q = f·2^e`, `f ∈ [1/2, 1)` (no overflow
/// for huge numerators or denominators).
pub fn ln_rational<S: Scalar>(q: &Rational, ctx: &S::Ctx) -> S {
    let e = q.numer().significant_bits() as i64 - q.denom().significant_bits() as i64;
    let two_e = if e >= 0 {
        Rational::from(Integer::from(1) << e as u32)
    } else {
        Rational::from((1, Integer::from(1) << (-e) as u32))
    };
    let f = Rational::from(q / &two_e);
    S::from_rational(&f, ctx).ln().add(&S::from_i64(2, ctx).ln().mul(&S::from_i64(e, ctx)))
}
