//! From a trajectory (any backend) to a [`Figure`]: the quantities of each panel evaluated on
//! every segment hull and end enclosure with the backend's own arithmetic, then mapped to plot
//! coordinates outward ([`scale`](super::scale)).

use super::scale::{Axis, approx, bounds};
use super::{Figure, Mark, Panel, Rect, Series, What};
use reluflow_arith::linalg::{dot, norm};
use reluflow_arith::{Guarantee, Scalar};
use reluflow_flow::{State, Status, Trajectory};
use reluflow_model::Problem;

/// What to draw and on which axes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// One panel per entry, in this order.
    pub what: Vec<What>,
    /// Time axis `log10 t` (t = 0 is drawn one decade left of the smallest positive time).
    pub log_time: bool,
    /// Value axes `log10 |value|`, computed from the exact endpoints.
    pub log_y: bool,
}

/// The loss `L = c Σ_i (h(x_i) − y_i)²` at the state `st` (for a hull: over every state in it),
/// with `c = problem.loss_factor()`, `h(x) = σ(wᵀx)` for the single neuron (`st.a = None`) and
/// `h(x) = Σ_j a_j σ(w_jᵀx)` for the two-layer network.
///
/// Guarantee: an enclosure backend returns an enclosure of the loss over every state in `st`
/// (interval extension of the formula, with the exact data and `c` enclosed by `from_rational`);
/// a point backend returns the rounded value. Degenerate cases: `n = 0` is impossible
/// (a validated `Problem` has data); an empty `st.w` gives `h = 0`.
pub fn loss<S: Scalar>(problem: &Problem, st: &State<S>, ctx: &S::Ctx) -> S {
    let data = problem.data();
    let mut sum = S::zero(ctx);
    for (xi, yi) in data.x().iter().zip(data.y()) {
        let x: Vec<S> = xi.iter().map(|q| S::from_rational(q, ctx)).collect();
        let h = match &st.a {
            None => st.w.first().map_or_else(|| S::zero(ctx), |w| dot(w, &x, ctx).relu()),
            Some(a) => {
                let mut h = S::zero(ctx);
                for (wj, aj) in st.w.iter().zip(a) {
                    h.add_mul_assign(aj, &dot(wj, &x, ctx).relu());
                }
                h
            }
        };
        sum = sum.add(&h.sub(&S::from_rational(yi, ctx)).sqr());
    }
    S::from_rational(&problem.loss_factor(), ctx).mul(&sum)
}

/// The named quantities of one panel at the state `st` (same guarantee as [`loss`]: enclosures
/// over every state in `st` for enclosure backends).
pub fn quantities<S: Scalar>(problem: &Problem, st: &State<S>, what: What, ctx: &S::Ctx) -> Vec<(String, S)> {
    let single = st.a.is_none();
    let neuron = |j: usize| if single { String::new() } else { format!("[{j}]") };
    match what {
        What::Weights => {
            let mut out = Vec::new();
            for (j, wj) in st.w.iter().enumerate() {
                out.extend(wj.iter().enumerate().map(|(k, v)| (format!("w{}[{k}]", neuron(j)), v.clone())));
            }
            if let Some(a) = &st.a {
                out.extend(a.iter().enumerate().map(|(j, v)| (format!("a[{j}]"), v.clone())));
            }
            out
        }
        What::Loss => vec![("L".to_string(), loss(problem, st, ctx))],
        What::Norms => st.w.iter().enumerate().map(|(j, wj)| (format!("‖w{}‖", neuron(j)), norm(wj, ctx))).collect(),
        What::Guards => {
            let xs: Vec<Vec<S>> =
                problem.data().x().iter().map(|xi| xi.iter().map(|q| S::from_rational(q, ctx)).collect()).collect();
            let mut out = Vec::new();
            for (j, wj) in st.w.iter().enumerate() {
                for (i, x) in xs.iter().enumerate() {
                    out.push((format!("w{}ᵀx[{i}]", neuron(j)), dot(wj, x, ctx)));
                }
            }
            out
        }
    }
}

/// Maps times to the time axis (linear, or `log10 t` clamped one decade below the smallest
/// positive time seen).
#[derive(Clone, Copy, Debug)]
struct TimeAxis {
    log_floor: Option<f64>,
}

impl TimeAxis {
    fn x(self, t: f64) -> f64 {
        match self.log_floor {
            None => t,
            Some(floor) => (if t > 0.0 { t.log10() } else { f64::NEG_INFINITY }).max(floor),
        }
    }
}

/// The status words of the title.
fn status_text<S: Scalar>(status: &Status<S>) -> String {
    match status {
        Status::Certified => "CERTIFIED".into(),
        Status::Undecided { certified_until, .. } => {
            format!("UNDECIDED (certified up to t ≥ {:.6e})", certified_until.lower_f64())
        }
        Status::NotValidated => "NOT VALIDATED (reference run, no promise)".into(),
    }
}

