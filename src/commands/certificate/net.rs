//! A certified two-layer run as a certificate: the exact problem, the run's step times (the
//! verifier encloses the flow along them itself), its switches and deaths with their time
//! enclosures, and the run's end claim, the final state box or the limit box, or for a run that
//! stopped undecided the state box at its last certified step time (end `until`)
//! (`docs/certificate.md`, "Two-layer networks"). Of the Clarke flow's sliding, the arrivals on one
//! hyperplane per neuron (or a start on it) and their ends are described; two surfaces are not.

use reluflow_arith::{Bound, Enclosure};
use reluflow_certificate as fmt;
use reluflow_flow::{EventKind, State, Trajectory};
use reluflow_model::{Horizon, Init, LossScale, Problem, Solution};
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
        clarke: problem.solution() == Solution::Clarke,
    })
}

/// The step times of `traj`: each segment's end (the upper end of its enclosure: the times only
/// guide the verifier's work), the last replaced by a finite `t_end`; none for `t_end = 0`.
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
    if out.is_empty() && !matches!(t_end, Horizon::Finite(t) if *t == 0) {
        return Err("a run without a step before its horizon".into());
    }
    Ok(out)
}

/// Sliding the format describes: each sliding pair entered at a `slide` event or at `t = 0` (the
/// verifier finds those from the exact start), one surface per neuron.
fn sliding<S: Enclosure>(traj: &Trajectory<S>) -> Result<(), String> {
    let mut entered: Vec<(usize, usize)> =
        traj.segments().first().map(|s| s.pattern().sliding.clone()).unwrap_or_default();
    entered.extend(traj.events().iter().filter(|e| e.kind == EventKind::Slide).map(|e| (e.neuron, e.point)));
    for s in traj.segments() {
        let sl = &s.pattern().sliding;
        if let Some(&(j, i)) = sl.iter().find(|p| !entered.contains(p)) {
            return Err(format!("neuron {j} sliding along point {i}'s hyperplane without an event"));
        }
        if let Some(&(j, _)) = sl.iter().find(|&&(j, _)| sl.iter().filter(|p| p.0 == j).count() > 1) {
            return Err(format!("neuron {j} sliding along two hyperplanes"));
        }
    }
    Ok(())
}

/// The run's events in the format (those before `until`, if given): an `activate` of a sliding
/// pair, or a `slide-end`, ends its slide (to the active or the inactive side), alone at its time
/// (a hyperplane that parallel points share is not described).
fn events<S: Enclosure>(traj: &Trajectory<S>, until: Option<&Rational>) -> Result<Vec<fmt::NetEvent>, String> {
    let mut on: Vec<(usize, usize)> = traj.segments().first().map(|s| s.pattern().sliding.clone()).unwrap_or_default();
    let before = |e: &&reluflow_flow::Event<S>| until.is_none_or(|t| iv(&e.t).is_ok_and(|w| w.hi < *t));
    let all: Vec<_> = traj.events().iter().filter(before).collect();
    let mut out = Vec::with_capacity(all.len());
    for &e in &all {
        let pair = (e.neuron, e.point);
        let (j, i) = pair;
        let kind = match e.kind {
            EventKind::Slide => {
                on.push(pair);
                fmt::NetEventKind::Slide
            }
            EventKind::SlideEnd | EventKind::Activate if on.contains(&pair) => {
                on.retain(|&p| p != pair);
                if all.iter().filter(|f| f.t.lower() == e.t.lower() && f.t.upper() == e.t.upper()).count() > 1 {
                    return Err(format!(
                        "the end of neuron {j}'s slide along point {i}'s hyperplane with other events"
                    ));
                }
                fmt::NetEventKind::SlideEnd { active: e.kind == EventKind::Activate }
            }
            EventKind::SlideEnd => return Err(format!("a slide-end of neuron {j} at point {i}, which does not slide")),
            _ if on.contains(&pair) => return Err(format!("neuron {j} leaving point {i}'s hyperplane by a switch")),
            EventKind::Death => fmt::NetEventKind::Death,
            EventKind::Activate | EventKind::Deactivate => fmt::NetEventKind::Switch,
        };
        out.push(fmt::NetEvent { neuron: j, point: i, time: iv(&e.t)?, kind });
    }
    Ok(out)
}

