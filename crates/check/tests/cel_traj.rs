//! CEL Lemmas 19 and 4 along two-layer trajectories (hand-built closed form and the validated
//! integrator). Assumption 2 is certainly false at these λ, so these rows are vacuous as statements of the
//! paper; the conclusions are still certified facts about the given trajectories.

mod common;

use common::*;
use reluflow_arith::Interval;
use reluflow_check::*;
use reluflow_flow::Trajectory;
use reluflow_model::*;

/// The closed-form two-layer fixture as a balanced initialisation: λ = 1/2, z = (1, −2), s = (1, 1)
/// gives w(0) = (1/2, −1), a(0) = (1/2, 1), the same flow as `two_layer_problem`.
fn balanced_fixture() -> Problem {
    let p = two_layer_problem(Horizon::Finite(q("8")));
    let init = Init::Balanced { scale: q("1/2"), z: vec![vec![q("1")], vec![q("-2")]], s: vec![1, 1] };
    p.with_init(init).unwrap()
}

fn row(id: &str, p: &Problem, t: &Trajectory<Interval>) -> Row<Interval> {
    let mut sel = Selection { ids: vec![id.into()], ..Selection::default() };
    sel.params.refine = 0;
    check(p, t, &sel).rows.remove(0)
}

#[test]
fn lemma19_holds_breaks_and_is_undecided() {
    let p = balanced_fixture();
    let t = two_layer::<Interval>(&());
    let r = row("cel.lemma19", &p, &t);
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Holds);
    // Broken: a_0 < 0 on segment 0 makes s_0 a_0 ȧ_0 certainly negative before T1 ≈ 0.17.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[0].hull.a.as_mut().unwrap()[0] = Interval::try_from((-1.0, -0.5)).unwrap();
        })
        .unwrap();
    let r = row("cel.lemma19", &p, &m);
    assert!(r.conclusion.is_violated(), "{}", r.conclusion);
    // Too wide: ‖w_0‖ may reach 2 on segment 0, above the bound 2‖z_0‖λ = 1 at t = 0.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.segments[0].hull.w[0][0] = Interval::try_from((-2.0, 2.0)).unwrap();
        })
        .unwrap();
    assert!(row("cel.lemma19", &p, &m).conclusion.is_undecided());
}

#[test]
fn lemma4_on_the_validated_integrator() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    // d = n = 2, teacher e_0, one positive neuron and one negative neuron (J−) that must die.
    let x = vec![vec![q("1"), q("0.2")], vec![q("1"), q("-0.3")]];
    let data = Data::new(x, Labels::Teacher(vec![q("1"), q("0")])).unwrap();
    let init =
        Init::Balanced { scale: q("1e-3"), z: vec![vec![q("0.5"), q("1")], vec![q("1"), q("0.1")]], s: vec![1, -1] };
    let run = RunConfig { t_end: Horizon::Finite(q("30")), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    // Order 20 (longer steps than the automatic order 17 of f64 intervals) gives hulls wide enough
    // that the refinement of the checker has something to do.
    let opts = ValidatedOptions { order: 20, ..ValidatedOptions::default() };
    let t = certify::<Interval>(&p, &(), &opts).unwrap();
    let r = row("cel.lemma4", &p, &t);
    // With the default refinement (8 pieces per segment) the first-phase bounds of Lemma 19 and
    // the sign of a_1 (a J− neuron shrinking to ~10⁻³) are decided on this run; on the raw hulls
    // at least one of them is not (which one depends on the integrator's step sizes).
    let full = check(&p, &t, &Selection::default());
    println!("{}", full.to_text());
    let mut raw_undecided = 0;
    for id in ["cel.lemma19", "gen.sign-preserved"] {
        let fr = full.rows.iter().find(|r| r.entry.id == id).unwrap();
        assert!(fr.conclusion.holds(), "{id}: {}", fr.conclusion);
        let raw = row(id, &p, &t).conclusion;
        assert!(!raw.is_violated(), "{id} violated on the raw hulls: {raw}");
        raw_undecided += usize::from(!raw.holds());
    }
    assert!(raw_undecided > 0, "both decided without refinement: the refinement is not exercised");
    assert!(r.conclusion.holds(), "{}", r.conclusion);
    assert!(r.notes[0].starts_with("T0"));
    // Broken: the negative neuron listed active on the last segment (after T0).
    let mut m = t.clone();
    let last = m.segments().len() - 1;
    m = m
        .edit(|p| {
            p.segments[last].pattern.active[1] = vec![0];
        })
        .unwrap();
    assert!(row("cel.lemma4", &p, &m).conclusion.is_violated());

    // Lemma 5 at T1 ≈ 1.72: undecided on the raw hulls and with 8 pieces (the cosine over a box is
    // wide), proved with 32 pieces per segment; a hull at T1 with a tiny ‖w_0‖ is a violation.
    let lemma5 = |t: &Trajectory<Interval>, pieces: u32| {
        let mut sel = Selection { ids: vec!["cel.lemma5".into()], ..Selection::default() };
        sel.params.refine = pieces;
        check(&p, t, &sel).rows.remove(0).conclusion
    };
    assert!(lemma5(&t, 0).is_undecided());
    assert!(lemma5(&t, 32).holds(), "{}", lemma5(&t, 32));
    let mut m = t.clone();
    let t1 = 1.7247;
    let k = m.segments().iter().position(|s| s.t_start().sup() < t1 && t1 < s.t_end().inf()).unwrap();
    m = m
        .edit(|p| {
            p.segments[k].hull.w[0] = vec![Interval::try_from((1e-9, 1e-9)).unwrap(); 2];
        })
        .unwrap();
    assert!(lemma5(&m, 0).is_violated(), "{}", lemma5(&m, 0));
    // Lemma 3 on the same run: neuron 1 (J−) sheds point 1 then point 0 as its yardstick does, at
    // times within λ^{1−(1+(3ℓ−1)/(3n_j))ε} of τ_1^ℓ (λ = 10⁻³, ε = 1/4: 10⁻², 2.4·10⁻²).
    let r = row("cel.lemma3", &p, &t);
    assert!(r.conclusion.holds(), "{}\n{:?}", r.conclusion, t.events());
    // Broken: the two exits swapped.
    let mut m = t.clone();
    let idx: Vec<usize> = (0..m.events().len()).filter(|&k| m.events()[k].neuron == 1).collect();
    let (a, b) = (m.events()[idx[0]].point, m.events()[idx[1]].point);
    m = m
        .edit(|p| {
            p.events[idx[0]].point = b;
        })
        .unwrap();
    m = m
        .edit(|p| {
            p.events[idx[1]].point = a;
        })
        .unwrap();
    assert!(row("cel.lemma3", &p, &m).conclusion.is_violated());
    // Broken: the first exit moved far from τ
    let mut m = t.clone();
    // (By 0.1 ≫ 10⁻²: far enough to break the lemma, near enough to keep the events in time order.)
    m = m
        .edit(|p| {
            p.events[idx[0]].t += Interval::try_from((0.1, 0.1)).unwrap();
        })
        .unwrap();
    let r = row("cel.lemma3", &p, &m);
    assert!(r.conclusion.to_string().contains("|t_1^1 − τ_1^1|"), "{}", r.conclusion);
    // Missing events: undecided.
    let mut m = t.clone();
    m = m
        .edit(|p| {
            p.events.clear();
        })
        .unwrap();
    assert!(row("cel.lemma3", &p, &m).conclusion.is_undecided());
}

