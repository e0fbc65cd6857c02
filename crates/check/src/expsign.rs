//! The sign of an exponential polynomial `E(s) = Σ_j c_j e^{−ρ_j s}` on the half-line `s ≥ 0`,
//! with enclosed coefficients `c_j` and rates `ρ_j ≥ 0` (see `proofs-notes/thm-lsy.norm-growth.md`,
//! "Tail").
//!
//! Far out the term of the smallest rate `ρ*` decides: for `s ≥ S`,
//! `e^{ρ* s}E(s) ∈ c* ± Σ_{j≠*} |c_j| e^{−g_j S}` with `g_j ≤ ρ_j − ρ*` (a lower bound, `> 0`).
//! On `[0, S]` the enclosure of `E` over sub-intervals decides, bisected where it does not.

use reluflow_arith::Enclosure;

/// One term `c e^{−ρ s}`.
#[derive(Clone, Debug)]
pub struct Term<S> {
    /// The coefficient `c`.
    pub coef: S,
    /// The rate `ρ ≥ 0`.
    pub rate: S,
}

/// What was proved about `E` on `s ≥ 0`.
#[derive(Clone, Debug)]
pub enum Sign<S> {
    /// `E(s) ≤ 0` for every `s ≥ 0`.
    NonPositive,
    /// `E(s) > 0` for every `s` in `[from, to]` (`to = None`: every `s ≥ from`); `value` encloses
    /// `E` there (`None` on an unbounded range).
    Positive { from: S, to: Option<S>, value: Option<S> },
    /// Neither could be shown.
    Unknown(String),
}

/// Most enclosures of `E` over sub-intervals of `[0, S]`.
const BUDGET: usize = 4096;

/// `E` over the times `s` (an interval, `s ≥ 0`).
fn eval<S: Enclosure>(terms: &[Term<S>], s: &S) -> S {
    let ctx = s.ctx();
    terms.iter().fold(S::zero(&ctx), |acc, t| acc.add(&t.coef.mul(&t.rate.mul(s).neg().exp())))
}

fn is_zero<S: Enclosure>(c: &S) -> bool {
    !c.possibly_pos() && !c.possibly_neg()
}

/// Proves `E ≤ 0` on `s ≥ 0`, or finds a range where `E > 0`.
pub fn nonpositive<S: Enclosure>(terms: &[Term<S>], ctx: &S::Ctx) -> Sign<S> {
    let terms: Vec<Term<S>> = terms.iter().filter(|t| !is_zero(&t.coef)).cloned().collect();
    let Some(star) = (0..terms.len()).min_by(|&a, &b| terms[a].rate.lower_f64().total_cmp(&terms[b].rate.lower_f64()))
    else {
        return Sign::NonPositive;
    };
    let lead = &terms[star];
    let mut gaps = Vec::with_capacity(terms.len());
    for (j, t) in terms.iter().enumerate().filter(|&(j, _)| j != star) {
        let g = t.rate.sub(&lead.rate).lo_point();
        if !g.certainly_pos() {
            return Sign::Unknown(format!("the rates of terms {star} and {j} are not separated"));
        }
        gaps.push((t.coef.abs().hi_point(), g));
    }
    // The smallest S = 0, 1/g, 2/g, 4/g, … (g the smallest gap) from which the lead term decides.
    let g_min = gaps.iter().map(|(_, g)| g.lower_f64()).fold(f64::INFINITY, f64::min);
    let unit = if g_min.is_finite() && g_min > 0.0 { 1.0 / g_min } else { 1.0 };
    let rest = |big_s: &S| gaps.iter().fold(S::zero(ctx), |acc, (c, g)| acc.add(&c.mul(&g.mul(big_s).neg().exp())));
    let mut decided = None;
    for k in 0..40 {
        let big_s = if k == 0 { S::zero(ctx) } else { S::from_f64(unit * 2f64.powi(k - 1), ctx) };
        let r = rest(&big_s);
        if lead.coef.add(&r).certainly_neg() {
            decided = Some((big_s, false));
            break;
        }
        if lead.coef.sub(&r).certainly_pos() {
            decided = Some((big_s, true));
            break;
        }
    }
    let Some((big_s, positive_far)) = decided else {
        return Sign::Unknown("the slowest term does not dominate (its coefficient may vanish)".into());
    };
    if positive_far {
        return Sign::Positive { from: big_s, to: None, value: None };
    }
    nonpositive_until(&terms, &big_s)
}

