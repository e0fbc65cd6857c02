//! [`LemmaClaim`]: a user's lemma (`reluflow_check::lemma`) as a search [`Claim`], so that the
//! search can be thrown at the lemma written down this morning.

use crate::SearchError;
use crate::claim::{Claim, FINE_REFINE, Judgement};
use crate::plan::{default_horizon, net_space, neuron_space};
use crate::strategy::{Assume, NetSpace, NeuronSpace, net_problem, neuron_problem};
use proptest::strategy::{BoxedStrategy, Strategy};
use reluflow_arith::Interval;
use reluflow_check::hyp::Params;
use reluflow_check::lemma::{Lemma, LemmaRow, check_lemmas};
use reluflow_check::{Hyp, RowStatus, Selection, Truth, Verdict, hyp};
use reluflow_flow::{Status, Trajectory};
use reluflow_model::{Horizon, ModelKind, Problem};
use std::sync::Arc;

mod api;

pub use api::{check_invariant_on, check_lemma_on, no_counterexample};

/// Where a lemma's instances come from.
#[derive(Clone, Debug)]
pub enum LemmaSpace {
    /// Single-neuron instances.
    Neuron(NeuronSpace),
    /// Two-layer instances.
    Net(NetSpace),
}

/// A lemma to break. Instances are drawn from a space and kept only where the lemma resolves
/// (a lemma naming `x[3]` needs four points) and every assumed hypothesis of the catalogue is
/// certainly true (none unless [`planned`](LemmaClaim::planned) with `--assume` switches).
///
/// A certified counterexample is a validated run on which the lemma's row is a
/// [`RowStatus::Counterexample`] (a certain witness); a point run never is one.
#[derive(Clone, Debug)]
pub struct LemmaClaim {
    name: String,
    lemma: Lemma,
    space: LemmaSpace,
    assumed: Vec<&'static Hyp>,
    selection: Selection,
}

impl LemmaClaim {
    /// The claim of `lemma` over `space`, named `name` in records, with no hypothesis.
    pub fn new(name: impl Into<String>, lemma: Lemma, space: LemmaSpace) -> LemmaClaim {
        LemmaClaim { name: name.into(), lemma, space, assumed: Vec::new(), selection: Selection::default() }
    }

    /// The claim of `lemma` on `model`'s instances with the catalogue's hypotheses that
    /// `selection` switches on (`--assume H`: key `H`; nothing is assumed by default, so
    /// `--no-assume` changes nothing) built into the space as for an entry, over `horizon`
    /// (default `t ∈ [0, 8]`). Its parameters (`--small-init-radius`, `--w-star`, …) are the
    /// hypotheses'.
    ///
    /// # Errors
    /// An invalid selection, a key that names an entry (`entry:hyp`), a hypothesis no strategy
    /// generates, or hypotheses impossible together.
    pub fn planned(
        name: impl Into<String>,
        lemma: Lemma,
        model: ModelKind,
        selection: &Selection,
        horizon: Option<Horizon>,
    ) -> Result<LemmaClaim, SearchError> {
        selection.validate().map_err(|e| SearchError::Selection(e.to_string()))?;
        if let Some(key) = selection.assume.keys().find(|k| k.contains(':')) {
            let why = format!("`{key}` names a catalogue entry; a lemma takes hypothesis ids only");
            return Err(SearchError::Selection(why));
        }
        let mut assumed: Vec<&'static Hyp> = Vec::new();
        for h in reluflow_check::catalogue().iter().flat_map(|e| e.hypotheses) {
            if selection.assume.get(h.id) == Some(&true) && !assumed.iter().any(|a| a.id == h.id) {
                assumed.push(h);
            }
        }
        let name = name.into();
        let horizon = horizon.unwrap_or_else(|| default_horizon(&name, model));
        let space = match model {
            ModelKind::SingleNeuron => LemmaSpace::Neuron(neuron_space(&name, &assumed, selection, horizon)?),
            ModelKind::TwoLayer => LemmaSpace::Net(net_space(&name, &assumed, selection, horizon)?),
        };
        Ok(LemmaClaim { name, lemma, space, assumed, selection: selection.clone() })
    }

    /// The lemma.
    pub fn lemma(&self) -> &Lemma {
        &self.lemma
    }

    /// The instance space.
    pub fn space(&self) -> &LemmaSpace {
        &self.space
    }

    /// The ids of the assumed hypotheses.
    pub fn assumed(&self) -> Vec<&'static str> {
        self.assumed.iter().map(|h| h.id).collect()
    }

    /// The selection (the switches and the hypotheses' parameters).
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The truth of every assumed hypothesis on `p`, by the catalogue's predicates.
    fn truths(&self, p: &Problem) -> Vec<(&'static str, Truth)> {
        let params = &self.selection.params;
        self.assumed.iter().map(|h| (h.id, hyp::eval::<Interval>(h.id, p, params, &()))).collect()
    }

    fn row(&self, p: &Problem, traj: &Trajectory<Interval>, refine: u32) -> LemmaRow<Interval> {
        let params = Params { refine, ..Params::default() };
        let lemmas = [(self.name.clone(), self.lemma.clone())];
        match check_lemmas(p, traj, &lemmas, &params) {
            Ok(mut rows) => rows.remove(0),
            Err(e) => LemmaRow {
                name: self.name.clone(),
                text: self.lemma.text().to_string(),
                conclusion: Verdict::undecided(format!("the lemma does not fit this instance: {e}")),
                validated: true,
                status: RowStatus::Undecided,
            },
        }
    }
}

fn judgement(row: &LemmaRow<Interval>) -> Judgement {
    Judgement::new(&row.conclusion, row.status, format!("{}: {}", row.status.name(), row.conclusion))
}

impl Claim for LemmaClaim {
    fn id(&self) -> &str {
        &self.name
    }

    fn strategy(&self) -> BoxedStrategy<Problem> {
        let source = match &self.space {
            LemmaSpace::Neuron(s) => neuron_problem(s),
            LemmaSpace::Net(s) => net_problem(s),
        };
        let claim = self.clone();
        let accept = Arc::new(move |p: &Problem| claim.hypotheses(p));
        let what = format!("instances where `{}` resolves ({})", self.lemma.text(), self.assumed().join(", "));
        Assume::new(source, accept, what).boxed()
    }

    fn hypotheses(&self, p: &Problem) -> Result<(), String> {
        self.lemma.resolve(p).map_err(|e| e.message())?;
        match self.truths(p).into_iter().find(|(_, t)| !t.is_true()) {
            None => Ok(()),
            Some((id, t)) => Err(format!("{id} is {t}")),
        }
    }

    /// As for a catalogue entry: a point run unrefined (its hulls are samples), a validated run
    /// with the default refinement and, if undecided, once more with [`FINE_REFINE`] pieces.
    fn judge(&self, p: &Problem, traj: &Trajectory<Interval>) -> Judgement {
        if matches!(traj.status(), Status::NotValidated) {
            return judgement(&self.row(p, traj, 0));
        }
        let first = self.row(p, traj, Params::default().refine);
        if first.status != RowStatus::Undecided {
            return judgement(&first);
        }
        let finer = self.row(p, traj, FINE_REFINE);
        judgement(if finer.status == RowStatus::Undecided { &first } else { &finer })
    }
}
