//! Chistikov–Englert–Lazić: the setting and Assumptions 1–3 as three-valued predicates on an
//! instance (`cel.setting`, `cel.assumption1`, `cel.assumption2`, `cel.assumption3`). Exact rational
//! arithmetic everywhere except Assumption 2's λ bound, which is enclosed with the backend `S`.

use super::geometry::{directions, gamma, i_plus, ln_rational};
use crate::hyp::Params;
use crate::rational::{char_poly, dot, norm_sq, rank};
use crate::thm8::{MSign, sign_m};
use crate::verdict::{Truth, show};
use reluflow_arith::{Guarantee, Scalar};
use reluflow_model::{Init, ModelKind, Problem, ReluPrime};
use rug::Rational;

/// `u` is a positive multiple of `v` (both non-zero), exactly.
fn positive_multiple(u: &[Rational], v: &[Rational]) -> bool {
    rank(&[u.to_vec(), v.to_vec()]) == 1 && dot(u, v) > 0
}

/// The setting of the paper: two-layer model, teacher labels with `‖v*‖ = 1`, `∠(v*, x_i) < π/4`
/// for every point (exactly: `v*ᵀx_i > 0` and `2(v*ᵀx_i)² > ‖v*‖²‖x_i‖²`), balanced initialisation.
pub fn setting(p: &Problem) -> Truth {
    if p.model() != ModelKind::TwoLayer {
        return Truth::False("the model is not two-layer".into());
    }
    let Some(v) = p.data().teacher() else { return Truth::False("labels are not given by a teacher".into()) };
    let mut parts = vec![Truth::from_bool(norm_sq(v) == 1, "‖v*‖ = 1", format!("‖v*‖² = {} ≠ 1", norm_sq(v)))];
    for (i, x) in p.data().x().iter().enumerate() {
        let c = dot(v, x);
        let ok = c > 0 && Rational::from(&c * &c) * 2 > norm_sq(v) * norm_sq(x);
        parts.push(Truth::from_bool(ok, "", format!("∠(v*, x_{i}) ≥ π/4")));
    }
    parts.push(match p.init() {
        Init::Balanced { .. } => Truth::True(String::new()),
        Init::Explicit { w, a } => {
            let ok = a.iter().zip(w).all(|(aj, wj)| Rational::from(aj * aj) == norm_sq(wj) && *aj != 0);
            Truth::from_bool(ok, "", "the initialisation is not balanced (a_j² ≠ ‖w_j‖² or a_j = 0)")
        }
        Init::Single { .. } => Truth::False("no output layer".into()),
    });
    match Truth::all(parts) {
        Truth::True(_) => Truth::True("teacher with ‖v*‖ = 1, all angles < π/4, balanced init (exact)".into()),
        t => t,
    }
}

/// Assumption 1 (i)–(v): (i)–(iii) exactly; (iv) from the certified yardstick crossings
/// ([`assumption1_iv`]); (v) holds with σ'(0) = 0.
pub fn assumption1<S: reluflow_arith::Enclosure>(p: &Problem, ctx: &S::Ctx) -> Truth {
    let data = p.data();
    let (d, n) = (data.d(), data.n());
    let Some((z, s)) = directions(p) else { return Truth::False("no hidden layer".into()) };
    let Some(v) = data.teacher() else { return Truth::False("(i) needs a teacher v*".into()) };
    let x = data.x();
    let mut parts = vec![
        Truth::from_bool(d > 1, "", "(i) d = 1"),
        Truth::from_bool(rank(x) == d, "", "(i) the points do not span ℝ^d"),
        Truth::from_bool(norm_sq(v) == 1, "", "(i) ‖v*‖ ≠ 1"),
    ];
    let j_plus = (0..z.len()).any(|j| s[j] == 1 && !i_plus(p, &z[j]).is_empty());
    parts.push(Truth::from_bool(j_plus, "", "(ii) J+ is empty"));
    for (j, zj) in z.iter().enumerate() {
        if x.iter().any(|xi| dot(xi, zj) == 0) {
            parts.push(Truth::False(format!("(ii) I_0(z_{j}) ≠ ∅")));
        }
    }
    let g = gamma(p, &(0..n).collect::<Vec<_>>());
    for (j, zj) in z.iter().enumerate() {
        if s[j] == -1 && !i_plus(p, zj).is_empty() && positive_multiple(zj, &g) {
            parts.push(Truth::False(format!("(ii) ∠(z_{j}, γ_[n]) = 0 for j ∈ J−")));
        }
    }
    for a in 0..n {
        for b in a + 1..n {
            if positive_multiple(&x[a], &x[b]) {
                parts.push(Truth::False(format!("(iii) x̄_{a} = x̄_{b}")));
            }
        }
    }
    // (1/n) X Xᵀ has the same eigenvectors as C = Σ_i x_i x_iᵀ; distinct eigenvalues ⇔ its
    // characteristic polynomial is squarefree.
    let c: Vec<Vec<Rational>> =
        (0..d).map(|a| (0..d).map(|b| x.iter().map(|xi| Rational::from(&xi[a] * &xi[b])).sum()).collect()).collect();
    parts.push(Truth::from_bool(crate::rational::squarefree(&char_poly(&c)), "", "(iii) repeated eigenvalue of XXᵀ/n"));
    // With distinct eigenvalues, v* has a non-zero coordinate on every eigenvector iff the Krylov
    // vectors v*, Cv*, …, C^{d−1}v* are independent.
    let mut kry = vec![v.to_vec()];
    for _ in 1..d {
        let last = kry.last().cloned().unwrap_or_default();
        kry.push(c.iter().map(|row| dot(row, &last)).collect());
    }
    parts.push(Truth::from_bool(rank(&kry) == d, "", "(iii) v* lies in the span of fewer than d eigenvectors"));
    parts.push(assumption1_iv::<S>(p, ctx));
    parts.push(if p.relu_prime() == ReluPrime::Zero {
        Truth::True(String::new())
    } else {
        Truth::Undecided("(v) not implied: σ'(0) = 1".into())
    });
    Truth::all(parts)
}

