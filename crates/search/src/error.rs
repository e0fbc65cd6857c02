//! The one error type of this crate.

/// Why a search cannot start. Problems with single cases are not errors: they are recorded in the
/// case's [`CaseStatus`](crate::CaseStatus).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The selection does not fit the catalogue (unknown id, unknown switch, ε out of range).
    #[error("selection: {0}")]
    Selection(String),
    /// No catalogue entry has this id.
    #[error("unknown theorem id `{0}`")]
    UnknownTheorem(String),
    /// The entry cannot be searched (a predicate or static statement, not implemented, or a
    /// hypothesis no strategy can generate).
    #[error("`{id}` cannot be searched: {why}")]
    NotSearchable {
        /// The entry.
        id: String,
        /// Why.
        why: String,
    },
    /// The entry does not speak about the requested model.
    #[error("`{id}` is not about the {model} model")]
    WrongModel {
        /// The entry.
        id: String,
        /// The model asked for.
        model: &'static str,
    },
    /// The assumed hypotheses hold on no instance the strategies can build.
    #[error("no instance satisfies the assumed hypotheses {}: {why}", hyps.join(", "))]
    Unsatisfiable {
        /// The hypotheses that cannot hold together (ids).
        hyps: Vec<String>,
        /// Why.
        why: String,
    },
    /// A setting of the search is unusable (shard, jobs).
    #[error("search settings: {0}")]
    Config(String),
}
