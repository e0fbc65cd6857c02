//! Certificates as JSON text: every number an exact string (`"p/q"` or an integer).

mod net;

use super::*;
use serde_json::{Map, Value, json};

fn q(v: &Rational) -> Value {
    Value::String(v.to_string())
}

fn qs(v: &[Rational]) -> Value {
    Value::Array(v.iter().map(q).collect())
}

fn iv(v: &Iv) -> Value {
    json!([q(&v.lo), q(&v.hi)])
}

fn ivs(v: &[Iv]) -> Value {
    Value::Array(v.iter().map(iv).collect())
}

fn ball(b: &Ball) -> Value {
    json!({ "u": qs(&b.u), "rho": q(&b.rho) })
}

fn step(s: &Step) -> Value {
    json!({ "t": [q(&s.t0), q(&s.t1)], "start": ball(&s.start), "end": ball(&s.end), "hull": ivs(&s.hull) })
}

fn exit(e: &Exit) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), Value::String(e.name().into()));
    match e {
        Exit::Switch(Crossing { point, t0, t1, start, hull, time, state })
        | Exit::Death { crossing: Crossing { point, t0, t1, start, hull, time, state }, .. } => {
            m.insert("point".into(), json!(point));
            m.insert("t".into(), json!([q(t0), q(t1)]));
            m.insert("start".into(), ball(start));
            m.insert("hull".into(), ivs(hull));
            m.insert("time".into(), iv(time));
            m.insert("state".into(), ivs(state));
            if let Exit::Death { loss, .. } = e {
                m.insert("loss".into(), iv(loss));
            }
        }
        Exit::Horizon { t0, t1, start, hull, state } => {
            m.insert("t".into(), json!([q(t0), q(t1)]));
            m.insert("start".into(), ball(start));
            m.insert("hull".into(), ivs(hull));
            m.insert("state".into(), ivs(state));
        }
        Exit::Limit { t0, start, hull, limit, loss, slow } => {
            m.insert("t".into(), q(t0));
            m.insert("start".into(), ball(start));
            m.insert("hull".into(), ivs(hull));
            m.insert("limit".into(), ivs(limit));
            m.insert("loss".into(), iv(loss));
            if let Some(s) = slow {
                let mut o = Map::new();
                o.insert("u".into(), qs(&s.u));
                if let Some(nu) = &s.nu {
                    o.insert("nu".into(), q(nu));
                }
                m.insert("slow".into(), Value::Object(o));
            }
        }
    }
    Value::Object(m)
}

fn pattern(p: &PatternCert) -> Value {
    json!({
        "active": p.active,
        "t_start": iv(&p.t_start),
        "anchor": qs(&p.anchor),
        "steps": Value::Array(p.steps.iter().map(step).collect()),
        "exit": exit(&p.exit),
    })
}

/// The fields both models' problems state: data, labels, σ'(0), loss and horizon.
pub(crate) fn common(
    x: &[Vec<Rational>],
    y: &[Rational],
    relu_prime_at_zero: u8,
    loss: Loss,
    t_end: &Horizon,
) -> Map<String, Value> {
    let t_end = match t_end {
        Horizon::Finite(t) => q(t),
        Horizon::Infinite => Value::String("inf".into()),
    };
    let mut m = Map::new();
    m.insert("x".into(), Value::Array(x.iter().map(|r| qs(r)).collect()));
    m.insert("y".into(), qs(y));
    m.insert("relu_prime_at_zero".into(), json!(relu_prime_at_zero));
    m.insert("loss".into(), Value::String(loss.name().into()));
    m.insert("t_end".into(), t_end);
    m
}

fn problem(p: &NeuronProblem) -> Value {
    let mut m = common(&p.x, &p.y, p.relu_prime_at_zero, p.loss, &p.t_end);
    m.insert("w0".into(), qs(&p.w0));
    Value::Object(m)
}

fn witness(w: &WitnessCert) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), Value::String(w.kind().into()));
    match w {
        WitnessCert::Rate { t, below } => {
            m.insert("t".into(), iv(t));
            m.insert("below".into(), q(below));
        }
        WitnessCert::Decrease { earlier, above, later, below } => {
            m.insert("earlier".into(), iv(earlier));
            m.insert("above".into(), q(above));
            m.insert("later".into(), iv(later));
            m.insert("below".into(), q(below));
        }
        WitnessCert::Reactivation { point, active, inactive, again } => {
            m.insert("point".into(), json!(point));
            m.insert("patterns".into(), json!([active, inactive, again]));
        }
        WitnessCert::LimitLoss { above } => {
            m.insert("above".into(), q(above));
        }
        WitnessCert::Sign { neuron, t } => {
            m.insert("neuron".into(), json!(neuron));
            m.insert("t".into(), iv(t));
        }
        WitnessCert::Reswitch { neuron, point, off, on } => {
            m.insert("neuron".into(), json!(neuron));
            m.insert("point".into(), json!(point));
            m.insert("events".into(), json!([off, on]));
        }
    }
    Value::Object(m)
}

pub(super) fn verdict(v: &VerdictCert) -> Value {
    let mut m = Map::new();
    m.insert("entry".into(), Value::String(v.entry().into()));
    m.insert("verdict".into(), Value::String(v.verdict().name().into()));
    match v {
        VerdictCert::Holds { w_star, .. } => {
            if let Some(w) = w_star {
                m.insert("w_star".into(), qs(w));
            }
        }
        VerdictCert::Violated { witness: w, .. } => {
            m.insert("witness".into(), witness(w));
        }
        VerdictCert::Unchecked { .. } => {
            m.insert("checked".into(), Value::Bool(false));
        }
    }
    Value::Object(m)
}

/// The certificate as JSON text (one document, pretty-printed, ending in a newline).
pub fn to_text(c: &Certificate) -> String {
    let v = match c {
        Certificate::SingleNeuron(n) => {
            let mut v = json!({
                "format": FORMAT,
                "version": NEURON_VERSION,
                "model": "single-neuron",
                "problem": problem(&n.problem),
                "patterns": Value::Array(n.patterns.iter().map(pattern).collect()),
            });
            if let Some(o) = v.as_object_mut() {
                if !n.verdicts.is_empty() {
                    o.insert("verdicts".into(), Value::Array(n.verdicts.iter().map(verdict).collect()));
                }
                if !n.flat.is_empty() {
                    o.insert("flat".into(), json!(n.flat));
                }
            }
            v
        }
        Certificate::TwoLayer(n) => net::net(n),
    };
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
