//! The tiny-initialisation example `examples/two-layer-tiny-init.toml` (m = 4, d = n = 3,
//! λ = 1e-600, 256-bit MPFR intervals): the validated run through the alignment phase, the escape
//! from the saddle at the origin and the convergence, compared coordinate by coordinate with the
//! 256-bit non-validated reference (`net::reference`) with a relative tolerance.
//!
//! Heavy (seconds in release, minutes in debug), so ignored by a plain `cargo test`; `.ci/run` runs
//! it: `cargo test --release -p reluflow-flow --test net_validated_tiny -- --ignored --nocapture`.

use reluflow_arith::{Bound, Enclosure, Float, Interval, MpInterval, Scalar};
use reluflow_flow::net::data::{Scheme, Spec, generate};
use reluflow_flow::net::field::{NetData, loss};
use reluflow_flow::net::reference::{RefOptions, RefRun, RefStop, integrate_problem};
use reluflow_flow::net::validated::{ValidatedError, ValidatedOptions, certify_with_stats};
use reluflow_flow::trajectory::{EventKind, State, Status, Trajectory};
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

// The example's numbers, exactly as written in its body (checked against the file below).
const X: [[&str; 3]; 3] = [["1", "0.3", "0"], ["1", "-0.2", "0.3"], ["1", "0", "-0.4"]];
const TEACHER: [&str; 3] = ["1", "0", "0"];
const SCALE: &str = "1e-600";
const Z: [[&str; 3]; 4] =
    [["0.5", "0.2", "-0.1"], ["-0.1", "0.5", "0.2"], ["0.1", "-0.5", "0.3"], ["-0.4", "-0.1", "-0.2"]];
const S: [i8; 4] = [1, 1, -1, -1];
const T_END: u32 = 2000;
const PRECISION: u32 = 256;

fn rows<const K: usize>(v: &[[&str; K]]) -> String {
    format!("[{}]", v.iter().map(|r| format!("[{}]", r.join(", "))).collect::<Vec<_>>().join(", "))
}

/// The example's body (everything from `model = ` on), rendered from the constants above.
fn example_body() -> String {
    let s: Vec<String> = S.iter().map(|v| v.to_string()).collect();
    format!(
        "model = \"two-layer\"\nrelu_prime_at_zero = 0\nloss = \"half-mean\"\n\n[data]\nx = {}\nteacher = [{}]\n\n\
         [init]\nscale = \"{SCALE}\"\nz = {}\ns = [{}]\n\n[run]\nt_end = {T_END}\narithmetic = \"mpfr-interval\"\n\
         precision = {PRECISION}\n",
        rows(&X),
        TEACHER.join(", "),
        rows(&Z),
        s.join(", ")
    )
}

fn q(s: &str) -> Rational {
    reluflow_arith::exact::parse_exact(s).unwrap()
}

/// The example's problem, built from the constants (the file itself is read by the binary only).
fn example_problem(t_end: u32) -> Problem {
    let x = X.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect();
    let data = Data::new(x, Labels::Teacher(TEACHER.iter().map(|v| q(v)).collect())).unwrap();
    let init = Init::Balanced {
        scale: q(SCALE),
        z: Z.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect(),
        s: S.to_vec(),
    };
    let run = RunConfig {
        t_end: Horizon::Finite(Rational::from(t_end)),
        arithmetic: Arithmetic::MpfrInterval,
        precision: PRECISION,
    };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

#[test]
fn the_constants_are_the_example_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/two-layer-tiny-init.toml");
    let text = std::fs::read_to_string(path).expect("examples/two-layer-tiny-init.toml exists");
    let body = text.find("\nmodel = ").expect("a body after the header");
    assert!(text[..body].lines().all(|l| l.starts_with('#') || l.is_empty()), "only comments before the body");
    assert_eq!(&text[body + 1..], example_body(), "the example's body differs from the test's constants");
}

fn finite(b: Bound) -> Rational {
    match b {
        Bound::Finite(v) => v,
        b => panic!("unbounded enclosure end {b:?}"),
    }
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().chain(s.a.as_ref().unwrap()).cloned().collect()
}