/// A Clarke run whose start lies exactly on a hyperplane of a neuron that does not slide along it
/// from `t = 0` (it leaves it): the verifier re-proves only starts that slide, so the writer
/// refuses the others rather than write a certificate that cannot verify.
fn clarke_start<S: Enclosure>(p: &Problem, traj: &Trajectory<S>) -> Result<(), String> {
    let sliding = traj.segments().first().map(|s| s.pattern().sliding.clone()).unwrap_or_default();
    let w: Vec<Vec<Rational>> = match p.init() {
        Init::Explicit { w, .. } => w.clone(),
        Init::Balanced { scale, z, .. } => {
            z.iter().map(|r| r.iter().map(|c| Rational::from(c * scale)).collect()).collect()
        }
        Init::Single { .. } => return Ok(()),
    };
    for (j, wj) in w.iter().enumerate() {
        for (i, x) in p.data().x().iter().enumerate() {
            let g: Rational = wj.iter().zip(x).map(|(a, b)| Rational::from(a * b)).sum();
            if g == 0 && !sliding.contains(&(j, i)) {
                return Err(format!("a Clarke start on point {i}'s hyperplane that neuron {j} leaves"));
            }
        }
    }
    Ok(())
}

/// The certificate of a certified two-layer run; `Err` names what it cannot describe.
pub fn certificate<S: Enclosure>(p: &Problem, traj: &Trajectory<S>) -> Result<fmt::Certificate, String> {
    let events = events(traj, None)?;
    sliding(traj)?;
    if p.solution() == Solution::Clarke {
        clarke_start(p, traj)?;
    }
    let end = match traj.limit() {
        Some(l) => fmt::NetEnd::Limit { limit: state(&l.state)?, loss: iv(&l.loss)? },
        None => fmt::NetEnd::Horizon { state: state(traj.final_state())? },
    };
    let net = fmt::Net { problem: problem(p)?, steps: steps(traj, &p.run().t_end)?, events, end, verdicts: Vec::new() };
    Ok(fmt::Certificate::TwoLayer(net))
}

/// The certificate of the certified part of a two-layer run that stopped undecided (or at a
/// resource limit): its steps up to the last segment whose end lies outside every event's window,
/// and that segment's end box there (end `until`). `Err` names what it cannot describe,
/// or says that nothing was certified.
pub fn truncated<S: Enclosure>(p: &Problem, traj: &Trajectory<S>) -> Result<fmt::Certificate, String> {
    // A segment's end time is an enclosure; the claim is put at its upper end, with the
    // segment's end box. That is a claim, not a proof: the verifier re-proves the state there
    // and fails the certificate if the box misses it. The cut avoids event windows (the verifier
    // proves a crossing whole).
    let windows: Vec<fmt::Iv> = traj.events().iter().map(|e| iv(&e.t)).collect::<Result<_, _>>()?;
    let (cut, seg) = traj
        .segments()
        .iter()
        .rev()
        .filter_map(|s| iv(s.t_end()).ok().map(|t| (t.hi, s)))
        .find(|(t, _)| *t > 0 && windows.iter().all(|w| !(w.lo <= *t && *t <= w.hi)))
        .ok_or("no step (the run stopped at its start)")?;
    let events = events(traj, Some(&cut))?;
    sliding(traj)?;
    if p.solution() == Solution::Clarke {
        clarke_start(p, traj)?;
    }
    let mut times = steps(traj, &Horizon::Infinite)?;
    times.retain(|t| *t < cut);
    times.push(cut);
    let end = fmt::NetEnd::Until { state: state(seg.end())? };
    let net = fmt::Net { problem: problem(p)?, steps: times, events, end, verdicts: Vec::new() };
    Ok(fmt::Certificate::TwoLayer(net))
}
