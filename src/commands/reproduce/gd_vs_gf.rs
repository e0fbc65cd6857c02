//! `reproduce certified-gd-vs-gf`: the certified gradient-flow trajectory of the paper-size
//! network (the shallow-network paper's uncentred scheme, m = 25, d = n = 16, λ = 4⁻⁷, seed 1 —
//! `examples/two-layer-paper-m25.toml`) beside gradient descent with the script's learning rate,
//! time rescaled (iteration k ↔ t = k·η with η = 0.02 on the paper's L, and GD read as the
//! piecewise-linear path through its iterates, so it can be compared at the flow's own times). At every certified
//! segment end the GD iterate is compared with the certified enclosure of the flow: its distance
//! to the box, relative to ‖θ‖, the box's own width, and the (neuron, point) pairs whose activity
//! differs. Where the distance stays near the box width GD follows GF; where it grows, it does not.

use crate::commands::integrate::{Run, integrate_with};
use crate::exit::Failure;
use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::data::{self, Scheme};
use reluflow_flow::net::field::{NetData, initial_state};
use reluflow_flow::net::gd::GdOptions;
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_flow::{Segment, State, Trajectory};
use reluflow_model::{Arithmetic, Horizon, LossScale, Problem, ReluPrime, RunConfig};
use rug::Rational;
use rug::ops::Pow;

/// GD's step on the paper's L (the script's 0.01 on twice that loss).
pub const ETA: f64 = 0.02;

/// One comparison at a certified segment end.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The segment end's time enclosure, as f64 bounds.
    pub t: (f64, f64),
    /// The GD iteration before it (`⌊t_mid / η⌋`; the path is interpolated to `t_mid`).
    pub iter: u64,
    /// The Euclidean distance from the GD iterate to the certified box, over ‖θ_GD‖.
    pub rel_dist: f64,
    /// The box's largest width.
    pub width: f64,
    /// (neuron, point) pairs active in one and not the other (GD iterate against the segment's pattern).
    pub mismatch: usize,
    /// The GD iterate's loss (the paper's L).
    pub loss: f64,
}

/// The whole comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// m, d.
    pub size: (usize, usize),
    /// λ = 4^exp.
    pub exp: i32,
    /// The certified horizon.
    pub t_end: u64,
    /// The status of the certified run, in words.
    pub status: String,
    /// The comparisons, in time order.
    pub points: Vec<Point>,
    /// Seconds to certify, and to run GD.
    pub seconds: (f64, f64),
}

/// The instance: `--quick` a small network (m = d = n = 4, λ = 4⁻³, t_end = 60), else the paper size.
fn problem(quick: bool) -> (Problem, (usize, usize), i32, u64) {
    let (d, m, exp, t_end): (usize, usize, i32, u64) = if quick { (4, 4, -3, 60) } else { (16, 25, -7, 2720) };
    let inst = data::generate(&data::Spec { scheme: Scheme::Uncentred, n: d, d, m, seed: 1 });
    let lambda = Rational::from(rug::Integer::from(4u32).pow(exp.unsigned_abs())).recip();
    let run =
        RunConfig { t_end: Horizon::Finite(Rational::from(t_end)), arithmetic: Arithmetic::Interval, precision: 53 };
    let p = inst.to_problem(lambda, ReluPrime::Zero, LossScale::HalfMean, run).expect("a valid instance");
    (p, (m, d), exp, t_end)
}

fn dist_to_box(x: &State<f64>, b: &State<Interval>) -> (f64, f64, f64) {
    let coords = |s: &State<f64>| -> Vec<f64> { s.w.iter().flatten().chain(s.a.iter().flatten()).copied().collect() };
    let boxes: Vec<&Interval> = b.w.iter().flatten().chain(b.a.iter().flatten()).collect();
    let (mut d2, mut n2, mut width) = (0f64, 0f64, 0f64);
    for (v, iv) in coords(x).iter().zip(boxes) {
        let (lo, hi) = (iv.lower_f64(), iv.upper_f64());
        let gap = if *v < lo {
            lo - v
        } else if *v > hi {
            v - hi
        } else {
            0.0
        };
        d2 += gap * gap;
        n2 += v * v;
        width = width.max(hi - lo);
    }
    (d2.sqrt(), n2.sqrt(), width)
}

/// `a + f·(b − a)`, coordinatewise.
fn lerp(a: &State<f64>, b: &State<f64>, f: f64) -> State<f64> {
    let mix = |x: &[f64], y: &[f64]| -> Vec<f64> { x.iter().zip(y).map(|(u, v)| u + f * (v - u)).collect() };
    State {
        w: a.w.iter().zip(&b.w).map(|(x, y)| mix(x, y)).collect(),
        a: a.a.as_ref().zip(b.a.as_ref()).map(|(x, y)| mix(x, y)),
    }
}

fn mismatch(gd: &State<f64>, data: &NetData<f64>, seg: &Segment<Interval>) -> usize {
    let mut count = 0;
    for (j, w) in gd.w.iter().enumerate() {
        for (i, x) in data.x.iter().enumerate() {
            let on = w.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() > 0.0;
            if on != seg.pattern().active[j].contains(&i) {
                count += 1;
            }
        }
    }
    count
}

fn compare(traj: &Trajectory<Interval>, p: &Problem) -> (Vec<Point>, f64) {
    let start = std::time::Instant::now();
    let data = NetData::<f64>::from_problem(p, &());
    let s0 = initial_state::<f64>(p, &()).expect("a two-layer problem");
    let mut gd = FastGd::auto(&data, &s0);
    let (mut done, mut out) = (0u64, Vec::new());
    let opts = |k| GdOptions { max_iters: k, record_every: u64::MAX, loss_threshold: None, stop_if_unchanged: false };
    for seg in traj.segments() {
        let (lo, hi) = (seg.t_end().lower_f64(), seg.t_end().upper_f64());
        let at = 0.5 * (lo + hi) / ETA;
        let k = at.floor() as u64;
        if k > done {
            gd.run(ETA, &opts(k - done));
            done = k;
        }
        // GD as a path: the segment between iterates k and k + 1, at t = at·η.
        let mut next = gd.clone();
        next.run(ETA, &opts(1));
        let s = lerp(&gd.state(), &next.state(), at - k as f64);
        let loss = gd.forward();
        let (dist, norm, width) = dist_to_box(&s, seg.end());
        let rel_dist = if norm > 0.0 { dist / norm } else { dist };
        out.push(Point { t: (lo, hi), iter: k, rel_dist, width, mismatch: mismatch(&s, &data, seg), loss });
    }
    (out, start.elapsed().as_secs_f64())
}

/// Certifies the flow and runs GD beside it.
pub fn run(quick: bool) -> Result<Comparison, Failure> {
    let (p, size, exp, t_end) = problem(quick);
    let start = std::time::Instant::now();
    let traj = match integrate_with(&p, None)? {
        Run::Interval(t) => t,
        _ => return Err(Failure::internal(anyhow::anyhow!("the comparison certifies in f64 intervals"))),
    };
    let certify_s = start.elapsed().as_secs_f64();
    let (points, gd_s) = compare(&traj, &p);
    let status = match traj.status() {
        reluflow_flow::Status::Certified => "certified".to_string(),
        s => format!("{s:?}"),
    };
    Ok(Comparison { size, exp, t_end, status, points, seconds: (certify_s, gd_s) })
}
