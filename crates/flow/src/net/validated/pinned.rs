//! Points pinned on their surface: guards that a pattern holds constant.
//!
//! In a pattern, `d/dt w_jᵀx_i = −G a_j Σ_{k∈A_j} r_k x_kᵀx_i`. When every active point of a
//! live, non-sliding neuron `j` is orthogonal to `x_i`, decided exactly, and `i ∉ A_j`, the guard
//! `w_jᵀx_i` is constant along the pattern's flow for every state: it cannot switch, whatever its
//! value. Such a guard may be exactly 0 — a point deactivated onto a pattern that no longer moves
//! its guard stays on its surface. The inactive side's field is then tangent to the surface, and it
//! is *the* motion (for σ'(0) = 0, and for the Clarke flow with multiplier 0) as long as the active
//! side's rate `ρ⁺` points back into the surface: a solution that left to the active side would
//! have `ẋ_iᵀw_j = ρ⁺ < 0` there, and one that left to the inactive side would have a constant guard
//! (`proofs-notes/net-validated-switches.md`, "Pinned points").
//!
//! An *inert* point needs no rate bound: labels `y_k = 0` on `i`'s class and no other neuron active
//! on it, so with the class active for `j` the residuals are `r_k = a_j w_jᵀx_k` and the active side's
//! rate is `−G a_j² ‖x_i‖² (Σ c_k²) w_jᵀx_i ≤ 0` (`x_k = c_k x_i`): it returns to the surface.

use super::Net;
use super::start::sides;
use super::taylor::{guard, guard_rate};
use crate::net::field::{live, residuals};
use crate::trajectory::Pattern;
use reluflow_arith::Enclosure;

impl<S: Enclosure> Net<S> {
    /// Whether `pattern` holds `w_jᵀx_i` constant: `j` live and not sliding, `i` a guard not
    /// active for `j`, and `x_i` orthogonal to every active point of `j` (exact data).
    pub(crate) fn constant_guard(&self, pattern: &Pattern, j: usize, i: usize) -> bool {
        !pattern.frozen[j]
            && pattern.sliding_point(j).is_none()
            && self.is_guard(i)
            && !live(pattern, j).contains(&i)
            && live(pattern, j).iter().all(|&k| self.orthogonal[i][k])
    }

    /// Whether the inactive guard `(j, i)` of `pattern` is proved not to switch over the box `x`
    /// although it is not certainly negative there: `pattern` holds it constant, points may stay
    /// on their surface (`Net::set_pinnable`), and the active side's rate is certainly negative on
    /// `x`, so no solution leaves to the active side either.
    pub(crate) fn pinned(&self, pattern: &Pattern, x: &[S], j: usize, i: usize) -> bool {
        self.pinnable
            && self.constant_guard(pattern, j, i)
            && (self.inert(pattern, j, i) || self.active_side_returns(pattern, x, j, i))
    }

    /// Whether point `i`'s class has labels exactly 0 and no neuron but `j` active on it in
    /// `pattern`: then the residuals of the class are `a_j w_jᵀx_k` (see the module documentation).
    pub(crate) fn inert(&self, pattern: &Pattern, j: usize, i: usize) -> bool {
        let class = self.class(i);
        let zero = |v: &S| v.contains_zero() && v.width_upper() == 0.0;
        class.iter().all(|&k| zero(&self.data.y[k]))
            && (0..self.m).filter(|&l| l != j).all(|l| live(pattern, l).iter().all(|k| !class.contains(k)))
    }

    /// The active side's rate `ρ⁺` of guard `(j, i)` (`i`'s class active for `j`) is certainly
    /// negative over `x`.
    pub(crate) fn active_side_returns(&self, pattern: &Pattern, x: &[S], j: usize, i: usize) -> bool {
        guard_rate(self, &sides(self, pattern, j, i, true), x, j, i).certainly_neg()
    }

    /// Whether the frozen neuron `j`, whose guard of point `i` may be 0 over `x` (it died on `i`'s
    /// surface), stays dead: no solution leaves the surface, because `a_j = 0`, `i` is inert, the
    /// class's residuals vanish on `x`, or on each side where a point of the class is active (`j`
    /// live) the guard's rate is certainly negative.
    /// Otherwise a second solution, the neuron revived, may exist.
    pub(crate) fn stays_dead(&self, pattern: &Pattern, x: &[S], j: usize, i: usize) -> bool {
        // `a_j = 0` exactly: the neuron's block of the active side's field vanishes at the
        // surface too, and `(w_j, a_j)` stays put under it (its flow is unique there).
        let b = self.d + 1;
        let a_zero = x[j * b + self.d].lower_f64() == 0.0 && x[j * b + self.d].upper_f64() == 0.0;
        if a_zero {
            return true;
        }
        // The neuron may lie on a second surface too (it died while sliding on it): both at once.
        let classes = self.doubtful_classes(x, j, i);
        if classes.len() > 1 {
            return self.stays_dead_on_surfaces(pattern, x, j, &classes);
        }
        if self.inert(pattern, j, i) || self.residuals_vanish(pattern, x, i) {
            return true;
        }
        // Each side of the surface on which a point of `i`'s class is active (two sides when the
        // class has points on both sides of 0) must point back.
        let live_j = revived(pattern, j);
        self.class(i).into_iter().all(|k| self.active_side_returns(&live_j, x, j, k))
    }

    /// Whether the residuals of `i`'s class are exactly 0 at every state of `x` (a box of equilibria
    /// of zero loss, say): then, as for an inert point, the active side's rate is
    /// `−G a_j² ‖x_i‖² (Σ c_k²) w_jᵀx_i ≤ 0` for the frozen neuron `j` over `x`.
    fn residuals_vanish(&self, pattern: &Pattern, x: &[S], i: usize) -> bool {
        let (r, _) = residuals(&self.data, pattern, &self.unflatten(x));
        self.class(i).iter().all(|&k| r[k].lower_f64() == 0.0 && r[k].upper_f64() == 0.0)
    }

    /// Whether the frozen neuron `j` certainly revives through `i`'s surface from every state of
    /// `x` whose guard is 0: the active side's rate of some point `k` of the class (with `k` active,
    /// `j` live) is certainly positive over `x`, so a second solution leaves the surface there.
    pub(crate) fn revives(&self, pattern: &Pattern, x: &[S], j: usize, i: usize) -> bool {
        let live_j = revived(pattern, j);
        self.class(i).into_iter().any(|k| guard_rate(self, &sides(self, &live_j, j, k, true), x, j, k).certainly_pos())
    }

    /// Whether guard `(j, i)` keeps `pattern`'s sign over `x`: certainly positive if active,
    /// certainly negative if inactive, or [`Net::pinned`]; for a frozen neuron, certainly negative
    /// or [`Net::stays_dead`].
    pub(crate) fn guard_holds(&self, pattern: &Pattern, x: &[S], j: usize, i: usize) -> bool {
        let g = guard(self, x, j, i);
        if pattern.frozen[j] {
            return g.certainly_neg() || self.stays_dead(pattern, x, j, i);
        }
        if live(pattern, j).contains(&i) {
            g.certainly_pos()
        } else {
            g.certainly_neg() || self.pinned(pattern, x, j, i)
        }
    }
}

/// `pattern` with the frozen neuron `j` live and without active points (its sides are then set by
/// [`sides`]).
pub(super) fn revived(pattern: &Pattern, j: usize) -> Pattern {
    let mut p = pattern.clone();
    p.frozen[j] = false;
    p.active[j].clear();
    p
}
