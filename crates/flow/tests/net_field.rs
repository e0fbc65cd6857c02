//! Tests of the two-layer vector field and its Taylor coefficients (`net::field`).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reluflow_arith::{Enclosure, Float, MpInterval, Scalar};
use reluflow_flow::net::NetError;
use reluflow_flow::net::field::*;
use reluflow_flow::trajectory::{Pattern, State};
use reluflow_model::*;
use rug::Rational;

/// A random two-layer problem with small dyadic data (exact in every backend), `y_i > 0`.
fn random_problem(seed: u64, m: usize, n: usize, d: usize, relu_prime: ReluPrime, init: Option<Init>) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut q = |lo: i32, hi: i32| Rational::from((rng.random_range(lo..=hi), 8));
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect();
    let y: Vec<Rational> = (0..n).map(|_| q(1, 16)).collect();
    let init = init.unwrap_or_else(|| Init::Explicit {
        w: (0..m).map(|_| (0..d).map(|_| q(-8, 8)).collect()).collect(),
        a: (0..m).map(|_| q(-8, 8)).collect(),
    });
    Problem::new(
        ModelKind::TwoLayer,
        relu_prime,
        LossScale::HalfMean,
        Data::new(x, Labels::Given(y)).unwrap(),
        init,
        RunConfig { t_end: Horizon::Finite(Rational::from(1)), arithmetic: Arithmetic::Mpfr, precision: 256 },
    )
    .unwrap()
}

fn setup<S: Scalar>(p: &Problem, ctx: &S::Ctx) -> (NetData<S>, State<S>, Pattern) {
    let data = NetData::<S>::from_problem(p, ctx);
    let s = initial_state::<S>(p, ctx).unwrap();
    let pat = pattern_of(&data, &s).expect("a random dyadic instance has decided guards at 256 bits");
    (data, s, pat)
}

fn to_f(x: &State<Float>) -> Vec<f64> {
    let mut v: Vec<f64> = x.w.iter().flatten().map(|c| c.to_f64()).collect();
    v.extend(x.a.as_ref().unwrap().iter().map(|c| c.to_f64()));
    v
}

/// `x(t) = Σ_k c_k t^k` satisfies `ẋ = f(x)` up to `O(t^{order})`: compare `f(x(t))` with
/// `Σ_k (k+1) c_{k+1} t^k` at 256 bits for a small `t`.
#[test]
fn taylor_series_solves_the_ode() {
    let prec = 256u32;
    for seed in 0..6u64 {
        let p = random_problem(seed, 3, 4, 3, ReluPrime::Zero, None);
        let (data, s, pat) = setup::<Float>(&p, &prec);
        let order = 12;
        let c = taylor_coefficients(&data, &pat, &s, order);
        assert_eq!(c.len(), order + 1);
        assert_eq!(c[0], s);
        let t = Float::with_val(prec, 1e-4);
        let eval = |k_max: usize, deriv: bool| -> State<Float> {
            let mut acc = c[0].clone();
            for st in acc.w.iter_mut().flatten() {
                *st = Float::with_val(prec, 0);
            }
            for a in acc.a.as_mut().unwrap() {
                *a = Float::with_val(prec, 0);
            }
            for k in (0..=k_max).rev() {
                let (src, fac) = if deriv { (&c[k + 1], (k + 1) as i64) } else { (&c[k], 1) };
                let f = Float::with_val(prec, fac);
                for (dst, v) in acc.w.iter_mut().flatten().zip(src.w.iter().flatten()) {
                    *dst = dst.mul(&t).add(&v.mul(&f));
                }
                for (dst, v) in acc.a.as_mut().unwrap().iter_mut().zip(src.a.as_ref().unwrap()) {
                    *dst = dst.mul(&t).add(&v.mul(&f));
                }
            }
            acc
        };
        let x_t = eval(order, false);
        let lhs = to_f(&field(&data, &pat, &x_t));
        let rhs = to_f(&eval(order - 1, true));
        let scale: f64 = to_f(&c[1]).iter().fold(1.0, |m, v| m.max(v.abs()));
        for (l, r) in lhs.iter().zip(&rhs) {
            assert!((l - r).abs() <= 1e-30 * scale, "seed {seed}: {l} vs {r}");
        }
        // The first coefficient is the field itself.
        assert_eq!(c[1], field(&data, &pat, &s));
    }
}

