//! One verdict per row: the sentence that explains a row's status, built so that it can never
//! contradict it. The conclusion's own verdict is kept in the row (and in the JSON) as what it is —
//! the conclusion checked on its own — and is quoted here only as such.

use crate::report::{HypRow, Row, RowStatus};
use crate::verdict::Verdict;
use reluflow_arith::Scalar;

/// The assumed hypotheses whose truth satisfies `pick`, as `id (reason)` phrases.
fn assumed(hyps: &[HypRow], pick: impl Fn(&HypRow) -> bool) -> Vec<String> {
    hyps.iter().filter(|h| h.assumed && pick(h)).map(|h| format!("{} ({})", h.id, h.truth.reason())).collect()
}

/// `"hypothesis a (…) is"` or `"hypotheses a (…), b (…) are"`.
fn subject(list: &[String]) -> String {
    match list {
        [one] => format!("assumed hypothesis {one} is"),
        many => format!("assumed hypotheses {} are", many.join(", ")),
    }
}

/// The conclusion's verdict, quoted as the conclusion's alone.
fn alone<S: Scalar>(v: &Verdict<S>) -> String {
    match v {
        Verdict::Holds { .. } => format!("the conclusion on its own {v}"),
        _ => format!("the conclusion on its own is {v}"),
    }
}

impl<S: Scalar> Row<S> {
    /// One line that starts with the row's status word and agrees with it: why the row is what it
    /// is (the proof, the witness, the false or undecided hypothesis, the undecided step).
    pub fn explanation(&self) -> String {
        let name = self.status.name();
        let hyps = &self.hypotheses;
        let c = &self.conclusion;
        match self.status {
            RowStatus::Holds => format!("{c}"),
            RowStatus::Counterexample => {
                let Verdict::Violated { witness } = c else { return format!("{name}: {c}") };
                format!("{name}: every assumed hypothesis is true and the conclusion fails {witness}")
            }
            RowStatus::False => match c {
                Verdict::Violated { witness } => format!("{name}: {witness}"),
                _ => format!("{name}: {c}"),
            },
            RowStatus::Vacuous => {
                let bad = assumed(hyps, |h| h.truth.is_false());
                format!("{name}: {} false, so the statement says nothing here; {}", subject(&bad), alone(c))
            }
            RowStatus::Undecided => match c {
                Verdict::Violated { witness } => {
                    let open = assumed(hyps, |h| !h.truth.is_true());
                    format!(
                        "{name}: the conclusion fails {witness}, but {} not decided, so this is no counterexample",
                        subject(&open)
                    )
                }
                Verdict::Undecided { why } => format!("{name}: {why}"),
                _ => format!("{name}: {c}"),
            },
            RowStatus::NotValidated => format!("{name}: point arithmetic proves nothing; {}", alone(c)),
            RowStatus::NotApplicable | RowStatus::NotImplemented | RowStatus::Inconsistent => match c {
                Verdict::Undecided { why } if why.starts_with(name) => why.clone(),
                Verdict::Undecided { why } => format!("{name}: {why}"),
                _ => format!("{name}: {c}"),
            },
        }
    }
}
