//! The refinement of single-neuron segments through the pattern's affine flow: after Vardi–Shamir's
//! switch (γ = 1) the refined hulls must hold an independent high-precision solution and be tight
//! enough to sign d/dt ½‖w‖² on every finite piece.
//!
//! Reference: mpmath at 60 digits, `expm` of the augmented 4×4 matrix of `ẇ = −(Mw − b)` for the
//! pattern {0, 1, 2} from w(0) = 0, the switch time as the root of x₃ᵀw(t) (findroot), then the
//! pattern {0, 1} from w(t*); `D = Σ_{i∈{0,1}} (y_i − z_i)z_i` (G = 1).

use reluflow_arith::{Interval, Scalar, exact::parse_exact};
use reluflow_check::inst::Inst;
use reluflow_check::refine::refine;
use reluflow_check::{Selection, check};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_flow::{Segment, Trajectory};
use reluflow_model::*;

/// `t* = 0.16965059612848535047826…`, then `(t, w(t), D(t))` after it (decimal strings, 20 digits).
const REF: &[(&str, [&str; 3], &str)] = &[
    (
        "0.17065059612848535048",
        ["4.6993708423005678337", "0.037087276982948516478", "-0.040772919766673468137"],
        "10.81434276779841855",
    ),
    (
        "0.17465059612848535048",
        ["4.7083832506788155137", "0.022413900230441111535", "-0.040772919766673468137"],
        "10.17460296535479107",
    ),
    (
        "0.18425059612848535048",
        ["4.7277482389084571126", "-0.0123048358112045969", "-0.040772919766673468137"],
        "8.8745913036834187641",
    ),
    (
        "0.19965059612848535048",
        ["4.7534710240587448384", "-0.066327210657914997167", "-0.040772919766673468137"],
        "7.3336575050608677033",
    ),
    (
        "0.22965059612848535048",
        ["4.7909439382658545682", "-0.16486902307427833307", "-0.040772919766673468137"],
        "5.5501701334665050816",
    ),
    (
        "0.26965059612848535048",
        ["4.8262878050749501594", "-0.28184509826093988855", "-0.040772919766673468137"],
        "4.3967575178963766856",
    ),
    (
        "0.28665059612848535048",
        ["4.8383822573765051532", "-0.32671923014316417753", "-0.040772919766673468137"],
        "4.0971125558804475634",
    ),
];

fn vardi_shamir(t_end: Horizon) -> Problem {
    let q = |s: &str| parse_exact(s).unwrap();
    let x = vec![vec![q("3"), q("-1"), q("0")], vec![q("4"), q("2"), q("0")], vec![q("0"), q("1"), q("1")]];
    let data = Data::new(x, Labels::Given(vec![q("16"), q("18"), q("0")])).unwrap();
    let run = RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 };
    let init = Init::Single { w: vec![q("0"); 3] };
    Problem::new(ModelKind::SingleNeuron, ReluPrime::One, LossScale::HalfSum, data, init, run).unwrap()
}

/// `D = G Σ_{i∈A} (y_i − z_i)z_i` on a hull (the product form).
fn deriv(inst: &Inst<Interval>, s: &Segment<Interval>) -> Interval {
    let mut acc = <Interval as Scalar>::zero(&());
    for &i in &s.pattern().active[0] {
        let z = inst.z(&s.hull().w[0], i);
        acc = Scalar::add(&acc, &Scalar::mul(&Scalar::sub(&inst.y[i], &z), &z));
    }
    Scalar::mul(&inst.g, &acc)
}

fn refined() -> (Inst<Interval>, Trajectory<Interval>) {
    let p = vardi_shamir(Horizon::Infinite);
    let t = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    let inst = Inst::<Interval>::new(&p, &());
    let r = refine(&t, &inst, 8).expect("a correct trajectory refines consistently");
    (inst, r)
}

#[test]
fn hulls_after_the_switch_hold_the_reference_and_sign_the_norm_derivative() {
    let (inst, r) = refined();
    let after: Vec<&Segment<Interval>> = r.segments().iter().filter(|s| s.pattern().active[0] == [0, 1]).collect();
    assert_eq!(after.len(), 8, "the segment after the switch is refined into 8 pieces");
    let f = |v: &str| v.parse::<f64>().unwrap();
    for (t, w, d) in REF {
        let (t, w, d) = (f(t), w.map(f), f(d));
        let s = after.iter().find(|s| s.t_start().sup() < t && t < s.t_end().inf()).expect("a piece holds t");
        for (h, v) in s.hull().w[0].iter().zip(w) {
            assert!(h.inf() <= v && v <= h.sup(), "hull {h:?} misses w = {v} at t = {t}");
        }
        let e = deriv(&inst, s);
        assert!(e.inf() <= d && d <= e.sup(), "D enclosure {e:?} misses {d} at t = {t}");
    }
    for s in &after {
        let e = deriv(&inst, s);
        assert!(e.inf() > 0.0, "D ∈ {e:?} not certainly positive on [{}, {}]", s.t_start().inf(), s.t_end().sup());
        // Tight, not just signed: the first piece was 0.31 wide in w₀ with first-order steps.
        assert!(s.hull().w[0].iter().all(|c| c.wid() < 0.2), "piece hull {:?}", s.hull().w[0]);
    }
    // The piece right after the switch: the width of the switch-state enclosure (~1e-13) reaches
    // its end only through the start set, not through the step.
    assert!(after[0].end().w[0].iter().all(|c| c.wid() < 1e-9), "end {:?}", after[0].end().w[0]);
}

#[test]
fn norm_growth_holds_through_the_tail() {
    // The finite segments are decided by their refined hulls; the tail [T, ∞), whose hull (a ball
    // about the limit, where D = 0) cannot, by the residual's modes.
    let p = vardi_shamir(Horizon::Infinite);
    let t = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    let sel = Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() };
    let rows = check(&p, &t, &sel).rows;
    let c = rows[0].conclusion.to_string();
    assert!(rows[0].conclusion.holds(), "{c}");
}
