//! A sliding neuron whose last active class leaves dies on both surfaces.

use super::support::{bench_instance, contains_reference, reference};
use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::{EventKind, Status};

/// Seed 77 of the `decided_net` bench: neuron 1 slides on point 0's surface from t ≈ 12.405 and,
/// sliding, loses its last active points, the parallel pair `x_1 = (½, 0, 0)`, `x_4 = (7/10, 0, 0)`,
/// at t ≈ 13.655: the Clarke flow stops it on both surfaces (death of the class, end of the
/// sliding, at one time). The run proves the death under the sliding field, keeps the neuron
/// frozen to t = 20, and contains the 256-bit reference, which stops the neuron there too.
#[test]
fn a_sliding_neuron_that_loses_its_last_points_dies_on_both_surfaces_like_the_reference() {
    let p = bench_instance(
        &[&[-5, -6, 1], &[5, 0, 0], &[5, 6, -7], &[8, 0, -3], &[7, 0, 0]],
        &[4, -6, 5],
        &[&[8, -2, 5], &[8, 0, 10], &[3, 3, -6]],
        "1/10",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let tail: Vec<_> = tr.events().iter().rev().take(3).map(|e| (e.neuron, e.point, e.kind)).collect();
    assert_eq!(
        tail,
        vec![(1, 0, EventKind::SlideEnd), (1, 4, EventKind::Deactivate), (1, 1, EventKind::Death)],
        "{:?}",
        tr.events()
    );
    let death = tr.events().iter().find(|e| e.kind == EventKind::Death).unwrap();
    assert!((13.65..13.66).contains(&death.t.lower_f64()), "{:?}", death.t);
    let last = tr.segments().last().unwrap().pattern();
    assert!(last.frozen[1] && last.sliding.is_empty() && last.active[1].is_empty(), "{last:?}");
    assert_eq!(contains_reference(&tr, &reference(&p)), 20.0);
}
