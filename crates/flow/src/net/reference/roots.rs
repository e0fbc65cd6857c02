//! The first point of a step where one guard polynomial goes to the wrong side: root exclusion
//! on sub-intervals by Taylor shifts, monotonicity, and a depth-limited search for tangencies.
//!
//! A guard on a step is the polynomial `g(τ) = Σ_{k≤p} g_k τ^k`, `τ ∈ [0, h]` (exact for the
//! truncated series), and `g(0)` is on the right side for the pattern. On `[a, b]` with midpoint
//! `c` and half-width `r`, the Taylor shift `q_k = g^{(k)}(c)/k!` gives
//! `g([a, b]) ⊆ q_0 ± Σ_{k≥1} |q_k| r^k` and `g'([a, b]) ⊆ q_1 ± Σ_{k≥2} k |q_k| r^{k−1}`.
//! An interval is **settled** when that range of `g` has no wrong value (no crossing inside), or
//! when that range of `g'` excludes 0 (`g` monotone: it goes wrong inside iff it is wrong at
//! `b`, and then the crossing is unique and found by bisection on `g`). Unsettled intervals are
//! halved, left half first, down to depth [`SearchCfg::depth`]; a remaining interval holds a
//! near-tangency (`g` and `g'` both close to 0): `g`'s extremum towards the wrong side is located
//! by bisection on `g'`, and if `g` is wrong there the first crossing is found by bisection on
//! `[a, extremum]` (the step is then cut at the first of the two crossings; the return is the
//! next step's event).
//!
//! Not validated: the shifts are evaluated in the backend arithmetic. They are made conservative
//! by a margin of `8(p+1)·ε` times the size `Σ |g_k| b^k` of the terms involved (resp.
//! `Σ k|g_k| b^{k−1}` for `g'`), the classical bound on the rounding error of Horner-type
//! evaluation, with `ε` the backend's unit roundoff. Notes: `proofs-notes/net-reference.md`.

use reluflow_arith::Scalar;

/// Shifts allowed per level of [`SearchCfg::depth`] for one guard (see [`first_wrong`]'s helper).
const SHIFT_BUDGET: usize = 32;

/// Settings of the search for one step, shared by all guards of the step.
pub(super) struct SearchCfg<S> {
    /// Relative rounding margin `8(p+1)·ε`.
    pub margin: S,
    /// Largest number of halvings.
    pub depth: usize,
    /// Largest number of bisection iterations when locating a crossing or an extremum.
    pub bisect_iters: usize,
    /// Whether a guard exactly 0 counts as active (σ'(0) = 1).
    pub zero_active: bool,
}

/// The unit roundoff of the backend at the precision of `one`: the largest `2^−k` with
/// `1 + 2^−k = 1` halved once more, i.e. `2^−(bits)` (f64: `2^−53`).
pub(super) fn unit_roundoff<S: Scalar>(one: &S) -> S {
    let mut e = one.clone();
    for _ in 0..100_000 {
        let half = e.mul_2si(-1);
        if !one.certainly_lt(&one.add(&half)) {
            return half;
        }
        e = half;
    }
    e
}

/// Is the guard value `v` on the wrong side for a pair that is `active` in the pattern?
pub(super) fn wrong<S: Scalar>(v: &S, active: bool, zero_active: bool) -> bool {
    match (active, zero_active) {
        (true, false) => !v.certainly_pos(),
        (true, true) => v.certainly_neg(),
        (false, false) => v.certainly_pos(),
        (false, true) => !v.certainly_neg(),
    }
}

/// `Σ_k p_k τ^k` (Horner).
pub(super) fn horner<S: Scalar>(p: &[S], tau: &S) -> S {
    let mut acc = p[p.len() - 1].clone();
    for c in p[..p.len() - 1].iter().rev() {
        acc = acc.mul_add(tau, c);
    }
    acc
}

/// `Σ_{k≥from} |p_k| r^k`: with `from = 1` the radius of `p` over a ball of radius `r` around
/// its expansion point, with `from = 0` the size of all terms.
fn abs_sum<S: Scalar>(p: &[S], r: &S, from: usize) -> S {
    let mut acc = S::zero(&r.ctx());
    for k in (from..p.len()).rev() {
        acc = acc.mul_add(r, &p[k].abs());
    }
    (0..from).fold(acc, |acc, _| acc.mul(r))
}

