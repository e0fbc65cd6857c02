//! Identities of the flow. Descent: `d/dt loss <= 0` (`loss is nonincreasing`) holds on every
//! segment because `dL/dt = −‖θ̇‖²` along the gradient flow, whatever the pattern. Conservation laws proved symbolically: a claim `lhs == rhs` between polynomials in the
//! parameters holds at every time when `d/dt (lhs − rhs)` is the zero polynomial along the field
//! and `lhs − rhs` vanishes identically at `t = 0` (`proofs-notes/lemma-language.md`).
//!
//! On every segment the gradient flow has the form `ẇ_j = a_j g_j`, `ȧ_j = w_jᵀg_j` (two-layer) or
//! `ẇ = g` (single neuron) for *some* vectors `g_j(t)` (the pattern only changes which residuals
//! enter `g_j`). The derivative is therefore computed with each `g_jk` an opaque variable `G_jk`:
//! if it vanishes as a polynomial, it vanishes for every pattern, so `lhs − rhs` is constant on
//! every segment and, being continuous, on the whole certified range.

use super::ast::BinOp;
use super::typed::{Formula, Ix, Num, Vector};
use rug::Rational;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Var {
    T,
    A(usize),
    W(usize, usize),
    G(usize, usize),
    A0(usize),
    W0(usize, usize),
}

/// A monomial: sorted variables with their powers.
type Mono = Vec<(Var, u32)>;

#[derive(Clone, Debug, Default, PartialEq)]
struct Poly(BTreeMap<Mono, Rational>);

impl Poly {
    fn constant(q: Rational) -> Poly {
        let mut p = Poly::default();
        if q != 0 {
            p.0.insert(Vec::new(), q);
        }
        p
    }
    fn var(v: Var) -> Poly {
        Poly(BTreeMap::from([(vec![(v, 1)], Rational::from(1))]))
    }
    fn add(&self, o: &Poly) -> Poly {
        let mut out = self.clone();
        for (m, c) in &o.0 {
            let e = out.0.entry(m.clone()).or_default();
            *e += c;
            if *e == 0 {
                out.0.remove(m);
            }
        }
        out
    }
    fn scale(&self, q: &Rational) -> Poly {
        if *q == 0 {
            return Poly::default();
        }
        Poly(self.0.iter().map(|(m, c)| (m.clone(), Rational::from(c * q))).collect())
    }
    fn mul(&self, o: &Poly) -> Poly {
        let mut out = Poly::default();
        for (m1, c1) in &self.0 {
            for (m2, c2) in &o.0 {
                let term = Poly(BTreeMap::from([(mono_mul(m1, m2), Rational::from(c1 * c2))]));
                out = out.add(&term);
            }
        }
        out
    }
    fn as_constant(&self) -> Option<Rational> {
        match self.0.len() {
            0 => Some(Rational::new()),
            1 => self.0.get(&Vec::new()).cloned(),
            _ => None,
        }
    }
    /// The derivative along the field, with every `g_jk` an opaque variable.
    fn ddt(&self, ctx: &Ctx) -> Poly {
        let mut out = Poly::default();
        for (m, c) in &self.0 {
            for (k, &(v, e)) in m.iter().enumerate() {
                let dv = match v {
                    Var::T => Poly::constant(Rational::from(1)),
                    Var::A(j) => (0..ctx.d)
                        .map(|i| Poly::var(Var::W(j, i)).mul(&Poly::var(Var::G(j, i))))
                        .fold(Poly::default(), |acc, p| acc.add(&p)),
                    Var::W(j, i) if ctx.two_layer => Poly::var(Var::A(j)).mul(&Poly::var(Var::G(j, i))),
                    Var::W(j, i) => Poly::var(Var::G(j, i)),
                    Var::G(..) | Var::A0(_) | Var::W0(..) => continue,
                };
                let mut rest = m.clone();
                if e == 1 {
                    rest.remove(k);
                } else {
                    rest[k].1 = e - 1;
                }
                let coef = Rational::from(c * e);
                out = out.add(&Poly(BTreeMap::from([(rest, coef)])).mul(&dv));
            }
        }
        out
    }
    /// The polynomial at `t = 0`: `a → a0`, `w → w0`, `t → 0`.
    fn initial(&self) -> Poly {
        let mut out = Poly::default();
        for (m, c) in &self.0 {
            let mut term = Poly::constant(c.clone());
            for &(v, e) in m {
                let v0 = match v {
                    Var::T => Poly::default(),
                    Var::A(j) => Poly::var(Var::A0(j)),
                    Var::W(j, i) => Poly::var(Var::W0(j, i)),
                    other => Poly::var(other),
                };
                for _ in 0..e {
                    term = term.mul(&v0);
                }
            }
            out = out.add(&term);
        }
        out
    }
}

fn mono_mul(a: &Mono, b: &Mono) -> Mono {
    let mut out: BTreeMap<Var, u32> = a.iter().copied().collect();
    for &(v, e) in b {
        *out.entry(v).or_default() += e;
    }
    out.into_iter().collect()
}

/// Most terms a polynomial may grow to before the identity is given up (no blow-up on `^64`).
const MAX_TERMS: usize = 4096;

