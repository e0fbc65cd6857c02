//! The independent check of a validated run: the non-validated reference integrator on 256-bit
//! MPFR points (`net::reference`, dense output) must lie inside every enclosure the run certified.
//! For `[run] solution = "clarke"` the reference slides along attracting surfaces too
//! (`RefOptions::clarke`).

use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::field::{NetData, initial_state, loss};
use reluflow_flow::net::reference::{RefOptions, RefRun, RefStop, integrate};
use reluflow_flow::trajectory::{Event, EventKind, State, Status, Trajectory};
use reluflow_model::{Problem, Solution};
use rug::Rational;

const BITS: u32 = 256;
/// The reference's relative local error per step (far below any f64 enclosure width); the Taylor
/// order follows from it (Jorba–Zou), 60.
const REF_TOL: f64 = 1e-50;
/// Slack for the reference's own error when testing containment: relative, plus an absolute floor.
const SLACK_REL: f64 = 1e-40;
/// Step budget of one reference run (a run that chatters along a surface is cut; what it covered is
/// still checked, its final state is not).
pub const REF_STEPS: usize = 20_000;

/// What was checked and what failed.
pub struct Checked {
    pub items: usize,
    /// Reference runs cut by the step budget.
    pub cut: usize,
    pub failures: Vec<String>,
}

fn fl(v: f64) -> Float {
    Float::with_val(BITS, v)
}

fn inside(v: &Float, e: &Interval) -> bool {
    let slack = Float::with_val(BITS, v.abs_ref()) * SLACK_REL + 1e-300;
    let lo = fl(e.lower_f64()) - &slack;
    let hi = fl(e.upper_f64()) + &slack;
    *v >= lo && *v <= hi
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

/// The first coordinate of `refs` outside `encl`, as text.
fn state_inside(refs: &State<Float>, encl: &State<Interval>) -> Option<String> {
    for (k, (v, e)) in flat(refs).iter().zip(flat(encl)).enumerate() {
        if !inside(v, &e) {
            return Some(format!(
                "coordinate {k}: reference {} not in [{:e}, {:e}]",
                v.to_f64(),
                e.lower_f64(),
                e.upper_f64()
            ));
        }
    }
    None
}

/// The reference run up to `until` (the end of the certified part), at most `REF_STEPS` steps.
fn reference(p: &Problem, until: f64) -> Option<RefRun<Float>> {
    let clarke = p.solution() == Solution::Clarke;
    let opts =
        RefOptions { tol: REF_TOL, order: 60, dense: true, max_steps: REF_STEPS, clarke, ..RefOptions::for_bits(BITS) };
    let data = NetData::<Float>::from_problem(p, &BITS);
    let s0 = initial_state::<Float>(p, &BITS).ok()?;
    integrate(&data, &s0, Some(&fl(until)), &opts).ok()
}

/// The reference run's events up to the horizon (for `DECIDED_NET_SHOW`).
pub fn reference_events(p: &Problem) -> Vec<Event<Float>> {
    let t_end = match &p.run().t_end {
        reluflow_model::Horizon::Finite(q) => q.to_f64(),
        reluflow_model::Horizon::Infinite => 20.0,
    };
    reference(p, t_end).map(|r| r.trajectory.events().to_vec()).unwrap_or_default()
}

/// Checks `tr` (its certified part) against the reference; nothing to check if nothing is certified.
pub fn against_reference(p: &Problem, tr: &Trajectory<Interval>) -> Checked {
    let mut out = Checked { items: 0, cut: 0, failures: Vec::new() };
    let until = match tr.status() {
        Status::Certified => tr.t_final().lower_f64(),
        Status::Undecided { certified_until, .. } => certified_until.lower_f64(),
        _ => return out,
    };
    if until <= 0.0 || tr.segments().is_empty() {
        return out;
    }
    let Some(run) = reference(p, tr.t_final().upper_f64().max(until)) else {
        out.failures.push("the reference integrator refused the problem".into());
        return out;
    };
    segments(&run, tr, &mut out);
    events(p, &run, tr, until, &mut out);
    if matches!(tr.status(), Status::Certified) && run.stop == RefStop::Reached {
        final_state(p, &run, tr, &mut out);
    }
    if run.stop == RefStop::MaxSteps {
        out.cut += 1;
    }
    out
}

fn segments(run: &RefRun<Float>, tr: &Trajectory<Interval>, out: &mut Checked) {
    for (k, seg) in tr.segments().iter().enumerate() {
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        if a <= b {
            for t in [a, 0.5 * (a + b), b] {
                if let Some(s) = run.state_at(&fl(t)) {
                    out.items += 1;
                    if let Some(f) = state_inside(&s, seg.hull()) {
                        out.failures.push(format!("segment {k} hull at t = {t}: {f}"));
                    }
                }
            }
        }
        if seg.t_end().width_upper() == 0.0
            && let Some(s) = run.state_at(&fl(seg.t_end().lower_f64()))
        {
            out.items += 1;
            if let Some(f) = state_inside(&s, seg.end()) {
                out.failures.push(format!("segment {k} end at t = {}: {f}", seg.t_end().lower_f64()));
            }
        }
    }
}

/// The reference's switches that the certified run must report. A pair whose guard is exactly 0
/// at `t = 0` is switched by the reference within its first bisection brackets (`t ≈ 1e-70`, maybe
/// back and forth), while the validated run starts it on the side it leaves to: switches at
/// `t < 1e-40` are no events, but the reference's pattern after them must be the run's first one.
fn switches_to_report<'a>(
    p: &Problem,
    run: &'a RefRun<Float>,
    tr: &Trajectory<Interval>,
    out: &mut Checked,
) -> Vec<&'a Event<Float>> {
    // The reference's last step starting before 1e-40 runs in the pattern after those switches.
    let after_start = run.trajectory.segments().iter().rfind(|s| *s.t_start() <= 1e-40);
    if let (Some(r), Some(v)) = (after_start, tr.segments().first()) {
        out.items += 1;
        if r.pattern().active != v.pattern().active && !same_field(p, &r.pattern().active, &v.pattern().active) {
            out.failures.push(format!("start pattern {:?}, reference {:?}", v.pattern().active, r.pattern().active));
        }
    }
    run.trajectory.events().iter().filter(|e| e.t >= 1e-40).collect()
}

