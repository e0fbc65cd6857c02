//! The four arithmetic backends.
//!
//! | type | kind | guarantee |
//! |---|---|---|
//! | `f64` | point | IEEE binary64, round to nearest; no error bound |
//! | `rug::Float` | point | MPFR at any precision, round to nearest; no error bound |
//! | `inari::Interval` | enclosure | IEEE 1788 f64 intervals; contains the exact value |
//! | [`MpInterval`] | enclosure | MPFR-endpoint intervals, directed rounding; contains the exact value |

pub mod float64;
pub mod inari_iv;
pub mod mpfi;
pub mod mpfr;

pub use mpfi::MpInterval;
