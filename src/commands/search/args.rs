//! The command line of `reluflow search` and `reluflow search merge`, validated into a
//! [`SearchSetup`] before anything runs: every refusal is exit 2 with `FLAG: got …, expected …`.

use super::help::MERGE_LONG_ABOUT;
use super::identity::RunId;
use super::target::{LEMMA, Target};
use crate::cli::HypArgs;
use crate::exit::Failure;
use clap::{Args, Subcommand};
use reluflow_check::lemma::Lemma;
use reluflow_model::ModelKind;
use reluflow_search::{LemmaClaim, Mode, Plan, SearchConfig, SearchError, Targeted, draw, probe};
use std::path::PathBuf;
use std::time::Duration;

/// One line for the subcommand list.
pub const ABOUT: &str = "Search for a certified counterexample to a catalogue statement (screen with f64 or MPFR points, certify with intervals)";

/// Arguments of `reluflow search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Merge the summaries of shard directories
    #[command(subcommand)]
    pub command: Option<SearchCommand>,
    /// The catalogue entry to break (`reluflow theorems` lists them)
    #[arg(long, value_name = "ID", required_unless_present = "lemma", conflicts_with = "lemma")]
    pub theorem: Option<String>,
    /// Break a lemma of your own instead (grammar in docs/lemmas.md): counterexamples are
    /// written as problem files with the lemma, which `reluflow check` reproduces; --assume
    /// names the catalogue's hypotheses the instances must satisfy (none by default)
    #[arg(long, value_name = "LEMMA")]
    pub lemma: Option<String>,
    /// Hypothesis switches and parameters (as for `check`)
    #[command(flatten)]
    pub hyps: HypArgs,
    /// The model of the instances: single-neuron or two-layer (default: single-neuron when the entry speaks about it)
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// Length of the case sequence: cases 0..N (a shard takes every N-th of them)
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub cases: u64,
    /// Start no case after S seconds (cases in flight finish)
    #[arg(long = "time-limit", value_name = "S")]
    pub time_limit: Option<String>,
    /// The seed: case k draws from an RNG keyed by (seed, k) alone
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: every core)
    #[arg(long, value_name = "K")]
    pub jobs: Option<usize>,
    /// Run shard I of N: the cases k with k mod N = I
    #[arg(long, value_name = "I/N", default_value = "0/1")]
    pub shard: String,
    /// Most wall-clock seconds of one certified run: a screened violation not certified by then is
    /// "not confirmed: budget" and the search goes on (which cases confirm then depends on the
    /// machine's speed; default: no limit)
    #[arg(long = "certify-time", value_name = "S")]
    pub certify_time: Option<String>,
    /// Most shrinking steps per counterexample (0: keep counterexamples as drawn)
    #[arg(long = "shrink-steps", value_name = "K", default_value_t = 200)]
    pub shrink_steps: usize,
    /// Targeted search: climb the claim's slack (perturb the instances closest to a violation)
    /// instead of drawing every case at random. Use it when random search finds nothing because
    /// counterexamples are thin (strong --assume sets); not sharded, not resumable
    #[arg(long)]
    pub targeted: bool,
    /// Cases per round of a targeted search (4 parents, 4 restarts per round)
    #[arg(long, value_name = "N", requires = "targeted", default_value_t = 16)]
    pub population: u64,
    /// The output directory (default: search-out/ID-seedS-shardIofN, e.g. search-out/lsy.norm-growth-seed0-shard0of1); resumed when it exists
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON on stdout (the human summary goes to stderr)
    #[arg(long)]
    pub json: bool,
    /// No progress line on stderr (shown only when stderr is a terminal)
    #[arg(long, short)]
    pub quiet: bool,
}

/// The subcommands of `search`.
#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Merge shard directories of one search into one summary
    #[command(long_about = MERGE_LONG_ABOUT, after_help = crate::exit::help_table())]
    Merge(MergeArgs),
}

