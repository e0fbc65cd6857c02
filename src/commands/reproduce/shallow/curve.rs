//! `reproduce shallow-loss`: the training loss and the out-of-distribution test loss along one
//! gradient-descent run per λ (the shallow-network paper's Fig. 2, centred data, m = 200, and
//! Fig. 9, uncentred, m = 25; d = n = 16, λ = 4⁻² … 4⁻⁸), with the script's settings.
//!
//! The test set is the script's out-of-distribution one: 4n points from N(0, I_d) (seeded,
//! independent of the training data), labelled by the teacher; both losses are the script's
//! `(1/k)Σ(h − y)²`. Losses are recorded on a geometric grid of iterations, as the script does.

use super::trial::{SCRIPT_LR, SCRIPT_THRESHOLD, Trial};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_flow::net::gd::{GdOptions, GdStop};
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_flow::trajectory::State;
use serde::{Deserialize, Serialize};

/// One run's curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// The run.
    pub trial: Trial,
    /// `(iteration, training loss, test loss)`, both in the script's normalisation.
    pub points: Vec<(u64, f64, f64)>,
    /// Why it stopped: `threshold` or `max-iters`.
    pub stop: String,
    /// Seconds of computation.
    pub seconds: f64,
}

/// About `k` iterations from 1 to `max` on a geometric grid (distinct, increasing, ending at `max`).
pub fn grid(max: u64, k: usize) -> Vec<u64> {
    let ratio = (max as f64).powf(1.0 / k as f64);
    let mut out: Vec<u64> = (0..=k).map(|i| ratio.powi(i as i32).round() as u64).collect();
    out.push(max);
    out.dedup();
    out.retain(|v| *v >= 1 && *v <= max);
    out.dedup();
    out
}

/// `4n` points from N(0, I_d), seeded by the trial's own seed (not the training data's stream).
fn test_points(t: &Trial, n: usize) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(t.seed ^ 0x00D1_57A5_7E57);
    let mut normal = || {
        use rand::RngExt;
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    };
    (0..4 * n).map(|_| (0..t.d).map(|_| normal()).collect()).collect()
}

fn relu_dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>().max(0.0)
}

/// The script's MSE of the network `s` on `points` labelled by `teacher`.
fn test_loss(s: &State<f64>, teacher: &[f64], points: &[Vec<f64>]) -> f64 {
    let a = s.a.as_ref().expect("a two-layer state");
    let err = |x: &Vec<f64>| {
        let h: f64 = s.w.iter().zip(a).map(|(w, aj)| aj * relu_dot(w, x)).sum();
        (h - relu_dot(teacher, x)).powi(2)
    };
    points.iter().map(err).sum::<f64>() / points.len() as f64
}

impl Trial {
    /// Runs the trial, recording both losses at about `k` grid points.
    pub fn curve(&self, k: usize) -> Curve {
        let start = std::time::Instant::now();
        let (p, inst) = self.problem();
        let data = NetData::<f64>::from_problem(&p, &());
        let s0 = initial_state::<f64>(&p, &()).expect("a two-layer problem");
        let test = test_points(self, inst.x.len());
        let mut gd = FastGd::auto(&data, &s0);
        let mut points = vec![(0, 2.0 * gd.forward(), test_loss(&s0, &inst.teacher, &test))];
        let (mut done, mut stop) = (0u64, "max-iters");
        for next in grid(self.max_iters, k) {
            let opts = GdOptions { max_iters: next - done, stop_if_unchanged: false, ..self.options() };
            let run = gd.run(2.0 * SCRIPT_LR, &opts);
            done += run.iters;
            let train = 2.0 * run.losses.last().map_or(f64::NAN, |l| l.1);
            points.push((done, train, test_loss(&gd.state(), &inst.teacher, &test)));
            if run.stop == GdStop::Threshold {
                stop = "threshold";
                break;
            }
        }
        debug_assert!(points.iter().all(|p| p.1 >= 0.0) && SCRIPT_THRESHOLD > 0.0);
        Curve { trial: *self, points, stop: stop.to_string(), seconds: start.elapsed().as_secs_f64() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_geometric_increasing_and_ends_at_the_cap() {
        let g = grid(20_000_000, 100);
        assert_eq!((g[0], *g.last().unwrap()), (1, 20_000_000));
        assert!(g.windows(2).all(|w| w[0] < w[1]) && g.len() > 80, "{g:?}");
        assert_eq!(grid(5, 100), vec![1, 2, 3, 4, 5]);
    }
}
