//! The two stages in MPFR, for two-layer problems whose arithmetic is `mpfr` or `mpfr-interval`
//! (the shallow-network instances with scales below f64's range): the screen is the MPFR point
//! run of the reference integrator (at the problem's precision) judged by the claim, the
//! certified run the validated integrator in MPFR intervals.

use crate::claim::{Claim, Judgement, VerdictKind};
use crate::screen::Budget;
use reluflow_arith::{Enclosure, Float, MpInterval};
use reluflow_check::{RowStatus, degenerate};
use reluflow_flow::monitor::Monitor;
use reluflow_flow::net::{reference as net_ref, validated};
use reluflow_flow::{State, Status, Trajectory};
use reluflow_model::{Arithmetic, ModelKind, Problem};

/// Whether `p` is screened and certified in MPFR: a two-layer problem written for MPFR.
pub(crate) fn needs_mpfr(p: &Problem) -> bool {
    p.model() == ModelKind::TwoLayer && matches!(p.run().arithmetic, Arithmetic::Mpfr | Arithmetic::MpfrInterval)
}

fn undecided(status: RowStatus, text: String) -> Judgement {
    Judgement { verdict: VerdictKind::Undecided, status, text, witness_time: None }
}

/// `st` with every neuron's values widened by `rel` times that neuron's largest magnitude (at
/// tiny scales neurons differ by hundreds of orders of magnitude, so one absolute tolerance would
/// drown the small ones).
fn widen_state<S: Enclosure>(st: &State<S>, rel: f64, ctx: &S::Ctx) -> State<S> {
    let m = st.w.len();
    let pm: Vec<S> = (0..m)
        .map(|j| {
            let aj = st.a.as_ref().and_then(|a| a.get(j));
            let mag = st.w[j].iter().chain(aj).fold(S::zero(ctx), |m, x| m.max(&x.abs()));
            let tol = mag.mul(&S::from_f64(rel, ctx));
            tol.neg().hull(&tol)
        })
        .collect();
    State {
        w: st.w.iter().zip(&pm).map(|(r, e)| r.iter().map(|x| x.add(e)).collect()).collect(),
        a: st.a.as_ref().map(|a| a.iter().zip(&pm).map(|(x, e)| x.add(e)).collect()),
    }
}

/// [`crate::screen::widen`] per neuron (see `widen_state`): the screen of the shallow-network
/// instances, in f64 and in MPFR. The run stays `NotValidated`.
pub(crate) fn widen_per_neuron<S: Enclosure>(traj: &Trajectory<S>, rel: f64, ctx: &S::Ctx) -> Trajectory<S> {
    let widened = traj.clone().edit(|p| {
        p.initial = widen_state(&p.initial, rel, ctx);
        p.final_state = widen_state(&p.final_state, rel, ctx);
        for seg in &mut p.segments {
            seg.hull = widen_state(&seg.hull, rel, ctx);
            seg.end = widen_state(&seg.end, rel, ctx);
        }
    });
    widened.unwrap_or_else(|_| traj.clone())
}

/// The MPFR screen: the reference point run at the problem's precision, judged by the claim on
/// its degenerate enclosures widened per neuron; never more than "not validated". No slack.
pub(crate) fn full_screen(claim: &dyn Claim, p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Judgement {
    let prec = p.run().precision;
    let opts =
        net_ref::RefOptions { max_steps: budget.net_reference_steps, monitor, ..net_ref::RefOptions::for_bits(prec) };
    let traj = match net_ref::integrate_problem::<Float>(p, &prec, &opts) {
        Ok(r) => r.trajectory,
        Err(e) => return undecided(RowStatus::NotValidated, format!("the MPFR point run failed: {e}")),
    };
    let Some(deg) = degenerate::<Float, MpInterval>(&traj, &prec) else {
        return undecided(RowStatus::NotValidated, "the MPFR point run overflowed (a value is not finite)".into());
    };
    let mut j = claim.judge_mp(p, &widen_per_neuron(&deg, budget.screen_tolerance, &prec));
    if j.status == RowStatus::Counterexample || j.status == RowStatus::Holds {
        j.status = RowStatus::NotValidated;
    }
    j
}

/// The certified run in MPFR intervals at the problem's precision, judged by the claim.
pub(crate) fn certify(claim: &dyn Claim, p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Judgement {
    let prec = p.run().precision;
    let opts = validated::ValidatedOptions {
        max_steps: budget.net_validated_steps,
        limit_search_until: budget.limit_search_until,
        monitor,
        ..validated::ValidatedOptions::default()
    };
    match validated::certify::<MpInterval>(p, &prec, &opts) {
        Ok(traj) if matches!(traj.status(), Status::NotValidated) => {
            undecided(RowStatus::Undecided, "the certified run came back not validated".into())
        }
        Ok(traj) => claim.judge_mp(p, &traj),
        Err(e) => undecided(RowStatus::Undecided, format!("the certified run failed: {e}")),
    }
}
