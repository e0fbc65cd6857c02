//! The box a single-neuron switch reports holds the states of the *whole* switch window.
//!
//! A switch at local time `[lo, hi]` of its pattern closes the segment with a box that holds
//! every state of the pattern's flow over `[lo, hi]` (the next pattern starts from it, and a
//! certificate claims it). The reference here is independent of the integrator: the 256-bit
//! MPFR reference run gives the state inside the pattern, and a reference run of the pattern's
//! own points alone (all active over the window: the same affine flow) continues it past the switch,
//! to both ends of the window.
//!
//! The instance is `examples/support-vector-reactivation.toml`, whose third switch's Newton
//! iteration stalls with a narrowed lower end: the box must follow that end.

use reluflow_arith::{Enclosure, Float, Interval, Rational, Scalar};
use reluflow_flow::neuron::{NeuronOptions, certify, reference};
use reluflow_flow::{Segment, Status};
use reluflow_model::*;

const BITS: u32 = 256;

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

/// The example's data (teacher `(0, 0, −2)`: labels `(0, 0, 3/5, 1/5)`), from `w0` over `t_end`.
fn problem(x: Vec<Vec<Rational>>, y: Vec<Rational>, w0: Vec<Rational>, t_end: Horizon) -> Problem {
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        Data::new(x, Labels::Given(y)).unwrap(),
        Init::Single { w: w0 },
        RunConfig { t_end, arithmetic: Arithmetic::Interval, precision: 53 },
    )
    .unwrap()
}

fn data() -> (Vec<Vec<Rational>>, Vec<Rational>) {
    let x = vec![
        vec![q(0, 1), q(-2, 1), q(0, 1)],
        vec![q(7, 1), q(6, 1), q(0, 1)],
        vec![q(1, 1), q(0, 1), q(-3, 10)],
        vec![q(0, 1), q(1, 2), q(-1, 10)],
    ];
    (x, vec![q(0, 1), q(0, 1), q(3, 5), q(1, 5)])
}

fn lo(s: &Interval) -> Rational {
    match s.lower() {
        reluflow_arith::Bound::Finite(v) => v,
        other => panic!("unbounded end {other:?}"),
    }
}

fn hi(s: &Interval) -> Rational {
    match s.upper() {
        reluflow_arith::Bound::Finite(v) => v,
        other => panic!("unbounded end {other:?}"),
    }
}

fn float(v: &Rational) -> Float {
    Float::with_val(BITS, v)
}

/// The flow of segment `seg`'s pattern from the reference state at `t_ref` (exact, inside the
/// pattern), at the absolute times `times`: a reference run of the pattern's points alone, while
/// they all stay active.
fn pattern_flow(seg: &Segment<Interval>, w_ref: &[Float], t_ref: &Float, times: &[Rational]) -> Vec<Vec<Float>> {
    let (x, y) = data();
    let active = &seg.pattern().active[0];
    let xs = active.iter().map(|&i| x[i].clone()).collect();
    let ys = active.iter().map(|&i| y[i].clone()).collect();
    let w0 = w_ref.iter().map(|v| v.to_rational().unwrap()).collect();
    let p = problem(xs, ys, w0, Horizon::Infinite);
    let run = reference::<Float>(&p, &BITS, &NeuronOptions::default()).unwrap();
    let local: Vec<Float> = times.iter().map(|t| Float::with_val(BITS, &float(t) - t_ref)).collect();
    for e in run.trajectory.events() {
        assert!(local.iter().all(|s| *s < e.t), "the pattern's points stay active over the window: {e:?}");
    }
    local.iter().map(|s| run.state_at(s)).collect()
}

#[test]
fn the_box_at_a_switch_holds_the_states_of_its_whole_window() {
    let (x, y) = data();
    let p = problem(x, y, vec![Rational::new(); 3], Horizon::Finite(q(8, 1)));
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let r = reference::<Float>(&p, &BITS, &NeuronOptions::default()).unwrap();
    let (events, ref_events) = (tr.events(), r.trajectory.events());
    assert_eq!(events.len(), 3);
    assert_eq!(ref_events.len(), 3);
    for (k, seg) in tr.segments().iter().take(events.len()).enumerate() {
        if seg.pattern().active[0].contains(&events[k].point) {
            continue; // a deactivation: the pattern's flow past it leaves the ReLU's domain
        }
        // The pattern started at the reference's switch time T*; its local window [lo, hi]
        // satisfies T.lo + lo ≥ t_ev.lo and T.hi + hi ≤ t_ev.hi for the enclosure T of its start.
        let t_star = if k == 0 { Float::with_val(BITS, 0) } else { ref_events[k - 1].t.clone() };
        let (ts, te) = (seg.t_start(), &events[k].t);
        let local = [Rational::from(&lo(te) - &lo(ts)), Rational::from(&hi(te) - &hi(ts))];
        let at: Vec<Rational> = local.iter().map(|s| t_star.to_rational().unwrap() + s).collect();
        // A time well inside the pattern, where the full reference run is in this pattern.
        let inside = Float::with_val(BITS, &t_star + &float(&Rational::from(&local[0] / 2u32)));
        let states = pattern_flow(seg, &r.state_at(&inside), &inside, &at);
        for (w, t) in states.iter().zip(&at) {
            for (j, (b, v)) in seg.end().w[0].iter().zip(w).enumerate() {
                assert!(
                    b.contains_rational(&v.to_rational().unwrap()),
                    "switch {k}: w[{j}] at t = {} is {} outside the switch box {b:?}",
                    t.to_f64(),
                    v.to_f64()
                );
            }
        }
    }
}
