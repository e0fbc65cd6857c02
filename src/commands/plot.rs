//! `reluflow plot`: integrate the problem exactly as `certify` does
//! (`super::integrate::integrate`) and draw the trajectory as an SVG picture
//! ([`crate::plot`]): per segment the certified enclosure as a band, the switches as marks, the
//! undecided cut-off in red. Exit codes as for `certify` (the picture is written in every case
//! where the run produced a trajectory).

use super::integrate::{Run, integrate};
use crate::exit::{Exit, Failure};
use crate::plot::extract::{Options, figure};
use crate::plot::{What, draw};
use crate::spec;
use clap::Args;
use reluflow_arith::Scalar;
use reluflow_flow::{Status, Trajectory};
use reluflow_model::Problem;
use std::path::PathBuf;

/// One line for the subcommand list.
pub const ABOUT: &str =
    "Draw a certified trajectory as an SVG picture: enclosure bands, switches, the undecided cut-off";

/// `reluflow plot --help`.
pub const LONG_ABOUT: &str = "\
Integrate the problem in SPEC exactly as `reluflow certify` does and draw the result as an SVG
picture in OUT, one panel per --what quantity against time t:

  weights  every coordinate of w (and a for the two-layer network)
  loss     L = c Σ (h(x_i) − y_i)², evaluated in the run's arithmetic on each enclosure
  guards   w_jᵀx_i per (neuron, point): a sign change is an activation switch
  norms    ‖w_j‖ per neuron

What is drawn is what is certified: for each segment of constant activation pattern a filled
rectangle [t_start, t_end] × (enclosure of the quantity over the whole segment), the enclosure at
each segment end (thick outline), each switch as a grey band (its time enclosure) labelled
kind xPOINT nNEURON, and for t_end = \"inf\" the certified limit in a gutter right of the last
time. No curve is drawn through the enclosures. An UNDECIDED run gets a red line at
certified_until with the reason, and nothing certified after it. A run in \"f64\" or \"mpfr\"
is drawn as plain lines through the segment-end values and titled NOT VALIDATED.

--log-y draws log10 |value| with bounds computed from the exact endpoints (MPFR, rounded
outward), so values such as 1e-600 (the alignment phase of a tiny initialisation) are visible;
an enclosure containing 0 reaches the bottom of the panel.

Examples:
  reluflow plot examples/vardi-shamir-gamma1.toml -o vs.svg --what weights --what loss
  reluflow plot examples/two-layer-explicit.toml -o net.svg --what guards,norms
  reluflow plot examples/two-layer-tiny-init.toml -o tiny.svg --what norms --log-y

Ctrl-C during the integration keeps what was certified so far: the picture of that part is
written (cut off as undecided, interrupted by the user) and the exit is 130.

Exit codes as for certify: 0 certified or not validated, 3 undecided (the picture is written in
both cases), 2 bad input (an unknown --what value: the message lists the choices).";

/// Arguments of `reluflow plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The problem file (TOML; format in `reluflow certify --help`)
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Where to write the SVG picture (a name ending in .svg; other extensions such as .png are refused)
    #[arg(short = 'o', long = "output", value_name = "OUT.svg")]
    pub output: PathBuf,
    /// Quantities to draw, one panel each (repeatable or comma-separated; default: weights,loss)
    #[arg(long, value_name = "WHAT", value_enum, value_delimiter = ',')]
    pub what: Vec<What>,
    /// Time axis log10 t (t = 0 at the left edge)
    #[arg(long = "log-time")]
    pub log_time: bool,
    /// Value axes log10 |value|, computed from the exact endpoints
    #[arg(long = "log-y")]
    pub log_y: bool,
    /// No progress display on stderr (shown only when stderr is a terminal)
    #[arg(long, short)]
    pub quiet: bool,
}

/// A validated `plot` invocation.
#[derive(Debug)]
pub struct PlotConfig {
    /// The problem.
    pub problem: Problem,
    /// The file name shown in the title.
    pub name: String,
    /// Where the SVG goes.
    pub output: PathBuf,
    /// What to draw.
    pub options: Options,
}

impl PlotArgs {
    /// Reads the problem file (exit 2 on any refusal) and fixes the panels (duplicates dropped).
    pub fn validate(&self) -> Result<PlotConfig, Failure> {
        check_output(&self.output)?;
        let problem = spec::load(&self.spec).map_err(Failure::bad_input)?;
        let mut what = Vec::new();
        for w in if self.what.is_empty() { &[What::Weights, What::Loss][..] } else { &self.what[..] } {
            if !what.contains(w) {
                what.push(*w);
            }
        }
        let name =
            self.spec.file_name().map_or_else(|| self.spec.display().to_string(), |n| n.to_string_lossy().into());
        let options = Options { what, log_time: self.log_time, log_y: self.log_y };
        Ok(PlotConfig { problem, name, output: self.output.clone(), options })
    }
}

/// The picture is SVG, so OUT must not promise another format: `out.png` would be SVG bytes under
/// a PNG name. (A bitmap would need plotters' bitmap backend and a font to draw its text, and
/// reluflow uses no system font and ships none.) A name without extension (`/dev/stdout`) is
/// taken as it is.
fn check_output(out: &std::path::Path) -> Result<(), Failure> {
    match out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()) {
        None => Ok(()),
        Some(e) if e == "svg" => Ok(()),
        Some(e) => {
            let svg = out.with_extension("svg");
            Err(Failure::bad_input(anyhow::anyhow!(
                "-o {}: plot writes SVG pictures only, not .{e} (drawing text into a bitmap would need a font, \
                 and reluflow uses none); give a name ending in .svg, e.g. -o {}, and convert it if a .{e} is \
                 needed",
                out.display(),
                svg.display()
            )))
        }
    }
}

/// Integrates, draws and writes the SVG; the exit follows the run's status as in `certify`.
pub fn run(cfg: &PlotConfig) -> Result<Exit, Failure> {
    let svg = match integrate(&cfg.problem)? {
        Run::F64(t) => render(cfg, &t)?,
        Run::Mpfr(t, _) => render(cfg, &t)?,
        Run::Interval(t) => render(cfg, &t)?,
        Run::MpInterval(t) => render(cfg, &t)?,
    };
    std::fs::write(&cfg.output, svg.0)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot write {}: {e}", cfg.output.display())))?;
    eprintln!("reluflow: wrote {} ({})", cfg.output.display(), svg.1);
    Ok(svg.2)
}

/// The SVG text, a one-line summary and the exit for one trajectory.
fn render<S: Scalar>(cfg: &PlotConfig, traj: &Trajectory<S>) -> Result<(String, String, Exit), Failure> {
    let fig = figure(&cfg.problem, traj, &cfg.name, &cfg.options);
    let svg = draw::svg(&fig).map_err(|e| Failure::internal(anyhow::anyhow!("cannot draw the plot: {e}")))?;
    let summary = format!("{} segments, {} events drawn; {}", traj.segments().len(), fig.events.len(), fig.title);
    let exit = match traj.status() {
        Status::Certified | Status::NotValidated => Exit::Success,
        Status::Undecided { .. } => Exit::Undecided,
    };
    Ok((svg, summary, exit))
}
