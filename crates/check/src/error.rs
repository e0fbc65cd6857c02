//! The one error type of this crate: a selection that does not fit the catalogue, or a trajectory
//! whose shapes do not match its problem. Everything a check cannot decide is a verdict
//! (`Verdict::Undecided` with the reason), never an error.

/// Why a check cannot start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// No catalogue entry has this id.
    #[error("unknown theorem id `{id}`; known ids: {}", known.join(", "))]
    UnknownTheorem {
        /// The id asked for.
        id: String,
        /// Every id of the catalogue.
        known: Vec<&'static str>,
    },
    /// An `assume` key that names no switchable hypothesis (of that entry, when it names one).
    #[error(
        "`{key}` is not a switchable hypothesis{}: switchable ones are {}",
        entry.as_ref().map_or(String::new(), |e| format!(" of `{e}`")),
        switchable.join(", ")
    )]
    NotSwitchable {
        /// The key as given (`<hyp>` or `<entry>:<hyp>`).
        key: String,
        /// The entry it names, if any.
        entry: Option<String>,
        /// The switchable hypotheses of the catalogue.
        switchable: Vec<&'static str>,
    },
    /// The parameter ε of the shallow-network entries out of its range.
    #[error("--epsilon {value}: not in (0, 1/4]")]
    Epsilon {
        /// The value given, exactly.
        value: String,
    },
    /// A trajectory whose shapes do not match its problem.
    #[error("{what}")]
    Shape {
        /// What does not match.
        what: String,
    },
}
