//! A diagnostic for runs that stop *sliding*: does the surface attract from both sides where the
//! run stopped? (Interval evaluation at the last certified box, a measurement for planning the
//! Clarke continuation, not a proof of the sliding motion.)

use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::field::{NetData, field};
use reluflow_flow::trajectory::{Pattern, Trajectory};
use reluflow_model::Problem;

/// `"attracting"` when at the last certified box the field of the run's pattern moves guard
/// `(j, i)` towards 0 and the field with `i` toggled certainly moves it back; `"not attracting"`
/// when the toggled field certainly does not; `"unclear"` otherwise; `"at t = 0"` without a segment.
pub fn kind(p: &Problem, tr: &Trajectory<Interval>, j: usize, i: usize) -> &'static str {
    let Some(last) = tr.segments().last() else { return "at t = 0" };
    let data = NetData::<Interval>::from_problem(p, &());
    let rate = |pat: &Pattern| {
        let f = field(&data, pat, tr.final_state());
        f.w[j].iter().zip(&data.x[i]).fold(Interval::from_f64(0.0, &()), |acc, (a, b)| acc.add(&a.mul(b)))
    };
    let was_active = last.pattern().active[j].contains(&i);
    let mut toggled = last.pattern().clone();
    if was_active {
        toggled.active[j].retain(|&k| k != i);
    } else {
        toggled.active[j].push(i);
        toggled.active[j].sort_unstable();
    }
    toggled.frozen[j] = false;
    let back = rate(&toggled);
    let (back_ok, back_bad) = if was_active {
        (back.certainly_pos(), back.certainly_neg())
    } else {
        (back.certainly_neg(), back.certainly_pos())
    };
    if back_ok {
        "attracting"
    } else if back_bad {
        "not attracting"
    } else {
        "unclear"
    }
}
