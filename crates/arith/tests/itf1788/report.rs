//! Counting the verdicts per backend and printing them as a table.

use super::check::Outcome;
use super::parse::Case;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The verdicts of one backend over every test line.
#[derive(Debug, Default)]
pub struct Tally {
    pub label: &'static str,
    pub exact: usize,
    pub binary64: usize,
    /// Contained-only results, by documented reason.
    pub loose: BTreeMap<&'static str, usize>,
    pub failures: Vec<String>,
    /// Skipped lines: reason → operation → count.
    pub skipped: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// Compared lines per operation.
    pub per_op: BTreeMap<String, usize>,
}

impl Tally {
    pub fn new(label: &'static str) -> Tally {
        Tally { label, ..Tally::default() }
    }

    pub fn add(&mut self, c: &Case, o: Outcome) {
        if !matches!(o, Outcome::Skip(_)) {
            *self.per_op.entry(c.op.clone()).or_default() += 1;
        }
        match o {
            Outcome::Exact => self.exact += 1,
            Outcome::Binary64 => self.binary64 += 1,
            Outcome::Loose(why) => *self.loose.entry(why).or_default() += 1,
            Outcome::Fail(m) => self.failures.push(format!("{} {}:{}: `{}`: {m}", self.label, c.file, c.line, c.src)),
            Outcome::Skip(why) => *self.skipped.entry(why).or_default().entry(c.op.clone()).or_default() += 1,
        }
    }

    /// Lines actually compared with the expected value.
    pub fn run(&self) -> usize {
        self.exact + self.binary64 + self.contained_only() + self.failures.len()
    }

    pub fn contained_only(&self) -> usize {
        self.loose.values().sum()
    }

    pub fn skipped(&self) -> usize {
        self.skipped.values().flat_map(|m| m.values()).sum()
    }
}

fn counts(m: &BTreeMap<String, usize>) -> String {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter().map(|(op, n)| format!("{op} {n}")).collect::<Vec<_>>().join(", ")
}

/// The table: one row per backend, then per backend what was compared, why results were only
/// contained, and why lines were skipped.
pub fn table(files: &[String], lines: usize, tallies: &[&Tally]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ITF1788 test vectors: {lines} lines from {} files ({})", files.len(), files.join(", "));
    let _ = writeln!(
        s,
        "{:<28}{:>7}{:>7}{:>16}{:>16}{:>8}{:>9}",
        "backend", "run", "exact", "exact-binary64", "contained-only", "FAILED", "skipped"
    );
    for t in tallies {
        let _ = writeln!(
            s,
            "{:<28}{:>7}{:>7}{:>16}{:>16}{:>8}{:>9}",
            t.label,
            t.run(),
            t.exact,
            t.binary64,
            t.contained_only(),
            t.failures.len(),
            t.skipped()
        );
    }
    let _ = writeln!(
        s,
        "(exact: equal to IEEE 1788's tightest binary64 result; exact-binary64: equal once rounded outward \
         to binary64 (MPFR's exponent range made it tighter); contained-only: contains it, or obeys our \
         documented looser law)"
    );
    for t in tallies {
        let _ = writeln!(s, "\n{}: compared per operation: {}", t.label, counts(&t.per_op));
        for (why, n) in &t.loose {
            let _ = writeln!(s, "  contained-only {n:>5}  {why}");
        }
        for (why, ops) in &t.skipped {
            let n: usize = ops.values().sum();
            let _ = writeln!(s, "  skipped {n:>6}  {why}: {}", counts(ops));
        }
    }
    s
}

/// The failures of every backend, at most `max` each.
pub fn failures(tallies: &[&Tally], max: usize) -> String {
    let mut s = String::new();
    for t in tallies {
        for f in t.failures.iter().take(max) {
            let _ = writeln!(s, "{f}");
        }
        if t.failures.len() > max {
            let _ = writeln!(s, "{}: … and {} more failures", t.label, t.failures.len() - max);
        }
    }
    s
}
