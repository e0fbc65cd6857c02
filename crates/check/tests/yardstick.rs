//! Yardstick crossings (CEL Props 2/14) against a hand-solved case and an independent RK4
//! integration of `dα/dt = s‖α‖γ_{I_+(α)}` with sign-change detection.

mod common;

use common::q;
use reluflow_arith::{Interval, MpInterval, Scalar};
use reluflow_check::cel::yardstick::{YardError, yardstick};
use reluflow_check::*;
use reluflow_model::*;

fn problem(x: &[[&str; 3]], teacher: [&str; 3], z: &[[&str; 3]], s: &[i8]) -> Problem {
    let rows = x.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect();
    let data = Data::new(rows, Labels::Teacher(teacher.iter().map(|v| q(v)).collect())).unwrap();
    let z = z.iter().map(|r| r.iter().map(|v| q(v)).collect()).collect();
    let init = Init::Balanced { scale: q("1e-3"), z, s: s.to_vec() };
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic: Arithmetic::MpfrInterval, precision: 128 };
    Problem::new(ModelKind::TwoLayer, ReluPrime::Zero, LossScale::HalfMean, data, init, run).unwrap()
}

/// Hand-solved: x_0 = (2, 0, 0), x_1 = (1, 1, 0), x_2 = (1, 0, 1) … restricted to the plane
/// e_0, e_1: with teacher e_0, y = (2, 1, 1), n = 3, γ_{0} = (1/3)·2·(2, 0, 0) = (4/3, 0, 0).
/// z = (1, −2, −5): I_+(z) = {0}; α_1 = −2 and α_2 = −5 stay constant while I = {0}, and
/// α_0(t) = c·sinh(asinh(1/c) + ‖γ‖t) with c = ‖(α_1, α_2)‖ = √29; point 1 enters when α_0 = 2,
/// point 2 would enter when α_0 = 5: so point 1 first, at τ = (asinh(2/√29) − asinh(1/√29))/(4/3).
#[test]
fn first_crossing_in_closed_form() {
    let p = problem(&[["2", "0", "0"], ["1", "1", "0"], ["1", "0", "1"]], ["1", "0", "0"], &[["1", "-2", "-5"]], &[1]);
    let y = yardstick::<MpInterval>(&p, 0, &128).unwrap();
    assert_eq!(y.crossings[0].point, 1);
    let c = 29f64.sqrt();
    let tau = ((2.0 / c).asinh() - (1.0 / c).asinh()) / (4.0 / 3.0);
    let t = &y.crossings[0].tau;
    assert!((t.approx_f64() - tau).abs() < 1e-12 && t.upper_f64() - t.lower_f64() < 1e-15, "{t:?} vs {tau}");
    // ‖α‖ at τ: α = (2, −2, −5) exactly.
    assert!((y.crossings[0].norm.approx_f64() - 33f64.sqrt()).abs() < 1e-12);
    assert_eq!(y.n_j, 2);
    assert_eq!(y.crossings.len(), 2);
}

/// Independent reference: RK4 with step `h` on the yardstick ODE, crossing times by linear
/// interpolation of the sign change of `αᵀx_i`.
fn rk4_crossings(x: &[[f64; 3]], y: &[f64], z: [f64; 3], s: f64, t_max: f64) -> Vec<(usize, f64)> {
    let n = x.len() as f64;
    let dotp = |a: &[f64; 3], b: &[f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let f = |a: &[f64; 3]| {
        let mut g = [0.0; 3];
        for (xi, yi) in x.iter().zip(y) {
            if dotp(a, xi) > 0.0 {
                for k in 0..3 {
                    g[k] += yi * xi[k] / n;
                }
            }
        }
        let na = dotp(a, a).sqrt();
        [s * na * g[0], s * na * g[1], s * na * g[2]]
    };
    let h = 1e-5;
    let mut a = z;
    let mut t = 0.0;
    let mut out = Vec::new();
    while t < t_max {
        let add = |u: &[f64; 3], v: &[f64; 3], c: f64| [u[0] + c * v[0], u[1] + c * v[1], u[2] + c * v[2]];
        let k1 = f(&a);
        let k2 = f(&add(&a, &k1, h / 2.0));
        let k3 = f(&add(&a, &k2, h / 2.0));
        let k4 = f(&add(&a, &k3, h));
        let next = [0, 1, 2].map(|k| a[k] + h / 6.0 * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]));
        for (i, xi) in x.iter().enumerate() {
            let (u, v) = (dotp(&a, xi), dotp(&next, xi));
            if (u > 0.0) != (v > 0.0) {
                out.push((i, t + h * u / (u - v)));
            }
        }
        a = next;
        t += h;
    }
    out
}

