//! The rows `export` writes, generic over the run's arithmetic: every bound is an f64 rounded
//! outward from the backend's exact endpoints (`lower_f64` down, `upper_f64` up), so a row's
//! `[lo, hi]` contains the enclosure it comes from, which contains the exact value.

use crate::report::state_loss;
use reluflow_arith::{Scalar, linalg};
use reluflow_flow::{State, Status, Trajectory};
use reluflow_model::Problem;

/// `[lo, hi]` rounded outward to f64.
pub type Bounds = (f64, f64);

/// One row: a state enclosure over a time range, or an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// `initial`, `segment` (the hull over the segment's times), `end` (the state at its end),
    /// `event` or `limit`.
    pub kind: &'static str,
    /// The segment or event index (`certify`'s numbering); 0 for `initial` and `limit`.
    pub index: usize,
    /// The times the row holds at: `[t_start.lo, t_end.hi]` for a segment, the time enclosure
    /// otherwise; `(inf, inf)` for the limit.
    pub t: Bounds,
    /// Whether the row lies in the certified part of a validated run.
    pub certified: bool,
    /// For events: neuron, point and kind.
    pub event: Option<(usize, usize, &'static str)>,
    /// For states: `w` (per neuron, per coordinate), `a` (per neuron), the loss and `‖w_j‖`.
    pub state: Option<StateBounds>,
}

/// The bounds of one state enclosure.
#[derive(Clone, Debug, PartialEq)]
pub struct StateBounds {
    /// `w[j][k]`.
    pub w: Vec<Vec<Bounds>>,
    /// `a[j]` (two-layer only).
    pub a: Option<Vec<Bounds>>,
    /// The loss over the enclosure.
    pub loss: Bounds,
    /// `‖w_j‖` over the enclosure.
    pub norm_w: Vec<Bounds>,
}

fn bounds<S: Scalar>(x: &S) -> Bounds {
    (x.lower_f64(), x.upper_f64())
}

fn state<S: Scalar>(problem: &Problem, st: &State<S>, ctx: &S::Ctx) -> StateBounds {
    StateBounds {
        w: st.w.iter().map(|row| row.iter().map(bounds).collect()).collect(),
        a: st.a.as_ref().map(|a| a.iter().map(bounds).collect()),
        loss: bounds(&state_loss(problem, st, ctx)),
        norm_w: st.w.iter().map(|row| bounds(&linalg::norm(row, ctx))).collect(),
    }
}

/// Every row of `traj`, in time order: the initial state; per segment its hull and its end state;
/// the events; the limit.
pub fn records<S: Scalar>(problem: &Problem, traj: &Trajectory<S>) -> Vec<Record> {
    let ctx = traj.t_final().ctx();
    let certified_until = match traj.status() {
        Status::Certified => f64::INFINITY,
        Status::Undecided { certified_until, .. } => certified_until.lower_f64(),
        Status::NotValidated => f64::NEG_INFINITY,
    };
    let certified = |t_hi: f64| t_hi <= certified_until;
    let st = |s: &State<S>| Some(state(problem, s, &ctx));
    let mut out = vec![Record {
        kind: "initial",
        index: 0,
        t: (0.0, 0.0),
        certified: certified(0.0),
        event: None,
        state: st(traj.initial()),
    }];
    let mut events = traj.events().iter().enumerate().peekable();
    for (k, seg) in traj.segments().iter().enumerate() {
        let (t0, t1) = (seg.t_start().lower_f64(), seg.t_end().upper_f64());
        // Events at the start of this segment come before its rows.
        while let Some((i, e)) = events.next_if(|(_, e)| e.t.upper_f64() <= seg.t_start().upper_f64()) {
            out.push(event_record(i, e, certified(e.t.upper_f64())));
        }
        out.push(Record {
            kind: "segment",
            index: k,
            t: (t0, t1),
            certified: certified(t1),
            event: None,
            state: st(seg.hull()),
        });
        out.push(Record {
            kind: "end",
            index: k,
            t: bounds(seg.t_end()),
            certified: certified(t1),
            event: None,
            state: st(seg.end()),
        });
    }
    for (i, e) in events {
        out.push(event_record(i, e, certified(e.t.upper_f64())));
    }
    if let Some(l) = traj.limit() {
        let t = (f64::INFINITY, f64::INFINITY);
        out.push(Record {
            kind: "limit",
            index: 0,
            t,
            certified: certified(f64::INFINITY),
            event: None,
            state: st(&l.state),
        });
    }
    out
}

fn event_record<S: Scalar>(i: usize, e: &reluflow_flow::Event<S>, certified: bool) -> Record {
    Record {
        kind: "event",
        index: i,
        t: bounds(&e.t),
        certified,
        event: Some((e.neuron, e.point, e.kind.name())),
        state: None,
    }
}
