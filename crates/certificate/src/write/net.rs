//! Writing a two-layer certificate.

use super::{common, iv, ivs, q, qs, verdict};
use crate::{FORMAT, Net, NetBox, NetEnd, NetEventKind, NetInit, NetProblem, VERSION};
use serde_json::{Value, json};

fn init(i: &NetInit) -> Value {
    match i {
        NetInit::Explicit { w, a } => json!({ "w": Value::Array(w.iter().map(|r| qs(r)).collect()), "a": qs(a) }),
        NetInit::Balanced { scale, z, s } => {
            json!({ "scale": q(scale), "z": Value::Array(z.iter().map(|r| qs(r)).collect()), "s": s })
        }
    }
}

fn problem(p: &NetProblem) -> Value {
    let mut m = common(&p.x, &p.y, p.relu_prime_at_zero, p.loss, &p.t_end);
    m.insert("init".into(), init(&p.init));
    if p.clarke {
        m.insert("solution".into(), Value::String("clarke".into()));
    }
    Value::Object(m)
}

fn state(b: &NetBox) -> Value {
    json!({ "w": Value::Array(b.w.iter().map(|r| ivs(r)).collect()), "a": ivs(&b.a) })
}

pub(super) fn net(n: &Net) -> Value {
    let end = match &n.end {
        NetEnd::Horizon { state: s } => json!({ "kind": "horizon", "state": state(s) }),
        NetEnd::Until { state: s } => json!({ "kind": "until", "state": state(s) }),
        NetEnd::Limit { limit, loss } => json!({ "kind": "limit", "limit": state(limit), "loss": iv(loss) }),
    };
    let mut v = json!({
        "format": FORMAT,
        "version": VERSION,
        "model": "two-layer",
        "problem": problem(&n.problem),
        "steps": qs(&n.steps),
        "end": end,
    });
    if !n.events.is_empty() {
        let ev: Vec<Value> = n
            .events
            .iter()
            .map(|e| {
                let mut o = json!({ "kind": e.kind.name(), "neuron": e.neuron, "point": e.point, "time": iv(&e.time) });
                if let (NetEventKind::SlideEnd { active }, Some(m)) = (e.kind, o.as_object_mut()) {
                    m.insert("side".into(), json!(if active { "active" } else { "inactive" }));
                }
                o
            })
            .collect();
        if let Some(o) = v.as_object_mut() {
            o.insert("events".into(), Value::Array(ev));
        }
    }
    if !n.verdicts.is_empty()
        && let Some(o) = v.as_object_mut()
    {
        o.insert("verdicts".into(), Value::Array(n.verdicts.iter().map(verdict).collect()));
    }
    v
}
