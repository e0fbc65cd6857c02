//! From a trajectory (any backend) to a [`Figure`]: the quantities of each panel evaluated on
//! every segment hull and end enclosure with the backend's own arithmetic, then mapped to plot
//! coordinates outward ([`scale`](super::scale)).

use super::scale::{Axis, approx, bounds};
use super::{Figure, Mark, Panel, Rect, Series, What, coarsen};
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
/// is cut at `certified_until.lo`. Long runs are coarsened ([`coarsen`]: hulls of consecutive
/// bands, still enclosures). Point runs: one line through the initial value and every
/// segment end value.
pub fn figure<S: Scalar>(problem: &Problem, traj: &Trajectory<S>, name: &str, opts: &Options) -> Figure {
    let ctx = traj.t_final().ctx();
    let validated = S::GUARANTEE == Guarantee::Enclosure && !matches!(traj.status(), Status::NotValidated);
    let cutoff = match traj.status() {
        Status::Undecided { certified_until, .. } => Some(certified_until.lower_f64()),
        _ => None,
    };
    let before_cutoff = |t: f64| cutoff.is_none_or(|c| t <= c);
    let y_axis = if opts.log_y { Axis::Log10Abs } else { Axis::Linear };
    let log_floor = opts.log_time.then(|| {
        let times = traj.segments().iter().flat_map(|s| [s.t_start().lower_f64(), s.t_end().lower_f64()]);
        let times = times.chain(traj.events().iter().map(|e| e.t.lower_f64())).chain(cutoff);
        let min = times.filter(|t| *t > 0.0 && t.is_finite()).fold(f64::INFINITY, f64::min);
        if min.is_finite() { min.log10().floor() - 1.0 } else { -3.0 }
    });
    let tx = TimeAxis { log_floor };
    let mut x_max = tx.x(traj.t_final().upper_f64());
    if let Some(c) = cutoff {
        x_max = x_max.min(tx.x(c));
    }
    let x_min = tx.x(0.0);
    if !x_max.is_finite() || x_max <= x_min {
        x_max = x_min + 1.0;
    }
    // The limit is drawn only as part of a certified run (an undecided run promises nothing past
    // certified_until, so not its limit either).
    let limit_gutter = match (traj.limit(), traj.status()) {
        (Some(_), Status::Certified) if validated => {
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
            let names = quantities(problem, traj.initial(), what, &ctx);
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
            push_end(&mut series, &S::zero(&ctx), traj.initial());
            for seg in traj.segments() {
                let (t0, t1) = (seg.t_start().lower_f64(), seg.t_end().upper_f64());
                if validated {
                    if !before_cutoff(t0) {
                        continue;
                    }
                    let x1 = tx.x(cutoff.map_or(t1, |c| t1.min(c)));
                    for (s, (_, q)) in series.iter_mut().zip(quantities(problem, seg.hull(), what, &ctx)) {
                        let (y0, y1) = bounds(&q, y_axis);
                        s.bands.push(Rect { x0: tx.x(t0), x1, y0, y1 });
                    }
                    if !before_cutoff(t1) {
                        continue;
                    }
                }
                push_end(&mut series, seg.t_end(), seg.end());
            }
            if let (Some(limit), Some((g0, g1))) = (traj.limit(), limit_gutter) {
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
        .events()
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
    let undecided = match traj.status() {
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
        status_text(traj.status())
    );
    let x_label = match log_floor {
        None => "t".to_string(),
        Some(_) => "log10 t (t = 0 at the left edge)".to_string(),
    };
    let mut fig = Figure { title, x_label, x_range, panels, events, undecided, limit_gutter, validated, merged: 1 };
    fig.merged = coarsen::coarsen(&mut fig);
    fig
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::{Enclosure, Interval};
    use reluflow_flow::{Event, EventKind, Limit, Pattern, SegmentParts, UndecidedReason};

    const SPEC: &str = "model = \"single-neuron\"\n[data]\nx = [[1, 0], [0, 1]]\ny = [1, 0.5]\n\
                        [init]\nw = [0.5, 2]\n[run]\nt_end = 4\narithmetic = \"interval\"\n";

    fn problem() -> Problem {
        crate::spec::parse("p.toml", SPEC).unwrap()
    }

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval::from_f64_bounds(lo, hi, &())
    }

    fn state(w0: Interval, w1: Interval) -> State<Interval> {
        State { w: vec![vec![w0, w1]], a: None }
    }

    /// Three segments [0, 1], [1, 2], [2, 3] with an event at t ∈ [0.99, 1.01] and one at 2.
    fn traj(status: Status<Interval>) -> Trajectory<Interval> {
        let pattern = Pattern { active: vec![vec![0, 1]], frozen: vec![false], sliding: Vec::new() };
        let seg = |a: f64, b: f64| SegmentParts {
            t_start: iv(a, a),
            t_end: iv(b, b),
            pattern: pattern.clone(),
            hull: state(iv(0.5, 1.0), iv(1.0, 2.0)),
            end: state(iv(0.9, 0.95), iv(1.1, 1.2)),
        };
        let ev = |t: Interval| Event { t, point: 1, neuron: 0, kind: EventKind::Deactivate };
        Trajectory::from_parts(reluflow_flow::TrajectoryParts {
            initial: state(iv(0.5, 0.5), iv(2.0, 2.0)),
            segments: vec![seg(0.0, 1.0), seg(1.0, 2.0), seg(2.0, 3.0)],
            events: vec![ev(iv(0.99, 1.01)), ev(iv(2.0, 2.0))],
            final_state: state(iv(0.9, 0.95), iv(1.1, 1.2)),
            t_final: iv(3.0, 3.0),
            limit: None,
            status,
        })
        .unwrap()
    }

    fn opts(what: &[What]) -> Options {
        Options { what: what.to_vec(), log_time: false, log_y: false }
    }

    #[test]
    fn loss_encloses_the_exact_value() {
        // L = ½ ((σ(0.5) − 1)² + (σ(2) − 0.5)²) = ½ (0.25 + 2.25) = 1.25.
        let l = loss(&problem(), &state(iv(0.5, 0.5), iv(2.0, 2.0)), &());
        assert!(l.contains_rational(&rug::Rational::from((5, 4))), "{l:?}");
        // On a box the enclosure covers every state in it: w = (0, 0) gives ½(1 + 0.25) = 0.625.
        let l = loss(&problem(), &state(iv(0.0, 0.5), iv(0.0, 2.0)), &());
        assert!(l.contains_rational(&rug::Rational::from((5, 8))) && l.contains_rational(&rug::Rational::from((5, 4))));
        let two = State { w: vec![vec![iv(1.0, 1.0), iv(0.0, 0.0)]], a: Some(vec![iv(2.0, 2.0)]) };
        // h(x_0) = 2, h(x_1) = 0 (the loss factor of the file is used as given: half-sum here).
        let l = loss(&problem(), &two, &());
        assert!(l.contains_rational(&rug::Rational::from((5, 8))), "{l:?}");
    }

    #[test]
    fn quantities_are_named_and_evaluated() {
        let st = state(iv(3.0, 3.0), iv(4.0, 4.0));
        let p = problem();
        let names = |w| quantities(&p, &st, w, &()).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(What::Weights), ["w[0]", "w[1]"]);
        assert_eq!(names(What::Guards), ["wᵀx[0]", "wᵀx[1]"]);
        let norms = quantities(&p, &st, What::Norms, &());
        assert!(norms[0].1.contains_rational(&rug::Rational::from(5)));
    }

    #[test]
    fn certified_run_has_one_band_per_segment_and_every_event() {
        let fig = figure(&problem(), &traj(Status::Certified), "p.toml", &opts(&[What::Weights, What::Loss]));
        assert!(fig.validated && fig.title.contains("CERTIFIED") && fig.title.starts_with("p.toml"));
        assert_eq!(fig.panels.len(), 2);
        for s in &fig.panels[0].series {
            assert_eq!(s.bands.len(), 3);
            assert_eq!(s.ends.len(), 4, "t = 0 and three segment ends");
            assert!(s.line.is_empty());
        }
        assert_eq!(fig.panels[0].series[1].bands[1], Rect { x0: 1.0, x1: 2.0, y0: 1.0, y1: 2.0 });
        assert_eq!(fig.events.len(), 2);
        assert_eq!((fig.events[0].x0, fig.events[0].x1), (0.99, 1.01));
        assert_eq!(fig.events[0].label, "deactivate x1 n0");
        assert_eq!(fig.x_range, (0.0, 3.0));
        assert!(fig.undecided.is_none() && fig.limit_gutter.is_none());
    }

    #[test]
    fn nothing_is_certified_past_certified_until() {
        let status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: iv(1.5, 1.5) };
        let fig = figure(&problem(), &traj(status), "p.toml", &opts(&[What::Weights]));
        assert!(fig.title.contains("UNDECIDED"));
        let u = fig.undecided.as_ref().unwrap();
        assert_eq!(u.x0, 1.5);
        assert!(u.label.starts_with("undecided: step size underflow"));
        for s in &fig.panels[0].series {
            assert_eq!(s.bands.len(), 2, "the third segment starts after the cut-off");
            assert!(s.bands.iter().all(|r| r.x1 <= 1.5), "the straddling segment is cut");
            assert_eq!(s.ends.len(), 2, "t = 0 and the first segment end only");
        }
        assert_eq!(fig.events.len(), 1, "the event at t = 2 is past the cut-off");
        assert!(fig.x_range.1 > 1.5, "an empty uncertified strip is shown");
    }

    #[test]
    fn limit_goes_to_a_gutter_right_of_the_last_time() {
        let mut t = traj(Status::Certified);
        let pattern = Pattern { active: vec![vec![0]], frozen: vec![false], sliding: Vec::new() };
        t = t
            .edit(|p| {
                p.limit = Some(Limit {
                    state: state(iv(1.0, 1.0), iv(0.5, 0.5)),
                    loss: iv(0.0, 0.0),
                    pattern,
                    rate: None,
                    on_hyperplane: Vec::new(),
                });
            })
            .unwrap();
        let fig = figure(&problem(), &t, "p.toml", &opts(&[What::Loss, What::Weights]));
        let (g0, g1) = fig.limit_gutter.unwrap();
        assert!(3.0 < g0 && g0 < g1 && g1 < fig.x_range.1);
        assert_eq!(fig.panels[0].series[0].limit, Some(Rect { x0: g0, x1: g1, y0: 0.0, y1: 0.0 }));
        assert_eq!(fig.panels[1].series[1].limit.unwrap().y1, 0.5);
        t = t
            .edit(|p| {
                p.status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: iv(3.0, 3.0) };
            })
            .unwrap();
        let fig = figure(&problem(), &t, "p.toml", &opts(&[What::Loss]));
        assert!(fig.limit_gutter.is_none() && fig.panels[0].series[0].limit.is_none());
    }

    #[test]
    fn log_axes_map_times_and_values() {
        let o = Options { what: vec![What::Weights], log_time: true, log_y: true };
        let fig = figure(&problem(), &traj(Status::Certified), "p.toml", &o);
        // Smallest positive time 0.99 → floor(log10 0.99) − 1 = −2; t = 0 is drawn at −2.
        assert_eq!(fig.x_range.0, -2.0);
        let band = fig.panels[0].series[1].bands[1];
        assert_eq!((band.x0, band.x1), (0.0, 2f64.log10()));
        assert!(band.y0 <= 0.0 && band.y1 >= 2f64.log10() && band.y1 - 2f64.log10() < 1e-15);
        assert!(fig.x_label.starts_with("log10 t") && fig.panels[0].y_label.starts_with("log10"));
    }

    #[test]
    fn point_runs_are_lines_and_not_validated() {
        let t = Trajectory::<f64>::from_parts(reluflow_flow::TrajectoryParts {
            initial: State { w: vec![vec![0.5, 2.0]], a: None },
            segments: vec![SegmentParts {
                t_start: 0.0,
                t_end: 1.0,
                pattern: Pattern { active: vec![vec![0, 1]], frozen: vec![false], sliding: Vec::new() },
                hull: State { w: vec![vec![0.7, 1.0]], a: None },
                end: State { w: vec![vec![0.7, 1.0]], a: None },
            }],
            events: vec![],
            final_state: State { w: vec![vec![0.7, 1.0]], a: None },
            t_final: 1.0,
            limit: None,
            status: Status::NotValidated,
        })
        .unwrap();
        let fig = figure(&problem(), &t, "p.toml", &opts(&[What::Weights]));
        assert!(!fig.validated && fig.title.contains("NOT VALIDATED"));
        let s = &fig.panels[0].series[0];
        assert!(s.bands.is_empty() && s.ends.is_empty());
        assert_eq!(s.line, [(0.0, 0.5), (1.0, 0.7)]);
    }
}
