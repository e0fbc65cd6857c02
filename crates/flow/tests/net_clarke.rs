//! The Clarke flow (`[run] solution = "clarke"`) slides along surfaces that attract from both sides
//! and leaves them where one side's field stops pointing into them
//! (`proofs-notes/net-clarke-sliding.md`): checked against a closed form and against the 256-bit
//! reference integrator, which slides too and locates the exits by bisection.

use reluflow_arith::{Enclosure, Float, Interval, MpInterval};
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
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

/// A live neuron `w = (1, 0)`, `a = 1` on `x_0 = (1, 1)` (active) and `x_1 = (0, 1)` (guard exactly
/// 0), labels `y`, half-mean loss (`G = 1/2`), up to `t_end`.
fn on_a_surface(y: &[&str], t_end: &str) -> Problem {
    let data = Data::new(rows(&[&["1", "1"], &["0", "1"]]), Labels::Given(y.iter().map(|s| q(s)).collect())).unwrap();
    let init = Init::Explicit { w: rows(&[&["1", "0"]]), a: vec![q("1")] };
    let run = RunConfig { t_end: Horizon::Finite(q(t_end)), arithmetic: Arithmetic::Interval, precision: 128 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(Solution::Clarke)
        .unwrap()
}

/// For `y = (2, −2)` both one-sided fields point into `x_1`'s hyperplane `w_2 = 0`
/// (`ρ⁻ = ½a(2 − au) > 0`, `ρ⁺ = −½a²u < 0` with `w = (u, 0)`): the Clarke flow slides with
/// `u̇ = −½a(au − 2)`, `ȧ = −½u(au − 2)`, so `a = u` (balanced) and `v = u²` solves the logistic
/// equation `v̇ = v(2 − v)`: `u(t) = a(t) = √(2/(1 + e^{−2t}))`, `w_2 ≡ 0`.
fn closed_form(t: f64) -> Float {
    let e = Float::with_val(BITS, -2.0 * t).exp();
    (Float::with_val(BITS, 2) / (e + 1u32)).sqrt()
}

fn inside<S: Enclosure>(e: &S, v: &Float) -> bool {
    let slack = 1e-60;
    e.lower_f64() - slack <= v.to_f64() && v.to_f64() <= e.upper_f64() + slack
}

/// Every segment hull at its ends and midpoint, and the final state, contain the closed form.
fn contains_closed_form<S: Enclosure>(tr: &Trajectory<S>) {
    let zero = Float::with_val(BITS, 0);
    let check = |st: &State<S>, t: f64, what: &str| {
        let u = closed_form(t);
        for (k, (e, v)) in
            [&st.w[0][0], &st.w[0][1], &st.a.as_ref().unwrap()[0]].into_iter().zip([&u, &zero, &u]).enumerate()
        {
            assert!(
                inside(e, v),
                "{what} at t = {t}: closed form {} outside [{:e}, {:e}] (coordinate {k})",
                v.to_f64(),
                e.lower_f64(),
                e.upper_f64()
            );
        }
    };
    for (k, seg) in tr.segments().iter().enumerate() {
        assert_eq!(seg.pattern().sliding, vec![(0, 1)], "segment {k} slides on point 1");
        let (a, b) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        for t in [a, 0.5 * (a + b), b] {
            check(seg.hull(), t, &format!("segment {k} hull"));
        }
    }
    check(tr.final_state(), 3.0, "final state");
}

#[test]
fn sliding_from_the_start_contains_the_closed_form() {
    let p = on_a_surface(&["2", "-2"], "3");
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    contains_closed_form(&tr);
    let w = &tr.final_state().w[0][0];
    assert!(w.width_upper() < 1e-9, "f64 intervals: final width {:e}", w.width_upper());
    let tr = certify::<MpInterval>(&p, &128, &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    contains_closed_form(&tr);
    assert!(tr.final_state().w[0][0].width_upper() < 1e-25, "{:e}", tr.final_state().w[0][0].width_upper());
}

/// The reference integrator slides too (it is the reference of the bench's Clarke runs).
#[test]
fn the_reference_slides_along_the_closed_form() {
    let p = on_a_surface(&["2", "-2"], "3");
    let opts = RefOptions { tol: 1e-50, order: 60, ..RefOptions::for_bits(BITS) };
    let run = integrate_problem::<Float>(&p, &BITS, &opts).unwrap();
    assert_eq!(run.stop, reluflow_flow::net::reference::RefStop::Reached);
    let fin = run.trajectory.final_state();
    let u = closed_form(3.0);
    let err = Float::with_val(BITS, &fin.w[0][0] - &u).abs().to_f64();
    assert!(err < 1e-40, "reference u(3) off the closed form by {err:e}");
    assert!(fin.w[0][1].to_f64().abs() < 1e-60, "reference w_2(3) = {:e}", fin.w[0][1].to_f64());
}

/// With σ'(0) fixed the same start is undecided (sliding); repelling surfaces stay non-unique
/// under the Clarke flow (two solutions leave).
#[test]
fn fixed_stays_undecided_and_repelling_stays_non_unique() {
    let fixed = on_a_surface(&["2", "-2"], "3").with_solution(Solution::Fixed).unwrap();
    let tr = certify::<Interval>(&fixed, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Undecided { reason: UndecidedReason::Sliding { neuron: 0, point: 1 }, .. }));
    let repelling = on_a_surface(&["0", "2"], "3");
    let tr = certify::<Interval>(&repelling, &(), &ValidatedOptions::default()).unwrap();
    assert!(
        matches!(tr.status(), Status::Undecided { reason: UndecidedReason::NonUnique { neuron: 0, point: 1 }, .. }),
        "{:?}",
        tr.status()
    );
    assert!(tr.segments().is_empty());
}
