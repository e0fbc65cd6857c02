//! The one error type of this crate.

/// Why a problem definition was refused. Each variant names the field (dotted path such as
/// `data.x[2][1]`), the value seen and what was expected, in the words a user of the file needs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// A field has a value outside its allowed set or range.
    #[error("{field}: got {value}, expected {expected}")]
    InvalidValue {
        /// Dotted path of the field.
        field: String,
        /// The offending value, as written or summarised.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// Two fields contradict each other (dimension mismatch, both teacher and labels, …).
    #[error("{field}: {message}")]
    Inconsistent {
        /// Dotted path of the field where the contradiction is detected.
        field: String,
        /// What contradicts what.
        message: String,
    },
}

impl ModelError {
    pub(crate) fn invalid(field: impl Into<String>, value: impl Into<String>, expected: impl Into<String>) -> Self {
        ModelError::InvalidValue { field: field.into(), value: value.into(), expected: expected.into() }
    }
    pub(crate) fn inconsistent(field: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError::Inconsistent { field: field.into(), message: message.into() }
    }
}
