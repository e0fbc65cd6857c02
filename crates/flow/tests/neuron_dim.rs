//! The single neuron in high dimension: the certifier works in the span of the active points
//! (`proofs-notes/neuron-gram-space.md`), so `d` in the thousands certifies quickly. Checked
//! against the closed form of the limit and against the same problem without its zero columns.

use reluflow_arith::exact::parse_exact;
use reluflow_arith::{Enclosure, Interval, Rational, Scalar};
use reluflow_flow::Status;
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_model::*;

fn q(s: &str) -> Rational {
    parse_exact(s).unwrap()
}

fn entry(k: usize) -> Rational {
    let v = ((k as u64).wrapping_mul(2_654_435_761) % 199) as i64 - 99;
    Rational::from((v, 100))
}

fn single(x: Vec<Vec<Rational>>, y: Vec<Rational>, w: Vec<Rational>, conv: ReluPrime) -> Problem {
    let data = Data::new(x, Labels::Given(y)).unwrap();
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(ModelKind::SingleNeuron, conv, LossScale::HalfSum, data, Init::Single { w }, run).unwrap()
}

fn meets(a: &Interval, b: &Interval) -> bool {
    a.inf() <= b.sup() && b.inf() <= a.sup()
}

fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(u, v)| Rational::from(u * v)).sum()
}

#[test]
fn two_points_in_two_thousand_dimensions_reach_the_closed_form_limit() {
    let d = 2000;
    let x: Vec<Vec<Rational>> = (0..2).map(|i| (0..d).map(|j| entry(i * 7919 + j * 31 + 3)).collect()).collect();
    let y = vec![q("1"), q("2")];
    let w0: Vec<Rational> = (0..d).map(|j| Rational::from(&x[0][j] + &x[1][j]) / 2u32 + entry(j + 17) / 8u32).collect();
    let p = single(x.clone(), y.clone(), w0.clone(), ReluPrime::Zero);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified);
    assert!(tr.events().is_empty(), "both points stay active");
    // Closed form: w(∞) = w0 − Xᵀ(XXᵀ)⁻¹(Xw0 − y), with the 2 × 2 Gram matrix inverted by hand.
    let (a, b, c) = (dot(&x[0], &x[0]), dot(&x[0], &x[1]), dot(&x[1], &x[1]));
    let det = Rational::from(&a * &c) - Rational::from(&b * &b);
    let r0 = dot(&x[0], &w0) - &y[0];
    let r1 = dot(&x[1], &w0) - &y[1];
    let u0 = (Rational::from(&c * &r0) - Rational::from(&b * &r1)) / &det;
    let u1 = (Rational::from(&a * &r1) - Rational::from(&b * &r0)) / &det;
    let lim = &tr.limit().expect("limit").state.w[0];
    for j in 0..d {
        let exact = (&w0[j] - Rational::from(&u0 * &x[0][j])) - Rational::from(&u1 * &x[1][j]);
        assert!(lim[j].contains_rational(&exact), "coordinate {j}: {exact} not in {:?}", lim[j]);
        assert!(lim[j].width_upper() < 1e-10, "coordinate {j}: width {}", lim[j].width_upper());
    }
}

#[test]
fn zero_columns_change_nothing() {
    // Vardi–Shamir's instance (one switch, limit (5, −1, s)) padded with 1997 zero columns.
    let small = |v: [&str; 3], d: usize| {
        let mut r: Vec<Rational> = v.iter().map(|s| q(s)).collect();
        r.resize(d, Rational::new());
        r
    };
    let run = |d: usize| {
        let x = vec![small(["3", "-1", "0"], d), small(["4", "2", "0"], d), small(["0", "1", "1"], d)];
        let p = single(x, vec![q("16"), q("18"), q("0")], vec![Rational::new(); d], ReluPrime::One);
        certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap()
    };
    let (a, b) = (run(3), run(2000));
    assert_eq!((a.status(), b.status()), (&Status::Certified, &Status::Certified));
    assert_eq!(a.events().len(), 1);
    assert_eq!(a.events().len(), b.events().len());
    assert!(meets(&a.events()[0].t, &b.events()[0].t), "{:?} vs {:?}", a.events()[0].t, b.events()[0].t);
    let (la, lb) = (&a.limit().unwrap().state.w[0], &b.limit().unwrap().state.w[0]);
    for j in 0..3 {
        assert!(meets(&la[j], &lb[j]), "coordinate {j}: {:?} vs {:?}", la[j], lb[j]);
    }
    assert!(lb[2].certainly_neg() && lb[0].contains_rational(&q("5")));
    // The span of the last pattern is span(e₀, e₁) in both: its axes are found in ℝ^2000 too, and
    // the limit's coordinates along them are w_A's, exactly.
    for l in [la, lb] {
        assert!(l[0].contains_rational(&q("5")) && l[0].width_upper() == 0.0, "{:?}", l[0]);
        assert!(l[1].contains_rational(&q("-1")) && l[1].width_upper() == 0.0, "{:?}", l[1]);
    }
    assert!(lb[3..].iter().all(|v| v.contains_rational(&Rational::new()) && v.width_upper() < 1e-12));
}

