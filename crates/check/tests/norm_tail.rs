//! `lsy.norm-growth` on the single-neuron tail `[T, ∞)` (the residual's modes), against 256-bit
//! reference runs on seeded random instances: a `holds` never meets a reference whose `½‖w‖²`
//! decreases between two sample times, and a violation on the tail is a real decrease there.

mod common;

use common::q;
use reluflow_arith::{Float, Interval, Scalar, linalg};
use reluflow_check::{Location, Selection, Verdict, check};
use reluflow_flow::neuron::{NeuronOptions, certify, reference};
use reluflow_model::*;
use rug::Rational;

const BITS: u32 = 256;

/// A small deterministic generator (the test's seeds are its cases).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, k: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % k
    }
    /// A short decimal in [−lim, lim] with one decimal digit.
    fn dec(&mut self, lim: i64) -> Rational {
        let k = self.next((20 * lim + 1) as u64) as i64 - 10 * lim;
        Rational::from((k, 10))
    }
}

fn instance(seed: u64) -> Problem {
    let mut g = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let d = 2 + g.next(2) as usize;
    let n = 2 + g.next(3) as usize;
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| g.dec(2)).collect()).collect();
    let labels = if g.next(2) == 0 {
        Labels::Teacher((0..d).map(|_| g.dec(2)).collect())
    } else {
        Labels::Given((0..n).map(|_| Rational::from(g.dec(2).abs_ref())).collect())
    };
    let w: Vec<Rational> = (0..d).map(|_| g.dec(1)).collect();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    let data = Data::new(x, labels).unwrap();
    Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data, Init::Single { w }, run).unwrap()
}

/// `½‖w(t)‖²` of the 256-bit reference at the times `ts`.
fn half_norms(p: &Problem, ts: &[f64]) -> Vec<Float> {
    let run = reference::<Float>(p, &BITS, &NeuronOptions::default()).unwrap();
    ts.iter()
        .map(|&t| {
            let w = run.state_at(&Float::from_f64(t, &BITS));
            linalg::norm_sq(&w, &BITS).mul_2si(-1)
        })
        .collect()
}

/// Reference sample times from `a` to `b`.
fn grid(a: f64, b: f64, k: usize) -> Vec<f64> {
    (0..=k).map(|i| a + (b - a) * i as f64 / k as f64).collect()
}

#[test]
fn tail_verdicts_agree_with_the_reference() {
    let sel = Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() };
    let (mut holds, mut violated_tail, mut undecided_tail, mut tried) = (0, 0, 0, 0);
    let tol = Float::from_rational(&q("1e-60"), &BITS);
    for seed in 0..120u64 {
        let p = instance(seed);
        let Ok(t) = certify::<Interval>(&p, &(), &NeuronOptions::default()) else { continue };
        if t.limit().is_none() {
            continue;
        }
        tried += 1;
        let t_last = t.t_final().upper_f64();
        let row = check(&p, &t, &sel).rows.remove(0);
        match &row.conclusion {
            Verdict::Holds { .. } => {
                holds += 1;
                let ts: Vec<f64> = grid(0.0, t_last, 40).into_iter().chain(grid(t_last, t_last + 30.0, 300)).collect();
                let v = half_norms(&p, &ts);
                for (k, pair) in v.windows(2).enumerate() {
                    assert!(
                        pair[1].sub(&pair[0]).add(&tol).certainly_nonneg(),
                        "seed {seed}: holds, but ½‖w‖² decreases between t = {} and {}",
                        ts[k],
                        ts[k + 1]
                    );
                }
            }
            Verdict::Violated { witness } => {
                if let Location::Tail { t_start, t_end } = &witness.at {
                    violated_tail += 1;
                    let a = t_start.upper_f64();
                    let b = t_end.as_ref().map_or(a + 1.0, |e| e.lower_f64());
                    let v = half_norms(&p, &[a, 0.5 * (a + b), b]);
                    assert!(
                        v[1].certainly_lt(&v[0]) && v[2].certainly_lt(&v[1]),
                        "seed {seed}: violated on the tail t ∈ [{a}, {b}], but the reference's ½‖w‖² is {v:?}"
                    );
                }
            }
            Verdict::Undecided { why } if why.contains("tail") => undecided_tail += 1,
            _ => {}
        }
    }
    eprintln!(
        "{tried} limits: {holds} hold, {violated_tail} violated on the tail, {undecided_tail} undecided on the tail"
    );
    assert!(tried >= 60, "too few certified limits ({tried}) for the test to mean anything");
    assert!(holds >= 5 && violated_tail >= 1, "the tail argument was not exercised: {holds} / {violated_tail}");
    assert!(undecided_tail * 10 <= tried, "{undecided_tail} of {tried} tails undecided");
}
