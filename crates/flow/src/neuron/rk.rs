//! An adaptive Dormand–Prince 5(4) integrator of the single-neuron flow in f64, without event
//! handling (the field is evaluated with σ'(0) from the problem at every stage). It certifies
//! nothing; it is the baseline the benchmark compares the exact solver with.

/// The single-neuron gradient field `−∇L(w) = −2c Σ_i (σ(x_iᵀw) − y_i) σ'(x_iᵀw) x_i` in f64.
#[derive(Clone, Debug)]
pub struct Field {
    /// Points, rows of length `d`.
    pub x: Vec<Vec<f64>>,
    /// Labels.
    pub y: Vec<f64>,
    /// `G = 2c`.
    pub g: f64,
    /// σ'(0) = 1 (else 0).
    pub zero_is_active: bool,
}

impl Field {
    /// `f(w) = −∇L(w)`.
    pub fn eval(&self, w: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        for (xi, yi) in self.x.iter().zip(&self.y) {
            let z: f64 = xi.iter().zip(w).map(|(a, b)| a * b).sum();
            if z > 0.0 || (z == 0.0 && self.zero_is_active) {
                let f = -self.g * (z - yi);
                for (o, a) in out.iter_mut().zip(xi) {
                    *o += f * a;
                }
            }
        }
    }
}

/// Statistics of one integration.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RkStats {
    /// Accepted steps.
    pub accepted: usize,
    /// Rejected steps.
    pub rejected: usize,
    /// Field evaluations.
    pub evals: usize,
}

const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];
const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
const B4: [f64; 7] =
    [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];

/// Integrates `ẇ = f(w)` from `w0` over `[0, t_end]` with mixed tolerance `tol·(1 + |w|)` per
/// component; returns the final state and the statistics.
pub fn dopri5(field: &Field, w0: &[f64], t_end: f64, tol: f64) -> (Vec<f64>, RkStats) {
    let d = w0.len();
    let mut w = w0.to_vec();
    let mut t = 0.0;
    let mut h = (t_end * 1e-3).clamp(1e-12, 1e-3);
    let mut k = vec![vec![0.0; d]; 7];
    let mut st = RkStats::default();
    let mut tmp = vec![0.0; d];
    field.eval(&w, &mut k[0]);
    st.evals += 1;
    while t < t_end {
        if t + h > t_end {
            h = t_end - t;
        }
        for s in 1..7 {
            for j in 0..d {
                tmp[j] = w[j] + h * (0..s).map(|r| A[s][r] * k[r][j]).sum::<f64>();
            }
            field.eval(&tmp, &mut k[s]);
            st.evals += 1;
        }
        let mut err: f64 = 0.0;
        let mut w5 = vec![0.0; d];
        for j in 0..d {
            let inc5: f64 = (0..7).map(|s| B5[s] * k[s][j]).sum();
            let inc4: f64 = (0..7).map(|s| B4[s] * k[s][j]).sum();
            w5[j] = w[j] + h * inc5;
            let sc = tol * (1.0 + w[j].abs().max(w5[j].abs()));
            err = err.max((h * (inc5 - inc4)).abs() / sc);
        }
        if err <= 1.0 {
            t += h;
            w = w5;
            k[0] = k[6].clone(); // first-same-as-last
            st.accepted += 1;
        } else {
            st.rejected += 1;
        }
        let fac = if err == 0.0 { 5.0 } else { (0.9 * err.powf(-0.2)).clamp(0.2, 5.0) };
        h *= fac;
    }
    (w, st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_decay_is_integrated_accurately() {
        // One point x = 1, label 2, G = 1: ẇ = −(w − 2), w(0) = 1 → w(t) = 2 − e^{−t}.
        let f = Field { x: vec![vec![1.0]], y: vec![2.0], g: 1.0, zero_is_active: true };
        let (w, st) = dopri5(&f, &[1.0], 3.0, 1e-12);
        assert!((w[0] - (2.0 - (-3.0f64).exp())).abs() < 1e-10, "{w:?}");
        assert!(st.accepted > 0);
    }
}