#[test]
fn crossings_agree_with_an_independent_integration() {
    // Pairwise acute data around e_0, teacher e_0 (angles < π/4).
    let xs = [["1", "0.2", "0.1"], ["0.9", "-0.3", "0.2"], ["1.1", "0.1", "-0.3"]];
    let xf = [[1.0, 0.2, 0.1], [0.9, -0.3, 0.2], [1.1, 0.1, -0.3]];
    let zs = [["-0.1", "-1", "0.3"], ["0.1", "1", "-0.5"], ["0.3", "0.5", "0.4"]];
    let zf = [[-0.1, -1.0, 0.3], [0.1, 1.0, -0.5], [0.3, 0.5, 0.4]];
    let signs = [1i8, 1, -1];
    let p = problem(&xs, ["1", "0", "0"], &zs, &signs);
    let yl: Vec<f64> = p.data().y().iter().map(|r| r.to_f64()).collect();
    let mut checked = 0;
    for j in 0..3 {
        let y = match yardstick::<Interval>(&p, j, &()) {
            Ok(y) => y,
            Err(YardError::Fails(w)) => panic!("neuron {j}: {w}"),
            Err(YardError::Undecided(w)) => panic!("neuron {j}: {w}"),
        };
        let t_max = y.crossings.last().map_or(1.0, |c| c.tau.upper_f64() + 0.5);
        let reference = rk4_crossings(&xf, &yl, zf[j], f64::from(signs[j]), t_max);
        assert_eq!(reference.len(), y.crossings.len(), "neuron {j}: {reference:?} vs {:?}", y.crossings);
        for ((i, t), c) in reference.iter().zip(&y.crossings) {
            assert_eq!(*i, c.point, "neuron {j}");
            assert!((t - c.tau.approx_f64()).abs() < 1e-5, "neuron {j}: rk4 {t} vs {:?}", c.tau);
            checked += 1;
        }
    }
    assert!(checked >= 3, "the instance must exercise several crossings ({checked})");
    // The catalogue entry and Assumption 1(iv) on the same instance.
    let sel = Selection { ids: vec!["cel.prop14-yardstick".into(), "cel.assumption1".into()], ..Selection::default() };
    let rows = check_static::<Interval>(&p, &(), &sel).rows;
    assert!(rows[1].conclusion.holds(), "{}", rows[1].conclusion);
    assert!(rows[1].notes.iter().any(|n| n.starts_with("T0")), "{:?}", rows[1].notes);
    assert!(!rows[0].conclusion.to_string().contains("(iv)"), "{}", rows[0].conclusion);
}

