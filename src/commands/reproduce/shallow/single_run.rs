//! `reproduce shallow-single-run`: one gradient-descent run of the shallow-network paper's
//! Examples 31, 33 and 35 (uncentred data, d = n = 16, m = 25, λ = 4⁻⁷, the script's settings),
//! recorded on a dense geometric grid of iterations:
//!
//! * Fig. 3 — the coordinates ν_k of the combined neuron `v = Σ_{J₊} a_j w_j` in the eigenbasis of
//!   `XᵀX` (signs making `v*`'s coordinates positive) against the teacher's ν*_k: each crosses its
//!   target once, in the order of decreasing eigenvalue;
//! * Fig. 4 — ‖v‖, ‖v* − v‖, the angle of `v` to `γ = Xᵀy` and to `v*`;
//! * Fig. 5 and 6 — the loss, the largest angle in J₊, the nuclear norm of W and ‖θ‖², which tend
//!   to 1 and 2.

use super::stats;
use super::trial::{SCRIPT_LR, Trial};
use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_flow::net::gd::{GdOptions, GdStop};
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_flow::trajectory::State;
use rug::Float;

/// One grid point of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Iterations done.
    pub iter: u64,
    /// The script's loss.
    pub loss: f64,
    /// ‖v‖.
    pub norm_v: f64,
    /// ‖v* − v‖.
    pub dist: f64,
    /// ∠(v, γ) in degrees.
    pub angle_gamma: f64,
    /// ∠(v, v*) in degrees.
    pub angle_teacher: f64,
    /// The largest angle in J₊, degrees.
    pub max_angle: f64,
    /// ‖W‖_*.
    pub nuclear: f64,
    /// ‖θ‖² = ‖W‖²_F + ‖a‖².
    pub theta_sq: f64,
    /// ν*_k − ν_k for k in order of decreasing eigenvalue.
    pub gaps: Vec<f64>,
}

/// The whole run.
#[derive(Clone, Debug)]
pub struct SingleRun {
    /// The run's settings.
    pub trial: Trial,
    /// The eigenvalues of XᵀX, decreasing.
    pub eigenvalues: Vec<f64>,
    /// The samples, in order.
    pub samples: Vec<Sample>,
    /// Why it stopped.
    pub stop: &'static str,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// The angle between `a` and `b` in degrees, accurate near 0 (`2·atan2(‖â − b̂‖, ‖â + b̂‖)`).
fn angle_deg(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return f64::NAN;
    }
    let diff: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / na - y / nb).collect();
    let sum: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / na + y / nb).collect();
    (2.0 * norm(&diff).atan2(norm(&sum))).to_degrees()
}

/// The eigenbasis of `XᵀX`: eigenvalues decreasing, eigenvectors signed so that `v*`'s
/// coordinates are ≥ 0.
fn eigenbasis(x: &[Vec<f64>], teacher: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let d = teacher.len();
    let xtx = nalgebra::DMatrix::<f64>::from_fn(d, d, |r, c| x.iter().map(|xi| xi[r] * xi[c]).sum());
    let eig = nalgebra::SymmetricEigen::new(xtx);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let vecs = order
        .iter()
        .map(|&k| {
            let v: Vec<f64> = eig.eigenvectors.column(k).iter().copied().collect();
            if dot(&v, teacher) < 0.0 { v.iter().map(|c| -c).collect() } else { v }
        })
        .collect();
    (order.iter().map(|&k| eig.eigenvalues[k]).collect(), vecs)
}

struct Context {
    group: Vec<usize>,
    teacher: Vec<f64>,
    gamma: Vec<f64>,
    basis: Vec<Vec<f64>>,
}

