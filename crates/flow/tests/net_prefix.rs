//! A run that stops undecided keeps everything it proved before: a sliding surface met inside the
//! first (long, small-initialisation) step leaves the steps up to the lower end of the crossing
//! window certified, and those enclosures contain a 256-bit reference.

use reluflow_arith::{Enclosure, Float, Interval, MpInterval};
use reluflow_flow::net::reference::{RefOptions, RefStop, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{State, Status, Trajectory, UndecidedReason};
use reluflow_model::*;
use rug::Rational;

const BITS: u32 = 256;

fn q(s: &str) -> Rational {
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    Rational::from((n.parse::<i64>().unwrap(), d.parse::<i64>().unwrap()))
}

fn rows(v: &[&[&str]]) -> Vec<Vec<Rational>> {
    v.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect()
}

/// Seed 31 of the `decided_net` bench: point 3 of neuron 1 slides at t ≈ 1.8.
fn sliding_instance() -> Problem {
    let x = rows(&[
        &["0", "2/5", "-9/10", "-1/2"],
        &["-4/5", "-1/10", "9/10", "1"],
        &["1/10", "-2/5", "3/10", "0"],
        &["9/10", "1/2", "3/5", "0"],
        &["0", "1/2", "1/2", "-3/5"],
    ]);
    let teacher = ["1/2", "1/2", "0", "9/10"].iter().map(|s| q(s)).collect();
    let z =
        rows(&[&["1/10", "-1/5", "3/5", "-9/10"], &["1", "-1/2", "-2/5", "-1/10"], &["9/10", "-3/10", "3/10", "-1/5"]]);
    let init = Init::Balanced { scale: q("1/1000"), z, s: vec![1, -1, 1] };
    let run = RunConfig { t_end: Horizon::Finite(q("20")), arithmetic: Arithmetic::Interval, precision: 128 };
    let data = Data::new(x, Labels::Teacher(teacher)).unwrap();
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

fn contains<S: Enclosure>(e: &State<S>, r: &State<Float>) -> bool {
    flat(e).iter().zip(flat(r)).all(|(e, v)| {
        let slack = 1e-40 * v.to_f64().abs() + 1e-300;
        e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack
    })
}

/// The prefix is kept, ends no later than the reference's sliding time, and contains the reference.
fn prefix_is_kept<S: Enclosure>(tr: &Trajectory<S>) {
    let Status::Undecided { reason, certified_until } = &tr.status else { panic!("{:?}", tr.status) };
    assert_eq!(*reason, UndecidedReason::Sliding { neuron: 1, point: 3 });
    let opts = RefOptions { tol: 1e-50, order: 60, dense: true, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(&sliding_instance(), &BITS, &opts).unwrap();
    let RefStop::Sliding { neuron: 1, point: 3 } = run.stop else { panic!("reference: {:?}", run.stop) };
    let t_slide = run.trajectory.t_final.to_f64();
    let cu = certified_until.upper_f64();
    assert!(cu <= t_slide && cu > t_slide - 0.05, "certified until {cu}, sliding at {t_slide}");
    assert!(!tr.segments.is_empty());
    let last = tr.segments.last().unwrap();
    assert!(last.t_end.lower_f64() <= certified_until.lower_f64() && cu <= last.t_end.upper_f64());
    for seg in &tr.segments {
        let (a, b) = (seg.t_start.upper_f64(), seg.t_end.lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            let s = run.state_at(&Float::with_val(BITS, t)).unwrap();
            assert!(contains(&seg.hull, &s), "hull at {t}");
        }
    }
    let at_cu = run.state_at(&Float::with_val(BITS, certified_until.lower_f64())).unwrap();
    assert!(certified_until.width_upper() > 0.0 || contains(&tr.final_state, &at_cu), "state at the end of the prefix");
}

#[test]
fn sliding_inside_the_first_step_keeps_the_certified_prefix() {
    let p = sliding_instance();
    prefix_is_kept(&certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap());
    prefix_is_kept(&certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap());
}
