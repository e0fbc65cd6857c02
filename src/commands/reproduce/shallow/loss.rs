//! The plan and the files of `reproduce shallow-loss`: a CSV of every recorded point, a markdown
//! summary (per λ: iterations to the threshold, final training and test loss, and whether the
//! final test loss falls with λ, as the paper's Fig. 2 and 9 show), and an SVG with both curves.

use super::curve::Curve;
use super::trial::{SCRIPT_LR, SCRIPT_THRESHOLD, Trial};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// The runs of a variant: `(centred, d, m)` per figure, the λ exponents, the cap and the grid.
#[derive(Clone, Debug)]
pub struct LossPlan {
    /// One `(centred, d, m)` per figure.
    pub figures: Vec<(bool, usize, usize)>,
    /// λ = 4^e.
    pub exps: Vec<i32>,
    /// Iteration cap.
    pub max_iters: u64,
    /// Points on the geometric grid.
    pub grid: usize,
    /// The variant's name.
    pub name: &'static str,
}

impl LossPlan {
    /// `--quick` (seconds: d = 4, m = 25) or the paper's Fig. 2 and 9.
    pub fn new(quick: bool) -> LossPlan {
        if quick {
            LossPlan {
                figures: vec![(true, 4, 25)],
                exps: vec![-2, -5, -8],
                max_iters: 20_000,
                grid: 30,
                name: "--quick",
            }
        } else {
            let figures = vec![(true, 16, 200), (false, 16, 25)];
            LossPlan { figures, exps: (-8..=-2).rev().collect(), max_iters: 20_000_000, grid: 100, name: "default" }
        }
    }

    /// One trial per figure and λ.
    pub fn trials(&self, seed: u64) -> Vec<Trial> {
        let mut out = Vec::new();
        for &(centred, d, m) in &self.figures {
            for &exp in &self.exps {
                out.push(Trial { centred, d, m, exp, trial: 0, max_iters: self.max_iters, seed, rho_milli: None });
            }
        }
        out
    }
}

fn figure(t: &Trial) -> String {
    format!("{} d={} m={}", if t.centred { "centred" } else { "uncentred" }, t.d, t.m)
}

fn csv(curves: &[Curve]) -> String {
    let mut out = String::from("scheme,d,m,lambda_exp4,iteration,train_loss,test_loss\n");
    for c in curves {
        let t = &c.trial;
        let scheme = if t.centred { "centred" } else { "uncentred" };
        for (k, train, test) in &c.points {
            let _ = writeln!(out, "{scheme},{},{},{},{k},{train:e},{test:e}", t.d, t.m, t.exp);
        }
    }
    out
}

fn markdown(plan: &LossPlan, seed: u64, curves: &[Curve]) -> String {
    let mut md = String::from("# Shallow ReLU network, correlated inputs: training and test loss along GD\n\n");
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce shallow-loss`, {}, --seed {seed}): the experiment script's data (n = d) and \
balanced initialisation at λ = 4^e, e ∈ {:?}; gradient descent with learning rate {SCRIPT_LR} on the script's \
loss (1/n)Σ(h − y)², σ'(0) = 0, float64, until that loss is below {SCRIPT_THRESHOLD:e} or {} iterations. The \
test loss is the script's out-of-distribution one: 4n points from N(0, I_d), labelled by the teacher, same \
normalisation. Both are recorded at about {} iterations on a geometric grid.\n",
        plan.name, plan.exps, plan.max_iters, plan.grid
    );
    md.push_str(
        "| figure | λ | iterations | stop | final training loss | final test loss |\n|---|---|---|---|---|---|\n",
    );
    for c in curves {
        let (k, train, test) = c.points.last().copied().unwrap_or((0, f64::NAN, f64::NAN));
        let _ =
            writeln!(md, "| {} | 4^{} | {k} | {} | {train:.3e} | {test:.3e} |", figure(&c.trial), c.trial.exp, c.stop);
    }
    md.push('\n');
    for &(centred, d, m) in &plan.figures {
        let mut v: Vec<&Curve> =
            curves.iter().filter(|c| (c.trial.centred, c.trial.d, c.trial.m) == (centred, d, m)).collect();
        v.sort_by_key(|c| -c.trial.exp);
        let tests: Vec<f64> = v.iter().filter_map(|c| c.points.last().map(|p| p.2)).collect();
        let falls = tests.windows(2).filter(|w| w[1] < w[0]).count();
        let _ = writeln!(
            md,
            "- {}: the final test loss falls at {falls} of {} steps to a smaller λ (the paper: smaller λ generalises better).",
            v.first().map_or(String::new(), |c| figure(&c.trial)),
            tests.len().saturating_sub(1)
        );
    }
    md
}

fn err(e: impl ToString) -> Failure {
    Failure::internal(anyhow::anyhow!("drawing the plot: {}", e.to_string()))
}

/// One panel: log10 of a loss (column `col`: 1 training, 2 test) against log10 (iteration + 1).
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    curves: &[Curve],
    col: usize,
    title: &str,
) -> Result<(), Failure> {
    let pick = |p: &(u64, f64, f64)| ((p.0 as f64 + 1.0).log10(), if col == 1 { p.1 } else { p.2 }.max(1e-300).log10());
    let pts: Vec<(f64, f64)> = curves.iter().flat_map(|c| c.points.iter().map(pick)).collect();
    let (x1, y0, y1) = pts.iter().fold((1f64, f64::MAX, f64::MIN), |(a, b, c), p| (a.max(p.0), b.min(p.1), c.max(p.1)));
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..x1 + 0.1, (y0 - 0.5)..(y1 + 0.5))
        .map_err(err)?;
    chart.configure_mesh().x_desc("log10(iteration + 1)").y_desc("log10 loss").draw().map_err(err)?;
    for (k, c) in curves.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        chart
            .draw_series(LineSeries::new(c.points.iter().map(pick), color.stroke_width(2)))
            .map_err(err)?
            .label(format!("{} λ=4^{}", figure(&c.trial), c.trial.exp))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
    }
    chart.configure_series_labels().border_style(BLACK).label_font(("sans-serif", 10)).draw().map_err(err)?;
    Ok(())
}

fn svg(curves: &[Curve]) -> Result<String, Failure> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (1100, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (left, right) = root.split_horizontally(550);
        panel(&left, curves, 1, "training loss")?;
        panel(&right, curves, 2, "out-of-distribution test loss")?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Writes `shallow-loss.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, plan: &LossPlan, seed: u64, curves: &[Curve]) -> Result<(), Failure> {
    save(dir, "shallow-loss.csv", &csv(curves))?;
    save(dir, "shallow-loss.md", &markdown(plan, seed, curves))?;
    save(dir, "shallow-loss.svg", &svg(curves)?)
}
