//! The envelope every JSON document of the binary carries: which schema, which tool, which command
//! on which input, and the exit code — so a notebook can check what it reads before it reads it.
//! The fields are flattened into the command's own document (`docs/json.md`).

use serde::Serialize;
use std::sync::OnceLock;

/// The version of the JSON documents' schemas (`docs/schema/`); raised on every change that can
/// break a reader (a renamed or removed key, a changed type). Added keys do not raise it.
pub const SCHEMA_VERSION: u32 = 2;

/// The command and input path of this process, set once by `main` before a command runs.
static INVOCATION: OnceLock<(&'static str, Option<String>)> = OnceLock::new();

/// Records the command (`"certify"`, `"check"`, …) and its input path for every JSON document this
/// process prints. Later calls are ignored (one process runs one command).
pub fn set_invocation(command: &'static str, input: Option<&std::path::Path>) {
    let _ = INVOCATION.set((command, input.map(|p| p.display().to_string())));
}

/// A command's document with the common header flattened in.
#[derive(Debug, Serialize)]
pub struct Envelope<'a, T: Serialize> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"reluflow"`.
    pub tool: &'static str,
    /// The version of the binary that wrote the document.
    pub tool_version: &'static str,
    /// The command that wrote it (`certify`, `check`, `theorems`, `search`, `search merge`).
    pub command: &'static str,
    /// The problem file (or output directory) the command read, as given; `null` when none.
    pub input: Option<String>,
    /// The process exit code (absent only where the document carries its own `exit_code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// The command's own fields.
    #[serde(flatten)]
    pub body: &'a T,
}

/// `body` wrapped in the envelope of this process's invocation, with `exit_code`.
pub fn wrap<T: Serialize>(body: &T, exit_code: Option<u8>) -> Envelope<'_, T> {
    let (command, input) = INVOCATION.get().cloned().unwrap_or(("unknown", None));
    Envelope {
        schema_version: SCHEMA_VERSION,
        tool: "reluflow",
        tool_version: env!("CARGO_PKG_VERSION"),
        command,
        input,
        exit_code,
        body,
    }
}

/// The pretty-printed JSON of `body` in its envelope.
///
/// # Errors
/// Serialisation errors (none for the report types: they hold strings and numbers only).
pub fn to_json<T: Serialize>(body: &T, exit_code: Option<u8>) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&wrap(body, exit_code))
}
