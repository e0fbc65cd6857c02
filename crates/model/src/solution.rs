//! Which solution of the two-layer gradient flow is meant (`[run] solution`).

/// The notion of solution of the two-layer gradient flow `θ̇ = −∇L(θ)`, which is not defined on the
/// switching surfaces `w_jᵀx_i = 0` (σ is not differentiable at 0).
///
/// * [`Solution::Fixed`] (the default): σ'(0) is the stated constant ([`crate::ReluPrime`]); where
///   both one-sided fields point into a surface this ODE has no solution, and the run ends
///   undecided (*sliding*).
/// * [`Solution::Clarke`]: the Clarke subgradient inclusion `θ̇ ∈ −∂L(θ)` with `∂σ(0) = [0, 1]`
///   (the shallow-network paper's definition). Away from surfaces, and through transversal
///   crossings, it is the same flow; on a surface that attracts from both sides its solution is
///   the Filippov sliding motion. The single-neuron certifier does not implement it:
///   [`crate::Problem::with_solution`] refuses it there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Solution {
    /// σ'(0) fixed to the convention's value.
    #[default]
    Fixed,
    /// The Clarke subgradient inclusion (Filippov sliding on attracting surfaces).
    Clarke,
}

impl Solution {
    /// The name used in problem files.
    pub fn name(self) -> &'static str {
        match self {
            Solution::Fixed => "fixed",
            Solution::Clarke => "clarke",
        }
    }
}