/// The second coefficient equals `½ Df(x) f(x)`, checked by a central finite difference in f64.
#[test]
fn second_coefficient_matches_finite_difference() {
    let p = random_problem(11, 4, 5, 3, ReluPrime::Zero, None);
    let (data, s, pat) = setup::<f64>(&p, &());
    let c = taylor_coefficients(&data, &pat, &s, 2);
    let f0 = field(&data, &pat, &s);
    let eps = 1e-6;
    let shift = |sign: f64| -> State<f64> {
        State {
            w: s.w.iter().zip(&f0.w).map(|(w, f)| w.iter().zip(f).map(|(a, b)| a + sign * eps * b).collect()).collect(),
            a: Some(
                s.a.as_ref().unwrap().iter().zip(f0.a.as_ref().unwrap()).map(|(a, b)| a + sign * eps * b).collect(),
            ),
        }
    };
    let (fp, fm) = (field(&data, &pat, &shift(1.0)), field(&data, &pat, &shift(-1.0)));
    let flat = |x: &State<f64>| -> Vec<f64> { x.w.iter().flatten().chain(x.a.as_ref().unwrap()).copied().collect() };
    let (vp, vm, c2) = (flat(&fp), flat(&fm), flat(&c[2]));
    let scale = c2.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for k in 0..c2.len() {
        let fd = (vp[k] - vm[k]) / (2.0 * eps) / 2.0;
        assert!((fd - c2[k]).abs() <= 1e-6 * scale, "component {k}: {fd} vs {}", c2[k]);
    }
}

/// Coefficients over a box enclose the coefficients of every point of the box: degenerate boxes
/// (points) give subsets, and 1024-bit MPFR point coefficients at interior points lie inside.
#[test]
fn interval_coefficients_enclose_point_coefficients() {
    let prec = 128u32;
    let hi_prec = 1024u32;
    for seed in 20..24u64 {
        let p = random_problem(seed, 3, 4, 3, ReluPrime::Zero, None);
        let (data, s, pat) = setup::<MpInterval>(&p, &prec);
        let rad = 1e-6;
        let boxed = State {
            w: s.w.iter().map(|r| r.iter().map(|c| c.inflate(rad)).collect()).collect(),
            a: Some(s.a.as_ref().unwrap().iter().map(|c| c.inflate(rad)).collect()),
        };
        let order = 8;
        let cb = taylor_coefficients(&data, &pat, &boxed, order);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let data_hi = NetData::<Float>::from_problem(&p, &hi_prec);
        for _ in 0..4 {
            // A point strictly inside the box, exactly representable (dyadic offsets).
            let mut off = || Rational::from((rng.random_range(-1000i64..=1000), 1i64 << 30));
            let pt_q: Vec<Vec<Rational>> =
                s.w.iter()
                    .chain(std::iter::once(s.a.as_ref().unwrap()))
                    .map(|r| r.iter().map(|c| c.mid().lower_rational() + off()).collect())
                    .collect();
            let m = s.w.len();
            let pt_iv = State::<MpInterval> {
                w: pt_q[..m].iter().map(|r| r.iter().map(|q| MpInterval::from_rational(q, &prec)).collect()).collect(),
                a: Some(pt_q[m].iter().map(|q| MpInterval::from_rational(q, &prec)).collect()),
            };
            let pt_hi = State::<Float> {
                w: pt_q[..m].iter().map(|r| r.iter().map(|q| Float::from_rational(q, &hi_prec)).collect()).collect(),
                a: Some(pt_q[m].iter().map(|q| Float::from_rational(q, &hi_prec)).collect()),
            };
            let ci = taylor_coefficients(&data, &pat, &pt_iv, order);
            let ch = taylor_coefficients(&data_hi, &pat, &pt_hi, order);
            for k in 0..=order {
                let bx: Vec<&MpInterval> = cb[k].w.iter().flatten().chain(cb[k].a.as_ref().unwrap()).collect();
                let iv: Vec<&MpInterval> = ci[k].w.iter().flatten().chain(ci[k].a.as_ref().unwrap()).collect();
                let hp: Vec<&Float> = ch[k].w.iter().flatten().chain(ch[k].a.as_ref().unwrap()).collect();
                for c in 0..bx.len() {
                    assert!(iv[c].subset(bx[c]), "seed {seed} k {k} comp {c}: point enclosure not inside box");
                    let q = hp[c].to_rational_exact();
                    assert!(iv[c].contains_rational(&q), "seed {seed} k {k} c {c}");
                    assert!(bx[c].contains_rational(&q), "seed {seed} k {k} comp {c}: 1024-bit point outside box");
                }
            }
        }
    }
}

