//! Taylor coefficients of the pattern flow in flat coordinates, optionally with their Jacobian
//! with respect to the initial state, for Lohner's mean-value step.
//!
//! Flat layout: neuron `j` occupies `j·(d+1) .. (j+1)·(d+1)`: its `d` hidden weights, then `a_j`.
//! The recursion is that of `net::field::taylor_coefficients` (`proofs-notes/net-field.md`); it is
//! a fixed expression in `x₀` once the pattern is fixed, so over a box every value and every
//! derivative encloses the exact one for every point of the box. Values run in the backend's
//! arithmetic; the Jacobians, which the Lohner step uses in f64 midpoint–radius form anyway, run as
//! blocked midpoint–radius matrix products that follow the field's structure (`jac.rs`,
//! `proofs-notes/net-validated-structured-jacobian.md`), or as per-operation jets (`jets.rs`) for
//! states outside the f64 range where those keep their accuracy.

mod jac;
mod jets;
mod values;

use super::Net;
use super::bulk::from_midrad_1;
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;
use reluflow_arith::midrad::MidRadMat;
use values::values;

/// Taylor coefficients `x[k]` (`k = 0..=order`, each of length `N`) and, when requested, their
/// Jacobians with respect to the live coordinates `L = live_coords(pattern)`: `jac[k]` is `N × |L|`,
/// row-major, `jac[k][a·|L| + b] = ∂x_k[a]/∂x₀[L[b]]` (empty otherwise). The derivatives with
/// respect to frozen coordinates are exactly 0 (a frozen neuron has no active point, so it enters
/// no residual and no other neuron's field) and are not stored.
#[derive(Clone, Debug)]
pub(crate) struct Series<S> {
    pub x: Vec<Vec<S>>,
    pub jac: Jac<S>,
    /// The auxiliary series of a values-only series, kept so that [`with_jacobians`] need not
    /// recompute the values.
    aux: Option<Aux<S>>,
}

/// The Jacobians `jac[k]` (`k ≤ q`) of a [`Series`]: backend intervals (per-operation jets) or f64
/// midpoint–radius matrices (structured products), both `N × |L|` row-major.
#[derive(Clone, Debug)]
pub(crate) enum Jac<S> {
    Backend(Vec<Vec<S>>),
    MidRad(Vec<MidRadMat>),
    /// Structured Jacobians of order `q`, not formed: a Lohner step applies them to its basis
    /// ([`Series::applied`]). Made only by [`with_jacobians`], whose series go only to Lohner steps.
    Deferred(usize),
}

impl<S: Enclosure> Jac<S> {
    /// Number of orders (`q + 1`, or 0 without Jacobians).
    pub fn len(&self) -> usize {
        match self {
            Jac::Backend(j) => j.len(),
            Jac::MidRad(j) => j.len(),
            Jac::Deferred(q) => q + 1,
        }
    }
    /// Order `k` as backend intervals (converted outward from midpoint–radius form).
    pub fn order(&self, k: usize, ctx: &S::Ctx) -> Vec<S> {
        match self {
            Jac::Backend(j) => j[k].clone(),
            Jac::MidRad(j) => j[k].mid().iter().zip(j[k].rad()).map(|(&m, &r)| from_midrad_1(m, r, ctx)).collect(),
            Jac::Deferred(_) => panic!("deferred Jacobians are only applied to a basis (`Series::applied`)"),
        }
    }
}

/// The flat coordinates of the live (not frozen) neurons, in increasing order.
pub(crate) fn live_coords<S: Enclosure>(net: &Net<S>, pattern: &Pattern) -> Vec<usize> {
    let b = net.d + 1;
    (0..net.m).filter(|&j| !pattern.frozen[j]).flat_map(|j| j * b..(j + 1) * b).collect()
}

/// Active list of neuron `j` as the field sees it (empty when frozen).
pub(crate) fn live(pattern: &Pattern, j: usize) -> &[usize] {
    if pattern.frozen[j] { &[] } else { &pattern.active[j] }
}

/// The auxiliary series of the recursion over a box: `z[j][p][k]` of `w_jᵀx_i` for the `p`-th
/// active point `i` of neuron `j`, the residuals `r[i][k]`, and `q[j][k][l] = Σ_{i active} x_il r[i][k]`.
#[derive(Clone, Debug)]
pub(crate) struct Aux<S> {
    z: Vec<Vec<Vec<S>>>,
    r: Vec<Vec<S>>,
    q: Vec<Vec<Vec<S>>>,
}