/// Builds the figure of `traj` for the problem read from the file called `name`.
///
/// Validated runs (an enclosure backend and a status other than `NotValidated`): per segment a band
/// `[t_start.lo, t_end.hi] × hull` (outward), the end enclosure `[t_end] × end` and the initial
/// enclosure at t = 0; segments starting past `certified_until` are left out and one straddling it
/// is cut at `certified_until.lo`. Point runs: one line through the initial value and every
/// segment end value.
pub fn figure<S: Scalar>(problem: &Problem, traj: &Trajectory<S>, name: &str, opts: &Options) -> Figure {
    let ctx = traj.t_final.ctx();
    let validated = S::GUARANTEE == Guarantee::Enclosure && !matches!(traj.status, Status::NotValidated);
    let cutoff = match &traj.status {
        Status::Undecided { certified_until, .. } => Some(certified_until.lower_f64()),
        _ => None,
    };
    let before_cutoff = |t: f64| cutoff.is_none_or(|c| t <= c);
    let y_axis = if opts.log_y { Axis::Log10Abs } else { Axis::Linear };
    let log_floor = opts.log_time.then(|| {
        let times = traj.segments.iter().flat_map(|s| [s.t_start.lower_f64(), s.t_end.lower_f64()]);
        let times = times.chain(traj.events.iter().map(|e| e.t.lower_f64())).chain(cutoff);
        let min = times.filter(|t| *t > 0.0 && t.is_finite()).fold(f64::INFINITY, f64::min);
        if min.is_finite() { min.log10().floor() - 1.0 } else { -3.0 }
    });
    let tx = TimeAxis { log_floor };
    let mut x_max = tx.x(traj.t_final.upper_f64());
    if let Some(c) = cutoff {
        x_max = x_max.min(tx.x(c));
    }
    let x_min = tx.x(0.0);
    if !x_max.is_finite() || x_max <= x_min {
        x_max = x_min + 1.0;
    }
    let limit_gutter = match (&traj.limit, validated) {
        (Some(_), true) => {
            let span = x_max - x_min;
            Some((x_max + 0.05 * span, x_max + 0.15 * span))
        }
        _ => None,
    };
    // Room right of the last time: the limit gutter, or (undecided) an empty uncertified strip.
    let right = match (limit_gutter, cutoff) {
        (Some(g), _) => g.1 + 0.02 * (x_max - x_min),
        (None, Some(_)) => x_max + 0.2 * (x_max - x_min),
        (None, None) => x_max,
    };
    let x_range = (x_min, right);
    let panels = opts
        .what
        .iter()
        .map(|&what| {
            let names = quantities(problem, &traj.initial, what, &ctx);
            let mut series: Vec<Series> = names
                .into_iter()
                .map(|(label, _)| Series { label, bands: vec![], ends: vec![], line: vec![], limit: None })
                .collect();
            let push_end = |series: &mut Vec<Series>, t: &S, st: &State<S>| {
                for (s, (_, q)) in series.iter_mut().zip(quantities(problem, st, what, &ctx)) {
                    if validated {
                        let (y0, y1) = bounds(&q, y_axis);
                        s.ends.push(Rect { x0: tx.x(t.lower_f64()), x1: tx.x(t.upper_f64()), y0, y1 });
                    } else {
                        s.line.push((tx.x(t.approx_f64()), approx(&q, y_axis)));
                    }
                }
            };
            push_end(&mut series, &S::zero(&ctx), &traj.initial);
            for seg in &traj.segments {
                let (t0, t1) = (seg.t_start.lower_f64(), seg.t_end.upper_f64());
                if validated {
                    if !before_cutoff(t0) {
                        continue;
                    }
                    let x1 = tx.x(cutoff.map_or(t1, |c| t1.min(c)));
                    for (s, (_, q)) in series.iter_mut().zip(quantities(problem, &seg.hull, what, &ctx)) {
                        let (y0, y1) = bounds(&q, y_axis);
                        s.bands.push(Rect { x0: tx.x(t0), x1, y0, y1 });
                    }
                    if !before_cutoff(t1) {
                        continue;
                    }
                }
                push_end(&mut series, &seg.t_end, &seg.end);
            }
            if let (Some(limit), Some((g0, g1))) = (&traj.limit, limit_gutter) {
                let values = match what {
                    What::Loss => vec![("L".to_string(), limit.loss.clone())],
                    _ => quantities(problem, &limit.state, what, &ctx),
                };
                for (s, (_, q)) in series.iter_mut().zip(values) {
                    let (y0, y1) = bounds(&q, y_axis);
                    s.limit = Some(Rect { x0: g0, x1: g1, y0, y1 });
                }
            }
            let y_label = if opts.log_y { format!("log10 |{}|", what.name()) } else { what.name().to_string() };
            Panel { what, y_label, series }
        })
        .collect();
    let events = traj
        .events
        .iter()
        .filter(|e| !validated || before_cutoff(e.t.lower_f64()))
        .map(|e| {
            let (x0, x1) = if validated {
                (tx.x(e.t.lower_f64()), tx.x(e.t.upper_f64()))
            } else {
                let x = tx.x(e.t.approx_f64());
                (x, x)
            };
            Mark { x0, x1, label: format!("{} x{} n{}", e.kind.name(), e.point, e.neuron) }
        })
        .collect();
    let undecided = match &traj.status {
        Status::Undecided { reason, certified_until } => {
            let x = tx.x(certified_until.lower_f64());
            Some(Mark { x0: x, x1: x, label: format!("undecided: {reason}") })
        }
        _ => None,
    };
    let title = format!(
        "{name} — {}, {}: {}",
        problem.model().name(),
        problem.run().arithmetic.name(),
        status_text(&traj.status)
    );
    let x_label = match log_floor {
        None => "t".to_string(),
        Some(_) => "log10 t (t = 0 at the left edge)".to_string(),
    };
    Figure { title, x_label, x_range, panels, events, undecided, limit_gutter, validated }
}
