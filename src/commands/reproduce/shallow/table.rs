//! The files of `reproduce shallow-angles`: one CSV row per trial, a markdown summary with the
//! medians and standard deviations per setting (as the paper's appendix tables give them), the
//! f64-against-MPFR check, and an SVG of the median largest angle against λ.

use super::Plan;
use super::stats::median_sd;
use super::trial::{Outcome, RECORD_EVERY, SCRIPT_LR, SCRIPT_THRESHOLD};
use crate::commands::reproduce::save;
use crate::exit::Failure;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn scheme(o: &Outcome) -> &'static str {
    if o.trial.centred { "centred" } else { "uncentred" }
}

fn csv(rows: &[Outcome]) -> String {
    let mut out = String::from(
        "scheme,d,m,lambda_exp4,trial,iters,stop,loss,group,max_angle_deg,avg_angle_deg,max_angle_acos_deg,nuclear_norm,seconds\n",
    );
    for o in rows {
        let (t, s) = (&o.trial, &o.stats);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{:e},{},{:e},{:e},{:e},{:e},{:.3}",
            scheme(o),
            t.d,
            t.m,
            t.exp,
            t.trial,
            o.iters,
            o.stop,
            o.loss,
            s.group,
            s.max_angle_deg,
            s.avg_angle_deg,
            s.max_angle_acos_deg,
            s.nuclear_norm,
            o.seconds
        );
    }
    out
}

/// The rows of one setting `(centred, d, m, exp)`.
type Key = (bool, usize, usize, i32);

fn groups(rows: &[Outcome]) -> Vec<(Key, Vec<&Outcome>)> {
    let mut out: Vec<(Key, Vec<&Outcome>)> = Vec::new();
    for o in rows {
        let k = (o.trial.centred, o.trial.d, o.trial.m, o.trial.exp);
        match out.iter_mut().find(|(key, _)| *key == k) {
            Some((_, v)) => v.push(o),
            None => out.push((k, vec![o])),
        }
    }
    out.sort_by(|a, b| (b.0.0, a.0.1, a.0.2, -a.0.3).cmp(&(a.0.0, b.0.1, b.0.2, -b.0.3)));
    out
}

fn stat(v: &[&Outcome], f: impl Fn(&Outcome) -> f64) -> String {
    let (m, s) = median_sd(v.iter().map(|o| f(o)).collect());
    format!("{m:.3e} ± {s:.1e}")
}

fn markdown(plan: &Plan, seed: u64, rows: &[Outcome], check: &[Outcome; 2]) -> String {
    let mut md = String::from("# Shallow ReLU network, correlated inputs: angles after gradient descent\n\n");
    let _ = writeln!(
        md,
        "Settings (`reluflow reproduce shallow-angles`, {}, --seed {seed}): the script's data schemes with n = d \
(centred ρ = 1, uncentred ρ = √2 − 1, datasets with a zero label drawn again), balanced initialisation \
z_j ~ N(0, I/(dm)), s_j uniform in {{±1}}, w_j = λz_j, a_j = s_j‖w_j‖, λ = 4^e for e ∈ {:?}; gradient descent \
with learning rate {SCRIPT_LR} on the script's loss (1/n)Σ(h − y)² (step {} on the paper's L = (1/2n)Σ(h − y)²), \
σ'(0) = 0, float64, until the script's loss is below {SCRIPT_THRESHOLD:e}, the weights are bit-identical \
{RECORD_EVERY} iterations apart, or {} iterations; {} trials per setting, each with its own dataset and \
initialisation, the same for every λ (as in the script). Statistics over the positive group J₊ (s_j > 0 and \
some point active at initialisation): the largest and the mean angle between its neurons, in degrees, computed \
as 2·atan2(‖u − v‖, ‖u + v‖) in 256-bit MPFR from the float64 iterate, and the script's acos(u·v) in float64 \
beside it; the nuclear norm of the whole W. Entries are median ± standard deviation over the trials.\n",
        plan.name,
        plan.exps,
        2.0 * SCRIPT_LR,
        plan.max_iters,
        plan.trials
    );
    md.push_str("| scheme | d | m | λ | iterations (median) | capped | max angle (°) | max angle, acos (°) | mean angle (°) | ‖W‖_* |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for ((centred, d, m, exp), v) in groups(rows) {
        let (iters, _) = median_sd(v.iter().map(|o| o.iters as f64).collect());
        let capped = v.iter().filter(|o| o.stop == "max-iters").count();
        let _ = writeln!(
            md,
            "| {} | {d} | {m} | 4^{exp} | {iters:.0} | {capped}/{} | {} | {} | {} | {} |",
            if centred { "centred" } else { "uncentred" },
            v.len(),
            stat(&v, |o| o.stats.max_angle_deg),
            stat(&v, |o| o.stats.max_angle_acos_deg),
            stat(&v, |o| o.stats.avg_angle_deg),
            stat(&v, |o| o.stats.nuclear_norm),
        );
    }
    md.push_str(&trend(rows));
    md.push_str(&check_text(check));
    md
}

/// One (scheme, d, m) and its (exp, median max angle, median acos max angle) points.
type Series = ((bool, usize, usize), Vec<(i32, f64, f64)>);

