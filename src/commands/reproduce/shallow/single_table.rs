//! The files of `reproduce shallow-single-run`: every sample as CSV, a markdown summary (the
//! crossing order of the eigen-coordinates, where the alignment with γ peaks, the limits of ‖W‖_*
//! and ‖θ‖²) and an SVG with the paper's Fig. 3 and Fig. 4 panels.

use super::single_run::SingleRun;
use super::trial::{SCRIPT_LR, SCRIPT_THRESHOLD};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn csv(run: &SingleRun) -> String {
    let d = run.eigenvalues.len();
    let mut out = String::from(
        "iteration,loss,norm_v,dist_v_star,angle_v_gamma_deg,angle_v_teacher_deg,max_angle_deg,nuclear_norm,theta_sq",
    );
    for k in 0..d {
        let _ = write!(out, ",gap_{k}");
    }
    out.push('\n');
    for s in &run.samples {
        let _ = write!(
            out,
            "{},{:e},{:e},{:e},{:e},{:e},{:e},{:e},{:e}",
            s.iter, s.loss, s.norm_v, s.dist, s.angle_gamma, s.angle_teacher, s.max_angle, s.nuclear, s.theta_sq
        );
        for g in &s.gaps {
            let _ = write!(out, ",{g:e}");
        }
        out.push('\n');
    }
    out
}

fn markdown(run: &SingleRun, seed: u64) -> String {
    let t = &run.trial;
    let mut md = String::from("# Shallow ReLU network, correlated inputs: one GD run (Examples 31, 33, 35)\n\n");
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce shallow-single-run`, --seed {seed}): {} data, d = n = {}, m = {}, λ = 4^{}, \
learning rate {SCRIPT_LR} on the script's loss, σ'(0) = 0, float64, until the loss is below {SCRIPT_THRESHOLD:e} \
or {} iterations (stopped: {}); {} samples on a geometric grid. v = Σ_{{J₊}} a_j w_j; ν_k are its coordinates in \
the eigenbasis of XᵀX (eigenvalues decreasing, signs making v*'s coordinates positive).\n",
        if t.centred { "centred" } else { "uncentred" },
        t.d,
        t.m,
        t.exp,
        t.max_iters,
        run.stop,
        run.samples.len()
    );
    md.push_str("| k | eigenvalue | first sampled iteration with ν_k ≥ ν*_k |\n|---|---|---|\n");
    for (k, (ev, c)) in run.eigenvalues.iter().zip(run.crossings()).enumerate() {
        let _ = writeln!(md, "| {k} | {ev:.4e} | {} |", c.map_or("never".to_string(), |i| i.to_string()));
    }
    let _ = writeln!(
        md,
        "\nThe coordinates cross their targets in the order of decreasing eigenvalue (Example 31): **{}** (to the \
resolution of the grid).",
        if run.crossed_in_order() { "yes" } else { "no" }
    );
    let peak =
        run.samples.iter().filter(|s| s.angle_gamma.is_finite()).min_by(|a, b| a.angle_gamma.total_cmp(&b.angle_gamma));
    if let Some(p) = peak {
        let _ = writeln!(
            md,
            "\nThe alignment of v with γ = Xᵀy peaks (smallest angle {:.3e}°) at iteration {} (Example 33: about 500).",
            p.angle_gamma, p.iter
        );
    }
    if let Some(last) = run.samples.last() {
        let _ = writeln!(
            md,
            "\nAt the end (iteration {}): loss {:.3e}, ‖W‖_* = {:.6}, ‖θ‖² = {:.6} (Example 35: they tend to 1 and 2), \
largest angle in J₊ {:.3e}° (Example 35: it does not tend to 0 at fixed λ), ‖v* − v‖ = {:.3e}.",
            last.iter, last.loss, last.nuclear, last.theta_sq, last.max_angle, last.dist
        );
    }
    md
}

fn err(e: impl ToString) -> Failure {
    Failure::internal(anyhow::anyhow!("drawing the plot: {}", e.to_string()))
}

fn svg(run: &SingleRun) -> Result<String, Failure> {
    let mut buf = String::new();
    let x = |i: u64| (i as f64 + 1.0).log10();
    let xmax = run.samples.last().map_or(1.0, |s| x(s.iter)) + 0.1;
    {
        let root = SVGBackend::with_string(&mut buf, (1100, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (left, right) = root.split_horizontally(550);
        let mut c = ChartBuilder::on(&left)
            .caption("arsinh((ν*_k − ν_k)/1e-5), k by decreasing eigenvalue", ("sans-serif", 14))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..xmax, -15f64..15f64)
            .map_err(err)?;
        c.configure_mesh().x_desc("log10(iteration + 1)").draw().map_err(err)?;
        for k in 0..run.eigenvalues.len() {
            let color = Palette99::pick(k).to_rgba();
            let pts = run.samples.iter().map(|s| (x(s.iter), (s.gaps[k] / 1e-5).asinh()));
            c.draw_series(LineSeries::new(pts, color.stroke_width(2))).map_err(err)?;
        }
        let mut c = ChartBuilder::on(&right)
            .caption("log10 of ‖v‖, ‖v* − v‖, ∠(v, γ)°, ∠(v, v*)°", ("sans-serif", 14))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..xmax, -12f64..3f64)
            .map_err(err)?;
        c.configure_mesh().x_desc("log10(iteration + 1)").draw().map_err(err)?;
        type Pick = fn(&super::single_run::Sample) -> f64;
        let series: [(&str, Pick); 4] = [
            ("‖v‖", |s| s.norm_v),
            ("‖v* − v‖", |s| s.dist),
            ("∠(v, γ)", |s| s.angle_gamma),
            ("∠(v, v*)", |s| s.angle_teacher),
        ];
        for (k, (name, f)) in series.into_iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let pts = run.samples.iter().map(|s| (x(s.iter), f(s).max(1e-12).log10()));
            c.draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        c.configure_series_labels().border_style(BLACK).draw().map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Writes `shallow-single-run.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, run: &SingleRun, seed: u64) -> Result<(), Failure> {
    save(dir, "shallow-single-run.csv", &csv(run))?;
    save(dir, "shallow-single-run.md", &markdown(run, seed))?;
    save(dir, "shallow-single-run.svg", &svg(run)?)
}
