//! The statistics of the shallow-network paper's experiments, from a final state: the angles
//! between the active positive neurons and the nuclear norm of the hidden layer
//! (`shared/papers/shallow-relu-correlated-inputs.md` §7.2).
//!
//! Angles are computed as `2·atan2(‖u − v‖, ‖u + v‖)` for the unit vectors `u`, `v`, in 256-bit
//! MPFR from the (exact) f64 or MPFR iterate, so an angle of 1e-12 rad is as accurate as one of
//! 1 rad. The paper's script used `acos` of the clamped dot product in float64, which cannot
//! resolve angles below about `√(2·2⁻⁵³) ≈ 1.5e-8` rad (8.5e-7°); [`Stats::max_angle_acos_deg`]
//! recomputes that formula so the table can show where it floors.

use rug::Float;
use rug::float::Constant;

const BITS: u32 = 256;

/// The statistics of one final state.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Neurons in the positive group J₊ (s_j > 0 and some point active at initialisation) with
    /// a nonzero final weight vector.
    pub group: usize,
    /// The largest angle between two neurons of J₊, in degrees (accurate formula).
    pub max_angle_deg: f64,
    /// The mean angle over ordered pairs of distinct neurons of J₊, in degrees.
    pub avg_angle_deg: f64,
    /// The largest angle by the paper's formula, `acos(clamp(u·v))` in f64, in degrees.
    pub max_angle_acos_deg: f64,
    /// The nuclear norm ‖W‖_* of the whole hidden layer (all m rows).
    pub nuclear_norm: f64,
}

/// The positive group: `s_j > 0` and `max_i z_jᵀx_i > 0` (not dead from the start).
pub fn positive_group(z: &[Vec<f64>], s: &[i8], x: &[Vec<f64>]) -> Vec<usize> {
    let alive = |zj: &[f64]| x.iter().any(|xi| xi.iter().zip(zj).map(|(a, b)| a * b).sum::<f64>() > 0.0);
    (0..z.len()).filter(|&j| s[j] > 0 && alive(&z[j])).collect()
}

fn unit(w: &[Float]) -> Option<Vec<Float>> {
    let norm = w.iter().fold(Float::with_val(BITS, 0), |acc, c| acc + Float::with_val(BITS, c * c)).sqrt();
    (!norm.is_zero()).then(|| w.iter().map(|c| Float::with_val(BITS, c / &norm)).collect())
}

/// `2·atan2(‖u − v‖, ‖u + v‖)` for unit `u`, `v`, in radians.
fn angle(u: &[Float], v: &[Float]) -> Float {
    let sq = |sign: f64| {
        u.iter()
            .zip(v)
            .fold(Float::with_val(BITS, 0), |acc, (a, b)| {
                let c = Float::with_val(BITS, b * sign) + a;
                acc + Float::with_val(BITS, &c * &c)
            })
            .sqrt()
    };
    let (minus, plus) = (sq(-1.0), sq(1.0));
    Float::with_val(BITS, minus.atan2(&plus)) * 2u32
}

fn degrees(rad: &Float) -> f64 {
    let pi = Float::with_val(BITS, Constant::Pi);
    let deg = Float::with_val(BITS, rad * 180u32);
    Float::with_val(BITS, deg / pi).to_f64()
}

/// The paper's formula for one pair, in degrees.
fn acos_angle_deg(u: &[f64], v: &[f64]) -> f64 {
    let nu = u.iter().map(|c| c * c).sum::<f64>().sqrt();
    let nv = v.iter().map(|c| c * c).sum::<f64>().sqrt();
    let dot: f64 = u.iter().zip(v).map(|(a, b)| (a / nu) * (b / nv)).sum();
    dot.clamp(-1.0, 1.0).acos().to_degrees()
}

/// The sum of the singular values of the `m × d` matrix `w`.
fn nuclear_norm(w: &[Vec<f64>]) -> f64 {
    let (m, d) = (w.len(), w.first().map_or(0, Vec::len));
    let mat = nalgebra::DMatrix::from_fn(m, d, |i, j| w[i][j]);
    mat.singular_values().iter().sum()
}

