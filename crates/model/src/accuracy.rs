//! The accuracy settings of the two-layer integrators (`[run] tolerance`, `[run] order`).

use crate::error::ModelError;
use rug::Rational;
use rug::ops::Pow;

/// Smallest accepted order of the Taylor method.
pub const MIN_ORDER: u32 = 2;
/// Largest accepted order of the Taylor method (the work of a step grows like `order²`).
pub const MAX_ORDER: u32 = 64;

/// Accuracy requested from the two-layer Taylor integrators; `None` fields are automatic (the
/// integrator's defaults, chosen from the arithmetic's precision).
///
/// * `tolerance`: the relative local error target per step (it drives the step size, and in the
///   validated integrator also caps the rigorous remainder of each step).
/// * `order`: the order of the Taylor method.
///
/// The single-neuron certifier solves each activation pattern in closed form (no Taylor steps),
/// so neither setting applies to it: [`crate::Problem::with_accuracy`] refuses them there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accuracy {
    tolerance: Option<Rational>,
    order: Option<u32>,
}

impl Accuracy {
    /// Both settings automatic.
    pub fn automatic() -> Accuracy {
        Accuracy::default()
    }

    /// Checks `tolerance ∈ [1e-300, 1e-3]` (an f64 target: smaller ones are not representable,
    /// larger ones are not an accuracy) and `order ∈ [MIN_ORDER, MAX_ORDER]`.
    ///
    /// # Errors
    /// [`ModelError::InvalidValue`] naming `run.tolerance` or `run.order`.
    pub fn new(tolerance: Option<Rational>, order: Option<u32>) -> Result<Accuracy, ModelError> {
        if let Some(t) = &tolerance {
            let lo = Rational::from((1, 10)).pow(300u32);
            if *t < lo || *t > Rational::from((1, 1000)) {
                return Err(ModelError::invalid(
                    "run.tolerance",
                    crate::problem::short_text(t),
                    "a relative error per step from 1e-300 to 1e-3 (e.g. \"1e-18\"), or no `tolerance` for the automatic one",
                ));
            }
        }
        if let Some(p) = order
            && !(MIN_ORDER..=MAX_ORDER).contains(&p)
        {
            return Err(ModelError::invalid(
                "run.order",
                p.to_string(),
                format!("a Taylor order from {MIN_ORDER} to {MAX_ORDER}, or no `order` for the automatic one"),
            ));
        }
        Ok(Accuracy { tolerance, order })
    }

    /// The requested tolerance, exactly as given (`None`: automatic).
    pub fn tolerance(&self) -> Option<&Rational> {
        self.tolerance.as_ref()
    }

    /// The requested tolerance as the f64 the integrators use (rounded to nearest; it only steers
    /// step and order control, no enclosure depends on it).
    pub fn tolerance_f64(&self) -> Option<f64> {
        self.tolerance.as_ref().map(|t| rug::Float::with_val(53, t).to_f64())
    }

    /// The requested Taylor order (`None`: automatic).
    pub fn order(&self) -> Option<u32> {
        self.order
    }

    /// Whether both settings are automatic.
    pub fn is_automatic(&self) -> bool {
        self.tolerance.is_none() && self.order.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_and_name_the_field() {
        let q = |a: i64, b: i64| Rational::from((a, b));
        assert!(Accuracy::new(Some(q(1, 1000)), Some(2)).is_ok());
        assert!(Accuracy::new(None, Some(64)).is_ok());
        let e = Accuracy::new(Some(q(1, 100)), None).unwrap_err();
        assert!(e.to_string().starts_with("run.tolerance: got 1e-2, expected"), "{e}");
        let e = Accuracy::new(Some(Rational::new()), None).unwrap_err();
        assert!(e.to_string().contains("run.tolerance"), "{e}");
        let tiny = Rational::from((1, 10)).pow(301u32);
        assert!(Accuracy::new(Some(tiny), None).is_err());
        for p in [0, 1, 65] {
            let e = Accuracy::new(None, Some(p)).unwrap_err();
            assert!(e.to_string().starts_with(&format!("run.order: got {p}, expected")), "{e}");
        }
        assert!(Accuracy::automatic().is_automatic());
        assert_eq!(Accuracy::new(Some(q(1, 1000)), None).unwrap().tolerance_f64(), Some(1e-3));
    }
}