/// Arguments of `reluflow search merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard directories (each written by `reluflow search --shard I/N --out DIR`)
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write summary.json and summary.md (default: the parent of the first DIR)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the merged summary as JSON on stdout (the human summary goes to stderr)
    #[arg(long)]
    pub json: bool,
}

/// A validated search: the library's configuration, what it breaks, the identity written to
/// `run.json`, and where to write.
#[derive(Debug)]
pub struct SearchSetup {
    /// The search.
    pub cfg: SearchConfig,
    /// What it breaks (entry or lemma, assumed hypotheses, instance space), already probed.
    pub target: Target,
    /// The arguments that decide the records.
    pub id: RunId,
    /// The output directory.
    pub out: PathBuf,
    /// JSON summary on stdout.
    pub json: bool,
}

fn bad(m: String) -> Failure {
    Failure::bad_input(anyhow::anyhow!(m))
}

/// The ids `search` accepts: implemented trajectory statements whose hypotheses have strategies.
pub fn searchable() -> Vec<&'static str> {
    let ok =
        |id: &str| !matches!(Plan::new(id, &Default::default(), None, None), Err(SearchError::NotSearchable { .. }));
    reluflow_check::catalogue().iter().map(|e| e.id).filter(|id| ok(id)).collect()
}

/// `I/N` with `0 ≤ I < N`.
pub fn parse_shard(text: &str) -> Result<(u64, u64), Failure> {
    let parsed = text.split_once('/').and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((i, n)) if i < n => Ok((i, n)),
        _ => Err(bad(format!("--shard: got `{text}`, expected I/N with 0 ≤ I < N (e.g. 0/16 … 15/16)"))),
    }
}

pub(super) fn parse_model(text: &str) -> Result<ModelKind, Failure> {
    match text {
        "single-neuron" => Ok(ModelKind::SingleNeuron),
        "two-layer" => Ok(ModelKind::TwoLayer),
        _ => Err(bad(format!("--model: got `{text}`, expected `single-neuron` or `two-layer`"))),
    }
}

pub(super) fn parse_seconds(text: &str) -> Result<Duration, Failure> {
    parse_seconds_for("--time-limit", text)
}

fn parse_seconds_for(flag: &str, text: &str) -> Result<Duration, Failure> {
    match text.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() && s < 1e12 => Ok(Duration::from_secs_f64(s)),
        _ => Err(bad(format!("{flag}: got `{text}`, expected a number of seconds > 0 (e.g. 3600)"))),
    }
}

/// A library refusal in the words of the command line.
fn refused(e: SearchError, theorem: &str, model: Option<&str>) -> Failure {
    let ids = || searchable().join(", ");
    bad(match e {
        SearchError::UnknownTheorem(_) => {
            format!("--theorem: got `{theorem}`, expected a catalogue id; the searchable ones are {}", ids())
        }
        SearchError::NotSearchable { why, .. } => {
            format!("--theorem: got `{theorem}`, which cannot be searched ({why}); the searchable ids are {}", ids())
        }
        SearchError::WrongModel { .. } => format!(
            "--model: got `{}`, expected a model that `{theorem}` speaks about (`reluflow theorems {theorem}`)",
            model.unwrap_or("?")
        ),
        e @ SearchError::Unsatisfiable { .. } => format!("--assume: {e}"),
        e => e.to_string(),
    })
}

impl SearchArgs {
    /// The search mode: random, or targeted (refused with a shard: run other seeds instead).
    fn mode(&self, shard: (u64, u64)) -> Result<Mode, Failure> {
        if !self.targeted {
            return Ok(Mode::Random);
        }
        if shard != (0, 1) {
            return Err(bad(format!(
                "--shard: got `{}` with --targeted, expected 0/1: a targeted search is not sharded (run other --seed \
                 values in parallel instead)",
                self.shard
            )));
        }
        if self.population < 2 {
            return Err(bad(format!("--population: got `{}`, expected at least 2 cases per round", self.population)));
        }
        let fresh = (self.population / 4).max(1);
        Ok(Mode::Targeted(Targeted { population: self.population, fresh, ..Targeted::default() }))
    }

