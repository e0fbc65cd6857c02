//! The exact teacher test on hand-made feasible, infeasible and degenerate instances, and on
//! random one-dimensional ones against an independent decision by hand.

use super::*;

fn q(n: i64) -> Rational {
    Rational::from(n)
}

fn pts(rows: &[&[i64]]) -> Vec<Vec<Rational>> {
    rows.iter().map(|r| r.iter().map(|&x| q(x)).collect()).collect()
}

fn labels(y: &[i64]) -> Vec<Rational> {
    y.iter().map(|&v| q(v)).collect()
}

fn yes(x: &[Vec<Rational>], y: &[Rational]) -> Vec<Rational> {
    match realisable(x, y) {
        Realisable::Yes { v } => {
            assert!(is_teacher(x, y, &v));
            v
        }
        other => panic!("expected a teacher, got {other:?}"),
    }
}

fn no(x: &[Vec<Rational>], y: &[Rational]) -> Vec<(usize, Rational)> {
    match realisable(x, y) {
        Realisable::No { multipliers } => {
            assert!(is_certificate(x, y, &multipliers));
            multipliers
        }
        other => panic!("expected no teacher, got {other:?}"),
    }
}

#[test]
fn vardi_shamir_labels_have_a_teacher() {
    // X_γ, y = (16, 18, 0): v = (5, −1, 0) interpolates (the minimum-norm interpolant).
    let x = pts(&[&[3, -1, 0], &[4, 2, 0], &[0, 1, 1]]);
    let v = yes(&x, &labels(&[16, 18, 0]));
    assert_eq!(dot(&x[0], &v), 16);
    // The third point cannot be labelled 1 while the first two keep theirs? It can: v₃ is free.
    yes(&x, &labels(&[16, 18, 1]));
}

#[test]
fn contradictions_are_proved() {
    // v = 1 and 2v = 1.
    no(&pts(&[&[1], &[2]]), &labels(&[1, 1]));
    // v₁ = 1 forces 2v₁ = 2 > 0, but the label is 0.
    let c = no(&pts(&[&[1, 0], &[2, 0]]), &labels(&[1, 0]));
    assert!(c.iter().any(|(i, m)| *i == 1 && *m > 0), "{c:?}");
    // The same point with two labels; a zero point with a positive label.
    no(&pts(&[&[1, 1], &[1, 1]]), &labels(&[0, 3]));
    no(&pts(&[&[0, 0], &[1, 1]]), &labels(&[1, 0]));
    // Only inequalities and equalities together fail: x₃ = x₁ + x₂ with y₃ = 0 < y₁ + y₂.
    no(&pts(&[&[1, 0, 0], &[0, 1, 0], &[1, 1, 0]]), &labels(&[1, 1, 0]));
    // ... and with y₃ = y₁ + y₂ it holds; with y₃ ≠ y₁ + y₂ > 0 it fails.
    yes(&pts(&[&[1, 0, 0], &[0, 1, 0], &[1, 1, 0]]), &labels(&[1, 1, 2]));
    no(&pts(&[&[1, 0, 0], &[0, 1, 0], &[1, 1, 0]]), &labels(&[1, 1, 3]));
}

#[test]
fn degenerate_instances() {
    // All labels zero: v = 0, even for zero points and repeated points.
    yes(&pts(&[&[0, 0], &[1, -1], &[1, -1]]), &labels(&[0, 0, 0]));
    // Zero labels on opposite points force vᵀx = 0 on both: fine; a positive label on their
    // span is then impossible.
    yes(&pts(&[&[1, 2], &[-1, -2], &[0, 1]]), &labels(&[0, 0, 4]));
    no(&pts(&[&[1, 2], &[-1, -2], &[2, 4]]), &labels(&[0, 0, 4]));
    // More points than dimensions, every label positive, consistent.
    yes(&pts(&[&[1, 0], &[0, 1], &[1, 1], &[2, 3]]), &labels(&[1, 2, 3, 8]));
    // A negative label is never a ReLU's output.
    assert_eq!(realisable(&pts(&[&[1]]), &labels(&[-1])), Realisable::NegativeLabel { point: 0 });
    // Fractions: 3v = 1/3.
    let v = yes(&pts(&[&[3]]), &[Rational::from((1, 3))]);
    assert_eq!(v, [Rational::from((1, 9))]);
}

#[test]
fn certificates_are_checked_not_trusted() {
    let (x, y) = (pts(&[&[1], &[2]]), labels(&[1, 1]));
    assert!(is_certificate(&x, &y, &[(0, q(-2)), (1, q(1))]));
    assert!(!is_certificate(&x, &y, &[(0, q(2)), (1, q(-1))]), "Σ c y > 0 proves nothing");
    let y0 = labels(&[1, 0]);
    assert!(!is_certificate(&x, &y0, &[(0, q(2)), (1, q(-1))]), "a zero label needs μ ≥ 0");
    assert!(!is_teacher(&x, &y, &[q(1)]));
}

/// By hand in one dimension: the positive labels force `v = y_i/x_i` (and `x_i ≠ 0`), the zero
/// labels need `v·x_i ≤ 0`; without positive labels `v = 0` serves.
fn by_hand(x: &[i64], y: &[i64]) -> bool {
    if x.iter().zip(y).any(|(xi, yi)| *yi > 0 && *xi == 0) {
        return false;
    }
    let v = match y.iter().position(|yi| *yi > 0) {
        Some(i) => Rational::from((y[i], x[i])),
        None => return true,
    };
    x.iter().zip(y).all(|(&xi, &yi)| {
        let z = Rational::from(&v * xi);
        if yi > 0 { z == yi } else { z <= 0 }
    })
}

#[test]
fn random_one_dimensional_instances_agree_with_the_hand_decision() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |k: i64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % (2 * k as u64 + 1)) as i64 - k
    };
    for _ in 0..400 {
        let n = 1 + next(2).unsigned_abs() as usize + 1;
        let x: Vec<i64> = (0..n).map(|_| next(3)).collect();
        let y: Vec<i64> = (0..n).map(|_| next(2).max(0)).collect();
        let rows: Vec<Vec<Rational>> = x.iter().map(|&v| vec![q(v)]).collect();
        let got = realisable(&rows, &labels(&y));
        match (by_hand(&x, &y), &got) {
            (true, Realisable::Yes { v }) => assert!(is_teacher(&rows, &labels(&y), v)),
            (false, Realisable::No { multipliers }) => assert!(is_certificate(&rows, &labels(&y), multipliers)),
            (expected, _) => panic!("x = {x:?}, y = {y:?}: by hand {expected}, got {got:?}"),
        }
    }
}

#[test]
fn too_large_an_instance_is_undecided_naming_the_bound() {
    let x: Vec<Vec<Rational>> = (0..33).map(|i| (0..33).map(|k| q(i64::from(i == k))).collect()).collect();
    let y = vec![q(1); 33];
    match realisable(&x, &y) {
        Realisable::Undecided(why) => assert!(why.contains("1089") && why.contains("1024"), "{why}"),
        other => panic!("{other:?}"),
    }
}