/// The statistics of the final hidden weights `w` (`m` rows), for the group `group`.
pub fn of(w: &[Vec<Float>], group: &[usize]) -> Stats {
    let units: Vec<(usize, Vec<Float>)> = group.iter().filter_map(|&j| Some((j, unit(&w[j])?))).collect();
    let f64_rows: Vec<Vec<f64>> = w.iter().map(|r| r.iter().map(Float::to_f64).collect()).collect();
    let (mut max, mut sum, mut max_acos, mut pairs) = (Float::with_val(BITS, 0), Float::with_val(BITS, 0), 0f64, 0u64);
    for (a, (ja, ua)) in units.iter().enumerate() {
        for (jb, ub) in &units[a + 1..] {
            let th = angle(ua, ub);
            sum += &th;
            if th > max {
                max = th;
            }
            max_acos = max_acos.max(acos_angle_deg(&f64_rows[*ja], &f64_rows[*jb]));
            pairs += 1;
        }
    }
    let avg = if pairs == 0 { 0.0 } else { degrees(&sum) / pairs as f64 };
    Stats {
        group: units.len(),
        max_angle_deg: degrees(&max),
        avg_angle_deg: avg,
        max_angle_acos_deg: max_acos,
        nuclear_norm: nuclear_norm(&f64_rows),
    }
}

/// Median and (sample) standard deviation.
pub fn median_sd(mut v: Vec<f64>) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    let k = v.len();
    let med = if k % 2 == 1 { v[k / 2] } else { 0.5 * (v[k / 2 - 1] + v[k / 2]) };
    let mean = v.iter().sum::<f64>() / k as f64;
    let var = if k > 1 { v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k - 1) as f64 } else { 0.0 };
    (med, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[f64]]) -> Vec<Vec<Float>> {
        v.iter().map(|r| r.iter().map(|c| Float::with_val(53, *c)).collect()).collect()
    }

    #[test]
    fn tiny_angles_are_accurate_where_acos_floors() {
        // Two unit-ish vectors 1e-12 rad apart: acos of their dot product returns 0 (or ~1e-8).
        let eps = 1e-12;
        let w = rows(&[&[1.0, 0.0], &[1.0, eps]]);
        let s = of(&w, &[0, 1]);
        let exact_deg = eps.atan().to_degrees();
        assert!((s.max_angle_deg - exact_deg).abs() < 1e-9 * exact_deg, "{s:?}");
        assert!((s.max_angle_acos_deg - exact_deg).abs() > 1e3 * exact_deg || s.max_angle_acos_deg == 0.0, "{s:?}");
    }

    #[test]
    fn medians_and_sample_deviations() {
        assert_eq!(median_sd(vec![3.0, 1.0, 2.0]), (2.0, 1.0));
        assert_eq!(median_sd(vec![4.0, 1.0]).0, 2.5);
        assert_eq!(median_sd(vec![7.0]), (7.0, 0.0));
        assert!(median_sd(Vec::new()).0.is_nan());
    }

    #[test]
    fn right_angles_means_and_nuclear_norms() {
        let w = rows(&[&[2.0, 0.0], &[0.0, 3.0], &[0.0, 0.0], &[1.0, 1.0]]);
        let s = of(&w, &[0, 1, 2, 3]);
        assert_eq!(s.group, 3, "the zero row has no direction");
        assert!((s.max_angle_deg - 90.0).abs() < 1e-12 && (s.avg_angle_deg - 60.0).abs() < 1e-12, "{s:?}");
        // Singular values of [[2,0],[0,3],[0,0],[1,1]]: eigenvalues of [[5,1],[1,10]].
        let (a, b) = (7.5 + (6.25f64 + 1.0).sqrt(), 7.5 - (6.25f64 + 1.0).sqrt());
        assert!((s.nuclear_norm - (a.sqrt() + b.sqrt())).abs() < 1e-12, "{s:?}");
        let x = vec![vec![1.0, 0.0]];
        assert_eq!(positive_group(&[vec![1.0, 0.0], vec![-1.0, 0.0], vec![1.0, 1.0]], &[1, 1, -1], &x), vec![0]);
    }
}
