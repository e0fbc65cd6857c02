//! A witness of the single neuron (exact rationals) as a certificate of the format crate.

use reluflow_certificate as fmt;
use reluflow_flow::neuron::witness::{WBall, WCrossing, WExit, WIv, WPattern, Witness};
use reluflow_model::{Horizon, Init, LossScale, Problem};

fn iv(v: &WIv) -> fmt::Iv {
    fmt::Iv { lo: v.0.clone(), hi: v.1.clone() }
}

fn ivs(v: &[WIv]) -> Vec<fmt::Iv> {
    v.iter().map(iv).collect()
}

fn ball(b: &WBall) -> fmt::Ball {
    fmt::Ball { u: b.u.clone(), rho: b.rho.clone() }
}

fn crossing(c: &WCrossing) -> fmt::Crossing {
    fmt::Crossing {
        point: c.point,
        t0: c.t0.clone(),
        t1: c.t1.clone(),
        start: ball(&c.start),
        hull: ivs(&c.hull),
        time: iv(&c.time),
        state: ivs(&c.state),
    }
}

fn exit(e: &WExit) -> fmt::Exit {
    match e {
        WExit::Switch(c) => fmt::Exit::Switch(crossing(c)),
        WExit::Death { crossing: c, loss } => fmt::Exit::Death { crossing: crossing(c), loss: iv(loss) },
        WExit::Horizon { t0, t1, start, hull, state } => fmt::Exit::Horizon {
            t0: t0.clone(),
            t1: t1.clone(),
            start: ball(start),
            hull: ivs(hull),
            state: ivs(state),
        },
        WExit::Limit { t0, start, hull, limit, loss, slow } => fmt::Exit::Limit {
            t0: t0.clone(),
            start: ball(start),
            hull: ivs(hull),
            limit: ivs(limit),
            loss: fmt::Iv { lo: loss.clone(), hi: loss.clone() },
            slow: slow.as_ref().map(|s| fmt::Slow { u: s.u.clone(), nu: s.nu.clone() }),
        },
    }
}

fn pattern(p: &WPattern) -> Result<fmt::PatternCert, String> {
    let e = p.exit.as_ref().ok_or("a pattern without its end")?;
    let steps = p
        .steps
        .iter()
        .map(|s| fmt::Step {
            t0: s.t0.clone(),
            t1: s.t1.clone(),
            start: ball(&s.start),
            end: ball(&s.end),
            hull: ivs(&s.hull),
        })
        .collect();
    Ok(fmt::PatternCert {
        active: p.active.clone(),
        t_start: iv(&p.t_start),
        anchor: p.anchor.clone(),
        steps,
        exit: exit(e),
    })
}

/// The certificate of a certified single-neuron run; `Err` names what it cannot describe.
pub fn certificate(problem: &Problem, w: &Witness) -> Result<fmt::Certificate, String> {
    let Init::Single { w: w0 } = problem.init() else { return Err("an initialisation that is not one vector".into()) };
    let loss = match problem.loss() {
        LossScale::HalfSum => fmt::Loss::HalfSum,
        LossScale::HalfMean => fmt::Loss::HalfMean,
        LossScale::Mean => fmt::Loss::Mean,
    };
    let data = problem.data();
    let p = fmt::NeuronProblem {
        x: data.x().to_vec(),
        y: data.y().to_vec(),
        relu_prime_at_zero: problem.relu_prime().value(),
        loss,
        w0: w0.clone(),
        t_end: match &problem.run().t_end {
            Horizon::Finite(t) => fmt::Horizon::Finite(t.clone()),
            Horizon::Infinite => fmt::Horizon::Infinite,
        },
    };
    let patterns = w.patterns.iter().map(pattern).collect::<Result<Vec<_>, _>>()?;
    if patterns.is_empty() {
        return Err("a run without a pattern (t_end = 0 or a start that is not decided)".into());
    }
    Ok(fmt::Certificate::SingleNeuron(fmt::Neuron { problem: p, flat: w.flat.clone(), patterns, verdicts: Vec::new() }))
}
