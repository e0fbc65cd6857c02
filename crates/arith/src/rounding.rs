//! Every directed (outward) rounding of the workspace, in one place, so that fault injection
//! reaches all of them.
//!
//! Two families of roundings live here:
//!
//! * **MPFR directions** [`down`] and [`up`] (`rug::float::Round::Down`/`Up`).
//!   [`MpInterval`](crate::MpInterval) computes every lower end with [`down`] and every upper end
//!   with [`up`]; the outward rational → f64 conversions of the `inari::Interval` backend, the
//!   `f64` views (`lower_f64`/`upper_f64`) of `rug::Float` and the single-neuron integrator's
//!   rational → f64 upper bounds do the same.
//! * **f64 one-ulp steps** [`f64_down`] and [`f64_up`] (`f64::next_down`/`next_up` of a
//!   round-to-nearest result), and the helpers built on them, named with the `_ru` (rounded up)
//!   suffix: [`add_ru`], [`mul_ru`]. They bound the exact result of one round-to-nearest f64
//!   operation: `x = fl(a ∘ b)` is within half an ulp of `a ∘ b`, so `x.next_up() ≥ a ∘ b` and
//!   `x.next_down() ≤ a ∘ b` (finite, non-overflowing operations; an overflow gives `±∞`, still a
//!   bound). Midpoint–radius linear algebra (`crate::midrad`) and the validated two-layer
//!   integrator's f64 bookkeeping (radii, step lengths, norms) use them.
//!
//! Nothing else in the workspace's non-test code names `Round::Down`/`Round::Up` for an outward
//! bound or calls `next_up`/`next_down` on a computed f64. (Not covered, on purpose: the
//! round-to-nearest implementation of `f64::from_rational`, which brackets the exact value with
//! literal `Round::Down`/`Round::Up` and picks the nearer end exactly; the largest finite MPFR
//! number built by `next_down` from `+∞`; the plot's `log10` axis rounding, which is cosmetic;
//! and decimal printing, which rounds exact rationals with integer arithmetic.)
//!
//! The third family of directed roundings, inari's own operations, is inside inari; the
//! `inari::Interval` backend adapter (`crate::backend::inari_iv`) is its single entry point.
//!
//! # Fault injection
//!
//! Testing-only cargo features turn one family at a time into wrong-way rounding, so that a
//! failing test can be attributed to the family its enclosure depends on. `.ci/fault-check` runs
//! each test family under each fault and requires the enclosure (containment) tests to fail:
//!
//! * `fault-flip-rounding`: [`down`] and [`up`] swap (every MPFR directed rounding goes the wrong
//!   way; a non-representable rational then converts to an inverted, i.e. empty, interval).
//! * `fault-flip-f64`: [`f64_down`] and [`f64_up`] swap, and with them every `_ru` helper (an
//!   "upper bound" then lies one ulp *below* the round-to-nearest result).
//! * `fault-narrow-inari`: every rounded `inari::Interval` operation of the backend adapter
//!   returns its result narrowed by one ulp at each end (see `crate::backend::inari_iv`).
//!
//! The features are separate so that the MPFR fault, which empties every interval built from a
//! non-representable rational, cannot hide whether the f64 steps or inari's roundings are tested.
//! [`FAULT_INJECTED`] is `true` when any of them is on; property tests then do not persist
//! failures. Never enable a fault feature in a build whose results are used.

use rug::float::Round;

/// Whether a fault-injection feature (`fault-flip-rounding`, `fault-flip-f64`,
/// `fault-narrow-inari`) is on: results are then deliberately unsound, failures are expected, and
/// tests must not record them (no proptest regression files).
pub const FAULT_INJECTED: bool =
    cfg!(any(feature = "fault-flip-rounding", feature = "fault-flip-f64", feature = "fault-narrow-inari"));

const FLIP_MPFR: bool = cfg!(feature = "fault-flip-rounding");
const FLIP_F64: bool = cfg!(feature = "fault-flip-f64");

