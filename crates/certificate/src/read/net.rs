//! Reading a two-layer certificate.

use super::verdicts::{Shape, verdict};
use super::{At, FormatError, common, err};
use crate::{Certificate, Horizon, Net, NetBox, NetEnd, NetEvent, NetEventKind, NetInit, NetProblem};
use rug::Rational;

pub(super) fn net(root: &At<'_>) -> Result<Certificate, FormatError> {
    root.only(&["format", "version", "model", "problem", "steps", "events", "end", "verdicts"])?;
    let problem = problem(&root.field("problem")?)?;
    let (m, d) = (problem.init.width(), problem.x[0].len());
    let st = root.field("steps")?;
    let steps: Vec<Rational> = st.items()?.iter().map(|t| t.q()).collect::<Result<_, _>>()?;
    let end = end(&root.field("end")?, m, d)?;
    if let NetEnd::Until { .. } = end {
        // A truncated run: its claim is at its last step time, before the horizon.
        let before = |t: &Rational| match &problem.t_end {
            Horizon::Finite(te) => t < te,
            Horizon::Infinite => true,
        };
        if !steps.last().is_some_and(before) {
            return err(&st.path, "a run truncated before its horizon ends at a step time before t_end");
        }
    }
    // A run to `t_end = 0` has no step: its end claim is about the initial state.
    let at_start = matches!(&problem.t_end, Horizon::Finite(t) if *t == 0);
    if steps.is_empty() != at_start {
        let what = if at_start { "a run to t_end = 0 has no step times" } else { "expected at least one step time" };
        return err(&st.path, what);
    }
    if steps.first().is_some_and(|t| *t <= 0) || steps.windows(2).any(|w| w[0] >= w[1]) {
        return err(&st.path, "expected increasing step times > 0");
    }
    if let Horizon::Finite(t) = &problem.t_end
        && !at_start
        && !matches!(end, NetEnd::Until { .. })
        && steps.last() != Some(t)
    {
        return err(&st.path, "the last step time must be t_end");
    }
    let events = match root.opt_field("events")? {
        None => Vec::new(),
        Some(ev) => {
            let v: Vec<NetEvent> =
                ev.items()?.iter().map(|e| event(e, m, problem.x.len(), problem.clarke)).collect::<Result<_, _>>()?;
            if v.windows(2).any(|w| w[0].time.lo > w[1].time.lo) {
                return err(&ev.path, "expected events in time order");
            }
            v
        }
    };
    match (&problem.t_end, &end) {
        (Horizon::Finite(_), NetEnd::Horizon { .. }) | (Horizon::Infinite, NetEnd::Limit { .. }) => {}
        (_, NetEnd::Until { .. }) => {}
        _ => return err(&root.path, "a finite t_end ends at the horizon, t_end = inf with a limit"),
    }
    let verdicts = match root.opt_field("verdicts")? {
        None => Vec::new(),
        Some(v) => {
            let shape = Shape::Net { n: problem.x.len(), neurons: m, events: events.len() };
            v.items()?.iter().map(|w| verdict(w, shape)).collect::<Result<_, _>>()?
        }
    };
    Ok(Certificate::TwoLayer(Net { problem, steps, events, end, verdicts }))
}

fn problem(p: &At<'_>) -> Result<NetProblem, FormatError> {
    p.only(&["x", "y", "relu_prime_at_zero", "loss", "init", "t_end", "solution"])?;
    let (x, y, relu_prime_at_zero, loss, t_end) = common(p)?;
    let d = x[0].len();
    let init = init(&p.field("init")?, d)?;
    let clarke = match p.opt_field("solution")? {
        None => false,
        Some(s) => match s.str()? {
            "fixed" => false,
            "clarke" => true,
            other => return err(&s.path, format!("expected fixed or clarke, got {other:?}")),
        },
    };
    Ok(NetProblem { x, y, relu_prime_at_zero, loss, init, t_end, clarke })
}

