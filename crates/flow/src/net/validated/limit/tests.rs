use super::*;
use crate::net::data::{Scheme, Spec, generate};
use crate::net::field::{NetData, loss};
use crate::net::reference::{RefOptions, integrate_problem};
use crate::net::validated::{ValidatedOptions, certify};
use crate::trajectory::{State, Status};
use reluflow_arith::Scalar;
use reluflow_model::*;
use rug::Rational;

fn q(num: i64, den: i64) -> Rational {
    Rational::from((num, den))
}

/// `m = 2`, `d = n = 3`, data with non-negative coordinates and a positive start: every guard stays
/// positive and the network interpolates (the linear fit `Xv = y` has `v > 0`).
fn small_problem(t_end: i64) -> Problem {
    let x = vec![vec![q(1, 1), q(1, 4), q(0, 1)], vec![q(1, 4), q(1, 1), q(1, 8)], vec![q(0, 1), q(1, 4), q(1, 1)]];
    let y = vec![q(1, 1), q(1, 2), q(3, 4)];
    let init = Init::Explicit {
        w: vec![vec![q(1, 2), q(1, 2), q(1, 2)], vec![q(1, 4), q(1, 2), q(1, 4)]],
        a: vec![q(1, 2), q(1, 4)],
    };
    let run =
        RunConfig { t_end: Horizon::Finite(Rational::from(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    Problem::new(
        ModelKind::TwoLayer,
        ReluPrime::Zero,
        LossScale::HalfMean,
        Data::new(x, Labels::Given(y)).unwrap(),
        init,
        run,
    )
    .unwrap()
}

fn net_of(p: &Problem, m: usize) -> Net<Interval> {
    Net::new(NetData::<Interval>::from_problem(p, &()), m, ())
}

fn pts(v: &[f64]) -> Vec<Interval> {
    v.iter().map(|c| Interval::from_f64(*c, &())).collect()
}

const T: i64 = 48;

#[test]
fn certified_end_box_has_a_limit_that_contains_a_long_reference_run() {
    let p = small_problem(T);
    let traj = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    assert_eq!(*traj.status(), Status::Certified);
    let pattern = traj.segments().last().unwrap().pattern().clone();
    let net = net_of(&p, 2);
    let xbox = net.flatten(traj.final_state());
    let proof = prove_limit(&net, &pattern, &xbox).unwrap();
    let (l0, mu) = (proof.loss0_ru(), proof.mu_rd());
    assert!(l0 > 0.0 && mu > 0.0 && proof.radius_ru() < proof.rho(), "{proof:?}");
    assert_eq!((proof.limit_loss().lower_f64(), proof.limit_loss().upper_f64()), (0.0, 0.0));
    for (b, x) in proof.limit().iter().zip(&xbox) {
        assert!(x.subset(b));
    }
    // The reference from t = 0 to 10·T: every sample after T lies in the limit box (it encloses
    // the whole tail) and obeys the loss bound; the bound with 2μ fails (it has teeth: κ is
    // within a factor 2 of the asymptotic rate).
    let long = small_problem(10 * T);
    let opts = RefOptions { dense: true, ..RefOptions::f64() };
    let run = integrate_problem::<f64>(&long, &(), &opts).unwrap();
    let data = NetData::<f64>::from_problem(&long, &());
    let mut violated_with_double_rate = false;
    for k in 0..=90 {
        let t = T as f64 + k as f64 * 0.1 * T as f64;
        let s = if k == 90 { run.trajectory.final_state().clone() } else { run.state_at(&t).unwrap() };
        let flat = net.flatten(&State { w: s.w.iter().map(|r| pts(r)).collect(), a: Some(pts(s.a.as_ref().unwrap())) });
        for (c, (b, v)) in proof.limit().iter().zip(&flat).enumerate() {
            assert!(v.subset(&b.inflate(1e-12)), "t = {t}: coordinate {c} = {v:?} outside {b:?}");
        }
        let lt = loss(&data, &s);
        let bound = |rate: f64| l0 * (-2.0 * rate * (t - T as f64)).exp();
        assert!(lt <= bound(mu) * (1.0 + 1e-6) + 1e-28, "t = {t}: L = {lt:e} > {:e}", bound(mu));
        if lt > 1e-20 && lt > bound(2.0 * mu) * (1.0 + 1e-6) + 1e-28 {
            violated_with_double_rate = true;
        }
    }
    assert!(violated_with_double_rate, "the doubled rate 2μ = {} was never violated", 2.0 * mu);
    // time_to_loss is consistent with the bound.
    let t1 = proof.time_to_loss(l0 * 1e-6).unwrap();
    assert!(l0 * (-2.0 * mu * t1).exp() <= l0 * 1e-6 * (1.0 + 1e-12));
    assert_eq!(proof.time_to_loss(l0), Some(0.0));
    assert_eq!(proof.time_to_loss(0.0), None);
}

#[test]
fn guard_within_the_path_length_bound_is_refused() {
    let p = small_problem(1);
    let net = net_of(&p, 2);
    // Guard w_0ᵀx_0 = 0.01 while the loss is large (path-length bound ≫ 0.01).
    let xbox = pts(&[0.01, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    let pattern =
        Pattern { active: vec![vec![0, 1, 2], vec![0, 1, 2]], frozen: vec![false, false], sliding: Vec::new() };
    let err = prove_limit(&net, &pattern, &xbox).unwrap_err();
    assert!(err.to_string().contains("guard w_0ᵀx_0"), "{err}");
}

#[test]
fn more_points_than_live_coordinates_is_refused() {
    // m = 1, d = 1: two live coordinates, three points.
    let data = NetData {
        x: vec![pts(&[1.0]), pts(&[0.5]), pts(&[2.0])],
        y: pts(&[1.0, 0.25, 1.5]),
        grad_factor: Interval::from_f64(1.0 / 3.0, &()),
        relu_prime: ReluPrime::Zero,
    };
    let net = Net::new(data, 1, ());
    let pattern = Pattern { active: vec![vec![0, 1, 2]], frozen: vec![false], sliding: Vec::new() };
    let err = prove_limit(&net, &pattern, &pts(&[1.0, 0.9])).unwrap_err();
    assert!(err.to_string().contains("singular"), "{err}");
}

#[test]
fn zero_loss_box_is_its_own_limit_and_frozen_neurons_are_ignored() {
    // One neuron fits y exactly (a·wᵀx_i = y_i), a second neuron is frozen (guards 0 and −1): at zero
    // loss every residual is 0, so it cannot revive.
    let data = NetData {
        x: vec![pts(&[1.0, 0.0]), pts(&[1.0, 1.0])],
        y: pts(&[0.5, 1.0]),
        grad_factor: Interval::from_f64(0.5, &()),
        relu_prime: ReluPrime::Zero,
    };
    let net = Net::new(data, 2, ());
    let pattern = Pattern { active: vec![vec![0, 1], vec![]], frozen: vec![false, true], sliding: Vec::new() };
    let xbox = pts(&[1.0, 1.0, 0.5, 0.0, -1.0, 3.0]);
    let proof = prove_limit(&net, &pattern, &xbox).unwrap();
    assert_eq!(proof.loss0_ru(), 0.0);
    assert_eq!(proof.limit(), &xbox[..]);
    assert_eq!(proof.time_to_loss(0.0), Some(0.0));
    // Non-zero loss: the residual of x_0 tends to 0 and may change sign on the way, so the neuron
    // frozen on x_0's hyperplane may revive (a second solution): refused.
    let xbox = pts(&[1.0, 1.0, 0.4999, 0.0, -1.0, 3.0]);
    let err = prove_limit(&net, &pattern, &xbox).unwrap_err();
    assert!(err.to_string().contains("may revive"), "{err}");
    // Frozen strictly off every hyperplane (guards −1/2, −3/2), with n = 2 ≤ 2 live coordinates:
    // proved, frozen coordinates stay points.
    let xbox = pts(&[1.0, 1.0, 0.4999, -0.5, -1.0, 3.0]);
    let proof = prove_limit(&net, &pattern, &xbox).unwrap();
    assert!(proof.loss0_ru() > 0.0 && proof.mu_rd() > 0.0);
    assert_eq!(&proof.limit()[3..], &xbox[3..]);
    assert!(proof.limit()[2].rad_upper() > 0.0);
}

/// The paper instance (n = d = 16, m = 25, λ = 4⁻⁷): from which time can the limit be certified
/// from a ±1e-9 box around the f64 reference state? Run with
/// `cargo test -p reluflow-flow --release limit::tests::paper -- --ignored --nocapture`.
#[test]
#[ignore]
fn paper_instance_limit_from_reference_states() {
    let inst = generate(&Spec { scheme: Scheme::Uncentred, n: 16, d: 16, m: 25, seed: 1 });
    let scale = reluflow_arith::exact::parse_exact("0.00006103515625").unwrap();
    for t in [100, 400, 1000, 2712, 10_000, 30_000] {
        let run_cfg =
            RunConfig { t_end: Horizon::Finite(Rational::from(t)), arithmetic: Arithmetic::Interval, precision: 53 };
        let p = inst.to_problem(scale.clone(), ReluPrime::Zero, LossScale::HalfMean, run_cfg).unwrap();
        let run = integrate_problem::<f64>(&p, &(), &RefOptions::f64()).unwrap();
        let s = run.trajectory.final_state();
        let pattern = run.trajectory.segments().last().unwrap().pattern().clone();
        let net = net_of(&p, 25);
        let point =
            net.flatten(&State { w: s.w.iter().map(|r| pts(r)).collect(), a: Some(pts(s.a.as_ref().unwrap())) });
        let live = pattern.frozen.iter().filter(|f| !**f).count();
        let ref_loss = loss(&NetData::<f64>::from_problem(&p, &()), s);
        // The approximate λ_min(K) at the reference state (not verified; a diagnosis).
        let k: Vec<f64> = gram(&net, &pattern, &point).iter().map(|e| e.mid().approx_f64()).collect();
        let eig = nalgebra::SymmetricEigen::new(nalgebra::DMatrix::from_row_slice(net.n, net.n, &k));
        let lam = eig.eigenvalues.iter().copied().fold(f64::INFINITY, f64::min);
        println!("t = {t}: live {live}, L(ref) = {ref_loss:.3e}, approximate λ_min(K) = {lam:.3e}");
        for half_width in [1e-9, 1e-13] {
            let flat: Vec<Interval> = point.iter().map(|v| v.inflate(half_width)).collect();
            match prove_limit(&net, &pattern, &flat) {
                Ok(pr) => println!(
                    "  ±{half_width:e}: PROVED μ ≥ {:.4e}, L0 ≤ {:.4e}, ρ = {:.4e}, r* ≤ {:.4e}, L ≤ 1e-20 after {:?}",
                    pr.mu_rd(),
                    pr.loss0_ru(),
                    pr.rho(),
                    pr.radius_ru(),
                    pr.time_to_loss(1e-20)
                ),
                Err(e) => println!("  ±{half_width:e}: FAILED: {e}"),
            }
        }
    }
}
