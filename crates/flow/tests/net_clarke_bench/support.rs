//! Bench instances, the reference run and the containment check shared by the tests.

use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::reference::{RefOptions, RefRun, integrate_problem};
use reluflow_flow::trajectory::{State, Status, Trajectory};
use reluflow_model::*;
use rug::Rational;

pub const BITS: u32 = 256;

fn q(s: &str) -> Rational {
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    Rational::from((n.parse::<i64>().unwrap(), d.parse::<i64>().unwrap()))
}

fn inside<S: Enclosure>(e: &S, v: &Float) -> bool {
    let slack = 1e-60;
    e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack
}

/// A `decided_net` bench instance (teacher labels, balanced initialisation, σ'(0) = 0, half-mean
/// loss, `t_end = 20`) as a Clarke problem; decimals in tenths.
pub fn bench_instance(x: &[&[i64]], teacher: &[i64], z: &[&[i64]], scale: &str) -> Problem {
    let tenths = |v: &[&[i64]]| -> Vec<Vec<Rational>> {
        v.iter().map(|r| r.iter().map(|&k| Rational::from((k, 10))).collect()).collect()
    };
    let s = (0..z.len()).map(|j| if j % 2 == 0 { 1 } else { -1 }).collect();
    let init = Init::Balanced { scale: q(scale), z: tenths(z), s };
    let run = RunConfig { t_end: Horizon::Finite(q("20")), arithmetic: Arithmetic::Interval, precision: 128 };
    let teacher = teacher.iter().map(|&k| Rational::from((k, 10))).collect();
    let data = Data::new(tenths(x), Labels::Teacher(teacher)).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(Solution::Clarke)
        .unwrap()
}

/// The 256-bit reference (dense output) up to `t_end`.
pub fn reference(p: &Problem) -> RefRun<Float> {
    let opts = RefOptions { tol: 1e-50, order: 60, dense: true, ..RefOptions::for_bits(BITS) };
    integrate_problem::<Float>(p, &BITS, &opts).unwrap()
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

/// Everything `tr` certifies contains the reference `run`: every segment hull at its ends and
/// midpoint, every event's time (a reference event of the same pair and kind, in order), and the
/// final state of a certified run. Returns the times up to which it was checked.
pub fn contains_reference(tr: &Trajectory<Interval>, run: &RefRun<Float>) -> f64 {
    for (k, seg) in tr.segments().iter().enumerate() {
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            let s = run.state_at(&Float::with_val(BITS, t)).expect("reference state");
            for (c, (e, v)) in flat(seg.hull()).iter().zip(flat(&s)).enumerate() {
                let slack = 1e-40 * v.to_f64().abs();
                assert!(
                    e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack,
                    "segment {k} hull at t = {t}: reference {} outside [{:e}, {:e}] (coordinate {c})",
                    v.to_f64(),
                    e.lower_f64(),
                    e.upper_f64()
                );
            }
        }
    }
    // In order, except that the switches of one window (a class leaving with a sliding mode's
    // end) may come in any order.
    let refs = run.trajectory.events();
    let (mut used, mut next) = (vec![false; refs.len()], 0);
    for ev in tr.events() {
        let k = (next..refs.len())
            .find(|&k| !used[k] && (refs[k].neuron, refs[k].point, refs[k].kind) == (ev.neuron, ev.point, ev.kind))
            .unwrap_or_else(|| panic!("no reference event for {ev:?}"));
        used[k] = true;
        // Reference events passed over stay available only when they belong to this window.
        if !(next..k).any(|l| !used[l] && inside(&ev.t, &refs[l].t)) {
            next = k + 1;
        }
        let r = &refs[k];
        assert!(
            inside(&ev.t, &r.t),
            "{:?} of ({}, {}): reference time {} outside [{}, {}]",
            ev.kind,
            ev.neuron,
            ev.point,
            r.t.to_f64(),
            ev.t.lower_f64(),
            ev.t.upper_f64()
        );
    }
    match tr.status() {
        Status::Certified => {
            for (c, (e, v)) in flat(tr.final_state()).iter().zip(flat(run.trajectory.final_state())).enumerate() {
                assert!(inside(e, &v), "final state coordinate {c}: reference {} outside {e:?}", v.to_f64());
            }
            tr.t_final().lower_f64()
        }
        Status::Undecided { certified_until, .. } => certified_until.lower_f64(),
        other => panic!("{other:?}"),
    }
}
