//! Dead neurons stay dead only while no second solution can leave their hyperplane
//! (`proofs-notes/certificate-verifier-net.md`, "Deaths"): a frozen neuron `j` whose guard of a
//! point `i` may be 0 revives if the active side's rate `ρ⁺ = −G a_j r_i ‖x_i‖²` turns positive
//! (the residual changes sign as the other neurons fit `x_i`).

use super::fi::Fi;
use super::field::{Data, Pattern};
use super::rate::rate;

/// Every neuron of `dead` stays frozen over the box `e` (pattern `p`): each of its guards is
/// certainly negative there, or `a_j = 0` exactly, or exactly one guard may be 0 and the active
/// side's rate of that point (the neuron live with that point alone active) is negative on `e`.
/// `Err((j, i))` names a neuron and a point for which this is not proved.
pub fn stay(dt: &Data, p: &Pattern, e: &[Fi], dead: &[bool]) -> Result<(), (usize, usize)> {
    for j in (0..dt.m).filter(|&j| dead[j]) {
        let zero = |v: &Fi| v.lo.is_zero() && v.hi.is_zero();
        let doubtful: Vec<usize> =
            (0..dt.n).filter(|&i| !dt.x[i].iter().all(zero) && dt.guard(e, j, i).hi >= 0).collect();
        let Some(&i) = doubtful.first() else { continue };
        if zero(&e[dt.a(j)]) {
            continue;
        }
        if doubtful.len() > 1 {
            return Err((j, doubtful[1]));
        }
        let mut live = p.clone();
        live[j] = vec![false; dt.n];
        live[j][i] = true;
        if rate(dt, &live, e, (j, i)).hi >= 0 {
            return Err((j, i));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_certificate::{Horizon, Loss, NetInit, NetProblem};
    use rug::Rational;

    /// Neuron 0 frozen on the hyperplane of `x_0 = (1, 0)` at `w_0 = (0, 1)`, `a_0 = 1`; neuron 1
    /// (`w_1 = (1, 0)`, `a_1 = a`) fits `x_0` alone, so `r_0 = a − y_0` and `ρ⁺ = −a_0 r_0`.
    fn frozen(a: i32, y0: i32) -> (Data, Vec<Fi>, Pattern) {
        let q = |v: i32| Rational::from(v);
        let p = NetProblem {
            x: vec![vec![q(1), q(0)], vec![q(0), q(-1)]],
            y: vec![q(y0), q(0)],
            relu_prime_at_zero: 0,
            loss: Loss::HalfSum,
            init: NetInit::Explicit { w: vec![vec![q(0), q(1)], vec![q(1), q(0)]], a: vec![q(1), q(a)] },
            t_end: Horizon::Finite(q(1)),
            clarke: false,
        };
        let dt = Data::new(&p);
        let e: Vec<Fi> = [0, 1, 1, 1, 0, a].iter().map(|&v| Fi::q(&q(v))).collect();
        let act = vec![vec![false, false], vec![true, false]];
        (dt, e, act)
    }

    #[test]
    fn a_frozen_neuron_stays_dead_only_while_its_active_side_points_back() {
        // r_0 = 2 − 1 > 0: ρ⁺ = −1 < 0, the active side returns.
        let (dt, e, act) = frozen(2, 1);
        assert_eq!(stay(&dt, &act, &e, &[true, false]), Ok(()));
        // r_0 = 1 − 2 < 0: ρ⁺ = 1 > 0, a second solution leaves the hyperplane.
        let (dt, e, act) = frozen(1, 2);
        assert_eq!(stay(&dt, &act, &e, &[true, false]), Err((0, 0)));
        // Not dead: nothing is asked.
        assert_eq!(stay(&dt, &act, &e, &[false, false]), Ok(()));
    }
}
