//! [`Coverage`]: what a search tried — outcome counts and the spread of every generated
//! parameter — so that "no counterexample" can be read against what was actually explored.

use crate::record::{CaseRecord, CaseStatus};
use reluflow_check::hyp::init_w;
use reluflow_model::{Horizon, Init, Problem, ReluPrime};
use rug::{Integer, Rational};
use std::collections::BTreeMap;

/// `⌊log₂|c|⌋` of `c ≠ 0`, exactly from the bit lengths (scales far below f64's range included).
fn floor_log2(c: &Rational) -> i64 {
    let (num, den) = (Integer::from(c.numer().abs_ref()), c.denom());
    let e = i64::from(num.significant_bits()) - i64::from(den.significant_bits());
    let shift = |x: &Integer, by: i64| Integer::from(x << u32::try_from(by).unwrap_or(u32::MAX));
    // 2^e ≤ |c| ⇔ num ≥ den·2^e.
    let at_least = if e >= 0 { num >= shift(den, e) } else { shift(&num, -e) >= *den };
    if at_least { e } else { e - 1 }
}

/// The spread of an integer parameter: range and histogram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spread {
    /// The smallest value seen.
    pub min: Option<i64>,
    /// The largest value seen.
    pub max: Option<i64>,
    /// How often each value was seen.
    pub histogram: BTreeMap<i64, u64>,
}

impl Spread {
    /// Counts one value.
    pub fn add(&mut self, v: i64) {
        self.min = Some(self.min.map_or(v, |m| m.min(v)));
        self.max = Some(self.max.map_or(v, |m| m.max(v)));
        *self.histogram.entry(v).or_default() += 1;
    }

    /// Adds another spread's counts.
    pub fn merge(&mut self, other: &Spread) {
        for (&v, &c) in &other.histogram {
            self.min = Some(self.min.map_or(v, |m| m.min(v)));
            self.max = Some(self.max.map_or(v, |m| m.max(v)));
            *self.histogram.entry(v).or_default() += c;
        }
    }
}

/// Counts and spreads over the finished cases of a search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    /// Finished cases.
    pub tried: u64,
    /// Cases on which every assumed hypothesis was certainly true (not skipped).
    pub satisfied: u64,
    /// Screened runs without a violation.
    pub screened_holds: u64,
    /// Screened runs that decided nothing.
    pub screened_undecided: u64,
    /// Screened runs with a violation (each then certified).
    pub screened_violations: u64,
    /// Certified counterexamples.
    pub confirmed: u64,
    /// Screened violations the certified run did not confirm.
    pub unconfirmed: u64,
    /// Internal inconsistencies (bugs caught).
    pub internal: u64,
    /// Input dimension `d`.
    pub d: Spread,
    /// Number of points `n`.
    pub n: Spread,
    /// Hidden width `m` (1 for the single neuron).
    pub m: Spread,
    /// `⌊log₂ max_k |w(0)_k|⌋` over non-zero initialisations.
    pub init_scale_log2: Spread,
    /// Points active at `t = 0` (summed over hidden neurons).
    pub active_at_start: Spread,
    /// Points with label 0.
    pub zero_labels: Spread,
    /// Instances with teacher labels.
    pub teacher_labels: u64,
    /// Instances with σ'(0) = 1.
    pub relu_prime_one: u64,
    /// Instances with `w(0) = 0`.
    pub zero_init: u64,
    /// Two-layer instances with a balanced initialisation.
    pub balanced: u64,
    /// Instances with `t_end = inf`.
    pub infinite_horizon: u64,
}

impl Coverage {
    /// Counts one finished case.
    pub fn add(&mut self, rec: &CaseRecord) {
        self.tried += 1;
        match &rec.status {
            CaseStatus::Skipped(_) => {}
            CaseStatus::Holds => self.screened_holds += 1,
            CaseStatus::Undecided(_) => self.screened_undecided += 1,
            CaseStatus::NotConfirmed(_) => self.unconfirmed += 1,
            CaseStatus::Counterexample => self.confirmed += 1,
            CaseStatus::Internal(_) => self.internal += 1,
        }
        if !matches!(rec.status, CaseStatus::Skipped(_)) {
            self.satisfied += 1;
        }
        if matches!(rec.status, CaseStatus::NotConfirmed(_) | CaseStatus::Counterexample)
            || rec.screened.as_ref().is_some_and(|j| j.looks_violated())
        {
            self.screened_violations += 1;
        }
        if let Some(p) = &rec.problem {
            self.add_problem(p);
        }
    }

    fn add_problem(&mut self, p: &Problem) {
        let data = p.data();
        self.d.add(data.d() as i64);
        self.n.add(data.n() as i64);
        self.m.add(p.init().width() as i64);
        let w = init_w(p);
        match w.iter().flatten().filter(|c| **c != 0).map(floor_log2).max() {
            Some(e) => self.init_scale_log2.add(e),
            None => self.zero_init += 1,
        }
        let one = p.relu_prime() == ReluPrime::One;
        let active = w.iter().map(|wj| data.x().iter().filter(|xi| active(xi, wj, one)).count()).sum::<usize>();
        self.active_at_start.add(active as i64);
        self.zero_labels.add(data.y().iter().filter(|y| **y == 0).count() as i64);
        self.teacher_labels += u64::from(data.teacher().is_some());
        self.relu_prime_one += u64::from(one);
        self.balanced += u64::from(matches!(p.init(), Init::Balanced { .. }));
        self.infinite_horizon += u64::from(p.run().t_end == Horizon::Infinite);
    }

    /// Adds another coverage's counts (e.g. of another shard).
    pub fn merge(&mut self, o: &Coverage) {
        self.tried += o.tried;
        self.satisfied += o.satisfied;
        self.screened_holds += o.screened_holds;
        self.screened_undecided += o.screened_undecided;
        self.screened_violations += o.screened_violations;
        self.confirmed += o.confirmed;
        self.unconfirmed += o.unconfirmed;
        self.internal += o.internal;
        for (a, b) in [
            (&mut self.d, &o.d),
            (&mut self.n, &o.n),
            (&mut self.m, &o.m),
            (&mut self.init_scale_log2, &o.init_scale_log2),
            (&mut self.active_at_start, &o.active_at_start),
            (&mut self.zero_labels, &o.zero_labels),
        ] {
            a.merge(b);
        }
        self.teacher_labels += o.teacher_labels;
        self.relu_prime_one += o.relu_prime_one;
        self.zero_init += o.zero_init;
        self.balanced += o.balanced;
        self.infinite_horizon += o.infinite_horizon;
    }
}

fn active(x: &[rug::Rational], w: &[rug::Rational], zero_active: bool) -> bool {
    let z = crate::strategy::numbers::dot(x, w);
    z > 0 || (z == 0 && zero_active)
}

#[cfg(test)]
mod tests {
    use super::floor_log2;
    use rug::Rational;

    #[test]
    fn floor_log2_is_exact_also_below_f64s_range() {
        let q = |s: &str| reluflow_arith::exact::parse_exact(s).unwrap();
        for (s, e) in [("1", 0), ("3", 1), ("-4", 2), ("1/3", -2), ("0.5", -1), ("7/8", -1), ("1e-600", -1994)] {
            assert_eq!(floor_log2(&q(s)), e, "{s}");
        }
        // 10^-400000 = 2^-1328771.2…
        assert_eq!(
            floor_log2(&Rational::from((1, rug::Integer::from(rug::Integer::u_pow_u(10, 400_000))))),
            -1_328_772
        );
    }
}
