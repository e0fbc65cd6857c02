//! Evaluation of a resolved lemma at one *site* of a trajectory: a segment hull with its pattern
//! (every time of the segment), an instant (the initial state, a segment end), the limit, or an
//! event. Numbers are enclosures; `d/dt` is forward mode: every quantity is carried with an
//! enclosure of its derivative along the pattern's vector field, evaluated on the same hull (the
//! field is never differenced).

use super::ast::BinOp;
use super::typed::{EventInt, Formula, Ix, Member, Num, Set, Vector};
use crate::inst::{Inst, Velocity};
use crate::verdict::show;
use reluflow_arith::{Enclosure, Scalar, linalg};
use reluflow_flow::{EventKind, Pattern, State};
use rug::Rational;

/// An event seen from a lemma: its kind, point, neuron, time, and the points an earlier event
/// activated or deactivated for the same neuron.
#[derive(Clone, Debug)]
pub struct EventSite<S> {
    /// What happens.
    pub kind: EventKind,
    /// The point.
    pub point: usize,
    /// The neuron.
    pub neuron: usize,
    /// The time enclosure.
    pub t: S,
    /// Points deactivated for `neuron` by earlier events.
    pub deactivated_before: Vec<usize>,
    /// Points activated for `neuron` by earlier events.
    pub activated_before: Vec<usize>,
}

/// Where a lemma is evaluated.
pub struct Site<'a, S: Scalar> {
    /// The state enclosure (none at an event).
    pub state: Option<&'a State<S>>,
    /// The pattern of the open segment (hulls and the limit), which defines `d/dt`.
    pub pattern: Option<&'a Pattern>,
    /// The time enclosure.
    pub t: S,
    /// The initial state (for `a0`, `w0`).
    pub initial: &'a State<S>,
    /// The event, at an event.
    pub event: Option<&'a EventSite<S>>,
    /// The field on the state under the pattern (filled when a derivative is needed).
    pub velocity: Option<Velocity<S>>,
}

/// A value and (in derivative mode) an enclosure of its time derivative.
#[derive(Clone, Debug)]
struct D<S> {
    v: S,
    d: Option<S>,
}

/// A clause that is certainly false at a site: its text, the enclosures of its sides, and the
/// left side's enclosure for the witness.
#[derive(Clone, Debug)]
pub struct Fail<S> {
    /// The clause, e.g. `d/dt norm(w)^2 >= 0` (with bound variables named).
    pub clause: String,
    /// The quantity whose enclosure is `value` (the comparison's left side), else the clause.
    pub quantity: String,
    /// Each side's enclosure, in words.
    pub detail: String,
    /// The left side's enclosure.
    pub value: Option<S>,
}

/// Three-valued truth at one site.
#[derive(Clone, Debug)]
pub enum Tri<S> {
    /// Certainly true.
    True,
    /// Certainly false, with the failing clause.
    False(Fail<S>),
    /// Not decided, with why.
    Unknown(String),
}

/// Evaluates formulas of one lemma (its text for clause names) on one instance.
pub struct Eval<'a, S: Scalar> {
    /// The lemma's text.
    pub text: &'a str,
    /// The instance.
    pub inst: &'a Inst<S>,
    /// Whether to write out clauses and enclosures (for witnesses and reasons). The truth values
    /// are the same either way; a sweep runs quietly and explains only the sites it reports.
    pub explain: bool,
}

type Res<T> = Result<T, String>;