/// The MPFR rounding for lower ends (toward −∞); [`Round::Up`] under `fault-flip-rounding`.
#[inline(always)]
pub const fn down() -> Round {
    if FLIP_MPFR { Round::Up } else { Round::Down }
}

/// The MPFR rounding for upper ends (toward +∞); [`Round::Down`] under `fault-flip-rounding`.
#[inline(always)]
pub const fn up() -> Round {
    if FLIP_MPFR { Round::Down } else { Round::Up }
}

/// A lower bound of the exact value `x` was rounded to nearest from: the next f64 below `x`
/// (`x.next_down()`); the next one *above* under `fault-flip-f64`.
#[inline(always)]
pub fn f64_down(x: f64) -> f64 {
    if FLIP_F64 { x.next_up() } else { x.next_down() }
}

/// An upper bound of the exact value `x` was rounded to nearest from: the next f64 above `x`
/// (`x.next_up()`); the next one *below* under `fault-flip-f64`.
#[inline(always)]
pub fn f64_up(x: f64) -> f64 {
    if FLIP_F64 { x.next_down() } else { x.next_up() }
}

/// An upper bound of the exact `a + b` for f64 `a`, `b` (one round-to-nearest sum, then one ulp up).
#[inline(always)]
pub fn add_ru(a: f64, b: f64) -> f64 {
    f64_up(a + b)
}

/// An upper bound of the exact `a · b` for f64 `a`, `b` (one round-to-nearest product, one ulp up).
#[inline(always)]
pub fn mul_ru(a: f64, b: f64) -> f64 {
    f64_up(a * b)
}

/// `1 + 2⁻⁴⁶ = 1 + 128u`: the relative factor of [`inflate_ru`].
const INFLATE_REL: f64 = 1.0 + 1.0 / 70_368_744_177_664.0;
/// `8η`: the absolute term of [`inflate_ru`].
const INFLATE_ABS: f64 = f64::from_bits(8);

/// An upper bound of every real `y ≤ (x + 4η)(1 − u)^{−16}` (`u = 2⁻⁵³`, `η = 2⁻¹⁰⁷⁴`), for a
/// non-negative `x`: `fl(fl(x·(1 + 2⁻⁴⁶)) + 8η)`, two plain operations instead of one ulp step per
/// operation. Such a `y` is the exact value of a non-negative expression whose round-to-nearest
/// evaluation gave `x`, when the expression has at most 16 operations, each a sum of two
/// subexpressions or a product of a subexpression with a non-negative f64 constant, and the
/// constants keep the absolute underflow terms below `4η` (lemma (B0') of
/// `proofs-notes/net-validated-midrad.md`). `+∞` stays `+∞`. Under `fault-flip-f64` the result
/// lies *below* `x` (wrong way).
#[inline(always)]
pub fn inflate_ru(x: f64) -> f64 {
    if FLIP_F64 { x * (2.0 - INFLATE_REL) } else { x * INFLATE_REL + INFLATE_ABS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_are_opposite() {
        assert_ne!(down(), up());
        if FLIP_MPFR {
            assert_eq!(down(), Round::Up);
        } else {
            assert_eq!((down(), up()), (Round::Down, Round::Up));
        }
    }

    #[test]
    fn f64_steps_bracket_a_rounded_result() {
        let third = 1.0 / 3.0; // below 1/3 (round to nearest)
        if FLIP_F64 {
            assert_eq!((f64_down(third), f64_up(third)), (third.next_up(), third.next_down()));
        } else {
            assert_eq!((f64_down(third), f64_up(third)), (third.next_down(), third.next_up()));
            assert_eq!(add_ru(0.1, 0.2), (0.1f64 + 0.2).next_up());
            assert_eq!(mul_ru(0.1, 3.0), (0.1f64 * 3.0).next_up());
            assert!(inflate_ru(third) > third.next_up() && inflate_ru(0.0) > 0.0);
        }
    }
}
