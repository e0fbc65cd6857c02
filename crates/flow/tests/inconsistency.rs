//! Every place where the integrators meet two enclosures of one exact value stops the run when
//! they do not meet (`proofs-notes/defence-in-depth.md`): with the meeting at one site made to
//! fail (`reluflow_arith::meet::inject`, feature `inject-inconsistency`), the run must end with
//! [`UndecidedReason::Inconsistent`] naming that site, no limit, and nothing reported after the
//! time it stopped. `SITES` must list every site of the integrators; the workspace's source-rules
//! test checks that it does.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_arith::meet::inject;
use reluflow_arith::{Enclosure, Interval, MpInterval, Rational, Scalar};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_flow::{Status, Trajectory, UndecidedReason};
use reluflow_model::*;

/// The single-neuron sites.
const NEURON_SITES: &[&str] = &[
    "neuron: event box ∩ restart ball",
    "neuron: limit ∩ kernel limit",
    "neuron: dense box ∩ tail box",
    "neuron: guard rate on the root interval ∩ on the step",
    "neuron: Newton image ∩ root interval",
    "neuron: mean-value box ∩ dense box at the switch",
];

/// The two-layer sites.
const NET_SITES: &[&str] = &[
    "net: Lohner end via the set ∩ direct",
    "net: ball end ∩ a priori box",
    "net: frozen neuron after a step ∩ before it",
    "net: approach hull ∩ a priori box",
    "net: Lohner set through a switch ∩ switch end box",
    "net: Taylor hull before a switch ∩ a priori box",
    "net: Taylor box at a switch ∩ a priori box",
    "net: Taylor box after a switch ∩ a priori box",
    "net: sliding Taylor box after entry ∩ a priori box",
    "net: Taylor hull before a slide exit ∩ a priori box",
    "net: Taylor box at a slide exit ∩ a priori box",
    "net: Taylor box after a slide exit ∩ a priori box",
    "net: ball box ∩ current box",
    "net: ball-step Taylor hull ∩ a priori box",
    "net: limit box ∩ earlier limit box",
    "net: λ_min, K_ic ∩ K_ci",
];

fn small(rng: &mut ChaCha8Rng, lo: i32, hi: i32) -> Rational {
    Rational::from((rng.random_range(lo..=hi), 4))
}

/// Random single neurons (σ'(0) = 0, short dyadic data, labels of both signs), finite and
/// infinite horizons: between them they switch, die, reach limits and horizons.
fn neuron_candidates() -> impl Iterator<Item = Problem> {
    (0..60u64).map(|seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (n, d) = (2 + seed as usize % 3, 2 + (seed as usize / 3) % 2);
        let x = (0..n).map(|_| (0..d).map(|_| small(&mut rng, -8, 8)).collect()).collect();
        let y = (0..n).map(|_| small(&mut rng, -2, 12)).collect();
        let w = (0..d).map(|_| small(&mut rng, -6, 6)).collect();
        let t_end = if seed % 2 == 0 { Horizon::Infinite } else { Horizon::Finite(Rational::from(8)) };
        Problem::new(
            ModelKind::SingleNeuron,
            ReluPrime::Zero,
            LossScale::HalfSum,
            Data::new(x, Labels::Given(y)).unwrap(),
            Init::Single { w },
            RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 128 },
        )
        .unwrap()
    })
}

