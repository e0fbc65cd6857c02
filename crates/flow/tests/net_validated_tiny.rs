//! The tiny-initialisation example of issue 4: m = 4, d = n = 3, λ = 1e-600, 256-bit MPFR
//! intervals, through the alignment phase and the escape from the saddle at the origin.
//!
//! Heavy (minutes in release): `cargo test --release -p reluflow-flow --test net_validated_tiny -- --ignored --nocapture`.
//! Set `RF_TINY_T` to change the horizon, `RF_TINY_SEED` the seed, `RF_TINY_ORDER` the Taylor order.

use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, loss};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedError, ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::{EventKind, Status};
use reluflow_model::*;
use rug::Rational;

fn tiny_problem(seed: u64, t_end: Rational, scale: &str) -> Problem {
    let inst = generate(&Spec { scheme: Scheme::Uncentred, n: 3, d: 3, m: 4, seed });
    inst.to_problem(
        reluflow_arith::exact::parse_exact(scale).unwrap(),
        ReluPrime::Zero,
        LossScale::HalfMean,
        RunConfig { t_end: Horizon::Finite(t_end), arithmetic: Arithmetic::MpfrInterval, precision: 256 },
    )
    .unwrap()
}

#[test]
fn f64_intervals_refuse_tiny_scales() {
    let p = tiny_problem(1, Rational::from(1), "1e-600");
    let r = certify_with_stats::<Interval>(&p, &(), &ValidatedOptions::default());
    assert!(matches!(r, Err(ValidatedError::Net(reluflow_flow::net::NetError::ScaleOutOfRange { .. }))), "{r:?}");
}

#[test]
#[ignore = "minutes in release; run explicitly (see the module docs)"]
fn tiny_scale_alignment_and_escape() {
    let seed: u64 = std::env::var("RF_TINY_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let t_end: i64 = std::env::var("RF_TINY_T").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let p = tiny_problem(seed, Rational::from(t_end), "1e-600");
    let prec = 256u32;
    if let Init::Balanced { s, .. } = p.init() {
        println!("signs {s:?}");
    }
    let order: usize = std::env::var("RF_TINY_ORDER").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let opts = ValidatedOptions { order, ..ValidatedOptions::default() };
    let t0 = std::time::Instant::now();
    let (tr, st) = certify_with_stats::<MpInterval>(&p, &prec, &opts).unwrap();
    let wall = t0.elapsed();
    println!("wall {wall:?}, stats {st:?}");
    println!("status {:?}", tr.status);
    for e in &tr.events {
        println!(
            "event {:?} neuron {} point {} t ∈ [{:.6}, {:.6}]",
            e.kind,
            e.neuron,
            e.point,
            e.t.lower_f64(),
            e.t.upper_f64()
        );
    }
    let data = NetData::<MpInterval>::from_problem(&p, &prec);
    let l0 = loss(&data, &tr.initial);
    let l1 = loss(&data, &tr.final_state);
    println!(
        "loss(0) ∈ [{:e}, {:e}], loss(T) ∈ [{:e}, {:e}]",
        l0.lower_f64(),
        l0.upper_f64(),
        l1.lower_f64(),
        l1.upper_f64()
    );
    for (j, w) in tr.final_state.w.iter().enumerate() {
        let a = &tr.final_state.a.as_ref().unwrap()[j];
        let rel = a.hi_point().sub(&a.lo_point()).div(&a.abs()).upper_f64();
        let ln10 = a.abs().ln().approx_f64() / std::f64::consts::LN_10;
        println!(
            "neuron {j}: |a| ≈ 10^{ln10:.3}, relative width of a {rel:e}, frozen-size w[0] {:?}",
            w[0].approx_f64()
        );
    }
    // Cross-check: the 256-bit non-validated reference (`net::reference`) ends inside the enclosure.
    let t1 = std::time::Instant::now();
    let reference = integrate_problem::<Float>(&p, &prec, &RefOptions::for_bits(prec)).unwrap();
    println!("reference: {:?}, {} steps, {} events", t1.elapsed(), reference.steps, reference.trajectory.events.len());
    let rf = &reference.trajectory.final_state;
    let pairs =
        rf.w.iter()
            .flatten()
            .chain(rf.a.as_ref().unwrap())
            .zip(tr.final_state.w.iter().flatten().chain(tr.final_state.a.as_ref().unwrap()));
    for (r, e) in pairs {
        let q = r.to_rational().unwrap();
        let slack = 1e-40 * (1.0 + r.to_f64().abs());
        assert!(
            e.inflate(slack).contains_rational(&q),
            "reference {r} outside [{:e}, {:e}]",
            e.lower_f64(),
            e.upper_f64()
        );
    }
    assert!(matches!(tr.status, Status::Certified), "{:?}", tr.status);
    assert!(tr.events.iter().any(|e| e.kind == EventKind::Death), "no certified death");
    let _ = MpInterval::zero(&prec);
}
