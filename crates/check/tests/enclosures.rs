//! The checker's own enclosures against exact rational arithmetic: the instance (data, labels,
//! loss and gradient factors), the loss and the field at a point state must contain the exact
//! values, in every interval backend.
//!
//! Two kinds of numbers make every kind of rounding matter: decimals and thirds that no binary
//! format represents (every conversion rounds outward), and f64 numbers with full 53-bit
//! significands (conversions are exact, but nearly every product and sum rounds). Everything
//! else in the checker is built from these quantities, so these are the checker's containment
//! tests (`.ci/fault-check` requires them to fail when a directed rounding goes the wrong way).

use reluflow_arith::{Enclosure, Interval, MpInterval, Rational};
use reluflow_check::inst::Inst;
use reluflow_flow::{Pattern, State};
use reluflow_model::*;

fn q(n: i64, d: i64) -> Rational {
    Rational::from((n, d))
}

/// The f64 number nearest `n/d`, as an exact rational (53 significant bits for most `n/d`).
fn f(n: i64, d: i64) -> Rational {
    Rational::from_f64(n as f64 / d as f64).unwrap()
}

/// The data kinds: `x` (4 points in ℝ³), labels `y`, and a state `(w, a)` of two neurons.
struct Numbers {
    kind: &'static str,
    x: Vec<Vec<Rational>>,
    y: Vec<Rational>,
    w: Vec<Vec<Rational>>,
    a: Vec<Rational>,
}

fn numbers() -> Vec<Numbers> {
    let mk = |kind, r: fn(i64, i64) -> Rational| Numbers {
        kind,
        x: vec![
            vec![r(1, 3), r(-2, 7), r(1, 10)],
            vec![r(5, 6), r(3, 10), r(-1, 9)],
            vec![r(-4, 11), r(7, 3), r(2, 5)],
            vec![r(1, 7), r(1, 13), r(-6, 5)],
        ],
        y: vec![r(2, 3), r(-1, 10), r(9, 7), r(1, 3)],
        w: vec![vec![r(2, 3), r(1, 7), r(-1, 10)], vec![r(-1, 3), r(3, 5), r(2, 9)]],
        a: vec![r(4, 3), r(-3, 7)],
    };
    vec![mk("decimal and third", q), mk("53-bit", f)]
}

fn problem(nb: &Numbers, model: ModelKind, loss: LossScale) -> Problem {
    let data = Data::new(nb.x.clone(), Labels::Given(nb.y.clone())).unwrap();
    let run = RunConfig { t_end: Horizon::Finite(q(1, 1)), arithmetic: Arithmetic::Interval, precision: 128 };
    let init = match model {
        ModelKind::SingleNeuron => Init::Single { w: nb.w[0].clone() },
        ModelKind::TwoLayer => Init::Explicit { w: nb.w.clone(), a: nb.a.clone() },
    };
    Problem::new(model, ReluPrime::Zero, loss, data, init, run).unwrap()
}

fn dot(u: &[Rational], v: &[Rational]) -> Rational {
    u.iter().zip(v).map(|(a, b)| Rational::from(a * b)).sum()
}