#[test]
fn orthogonal_data_breaks_the_crossing_structure() {
    // x_0 ⟂ x_1: γ_{0} ∝ x_0 never turns α towards x_1, so point 1 never enters (Prop 2 needs the
    // acute angles of the setting): certified "fails", never a made-up crossing.
    let p = problem(&[["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], ["1", "1", "1"], &[["1", "-1", "-1"]], &[1]);
    match yardstick::<MpInterval>(&p, 0, &128) {
        Err(YardError::Fails(w)) => assert!(w.contains("no point"), "{w}"),
        other => panic!("expected a certified failure, got {other:?}"),
    }
    let sel = Selection { ids: vec!["cel.prop14-yardstick".into()], ..Selection::default() };
    let r = check_static::<MpInterval>(&p, &128, &sel).rows.remove(0);
    assert!(r.conclusion.is_violated(), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Vacuous, "the setting (angles < π/4) is false here");
}

/// The instance of `crossings_agree_with_an_independent_integration`.
fn three_point_instance() -> Problem {
    let xs = [["1", "0.2", "0.1"], ["0.9", "-0.3", "0.2"], ["1.1", "0.1", "-0.3"]];
    let zs = [["-0.1", "-1", "0.3"], ["0.1", "1", "-0.5"], ["0.3", "0.5", "0.4"]];
    problem(&xs, ["1", "0", "0"], &zs, &[1, 1, -1])
}

#[test]
fn prop13_and_prop22_hold_break_and_are_undecided() {
    use reluflow_check::cel::closed::{all_yardsticks, prop13_on, prop22_on};
    let p = three_point_instance();
    let sel =
        Selection { ids: vec!["cel.prop13-yardstick".into(), "cel.prop22-yardstick".into()], ..Selection::default() };
    let rows = check_static::<MpInterval>(&p, &128, &sel).rows;
    for r in &rows {
        assert!(r.conclusion.holds(), "{}: {}", r.entry.id, r.conclusion);
        assert!(r.notes.iter().any(|n| n.contains("τ")), "{:?}", r.notes);
    }
    assert!(rows[0].notes.iter().any(|n| n.contains("order [")), "{:?}", rows[0].notes);
    assert!(rows[1].notes.iter().any(|n| n.contains("ρ_j")), "{:?}", rows[1].notes);
    let ys = all_yardsticks::<Interval>(&p, &()).unwrap();
    let (j, _) = ys.iter().enumerate().find(|(_, y)| y.sign == 1 && !y.crossings.is_empty()).unwrap();
    // Mutated: the norm at the first crossing 1 % too large: the norm law certainly disagrees.
    let mut bad = ys.clone();
    bad[j].crossings[0].norm *= Interval::try_from((1.01, 1.01)).unwrap();
    let (v, _) = prop13_on(&p, &bad, 8, &());
    assert!(v.is_violated(), "{v}");
    // Too wide: a norm enclosure that may be 0 leaves ‖α‖ > 0 on the next stage undecided.
    let mut wide = ys.clone();
    assert!(wide[j].crossings.len() > 1, "the instance has a second stage");
    wide[j].crossings[0].norm = Interval::try_from((-1.0, 100.0)).unwrap();
    let (v, _) = prop13_on(&p, &wide, 8, &());
    assert!(v.is_undecided(), "{v}");
    // Prop 22: the direction after the last crossing rotated breaks the continuity (viii).
    let horizon = Interval::try_from((10.0, 10.0)).unwrap();
    assert!(prop22_on(&p, &ys, &horizon, 8, &()).0.holds());
    let mut rot = ys.clone();
    let last = rot[j].crossings.len() - 1;
    let d = rot[j].crossings[last].dir.clone();
    rot[j].crossings[last].dir = vec![d[1], d[0], d[2]];
    let (v, _) = prop22_on(&p, &rot, &horizon, 8, &());
    assert!(v.is_violated(), "{v}");
    // Too wide: a direction enclosure whose angle to γ_[n] may be 0 is undecided.
    let mut wd = ys.clone();
    wd[j].crossings[last].dir = vec![Interval::try_from((-1.0, 1.0)).unwrap(); 3];
    assert!(prop22_on(&p, &wd, &horizon, 8, &()).0.is_undecided());
}

#[test]
fn prop13_on_a_failing_instance_is_a_violation_of_the_structure() {
    let p = problem(&[["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], ["1", "1", "1"], &[["1", "-1", "-1"]], &[1]);
    let sel = Selection { ids: vec!["cel.prop13-yardstick".into()], ..Selection::default() };
    let r = check_static::<MpInterval>(&p, &128, &sel).rows.remove(0);
    assert!(r.conclusion.is_violated(), "{}", r.conclusion);
    assert_eq!(r.status, RowStatus::Vacuous);
}

/// The branch-and-bound terms of δ (min over a stage of |ᾱ_jᵀx̄_i|) against a dense RK4 sampling
/// of the yardstick ODE: the certified lower bound is below the sampled minimum.
#[test]
fn delta_stage_minima_bound_an_independent_sampling() {
    let p = three_point_instance();
    let xf = [[1.0, 0.2, 0.1], [0.9, -0.3, 0.2], [1.1, 0.1, -0.3]];
    let zf = [[-0.1, -1.0, 0.3], [0.1, 1.0, -0.5], [0.3, 0.5, 0.4]];
    let signs = [1.0, 1.0, -1.0];
    let delta = reluflow_check::cel::delta::delta::<MpInterval>(&p, &128).unwrap();
    let ys = reluflow_check::cel::closed::all_yardsticks::<MpInterval>(&p, &128).unwrap();
    let yl: Vec<f64> = p.data().y().iter().map(|r| r.to_f64()).collect();
    let mut seen = 0;
    for (name, t) in &delta.terms {
        let Some(rest) = name.strip_prefix("min |ᾱ_") else { continue };
        // "min |ᾱ_{j}ᵀx̄_{i}| on stage {l}"
        let j: usize = rest[..rest.find('ᵀ').unwrap()].parse().unwrap();
        let i: usize = rest[rest.find("x̄_").unwrap() + "x̄_".len()..rest.find('|').unwrap()].parse().unwrap();
        let l: usize = name.rsplit(' ').next().unwrap().parse().unwrap();
        let y = ys.iter().find(|y| y.neuron == j).unwrap();
        let t0 = if l == 1 { 0.0 } else { y.crossings[l - 2].tau.approx_f64() };
        let t1 = y.crossings[l - 1].tau.approx_f64();
        let m = sampled_min(&xf, &yl, zf[j], signs[j], i, t0, t1);
        assert!(t.lower_f64() <= m + 1e-9, "{name}: certified lower {} > sampled min {m}", t.lower_f64());
        assert!(
            t.lower_f64() > 0.0 && t.lower_f64() >= 0.5 * m,
            "{name}: lower bound {} too weak vs {m}",
            t.lower_f64()
        );
        seen += 1;
    }
    assert!(seen >= 2, "the instance must exercise the stage terms ({seen})");
}

/// min over t ∈ [t0, t1] of |ᾱᵀx̄_i| along an RK4 integration of the yardstick (step 1e-4).
fn sampled_min(x: &[[f64; 3]], y: &[f64], z: [f64; 3], s: f64, i: usize, t0: f64, t1: f64) -> f64 {
    let n = x.len() as f64;
    let dotp = |a: &[f64; 3], b: &[f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let f = |a: &[f64; 3]| {
        let mut g = [0.0; 3];
        for (xi, yi) in x.iter().zip(y) {
            if dotp(a, xi) > 0.0 {
                for k in 0..3 {
                    g[k] += yi * xi[k] / n;
                }
            }
        }
        let na = dotp(a, a).sqrt();
        [s * na * g[0], s * na * g[1], s * na * g[2]]
    };
    let h = 1e-4;
    let (mut a, mut t, mut best) = (z, 0.0, f64::INFINITY);
    let xi = x[i];
    while t < t1 {
        if t >= t0 {
            best = best.min(dotp(&a, &xi).abs() / (dotp(&a, &a).sqrt() * dotp(&xi, &xi).sqrt()));
        }
        let add = |u: &[f64; 3], v: &[f64; 3], c: f64| [u[0] + c * v[0], u[1] + c * v[1], u[2] + c * v[2]];
        let k1 = f(&a);
        let k2 = f(&add(&a, &k1, h / 2.0));
        let k3 = f(&add(&a, &k2, h / 2.0));
        let k4 = f(&add(&a, &k3, h));
        a = [0, 1, 2].map(|k| a[k] + h / 6.0 * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]));
        t += h;
    }
    best
}
