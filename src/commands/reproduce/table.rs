//! The files of `reproduce vardi-shamir`: the CSV table, the markdown summary and the SVG plot.

use super::vardi_shamir::{Row, dec, paper_interval};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use crate::spec::exact_text;
use plotters::prelude::*;
use reluflow_arith::exact::Dir;
use std::fmt::Write as _;
use std::path::Path;

fn opt_pair(p: &Option<(rug::Rational, rug::Rational)>) -> (String, String) {
    p.as_ref().map_or((String::new(), String::new()), |(lo, hi)| (dec(lo, Dir::Down), dec(hi, Dir::Up)))
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "",
    }
}

/// The CSV: one row per certified run.
fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "gamma,alpha,arithmetic,bits,s_lo,s_hi,s_width,paper_lo,paper_hi,within_paper,w12_enclose_5a_-a,t1_lo,t1_hi,undecided,seconds\n",
    );
    for r in rows {
        let (slo, shi) = opt_pair(&r.s);
        let (plo, phi) =
            paper_interval(&r.gamma).map_or((String::new(), String::new()), |(a, b)| (exact_text(&a), exact_text(&b)));
        let (tlo, thi) = opt_pair(&r.t1);
        let _ = writeln!(
            out,
            "{},{},{},{},{slo},{shi},{},{plo},{phi},{},{},{tlo},{thi},\"{}\",{:.4}",
            exact_text(&r.gamma),
            exact_text(&r.alpha),
            r.arithmetic,
            r.bits,
            r.width().map_or(String::new(), |w| format!("{w:.3e}")),
            yes_no(r.within_paper()),
            r.first_two,
            r.undecided.as_deref().unwrap_or("").replace('"', "'"),
            r.seconds
        );
    }
    out
}

/// The markdown summary.
fn markdown(rows: &[Row], settings: &str) -> String {
    let mut md = String::from("# Vardi & Shamir (COLT 2021), Theorem 3, certified\n\n");
    md.push_str(&format!(
        "Settings (`reluflow reproduce vardi-shamir`, {settings}): one ReLU neuron, rows of X_γ (3, −1, 0), (4, 2, 0), \
(0, γ, γ); y = α(16, 18, 0); w(0) = 0; σ'(0) = 1; L = ½Σ(σ(x_iᵀw) − y_i)²; t_end = ∞ (the certified limit). \
Every number is exact or rounded outward (17 significant digits). s is w₃(∞)/α; the paper states that \
w(∞) = α(5, −1, s) with s = 0 (γ = 0), s ∈ (−0.045, −0.035) (γ = 1), (−0.12, −0.1) (γ = 2), (−0.22, −0.2) (γ = 5).\n\n"
    ));
    md.push_str("| γ | α | arithmetic | s ∈ [lo, hi] | width ≤ | paper | inside | w₁, w₂ ∋ 5α, −α | t₁ (x₃ switches off) | seconds |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let (slo, shi) = opt_pair(&r.s);
        let s = if r.s.is_some() {
            format!("[{slo}, {shi}]")
        } else {
            format!("undecided: {}", r.undecided.as_deref().unwrap_or(""))
        };
        let paper = paper_interval(&r.gamma).map_or("—".into(), |(a, b)| {
            if a == b { exact_text(&a).to_string() } else { format!("({}, {})", exact_text(&a), exact_text(&b)) }
        });
        let (tlo, thi) = opt_pair(&r.t1);
        let t1 = if r.t1.is_some() { format!("[{tlo}, {thi}]") } else { "no switch".into() };
        let _ = writeln!(
            md,
            "| {} | {} | {} ({} bits) | {s} | {} | {paper} | {} | {} | {t1} | {:.3} |",
            exact_text(&r.gamma),
            exact_text(&r.alpha),
            r.arithmetic,
            r.bits,
            r.width().map_or("—".into(), |w| format!("{w:.1e}")),
            yes_no(r.within_paper()),
            if r.first_two { "yes" } else { "no" },
            r.seconds
        );
    }
    let outside: Vec<String> =
        rows.iter().filter(|r| r.within_paper() == Some(false)).map(|r| exact_text(&r.gamma)).collect();
    md.push_str(&if outside.is_empty() {
        "\nEvery certified enclosure lies inside the paper's stated interval where it states one.\n".to_string()
    } else {
        format!("\n**Outside the paper's interval**: γ = {}.\n", outside.join(", "))
    });
    md.push_str(&alpha_independence(rows));
    md
}

