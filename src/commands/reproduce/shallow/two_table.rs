//! The files of `reproduce two-teachers`: one CSV row per run, and a markdown summary with the
//! median ± sd of the largest angle in each sign group against ρ, and an SVG of the medians.

use super::stats::median_sd;
use super::two::{TwoOutcome, TwoPlan};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn rho(o: &TwoOutcome) -> f64 {
    f64::from(o.trial.rho_milli.unwrap_or(0)) / 1000.0
}

fn csv(rows: &[TwoOutcome]) -> String {
    let mut out = String::from(
        "rho,trial,iters,stop,loss,positive_group,positive_max_angle_deg,negative_group,negative_max_angle_deg,seconds\n",
    );
    for o in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{:e},{},{:e},{},{:e},{:.3}",
            rho(o),
            o.trial.trial,
            o.iters,
            o.stop,
            o.loss,
            o.positive.group,
            o.positive.max_angle_deg,
            o.negative.group,
            o.negative.max_angle_deg,
            o.seconds
        );
    }
    out
}

/// One ρ: ρ, median and sd of the positive and of the negative group's largest angle, capped runs,
/// runs.
type Summary = (f64, (f64, f64), (f64, f64), usize, usize);

/// Per ρ, in increasing order.
fn summary(rows: &[TwoOutcome]) -> Vec<Summary> {
    let mut rhos: Vec<u32> = rows.iter().filter_map(|o| o.trial.rho_milli).collect();
    rhos.sort_unstable();
    rhos.dedup();
    rhos.iter()
        .map(|r| {
            let v: Vec<&TwoOutcome> = rows.iter().filter(|o| o.trial.rho_milli == Some(*r)).collect();
            let pos = median_sd(v.iter().map(|o| o.positive.max_angle_deg).collect());
            let neg = median_sd(v.iter().map(|o| o.negative.max_angle_deg).collect());
            let capped = v.iter().filter(|o| o.stop == "max-iters").count();
            (f64::from(*r) / 1000.0, pos, neg, capped, v.len())
        })
        .collect()
}

fn markdown(plan: &TwoPlan, seed: u64, rows: &[TwoOutcome]) -> String {
    let mut md = String::from("# Shallow ReLU network with two teachers (Appendix I)\n\n");
    let rhos: Vec<f64> = plan.rhos.iter().map(|r| f64::from(*r) / 1000.0).collect();
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce two-teachers`, {name}, --seed {seed}): d = {d}, {d} points around a random unit \
centre and {d} around its opposite, each cluster with covariance ρ/d·I; teachers v₁ = normalize(centre + noise) and \
v₂ = 3·normalize(−centre + noise); labels σ(v₁ᵀx) − σ(v₂ᵀx); m = {m}, λ = 4^{exp}, the script's gradient descent \
(learning rate 0.01 on its loss, σ'(0) = 0, float64) until the loss is below 1e-9 or {cap} iterations; {k} trials \
per ρ. The paper does not state its ρ values; these are ρ = {rhos:?} (0.414 ≈ √2 − 1, its uncentred scheme). \
Groups as in the script: neurons by the sign of their output weight, alive at initialisation.\n",
        name = plan.name,
        d = plan.d,
        m = plan.m,
        exp = plan.exp,
        cap = plan.max_iters,
        k = plan.trials,
    );
    md.push_str(
        "| ρ | capped | largest angle, positive group (°) | largest angle, negative group (°) |\n|---|---|---|---|\n",
    );
    let sum = summary(rows);
    for (r, pos, neg, capped, k) in &sum {
        let _ = writeln!(md, "| {r} | {capped}/{k} | {:.3e} ± {:.1e} | {:.3e} ± {:.1e} |", pos.0, pos.1, neg.0, neg.1);
    }
    let rises = sum.windows(2).filter(|w| w[1].1.0 > w[0].1.0).count();
    let _ = writeln!(
        md,
        "\nThe positive group's median largest angle rises at {rises} of {} steps to a larger ρ (the paper: larger ρ, \
larger angles, no single bundle per teacher).",
        sum.len().saturating_sub(1)
    );
    md
}

fn err(e: impl ToString) -> Failure {
    Failure::internal(anyhow::anyhow!("drawing the plot: {}", e.to_string()))
}

fn svg(rows: &[TwoOutcome]) -> Result<String, Failure> {
    let sum = summary(rows);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (760, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let lg = |v: f64| v.max(1e-12).log10();
        let mut c = ChartBuilder::on(&root)
            .caption("Two teachers: largest angle per sign group (median)", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(-2.2f64..0.2, -8f64..2.5)
            .map_err(err)?;
        c.configure_mesh().x_desc("log10 ρ").y_desc("log10 angle (°)").draw().map_err(err)?;
        for (k, (name, pick)) in [("positive group", 0usize), ("negative group", 1)].into_iter().enumerate() {
            let color = if k == 0 { BLUE.to_rgba() } else { RED.to_rgba() };
            let pts: Vec<(f64, f64)> =
                sum.iter().map(|s| (lg(s.0), lg(if pick == 0 { s.1.0 } else { s.2.0 }))).collect();
            c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            c.draw_series(pts.iter().map(|p| Circle::new(*p, 3, color.filled()))).map_err(err)?;
        }
        c.configure_series_labels().border_style(BLACK).draw().map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Writes `two-teachers.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, plan: &TwoPlan, seed: u64, rows: &[TwoOutcome]) -> Result<(), Failure> {
    save(dir, "two-teachers.csv", &csv(rows))?;
    save(dir, "two-teachers.md", &markdown(plan, seed, rows))?;
    save(dir, "two-teachers.svg", &svg(rows)?)
}
