//! From a catalogue entry and a [`Selection`] to the space of instances to search: [`Plan`].
//!
//! A hypothesis is *assumed* exactly as the checker decides it (`report.rs`): a non-switchable
//! one always; a switchable one if the selection's `assume` map says so under `"<entry>:<hyp>"`,
//! else under `"<hyp>"`, else by its default. Each assumed hypothesis is built into the instance
//! space where a construction exists (`d2` fixes `d = 2`, `positive-labels` puts every point in
//! the teacher's half-space, …); the strategy then accepts an instance only if the catalogue's own
//! three-valued predicate says every assumed hypothesis is certainly true.

use crate::SearchError;
use crate::strategy::{CelScale, CelSpace, LabelSource, NetSpace, NeuronSpace, relaxed_exponents};
use reluflow_check::{Applies, Entry, Hyp, Kind, Selection};
use reluflow_model::{Horizon, LossScale, ModelKind, ReluPrime};
use rug::Rational;

/// The instance space of a plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Space {
    /// Single-neuron instances.
    Neuron(NeuronSpace),
    /// Two-layer instances.
    Net(NetSpace),
    /// Shallow-network instances of Chistikov–Englert–Lazić (the `cel.*` entries).
    Cel(CelSpace),
}

/// What to search: the entry, the model, the assumed hypotheses and the instance space.
#[derive(Clone, Debug)]
pub struct Plan {
    pub(crate) entry: &'static Entry,
    pub(crate) assumed: Vec<&'static Hyp>,
    pub(crate) selection: Selection,
    pub(crate) space: Space,
}

/// The horizon the entry's check needs: a certified limit for global convergence (and for the
/// single neuron's support vectors, whose final active set is the limit's), none (`t_end = 0`) for
/// a statement about the data (its check reads no trajectory), else `t ∈ [0, 8]`.
pub fn default_horizon(id: &str, model: ModelKind) -> Horizon {
    match (id, model) {
        ("lsy.global-convergence-d2", _) | ("lsy.support-vector-stability", ModelKind::SingleNeuron) => {
            Horizon::Infinite
        }
        _ if reluflow_check::entry(id).is_some_and(|e| e.kind() == Kind::Static) => Horizon::Finite(Rational::new()),
        _ => Horizon::Finite(Rational::from(8)),
    }
}

fn unsat(hyps: &[&str], why: impl Into<String>) -> SearchError {
    SearchError::Unsatisfiable { hyps: hyps.iter().map(|h| h.to_string()).collect(), why: why.into() }
}

fn choose_model(e: &Entry, model: Option<ModelKind>) -> Result<ModelKind, SearchError> {
    let fits = |m: ModelKind| match e.applies {
        Applies::Both => true,
        Applies::Single => m == ModelKind::SingleNeuron,
        Applies::TwoLayer => m == ModelKind::TwoLayer,
    };
    match model {
        Some(m) if fits(m) => Ok(m),
        Some(m) => Err(SearchError::WrongModel { id: e.id.into(), model: m.name() }),
        None if e.applies == Applies::TwoLayer => Ok(ModelKind::TwoLayer),
        None => Ok(ModelKind::SingleNeuron),
    }
}

/// The bound `r` of `small-init`, checked: `Ok(None)` means `r = 0` (only `w(0) = 0` fits).
fn small_init_bound(sel: &Selection) -> Result<Option<Rational>, SearchError> {
    match &sel.params.init_norm_bound {
        None => Err(unsat(&["small-init"], "no bound r is given (--small-init-radius R): undecided everywhere")),
        Some(r) if *r < 0 => Err(unsat(&["small-init"], format!("‖w(0)‖ ≤ r = {r} < 0 is impossible"))),
        Some(r) if *r == 0 => Ok(None),
        Some(r) => Ok(Some(r.clone())),
    }
}

pub(crate) fn neuron_space(
    id: &str,
    hyps: &[&Hyp],
    sel: &Selection,
    horizon: Horizon,
) -> Result<NeuronSpace, SearchError> {
    let mut s = NeuronSpace { horizon, ..NeuronSpace::default() };
    for h in hyps {
        match h.id {
            "teacher" => s.labels = LabelSource::Teacher,
            "zero-init" => s.zero_init = Some(true),
            "small-init" => match small_init_bound(sel)? {
                None => s.zero_init = Some(true),
                r => s.init_norm_bound = r,
            },
            "d2" => s.d = 2..=2,
            "all-active-init" => s.all_active = true,
            "positive-labels" => s.positive_labels = true,
            "relu-prime-one" => s.relu_prime = Some(ReluPrime::One),
            "half-sum" => s.loss = Some(LossScale::HalfSum),
            "zero-loss-w*" => match &sel.params.w_star {
                Some(ws) => s.labels = LabelSource::Interpolating(ws.clone()),
                None => s.labels = LabelSource::Teacher,
            },
            other => return Err(no_generator(id, other)),
        }
    }
    if let LabelSource::Interpolating(ws) = &s.labels {
        let names = |more: &'static str| [more, "zero-loss-w*"];
        if ws.is_empty() || ws.len() > 8 {
            return Err(unsat(
                &["zero-loss-w*"],
                format!("--w-star has {} coordinates (searched dimensions: 1 to 8)", ws.len()),
            ));
        }
        if s.d == (2..=2) && ws.len() != 2 {
            return Err(unsat(&names("d2"), format!("d = 2 but --w-star has {} coordinates", ws.len())));
        }
        if s.positive_labels && ws.iter().all(|c| *c == 0) {
            return Err(unsat(&names("positive-labels"), "w* = 0 gives every label 0"));
        }
    }
    Ok(s)
}

