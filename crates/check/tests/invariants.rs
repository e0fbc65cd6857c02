//! Each implemented trajectory invariant: a certified `holds`, a deliberately broken case caught as
//! violated with a witness, and an undecided case (enclosure too wide or coverage incomplete).

mod common;

use common::*;
use reluflow_arith::{Enclosure, Interval, MpInterval, Scalar};
use reluflow_check::*;
use reluflow_flow::{Event, EventKind, Status, Trajectory, TrajectoryError, UndecidedReason};
use reluflow_model::{Horizon, Problem};

/// One row, checked on the trajectory's own hulls (no refinement: these tests are about the hull
/// semantics; `refinement_*` tests cover the refined path).
fn row<S: Enclosure>(id: &str, p: &Problem, t: &Trajectory<S>) -> Row<S> {
    row_with(id, p, t, raw())
}

fn raw() -> Selection {
    let mut sel = Selection::default();
    sel.params.refine = 0;
    sel
}

fn row_with<S: Enclosure>(id: &str, p: &Problem, t: &Trajectory<S>, mut sel: Selection) -> Row<S> {
    sel.ids = vec![id.to_string()];
    let mut r = check(p, t, &sel).rows;
    assert_eq!(r.len(), 1, "{id}");
    r.remove(0)
}

fn fin() -> Horizon {
    Horizon::Finite(q("8"))
}

fn iv(lo: f64, hi: f64) -> Interval {
    Interval::from_f64_bounds(lo, hi, &())
}

/// Marks the trajectory certified only up to t = 3 (segments after it are not used).
fn cut<S: Enclosure>(t: &mut Trajectory<S>) {
    let ctx = t.t_final().ctx();
    *t = t
        .clone()
        .edit(|p| {
            p.status =
                Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: S::from_i64(3, &ctx) };
        })
        .unwrap();
}

fn assert_violated<S: Scalar>(r: &Row<S>, needle: &str) {
    match &r.conclusion {
        Verdict::Violated { witness } => {
            let s = witness_text(witness);
            assert!(s.contains(needle), "witness `{s}` lacks `{needle}`");
        }
        v => panic!("{}: expected violated, got {v}", r.entry.id),
    }
}

fn witness_text<S: Scalar>(w: &Witness<S>) -> String {
    w.to_string()
}

#[test]
fn norm_growth_holds_fails_and_undecided() {
    let p = growth_holds_problem(fin());
    let r = row("lsy.norm-growth", &p, &growth_holds::<Interval>(&(), false));
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Holds);
    // The same with 128-bit MPFR intervals.
    let r = row("lsy.norm-growth", &p, &growth_holds::<MpInterval>(&128, false));
    assert!(r.conclusion.holds(), "{}", r.conclusion);

    let pf = growth_fails_problem(fin());
    let r = row("lsy.norm-growth", &pf, &growth_fails::<Interval>(&(), false));
    assert_violated(&r, "d/dt ½‖w‖²");
    assert!(
        matches!(&r.conclusion, Verdict::Violated { witness } if matches!(witness.at, Location::Segment { index: 0, .. }))
    );
    assert_eq!(r.status, RowStatus::Counterexample, "no hypothesis assumed by default");

    // Mutated: the end of segment 3 moved back to w(0): ½‖w‖² decreases between ends.
    let mut t = growth_holds::<Interval>(&(), false);
    t = t
        .edit(|p| {
            p.segments[3].end = p.initial.clone();
        })
        .unwrap();
    assert_violated(&row("lsy.norm-growth", &p, &t), "end of segment 3");

    // Too wide: hull of w_0 on segment 2 is [0, 3], so d/dt ½‖w‖² has no certain sign.
    let mut t = growth_holds::<Interval>(&(), false);
    t = t
        .edit(|p| {
            p.segments[2].hull.w[0][0] = iv(0.0, 3.0);
        })
        .unwrap();
    let r = row("lsy.norm-growth", &p, &t);
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("segment 2"));
}

