//! The verifier's own numerics against independent references: outward rounding of dyadics
//! against exact rationals, and `E(s) = exp(−sK)` (Taylor on a vector, binary powering of the
//! Taylor matrix) against 1000-bit MPFR exponentials of a diagonal `K`.

use crate::field::Field;
use crate::num::{BITS, round};
use rug::{Float, Integer, Rational};

#[test]
fn rounding_a_dyadic_keeps_bits_bits_and_encloses_it() {
    for (i, k) in [(1u32, 5u32), (7, 400), (13, 900), (29, 0)] {
        // A numerator of 400–1200 bits of both signs.
        let n = (Integer::from(3) << (400 * i % 1200 + 400)) + Integer::from(12345) * i + 1;
        for sign in [1, -1] {
            let q = Rational::from((Integer::from(&n * sign), Integer::from(1) << k));
            let (lo, hi) = (round(q.clone(), false), round(q.clone(), true));
            assert!(lo <= q && q <= hi, "{q}");
            // The numerator's bits from its highest to its lowest one bit (a mantissa).
            let mantissa = |v: &Rational| v.numer().significant_bits() - v.numer().find_one(0).unwrap_or(0);
            assert!(mantissa(&lo) <= BITS + 1 && mantissa(&hi) <= BITS + 1, "{q}");
            let e = q.numer().significant_bits() - BITS;
            let ulp = Rational::from(Integer::from(1) << e) >> (q.denom().significant_bits() - 1);
            assert!(Rational::from(&hi - &lo) <= ulp, "{q}");
        }
    }
}

/// `K = diag(1, 9)`: points `e₁` and `3e₂` with the gradient factor 1.
fn diagonal() -> Field {
    let x = vec![vec![Rational::from(1), Rational::new()], vec![Rational::new(), Rational::from(3)]];
    let y = vec![Rational::new(), Rational::new()];
    Field::new(&x, &y, &Rational::from(1), &[0, 1], vec![Rational::new(), Rational::new()])
}

fn exp_neg(t: &Rational) -> Rational {
    (-Float::with_val(1000, t)).exp().to_rational().unwrap()
}

/// `|a − b| ≤ tol` plus 2^-900 for the reference's own rounding.
fn close(a: &Rational, b: &Rational, tol: &Rational) -> bool {
    Rational::from(a - b).abs() <= tol.clone() + (Rational::from(1) >> 900u32)
}

#[test]
fn taylor_on_a_vector_encloses_the_exponential() {
    let f = diagonal();
    let s = Rational::from((1, 37));
    let p = [Rational::from(2), Rational::from(-5)];
    let (end, rem) = f.apply_exp(&s, &p);
    let rad = Rational::from(&rem * 6u32); // ‖p‖ < 6
    for (j, lam) in [(0, 1u32), (1, 9)] {
        let exact = exp_neg(&Rational::from(&s * lam)) * &p[j];
        assert!(end[j].lo.clone() - &rad <= exact && exact <= end[j].hi.clone() + &rad, "coordinate {j}");
    }
}

#[test]
fn binary_powers_of_the_taylor_matrix_enclose_the_exponential() {
    let mut f = diagonal();
    let h = f.piece_len();
    for n in [1u64, 2, 3, 37, 1000] {
        let (m, r) = f.power(n);
        let t = Rational::from(&h * n);
        for (j, lam) in [(0, 1u32), (1, 9)] {
            let exact = exp_neg(&Rational::from(&t * lam));
            let e = &m[j * 2 + j];
            let (mid, rad) = e.mid_rad();
            assert!(close(&mid, &exact, &(rad + &r)), "n = {n}, E_{j}{j}");
        }
        for e in [&m[1], &m[2]] {
            assert!(close(&e.mid_rad().0, &Rational::new(), &(e.mid_rad().1 + &r)), "n = {n}: off-diagonal");
        }
        assert!(r < Rational::from(1) >> 300u32, "n = {n}: radius {r}");
    }
}

#[test]
fn the_exponential_of_a_rational_is_enclosed_tightly() {
    for x in ["0", "1/3", "-2/7", "87/2", "-5", "600", "1740", "3/1024"] {
        let x: Rational = x.parse().unwrap();
        let e = crate::num::exp_neg(&x);
        let exact = exp_neg(&x);
        assert!(e.lo <= exact && exact <= e.hi, "e^-{x}");
        let tol = Rational::from(&exact >> 300u32) + (Rational::from(1) >> 900u32);
        assert!(Rational::from(&e.hi - &e.lo) <= tol, "e^-{x}: width");
    }
    // Far out: a small enclosure, quickly.
    let e = crate::num::exp_neg(&Rational::from(10_000_000u32));
    assert!(e.lo == 0 && e.hi > 0 && e.hi < Rational::from(1) >> 1400u32 && e.hi.denom().significant_bits() < 4000);
}