pub(crate) fn net_space(id: &str, hyps: &[&Hyp], sel: &Selection, horizon: Horizon) -> Result<NetSpace, SearchError> {
    let mut s = NetSpace { horizon, ..NetSpace::default() };
    for h in hyps {
        match h.id {
            // Two-layer instances always have teacher labels; every point active at the start is
            // left to the hypothesis filter.
            "teacher" | "all-active-init" => {}
            "zero-init" => s.zero_init = true,
            "small-init" => match small_init_bound(sel)? {
                None => s.zero_init = true,
                r => s.init_norm_bound = r,
            },
            "d2" => s.d = 2..=2,
            "positive-labels" => s.positive_labels = true,
            "relu-prime-one" => s.relu_prime = Some(ReluPrime::One),
            "half-sum" => s.loss = LossScale::HalfSum,
            "nonneg-D" => s.nonneg_d = true,
            other => return Err(no_generator(id, other)),
        }
    }
    Ok(s)
}

/// The space of a `cel.*` entry: each of the paper's hypotheses that is assumed is built in
/// (`cel.setting`: correlated data; `cel.assumption1`: `n ≥ d`; `cel.assumption2`: `λ` below the
/// instance's bound; `cel.assumption3`: `n = d`, `m ≥ 2`), each relaxed one is drawn more widely
/// (see [`CelSpace`]). A statement about the data (`kind` static) does not depend on `λ`: its
/// instances have `λ ∈ {1/10, 1/2}` in f64 intervals, and `m` from 1.
pub(crate) fn cel_space(e: &Entry, hyps: &[&Hyp], sel: &Selection, horizon: Horizon) -> Result<CelSpace, SearchError> {
    let id = e.id;
    let mut s = CelSpace { horizon, correlated: false, spanning: false, ..CelSpace::default() };
    s.scale = CelScale::Exponent(relaxed_exponents());
    if e.kind() == Kind::Static {
        s.scale = CelScale::Exponent(vec![1..=1]);
        s.m = 1..=3;
    }
    for h in hyps {
        match h.id {
            "cel.setting" => s.correlated = true,
            "cel.assumption1" => s.spanning = true,
            "cel.assumption3" => {
                s.m = 2..=*s.m.end();
                s.extra_points = 0..=0;
            }
            "cel.assumption2" => {
                let epsilon = sel.params.epsilon.clone();
                s.scale = CelScale::BelowAssumption2 { epsilon, max_exponent: 2_000_000 };
            }
            other => return Err(no_generator(id, other)),
        }
    }
    Ok(s)
}

fn no_generator(id: &str, hyp: &str) -> SearchError {
    SearchError::NotSearchable { id: id.into(), why: format!("no strategy generates instances of hypothesis `{hyp}`") }
}

impl Plan {
    /// The plan for catalogue entry `theorem` under `selection` (its `ids` are ignored; its
    /// `assume` map and parameters are used), on `model` (default: the single neuron when the entry
    /// applies to it) with `horizon` (default: [`default_horizon`]).
    ///
    /// # Errors
    /// An invalid selection, an unknown id, a predicate, a statement about the data outside the
    /// `cel.*` entries, an entry not implemented, a model it does not speak about, a hypothesis no strategy generates, or assumed
    /// hypotheses that are impossible together ([`SearchError::Unsatisfiable`], naming them).
    pub fn new(
        theorem: &str,
        selection: &Selection,
        model: Option<ModelKind>,
        horizon: Option<Horizon>,
    ) -> Result<Plan, SearchError> {
        selection.validate().map_err(|e| SearchError::Selection(e.to_string()))?;
        let entry = reluflow_check::entry(theorem).ok_or_else(|| SearchError::UnknownTheorem(theorem.into()))?;
        let not = |why: String| SearchError::NotSearchable { id: theorem.into(), why };
        if let Some(why) = entry.not_implemented() {
            return Err(not(format!("not implemented: {why}")));
        }
        match entry.kind() {
            Kind::Trajectory => {}
            // Every statement about the data in the catalogue is a shallow-network one
            // (`cel.thm8-sign-M`, `cel.prop13/14/22-yardstick`): searched on the `cel.*` space and
            // judged by the checker's static check alone (`data.rs`).
            Kind::Static if entry.id.starts_with("cel.") => {}
            Kind::Static => return Err(not("no strategy generates instances of this statement about the data".into())),
            Kind::Predicate => {
                return Err(not(
                    "it is a predicate on the instance: false is a fact about it, not a counterexample".into()
                ));
            }
        }
        let model = choose_model(entry, model)?;
        let assumed: Vec<&'static Hyp> = entry.hypotheses.iter().filter(|h| selection.assumes(entry, h)).collect();
        let horizon = horizon.unwrap_or_else(|| default_horizon(entry.id, model));
        let space = match model {
            ModelKind::SingleNeuron => Space::Neuron(neuron_space(entry.id, &assumed, selection, horizon)?),
            ModelKind::TwoLayer if entry.id.starts_with("cel.") => {
                Space::Cel(cel_space(entry, &assumed, selection, horizon)?)
            }
            ModelKind::TwoLayer => Space::Net(net_space(entry.id, &assumed, selection, horizon)?),
        };
        let selection = Selection { ids: vec![entry.id.to_string()], ..selection.clone() };
        Ok(Plan { entry, assumed, selection, space })
    }

    /// The catalogue entry.
    pub fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// The ids of the assumed hypotheses.
    pub fn assumed(&self) -> Vec<&'static str> {
        self.assumed.iter().map(|h| h.id).collect()
    }

    /// The instance space.
    pub fn space(&self) -> &Space {
        &self.space
    }

    /// The selection the checker runs with (this entry only).
    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}
