//! Benchmark: how many seeded random single-neuron instances the certifier *decides*, why the
//! others stay undecided, and whether every certified claim contains an independent 256-bit MPFR
//! reference (`neuron::reference::<rug::Float>`, the non-validated closed form).
//!
//! Run: `cargo bench -p reluflow-flow --bench decided_neuron` (`-- --quick`, or the environment
//! variable `DECIDED_QUICK=1`, runs a fifth of the instances). Exits nonzero if any certified
//! enclosure misses the reference.
//!
//! Family (per row): `d ∈ {2, 3, 4}`, `n ∈ {2, …, 6}`, data entries `k/10` with `|k| ≤ 10` times a
//! row scale drawn from {1, 3, 10} per instance, labels from a teacher `v` (entries `k/10`) or
//! arbitrary non-negative `k/10 ≤ 2`, `w(0)` entries `k/10`, σ'(0) = 0, loss ½Σ, f64 intervals.
//! Stiff rows multiply one data coordinate by 10 or 30. Instance `k` of a row with seed `s` is
//! drawn from `ChaCha8Rng::seed_from_u64(s + k)`.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use reluflow_arith::{Enclosure, Float, Interval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronOptions, ReferenceRun, certify, pattern_limit, reference};
use reluflow_flow::{Status, Trajectory, UndecidedReason};
use reluflow_model::*;
use std::collections::BTreeMap;
use std::time::Instant;

const REF_BITS: u32 = 256;

/// One row of the table.
struct Row {
    name: &'static str,
    seed: u64,
    count: usize,
    infinite: bool,
    /// Factor on one data coordinate (1: not stiff).
    stiff: i64,
}

fn pick(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    lo + (rng.next_u64() % ((hi - lo + 1) as u64)) as i64
}

fn dec(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Rational {
    Rational::from((pick(rng, lo, hi), 10))
}

/// Instance `k` of `row`.
fn instance(row: &Row, k: usize) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(row.seed + k as u64);
    let d = pick(&mut rng, 2, 4) as usize;
    let n = pick(&mut rng, 2, 6) as usize;
    let scale = [1, 3, 10][pick(&mut rng, 0, 2) as usize];
    let stiff_coord = pick(&mut rng, 0, d as i64 - 1) as usize;
    let x: Vec<Vec<Rational>> = (0..n)
        .map(|_| {
            (0..d)
                .map(|j| {
                    let f = if j == stiff_coord { row.stiff * scale } else { scale };
                    dec(&mut rng, -10, 10) * Rational::from(f)
                })
                .collect()
        })
        .collect();
    let labels = if rng.next_u64() % 2 == 0 {
        Labels::Teacher((0..d).map(|_| dec(&mut rng, -10, 10)).collect())
    } else {
        Labels::Given((0..n).map(|_| dec(&mut rng, 0, 20)).collect())
    };
    let w: Vec<Rational> = (0..d).map(|_| dec(&mut rng, -10, 10)).collect();
    let t_end = if row.infinite { Horizon::Infinite } else { Horizon::Finite(Rational::from(20)) };
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::Zero,
        LossScale::HalfSum,
        Data::new(x, labels).expect("rectangular data"),
        Init::Single { w },
        RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .expect("valid problem")
}

