use super::jacobian::scaled_jacobian;
use super::step::{Source, image, reorthogonalise};
use super::*;
use crate::net::field::NetData;
use crate::net::validated::precise::Precise;
use crate::net::validated::series::series;
use crate::net::validated::series::tests::tiny_net;
use crate::net::validated::series::with_jacobians;
use crate::net::validated::taylor::apriori;
use reluflow_arith::midrad::ETA;
use reluflow_arith::{Interval, MpInterval, Scalar};

/// The network of `tiny_net` (m = 2, d = 2, three points) with `bits`-bit MPFR intervals.
fn tiny_net_mp(bits: u32) -> Net<MpInterval> {
    let x = [vec![1.0, 0.5], vec![-0.25, 1.0], vec![0.5, 0.5]];
    let y = [1.0, 0.5, 0.75];
    let data = NetData {
        x: x.iter().map(|r| r.iter().map(|v| MpInterval::from_f64(*v, &bits)).collect()).collect(),
        y: y.iter().map(|v| MpInterval::from_f64(*v, &bits)).collect(),
        grad_factor: MpInterval::from_f64(1.0 / 3.0, &bits),
        relu_prime: reluflow_model::ReluPrime::Zero,
    };
    Net::new(data, 2, bits)
}

/// The pattern flow from a point, by 50 Taylor steps of order 20 (to the backend's accuracy).
fn flow_point<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S], h: f64) -> Vec<S> {
    let mut v: Vec<S> = x.iter().map(|c| c.mid()).collect();
    let k = 50;
    let hk = S::from_f64(h, &net.ctx).div(&S::from_i64(k, &net.ctx));
    for _ in 0..k {
        let s = series(net, pattern, &v, 20, None);
        v = poly_at(&s.x, None, &hk).iter().map(|c| c.mid()).collect();
    }
    v
}

/// How far the point `p` lies outside the interval `x` (≤ 0 inside), as an f64 estimate.
fn miss<S: Enclosure>(x: &S, p: &S) -> f64 {
    x.lo_point().sub(p).approx_f64().max(p.sub(&x.hi_point()).approx_f64())
}

/// One step of length `h` from the box `x0 ± rad` with Jacobian order `q` (order 20 values);
/// returns the new set and the end box.
fn step_from_box<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[f64],
    rad: &[f64],
    h: f64,
    q: usize,
) -> (LohnerSet<S>, Vec<S>) {
    step_with(net, pattern, (x0, rad), h, (20, q), None)
}

/// [`step_from_box`] with value order `p` and, if given, the centre's polynomial from `twin`.
fn step_with<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    (x0, rad): (&[f64], &[f64]),
    h: f64,
    (p, q): (usize, usize),
    twin: Option<&Precise>,
) -> (LohnerSet<S>, Vec<S>) {
    let ctx = &net.ctx;
    let xbox: Vec<S> = x0.iter().zip(rad).map(|(c, r)| S::from_f64_bounds(c - r, c + r, ctx)).collect();
    let set = LohnerSet::from_box(net, &xbox);
    let ser_c = series(net, pattern, &set.c, p, None);
    let xhat: Vec<S> = xbox.iter().zip(&set.c).map(|(a, b)| a.hull(b)).collect();
    let ser_x = series(net, pattern, &xhat, p, Some(q));
    let e = block_exponents(net, &set.c);
    let apri = apriori(net, pattern, &ser_x, h, &e, 8).expect("a priori enclosure");
    let hh = S::from_f64(h, ctx);
    let centre = twin.map(|t| t.centre_poly(pattern, &set.c, &hh, p).expect("finite"));
    let step = Step { ser_c: &ser_c, ser_x: &ser_x, rem: &apri.rem, h: &hh, centre: centre.as_deref() };
    lohner_step(net, pattern, &set, &step, None, &xbox).expect("step")
}

/// The worst miss of the images of sampled corners of `x0 ± rad` in the end box and in the new
/// set's hull.
fn worst_corner_miss<S: Enclosure>(
    net: &Net<S>,
    pattern: &Pattern,
    x0: &[f64],
    rad: &[f64],
    h: f64,
    set: &LohnerSet<S>,
    end: &[S],
) -> f64 {
    let hull = set.hull();
    let mut worst: f64 = f64::NEG_INFINITY;
    for corner in (0..64u32).step_by(3) {
        let xi: Vec<S> = (0..6)
            .map(|c| S::from_f64(x0[c] + if corner >> c & 1 == 1 { rad[c] } else { -rad[c] }, &net.ctx))
            .collect();
        let img = flow_point(net, pattern, &xi, h);
        for c in 0..6 {
            worst = worst.max(miss(&end[c], &img[c])).max(miss(&hull[c], &img[c]));
        }
    }
    worst
}

const PATTERN: fn() -> Pattern =
    || Pattern { active: vec![vec![0, 2], vec![1]], frozen: vec![false, false], sliding: Vec::new() };
const X0: [f64; 6] = [0.3, 0.2, 0.5, -0.1, 0.4, -0.6];

