//! Pictures of trajectories: [`extract`] turns a [`Trajectory`](reluflow_flow::Trajectory) of any
//! backend into a [`Figure`] (plain f64 rectangles, lines and marks, already on the chosen axes),
//! and [`draw`] renders a `Figure` as SVG with `plotters`.
//!
//! **Invariant**: for a validated run, every filled band of a [`Series`] is one segment's
//! certified enclosure (the hull over `[t_start, t_end]`, or the enclosure at `t_end`) rounded
//! outward to f64; nothing past `certified_until` is drawn as certified, and no curve is
//! interpolated between enclosures. A non-validated run is drawn as plain lines only, and its
//! figure says NOT VALIDATED.

pub mod coarsen;
pub mod draw;
pub mod extract;
pub mod scale;

/// Which quantity a panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum What {
    /// Every coordinate of each w_j (and a_j for the two-layer network).
    Weights,
    /// The loss L = c Σ (h(x_i) − y_i)².
    Loss,
    /// The guards w_jᵀx_i per (neuron, point): their sign changes are the activation switches.
    Guards,
    /// ‖w_j‖ per neuron.
    Norms,
}

impl What {
    /// The name on the command line and in panel titles.
    pub fn name(self) -> &'static str {
        match self {
            What::Weights => "weights",
            What::Loss => "loss",
            What::Guards => "guards",
            What::Norms => "norms",
        }
    }
}

/// An axis-aligned rectangle in plot coordinates (ends may be ±∞ or NaN-free infinite bounds;
/// the renderer clamps them to the visible range).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left end (time axis).
    pub x0: f64,
    /// Right end.
    pub x1: f64,
    /// Lower end (value axis).
    pub y0: f64,
    /// Upper end.
    pub y1: f64,
}

/// A vertical marker: a time enclosure `[x0, x1]` with a label.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Left end of the time enclosure.
    pub x0: f64,
    /// Right end.
    pub x1: f64,
    /// What happens there.
    pub label: String,
}

/// One quantity (a coordinate, the loss, a norm, a guard) over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Certified enclosures over whole segments (validated runs).
    pub bands: Vec<Rect>,
    /// Certified enclosures at segment ends (and at t = 0) (validated runs).
    pub ends: Vec<Rect>,
    /// A non-validated run's values at the segment ends, joined by straight lines.
    pub line: Vec<(f64, f64)>,
    /// The certified limit t → ∞, drawn in the figure's limit gutter.
    pub limit: Option<Rect>,
}

/// One panel: several series sharing a value axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// The quantity shown.
    pub what: What,
    /// The value-axis label.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
}

/// A whole picture: panels stacked vertically over a shared time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The title (file, model, arithmetic, status).
    pub title: String,
    /// The time-axis label.
    pub x_label: String,
    /// The visible time range (including the limit gutter).
    pub x_range: (f64, f64),
    /// One panel per chosen quantity.
    pub panels: Vec<Panel>,
    /// The proved switches (validated) or the reference run's switches (not validated).
    pub events: Vec<Mark>,
    /// Where an undecided run stops being certified (`x0 = x1 = certified_until`).
    pub undecided: Option<Mark>,
    /// The range of the time axis where the limit t → ∞ is drawn (not a time interval).
    pub limit_gutter: Option<(f64, f64)>,
    /// Whether the bands are certified enclosures (else the figure is NOT VALIDATED).
    pub validated: bool,
    /// The largest number of segments merged into one band by [`coarsen`] (1: one band per segment).
    pub merged: usize,
}
