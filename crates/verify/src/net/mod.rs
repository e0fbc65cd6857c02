//! The two-layer network's certificate, re-proved by the verifier's own validated integration
//! (`ball.rs`) along the certificate's step times from the exact initial state, then the end
//! claim: the final state box, or the limit by a Polyak–Łojasiewicz ball (`limit.rs`). The
//! verifier splits a step it cannot enclose in one piece; the times only guide its work.

mod ball;
mod cross;
mod fi;
mod field;
mod limit;
mod spectral;
mod spread;

use crate::{Fail, Verified};
use ball::{Ball, StepFail, step, weights};
use fi::Fi;
use field::Data;
use reluflow_certificate::{Iv, Net, NetBox, NetEnd, NetEvent, NetInit, NetProblem};
use rug::Rational;

/// Halvings of one certificate step before its failure is reported (a step that ends just
/// before a crossing needs pieces whose guard range stays on one side: about 40 halvings of a
/// unit step for a guard 1e-15 from its hyperplane).
const MAX_SPLIT: u32 = 48;

/// The exact initial state, enclosed (`a_j = s_j‖w_j‖` of a balanced start is irrational).
fn initial(p: &NetProblem, dt: &Data) -> Vec<Fi> {
    let mut v = vec![Fi::zero(); dt.size()];
    for j in 0..dt.m {
        let (w, a) = match &p.init {
            NetInit::Explicit { w, a } => (w[j].clone(), Fi::q(&a[j])),
            NetInit::Balanced { scale, z, s } => {
                let w: Vec<Rational> = z[j].iter().map(|c| Rational::from(c * scale)).collect();
                let n2: Rational = w.iter().map(|c| Rational::from(c * c)).sum();
                let norm = Fi::q(&n2).sqrt();
                (w, if s[j] > 0 { norm } else { norm.neg() })
            }
        };
        for (l, c) in w.iter().enumerate() {
            v[j * (dt.d + 1) + l] = Fi::q(c);
        }
        v[dt.a(j)] = a;
    }
    v
}

fn show(v: &Fi) -> String {
    format!("[{:.20e}, {:.20e}]", v.lo.to_f64(), v.hi.to_f64())
}

/// Advances `b` from `t0` to `t1` (certificate step `k`), splitting where needed.
fn advance(dt: &Data, b: &mut Ball, t0: &Rational, t1: &Rational, k: usize, steps: &mut usize) -> Result<(), Fail> {
    let mut todo = vec![(t0.clone(), t1.clone(), 0u32)];
    while let Some((a, z, depth)) = todo.pop() {
        let h = Fi::q(&Rational::from(&z - &a));
        let bw = b.reweighted(weights(dt, &b.c, Some(&b.e)));
        match step(dt, &bw, &h) {
            Ok(s) => {
                *b = s;
                *steps += 1;
            }
            Err(_) if depth < MAX_SPLIT => {
                let mid = Rational::from(&a + &z) / 2u32;
                todo.push((mid.clone(), z, depth + 1));
                todo.push((a, mid, depth + 1));
            }
            Err(e) => {
                let at = format!("step {k} / t ∈ [{}, {}]", crate::num::show(&a), crate::num::show(&z));
                let (claim, found) = match e {
                    StepFail::Guard(j, i, g) => (format!("the guard w_{j}ᵀx_{i} keeps its sign"), show(&g)),
                    StepFail::Apriori => ("an a priori enclosure of the step".into(), "none found".into()),
                    StepFail::Remainder => ("a small Taylor remainder".into(), "too large".into()),
                };
                return Err(Fail::new(at, claim, found, format!("found after splitting the step {MAX_SPLIT} times")));
            }
        }
    }
    Ok(())
}

/// `v ⊆ claim`, coordinate by coordinate; the first that is not fails at `at`.
fn within(dt: &Data, v: &[Fi], claim: &NetBox, at: &str, what: &str) -> Result<(), Fail> {
    for (a, x) in v.iter().enumerate() {
        let (j, l) = (a / (dt.d + 1), a % (dt.d + 1));
        let (c, name): (&Iv, String) =
            if l == dt.d { (&claim.a[j], format!("a[{j}]")) } else { (&claim.w[j][l], format!("w[{j}][{l}]")) };
        if !(c.lo <= x.lo_q() && x.hi_q() <= c.hi) {
            let needed = format!("[{}, {}]", crate::num::show(&c.lo), crate::num::show(&c.hi));
            return Err(Fail::new(
                format!("{at} / {name}"),
                format!("{what} lies in the claimed box"),
                show(x),
                needed,
            ));
        }
    }
    Ok(())
}

