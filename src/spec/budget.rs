//! The run budgets a problem file may carry (`[run] time_limit`, `[run] memory_limit`): how long
//! and how large one integration may grow before it ends *undecided* with what it certified.
//! They are settings of this machine's run, not of the mathematics, so they live beside the
//! problem (like the `[[lemma]]` tables) and never in [`reluflow_model::Problem`]; the command line
//! flags `--time-limit` and `--memory-limit` override them.
//!
//! ```toml
//! [run]
//! time_limit = 3600      # seconds of wall-clock time (0: none; default 600)
//! memory_limit = 8000    # megabytes of resident memory (0: none; default: 90 % of what is free)
//! ```

use super::error::{SpecError, SpecErrorKind};
use super::read::Doc;
use rug::Rational;
use std::path::Path;
use toml::de::DeTable;

/// The budget keys of a problem file (`None`: not given).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FileBudget {
    /// `[run] time_limit`, in seconds (0: no limit).
    pub time_limit: Option<f64>,
    /// `[run] memory_limit`, in megabytes (0: no limit).
    pub memory_limit: Option<f64>,
}

/// Reads the budget keys of the problem file at `path`.
///
/// # Errors
/// An unreadable file, a TOML syntax error, or a budget that is not a finite number ≥ 0.
pub fn load_budget(path: &Path) -> Result<FileBudget, SpecError> {
    let (file, src) = super::read_source(path)?;
    parse_budget(&file, &src)
}

/// Reads the budget keys of the problem file text `src` (named `file` in messages).
///
/// # Errors
/// As [`load_budget`].
pub fn parse_budget(file: &str, src: &str) -> Result<FileBudget, SpecError> {
    let doc = Doc { file, src };
    let root = DeTable::parse(src).map_err(|mut e| {
        e.set_input(Some(src));
        doc.error_at_file(SpecErrorKind::Syntax(e.to_string()))
    })?;
    let Some(run) = root.get_ref().get("run") else { return Ok(FileBudget::default()) };
    let t = doc.table("run", run)?;
    let amount = |key: &str, unit: &str| -> Result<Option<f64>, SpecError> {
        let Some(v) = t.get(key) else { return Ok(None) };
        let path = format!("run.{key}");
        let expected = format!("a number of {unit} ≥ 0 (0 for no limit)");
        let q = doc.number(&path, v).map_err(|_| doc.bad(&path, v, expected.as_str()))?;
        let x = q.to_f64();
        if q < Rational::new() || !x.is_finite() {
            return Err(doc.bad(&path, v, expected));
        }
        Ok(Some(x))
    };
    Ok(FileBudget { time_limit: amount("time_limit", "seconds")?, memory_limit: amount("memory_limit", "megabytes")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_read_and_checked() {
        let b = parse_budget("p.toml", "[run]\ntime_limit = 30\nmemory_limit = \"1.5e3\"\n").unwrap();
        assert_eq!(b, FileBudget { time_limit: Some(30.0), memory_limit: Some(1500.0) });
        assert_eq!(parse_budget("p.toml", "model = \"two-layer\"").unwrap(), FileBudget::default());
        for bad in ["time_limit = -1", "time_limit = \"soon\"", "memory_limit = \"1e400\"", "memory_limit = nan"] {
            let e = parse_budget("p.toml", &format!("[run]\n{bad}\n")).unwrap_err().to_string();
            let key = bad.split(' ').next().unwrap();
            assert!(e.contains("p.toml:2:") && e.contains(&format!("run.{key}")), "{bad}: {e}");
            assert!(e.contains("0 for no limit"), "{bad}: {e}");
        }
    }
}
