//! The fast screen of the single-neuron claims: an f64 run of the closed form ([`run`]) judged
//! directly against the claim's conclusion, with a continuous, scale-free slack; and of the
//! two-layer claim that can fail, support-vector stability per neuron ([`net`]: an adaptive f64
//! integration of the fixed-pattern flow).
//!
//! It stands in for the full screen (the project's reference integrator in exact-pattern
//! arithmetic plus the checker on the sampled run, about 1.5 ms a case) on the claims that are
//! *conjectures* — `lsy.norm-growth`, `lsy.support-vector-stability`, `lsy.global-convergence-d2`
//! — where the search hunts counterexamples and speed decides how many instances it sees. A fast
//! violation goes straight to the certified run (it never counts as a counterexample by itself);
//! an instance the fast run cannot judge (a start on a hyperplane it cannot resolve, chattering)
//! goes to the full screen. The theorems of the catalogue keep the full screen: a search over a
//! theorem is a test of the project's own integrators and checker, so its screen must run them.
//!
//! Slacks (negative exactly when the samples break the conclusion):
//! * norm growth: the least `cos∠(w, ẇ)` over the samples (`d/dt ½‖w‖² = wᵀẇ`);
//! * support vectors: per point once deactivated, minus its largest later `cos∠(x_i, w)` (a
//!   reactivation makes it positive); per point never deactivated, its least `cos∠(x_i, w)` once
//!   active (how near it came to deactivating); the least over points;
//! * global convergence: minus the limit's loss relative to `c Σ y_i²` when that is not zero, else
//!   the least `cos∠(x_i, w)` of a positive-label point once active.

mod eig;
pub mod net;
pub mod run;
mod start;

use reluflow_model::{Horizon, Init, ModelKind, Problem};
pub use run::{Neuron, Run};

/// The fast screen's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Fast {
    /// The samples keep the conclusion (`slack ≥` the claim's threshold).
    Clear {
        /// The slack.
        slack: Option<f64>,
        /// What was seen.
        text: String,
    },
    /// The samples break it: certify.
    Violated {
        /// The slack (negative).
        slack: f64,
        /// What was seen.
        text: String,
        /// The time to cut a finite horizon after (the worst sample), if any.
        witness_time: Option<f64>,
    },
    /// No unique solution from the start (the certified run cannot certify one either).
    Undecided {
        /// Why.
        text: String,
    },
}

/// Relative margin under which a sampled quantity counts as breaking its sign (rounding noise of
/// the f64 run is far below it).
pub const THRESHOLD: f64 = 1e-9;

/// The single-neuron claims the fast screen judges (two-layer ones: [`net::CLAIMS`]).
pub const CLAIMS: [&str; 3] = ["lsy.norm-growth", "lsy.support-vector-stability", "lsy.global-convergence-d2"];

/// The f64 instance of a single-neuron problem (`None` for the two-layer model).
pub fn neuron(p: &Problem) -> Option<Neuron> {
    let Init::Single { w } = p.init() else { return None };
    let data = p.data();
    Some(Neuron {
        d: data.d(),
        x: data.x().iter().flatten().map(|v| v.to_f64()).collect(),
        y: data.y().iter().map(|v| v.to_f64()).collect(),
        w0: w.iter().map(|v| v.to_f64()).collect(),
        g: p.grad_factor().to_f64(),
        zero_active: p.relu_prime().zero_is_active(),
        horizon: match &p.run().t_end {
            Horizon::Finite(t) => Some(t.to_f64()),
            Horizon::Infinite => None,
        },
    })
}

