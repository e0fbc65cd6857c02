//! The two-layer network's certificate, re-proved by the verifier's own validated integration
//! (`ball.rs`) along the certificate's step times from the exact initial state, then the end
//! claim: the final state box, or the limit by a Polyak–Łojasiewicz ball (`limit.rs`). The
//! verifier splits a step it cannot enclose in one piece; the times only guide its work.

mod ball;
mod cross;
mod dead;
mod end;
mod fi;
mod field;
mod guards;
mod jacobian;
mod leave;
mod limit;
mod rate;
mod record;
mod slide;
mod spectral;
mod spread;
mod start;
mod step;
mod verdicts;

use crate::{Fail, VerdictReport, Verified};
use ball::{Ball, weights};
use fi::Fi;
use field::Data;
use record::Record;
use reluflow_certificate::{Net, NetEvent, NetEventKind};
use rug::Rational;
use step::{StepFail, step};

/// Halvings of one certificate step before its failure is reported (a step that ends just
/// before a crossing needs pieces whose guard range stays on one side: about 40 halvings of a
/// unit step for a guard 1e-15 from its hyperplane).
const MAX_SPLIT: u32 = 48;

fn show(v: &Fi) -> String {
    format!("[{:.20e}, {:.20e}]", v.lo, v.hi)
}

/// Advances `b` from `t0` to `t1` (certificate step `k`), splitting where needed; the
/// enclosures of every time go to `rec`.
fn advance(
    dt: &Data,
    b: &mut Ball,
    (t0, t1): (&Rational, &Rational),
    k: usize,
    (steps, rec): (&mut usize, &mut Record),
) -> Result<(), Fail> {
    let mut todo = vec![(t0.clone(), t1.clone(), 0u32)];
    while let Some((a, z, depth)) = todo.pop() {
        let h = Fi::q(&Rational::from(&z - &a));
        let bw = b.reweighted(weights(dt, &b.c, Some(&b.e)));
        match step(dt, &bw, &h) {
            Ok((s, e)) => {
                rec.sweep(dt, &a, &z, &e);
                *b = s;
                rec.sweep(dt, &z, &z, &b.state_box());
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
                    StepFail::Revival(j, i) => (
                        format!(
                            "dead neuron {j} stays on the hyperplane of x_{i} (its active side's rate is negative)"
                        ),
                        "not proved".into(),
                    ),
                    StepFail::Slide(j, i) => {
                        (format!("the hyperplane of x_{i} attracts neuron {j} from both sides"), "not proved".into())
                    }
                };
                return Err(Fail::new(at, claim, found, format!("found after splitting the step {MAX_SPLIT} times")));
            }
        }
    }
    Ok(())
}

/// Events whose windows overlap: their guards, those that are deaths, those that are slides,
/// the slides' ends (with their sides, `true`: active), and the union of their windows.
struct Window {
    gs: Vec<(usize, usize)>,
    deaths: Vec<(usize, usize)>,
    slides: Vec<(usize, usize)>,
    ends: Vec<(usize, usize, bool)>,
    lo: Rational,
    hi: Rational,
}

/// The events from `k` on whose windows overlap the first one's; `k` is moved past them.
/// `None` when one guard is named twice in one window (two crossings there are not re-proved).
fn window(events: &[NetEvent], k: &mut usize) -> Option<Window> {
    let (lo, mut hi) = (events[*k].time.lo.clone(), events[*k].time.hi.clone());
    let (mut gs, mut deaths, mut slides, mut ends) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
        match e.kind {
            NetEventKind::Death => deaths.push((e.neuron, e.point)),
            NetEventKind::Slide => slides.push((e.neuron, e.point)),
            NetEventKind::SlideEnd { active } => ends.push((e.neuron, e.point, active)),
            NetEventKind::Switch => {}
        }
        *k += 1;
    }
    (!twice).then_some(Window { gs, deaths, slides, ends, lo, hi })
}

/// The window's claims about sliding pairs that the verifier checks before proving it: a sliding
/// pair's event is its slide's end, a slide's end is a sliding pair's, and a slide or its end is
/// alone in its window.
fn sliding_claims(dt: &Data, w: &Window, at: &str) -> Result<(), Fail> {
    let ends = |g: &(usize, usize)| w.ends.iter().any(|e| (e.0, e.1) == *g);
    if let Some(&(j, i)) = w.gs.iter().find(|g| dt.slides.contains(g) && !ends(g)) {
        let claim = format!("neuron {j}'s event at the hyperplane of x_{i}, along which it slides, is the slide's end");
        return Err(Fail::new(at, claim, "another kind".into(), "slide-end".into()));
    }
    if let Some(&(j, i, _)) = w.ends.iter().find(|e| !dt.slides.contains(&(e.0, e.1))) {
        let claim = format!("neuron {j} slides along the hyperplane of x_{i} before its slide ends");
        return Err(Fail::new(at, claim, "not sliding".into(), "sliding".into()));
    }
    if (!w.slides.is_empty() || !w.ends.is_empty()) && w.gs.len() > 1 {
        let claim = "a slide or its end alone in its window";
        return Err(Fail::new(at, claim, format!("{} guards", w.gs.len()), "one".into()));
    }
    Ok(())
}