/// Whether two start patterns differ only in pairs `(j, i)` whose guard and residual are both 0 at
/// `t = 0` (a point on its surface that no neuron moves: its label changes neither field nor loss).
fn same_field(p: &Problem, a: &[Vec<usize>], b: &[Vec<usize>]) -> bool {
    let data = NetData::<Float>::from_problem(p, &BITS);
    let s = initial_state::<Float>(p, &BITS).expect("two-layer state");
    let aw = s.a.as_ref().expect("two-layer");
    let dot =
        |w: &[Float], x: &[Float]| w.iter().zip(x).fold(fl(0.0), |acc, (u, v)| acc + Float::with_val(BITS, u * v));
    let tiny = |v: &Float| v.clone().abs() < 1e-60;
    let residual = |i: usize| {
        let f = (0..s.w.len())
            .fold(fl(0.0), |acc, l| acc + Float::with_val(BITS, &aw[l] * dot(&s.w[l], &data.x[i]).max(&fl(0.0))));
        f - &data.y[i]
    };
    (0..a.len()).all(|j| {
        (0..data.x.len())
            .filter(|i| a[j].contains(i) != b[j].contains(i))
            .all(|i| tiny(&dot(&s.w[j], &data.x[i])) && tiny(&residual(i)))
    })
}

/// A certified `Slide` of `(j, i)` where the reference reports the `Death` of `(j, k)`, `x_k` and
/// `x_i` on one line through 0 on opposite sides: the neuron's only active points lie on that line,
/// so on either side of the surface its field is along `x_i` and the Clarke flow slides with the
/// neuron at rest — the motion the reference's death describes (it keeps the neuron frozen).
fn at_rest_on_a_line(p: &Problem, r: &Event<Float>, ev: &Event<Interval>) -> bool {
    let x = p.data().x();
    let (a, b) = (&x[r.point], &x[ev.point]);
    let minors_vanish =
        (0..a.len()).all(|u| (u + 1..a.len()).all(|v| Rational::from(&a[u] * &b[v]) == Rational::from(&a[v] * &b[u])));
    let dot: Rational = a.iter().zip(b).map(|(u, v)| Rational::from(u * v)).sum();
    (r.kind, ev.kind) == (EventKind::Death, EventKind::Slide) && r.neuron == ev.neuron && minors_vanish && dot < 0
}

