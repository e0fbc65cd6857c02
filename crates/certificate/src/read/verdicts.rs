//! Reading the checker's verdicts (format version 2): checked ones with their witnesses,
//! unchecked ones without numbers.

use super::{At, err};
use crate::{FormatError, VerdictCert, VerdictName, WitnessCert};

/// What a verdict's indices may name: `n` points in `ℝ^d`, and per model its patterns (the single
/// neuron) or its neurons and events (the two-layer network).
#[derive(Clone, Copy)]
pub(super) enum Shape {
    Neuron { n: usize, d: usize, patterns: usize },
    Net { n: usize, neurons: usize, events: usize },
}

/// One verdict: `{"entry", "verdict", "witness"}` or `{"entry", "verdict", "checked": false}`.
pub(super) fn verdict(v: &At<'_>, shape: Shape) -> Result<VerdictCert, FormatError> {
    v.only(&["entry", "verdict", "witness", "checked", "w_star"])?;
    let entry = v.field("entry")?.str()?.to_string();
    if entry.is_empty() || entry.len() > 200 {
        return err(&v.path, "expected a catalogue id");
    }
    let vf = v.field("verdict")?;
    let Some(name) = VerdictName::from_name(vf.str()?) else {
        return err(&vf.path, "expected holds, violated or undecided");
    };
    if let Some(c) = v.opt_field("checked")? {
        if c.v.as_bool() != Some(false) {
            return err(&c.path, "expected false (a checked verdict has no `checked` field)");
        }
        if let Some(w) = v.opt_field("witness")?.or(v.opt_field("w_star")?) {
            return err(&w.path, "an unchecked verdict carries no numbers");
        }
        return Ok(VerdictCert::Unchecked { entry, verdict: name });
    }
    match name {
        VerdictName::Holds => match v.opt_field("witness")? {
            Some(w) => err(&w.path, "a verdict that holds carries no witness"),
            None => {
                let w_star = match (v.opt_field("w_star")?, shape) {
                    (None, _) => None,
                    (Some(w), Shape::Neuron { d, .. }) => Some(w.qs(d)?),
                    (Some(w), Shape::Net { .. }) => {
                        return err(&w.path, "a two-layer verdict names no zero-loss point");
                    }
                };
                Ok(VerdictCert::Holds { entry, w_star })
            }
        },
        VerdictName::Violated => {
            if let Some(w) = v.opt_field("w_star")? {
                return err(&w.path, "only a verdict that holds names a zero-loss point");
            }
            let w = v.field("witness")?;
            let witness = match shape {
                Shape::Neuron { n, patterns, .. } => witness(&w, n, patterns)?,
                Shape::Net { n, neurons, events } => net_witness(&w, n, neurons, events)?,
            };
            Ok(VerdictCert::Violated { entry, witness })
        }
        VerdictName::Undecided => err(&vf.path, "an undecided verdict is written with \"checked\": false"),
    }
}

fn witness(w: &At<'_>, n: usize, np: usize) -> Result<WitnessCert, FormatError> {
    let kind = w.field("kind")?;
    let keys: &[&str] = match kind.str()? {
        "rate" => &["kind", "t", "below"],
        "decrease" => &["kind", "earlier", "above", "later", "below"],
        "reactivation" => &["kind", "point", "patterns"],
        "limit-loss" => &["kind", "above"],
        other => return err(&kind.path, format!("expected rate, decrease, reactivation or limit-loss, got {other:?}")),
    };
    w.only(keys)?;
    match kind.str()? {
        "rate" => Ok(WitnessCert::Rate { t: w.field("t")?.iv()?, below: w.field("below")?.q()? }),
        "decrease" => Ok(WitnessCert::Decrease {
            earlier: w.field("earlier")?.iv()?,
            above: w.field("above")?.q()?,
            later: w.field("later")?.iv()?,
            below: w.field("below")?.q()?,
        }),
        "reactivation" => {
            let ps = w.field("patterns")?;
            let it = ps.items()?;
            if it.len() != 3 {
                return err(&ps.path, "expected three pattern indices");
            }
            Ok(WitnessCert::Reactivation {
                point: w.field("point")?.index(n)?,
                active: it[0].index(np)?,
                inactive: it[1].index(np)?,
                again: it[2].index(np)?,
            })
        }
        _ => Ok(WitnessCert::LimitLoss { above: w.field("above")?.q()? }),
    }
}

/// A two-layer witness: `{"kind": "sign", "neuron", "t"}` or
/// `{"kind": "reswitch", "neuron", "point", "events": [off, on]}`.
fn net_witness(w: &At<'_>, n: usize, m: usize, ne: usize) -> Result<WitnessCert, FormatError> {
    let kind = w.field("kind")?;
    match kind.str()? {
        "sign" => {
            w.only(&["kind", "neuron", "t"])?;
            Ok(WitnessCert::Sign { neuron: w.field("neuron")?.index(m)?, t: w.field("t")?.iv()? })
        }
        "reswitch" => {
            w.only(&["kind", "neuron", "point", "events"])?;
            let es = w.field("events")?;
            let it = es.items()?;
            if it.len() != 2 {
                return err(&es.path, "expected two event indices");
            }
            Ok(WitnessCert::Reswitch {
                neuron: w.field("neuron")?.index(m)?,
                point: w.field("point")?.index(n)?,
                off: it[0].index(ne)?,
                on: it[1].index(ne)?,
            })
        }
        other => err(&kind.path, format!("expected sign or reswitch, got {other:?}")),
    }
}