fn rows(a: &At<'_>, d: usize) -> Result<Vec<Vec<Rational>>, FormatError> {
    let rows: Vec<Vec<Rational>> = a.items()?.iter().map(|r| r.qs(d)).collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return err(&a.path, "expected at least one neuron");
    }
    Ok(rows)
}

fn init(i: &At<'_>, d: usize) -> Result<NetInit, FormatError> {
    if i.opt_field("scale")?.is_some() {
        i.only(&["scale", "z", "s"])?;
        let sc = i.field("scale")?;
        let scale = sc.q()?;
        if scale <= 0 {
            return err(&sc.path, "expected a scale > 0");
        }
        let z = rows(&i.field("z")?, d)?;
        let sa = i.field("s")?;
        let s: Vec<i8> = sa
            .items()?
            .iter()
            .map(|v| match v.v.as_i64() {
                Some(k @ (-1 | 1)) => Ok(k as i8),
                _ => err(&v.path, "expected 1 or -1"),
            })
            .collect::<Result<_, _>>()?;
        if s.len() != z.len() {
            return err(&sa.path, format!("expected {} signs, got {}", z.len(), s.len()));
        }
        return Ok(NetInit::Balanced { scale, z, s });
    }
    i.only(&["w", "a"])?;
    let w = rows(&i.field("w")?, d)?;
    let a = i.field("a")?.qs(w.len())?;
    Ok(NetInit::Explicit { w, a })
}

fn event(e: &At<'_>, m: usize, n: usize, clarke: bool) -> Result<NetEvent, FormatError> {
    let time = e.field("time")?.iv()?;
    let k = e.field("kind")?;
    let kind = match k.str()? {
        "switch" => NetEventKind::Switch,
        "death" => NetEventKind::Death,
        "slide" | "slide-end" if !clarke => {
            return err(&k.path, format!("a {} needs \"solution\": \"clarke\"", k.str()?));
        }
        "slide" => NetEventKind::Slide,
        "slide-end" => {
            let side = e.field("side")?;
            let active = match side.str()? {
                "active" => true,
                "inactive" => false,
                other => return err(&side.path, format!("expected active or inactive, got {other:?}")),
            };
            NetEventKind::SlideEnd { active }
        }
        other => return err(&k.path, format!("expected switch, death, slide or slide-end, got {other:?}")),
    };
    if matches!(kind, NetEventKind::SlideEnd { .. }) {
        e.only(&["kind", "neuron", "point", "time", "side"])?;
    } else {
        e.only(&["kind", "neuron", "point", "time"])?;
    }
    Ok(NetEvent { neuron: e.field("neuron")?.index(m)?, point: e.field("point")?.index(n)?, time, kind })
}

fn state(s: &At<'_>, m: usize, d: usize) -> Result<NetBox, FormatError> {
    s.only(&["w", "a"])?;
    let wf = s.field("w")?;
    let w: Vec<_> = wf.items()?.iter().map(|r| r.ivs(d)).collect::<Result<_, _>>()?;
    if w.len() != m {
        return err(&wf.path, format!("expected {m} neurons, got {}", w.len()));
    }
    Ok(NetBox { w, a: s.field("a")?.ivs(m)? })
}

fn end(e: &At<'_>, m: usize, d: usize) -> Result<NetEnd, FormatError> {
    let kind = e.field("kind")?;
    match kind.str()? {
        "horizon" => {
            e.only(&["kind", "state"])?;
            Ok(NetEnd::Horizon { state: state(&e.field("state")?, m, d)? })
        }
        "until" => {
            e.only(&["kind", "state"])?;
            Ok(NetEnd::Until { state: state(&e.field("state")?, m, d)? })
        }
        "limit" => {
            e.only(&["kind", "limit", "loss"])?;
            Ok(NetEnd::Limit { limit: state(&e.field("limit")?, m, d)?, loss: e.field("loss")?.iv()? })
        }
        other => err(&kind.path, format!("expected horizon, until or limit, got {other:?}")),
    }
}