/// The certificate's step times with `extra` times (where verdicts look) merged in, each with
/// the index of the certificate step it lies in.
fn times(steps: &[Rational], extra: &[Rational]) -> Vec<(Rational, usize)> {
    let mut out: Vec<(Rational, usize)> = steps.iter().cloned().enumerate().map(|(k, t)| (t, k)).collect();
    for t in extra.iter().filter(|t| **t > 0) {
        if let Some(k) = steps.iter().position(|s| s > t) {
            out.push((t.clone(), k));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// Re-proves the two-layer certificate `n` and its verdicts: the flow's result and, per
/// verdict, its report or the claim of it that fails.
///
/// Steps are first taken with remainders below a fixed `2^−64` of each neuron's size (fast, and
/// enough for claims down to about that width). If a claim fails and the certificate has
/// narrower claims, the whole certificate is re-proved once with remainders that follow the
/// balls and those claims (`ball.rs`): both proofs are sound, so either one verifies it.
///
/// # Errors
/// The first claim of the flow that fails (in the first proof).
#[allow(clippy::type_complexity)]
pub fn check(n: &Net) -> Result<(Verified, Vec<Result<VerdictReport, Fail>>), Fail> {
    let bits = end::claim_bits(&n.end);
    fi::set_claim(bits);
    fi::follow_claims(0);
    match attempt(n) {
        Err(first) if bits > 48 => {
            fi::follow_claims(bits);
            let again = attempt(n);
            fi::follow_claims(0);
            again.map_err(|_| first)
        }
        r => r,
    }
}

/// One proof of [`check`].
#[allow(clippy::type_complexity)]
fn attempt(n: &Net) -> Result<(Verified, Vec<Result<VerdictReport, Fail>>), Fail> {
    let mut dt = Data::new(&n.problem);
    let x0 = start::initial(&n.problem, &dt);
    start::clarke(&n.problem, &mut dt, &x0)?;
    let (v, rec) = flow(n, &mut dt, &x0)?;
    let each = verdicts::all(n, &dt, &x0, &rec);
    Ok((v, each))
}

/// The flow's claims, from the exact start `x0`.
fn flow(n: &Net, dt: &mut Data, x0: &[Fi]) -> Result<(Verified, Record), Fail> {
    let mut rec = Record::default();
    rec.sweep(dt, &Rational::new(), &Rational::new(), x0);
    let mids: Vec<rug::Float> = x0.iter().map(|v| v.mid_rad().0).collect();
    let mut b = Ball::around(x0, weights(dt, &mids, None), dt.d + 1).pinned(x0);
    let (mut t, mut steps, mut ev, mut windows) = (Rational::new(), 0usize, 0usize, 0usize);
    for (t1, k) in &times(&n.steps, &verdicts::times(n)) {
        let k = *k;
        while ev < n.events.len() && n.events[ev].time.lo < *t1 {
            let first = ev;
            let Some(w) = window(&n.events, &mut ev) else {
                let claim = "one crossing of a guard per window";
                return Err(Fail::new(
                    format!("event {first}"),
                    claim,
                    "a guard named twice".into(),
                    "distinct guards".into(),
                ));
            };
            let at = format!("event {first} / t ∈ [{}, {}]", crate::num::show(&w.lo), crate::num::show(&w.hi));
            sliding_claims(dt, &w, &at)?;
            if w.lo < t {
                return Err(Fail::new(
                    at,
                    "the event comes after the previous one",
                    crate::num::show(&t),
                    "a later time".into(),
                ));
            }
            if w.lo > t {
                advance(dt, &mut b, (&t, &w.lo), k, (&mut steps, &mut rec))?;
            }
            // A slide's end restarts the run after its window: before the next event and the end.
            let last = n.steps.last().cloned().unwrap_or_default();
            let until = n.events.get(ev).map_or(last.clone(), |e| e.time.lo.clone().min(last));
            let (z, turns) = cross::pass(dt, &mut b, &w, &until, (&mut steps, &mut rec))
                .map_err(|why| Fail::new(at, "a transversal crossing in the window", why, "a proof".into()))?;
            t = z;
            rec.turns.extend(turns);
            windows += 1;
        }
        if *t1 > t {
            advance(dt, &mut b, (&t, t1), k, (&mut steps, &mut rec))?;
            t = t1.clone();
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
    end::end(n, dt, &b.state_box(), &mut rec)?;
    let v = Verified { patterns: windows + 1, steps, switches: windows, ending: n.end.name(), verdicts: Vec::new() };
    Ok((v, rec))
}
