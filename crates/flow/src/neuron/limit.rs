//! The end of a run: the limit test (no switch can ever happen again) and death.

use super::ball::sym;
use super::frame::CBall;
use super::gram::GramPiece;
use super::run::{Points, Run};
use super::slow::SlowMode;
use crate::trajectory::*;
use reluflow_arith::{Enclosure, Scalar};
use reluflow_model::Horizon;
use rug::Rational;

fn state<S: Scalar>(w: Vec<S>) -> State<S> {
    State { w: vec![w], a: None }
}

/// If every guard keeps its required sign on the ball `B(w_∞(c), ‖Pc − w_A‖ + ρ)` that contains
/// every later state of this pattern (`proofs-notes/neuron-limit.md`), or, for a guard whose limit
/// is on its hyperplane, `slow` proves it positive for all later times
/// (`proofs-notes/neuron-limit-on-hyperplane.md`), returns the box of that ball and the limit box
/// `w_∞(c) ± ρ`.
pub(crate) fn global<S: Enclosure>(
    run: &Run<'_, S>,
    piece: &GramPiece,
    ball: &CBall<S>,
    pts: &Points<S>,
    req: &[i8],
    slow: Option<&SlowMode<S>>,
) -> Option<(Vec<S>, Vec<S>)> {
    // The centre is w_∞ + Q̂ᵀv (`frame.rs`): its decaying part has norm ‖Q̂ᵀv‖.
    let r = run.ps.d_norm(&ball.v).add(&ball.rho).hi_point();
    for (i, &q) in req.iter().enumerate() {
        if q == 0 {
            continue;
        }
        if piece.on_plane[i] && q > 0 {
            match slow {
                Some(m) if m.stays_positive(&run.ps, i, &pts.xn[i], &ball.v, &ball.rho) => continue,
                _ => return None,
            }
        }
        let g = if piece.in_kernel[i] {
            run.frame.guard_at_limit(i, &pts.xn[i], &ball.rho)
        } else {
            run.frame.guard_at_limit(i, &pts.xn[i], &r)
        };
        let ok = if q > 0 { g.certainly_pos() } else { g.certainly_neg() };
        if !ok {
            return None;
        }
    }
    let winf = &run.frame.winf;
    let tail: Vec<S> = winf.iter().map(|w| w.add(&sym(&r))).collect();
    let lim: Vec<S> = winf.iter().map(|w| w.add(&sym(&ball.rho))).collect();
    Some((tail, lim))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn death<S: Enclosure>(
    out: (Vec<SegmentParts<S>>, Vec<Event<S>>),
    initial: State<S>,
    t_ev: S,
    w_box: Vec<S>,
    active: Vec<usize>,
    horizon: &Horizon,
    y: &[Rational],
    c: &Rational,
    ctx: &S::Ctx,
) -> TrajectoryParts<S> {
    let (mut segments, events) = out;
    let pattern = Pattern { active: vec![active], frozen: vec![true], sliding: Vec::new() };
    let t_end = match horizon {
        Horizon::Finite(t) => S::from_rational(t, ctx),
        Horizon::Infinite => t_ev.clone(),
    };
    segments.push(SegmentParts {
        t_start: t_ev.clone(),
        t_end: t_end.clone(),
        pattern: pattern.clone(),
        hull: state(w_box.clone()),
        end: state(w_box.clone()),
    });
    let loss: Rational = y.iter().map(|v| Rational::from(v.square_ref())).sum::<Rational>() * c;
    let limit = match horizon {
        Horizon::Infinite => Some(Limit {
            state: state(w_box.clone()),
            loss: S::from_rational(&loss, ctx),
            pattern,
            rate: None,
            on_hyperplane: Vec::new(),
        }),
        Horizon::Finite(_) => None,
    };
    TrajectoryParts {
        initial,
        segments,
        events,
        final_state: state(w_box),
        t_final: t_end,
        limit,
        status: Status::Certified,
    }
}
