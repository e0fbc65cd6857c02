//! The centre's Taylor polynomial in a wider MPFR precision, for accuracy on request.
//!
//! A Lohner step's end set is `z + D'(ÂR)` with `z = Σ_{k≤p} x_k(c)h^k + rem·h^{p+1}` the image
//! of the point centre `c`. In the backend's own precision the coefficients `x_k(c)` come out of
//! an interval recursion that widens with the order, and `z` carried several ulps of the state
//! (`proofs-notes/net-validated-wrapping.md`, "Accuracy on request"). Here the same recursion and
//! the same sum run in MPFR intervals at about twice the backend's precision from the exact
//! centre and step length, and the enclosure is rounded outward once into the backend: the same
//! exact quantity, enclosed by the same arguments, with one rounding of the state instead of
//! dozens. Nothing else of the step changes.

use super::Net;
use super::series::series;
use super::taylor::poly_at;
use crate::net::field::NetData;
use crate::trajectory::Pattern;
use reluflow_arith::{Bound, Enclosure, MpInterval, Scalar};
use reluflow_model::{Problem, ReluPrime, Solution};
use rug::Rational;

/// A twin of the integrator's network in MPFR intervals of `bits` bits.
#[derive(Clone, Debug)]
pub(crate) struct Precise {
    net: Net<MpInterval>,
}

fn exact(b: Bound) -> Option<Rational> {
    match b {
        Bound::Finite(q) => Some(q),
        _ => None,
    }
}

/// `v` as an MPFR interval (its ends are exact binary numbers, so nothing is lost).
fn widen<S: Enclosure>(v: &S, bits: u32) -> Option<MpInterval> {
    Some(MpInterval::from_bounds(&exact(v.lower())?, &exact(v.upper())?, &bits))
}

impl Precise {
    /// The twin of the network of `problem` with `m` neurons, in `bits`-bit MPFR intervals.
    /// The twin of the network of `problem` at `bits` bits, in the reduced coordinates of
    /// `reduce.rs` when the integrator works in them (`reduced`); `None` if that fails.
    pub fn new(problem: &Problem, m: usize, bits: u32, reduced: bool) -> Option<Precise> {
        let mut data = NetData::from_problem(problem, &bits);
        if reduced {
            let s0 = crate::net::field::initial_state::<MpInterval>(problem, &bits).ok()?;
            data = super::reduce::reduce(problem, &s0, &data, &bits)?.data;
        }
        let mut net = Net::new(data, m, bits);
        net.set_parallel(problem.data().x());
        net.set_pinnable(problem.solution() == Solution::Clarke || problem.relu_prime() == ReluPrime::Zero);
        Some(Precise::from_net(net))
    }

    /// The twin `net` (the same data, in MPFR intervals).
    pub fn from_net(net: Net<MpInterval>) -> Precise {
        Precise { net }
    }

    /// `Σ_{k≤p} x_k(c) h^k` for the pattern's flow from the centre `c` over the step `h` (both
    /// enclosed in `S`), in MPFR (not yet rounded into `S`: see [`widened_sum`]); `None` if an end
    /// is not finite.
    pub fn centre_poly<S: Enclosure>(&self, pattern: &Pattern, c: &[S], h: &S, p: usize) -> Option<Vec<MpInterval>> {
        let bits = self.net.ctx;
        let cw: Vec<MpInterval> = c.iter().map(|v| widen(v, bits)).collect::<Option<_>>()?;
        let hw = widen(h, bits)?;
        let ser = series(&self.net, pattern, &cw, p, None);
        let z = poly_at(&ser.x, None, &hw);
        z.iter().all(MpInterval::is_finite).then_some(z)
    }
}

/// `base + Σ parts` in MPFR (the parts' ends are exact binary numbers; `base`'s precision).
pub(crate) fn widened_sum<S: Enclosure>(base: &MpInterval, parts: &[&S]) -> MpInterval {
    let bits = base.ctx();
    parts.iter().fold(base.clone(), |acc, v| match widen(*v, bits) {
        Some(w) => acc.add(&w),
        None => MpInterval::entire(&bits),
    })
}

/// `v` rounded outward into `S` (the whole line if an end is not finite).
pub(crate) fn round_into<S: Enclosure>(v: &MpInterval, ctx: &S::Ctx) -> S {
    match (exact(v.lower()), exact(v.upper())) {
        (Some(lo), Some(hi)) => S::from_bounds(&lo, &hi, ctx),
        _ => S::entire(ctx),
    }
}

/// `base + Σ parts`, formed in MPFR and rounded outward once into `S`.
pub(crate) fn round_sum<S: Enclosure>(base: &MpInterval, parts: &[&S], ctx: &S::Ctx) -> S {
    round_into(&widened_sum(base, parts), ctx)
}
