//! Statements about the data (catalogue entries of kind `Static`: `cel.thm8-sign-M`,
//! `cel.prop13/14/22-yardstick`): their verdict is the checker's static check of the instance
//! (`reluflow_check::check_static`), exact or in intervals, and needs no trajectory. The screen and
//! the certification are both that check:
//!
//! * the screen runs it in f64 intervals, and — as every screen — is never more than "not
//!   validated" (`screen.rs` downgrades it);
//! * the certification runs it in the problem's own arithmetic (f64 intervals, or MPFR intervals
//!   at the problem's precision), exactly what `reluflow check` computes on the problem file, so a
//!   counterexample is the checker's certified row (`RowStatus::Counterexample`: every assumed
//!   hypothesis certainly true, the statement certainly violated) and reproduces from its file.
//!
//! A screened violation that the certification does not confirm is "not confirmed" with the
//! certified row's text.

use crate::claim::{Judgement, VerdictKind};
use crate::plan::Plan;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_check::{CheckReport, Kind, RowStatus, check_static};
use reluflow_model::{Arithmetic, Problem};

/// The plan's static judgement of `p` (`None` when the entry is not a statement about the data).
pub(crate) fn judge(plan: &Plan, p: &Problem, certify: bool) -> Option<Judgement> {
    if plan.entry().kind() != Kind::Static {
        return None;
    }
    let sel = plan.selection();
    let mpfr = matches!(p.run().arithmetic, Arithmetic::Mpfr | Arithmetic::MpfrInterval);
    Some(if certify && mpfr {
        row(plan, &check_static::<MpInterval>(p, &p.run().precision, sel))
    } else {
        row(plan, &check_static::<Interval>(p, &(), sel))
    })
}

/// The entry's row of `report` as a judgement.
fn row<S: Enclosure>(plan: &Plan, report: &CheckReport<S>) -> Judgement {
    match report.rows.iter().find(|r| r.entry.id == plan.entry().id) {
        Some(r) => Judgement::of_row(r),
        None => Judgement {
            verdict: VerdictKind::Undecided,
            status: RowStatus::Undecided,
            text: format!("the checker returned no row for {}", plan.entry().id),
            witness_time: None,
        },
    }
}
