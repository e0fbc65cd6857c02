//! The limit `t → ∞` of the two-layer flow by a Polyak–Łojasiewicz ball, re-proved from the
//! verifier's box `X` at the last step time (`proofs-notes/net-limit-pl.md`, part A): with the
//! live neurons `Λ` (the others dead on `X`: every guard `≤ 0` with σ'(0) = 0, `< 0` otherwise),
//! `B = X + [−ρ, ρ]` on `Λ`, strict guard signs of the live neurons on `B`,
//! `λ_min(K) ≥ κ > 0` on `B` for `K = JJᵀ` (`K_ik = Σ_{live j: i,k∈A_j} (a_j² x_iᵀx_k +
//! (w_jᵀx_i)(w_jᵀx_k))`), `μ = 2cκ`, `L0 ≥ sup_X L` and `R = √(2L0/μ) < ρ`: every solution from
//! `X` stays within `R` of its start on `Λ` (so in `X + [−R, R]`), keeps the pattern, and
//! converges to a limit of loss 0.

use super::fi::{Fi, add_up, mul_up, prec, sqrt_up};
use super::field::Data;
use super::spectral::lambda_min_lower;
use rug::Float;
use rug::float::Round;

/// A proved limit: the box containing it (and every later state) and `μ`, `L0`.
pub struct Proved {
    pub limit: Vec<Fi>,
}

/// The live neurons and the pattern on `v`, with strict live guards; `Err` says why not.
fn pattern(dt: &Data, x: &[Fi], v: &[Fi]) -> Result<(Vec<bool>, Vec<Vec<bool>>), String> {
    let mut live = vec![false; dt.m];
    let mut act = vec![vec![false; dt.n]; dt.m];
    for j in 0..dt.m {
        let dead = dt.dead[j]
            || (0..dt.n).all(|i| {
                let g = dt.guard(x, j, i);
                if dt.sp0 == 0 { g.hi <= 0 } else { g.hi < 0 }
            });
        live[j] = !dead;
        if dead {
            continue;
        }
        for i in 0..dt.n {
            let g = dt.guard(v, j, i);
            if g.lo > 0 {
                act[j][i] = true;
            } else if g.hi >= 0 {
                return Err(format!("the guard w_{j}ᵀx_{i} has no strict sign on the ball"));
            }
        }
    }
    Ok((live, act))
}

/// `v` widened by `ρ` on the live neurons' coordinates.
fn widened(dt: &Data, v: &[Fi], live: &[bool], rho: &Float) -> Vec<Fi> {
    v.iter().enumerate().map(|(a, x)| if live[a / (dt.d + 1)] { x.widen(rho) } else { x.clone() }).collect()
}

/// `K` over `v` (`n × n`, row-major).
fn gram(dt: &Data, v: &[Fi], live: &[bool], act: &[Vec<bool>]) -> Vec<Fi> {
    let n = dt.n;
    let mut k = vec![Fi::zero(); n * n];
    for j in (0..dt.m).filter(|&j| live[j]) {
        let a2 = v[dt.a(j)].mul(&v[dt.a(j)]);
        let g: Vec<Fi> = (0..n).map(|i| dt.guard(v, j, i)).collect();
        for i in 0..n {
            for q in 0..n {
                if act[j][i] && act[j][q] {
                    let xx = dt.x[i].iter().zip(&dt.x[q]).fold(Fi::zero(), |s, (a, b)| s.add(&a.mul(b)));
                    k[i * n + q] = k[i * n + q].add(&a2.mul(&xx)).add(&g[i].mul(&g[q]));
                }
            }
        }
    }
    k
}

/// `sup_X L` (an upper bound) in the pattern `act`.
fn loss_up(dt: &Data, x: &[Fi], live: &[bool], act: &[Vec<bool>]) -> Float {
    let mut s = Fi::zero();
    for i in 0..dt.n {
        let mut r = dt.y[i].neg();
        for j in (0..dt.m).filter(|&j| live[j] && act[j][i]) {
            r = r.add(&x[dt.a(j)].mul(&dt.guard(x, j, i)));
        }
        s = s.add(&r.mul(&r));
    }
    // L = c Σ r² = (G/2) Σ r².
    s.mul(&dt.g).div_u(2).hi
}

/// `R = √(2L0/μ)` from above for `μ = Gκ` (`κ > 0`).
fn radius(dt: &Data, l0: &Float, kappa: &Float) -> Float {
    let mu = Float::with_val_round(prec(), &dt.g.lo * kappa, Round::Down).0;
    let q = Float::with_val_round(prec(), Float::with_val_round(prec(), l0 * 2u32, Round::Up).0 / &mu, Round::Up).0;
    sqrt_up(&q)
}

/// Proves the limit from the box `x`, or says why not.
pub fn prove(dt: &Data, x: &[Fi]) -> Result<Proved, String> {
    if !dt.slides.is_empty() {
        return Err("a neuron slides: the argument is for one pattern's gradient flow".into());
    }
    let (live, act) = pattern(dt, x, x)?;
    let l0 = loss_up(dt, x, &live, &act);
    let kx = lambda_min_lower(&gram(dt, x, &live, &act), dt.n);
    if kx <= 0 {
        return Err("λ_min(K) is not proved positive on the last box".into());
    }
    let mut rho = mul_up(&radius(dt, &l0, &kx), &Float::with_val(prec(), 2));
    let mut why = String::new();
    for _ in 0..8 {
        let b = widened(dt, x, &live, &rho);
        let (lb, ab) = match pattern(dt, x, &b) {
            Ok(p) => p,
            Err(e) => {
                why = e;
                rho >>= 2u32;
                continue;
            }
        };
        if lb != live || ab != act {
            why = "the pattern on the ball differs from the last box's".into();
            rho >>= 2u32;
            continue;
        }
        let dead: Vec<bool> = live.iter().map(|l| !l).collect();
        if let Err((j, i)) = super::dead::stay(dt, &act, &b, &dead) {
            why = format!("dead neuron {j} is not proved to stay on the hyperplane of x_{i} on the ball");
            rho >>= 2u32;
            continue;
        }
        let kb = lambda_min_lower(&gram(dt, &b, &live, &act), dt.n);
        if kb <= 0 {
            why = "λ_min(K) is not proved positive on the ball".into();
            rho >>= 2u32;
            continue;
        }
        let r = radius(dt, &l0, &kb);
        if r < rho {
            return Ok(Proved { limit: widened(dt, x, &live, &r) });
        }
        why = "the path-length bound exceeds the ball".into();
        rho = add_up(&r, &Float::with_val(prec(), &r >> 2u32));
    }
    Err(why)
}