/// Relative tolerance granted to the 256-bit reference, per coordinate. Its local error is
/// `tol = 2^-256` per step relative to each neuron's size (`RefOptions::for_bits`); `2^-200` leaves
/// 56 bits for the accumulation over its steps and the growth of errors through the escape. The
/// reference's actual error is measured against a 384-bit reference and must be below this.
fn ref_rel() -> Rational {
    Rational::from(1) >> 200u32
}

/// `r` lies in the enclosure `e` widened by `slack` (exact rational comparison: the slack is far
/// below the smallest f64 when `r` is of size 1e-600).
fn contains_with(e: &MpInterval, r: &Rational, slack: &Rational) -> bool {
    finite(e.lower()) - slack <= *r && *r <= finite(e.upper()) + slack
}

/// What [`compare`] did.
#[derive(Debug, Default)]
struct Compared {
    /// States compared.
    times: usize,
    /// Coordinates compared.
    coords: usize,
    /// Largest relative error of the 256-bit reference (against the 384-bit one).
    ref_err: f64,
    /// Largest width of a compared enclosure relative to its neuron's size `max(|w_j|_∞, |a_j|)`
    /// (a coordinate passing through 0 has no relative width of its own).
    width: f64,
}

/// Compares the enclosures of the validated run with the 256-bit reference `rf` at the end of
/// every segment whose end time is a single number (every step; not the events, whose times are
/// intervals) and at `t_end`: each reference coordinate `r` must lie in its enclosure widened by
/// `rel·|r|` plus the reference's own error `|r − r₃₈₄|`, which must itself be below `rel·|r|`.
fn compare(tr: &Trajectory<MpInterval>, rf: &RefRun<Float>, fine: &RefRun<Float>, rel: &Rational) -> Compared {
    let mut out = Compared::default();
    let ends =
        tr.segments().iter().map(|s| (s.t_end(), s.end())).chain(std::iter::once((tr.t_final(), tr.final_state())));
    for (t, end) in ends {
        if finite(t.lower()) != finite(t.upper()) {
            continue;
        }
        let tq = finite(t.lower());
        let at = |r: &RefRun<Float>, bits: u32| {
            let tf = Float::from_rational(&tq, &bits);
            assert_eq!(tf.to_rational().unwrap(), tq, "the time is exact at {bits} bits");
            flat(&r.state_at(&tf).unwrap_or_else(|| panic!("no {bits}-bit reference state at t = {}", tq.to_f64())))
        };
        let (r256, r384) = (at(rf, PRECISION), at(fine, 384));
        let (m, d) = (end.w.len(), end.w[0].len());
        let neuron = |c: usize| if c < m * d { c / d } else { c - m * d };
        let mut sizes = vec![Rational::new(); m];
        for (c, r) in r256.iter().enumerate() {
            let v = r.to_rational().unwrap().abs();
            if v > sizes[neuron(c)] {
                sizes[neuron(c)] = v;
            }
        }
        for (c, ((e, r), r_fine)) in flat(end).iter().zip(&r256).zip(&r384).enumerate() {
            let (r, r_fine) = (r.to_rational().unwrap(), r_fine.to_rational().unwrap());
            assert!(r != 0, "t = {}: coordinate {c} is 0 in the reference", tq.to_f64());
            let err = Rational::from(&r - &r_fine).abs();
            let size = Rational::from(r.abs_ref());
            assert!(
                err <= Rational::from(rel * &size),
                "t = {}: coordinate {c}: reference error above 2^-200",
                tq.to_f64()
            );
            let slack = Rational::from(rel * &size) + &err;
            assert!(
                contains_with(e, &r, &slack),
                "t = {}: coordinate {c}: reference {:.20e} outside [{:.20e}, {:.20e}]",
                tq.to_f64(),
                Float::with_val(PRECISION, &r),
                e.lo_point().approx_f64(),
                e.hi_point().approx_f64(),
            );
            out.ref_err = out.ref_err.max((err / &size).to_f64());
            let width = (finite(e.upper()) - finite(e.lower())) / &sizes[neuron(c)];
            out.width = out.width.max(width.to_f64());
            out.coords += 1;
        }
        out.times += 1;
    }
    out
}

