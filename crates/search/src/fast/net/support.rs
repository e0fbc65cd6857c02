//! Support-vector stability per hidden neuron, watched along the fast two-layer run: a pair
//! `(j, i)` that was active, became inactive and becomes active again breaks it.
//!
//! A reactivation counts as a screened violation only when the active stretch before it went at
//! least [`DEPTH`] high and the inactive stretch at least [`DEPTH`] deep
//! (`x_iᵀw_j ≥ DEPTH ‖x_i‖‖w_j‖`, then `≤ −DEPTH ‖x_i‖‖w_j‖` somewhere on them): a pair chattering
//! about its hyperplane is a surface the flow slides along, not a reactivation. A shallower one is
//! remembered, and the case is undecided.
//!
//! Slack (negative exactly when the run breaks the claim), from `c_ji = cos∠(x_i, w_j)` over the
//! steps: a pair never deactivated, the least `c` after its largest (how close it came to leaving);
//! a pair deactivated, minus the largest `c` after its least (how close it came to returning); a
//! reactivated pair, minus the smaller of its height and depth; the least over the pairs of
//! neurons alive at the end (a dead neuron is frozen for good and sits on the hyperplane it died on,
//! so its pairs would all score about the switching margin).

use super::run::{Event, Watch};

/// Least relative depth of an inactive stretch for its end to count as a reactivation.
pub const DEPTH: f64 = 1e-6;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Never,
    Active { peak: f64, dip: f64 },
    Left { since: f64, height: f64, trough: f64, rise: f64 },
}

/// The first clean reactivation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reactivation {
    /// The neuron.
    pub neuron: usize,
    /// The point.
    pub point: usize,
    /// When it became inactive.
    pub left: f64,
    /// When it became active again.
    pub back: f64,
    /// The height of the active stretch before (largest `cos∠(x_i, w_j)` on it).
    pub height: f64,
    /// The depth of the inactive stretch (least `cos∠(x_i, w_j)`, negated).
    pub depth: f64,
}

/// The watch.
#[derive(Clone, Debug)]
pub struct Support {
    n: usize,
    phase: Vec<Phase>,
    /// Active points per neuron (0: dead, frozen for good).
    live: Vec<usize>,
    /// Shallow reactivations seen (pair, time).
    pub shallow: Option<(usize, f64)>,
    /// The first clean reactivation (the run stops there).
    pub found: Option<Reactivation>,
}

impl Support {
    /// The watch of a run starting with pattern `act` (`m·n` pairs).
    pub fn new(act: &[bool], n: usize) -> Support {
        let phase = act
            .iter()
            .map(|a| if *a { Phase::Active { peak: 0.0, dip: f64::INFINITY } } else { Phase::Never })
            .collect();
        let live = act.chunks(n).map(|row| row.iter().filter(|a| **a).count()).collect();
        Support { n, phase, live, shallow: None, found: None }
    }

    /// The slack (see the module documentation); `None` when no pair was ever active.
    pub fn slack(&self) -> Option<f64> {
        if let Some(r) = &self.found {
            return Some(-r.depth.min(r.height).max(super::super::THRESHOLD));
        }
        let pair = |p: &Phase| match *p {
            Phase::Never => None,
            Phase::Active { dip, .. } => Some(if dip.is_finite() { dip.max(0.0) } else { 1.0 }),
            Phase::Left { rise, .. } => Some((-rise).max(0.0)),
        };
        let alive = |k: &usize| self.live[k / self.n] > 0;
        (0..self.phase.len()).filter(alive).filter_map(|k| pair(&self.phase[k])).reduce(f64::min)
    }
}

impl Watch for Support {
    fn step(&mut self, _t: f64, lo: &[f64], hi: &[f64], _theta: &[f64]) -> bool {
        for (k, p) in self.phase.iter_mut().enumerate() {
            match p {
                Phase::Never => {}
                Phase::Active { peak, dip } => {
                    if hi[k] > *peak {
                        (*peak, *dip) = (hi[k], lo[k]);
                    } else {
                        *dip = dip.min(lo[k]);
                    }
                }
                Phase::Left { trough, rise, .. } => {
                    if lo[k] < *trough {
                        (*trough, *rise) = (lo[k], hi[k]);
                    } else {
                        *rise = rise.max(hi[k]);
                    }
                }
            }
        }
        false
    }

    fn event(&mut self, e: &Event) -> bool {
        let k = e.neuron * self.n + e.point;
        let live = &mut self.live[e.neuron];
        *live = if e.activate { *live + 1 } else { live.saturating_sub(1) };
        match (self.phase[k], e.activate) {
            (Phase::Never, true) => self.phase[k] = Phase::Active { peak: 0.0, dip: f64::INFINITY },
            (Phase::Active { peak, .. }, false) => {
                self.phase[k] = Phase::Left { since: e.t, height: peak, trough: 0.0, rise: 0.0 }
            }
            (Phase::Left { since, height, trough, .. }, true) => {
                if height >= DEPTH && -trough >= DEPTH {
                    let r = Reactivation {
                        neuron: e.neuron,
                        point: e.point,
                        left: since,
                        back: e.t,
                        height,
                        depth: -trough,
                    };
                    self.found = Some(r);
                    return true;
                }
                self.shallow.get_or_insert((k, e.t));
                self.phase[k] = Phase::Active { peak: 0.0, dip: f64::INFINITY };
            }
            _ => {}
        }
        false
    }
}
