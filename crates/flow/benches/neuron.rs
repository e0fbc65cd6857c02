//! Benchmark: time to certify the Vardi–Shamir Theorem 3 limits (γ = 0, 1, 2, 5) with f64
//! intervals and 256-bit MPFR intervals, against an adaptive f64 Dormand–Prince 5(4) integration
//! of the same flow (no events, no proof) to the same final accuracy, as a ratio.
//!
//! Run: `cargo bench -p reluflow-flow --bench neuron`.

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::neuron::rk::{Field, dopri5};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn vardi_shamir(gamma: &str) -> Problem {
    let data = Data::new(
        vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]],
        Labels::Given(vec![q("16"), q("18"), q("0")]),
    )
    .unwrap();
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![q("0"); 3] },
        RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 256 },
    )
    .unwrap()
}

/// Median time per call over enough repetitions to fill ~0.3 s.
fn time<F: FnMut()>(mut f: F) -> Duration {
    let t = Instant::now();
    f();
    let once = t.elapsed().max(Duration::from_nanos(100));
    let reps = ((0.3 / once.as_secs_f64()) as usize).clamp(5, 2000);
    let mut v: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let opts = NeuronOptions::default();
    println!(
        "{:>3} {:>14} {:>12} {:>14} {:>12} {:>12} {:>9} {:>12} {:>9}",
        "γ", "f64-iv time", "width", "mpfr256 time", "width", "dopri5", "rk err", "iv/rk", "evals"
    );
    for g in ["0", "1", "2", "5"] {
        let p = vardi_shamir(g);
        let ti = time(|| {
            black_box(certify::<Interval>(black_box(&p), &(), &opts).unwrap());
        });
        let tm = time(|| {
            black_box(certify::<MpInterval>(black_box(&p), &256, &opts).unwrap());
        });
        let tr = certify::<Interval>(&p, &(), &opts).unwrap();
        let lim = tr.limit().expect("certified limit");
        let wi = lim.state.w[0].iter().map(|v| v.width_upper()).fold(0.0, f64::max);
        let trm = certify::<MpInterval>(&p, &256, &opts).unwrap();
        let wm = trm.limit().expect("certified limit").state.w[0].iter().map(|v| v.width_upper()).fold(0.0, f64::max);
        let s: Vec<f64> = lim.state.w[0].iter().map(|v| v.approx_f64()).collect();
        // The same flow with Dormand–Prince: from w = 0 (σ'(0) = 1 makes every point active there) to
        // T = 40, where exp(−λ_min T) is far below the tolerance; error against the certified limit.
        let gv: f64 = g.parse().unwrap();
        let field = Field {
            x: vec![vec![3.0, -1.0, 0.0], vec![4.0, 2.0, 0.0], vec![0.0, gv, gv]],
            y: vec![16.0, 18.0, 0.0],
            g: 1.0,
            zero_is_active: true,
        };
        let mut stats = Default::default();
        let mut w_rk = vec![];
        let trk = time(|| {
            let (w, st) = dopri5(&field, &[0.0; 3], 40.0, 1e-13);
            stats = st;
            w_rk = w;
        });
        let err = w_rk.iter().zip(&s).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        println!(
            "{:>3} {:>14?} {:>12.2e} {:>14?} {:>12.2e} {:>12?} {:>9.1e} {:>12.2} {:>9}",
            g,
            ti,
            wi,
            tm,
            wm,
            trk,
            err,
            ti.as_secs_f64() / trk.as_secs_f64(),
            stats.evals
        );
    }
}
