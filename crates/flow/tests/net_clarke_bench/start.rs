//! A neuron that starts on two surfaces at once.

use super::support::{bench_instance, contains_reference, reference};
use reluflow_arith::Interval;
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::trajectory::Status;

/// Seed 1197 of the `decided_net` bench: neuron 2 starts with `w_2 = λ(0, −2/5, 1/2, 1/5)` on the
/// surfaces of `x_0 = (0, 1/10, 1/5, −3/10)` and `x_1 = (−1, 0, 0, 0)` at once. At every vertex of
/// the two points' multipliers the guard of `x_1` rises and that of `x_0` falls, so every Clarke
/// solution leaves with point 1 active and point 0 inactive (`start_two.rs`); the run is certified
/// to t = 20 (through two sliding modes of other neurons) and contains the 256-bit reference.
#[test]
fn a_neuron_starting_on_two_surfaces_leaves_both_like_the_reference() {
    let p = bench_instance(
        &[&[0, 1, 2, -3], &[-10, 0, 0, 0], &[0, -10, 3, 0], &[7, -5, -7, 8], &[8, -7, -3, 5]],
        &[-1, -9, 5, -8],
        &[&[5, -5, 7, 1], &[-7, -3, 9, -9], &[0, -4, 5, 2], &[-10, -5, 8, -1]],
        "1/1000",
    );
    let tr = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert!(matches!(tr.status(), Status::Certified), "{:?}", tr.status());
    let first = tr.segments()[0].pattern();
    assert!(first.active[2].contains(&1) && !first.active[2].contains(&0), "{first:?}");
    assert_eq!(contains_reference(&tr, &reference(&p)), 20.0);
}
