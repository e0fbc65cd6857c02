//! Property tests: every certified enclosure of the single-neuron solver contains the 1024-bit
//! MPFR reference trajectory (`reference::<rug::Float>`), on random small exact problems
//! (d ≤ 6, n ≤ 8, both σ'(0) conventions, random labels of both signs, random initialisations,
//! finite and infinite horizons).
//!
//! The default case count keeps the debug test time small; for hundreds of instances run
//! `PROPTEST_CASES=500 cargo test -p reluflow-flow --release --test neuron_prop`.

use proptest::prelude::*;
use reluflow_arith::{Enclosure, Float, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronOptions, ReferenceRun, certify, reference};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::*;

const REF_BITS: u32 = 1024;

fn small_rational() -> impl Strategy<Value = Rational> {
    (-4i64..=4, prop_oneof![Just(1i64), Just(2), Just(3)]).prop_map(|(p, q)| Rational::from((p, q)))
}

/// A valid single-neuron problem with small exact rational data.
fn problem() -> impl Strategy<Value = Problem> {
    (1usize..=6, 1usize..=8)
        .prop_flat_map(|(d, n)| {
            (
                proptest::collection::vec(proptest::collection::vec(small_rational(), d), n),
                proptest::collection::vec(prop_oneof![7 => 0i64..=4, 1 => -2i64..=-1], n),
                proptest::collection::vec(small_rational(), d),
                prop_oneof![Just(ReluPrime::Zero), Just(ReluPrime::One)],
                prop_oneof![Just(LossScale::HalfSum), Just(LossScale::HalfMean), Just(LossScale::Mean)],
                prop_oneof![Just(None), Just(Some(1i64)), Just(Some(4))],
                proptest::bool::weighted(0.25),
            )
        })
        .prop_map(|(x, y, w0, rp, loss, horizon, zero_init)| {
            let y = y.into_iter().map(Rational::from).collect();
            let w = if zero_init { vec![Rational::new(); w0.len()] } else { w0 };
            let t_end = match horizon {
                None => Horizon::Infinite,
                Some(t) => Horizon::Finite(Rational::from((t, 2))),
            };
            Problem::new(
                ModelKind::SingleNeuron,
                rp,
                loss,
                Data::new(x, Labels::Given(y)).unwrap(),
                Init::Single { w },
                RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 128 },
            )
            .unwrap()
        })
}

fn upper_q<S: Scalar>(s: &S) -> Option<Rational> {
    match s.upper() {
        reluflow_arith::Bound::Finite(q) => Some(q),
        _ => None,
    }
}
fn lower_q<S: Scalar>(s: &S) -> Option<Rational> {
    match s.lower() {
        reluflow_arith::Bound::Finite(q) => Some(q),
        _ => None,
    }
}

fn contains<S: Enclosure>(boxed: &[S], w: &[Float]) -> bool {
    boxed.iter().zip(w).all(|(b, v)| b.contains_rational(&v.to_rational().unwrap()))
}

