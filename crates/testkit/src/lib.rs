//! Test support for property tests of your own lemmas: [`Failures::no_counterexample`] passes
//! unless a lemma's (or a Rust `Invariant`'s) row is a *certified* counterexample, and then fails
//! the test case with a message that shows the certified witness and the path of a problem file
//! written to reproduce it (`reluflow check PATH`; a lemma rides along as a `[[lemma]]` table).
//!
//! This is the one library that writes files, and only there: the directory the caller names
//! ([`Failures::in_dir`]) or `target/reluflow-failures/` ([`Failures::under_target`]). The file's
//! text comes from `reluflow-format`, the same writer the `reluflow` binary uses, and it is named
//! by a hash of that text, so the same failure found again overwrites its own file.
//!
//! ```
//! use reluflow_check::lemma::{Lemma, check_lemma};
//! use reluflow_flow::neuron::{NeuronOptions, certify};
//! use reluflow_model::*;
//! use reluflow_testkit::Failures;
//! let q = |s: &str| s.parse::<rug::Rational>().unwrap();
//! // One point x = 1 with label 0 and w(0) = 1: w(t) = e^{−t} shrinks.
//! let data = Data::new(vec![vec![q("1")]], Labels::Given(vec![q("0")])).unwrap();
//! let run = RunConfig { t_end: Horizon::Finite(q("1")), arithmetic: Arithmetic::Interval, precision: 53 };
//! let p = Problem::new(ModelKind::SingleNeuron, ReluPrime::Zero, LossScale::HalfSum, data,
//!     Init::Single { w: vec![q("1")] }, run).unwrap();
//! let traj = certify::<reluflow_arith::Interval>(&p, &(), &NeuronOptions::default()).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! let failures = Failures::in_dir(dir.path());
//! let holds = check_lemma(&p, &traj, &Lemma::parse("loss is nonincreasing").unwrap()).unwrap();
//! assert!(failures.no_counterexample(&p, &holds).is_ok());
//! let grows = check_lemma(&p, &traj, &Lemma::parse("norm(w) is nondecreasing").unwrap()).unwrap();
//! let message = failures.no_counterexample(&p, &grows).unwrap_err().to_string();
//! assert!(message.contains("certified counterexample") && message.contains("reluflow check"));
//! let path = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
//! assert!(message.contains(&path.display().to_string()));
//! assert!(std::fs::read_to_string(&path).unwrap().contains("[[lemma]]"));
//! ```
#![deny(missing_docs)]

use proptest::test_runner::TestCaseError;
use reluflow_arith::Interval;
use reluflow_check::RowStatus;
use reluflow_check::lemma::{Lemma, LemmaRow};
use reluflow_model::Problem;
use std::path::{Path, PathBuf};

/// Where failing checks leave their problem files.
#[derive(Clone, Debug)]
pub struct Failures {
    dir: PathBuf,
}

impl Failures {
    /// Problem files go to `dir` (created when the first one is written).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Failures {
        Failures { dir: dir.into() }
    }

    /// Problem files go to `reluflow-failures/` in Cargo's target directory: `$CARGO_TARGET_DIR`
    /// when set, else `target/` under `root` (pass `env!("CARGO_MANIFEST_DIR")` of the workspace
    /// or crate whose `target/` is meant).
    pub fn under_target(root: impl AsRef<Path>) -> Failures {
        let root = root.as_ref().canonicalize().unwrap_or_else(|_| root.as_ref().to_path_buf());
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        Failures::in_dir(target.join("reluflow-failures"))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// For the body of a property test: `Ok` unless `row` is a certified counterexample on `p`;
    /// then the problem file is written and the test case fails with the witness and the file's
    /// path (or why it could not be written). An undecided row never fails.
    ///
    /// # Errors
    /// [`TestCaseError::Fail`] for a certified counterexample.
    pub fn no_counterexample(&self, p: &Problem, row: &LemmaRow<Interval>) -> Result<(), TestCaseError> {
        if row.status != RowStatus::Counterexample {
            return Ok(());
        }
        let file = match self.save(p, row) {
            Ok(path) => format!("problem file: {0}\nreproduce: reluflow check {0}\n", path.display()),
            Err(e) => format!("(the problem file could not be written to {}: {e})\n", self.dir.display()),
        };
        Err(TestCaseError::fail(format!("certified counterexample to `{}`: {}\n{file}", row.text, row.conclusion)))
    }

    /// Writes the problem file of `row`'s failure on `p` and returns its path.
    ///
    /// # Errors
    /// The directory cannot be created or the file written.
    pub fn save(&self, p: &Problem, row: &LemmaRow<Interval>) -> std::io::Result<PathBuf> {
        let text = problem_file(p, row);
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("cex-{:016x}.toml", fnv1a(text.as_bytes())));
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

/// The problem file: the instance, a header with the witness, and the lemma as a `[[lemma]]`
/// table when the row is one (a Rust invariant is named in the header only).
fn problem_file(p: &Problem, row: &LemmaRow<Interval>) -> String {
    let is_lemma = Lemma::parse(&row.text).is_ok_and(|l| l.resolve(p).is_ok());
    let mut header = vec![format!("A certified counterexample to `{}` from a property test.", row.text)];
    header.push(format!("Witness: {}", row.conclusion));
    let body = reluflow_format::to_toml(p, &header);
    if is_lemma {
        let name = (row.name != row.text).then_some(row.name.as_str());
        format!("{body}{}", reluflow_format::lemma_table(&row.text, name))
    } else {
        format!("{body}# Check the Rust invariant `{}` on this problem to reproduce.\n", row.name)
    }
}

/// FNV-1a, 64 bits: a stable name for a file's text.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}