#[test]
fn norm_growth_switchable_hypotheses() {
    let pf = growth_fails_problem(fin());
    let t = growth_fails::<Interval>(&(), false);
    // Assuming d = 2 and teacher labels (both true here) keeps it a counterexample.
    let mut sel = raw();
    sel.assume.insert("d2".into(), true);
    sel.assume.insert("teacher".into(), true);
    let r = row_with("lsy.norm-growth", &pf, &t, sel.clone());
    assert_eq!(r.status, RowStatus::Counterexample);
    assert!(r.hypotheses.iter().filter(|h| h.assumed).all(|h| h.truth.is_true()));
    // Assuming positive labels (false: y_0 = 0) makes the row vacuous.
    sel.assume.insert("lsy.norm-growth:positive-labels".into(), true);
    let r = row_with("lsy.norm-growth", &pf, &t, sel.clone());
    assert_eq!(r.status, RowStatus::Vacuous);
    // A small initial norm bound r = 1 is false for ‖w(0)‖ = √2 …
    sel.assume.remove("lsy.norm-growth:positive-labels");
    sel.assume.insert("small-init".into(), true);
    sel.params.init_norm_bound = Some(q("1"));
    assert_eq!(row_with("lsy.norm-growth", &pf, &t, sel.clone()).status, RowStatus::Vacuous);
    // … and undecided when no r is given: a violation under an undecided hypothesis is not a
    // counterexample.
    sel.params.init_norm_bound = None;
    assert_eq!(row_with("lsy.norm-growth", &pf, &t, sel).status, RowStatus::Undecided);
}

#[test]
fn point_backends_are_never_certified() {
    let p = growth_holds_problem(fin());
    let t = growth_holds::<Interval>(&(), false);
    let mid = |s: &reluflow_flow::State<Interval>| reluflow_flow::State {
        w: s.w.iter().map(|r| r.iter().map(Scalar::approx_f64).collect()).collect(),
        a: s.a.as_ref().map(|a| a.iter().map(Scalar::approx_f64).collect()),
    };
    let pt: Trajectory<f64> = Trajectory::from_parts(reluflow_flow::TrajectoryParts {
        initial: mid(t.initial()),
        segments: t
            .segments()
            .iter()
            .map(|s| reluflow_flow::SegmentParts {
                t_start: s.t_start().approx_f64(),
                t_end: s.t_end().approx_f64(),
                pattern: s.pattern().clone(),
                hull: mid(s.hull()),
                end: mid(s.end()),
            })
            .collect(),
        events: vec![],
        final_state: mid(t.final_state()),
        t_final: 8.0,
        limit: None,
        status: Status::NotValidated,
    })
    .unwrap();
    let enc = degenerate::<f64, Interval>(&pt, &()).unwrap();
    let report = check(&p, &enc, &Selection::default());
    assert!(report.rows.iter().filter(|r| r.entry.kind() == Kind::Trajectory).all(|r| !r.validated));
    assert!(report.rows.iter().any(|r| r.status == RowStatus::NotValidated));
    assert_eq!(report.outcome(), Outcome::NotValidated);
    // The same run with a certified status would be checked: the verdicts exist, only the label differs.
    assert!(report.rows.iter().any(|r| r.conclusion.holds()));
}

#[test]
fn loss_nonincreasing() {
    let p = growth_holds_problem(fin());
    let r = row("gen.loss-nonincreasing", &p, &growth_holds::<Interval>(&(), false));
    assert!(matches!(r.conclusion, Verdict::Holds { proof: Proof::Identity(_), .. }), "{}", r.conclusion);
    let r = row("gen.loss-nonincreasing", &two_layer_problem(fin()), &two_layer::<Interval>(&()));
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    // Mutated: segment 4 ends back at w(0), whose loss is certainly larger.
    let mut t = growth_holds::<Interval>(&(), false);
    t = t
        .edit(|p| {
            p.segments[4].end = p.initial.clone();
        })
        .unwrap();
    assert_violated(&row("gen.loss-nonincreasing", &p, &t), "moved the wrong way");
    // Coverage incomplete: undecided.
    let mut t = growth_holds::<Interval>(&(), false);
    cut(&mut t);
    assert!(row("gen.loss-nonincreasing", &p, &t).conclusion.is_undecided());
}

