//! A stabilised explicit step for stiff stretches: the second-order Runge–Kutta–Chebyshev method
//! (Sommeijer, Shampine and Verwer 1997, damping `ε = 2/13`), whose stability interval grows as
//! `0.653 s²` with the number of stages `s`. A gradient flow's Jacobian inside a pattern is minus
//! the loss's Hessian, so its spectrum is real: exactly the case RKC is built for. The spectral
//! radius comes from a power iteration on finite differences of the field.

use super::field::Net;
use super::step::{Stepper, error};

/// Most stages of one step.
pub const MAX_STAGES: usize = 200;

/// The RKC2 coefficients for `s ≥ 2` stages: `μ̃_1`, then per stage `j = 2…s` the tuple
/// `(μ_j, ν_j, μ̃_j, γ̃_j)`.
fn coefficients(s: usize) -> (f64, Vec<[f64; 4]>) {
    let w0 = 1.0 + (2.0 / 13.0) / (s * s) as f64;
    let (mut t, mut dt, mut ddt) = (vec![1.0, w0], vec![0.0, 1.0], vec![0.0, 0.0]);
    for j in 2..=s {
        t.push(2.0 * w0 * t[j - 1] - t[j - 2]);
        dt.push(2.0 * t[j - 1] + 2.0 * w0 * dt[j - 1] - dt[j - 2]);
        ddt.push(4.0 * dt[j - 1] + 2.0 * w0 * ddt[j - 1] - ddt[j - 2]);
    }
    let w1 = dt[s] / ddt[s];
    let b: Vec<f64> = (0..=s).map(|j| ddt[j.max(2)] / (dt[j.max(2)] * dt[j.max(2)])).collect();
    let a = |j: usize| 1.0 - b[j] * t[j];
    let stages = (2..=s)
        .map(|j| {
            let mu_t = 2.0 * b[j] * w1 / b[j - 1];
            [2.0 * b[j] * w0 / b[j - 1], -b[j] / b[j - 2], mu_t, -a(j - 1) * mu_t]
        })
        .collect();
    (b[1] * w1, stages)
}

/// The number of stages that keeps `h ρ` inside the stability interval.
pub fn stages(h: f64, rho: f64) -> usize {
    (1 + (1.0 + 1.54 * h * rho).sqrt().ceil() as usize).max(2)
}

/// The largest step `MAX_STAGES` stages keep stable.
pub fn max_step(rho: f64) -> f64 {
    let s = MAX_STAGES as f64;
    ((s - 1.0).powi(2) - 1.0) / (1.54 * rho.max(f64::MIN_POSITIVE))
}

impl Stepper {
    /// An estimate of the spectral radius of the field's Jacobian at `y` (field `k_1`), by ten
    /// or so power iterations on `(f(y + v) − f(y))`, with a safety factor of 1.2.
    pub fn spectral_radius(&mut self, net: &Net, act: &[bool], live: &[bool], y: &[f64]) -> f64 {
        let size = y.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
        let delta = 1e-7 * size;
        let mut v: Vec<f64> =
            self.k[0].iter().enumerate().map(|(q, f)| if *f != 0.0 { *f } else { 1.0 + q as f64 * 1e-3 }).collect();
        let mut rho = 0.0;
        for it in 0..20 {
            let nv = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            if nv == 0.0 {
                return 0.0;
            }
            for (t, (yq, vq)) in self.tmp.iter_mut().zip(y.iter().zip(&v)) {
                *t = yq + delta * vq / nv;
            }
            net.field(act, live, &self.tmp, &mut self.z, &mut self.r, &mut self.k[1]);
            v.iter_mut().zip(self.k[1].iter().zip(&self.k[0])).for_each(|(vq, (f1, f0))| *vq = f1 - f0);
            let next = v.iter().map(|x| x * x).sum::<f64>().sqrt() / delta;
            if it > 2 && (next - rho).abs() <= 0.02 * next {
                return 1.2 * next;
            }
            rho = next;
        }
        1.2 * rho
    }

    /// The RKC2 step of length `h` with `s` stages from `y0` (field `k_1`) into `y1`, with the field
    /// there in `k_7`; the error estimate `(12(y_0 − y_1) + 6h(f_0 + f_1))/15` as [`error`].
    #[allow(clippy::too_many_arguments)]
    pub fn rkc(
        &mut self,
        net: &Net,
        act: &[bool],
        live: &[bool],
        y0: &[f64],
        h: f64,
        s: usize,
        y1: &mut [f64],
        rtol: f64,
    ) -> f64 {
        let (mu_t1, coef) = coefficients(s);
        // k[1] = Y_{j−2}, k[2] = Y_{j−1}, k[3] = F(Y_{j−1}), y1 = Y_j.
        self.k[1].copy_from_slice(y0);
        for q in 0..y0.len() {
            self.k[2][q] = y0[q] + mu_t1 * h * self.k[0][q];
        }
        for [mu, nu, mu_t, gamma_t] in coef {
            let (prev, next) = self.k.split_at_mut(3);
            net.field(act, live, &prev[2], &mut self.z, &mut self.r, &mut next[0]);
            for q in 0..y0.len() {
                y1[q] = (1.0 - mu - nu) * y0[q]
                    + mu * self.k[2][q]
                    + nu * self.k[1][q]
                    + mu_t * h * self.k[3][q]
                    + gamma_t * h * self.k[0][q];
            }
            self.k.swap(1, 2);
            self.k[2].copy_from_slice(y1);
        }
        net.field(act, live, y1, &mut self.z, &mut self.r, &mut self.k[6]);
        let (f0, f1) = (&self.k[0], &self.k[6]);
        error(net, y0, y1, rtol, |q| (12.0 * (y0[q] - y1[q]) + 6.0 * h * (f0[q] + f1[q])) / 15.0)
    }
}