fn q_lo<S: Scalar>(s: &S) -> Option<Rational> {
    match s.lower() {
        reluflow_arith::Bound::Finite(q) => Some(q),
        _ => None,
    }
}
fn q_hi<S: Scalar>(s: &S) -> Option<Rational> {
    match s.upper() {
        reluflow_arith::Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// The reference value `v` lies in `b`, up to the reference's own error: `2^-200 (1 + |v|)`
/// (a 256-bit closed form of small rational data; f64 enclosures are ~2^-50 wide).
fn near(b: &Interval, v: &Float) -> bool {
    let v = v.to_rational().expect("finite reference");
    let tol = (Rational::from(1) + Rational::from(v.abs_ref())) >> 200u32;
    let (Some(lo), Some(hi)) = (q_lo(b), q_hi(b)) else { return true };
    Rational::from(&lo - &tol) <= v && v <= Rational::from(&hi + &tol)
}

fn near_all(b: &[Interval], w: &[Float]) -> bool {
    b.iter().zip(w).all(|(x, v)| near(x, v))
}

/// Do the certified events match the reference's (point, kind, time in the enclosure)?
fn events_match(tr: &Trajectory<Interval>, rf: &ReferenceRun<Float>) -> bool {
    let re = rf.trajectory.events();
    let certified = matches!(tr.status(), Status::Certified);
    (if certified { re.len() == tr.events().len() } else { re.len() >= tr.events().len() })
        && tr.events().iter().zip(re).all(|(e, r)| (r.point, r.kind) == (e.point, e.kind) && near(&e.t, &r.t))
}

/// The reference to compare with, and whether its events after the certified ones are rounding
/// artefacts: the 256-bit run, or, when its events differ from the certified ones, the 512-bit
/// run. A guard that tends to 0 in the limit makes a point reference switch on rounding noise,
/// the later the more bits it carries; an event of the 256-bit run that the 512-bit run moves (by
/// more than 1e-6 relative) or drops is such an artefact.
fn pick_reference(p: &Problem, tr: &Trajectory<Interval>, opts: &NeuronOptions) -> (ReferenceRun<Float>, bool) {
    let rf = reference::<Float>(p, &REF_BITS, opts).expect("single-neuron problem");
    if events_match(tr, &rf) {
        return (rf, false);
    }
    let more = reference::<Float>(p, &(2 * REF_BITS), opts).expect("single-neuron problem");
    if events_match(tr, &more) {
        return (more, false);
    }
    let k = tr.events().len();
    let moved = |e: &reluflow_flow::Event<Float>, m: Option<&reluflow_flow::Event<Float>>| {
        let t = e.t.to_f64();
        m.is_none_or(|m| (m.t.to_f64() - t).abs() > 1e-6 * (1.0 + t.abs()))
    };
    let artefacts = matches!(tr.status(), Status::Certified)
        && rf.trajectory.events().len() > k
        && moved(&rf.trajectory.events()[k], more.trajectory.events().get(k));
    (if artefacts { more } else { rf }, artefacts)
}

/// Checks every certified claim against the reference; returns the failures in words.
fn compare(p: &Problem, tr: &Trajectory<Interval>, opts: &NeuronOptions) -> Vec<String> {
    let (rf, extra_artefacts) = pick_reference(p, tr, opts);
    let mut bad = Vec::new();
    let ctx = rf.trajectory.initial().w[0][0].prec();
    let re = rf.trajectory.events();
    let certified = matches!(tr.status(), Status::Certified);
    let extra_artefacts = extra_artefacts && re.len() > tr.events().len();
    // With artefacts the reference is trusted only before its first one.
    let trust_until = if extra_artefacts { Some(re[tr.events().len()].t.to_rational().expect("finite")) } else { None };
    let trusted = |t: &Rational| trust_until.as_ref().is_none_or(|u| t < u);
    for (k, seg) in tr.segments().iter().enumerate() {
        let (Some(a), Some(b)) = (q_hi(seg.t_start()), q_lo(seg.t_end())) else { continue };
        if a > b {
            continue;
        }
        for j in 0..=4u32 {
            let t: Rational = &a + Rational::from(&b - &a) * Rational::from((j, 4u32));
            if trusted(&t) && !near_all(&seg.hull().w[0], &rf.state_at(&Float::from_rational(&t, &ctx))) {
                bad.push(format!("segment {k} hull misses the reference at t = {}", t.to_f64()));
            }
        }
        if seg.t_end().width_upper() == 0.0
            && trusted(&b)
            && !near_all(&seg.end().w[0], &rf.state_at(&Float::from_rational(&b, &ctx)))
        {
            bad.push(format!("segment {k} end misses the reference"));
        }
    }
    for (k, ev) in tr.events().iter().enumerate() {
        match re.get(k) {
            Some(r) if (r.point, r.kind) == (ev.point, ev.kind) && near(&ev.t, &r.t) => {}
            _ => bad.push(format!("event {k} (point {}) differs from the reference", ev.point)),
        }
    }
    if !certified {
        return bad;
    }
    if tr.events().len() != re.len() && !extra_artefacts {
        bad.push(format!("{} certified events, {} in the reference", tr.events().len(), re.len()));
    }
    match tr.limit() {
        Some(l) => {
            // The exact closed form of the final pattern from the reference state at its start.
            let t = tr.events().last().map_or(Rational::new(), |e| q_hi(&e.t).expect("finite event"));
            let w: Vec<Rational> =
                rf.state_at(&Float::from_rational(&t, &ctx)).iter().map(|v| v.to_rational().expect("finite")).collect();
            let exact = pattern_limit(p, &l.pattern.active[0], &w);
            let exact: Vec<Float> = exact.iter().map(|q| Float::from_rational(q, &ctx)).collect();
            if !near_all(&l.state.w[0], &exact) {
                bad.push("limit misses the closed form".into());
            }
        }
        None => {
            let t = q_hi(tr.t_final()).expect("finite end");
            if trusted(&t) && !near_all(&tr.final_state().w[0], &rf.state_at(&Float::from_rational(&t, &ctx))) {
                bad.push("final state misses the reference".into());
            }
        }
    }
    bad
}

/// A short name for an undecided reason.
fn reason_name(r: &UndecidedReason) -> String {
    match r {
        UndecidedReason::Other(s) if s.contains("may lie on the hyperplane") => "limit may lie on a hyperplane".into(),
        UndecidedReason::Other(s) if s.contains("time enclosure of t_end") => "switch near t_end".into(),
        UndecidedReason::Other(s) => s.chars().take(60).collect(),
        UndecidedReason::Budget { what } => format!("budget: {}", what.split(' ').nth(1).unwrap_or("?")),
        UndecidedReason::Grazing { .. } => "grazing".into(),
        UndecidedReason::Sliding { .. } => "sliding".into(),
        UndecidedReason::NonUnique { .. } => "non-unique".into(),
        UndecidedReason::SimultaneousSwitches { .. } => "simultaneous switches".into(),
        other => format!("{other:?}").chars().take(60).collect(),
    }
}

/// Runs one row; returns the number of containment failures.
fn run_row(row: &Row, opts: &NeuronOptions) -> usize {
    let mut decided = 0;
    let mut failures = 0;
    let mut reasons: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut times: Vec<f64> = Vec::new();
    let mut certified_times: Vec<f64> = Vec::new();
    for k in 0..row.count {
        let p = instance(row, k);
        let t = Instant::now();
        let tr = certify::<Interval>(&p, &(), opts).expect("single-neuron problem");
        let secs = t.elapsed().as_secs_f64();
        times.push(secs);
        match tr.status() {
            Status::Certified => {
                decided += 1;
                certified_times.push(secs);
            }
            Status::Undecided { reason, .. } => reasons.entry(reason_name(reason)).or_default().push(k),
            Status::NotValidated => unreachable!("interval backend"),
        }
        for b in compare(&p, &tr, opts) {
            failures += 1;
            eprintln!("CONTAINMENT FAILURE: row {} instance {k} (seed {}): {b}", row.name, row.seed + k as u64);
        }
    }
    let pct = 100.0 * decided as f64 / row.count as f64;
    let ms = |v: &mut Vec<f64>, f: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * f) as usize] * 1e3
    };
    println!(
        "{:<26} {:>6} {:>5} {:>8} {:>7.1}% {:>9.2} {:>9.2} {:>9.2} {:>5}",
        row.name,
        row.seed,
        row.count,
        decided,
        pct,
        ms(&mut certified_times, 0.5),
        ms(&mut certified_times, 1.0),
        ms(&mut times, 1.0),
        failures
    );
    for (r, ks) in &reasons {
        let first: Vec<String> = ks.iter().take(6).map(|k| k.to_string()).collect();
        println!(
            "    {:>4} × {r}  (instances {}{})",
            ks.len(),
            first.join(", "),
            if ks.len() > 6 { ", …" } else { "" }
        );
    }
    failures
}