impl<S: Enclosure> Eval<'_, S> {
    /// The truth of `f` at `site` with the bound variables `vars`.
    pub fn truth(&self, f: &Formula, site: &Site<'_, S>, vars: &mut Vec<usize>) -> Tri<S> {
        match f {
            Formula::Bool(true) => Tri::True,
            Formula::Bool(false) => Tri::False(fail("false".into(), String::new())),
            Formula::Cmp(op, a, b, spans) => {
                let clause = self.clause(spans.clause);
                match (self.num(a, site, vars, false), self.num(b, site, vars, false)) {
                    (Ok(x), Ok(y)) => compare(*op, x.v, y.v, clause, self.clause(spans.lhs), self.explain),
                    (Err(why), _) | (_, Err(why)) => Tri::Unknown(format!("`{clause}`: {why}")),
                }
            }
            Formula::Kind(k, negated, span) => {
                let Some(e) = site.event else { return Tri::Unknown("not at an event".into()) };
                let holds = (e.kind.name() == k) != *negated;
                let detail = format!("the event is a `{}`", e.kind.name());
                boolean(holds, self.clause(*span), detail)
            }
            Formula::In(m, set, negated, span) => self.membership(*m, *set, *negated, self.clause(*span), site, vars),
            Formula::Not(g, span) => match self.truth(g, site, vars) {
                Tri::True => Tri::False(fail(self.clause(*span), "its negation holds".into())),
                Tri::False(_) => Tri::True,
                u @ Tri::Unknown(_) => u,
            },
            Formula::Logic(BinOp::And, g, h) => and(self.truth(g, site, vars), || self.truth(h, site, vars)),
            Formula::Logic(BinOp::Or, g, h) => or(self.truth(g, site, vars), || self.truth(h, site, vars)),
            Formula::Logic(_, g, h) => {
                let not_g = match self.truth(g, site, vars) {
                    Tri::True => Tri::False(fail(String::new(), String::new())),
                    Tri::False(_) => Tri::True,
                    u @ Tri::Unknown(_) => u,
                };
                or(not_g, || self.truth(h, site, vars))
            }
            Formula::Named(name, g) => match self.truth(g, site, vars) {
                Tri::False(mut f) => {
                    f.detail = f.detail.replace("left side", name);
                    f.quantity = name.clone();
                    Tri::False(f)
                }
                Tri::Unknown(why) => Tri::Unknown(why.replace("left side", name)),
                t => t,
            },
            Formula::Forall(slot, dom, name, body) => {
                let size = match dom {
                    super::ast::Domain::Neurons => site.initial.w.len(),
                    super::ast::Domain::Points => self.inst.n(),
                };
                let mut acc = Tri::True;
                for k in 0..size {
                    vars.truncate(*slot);
                    vars.push(k);
                    let t = self.bound(self.truth(body, site, vars), name, k);
                    acc = and(acc, || t);
                    if matches!(acc, Tri::False(_)) {
                        break;
                    }
                }
                vars.truncate(*slot);
                acc
            }
        }
    }

    /// The clause's text (empty when not explaining).
    fn clause(&self, span: super::error::Span) -> String {
        if !self.explain {
            return String::new();
        }
        self.text.get(span.start..span.end).unwrap_or("?").to_string()
    }

    /// `t` with the value of the bound variable `name = k` added to its clause or reason.
    fn bound(&self, t: Tri<S>, name: &str, k: usize) -> Tri<S> {
        if !self.explain {
            return t;
        }
        match t {
            Tri::False(mut f) => {
                f.clause = format!("{} ({name} = {k})", f.clause);
                f.quantity = format!("{} ({name} = {k})", f.quantity);
                Tri::False(f)
            }
            Tri::Unknown(why) => Tri::Unknown(format!("{why} ({name} = {k})")),
            t => t,
        }
    }

    fn membership(
        &self,
        m: Member,
        set: Set,
        negated: bool,
        clause: String,
        site: &Site<'_, S>,
        vars: &[usize],
    ) -> Tri<S> {
        let k = match m {
            Member::Ix(ix) => idx(ix, vars),
            Member::Event(which) => match site.event {
                Some(e) => event_int(e, which),
                None => return Tri::Unknown("not at an event".into()),
            },
        };
        let inside = match set {
            Set::DeactivatedBefore | Set::ActivatedBefore => {
                let Some(e) = site.event else { return Tri::Unknown("not at an event".into()) };
                let list = if set == Set::DeactivatedBefore { &e.deactivated_before } else { &e.activated_before };
                Some(list.contains(&k))
            }
            Set::Active(j) => {
                let j = idx(j, vars);
                match (site.pattern, site.state) {
                    (Some(p), _) => Some(p.active[j].contains(&k)),
                    (None, Some(st)) => {
                        let z = self.inst.z(&st.w[j], k);
                        if z.certainly_pos() {
                            Some(true)
                        } else if z.certainly_neg() {
                            Some(false)
                        } else {
                            None
                        }
                    }
                    (None, None) => None,
                }
            }
        };
        match inside {
            Some(b) => boolean(b != negated, clause, format!("{k} is {}in the set", if b { "" } else { "not " })),
            None => Tri::Unknown(format!("`{clause}`: whether point {k} is active is not certain at this instant")),
        }
    }

    /// The enclosure of `e` (and of its derivative when `want_d`).
    fn num(&self, e: &Num, site: &Site<'_, S>, vars: &[usize], want_d: bool) -> Res<D<S>> {
        let ctx = &self.inst.ctx;
        let c = |v: S| D { v, d: want_d.then(|| S::zero(ctx)) };
        let st = || site.state.ok_or_else(|| "no state here".to_string());
        Ok(match e {
            Num::Const(q) => c(S::from_rational(q, ctx)),
            Num::T => D { v: site.t.clone(), d: want_d.then(|| S::one(ctx)) },
            Num::EventT => c(site.event.map_or_else(|| site.t.clone(), |e| e.t.clone())),
            Num::EventInt(w) => match site.event {
                Some(ev) => c(S::from_i64(event_int(ev, *w) as i64, ctx)),
                None => return Err("not at an event".into()),
            },
            Num::Label(i) => c(self.inst.y[idx(*i, vars)].clone()),
            Num::A0(j) => c(site.initial.a.as_ref().ok_or("no output weights")?[idx(*j, vars)].clone()),
            Num::A(j) => {
                let j = idx(*j, vars);
                let v = st()?.a.as_ref().ok_or("no output weights")?[j].clone();
                D { v, d: self.deriv(site, want_d, |vel| vel.a.as_ref().map(|a| a[j].clone()))? }
            }
            Num::Count(j) => c(self.count(site, idx(*j, vars))?),
            Num::Resid(i) => self.residual(site, idx(*i, vars), want_d)?,
            Num::Loss => {
                let mut acc = S::zero(ctx);
                for i in 0..self.inst.n() {
                    acc = acc.add(&self.residual(site, i, false)?.v.sqr());
                }
                // dL/dt = −‖θ̇‖² on every segment (gradient flow of the pattern's loss, which equals
                // L on the closed segment): an enclosure of the same value as the chain rule's
                // 2c Σ r_i ṙ_i, of certain sign.
                D { v: acc.mul(&self.inst.c), d: self.deriv(site, want_d, |vel| Some(speed_sq(vel, ctx).neg()))? }
            }
            Num::Dot(u, v) => dot(&self.vector(u, site, vars, want_d)?, &self.vector(v, site, vars, want_d)?, ctx),
            Num::NormSq(u) => norm_sq(&self.vector(u, site, vars, want_d)?, ctx),
            Num::Norm(u) => sqrt(&norm_sq(&self.vector(u, site, vars, want_d)?, ctx), ctx),
            Num::Cos(u, v) => {
                let (u, v) = (self.vector(u, site, vars, want_d)?, self.vector(v, site, vars, want_d)?);
                let den = mul(&sqrt(&norm_sq(&u, ctx), ctx), &sqrt(&norm_sq(&v, ctx), ctx));
                div(&dot(&u, &v, ctx), &den)
            }
            Num::Balance(j) => {
                let j = idx(*j, vars);
                let a = self.num(&Num::A(Ix::Lit(j)), site, vars, want_d)?;
                let w = self.vector(&Vector::W(Ix::Lit(j)), site, vars, want_d)?;
                let a2 = D { v: a.v.sqr(), d: a.d.as_ref().map(|d| d.mul(&a.v).mul_2si(1)) };
                sub(&a2, &norm_sq(&w, ctx))
            }
            Num::Bin(op, a, b) => {
                let (a, b) = (self.num(a, site, vars, want_d)?, self.num(b, site, vars, want_d)?);
                match op {
                    BinOp::Add => add(&a, &b),
                    BinOp::Sub => sub(&a, &b),
                    BinOp::Mul => mul(&a, &b),
                    _ => div(&a, &b),
                }
            }
            Num::Neg(a) => {
                let a = self.num(a, site, vars, want_d)?;
                D { v: a.v.neg(), d: a.d.map(|d| d.neg()) }
            }
            Num::Pow(a, k) => pow(&self.num(a, site, vars, want_d)?, *k, ctx),
            Num::Ddt(a) => {
                if site.pattern.is_none() {
                    return Err("d/dt is defined only on segments (between switches)".into());
                }
                let x = self.num(a, site, vars, true)?;
                c(x.d.ok_or("no derivative")?)
            }
        })
    }

    fn deriv(&self, site: &Site<'_, S>, want: bool, f: impl Fn(&Velocity<S>) -> Option<S>) -> Res<Option<S>> {
        if !want {
            return Ok(None);
        }
        let v = site.velocity.as_ref().ok_or("d/dt is defined only on segments (between switches)")?;
        f(v).map(Some).ok_or_else(|| "no such derivative".to_string())
    }

    fn vector(&self, v: &Vector, site: &Site<'_, S>, vars: &[usize], want_d: bool) -> Res<Vec<D<S>>> {
        let ctx = &self.inst.ctx;
        let consts = |xs: &[S]| xs.iter().map(|x| D { v: x.clone(), d: want_d.then(|| S::zero(ctx)) }).collect();
        Ok(match v {
            Vector::X(i) => consts(&self.inst.x[idx(*i, vars)]),
            Vector::W0(j) => consts(&site.initial.w[idx(*j, vars)]),
            Vector::Const(qs) => consts(&qs.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<_>>()),
            Vector::W(j) => {
                let j = idx(*j, vars);
                let w = &site.state.ok_or("no state here")?.w[j];
                let dw = if want_d {
                    let v = site.velocity.as_ref().ok_or("d/dt is defined only on segments (between switches)")?;
                    Some(v.w[j].clone())
                } else {
                    None
                };
                w.iter().enumerate().map(|(k, x)| D { v: x.clone(), d: dw.as_ref().map(|dw| dw[k].clone()) }).collect()
            }
        })
    }

    /// `r_i` and `ṙ_i = Σ_{j: i ∈ A_j} (ȧ_j z_ij + a_j x_iᵀẇ_j)` (single neuron: `x_iᵀẇ` if active).
    fn residual(&self, site: &Site<'_, S>, i: usize, want_d: bool) -> Res<D<S>> {
        let st = site.state.ok_or("no state here")?;
        let ctx = &self.inst.ctx;
        let r = self.inst.residuals(st, site.pattern).swap_remove(i);
        if !want_d {
            return Ok(D { v: r, d: None });
        }
        let (Some(p), Some(vel)) = (site.pattern, site.velocity.as_ref()) else {
            return Err("d/dt is defined only on segments (between switches)".into());
        };
        let mut dr = S::zero(ctx);
        for (j, wj) in st.w.iter().enumerate() {
            if !p.active[j].contains(&i) {
                continue;
            }
            let xw = linalg::dot(&self.inst.x[i], &vel.w[j], ctx);
            match (&st.a, &vel.a) {
                (Some(a), Some(adot)) => {
                    dr.add_mul_assign(&adot[j], &self.inst.z(wj, i));
                    dr.add_mul_assign(&a[j], &xw);
                }
                _ => dr = dr.add(&xw),
            }
        }
        Ok(D { v: r, d: Some(dr) })
    }

    /// `|A_j|`: exact under a pattern; at an instant, from the certain signs of `x_iᵀw_j`.
    fn count(&self, site: &Site<'_, S>, j: usize) -> Res<S> {
        let ctx = &self.inst.ctx;
        if let Some(p) = site.pattern {
            return Ok(S::from_i64(p.active[j].len() as i64, ctx));
        }
        let st = site.state.ok_or("no state here")?;
        let zs: Vec<S> = (0..self.inst.n()).map(|i| self.inst.z(&st.w[j], i)).collect();
        let lo = zs.iter().filter(|z| z.certainly_pos()).count();
        let hi = zs.iter().filter(|z| !z.certainly_neg()).count();
        Ok(S::from_bounds(&Rational::from(lo), &Rational::from(hi), ctx))
    }
}