/// The Taylor coefficients of the solution of the pattern flow from `x0` (a box: enclosures for
/// every point of it), to `order`, with Jacobians up to order `jac_order` if given (`jac` then has
/// `min(jac_order, order) + 1` entries; higher orders carry values only, which is what makes a
/// low-order Jacobian cheap: its cost grows like `jac_order²`, not `order²`).
pub(crate) fn series<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[S],
    order: usize,
    jac_order: Option<usize>,
) -> Series<S> {
    match jac_order {
        None => {
            let (x, aux) = values(net, pattern, x0, order);
            Series { x, jac: Jac::Backend(Vec::new()), aux: Some(aux) }
        }
        Some(q) if jac::in_range(x0) => {
            let (x, aux) = values(net, pattern, x0, order);
            let seed = jac::identity_seed(net, pattern);
            let jac = Jac::MidRad(jac::jacobians(net, pattern, &x, &aux, q.min(order), seed));
            Series { x, jac, aux: None }
        }
        Some(_) => jets::series_jets(net, pattern, x0, order, jac_order),
    }
}

/// `series(net, pattern, x0, order, Some(q))` for the values-only series `vals` of the same
/// `pattern`, box `x0` and order, for a Lohner step: its values and auxiliary series are reused
/// (the same recursion on the same box). In range the Jacobians are [`Jac::Deferred`]: the step
/// applies them to its basis with [`Series::applied`]; out of range they are the per-operation
/// jets.
pub(crate) fn with_jacobians<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    vals: &Series<S>,
    x0: &[S],
    q: usize,
) -> Series<S> {
    let order = vals.x.len() - 1;
    match &vals.aux {
        Some(aux) if jac::in_range(x0) => {
            Series { x: vals.x.clone(), jac: Jac::Deferred(q.min(order)), aux: Some(aux.clone()) }
        }
        _ => series(net, pattern, x0, order, Some(q)),
    }
}