#[test]
fn balancedness_sign_and_dead_neurons() {
    let p = two_layer_problem(fin());
    let t = two_layer::<Interval>(&());
    for id in ["gen.balancedness", "gen.sign-preserved", "gen.dead-frozen", "gen.span"] {
        let r = row(id, &p, &t);
        assert!(r.conclusion.holds(), "{id}: {}", r.conclusion);
        assert_eq!(r.status, RowStatus::Holds);
    }
    // Broken: a_0's hull scaled by 1.5 on segment 2 ⇒ a_0² − ‖w_0‖² certainly > 0.
    let mut m = t.clone();
    m = m.edit(|p| p.segments[2].hull.a.as_mut().unwrap()[0] *= Interval::from_f64(1.5, &())).unwrap();
    assert_violated(&row("gen.balancedness", &p, &m), "a_0² − ‖w_0‖²");
    // Broken: a_0 negative on segment 5.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[5].hull.a.as_mut().unwrap()[0] = iv(-1.0, -0.5);
        })
        .unwrap();
    assert_violated(&row("gen.sign-preserved", &p, &m), "a_0");
    // Broken: the dead neuron 1 listed active on segment 1.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[1].pattern.active[1] = vec![0];
        })
        .unwrap();
    assert_violated(&row("gen.dead-frozen", &p, &m), "active set of neuron 1");
    // Too wide: undecided. Not finite: no certified trajectory carries such a bound.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[3].hull.a.as_mut().unwrap()[0] = iv(-1e300, 1e300);
        })
        .unwrap();
    assert!(row("gen.balancedness", &p, &m).conclusion.is_undecided());
    let entire = t.clone().edit(|p| p.segments[3].hull.a.as_mut().unwrap()[0] = Interval::ENTIRE);
    assert!(matches!(entire, Err(TrajectoryError::VacuousBound { .. })), "{entire:?}");
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[3].hull.a.as_mut().unwrap()[0] = iv(-0.1, 1.0);
        })
        .unwrap();
    assert!(row("gen.sign-preserved", &p, &m).conclusion.is_undecided());
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.initial.w[1][0] = iv(-1.0, 1.0);
        })
        .unwrap();
    assert!(row("gen.dead-frozen", &p, &m).conclusion.is_undecided());
}

#[test]
fn span_invariant() {
    let p = growth_fails_problem(fin());
    let t = growth_fails::<Interval>(&(), true);
    let r = row("gen.span", &p, &t);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    // Broken: w_1 moves although x_1 = e_1 was never active.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[6].end.w[0][1] = iv(-0.5, -0.5);
        })
        .unwrap();
    assert_violated(&row("gen.span", &p, &m), "orthogonal component");
    // A non-finite hull proves nothing: a certified trajectory cannot carry one, an undecided run
    // can, and the check stays undecided there.
    let entire = |p: &mut reluflow_flow::TrajectoryParts<Interval>| p.segments[6].hull.w[0][1] = Interval::ENTIRE;
    assert!(matches!(t.clone().edit(entire), Err(TrajectoryError::VacuousBound { .. })));
    let until = *t.t_final();
    let m = t.clone().edit(|p| {
        entire(p);
        p.status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: until };
    });
    let r = row("gen.span", &p, &m.unwrap());
    assert!(r.conclusion.is_undecided() && r.conclusion.to_string().contains("not finite"), "{}", r.conclusion);
}

