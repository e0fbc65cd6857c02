//! [`Assume`]: a strategy whose every value — drawn or shrunk — satisfies a predicate.
//!
//! `prop_filter` would do for drawing, but its value tree panics when shrinking lands on a
//! rejected value it cannot complicate back from. Here a rejected value is treated like a value
//! that passes the test (it is never shown): the tree complicates, and `current` always returns the
//! last accepted value.

use proptest::strategy::{BoxedStrategy, NewTree, Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use reluflow_model::Problem;
use std::fmt;
use std::sync::Arc;

/// A predicate on instances: `Ok` to accept, `Err(reason)` to reject.
pub type Accept = Arc<dyn Fn(&Problem) -> Result<(), String> + Send + Sync>;

/// The values of `source` that `accept` accepts (see the module documentation).
#[derive(Clone)]
pub struct Assume {
    source: BoxedStrategy<Problem>,
    accept: Accept,
    what: String,
}

impl Assume {
    /// The accepted values of `source`; `what` names the predicate in rejections.
    pub fn new(source: BoxedStrategy<Problem>, accept: Accept, what: impl Into<String>) -> Assume {
        Assume { source, accept, what: what.into() }
    }
}

impl fmt::Debug for Assume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assume").field("source", &self.source).field("what", &self.what).finish()
    }
}

impl Strategy for Assume {
    type Tree = AssumeTree;
    type Value = Problem;

    /// Draws from `source` until a value is accepted; each rejection counts as a local reject of
    /// `runner` (so `max_local_rejects` bounds the work), and the error gives the last reason.
    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        loop {
            let tree = self.source.new_tree(runner)?;
            let value = tree.current();
            match (self.accept)(&value) {
                Ok(()) => return Ok(AssumeTree { source: tree, accept: self.accept.clone(), good: value }),
                Err(why) => {
                    let reason = format!("{}: {why}", self.what);
                    if runner.reject_local(reason.clone()).is_err() {
                        return Err(format!("too many rejected draws; the last one: {reason}").into());
                    }
                }
            }
        }
    }
}

/// The value tree of [`Assume`]: `current` is always an accepted value.
pub struct AssumeTree {
    source: Box<dyn ValueTree<Value = Problem>>,
    accept: Accept,
    good: Problem,
}

impl fmt::Debug for AssumeTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeTree").field("good", &self.good).finish()
    }
}

impl AssumeTree {
    /// Complicates the source until it shows an accepted value (kept as `good`), or it cannot.
    fn complicate_to_accepted(&mut self) -> bool {
        loop {
            if !self.source.complicate() {
                return false;
            }
            if self.take_if_accepted() {
                return true;
            }
        }
    }

    fn take_if_accepted(&mut self) -> bool {
        let v = self.source.current();
        let ok = (self.accept)(&v).is_ok();
        if ok {
            self.good = v;
        }
        ok
    }
}

impl ValueTree for AssumeTree {
    type Value = Problem;

    fn current(&self) -> Problem {
        self.good.clone()
    }

    fn simplify(&mut self) -> bool {
        loop {
            if !self.source.simplify() {
                return false;
            }
            if self.take_if_accepted() || self.complicate_to_accepted() {
                return true;
            }
        }
    }

    fn complicate(&mut self) -> bool {
        self.complicate_to_accepted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::{NeuronSpace, neuron_problem};
    use proptest::test_runner::{Config, TestRng};

    #[test]
    fn drawn_and_shrunk_values_are_always_accepted() {
        // Accept only instances with an even number of points: shrinking the point count passes
        // through odd ones, which must never be shown.
        let accept: Accept =
            Arc::new(|p: &Problem| if p.data().n().is_multiple_of(2) { Ok(()) } else { Err("odd".into()) });
        let s = Assume::new(neuron_problem(&NeuronSpace::default()), accept, "even n");
        let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(Default::default()));
        for _ in 0..8 {
            let mut tree = s.new_tree(&mut runner).unwrap();
            for step in 0..40 {
                assert_eq!(tree.current().data().n() % 2, 0);
                let moved = if step % 4 == 3 { tree.complicate() } else { tree.simplify() };
                if !moved {
                    break;
                }
            }
        }
    }

    #[test]
    fn a_predicate_nothing_satisfies_is_an_error_naming_it() {
        let accept: Accept = Arc::new(|_: &Problem| Err("never".into()));
        let s = Assume::new(
            neuron_problem(&NeuronSpace { n: 1..=1, d: 1..=1, ..NeuronSpace::default() }),
            accept,
            "nothing",
        );
        let config = Config { max_local_rejects: 50, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(Default::default()));
        let err = s.new_tree(&mut runner).unwrap_err();
        assert!(err.to_string().contains("nothing: never"), "{err}");
    }
}