/// `Σ_{k≥from} k|p_k| r^(k−1)` (`from ≥ 1`): with `from = 2` the radius of `p'` over a ball of
/// radius `r`, with `from = 1` the size of all terms of `p'`.
fn abs_sum_d<S: Scalar>(p: &[S], r: &S, from: usize) -> S {
    let ctx = r.ctx();
    let mut acc = S::zero(&ctx);
    for k in (from..p.len()).rev() {
        acc = acc.mul_add(r, &p[k].abs().mul(&S::from_i64(k as i64, &ctx)));
    }
    (1..from).fold(acc, |acc, _| acc.mul(r))
}

/// The coefficients of `u ↦ p(c + u)` (Taylor shift, `O(p²)` operations).
fn shift<S: Scalar>(p: &[S], c: &S) -> Vec<S> {
    let mut q = p.to_vec();
    let n = q.len() - 1;
    for j in 0..n {
        for k in (j..n).rev() {
            let next = q[k + 1].clone();
            q[k].add_mul_assign(&next, c);
        }
    }
    q
}

/// Can `v ± rad` contain a wrong value?
fn range_possibly_wrong<S: Scalar>(v: &S, rad: &S, active: bool, zero_active: bool) -> bool {
    wrong(&v.sub(rad), active, zero_active) || wrong(&v.add(rad), active, zero_active)
}

/// Can `g` be wrong somewhere on `[0, h]`, by the one-sided bound
/// `g([0, h]) ⊆ g_0 + [Σ_{k≥1} min(g_k h^k, 0), Σ_{k≥1} max(g_k h^k, 0)]` (`O(p)`, no shift),
/// widened by the rounding margin times `Σ |g_k| h^k`?
fn pre_possibly_wrong<S: Scalar>(g: &[S], h: &S, active: bool, cfg: &SearchCfg<S>) -> bool {
    let ctx = h.ctx();
    let (mut lo, mut hi, mut size) = (S::zero(&ctx), S::zero(&ctx), S::zero(&ctx));
    let mut hk = h.clone();
    for gk in &g[1..] {
        let t = gk.mul(&hk);
        size = size.add(&t.abs());
        if t.certainly_neg() {
            lo = lo.add(&t);
        } else {
            hi = hi.add(&t);
        }
        hk = hk.mul(h);
    }
    let m = cfg.margin.mul(&size.add(&g[0].abs()));
    let (lo, hi) = (g[0].add(&lo).sub(&m), g[0].add(&hi).add(&m));
    wrong(&lo, active, cfg.zero_active) || wrong(&hi, active, cfg.zero_active)
}

