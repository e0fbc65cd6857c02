//! The human-readable report: status, a table of events, and the final and limit enclosures
//! with their widths.

use super::{accuracy_text, effective_precision, horizon_display, pair, status_fields, width};
use reluflow_arith::{Guarantee, Scalar};
use reluflow_flow::{State, Trajectory};
use reluflow_model::Problem;
use std::fmt::Write;

/// Left-aligned columns separated by two spaces (the last column is not padded).
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::from("  ");
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn interval_cell(p: &[String; 2]) -> String {
    format!("[{}, {}]", p[0], p[1])
}

fn state_rows<S: Scalar>(state: &State<S>, digits: u32) -> Vec<Vec<String>> {
    let mut rows = vec![vec!["".to_string(), "enclosure [lo, hi]".to_string(), "width ≤".to_string()]];
    let single = state.a.is_none() && state.w.len() == 1;
    for (j, wj) in state.w.iter().enumerate() {
        for (i, x) in wj.iter().enumerate() {
            let name = if single { format!("w[{i}]") } else { format!("w[{j}][{i}]") };
            rows.push(vec![name, interval_cell(&pair(x, digits)), width(x)]);
        }
    }
    if let Some(a) = &state.a {
        for (j, x) in a.iter().enumerate() {
            rows.push(vec![format!("a[{j}]"), interval_cell(&pair(x, digits)), width(x)]);
        }
    }
    rows
}

/// The report of `traj` (a run of `problem`) as text for a terminal.
pub fn render_human<S: Scalar>(problem: &Problem, traj: &Trajectory<S>, digits: u32) -> String {
    let mut out = String::new();
    let (status, reason, until) = status_fields(traj, problem, digits);
    let run = problem.run();
    let _ = match status {
        "certified" => writeln!(out, "status: CERTIFIED up to t = {}", until.as_deref().unwrap_or("?")),
        "undecided" => writeln!(
            out,
            "status: UNDECIDED; everything below is certified up to t = {} only\nreason: {}{}",
            until.as_deref().unwrap_or("?"),
            reason.as_ref().map_or("?", |r| r.text.as_str()),
            reason
                .as_ref()
                .and_then(|r| r.advice.as_deref())
                .map_or(String::new(), |a| format!("\nto go further: {a}"))
        ),
        "internal-inconsistency" => writeln!(
            out,
            "status: INTERNAL INCONSISTENCY (a bug, not an answer); the run stopped at t = {}: nothing after it is certified\nwhat: {}",
            until.as_deref().unwrap_or("?"),
            reason.as_ref().map_or("?", |r| r.text.as_str())
        ),
        _ => writeln!(out, "status: NOT VALIDATED ({} arithmetic): approximate values, nothing is certified", S::NAME),
    };
    let _ = writeln!(
        out,
        "problem: {}, σ'(0) = {}, loss {}, n = {}, d = {}, t_end = {}",
        problem.model().name(),
        problem.relu_prime().value(),
        problem.loss().name(),
        problem.data().n(),
        problem.data().d(),
        horizon_display(&run.t_end, digits)
    );
    let rounding = if S::GUARANTEE == Guarantee::Enclosure {
        "every [lo, hi] is rounded outward"
    } else {
        "point values, shown as [lo, hi] rounded outward"
    };
    let _ = writeln!(
        out,
        "arithmetic: {} ({} bits){}; {digits} significant digits, {rounding}",
        S::NAME,
        effective_precision(problem),
        accuracy_text(problem)
    );

    let _ = writeln!(out, "\nevents: {} (in {} segments)", traj.events().len(), traj.segments().len());
    if !traj.events().is_empty() {
        let mut rows = vec![["#", "kind", "point", "neuron", "t ∈ [lo, hi]", "width ≤"].map(String::from).to_vec()];
        for (k, e) in traj.events().iter().enumerate() {
            rows.push(vec![
                k.to_string(),
                e.kind.name().to_string(),
                e.point.to_string(),
                e.neuron.to_string(),
                interval_cell(&pair(&e.t, digits)),
                width(&e.t),
            ]);
        }
        out.push_str(&table(&rows));
    }
    sliding_lines(traj, digits, &mut out);

    let _ = writeln!(out, "\nfinal state at t ∈ {}:", interval_cell(&pair(traj.t_final(), digits)));
    let mut rows = state_rows(traj.final_state(), digits);
    let l = super::state_loss(problem, traj.final_state(), &traj.t_final().ctx());
    rows.push(vec!["loss".to_string(), interval_cell(&pair(&l, digits)), width(&l)]);
    out.push_str(&table(&rows));

    if let Some(limit) = traj.limit() {
        let _ = writeln!(out, "\nlimit t → ∞:");
        let mut rows = state_rows(&limit.state, digits);
        rows.push(vec!["loss".to_string(), interval_cell(&pair(&limit.loss, digits)), width(&limit.loss)]);
        out.push_str(&table(&rows));
        for (j, act) in limit.pattern.active.iter().enumerate() {
            let list: Vec<String> = act.iter().map(usize::to_string).collect();
            let frozen = if limit.pattern.frozen.get(j).copied().unwrap_or(false) { " (frozen)" } else { "" };
            let _ = writeln!(out, "  neuron {j}: active points {{{}}}{frozen}", list.join(", "));
        }
        for (j, i) in &limit.on_hyperplane {
            let _ = writeln!(
                out,
                "  neuron {j}: the limit lies on the hyperplane of point {i} (x_iᵀw(∞) = 0 exactly); the guard \
                 is proved positive at every finite time, so the pattern is fixed and the point stays active"
            );
        }
        if let Some(rate) = &limit.rate {
            let r = super::rate_json(rate, digits.min(6));
            let _ = writeln!(
                out,
                "  rate: L(t) ≤ {}·exp(−2·{}·(t − {})) for every t ≥ {} (Polyak–Łojasiewicz)",
                r.loss0, r.mu, r.t0, r.t0
            );
            if let Some(l) = r.loss_below.iter().find(|l| l.loss == "1e-9") {
                let _ = writeln!(out, "  loss ≤ 1e-9 for every t ≥ {}", l.t);
            }
        }
    }
    out
}

/// One line per sliding pair (`[run] solution = "clarke"`): the neuron slides along the point's
/// hyperplane over its sliding segments (the times from the first one's start to the last one's end).
fn sliding_lines<S: Scalar>(traj: &Trajectory<S>, digits: u32, out: &mut String) {
    let mut pairs: Vec<(usize, usize)> =
        traj.segments().iter().flat_map(|s| s.pattern().sliding.iter().copied()).collect();
    pairs.sort_unstable();
    pairs.dedup();
    for (j, i) in pairs {
        let segs: Vec<_> = traj.segments().iter().filter(|s| s.pattern().sliding.contains(&(j, i))).collect();
        let (first, last) = (segs[0], segs[segs.len() - 1]);
        let _ = writeln!(
            out,
            "sliding: neuron {j} slides along the hyperplane of point {i} from t ∈ {} to t ∈ {} ({} segments)",
            interval_cell(&pair(first.t_start(), digits)),
            interval_cell(&pair(last.t_end(), digits)),
            segs.len()
        );
    }
}
