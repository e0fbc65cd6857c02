//! [`ProblemTree`]: a proptest value tree over a fixed instance, so that an instance found by
//! perturbation (which has no value tree of its own) is shrunk by the same loop as a drawn one.
//!
//! Simplifications of the accepted instance are tried in order — drop a point, set a number to
//! 0, truncate a number to an integer — and only those on which the claim's assumed hypotheses
//! are certainly true are ever shown. `simplify` accepts the instance shown (it still fails) and
//! moves to its first simplification; `complicate` rejects it and moves to the next one.

use crate::claim::Claim;
use proptest::strategy::ValueTree;
use reluflow_model::{Data, Init, Labels, Problem};
use rug::Rational;

/// The value tree of a fixed instance (see the module documentation).
pub struct ProblemTree<'a> {
    claim: &'a dyn Claim,
    accepted: Problem,
    shown: Problem,
    candidates: Vec<Problem>,
    next: usize,
}

impl std::fmt::Debug for ProblemTree<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemTree").field("shown", &self.shown).finish()
    }
}

impl<'a> ProblemTree<'a> {
    /// The tree of `p` (which should satisfy `claim`'s hypotheses).
    pub fn new(claim: &'a dyn Claim, p: Problem) -> ProblemTree<'a> {
        ProblemTree { claim, accepted: p.clone(), shown: p, candidates: Vec::new(), next: 0 }
    }

    /// Shows the next candidate whose hypotheses hold; false (showing the accepted one) if none.
    fn show_next(&mut self) -> bool {
        while self.next < self.candidates.len() {
            let c = &self.candidates[self.next];
            if self.claim.hypotheses(c).is_ok() {
                self.shown = c.clone();
                return true;
            }
            self.next += 1;
        }
        self.shown = self.accepted.clone();
        false
    }
}

fn simpler(q: &Rational) -> Vec<Rational> {
    let mut out = Vec::new();
    if *q != 0 {
        out.push(Rational::new());
    }
    let t = Rational::from(q.trunc_ref());
    if t != *q && t != 0 {
        out.push(t);
    }
    out
}

fn rebuild(p: &Problem, x: Vec<Vec<Rational>>, labels: Labels, init: Init) -> Option<Problem> {
    let data = Data::new(x, labels).ok()?;
    Problem::new(p.model(), p.relu_prime(), p.loss(), data, init, p.run().clone()).ok()
}

/// Every one-step simplification of `p`, simplest moves first.
pub fn simplifications(p: &Problem) -> Vec<Problem> {
    let data = p.data();
    let x = data.x().to_vec();
    let labels = match data.teacher() {
        Some(v) => Labels::Teacher(v.to_vec()),
        None => Labels::Given(data.y().to_vec()),
    };
    let mut out = Vec::new();
    for i in (0..x.len()).filter(|_| x.len() > 1) {
        let mut xs = x.clone();
        xs.remove(i);
        let ls = match &labels {
            Labels::Given(y) => {
                Labels::Given(y.iter().enumerate().filter(|(k, _)| *k != i).map(|(_, v)| v.clone()).collect())
            }
            t => t.clone(),
        };
        out.extend(rebuild(p, xs, ls, p.init().clone()));
    }
    for (i, j) in (0..x.len()).flat_map(|i| (0..x[i].len()).map(move |j| (i, j))) {
        for v in simpler(&x[i][j]) {
            let mut xs = x.clone();
            xs[i][j] = v;
            out.extend(rebuild(p, xs, labels.clone(), p.init().clone()));
        }
    }
    let (Labels::Given(ys) | Labels::Teacher(ys)) = &labels;
    for k in 0..ys.len() {
        for v in simpler(&ys[k]) {
            let mut ls = labels.clone();
            let (Labels::Given(l) | Labels::Teacher(l)) = &mut ls;
            l[k] = v;
            out.extend(rebuild(p, x.clone(), ls, p.init().clone()));
        }
    }
    if let Init::Single { w } = p.init() {
        for k in 0..w.len() {
            for v in simpler(&w[k]) {
                let mut w = w.clone();
                w[k] = v;
                out.extend(rebuild(p, x.clone(), labels.clone(), Init::Single { w }));
            }
        }
    }
    out
}

impl ValueTree for ProblemTree<'_> {
    type Value = Problem;

    fn current(&self) -> Problem {
        self.shown.clone()
    }

    fn simplify(&mut self) -> bool {
        self.accepted = self.shown.clone();
        self.candidates = simplifications(&self.accepted);
        self.next = 0;
        self.show_next()
    }

    fn complicate(&mut self) -> bool {
        self.next += 1;
        self.show_next()
    }
}
