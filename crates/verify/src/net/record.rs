//! What the verifier saw along the flow, kept for the checker's verdicts (`verdicts.rs`): the
//! output weights on enclosures that together cover every time, and the direction of each
//! event's crossing.

use super::fi::Fi;
use super::field::Data;
use rug::Rational;

/// Enclosures of the output weights `a_j` at every time of `[t0, t1]`.
pub struct Sweep {
    pub t0: Rational,
    pub t1: Rational,
    pub a: Vec<Fi>,
}

/// The verified flow's record, in time order.
#[derive(Default)]
pub struct Record {
    /// Stretches covering `[0, t_K]` (steps' a priori boxes, windows' boxes, and the exact times
    /// of step ends).
    pub sweeps: Vec<Sweep>,
    /// Per event, in the certificate's order: whether its guard turned on (`true`) or off.
    pub turns: Vec<bool>,
    /// For a limit: the output weights on the limit box, which holds every state after `t_K`.
    pub tail: Option<Vec<Fi>>,
}

impl Record {
    /// Records that every state at a time of `[t0, t1]` lies in `v`.
    pub fn sweep(&mut self, dt: &Data, t0: &Rational, t1: &Rational, v: &[Fi]) {
        self.sweeps.push(Sweep { t0: t0.clone(), t1: t1.clone(), a: Record::weights(dt, v) });
    }
    /// The output weights of `v`.
    pub fn weights(dt: &Data, v: &[Fi]) -> Vec<Fi> {
        (0..dt.m).map(|j| v[dt.a(j)].clone()).collect()
    }
}