/// `w0 − Xᵀ(XXᵀ)⁻¹(Xw0 − y)` exactly (the limit when every point stays active), by Gaussian
/// elimination on the `n × n` Gram matrix.
fn closed_form_limit(x: &[Vec<Rational>], y: &[Rational], w0: &[Rational]) -> Vec<Rational> {
    let n = x.len();
    let mut a: Vec<Vec<Rational>> = (0..n)
        .map(|i| {
            let mut row: Vec<Rational> = (0..n).map(|l| dot(&x[i], &x[l])).collect();
            row.push(dot(&x[i], w0) - &y[i]);
            row
        })
        .collect();
    for c in 0..n {
        let p = (c..n).find(|&r| a[r][c] != 0).expect("independent points");
        a.swap(c, p);
        for r in 0..n {
            if r != c && a[r][c] != 0 {
                let f = Rational::from(&a[r][c] / &a[c][c]);
                for k in c..=n {
                    let t = Rational::from(&f * &a[c][k]);
                    a[r][k] -= t;
                }
            }
        }
    }
    let u: Vec<Rational> = (0..n).map(|i| Rational::from(&a[i][n] / &a[i][i])).collect();
    (0..w0.len()).map(|j| (0..n).fold(w0[j].clone(), |s, i| s - Rational::from(&u[i] * &x[i][j]))).collect()
}

fn check_limit(x: Vec<Vec<Rational>>, y: Vec<Rational>, w0: Vec<Rational>, max_width: f64) {
    let want = closed_form_limit(&x, &y, &w0);
    let p = single(x, y, w0, ReluPrime::Zero);
    let tr = certify::<Interval>(&p, &(), &NeuronOptions::default()).unwrap();
    assert_eq!(*tr.status(), Status::Certified);
    assert!(tr.events().is_empty(), "every point stays active");
    let lim = &tr.limit().expect("limit").state.w[0];
    for (j, (v, exact)) in lim.iter().zip(&want).enumerate() {
        assert!(v.contains_rational(exact), "coordinate {j}: {exact} not in {v:?}");
        assert!(v.width_upper() < max_width, "coordinate {j}: width {}", v.width_upper());
    }
}

#[test]
fn sixteen_points_in_a_thousand_dimensions_reach_the_closed_form_limit() {
    let (n, d) = (16, 1000);
    let x: Vec<Vec<Rational>> = (0..n).map(|i| (0..d).map(|j| entry(i * 7919 + j * 31 + 3)).collect()).collect();
    let y: Vec<Rational> = (1..=n).map(|i| Rational::from(i as i64)).collect();
    let w0: Vec<Rational> =
        (0..d).map(|j| x.iter().map(|xi| xi[j].clone()).sum::<Rational>() / Rational::from(n as i64)).collect();
    check_limit(x, y, w0, 1e-10);
}

#[test]
fn long_rationals_take_the_exact_integer_path() {
    // Entries v/100 + 3⁻⁴⁰: integer rows near 2⁷⁰, beyond the i128 fast path of XXᵀ.
    let tiny = Rational::from((1u64, 3u64.pow(40)));
    let d = 300;
    let x: Vec<Vec<Rational>> =
        (0..3).map(|i| (0..d).map(|j| entry(i * 7919 + j * 31 + 3) + tiny.clone()).collect()).collect();
    let y = vec![q("1"), q("2"), q("3")];
    let w0: Vec<Rational> = (0..d).map(|j| Rational::from(&x[0][j] + &x[1][j]) + &x[2][j]).collect();
    check_limit(x, y, w0, 1e-10);
}
