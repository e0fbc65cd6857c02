//! The files of `reproduce certified-gd-vs-gf`: one CSV row per certified segment end, a
//! markdown summary (where GD leaves the certified tube and by how much), and an SVG of the
//! relative distance beside the tube's width against t.

use super::gd_vs_gf::{Comparison, ETA};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn csv(c: &Comparison) -> String {
    let mut out = String::from("t_lo,t_hi,gd_iteration,rel_distance,box_width,pattern_mismatch,gd_loss\n");
    for p in &c.points {
        let _ = writeln!(
            out,
            "{:e},{:e},{},{:e},{:e},{},{:e}",
            p.t.0, p.t.1, p.iter, p.rel_dist, p.width, p.mismatch, p.loss
        );
    }
    out
}

fn markdown(c: &Comparison, quick: bool) -> String {
    let (m, d) = c.size;
    let mut md = String::from("# Certified gradient flow beside gradient descent\n\n");
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce certified-gd-vs-gf`{}): the shallow-network paper's uncentred scheme, seed 1, \
m = {m}, d = n = {d}, λ = 4^{}, σ'(0) = 0, L = (1/2n)Σ(h − y)²; the gradient flow certified in f64 intervals to \
t = {} ({}); gradient descent in float64 with step η = {ETA} on L (the script's learning rate 0.01 on its loss 2L), \
read as the piecewise-linear path through its iterates (iterate k at t = kη) and compared with the flow at every certified segment end. The distance is \
the Euclidean distance from the GD iterate to the certified box of θ(t), over ‖θ_GD‖; a distance of 0 means the \
iterate lies inside the box. Certification took {:.1} s, GD {:.2} s.\n",
        if quick { " --quick" } else { "" },
        c.exp,
        c.t_end,
        c.status,
        c.seconds.0,
        c.seconds.1
    );
    let max = c.points.iter().map(|p| p.rel_dist).fold(0.0, f64::max);
    let first = |thr: f64| c.points.iter().find(|p| p.rel_dist > thr).map(|p| p.t.0);
    let mism = c.points.iter().filter(|p| p.mismatch > 0).count();
    let _ = writeln!(
        md,
        "- {} certified segment ends compared; the largest relative distance is {max:.3e}.",
        c.points.len()
    );
    for thr in [1e-6, 1e-3, 1e-1] {
        let _ = writeln!(
            md,
            "- GD first leaves the certified tube by more than {thr:e} (relative) at t = {}.",
            first(thr).map_or("— (never)".to_string(), |t| format!("{t:.4}"))
        );
    }
    let _ = writeln!(
        md,
        "- At {mism} of them the GD iterate's activation pattern differs from the certified segment's (GD switches at \
other iterations than the flow's switch times, or not at all)."
    );
    if let Some(last) = c.points.last() {
        let _ = writeln!(
            md,
            "- At the end: relative distance {:.3e}, box width {:.3e}, GD loss {:.3e}.",
            last.rel_dist, last.width, last.loss
        );
    }
    md
}

fn err(e: impl ToString) -> Failure {
    Failure::internal(anyhow::anyhow!("drawing the plot: {}", e.to_string()))
}

fn svg(c: &Comparison) -> Result<String, Failure> {
    let mut buf = String::new();
    let lg = |v: f64| v.max(1e-20).log10();
    let tmax = c.points.last().map_or(1.0, |p| p.t.1);
    {
        let root = SVGBackend::with_string(&mut buf, (760, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut ch = ChartBuilder::on(&root)
            .caption("GD against the certified gradient flow", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..tmax * 1.02, -20f64..1f64)
            .map_err(err)?;
        ch.configure_mesh().x_desc("t (= k·η)").y_desc("log10").draw().map_err(err)?;
        let dist: Vec<(f64, f64)> = c.points.iter().map(|p| (p.t.0, lg(p.rel_dist))).collect();
        let width: Vec<(f64, f64)> = c.points.iter().map(|p| (p.t.0, lg(p.width))).collect();
        for (name, pts, color) in
            [("distance of GD to the box / ‖θ‖", dist, BLUE), ("width of the certified box", width, RED)]
        {
            ch.draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        ch.configure_series_labels().border_style(BLACK).draw().map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Writes `certified-gd-vs-gf.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, c: &Comparison, quick: bool) -> Result<(), Failure> {
    save(dir, "certified-gd-vs-gf.csv", &csv(c))?;
    save(dir, "certified-gd-vs-gf.md", &markdown(c, quick))?;
    save(dir, "certified-gd-vs-gf.svg", &svg(c)?)
}
