//! The verifier's sets for the two-layer flow: a weighted Euclidean ball
//! `{θ : ‖W⁻¹(θ − c)‖₂ ≤ ρ}` (`W = diag(2^{e_a})`, one exponent per neuron so that neurons of very
//! different sizes keep their relative accuracy), and its changes of weights, shifts and boxes.
//! A step advances it (`step.rs`). Proofs note: `proofs-notes/certificate-verifier-net.md`.

use super::fi::{Fi, add_up, mul_up, prec, sqrt_up};
use super::field::Data;
use rug::Float;

/// A product of weighted balls, one per neuron: `‖W_j⁻¹(θ_j − c_j)‖₂ ≤ ρ_j`.
#[derive(Clone, Debug)]
pub struct Ball {
    pub c: Vec<Float>,
    /// Weight exponents, one per coordinate (equal within a neuron).
    pub e: Vec<i32>,
    /// The radii (upper bounds), one per neuron.
    pub rho: Vec<Float>,
    /// A bound of the whole state's weighted distance from `c` (at most `‖ρ‖₂`; the logarithmic
    /// norm of the whole field bounds it, where the per-neuron bounds couple).
    pub total: Float,
    /// Coordinates known apart from the balls (`None`: only the ball): a coordinate whose field
    /// has been identically 0 on every a priori box since the start keeps its start enclosure.
    pub pin: Vec<Option<Fi>>,
}

/// Neurons within this many binaries of the largest share its weight (different weights
/// make `sym(W⁻¹DfW)` differ from the symmetric `Df` and its `λ_max` larger).
const SPREAD: i32 = 16;

/// Per-neuron weight exponents: the binary exponent of the neuron's largest centre coordinate,
/// or the largest neuron's when within [`SPREAD`] of it.
pub fn weights(dt: &Data, c: &[Float], old: Option<&[i32]>) -> Vec<i32> {
    let own: Vec<i32> = (0..dt.m)
        .map(|j| {
            let r = j * (dt.d + 1)..(j + 1) * (dt.d + 1);
            let top = c[r.clone()].iter().filter(|v| !v.is_zero()).filter_map(Float::get_exp).max();
            top.or_else(|| old.map(|o| o[r.start])).unwrap_or(0)
        })
        .collect();
    let top = own.iter().copied().max().unwrap_or(0);
    own.iter().flat_map(|&k| std::iter::repeat_n(if top - k <= SPREAD { top } else { k }, dt.d + 1)).collect()
}

impl Ball {
    /// The smallest balls about the box's midpoint in the weights `e` that contain the box
    /// (`b` coordinates per neuron).
    pub fn around(v: &[Fi], e: Vec<i32>, b: usize) -> Ball {
        let mut r2 = vec![Float::new(prec()); v.len() / b];
        let mut c = Vec::with_capacity(v.len());
        for (a, (x, &k)) in v.iter().zip(&e).enumerate() {
            let (m, r) = x.mid_rad();
            let r = Float::with_val(prec(), r << -k);
            r2[a / b] = add_up(&r2[a / b], &mul_up(&r, &r));
            c.push(m);
        }
        let rho: Vec<Float> = r2.iter().map(sqrt_up).collect();
        let pin = vec![None; c.len()];
        Ball { c, e, total: norm2(&rho), rho, pin }
    }
    /// `self` with every coordinate pinned to `v`'s enclosure (the exact start).
    pub fn pinned(self, v: &[Fi]) -> Ball {
        Ball { pin: v.iter().cloned().map(Some).collect(), ..self }
    }
    /// Keeps the pins of the coordinates whose change `moved` is exactly 0.
    pub(super) fn keep_pins(&self, moved: &[Fi]) -> Vec<Option<Fi>> {
        let zero = |v: &Fi| v.lo.is_zero() && v.hi.is_zero();
        self.pin.iter().zip(moved).map(|(p, d)| p.clone().filter(|_| zero(d))).collect()
    }
    /// The set `{θ + δ : θ ∈ self, δ ∈ shift}` (a Minkowski sum with a box): the centre moves
    /// to a point of `c + shift`, and each radius grows by the weighted radius of that box.
    pub fn shifted(&self, shift: &[Fi]) -> Ball {
        let moved: Vec<Fi> = self.c.iter().zip(shift).map(|(c, d)| Fi::pt(c).add(d)).collect();
        let m = Ball::around(&moved, self.e.clone(), self.block());
        let rho = self.rho.iter().zip(&m.rho).map(|(a, b)| add_up(a, b)).collect();
        Ball { total: add_up(&self.total, &m.total), rho, pin: self.keep_pins(shift), ..m }
    }
    /// Coordinates per neuron.
    fn block(&self) -> usize {
        self.c.len() / self.rho.len()
    }
    /// The box `c ± 2^{e}ρ_j`, or a coordinate's pin where it has one.
    ///
    /// The box holds the centre too (a pin and the centre's coordinate are hulled): a step
    /// encloses the centre's own solution, which must start in the box its a priori box is built
    /// from.
    pub fn hull(&self) -> Vec<Fi> {
        self.boxed(true)
    }
    /// The box of the true states: `c ± 2^{e}ρ_j`, or a coordinate's pin alone (for claims).
    pub fn state_box(&self) -> Vec<Fi> {
        self.boxed(false)
    }
    fn boxed(&self, with_centre: bool) -> Vec<Fi> {
        let b = self.block();
        let pts = self.c.iter().zip(&self.e).enumerate();
        pts.map(|(a, (c, &k))| match &self.pin[a] {
            Some(p) if with_centre => p.hull(&Fi::pt(c)),
            Some(p) => p.clone(),
            None => Fi::pt(c).widen(&Float::with_val(prec(), &self.rho[a / b] << k)),
        })
        .collect()
    }
    /// The same set (a superset) in the weights `e` (equal within a neuron):
    /// `ρ_j' = ρ_j·2^{e_j − e'_j}` (exact).
    pub fn reweighted(&self, e: Vec<i32>) -> Ball {
        let b = self.block();
        let rho = self
            .rho
            .iter()
            .enumerate()
            .map(|(j, r)| Float::with_val(prec(), r << (self.e[j * b] - e[j * b])))
            .collect();
        let k = self.e.iter().zip(&e).map(|(a, b)| a - b).max().unwrap_or(0);
        Ball { c: self.c.clone(), rho, total: Float::with_val(prec(), &self.total << k), e, pin: self.pin.clone() }
    }
}

/// `‖v‖₂` from above.
pub(super) fn norm2(v: &[Float]) -> Float {
    sqrt_up(&v.iter().fold(Float::new(prec()), |s, x| add_up(&s, &mul_up(x, x))))
}