/// One step from a box (radius 1e-2 or 1e-6) with Jacobian order 1..=3: the dependence on the
/// start of the orders above `q` goes through the tail box (for radius 1e-6 it is far larger
/// than the width of the interval Jacobian, so dropping the tail makes this fail); every
/// corner's image must lie in the end box and in the new set's hull.
#[test]
fn low_order_jacobian_step_encloses_the_images_of_a_wide_box() {
    let net = tiny_net();
    for (rad, q) in [(1e-2, 1), (1e-6, 1), (1e-6, 2), (1e-6, 3)] {
        let rads = [rad; 6];
        let (set, end) = step_from_box(&net, &PATTERN(), &X0, &rads, 0.25, q);
        let worst = worst_corner_miss(&net, &PATTERN(), &X0, &rads, 0.25, &set, &end);
        assert!(worst <= 1e-13, "rad {rad:e}, q = {q}: an image lies {worst:e} outside");
    }
}

/// With 128-bit MPFR intervals the step (f64 midpoint–radius bulk products, converted outward
/// from and back to the backend) encloses the images of a box at the reference's accuracy
/// (~1e-36; dropping the tail box of the orders above `q` makes it fail by ~2e-13).
#[test]
fn step_encloses_the_images_of_a_box_mp128() {
    let net = tiny_net_mp(128);
    for (rad, q) in [(1e-2, 2), (1e-9, 2), (1e-9, 8)] {
        let rads = [rad; 6];
        let (set, end) = step_from_box(&net, &PATTERN(), &X0, &rads, 0.25, q);
        let worst = worst_corner_miss(&net, &PATTERN(), &X0, &rads, 0.25, &set, &end);
        assert!(worst <= 1e-30, "rad {rad:e}, q = {q}: an image lies {worst:e} outside");
    }
}

/// With the centre's polynomial from a 128-bit twin (`precise.rs`) the step still encloses every
/// corner's image, also at a low value order where the remainder term carries the truncation error
/// (leaving it out of the wide sum misses by ~1e-7), and at order 20 its end box is no wider than
/// the f64 step's.
#[test]
fn a_precise_centre_step_encloses_the_images_of_a_box() {
    let net = tiny_net();
    let twin = Precise::from_net(tiny_net_mp(128));
    for (rad, p, q) in [(1e-9, 5, 2), (1e-9, 20, 3), (1e-3, 8, 2)] {
        let rads = [rad; 6];
        let (set, end) = step_with(&net, &PATTERN(), (&X0, &rads), 0.25, (p, q), Some(&twin));
        let worst = worst_corner_miss(&net, &PATTERN(), &X0, &rads, 0.25, &set, &end);
        assert!(worst <= 1e-13, "rad {rad:e}, p = {p}: an image lies {worst:e} outside");
    }
    let width = |end: &[Interval]| end.iter().map(Interval::width_upper).fold(0.0, f64::max);
    let rads = [1e-12; 6];
    let (_, plain) = step_with(&net, &PATTERN(), (&X0, &rads), 0.25, (20, 3), None);
    let (_, precise) = step_with(&net, &PATTERN(), (&X0, &rads), 0.25, (20, 3), Some(&twin));
    assert!(width(&precise) <= width(&plain), "{:e} > {:e}", width(&precise), width(&plain));
}

/// The midpoint–radius evaluation of `D'⁻¹ (Σ jac_k h^k) D` (one product with the powers of `h`,
/// power-of-two scalings) meets the per-entry backend Horner of the same Jacobians and is about
/// as narrow; the scaling covers a subnormal result.
#[test]
fn midrad_scaled_jacobian_meets_the_backend_horner() {
    use crate::net::validated::series::Jac;
    use reluflow_arith::Interval;
    let net = tiny_net();
    let pattern = Pattern { active: vec![vec![0, 2], vec![1]], frozen: vec![false, false], sliding: Vec::new() };
    let x0: Vec<Interval> =
        [0.3, 0.2, 0.5, -0.1, 0.4, -0.6].iter().map(|v| Interval::from_f64(*v, &()).inflate(1e-7)).collect();
    let ser = series(&net, &pattern, &x0, 8, Some(5));
    assert!(matches!(ser.jac, Jac::MidRad(_)), "in range: the structured path");
    let backend: Jac<Interval> = Jac::Backend((0..ser.jac.len()).map(|k| ser.jac.order(k, &())).collect());
    let live: Vec<usize> = (0..6).collect();
    let h = Interval::from_f64_bounds(0.25, 0.25 + 1e-12, &());
    let shift = |a: usize, b: usize| (a % 3) as i32 - (b % 2) as i32 * 3;
    let fast = scaled_jacobian(&ser.jac, &live, &h, shift).to_inari();
    let slow = scaled_jacobian(&backend, &live, &h, shift).to_inari();
    for (e, (u, v)) in fast.iter().zip(&slow).enumerate() {
        assert!(u.sup() >= v.inf() && v.sup() >= u.inf(), "entry {e}: {u:?} and {v:?} are disjoint");
        assert!(u.wid() <= 4.0 * v.wid() + 1e-15, "entry {e}: {u:?} much wider than {v:?}");
    }
    // 3·2^-1074 halved: not representable, covered by the η term.
    let (m, r) = scale_pow2(3.0 * ETA, 0.0, -1);
    // Doubling is exact here: compare 2(m ∓ r) with 3η.
    assert!(2.0 * (m - r) <= 3.0 * ETA && 3.0 * ETA <= 2.0 * (m + r), "{m:e} ± {r:e} misses 1.5η");
}

