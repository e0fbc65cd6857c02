//! Conformance suite for the interval backends (`MpInterval` at 53/128/256 bits and
//! `inari::Interval`, through the generic `Scalar`/`Enclosure` traits), in the spirit of ITF1788:
//!
//! * `exact_tables`: results that are exactly representable must be *equal* to the exact interval;
//! * `last_bit`: inexact results must be the two adjacent numbers around the exact value
//!   (`[RD, RU]` at the working precision);
//! * `sets`: set predicates and constructors (subset, interior, contains, mid, rad, from_*);
//! * `props`: property tests — the exact rational result of `+ − × ÷ sqr` on random points *and on
//!   the corners* of random intervals lies in the interval result; for `sqrt/exp/ln` the
//!   4×-precision enclosure of the point value does;
//! * `f64_nearest`: `f64::from_rational` is round-to-nearest-even, subnormals and ties included.
//!
//! With the feature `fault-flip-rounding` (MPFR's directed roundings flipped) or
//! `fault-narrow-inari` (inari's results narrowed by one ulp) this suite must fail with
//! containment failures (`.ci/fault-check`).

#[path = "conformance/exact_tables.rs"]
mod exact_tables;
#[path = "conformance/f64_nearest.rs"]
mod f64_nearest;
#[path = "conformance/last_bit.rs"]
mod last_bit;
#[path = "conformance/props.rs"]
mod props;
#[path = "conformance/sets.rs"]
mod sets;
#[path = "conformance/util.rs"]
mod util;