/// Whether `f` is a conjunction (also under `forall`) of equalities that are conservation laws
/// of the flow, for every value of the bound indices.
pub fn proves(f: &Formula, vars: &mut Vec<usize>, ctx: &Ctx) -> bool {
    match f {
        Formula::Cmp(BinOp::Eq, a, b, _) => {
            let (Some(pa), Some(pb)) = (poly(a, vars, ctx), poly(b, vars, ctx)) else { return false };
            let diff = pa.add(&pb.scale(&Rational::from(-1)));
            diff.ddt(ctx).0.is_empty() && diff.initial().0.is_empty()
        }
        // Descent: dL/dt = −‖θ̇‖² ≤ 0 along the gradient flow on every segment (the identity of
        // `gen.loss-nonincreasing`), and L is continuous in t.
        Formula::Cmp(BinOp::Le, Num::Ddt(l), Num::Const(z), _)
        | Formula::Cmp(BinOp::Ge, Num::Const(z), Num::Ddt(l), _)
            if **l == Num::Loss && *z == 0 =>
        {
            true
        }
        Formula::Named(_, g) => proves(g, vars, ctx),
        Formula::Logic(BinOp::And, g, h) => proves(g, vars, ctx) && proves(h, vars, ctx),
        Formula::Forall(slot, dom, _, body) => {
            let size = match dom {
                super::ast::Domain::Neurons => ctx.m,
                super::ast::Domain::Points => ctx.x.len(),
            };
            let ok = (0..size).all(|k| {
                vars.truncate(*slot);
                vars.push(k);
                proves(body, vars, ctx)
            });
            vars.truncate(*slot);
            ok
        }
        _ => false,
    }
}

fn ix(i: Ix, vars: &[usize]) -> usize {
    match i {
        Ix::Lit(k) => k,
        Ix::Var(s) => vars[s],
    }
}

fn vector(v: &Vector, vars: &[usize], ctx: &Ctx) -> Vec<Poly> {
    match v {
        Vector::W(j) => (0..ctx.d).map(|i| Poly::var(Var::W(ix(*j, vars), i))).collect(),
        Vector::W0(j) => (0..ctx.d).map(|i| Poly::var(Var::W0(ix(*j, vars), i))).collect(),
        Vector::X(i) => ctx.x[ix(*i, vars)].iter().map(|q| Poly::constant(q.clone())).collect(),
        Vector::Const(qs) => qs.iter().map(|q| Poly::constant(q.clone())).collect(),
    }
}

fn dot(u: &[Poly], v: &[Poly]) -> Poly {
    u.iter().zip(v).fold(Poly::default(), |acc, (a, b)| acc.add(&a.mul(b)))
}

/// `e` as a polynomial in `t`, `a`, `w`, `a0`, `w0` (`None` for anything else: residuals, the
/// loss, norms, angles, counts, derivatives, division by a non-constant).
fn poly(e: &Num, vars: &[usize], ctx: &Ctx) -> Option<Poly> {
    let p = match e {
        Num::Const(q) => Poly::constant(q.clone()),
        Num::T => Poly::var(Var::T),
        Num::A(j) => Poly::var(Var::A(ix(*j, vars))),
        Num::A0(j) => Poly::var(Var::A0(ix(*j, vars))),
        Num::Label(i) => Poly::constant(ctx.y[ix(*i, vars)].clone()),
        Num::Dot(u, v) => dot(&vector(u, vars, ctx), &vector(v, vars, ctx)),
        Num::NormSq(u) => {
            let u = vector(u, vars, ctx);
            dot(&u, &u)
        }
        Num::Balance(j) => {
            let j = ix(*j, vars);
            let w = vector(&Vector::W(Ix::Lit(j)), vars, ctx);
            let a = Poly::var(Var::A(j));
            a.mul(&a).add(&dot(&w, &w).scale(&Rational::from(-1)))
        }
        Num::Neg(a) => poly(a, vars, ctx)?.scale(&Rational::from(-1)),
        Num::Bin(op, a, b) => {
            let (a, b) = (poly(a, vars, ctx)?, poly(b, vars, ctx)?);
            match op {
                BinOp::Add => a.add(&b),
                BinOp::Sub => a.add(&b.scale(&Rational::from(-1))),
                BinOp::Mul => a.mul(&b),
                _ => match b.as_constant() {
                    Some(q) if q != 0 => a.scale(&Rational::from(q.recip_ref())),
                    _ => return None,
                },
            }
        }
        Num::Pow(a, k) => {
            let a = poly(a, vars, ctx)?;
            let mut acc = Poly::constant(Rational::from(1));
            for _ in 0..*k {
                acc = acc.mul(&a);
                if acc.0.len() > MAX_TERMS {
                    return None;
                }
            }
            acc
        }
        _ => return None,
    };
    (p.0.len() <= MAX_TERMS).then_some(p)
}

/// What the polynomials need from the model.
pub struct Ctx {
    /// Two-layer model?
    pub two_layer: bool,
    /// The number of neurons `m`.
    pub m: usize,
    /// The dimension `d`.
    pub d: usize,
    /// The data, exactly.
    pub x: Vec<Vec<Rational>>,
    /// The labels, exactly.
    pub y: Vec<Rational>,
}