/// The events from `k` on whose windows overlap the first one's: their guards, the guards that
/// are deaths, and the union of their windows; `k` is moved past them.
/// `None` when one guard is named twice in one window (two crossings there are not re-proved).
#[allow(clippy::type_complexity)]
fn window(
    events: &[NetEvent],
    k: &mut usize,
) -> Option<(Vec<(usize, usize)>, Vec<(usize, usize)>, Rational, Rational)> {
    let (lo, mut hi) = (events[*k].time.lo.clone(), events[*k].time.hi.clone());
    let (mut gs, mut deaths) = (Vec::new(), Vec::new());
    let mut twice = false;
    while *k < events.len() && events[*k].time.lo <= hi {
        let e = &events[*k];
        if e.time.hi > hi {
            hi = e.time.hi.clone();
        }
        twice |= gs.contains(&(e.neuron, e.point));
        if !twice {
            gs.push((e.neuron, e.point));
        }
        if e.death {
            deaths.push((e.neuron, e.point));
        }
        *k += 1;
    }
    (!twice).then_some((gs, deaths, lo, hi))
}

/// Bits enough to resolve the narrowest claimed interval (its relative width, 48 bits more),
/// at least 160 and at most 4096.
fn claim_bits(end: &NetEnd) -> u32 {
    let b = match end {
        NetEnd::Horizon { state } => state,
        NetEnd::Limit { limit, .. } => limit,
    };
    let mut bits = 160u32;
    for v in b.w.iter().flatten().chain(&b.a) {
        let (w, m) = (Rational::from(&v.hi - &v.lo), v.lo.clone().abs().max(v.hi.clone().abs()));
        if w > 0 && m > 0 {
            let rel = i64::from(m.numer().significant_bits())
                - i64::from(m.denom().significant_bits())
                - (i64::from(w.numer().significant_bits()) - i64::from(w.denom().significant_bits()));
            bits = bits.max((rel + 50).clamp(0, 4096) as u32);
        }
    }
    bits
}

/// Re-proves the two-layer certificate `n`.
pub fn check(n: &Net) -> Result<Verified, Fail> {
    fi::set_precision(claim_bits(&n.end));
    let mut dt = Data::new(&n.problem);
    let x0 = initial(&n.problem, &dt);
    let mids: Vec<rug::Float> = x0.iter().map(|v| v.mid_rad().0).collect();
    let mut b = Ball::around(&x0, weights(&dt, &mids, None), dt.d + 1).pinned(&x0);
    let (mut t, mut steps, mut ev, mut windows) = (Rational::new(), 0usize, 0usize, 0usize);
    for (k, t1) in n.steps.iter().enumerate() {
        while ev < n.events.len() && n.events[ev].time.lo < *t1 {
            let first = ev;
            let Some((gs, deaths, lo, hi)) = window(&n.events, &mut ev) else {
                let claim = "one crossing of a guard per window";
                return Err(Fail::new(
                    format!("event {first}"),
                    claim,
                    "a guard named twice".into(),
                    "distinct guards".into(),
                ));
            };
            let at = format!("event {first} / t ∈ [{}, {}]", crate::num::show(&lo), crate::num::show(&hi));
            if lo < t {
                return Err(Fail::new(
                    at,
                    "the event comes after the previous one",
                    crate::num::show(&t),
                    "a later time".into(),
                ));
            }
            if lo > t {
                advance(&dt, &mut b, &t, &lo, k, &mut steps)?;
            }
            t = cross::pass(&mut dt, &mut b, (&gs, &deaths), (&lo, &hi), &mut steps)
                .map_err(|why| Fail::new(at, "a transversal crossing in the window", why, "a proof".into()))?;
            windows += 1;
        }
        if *t1 > t {
            advance(&dt, &mut b, &t, t1, k, &mut steps)?;
            t = t1.clone();
            let hull = b.hull();
            let keep: Vec<_> =
                dt.forced.iter().copied().filter(|&(j, i, _)| field::certain(&dt, &hull, j, i).is_none()).collect();
            dt.forced = keep;
        }
    }
    if ev < n.events.len() {
        let e = &n.events[ev];
        let at = format!("event {ev}");
        return Err(Fail::new(
            at,
            "the event lies before the last step",
            crate::num::show(&e.time.lo),
            crate::num::show(&t),
        ));
    }
    if let Some(last) = n.steps.last()
        && t != *last
    {
        let (found, needed) = (crate::num::show(&t), crate::num::show(last));
        return Err(Fail::new("end", "the last event ends before the last step", found, needed));
    }
    let x = b.state_box();
    match &n.end {
        NetEnd::Horizon { state } => within(&dt, &x, state, "end", "the state at t_end")?,
        NetEnd::Limit { limit, loss } => {
            let p = limit::prove(&dt, &x)
                .map_err(|why| Fail::new("end / limit", "a Polyak–Łojasiewicz ball", why, "a proof".into()))?;
            within(&dt, &p.limit, limit, "end / limit", "the limit (and every later state)")?;
            if !(loss.lo <= 0 && 0 <= loss.hi) {
                let needed = format!("[{}, {}]", crate::num::show(&loss.lo), crate::num::show(&loss.hi));
                return Err(Fail::new(
                    "end / limit / loss",
                    "the limit's loss lies in the claimed interval",
                    "[0, 0]".into(),
                    needed,
                ));
            }
        }
    }
    Ok(Verified { patterns: windows + 1, steps, switches: windows, ending: n.end.name(), verdicts: Vec::new() })
}