/// Whether the median largest angle falls as λ falls, per (scheme, d, m), and where the acos
/// formula stops resolving it.
fn trend(rows: &[Outcome]) -> String {
    let mut out = String::from("\n## The trend the paper reports (largest angle falls with λ)\n\n");
    let gs = groups(rows);
    let mut series: Vec<Series> = Vec::new();
    for ((c, d, m, e), v) in &gs {
        let (a, _) = median_sd(v.iter().map(|o| o.stats.max_angle_deg).collect());
        let (b, _) = median_sd(v.iter().map(|o| o.stats.max_angle_acos_deg).collect());
        match series.iter_mut().find(|(k, _)| *k == (*c, *d, *m)) {
            Some((_, s)) => s.push((*e, a, b)),
            None => series.push(((*c, *d, *m), vec![(*e, a, b)])),
        }
    }
    for ((c, d, m), mut s) in series {
        s.sort_by_key(|p| -p.0);
        let falls = s.windows(2).filter(|w| w[1].1 < w[0].1).count();
        let floor: Vec<String> =
            s.iter().filter(|p| p.1 > 0.0 && (p.2 - p.1).abs() > 0.01 * p.1).map(|p| format!("4^{}", p.0)).collect();
        let _ = writeln!(
            out,
            "- {} d = {d}, m = {m}: the median largest angle falls at {falls} of {} steps to a smaller λ \
(from {:.3e}° at λ = 4^{} to {:.3e}° at λ = 4^{}); the script's acos formula is off by more than 1 % at {}.",
            if c { "centred" } else { "uncentred" },
            s.len().saturating_sub(1),
            s.first().map_or(f64::NAN, |p| p.1),
            s.first().map_or(0, |p| p.0),
            s.last().map_or(f64::NAN, |p| p.1),
            s.last().map_or(0, |p| p.0),
            if floor.is_empty() { "no λ".to_string() } else { format!("λ = {}", floor.join(", ")) }
        );
    }
    out
}

fn check_text(check: &[Outcome; 2]) -> String {
    let [f, m] = check;
    let rel = |a: f64, b: f64| if b == 0.0 { f64::NAN } else { ((a - b) / b).abs() };
    format!(
        "\n## Where float64 limits the numbers\n\nThe smallest λ (4^{}) of d = {}, m = {}, centred, trial 0, in \
float64 ({} iterations, stopped: {}) and in 128-bit MPFR ({} iterations, stopped: {}) from the same exact start: \
largest angle {:.6e}° (float64) and {:.6e}° (MPFR), relative difference {:.1e}; mean angle {:.6e}° and {:.6e}°; \
the script's acos formula on the float64 iterate gives {:.6e}°. Loss (script's) {:.3e} and {:.3e}. MPFR run: \
{:.1} s. The acos formula cannot resolve angles below about 8.5e-7° (√(2·2⁻⁵³) rad).\n",
        f.trial.exp,
        f.trial.d,
        f.trial.m,
        f.iters,
        f.stop,
        m.iters,
        m.stop,
        f.stats.max_angle_deg,
        m.stats.max_angle_deg,
        rel(f.stats.max_angle_deg, m.stats.max_angle_deg),
        f.stats.avg_angle_deg,
        m.stats.avg_angle_deg,
        f.stats.max_angle_acos_deg,
        f.loss,
        m.loss,
        m.seconds
    )
}

fn svg(rows: &[Outcome]) -> Result<String, Failure> {
    let mut buf = String::new();
    let err = |e: String| Failure::internal(anyhow::anyhow!("drawing the plot: {e}"));
    let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for ((c, d, m, e), v) in groups(rows) {
        let (a, _) = median_sd(v.iter().map(|o| o.stats.max_angle_deg).collect());
        let name = format!("{} d={d} m={m}", if c { "centred" } else { "uncentred" });
        let p = (f64::from(e) * 4f64.log10(), a.max(1e-300).log10());
        match series.iter_mut().find(|(n, _)| *n == name) {
            Some((_, s)) => s.push(p),
            None => series.push((name, vec![p])),
        }
    }
    let pts = series.iter().flat_map(|s| s.1.iter());
    let (x0, x1, y0, y1) = pts.fold((f64::MAX, f64::MIN, f64::MAX, f64::MIN), |(a, b, c, d), p| {
        (a.min(p.0), b.max(p.0), c.min(p.1), d.max(p.1))
    });
    {
        let root = SVGBackend::with_string(&mut buf, (760, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Largest angle in J₊ after GD (median over trials)", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((x0 - 0.2)..(x1 + 0.2), (y0 - 0.5)..(y1 + 0.5))
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc("log10 λ")
            .y_desc("log10 max angle (°)")
            .draw()
            .map_err(|e| err(e.to_string()))?;
        for (k, (name, mut s)) in series.into_iter().enumerate() {
            s.sort_by(|a, b| a.0.total_cmp(&b.0));
            let color = Palette99::pick(k).to_rgba();
            chart
                .draw_series(LineSeries::new(s.clone(), color.stroke_width(2)))
                .map_err(|e| err(e.to_string()))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart.draw_series(s.iter().map(|p| Circle::new(*p, 3, color.filled()))).map_err(|e| err(e.to_string()))?;
        }
        chart.configure_series_labels().border_style(BLACK).draw().map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(buf)
}

/// Writes `shallow-angles.csv`, `.md` and `.svg` into `dir`.
pub fn write(dir: &Path, plan: &Plan, seed: u64, rows: &[Outcome], check: &[Outcome; 2]) -> Result<(), Failure> {
    save(dir, "shallow-angles.csv", &csv(rows))?;
    save(dir, "shallow-angles.md", &markdown(plan, seed, rows, check))?;
    save(dir, "shallow-angles.svg", &svg(rows)?)
}