/// The exact pattern (no `z_ij` is 0 here), loss and velocity `(ẇ, ȧ)` at the state.
fn exact(
    p: &Problem,
    w: &[Vec<Rational>],
    a: Option<&[Rational]>,
) -> (Pattern, Rational, Vec<Vec<Rational>>, Vec<Rational>) {
    let (x, y) = (p.data().x(), p.data().y());
    let z: Vec<Vec<Rational>> = w.iter().map(|wj| x.iter().map(|xi| dot(wj, xi)).collect()).collect();
    assert!(z.iter().flatten().all(|v| *v != 0), "a point on a hyperplane");
    let active: Vec<Vec<usize>> = z.iter().map(|zj| (0..x.len()).filter(|&i| zj[i] > 0).collect()).collect();
    let relu = |v: &Rational| if *v > 0 { v.clone() } else { Rational::new() };
    let r: Vec<Rational> = (0..x.len())
        .map(|i| {
            let h: Rational = match a {
                None => relu(&z[0][i]),
                Some(a) => (0..w.len()).map(|j| &a[j] * relu(&z[j][i])).sum(),
            };
            h - &y[i]
        })
        .collect();
    let loss = p.loss_factor() * r.iter().map(|ri| Rational::from(ri * ri)).sum::<Rational>();
    let g = p.grad_factor();
    let (mut wdot, mut adot) = (Vec::new(), Vec::new());
    for j in 0..w.len() {
        let mut gj = vec![Rational::new(); x[0].len()];
        let mut wg = Rational::new();
        for &i in &active[j] {
            let coef = -Rational::from(&g * &r[i]);
            for (gk, xk) in gj.iter_mut().zip(&x[i]) {
                *gk += Rational::from(&coef * xk);
            }
            wg += coef * &z[j][i];
        }
        match a {
            None => wdot.push(gj),
            Some(a) => {
                wdot.push(gj.iter().map(|v| Rational::from(&a[j] * v)).collect());
                adot.push(wg);
            }
        }
    }
    (Pattern { frozen: vec![false; w.len()], active, sliding: Vec::new() }, loss, wdot, adot)
}

#[track_caller]
fn must_contain<S: Enclosure>(got: &S, want: &Rational, what: &str) {
    assert!(got.contains_rational(want), "{} {what} = {got:?} misses the exact {want}", S::NAME);
}

fn instance_and_field<S: Enclosure>(ctx: &S::Ctx, model: ModelKind) {
    for nb in numbers() {
        for loss in [LossScale::HalfSum, LossScale::HalfMean, LossScale::Mean] {
            let p = problem(&nb, model, loss);
            let what = |s: &str| format!("{s} ({} numbers, {model:?}, {loss:?})", nb.kind);
            let inst = Inst::<S>::new(&p, ctx);
            for (xi, qi) in inst.x.iter().flatten().zip(p.data().x().iter().flatten()) {
                must_contain(xi, qi, &what("x"));
            }
            for (yi, qi) in inst.y.iter().zip(p.data().y()) {
                must_contain(yi, qi, &what("y"));
            }
            must_contain(&inst.c, &p.loss_factor(), &what("loss factor"));
            must_contain(&inst.g, &p.grad_factor(), &what("gradient factor"));

            let m = if model == ModelKind::SingleNeuron { 1 } else { 2 };
            let w = &nb.w[..m];
            let a = (model == ModelKind::TwoLayer).then_some(&nb.a[..]);
            let (pattern, loss_q, wdot_q, adot_q) = exact(&p, w, a);
            let enc = |v: &[Rational]| v.iter().map(|c| S::from_rational(c, ctx)).collect::<Vec<S>>();
            let st = State { w: w.iter().map(|wj| enc(wj)).collect(), a: a.map(enc) };
            must_contain(&inst.loss(&st, Some(&pattern)), &loss_q, &what("loss"));
            let v = inst.velocity(&st, &pattern);
            for (got, want) in v.w.iter().flatten().zip(wdot_q.iter().flatten()) {
                must_contain(got, want, &what("ẇ"));
            }
            for (got, want) in v.a.iter().flatten().zip(&adot_q) {
                must_contain(got, want, &what("ȧ"));
            }
        }
    }
}

#[test]
fn f64_interval_instance_loss_and_field_contain_the_exact_values() {
    instance_and_field::<Interval>(&(), ModelKind::SingleNeuron);
    instance_and_field::<Interval>(&(), ModelKind::TwoLayer);
}

#[test]
fn mpfr_interval_instance_loss_and_field_contain_the_exact_values() {
    for prec in [53, 128] {
        instance_and_field::<MpInterval>(&prec, ModelKind::SingleNeuron);
        instance_and_field::<MpInterval>(&prec, ModelKind::TwoLayer);
    }
}
