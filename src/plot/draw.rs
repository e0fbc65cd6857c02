//! Rendering a [`Figure`] as SVG with `plotters` (SVG backend only: text is written as `<text>`
//! elements, laid out with plotters' font-free size estimate, so no system font is needed).

use super::{Figure, Panel, Rect, What};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of the picture in pixels.
pub const WIDTH: u32 = 1200;
/// Height of one panel in pixels (plus [`TITLE_HEIGHT`] once).
pub const PANEL_HEIGHT: u32 = 420;
/// Width of the legend column right of each panel, in pixels.
pub const LEGEND_WIDTH: u32 = 170;
/// Height of the title strip in pixels.
pub const TITLE_HEIGHT: u32 = 40;

/// The visible value range of a panel: every finite end of every drawn rectangle and point,
/// padded by 5 % (a degenerate range is widened to ±1 around its value; no finite value: [−1, 1]).
pub fn y_range(panel: &Panel) -> (f64, f64) {
    let rects = panel.series.iter().flat_map(|s| s.bands.iter().chain(&s.ends).chain(&s.limit));
    let ys = rects.flat_map(|r| [r.y0, r.y1]).chain(panel.series.iter().flat_map(|s| s.line.iter().map(|p| p.1)));
    let (lo, hi) =
        ys.filter(|y| y.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
    if lo > hi {
        return (-1.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * lo.abs().max(hi.abs()) || span == 0.0 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    (lo - 0.05 * span, hi + 0.05 * span)
}

/// Renders the figure as an SVG document (one panel per [`Panel`], stacked, sharing the time axis).
pub fn svg(fig: &Figure) -> Result<String, String> {
    let mut buf = String::new();
    let height = TITLE_HEIGHT + PANEL_HEIGHT * fig.panels.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let colour = if fig.validated { BLACK } else { RED };
        let body = root.titled(&fig.title, ("sans-serif", 20).into_font().color(&colour)).map_err(|e| e.to_string())?;
        let areas = body.split_evenly((fig.panels.len().max(1), 1));
        for (panel, area) in fig.panels.iter().zip(&areas) {
            draw_panel(fig, panel, area).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

fn draw_panel(fig: &Figure, panel: &Panel, area: &DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult {
    let (x0, x1) = fig.x_range;
    let (y0, y1) = y_range(panel);
    let clamp_y = |y: f64| if y.is_nan() { y0 } else { y.clamp(y0, y1) };
    let clamp_x = |x: f64| if x.is_nan() { x0 } else { x.clamp(x0, x1) };
    // A NaN end says nothing: the rectangle then reaches the edge of the panel on that side.
    let rect = |r: &Rect| {
        let (lo, hi) = (if r.y0.is_nan() { y0 } else { clamp_y(r.y0) }, if r.y1.is_nan() { y1 } else { clamp_y(r.y1) });
        [(clamp_x(r.x0), lo), (clamp_x(r.x1), hi)]
    };
    let kind = if fig.validated { "certified enclosures" } else { "reference values, NOT VALIDATED" };
    let (plot_area, legend_area) = area.split_horizontally(WIDTH - LEGEND_WIDTH);
    legend(panel, fig.validated, fig.merged, &legend_area)?;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(10)
        .caption(format!("{} ({kind})", panel.what.name()), ("sans-serif", 16))
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(fig.x_label.as_str())
        // No time ticks in the limit gutter: it is not a time interval.
        .x_label_formatter(&|x: &f64| {
            if fig.limit_gutter.is_some_and(|g| *x > g.0 - 0.5 * (g.1 - g.0)) {
                String::new()
            } else {
                tick_on(*x, x1 - x0)
            }
        })
        .y_label_formatter(&|y: &f64| tick_on(*y, y1 - y0))
        .y_desc(panel.y_label.as_str())
        .max_light_lines(0)
        .draw()?;
    // Guards: the switching surfaces w_jᵀx_i = 0 (linear value axis only).
    if panel.what == What::Guards && !panel.y_label.starts_with("log10") && y0 < 0.0 && 0.0 < y1 {
        // Up to the limit gutter's separator (the gutter is not a time interval).
        let end = fig.limit_gutter.map_or(x1, |(g0, g1)| g0 - 0.3 * (g1 - g0));
        chart.draw_series([PathElement::new(vec![(x0, 0.0), (end, 0.0)], BLACK.stroke_width(1))])?;
        let font = ("sans-serif", 11).into_font().color(&BLACK.mix(0.7)).pos(Pos::new(HPos::Right, VPos::Bottom));
        chart.draw_series([Text::new("switching surface w·x = 0 ", (end, 0.0), font)])?;
    }
    // Events: thin grey bands (their time enclosures) with a line in the middle, labelled.
    let top = |k: usize| y1 - (y1 - y0) * (0.04 + 0.06 * (k % 5) as f64);
    for (k, e) in fig.events.iter().enumerate() {
        let (a, b) = (clamp_x(e.x0), clamp_x(e.x1));
        chart.draw_series([Rectangle::new([(a, y0), (b, y1)], BLACK.mix(0.15).filled())])?;
        let mid = 0.5 * (a + b);
        chart.draw_series([PathElement::new(vec![(mid, y0), (mid, y1)], BLACK.mix(0.6).stroke_width(1))])?;
        chart.draw_series([Text::new(format!(" {}", e.label), (mid, top(k)), ("sans-serif", 12))])?;
    }
    for (i, s) in panel.series.iter().enumerate() {
        let c = colour(i);
        // A band at most 2 px tall is all outline: its fill would add bytes and nothing visible.
        let tall = |r: &&Rect| {
            let [a, b] = rect(r);
            (chart.backend_coord(&a).1 - chart.backend_coord(&b).1).abs() > 2
        };
        let fills: Vec<_> =
            s.bands.iter().filter(tall).map(|r| Rectangle::new(rect(r), c.mix(0.22).filled())).collect();
        chart.draw_series(fills)?;
        chart.draw_series(s.bands.iter().map(|r| outline(rect(r), c.stroke_width(1))))?;
        for r in &s.ends {
            let [(a, lo), (b, hi)] = rect(r);
            let mid = 0.5 * (a + b);
            chart.draw_series([PathElement::new(vec![(mid, lo), (mid, hi)], c.stroke_width(2))])?;
            for y in [lo, hi] {
                let cap = EmptyElement::at((mid, y)) + PathElement::new(vec![(-4, 0), (4, 0)], c.stroke_width(2));
                chart.draw_series([cap])?;
            }
        }
        if !s.line.is_empty() {
            let points: Vec<(f64, f64)> = s.line.iter().map(|&(x, y)| (clamp_x(x), clamp_y(y))).collect();
            chart.draw_series(LineSeries::new(points, c.stroke_width(2)))?;
        }
        if let Some(r) = &s.limit {
            chart.draw_series([Rectangle::new(rect(r), c.mix(0.5).filled())])?;
            chart.draw_series([outline(rect(r), c.stroke_width(2))])?;
        }
    }
    if let Some((g0, g1)) = fig.limit_gutter {
        let sep = g0 - 0.3 * (g1 - g0);
        chart.draw_series([PathElement::new(vec![(sep, y0), (sep, y1)], BLACK.stroke_width(1))])?;
        chart.draw_series([Text::new("t → ∞ (limit)", (g0, top(0)), ("sans-serif", 13))])?;
    }
    if let Some(u) = &fig.undecided {
        let x = clamp_x(u.x0);
        chart.draw_series([Rectangle::new([(x, y0), (x1, y1)], RED.mix(0.06).filled())])?;
        chart.draw_series([PathElement::new(vec![(x, y0), (x, y1)], RED.stroke_width(2))])?;
        let right = ("sans-serif", 13).into_font().color(&RED).pos(Pos::new(HPos::Right, VPos::Bottom));
        chart.draw_series([Text::new(format!("{} ", u.label), (x, y0 + 0.03 * (y1 - y0)), right)])?;
        let left = ("sans-serif", 13).into_font().color(&RED);
        chart.draw_series([Text::new(" not certified", (x, y1 - 0.04 * (y1 - y0)), left)])?;
    }
    Ok(())
}

/// The label of a tick at `v` on an axis spanning `span`: the tick positions are multiples of a
/// round step computed in f64 (so the tick at 0 may come out as −5.551e-17), and the label is
/// the nearest multiple of about `span`·10⁻⁶ — a round value, and 0 for that tick — with the
/// decimals the span needs (ticks of a narrow axis far from 0 stay distinct). Only the label is
/// rounded; nothing drawn moves.
pub fn tick_on(v: f64, span: f64) -> String {
    if !span.is_finite() || span <= 0.0 || !v.is_finite() {
        return tick(v);
    }
    let order = span.log10().floor() as i32;
    let quantum = 10f64.powi(order - 6);
    let snapped = (v / quantum).round() * quantum;
    if snapped == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e6).contains(&snapped.abs()) {
        return tick(snapped);
    }
    // Enough decimals to tell ticks a tenth of the span apart, however far from 0 they are.
    let decimals = (3 - order).clamp(0, 12) as usize;
    let s = format!("{snapped:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A tick label: at most 6 significant decimals, trailing zeros dropped; scientific notation
/// outside [1e-3, 1e6).
pub fn tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if (1e-3..1e6).contains(&v.abs()) {
        let digits = (5 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
        let s = format!("{v:.digits$}");
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
        if s == "-0" { "0".to_string() } else { s.to_string() }
    } else {
        format!("{v:.3e}")
    }
}

/// The colour of series `i` (a fixed palette, so the legend and the bands agree).
fn colour(i: usize) -> RGBAColor {
    // Ten dark, distinct colours (readable as thin lines on white), then plotters' palette.
    const DARK: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (214, 39, 40),
        (44, 160, 44),
        (148, 103, 189),
        (255, 127, 14),
        (140, 86, 75),
        (227, 119, 194),
        (23, 190, 207),
        (127, 127, 127),
        (188, 189, 34),
    ];
    match DARK.get(i) {
        Some(&(r, g, b)) => RGBColor(r, g, b).to_rgba(),
        // Further hues by golden-ratio steps, dark enough for thin lines.
        None => HSLColor((i as f64 * 0.618_034).fract(), 0.75, 0.35).to_rgba(),
    }
}

/// The closed outline of a rectangle as a path: unlike an SVG `<rect>`, a path is still drawn when
/// the rectangle is thinner than a pixel (an enclosure of width 1e-14 shows as a line).
fn outline(r: [(f64, f64); 2], style: ShapeStyle) -> PathElement<(f64, f64)> {
    let [(x0, y0), (x1, y1)] = r;
    PathElement::new(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], style)
}

/// The legend of a panel, in its own column (so it never hides an enclosure or the limit).
fn legend(panel: &Panel, validated: bool, merged: usize, area: &DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult {
    let row = 16;
    area.draw(&Text::new("legend", (8, 30), ("sans-serif", 13)))?;
    for (i, s) in panel.series.iter().enumerate() {
        let y = 50 + row * i as i32;
        let c = colour(i);
        area.draw(&Rectangle::new([(8, y), (26, y + 10)], c.mix(0.4).filled()))?;
        area.draw(&Rectangle::new([(8, y), (26, y + 10)], c.stroke_width(1)))?;
        area.draw(&Text::new(s.label.clone(), (32, y), ("sans-serif", 13)))?;
    }
    let mut notes: Vec<String> = if validated {
        let mut v = vec!["band: enclosure over".to_string(), "  a whole segment".to_string()];
        if panel.series.iter().any(|s| !s.ends.is_empty()) {
            v.extend(["bar: enclosure at".to_string(), "  a segment end".to_string()]);
        }
        v.push("grey: switch time".to_string());
        v
    } else {
        ["line: reference values", "  at segment ends,", "  NOT VALIDATED"].map(String::from).to_vec()
    };
    if merged > 1 {
        notes.extend(["bands: hulls of up to".to_string(), format!("  {merged} segments each")]);
    }
    let y0 = 60 + row * panel.series.len() as i32;
    for (k, note) in notes.iter().enumerate() {
        area.draw(&Text::new(
            note.as_str(),
            (8, y0 + 13 * k as i32),
            ("sans-serif", 11).into_font().color(&BLACK.mix(0.7)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{Mark, Series};

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(0.15000000000000002), "0.15");
        assert_eq!(tick(-600.0), "-600");
        assert_eq!(tick(1e-5), "1.000e-5");
        assert_eq!(tick(2.5e7), "2.500e7");
        assert_eq!(tick(-1e-12), "-1.000e-12");
    }

    #[test]
    fn ticks_on_an_axis_are_round() {
        // The zero tick of an axis from −1 to 1 (plotters computes it as −1 + 5 · 0.2).
        assert_eq!(tick_on(-5.551115123125783e-17, 2.1), "0");
        assert_eq!(tick_on(-1.0 + 5.0 * 0.2, 2.1), "0");
        assert_eq!(tick_on(0.30000000000000004, 1.0), "0.3");
        assert_eq!(tick_on(-0.6000000000000001, 2.0), "-0.6");
        // Small axes keep their digits; a tick far from 0 on a narrow axis too.
        assert_eq!(tick_on(2.5e-12, 1e-11), "2.500e-12");
        assert_eq!(tick_on(1000.0005, 0.01), "1000.0005");
        assert_eq!(tick_on(f64::NAN, 1.0), "NaN");
    }

    #[test]
    fn a_symmetric_axis_labels_its_zero_tick_zero() {
        let r = Rect { x0: 0.0, x1: 0.3, y0: -1.0, y1: 1.0 };
        let mut p = panel(&[r]);
        p.what = What::Guards;
        let fig = Figure {
            title: "guards".into(),
            x_label: "t".into(),
            x_range: (0.0, 0.3),
            panels: vec![p],
            events: vec![],
            undecided: None,
            limit_gutter: None,
            validated: true,
            merged: 1,
        };
        let svg = svg(&fig).unwrap();
        assert!(!svg.contains("e-17") && !svg.contains("e-16"), "a zero tick printed as rounding noise");
        assert!(svg.contains(">\n0\n</text>"), "the zero tick is labelled 0");
    }

    fn panel(rects: &[Rect]) -> Panel {
        let s = Series { label: "w".into(), bands: rects.to_vec(), ends: vec![], line: vec![], limit: None };
        Panel { what: What::Weights, y_label: "weights".into(), series: vec![s] }
    }

    #[test]
    fn y_range_ignores_infinite_ends_and_pads_degenerate_ranges() {
        let r = |y0, y1| Rect { x0: 0.0, x1: 1.0, y0, y1 };
        assert_eq!(y_range(&panel(&[])), (-1.0, 1.0));
        let (lo, hi) = y_range(&panel(&[r(0.0, 10.0), r(f64::NEG_INFINITY, 5.0)]));
        assert_eq!((lo, hi), (-0.5, 10.5));
        let (lo, hi) = y_range(&panel(&[r(-600.0, -600.0)]));
        assert!(lo < -600.0 && hi > -600.0);
        assert_eq!(y_range(&panel(&[r(0.0, 0.0)])), (-1.0, 1.0));
    }

    #[test]
    fn svg_has_title_panels_marks_and_legend() {
        let r = Rect { x0: 0.0, x1: 1.0, y0: f64::NEG_INFINITY, y1: 2.0 };
        let fig = Figure {
            title: "p.toml — single-neuron, interval: CERTIFIED".into(),
            x_label: "t".into(),
            x_range: (0.0, 2.0),
            panels: vec![panel(&[r]), panel(&[r])],
            events: vec![Mark { x0: 0.5, x1: 0.6, label: "activate x0 n0".into() }],
            undecided: Some(Mark { x0: 1.0, x1: 1.0, label: "undecided: why".into() }),
            limit_gutter: None,
            validated: true,
            merged: 1,
        };
        let svg = svg(&fig).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("CERTIFIED").count(), 1);
        assert_eq!(svg.matches("activate x0 n0").count(), 2, "one mark per panel");
        assert_eq!(svg.matches("undecided: why").count(), 2);
        assert_eq!(svg.matches("not certified").count(), 2);
        assert!(svg.contains(">\nw\n</text>"), "legend entry");
        assert!(!svg.contains("inf") && !svg.contains("NaN"), "infinite ends are clamped");
    }
}