/// `K = 2 Σ x_i x_iᵀ` for three points in R³ with eigenvalues from about 0.07 to 87 (the stiff
/// pattern of `examples/support-vector-reactivation.toml`), anchor 0.
fn stiff() -> Field {
    let q = |s: &str| s.parse::<Rational>().unwrap();
    let x = vec![vec![q("0"), q("-2"), q("0")], vec![q("7"), q("6"), q("0")], vec![q("0"), q("1/2"), q("-1/10")]];
    let y = vec![Rational::new(); 3];
    Field::new(&x, &y, &Rational::from(1), &[0, 1, 2], vec![Rational::new(); 3])
}

/// `E(s)p` by the Taylor series at 1200 bits for `s tr K` far beyond 1/2 (a reference, not an
/// enclosure: its error is far below the tolerances used).
fn reference(f: &Field, s: &Rational, p: &[Rational]) -> Vec<Float> {
    let prec = 1200;
    let d = f.d;
    let mut term: Vec<Float> = p.iter().map(|v| Float::with_val(prec, v)).collect();
    let mut sum = term.clone();
    let s = Float::with_val(prec, s);
    for j in 1..4000u32 {
        term = (0..d)
            .map(|r| {
                let mut acc = Float::with_val(prec, 0);
                for c in 0..d {
                    acc += Float::with_val(prec, &f.k[r * d + c]) * &term[c];
                }
                -acc * &s / j
            })
            .collect();
        for (a, t) in sum.iter_mut().zip(&term) {
            *a += t;
        }
        // Past `j > s tr K` the terms shrink geometrically: stop once they are negligible.
        let tiny = Float::with_val(prec, 1) >> 1250u32;
        if Float::with_val(prec, j) > Float::with_val(prec, &f.tau) * &s * 2u32
            && term.iter().all(|t| t.clone().abs() < tiny)
        {
            break;
        }
    }
    sum
}

#[test]
fn per_mode_pieces_enclose_the_flow_of_a_stiff_pattern() {
    let mut f = stiff();
    let p = vec![Rational::from((3, 4)), Rational::from(-2), Rational::from((5, 8))];
    for s in ["1/8", "1", "3"] {
        let s: Rational = s.parse().unwrap();
        assert!(s > f.piece_len());
        let (end, bx) = f.modes_for(&s).expect("modes").piece(&p, &s);
        let exact = reference(&f, &s, &p);
        for j in 0..3 {
            let v = exact[j].to_rational().unwrap();
            let tol = Rational::from(1) >> 300u32;
            assert!(end[j].lo.clone() - &tol <= v && v <= end[j].hi.clone() + &tol, "E({s})p, coordinate {j}");
            assert!(Rational::from(&end[j].hi - &end[j].lo) < Rational::from(1) >> 250u32, "width at {s}");
            assert!(bx[j].lo <= p[j] && p[j] <= bx[j].hi && bx[j].lo <= v && v <= bx[j].hi, "box at {s}");
        }
        for half in [Rational::from(&s / 2u32), Rational::from(&s / 3u32)] {
            let mid = reference(&f, &half, &p);
            let bx = f.modes_for(&s).unwrap().piece(&p, &s).1;
            for j in 0..3 {
                let v = mid[j].to_rational().unwrap();
                assert!(bx[j].lo <= v && v <= bx[j].hi, "box at {half} of {s}");
            }
        }
    }
}

/// Soundness does not rest on `Q`'s accuracy: with the identity, or a matrix far from the
/// eigenvectors, the per-mode enclosure still holds `E(s)p` (only wider).
#[test]
fn per_mode_pieces_hold_the_flow_for_any_invertible_q() {
    let f = stiff();
    let p = vec![Rational::from((3, 4)), Rational::from(-2), Rational::from((5, 8))];
    let q = |s: &str| s.parse::<Rational>().unwrap();
    let skew = vec![q("1"), q("1/3"), q("0"), q("-1/5"), q("1"), q("1/7"), q("0"), q("1/2"), q("1")];
    let eye: Vec<Rational> = (0..9).map(|e| Rational::from(u32::from(e / 3 == e % 3))).collect();
    for m in [eye, skew] {
        let mut modes = crate::modes::Modes::with(&f.k, 3, m).expect("invertible");
        for s in ["1/50", "1/8"] {
            let s: Rational = s.parse().unwrap();
            let (end, bx) = modes.piece(&p, &s);
            let exact = reference(&f, &s, &p);
            for j in 0..3 {
                let v = exact[j].to_rational().unwrap();
                assert!(end[j].lo <= v && v <= end[j].hi, "E({s})p, coordinate {j}");
                assert!(bx[j].lo <= v && v <= bx[j].hi, "box at {s}");
            }
        }
    }
}

