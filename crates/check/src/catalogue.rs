//! The theorem catalogue: every checkable statement with a stable id, its source, statement,
//! hypotheses and how its conclusion is checked. Each entry has a note `proofs-notes/thm-<id>.md`.

pub use crate::checks::{Check, PredicateCheck, StaticCheck, TrajCheck};
use crate::hyp::Hyp;

/// Which models an entry speaks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// The single neuron only.
    Single,
    /// The two-layer network only.
    TwoLayer,
    /// Both.
    Both,
}

/// What the conclusion is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An invariant along a trajectory (segments, events, limit).
    Trajectory,
    /// A statement about the data and initialisation alone.
    Static,
    /// A predicate on the instance (a setting or an assumption): false is a fact about the
    /// instance, never a counterexample.
    Predicate,
}

/// One catalogue entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable id (`gen.loss-nonincreasing`, `cel.thm8-sign-M`, …).
    pub id: &'static str,
    /// Paper and number.
    pub source: &'static str,
    /// The statement, one paragraph, plain text with formulas.
    pub statement: &'static str,
    /// Models it applies to.
    pub applies: Applies,
    /// Which check decides its conclusion (and so what kind of statement it is).
    pub check: Check,
    /// The conclusion in the lemma language (`docs/lemmas.md`), when the language can state it:
    /// the test suite checks on every shipped example that it never contradicts the built-in
    /// check (`tests/lemma_catalogue.rs` in the binary's tests).
    pub expression: Option<&'static str>,
    /// Hypotheses (switchable ones can be turned on and off by the selection).
    pub hypotheses: &'static [Hyp],
    /// How the conclusion is checked, in one sentence.
    pub checked: &'static str,
}

impl Entry {
    /// What the conclusion is checked against.
    pub const fn kind(&self) -> Kind {
        self.check.kind()
    }
    /// `None` when implemented; otherwise why not.
    pub const fn not_implemented(&self) -> Option<&'static str> {
        match self.check {
            Check::NotImplemented { why, .. } => Some(why),
            _ => None,
        }
    }
    /// Whether the conclusion is checked (no fake verdicts: unimplemented entries report so).
    pub const fn implemented(&self) -> bool {
        self.not_implemented().is_none()
    }
    /// The slug of its note: `thm-<id>` (file `proofs-notes/thm-<id>.md`).
    pub fn note_slug(&self) -> String {
        format!("thm-{}", self.id)
    }
}

const fn h(id: &'static str, statement: &'static str, switchable: bool, default_assumed: bool) -> Hyp {
    Hyp { id, statement, switchable, default_assumed }
}

const LSY_SWITCHES: &[Hyp] = &[
    h("teacher", "labels y_i = σ(vᵀx_i) for a teacher v", true, false),
    h("zero-init", "w(0) = 0", true, false),
    h("small-init", "‖w(0)‖ ≤ r (r from --small-init-radius)", true, false),
    h("d2", "d = 2", true, false),
    h("all-active-init", "every point active at t = 0", true, false),
    h("positive-labels", "every y_i > 0", true, false),
    h("relu-prime-one", "σ'(0) = 1", true, false),
];

const LSY_CONVERGENCE: &[Hyp] = &[
    h("d2", "d = 2", true, true),
    h("teacher", "labels y_i = σ(vᵀx_i) for a teacher v", true, true),
    h("zero-init", "w(0) = 0", true, false),
    h("small-init", "‖w(0)‖ ≤ r (r from --small-init-radius)", true, false),
    h("all-active-init", "every point active at t = 0", true, false),
    h("positive-labels", "every y_i > 0", true, false),
    h("relu-prime-one", "σ'(0) = 1", true, false),
];

