//! Guards that keep their class over a step although its a priori box `E` straddles their
//! hyperplane, because the step ends just before they cross:
//!
//! * a **forced** guard crossed in the last window: the true solution starts the step on its new
//!   side, and the rate pushes it away from the hyperplane on `E` ([`keeps_forced`]);
//! * a **held** guard is strictly on one side on the step's start box `X`, the step's pattern `P`
//!   takes that class, its rate `d/dt w_jᵀx_i` under `P` has a certain sign on `E` (`P`'s solution
//!   from `X` stays in `E`, so the guard is monotone along it), and it is strictly on the same side
//!   on the end ball of `P`'s flow ([`keeps_held`]). Monotone between two values on one side, the
//!   guard stays strictly there, so `P`'s solution never meets the hyperplane and is the true one
//!   (where every guard is strictly classed, the true field is `P`'s Lipschitz field).
//!
//! Proofs note: `proofs-notes/certificate-verifier-net.md`, "One step".

use super::fi::Fi;
use super::field::{Data, Pattern, certain, field, strict};
use super::step::StepFail;

/// The rate of guard `(j, i)` under the pattern `act` over `e`: `ρ_P` in the factored form of
/// `rate::rate` where neuron `j` does not slide (`a_j` once, not once per coordinate of `ẇ_j`:
/// near a hyperplane the rate is far smaller than the terms of `x_iᵀẇ_j`), the guard of the
/// (projected) field where it does.
fn guard_rate(dt: &Data, act: &Pattern, e: &[Fi], f: &mut Option<Vec<Fi>>, (j, i): (usize, usize)) -> Fi {
    if dt.slides.iter().any(|s| s.0 == j) {
        dt.guard(f.get_or_insert_with(|| field(dt, act, e)), j, i)
    } else {
        super::rate::rate(dt, act, e, (j, i))
    }
}

/// A forced guard keeps its class over the step: `d/dt w_jᵀx_i` has the class's sign on `E` in
/// the pattern's field. Then the pattern's solution through the true start never leaves that
/// side, so it is the true solution.
pub(super) fn keeps_forced(dt: &Data, act: &Pattern, e: &[Fi]) -> Result<(), StepFail> {
    let mut f: Option<Vec<Fi>> = None;
    for &(j, i, on) in &dt.forced {
        if certain(dt, e, j, i) == Some(on) {
            continue;
        }
        let rate = guard_rate(dt, act, e, &mut f, (j, i));
        if !(if on { rate.lo > 0 } else { rate.hi < 0 }) {
            return Err(StepFail::Guard(j, i, rate));
        }
    }
    Ok(())
}

/// The held guards are monotone over the step: each one's rate has a certain sign on `E`.
pub(super) fn monotone(dt: &Data, act: &Pattern, e: &[Fi], held: &[(usize, usize, bool)]) -> Result<(), StepFail> {
    let mut f: Option<Vec<Fi>> = None;
    for &(j, i, _) in held {
        let rate = guard_rate(dt, act, e, &mut f, (j, i));
        if !(rate.finite() && (rate.lo >= 0 || rate.hi <= 0)) {
            return Err(StepFail::Guard(j, i, rate));
        }
    }
    Ok(())
}

/// The held guards end the step strictly on their side: `end` encloses every end state of the
/// step's pattern flow.
pub(super) fn keeps_held(dt: &Data, end: &[Fi], held: &[(usize, usize, bool)]) -> Result<(), StepFail> {
    for &(j, i, c) in held {
        if strict(dt, end, j, i) != Some(c) {
            return Err(StepFail::Guard(j, i, dt.guard(end, j, i)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::ball::Ball;
    use super::super::fi::Fi;
    use super::super::field::Data;
    use super::super::step::{StepFail, apriori, step};
    use reluflow_certificate::{Horizon, Loss, NetInit, NetProblem};
    use rug::Rational;

    /// One neuron, one point: `w = 1/100` falls at a rate of about `1.01` (the residual
    /// `aw − y = 1.01`), so the guard `w` reaches 0 near `t ≈ 0.0099`.
    fn falling() -> (Data, Ball) {
        let q = |v: i32| Rational::from(v);
        let p = NetProblem {
            x: vec![vec![q(1)]],
            y: vec![q(-1)],
            relu_prime_at_zero: 0,
            loss: Loss::HalfSum,
            init: NetInit::Explicit { w: vec![vec![Rational::from((1, 100))]], a: vec![q(1)] },
            t_end: Horizon::Finite(q(1)),
            clarke: false,
        };
        let dt = Data::new(&p);
        let x0 = [Fi::q(&Rational::from((1, 100))), Fi::q(&q(1))];
        let ball = Ball::around(&x0, vec![-7, -7], 2).pinned(&x0);
        (dt, ball)
    }

    #[test]
    fn a_guard_is_held_over_a_step_that_ends_just_before_it_crosses_and_only_then() {
        let (dt, ball) = falling();
        let close = Fi::q(&Rational::from((98, 10_000)));
        // The a priori box reaches past the hyperplane: without holding, no class is certain.
        assert!(matches!(apriori(&dt, &ball.hull(), &close), Err(StepFail::Guard(0, 0, _))));
        let (end, _) = step(&dt, &ball, &close).expect("the guard is monotone and still positive at the end");
        let g = dt.guard(&end.state_box(), 0, 0);
        assert!(g.lo > 0 && g.hi < 1e-3, "the guard ends small and positive: {g:?}");
        // A step past the crossing ends on the other side: refused, whatever the a priori box.
        let past = Fi::q(&Rational::from((105, 10_000)));
        assert!(matches!(step(&dt, &ball, &past), Err(StepFail::Guard(0, 0, _))));
    }
}
