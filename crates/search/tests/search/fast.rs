//! The fast screen agrees with the full screen: every instance the full screen (reference
//! integrator and checker) sees violated and the certified run confirms, the fast screen sees
//! violated too or hands to the full screen; its violations certify at least as often. (Where
//! they differ unconfirmed, the reference run took another pattern at a start on a hyperplane.)

use crate::util::assuming;
use reluflow_check::RowStatus;
use reluflow_model::Horizon;
use reluflow_search::fast::Fast;
use reluflow_search::screen::{certify, full_screen};
use reluflow_search::{Budget, Claim, Plan, draw};

/// Counts over `cases` instances of `id` under `switches`.
#[derive(Debug, Default)]
struct Agreement {
    fast_violated: usize,
    full_violated: usize,
    both: usize,
    /// Full violated and certified, fast clear.
    missed: Vec<u64>,
    escalated: usize,
    fast_certified: usize,
    full_certified: usize,
}

fn compare(id: &str, switches: &[&str], horizon: Option<Horizon>, cases: u64) -> Agreement {
    let plan = Plan::new(id, &assuming(switches), None, horizon).unwrap();
    let budget = Budget::default();
    let mut a = Agreement::default();
    for k in 0..cases {
        let Ok(p) = draw(&plan, 11, k) else { continue };
        let full = full_screen(&plan, &p, &budget, None).0.looks_violated();
        let fast = match plan.fast(&p).expect("a claim the fast screen knows") {
            Ok(Fast::Violated { .. }) => Some(true),
            Ok(Fast::Clear { .. } | Fast::Undecided { .. }) => Some(false),
            Err(_) => None,
        };
        a.escalated += usize::from(fast.is_none());
        a.full_violated += usize::from(full);
        a.fast_violated += usize::from(fast == Some(true));
        a.both += usize::from(full && fast == Some(true));
        if full || fast == Some(true) {
            let certified = certify(&plan, &p, &budget, None).status == RowStatus::Counterexample;
            a.full_certified += usize::from(full && certified);
            a.fast_certified += usize::from(fast == Some(true) && certified);
            if certified && fast == Some(false) {
                a.missed.push(k);
            }
        }
    }
    a
}

#[test]
fn the_fast_screen_sees_what_the_full_screen_sees() {
    let rows: [(&str, &[&str], Option<Horizon>); 5] = [
        ("lsy.norm-growth", &[], None),
        ("lsy.norm-growth", &["teacher", "positive-labels"], None),
        ("lsy.support-vector-stability", &[], None),
        ("lsy.global-convergence-d2", &[], None),
        ("lsy.global-convergence-d2", &["all-active-init"], None),
    ];
    for (id, sw, h) in rows {
        let a = compare(id, sw, h, 150);
        eprintln!("{id} {sw:?}: {a:?}");
        assert!(a.missed.is_empty(), "{id} {sw:?}: the fast screen missed {:?}", a.missed);
        assert!(a.fast_certified >= a.full_certified, "{id} {sw:?}: {a:?}");
    }
}

/// The fast run against the project's reference solver (exact patterns, f64 closed form): the
/// same switches at the same times and the same final state, on drawn instances.
#[test]
fn the_fast_run_switches_where_the_reference_solver_does() {
    use reluflow_flow::neuron::{NeuronOptions, reference};
    use reluflow_search::fast::{neuron, run::run};
    let plan = Plan::new("lsy.norm-growth", &assuming(&[]), None, None).unwrap();
    let (mut compared, mut switches) = (0, 0);
    for k in 0..200 {
        let p = draw(&plan, 3, k).unwrap();
        let Ok(r) = reference::<f64>(&p, &(), &NeuronOptions::default()) else { continue };
        let Ok(fast) = run(&neuron(&p).unwrap()) else { continue };
        let tr = &r.trajectory;
        if !matches!(tr.status(), reluflow_flow::Status::NotValidated) || tr.events().len() + 1 != fast.pieces.len() {
            // The reference stopped early or saw another number of switches (a grazing guard):
            // compared below only when both ran the whole horizon.
            assert!(
                tr.events().len() + 1 >= fast.pieces.len() || tr.segments().is_empty(),
                "case {k}: fast saw more switches"
            );
            continue;
        }
        for (e, pc) in tr.events().iter().zip(&fast.pieces[1..]) {
            assert!((e.t - pc.t0).abs() <= 1e-8 * (1.0 + e.t), "case {k}: switch at {} vs {}", e.t, pc.t0);
            switches += 1;
        }
        let d = p.data().d();
        let last = &fast.samples.w[fast.samples.w.len() - d..];
        for (a, b) in tr.final_state().w[0].iter().zip(last) {
            assert!((a - b).abs() <= 1e-8 * (1.0 + a.abs()), "case {k}: final state {a} vs {b}");
        }
        compared += 1;
    }
    assert!(compared >= 150 && switches >= 50, "compared {compared} runs with {switches} switches");
}