/// A certified `Death` or `Deactivate` of `(j, i)` where the reference names the other kind:
/// parallel points (`x_k = c·x_i`, `c > 0`) leave together, and which of them the reference
/// switches last (its death) is a matter of its rounding; the certified run names the first.
/// Only for a point that has such a partner (decided exactly from the data).
fn one_class_leaving(p: &Problem, r: &Event<Float>, ev: &Event<Interval>) -> bool {
    let leaving = |k: EventKind| matches!(k, EventKind::Death | EventKind::Deactivate);
    let x = p.data().x();
    let a = &x[ev.point];
    let same_direction = |b: &[Rational]| {
        let minors_vanish = (0..a.len())
            .all(|u| (u + 1..a.len()).all(|v| Rational::from(&a[u] * &b[v]) == Rational::from(&a[v] * &b[u])));
        let dot: Rational = a.iter().zip(b).map(|(u, v)| Rational::from(u * v)).sum();
        minors_vanish && dot > 0
    };
    let partner = x.iter().enumerate().any(|(k, b)| k != ev.point && same_direction(b));
    (r.neuron, r.point) == (ev.neuron, ev.point) && leaving(r.kind) && leaving(ev.kind) && partner
}

/// Every certified event is a reference switch of the same pair and kind with its time inside the
/// event's enclosure (matched in order, except that switches at equal times — the points of one
/// line through 0 — may come in any order), and every reference switch before `until` is reported.
fn events(p: &Problem, run: &RefRun<Float>, tr: &Trajectory<Interval>, until: f64, out: &mut Checked) {
    let refs = switches_to_report(p, run, tr, out);
    let mut used = vec![false; refs.len()];
    for (k, ev) in tr.events().iter().enumerate() {
        out.items += 1;
        let found = (0..refs.len()).find(|&r| {
            !used[r]
                && ((refs[r].neuron, refs[r].point, refs[r].kind) == (ev.neuron, ev.point, ev.kind)
                    || at_rest_on_a_line(p, refs[r], ev)
                    || one_class_leaving(p, refs[r], ev))
                && inside(&refs[r].t, &ev.t)
        });
        match found {
            // In order: no earlier reference switch is left unmatched.
            Some(r) if used[..r].iter().all(|u| *u) || inside(&refs[r - 1].t, &ev.t) => used[r] = true,
            _ => {
                out.failures.push(format!(
                    "event {k}: certified {:?} of ({}, {}) in [{}, {}] matches no reference switch in order",
                    ev.kind,
                    ev.neuron,
                    ev.point,
                    ev.t.lower_f64(),
                    ev.t.upper_f64()
                ));
                return;
            }
        }
    }
    if let Some(r) = (0..refs.len()).find(|&r| !used[r] && refs[r].t < fl(until) - 1e-30) {
        let e = refs[r];
        out.failures.push(format!(
            "reference switch (neuron {}, point {}) at t = {} not reported",
            e.neuron,
            e.point,
            e.t.to_f64()
        ));
    }
}

fn final_state(p: &Problem, run: &RefRun<Float>, tr: &Trajectory<Interval>, out: &mut Checked) {
    let s = run.trajectory.final_state();
    out.items += 2;
    if let Some(f) = state_inside(s, tr.final_state()) {
        out.failures.push(format!("final state: {f}"));
    }
    let l_ref = loss(&NetData::<Float>::from_problem(p, &BITS), s);
    let l_enc = loss(&NetData::<Interval>::from_problem(p, &()), tr.final_state());
    if !inside(&l_ref, &l_enc) {
        out.failures.push(format!(
            "final loss: reference {} not in [{:e}, {:e}]",
            l_ref.to_f64(),
            l_enc.lower_f64(),
            l_enc.upper_f64()
        ));
    }
}