trait Helpers {
    fn lower_rational(&self) -> Rational;
}
impl Helpers for MpInterval {
    fn lower_rational(&self) -> Rational {
        match self.lower() {
            reluflow_arith::Bound::Finite(q) => q,
            _ => panic!("unbounded"),
        }
    }
}
trait Exact {
    fn to_rational_exact(&self) -> Rational;
}
impl Exact for Float {
    fn to_rational_exact(&self) -> Rational {
        reluflow_arith::Point::to_rational(self).unwrap()
    }
}

/// `d/dt (a_j² − ‖w_j‖²) = 2 a_j ȧ_j − 2 w_jᵀẇ_j = 0` exactly: enclosed at 1024-bit intervals and
/// below 1e-300 (relative) at 1024-bit points.
#[test]
fn field_conserves_balancedness() {
    for seed in 30..36u64 {
        let p = random_problem(seed, 4, 5, 3, ReluPrime::Zero, None);
        let prec = 1024u32;
        let (data, s, pat) = setup::<MpInterval>(&p, &prec);
        let f = field(&data, &pat, &s);
        let (dp, sp, pp) = setup::<Float>(&p, &prec);
        let fp = field(&dp, &pp, &sp);
        assert_eq!(pat, pp);
        for j in 0..s.w.len() {
            let a = &s.a.as_ref().unwrap()[j];
            let mut dd = a.mul(&f.a.as_ref().unwrap()[j]);
            for (w, dw) in s.w[j].iter().zip(&f.w[j]) {
                dd = dd.sub(&w.mul(dw));
            }
            assert!(dd.contains_zero(), "seed {seed} neuron {j}");
            let ap = &sp.a.as_ref().unwrap()[j];
            let mut ddp = ap.mul(&fp.a.as_ref().unwrap()[j]);
            let mut size = Scalar::abs(&ddp);
            for (w, dw) in sp.w[j].iter().zip(&fp.w[j]) {
                let t = w.mul(dw);
                size = size.add(&Scalar::abs(&t));
                ddp = ddp.sub(&t);
            }
            assert!(Scalar::abs(&ddp).to_f64() <= 1e-300 * size.to_f64().max(1e-300), "seed {seed} neuron {j}");
        }
    }
}

