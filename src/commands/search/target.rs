//! What a search breaks: a catalogue entry ([`Plan`]) or a lemma of the user's ([`LemmaClaim`]).
//! Both run through the same loop, log, resume, shards and summaries; they differ only in what
//! their files say (the statement, the command that reproduces a counterexample).

use super::identity::RunId;
use reluflow_check::{Entry, Selection};
use reluflow_model::Horizon;
use reluflow_search::{Claim, LemmaClaim, LemmaSpace, Plan, Space};

/// The name a lemma search's records and `run.json` carry in place of a catalogue id.
pub const LEMMA: &str = "lemma";

/// What a search breaks.
#[derive(Clone, Debug)]
pub enum Target {
    /// A catalogue entry.
    Theorem(Plan),
    /// A lemma (its text is the claim's).
    Lemma(LemmaClaim),
}

impl Target {
    /// The claim the library searches.
    pub fn claim(&self) -> &dyn Claim {
        match self {
            Target::Theorem(p) => p,
            Target::Lemma(l) => l,
        }
    }

    /// The catalogue id, or [`LEMMA`].
    pub fn name(&self) -> &'static str {
        match self {
            Target::Theorem(p) => p.entry().id,
            Target::Lemma(_) => LEMMA,
        }
    }

    /// The entry, for a theorem.
    pub fn entry(&self) -> Option<&'static Entry> {
        match self {
            Target::Theorem(p) => Some(p.entry()),
            Target::Lemma(_) => None,
        }
    }

    /// The lemma's text, for a lemma.
    pub fn lemma_text(&self) -> Option<&str> {
        match self {
            Target::Theorem(_) => None,
            Target::Lemma(l) => Some(l.lemma().text()),
        }
    }

    /// The switches and parameters.
    pub fn selection(&self) -> &Selection {
        match self {
            Target::Theorem(p) => p.selection(),
            Target::Lemma(l) => l.selection(),
        }
    }

    /// The ids of the assumed hypotheses.
    pub fn assumed(&self) -> Vec<&'static str> {
        match self {
            Target::Theorem(p) => p.assumed(),
            Target::Lemma(l) => l.assumed(),
        }
    }

    /// The model's name and the instances' horizon.
    pub fn model_and_horizon(&self) -> (&'static str, &Horizon) {
        match self {
            Target::Theorem(p) => match p.space() {
                Space::Neuron(s) => ("single-neuron", &s.horizon),
                Space::Net(s) => ("two-layer", &s.horizon),
                Space::Cel(s) => ("two-layer", &s.horizon),
            },
            Target::Lemma(l) => match l.space() {
                LemmaSpace::Neuron(s) => ("single-neuron", &s.horizon),
                LemmaSpace::Net(s) => ("two-layer", &s.horizon),
            },
        }
    }
}

/// The statement a run searched: the entry's, or the lemma.
pub fn statement(id: &RunId) -> String {
    match &id.lemma {
        Some(text) => text.clone(),
        None => reluflow_check::entry(&id.theorem).map_or("", |e| e.statement).to_string(),
    }
}
