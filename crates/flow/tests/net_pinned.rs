//! Points pinned on their surface and dead neurons that may revive
//! (`proofs-notes/net-validated-switches.md`, "Pinned points"), checked against the 256-bit
//! reference integrator: a point deactivated onto active points orthogonal to it stays on its
//! hyperplane and the run goes on certified; a frozen neuron whose active side turns away from its
//! surface ends the run *non-unique* exactly where the reference's residual changes sign.

use reluflow_arith::{Enclosure, Float, Interval, Scalar};
use reluflow_flow::net::reference::{RefOptions, RefRun, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{EventKind, State, Status, Trajectory, UndecidedReason};
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

fn problem(x: &[&[&str]], teacher: &[&str], scale: &str, z: &[&[&str]], solution: Solution) -> Problem {
    let data = Data::new(rows(x), Labels::Teacher(teacher.iter().map(|s| q(s)).collect())).unwrap();
    let s = (0..z.len()).map(|j| if j % 2 == 0 { 1 } else { -1 }).collect();
    let init = Init::Balanced { scale: q(scale), z: rows(z), s };
    let run = RunConfig { t_end: Horizon::Finite(q("20")), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run)
        .unwrap()
        .with_solution(solution)
        .unwrap()
}

/// Neuron 1 deactivates point 1 and then point 3 = (−1, 0, 0); its only active point left,
/// x_0 = (0, −2/5, −1/2), is orthogonal to x_3, so its guard of point 3 stays exactly 0.
fn pinned(solution: Solution) -> Problem {
    problem(
        &[&["0", "-2/5", "-1/2"], &["-9/10", "4/5", "0"], &["0", "0", "0"], &["-1", "0", "0"]],
        &["-2/5", "-3/5", "4/5"],
        "1/100",
        &[&["-3/10", "4/5", "3/10"], &["-9/10", "-3/10", "-3/10"], &["4/5", "-7/10", "2/5"]],
        solution,
    )
}

/// Neuron 1 dies on point 1 at t ≈ 0.318; later the other neurons over-fit x_1 and the residual
/// `r_1` changes sign, so the field on the surface's active side turns away from it.
fn revives(solution: Solution) -> Problem {
    problem(
        &[&["0", "-1/10", "3/5", "-3/10"], &["4/5", "-1/2", "-1/2", "-9/10"]],
        &["3/5", "1", "1/5", "-9/10"],
        "1/100",
        &[
            &["0", "-9/10", "-4/5", "1/2"],
            &["3/5", "3/5", "0", "0"],
            &["-1/10", "1/10", "-3/10", "7/10"],
            &["-7/10", "-1/2", "-9/10", "3/5"],
        ],
        solution,
    )
}

fn reference(p: &Problem) -> RefRun<Float> {
    let opts = RefOptions { tol: 1e-50, order: 60, dense: true, ..RefOptions::for_bits(BITS) };
    integrate_problem::<Float>(p, &BITS, &opts).unwrap()
}

fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().cloned().chain(s.a.iter().flatten().cloned()).collect()
}

fn contains(e: &State<Interval>, v: &State<Float>, what: &str) {
    for (k, (e, v)) in flat(e).iter().zip(flat(v)).enumerate() {
        let (v, slack) = (v.to_f64(), 1e-30);
        assert!(e.lower_f64() - slack <= v && v <= e.upper_f64() + slack, "{what}: coordinate {k}: {v} not in {e:?}");
    }
}

/// Every segment end (at exact times) and the final state contain the reference's state.
fn contains_reference(tr: &Trajectory<Interval>, run: &RefRun<Float>) {
    for (k, seg) in tr.segments().iter().enumerate() {
        if seg.t_end().width_upper() == 0.0 {
            let s = run.state_at(&Float::with_val(BITS, seg.t_end().lower_f64())).unwrap();
            contains(seg.end(), &s, &format!("segment {k} end"));
        }
    }
    contains(tr.final_state(), &run.state_at(&Float::with_val(BITS, 20)).unwrap(), "final state");
}

#[test]
fn a_point_deactivated_onto_orthogonal_points_stays_on_its_hyperplane() {
    for solution in [Solution::Fixed, Solution::Clarke] {
        let p = pinned(solution);
        let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
        assert!(matches!(tr.status(), Status::Certified), "{solution:?}: {:?}", tr.status());
        let run = reference(&p);
        let kinds: Vec<_> = tr.events().iter().map(|e| (e.neuron, e.point, e.kind)).collect();
        assert_eq!(kinds, vec![(1, 1, EventKind::Deactivate), (1, 3, EventKind::Deactivate)]);
        for (e, r) in tr.events().iter().zip(run.trajectory.events()) {
            let t = r.t.to_f64();
            assert!(e.t.lower_f64() <= t && t <= e.t.upper_f64(), "event at {t} outside {:?}", e.t);
        }
        contains_reference(&tr, &run);
        // Pinned: w_1ᵀx_3 = −w_1[0] stays 0 (to rounding) from the second event to the end.
        let g = &tr.final_state().w[1][0];
        assert!(g.lower_f64() <= 0.0 && 0.0 <= g.upper_f64() && g.width_upper() < 1e-12, "{g:?}");
    }
}

#[test]
fn a_dead_neuron_whose_residual_changes_sign_is_non_unique_where_the_reference_says() {
    for solution in [Solution::Fixed, Solution::Clarke] {
        let p = revives(solution);
        let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
        let Status::Undecided { reason: UndecidedReason::NonUnique { neuron: 1, point: 1 }, certified_until } =
            &tr.status()
        else {
            panic!("{solution:?}: {:?}", tr.status())
        };
        assert_eq!(tr.events()[0].kind, EventKind::Death);
        // The reference keeps the neuron dead; a_1·r_1 > 0 (the active side returns) up to the
        // stop, and < 0 (it leaves: a second solution) shortly after it.
        let run = reference(&p);
        let a_r = |t: f64| {
            let s = run.state_at(&Float::with_val(BITS, t)).unwrap();
            let a = s.a.as_ref().unwrap();
            let x1 = [0.8, -0.5, -0.5, -0.9];
            let out: f64 = (0..4)
                .map(|l| a[l].to_f64() * s.w[l].iter().zip(x1).map(|(w, x)| w.to_f64() * x).sum::<f64>().max(0.0))
                .sum();
            let y1 = 0.6 * 0.8 - 0.5 - 0.2 * 0.5 + 0.9 * 0.9;
            a[1].to_f64() * (out - f64::max(y1, 0.0))
        };
        // The run claims one solution up to its stop: the reference's sign change comes after it,
        // and it is real (before t = 20).
        let stop = certified_until.lower_f64();
        assert!((12.0..13.5).contains(&stop), "stopped at {stop}");
        assert!(a_r(stop) > 0.0, "the active side returned up to the stop");
        let turn = (1..=800).map(|k| stop + 0.01 * k as f64).find(|&t| a_r(t) < 0.0);
        assert!(turn.is_some_and(|t| t < 20.0), "the reference's residual changes sign after {stop}");
    }
}
