//! Why a run stopped, as data: the JSON form of an undecided trajectory's reason, so a notebook
//! can group runs by cause without parsing sentences.

use reluflow_flow::UndecidedReason;
use serde::Serialize;

/// The structured reason of an undecided (or internally inconsistent) run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JsonReason {
    /// `"grazing"`, `"sliding"`, `"sliding-may-end"`, `"non-unique"`, `"simultaneous-switches"`,
    /// `"precision-exhausted"`, `"step-underflow"`, `"budget"`, `"interrupted"`,
    /// `"internal-inconsistency"`, `"non-finite"` (a point run produced NaN or ±∞) or `"other"`.
    pub kind: &'static str,
    /// The neuron of the switching surface involved (0-based), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neuron: Option<usize>,
    /// The data point of the switching surface involved (0-based), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<usize>,
    /// `[neuron, point]` pairs of simultaneous switches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<(usize, usize)>,
    /// Which budget ran out (`"budget"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// The reason in words (as the human report prints it).
    pub text: String,
    /// The setting to change, with the value to try (`precision-exhausted`, `step-underflow`,
    /// `simultaneous-switches`, budgets of guard classifications); absent where no setting helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

impl JsonReason {
    /// A reason of `kind` with only its text.
    pub fn plain(kind: &'static str, text: impl Into<String>) -> JsonReason {
        JsonReason { kind, neuron: None, point: None, pairs: Vec::new(), budget: None, text: text.into(), advice: None }
    }

    /// The structured form of an integrator's reason.
    pub fn of(r: &UndecidedReason) -> JsonReason {
        let text = r.to_string();
        let at = |kind, neuron: &usize, point: &usize| JsonReason {
            neuron: Some(*neuron),
            point: Some(*point),
            ..JsonReason::plain(kind, text.clone())
        };
        match r {
            UndecidedReason::Grazing { neuron, point } => at("grazing", neuron, point),
            UndecidedReason::Sliding { neuron, point } => at("sliding", neuron, point),
            UndecidedReason::SlidingMayEnd { neuron, point } => at("sliding-may-end", neuron, point),
            UndecidedReason::NonUnique { neuron, point } => at("non-unique", neuron, point),
            UndecidedReason::SimultaneousSwitches { pairs } => {
                JsonReason { pairs: pairs.clone(), ..JsonReason::plain("simultaneous-switches", text) }
            }
            UndecidedReason::PrecisionExhausted { .. } => JsonReason::plain("precision-exhausted", text),
            UndecidedReason::StepUnderflow => JsonReason::plain("step-underflow", text),
            UndecidedReason::Budget { what } => {
                JsonReason { budget: Some(what.clone()), ..JsonReason::plain("budget", text) }
            }
            UndecidedReason::Other(_) => JsonReason::plain("other", text),
            UndecidedReason::Interrupted => JsonReason::plain("interrupted", text),
            UndecidedReason::Inconsistent(_) => JsonReason::plain("internal-inconsistency", text),
        }
    }
}
