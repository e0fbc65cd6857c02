//! The two directed roundings every outward-rounded computation uses, in one place.
//!
//! [`MpInterval`](crate::MpInterval) computes every lower end with [`down`] and every upper end
//! with [`up`]; the outward rational → f64 conversions of the `inari::Interval` backend do the
//! same. Nothing else in those backends names `Round::Down` or `Round::Up`.
//!
//! **Fault injection.** With the cargo feature `fault-flip-rounding` (testing only) the two
//! functions swap, so every directed rounding goes the wrong way. The conformance suite
//! (`crates/arith/tests/conformance.rs`) must then fail; `.ci/fault-check` checks that it does,
//! which shows the suite can detect a rounding in the wrong direction. Never enable the feature
//! in a build whose results are used.

use rug::float::Round;

/// The rounding for lower ends (toward −∞); [`Round::Up`] under `fault-flip-rounding`.
#[inline(always)]
pub(crate) const fn down() -> Round {
    if cfg!(feature = "fault-flip-rounding") { Round::Up } else { Round::Down }
}

/// The rounding for upper ends (toward +∞); [`Round::Down`] under `fault-flip-rounding`.
#[inline(always)]
pub(crate) const fn up() -> Round {
    if cfg!(feature = "fault-flip-rounding") { Round::Down } else { Round::Up }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_are_opposite() {
        assert_ne!(down(), up());
        if cfg!(feature = "fault-flip-rounding") {
            assert_eq!(down(), Round::Up);
        } else {
            assert_eq!((down(), up()), (Round::Down, Round::Up));
        }
    }
}