#[test]
fn lemma28_bundle_angles_after_t1() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    // Two positive neurons (J+) and one negative one, λ = 10⁻³, d = n = 2, teacher e_0.
    let p = cel_problem("6");
    let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let lemma28 = |t: &Trajectory<Interval>, pieces: u32| {
        let mut sel = Selection { ids: vec!["cel.lemma28-angles".into()], ..Selection::default() };
        sel.params.refine = pieces;
        check(&p, t, &sel).rows.remove(0).conclusion
    };
    // Raw hulls: undecided; refined (8 pieces): the identity ċ = (1 − c)(w̄_j + w̄_k)ᵀg proves the
    // angle between the two J+ neurons non-increasing on [T1, 6] and 1 − cos < 4λ^ε.
    assert!(lemma28(&t, 0).is_undecided());
    assert!(lemma28(&t, 8).holds(), "{}", lemma28(&t, 8));
    // Broken: on the last segment (after T1) the two J+ neurons point along e_0 and e_1.
    let mut m = t.clone();
    let last = m.segments().len() - 1;
    let pt = |v: f64| Interval::try_from((v, v)).unwrap();
    m = m
        .edit(|p| {
            p.segments[last].hull.w[0] = vec![pt(1e-2), pt(0.0)];
        })
        .unwrap();
    m = m
        .edit(|p| {
            p.segments[last].hull.w[2] = vec![pt(0.0), pt(1e-2)];
        })
        .unwrap();
    let v = lemma28(&m, 0);
    assert!(v.is_violated() && v.to_string().contains("1 − w̄_0ᵀw̄_2"), "{v}");
}

/// Theorem 7's linear-phase bound needs η_d, the smallest eigenvalue of XXᵀ/n; with orthonormal
/// data it is repeated and cannot be separated. The bound is then unchecked on the linear segments,
/// so the row must not hold (it used to skip the fact silently).
#[test]
fn thm7_without_eta_d_is_undecided_not_holds() {
    use reluflow_flow::net::validated::{ValidatedOptions, certify};
    let x = vec![vec![q("1"), q("0")], vec![q("0"), q("1")]];
    let data = Data::new(x, Labels::Teacher(vec![q("1"), q("1")])).unwrap();
    let init = Init::Balanced { scale: q("0.1"), z: vec![vec![q("1"), q("2")], vec![q("2"), q("1")]], s: vec![1, 1] };
    let run = RunConfig { t_end: Horizon::Finite(q("4")), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap();
    assert!(reluflow_check::cel::delta::eigen::<Interval>(&p, &()).is_err(), "η_d must be inseparable here");
    let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    let r = row("cel.thm7-limit", &p, &t);
    assert!(r.conclusion.is_undecided(), "{}", r.conclusion);
    assert!(r.conclusion.to_string().contains("not checked"), "{}", r.conclusion);
}