/// The fast screen of claim `id` on `p`: `None` when the claim or the model is not one it
/// judges, `Some(Err(why))` when the instance must go to the full screen. Two-layer problems go to
/// [`net::screen`].
pub fn screen(id: &str, p: &Problem) -> Option<Result<Fast, String>> {
    if p.model() == ModelKind::TwoLayer {
        return net::screen(id, p);
    }
    if !CLAIMS.contains(&id) {
        return None;
    }
    let nr = neuron(p)?;
    let r = match run::run(&nr) {
        Ok(r) => r,
        Err(run::Start::Escalate(why)) => return Some(Err(why)),
        Err(run::Start::NotUnique(why)) => return Some(Ok(Fast::Undecided { text: format!("fast screen: {why}") })),
    };
    Some(match id {
        "lsy.norm-growth" => Ok(norm_growth(&nr, &r)),
        "lsy.support-vector-stability" => Ok(support_vectors(&nr, &r)),
        _ => convergence(&nr, &r),
    })
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

/// `aᵀb/(‖a‖‖b‖)`, or `None` when either is 0.
fn cos(a: &[f64], b: &[f64]) -> Option<f64> {
    let den = (dot(a, a) * dot(b, b)).sqrt();
    (den > 0.0).then(|| dot(a, b) / den)
}

fn norm_growth(nr: &Neuron, r: &Run) -> Fast {
    let s = &r.samples;
    let d = nr.d;
    let mut worst: Option<(f64, f64)> = None;
    for j in 0..s.t.len() {
        if let Some(c) = cos(&s.w[j * d..(j + 1) * d], &s.v[j * d..(j + 1) * d])
            && worst.is_none_or(|(w, _)| c < w)
        {
            worst = Some((c, s.t[j]));
        }
    }
    match worst {
        Some((c, t)) if c < -THRESHOLD => Fast::Violated {
            slack: c,
            text: format!("fast screen: d/dt ½‖w‖² < 0 at t ≈ {t:.6} (cos∠(w, ẇ) = {c:.3e})"),
            witness_time: Some(t),
        },
        Some((c, _)) => Fast::Clear {
            slack: Some(c),
            text: format!("fast screen: least cos∠(w, ẇ) = {c:.3e} over {} samples", s.t.len()),
        },
        None => Fast::Clear { slack: None, text: "fast screen: w does not move".into() },
    }
}

/// `cos∠(x_i, w)` of point `i` at every sample (0 where `w = 0`), then at the limit.
fn margins(nr: &Neuron, r: &Run, i: usize) -> Vec<f64> {
    let xi = &nr.x[i * nr.d..(i + 1) * nr.d];
    let at = |w: &[f64]| cos(xi, w).unwrap_or(0.0);
    let mut out: Vec<f64> = r.samples.w.chunks(nr.d).map(at).collect();
    out.extend(r.limit.as_deref().map(at));
    out
}

/// The piece of each entry of [`margins`] (the limit belongs to the last piece).
fn pieces_of(r: &Run) -> Vec<usize> {
    let mut out = r.samples.piece.clone();
    out.extend(r.limit.as_ref().map(|_| r.pieces.len() - 1));
    out
}

/// The entries of `z` from the first whose piece is at least `from` on.
fn from_piece<'a>(z: &'a [f64], of: &[usize], from: usize) -> &'a [f64] {
    &z[of.iter().position(|k| *k >= from).unwrap_or(z.len())..]
}

/// The least value of `z` after its largest one: how far a rising-then-falling margin came back
/// down (the dip), not the value at the switch where it started from 0.
fn dip_after_peak(z: &[f64]) -> f64 {
    let peak = (0..z.len()).max_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap_or(0);
    z[peak..].iter().copied().fold(f64::INFINITY, f64::min)
}

/// The largest value of `z` after its least one: how far a falling-then-rising margin came back.
fn rise_after_trough(z: &[f64]) -> f64 {
    let trough = (0..z.len()).min_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap_or(0);
    z[trough..].iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn support_vectors(nr: &Neuron, r: &Run) -> Fast {
    let of = pieces_of(r);
    let mut worst: Option<(f64, usize)> = None;
    for i in 0..nr.y.len() {
        let hist: Vec<bool> = r.pieces.iter().map(|p| p.active[i]).collect();
        let Some(on) = hist.iter().position(|a| *a) else { continue };
        let z = margins(nr, r, i);
        let reactivated = hist.windows(2).skip(on).any(|w| !w[0] && w[1]);
        let slack = match hist[on..].iter().position(|a| !*a).map(|k| on + k) {
            _ if reactivated => -THRESHOLD.max(rise_after_trough(from_piece(&z, &of, on))),
            Some(off) => (-rise_after_trough(from_piece(&z, &of, off))).max(0.0),
            None => dip_after_peak(from_piece(&z, &of, on)).max(0.0),
        };
        if worst.is_none_or(|(w, _)| slack < w) {
            worst = Some((slack, i));
        }
    }
    match worst {
        Some((s, i)) if s < 0.0 => Fast::Violated {
            slack: s,
            text: format!("fast screen: point {i} is active, then inactive, then active again"),
            witness_time: None,
        },
        Some((s, _)) => {
            Fast::Clear { slack: Some(s), text: format!("fast screen: {} patterns, no reactivation", r.pieces.len()) }
        }
        None => Fast::Clear { slack: None, text: "fast screen: no point is ever active".into() },
    }
}

fn convergence(nr: &Neuron, r: &Run) -> Result<Fast, String> {
    let w = r.limit.as_ref().ok_or("the fast screen judges convergence only for t → ∞")?;
    let c = nr.g / 2.0;
    let rows = nr.x.chunks(nr.d);
    let loss: f64 = rows.zip(&nr.y).map(|(xi, yi)| (dot(xi, w).max(0.0) - yi).powi(2)).sum::<f64>() * c;
    let scale = c * nr.y.iter().map(|y| y * y).sum::<f64>();
    let rel = if scale > 0.0 { loss / scale } else { loss };
    if rel > THRESHOLD {
        let text = format!("fast screen: the limit has loss {loss:.3e} ({rel:.3e} of c Σ y²)");
        return Ok(Fast::Violated { slack: -rel, text, witness_time: None });
    }
    let of = pieces_of(r);
    let point = |i: usize| {
        let on = r.pieces.iter().position(|p| p.active[i]).filter(|_| nr.y[i] > 0.0)?;
        Some(dip_after_peak(from_piece(&margins(nr, r, i), &of, on)).max(0.0))
    };
    let slack = (0..nr.y.len()).filter_map(point).reduce(f64::min);
    Ok(Fast::Clear { slack, text: format!("fast screen: the limit has loss {loss:.3e}") })
}
