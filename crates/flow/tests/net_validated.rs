//! Soundness tests of the validated two-layer integrator (`net::validated`).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::Status;
use reluflow_model::*;
use rug::Rational;

/// A random two-layer problem with small dyadic data, `y_i > 0`, explicit initial weights.
fn random_problem(seed: u64, m: usize, n: usize, d: usize, t_end: Rational) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut q = |lo: i32, hi: i32| Rational::from((rng.random_range(lo..=hi), 8));
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect();
    let y: Vec<Rational> = (0..n).map(|_| q(1, 16)).collect();
    let init = Init::Explicit {
        w: (0..m).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect(),
        a: (0..m).map(|_| q(-8, 8)).collect(),
    };
    Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfMean,
        Data::new(x, Labels::Given(y)).unwrap(),
        init,
        RunConfig { t_end: Horizon::Finite(t_end), arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap()
}

#[test]
fn smoke() {
    for seed in 0..8 {
        let p = random_problem(seed, 3, 3, 3, Rational::from(4));
        let opts = ValidatedOptions::default();
        let t0 = std::time::Instant::now();
        match certify_with_stats::<Interval>(&p, &(), &opts) {
            Ok((tr, st)) => {
                println!(
                    "seed {seed}: {:?} status {:?} t_final {:?} events {:?} {:?}",
                    t0.elapsed(),
                    tr.status,
                    tr.t_final,
                    tr.events.iter().map(|e| (e.neuron, e.point, e.kind)).collect::<Vec<_>>(),
                    st
                );
            }
            Err(e) => println!("seed {seed}: error {e}"),
        }
        let t0 = std::time::Instant::now();
        let (tr, st) = certify_with_stats::<MpInterval>(&p, &128, &opts).unwrap();
        println!(
            "  mp seed {seed}: {:?} status {:?} events {} {:?}",
            t0.elapsed(),
            matches!(tr.status, Status::Certified),
            tr.events.len(),
            st
        );
        let _ = tr.final_state.w[0][0].width_upper();
    }
}