/// Whether the enclosures of s/α for the same γ and arithmetic but different α overlap (they
/// must: w(∞)/α does not depend on α), as a sentence.
fn alpha_independence(rows: &[Row]) -> String {
    let mut groups = 0;
    let mut disjoint = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let same = |o: &&Row| o.gamma == r.gamma && o.arithmetic == r.arithmetic && o.alpha != r.alpha && o.s.is_some();
        if r.s.is_none() {
            continue;
        }
        let later: Vec<&Row> = rows[i + 1..].iter().filter(same).collect();
        if later.is_empty() || rows[..i].iter().any(|o| same(&o)) {
            continue;
        }
        groups += 1;
        let meets = |o: &Row| match (&r.s, &o.s) {
            (Some((a, b)), Some((c, d))) => a <= d && c <= b,
            _ => false,
        };
        if !later.iter().all(|o| meets(o)) {
            disjoint.push(format!("γ = {} ({})", exact_text(&r.gamma), r.arithmetic));
        }
    }
    match (groups, disjoint.is_empty()) {
        (0, _) => String::new(),
        (g, true) => format!(
            "For each of the {g} (γ, arithmetic) pairs certified with several α, the enclosures of s/α overlap: w(∞)/α does not depend on α, as the paper states.\n"
        ),
        (_, false) => {
            format!("**The enclosures of s/α for different α do not overlap** for {}: a bug.\n", disjoint.join(", "))
        }
    }
}

/// The SVG: s against γ (log scale of 1 + γ), the certified enclosures as points (their width is
/// far below a pixel) and the paper's intervals as bars.
fn svg(rows: &[Row]) -> Result<String, Failure> {
    let mut buf = String::new();
    let err = |e: String| Failure::internal(anyhow::anyhow!("drawing the plot: {e}"));
    {
        let root = SVGBackend::with_string(&mut buf, (760, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let pts: Vec<(f64, f64)> =
            rows.iter().filter_map(|r| Some(((1.0 + r.gamma.to_f64()).log10(), r.s.as_ref()?.0.to_f64()))).collect();
        let lo = pts.iter().map(|p| p.1).fold(-0.25f64, f64::min) - 0.02;
        let xmax = pts.iter().map(|p| p.0).fold(1.0f64, f64::max) + 0.1;
        let mut chart = ChartBuilder::on(&root)
            .caption("Vardi–Shamir Thm 3: s = w₃(∞)/α against γ (certified)", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.05f64..xmax, lo..0.02f64)
            .map_err(|e| err(e.to_string()))?;
        chart.configure_mesh().x_desc("log10(1 + γ)").y_desc("s").draw().map_err(|e| err(e.to_string()))?;
        for r in rows {
            if let Some((a, b)) = paper_interval(&r.gamma) {
                let x = (1.0 + r.gamma.to_f64()).log10();
                let bar = [(x, a.to_f64()), (x, b.to_f64())];
                chart.draw_series(LineSeries::new(bar, RED.stroke_width(6))).map_err(|e| err(e.to_string()))?;
            }
        }
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
            .map_err(|e| err(e.to_string()))?
            .label("certified enclosure of s (narrower than the dot)")
            .legend(|(x, y)| Circle::new((x, y), 3, BLUE.filled()));
        chart.configure_series_labels().border_style(BLACK).draw().map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(buf)
}

/// Writes `NAME.csv`, `NAME.md` and `NAME.svg` into `dir`.
pub fn write(dir: &Path, name: &str, rows: &[Row], settings: &str) -> Result<(), Failure> {
    save(dir, &format!("{name}.csv"), &csv(rows))?;
    save(dir, &format!("{name}.md"), &markdown(rows, settings))?;
    save(dir, &format!("{name}.svg"), &svg(rows)?)
}
