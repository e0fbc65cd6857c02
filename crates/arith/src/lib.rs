//! Arithmetic backends for reluflow: one set of small traits, four number types.
//!
//! The integrators and invariant checks are written once, generically over [`Scalar`], and run
//! with any of:
//!
//! * `f64` — fast, non-validated ([`Point`]);
//! * `rug::Float` — MPFR at any precision, with MPFR's exponent range (1e-600 is an ordinary
//!   number) ([`Point`]);
//! * `inari::Interval` — f64 intervals ([`Enclosure`]);
//! * [`MpInterval`] — MPFR-endpoint intervals with directed rounding ([`Enclosure`]).
//!
//! A backend's precision lives in an explicit context (`S::Ctx`: `()` or a number of bits), its
//! promise in `S::GUARANTEE`, and comparisons are three-valued (`certainly_pos`, `possibly_pos`,
//! …) because an interval may straddle zero. Decimal inputs are read *exactly* as rationals
//! ([`exact::parse_exact`]) and enter a backend once, through `from_rational`: enclosed by the
//! interval kinds, rounded to nearest by the point kinds.
//!
//! ```
//! use reluflow_arith::{Enclosure, MpInterval, Scalar, exact::parse_exact};
//! // 0.1 + 0.2 with 128-bit MPFR intervals contains the exact 3/10 ...
//! let ctx = 128u32;
//! let a = MpInterval::from_rational(&parse_exact("0.1").unwrap(), &ctx);
//! let b = MpInterval::from_rational(&parse_exact("0.2").unwrap(), &ctx);
//! let sum = a.add(&b);
//! assert!(sum.contains_rational(&parse_exact("0.3").unwrap()));
//! assert!(sum.width_upper() < 1e-37);
//! // ... and 1e-600 is an ordinary MPFR number, while f64 underflows.
//! let tiny = parse_exact("1e-600").unwrap();
//! assert!(MpInterval::from_rational(&tiny, &ctx).certainly_pos());
//! assert_eq!(f64::from_rational(&tiny, &()), 0.0);
//! ```
#![deny(missing_docs)]

pub mod backend;
pub mod buffers;
pub mod exact;
pub mod linalg;
pub mod meet;
pub mod midrad;
pub mod rounding;
pub mod scalar;

pub use backend::MpInterval;
pub use inari::Interval;
pub use meet::{Inconsistency, meet, meet_all, nonempty_all};
pub use rounding::FAULT_INJECTED;
pub use rug::{Float, Rational};
pub use scalar::{Bound, Enclosure, Guarantee, Point, Scalar, Sign, sign_of};
