//! The help texts of `reluflow search` and `reluflow search merge`.

/// `reluflow search --help`.
pub const LONG_ABOUT: &str = "\
Search for a certified counterexample to one statement of the theorem catalogue (`reluflow
theorems`), under exactly the hypotheses it assumes (switch Lee–Sim–Ye's, or relax one of the
shallow-network paper's, with --assume / --no-assume, as for `check`).

Each case draws a random instance (a single neuron or a two-layer network; only instances on which
every assumed hypothesis is certainly true, decided exactly) and:
  1. screens it: a fast f64 point run, checked by the catalogue's checker (not validated); a
     problem written for MPFR (the shallow-network instances whose scale λ is below f64's range)
     is screened with an MPFR point run at its precision;
     a statement about the data (cel.thm8-sign-M, cel.prop13/14/22-yardstick) makes no run: its
     screen is the checker's static check in f64 intervals (still not validated);
  2. only if the screen shows a violation, re-runs it with the certified interval integrator (MPFR
     intervals for such problems) and checks again, within --certify-time seconds if given (a run
     past it is \"not confirmed: budget\" and the search goes on). Only a certified violation
     counts: every assumed hypothesis certainly true and the conclusion certainly violated on
     enclosures of the exact flow (for a statement about the data: the static check again, in
     the problem's own arithmetic). A screened violation that does not certify is an unconfirmed
     candidate, never a counterexample;
  3. shrinks a certified counterexample (fewer points, smaller numbers), re-screening each step,
     and re-certifies the smallest; if that does not certify, the original is kept.

Case k draws from an RNG keyed by (seed, k) alone: the same seed gives the same instances whatever
--jobs, and shard I/N runs exactly the cases k with k mod N = I.

--lemma \"…\" searches a lemma of your own instead of a catalogue entry (grammar in docs/lemmas.md;
instances of --model, default single-neuron, on which the lemma resolves). --assume H builds the
catalogue's hypothesis H into the instances (nothing is assumed by default); shards, resume, the
log and merge work as for --theorem (default DIR search-out/lemma-seed<S>-shard<I>of<N>). Each
certified counterexample's DIR/cex-<case>.toml carries the lemma as a [[lemma]] table, so that
`reluflow check DIR/cex-<case>.toml` reproduces it (its lemma-1 row):
  reluflow search --lemma \"forall i: d/dt r[i]^2 <= 0\" --cases 24 --seed 3
      certified counterexamples to \"every squared residual is nonincreasing\" (exit 4)
  reluflow search --lemma \"forall i: d/dt r[i]^2 <= 0\" --assume all-active-init --shard 0/4 --out s0
      the same with every point active at the start, shard 0 of 4 (merge with `search merge`)";

/// After the options of `reluflow search --help`.
pub const AFTER_LONG_HELP: &str = "\
Output directory (--out DIR, default search-out/<theorem>-seed<S>-shard<I>of<N>), written as found:
  run.json          the arguments that decide the records (resume and merge check them)
  cases.jsonl       one JSON object per finished case, appended and flushed at once: index,
                    status, screened and certified verdicts, slack, timings, and the problem
                    (exact rationals as strings)
  cex-<k>.toml      a problem file reproducing counterexample k:
                    reluflow check cex-<k>.toml --theorem ID [the same --assume flags]  (exit 4)
  cex-<k>.json      that check's JSON report;  cex-<k>.md  a short entry for a reader
  summary.json/.md  at the end, also after Ctrl-C or --time-limit: the arguments, the coverage
                    (cases tried, hypotheses satisfied, screened holds/undecided/violated,
                    confirmed, unconfirmed, spreads of d, n, m, scale, …) and the counterexamples

Resume: run the same command again (same --out, same arguments): the cases in cases.jsonl are not
run again (a partial last line left by a killed run is cut), and the summary covers all of them.
A directory written with other arguments is refused (exit 2). --jobs, --time-limit, --json and
--quiet may change between runs.

Targeted search (--targeted [--population P]): when random cases rarely break the statement
(counterexamples are thin under a strong --assume set), climb the screened slack instead — the
margin by which a point run keeps the conclusion. Cases come in rounds of P (default 16; case k is
proposal k mod P of round k / P): round 0 is random cases 0..P; later rounds perturb the 4
instances of lowest slack so far (numbers moved on the strategies' grid, a point dropped or added;
every assumed hypothesis re-checked exactly) and draw P/4 fresh random cases (restarts). Screening,
certification and shrinking are those of the random mode, and cases.jsonl names each perturbed
case's parent. The same seed gives the same records whatever --jobs. A targeted search is neither
sharded nor resumed (each round depends on every earlier case): --shard other than 0/1, or an
--out written before, is refused (exit 2); run other --seed values in parallel instead. Statements
without a known slack get random sampling.

Sharding (e.g. a Slurm array of 16 tasks, then one merged summary):
  sbatch --array=0-15 --wrap 'reluflow search --theorem lsy.norm-growth --seed 7 --shard $SLURM_ARRAY_TASK_ID/16 --out out/s$SLURM_ARRAY_TASK_ID'
  reluflow search merge out/s*

Examples:
  reluflow search --theorem lsy.norm-growth --cases 40
      a counterexample in seconds: with none of its switchable hypotheses assumed, a zero label
      on an active point makes ‖w‖ shrink (exit 4)
  reluflow search --theorem lsy.norm-growth --assume all-active-init --assume positive-labels --cases 200
      the same statement under stronger hypotheses
  reluflow search --theorem gen.loss-nonincreasing --cases 200 --jobs 2
      a theorem (the loss of a gradient flow never increases): none found (exit 0)
  reluflow search --theorem lsy.norm-growth --assume positive-labels --assume zero-init --targeted --cases 2000
      thin counterexamples (most seeds of either mode find none in 2000 cases): the targeted search
      perturbs the runs whose ‖w‖ came closest to decreasing
  reluflow search --theorem gen.balancedness --model two-layer --cases 20 --time-limit 600
  reluflow search --theorem cel.lemma4 --cases 200 --certify-time 60
      the shallow-network paper's hypotheses: correlated, spanning data and λ = 10^-k below
      Assumption 2's bound for the instance (k in the hundreds of thousands; MPFR): none found
  reluflow search --theorem cel.lemma19 --no-assume cel.assumption2 --cases 40
      Assumption 2 relaxed (λ = 0.5 … 1e-1000): a large scale over-fits at once, and a positive
      neuron shrinks before T1 (exit 4)
  reluflow search --theorem cel.prop14-yardstick --no-assume cel.setting --no-assume cel.assumption1
      a statement about the data (the yardsticks' crossings; instances with t_end = 0, no run):
      for uncorrelated data a yardstick may never reach a point it must cross (exit 4)

Ctrl-C stops the search: no new case starts, cases in flight are dropped (a resumed run does them),
the summary is written, and the exit is 130; everything already found is on disk. A second Ctrl-C
quits at once (the summary is then rebuilt by the next run).

Exit codes of search: 4 a certified counterexample was found (also among resumed cases); 0 none
was found; 3 only unconfirmed candidates; 2 bad arguments (unknown theorem or hypothesis,
hypotheses no instance satisfies, an entry that cannot be searched, bad --shard, --jobs 0, a
directory written with other arguments); 70 a case hit an internal inconsistency (a bug); 130
interrupted.";

/// `reluflow search merge --help`.
pub const MERGE_LONG_ABOUT: &str = "\
Merge the output directories of the shards of one search (`reluflow search --shard I/N --out
DIR`) into one summary.json and summary.md, written to --out (default: the parent directory of the
first DIR, so `reluflow search merge out/s*` writes out/summary.json).

The shards must have been run with the same arguments except the shard index (their run.json
files are compared) and each index may appear once. The coverage is rebuilt from every shard's
cases.jsonl, so a shard that was killed before writing its own summary still counts with the
cases it finished; counterexample files are listed with their shard directory. Shards that are
not given are reported as missing.

Exit: 4 a certified counterexample in some shard; 3 no counterexample but unconfirmed candidates,
missing shards or unfinished cases; 0 none found in a complete search; 2 directories that are not
shards of one search; 70 an internal inconsistency in some case.";