/// Assumption 1(iv), `|I_0(α_j^t)| ≤ 1` for all `j ∈ J+ ∪ J−` and `t ≥ 0`: true when every
/// yardstick's crossings are certified one at a time ([`crate::cel::yardstick::yardstick`] with the
/// backend `S`), undecided otherwise.
pub fn assumption1_iv<S: reluflow_arith::Enclosure>(p: &Problem, ctx: &S::Ctx) -> Truth {
    let Some((z, _)) = directions(p) else { return Truth::False("no hidden layer".into()) };
    for j in 0..z.len() {
        if i_plus(p, &z[j]).is_empty() {
            continue;
        }
        if let Err(why) = crate::cel::yardstick::yardstick::<S>(p, j, ctx) {
            return Truth::Undecided(format!("(iv) yardstick of neuron {j} not certified: {why}"));
        }
    }
    Truth::True("(iv) every yardstick crosses one point at a time (certified)".into())
}

/// Assumption 2: `λ ≤ (m n^{9nΔ²/δ³})^{−3/ε}`. The static terms of `δ` (norms, pairwise cosines,
/// ‖z_j‖, initial angles to γ) give `δ_up ≥ δ`; the bound is increasing in `δ`, so
/// `ln λ > −(3/ε)(ln m + 9nΔ²ln n/δ_up³)` certifies **false**. Otherwise the full certified
/// enclosure of `δ` ([`crate::cel::delta::delta`]) may certify it **true** from `δ_lo`.
pub fn assumption2<S: Scalar>(p: &Problem, params: &Params, ctx: &S::Ctx) -> Truth {
    if S::GUARANTEE != Guarantee::Enclosure {
        return Truth::Undecided("Assumption 2 needs an enclosure backend".into());
    }
    let Init::Balanced { scale, .. } = p.init() else {
        return Truth::Undecided("no scale λ (not a balanced init)".into());
    };
    let Some((z, s)) = directions(p) else { return Truth::False("no hidden layer".into()) };
    let eps = &params.epsilon;
    if *eps <= 0 || *eps > Rational::from((1, 4)) {
        return Truth::False(format!("ε = {eps} is not in (0, 1/4]"));
    }
    let data = p.data();
    let x = data.x();
    let e = |q: &Rational| S::from_rational(q, ctx);
    let norm = |v: &[Rational]| e(&norm_sq(v)).sqrt();
    let cos = |u: &[Rational], v: &[Rational]| e(&dot(u, v)).div(&norm(u).mul(&norm(v)));
    let mut terms: Vec<S> = x.iter().map(|xi| norm(xi)).collect();
    for a in x {
        for b in x {
            terms.push(cos(a, b));
        }
    }
    terms.extend(z.iter().map(|zj| norm(zj)));
    for (j, zj) in z.iter().enumerate() {
        let ip = i_plus(p, zj);
        if ip.is_empty() {
            continue;
        }
        let c = cos(zj, &gamma(p, &ip));
        terms.push(if s[j] == 1 { c } else { S::one(ctx).sub(&c.sqr()).sqrt() });
    }
    let mut delta_up = terms[0].clone();
    for t in &terms[1..] {
        delta_up = delta_up.min(t);
    }
    let mut big = S::one(ctx);
    for v in x.iter().chain(z.iter()) {
        big = big.max(&norm(v));
    }
    let (m, n) = (z.len() as i64, data.n() as i64);
    let ln_n = S::from_i64(n, ctx).ln();
    let expo = S::from_i64(9 * n, ctx).mul(&big.sqr()).div(&delta_up.sqr().mul(&delta_up));
    let rhs = S::from_i64(m, ctx).ln().add(&expo.mul(&ln_n)).mul(&e(&(Rational::from(3) / eps))).neg();
    let ln_lambda = ln_rational::<S>(scale, ctx);
    if crate::sweep::certainly_less(&rhs, &ln_lambda) {
        Truth::False(format!(
            "ln λ ∈ {} > {} ≥ −(3/ε)(ln m + 9nΔ²ln n/δ³) with ε = {eps} (δ ≤ {})",
            show(&ln_lambda),
            show(&rhs),
            show(&delta_up)
        ))
    } else {
        Truth::Undecided(format!(
            "ln λ ∈ {} is below the bound {} computed with δ_up = {}; see assumption2_full for the certified δ",
            show(&ln_lambda),
            show(&rhs),
            show(&delta_up)
        ))
    }
}

