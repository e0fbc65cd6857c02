//! `reluflow reproduce vardi-shamir`: Theorem 3 of Vardi & Shamir (COLT 2021), certified. For
//! X_γ with rows (3, −1, 0), (4, 2, 0), (0, γ, γ), y = α(16, 18, 0), w(0) = 0, σ'(0) = 1 and
//! L = ½Σ(σ(x_iᵀw) − y_i)², gradient flow converges to w(∞) = α(5, −1, s); the paper states s for
//! γ = 0, 1, 2, 5. Each row certifies the limit (t_end = ∞) in f64 intervals and in 256-bit MPFR
//! intervals and reports the enclosure of s = w₃(∞)/α, its width and the paper's interval.

use crate::commands::integrate::{Run, integrate_with};
use crate::exit::Failure;
use reluflow_arith::exact::{Dir, decimal_rounded};
use reluflow_arith::{Bound, Scalar};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::{Arithmetic, Data, Horizon, Init, Labels, LossScale, ModelKind, Problem, ReluPrime, RunConfig};
use rug::Rational;
use std::time::Instant;

/// The γ of the paper's table.
pub const PAPER_GAMMAS: [(i64, i64); 4] = [(0, 1), (1, 1), (2, 1), (5, 1)];
/// Further γ of the full sweep (as exact fractions), including large ones.
pub const SWEEP_GAMMAS: [(i64, i64); 10] =
    [(1, 4), (1, 2), (3, 2), (3, 1), (4, 1), (10, 1), (20, 1), (50, 1), (100, 1), (1000, 1)];
/// The α of the quick table and the further α of the full one (s/α must not depend on α).
pub const ALPHAS: [(i64, i64); 3] = [(1, 1), (1, 10), (7, 1)];

/// The paper's statement about s for `gamma` as exact decimals: an open interval, or the exact
/// value 0 for γ = 0 (both ends 0).
pub fn paper_interval(gamma: &Rational) -> Option<(Rational, Rational)> {
    let thousandths = |lo: i64, hi: i64| Some((Rational::from((lo, 1000)), Rational::from((hi, 1000))));
    match gamma.is_integer().then(|| gamma.numer().to_i32()).flatten() {
        Some(0) => thousandths(0, 0),
        Some(1) => thousandths(-45, -35),
        Some(2) => thousandths(-120, -100),
        Some(5) => thousandths(-220, -200),
        _ => None,
    }
}

/// One certified row of the table.
#[derive(Clone, Debug)]
pub struct Row {
    /// γ.
    pub gamma: Rational,
    /// α.
    pub alpha: Rational,
    /// `interval` (f64) or `mpfr-interval`.
    pub arithmetic: &'static str,
    /// MPFR bits (53 for f64 intervals).
    pub bits: u32,
    /// The enclosure of s = w₃(∞)/α as exact endpoints (`None`: the run did not certify a limit).
    pub s: Option<(Rational, Rational)>,
    /// Whether the certified limit's first two coordinates enclose 5α and −α.
    pub first_two: bool,
    /// The enclosure of the switch time t₁ (x₃ becomes inactive), if there is one.
    pub t1: Option<(Rational, Rational)>,
    /// Why the row is not certified, if it is not.
    pub undecided: Option<String>,
    /// Wall-clock seconds of the certified run.
    pub seconds: f64,
}

/// The problem of Theorem 3 for `gamma`, `alpha` in `arithmetic` with `bits`.
pub fn problem(gamma: &Rational, alpha: &Rational, arithmetic: Arithmetic, bits: u32) -> Result<Problem, Failure> {
    let r = |v: i64| Rational::from(v);
    let x = vec![vec![r(3), r(-1), r(0)], vec![r(4), r(2), r(0)], vec![r(0), gamma.clone(), gamma.clone()]];
    let y = vec![alpha.clone() * 16u32, alpha.clone() * 18u32, r(0)];
    let bad =
        |e: reluflow_model::ModelError| Failure::internal(anyhow::anyhow!("the Theorem 3 problem is invalid: {e}"));
    let data = Data::new(x, Labels::Given(y)).map_err(bad)?;
    let run = RunConfig { t_end: Horizon::Infinite, arithmetic, precision: bits };
    Problem::new(
        ModelKind::SingleNeuron,
        ReluPrime::One,
        LossScale::HalfSum,
        data,
        Init::Single { w: vec![r(0); 3] },
        run,
    )
    .map_err(bad)
}

fn bounds<S: Scalar>(x: &S) -> Option<(Rational, Rational)> {
    match (x.lower(), x.upper()) {
        (Bound::Finite(lo), Bound::Finite(hi)) => Some((lo, hi)),
        _ => None,
    }
}

fn read<S: Scalar>(traj: &Trajectory<S>, alpha: &Rational, row: &mut Row) {
    if let Status::Undecided { reason, .. } = traj.status() {
        row.undecided = Some(reason.to_string());
    }
    row.t1 = traj.events().first().and_then(|e| bounds(&e.t));
    let Some(limit) = traj.limit() else {
        row.undecided.get_or_insert_with(|| "no certified limit".into());
        return;
    };
    let w = &limit.state.w[0];
    let holds = |x: &S, v: Rational| bounds(x).is_some_and(|(lo, hi)| lo <= v && v <= hi);
    row.first_two = holds(&w[0], alpha.clone() * 5u32) && holds(&w[1], -alpha.clone());
    row.s = bounds(&w[2]).map(|(lo, hi)| (lo / alpha, hi / alpha));
}

/// Certifies the row (`gamma`, `alpha`) in f64 intervals (`bits = None`) or MPFR intervals.
pub fn certify_row(gamma: &Rational, alpha: &Rational, bits: Option<u32>) -> Result<Row, Failure> {
    let (arithmetic, name, b) = match bits {
        None => (Arithmetic::Interval, "interval", 53),
        Some(b) => (Arithmetic::MpfrInterval, "mpfr-interval", b),
    };
    let p = problem(gamma, alpha, arithmetic, b)?;
    let mut row = Row {
        gamma: gamma.clone(),
        alpha: alpha.clone(),
        arithmetic: name,
        bits: b,
        s: None,
        first_two: false,
        t1: None,
        undecided: None,
        seconds: 0.0,
    };
    let t0 = Instant::now();
    match integrate_with(&p, None)? {
        Run::Interval(t) => read(&t, alpha, &mut row),
        Run::MpInterval(t) => read(&t, alpha, &mut row),
        Run::F64(_) | Run::Mpfr(..) => row.undecided = Some("not a validated run".into()),
    }
    row.seconds = t0.elapsed().as_secs_f64();
    Ok(row)
}

/// `q` as a decimal with 17 significant digits, rounded in direction `dir`.
pub fn dec(q: &Rational, dir: Dir) -> String {
    decimal_rounded(q, 17, dir)
}

impl Row {
    /// The width of the enclosure of s (an upper bound, in f64).
    pub fn width(&self) -> Option<f64> {
        self.s.as_ref().map(|(lo, hi)| {
            let w = Rational::from(hi - lo);
            if w == 0 { 0.0 } else { reluflow_arith::rounding::f64_up(w.to_f64()) }
        })
    }

    /// Whether the certified enclosure of s lies in the paper's interval (`None`: no statement or
    /// no enclosure). γ = 0's statement is the exact value s = 0.
    pub fn within_paper(&self) -> Option<bool> {
        let (plo, phi) = paper_interval(&self.gamma)?;
        let (lo, hi) = self.s.as_ref()?;
        if plo == phi {
            return Some(*lo == plo && *hi == phi);
        }
        Some(*lo > plo && *hi < phi)
    }
}
