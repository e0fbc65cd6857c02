//! A cheap slack score from a point run: how far the claim's monotone quantity is from breaking,
//! measured on the run's samples (the initial state and segment ends, in time order).
//!
//! Negative means the samples break the claim; larger is safer. Known for `lsy.norm-growth`
//! (`½‖w‖²` must not decrease), `gen.loss-nonincreasing` (`L` must not increase),
//! `gen.dist-to-interpolant` with a teacher (`½‖w − v‖²` must not increase) and
//! `gen.balancedness` (minus the largest drift of `D_j = a_j² − ‖w_j‖²`), and for the single
//! neuron `lsy.support-vector-stability` (point margins `x_iᵀw/‖x_i‖` after a deactivation must
//! stay ≤ 0) and `lsy.global-convergence-d2` (minus a non-zero final loss, else how close a
//! positive-label point came to deactivating). Not validated: a score
//! for ordering and targeting, never a verdict.

use reluflow_flow::{State, Trajectory};
use reluflow_model::Problem;

fn f(q: &rug::Rational) -> f64 {
    q.to_f64()
}

/// The loss `c Σ_i (h(x_i) − y_i)²` of a point state.
fn loss(p: &Problem, st: &State<f64>) -> f64 {
    let data = p.data();
    let c = f(&p.loss_factor());
    let relu = |z: f64| z.max(0.0);
    let mut sum = 0.0;
    for (xi, yi) in data.x().iter().zip(data.y()) {
        let z = |w: &[f64]| xi.iter().zip(w).map(|(a, b)| f(a) * b).sum::<f64>();
        let h = match &st.a {
            None => relu(z(&st.w[0])),
            Some(a) => st.w.iter().zip(a).map(|(wj, aj)| aj * relu(z(wj))).sum(),
        };
        sum += (h - f(yi)).powi(2);
    }
    c * sum
}

fn half_sq_dist(w: &[f64], v: Option<&[rug::Rational]>) -> f64 {
    let d = |k: usize| w[k] - v.map_or(0.0, |v| f(&v[k]));
    0.5 * (0..w.len()).map(|k| d(k).powi(2)).sum::<f64>()
}

/// `x_iᵀw(t)/‖x_i‖` for every point `i` (rows) and sample `t` (columns) of a single neuron.
fn margins(p: &Problem, samples: &[&State<f64>]) -> Vec<Vec<f64>> {
    let x = p.data().x();
    let row = |xi: &Vec<rug::Rational>| {
        let norm = xi.iter().map(|c| f(c).powi(2)).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
        samples.iter().map(|st| xi.iter().zip(&st.w[0]).map(|(a, b)| f(a) * b).sum::<f64>() / norm).collect()
    };
    x.iter().map(row).collect()
}

/// Support vectors: per point, after it was active and then inactive, minus its largest later
/// margin (positive once it is active again: the violation); for a point never deactivated, its
/// smallest margin once active (how close it came to deactivating). The minimum over points.
fn reactivation(zs: &[Vec<f64>]) -> Option<f64> {
    let point = |z: &Vec<f64>| {
        let on = z.iter().position(|v| *v > 0.0)?;
        match z[on..].iter().position(|v| *v <= 0.0) {
            Some(off) => Some(-z[on + off..].iter().copied().fold(f64::NEG_INFINITY, f64::max)),
            None => Some(z[on..].iter().copied().fold(f64::INFINITY, f64::min)),
        }
    };
    zs.iter().filter_map(point).reduce(f64::min)
}

/// Global convergence: minus the final loss when it is not (numerically) zero, else the smallest
/// margin of a positive-label point once it was active (how close one came to being dropped).
fn convergence(p: &Problem, zs: &[Vec<f64>], last: &State<f64>) -> Option<f64> {
    let l = loss(p, last);
    if l > 1e-9 {
        return Some(-l);
    }
    let y = p.data().y();
    let point = |(i, z): (usize, &Vec<f64>)| {
        let on = z.iter().position(|v| *v > 0.0).filter(|_| y[i] > 0)?;
        Some(z[on..].iter().copied().fold(f64::INFINITY, f64::min).max(0.0))
    };
    zs.iter().enumerate().filter_map(point).reduce(f64::min).or(Some(0.0))
}

/// The smallest step of `q` along the samples in the allowed direction (`up`: must not decrease)
/// when it is negative; else the smallest step that a larger one follows (a dip), over the largest
/// step, in `[0, 1]`. `None` when `q` never moves (a run that stays where it starts scores
/// nothing: its slack 0 would otherwise look closest to a violation).
fn monotone(samples: &[&State<f64>], q: impl Fn(&State<f64>) -> f64, up: bool) -> Option<f64> {
    let vals: Vec<f64> = samples.iter().map(|s| q(s)).collect();
    if vals.windows(2).all(|p| p[0] == p[1]) {
        return None;
    }
    let steps: Vec<f64> = vals.windows(2).map(|p| if up { p[1] - p[0] } else { p[0] - p[1] }).collect();
    let least = steps.iter().copied().fold(f64::INFINITY, f64::min);
    if least < 0.0 {
        return Some(least);
    }
    // No step breaks it: score the deepest dip (a step followed by a larger one), relative to the
    // largest step, so that the vanishing steps of a settling run do not all score 0.
    let most = steps.iter().copied().fold(0.0, f64::max);
    let dip = (0..steps.len()).filter(|&i| steps[i + 1..].iter().any(|s| *s > steps[i])).map(|i| steps[i]);
    Some(dip.fold(most, f64::min) / most)
}

/// The slack of claim `id` on the point run `traj` of `p`, when one is known (see the module
/// documentation); `None` otherwise, or for a run without a step.
pub fn slack(id: &str, p: &Problem, traj: &Trajectory<f64>) -> Option<f64> {
    let samples: Vec<&State<f64>> =
        std::iter::once(traj.initial()).chain(traj.segments().iter().map(|s| s.end())).collect();
    let single = traj.initial().a.is_none();
    let limit: Vec<&State<f64>> = samples.iter().copied().chain(traj.limit().map(|l| &l.state)).collect();
    let s = match id {
        "lsy.norm-growth" => monotone(&samples, |st| half_sq_dist(&st.w[0], None), true),
        "gen.loss-nonincreasing" => monotone(&samples, |st| loss(p, st), false),
        "gen.dist-to-interpolant" => {
            let v = p.data().teacher()?;
            monotone(&samples, |st| half_sq_dist(&st.w[0], Some(v)), false)
        }
        "lsy.support-vector-stability" if single => reactivation(&margins(p, &limit)),
        "lsy.global-convergence-d2" if single => convergence(p, &margins(p, &limit), limit.last()?),
        "gen.balancedness" => {
            let dj = |st: &State<f64>, j: usize| {
                st.a.as_ref().map_or(0.0, |a| a[j].powi(2)) - 2.0 * half_sq_dist(&st.w[j], None)
            };
            let m = traj.initial().w.len();
            let drift = samples.iter().flat_map(|st| (0..m).map(move |j| (dj(st, j) - dj(traj.initial(), j)).abs()));
            Some(-drift.fold(0.0, f64::max))
        }
        _ => None,
    };
    s.filter(|v| v.is_finite())
}
