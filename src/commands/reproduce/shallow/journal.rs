//! The append-only journal of finished trials (JSON Lines): written line by line as trials
//! finish, read back on a rerun so finished trials are not recomputed. A line cut short by a
//! crash is ignored (that trial runs again).

use super::curve::Curve;
use super::trial::{Outcome, Trial};
use crate::exit::Failure;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A journal record: a finished trial's result.
pub trait Record: Clone + Serialize + DeserializeOwned {
    /// The trial it finishes.
    fn trial(&self) -> Trial;
}

impl Record for Outcome {
    fn trial(&self) -> Trial {
        self.trial
    }
}

impl Record for Curve {
    fn trial(&self) -> Trial {
        self.trial
    }
}

/// An open journal.
#[derive(Debug)]
pub struct Journal<R> {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    finished: BTreeMap<Trial, R>,
}

impl<R: Record> Journal<R> {
    /// Opens (creating) the journal at `path` and reads what it holds.
    pub fn open(path: &Path) -> Result<Journal<R>, Failure> {
        let io = |e: std::io::Error| Failure::internal(anyhow::anyhow!("{}: {e}", path.display()));
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io(e)),
        };
        let finished = text.lines().filter_map(|l| serde_json::from_str::<R>(l).ok()).map(|o| (o.trial(), o)).collect();
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
        if !text.is_empty() && !text.ends_with('\n') {
            // A line cut short: end it, so the next record starts on its own line.
            file.write_all(b"\n").map_err(io)?;
        }
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file), finished })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The trials finished before this run.
    pub fn finished(&self) -> BTreeMap<Trial, R> {
        self.finished.clone()
    }

    /// Appends a finished trial (one line, flushed).
    pub fn append(&self, o: &R) -> Result<(), Failure> {
        let line = serde_json::to_string(o).map_err(|e| Failure::internal(anyhow::anyhow!("{e}")))?;
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        writeln!(f, "{line}")
            .and_then(|()| f.flush())
            .map_err(|e| Failure::internal(anyhow::anyhow!("{}: {e}", self.path.display())))
    }
}
