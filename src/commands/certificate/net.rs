//! A certified two-layer run as a certificate: the exact problem, the run's step times (the
//! verifier encloses the flow along them itself), its switches and deaths with their time
//! enclosures, and the run's end claim, the final state box or the limit box
//! (`docs/certificate.md`, "Two-layer networks"). Sliding is not described.

use reluflow_arith::{Bound, Enclosure};
use reluflow_certificate as fmt;
use reluflow_flow::{EventKind, State, Trajectory};
use reluflow_model::{Horizon, Init, LossScale, Problem};
use rug::Rational;

fn iv<S: Enclosure>(x: &S) -> Result<fmt::Iv, String> {
    match (x.lower(), x.upper()) {
        (Bound::Finite(lo), Bound::Finite(hi)) => Ok(fmt::Iv { lo, hi }),
        _ => Err("an unbounded enclosure".into()),
    }
}

fn state<S: Enclosure>(s: &State<S>) -> Result<fmt::NetBox, String> {
    let w = s.w.iter().map(|r| r.iter().map(iv).collect::<Result<Vec<_>, _>>()).collect::<Result<Vec<_>, _>>()?;
    let a = s.a.as_ref().ok_or("a state without output weights")?.iter().map(iv).collect::<Result<_, _>>()?;
    Ok(fmt::NetBox { w, a })
}

fn problem(problem: &Problem) -> Result<fmt::NetProblem, String> {
    let init = match problem.init() {
        Init::Explicit { w, a } => fmt::NetInit::Explicit { w: w.clone(), a: a.clone() },
        Init::Balanced { scale, z, s } => fmt::NetInit::Balanced { scale: scale.clone(), z: z.clone(), s: s.clone() },
        Init::Single { .. } => return Err("a single-neuron initialisation".into()),
    };
    let loss = match problem.loss() {
        LossScale::HalfSum => fmt::Loss::HalfSum,
        LossScale::HalfMean => fmt::Loss::HalfMean,
        LossScale::Mean => fmt::Loss::Mean,
    };
    let data = problem.data();
    Ok(fmt::NetProblem {
        x: data.x().to_vec(),
        y: data.y().to_vec(),
        relu_prime_at_zero: problem.relu_prime().value(),
        loss,
        init,
        t_end: match &problem.run().t_end {
            Horizon::Finite(t) => fmt::Horizon::Finite(t.clone()),
            Horizon::Infinite => fmt::Horizon::Infinite,
        },
    })
}

/// The step times of `traj`: each segment's end (the upper end of its enclosure: the times only
/// guide the verifier's work), the last replaced by a finite `t_end`.
fn steps<S: Enclosure>(traj: &Trajectory<S>, t_end: &Horizon) -> Result<Vec<Rational>, String> {
    let mut out: Vec<Rational> = Vec::new();
    for seg in traj.segments() {
        let t = iv(seg.t_end())?.hi;
        if out.last().is_none_or(|p| *p < t) && t > 0 {
            out.push(t);
        }
    }
    if let Horizon::Finite(t) = t_end {
        while out.last().is_some_and(|p| p >= t) {
            out.pop();
        }
        if *t > 0 {
            out.push(t.clone());
        }
    }
    if out.is_empty() {
        return Err("a run without a step (t_end = 0)".into());
    }
    Ok(out)
}

/// The certificate of a certified two-layer run; `Err` names what it cannot describe.
pub fn certificate<S: Enclosure>(p: &Problem, traj: &Trajectory<S>) -> Result<fmt::Certificate, String> {
    let events = traj
        .events()
        .iter()
        .map(|e| match e.kind {
            EventKind::Slide | EventKind::SlideEnd => Err(format!("a sliding event ({})", e.kind.name())),
            k => Ok(fmt::NetEvent { neuron: e.neuron, point: e.point, time: iv(&e.t)?, death: k == EventKind::Death }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if traj.segments().iter().any(|s| !s.pattern().sliding.is_empty()) {
        return Err("a sliding segment".into());
    }
    let end = match traj.limit() {
        Some(l) => fmt::NetEnd::Limit { limit: state(&l.state)?, loss: iv(&l.loss)? },
        None => fmt::NetEnd::Horizon { state: state(traj.final_state())? },
    };
    let net = fmt::Net { problem: problem(p)?, steps: steps(traj, &p.run().t_end)?, events, end, verdicts: Vec::new() };
    Ok(fmt::Certificate::TwoLayer(net))
}