/// Two Taylor maps composed without a QR between them (the step through a switch: the first image
/// fed to the second step as an interval basis with its offset column) enclose the images of
/// sampled corners under the two pattern flows in turn. The first step has Jacobian order 1, so
/// its offset (tail box) is far wider than the interval Jacobian: dropping the offset column of the
/// second product makes this fail. The second step's Jacobians are deferred (seeded with the
/// basis), the first's formed.
#[test]
fn a_composed_step_encloses_the_images_under_two_patterns() {
    let net = tiny_net();
    let ctx = &net.ctx;
    let second = Pattern { active: vec![vec![0], vec![1, 2]], frozen: vec![false, false], sliding: Vec::new() };
    let (h1, h2) = (0.15, 0.1);
    for rad in [1e-6, 1e-3] {
        let xbox: Vec<Interval> = X0.iter().map(|c| Interval::from_f64_bounds(c - rad, c + rad, ctx)).collect();
        let set = LohnerSet::from_box(&net, &xbox);
        let one = |pattern: &Pattern, c: &[Interval], xhat: &[Interval], h: f64, deferred: bool| {
            let ser_c = series(&net, pattern, c, 12, None);
            let ser_x = if deferred {
                with_jacobians(&net, pattern, &series(&net, pattern, xhat, 12, None), xhat, 2)
            } else {
                series(&net, pattern, xhat, 12, Some(1))
            };
            let apri = apriori(&net, pattern, &ser_x, h, &block_exponents(&net, c), 8).expect("a priori enclosure");
            (ser_c, ser_x, apri.rem)
        };
        let hull =
            |b: &[Interval], c: &[Interval]| -> Vec<Interval> { b.iter().zip(c).map(|(a, v)| a.hull(v)).collect() };
        let (sc, sx, rem) = one(&PATTERN(), &set.c, &hull(&xbox, &set.c), h1, false);
        let hh1 = Interval::from_f64(h1, ctx);
        let step1 = Step { ser_c: &sc, ser_x: &sx, rem: &rem, h: &hh1, centre: None };
        let img1 = image(&net, &PATTERN(), Source::Set(&set), &step1, None, &xbox).expect("first image");
        let (sc, sx, rem) = one(&second, &img1.c, &hull(&img1.direct, &img1.c), h2, true);
        assert!(matches!(sx.jac, crate::net::validated::series::Jac::Deferred(_)));
        let hh2 = Interval::from_f64(h2, ctx);
        let step2 = Step { ser_c: &sc, ser_x: &sx, rem: &rem, h: &hh2, centre: None };
        let img2 = image(&net, &second, Source::Image(&img1), &step2, None, &img1.direct).expect("second image");
        let (set2, end) = reorthogonalise(&net, img2).expect("basis");
        let hull2 = set2.hull();
        let mut worst: f64 = f64::NEG_INFINITY;
        for corner in 0..64u32 {
            let xi: Vec<Interval> = (0..6)
                .map(|c| Interval::from_f64(X0[c] + if corner >> c & 1 == 1 { rad } else { -rad }, ctx))
                .collect();
            let img = flow_point(&net, &second, &flow_point(&net, &PATTERN(), &xi, h1), h2);
            for c in 0..6 {
                worst = worst.max(miss(&end[c], &img[c])).max(miss(&hull2[c], &img[c]));
            }
            worst = worst.max(coefficient_miss(&set2, &img));
        }
        assert!(worst <= 1e-13, "rad {rad:e}: an image lies {worst:e} outside");
        let width = end.iter().map(Interval::width_upper).fold(0.0, f64::max);
        assert!(width < 40.0 * rad, "rad {rad:e}: end width {width:e}");
    }
}

/// How far the coefficients `r = Bᵀ D⁻¹ (p − c)` of the point `p` lie outside the set's box `R`
/// (f64 estimate; `B` is orthonormal to ~1e-16). Unlike the hull, this sees a point outside the
/// parallelepiped but inside its bounding box: the last coefficient of Lohner's triangular `QᵀÂ`
/// is reached by the images of corners.
fn coefficient_miss(set: &LohnerSet<Interval>, p: &[Interval]) -> f64 {
    let nc = set.r.len();
    let dev: Vec<f64> = set.idx.iter().map(|&a| (p[a].mid() - set.c[a].mid()) * 2f64.powi(-set.e[a])).collect();
    let mut worst: f64 = f64::NEG_INFINITY;
    for j in 0..nc {
        let rj: f64 = (0..set.idx.len()).map(|i| set.b[i * nc + j] * dev[i]).sum();
        worst = worst.max(miss(&set.r[j], &Interval::from_f64(rj, &())));
    }
    worst
}
