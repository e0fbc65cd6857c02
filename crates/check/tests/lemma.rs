//! The lemma language on trajectories of the real integrators: the four examples of the grammar
//! reference (`docs/lemmas.md`), agreement with built-in checks, and errors against the model.

mod common;

use common::*;
use reluflow_arith::{Interval, Scalar};
use reluflow_check::lemma::{ErrorKind, Lemma, LemmaRow, check_lemma, check_lemmas};
use reluflow_check::*;
use reluflow_flow::Trajectory;
use reluflow_flow::net::validated::{ValidatedOptions, certify as certify_net};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;

fn run(p: &Problem) -> Trajectory<Interval> {
    match p.model() {
        ModelKind::SingleNeuron => certify::<Interval>(p, &(), &NeuronOptions::default()).unwrap(),
        ModelKind::TwoLayer => certify_net::<Interval>(p, &(), &ValidatedOptions::default()).unwrap(),
    }
}

fn lemma(p: &Problem, t: &Trajectory<Interval>, text: &str) -> LemmaRow<Interval> {
    let l = Lemma::parse(text).unwrap_or_else(|e| panic!("{e}"));
    check_lemma(p, t, &l).unwrap_or_else(|e| panic!("{e}"))
}

fn builtin(p: &Problem, t: &Trajectory<Interval>, id: &str) -> Verdict<Interval> {
    let r = check(p, t, &Selection { ids: vec![id.into()], ..Selection::default() });
    r.rows[0].conclusion.clone()
}