/// Proves `E ≤ 0` on `0 ≤ s ≤ S` (every `s` up to the upper end of `big_s`), or finds a
/// sub-interval where `E > 0`.
pub fn nonpositive_until<S: Enclosure>(terms: &[Term<S>], big_s: &S) -> Sign<S> {
    let ctx = big_s.ctx();
    if !big_s.possibly_pos() {
        return if eval(terms, &S::zero(&ctx)).certainly_nonpos() {
            Sign::NonPositive
        } else {
            Sign::Unknown("the sign at s = 0 is not decided".into())
        };
    }
    let big_s = big_s.hi_point();
    let mut pieces = vec![S::zero(&ctx).hull(&big_s)];
    let mut used = 0;
    while let Some(p) = pieces.pop() {
        let e = eval(terms, &p);
        if e.certainly_nonpos() {
            continue;
        }
        if e.certainly_pos() {
            return Sign::Positive { from: p.lo_point(), to: Some(p.hi_point()), value: Some(e) };
        }
        used += 1;
        if used > BUDGET || p.width_upper() <= 0.0 {
            return Sign::Unknown(format!("the sign on s ∈ {} is not decided", crate::verdict::show(&p)));
        }
        let (a, b) = p.bisect();
        pieces.push(b);
        pieces.push(a);
    }
    Sign::NonPositive
}

#[cfg(test)]
mod tests {
    use super::*;
    use reluflow_arith::{Interval, Scalar};

    fn t(c: f64, r: f64) -> Term<Interval> {
        Term { coef: Interval::from_f64(c, &()), rate: Interval::from_f64(r, &()) }
    }

    #[test]
    fn a_dominant_negative_slow_term_proves_nonpositive() {
        // −e^{−s} + 0.5 e^{−3s} ≤ 0 for all s ≥ 0 (−1 + 0.5 e^{−2s} < 0).
        assert!(matches!(nonpositive(&[t(-1.0, 1.0), t(0.5, 3.0)], &()), Sign::NonPositive));
    }

    #[test]
    fn a_late_sign_change_is_found_and_located() {
        // −e^{−3s} + 0.01 e^{−s} > 0 once e^{−2s} < 0.01, i.e. s > ln(100)/2 ≈ 2.303.
        match nonpositive(&[t(-1.0, 3.0), t(0.01, 1.0)], &()) {
            Sign::Positive { from, .. } => assert!(from.lower_f64() > 2.3, "{from:?}"),
            other => panic!("expected a positive range, got {other:?}"),
        }
    }

    #[test]
    fn an_early_positive_bump_is_found_on_the_finite_range() {
        // 2e^{−s} − 3e^{−2s} + 0 … negative at 0 (−1), positive for s > ln(3/2) ≈ 0.405, then → 0⁺:
        // positive far out, found either way; with the lead term negative and a positive bump:
        // −e^{−s} + 4e^{−2s} − 4e^{−3s}: at s = 0: −1; e^{−s} = u: −u + 4u² − 4u³ = −u(2u − 1)² ≤ 0.
        assert!(!matches!(nonpositive(&[t(2.0, 1.0), t(-3.0, 2.0)], &()), Sign::NonPositive));
        // (2u − 1)² touches 0 at u = ½: not provable on intervals, but never claimed positive.
        assert!(!matches!(nonpositive(&[t(-1.0, 1.0), t(4.0, 2.0), t(-4.0, 3.0)], &()), Sign::Positive { .. }));
    }

    #[test]
    fn overlapping_rates_are_not_guessed() {
        let a = Term { coef: Interval::from_f64(-1.0, &()), rate: Interval::try_from((1.0, 1.5)).unwrap() };
        assert!(matches!(nonpositive(&[a, t(0.5, 1.2)], &()), Sign::Unknown(_)));
    }

    #[test]
    fn zero_terms_and_no_terms_are_nonpositive() {
        assert!(matches!(nonpositive::<Interval>(&[], &()), Sign::NonPositive));
        assert!(matches!(nonpositive(&[t(0.0, 1.0)], &()), Sign::NonPositive));
    }
}