#[test]
fn distance_to_interpolant_and_vs_thm8() {
    let p = growth_holds_problem(fin());
    let t = growth_holds::<Interval>(&(), false);
    for id in ["gen.dist-to-interpolant", "vs.thm8-distance"] {
        let r = row(id, &p, &t);
        assert!(r.conclusion.holds(), "{id}: {}", r.conclusion);
        assert!(r.hypotheses[0].truth.is_true(), "the teacher (2, 1) has zero loss");
    }
    // Broken: segment 5 ends far away from w* = (2, 1) and from w(0).
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[5].end.w[0] = vec![iv(5.0, 5.0), iv(5.0, 5.0)];
        })
        .unwrap();
    assert_violated(&row("gen.dist-to-interpolant", &p, &m), "½‖w − w*‖²");
    assert_violated(&row("vs.thm8-distance", &p, &m), "4‖w* − w(0)‖²");
    // Undecided: incomplete coverage; a too-wide hull for the distance bound.
    let mut m = t.clone();
    cut(&mut m);
    assert!(row("gen.dist-to-interpolant", &p, &m).conclusion.is_undecided());
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[2].hull.w[0][0] = iv(-10.0, 10.0);
        })
        .unwrap();
    assert!(row("vs.thm8-distance", &p, &m).conclusion.is_undecided());
    // A deliberately wrong w*: (1, 1) does not interpolate, so the row is vacuous.
    let mut sel = Selection::default();
    sel.params.w_star = Some(vec![q("1"), q("1")]);
    let r = row_with("gen.dist-to-interpolant", &p, &t, sel);
    assert!(r.hypotheses[0].truth.is_false());
}

#[test]
fn support_vector_stability() {
    let p = growth_holds_problem(Horizon::Infinite);
    let t = growth_holds::<Interval>(&(), true);
    let r = row("lsy.support-vector-stability", &p, &t);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert!(r.notes.iter().any(|n| n.contains("[[0, 1]]")), "{:?}", r.notes);
    // Broken pattern sequence: x_1 active, inactive on segment 2, active again on segment 3.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[2].pattern = pat1(&[0]);
        })
        .unwrap();
    assert_violated(&row("lsy.support-vector-stability", &p, &m), "point 1 was active, then inactive");
    // Broken event list: deactivate at t ∈ [1, 1], re-activate at t ∈ [2, 2].
    let mut m = t.clone();
    let ev = |t: f64, kind| Event { t: iv(t, t), point: 1, neuron: 0, kind };
    m = m
        .edit(|p| {
            p.events = vec![ev(1.0, EventKind::Deactivate), ev(2.0, EventKind::Activate)];
        })
        .unwrap();
    assert_violated(&row("lsy.support-vector-stability", &p, &m), "re-activates");
    // Overlapping event times cannot be ordered: no violation from them; coverage cut: undecided.
    m = m
        .edit(|p| {
            p.events = vec![ev(1.0, EventKind::Deactivate), ev(1.0, EventKind::Activate)];
        })
        .unwrap();
    assert!(row("lsy.support-vector-stability", &p, &m).conclusion.holds());
    let mut m = t.clone();
    cut(&mut m);
    assert!(row("lsy.support-vector-stability", &p, &m).conclusion.is_undecided());
}

#[test]
fn global_convergence_d2() {
    let p = growth_holds_problem(Horizon::Infinite);
    let r = row("lsy.global-convergence-d2", &p, &growth_holds::<Interval>(&(), true));
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    // The growth-fails instance has d = 2 and teacher labels, and converges to loss ½.
    let pf = growth_fails_problem(Horizon::Infinite);
    let r = row("lsy.global-convergence-d2", &pf, &growth_fails::<Interval>(&(), true));
    assert_violated(&r, "L(w(∞))");
    assert_eq!(r.status, RowStatus::Counterexample, "d = 2 and teacher are the default hypotheses");
    // No limit: undecided.
    assert!(row("lsy.global-convergence-d2", &p, &growth_holds::<Interval>(&(), false)).conclusion.is_undecided());
    // Inconsistent limit system: x_0 = x_1 = e_0 with labels 1 and 2, both active; the flow
    // w_0(t) = 3/2 − ½e^{−2t} tends to 3/2 with loss ¼. A deliberately uninformative limit-loss
    // enclosure [0, 1] does not hide it: X_S w = y_S has no solution (exact rank test).
    let data = reluflow_model::Data::new(
        vec![vec![q("1"), q("0")], vec![q("1"), q("0")]],
        reluflow_model::Labels::Given(vec![q("1"), q("2")]),
    )
    .unwrap();
    let pi = p.with_init(reluflow_model::Init::Single { w: vec![q("1"), q("0")] }).unwrap();
    let pi =
        reluflow_model::Problem::new(pi.model(), pi.relu_prime(), pi.loss(), data, pi.init().clone(), pi.run().clone())
            .unwrap();
    let state_at = |t: &Interval| reluflow_flow::State {
        w: vec![vec![
            Interval::from_f64(1.5, &()) - (Interval::from_f64(-2.0, &()) * *t).exp() * Interval::from_f64(0.5, &()),
            Interval::from_f64(0.0, &()),
        ]],
        a: None,
    };
    let limit = reluflow_flow::Limit {
        state: reluflow_flow::State {
            w: vec![vec![Interval::from_f64(1.5, &()), Interval::from_f64(0.0, &())]],
            a: None,
        },
        loss: iv(0.0, 1.0),
        pattern: pat1(&[0, 1]),
        rate: None,
        on_hyperplane: Vec::new(),
    };
    let t = build(&(), 4, state_at, &pat1(&[0, 1]), Some(limit));
    let r = row("lsy.global-convergence-d2", &pi, &t);
    assert_violated(&r, "no solution");
}

