//! The hypothesis switches and parameters shared by `check` and `search` (`--assume`,
//! `--no-assume`, `--epsilon`, `--small-init-radius`, `--w-star`, `--refine`), parsed into a validated
//! [`Selection`] by one function, so both commands accept and refuse exactly the same spellings.

use crate::exit::Failure;
use clap::Args;
use reluflow_arith::exact::parse_exact;
use reluflow_check::{Params, Selection};
use std::collections::BTreeMap;

/// Which switchable hypotheses are assumed, and the parameters some hypotheses need.
#[derive(Debug, Args)]
pub struct HypArgs {
    /// Assume a switchable hypothesis: HYP (every entry) or ENTRY:HYP (one entry); `=false` switches it off
    #[arg(long, value_name = "HYP[=true|false]")]
    pub assume: Vec<String>,
    /// Do not assume a switchable hypothesis (same as --assume HYP=false)
    #[arg(long = "no-assume", value_name = "HYP")]
    pub no_assume: Vec<String>,
    /// The ε ∈ (0, 1/4] of Chistikov–Englert–Lazić's Assumption 2 and the lemmas using it (exact: 0.1, "1/8")
    #[arg(long, value_name = "Q", allow_hyphen_values = true)]
    pub epsilon: Option<String>,
    /// The r of the hypothesis small-init, ‖w(0)‖ ≤ r (exact; without it small-init is undecided)
    #[arg(long = "small-init-radius", value_name = "Q", allow_hyphen_values = true)]
    pub small_init_radius: Option<String>,
    /// A zero-loss point w* for gen.dist-to-interpolant and vs.thm8-distance, comma-separated exact
    /// numbers (default: the teacher, when the labels come from one)
    #[arg(long = "w-star", value_name = "Q,Q,...", allow_hyphen_values = true)]
    pub w_star: Option<String>,
    /// Sub-hulls per certified segment for the hull-based checks (default 8): a violation that
    /// lasts a small part of a long segment may need more (the search retries an undecided row with
    /// 64); the check's time grows about linearly with N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub refine: Option<u32>,
}

fn bad(m: String) -> Failure {
    Failure::bad_input(anyhow::anyhow!(m))
}

impl HypArgs {
    /// The selection of entries `ids` under these switches and parameters, validated against the
    /// catalogue (unknown ids and `--assume` keys are refused with the message of
    /// [`Selection::validate`]); exit 2 on any refusal.
    pub fn selection(&self, ids: Vec<String>) -> Result<Selection, Failure> {
        let assume = self.assume_map()?;
        let switches = Selection { assume: assume.clone(), ..Selection::default() };
        switches.validate().map_err(|m| bad(format!("--assume: {m}")))?;
        let selection = Selection { ids, assume, params: self.params()? };
        selection.validate().map_err(|e| bad(e.to_string()))?;
        Ok(selection)
    }

    /// `--assume` and `--no-assume` as the selection's `assume` map.
    fn assume_map(&self) -> Result<BTreeMap<String, bool>, Failure> {
        let mut assume: BTreeMap<String, bool> = BTreeMap::new();
        let mut set = |key: &str, value: bool, flag: &str| -> Result<(), Failure> {
            if key.is_empty() {
                return Err(bad(format!("{flag}: empty hypothesis name")));
            }
            match assume.insert(key.to_string(), value) {
                Some(old) if old != value => Err(bad(format!("hypothesis `{key}` is both assumed and not assumed"))),
                _ => Ok(()),
            }
        };
        for a in &self.assume {
            let (key, value) = match a.split_once('=') {
                None => (a.as_str(), true),
                Some((k, "true")) => (k, true),
                Some((k, "false")) => (k, false),
                Some((_, v)) => return Err(bad(format!("--assume {a}: the value `{v}` is not `true` or `false`"))),
            };
            set(key, value, "--assume")?;
        }
        for key in &self.no_assume {
            set(key, false, "--no-assume")?;
        }
        Ok(assume)
    }

    /// `--epsilon`, `--small-init-radius`, `--w-star` and `--refine` as the selection's parameters.
    fn params(&self) -> Result<Params, Failure> {
        let number = |flag: &str, text: &str| {
            parse_exact(text).map_err(|e| bad(format!("{flag} {text}: not an exact number ({e})")))
        };
        let mut params = Params::default();
        if let Some(text) = &self.epsilon {
            params.epsilon = number("--epsilon", text)?;
        }
        if let Some(text) = &self.small_init_radius {
            let r = number("--small-init-radius", text)?;
            if r < 0 {
                return Err(bad(format!("--small-init-radius {text}: a radius must be ≥ 0")));
            }
            params.init_norm_bound = Some(r);
        }
        if let Some(text) = &self.w_star {
            let w = text.split(',').map(|c| number("--w-star", c.trim())).collect::<Result<Vec<_>, _>>()?;
            params.w_star = Some(w);
        }
        if let Some(n) = self.refine {
            params.refine = n;
        }
        Ok(params)
    }
}