#[test]
fn gradient_is_minus_field_and_matches_loss_differences() {
    let p = random_problem(41, 3, 6, 2, ReluPrime::Zero, None);
    let (data, mut s, _) = setup::<f64>(&p, &());
    // Move off the kinks (dyadic data can put a guard exactly at 0).
    for (j, r) in s.w.iter_mut().enumerate() {
        for (k, c) in r.iter_mut().enumerate() {
            *c += 1e-2 * std::f64::consts::SQRT_2 * ((j * 7 + 3 * k) % 5 + 1) as f64 / 5.0;
        }
    }
    let pat = pattern_of(&data, &s).unwrap();
    assert!(guards(&data, &s).iter().flatten().all(|g| g.abs() > 1e-4));
    let g = gradient(&data, &s).unwrap();
    let f = field(&data, &pat, &s);
    for (gr, fr) in g.w.iter().zip(&f.w) {
        for (a, b) in gr.iter().zip(fr) {
            assert_eq!(*a, -*b);
        }
    }
    let h = 1e-6;
    for j in 0..s.w.len() {
        for k in 0..2 {
            let mut sp = s.clone();
            let mut sm = s.clone();
            sp.w[j][k] += h;
            sm.w[j][k] -= h;
            let fd = (loss(&data, &sp) - loss(&data, &sm)) / (2.0 * h);
            assert!((fd - g.w[j][k]).abs() < 1e-5 * (1.0 + fd.abs()), "w[{j}][{k}] {fd} vs {}", g.w[j][k]);
        }
        let mut sp = s.clone();
        let mut sm = s.clone();
        sp.a.as_mut().unwrap()[j] += h;
        sm.a.as_mut().unwrap()[j] -= h;
        let fd = (loss(&data, &sp) - loss(&data, &sm)) / (2.0 * h);
        let ga = g.a.as_ref().unwrap()[j];
        assert!((fd - ga).abs() < 1e-5 * (1.0 + fd.abs()), "a[{j}] {fd} vs {ga}");
    }
}

#[test]
fn patterns_follow_the_relu_prime_convention_and_refuse_straddling_guards() {
    let q = |v: i64| Rational::from(v);
    // w_0ᵀx_0 = 0 exactly, w_0ᵀx_1 > 0.
    let init = Init::Explicit { w: vec![vec![q(1), q(0)]], a: vec![q(1)] };
    let mk = |rp| {
        Problem::new(
            ModelKind::TwoLayer,
            rp,
            LossScale::HalfSum,
            Data::new(vec![vec![q(0), q(1)], vec![q(1), q(1)]], Labels::Given(vec![q(1), q(2)])).unwrap(),
            init.clone(),
            RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::F64, precision: 53 },
        )
        .unwrap()
    };
    for (rp, expect) in [(ReluPrime::Zero, vec![1usize]), (ReluPrime::One, vec![0, 1])] {
        let p = mk(rp);
        let data = NetData::<f64>::from_problem(&p, &());
        let s = initial_state::<f64>(&p, &()).unwrap();
        assert_eq!(pattern_of(&data, &s).unwrap().active, vec![expect.clone()]);
        let di = NetData::<reluflow_arith::Interval>::from_problem(&p, &());
        let si = initial_state::<reluflow_arith::Interval>(&p, &()).unwrap();
        assert_eq!(pattern_of(&di, &si).unwrap().active, vec![expect]);
        // Widen w_0 so the first guard straddles 0: undecidable.
        let mut sw = si.clone();
        sw.w[0][1] = sw.w[0][1].inflate(1e-9);
        assert!(pattern_of(&di, &sw).is_none());
        assert_eq!(gradient(&di, &sw).unwrap_err(), NetError::UndecidedGuard { neuron: 0, point: 0 });
    }
}

#[test]
fn frozen_and_empty_neurons_have_zero_field() {
    let p = random_problem(50, 3, 4, 3, ReluPrime::Zero, None);
    let (data, s, mut pat) = setup::<f64>(&p, &());
    pat.frozen[1] = true;
    pat.active[2].clear();
    let c = taylor_coefficients(&data, &pat, &s, 4);
    for k in 1..=4 {
        for j in [1, 2] {
            assert!(c[k].w[j].iter().all(|v| *v == 0.0));
            assert_eq!(c[k].a.as_ref().unwrap()[j], 0.0);
        }
    }
}