impl Context {
    fn sample(&self, iter: u64, loss: f64, s: &State<f64>) -> Sample {
        let a = s.a.as_ref().expect("a two-layer state");
        let d = self.teacher.len();
        let mut v = vec![0.0; d];
        for &j in &self.group {
            for (vc, wc) in v.iter_mut().zip(&s.w[j]) {
                *vc += a[j] * wc;
            }
        }
        let diff: Vec<f64> = self.teacher.iter().zip(&v).map(|(t, c)| t - c).collect();
        let rows: Vec<Vec<Float>> = s.w.iter().map(|r| r.iter().map(|c| Float::with_val(53, *c)).collect()).collect();
        let st = stats::of(&rows, &self.group);
        let theta_sq = s.w.iter().map(|r| dot(r, r)).sum::<f64>() + dot(a, a);
        Sample {
            iter,
            loss,
            norm_v: norm(&v),
            dist: norm(&diff),
            angle_gamma: angle_deg(&v, &self.gamma),
            angle_teacher: angle_deg(&v, &self.teacher),
            max_angle: st.max_angle_deg,
            nuclear: st.nuclear_norm,
            theta_sq,
            gaps: self.basis.iter().map(|e| dot(e, &diff)).collect(),
        }
    }
}

impl Trial {
    /// Runs the trial, sampling at about `k` points of a geometric grid.
    pub fn single_run(&self, k: usize) -> SingleRun {
        let (p, inst) = self.problem();
        let data = NetData::<f64>::from_problem(&p, &());
        let s0 = initial_state::<f64>(&p, &()).expect("a two-layer problem");
        let (eigenvalues, basis) = eigenbasis(&inst.x, &inst.teacher);
        let d = inst.teacher.len();
        let gamma = (0..d).map(|c| inst.x.iter().zip(&inst.y).map(|(xi, yi)| xi[c] * yi).sum()).collect();
        let group = stats::positive_group(&inst.z, &inst.s, &inst.x);
        let cx = Context { group, teacher: inst.teacher.clone(), gamma, basis };
        let mut gd = FastGd::auto(&data, &s0);
        let mut samples = vec![cx.sample(0, 2.0 * gd.forward(), &s0)];
        let (mut done, mut stop) = (0u64, "max-iters");
        for next in super::curve::grid(self.max_iters, k) {
            let opts = GdOptions { max_iters: next - done, stop_if_unchanged: false, ..self.options() };
            let run = gd.run(2.0 * SCRIPT_LR, &opts);
            done += run.iters;
            let loss = 2.0 * run.losses.last().map_or(f64::NAN, |l| l.1);
            samples.push(cx.sample(done, loss, &gd.state()));
            if run.stop == GdStop::Threshold {
                stop = "threshold";
                break;
            }
        }
        SingleRun { trial: *self, eigenvalues, samples, stop }
    }
}

impl SingleRun {
    /// For each eigen-coordinate (in order of decreasing eigenvalue), the first sampled iteration
    /// at which ν_k reached ν*_k (`None`: never within the run).
    pub fn crossings(&self) -> Vec<Option<u64>> {
        (0..self.eigenvalues.len()).map(|k| self.samples.iter().find(|s| s.gaps[k] <= 0.0).map(|s| s.iter)).collect()
    }

    /// Whether the coordinates crossed in the order of decreasing eigenvalue (ties on the grid
    /// allowed; coordinates that never crossed come last).
    pub fn crossed_in_order(&self) -> bool {
        let c: Vec<u64> = self.crossings().iter().map(|c| c.unwrap_or(u64::MAX)).collect();
        c.windows(2).all(|w| w[0] <= w[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accurate_angles_and_the_signed_eigenbasis() {
        assert!((angle_deg(&[1.0, 0.0], &[0.0, 2.0]) - 90.0).abs() < 1e-12);
        assert!((angle_deg(&[1.0, 1e-10], &[1.0, 0.0]) - 1e-10f64.to_degrees()).abs() < 1e-22);
        let (vals, vecs) = eigenbasis(&[vec![3.0, 0.0], vec![0.0, 1.0]], &[-1.0, -1.0]);
        assert_eq!(vals, vec![9.0, 1.0]);
        assert!(vecs.iter().all(|e| dot(e, &[-1.0, -1.0]) > 0.0), "{vecs:?}");
    }
}