/// The stiff points with labels fitted exactly by the anchor `a = (1, 1, 1)` (`y_i = x_iᵀa`, so
/// `K a = g`): the problem, the field and `a`.
fn stiff_fitted() -> (reluflow_certificate::NeuronProblem, Field) {
    let q = |s: &str| s.parse::<Rational>().unwrap();
    let x = vec![vec![q("0"), q("-2"), q("0")], vec![q("7"), q("6"), q("0")], vec![q("0"), q("1/2"), q("-1/10")]];
    let a = vec![Rational::from(1); 3];
    let y: Vec<Rational> = x.iter().map(|r| crate::num::dot(r, &a)).collect();
    let f = Field::new(&x, &y, &Rational::from(1), &[0, 1, 2], a);
    let p = reluflow_certificate::NeuronProblem {
        x,
        y,
        relu_prime_at_zero: 0,
        loss: reluflow_certificate::Loss::HalfSum,
        w0: vec![Rational::new(); 3],
        t_end: reluflow_certificate::Horizon::Infinite,
    };
    (p, f)
}

/// `d/dt ½‖w‖²` at `w = a + E(s)u` by the 1200-bit reference: `−gᵀv − vᵀKv`, `v = E(s)u`, with
/// `E(s) = E(1)^⌊s⌋ E(s − ⌊s⌋)` (the Taylor series of one `E(1)` stays far inside 1200 bits).
fn norm_rate_reference(f: &Field, s: &Rational, u: &[Rational]) -> Float {
    let whole = s.clone().floor();
    let mut v = reference(f, &Rational::from(s - &whole), u);
    for _ in 0..whole.numer().to_u32().unwrap() {
        let r: Vec<Rational> = v.iter().map(|x| x.to_rational().unwrap()).collect();
        v = reference(f, &Rational::from(1), &r);
    }
    let d = f.d;
    let mut out = Float::with_val(1200, 0);
    for r in 0..d {
        let mut kv = Float::with_val(1200, 0);
        for c in 0..d {
            kv += Float::with_val(1200, &f.k[r * d + c]) * &v[c];
        }
        out -= Float::with_val(1200, &f.g[r]) * &v[r] + kv * &v[r];
    }
    out
}

/// The norm's growth on a limit's tail (`tail.rs`) against the 1200-bit reference: where the
/// verifier proves it, the reference rate is `≥ 0` at every sampled time (for the centre and the
/// ball's corners); where the reference finds it negative, the verifier fails.
#[test]
fn the_norm_growth_on_a_tail_is_proved_only_where_it_holds() {
    use crate::walk::{Guards, Quantity};
    let (p, mut f) = stiff_fitted();
    let ctx = crate::check::context(&p);
    let q = |s: &str| s.parse::<Rational>().unwrap();
    let rows = p.x.clone();
    let rho = Rational::from(1) >> 60u32;
    let times: Vec<Rational> = ["0", "1/100", "1/10", "1/2", "1", "3", "8", "20"].iter().map(|s| q(s)).collect();
    let (mut proved, mut rejected) = (0, 0);
    for u in [
        ["-1/2", "-1/2", "-1/2"],
        ["-3/4", "-3/4", "-3/4"],
        ["1/2", "1/2", "1/2"],
        ["-1/2", "1/4", "0"],
        ["1/10", "-3/4", "1/5"],
        ["-1", "0", "1"],
    ] {
        let u: Vec<Rational> = u.iter().map(|s| q(s)).collect();
        let gs = Guards::new(&f, ctx.x);
        let rate = |f: &_, gs: &_, v: &[crate::num::I], r: &_| {
            crate::window::compare("rate", &crate::window::norm_rate(&ctx, f, gs, v, r), &Rational::new(), false)
        };
        let claims = crate::window::only(Quantity(&rate), "tail".into());
        let ball = reluflow_certificate::Ball { u: u.clone(), rho: rho.clone() };
        let ok = crate::tail::norm_growth(&mut f, &gs, &rows, &ball, &claims).is_ok();
        let negative = times.iter().any(|s| norm_rate_reference(&f, s, &u) < 0);
        if ok {
            proved += 1;
            assert!(!negative, "{u:?}: proved, but the reference rate is negative somewhere");
            for j in 0..3 {
                for sign in [1, -1] {
                    let mut c = u.clone();
                    c[j] += Rational::from(&rho * sign);
                    assert!(times.iter().all(|s| norm_rate_reference(&f, s, &c) >= 0), "{u:?}: corner {j}");
                }
            }
        }
        if negative {
            assert!(!ok, "{u:?}: the reference rate is negative, yet proved");
            rejected += 1;
        }
    }
    eprintln!("tail: {proved} proved, {rejected} negative and rejected, of 6");
    assert!(proved >= 2, "the tails of u = −a/2 and −3a/4 (w(0) = a/2, a/4: a growing norm) are proved");
    assert!(rejected >= 1, "u = a/2 (a shrinking norm) is rejected");
}
