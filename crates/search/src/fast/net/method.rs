//! How the fast two-layer run steps: Dormand–Prince 5(4) ([`super::step`]) while the steps follow
//! the accuracy, the stabilised RKC2 ([`super::rkc`]) once stability holds them down.

use super::field::Net;
use super::rkc;
use super::run::RTOL;
use super::step::Stepper;

/// The step method: Dormand–Prince 5(4) while the steps follow the accuracy, the stabilised RKC2
/// ([`super::rkc`]) once they are held down by stability (a stiff stretch: the run would need more
/// than [`STIFF_STEPS`] more steps at the current size).
pub(super) struct Method {
    /// RKC2 steps (else Dormand–Prince).
    pub stiff: bool,
    /// The spectral radius in use.
    pub rho: f64,
    /// Steps since it was estimated (0: estimate before the next step).
    pub age: usize,
}

/// Remaining steps at the current size beyond which a run is stiff.
pub const STIFF_STEPS: f64 = 4000.0;
/// Relative local error per step of the stiff method (second order: a looser tolerance).
pub const RTOL_STIFF: f64 = 1e-7;

impl Method {
    /// A trial step of at most `h` from `y` into `y1` in the pattern `(act, live)`: its length (RKC
    /// keeps it stable) and error.
    pub(super) fn trial(
        &mut self,
        st: &mut Stepper,
        net: &Net,
        (act, live): (&[bool], &[bool]),
        y: &[f64],
        h: f64,
        y1: &mut [f64],
    ) -> (f64, f64) {
        if !self.stiff {
            return (h, st.step(net, act, live, y, h, y1, RTOL));
        }
        if self.age == 0 {
            self.rho = st.spectral_radius(net, act, live, y);
        }
        self.age = (self.age + 1) % 25;
        let h = h.min(rkc::max_step(self.rho));
        (h, st.rkc(net, act, live, y, h, rkc::stages(h, self.rho), y1, RTOL_STIFF))
    }

    /// The step size factor after a step with error `err`.
    pub(super) fn grow(&self, err: f64) -> f64 {
        let (e, most) = if self.stiff { (-1.0 / 3.0, 10.0) } else { (-0.2, 5.0) };
        if err > 0.0 { (0.9 * err.powf(e)).clamp(0.2, most) } else { most }
    }
}
