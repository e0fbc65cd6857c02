//! The two runs of a case: the point run (f64, not validated) that the screen judges and the
//! certified run (f64 intervals), each within the case's [`Budget`].

use reluflow_arith::Interval;
use reluflow_flow::monitor::Monitor;
use reluflow_flow::net::{reference as net_ref, validated};
use reluflow_flow::neuron::{self, NeuronOptions, ReferenceRun};
use reluflow_flow::{SegmentParts, State, Trajectory};
use reluflow_model::{ModelKind, Problem};
use std::time::Duration;

/// The work one case may do.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    /// Most steps of the single-neuron reference solver (for `t_end = inf` it stops there with
    /// its best guess of the limit: a limit on a hyperplane is never "free").
    pub neuron_reference_steps: usize,
    /// Most guard classifications of the certified single-neuron solver.
    pub neuron_certify_steps: usize,
    /// Most steps of the two-layer reference integrator.
    pub net_reference_steps: usize,
    /// Most steps of the validated two-layer integrator.
    pub net_validated_steps: usize,
    /// For `t_end = inf` on the two-layer model: the latest time a limit proof is tried.
    pub limit_search_until: f64,
    /// Samples per pattern of a single-neuron point run (its closed form is evaluated inside each
    /// pattern, so a quantity that dips and recovers within one pattern is seen by the screen).
    pub resample: u32,
    /// Relative width given to every value of a point run before it is checked (see
    /// [`super::widen`]): rounding noise must not look like a violation.
    pub screen_tolerance: f64,
    /// Screen the claims the fast f64 screen knows with it ([`crate::fast`]) instead of the
    /// reference integrator and the checker.
    pub fast_screen: bool,
    /// Most wall-clock time of one certified run (`None`: no limit). A run past it stops
    /// undecided at the time it reached (every segment before is still certified), and a screened
    /// violation it did not certify by then is "not confirmed: budget". Machine-dependent: with a
    /// limit, the same seed may confirm different cases on a slower or busier machine.
    pub certify_time: Option<Duration>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            neuron_reference_steps: 2_000,
            neuron_certify_steps: 20_000,
            net_reference_steps: 20_000,
            net_validated_steps: 20_000,
            limit_search_until: 64.0,
            resample: 8,
            screen_tolerance: 1e-9,
            fast_screen: true,
            certify_time: None,
        }
    }
}

/// The single-neuron point run with every finite pattern sampled at `pieces` times.
fn resampled(run: &ReferenceRun<f64>, pieces: u32) -> Trajectory<f64> {
    let tr = &run.trajectory;
    let mut segments = Vec::new();
    for seg in tr.segments() {
        let (a, b) = (*seg.t_start(), *seg.t_end());
        if pieces < 2 || b.partial_cmp(&a) != Some(std::cmp::Ordering::Greater) || !b.is_finite() {
            segments.push(seg.clone().into_parts());
            continue;
        }
        let mut t0 = a;
        for k in 1..=pieces {
            let (t1, end) = if k == pieces {
                (b, seg.end().clone())
            } else {
                let t = a + (b - a) * f64::from(k) / f64::from(pieces);
                (t, State { w: vec![run.state_at(&t)], a: None })
            };
            segments.push(SegmentParts {
                t_start: t0,
                t_end: t1,
                pattern: seg.pattern().clone(),
                hull: end.clone(),
                end,
            });
            t0 = t1;
        }
    }
    // Should a rounded sample time fall out of order (the pieces would not be a trajectory), the
    // screen reads the run unsampled.
    tr.clone().edit(|p| p.segments = segments).unwrap_or_else(|_| tr.clone())
}

/// The point run of `p` (f64, status `NotValidated`).
pub fn point_run(p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Result<Trajectory<f64>, String> {
    match p.model() {
        ModelKind::SingleNeuron => {
            let opts = NeuronOptions { max_steps: budget.neuron_reference_steps, monitor, ..NeuronOptions::default() };
            let run = neuron::reference::<f64>(p, &(), &opts).map_err(|e| e.to_string())?;
            Ok(resampled(&run, budget.resample))
        }
        ModelKind::TwoLayer => {
            let opts =
                net_ref::RefOptions { max_steps: budget.net_reference_steps, monitor, ..net_ref::RefOptions::f64() };
            net_ref::integrate_problem::<f64>(p, &(), &opts).map(|r| r.trajectory).map_err(|e| e.to_string())
        }
    }
}

/// The certified run of `p` (f64 intervals).
pub fn certified_run(p: &Problem, budget: &Budget, monitor: Option<Monitor>) -> Result<Trajectory<Interval>, String> {
    match p.model() {
        ModelKind::SingleNeuron => {
            let opts = NeuronOptions { max_steps: budget.neuron_certify_steps, monitor, ..NeuronOptions::default() };
            neuron::certify::<Interval>(p, &(), &opts).map_err(|e| e.to_string())
        }
        ModelKind::TwoLayer => {
            let opts = validated::ValidatedOptions {
                max_steps: budget.net_validated_steps,
                limit_search_until: budget.limit_search_until,
                monitor,
                ..validated::ValidatedOptions::default()
            };
            validated::certify::<Interval>(p, &(), &opts).map_err(|e| e.to_string())
        }
    }
}
