//! Unit tests of the span algebra.

use super::*;

fn q(a: i64) -> Rational {
    Rational::from(a)
}

#[test]
fn vardi_shamir_second_phase_has_the_axis_basis_and_the_exact_limit() {
    let x = vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(1), q(1)]];
    let y = vec![q(16), q(18), q(0)];
    let pc = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[0, 1]);
    assert_eq!(pc.g.q, vec![vec![q(1), q(0), q(0)], vec![q(0), q(1), q(0)]], "span(e₀, e₁)");
    assert_eq!(pc.g.lift(&pc.g.omega), vec![q(5), q(-1), q(0)]);
    assert_eq!(pc.limit_loss, q(0));
    assert!(!pc.in_kernel[2] && !pc.on_plane[0]);
    assert_eq!(pc.g.kernel_diag(), vec![q(0), q(0), q(1)]);
    // The field vanishes at w_A: β_i = −α_iᵀw_A.
    let w_a = pc.g.lift(&pc.g.omega);
    for i in 0..3 {
        assert_eq!(dot(&pc.alpha[i], &w_a) + &pc.beta[i], 0);
    }
}

#[test]
fn operator_matches_the_dense_matrix() {
    // K = GM on a 2-dimensional span in ℝ⁴: K Q̂ᵀ = Q̂ᵀN and DN symmetric, exactly.
    let x = vec![vec![q(1), q(2), q(0), q(-1)], vec![q(0), q(1), q(3), q(1)], vec![q(2), q(5), q(3), q(-1)]];
    let y = vec![q(1), q(2), q(3)];
    let c = Rational::from((1, 3));
    let g = Gram::new(&x, &y, &c, &[0, 1, 2]);
    assert_eq!(g.rank(), 2, "x₂ = 2x₀ + x₁");
    let gm = |v: &[Rational]| -> Vec<Rational> {
        let mut out = vec![Rational::new(); 4];
        for xi in &x {
            let f = dot(xi, v) * Rational::from(&c * 2u32);
            out.iter_mut().zip(xi).for_each(|(a, b)| *a += Rational::from(&f * b));
        }
        out
    };
    for j in 0..2 {
        let nj: Vec<Rational> = (0..2).map(|k| g.n[k * 2 + j].clone()).collect();
        assert_eq!(gm(&g.q[j]), g.lift(&nj));
    }
    let dn = g.dn();
    assert_eq!(dn[1], dn[2]);
    assert_eq!(dot(&g.q[0], &g.q[1]), 0);
}

#[test]
fn rank_deficient_and_empty_patterns() {
    // Two parallel points with inconsistent labels: least squares, non-zero limit loss.
    let x = vec![vec![q(1), q(1)], vec![q(2), q(2)]];
    let y = vec![q(1), q(1)];
    let pc = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[0, 1]);
    // min-norm LS solution of z = 1, 2z = 1 in z = w1 + w2: z = 3/5, w = (3/10, 3/10).
    assert_eq!(pc.g.lift(&pc.g.omega), vec![Rational::from((3, 10)), Rational::from((3, 10))]);
    assert_eq!(pc.limit_loss, Rational::from((1, 10)), "½((3/5 − 1)² + (6/5 − 1)²)");
    let empty = GramPiece::new(&x, &y, &Rational::from((1, 2)), &[]);
    assert!(empty.in_kernel.iter().all(|&k| k));
    assert_eq!((empty.g.rank(), empty.g.norm_inf()), (0, q(0)));
    assert_eq!(empty.limit_loss, Rational::from(1));
}