/// Assumption 2 with the full certified enclosure of `δ`: [`assumption2`] (which may certify
/// false), and when that is undecided, [`crate::cel::delta::delta`]'s `δ_lo` may certify it true.
pub fn assumption2_full<S: reluflow_arith::Enclosure>(p: &Problem, params: &Params, ctx: &S::Ctx) -> Truth {
    match assumption2::<S>(p, params, ctx) {
        Truth::Undecided(why) if S::GUARANTEE == Guarantee::Enclosure => match p.init() {
            Init::Balanced { scale, .. } => {
                assumption2_true::<S>(p, &params.epsilon, &ln_rational::<S>(scale, ctx), ctx)
            }
            _ => Truth::Undecided(why),
        },
        t => t,
    }
}

/// Assumption 2 certified **true** from the certified lower bound `δ_lo` of
/// [`crate::cel::delta::delta`] (the bound is increasing in `δ` and decreasing in `Δ`):
/// `ln λ ≤ −(3/ε)(ln m + 9nΔ_hi²ln n/δ_lo³)`; undecided otherwise.
fn assumption2_true<S: reluflow_arith::Enclosure>(p: &Problem, eps: &Rational, ln_lambda: &S, ctx: &S::Ctx) -> Truth {
    let delta = match crate::cel::delta::delta::<S>(p, ctx) {
        Ok(d) => d,
        Err(why) => {
            return Truth::Undecided(format!(
                "ln λ ∈ {} is not above the bound; δ not enclosed: {why}",
                show(ln_lambda)
            ));
        }
    };
    let d_lo = delta.value.lo_point();
    if !d_lo.certainly_pos() {
        return Truth::Undecided(format!("δ ∈ {} has no certified positive lower bound", show(&delta.value)));
    }
    let (m, n) = (p.init().width() as i64, p.data().n() as i64);
    let big = delta.big.hi_point();
    let expo = S::from_i64(9 * n, ctx).mul(&big.sqr()).div(&d_lo.sqr().mul(&d_lo));
    let rhs = S::from_i64(m, ctx)
        .ln()
        .add(&expo.mul(&S::from_i64(n, ctx).ln()))
        .mul(&S::from_rational(&(Rational::from(3) / eps), ctx))
        .neg();
    if crate::sweep::certainly_le(ln_lambda, &rhs) {
        Truth::True(format!(
            "ln λ ∈ {} ≤ {} ≤ −(3/ε)(ln m + 9nΔ²ln n/δ³), δ ∈ {} certified",
            show(ln_lambda),
            show(&rhs),
            show(&delta.value)
        ))
    } else {
        Truth::Undecided(format!(
            "ln λ ∈ {} lies between the bounds from δ ∈ {} ({} ≤ bound)",
            show(ln_lambda),
            show(&delta.value),
            show(&rhs)
        ))
    }
}

/// Assumption 3: `n = d`, `m > 1`, `𝓜 ≠ 0`.
pub fn assumption3(p: &Problem) -> Truth {
    let data = p.data();
    let m = p.init().width();
    let sign = match sign_m(p) {
        MSign::Negative(r) => Truth::True(format!("𝓜 < 0: {r}")),
        MSign::Positive(w) => Truth::True(format!("𝓜 > 0: {}", w.describe())),
        MSign::Unknown(r) => Truth::Undecided(format!("sign of 𝓜 not decided: {r}")),
    };
    Truth::all([
        Truth::from_bool(data.n() == data.d(), "n = d", format!("n = {} ≠ d = {}", data.n(), data.d())),
        Truth::from_bool(m > 1, "m > 1", "m = 1"),
        sign,
    ])
}

/// The CEL hypotheses by id (`cel.setting`, `cel.assumption1..3`, `n=d`); others undecided.
pub fn eval_hyp<S: reluflow_arith::Enclosure>(id: &str, p: &Problem, params: &Params, ctx: &S::Ctx) -> Truth {
    match id {
        "cel.setting" => setting(p),
        "cel.assumption1" => assumption1::<S>(p, ctx),
        "cel.assumption2" => assumption2_full::<S>(p, params, ctx),
        "cel.assumption3" => assumption3(p),
        "n=d" => Truth::from_bool(p.data().n() == p.data().d(), "n = d", "n ≠ d"),
        "sigma-prime-zero" => Truth::from_bool(p.relu_prime() == ReluPrime::Zero, "σ'(0) = 0", "σ'(0) = 1"),
        _ => Truth::Undecided(format!("unknown hypothesis `{id}`")),
    }
}