#[test]
fn monotone_claims_over_a_tail_to_infinity() {
    let p = growth_holds_problem(Horizon::Infinite);
    let t = growth_holds::<Interval>(&(), true);
    // Segments stop at t = 8; the checker adds the tail [8, ∞) as the ball around w(∞) of radius
    // ‖w(8) − w(∞)‖ (contraction of the linear flow). It is enough for the distance to w* (its
    // derivative has an exact sign term by term) …
    let r = row("gen.dist-to-interpolant", &p, &t);
    assert!(matches!(&r.conclusion, Verdict::Holds { range, .. } if range.contains('∞')), "{}", r.conclusion);
    // … but near w(∞) = (2, 1) the norm derivative 1 − (z_0 − 1)² + … straddles 0 on the ball.
    let r = row("lsy.norm-growth", &p, &t);
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    // The witness names the added tail, not a segment number the run does not have.
    assert!(r.conclusion.to_string().contains("the tail after the last segment"), "{}", r.conclusion);
    // A tail segment from the integrator (here: the exact hull of [8, ∞)) settles it.
    let mut t = t;
    add_tail(&mut t);
    let r = row("lsy.norm-growth", &p, &t);
    assert!(matches!(&r.conclusion, Verdict::Holds { range, .. } if range.contains('∞')), "{}", r.conclusion);
}

/// The shipped examples are the fixtures above: same data, teacher, initialisation, conventions.
#[test]
fn shipped_examples_match_the_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for (file, p) in [
        ("norm-growth-holds.toml", growth_holds_problem(fin())),
        ("norm-growth-fails.toml", growth_fails_problem(fin())),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let num = |v: &toml::Value| match v {
            toml::Value::Integer(i) => q(&i.to_string()),
            toml::Value::String(s) => q(s),
            toml::Value::Float(f) => q(&f.to_string()),
            other => panic!("{file}: not a number: {other}"),
        };
        let vec = |v: &toml::Value| v.as_array().unwrap().iter().map(num).collect::<Vec<_>>();
        let data = doc["data"].as_table().unwrap();
        let x: Vec<_> = data["x"].as_array().unwrap().iter().map(vec).collect();
        assert_eq!(x, p.data().x(), "{file}: data.x");
        assert_eq!(vec(&data["teacher"]), p.data().teacher().unwrap(), "{file}: data.teacher");
        assert_eq!(vec(&doc["init"]["w"]), hyp_w(&p), "{file}: init.w");
        assert_eq!(doc["relu_prime_at_zero"].as_integer(), Some(0), "{file}");
        assert_eq!(doc["loss"].as_str(), Some("half-sum"), "{file}");
        assert_eq!(num(&doc["run"]["t_end"]), q("8"), "{file}");
    }
}

fn hyp_w(p: &Problem) -> Vec<reluflow_arith::Rational> {
    reluflow_check::hyp::init_w(p).remove(0)
}