/// `examples/two-layer-explicit.toml`.
fn two_layer_explicit(t_end: &str) -> Problem {
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("1"), q("0.5")])).unwrap();
    let init =
        Init::Explicit { w: vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.5")]], a: vec![q("0.5"), q("0.5")] };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// Three neurons in the plane, two points: `angle(w[0], w[2])` is defined.
fn three_neurons() -> Problem {
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("1"), q("0.5")])).unwrap();
    let w = vec![vec![q("0.5"), q("0.25")], vec![q("-0.25"), q("0.5")], vec![q("0.25"), q("0.5")]];
    let init = Init::Explicit { w, a: vec![q("0.5"), q("0.5"), q("0.5")] };
    let run = RunConfig { t_end: Horizon::Finite(q("4")), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// `examples/support-vector-reactivation.toml`: point 3 deactivates, then activates again.
fn reactivation() -> Problem {
    let x = [["0", "-2", "0"], ["7", "6", "0"], ["1", "0", "-0.3"], ["0", "0.5", "-0.1"]];
    let x = x.iter().map(|r| r.iter().map(|s| q(s)).collect()).collect();
    let data = Data::new(x, Labels::Teacher(vec![q("0"), q("0"), q("-2")])).unwrap();
    let run = RunConfig { t_end: Horizon::Finite(q("8")), arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run).unwrap()
}

#[test]
fn example_norm_growth_on_both_single_neuron_examples() {
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let r = lemma(&p, &run(&p), "forall t: d/dt norm(w)^2 >= 0");
    assert_eq!(r.status, RowStatus::Holds, "{}", r.conclusion);
    let p = growth_fails_problem(Horizon::Finite(q("8")));
    let r = lemma(&p, &run(&p), "forall t: d/dt norm(w)^2 >= 0");
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    let Verdict::Violated { witness } = &r.conclusion else { unreachable!() };
    assert!(matches!(witness.at, Location::Segment { .. }), "{witness}");
    assert!(witness.value.as_ref().is_some_and(|v| v.certainly_neg()), "{witness}");
}

#[test]
fn example_angle_between_neurons() {
    let p = three_neurons();
    let t = run(&p);
    let r = lemma(&p, &t, "forall t >= 1: angle(w[0], w[2]) is nonincreasing");
    println!("{}", r.conclusion);
    assert!(!r.conclusion.is_inconsistent());
}

#[test]
fn example_events_on_the_reactivation_instance() {
    let p = reactivation();
    let t = run(&p);
    let r = lemma(&p, &t, r#"at every event: kind != "activate" or point not in deactivated_before"#);
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    let Verdict::Violated { witness } = &r.conclusion else { unreachable!() };
    assert!(matches!(witness.at, Location::Event { .. }) && witness.breaks.contains("point 3"), "{witness}");
    // The built-in reading of the same statement agrees.
    let mut sel = Selection { ids: vec!["lsy.support-vector-stability".into()], ..Selection::default() };
    for h in ["teacher", "zero-init", "relu-prime-one"] {
        sel.assume.insert(h.into(), true);
    }
    assert!(check(&p, &t, &sel).rows[0].conclusion.is_violated());
    // Deactivations alone never repeat a point here.
    let r = lemma(&p, &t, r#"at every event: kind != "deactivate" or point not in deactivated_before"#);
    assert_eq!(r.status, RowStatus::Holds, "{}", r.conclusion);
}

#[test]
fn example_balancedness_agrees_with_the_builtin() {
    let p = two_layer_explicit("10");
    let t = run(&p);
    let r = lemma(&p, &t, "forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2");
    println!("{}", r.conclusion);
    assert_eq!(r.conclusion.name(), builtin(&p, &t, "gen.balancedness").name(), "{}", r.conclusion);
}

#[test]
fn loss_nonincreasing_agrees_with_the_builtin() {
    for p in [two_layer_explicit("10"), growth_holds_problem(Horizon::Finite(q("8"))), reactivation()] {
        let t = run(&p);
        let r = lemma(&p, &t, "loss is nonincreasing");
        let b = builtin(&p, &t, "gen.loss-nonincreasing");
        println!("{} / {}", r.conclusion, b);
        assert_eq!(r.conclusion.name(), b.name(), "{} vs {b}", r.conclusion);
    }
}

#[test]
fn quantities_the_model_lacks_are_refused() {
    let single = growth_holds_problem(Horizon::Finite(q("8")));
    let two = two_layer_explicit("10");
    let refuse = |p: &Problem, text: &str| Lemma::parse(text).unwrap().resolve(p).unwrap_err();
    let e = refuse(&single, "a[0] >= 0");
    assert!(matches!(e.kind, ErrorKind::Model { .. }) && e.to_string().contains("output weights"), "{e}");
    let e = refuse(&two, "norm(w[5]) >= 0");
    assert!(e.to_string().contains("2 neurons") && e.column == 8 && e.found == "5", "{e}");
    let e = refuse(&two, "nrm(w[0]) >= 0");
    assert!(matches!(&e.kind, ErrorKind::Unknown { nearest } if nearest.iter().any(|n| n.contains("norm"))), "{e}");
}

#[test]
fn a_false_conservation_law_is_not_proved() {
    let p = two_layer_explicit("10");
    let t = run(&p);
    // d/dt (a² + ‖w‖²) = 4 a wᵀg ≠ 0: no identity, and the enclosures refute it.
    let r = lemma(&p, &t, "forall j: a[j]^2 + norm(w[j])^2 == a0[j]^2 + norm(w0[j])^2");
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    // The right derivative but the wrong constant: not proved, refuted at t = 0.
    let r = lemma(&p, &t, "balance(0) == a0[0]^2 - norm(w0[0])^2 + 1/1000");
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    // A law of the two-layer field is no law of the single neuron (ẇ = g there, not a·g).
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let r = lemma(&p, &run(&p), "norm(w)^2 == norm(w0)^2");
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
}

#[test]
fn scopes_and_undecided_reasons() {
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let t = run(&p);
    let r = lemma(&p, &t, "forall t in [0, 20]: loss >= 0");
    assert_eq!(r.status, RowStatus::Undecided, "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("end at t = 8"), "{}", r.conclusion);
    let r = lemma(&p, &t, "eventually: loss <= 1/1000");
    assert_eq!(r.status, RowStatus::Holds, "{}", r.conclusion);
    let r = lemma(&p, &t, "eventually: loss >= 100");
    assert_eq!(r.status, RowStatus::Counterexample, "{}", r.conclusion);
    let r = lemma(&p, &t, "at the limit: loss == 0");
    assert!(r.conclusion.to_string().contains("no limit"), "{}", r.conclusion);
    // An undecided run: nothing past certified_until is claimed.
    let mut cut = t.clone();
    let until = Interval::from_f64(4.0, &());
    cut = cut
        .edit(|p| {
            p.status = reluflow_flow::Status::Undecided {
                reason: reluflow_flow::UndecidedReason::StepUnderflow,
                certified_until: until,
            };
        })
        .unwrap();
    let r = lemma(&p, &cut, "forall t: loss >= 0");
    assert_eq!(r.status, RowStatus::Undecided, "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("certified only up to"), "{}", r.conclusion);
    // A point run is never certified.
    let mut point = t.clone();
    point = point
        .edit(|p| {
            p.status = reluflow_flow::Status::NotValidated;
        })
        .unwrap();
    assert_eq!(lemma(&p, &point, "forall t: loss >= 0").status, RowStatus::NotValidated);
}

#[test]
fn the_angle_example_names_its_derivative() {
    let p = three_neurons();
    let r = lemma(&p, &run(&p), "forall t >= 1: angle(w[0], w[2]) is nonincreasing");
    let text = r.conclusion.to_string();
    assert!(text.contains("d/dt cos angle(w[0], w[2])") || r.conclusion.holds(), "{text}");
}

/// Checking cost of a language lemma against the equivalent built-in entry, both including the
/// shared preparation (tail, refinement). Run with
/// `cargo test -p reluflow-check --release --test lemma -- --ignored --nocapture`.
#[test]
#[ignore]
fn checking_cost_language_against_builtin() {
    use std::time::Instant;
    let reps = 50;
    let cases = [
        (
            "two-layer-explicit",
            two_layer_explicit("10"),
            "gen.balancedness",
            "forall j: balance(j) == a0[j]^2 - norm(w0[j])^2",
        ),
        ("two-layer-explicit", two_layer_explicit("10"), "gen.loss-nonincreasing", "loss is nonincreasing"),
        ("reactivation", reactivation(), "gen.loss-nonincreasing", "loss is nonincreasing"),
        (
            "norm-growth-fails",
            growth_fails_problem(Horizon::Finite(q("8"))),
            "lsy.norm-growth",
            "norm(w) is nondecreasing",
        ),
        (
            "three neurons",
            three_neurons(),
            "gen.balancedness",
            "forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2",
        ),
        // Second derivatives, against the first-derivative built-in on the same segments.
        ("reactivation", reactivation(), "gen.loss-nonincreasing", "after the last event: d2/dt2 loss >= 0"),
        ("two-layer-explicit", two_layer_explicit("10"), "gen.loss-nonincreasing", "d/dt loss is nondecreasing"),
        (
            "two-layer-explicit",
            two_layer_explicit("10"),
            "gen.loss-nonincreasing",
            "forall t: d2/dt2 norm(w[0])^2 > -1",
        ),
    ];
    for (name, p, id, text) in cases {
        let t = run(&p);
        let sel = Selection { ids: vec![id.into()], ..Selection::default() };
        let l = Lemma::parse(text).unwrap();
        let t0 = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(check(&p, &t, &sel));
        }
        let tb = t0.elapsed().as_secs_f64() / reps as f64;
        let t0 = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(check_lemma(&p, &t, &l).unwrap());
        }
        let tl = t0.elapsed().as_secs_f64() / reps as f64;
        println!(
            "{name} ({} segments): {id} {:.3} ms, `{text}` {:.3} ms, ratio {:.2}",
            t.segments().len(),
            tb * 1e3,
            tl * 1e3,
            tl / tb
        );
    }
}

/// A small random generator of well-typed lemmas (xorshift).
struct Gen(u64);

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        xs[(self.0 % xs.len() as u64) as usize]
    }
    fn expr(&mut self, depth: u32) -> String {
        const LEAVES: &[&str] = &[
            "norm(w[0])",
            "norm(w[j])^2",
            "a[j]",
            "a0[1]",
            "r[i]",
            "y[i]",
            "loss",
            "t",
            "x[i]·w[0]",
            "dot(w[j], x[i])",
            "cosangle(w[0], w[1])",
            "balance(j)",
            "|active(j)|",
            "count_active(0)",
            "0",
            "1",
            "0.5",
            "-2",
            "w[0]·[1, 0]",
        ];
        match (depth, self.pick(&["leaf", "leaf", "op", "ddt"])) {
            (0, _) | (_, "leaf") => self.pick(LEAVES).to_string(),
            (_, "ddt") => format!("{} {}", self.pick(&["d/dt", "d2/dt2", "d/dt d/dt"]), self.pick(LEAVES)),
            _ => format!("({} {} {})", self.expr(depth - 1), self.pick(&["+", "-", "*", "/"]), self.expr(depth - 1)),
        }
    }
    fn claim(&mut self, depth: u32) -> String {
        match (depth, self.pick(&["cmp", "cmp", "logic", "not", "forall", "mono", "in"])) {
            (0, _) | (_, "cmp") => {
                format!("{} {} {}", self.expr(2), self.pick(&["<=", ">=", "<", ">", "==", "!="]), self.expr(2))
            }
            (_, "logic") => {
                format!(
                    "({} {} {})",
                    self.claim(depth - 1),
                    self.pick(&["and", "or", "implies"]),
                    self.claim(depth - 1)
                )
            }
            (_, "not") => format!("not ({})", self.claim(depth - 1)),
            (_, "forall") => format!("(forall {}: {})", self.pick(&["j", "i"]), self.claim(depth - 1)),
            (_, "mono") => format!("{} is {}", self.expr(1), self.pick(&["nonincreasing", "nondecreasing"])),
            _ => format!("{} in active({})", self.pick(&["i", "0", "1"]), self.pick(&["j", "0"])),
        }
    }
    fn lemma(&mut self) -> String {
        let scope = self.pick(&[
            "",
            "forall t: ",
            "eventually: ",
            "at the limit: ",
            "forall t in [0, 1]: ",
            "forall t >= 2: ",
            "after the last event: ",
        ]);
        let (j, i) = (self.pick(&["forall j: ", ""]), self.pick(&["forall i: ", ""]));
        format!("{scope}{j}{i}{}", self.claim(3))
    }
}

/// Generated lemmas that resolve are evaluated on real trajectories of both models without a
/// panic or an inconsistency (indices, derivatives, limits, every kind of site).
#[test]
fn generated_lemmas_evaluate_without_panicking() {
    let two = two_layer_explicit("4");
    let single = reactivation();
    let trajs = [(two.clone(), run(&two)), (single.clone(), run(&single))];
    let mut g = Gen(0x2545_F491_4F6C_DD1D);
    let lemmas: Vec<(String, Lemma)> = (0..2000)
        .map(|_| {
            let text = g.lemma();
            let l = Lemma::parse(&text).unwrap_or_else(|e| panic!("`{text}`: {e}"));
            (text, l)
        })
        .collect();
    let (mut checked, mut decided) = (0, 0);
    for (p, t) in &trajs {
        // One preparation of the trajectory for all lemmas that fit the model.
        let fit: Vec<(String, Lemma)> = lemmas.iter().filter(|(_, l)| l.resolve(p).is_ok()).cloned().collect();
        for row in check_lemmas(p, t, &fit, &Params::default()).unwrap() {
            assert!(!row.conclusion.is_inconsistent(), "`{}`: {}", row.text, row.conclusion);
            checked += 1;
            decided += usize::from(!row.conclusion.is_undecided());
        }
    }
    println!("{checked} checked, {decided} decided");
    assert!(checked >= 500 && decided > 0, "{checked} checked, {decided} decided");
}

/// "‖w‖² never decreases" written in Rust with the checker's monotonicity sweep.
struct NormSqGrows;

impl reluflow_check::lemma::Invariant<Interval> for NormSqGrows {
    fn name(&self) -> String {
        "norm-sq-grows".into()
    }
    fn verdict(&self, v: &reluflow_check::lemma::View<'_, Interval>) -> Verdict<Interval> {
        use reluflow_arith::linalg;
        use reluflow_check::sweep::{Direction, Monotone};
        let value = |st: &reluflow_flow::State<Interval>| linalg::norm_sq(&st.w[0], &());
        let deriv = |st: &reluflow_flow::State<Interval>, p: &reluflow_flow::Pattern| {
            let vel = v.instance.velocity(st, p);
            Ok(linalg::dot(&st.w[0], &vel.w[0], &()).mul_2si(1))
        };
        let m = Monotone {
            name: "‖w‖²",
            value: &value,
            deriv: &deriv,
            dir: Direction::NonDecreasing,
            identity: None,
            proved_prefix: None,
        };
        m.check(v.trajectory, v.coverage)
    }
}

#[test]
fn a_rust_invariant_and_the_same_lemma_agree() {
    use reluflow_check::lemma::check_invariant;
    for p in [growth_holds_problem(Horizon::Finite(q("8"))), growth_fails_problem(Horizon::Finite(q("8")))] {
        let t = run(&p);
        let rust = check_invariant(&p, &t, &NormSqGrows, &Params::default());
        let text = lemma(&p, &t, "norm(w)^2 is nondecreasing");
        assert_eq!(rust.status, text.status, "{} vs {}", rust.conclusion, text.conclusion);
        assert_eq!(rust.name, "norm-sq-grows");
    }
}

/// `eventually` is refuted only when every site that may meet the range is certainly false: a
/// segment that is true but only *may* start before the horizon leaves it undecided.
#[test]
fn eventually_is_not_refuted_by_a_site_that_may_lie_in_range() {
    use reluflow_flow::{Pattern, SegmentParts, State, Status};
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let iv = |lo: f64, hi: f64| Interval::try_from((lo, hi)).unwrap();
    let st = |lo: f64, hi: f64| State { w: vec![vec![iv(lo, hi), iv(0.0, 0.0)]], a: None };
    let pattern = Pattern { active: vec![vec![0, 1]], frozen: vec![false], sliding: Vec::new() };
    let seg = |t0: Interval, t1: Interval, hull: State<Interval>, end: State<Interval>| SegmentParts {
        t_start: t0,
        t_end: t1,
        pattern: pattern.clone(),
        hull,
        end,
    };
    let switch = iv(7.5, 8.5);
    let t = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: st(0.0, 0.0),
        segments: vec![
            seg(iv(0.0, 0.0), switch, st(0.0, 1.0), st(1.0, 1.0)),
            seg(switch, iv(9.0, 9.0), st(3.0, 3.0), st(3.0, 3.0)),
        ],
        events: vec![],
        final_state: st(3.0, 3.0),
        t_final: iv(9.0, 9.0),
        limit: None,
        status: Status::Certified,
    })
    .unwrap();
    let l = Lemma::parse("eventually: norm(w)^2 >= 4").unwrap();
    let row = check_lemmas(&p, &t, &[("e".into(), l)], &Params { refine: 0, ..Params::default() }).unwrap().remove(0);
    assert_eq!(row.status, RowStatus::Undecided, "{}", row.conclusion);
    assert!(row.conclusion.to_string().contains("may lie outside the range"), "{}", row.conclusion);
}
