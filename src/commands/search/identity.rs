//! `run.json`: the arguments that decide a search's records (entry or lemma, switches, parameters, model,
//! horizon, seed, cases, shard, shrinking, version). A directory is resumed only by a search with
//! the same identity; `merge` takes shards whose identities differ only in the shard index.

use super::target::Target;
use crate::exit::Failure;
use crate::spec::exact_text;
use reluflow_check::Params;
use reluflow_model::Horizon;
use reluflow_search::{Mode, SearchConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The identity of a search run (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunId {
    /// The catalogue entry (`lemma` for a lemma search).
    pub theorem: String,
    /// The lemma's text (a lemma search only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lemma: Option<String>,
    /// `single-neuron` or `two-layer`.
    pub model: String,
    /// The horizon of the instances (exact text, or `inf`).
    pub horizon: String,
    /// The `--assume` / `--no-assume` switches as given.
    pub assume: BTreeMap<String, bool>,
    /// The ids of the hypotheses assumed (what the switches amount to for this entry).
    pub assumed: Vec<String>,
    /// `--small-init-radius`.
    pub small_init_radius: Option<String>,
    /// `--epsilon`.
    pub epsilon: String,
    /// `--w-star`.
    pub w_star: Option<Vec<String>>,
    /// `--refine` (absent: the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refine: Option<u32>,
    /// The seed.
    pub seed: u64,
    /// The length of the case sequence.
    pub cases: u64,
    /// `[I, N]`.
    pub shard: [u64; 2],
    /// Most shrinking steps per counterexample.
    pub shrink_steps: usize,
    /// `--certify-time` in seconds (absent: no limit). Part of the identity: a budget changes
    /// which cases confirm, so a resumed search must keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certify_time: Option<f64>,
    /// A targeted search's settings (`population=P keep=K fresh=F tries=T`); absent for a random one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targeted: Option<String>,
    /// The version of reluflow that wrote it (another version may draw other instances).
    pub version: String,
}

impl RunId {
    /// The identity of `cfg` searching `target`.
    pub fn new(cfg: &SearchConfig, target: &Target) -> RunId {
        let p = &cfg.selection.params;
        let (model, horizon) = target.model_and_horizon();
        RunId {
            theorem: target.name().into(),
            lemma: target.lemma_text().map(str::to_string),
            model: model.into(),
            horizon: match horizon {
                Horizon::Finite(t) => exact_text(t),
                Horizon::Infinite => "inf".into(),
            },
            assume: cfg.selection.assume.clone(),
            assumed: target.assumed().iter().map(|h| h.to_string()).collect(),
            small_init_radius: p.init_norm_bound.as_ref().map(exact_text),
            epsilon: exact_text(&p.epsilon),
            w_star: p.w_star.as_ref().map(|w| w.iter().map(exact_text).collect()),
            refine: (p.refine != Params::default().refine).then_some(p.refine),
            seed: cfg.seed,
            cases: cfg.cases,
            shard: [cfg.shard.0, cfg.shard.1],
            shrink_steps: cfg.shrink_steps,
            certify_time: cfg.budget.certify_time.map(|d| d.as_secs_f64()),
            targeted: match &cfg.mode {
                Mode::Random => None,
                Mode::Targeted(t) => {
                    Some(format!("population={} keep={} fresh={} tries={}", t.population, t.keep, t.fresh, t.tries))
                }
            },
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// The fields in which `other` differs, as `name: A (la), B (lb)` for `labels = (la, lb)`
    /// (ignoring the shard index when `ignore_shard_index`).
    pub fn differences(&self, other: &RunId, ignore_shard_index: bool, labels: (&str, &str)) -> Vec<String> {
        let (mut a, mut b) = (self.clone(), other.clone());
        if ignore_shard_index {
            (a.shard[0], b.shard[0]) = (0, 0);
        }
        let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
            (serde_json::to_value(&a), serde_json::to_value(&b))
        else {
            return vec!["(not comparable)".into()];
        };
        let shown = |m: &serde_json::Map<String, serde_json::Value>, k: &str| {
            m.get(k).map_or("absent".into(), |v| v.to_string())
        };
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        keys.into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .map(|k| format!("{k}: {} ({}), {} ({})", shown(&a, k), labels.0, shown(&b, k), labels.1))
            .collect()
    }

    /// Reads `DIR/run.json`.
    pub fn read(dir: &Path) -> Result<RunId, Failure> {
        let path = dir.join("run.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::bad_input(anyhow::anyhow!("{}: cannot read ({e})", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            Failure::bad_input(anyhow::anyhow!("{}: got a file that is not a search's run.json ({e})", path.display()))
        })
    }

    /// Writes `DIR/run.json`.
    pub fn write(&self, dir: &Path) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(self).map_err(Failure::internal)?;
        std::fs::write(dir.join("run.json"), text + "\n")
            .map_err(|e| Failure::internal(anyhow::anyhow!("cannot write {}: {e}", dir.join("run.json").display())))
    }
}