#[test]
fn malformed_trajectories_and_selections_are_refused_cleanly() {
    let p = growth_holds_problem(fin());
    let mut t = growth_holds::<Interval>(&(), false);
    t = t
        .edit(|p| {
            p.segments[1].pattern.active[0] = vec![0, 7];
        })
        .unwrap();
    let rep = check(&p, &t, &Selection::default());
    let traj_rows: Vec<_> = rep.rows.iter().filter(|r| r.entry.kind() == Kind::Trajectory).collect();
    assert!(!traj_rows.is_empty());
    assert!(
        traj_rows.iter().all(|r| r.status == RowStatus::Undecided && r.conclusion.to_string().contains("malformed"))
    );
    // A hull of the wrong shape is not a trajectory at all: refused when built, naming the part.
    let t = growth_holds::<Interval>(&(), false);
    let e = t.edit(|p| p.segments[2].hull.w[0].truncate(1)).unwrap_err();
    assert!(matches!(e, TrajectoryError::Shape { .. }) && e.to_string().contains("segment 2 hull"), "{e}");

    let mut sel = Selection::default();
    assert!(sel.validate().is_ok());
    sel.ids = vec!["lsy.norm-growht".into()];
    let e = sel.validate().unwrap_err();
    assert!(matches!(&e, CheckError::UnknownTheorem { id, .. } if id == "lsy.norm-growht"), "{e}");
    assert!(e.to_string().contains("lsy.norm-growht") && e.to_string().contains("gen.span"), "{e}");
    sel.ids.clear();
    sel.assume.insert("lsy.norm-growth:d2".into(), true);
    assert!(sel.validate().is_ok());
    sel.assume.insert("gen.span:d2".into(), true);
    let e = sel.validate().unwrap_err();
    assert!(matches!(&e, CheckError::NotSwitchable { entry: Some(x), .. } if x == "gen.span"), "{e}");
    assert!(e.to_string().contains("gen.span:d2") && e.to_string().contains("relu-prime-one"), "{e}");
    sel.assume.clear();
    sel.params.epsilon = q("1/2");
    assert!(matches!(sel.validate(), Err(CheckError::Epsilon { .. })));
}

#[test]
fn refinement_tightens_wide_hulls_soundly() {
    // A hull widened to [0, 3] on segment 2 leaves norm growth undecided on the raw hulls; the
    // field-based refinement (8 pieces, the default) recovers tight sub-hulls and proves it.
    let p = growth_holds_problem(fin());
    let mut t = growth_holds::<Interval>(&(), false);
    t = t
        .edit(|p| {
            p.segments[2].hull.w[0][0] = iv(0.0, 3.0);
        })
        .unwrap();
    assert!(row("lsy.norm-growth", &p, &t).conclusion.is_undecided());
    let r = row_with("lsy.norm-growth", &p, &t, Selection::default());
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    // Refined hulls contain the exact flow: every sub-segment's hull holds the closed form at its
    // end points, and sub-segment ends hold the closed form at the split times.
    let inst = reluflow_check::inst::Inst::<Interval>::new(&p, &());
    let r = reluflow_check::refine::refine(&t, &inst, 8).expect("a correct trajectory refines consistently");
    assert_eq!(r.segments().len(), 8 * 8);
    for s in r.segments() {
        let mid = (*s.t_start() + *s.t_end()) * Interval::try_from((0.5, 0.5)).unwrap();
        for time in [*s.t_start(), mid, *s.t_end()] {
            let exact = growth_holds_state(&time);
            for (h, e) in s.hull().w[0].iter().zip(&exact.w[0]) {
                assert!(!(h.intersection(*e)).is_empty(), "hull {h:?} misses the flow {e:?} at {time:?}");
            }
        }
        let exact = growth_holds_state(s.t_end());
        for (h, e) in s.end().w[0].iter().zip(&exact.w[0]) {
            assert!(!(h.intersection(*e)).is_empty(), "end {h:?} misses the flow {e:?}");
        }
    }
    // A mutation that breaks the claim is still caught after refinement.
    let mut m = growth_fails::<Interval>(&(), false);
    m = m
        .edit(|p| {
            p.segments[0].hull.w[0][0] = iv(0.0, 3.0);
        })
        .unwrap();
    let pf = growth_fails_problem(fin());
    assert!(row_with("lsy.norm-growth", &pf, &m, Selection::default()).conclusion.is_violated());
}