impl<S: Enclosure> Series<S> {
    /// `jac[k]·seed` (`k ≤ q`, each `N × c`) for deferred Jacobians of order `q` (`None` for any
    /// other series): the derivative recursion seeded with `seed` (`N × c`) instead of `I`, which
    /// encloses `{J_k(ξ)·S : ξ ∈ box, S ∈ seed}` at the cost of the Jacobians themselves
    /// (`proofs-notes/net-validated-structured-jacobian.md`, "Seeded").
    pub fn applied(&self, net: &Net<S>, pattern: &Pattern, seed: MidRadMat) -> Option<Vec<MidRadMat>> {
        match (&self.jac, &self.aux) {
            (Jac::Deferred(q), Some(aux)) => Some(jac::jacobians(net, pattern, &self.x, aux, *q, seed)),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::net::field::{NetData, taylor_coefficients};
    use crate::trajectory::State;
    use reluflow_arith::{Interval, Scalar};

    pub(crate) fn tiny_net() -> Net<Interval> {
        let x = [vec![1.0, 0.5], vec![-0.25, 1.0], vec![0.5, 0.5]];
        let y = [1.0, 0.5, 0.75];
        let data = NetData {
            x: x.iter().map(|r| r.iter().map(|v| Interval::from_f64(*v, &())).collect()).collect(),
            y: y.iter().map(|v| Interval::from_f64(*v, &())).collect(),
            grad_factor: Interval::from_f64(1.0 / 3.0, &()),
            relu_prime: reluflow_model::ReluPrime::Zero,
        };
        Net::new(data, 2, ())
    }

    #[test]
    fn values_match_field_taylor_coefficients_and_jacobian_matches_finite_difference() {
        let net = tiny_net();
        let pattern = Pattern { active: vec![vec![0, 2], vec![1]], frozen: vec![false, false], sliding: Vec::new() };
        let x0: Vec<f64> = vec![0.3, 0.2, 0.5, -0.1, 0.4, -0.6];
        let xi: Vec<Interval> = x0.iter().map(|v| Interval::from_f64(*v, &())).collect();
        let s = series(&net, &pattern, &xi, 6, Some(6));
        let st = State { w: vec![xi[0..2].to_vec(), xi[3..5].to_vec()], a: Some(vec![xi[2], xi[5]]) };
        let tc = taylor_coefficients(&net.data, &pattern, &st, 6);
        for k in 0..=6 {
            let flat = net.flatten(&tc[k]);
            for c in 0..6 {
                assert!(
                    Enclosure::subset(&s.x[k][c], &flat[c].inflate(1e-12))
                        && Enclosure::subset(&flat[c], &s.x[k][c].inflate(1e-12))
                );
            }
        }
        // ∂x_3/∂x0[1] by a central difference.
        let eps = 1e-6;
        let shifted = |delta: f64| {
            let mut v = xi.clone();
            v[1] = Interval::from_f64(x0[1] + delta, &());
            series(&net, &pattern, &v, 3, None).x[3].clone()
        };
        let (plus, minus) = (shifted(eps), shifted(-eps));
        for a in 0..6 {
            let fd = (plus[a].mid() - minus[a].mid()) / (2.0 * eps);
            let jd = s.jac.order(3, &())[a * 6 + 1].mid();
            assert!((fd - jd).abs() < 1e-6, "component {a}: {fd} vs {jd}");
        }
    }

    #[test]
    fn structured_jacobians_meet_the_jets_and_are_as_narrow() {
        let net = tiny_net();
        let pattern = Pattern { active: vec![vec![0, 2], vec![1, 2]], frozen: vec![false, false], sliding: Vec::new() };
        let x0: Vec<Interval> =
            [0.3, 0.2, 0.5, -0.1, 0.4, -0.6].iter().map(|v| Interval::from_f64(*v, &()).inflate(1e-9)).collect();
        let fast = series(&net, &pattern, &x0, 7, Some(5));
        let reference = super::jets::series_jets(&net, &pattern, &x0, 7, Some(5));
        assert_eq!(fast.jac.len(), 6);
        for k in 0..6 {
            let (a, b) = (fast.jac.order(k, &()), reference.jac.order(k, &()));
            for (e, (u, v)) in a.iter().zip(&b).enumerate() {
                assert!(
                    u.sup() >= v.inf() && v.sup() >= u.inf(),
                    "order {k} entry {e}: {u:?} and the jets' {v:?} are disjoint"
                );
                assert!(u.wid() <= 4.0 * v.wid() + 1e-12, "order {k} entry {e}: {u:?} much wider than {v:?}");
            }
        }
        for (a, b) in fast.x.iter().zip(&reference.x) {
            assert_eq!(a, b, "the values must not depend on the Jacobian path");
        }
    }

    /// A sliding pattern (neuron 0 on point 1's hyperplane): the values equal the generic
    /// recursion with the projection (`net::field::taylor_coefficients`), the guard `x_1ᵀw_0` has
    /// no Taylor coefficient beyond order 0 (it is conserved), and the structured Jacobians meet
    /// the per-operation jets.
    #[test]
    fn sliding_series_are_projected_in_values_and_jacobians() {
        let net = tiny_net();
        let pattern = Pattern { active: vec![vec![0], vec![1, 2]], frozen: vec![false, false], sliding: vec![(0, 1)] };
        let x0: Vec<f64> = vec![0.4, 0.1, 0.5, -0.1, 0.4, -0.6];
        let xi: Vec<Interval> = x0.iter().map(|v| Interval::from_f64(*v, &())).collect();
        let s = series(&net, &pattern, &xi, 6, Some(5));
        let st = State { w: vec![xi[0..2].to_vec(), xi[3..5].to_vec()], a: Some(vec![xi[2], xi[5]]) };
        let tc = taylor_coefficients(&net.data, &pattern, &st, 6);
        for k in 0..=6 {
            let flat = net.flatten(&tc[k]);
            for c in 0..6 {
                assert!(
                    Enclosure::subset(&s.x[k][c], &flat[c].inflate(1e-12))
                        && Enclosure::subset(&flat[c], &s.x[k][c].inflate(1e-12)),
                    "order {k} coordinate {c}: {:?} against the projected recursion's {:?}",
                    s.x[k][c],
                    flat[c]
                );
            }
            if k > 0 {
                let g = s.x[k][0].mul(&net.data.x[1][0]).add(&s.x[k][1].mul(&net.data.x[1][1]));
                assert!(g.contains_zero() && g.wid() < 1e-12, "order {k}: x_1ᵀw_0 coefficient {g:?} is not 0");
            }
        }
        // ∂x_3/∂x0[1] by a central difference of the (checked) values.
        let eps = 1e-6;
        let shifted = |delta: f64| {
            let mut v = xi.clone();
            v[1] = Interval::from_f64(x0[1] + delta, &());
            series(&net, &pattern, &v, 3, None).x[3].clone()
        };
        let (plus, minus) = (shifted(eps), shifted(-eps));
        for a in 0..6 {
            let fd = (plus[a].mid() - minus[a].mid()) / (2.0 * eps);
            let jd = s.jac.order(3, &())[a * 6 + 1].mid();
            assert!((fd - jd).abs() < 1e-6, "component {a}: {fd} vs {jd}");
        }
        let reference = super::jets::series_jets(&net, &pattern, &xi, 6, Some(5));
        for k in 0..6 {
            for (e, (u, v)) in s.jac.order(k, &()).iter().zip(&reference.jac.order(k, &())).enumerate() {
                assert!(
                    u.sup() >= v.inf() && v.sup() >= u.inf(),
                    "order {k} entry {e}: {u:?} and the jets' {v:?} are disjoint"
                );
            }
        }
    }
}