/// Vardi–Shamir's `X_γ` (rows (3, −1, 0), (4, 2, 0), (0, γ, γ), y = (16, 18, 0), w(0) = 0,
/// σ'(0) = 1, t_end = ∞): the eigenvalues of `XᵀX` spread as `γ²`. Prints the status and the best
/// of five wall times per `γ`.
fn vardi_shamir_times(opts: &NeuronOptions) {
    let q = |v: i64| Rational::from(v);
    for g in [20, 100, 1000] {
        let x = vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(g), q(g)]];
        let data = Data::new(x, Labels::Given(vec![q(16), q(18), q(0)])).expect("data");
        let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
        let init = Init::Single { w: vec![q(0); 3] };
        let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run)
            .expect("problem");
        let mut best = f64::INFINITY;
        let mut status = String::new();
        for _ in 0..5 {
            let t = Instant::now();
            let tr = certify::<Interval>(&p, &(), opts).expect("single-neuron problem");
            best = best.min(t.elapsed().as_secs_f64());
            status = match tr.status() {
                Status::Certified => "certified".into(),
                Status::Undecided { reason, .. } => format!("undecided: {}", reason_name(reason)),
                Status::NotValidated => unreachable!("interval backend"),
            };
        }
        println!("vardi-shamir γ = {g:<5} {status:<40} {:>9.2} ms", best * 1e3);
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick") || std::env::var_os("DECIDED_QUICK").is_some();
    let div = if quick { 5 } else { 1 };
    let rows = [
        Row { name: "t_end = 20", seed: 1_000_000, count: 300 / div, infinite: false, stiff: 1 },
        Row { name: "t_end = inf", seed: 2_000_000, count: 150 / div, infinite: true, stiff: 1 },
        Row { name: "stiff ×10, t_end = 20", seed: 3_000_000, count: 100 / div, infinite: false, stiff: 10 },
        Row { name: "stiff ×10, t_end = inf", seed: 4_000_000, count: 100 / div, infinite: true, stiff: 10 },
        Row { name: "stiff ×30, t_end = inf", seed: 5_000_000, count: 50 / div, infinite: true, stiff: 30 },
    ];
    let opts = NeuronOptions::default();
    println!("single neuron, f64 intervals; decided = certified; every certified claim checked against 256-bit MPFR");
    println!(
        "{:<26} {:>6} {:>5} {:>8} {:>8} {:>9} {:>9} {:>9} {:>5}",
        "row", "seed", "n", "decided", "", "cert med", "cert max", "all max", "fail"
    );
    println!("{:<26} {:>6} {:>5} {:>8} {:>8} {:>9} {:>9} {:>9}", "", "", "", "", "", "ms", "ms", "ms");
    let failures: usize = rows.iter().map(|r| run_row(r, &opts)).sum();
    vardi_shamir_times(&opts);
    if failures > 0 {
        eprintln!("{failures} CONTAINMENT FAILURES against the 256-bit reference");
        std::process::exit(1);
    }
    println!("no containment failure against the 256-bit reference");
}