/// Small two-layer problems: balanced starts whose negative neurons die, long explicit runs that
/// reach the ball phase, `t_end = inf` runs that prove limits, small-initialisation runs
/// (m = d = n = 3) with several switches, and runs cut just after a switch (approach steps).
fn net_candidates() -> impl Iterator<Item = (Problem, ValidatedOptions)> {
    let varied = (0..48u64).map(net_candidates_varied_one);
    let small_init = (0..8u64).map(|seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(2000 + seed);
        let x = (0..3).map(|_| (0..3).map(|_| small(&mut rng, -8, 8)).collect()).collect();
        let y = (0..3).map(|_| small(&mut rng, 1, 16)).collect();
        let init = Init::Balanced {
            scale: Rational::from((1, 1024)),
            z: (0..3).map(|_| (0..3).map(|_| small(&mut rng, -8, 8)).collect()).collect(),
            s: vec![1, -1, 1],
        };
        let run =
            RunConfig { t_end: Horizon::Finite(Rational::from(12)), arithmetic: Arithmetic::Interval, precision: 53 };
        let data = Data::new(x, Labels::Given(y)).unwrap();
        let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
        (p, ValidatedOptions::default())
    });
    small_init.chain(varied).chain(near_horizon()).chain([sliding_entry(), sliding_exit()])
}

/// A Clarke run that leaves a sliding mode to the active side (t ≈ 7.39; the `decided_net` bench's
/// seed 10).
fn sliding_exit() -> (Problem, ValidatedOptions) {
    let q = |n: i64| Rational::from((n, 10));
    let rows = |v: &[&[i64]]| -> Vec<Vec<Rational>> { v.iter().map(|r| r.iter().map(|&n| q(n)).collect()).collect() };
    let x = rows(&[&[1, 8, 5], &[-7, 0, -8]]);
    let z = rows(&[&[4, 6, -9], &[-8, 7, -8], &[3, -1, 4]]);
    let teacher = vec![q(-4), q(9), q(-7)];
    let init = Init::Balanced { scale: q(1), z, s: vec![1, -1, 1] };
    let run = RunConfig { t_end: Horizon::Finite(Rational::from(8)), arithmetic: Arithmetic::Interval, precision: 53 };
    let data = Data::new(x, Labels::Teacher(teacher)).unwrap();
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    (p.with_solution(Solution::Clarke).unwrap(), ValidatedOptions::default())
}

/// A Clarke run that enters a sliding mode at a crossing (t ≈ 1.8; the `decided_net` bench's
/// seed 31).
fn sliding_entry() -> (Problem, ValidatedOptions) {
    let q = |n: i64| Rational::from((n, 10));
    let rows = |v: &[&[i64]]| -> Vec<Vec<Rational>> { v.iter().map(|r| r.iter().map(|&n| q(n)).collect()).collect() };
    let x = rows(&[&[0, 4, -9, -5], &[-8, -1, 9, 10], &[1, -4, 3, 0], &[9, 5, 6, 0], &[0, 5, 5, -6]]);
    let z = rows(&[&[1, -2, 6, -9], &[10, -5, -4, -1], &[9, -3, 3, -2]]);
    let teacher = vec![q(5), q(5), q(0), q(9)];
    let init = Init::Balanced { scale: Rational::from((1, 1000)), z, s: vec![1, -1, 1] };
    let run = RunConfig { t_end: Horizon::Finite(Rational::from(3)), arithmetic: Arithmetic::Interval, precision: 53 };
    let data = Data::new(x, Labels::Teacher(teacher)).unwrap();
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    (p.with_solution(Solution::Clarke).unwrap(), ValidatedOptions::default())
}

/// One varied candidate: balanced (dies), explicit long (ball phase) or `t_end = inf` (limit).
fn net_candidates_varied_one(seed: u64) -> (Problem, ValidatedOptions) {
    let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
    let (m, n, d) = (2 + seed as usize % 2, 2 + (seed as usize / 4) % 2, 2 + (seed as usize / 2) % 2);
    let x = (0..n).map(|_| (0..d).map(|_| small(&mut rng, -8, 8)).collect()).collect();
    let y = (0..n).map(|_| small(&mut rng, 1, 16)).collect();
    let (init, t_end) = match seed % 3 {
        0 => (
            Init::Balanced {
                scale: Rational::from((1, 16)),
                z: (0..m).map(|_| (0..d).map(|_| small(&mut rng, -8, 8)).collect()).collect(),
                s: (0..m).map(|j| if j % 2 == 0 { -1 } else { 1 }).collect(),
            },
            Horizon::Finite(Rational::from(6)),
        ),
        k => (
            Init::Explicit {
                w: (0..m).map(|_| (0..d).map(|_| small(&mut rng, -8, 8)).collect()).collect(),
                a: (0..m).map(|_| small(&mut rng, -8, 8)).collect(),
            },
            if k == 1 { Horizon::Finite(Rational::from(16)) } else { Horizon::Infinite },
        ),
    };
    let run = RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 };
    let data = Data::new(x, Labels::Given(y)).unwrap();
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    (p, ValidatedOptions { h_max: 1.0, limit_search_until: 64.0, ..ValidatedOptions::default() })
}