/// The example's run, certified, against the 256-bit reference, coordinate by coordinate and
/// relatively: at λ = 1e-600 the coordinates are of size 1e-600 through the alignment phase, so an
/// absolute slack would make the comparison empty. Also: the weights are still astronomically
/// small after the alignment phase, the loss falls by more than 20 orders of magnitude by t_end
/// (escape and convergence), and a negative neuron dies.
#[test]
#[ignore = "seconds in release, minutes in debug; .ci/run runs it (see the module docs)"]
fn tiny_init_example_against_the_reference() {
    let p = example_problem(T_END);
    let (d, m) = (X[0].len(), S.len());
    let t0 = std::time::Instant::now();
    let (tr, st) = certify_with_stats::<MpInterval>(&p, &PRECISION, &ValidatedOptions::default()).unwrap();
    println!(
        "validated: {:?}, {} steps ({} ball steps), status {:?}",
        t0.elapsed(),
        st.steps,
        st.ball_steps,
        tr.status()
    );
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    for e in tr.events() {
        println!(
            "event {:?} neuron {} point {} t ∈ [{:.9}, {:.9}]",
            e.kind,
            e.neuron,
            e.point,
            e.t.lower_f64(),
            e.t.upper_f64()
        );
    }
    assert!(tr.events().iter().any(|e| e.kind == EventKind::Death), "no certified death");

    // The 256-bit reference, and a 384-bit one that measures the 256-bit reference's own error.
    let dense = |bits: u32| RefOptions { dense: true, ..RefOptions::for_bits(bits) };
    let t1 = std::time::Instant::now();
    let rf = integrate_problem::<Float>(&p, &PRECISION, &dense(PRECISION)).unwrap();
    let t2 = std::time::Instant::now();
    let fine = integrate_problem::<Float>(&p, &384, &dense(384)).unwrap();
    println!(
        "reference: 256 bits {:?} ({} steps), 384 bits {:?} ({} steps)",
        t2 - t1,
        rf.steps,
        t2.elapsed(),
        fine.steps
    );
    assert_eq!((rf.stop.clone(), fine.stop.clone()), (RefStop::Reached, RefStop::Reached));
    let kinds =
        |r: &RefRun<Float>| r.trajectory.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect::<Vec<_>>();
    let certified: Vec<_> = tr.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect();
    assert_eq!(kinds(&rf), certified, "the reference switches differently");
    assert_eq!(kinds(&fine), certified, "the 384-bit reference switches differently");

    let c = compare(&tr, &rf, &fine, &ref_rel());
    println!("{c:?}");
    assert_eq!(c.coords, c.times * (d + 1) * m, "every coordinate of every compared state");
    assert_eq!(c.times, tr.segments().iter().filter(|s| s.t_end().lower() == s.t_end().upper()).count() + 1);
    assert!(c.times > 1000, "too few times compared: {}", c.times);
    // The comparison has teeth: the enclosures are narrow relative to the coordinates.
    assert!(c.width < 1e-10, "an enclosure is wide relative to its coordinate: {:e}", c.width);

    // Alignment: at t = 1000 every weight is still below 1e-100 (certified upper bounds; the
    // weights grow from 1e-600 at a rate of about one e-fold per time unit, so the alignment phase
    // lasts about ln(1/λ) ≈ 1382).
    let mid = tr.segments().iter().find(|s| finite(s.t_end().lower()) >= 1000).expect("a step ends after t = 1000");
    let tiny = q("1e-100");
    for v in flat(mid.end()) {
        assert!(finite(v.abs().upper()) < tiny, "a weight is not tiny at t ≈ {}: {v:?}", mid.t_end().lower_f64());
    }
    // Escape and convergence: the loss at t_end is below 1e-20 (certified), from about 1/2 at 0.
    let data = NetData::<MpInterval>::from_problem(&p, &PRECISION);
    let (l0, l1) = (loss(&data, tr.initial()), loss(&data, tr.final_state()));
    println!(
        "loss(0) ∈ [{:e}, {:e}], loss({T_END}) ∈ [{:e}, {:e}]",
        l0.lower_f64(),
        l0.upper_f64(),
        l1.lower_f64(),
        l1.upper_f64()
    );
    assert!(MpInterval::from_f64(0.1, &PRECISION).certainly_lt(&l0));
    assert!(l1.certainly_lt(&MpInterval::from_f64(1e-20, &PRECISION)));
}