    /// Validates everything, draws one probe instance (so that hypotheses that cannot hold
    /// together, or a lemma that fits no instance, are refused now, naming them), and settles the
    /// output directory's name.
    pub fn validate(&self) -> Result<SearchSetup, Failure> {
        let name = match (&self.theorem, &self.lemma) {
            (Some(t), None) => t.clone(),
            (None, Some(_)) => LEMMA.to_string(),
            _ => return Err(bad("--theorem: missing, expected a catalogue id (or --lemma \"…\")".into())),
        };
        let selection = self.hyps.selection(Vec::new())?;
        let model = self.model.as_deref().map(parse_model).transpose()?;
        let shard = parse_shard(&self.shard)?;
        if self.jobs == Some(0) {
            return Err(bad("--jobs: got `0`, expected a number of worker threads ≥ 1".into()));
        }
        if self.cases == 0 {
            return Err(bad("--cases: got `0`, expected a number of cases ≥ 1".into()));
        }
        if self.lemma.is_some() && self.targeted {
            return Err(bad(
                "--targeted: a lemma has no slack to climb; give more --cases or other --seed values".into()
            ));
        }
        let time_limit = self.time_limit.as_deref().map(parse_seconds).transpose()?;
        let certify_time = self.certify_time.as_deref().map(|t| parse_seconds_for("--certify-time", t)).transpose()?;
        let mode = self.mode(shard)?;
        let cfg = SearchConfig {
            selection,
            model,
            cases: self.cases,
            seed: self.seed,
            shard,
            jobs: self.jobs.unwrap_or(0),
            time_limit,
            shrink_steps: self.shrink_steps,
            budget: reluflow_search::Budget { certify_time, ..Default::default() },
            mode,
            ..SearchConfig::new(name.clone())
        };
        let target = match &self.lemma {
            None => {
                let plan = cfg.plan().map_err(|e| refused(e, &name, self.model.as_deref()))?;
                probe(&plan, cfg.seed, &plan.assumed()).map_err(|e| refused(e, &name, None))?;
                Target::Theorem(plan)
            }
            Some(text) => Target::Lemma(self.lemma_claim(text, &cfg)?),
        };
        let id = RunId::new(&cfg, &target);
        let default = format!("search-out/{name}-seed{}-shard{}of{}", cfg.seed, shard.0, shard.1);
        let out = self.out.clone().unwrap_or_else(|| PathBuf::from(default));
        if self.targeted && out.join("run.json").exists() {
            return Err(bad(format!(
                "--targeted: got --out {} written by an earlier search; a targeted search cannot be resumed (each \
                 round depends on every earlier case): give a new --out",
                out.display()
            )));
        }
        Ok(SearchSetup { cfg, target, id, out, json: self.json })
    }

    /// The claim of lemma `text` on the instances of `cfg`'s model (default: single neurons),
    /// probed: a lemma that fits no instance (`a[j]` on single neurons, `x[9]`), or assumed
    /// hypotheses that cannot hold together, are refused now.
    fn lemma_claim(&self, text: &str, cfg: &SearchConfig) -> Result<LemmaClaim, Failure> {
        let lemma = Lemma::parse(text).map_err(|e| bad(format!("--lemma: {e}")))?;
        let model = cfg.model.unwrap_or(ModelKind::SingleNeuron);
        let claim = LemmaClaim::planned(LEMMA, lemma, model, &cfg.selection, None)
            .map_err(|e| bad(format!("--assume: {e}")))?;
        draw(&claim, cfg.seed, 0).map_err(|e| {
            let assumed = claim.assumed();
            let under = if assumed.is_empty() { String::new() } else { format!(" with {}", assumed.join(", ")) };
            bad(format!("--lemma: no {} instance{under} fits it: {e}", model.name()))
        })?;
        Ok(claim)
    }
}
