//! The files of `reproduce single-neuron`: the CSV table, the markdown summary and the SVG plot
//! (one stacked bar per row: proved, certified counterexample, undecided).

use super::single_neuron::{Row, percent};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "claim,assumed,radius,tried,holds,counterexamples,undecided,first_cex_case,undecided_run_stopped,undecided_claim,seconds\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{},\"{}\",{},{},{},{},{},{},\"{}\",{},{:.3}",
            r.set.claim,
            r.set.assumed.join(" "),
            r.set.radius.unwrap_or(""),
            r.tried,
            r.holds,
            r.counterexamples,
            r.undecided,
            r.first_cex.map_or(String::new(), |c| c.to_string()),
            r.undecided_causes().0,
            r.undecided_causes().1,
            r.seconds
        );
    }
    out
}

fn markdown(rows: &[Row], settings: &str, seed: u64) -> String {
    let mut md = String::from("# Lee–Sim–Ye's single-neuron claims over seeded random instances, certified\n\n");
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce single-neuron`, {settings}, seed {seed}): for each row, instances are drawn \
exactly as `reluflow search --theorem CLAIM --assume …` draws them (d = 1–5, n = 1–8, short exact decimals; every \
assumed hypothesis certainly true, every other switchable one not assumed), integrated with interval arithmetic \
(t_end = 8, or ∞ for global convergence) and checked. *Proved*: the claim holds over the whole horizon; \
*counterexample*: certified (every assumed hypothesis true and the conclusion certainly violated); *undecided*: \
neither. The same seed gives the same instances.\n"
    );
    md.push_str(
        "| claim | assumed | tried | proved % | counterexample % | undecided % | undecided: run stopped (kind ×count) | undecided: claim | first cex (case) | seconds |\n",
    );
    md.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            r.set.claim,
            r.set.label(),
            r.tried,
            percent(r.holds, r.tried),
            percent(r.counterexamples, r.tried),
            percent(r.undecided, r.tried),
            r.undecided_causes().0,
            r.undecided_causes().1,
            r.first_cex.map_or("—".to_string(), |c| c.to_string()),
            r.seconds
        );
    }
    md.push_str(
        "\nReading: a claim is broken under a hypothesis set when the counterexample column is not 0 — each such \
case is a certified counterexample (`reluflow search` with the same hypotheses finds and shrinks them). A set with \
no counterexample in this sample survived *this* sample only; `proofs-notes/search-campaigns.md` records the large \
searches. The norm-growth rows against the radius r show how the share of broken instances changes as the \
initialisation shrinks.\n",
    );
    md
}

fn svg(rows: &[Row]) -> Result<String, Failure> {
    let mut buf = String::new();
    let err = |e: String| Failure::internal(anyhow::anyhow!("drawing the plot: {e}"));
    let height = 60 + 28 * rows.len() as u32;
    {
        let root = SVGBackend::with_string(&mut buf, (980, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption("Lee–Sim–Ye claims: certified outcome of seeded random instances", ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(420)
            .build_cartesian_2d(0f64..100f64, 0f64..n)
            .map_err(|e| err(e.to_string()))?;
        let label = |y: &f64| {
            let k = rows.len().saturating_sub(1 + y.floor() as usize);
            rows.get(k)
                .map_or(String::new(), |r| format!("{} | {}", r.set.claim.trim_start_matches("lsy."), r.set.label()))
        };
        chart
            .configure_mesh()
            .y_labels(rows.len())
            .y_label_formatter(&label)
            .x_desc("% of instances")
            .disable_y_mesh()
            .draw()
            .map_err(|e| err(e.to_string()))?;
        for (k, r) in rows.iter().enumerate() {
            let y = n - 1.0 - k as f64;
            let t = r.tried.max(1) as f64;
            let parts = [
                (r.holds, GREEN.mix(0.7)),
                (r.counterexamples, RED.mix(0.8)),
                (r.undecided, RGBColor(160, 160, 160).mix(1.0)),
            ];
            let mut x = 0.0;
            for (count, color) in parts {
                let w = 100.0 * count as f64 / t;
                let bar = Rectangle::new([(x, y + 0.15), (x + w, y + 0.85)], color.filled());
                chart.draw_series(std::iter::once(bar)).map_err(|e| err(e.to_string()))?;
                x += w;
            }
        }
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(buf)
}

/// Writes `single-neuron.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, rows: &[Row], settings: &str, seed: u64) -> Result<(), Failure> {
    save(dir, "single-neuron.csv", &csv(rows))?;
    save(dir, "single-neuron.md", &markdown(rows, settings, seed))?;
    save(dir, "single-neuron.svg", &svg(rows)?)
}
