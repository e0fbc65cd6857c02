//! The [`Monitor`] hook of every integrator: a cancelled monitor stops the run with a consistent
//! partial trajectory (validated: `Undecided { Interrupted }` with everything certified up to
//! `certified_until`), and a monitor that is never cancelled changes nothing.

use reluflow_arith::{Interval, Scalar, exact::parse_exact};
use reluflow_flow::monitor::Monitor;
use reluflow_flow::net::reference::{RefOptions, RefStop, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::neuron::{self, NeuronOptions};
use reluflow_flow::{Status, Trajectory, UndecidedReason};
use reluflow_model::*;
use rug::Rational;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

/// Vardi–Shamir Theorem 3 with γ = 1 (switches, then a certified limit).
fn neuron_problem(t_end: Horizon, arithmetic: Arithmetic) -> Problem {
    let data = Data::new(
        vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q("1"), q("1")]],
        Labels::Given(vec![q("16"), q("18"), q("0")]),
    )
    .unwrap();
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![q("0"); 3] },
        RunConfig { t_end, arithmetic, precision: 53 },
    )
    .unwrap()
}

/// A small two-layer network (m = 2, n = 3, d = 2) with dyadic data, over `[0, 2]`.
fn net_problem(arithmetic: Arithmetic) -> Problem {
    let x = vec![vec![q("1"), q("0.25")], vec![q("0.5"), q("-0.75")], vec![q("-0.75"), q("0.5")]];
    let y = vec![q("1"), q("0.5"), q("0.25")];
    let init = Init::Explicit {
        w: vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.75")]],
        a: vec![q("0.5"), q("-0.25")],
    };
    Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfMean,
        Data::new(x, Labels::Given(y)).unwrap(),
        init,
        RunConfig { t_end: Horizon::Finite(Rational::from(2)), arithmetic, precision: 53 },
    )
    .unwrap()
}

fn cancelled() -> Monitor {
    let m = Monitor::new();
    m.cancel();
    m
}

/// Cancels at the `k`-th poll.
fn cancel_after(k: usize) -> Monitor {
    let polls = std::sync::atomic::AtomicUsize::new(0);
    Monitor::with_observer(move |m, _| {
        if polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 >= k {
            m.cancel();
        }
    })
}

/// An interrupted validated run: reason `Interrupted`, `certified_until` ≥ 0 and equal to the lower
/// end of the time reached, segments contiguous from 0 up to it, events inside it.
fn check_interrupted(tr: &Trajectory<Interval>) -> f64 {
    let Status::Undecided { reason: UndecidedReason::Interrupted, certified_until } = tr.status() else {
        panic!("interrupted run expected, got {:?}", tr.status())
    };
    let until = certified_until.lower_f64();
    assert!(until >= 0.0);
    assert_eq!(until, tr.t_final().lower_f64());
    if let Some(first) = tr.segments().first() {
        assert_eq!(first.t_start().lower_f64(), 0.0);
        assert!(tr.segments().last().unwrap().t_end().lower_f64() >= until);
    }
    for pair in tr.segments().windows(2) {
        assert_eq!(pair[0].t_end(), pair[1].t_start(), "segments are contiguous");
    }
    for e in tr.events() {
        assert!(e.t.upper_f64() <= until + 1e-12, "event after certified_until");
    }
    until
}

#[test]
fn neuron_certify_interrupted_and_untouched() {
    for t_end in [Horizon::Infinite, Horizon::Finite(Rational::from(3))] {
        let p = neuron_problem(t_end, Arithmetic::Interval);
        let plain = neuron::certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
        assert_eq!(*plain.status(), Status::Certified);
        let watched = NeuronOptions { monitor: Some(Monitor::new()), ..NeuronOptions::default() };
        assert_eq!(neuron::certify::<Interval>(&p, &(), &watched).unwrap(), plain, "a quiet monitor changes nothing");
        let m = watched.monitor.clone().unwrap();
        assert!(m.progress().steps > 0, "progress was reported");
        let pre = NeuronOptions { monitor: Some(cancelled()), ..NeuronOptions::default() };
        let tr = neuron::certify::<Interval>(&p, &(), &pre).unwrap();
        assert_eq!(check_interrupted(&tr), 0.0);
        assert!(tr.events().is_empty() && tr.limit().is_none());
        // Stopped after some steps: a prefix of the full run's events, certified up to > 0.
        let mid = NeuronOptions { monitor: Some(cancel_after(6)), ..NeuronOptions::default() };
        let tr = neuron::certify::<Interval>(&p, &(), &mid).unwrap();
        assert!(check_interrupted(&tr) > 0.0);
        assert!(tr.events().len() <= plain.events().len());
        assert_eq!(tr.events()[..], plain.events()[..tr.events().len()]);
    }
}

