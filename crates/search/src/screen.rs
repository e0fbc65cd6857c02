//! One instance through the two stages: a fast point run (f64, not validated) judged by the
//! checker, then — only when that run shows a violation — the certified run (f64 intervals). A
//! statement about the data ([`Claim::judge_data`]) makes no run: both stages are its check.

use crate::claim::{Claim, Judgement, VerdictKind};
use crate::fast::Fast;
use reluflow_arith::Interval;
use reluflow_check::{RowStatus, degenerate};
use reluflow_flow::monitor::Monitor;
use reluflow_flow::{State, Status, Trajectory};
use reluflow_model::{Horizon, Problem, RunConfig};
use rug::Rational;

mod runs;

pub use runs::{Budget, certified_run, point_run};

fn widen_state(st: &State<Interval>, rel: f64) -> State<Interval> {
    let scale = st.w.iter().flatten().chain(st.a.iter().flatten()).map(|x| x.mag()).fold(0.0, f64::max);
    if scale == 0.0 {
        return st.clone();
    }
    let tol = rel * scale.max(1.0);
    let widen = |x: &Interval| Interval::try_from((x.inf() - tol, x.sup() + tol)).unwrap_or(*x);
    State {
        w: st.w.iter().map(|r| r.iter().map(widen).collect()).collect(),
        a: st.a.as_ref().map(|a| a.iter().map(widen).collect()),
    }
}

/// A point run (already as degenerate intervals) with every state value widened by
/// `rel·max(‖state‖_∞, 1)` and the limit's loss by `rel·max(|L|, 1)`; an all-zero state (an
/// exact zero initialisation) and the times are kept as they are. The run stays `NotValidated`:
/// this only keeps the screen from reading a point run's rounding noise (a conserved quantity
/// drifting in its last bits, a residual of 1e-30 that should be 0) as a certain violation.
pub fn widen(traj: &Trajectory<Interval>, rel: f64) -> Trajectory<Interval> {
    let widened = traj.clone().edit(|p| {
        p.initial = widen_state(&p.initial, rel);
        p.final_state = widen_state(&p.final_state, rel);
        for seg in &mut p.segments {
            seg.hull = widen_state(&seg.hull, rel);
            seg.end = widen_state(&seg.end, rel);
        }
        if let Some(l) = &mut p.limit {
            l.state = widen_state(&l.state, rel);
            let tol = rel * l.loss.mag().max(1.0);
            l.loss = Interval::try_from((l.loss.inf() - tol, l.loss.sup() + tol)).unwrap_or(l.loss);
        }
    });
    // Widening keeps every shape and time, so the contract holds; should it not, the run is
    // screened as it is.
    widened.unwrap_or_else(|_| traj.clone())
}

fn undecided(status: RowStatus, text: String) -> Judgement {
    Judgement { verdict: VerdictKind::Undecided, status, text, witness_time: None }
}

