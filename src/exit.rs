//! The exit-code table: the one place where the codes of `reluflow` are defined, named and
//! explained. `--help` prints [`help_table`]; every path out of `main` goes through [`Exit`].

use reluflow_flow::{Status, UndecidedReason};
use std::fmt;

/// How a run of `reluflow` ended, with its process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The run finished: certified (validated arithmetic), or a non-validated run completed.
    Success,
    /// The command line or the problem file was refused before any computation.
    BadInput,
    /// The proof stopped before the horizon: everything reported is certified only up to
    /// `certified_until`, and the reason is printed.
    Undecided,
    /// A counterexample was found, or a checked invariant was violated.
    Counterexample,
    /// A request no part of reluflow serves yet: a certificate of a run the format cannot
    /// describe (a two-layer network, a death, a limit on a hyperplane, point arithmetic).
    Unsupported,
    /// A bug: an internal invariant failed (panic, inconsistent result, I/O on output).
    Internal,
    /// Interrupted by Ctrl-C (SIGINT; the shell reports 128 + 2).
    Interrupted,
}

/// Every exit, in the order of the table.
pub const TABLE: [Exit; 7] = [
    Exit::Success,
    Exit::BadInput,
    Exit::Undecided,
    Exit::Counterexample,
    Exit::Unsupported,
    Exit::Internal,
    Exit::Interrupted,
];

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::BadInput => 2,
            Exit::Undecided => 3,
            Exit::Counterexample => 4,
            Exit::Unsupported => 5,
            Exit::Internal => 70,
            Exit::Interrupted => 130,
        }
    }

    /// The exit with process exit code `code`; an unknown code is an internal error.
    pub fn from_code(code: i32) -> Exit {
        TABLE.into_iter().find(|e| i32::from(e.code()) == code).unwrap_or(Exit::Internal)
    }

    /// A short machine-readable name (used in JSON error objects).
    pub fn name(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::BadInput => "bad-input",
            Exit::Undecided => "undecided",
            Exit::Counterexample => "counterexample",
            Exit::Unsupported => "unsupported",
            Exit::Internal => "internal-error",
            Exit::Interrupted => "interrupted",
        }
    }

    /// The exit of a reported trajectory: certified or not validated → [`Exit::Success`], undecided
    /// → [`Exit::Undecided`], except undecided because the user interrupted it (Ctrl-C:
    /// [`UndecidedReason::Interrupted`]) → [`Exit::Interrupted`], and stopped on an internal
    /// inconsistency ([`UndecidedReason::Inconsistent`], a bug) → [`Exit::Internal`].
    pub fn of_status<S>(status: &Status<S>) -> Exit {
        match status {
            Status::Certified | Status::NotValidated => Exit::Success,
            Status::Undecided { reason: UndecidedReason::Interrupted, .. } => Exit::Interrupted,
            Status::Undecided { reason: UndecidedReason::Inconsistent(_), .. } => Exit::Internal,
            Status::Undecided { .. } => Exit::Undecided,
        }
    }

    /// The exit of a command that completed its report: [`Exit::Interrupted`] when the user
    /// interrupted the integration (also for point runs, whose status cannot say so, and for
    /// `check`, whose table exit would be 3), else `self`.
    pub fn settle(self, interrupted: bool) -> Exit {
        if interrupted { Exit::Interrupted } else { self }
    }

    /// One line for `--help`.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success: certified (interval arithmetic), or a non-validated run (f64, mpfr) completed",
            Exit::BadInput => "bad input: usage error or a refused problem file (the message names file, field, value)",
            Exit::Undecided => "undecided: certified only up to `certified_until`; the reason is printed",
            Exit::Counterexample => {
                "counterexample found or invariant violated; for `verify`: a claim of the certificate fails"
            }
            Exit::Unsupported => {
                "unsupported: `certify --certificate` on a run the certificate format cannot describe yet (the message names it)"
            }
            Exit::Internal => "internal error (a bug: please report it with the problem file)",
            Exit::Interrupted => "interrupted (Ctrl-C)",
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

/// The exit-code table as printed at the end of `--help`.
pub fn help_table() -> String {
    let mut s = String::from("Exit codes:\n");
    for e in TABLE {
        s.push_str(&format!("  {:>3}  {}\n", e.code(), e.meaning()));
    }
    s
}

/// An error that ends the run, with the exit it maps to. Only the binary uses `anyhow`.
#[derive(Debug)]
pub struct Failure {
    /// The exit code class.
    pub exit: Exit,
    /// What went wrong, with context.
    pub error: anyhow::Error,
}

impl Failure {
    /// A refused command line or problem file (exit 2).
    pub fn bad_input(error: impl Into<anyhow::Error>) -> Failure {
        Failure { exit: Exit::BadInput, error: error.into() }
    }
    /// A bug or an output failure (exit 70).
    pub fn internal(error: impl Into<anyhow::Error>) -> Failure {
        Failure { exit: Exit::Internal, error: error.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_documented() {
        let mut codes: Vec<u8> = TABLE.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TABLE.len(), "two exits share a code");
        let names: std::collections::HashSet<_> = TABLE.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), TABLE.len());
        let table = help_table();
        for e in TABLE {
            assert!(table.contains(&format!("{:>3}  ", e.code())), "{table}");
        }
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::BadInput.code(), 2);
        assert_eq!(Exit::Interrupted.code(), 130);
    }

    #[test]
    fn interrupted_runs_exit_130() {
        let undecided = |reason| Status::Undecided { reason, certified_until: 1.0 };
        assert_eq!(Exit::of_status(&undecided(UndecidedReason::Interrupted)), Exit::Interrupted);
        assert_eq!(Exit::of_status(&undecided(UndecidedReason::StepUnderflow)), Exit::Undecided);
        assert_eq!(Exit::of_status::<f64>(&Status::Certified), Exit::Success);
        assert_eq!(Exit::of_status::<f64>(&Status::NotValidated), Exit::Success);
        assert_eq!(Exit::Success.settle(true), Exit::Interrupted);
        assert_eq!(Exit::Undecided.settle(false), Exit::Undecided);
    }

    #[test]
    fn an_inconsistent_run_is_an_internal_error() {
        use reluflow_arith::{Enclosure, Interval};
        let a = Interval::from_f64_bounds(0.0, 1.0, &());
        let b = Interval::from_f64_bounds(2.0, 3.0, &());
        let e = reluflow_arith::meet("test: disjoint", &a, &b).unwrap_err();
        let status = Status::Undecided { reason: UndecidedReason::Inconsistent(e), certified_until: a };
        assert_eq!(Exit::of_status(&status), Exit::Internal);
        assert_eq!(Exit::Internal.code(), 70);
    }
}