#[test]
fn tiny_scales_are_refused_by_f64_backends_and_accepted_by_mpfr() {
    let z = vec![vec![Rational::from((1, 3)), Rational::from((-1, 5)), Rational::from(0)]];
    let init = |scale: &str| Init::Balanced {
        scale: reluflow_arith::exact::parse_exact(scale).unwrap(),
        z: z.clone(),
        s: vec![-1],
    };
    let p = random_problem(60, 1, 3, 3, ReluPrime::Zero, Some(init("1e-600")));
    assert!(matches!(initial_state::<f64>(&p, &()), Err(NetError::ScaleOutOfRange { .. })));
    let err = initial_state::<reluflow_arith::Interval>(&p, &()).unwrap_err();
    assert!(err.to_string().contains("mpfr"), "{err}");
    let s = initial_state::<MpInterval>(&p, &256).unwrap();
    let a = &s.a.as_ref().unwrap()[0];
    assert!(a.certainly_neg());
    // a² = ‖w‖² exactly: 1e-1200 · (1/9 + 1/25) is enclosed.
    let target = reluflow_arith::exact::parse_exact("1e-1200").unwrap() * Rational::from((34, 225));
    assert!(a.sqr().contains_rational(&target));
    // A moderate scale is accepted by f64.
    let p2 = random_problem(60, 1, 3, 3, ReluPrime::Zero, Some(init("1e-100")));
    let s2 = initial_state::<f64>(&p2, &()).unwrap();
    assert!((s2.a.unwrap()[0] + 1e-100 * (34f64 / 225.0).sqrt()).abs() < 1e-114);
}

mod prop {
    use super::*;
    use proptest::prelude::*;
    use reluflow_arith::Interval;

    fn widen(s: &State<Interval>, r: f64) -> State<Interval> {
        State {
            w: s.w.iter().map(|row| row.iter().map(|c| c.inflate(r)).collect()).collect(),
            a: Some(s.a.as_ref().unwrap().iter().map(|c| c.inflate(r)).collect()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 32,
            // A fault-injection build fails on purpose: never record its failures as regressions.
            failure_persistence: if reluflow_arith::FAULT_INJECTED {
                None
            } else {
                ProptestConfig::default().failure_persistence
            },
            ..ProptestConfig::default()
        })]
        /// Taylor coefficients over a box contain those of sampled points of the box (inclusion
        /// isotonicity of the recursion), for random instances, patterns, radii and orders.
        #[test]
        fn box_coefficients_contain_point_coefficients(
            seed in 0u64..10_000,
            m in 1usize..4,
            n in 1usize..5,
            d in 1usize..4,
            log_r in -30i32..-3,
            order in 1usize..9,
            frac in proptest::collection::vec(-1.0f64..1.0, 24),
        ) {
            let p = random_problem(seed, m, n, d, ReluPrime::Zero, None);
            let data = NetData::<Interval>::from_problem(&p, &());
            let s = initial_state::<Interval>(&p, &()).unwrap();
            // Any pattern is allowed here (the recursion is a polynomial identity in every pattern).
            let pat = Pattern {
                active: (0..m).map(|j| (0..n).filter(|i| (seed >> ((j * n + i) % 60)) & 1 == 1).collect()).collect(),
                frozen: vec![false; m],
                sliding: Vec::new(),
            };
            let r = 2f64.powi(log_r);
            let boxed = widen(&s, r);
            let cb = taylor_coefficients(&data, &pat, &boxed, order);
            // A point inside the box: centre + frac·r per component (exact enough: inside by construction).
            let mut k = 0;
            let mut pick = |c: &Interval| -> Interval {
                let v = c.approx_f64() + r * 0.5 * frac[k % frac.len()];
                k += 1;
                Interval::from_f64(v, &())
            };
            let pt = State {
                w: s.w.iter().map(|row| row.iter().map(&mut pick).collect()).collect(),
                a: Some(s.a.as_ref().unwrap().iter().map(&mut pick).collect()),
            };
            let cp = taylor_coefficients(&data, &pat, &pt, order);
            for kk in 0..=order {
                let bx: Vec<&Interval> = cb[kk].w.iter().flatten().chain(cb[kk].a.as_ref().unwrap()).collect();
                let px: Vec<&Interval> = cp[kk].w.iter().flatten().chain(cp[kk].a.as_ref().unwrap()).collect();
                for c in 0..bx.len() {
                    prop_assert!(px[c].subset(bx[c]), "k {} comp {}: {:?} not in {:?}", kk, c, px[c], bx[c]);
                }
            }
        }
    }
}