#[test]
fn neuron_reference_stops_early_and_untouched() {
    let p = neuron_problem(Horizon::Finite(Rational::from(3)), Arithmetic::F64);
    let plain = neuron::reference::<f64>(&p, &(), &NeuronOptions::default()).unwrap().trajectory;
    let watched = NeuronOptions { monitor: Some(Monitor::new()), ..NeuronOptions::default() };
    assert_eq!(neuron::reference::<f64>(&p, &(), &watched).unwrap().trajectory, plain);
    let pre = NeuronOptions { monitor: Some(cancelled()), ..NeuronOptions::default() };
    let tr = neuron::reference::<f64>(&p, &(), &pre).unwrap().trajectory;
    assert_eq!(*tr.status(), Status::NotValidated);
    assert_eq!(*tr.t_final(), 0.0);
    assert!(*plain.t_final() == 3.0 && tr.events().is_empty());
}

#[test]
fn net_reference_stops_early_and_untouched() {
    let p = net_problem(Arithmetic::F64);
    let plain = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
    assert_eq!(plain.stop, RefStop::Reached);
    let watched = RefOptions { monitor: Some(Monitor::new()), ..RefOptions::f64() };
    let same = integrate_problem::<f64>(&p, &(), &watched).unwrap();
    assert_eq!((same.trajectory, same.steps), (plain.trajectory.clone(), plain.steps));
    let pre = RefOptions { monitor: Some(cancelled()), ..RefOptions::f64() };
    let r = integrate_problem::<f64>(&p, &(), &pre).unwrap();
    assert_eq!((r.stop, r.steps, *r.trajectory.t_final()), (RefStop::Interrupted, 0, 0.0));
    assert!(plain.steps > 3, "the full run takes several steps ({})", plain.steps);
    let mid = RefOptions { monitor: Some(cancel_after(3)), ..RefOptions::f64() };
    let r = integrate_problem::<f64>(&p, &(), &mid).unwrap();
    assert_eq!((r.stop, r.steps), (RefStop::Interrupted, 2));
    assert_eq!(r.trajectory.segments()[..], plain.trajectory.segments()[..2], "a prefix of the full run");
}

#[test]
fn net_validated_interrupted_and_untouched() {
    let p = net_problem(Arithmetic::Interval);
    // Short steps, so that the run has several to interrupt.
    let base = ValidatedOptions { h_max: 0.25, ..ValidatedOptions::default() };
    let plain = certify::<Interval>(&p, &(), &base).unwrap();
    let watched = ValidatedOptions { monitor: Some(Monitor::new()), ..base.clone() };
    assert_eq!(certify::<Interval>(&p, &(), &watched).unwrap(), plain, "a quiet monitor changes nothing");
    let pre = ValidatedOptions { monitor: Some(cancelled()), ..base.clone() };
    let tr = certify::<Interval>(&p, &(), &pre).unwrap();
    assert_eq!(check_interrupted(&tr), 0.0);
    assert!(tr.segments().is_empty() && tr.final_state() == tr.initial());
    assert!(plain.segments().len() > 3, "the full run takes several steps ({})", plain.segments().len());
    let mid = ValidatedOptions { monitor: Some(cancel_after(3)), ..base.clone() };
    let tr = certify::<Interval>(&p, &(), &mid).unwrap();
    let until = check_interrupted(&tr);
    assert!(until > 0.0);
    // Everything reported is exactly what the uninterrupted run certified for the same steps.
    let k = tr.segments().len();
    assert!(k >= 2);
    assert_eq!(tr.segments()[..], plain.segments()[..k]);
    assert_eq!(tr.events()[..], plain.events()[..tr.events().len()]);
    assert_eq!(tr.final_state(), plain.segments()[k - 1].end());
}

#[test]
fn a_passed_deadline_stops_with_a_budget_reason_and_can_be_cleared() {
    use reluflow_flow::UndecidedReason;
    use reluflow_flow::monitor::Monitor;
    use std::time::Duration;
    let m = Monitor::new();
    m.set_deadline(Some((Duration::from_secs(3600), "an hour".into())));
    assert!(!m.poll(0.0, 1, 0) && m.budget_exhausted().is_none());
    m.set_deadline(Some((Duration::ZERO, "no time (--time-limit)".into())));
    assert!(m.poll(0.0, 2, 0) && !m.is_cancelled());
    assert_eq!(m.stop_reason(), UndecidedReason::Budget { what: "no time (--time-limit)".into() });
    m.set_deadline(None);
    assert!(!m.poll(0.0, 3, 0));
    assert_eq!(m.stop_reason(), UndecidedReason::Interrupted);
}
