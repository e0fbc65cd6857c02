//! Sliding along a hyperplane in the validated integrator (`[run] solution = "clarke"`): the
//! projection of the Taylor recursion, the sliding pattern, and the one-sided rates that prove a
//! sliding mode persists (`proofs-notes/net-clarke-sliding.md`).

use super::Net;
use super::start::sides;
use super::taylor::guard_rate;
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

/// The entries of `Π_i = I − x_i x_iᵀ/‖x_i‖²` (row-major `d × d`), enclosed. Applied to the `w_j`
/// block of every Taylor coefficient (and its Jacobian), it turns the recursion of the pattern
/// field into that of the sliding field (`Π_i` is constant and linear).
pub(crate) fn projector<S: Enclosure>(net: &Net<S>, i: usize) -> Vec<S> {
    let (x, d, ctx) = (&net.data.x[i], net.d, &net.ctx);
    let mut nx = S::zero(ctx);
    for v in x {
        nx.add_mul_assign(v, v);
    }
    let mut out = Vec::with_capacity(d * d);
    for r in 0..d {
        for c in 0..d {
            let q = x[r].mul(&x[c]).div(&nx);
            let id = if r == c { S::one(ctx) } else { S::zero(ctx) };
            out.push(if cfg!(feature = "fault-slide-sign") { id.add(&q) } else { id.sub(&q) });
        }
    }
    out
}

/// `v ← Π v` for the `d`-vector `v` (entries of `Π` from [`projector`]).
pub(crate) fn apply<S: Enclosure>(pi: &[S], v: &mut [S], ctx: &S::Ctx) {
    let d = v.len();
    let out: Vec<S> = (0..d)
        .map(|r| {
            let mut acc = S::zero(ctx);
            for (c, vc) in v.iter().enumerate() {
                acc.add_mul_assign(&pi[r * d + c], vc);
            }
            acc
        })
        .collect();
    v.clone_from_slice(&out);
}

/// The projectors of the sliding neurons of `pattern` (`None` for the others).
pub(crate) fn projectors<S: Enclosure>(net: &Net<S>, pattern: &Pattern) -> Vec<Option<Vec<S>>> {
    (0..net.m).map(|j| pattern.sliding_point(j).filter(|_| !pattern.frozen[j]).map(|i| projector(net, i))).collect()
}

/// `pattern` with neuron `j` sliding on point `i`'s surface: `i`'s class on the inactive side
/// (`off`, from the caller) and `(j, i)` in `sliding`.
pub(crate) fn sliding_pattern(off: &Pattern, j: usize, i: usize) -> Pattern {
    let mut p = off.clone();
    p.sliding.retain(|&(jj, _)| jj != j);
    p.sliding.push((j, i));
    p.sliding.sort_unstable();
    p
}

/// `pattern` without its sliding pairs: the one-sided (inactive-side) pattern fields.
pub(crate) fn one_sided(pattern: &Pattern) -> Pattern {
    Pattern { sliding: Vec::new(), ..pattern.clone() }
}

/// The one-sided rates `(ρ⁻, ρ⁺)` of the guard `x_iᵀw_j` over the box `x`: with `i`'s class
/// inactive (`off`) and active (`on`) for neuron `j`, and no projection.
pub(crate) fn rates<S: Enclosure>(net: &Net<S>, off: &Pattern, on: &Pattern, x: &[S], j: usize, i: usize) -> (S, S) {
    (guard_rate(net, &one_sided(off), x, j, i), guard_rate(net, &one_sided(on), x, j, i))
}

/// Whether the surface attracts from both sides on the whole box: `ρ⁻ > 0 > ρ⁺` (then the
/// multiplier `α = ρ⁻/(ρ⁻ − ρ⁺)` lies in `(0, 1)`).
pub(crate) fn attracts<S: Enclosure>(rates: &(S, S)) -> bool {
    rates.0.certainly_pos() && rates.1.certainly_neg()
}

/// The first sliding pair of `pattern` whose surface is not proved to attract from both sides over
/// the box `x` (`None`: every sliding mode persists on `x`).
pub(crate) fn first_not_attracting<S: Enclosure>(net: &Net<S>, pattern: &Pattern, x: &[S]) -> Option<(usize, usize)> {
    pattern.sliding.iter().copied().filter(|&(j, _)| !pattern.frozen[j]).find(|&(j, i)| {
        let on = sides(net, pattern, j, i, true);
        !attracts(&rates(net, pattern, &on, x, j, i))
    })
}
