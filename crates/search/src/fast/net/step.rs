//! One Dormand–Prince 5(4) step of the fixed-pattern field (autonomous, so no stage times) (first same as last: the field at the
//! end is the next step's first stage), with a per-neuron relative error estimate.

use super::field::Net;

const A: [&[f64]; 6] = [
    &[1.0 / 5.0],
    &[3.0 / 40.0, 9.0 / 40.0],
    &[44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0],
    &[19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0],
    &[9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0],
    &[35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];
/// The fifth-order weights minus the embedded fourth-order ones (stages 1–7).
const E: [f64; 7] =
    [71.0 / 57600.0, 0.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0, 22.0 / 525.0, -1.0 / 40.0];

/// Scratch buffers of a step (no allocation per step).
pub struct Stepper {
    /// The stages `k_1 … k_7` (`k_1` is the field at the start, `k_7` at the end).
    pub k: [Vec<f64>; 7],
    pub(super) tmp: Vec<f64>,
    pub(super) z: Vec<f64>,
    pub(super) r: Vec<f64>,
}

impl Stepper {
    /// Buffers for `net`.
    pub fn new(net: &Net) -> Stepper {
        let len = net.theta0.len();
        Stepper {
            k: std::array::from_fn(|_| vec![0.0; len]),
            tmp: vec![0.0; len],
            z: vec![0.0; net.m * net.n()],
            r: vec![0.0; net.n()],
        }
    }

    /// The field of `act` at `theta` into `k_1`.
    pub fn first(&mut self, net: &Net, act: &[bool], live: &[bool], theta: &[f64]) {
        net.field(act, live, theta, &mut self.z, &mut self.r, &mut self.k[0]);
    }

    /// The step of length `h` from `y0` (with `k_1` the field there) into `y1` and `k_7`; the error
    /// estimate as [`error`].
    pub fn step(
        &mut self,
        net: &Net,
        act: &[bool],
        live: &[bool],
        y0: &[f64],
        h: f64,
        y1: &mut [f64],
        rtol: f64,
    ) -> f64 {
        for s in 0..6 {
            self.tmp.copy_from_slice(y0);
            for (l, a) in A[s].iter().enumerate() {
                if *a != 0.0 {
                    let c = h * a;
                    self.tmp.iter_mut().zip(&self.k[l]).for_each(|(t, k)| *t += c * k);
                }
            }
            if s == 5 {
                y1.copy_from_slice(&self.tmp);
            }
            net.field(act, live, &self.tmp, &mut self.z, &mut self.r, &mut self.k[s + 1]);
        }
        error(net, y0, y1, rtol, |q| h * (0..7).map(|s| E[s] * self.k[s][q]).sum::<f64>())
    }
}

/// The error estimate `e_q` relative to each neuron's size (`max` over neurons of
/// `‖e_j‖_∞ / (rtol ‖θ_j‖_∞)`, the larger size of both ends). A neuron of size 0 counts only if its
/// error is not 0.
pub(super) fn error(net: &Net, y0: &[f64], y1: &[f64], rtol: f64, e: impl Fn(usize) -> f64) -> f64 {
    let (m, d) = (net.m, net.d);
    let mut worst = 0.0f64;
    for j in 0..m {
        let idx = (j * d..(j + 1) * d).chain(std::iter::once(m * d + j));
        let (mut ej, mut size) = (0.0f64, 0.0f64);
        for q in idx {
            ej = ej.max(e(q).abs());
            size = size.max(y0[q].abs()).max(y1[q].abs());
        }
        if ej > 0.0 {
            worst = worst.max(ej / (rtol * size).max(f64::MIN_POSITIVE));
        }
    }
    worst
}
