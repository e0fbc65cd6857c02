//! Unit tests of the span algebra.

use super::*;

fn q(a: i64) -> Rational {
    Rational::from(a)
}

fn rows(g: &Gram, dg: &DataGram<'_>) -> Vec<Vec<Rational>> {
    (0..g.rank())
        .map(|k| {
            let mut e = vec![Rational::new(); g.rank()];
            e[k] = q(1);
            g.lift_exact(dg, &e)
        })
        .collect()
}

#[test]
fn vardi_shamir_second_phase_has_the_axis_basis_and_the_exact_limit() {
    let x = vec![vec![q(3), q(-1), q(0)], vec![q(4), q(2), q(0)], vec![q(0), q(1), q(1)]];
    let y = vec![q(16), q(18), q(0)];
    let dg = DataGram::new(&x);
    let pc = GramPiece::new(&dg, &y, &Rational::from((1, 2)), &[0, 1]);
    assert_eq!(rows(&pc.g, &dg), vec![vec![q(1), q(0), q(0)], vec![q(0), q(1), q(0)]], "span(e₀, e₁)");
    assert_eq!(pc.g.axes().collect::<Vec<_>>(), vec![(0, 0), (1, 1)]);
    assert_eq!(pc.g.lift_exact(&dg, &pc.g.omega), vec![q(5), q(-1), q(0)]);
    assert_eq!(pc.limit_loss, q(0));
    assert!(!pc.in_kernel[2] && !pc.on_plane[0]);
}

/// `K v = GMv` in `ℝ^d`, exactly.
fn gm(x: &[Vec<Rational>], c: &Rational, active: &[usize], v: &[Rational]) -> Vec<Rational> {
    let mut out = vec![Rational::new(); v.len()];
    for &i in active {
        let f = dot(&x[i], v) * Rational::from(c * 2u32);
        out.iter_mut().zip(&x[i]).for_each(|(a, b)| *a += Rational::from(&f * b));
    }
    out
}

#[test]
fn operator_and_rates_match_the_dense_matrix() {
    // K = GM on a 2-dimensional span in ℝ⁴: K Q̂ᵀ = Q̂ᵀN, DN symmetric, and the guard rates
    // −(DND⁻¹Q̂x_i)ᵀζ(w) equal x_iᵀ(−K(w − w_A)), exactly.
    let x = vec![
        vec![q(1), q(2), q(0), q(-1)],
        vec![q(0), q(1), q(3), q(1)],
        vec![q(2), q(5), q(3), q(-1)],
        vec![q(1), q(0), q(0), Rational::from((1, 10))],
    ];
    let y = vec![q(1), q(2), q(3), q(1)];
    let c = Rational::from((1, 3));
    let dg = DataGram::new(&x);
    let active = [0, 1, 2];
    let pc = GramPiece::new(&dg, &y, &c, &active);
    let g = &pc.g;
    assert_eq!(g.rank(), 2, "x₂ = 2x₀ + x₁");
    let qr = rows(g, &dg);
    for j in 0..2 {
        let nj: Vec<Rational> = (0..2).map(|k| g.n[k * 2 + j].clone()).collect();
        assert_eq!(gm(&x, &c, &active, &qr[j]), g.lift_exact(&dg, &nj));
    }
    let dn = g.dn();
    assert_eq!(dn[1], dn[2]);
    assert_eq!(dot(&qr[0], &qr[1]), 0);
    let w = vec![q(1), Rational::from((-1, 7)), q(2), q(3)];
    let w_a = g.lift_exact(&dg, &g.omega);
    let diff: Vec<Rational> = w.iter().zip(&w_a).map(|(a, b)| Rational::from(a - b)).collect();
    let xw: Vec<Rational> = x.iter().map(|xi| dot(xi, &w)).collect();
    let zeta: Vec<Rational> = g.coords_with(&xw, &w).into_iter().zip(&g.omega).map(|(a, b)| a - b).collect();
    for i in 0..4 {
        let field = gm(&x, &c, &active, &diff);
        assert_eq!(-dot(&pc.rate_row[i], &zeta), -dot(&x[i], &field), "rate of point {i}");
    }
}

#[test]
fn rank_deficient_and_empty_patterns() {
    // Two parallel points with inconsistent labels: least squares, non-zero limit loss.
    let x = vec![vec![q(1), q(1)], vec![q(2), q(2)]];
    let y = vec![q(1), q(1)];
    let dg = DataGram::new(&x);
    let pc = GramPiece::new(&dg, &y, &Rational::from((1, 2)), &[0, 1]);
    // min-norm LS solution of z = 1, 2z = 1 in z = w1 + w2: z = 3/5, w = (3/10, 3/10).
    assert_eq!(pc.g.lift_exact(&dg, &pc.g.omega), vec![Rational::from((3, 10)), Rational::from((3, 10))]);
    assert_eq!(pc.limit_loss, Rational::from((1, 10)), "½((3/5 − 1)² + (6/5 − 1)²)");
    let empty = GramPiece::new(&dg, &y, &Rational::from((1, 2)), &[]);
    assert!(empty.in_kernel.iter().all(|&k| k));
    assert_eq!((empty.g.rank(), empty.g.norm_inf()), (0, q(0)));
    assert_eq!(empty.limit_loss, Rational::from(1));
}

#[test]
fn gram_matrix_is_exact_for_long_and_short_entries() {
    // Short decimals (i128 path) and a row with a huge numerator (GMP path) give the same XXᵀ
    // as rational dot products.
    let big = Rational::from((rug::Integer::from(1) << 80u32, 3));
    for x in [
        vec![vec![Rational::from((1, 100)), q(-3)], vec![Rational::from((7, 10)), q(2)]],
        vec![vec![big.clone(), q(-3)], vec![Rational::from((7, 10)), big]],
    ] {
        let dg = DataGram::new(&x);
        for i in 0..2 {
            for l in 0..2 {
                assert_eq!(*dg.gram(i, l), dot(&x[i], &x[l]));
            }
        }
        let c = [Rational::from((2, 3)), Rational::from((-5, 7))];
        let gens = [Gen::Point(0), Gen::Point(1)];
        let want: Vec<Rational> =
            (0..2).map(|j| Rational::from(&c[0] * &x[0][j]) + Rational::from(&c[1] * &x[1][j])).collect();
        assert_eq!(dg.lift_exact(&gens, &c), want);
    }
}