/// `‖θ̇‖² = Σ_j ‖ẇ_j‖² + Σ_j ȧ_j²`.
fn speed_sq<S: Scalar>(vel: &Velocity<S>, ctx: &S::Ctx) -> S {
    let mut s = S::zero(ctx);
    for wj in &vel.w {
        s = s.add(&linalg::norm_sq(wj, ctx));
    }
    for aj in vel.a.iter().flatten() {
        s = s.add(&aj.sqr());
    }
    s
}

fn idx(ix: Ix, vars: &[usize]) -> usize {
    match ix {
        Ix::Lit(k) => k,
        Ix::Var(slot) => vars[slot],
    }
}

fn event_int<S>(e: &EventSite<S>, w: EventInt) -> usize {
    match w {
        EventInt::Point => e.point,
        EventInt::Neuron => e.neuron,
    }
}

fn fail<S>(clause: String, detail: String) -> Fail<S> {
    Fail { quantity: clause.clone(), clause, detail, value: None }
}

fn boolean<S>(holds: bool, clause: String, detail: String) -> Tri<S> {
    if holds { Tri::True } else { Tri::False(fail(clause, detail)) }
}

/// Three-valued comparison of two enclosures.
fn compare<S: Enclosure>(op: BinOp, x: S, y: S, clause: String, quantity: String, explain: bool) -> Tri<S> {
    use crate::sweep::{certainly_le, certainly_less};
    let point_eq = x.lower() == x.upper() && y.lower() == y.upper() && x.lower() == y.lower();
    let disjoint = certainly_less(&x, &y) || certainly_less(&y, &x);
    let (t, f) = match op {
        BinOp::Lt => (certainly_less(&x, &y), certainly_le(&y, &x)),
        BinOp::Le => (certainly_le(&x, &y), certainly_less(&y, &x)),
        BinOp::Gt => (certainly_less(&y, &x), certainly_le(&x, &y)),
        BinOp::Ge => (certainly_le(&y, &x), certainly_less(&x, &y)),
        BinOp::Eq => (point_eq, disjoint),
        _ => (disjoint, point_eq),
    };
    let detail =
        if explain { format!("left side ∈ {}, right side ∈ {}", show(&x), show(&y)) } else { String::new() };
    if !x.is_finite() || !y.is_finite() || x.is_empty() || y.is_empty() {
        return Tri::Unknown(format!("`{clause}`: {detail} (no information)"));
    }
    if t {
        Tri::True
    } else if f {
        Tri::False(Fail { clause, quantity, detail, value: Some(x) })
    } else {
        Tri::Unknown(format!("`{clause}`: {detail} overlap"))
    }
}

