//! Helpers: run the built `reluflow` binary, on a temporary problem file when needed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Run {
    /// The JSON document on stdout (panics with the whole output if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self:#?}"))
    }
}

/// Runs `reluflow ARGS…` and captures its output.
pub fn reluflow(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_reluflow")).args(args).output().expect("the reluflow binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A problem file with the given text in a fresh temporary directory (kept alive by the guard).
pub struct TempSpec {
    _dir: tempfile::TempDir,
    /// The file's path.
    pub path: PathBuf,
}

impl TempSpec {
    /// Writes `text` to `<tmp>/name`.
    pub fn new(name: &str, text: &str) -> TempSpec {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join(name);
        std::fs::File::create(&path).and_then(|mut f| f.write_all(text.as_bytes())).expect("write the problem file");
        TempSpec { _dir: dir, path }
    }
    /// The path as a string argument.
    pub fn arg(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }
}

/// `reluflow certify <tmp>/name [extra…]` on a problem file with the given text.
pub fn certify_text(name: &str, text: &str, extra: &[&str]) -> Run {
    let spec = TempSpec::new(name, text);
    let mut args = vec!["certify", spec.arg()];
    args.extend_from_slice(extra);
    reluflow(&args)
}

/// The shipped examples directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// A valid single-neuron problem (Vardi–Shamir γ = 1) to mutate in bad-input tests.
pub const VALID: &str = r#"model = "single-neuron"
relu_prime_at_zero = 1
loss = "half-sum"
[data]
x = [[3, -1, 0], [4, 2, 0], [0, "1", 1]]
y = [16, 18, 0]
[init]
w = [0, 0, 0]
[run]
t_end = "inf"
arithmetic = "interval"
"#;