// The paper's hypotheses are assumed by default; they are switchable so that a statement can be
// checked (and searched) with one of them relaxed (`--no-assume cel.assumption2`): a row is then
// a counterexample to the relaxed statement, never to the paper's.
const SETTING: Hyp = h("cel.setting", "teacher with ‖v*‖ = 1, ∠(v*, x_i) < π/4, balanced init", true, true);
const A1: Hyp = h("cel.assumption1", "Assumption 1 (i)–(v)", true, true);
const A2: Hyp = h("cel.assumption2", "Assumption 2: λ ≤ (m n^{9nΔ²/δ³})^{−3/ε}", true, true);
const A3: Hyp = h("cel.assumption3", "Assumption 3: n = d, m > 1, 𝓜 ≠ 0", true, true);

/// The catalogue, in reading order.
pub static CATALOGUE: &[Entry] = &[
    Entry {
        id: "gen.loss-nonincreasing",
        source: "CEL Prop 9 (Davis et al. 2020, Lemma 5.2); LSY notes §3 (Loss)",
        statement: "Along gradient flow, dL/dt = −‖θ̇‖² ≤ 0 for a.a. t, so L(θ(t)) is non-increasing.",
        applies: Applies::Both,
        check: Check::Trajectory(TrajCheck::LossNonincreasing),
        hypotheses: &[],
        checked: "loss at segment ends never certainly increases; chain-rule dL/dt on hulls never certainly positive; holds by the identity",
        expression: Some("forall t: loss is nonincreasing"),
    },
    Entry {
        id: "gen.balancedness",
        source: "CEL Prop 1(ii); Du–Hu–Lee 2018 Thm 2.1; Vardi–Shamir §6",
        statement: "For every hidden neuron, D_j = a_j² − ‖w_j‖² is constant along gradient flow: dD_j/dt = 2a_j w_jᵀg_j − 2w_jᵀ(a_j g_j) = 0.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::Balancedness),
        hypotheses: &[],
        checked: "D_j on every hull, end and the limit overlaps D_j(0); holds by the identity",
        expression: Some("forall j: a[j]^2 - norm(w[j])^2 == a0[j]^2 - norm(w0[j])^2"),
    },
    Entry {
        id: "gen.sign-preserved",
        source: "CEL Prop 1(ii)",
        statement: "If a_j(0)² ≥ ‖w_j(0)‖² and a_j(0) ≠ 0 (e.g. balanced init), then sign a_j(t) = sign a_j(0) for all t ≥ 0.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::SignPreserved),
        hypotheses: &[h("nonneg-D", "a_j(0)² ≥ ‖w_j(0)‖², a_j(0) ≠ 0", false, true)],
        checked: "every hull of a_j is certainly of the sign of a_j(0)",
        expression: Some("forall j: a[j] * a0[j] > 0"),
    },
    Entry {
        id: "gen.dead-frozen",
        source: "CEL §4.2 after Lemma 19; LSY notes §3",
        statement: "A neuron with x_iᵀw_j(0) < 0 for every i has no active point and never moves: (a_j, w_j)(t) = (a_j, w_j)(0).",
        applies: Applies::Both,
        check: Check::Trajectory(TrajCheck::DeadFrozen),
        hypotheses: &[],
        checked: "no dead neuron active in any pattern; its parameters on every hull overlap the initial ones",
        expression: None,
    },
    Entry {
        id: "gen.dist-to-interpolant",
        source: "Vardi–Shamir 2021, proof of Thm 8",
        statement: "Single neuron, monotone σ: for any w* with L(w*) = 0, d/dt ½‖w − w*‖² = −G Σ_{i∈A}(σ(z_i) − σ(z*_i))(z_i − z*_i) ≤ 0, so ‖w(t) − w*‖ is non-increasing.",
        applies: Applies::Single,
        check: Check::Trajectory(TrajCheck::DistToInterpolant),
        hypotheses: &[h("zero-loss-w*", "w* (the teacher, or --w-star) has σ(x_iᵀw*) = y_i for all i", false, true)],
        checked: "derivative enclosure on hulls certainly ≤ 0; distance at segment ends never certainly increases",
        expression: None,
    },
    Entry {
        id: "gen.span",
        source: "LSY notes §3 (Span); CEL Thm 7 proof",
        statement: "w_j(t) − w_j(0) ∈ span{x_i : i active for neuron j at some time in [0, t]}.",
        applies: Applies::Both,
        check: Check::Trajectory(TrajCheck::Span),
        hypotheses: &[],
        checked: "exact rational projector onto the orthogonal complement applied to every hull, end and the limit",
        expression: None,
    },
    Entry {
        id: "lsy.norm-growth",
        source: "Lee–Sim–Ye 2022, abstract claim 2 (hypotheses unknown)",
        statement: "‖w(t)‖ increases along the flow. Identity: d/dt ½‖w‖² = G Σ_{i∈A}(y_i − z_i)z_i, so the claim needs hypotheses (only zero-label points active ⇒ ‖w‖ shrinks).",
        applies: Applies::Single,
        check: Check::Trajectory(TrajCheck::NormGrowth),
        hypotheses: LSY_SWITCHES,
        checked: "enclosure of d/dt ½‖w‖² on every hull certainly ≥ 0, and ½‖w‖² at segment ends never certainly decreasing",
        expression: Some("forall t: d/dt norm(w)^2 >= 0"),
    },
    Entry {
        id: "lsy.support-vector-stability",
        source: "Lee–Sim–Ye 2022, abstract claim 1 (a reading)",
        statement: "A data point that becomes inactive never becomes active again; the final active set S (the support vectors) determines w(∞) as the projection of the last switching point onto {X_S w = y_S}. For the two-layer model the same reading is checked per hidden neuron (a conjecture, not a theorem of either paper).",
        applies: Applies::Both,
        check: Check::Trajectory(TrajCheck::SupportVectorStability),
        hypotheses: LSY_SWITCHES,
        checked: "segment patterns in time order and the limit pattern: no active → inactive → active; no Deactivate certainly followed by Activate",
        expression: Some(
            "at every event: (kind != \"activate\" and kind != \"slide\") or point not in deactivated_before",
        ),
    },
    Entry {
        id: "lsy.global-convergence-d2",
        source: "Lee–Sim–Ye 2022, abstract claim 3",
        statement: "For d = 2 (and teacher labels), gradient flow of a single ReLU neuron converges to a global minimiser: L(w(∞)) = 0.",
        applies: Applies::Single,
        check: Check::Trajectory(TrajCheck::GlobalConvergenceD2),
        hypotheses: LSY_CONVERGENCE,
        checked: "from the certified limit: loss enclosure, and every point inactive in the limit must have y_i = 0",
        expression: None,
    },
    Entry {
        id: "vs.thm3-limit",
        source: "Vardi–Shamir 2021, Thm 3",
        statement: "For X_γ (rows (3,−1,0), (4,2,0), (0,γ,γ)), y = α(16,18,0), w(0) = 0, σ'(0) = 1: w(∞) = α(5,−1,s) with s = 0 (γ=0), s/α ∈ (−0.045,−0.035) (γ=1), (−0.12,−0.1) (γ=2), (−0.22,−0.2) (γ=5).",
        applies: Applies::Single,
        check: Check::Trajectory(TrajCheck::Thm3Limit),
        hypotheses: &[
            h("vs.thm3-instance", "data X_γ, y = α(16, 18, 0), γ ∈ {0, 1, 2, 5}", false, true),
            h("zero-init", "w(0) = 0", false, true),
            h("relu-prime-one", "σ'(0) = 1", false, true),
            h("half-sum", "L = ½Σ(·)²", false, true),
        ],
        checked: "limit enclosure: first two coordinates overlap 5α, −α; s certainly inside the paper's interval",
        expression: None,
    },
    Entry {
        id: "vs.thm8-distance",
        source: "Vardi–Shamir 2021, Thm 8",
        statement: "Monotone σ: if w* is the zero-loss point closest to w(0), then ‖w(∞) − w(0)‖ ≤ 2‖w* − w(0)‖ (indeed ‖w(t) − w(0)‖ ≤ 2‖w* − w(0)‖ for all t).",
        applies: Applies::Single,
        check: Check::Trajectory(TrajCheck::Thm8Distance),
        hypotheses: &[h("zero-loss-w*", "w* (the teacher, or --w-star) has σ(x_iᵀw*) = y_i for all i", false, true)],
        checked: "‖w − w(0)‖² ≤ 4‖w* − w(0)‖² on every hull, end and the limit, for the given zero-loss w* (a weaker bound than with the closest one)",
        expression: None,
    },
    Entry {
        id: "cel.setting",
        source: "CEL §2",
        statement: "Teacher labels y_i = σ(v*ᵀx_i) with ‖v*‖ = 1 and ∠(v*, x_i) < π/4 for all i; balanced initialisation w_j = λz_j, a_j = s_j‖w_j‖.",
        applies: Applies::TwoLayer,
        check: Check::Predicate(PredicateCheck::Setting),
        hypotheses: &[],
        checked: "exactly, in rational arithmetic (the angle test squared)",
        expression: None,
    },
    Entry {
        id: "cel.assumption1",
        source: "CEL Assumption 1",
        statement: "(i) d > 1, span{x_i} = ℝ^d, ‖v*‖ = 1; (ii) J+ ≠ ∅, I_0(z_j) = ∅, ∠(z_j, γ_[n]) > 0 for j ∈ J−; (iii) x̄_i distinct, eigenvalues of XXᵀ/n distinct, v* in no span of < d eigenvectors; (iv) |I_0(α_j^t)| ≤ 1 for the yardsticks; (v) deactivated neurons stay so.",
        applies: Applies::TwoLayer,
        check: Check::Predicate(PredicateCheck::Assumption1),
        hypotheses: &[],
        checked: "(i)–(iii) exactly (rank, squarefree characteristic polynomial, Krylov rank); (iv) from the yardsticks' certified crossings; (v) true for σ'(0) = 0",
        expression: None,
    },
    Entry {
        id: "cel.assumption2",
        source: "CEL Assumption 2",
        statement: "0 < ε ≤ 1/4 and λ ≤ (m n^{9nΔ²/δ³})^{−3/ε}.",
        applies: Applies::TwoLayer,
        check: Check::Predicate(PredicateCheck::Assumption2),
        hypotheses: &[],
        checked: "certified false from an upper bound on δ (static terms) with intervals; certified true from the certified lower bound δ_lo of the full enclosure of δ (cel::delta); undecided in between",
        expression: None,
    },
    Entry {
        id: "cel.assumption3",
        source: "CEL Assumption 3",
        statement: "n = d, m > 1, 𝓜 ≠ 0.",
        applies: Applies::TwoLayer,
        check: Check::Predicate(PredicateCheck::Assumption3),
        hypotheses: &[],
        checked: "exactly, with the sign of 𝓜 from cel.thm8-sign-M",
        expression: None,
    },
    Entry {
        id: "cel.thm8-sign-M",
        source: "CEL Thm 8, Example 37, Remark 38",
        statement: "Under Assumptions 1 and 3: 𝓜 < 0 ⇒ the balanced rank-1 interpolators Θ_v* are exactly the minimum-‖θ‖² interpolators; 𝓜 > 0 ⇒ none of them is, and a rank-2 interpolator with ‖θ‖² ≤ 2 − ξ² < 2 exists.",
        applies: Applies::TwoLayer,
        check: Check::Static(StaticCheck::SignM),
        hypotheses: &[SETTING, A1, A3],
        checked: "𝓜 < 0 by the Z-matrix condition χ_kᵀχ_k' ≤ 0 (exact); 𝓜 > 0 by an exact (K, p, q) witness and the constructed interpolator verified with intervals (‖θ‖² certainly < 2, residuals ∋ 0)",
        expression: None,
    },
    Entry {
        id: "cel.prop13-yardstick",
        source: "CEL Prop 13",
        statement: "Yardstick norm law: ‖α_j^t‖ = ½(1 + s_j cos φ)‖α_j^{t1}‖e^{‖γ‖(t−t1)} + ½(1 − s_j cos φ)‖α_j^{t1}‖e^{−‖γ‖(t−t1)} between crossings.",
        applies: Applies::TwoLayer,
        check: Check::Static(StaticCheck::Prop13),
        hypotheses: &[SETTING, A1],
        checked: "on every stage of every certified yardstick: the norm law at τ_j^ℓ against the yardstick's enclosure, ‖α‖ sin φ constant, the tanh law against ᾱ(τ_j^ℓ), and dN/dt = sαᵀγ, d(αᵀγ)/dt = s‖γ‖²N, N > 0 on 8 pieces of the stage (intervals)",
        expression: None,
    },
    Entry {
        id: "cel.prop14-yardstick",
        source: "CEL Props 2, 14",
        statement: "Each yardstick crosses the points of I_{−s_j}(z_j) one at a time in a unique order i_j^1, …, at times 0 < τ_j^1 < … < τ_j^{n_j}, following a great-circle arc with the tanh angle law.",
        applies: Applies::TwoLayer,
        check: Check::Static(StaticCheck::Prop14),
        hypotheses: &[SETTING, A1],
        checked: "closed-form stages with intervals: next crossing = the reached point with the certainly smallest time; transversal exits; T0 reported",
        expression: None,
    },
    Entry {
        id: "cel.prop22-yardstick",
        source: "CEL Prop 22",
        statement: "For j ∈ J+, t > τ_j^{n_j}: I_+(α_j^t) = [n] and cos φ_j^t = tanh(artanh cos φ_j^{n_j+} + ‖γ_[n]‖(t − τ_j^{n_j})).",
        applies: Applies::TwoLayer,
        check: Check::Static(StaticCheck::Prop22),
        hypotheses: &[SETTING, A1],
        checked: "for every certified J+ yardstick: final active set [n] and γ_[n]ᵀx_i > 0 exactly, Prop 14(viii) continuity with intervals, and the tanh law's ODE d cos φ/dt = ‖γ_[n]‖sin²φ with the norm law on 8 pieces of u ∈ [0, 16/‖γ_[n]‖]",
        expression: None,
    },
    Entry {
        id: "cel.lemma3",
        source: "CEL Lemmas 3, 21",
        statement: "Each neuron j ∈ J+ ∪ J− crosses the same points in the yardstick's order, at times t_j^ℓ with |τ_j^ℓ − t_j^ℓ| ≤ λ^{1−(1+(3ℓ−1)/(3n_j))ε}.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelLemma3),
        hypotheses: &[SETTING, A1, A2],
        checked: "the first n_j events of each neuron of J+ ∪ J− against the certified yardstick order (points and direction), and |t_j^ℓ − τ_j^ℓ| ≤ λ^{1−(1+(3ℓ−1)/(3n_j))ε} with intervals",
        expression: None,
    },
    Entry {
        id: "cel.lemma4",
        source: "CEL Lemma 4",
        statement: "For j ∈ J−: ‖w_j^{T0}‖ ≤ λ‖z_j‖ and w_j^t = w_j^{T0} for t ≥ T0 = max τ_j^{n_j} + 1.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelLemma4),
        hypotheses: &[SETTING, A1, A2],
        checked: "hull of w_j on the segments that may contain T0 (from the certified yardsticks) certainly ≤ λ‖z_j‖; no active point after T0",
        expression: None,
    },
    Entry {
        id: "cel.lemma5",
        source: "CEL Lemmas 5, 23",
        statement: "For j ∈ J+ at T1 = ε ln(1/λ)/‖γ_[n]‖: ‖w_j‖ < 2‖z_j‖λ^{1−ε}, w̄_jᵀγ̄_[n] ≥ 1 − λ^ε, |ln‖α_j‖ − ln‖w_j/λ‖| ≤ λ^{1−3ε}.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelLemma5),
        hypotheses: &[SETTING, A1, A2],
        checked: "hulls of the segments that may contain T1 against the three bounds, ‖α_j(T1)‖ from the certified yardstick and Prop 13/22",
        expression: None,
    },
    Entry {
        id: "cel.lemma19",
        source: "CEL Lemma 19",
        statement: "(i) ‖w_j^t‖ < 2‖z_j‖λ^{1−εt/T1} on [0, T1]; (ii) s_j d‖w_j‖/dt ≥ 0 on [0, T1].",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelLemma19),
        hypotheses: &[SETTING, A1, A2],
        checked: "on segments starting before T1 = ε ln(1/λ)/‖γ_[n]‖: hull ‖w_j‖² < 4‖z_j‖²λ^{2−2εt/T1} at the segment start, and s_j a_j ȧ_j ≥ 0 (= s_j d/dt ½‖w_j‖²)",
        expression: None,
    },
    Entry {
        id: "cel.lemma28-angles",
        source: "CEL Lemma 28",
        statement: "For t ≥ T1: pairwise 1 − cos within J+ below 4λ^ε and non-increasing; the bundle v^t stays in S; the network is linear on the data.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelLemma28),
        hypotheses: &[SETTING, A1, A2],
        checked: "after T1, for pairs in J+: 1 − cos < 4λ^ε on hulls, the cosine derivative enclosure on hulls certainly ≥ 0 and cosines at segment ends never certainly decreasing (the bundle set S and parts (iii)–(ix) are not checked)",
        expression: None,
    },
    Entry {
        id: "cel.thm6",
        source: "CEL Thm 6, Lemma 32",
        statement: "There is T2 < ln(1/λ)(4+ε)dΔ²/δ⁶ with L(θ^{T2+t}) < 0.5Δ²e^{−0.4tδ⁴/Δ²} for t ≥ 0.",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelThm6),
        hypotheses: &[SETTING, A1, A2],
        checked: "δ enclosed (exact rational eigenvalue isolation, spectral projectors for ν*, branch and bound over the yardstick arcs); T2 enclosed from hulls of ν_1^t/ν_1* = vᵀP_1v*/ν_1*² after T1 and compared with the bound; L on every covered finite segment after T2 against 0.5Δ²e^{−0.4tδ⁴/Δ²} (times and losses converted to the problem's loss scale)",
        expression: None,
    },
    Entry {
        id: "cel.thm7-limit",
        source: "CEL Thm 7",
        statement: "L(lim_t θ_λ^t) = 0 and lim_{λ→0} lim_t θ_λ^t ∈ Θ_v* (rank 1, all active neurons along v*, Σ‖w_j‖² = 1).",
        applies: Applies::TwoLayer,
        check: Check::Trajectory(TrajCheck::CelThm7),
        hypotheses: &[SETTING, A1, A2],
        checked: "the finite-λ facts of the proof on this run: ‖w_j‖ ≤ λ‖z_j‖ off J+ (hulls, or a_jȧ_j ≤ 0 chained from t = 0), a_j = ‖w_j‖ on J+ (consistency), ‖v − v*‖² ≤ L/(cnη_d) where the network is linear on the data, and at a certified limit L ∋ 0, v^∞ ∋ v*, 1 ≤ Σ_J+‖w_j‖² < 1/(1 − 4λ^ε); the λ → 0 limit only as a trend over runs (cel::thm7::thm7_trend, not a proof)",
        expression: None,
    },
];

/// The catalogue, in reading order.
pub fn catalogue() -> &'static [Entry] {
    CATALOGUE
}

/// The entry with this id.
pub fn entry(id: &str) -> Option<&'static Entry> {
    CATALOGUE.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        for (a, e) in CATALOGUE.iter().enumerate() {
            assert!(["gen.", "lsy.", "vs.", "cel."].iter().any(|p| e.id.starts_with(p)), "{}", e.id);
            assert!(CATALOGUE[a + 1..].iter().all(|f| f.id != e.id), "duplicate id {}", e.id);
        }
        assert!(entry("lsy.norm-growth").is_some_and(Entry::implemented));
        assert!(entry("cel.thm6").is_some_and(Entry::implemented));
    }
}
