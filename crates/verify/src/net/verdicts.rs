//! The checker's verdicts on a two-layer run, re-proved from the verified flow
//! (`proofs-notes/certificate-verifier-net.md`, "Verdicts"): the identities of the gradient flow
//! hold on it, the sign of the output weights is read off the verifier's own enclosures of every
//! time, and a point's return to a neuron off the directions of its verified crossings.

use super::fi::Fi;
use super::field::Data;
use super::record::{Record, Sweep};
use crate::{Fail, VerdictReport};
use reluflow_certificate::{Iv, Net, VerdictCert, WitnessCert};
use rug::Rational;

/// Statements that every gradient flow of the model satisfies (`d/dt L = −‖θ̇‖²`,
/// `d/dt(a_j² − ‖w_j‖²) = 0`, `ẇ_j ∈ span{x_i : i active}`, a neuron with every guard `< 0`
/// has a zero field): they hold on the verified flow, and a violation of them is false.
const IDENTITIES: [&str; 4] = ["gen.loss-nonincreasing", "gen.balancedness", "gen.span", "gen.dead-frozen"];

/// The times where witnesses look (the verifier's steps end there).
pub fn times(n: &Net) -> Vec<Rational> {
    let mut out = Vec::new();
    for v in &n.verdicts {
        if let VerdictCert::Violated { witness: WitnessCert::Sign { t, .. }, .. } = v {
            out.push(t.lo.clone());
            out.push(t.hi.clone());
        }
    }
    out
}

/// Per verdict: its report, or the claim of it that fails.
pub fn all(n: &Net, dt: &Data, x0: &[Fi], rec: &Record) -> Vec<Result<VerdictReport, Fail>> {
    n.verdicts.iter().enumerate().map(|(k, v)| one(n, dt, x0, rec, k, v)).collect()
}

fn one(n: &Net, dt: &Data, x0: &[Fi], rec: &Record, k: usize, v: &VerdictCert) -> Result<VerdictReport, Fail> {
    let loc = format!("verdict {k} ({})", v.entry());
    let report = |checked| VerdictReport { entry: v.entry().to_string(), verdict: v.verdict().name(), checked };
    match v {
        VerdictCert::Unchecked { .. } => return Ok(report(false)),
        VerdictCert::Holds { entry, w_star } => {
            if w_star.is_some() {
                return Err(Fail::unsupported(loc, "a zero-loss point in a two-layer verdict".into()));
            }
            match entry.as_str() {
                e if IDENTITIES.contains(&e) => {}
                "gen.sign-preserved" => kept(dt, x0, rec, &loc)?,
                "lsy.support-vector-stability" => no_return(n, rec, &loc)?,
                other => return Err(Fail::unsupported(loc, format!("a two-layer verdict on {other:?}"))),
            }
        }
        VerdictCert::Violated { entry, witness } => match (entry.as_str(), witness) {
            (e, _) if IDENTITIES.contains(&e) => {
                let what = "a violation of an identity of the gradient flow, which the verified flow follows";
                return Err(Fail::new(loc, what, "the identity holds".into(), "a violation".into()));
            }
            ("gen.sign-preserved", WitnessCert::Sign { neuron, t }) => lost(dt, x0, rec, *neuron, t, &loc)?,
            ("lsy.support-vector-stability", WitnessCert::Reswitch { neuron, point, off, on }) => {
                returned(n, rec, (*neuron, *point), (*off, *on), &loc)?;
            }
            (e @ ("gen.sign-preserved" | "lsy.support-vector-stability"), w) => {
                let what = format!("a witness of the kind {e} takes on a two-layer run");
                return Err(Fail::new(format!("{loc} / witness / kind"), what, w.kind().into(), "its own kind".into()));
            }
            (other, _) => return Err(Fail::unsupported(loc, format!("a two-layer verdict on {other:?}"))),
        },
    }
    Ok(report(true))
}

/// The sign of `a_j(0)` (`true`: positive), if it is not 0.
fn sign(dt: &Data, x0: &[Fi], j: usize, loc: &str) -> Result<bool, Fail> {
    let a = &x0[dt.a(j)];
    if a.lo > 0 || a.hi < 0 {
        return Ok(a.lo > 0);
    }
    Err(Fail::new(format!("{loc} / a[{j}](0)"), "a_j(0) ≠ 0", super::show(a), "a sign".into()))
}

fn stretch(s: &Sweep) -> String {
    format!("t ∈ [{}, {}]", crate::num::show(&s.t0), crate::num::show(&s.t1))
}