/// Varied candidates cut just after their first switch: a switch within a few window widths of
/// the horizon is approached instead of crossed (the approach step's site).
fn near_horizon() -> impl Iterator<Item = (Problem, ValidatedOptions)> {
    (0..48u64).filter_map(|k| {
        let (p, opts) = net_candidates_varied_one(k);
        let (tr, _) = certify_with_stats::<Interval>(&p, &(), &opts).ok()?;
        let first = &tr.events().first()?.t;
        let t_end = Rational::from_f64(first.upper_f64())? + Rational::from_f64(2.0 * first.width_upper())?;
        let run = RunConfig { t_end: Horizon::Finite(t_end), ..p.run().clone() };
        Some((p.with_run(run).ok()?, opts))
    })
}

/// The run stopped on an inconsistency at `site`, reports no limit, and nothing after the stop.
fn stopped_at<S: Enclosure>(site: &str, tr: &Trajectory<S>) {
    let Status::Undecided { reason: UndecidedReason::Inconsistent(e), certified_until } = tr.status() else {
        panic!("{site}: the injected inconsistency did not stop the run: {:?}", tr.status());
    };
    assert_eq!(e.site(), site);
    assert!(tr.limit().is_none(), "{site}: a limit is reported after an inconsistency");
    let until = certified_until.upper_f64();
    for (k, s) in tr.segments().iter().enumerate() {
        assert!(s.t_end().lower_f64() <= until, "{site}: segment {k} ends after the stop at {until}");
    }
    for ev in tr.events() {
        assert!(ev.t.lower_f64() <= until, "{site}: an event after the stop at {until}");
    }
    let text = UndecidedReason::Inconsistent(e.clone()).to_string();
    assert!(text.contains("internal inconsistency") && text.contains(site), "{text}");
}

/// Arms each site in turn and runs the candidates until one reaches it; that run must have stopped
/// there ([`stopped_at`]).
fn every_site_stops<S: Enclosure, C>(
    sites: &[&'static str],
    candidates: impl Fn() -> C,
    run: impl Fn(&C::Item) -> Trajectory<S>,
) where
    C: Iterator,
{
    for &site in sites {
        let reached = candidates().any(|c| {
            let armed = inject::arm(site);
            let tr = run(&c);
            let hit = armed.hits() > 0;
            if hit {
                stopped_at(site, &tr);
            }
            hit
        });
        assert!(reached, "no candidate problem reaches the site {site:?}");
    }
}

#[test]
fn every_neuron_site_stops_the_run() {
    every_site_stops(NEURON_SITES, neuron_candidates, |p| {
        certify::<MpInterval>(p, &128, &NeuronOptions::default()).unwrap()
    });
}

#[test]
fn every_two_layer_site_stops_the_run() {
    every_site_stops(NET_SITES, net_candidates, |(p, opts)| certify_with_stats::<Interval>(p, &(), opts).unwrap().0);
}

/// Unarmed, the same candidates run as usual: the injection is inert.
#[test]
fn unarmed_runs_are_untouched() {
    let p = neuron_candidates().next().unwrap();
    let tr = certify::<MpInterval>(&p, &128, &NeuronOptions::default()).unwrap();
    assert!(!matches!(tr.status(), Status::Undecided { reason: UndecidedReason::Inconsistent(_), .. }));
}
