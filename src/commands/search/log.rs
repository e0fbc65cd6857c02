//! `cases.jsonl`: one line per finished case, appended and flushed as the record arrives (from the
//! search's worker threads), and read back on resume and by `merge`. The line is the commit point
//! of a case: a counterexample's files are written before its line, so a case without a line is
//! simply run again.

use super::cex::CexWriter;
use super::record::CaseLine;
use crate::exit::Failure;
use reluflow_flow::monitor::Monitor;
use reluflow_search::{CaseRecord, Sink};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

/// The sink of a search: counterexample files, then the case's line.
#[derive(Debug)]
pub struct LogSink<'a> {
    state: Mutex<State>,
    cex: &'a CexWriter,
    /// Cancelled when writing fails: nothing more would be kept.
    monitor: Monitor,
}

#[derive(Debug)]
struct State {
    out: BufWriter<File>,
    records: Vec<CaseRecord>,
    error: Option<String>,
}

impl<'a> LogSink<'a> {
    /// Appends to the log at `path` (created if absent).
    pub fn open(path: &Path, cex: &'a CexWriter, monitor: Monitor) -> Result<LogSink<'a>, Failure> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Failure::internal(anyhow::anyhow!("cannot open {}: {e}", path.display())))?;
        let state = State { out: BufWriter::new(file), records: Vec::new(), error: None };
        Ok(LogSink { state: Mutex::new(state), cex, monitor })
    }

    /// The records written, and the first write error (after which nothing more was written).
    pub fn finish(self) -> (Vec<CaseRecord>, Option<String>) {
        let s = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        (s.records, s.error)
    }

    fn fail(&self, s: &mut State, why: String) {
        s.error.get_or_insert(why);
        self.monitor.cancel();
    }
}

impl Sink for LogSink<'_> {
    fn record(&self, rec: CaseRecord) {
        // The files of a counterexample first (outside the lock: one file set per case).
        let files = match rec.counterexample() {
            Some(p) => self.cex.write(&rec, p),
            None => Ok(()),
        };
        let line = serde_json::to_string(&CaseLine::of(&rec)).map_err(|e| format!("case {}: {e}", rec.case));
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.error.is_some() {
            return;
        }
        let written = files.and(line).and_then(|line| {
            writeln!(s.out, "{line}").and_then(|()| s.out.flush()).map_err(|e| format!("cannot write cases.jsonl: {e}"))
        });
        match written {
            Ok(()) => s.records.push(rec),
            Err(why) => self.fail(&mut s, why),
        }
    }
}

/// The records of a log, in case order (the first line of a case wins).
#[derive(Debug, Default)]
pub struct Replay {
    /// The records.
    pub records: Vec<CaseRecord>,
    /// Bytes of a partial last line (a run killed while writing it), if any.
    pub partial: usize,
}

/// Reads the log at `path` (no log: no records). A last line without its newline that does not
/// parse is a partial write: it is reported in [`Replay::partial`] and, with `repair`, cut from
/// the file so that appending starts on a clean line. Any other line that does not parse is
/// refused.
pub fn replay(path: &Path, repair: bool) -> Result<Replay, Failure> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Replay::default()),
        Err(e) => return Err(Failure::bad_input(anyhow::anyhow!("cannot read {}: {e}", path.display()))),
    };
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let mut by_case = BTreeMap::new();
    for (k, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let rec = parse(path, k + 1, line).map_err(|why| Failure::bad_input(anyhow::anyhow!(why)))?;
        by_case.entry(rec.case).or_insert(rec);
    }
    let tail = &bytes[complete..];
    let mut partial = 0;
    if !tail.is_empty() {
        let line_no = bytes[..complete].iter().filter(|&&b| b == b'\n').count() + 1;
        match parse(path, line_no, tail) {
            Ok(rec) => {
                by_case.entry(rec.case).or_insert(rec);
                if repair {
                    append(path, b"\n")?;
                }
            }
            Err(_) => {
                partial = tail.len();
                if repair {
                    cut(path, complete as u64)?;
                }
            }
        }
    }
    Ok(Replay { records: by_case.into_values().collect(), partial })
}

fn parse(path: &Path, line_no: usize, line: &[u8]) -> Result<CaseRecord, String> {
    let at = format!("{}:{line_no}", path.display());
    let text = std::str::from_utf8(line).map_err(|e| format!("{at}: got bytes that are not UTF-8 ({e})"))?;
    let parsed: CaseLine =
        serde_json::from_str(text).map_err(|e| format!("{at}: got a line that is not a case record ({e})"))?;
    parsed.record(&at).map_err(|e| format!("{at}: {e}"))
}

fn append(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot repair {}: {e}", path.display())))
}

fn cut(path: &Path, len: u64) -> Result<(), Failure> {
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len))
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot cut the partial line of {}: {e}", path.display())))
}