/// Bisection on `[lo, hi]` for the first point where `g` is wrong (`g(lo)` right, `g(hi)` wrong):
/// returns the last `hi` (a point just past the crossing).
fn bisect<S: Scalar>(g: &[S], mut lo: S, mut hi: S, active: bool, cfg: &SearchCfg<S>) -> S {
    for _ in 0..cfg.bisect_iters {
        let mid = lo.add(&hi).mul_2si(-1);
        if !(lo.certainly_lt(&mid) && mid.certainly_lt(&hi)) {
            break;
        }
        if wrong(&horner(g, &mid), active, cfg.zero_active) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// A smallest interval `[a, b]` that is not settled (`g(a)` right): the first crossing in it, by
/// `g(b)` or, for a dip and return inside, by the extremum of `g` towards the wrong side.
fn leaf<S: Scalar>(g: &[S], a: &S, b: &S, active: bool, cfg: &SearchCfg<S>) -> Option<S> {
    if wrong(&horner(g, b), active, cfg.zero_active) {
        return Some(bisect(g, a.clone(), b.clone(), active, cfg));
    }
    let ctx = a.ctx();
    let dg: Vec<S> = (1..g.len()).map(|k| g[k].mul(&S::from_i64(k as i64, &ctx))).collect();
    if dg.is_empty() {
        return None;
    }
    // Towards the wrong side: g' < 0 for an active pair (a minimum), > 0 for an inactive one.
    let towards = |v: &S| if active { v.certainly_neg() } else { v.certainly_pos() };
    let away = |v: &S| if active { v.certainly_pos() } else { v.certainly_neg() };
    if !(towards(&horner(&dg, a)) && away(&horner(&dg, b))) {
        return None;
    }
    let (mut lo, mut hi) = (a.clone(), b.clone());
    for _ in 0..cfg.bisect_iters {
        let mid = lo.add(&hi).mul_2si(-1);
        if !(lo.certainly_lt(&mid) && mid.certainly_lt(&hi)) {
            break;
        }
        if towards(&horner(&dg, &mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    wrong(&horner(g, &lo), active, cfg.zero_active).then(|| bisect(g, a.clone(), lo, active, cfg))
}

/// The first `τ ∈ (0, h]` where guard `g` (right at 0) is wrong for a pair that is `active`,
/// returned as a point just past the crossing; only crossings certainly before `limit` are
/// looked for (`None` if there is none).
pub(super) fn first_wrong<S: Scalar>(g: &[S], h: &S, limit: &S, active: bool, cfg: &SearchCfg<S>) -> Option<S> {
    search(g, h, limit, active, cfg).0
}

/// [`first_wrong`], with the number of Taylor shifts it took. Pieces are split only while fewer
/// than [`SHIFT_BUDGET`]` · (depth + 1)` shifts were made; after that the pieces still pending
/// (at most `depth + 1`: the search is depth-first) are treated as smallest pieces. This bounds
/// the work for a guard that is flat at the rounding level over a wide range (a high-order
/// contact), where halving would otherwise go on over the whole flat range.
fn search<S: Scalar>(g: &[S], h: &S, limit: &S, active: bool, cfg: &SearchCfg<S>) -> (Option<S>, usize) {
    let ctx = h.ctx();
    let za = cfg.zero_active;
    // Pre-filter over [0, h] without a shift: g([0, h]) ⊆ g_0 + [Σ min(g_k h^k, 0), Σ max(g_k h^k, 0)].
    if !pre_possibly_wrong(g, h, active, cfg) {
        return (None, 0);
    }
    let budget = SHIFT_BUDGET * (cfg.depth + 1);
    let mut shifts = 0;
    let mut stack = vec![(S::zero(&ctx), h.clone(), 0usize)];
    while let Some((a, b, depth)) = stack.pop() {
        if !a.certainly_lt(limit) {
            continue;
        }
        let r = b.sub(&a).mul_2si(-1);
        let c = a.add(&r);
        shifts += 1;
        let q = shift(g, &c);
        let size = abs_sum(g, &b, 0);
        let rad = abs_sum(&q, &r, 1).add(&cfg.margin.mul(&size));
        if !range_possibly_wrong(&q[0], &rad, active, za) {
            continue;
        }
        if q.len() > 1 {
            let dsize = abs_sum_d(g, &b, 1);
            let drad = abs_sum_d(&q, &r, 2).add(&cfg.margin.mul(&dsize));
            if q[1].abs().sub(&drad).certainly_pos() {
                // Monotone on [a, b]: a crossing inside iff g(b) is wrong, and then it is unique;
                // one after `limit` is not needed (g right at `limit < b`).
                let b = if limit.certainly_lt(&b) { limit.clone() } else { b };
                if wrong(&horner(g, &b), active, za) {
                    return (Some(bisect(g, a, b, active, cfg)), shifts);
                }
                continue;
            }
        }
        if depth >= cfg.depth || shifts >= budget {
            if let Some(t) = leaf(g, &a, &b, active, cfg) {
                return (Some(t), shifts);
            }
            continue;
        }
        stack.push((c.clone(), b, depth + 1));
        stack.push((a, c, depth + 1));
    }
    (None, shifts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(depth: usize) -> SearchCfg<f64> {
        SearchCfg { margin: 8.0 * 21.0 * unit_roundoff(&1.0), depth, bisect_iters: 80, zero_active: false }
    }

    #[test]
    fn unit_roundoff_of_f64() {
        assert_eq!(unit_roundoff(&1.0f64), f64::EPSILON / 2.0);
    }

    #[test]
    fn shift_and_sums() {
        // (1 + u)² = 1 + 2u + u².
        assert_eq!(shift(&[0.0, 0.0, 1.0], &1.0), vec![1.0, 2.0, 1.0]);
        // Σ_{k≥1} |p_k| r^k and Σ_{k≥2} k|p_k| r^{k−1} for p = 1 − 2τ + 3τ², r = 2.
        assert_eq!(abs_sum(&[1.0, -2.0, 3.0], &2.0, 1), 4.0 + 12.0);
        assert_eq!(abs_sum_d(&[1.0, -2.0, 3.0], &2.0, 2), 12.0);
        assert_eq!(abs_sum_d(&[1.0, -2.0, 3.0], &2.0, 1), 2.0 + 12.0);
        assert_eq!(abs_sum(&[1.0, -2.0, 3.0], &2.0, 0), 1.0 + 4.0 + 12.0);
    }

    /// `g(τ) = δ − (τ − 1/3)²` on `[0, 1]` (inactive pair): positive exactly on
    /// `(1/3 − √δ, 1/3 + √δ)`; the first crossing is found for tiny `δ`, and none for `δ < 0`.
    #[test]
    fn dip_between_samples() {
        for delta in [1e-4, 1e-8, 1e-12] {
            let c = 1.0 / 3.0;
            let g = [delta - c * c, 2.0 * c, -1.0];
            let t = first_wrong(&g, &1.0, &1.0, false, &cfg(24)).unwrap();
            assert!((t - (c - delta.sqrt())).abs() < 1e-9, "δ = {delta}: {t}");
            let g = [-delta - c * c, 2.0 * c, -1.0];
            assert!(first_wrong(&g, &1.0, &1.0, false, &cfg(24)).is_none());
        }
        // Active pair, mirrored: a dip below 0 on (0.5 − 1e-5, 0.5 + 1e-5); none when it stays above.
        let g = [0.25 - 1e-10, -1.0, 1.0];
        let t = first_wrong(&g, &1.0, &1.0, true, &cfg(24)).unwrap();
        assert!((t - (0.5 - 1e-5)).abs() < 1e-9, "{t}");
        assert!(first_wrong(&[0.25 + 1e-10, -1.0, 1.0], &1.0, &1.0, true, &cfg(24)).is_none());
        // Past the limit: ignored.
        assert!(first_wrong(&g, &1.0, &0.25, true, &cfg(24)).is_none());
    }

    /// With depth 0 and 2 the dip is left to the leaf search (extremum by bisection on `g'`).
    #[test]
    fn leaf_finds_a_dip() {
        let c = 0.3;
        for depth in [0, 2] {
            let g = [1e-8 - c * c, 2.0 * c, -1.0];
            let t = first_wrong(&g, &1.0, &1.0, false, &cfg(depth)).unwrap();
            assert!((t - (c - 1e-4)).abs() < 1e-9, "depth {depth}: {t}");
            let g = [-1e-8 - c * c, 2.0 * c, -1.0];
            assert!(first_wrong(&g, &1.0, &1.0, false, &cfg(depth)).is_none());
        }
    }

    /// Shift counts: a transversal crossing and a tangency cost O(depth) shifts; a contact of
    /// order 20 (flat at the rounding level over ≈ 60 % of the step) stays within the budget.
    #[test]
    fn shift_counts_are_bounded() {
        let c = cfg(24);
        let (t, n) = search(&[-0.5, 1.0, 0.1], &1.0, &1.0, false, &c);
        assert!(t.is_some() && n <= 4, "{n}");
        let (t, n) = search(&[-0.25, 1.0, -1.0], &1.0, &1.0, false, &c);
        assert!(t.is_none() && n <= 4 * 25, "tangency: {n}");
        // −(τ − 1/2)^20.
        let mut g = vec![0.0; 21];
        for (k, gk) in g.iter_mut().enumerate() {
            let binom = (0..k).fold(1.0, |b, i| b * (20 - i) as f64 / (i + 1) as f64);
            *gk = -binom * (-0.5f64).powi(20 - k as i32);
        }
        let (t, n) = search(&g, &1.0, &1.0, false, &c);
        assert!(t.is_none() && n <= SHIFT_BUDGET * 25 + 26, "flat contact: {n}");
    }

    /// A guard that starts at 0 on the right side, a constant guard, and a plain crossing.
    #[test]
    fn degenerate_guards() {
        assert!(first_wrong(&[0.0, -1.0, 0.5], &1.0, &1.0, false, &cfg(24)).is_none());
        assert!(first_wrong(&[0.0, 0.0, 0.0], &1.0, &1.0, false, &cfg(24)).is_none());
        assert!(first_wrong(&[-1.0], &1.0, &1.0, false, &cfg(24)).is_none());
        let t = first_wrong(&[-0.5, 1.0], &1.0, &1.0, false, &cfg(24)).unwrap();
        assert!(t >= 0.5 && t - 0.5 < 1e-15);
    }
}