/// Checks every certified claim of `tr` against the reference.
fn compare<S: Enclosure>(tr: &Trajectory<S>, rf: &ReferenceRun<Float>) -> Result<(), TestCaseError> {
    let until: Option<Rational> = match &tr.status {
        Status::Certified => None,
        Status::Undecided { certified_until, .. } => Some(lower_q(certified_until).unwrap()),
        Status::NotValidated => return Err(TestCaseError::fail("certify returned NotValidated")),
    };
    let ctx = REF_BITS;
    for (k, seg) in tr.segments.iter().enumerate() {
        let (Some(a), Some(mut b)) = (upper_q(&seg.t_start), lower_q(&seg.t_end)) else { continue };
        if let Some(u) = &until
            && *u < b
        {
            b = u.clone();
        }
        if a > b {
            continue;
        }
        for j in 0..=3u32 {
            let t: Rational = &a + Rational::from(&b - &a) * Rational::from((j, 3u32));
            let w = rf.state_at(&Float::from_rational(&t, &ctx));
            prop_assert!(contains(&seg.hull.w[0], &w), "segment {k} hull misses the reference at t = {t}");
        }
    }
    let certified = matches!(tr.status, Status::Certified);
    let ref_events = &rf.trajectory.events;
    for (k, ev) in tr.events.iter().enumerate() {
        prop_assert!(k < ref_events.len(), "certified event {k} missing in the reference");
        let re = &ref_events[k];
        prop_assert_eq!((ev.point, ev.kind), (re.point, re.kind), "event {} differs", k);
        prop_assert!(ev.t.contains_rational(&re.t.to_rational().unwrap()), "event {k} time");
        // Points on one hyperplane switch together: several events may end the same segment.
        let seg = tr.segments.iter().find(|s| s.t_end.lower() == ev.t.lower() && s.t_end.upper() == ev.t.upper());
        let seg = seg.expect("a segment ends at each event");
        let w = rf.state_at(&re.t);
        prop_assert!(contains(&seg.end.w[0], &w), "the end state of the segment of event {k} misses the reference");
    }
    if certified {
        prop_assert_eq!(tr.events.len(), ref_events.len(), "event counts differ");
        if let Some(lim) = &tr.limit {
            let rl = rf.trajectory.limit.as_ref().expect("reference limit");
            prop_assert!(contains(&lim.state.w[0], &rl.state.w[0]), "limit misses the reference");
            prop_assert!(
                lim.loss.contains_rational(&rl.loss.to_rational().unwrap()) || lim.loss.width_upper() < 1e-300
            );
        } else {
            let w = rf.state_at(&Float::from_rational(&upper_q(&tr.t_final).unwrap(), &ctx));
            prop_assert!(contains(&tr.final_state.w[0], &w), "final state misses the reference");
        }
    }
    Ok(())
}

fn reach<S: Enclosure>(tr: &Trajectory<S>) -> Option<Rational> {
    match &tr.status {
        Status::Undecided { certified_until, .. } => upper_q(certified_until),
        _ => None,
    }
}

fn run_case(p: &Problem) -> Result<(), TestCaseError> {
    let opts = NeuronOptions::default();
    let t0 = std::time::Instant::now();
    let tr = certify::<Interval>(p, &(), &opts).unwrap();
    let tm = certify::<MpInterval>(p, &128, &opts).unwrap();
    let t1 = t0.elapsed();
    // The reference is only needed as far as something is certified.
    let horizon = match (reach(&tr), reach(&tm)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    if horizon.as_ref().is_some_and(|h| *h == 0) {
        // Nothing after t = 0 is certified: at most the initial state, which is exact.
        for seg in tr.segments.iter() {
            prop_assert!(seg.t_end.contains_rational(&Rational::new()));
        }
        return Ok(());
    }
    let pr = match horizon {
        Some(h) => {
            let mut run = p.run().clone();
            run.t_end = Horizon::Finite(h);
            p.with_run(run).unwrap()
        }
        None => p.clone(),
    };
    let ref_opts = NeuronOptions { max_steps: 4000, ..NeuronOptions::default() };
    let rf = reference::<Float>(&pr, &REF_BITS, &ref_opts).unwrap();
    if std::env::var("NEURON_PROP_STATS").is_ok() {
        eprintln!(
            "status {:?} events {} limit {} cert {:?} ref {:?} (d {}, n {})",
            tr.status,
            tr.events.len(),
            tr.limit.is_some(),
            t1,
            t0.elapsed() - t1,
            p.data().d(),
            p.data().n()
        );
    }
    compare(&tr, &rf)?;
    compare(&tm, &rf)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        // A fault-injection build fails on purpose: never record its failures as regressions.
        failure_persistence: if reluflow_arith::FAULT_INJECTED {
            None
        } else {
            ProptestConfig::default().failure_persistence
        },
        ..ProptestConfig::default()
    })]
    #[test]
    fn certified_enclosures_contain_the_mpfr_reference(p in problem()) {
        run_case(&p)?;
    }
}