/// `gen.sign-preserved` holds: on every enclosure of the flow (and the limit box, which holds
/// every later state), each `a_j` has the sign of `a_j(0)`.
fn kept(dt: &Data, x0: &[Fi], rec: &Record, loc: &str) -> Result<(), Fail> {
    let signs: Vec<bool> = (0..dt.m).map(|j| sign(dt, x0, j, loc)).collect::<Result<_, _>>()?;
    let tail = rec.tail.as_ref().map(|a| ("t ≥ t_K (the limit box)".to_string(), a));
    let all = rec.sweeps.iter().map(|s| (stretch(s), &s.a)).chain(tail);
    for (at, a) in all {
        for (j, (v, &pos)) in a.iter().zip(&signs).enumerate() {
            if !(if pos { v.lo > 0 } else { v.hi < 0 }) {
                let want = if pos { "> 0" } else { "< 0" };
                return Err(Fail::new(
                    format!("{loc} / {at} / a[{j}]"),
                    "a_j keeps the sign of a_j(0)",
                    super::show(v),
                    want.into(),
                ));
            }
        }
    }
    Ok(())
}

/// A `gen.sign-preserved` witness: `a_j` is not of the sign of `a_j(0)` at every time of `t`:
/// every enclosure of the flow over a stretch meeting `t` (for a single time: one that holds
/// it) shows it, and `t` lies within the verified times.
fn lost(dt: &Data, x0: &[Fi], rec: &Record, j: usize, t: &Iv, loc: &str) -> Result<(), Fail> {
    let pos = sign(dt, x0, j, loc)?;
    let wloc = format!("{loc} / witness / t");
    let end = rec.sweeps.last().map_or(Rational::new(), |s| s.t1.clone());
    if t.lo > t.hi || t.hi > end {
        let found = format!("[{}, {}]", crate::num::show(&t.lo), crate::num::show(&t.hi));
        return Err(Fail::new(
            wloc,
            "the witness times lie in [0, t_K]",
            found,
            format!("≤ {}", crate::num::show(&end)),
        ));
    }
    let bad = |v: &Fi| if pos { v.hi <= 0 } else { v.lo >= 0 };
    let want = if pos { "≤ 0" } else { "≥ 0" };
    if t.lo == t.hi {
        let at: Vec<&Sweep> = rec.sweeps.iter().filter(|s| s.t0 <= t.lo && t.lo <= s.t1).collect();
        if at.iter().any(|s| bad(&s.a[j])) {
            return Ok(());
        }
        let found = at.first().map_or("-".into(), |s| super::show(&s.a[j]));
        return Err(Fail::new(format!("{wloc} / a[{j}]"), "a_j has lost the sign of a_j(0)", found, want.into()));
    }
    for s in rec.sweeps.iter().filter(|s| s.t0 < t.hi && t.lo < s.t1) {
        if !bad(&s.a[j]) {
            let claim = "a_j has lost the sign of a_j(0)";
            return Err(Fail::new(
                format!("{wloc} / {} / a[{j}]", stretch(s)),
                claim,
                super::show(&s.a[j]),
                want.into(),
            ));
        }
    }
    Ok(())
}

/// `lsy.support-vector-stability` holds: no guard turns on after it turned off.
fn no_return(n: &Net, rec: &Record, loc: &str) -> Result<(), Fail> {
    for (k, e) in n.events.iter().enumerate() {
        let earlier_off =
            n.events[..k].iter().zip(&rec.turns).any(|(f, &on)| !on && (f.neuron, f.point) == (e.neuron, e.point));
        if rec.turns[k] && earlier_off {
            let (j, i) = (e.neuron, e.point);
            let what = "no point turns on again for a neuron after it turned off";
            return Err(Fail::new(
                format!("{loc} / event {k}"),
                what,
                format!("point {i} on again for neuron {j}"),
                "none".into(),
            ));
        }
    }
    Ok(())
}

/// A `lsy.support-vector-stability` witness: event `off` turns point `i` off for neuron `j`, the
/// later event `on` turns it on again (its guard is `> 0` at the end of the window: the point is
/// active again).
fn returned(n: &Net, rec: &Record, (j, i): (usize, usize), (off, on): (usize, usize), loc: &str) -> Result<(), Fail> {
    for (slot, (k, want)) in [(off, false), (on, true)].into_iter().enumerate() {
        let e = &n.events[k];
        let ok = (e.neuron, e.point) == (j, i) && rec.turns[k] == want && (slot == 0 || off < on);
        if !ok {
            let what = format!(
                "event {k} turns point {i} {} for neuron {j}",
                if want { "on, after the other" } else { "off" }
            );
            let found =
                format!("point {} {} for neuron {}", e.point, if rec.turns[k] { "on" } else { "off" }, e.neuron);
            return Err(Fail::new(format!("{loc} / witness / events[{slot}]"), what, found, "the witness's".into()));
        }
    }
    Ok(())
}
