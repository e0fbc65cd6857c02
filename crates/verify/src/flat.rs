//! Flat guards (`proofs-notes/certificate-verifier.md`, "Flat guards"): a point `k` on its
//! hyperplane at `w(0)` whose guard stays 0 for good, whatever the run does.
//!
//! The certificate names them; the verifier checks, exactly: `x_k ≠ 0`, `x_kᵀw(0) = 0`,
//! `y_k ≤ 0`, `σ'(0)·y_k = 0`, `k` in no pattern's active set, and `x_kᵀx_j = 0` for every other
//! point `j` that is active in some pattern or on its hyperplane at `w(0)`. Then for every
//! solution `ż_k = −2c (z_k − y_k)‖x_k‖²` where `z_k > 0`, `ż_k = 0` where `z_k ≤ 0` (its term
//! carries σ'(0)·y_k = 0 on the hyperplane, and no other point that may be active moves it): the
//! guard cannot rise from 0 (it would decrease while positive) nor fall (it is constant while
//! negative), so `z_k ≡ 0`, the point contributes nothing, and it is no guard of any pattern.

use crate::Fail;
use crate::exits::Ctx;
use crate::num::dot;
use reluflow_certificate::Neuron;

/// Checks the certificate's flat guards; returns them as a mask over the points.
pub(crate) fn guards(ctx: &Ctx<'_>, n: &Neuron) -> Result<Vec<bool>, Fail> {
    let w0 = &n.problem.w0;
    let pts = ctx.x.len();
    let on_plane = |j: usize| ctx.nonzero[j] && dot(&ctx.x[j], w0) == 0;
    let active = |j: usize| n.patterns.iter().any(|p| p.active.contains(&j));
    let mut mask = vec![false; pts];
    for &k in &n.flat {
        let loc = format!("flat / point {k}");
        let fail = |what: &str, found: String, needed: &str| Err(Fail::new(&loc, what, found, needed.into()));
        if !on_plane(k) {
            return fail(
                "the point is on its hyperplane at w(0) (x_k ≠ 0)",
                format!("x_kᵀw(0) = {}", dot(&ctx.x[k], w0)),
                "0",
            );
        }
        if ctx.y[k] > 0 || (ctx.one && ctx.y[k] != 0) {
            return fail(
                "y_k ≤ 0 and σ'(0)·y_k = 0 (the guard cannot rise from 0)",
                format!("y_k = {}", ctx.y[k]),
                "≤ 0, 0 if σ'(0) = 1",
            );
        }
        if active(k) {
            return fail("the point is active in no pattern", "active".into(), "never");
        }
        if let Some(j) = (0..pts).find(|&j| j != k && (active(j) || on_plane(j)) && dot(&ctx.x[j], &ctx.x[k]) != 0) {
            let what = "x_k is orthogonal to every point that may be active (K x_k = 0 in every pattern)";
            return fail(what, format!("x_{j}ᵀx_{k} = {}", dot(&ctx.x[j], &ctx.x[k])), "0");
        }
        mask[k] = true;
    }
    Ok(mask)
}
