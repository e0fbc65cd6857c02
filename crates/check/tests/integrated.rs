//! The checker on trajectories of the real single-neuron integrator (`reluflow_flow::neuron`):
//! the shipped examples and Vardi–Shamir's Theorem 3 instances.

mod common;

use common::*;
use reluflow_arith::Interval;
use reluflow_check::*;
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;

fn report_of(p: &Problem, sel: &Selection) -> CheckReport<Interval> {
    let t = certify::<Interval>(p, &(), &NeuronOptions::default()).unwrap();
    check(p, &t, sel)
}

fn status(r: &CheckReport<Interval>, id: &str) -> RowStatus {
    r.rows.iter().find(|r| r.entry.id == id).unwrap_or_else(|| panic!("no row {id}")).status
}

#[test]
fn the_shipped_examples_are_proved_both_ways() {
    let sel = Selection::default();
    let r = report_of(&growth_holds_problem(Horizon::Finite(q("8"))), &sel);
    assert_eq!(status(&r, "lsy.norm-growth"), RowStatus::Holds, "{}", r.to_text());
    assert_eq!(r.outcome(), Outcome::SomeUndecided, "global convergence needs t_end = inf: {}", r.to_text());
    let r = report_of(&growth_fails_problem(Horizon::Finite(q("8"))), &sel);
    assert_eq!(status(&r, "lsy.norm-growth"), RowStatus::Counterexample, "{}", r.to_text());
    for id in ["gen.loss-nonincreasing", "gen.span", "gen.dist-to-interpolant", "vs.thm8-distance"] {
        assert_eq!(status(&r, id), RowStatus::Holds, "{id}: {}", r.to_text());
    }
}

fn vs_problem(gamma: &str) -> Problem {
    let x = vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q(gamma), q(gamma)]];
    let data = Data::new(x, Labels::Given(vec![q("16"), q("18"), q("0")])).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run).unwrap()
}

#[test]
fn vardi_shamir_instances() {
    for g in ["0", "1", "2", "5"] {
        let mut sel = Selection::default();
        // w* = (5, −1, 0) interpolates every X_γ (x_3ᵀw* = −γ ≤ 0, y_3 = 0).
        sel.params.w_star = Some(vec![q("5"), q("-1"), q("0")]);
        let r = report_of(&vs_problem(g), &sel);
        println!("γ = {g}\n{}", r.to_text());
        for id in
            ["vs.thm3-limit", "gen.loss-nonincreasing", "gen.span", "lsy.support-vector-stability", "vs.thm8-distance"]
        {
            assert_eq!(status(&r, id), RowStatus::Holds, "γ = {g}, {id}: {}", r.to_text());
        }
    }
}
