//! `d/dt ½‖w‖² ≥ 0` for all later times of a limit pattern (`proofs-notes/certificate-verifier.md`,
//! "The norm's growth on a limit's tail").
//!
//! From the ball `a + u + B(ρ)`, `w(s) = b + v(s)` with `b = a + (I − P)z`, `v(s) = E(s)Pz`
//! (`z = u + δ`), `Kb = Ka = g`, so `d/dt ½‖w‖² = −(b + v)ᵀKv = −gᵀv − vᵀKv`. With the slow mode
//! (`λ₁` the smallest eigenvalue of `K` on the span): `e^{λ₁s}(−g)ᵀE(s)Pz ≥ m` for every `s ≥ 0`
//! (`slow::margin` with `x = −g`), and `vᵀKv ≤ tr K ‖v‖² ≤ tr K e^{−2λ₁s} Z²` (`Z ≥ ‖z‖`). So
//! `d/dt ½‖w‖² ≥ e^{−λ₁s}(m − tr K Z² e^{−λ₁s}) ≥ 0` when `m ≥ tr K Z²`. The verifier walks
//! `[t₀, t₀ + S]` proving the rate `≥ 0` piece by piece and tries the bound from the ball at
//! `t₀ + S`, for `S = 0, 1/2, 1, 2, …, 2^12`. The slow mode is its own: a column of its Jacobi
//! rotations projected exactly onto the span, with a separator between the two smallest
//! approximate eigenvalues there, both checked exactly by `slow.rs` (inertia, residual).

use crate::Fail;
use crate::field::Field;
use crate::num::{dot, norm_up};
use crate::walk::{Claims, Guards, Pt, walk_from};
use reluflow_certificate::{Ball, Slow};
use rug::Rational;

/// The exact orthogonal projection of `v` onto the span of `rows`, and the span's rank.
fn project(rows: &[Vec<Rational>], v: &[Rational]) -> (Vec<Rational>, usize) {
    let mut basis: Vec<Vec<Rational>> = Vec::new();
    for r in rows {
        let mut w = r.clone();
        for q in &basis {
            let f = dot(q, &w) / dot(q, q);
            w.iter_mut().zip(q).for_each(|(a, b)| *a -= Rational::from(&f * b));
        }
        if w.iter().any(|a| *a != 0) {
            basis.push(w);
        }
    }
    let mut out = vec![Rational::new(); v.len()];
    for q in &basis {
        let f = dot(q, v) / dot(q, q);
        out.iter_mut().zip(q).for_each(|(a, b)| *a += Rational::from(&f * b));
    }
    (out, basis.len())
}

/// The verifier's own slow mode of the pattern (`rows`: its active points) and the span's rank.
fn slow_mode(f: &Field, rows: &[Vec<Rational>]) -> Option<(Slow, usize)> {
    let (_, rank) = project(rows, &f.anchor);
    if rank == 0 {
        return None;
    }
    if rank == 1 {
        return Some((Slow { u: rows.iter().find(|r| r.iter().any(|v| *v != 0))?.clone(), nu: None }, 1));
    }
    let mut pairs = crate::modes::approximate_eigen(&f.k, f.d);
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let (l1, l2) = (&pairs[f.d - rank], &pairs[f.d - rank + 1]);
    let (u, _) = project(rows, &l1.1);
    let nu = Rational::from(&l1.0 + &l2.0) / 2u32;
    Some((Slow { u, nu: Some(nu) }, rank))
}

/// Proves `d/dt ½‖w‖² ≥ 0` for every local time `≥ 0` from the ball `b` of a limit pattern;
/// `q` the per-piece claim (`window.rs`).
pub(crate) fn norm_growth(
    f: &mut Field,
    gs: &Guards,
    rows: &[Vec<Rational>],
    b: &Ball,
    q: &Claims<'_>,
) -> Result<(), Fail> {
    let unsupported = |why: &str| Err(Fail::unsupported(&q.loc, format!("d/dt ½‖w‖² ≥ 0 on a limit's tail: {why}")));
    let Some((slow, rank)) = slow_mode(f, rows) else { return unsupported("no active span") };
    let minus_g: Vec<Rational> = f.g.iter().map(|v| Rational::from(-v)).collect();
    let start = Pt { p: b.u.clone(), eps: Rational::new() };
    let mut at = start.clone();
    let mut done = Rational::new();
    let mut last = None;
    for k in 0..=14i32 {
        let s = if k == 0 { Rational::new() } else { Rational::from(1u32) << (k - 2) };
        if s > done {
            at = walk_from(f, gs, &start, &at, &b.rho, &Rational::from(&s - &done), q)?;
            done = s.clone();
        }
        let ball = Ball { u: at.p.clone(), rho: Rational::from(&b.rho + &at.eps) };
        match crate::slow::margin(&f.k, rank, &minus_g, &ball, &slow, &q.loc) {
            Ok(m) => {
                let z = norm_up(&ball.u) + &ball.rho;
                if m >= Rational::from(&f.tau * &Rational::from(z.square_ref())) {
                    return Ok(());
                }
                last = Some(format!("from local time {s} on, m = {} < tr K Z²", crate::num::show(&m)));
            }
            Err(e) => last = Some(format!("{}: {}", e.claim, e.found)),
        }
    }
    unsupported(&last.unwrap_or_default())
}
