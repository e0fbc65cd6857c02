//! The fast screen of the two-layer claim that can fail: support-vector stability per hidden
//! neuron (`lsy.support-vector-stability` on the two-layer model, a conjecture of neither paper).
//!
//! [`run`] integrates the fixed-pattern gradient flow in f64 (adaptive Dormand–Prince 5(4) inside
//! each activation pattern, guards followed by cubic interpolants, switches with a hysteresis
//! margin); [`support`] watches the pairs along it. It stands in for the full screen (the
//! order-20 Taylor reference integrator with root exclusion, then the checker), tens of times
//! slower. The screen is never the judge: a fast violation goes to the certified run, and an
//! instance the fast run cannot follow goes to the full screen.
//!
//! **When it may differ from the full screen** (the test `fast_net.rs` measures it on a seeded
//! corpus; the cases below are the only ways):
//! * a reactivation whose active or inactive stretch is shallower than [`support::DEPTH`] in
//!   `cos∠(x_i, w_j)` is not a screened violation: the case is undecided (such stretches are
//!   mostly the f64 run's error on a guard creeping along its hyperplane — on the bench's 200
//!   instances the full screen saw no reactivation on three of four — and a certified run would
//!   have to separate two crossings that close);
//! * a pair that switches [`run::SLIDE_TOGGLES`] times ends the run as sliding, undecided, unless
//!   a clean reactivation came first: a reactivation after that point is dropped (the certified
//!   fixed-flow run cannot pass a sliding contact either);
//! * an excursion to the other side of a hyperplane that the cubic interpolant of its step does
//!   not show (narrower than the step's interpolation error, about `RTOL` relative), or that stays
//!   inside the switching margin [`run::MARGIN`], is not seen;
//! * the Clarke flow, infinite horizons and runs past [`run::MAX_STEPS`] steps or
//!   [`run::MAX_EVENTS`] switches go to the full screen.
//!
//! Theorems on the two-layer model keep the full screen on purpose (see [`super`]).

pub mod field;
mod guards;
mod method;
mod rkc;
pub mod run;
mod step;
pub mod support;

use super::Fast;
pub use field::Net;
use reluflow_model::Problem;
use run::End;
use support::{DEPTH, Support};

/// The two-layer claims the fast screen judges.
pub const CLAIMS: [&str; 1] = ["lsy.support-vector-stability"];

/// The fast screen of two-layer claim `id` on `p`: `None` for a claim it does not judge,
/// `Some(Err(why))` when the instance must go to the full screen.
pub fn screen(id: &str, p: &Problem) -> Option<Result<Fast, String>> {
    if !CLAIMS.contains(&id) {
        return None;
    }
    Some(Net::of(p).and_then(|net| support_vectors(&net)))
}

/// Support-vector stability on `net` (see [`support`]).
pub fn support_vectors(net: &Net) -> Result<Fast, String> {
    let mut watch = Support::new(&net.pattern(&net.theta0), net.n());
    let end = run::run(net, &mut watch)?;
    let slack = watch.slack();
    if let Some(r) = watch.found {
        let text = format!(
            "fast screen: neuron {}, point {}: active (up to cos∠ = {:.3e}), inactive from t ≈ {:.6} (down to cos∠ = {:.3e}), active again at t ≈ {:.6}",
            r.neuron, r.point, r.height, r.left, -r.depth, r.back
        );
        return Ok(Fast::Violated { slack: slack.unwrap_or(-DEPTH), text, witness_time: Some(r.back) });
    }
    let n = net.n();
    match (end, watch.shallow) {
        (_, Some((k, t))) if !matches!(end, End::Sliding { .. }) => Ok(Fast::Undecided {
            text: format!(
                "fast screen: neuron {}, point {} came back at t ≈ {t:.6} after stretches within cos∠ = ±{DEPTH:e} of its hyperplane (a guard creeping along it: not decided)",
                k / n,
                k % n
            ),
        }),
        (End::Sliding { t, neuron, point }, _) => Ok(Fast::Undecided {
            text: format!(
                "fast screen: neuron {neuron} keeps switching point {point} up to t ≈ {t:.6} (the fixed-pattern flow slides along its hyperplane)"
            ),
        }),
        _ => Ok(Fast::Clear { slack, text: "fast screen: no pair active, inactive, then active again".into() }),
    }
}