/// The screen: the claim's judgement of the point run (never more than "not validated"), and the
/// claim's slack ([`Claim::slack`]). Claims with a fast screen ([`Claim::fast`]) are judged by it
/// when the budget allows; an instance it cannot judge goes to the full screen without a slack
/// (the two screens' slacks are on different scales, and a targeted search ranks by one).
pub fn screen(claim: &dyn Claim, p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> (Judgement, Option<f64>) {
    let fast = if budget.fast_screen { claim.fast(p) } else { None };
    match fast {
        Some(Ok(Fast::Clear { slack, text })) => (
            Judgement { verdict: VerdictKind::Holds, status: RowStatus::NotValidated, text, witness_time: None },
            slack,
        ),
        Some(Ok(Fast::Violated { slack, text, witness_time })) => (
            Judgement { verdict: VerdictKind::Violated, status: RowStatus::NotValidated, text, witness_time },
            Some(slack),
        ),
        Some(Ok(Fast::Undecided { text })) => (undecided(RowStatus::NotValidated, text), None),
        Some(Err(_)) => (full_screen(claim, p, budget, monitor).0, None),
        None => full_screen(claim, p, budget, monitor),
    }
}

/// The full screen: the reference point run judged by the claim (the checker, for a catalogue
/// entry), and the slack of [`crate::slack`]; for a statement about the data
/// ([`Claim::judge_data`]) its check alone, without a run or a slack.
pub fn full_screen(
    claim: &dyn Claim,
    p: &Problem,
    budget: &Budget,
    monitor: Option<Monitor>,
) -> (Judgement, Option<f64>) {
    if let Some(mut j) = claim.judge_data(p, false) {
        // A statement about the data: its check in f64 intervals, no run; still only a screen.
        if j.status != RowStatus::Inconsistent {
            j.status = RowStatus::NotValidated;
        }
        return (j, None);
    }
    if crate::mp::needs_mpfr(p) {
        return (crate::mp::full_screen(claim, p, budget, monitor), None);
    }
    let traj = match point_run(p, budget, monitor) {
        Ok(t) => t,
        Err(e) => return (undecided(RowStatus::NotValidated, format!("the point run failed: {e}")), None),
    };
    let slack = claim.slack(p, &traj);
    match degenerate::<f64, Interval>(&traj, &()) {
        Some(deg) => {
            // The shallow-network instances start at tiny scales: their neurons are widened each
            // relative to its own size (one absolute tolerance would drown them).
            let widened = if claim.id().starts_with("cel.") {
                crate::mp::widen_per_neuron(&deg, budget.screen_tolerance, &())
            } else {
                widen(&deg, budget.screen_tolerance)
            };
            let mut j = claim.judge(p, &widened);
            // A point run proves nothing, whatever the claim says.
            if j.status == RowStatus::Counterexample || j.status == RowStatus::Holds {
                j.status = RowStatus::NotValidated;
            }
            (j, slack)
        }
        None => (undecided(RowStatus::NotValidated, "the point run overflowed (a value is not finite)".into()), slack),
    }
}

/// The certified judgement: the claim's judgement of the validated run. A run that reports
/// `NotValidated` (a broken integrator contract) is never a counterexample.
///
/// With [`Budget::certify_time`] the run gets its own deadline (and still stops when `monitor`
/// is cancelled); a run that reached it without a counterexample says "not confirmed: budget".
pub fn certify(claim: &dyn Claim, p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Judgement {
    let Some(limit) = budget.certify_time else { return certify_within(claim, p, budget, monitor) };
    let outer = monitor;
    let own = Monitor::with_observer(move |m, _| {
        if outer.as_ref().is_some_and(Monitor::is_cancelled) {
            m.cancel();
        }
    });
    let what = format!("the per-case certification budget of {} s (--certify-time)", limit.as_secs_f64());
    own.set_deadline(Some((limit, what)));
    let mut j = certify_within(claim, p, budget, Some(own.clone()));
    if let Some(what) = own.budget_exhausted().filter(|_| j.status != RowStatus::Counterexample) {
        j.text = format!("not confirmed: budget ({what} ran out); {}", j.text);
    }
    j
}

fn certify_within(claim: &dyn Claim, p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Judgement {
    if let Some(j) = claim.judge_data(p, true) {
        return j;
    }
    if crate::mp::needs_mpfr(p) {
        return crate::mp::certify(claim, p, budget, monitor);
    }
    match certified_run(p, budget, monitor) {
        Ok(traj) if matches!(traj.status(), Status::NotValidated) => {
            undecided(RowStatus::Undecided, "the certified run came back not validated".into())
        }
        Ok(traj) => claim.judge(p, &traj),
        Err(e) => undecided(RowStatus::Undecided, format!("the certified run failed: {e}")),
    }
}

/// `p` with its finite horizon cut just after `t` (rounded up to a multiple of 1/64), when that is
/// earlier than its horizon.
fn cut_after(p: &Problem, t: f64) -> Option<Problem> {
    let Horizon::Finite(end) = &p.run().t_end else { return None };
    let cut = Rational::from(((t * 64.0).ceil().max(1.0) as i64, 64));
    if !t.is_finite() || cut >= *end {
        return None;
    }
    p.with_run(RunConfig { t_end: Horizon::Finite(cut), ..p.run().clone() }).ok()
}

/// Confirms a screened violation: [`certify`] `p`; if that is not a counterexample and the
/// screen's witness lies before a finite horizon, certify again with the horizon cut just after
/// the witness (a certified run's segments are long, and a violation during a fast transient can
/// hide in a wide hull of a segment that ends much later). The judgement, and the instance it is
/// about when the cut one was needed.
pub fn confirm(
    claim: &dyn Claim,
    p: &Problem,
    screened: &Judgement,
    budget: &Budget,
    monitor: Option<Monitor>,
) -> (Judgement, Option<Problem>) {
    let whole = certify(claim, p, budget, monitor.clone());
    if whole.status == RowStatus::Counterexample {
        return (whole, None);
    }
    let Some(cut) = screened.witness_time.and_then(|t| cut_after(p, t)) else { return (whole, None) };
    let shorter = certify(claim, &cut, budget, monitor);
    if shorter.status == RowStatus::Counterexample { (shorter, Some(cut)) } else { (whole, None) }
}