fn and<S>(a: Tri<S>, b: impl FnOnce() -> Tri<S>) -> Tri<S> {
    match a {
        f @ Tri::False(_) => f,
        Tri::True => b(),
        Tri::Unknown(why) => match b() {
            f @ Tri::False(_) => f,
            _ => Tri::Unknown(why),
        },
    }
}

fn or<S>(a: Tri<S>, b: impl FnOnce() -> Tri<S>) -> Tri<S> {
    match a {
        Tri::True => Tri::True,
        Tri::False(fa) => match b() {
            // `implies` passes an anonymous failure for its satisfied premise: keep the other side.
            Tri::False(fb) if fa.clause.is_empty() => Tri::False(fb),
            Tri::False(fb) if fb.clause.is_empty() => Tri::False(fa),
            Tri::False(fb) => {
                let clause = format!("{} or {}", fa.clause, fb.clause);
                let detail = [fa.detail, fb.detail].into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>();
                Tri::False(Fail { quantity: clause.clone(), clause, detail: detail.join("; "), value: None })
            }
            other => other,
        },
        Tri::Unknown(why) => match b() {
            Tri::True => Tri::True,
            _ => Tri::Unknown(why),
        },
    }
}

fn add<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.add(&b.v), d: zip(&a.d, &b.d, |x, y| x.add(y)) }
}
fn sub<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    D { v: a.v.sub(&b.v), d: zip(&a.d, &b.d, |x, y| x.sub(y)) }
}
fn mul<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let d = zip(&a.d, &b.d, |da, db| da.mul(&b.v).add(&a.v.mul(db)));
    D { v: a.v.mul(&b.v), d }
}
fn div<S: Scalar>(a: &D<S>, b: &D<S>) -> D<S> {
    let q = a.v.div(&b.v);
    // (a/b)' = (a' − (a/b) b') / b
    let d = zip(&a.d, &b.d, |da, db| da.sub(&q.mul(db)).div(&b.v));
    D { v: q, d }
}
fn sqrt<S: Scalar>(a: &D<S>, ctx: &S::Ctx) -> D<S> {
    let s = a.v.sqrt();
    let two = S::from_i64(2, ctx);
    D { d: a.d.as_ref().map(|d| d.div(&two.mul(&s))), v: s }
}
fn pow<S: Scalar>(a: &D<S>, k: u32, ctx: &S::Ctx) -> D<S> {
    if k == 0 {
        return D { v: S::one(ctx), d: a.d.as_ref().map(|_| S::zero(ctx)) };
    }
    // a^k by squaring the value; (a^k)' = k a^(k−1) a'.
    let mut acc = a.clone();
    for _ in 1..k {
        acc = mul(&acc, a);
    }
    if k.is_multiple_of(2) {
        // An even power is ≥ 0: keep the tighter sqr-based enclosure of the value.
        let mut v = a.v.sqr();
        for _ in 1..k / 2 {
            v = v.mul(&a.v.sqr());
        }
        acc.v = v;
    }
    acc
}
fn dot<S: Scalar>(u: &[D<S>], v: &[D<S>], ctx: &S::Ctx) -> D<S> {
    let mut acc = D { v: S::zero(ctx), d: u.first().and_then(|x| x.d.as_ref()).map(|_| S::zero(ctx)) };
    for (x, y) in u.iter().zip(v) {
        acc = add(&acc, &mul(x, y));
    }
    acc
}
/// `‖u‖² = Σ u_k²` (each square a `sqr`, never below 0) and its derivative `2 Σ u_k u̇_k`.
fn norm_sq<S: Scalar>(u: &[D<S>], ctx: &S::Ctx) -> D<S> {
    let mut v = S::zero(ctx);
    let mut d = u.first().and_then(|x| x.d.as_ref()).map(|_| S::zero(ctx));
    for x in u {
        v = v.add(&x.v.sqr());
        d = zip(&d, &x.d, |acc, dx| acc.add(&x.v.mul(dx).mul_2si(1)));
    }
    D { v, d }
}

fn zip<S>(a: &Option<S>, b: &Option<S>, f: impl Fn(&S, &S) -> S) -> Option<S> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        _ => None,
    }
}
