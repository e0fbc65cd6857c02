//! Which check decides each catalogue entry. Every [`crate::catalogue::Entry`] names its [`Check`],
//! and `dispatch.rs` matches on it exhaustively: an entry without a check, or a check without its
//! code, does not compile (no string-keyed table to drift from the entry list, no silent
//! fallback).

use crate::catalogue::Kind;

/// How an entry's conclusion is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Along a trajectory (segments, events, limit).
    Trajectory(TrajCheck),
    /// On the data and initialisation alone.
    Static(StaticCheck),
    /// A predicate on the instance (a setting or an assumption).
    Predicate(PredicateCheck),
    /// Not implemented: the row says so (never a fake verdict).
    NotImplemented {
        /// What kind of statement it is.
        kind: Kind,
        /// Why it is not checked.
        why: &'static str,
    },
}

impl Check {
    /// The kind of statement.
    pub const fn kind(self) -> Kind {
        match self {
            Check::Trajectory(_) => Kind::Trajectory,
            Check::Static(_) => Kind::Static,
            Check::Predicate(_) => Kind::Predicate,
            Check::NotImplemented { kind, .. } => kind,
        }
    }
}

/// The trajectory checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrajCheck {
    /// `gen.loss-nonincreasing`.
    LossNonincreasing,
    /// `gen.balancedness`.
    Balancedness,
    /// `gen.sign-preserved`.
    SignPreserved,
    /// `gen.dead-frozen`.
    DeadFrozen,
    /// `gen.span`.
    Span,
    /// `gen.dist-to-interpolant`.
    DistToInterpolant,
    /// `vs.thm8-distance`.
    Thm8Distance,
    /// `lsy.norm-growth`.
    NormGrowth,
    /// `lsy.support-vector-stability`.
    SupportVectorStability,
    /// `lsy.global-convergence-d2`.
    GlobalConvergenceD2,
    /// `vs.thm3-limit`.
    Thm3Limit,
    /// `cel.lemma3`.
    CelLemma3,
    /// `cel.lemma4`.
    CelLemma4,
    /// `cel.lemma5`.
    CelLemma5,
    /// `cel.lemma19`.
    CelLemma19,
    /// `cel.lemma28-angles`.
    CelLemma28,
    /// `cel.thm6`.
    CelThm6,
    /// `cel.thm7-limit`.
    CelThm7,
}

/// The static checks (data and initialisation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticCheck {
    /// `cel.thm8-sign-M`.
    SignM,
    /// `cel.prop13-yardstick`.
    Prop13,
    /// `cel.prop14-yardstick`.
    Prop14,
    /// `cel.prop22-yardstick`.
    Prop22,
}

/// The predicate checks (settings and assumptions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredicateCheck {
    /// `cel.setting`.
    Setting,
    /// `cel.assumption1`.
    Assumption1,
    /// `cel.assumption2`.
    Assumption2,
    /// `cel.assumption3`.
    Assumption3,
}

#[cfg(test)]
mod tests {
    use crate::catalogue::catalogue;

    /// No two entries share a check: each check decides exactly the entry that names it.
    #[test]
    fn every_entry_has_its_own_check() {
        let checks: Vec<_> = catalogue().iter().map(|e| e.check).collect();
        for (k, c) in checks.iter().enumerate() {
            let dup = checks[..k].iter().position(|d| d == c);
            assert!(dup.is_none(), "{} and {} share {c:?}", catalogue()[k].id, catalogue()[dup.unwrap()].id);
        }
    }
}

#[cfg(test)]
mod expressions {
    use crate::catalogue::catalogue;
    use crate::lemma::Lemma;

    /// Every catalogue entry's lemma-language expression parses.
    #[test]
    fn every_expression_parses() {
        for e in catalogue() {
            if let Some(x) = e.expression {
                assert!(Lemma::parse(x).is_ok(), "{}: `{x}` does not parse", e.id);
            }
        }
    }
}
