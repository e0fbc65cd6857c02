//! The two-layer network in flat f64 buffers and its gradient-flow field inside a fixed
//! activation pattern (a cubic polynomial in `θ = (W, a)`, so smooth on a whole step).

use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_model::{Horizon, ModelKind, Problem, Solution};

/// A two-layer instance in f64: `h(x) = Σ_j a_j σ(w_jᵀx)`, `L = c Σ_i (h(x_i) − y_i)²`.
#[derive(Clone, Debug)]
pub struct Net {
    /// Hidden width.
    pub m: usize,
    /// Input dimension.
    pub d: usize,
    /// Data rows, `n × d` row-major.
    pub x: Vec<f64>,
    /// Labels.
    pub y: Vec<f64>,
    /// `θ(0)`: `w_0, …, w_{m−1}` (`d` each), then `a_0, …, a_{m−1}`.
    pub theta0: Vec<f64>,
    /// The gradient factor `G = 2c`.
    pub g: f64,
    /// `σ'(0) = 1`: a point on its hyperplane counts as active.
    pub zero_active: bool,
    /// The horizon `t_end`.
    pub horizon: f64,
}

impl Net {
    /// The f64 instance of `p`: `Err(why)` for a problem the fast run does not follow (another
    /// model, the Clarke flow, an infinite horizon, weights outside f64's safe range).
    pub fn of(p: &Problem) -> Result<Net, String> {
        if p.model() != ModelKind::TwoLayer {
            return Err("not a two-layer problem".into());
        }
        if p.solution() == Solution::Clarke {
            return Err("the fast run follows the fixed-pattern flow, not the Clarke flow".into());
        }
        let Horizon::Finite(t_end) = &p.run().t_end else {
            return Err("the fast two-layer run needs a finite horizon".into());
        };
        let s0 = initial_state::<f64>(p, &()).map_err(|e| e.to_string())?;
        let data = NetData::<f64>::from_problem(p, &());
        let mut theta0: Vec<f64> = s0.w.iter().flatten().copied().collect();
        theta0.extend(s0.a.iter().flatten());
        Ok(Net {
            m: s0.w.len(),
            d: data.d(),
            x: data.x.iter().flatten().copied().collect(),
            y: data.y,
            theta0,
            g: data.grad_factor,
            zero_active: p.relu_prime().zero_is_active(),
            horizon: t_end.to_f64(),
        })
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Point `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    /// `w_j` inside `theta`.
    pub fn w<'a>(&self, theta: &'a [f64], j: usize) -> &'a [f64] {
        &theta[j * self.d..(j + 1) * self.d]
    }

    /// `a_j` inside `theta`.
    pub fn a(&self, theta: &[f64], j: usize) -> f64 {
        theta[self.m * self.d + j]
    }

    /// The guard `x_iᵀw_j` at `theta`.
    pub fn guard(&self, theta: &[f64], j: usize, i: usize) -> f64 {
        dot(self.w(theta, j), self.row(i))
    }

    /// The sign pattern at `theta` (`active[j·n + i]`; a guard exactly 0 by the σ'(0) convention).
    pub fn pattern(&self, theta: &[f64]) -> Vec<bool> {
        let n = self.n();
        (0..self.m * n)
            .map(|k| {
                let z = self.guard(theta, k / n, k % n);
                z > 0.0 || (z == 0.0 && self.zero_active)
            })
            .collect()
    }

    /// The field of pattern `act` at `theta` into `out` (`z` is scratch, `m·n`): residuals
    /// `r_i = Σ_{j: i∈A_j} a_j z_ji − y_i`, then `ẇ_j = −G a_j Σ_{i∈A_j} r_i x_i` and
    /// `ȧ_j = −G Σ_{i∈A_j} r_i z_ji`. A neuron with no active point has zero field (`live[j]`
    /// false): it is skipped.
    pub fn field(&self, act: &[bool], live: &[bool], theta: &[f64], z: &mut [f64], r: &mut [f64], out: &mut [f64]) {
        let (m, n, d) = (self.m, self.n(), self.d);
        r.iter_mut().zip(&self.y).for_each(|(ri, yi)| *ri = -yi);
        for j in (0..m).filter(|&j| live[j]) {
            let (wj, aj) = (self.w(theta, j), self.a(theta, j));
            for i in 0..n {
                let zji = dot(wj, self.row(i));
                z[j * n + i] = zji;
                if act[j * n + i] {
                    r[i] += aj * zji;
                }
            }
        }
        out.iter_mut().for_each(|o| *o = 0.0);
        for j in (0..m).filter(|&j| live[j]) {
            let c = -self.g * self.a(theta, j);
            let mut da = 0.0;
            for i in (0..n).filter(|&i| act[j * n + i]) {
                da += r[i] * z[j * n + i];
                let (xi, k) = (self.row(i), c * r[i]);
                out[j * d..(j + 1) * d].iter_mut().zip(xi).for_each(|(o, xk)| *o += k * xk);
            }
            out[m * d + j] = -self.g * da;
        }
    }
}

impl Net {
    /// The loss `(G/2) Σ_i r_i²` at `theta` under the sign pattern.
    pub fn loss(&self, theta: &[f64]) -> f64 {
        let n = self.n();
        let mut sum = 0.0;
        for i in 0..n {
            let h: f64 = (0..self.m).map(|j| self.a(theta, j) * self.guard(theta, j, i).max(0.0)).sum();
            sum += (h - self.y[i]).powi(2);
        }
        0.5 * self.g * sum
    }
}

/// `aᵀb`.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}
