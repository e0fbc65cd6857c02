//! The enclosures of the lemma's numbers and vectors at a site, with their time derivatives in
//! forward mode from the pattern's field.

use super::super::ast::BinOp;
use super::super::typed::{Ix, Num, Vector};
use super::jet::{D, add, div, dot, mul, neg, norm_sq, pow, sqrt, sub, zip};
use super::{Eval, Res, Site, event_int, idx};
use crate::inst::Velocity;
use reluflow_arith::{Enclosure, Scalar, linalg};
use rug::Rational;

impl<S: Enclosure> Eval<'_, S> {
    /// The enclosure of `e` with its first `order` (0 to 2) time derivatives.
    pub(super) fn num(&self, e: &Num, site: &Site<'_, S>, vars: &[usize], order: u8) -> Res<D<S>> {
        let ctx = &self.inst.ctx;
        let c = |v: S| D::constant(v, order, ctx);
        let st = || site.state.ok_or_else(|| "no state here".to_string());
        Ok(match e {
            Num::Const(q) => c(S::from_rational(q, ctx)),
            Num::T => D { d: (order >= 1).then(|| S::one(ctx)), ..c(site.t.clone()) },
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
                let [d, d2] = self.rates(site, order, |f| f.a.as_ref().map(|a| a[j].clone()))?;
                D { v, d, d2 }
            }
            Num::Count(j) => c(self.count(site, idx(*j, vars))?),
            Num::Resid(i) => self.residual(site, idx(*i, vars), order)?,
            Num::Loss => self.loss(site, order)?,
            Num::Dot(u, v) => dot(&self.vector(u, site, vars, order)?, &self.vector(v, site, vars, order)?, ctx),
            Num::NormSq(u) => norm_sq(&self.vector(u, site, vars, order)?, ctx),
            Num::Norm(u) => sqrt(&norm_sq(&self.vector(u, site, vars, order)?, ctx)),
            Num::Cos(u, v) => {
                let (u, v) = (self.vector(u, site, vars, order)?, self.vector(v, site, vars, order)?);
                let den = mul(&sqrt(&norm_sq(&u, ctx)), &sqrt(&norm_sq(&v, ctx)));
                div(&dot(&u, &v, ctx), &den)
            }
            Num::Balance(j) => {
                let j = idx(*j, vars);
                let a = self.num(&Num::A(Ix::Lit(j)), site, vars, order)?;
                let w = self.vector(&Vector::W(Ix::Lit(j)), site, vars, order)?;
                let a2 = D { v: a.v.sqr(), ..mul(&a, &a) };
                sub(&a2, &norm_sq(&w, ctx))
            }
            Num::Bin(op, a, b) => {
                let (a, b) = (self.num(a, site, vars, order)?, self.num(b, site, vars, order)?);
                match op {
                    BinOp::Add => add(&a, &b),
                    BinOp::Sub => sub(&a, &b),
                    BinOp::Mul => mul(&a, &b),
                    _ => div(&a, &b),
                }
            }
            Num::Neg(a) => neg(&self.num(a, site, vars, order)?),
            Num::Pow(a, k) => pow(&self.num(a, site, vars, order)?, *k, ctx),
            Num::Ddt(a) => {
                if site.pattern.is_none() {
                    return Err(ON_SEGMENTS.into());
                }
                if order >= 2 {
                    return Err("derivatives beyond the second are not supported".into());
                }
                // d/dt shifts the jet: the inner quantity with one derivative more.
                let x = self.num(a, site, vars, order + 1)?;
                D { v: x.d.ok_or("no derivative")?, d: if order >= 1 { x.d2 } else { None }, d2: None }
            }
        })
    }

    /// The field `θ̇` and, for `order = 2`, the acceleration `θ̈` at the site.
    fn flow<'s>(&self, site: &'s Site<'_, S>, order: u8) -> Res<[Option<&'s Velocity<S>>; 2]> {
        let vel = if order >= 1 { Some(site.velocity.as_ref().ok_or(ON_SEGMENTS)?) } else { None };
        let acc = if order >= 2 { Some(site.acceleration.as_ref().ok_or(ON_SEGMENTS)?) } else { None };
        Ok([vel, acc])
    }

    /// The first `order` rates of a state component, `f` picking it from `θ̇` and `θ̈`.
    fn rates(&self, site: &Site<'_, S>, order: u8, f: impl Fn(&Velocity<S>) -> Option<S>) -> Res<[Option<S>; 2]> {
        let [vel, acc] = self.flow(site, order)?;
        let pick = |x: Option<&Velocity<S>>| x.map(|x| f(x).ok_or("no such derivative")).transpose();
        Ok([pick(vel)?, pick(acc)?])
    }

    /// `L = c Σ r_i²`, `L' = −‖θ̇‖²` and `L'' = 2θ̇ᵀHθ̇` ([`crate::inst::Inst::loss_accel`]) on every segment
    /// (the gradient flow of the pattern's loss, which equals `L` on the closed segment):
    /// enclosures of the same values as the chain rule's, the first of certain sign, the second
    /// too for the single neuron.
    fn loss(&self, site: &Site<'_, S>, order: u8) -> Res<D<S>> {
        let ctx = &self.inst.ctx;
        let mut acc = S::zero(ctx);
        for i in 0..self.inst.n() {
            acc = acc.add(&self.residual(site, i, 0)?.v.sqr());
        }
        let [vel, _] = self.flow(site, order)?;
        let d = vel.map(|v| speed_sq(v, ctx).neg());
        let d2 = match (order >= 2, vel, site.state, site.pattern) {
            (true, Some(v), Some(st), Some(p)) => Some(self.inst.loss_accel(st, p, v)),
            _ => None,
        };
        Ok(D { v: acc.mul(&self.inst.c), d, d2 })
    }

    fn vector(&self, v: &Vector, site: &Site<'_, S>, vars: &[usize], order: u8) -> Res<Vec<D<S>>> {
        let ctx = &self.inst.ctx;
        let consts = |xs: &[S]| xs.iter().map(|x| D::constant(x.clone(), order, ctx)).collect();
        Ok(match v {
            Vector::X(i) => consts(&self.inst.x[idx(*i, vars)]),
            Vector::W0(j) => consts(&site.initial.w[idx(*j, vars)]),
            Vector::Const(qs) => consts(&qs.iter().map(|q| S::from_rational(q, ctx)).collect::<Vec<_>>()),
            Vector::W(j) => {
                let j = idx(*j, vars);
                let w = &site.state.ok_or("no state here")?.w[j];
                let [vel, acc] = self.flow(site, order)?;
                let at = |f: Option<&Velocity<S>>, k: usize| f.map(|f| f.w[j][k].clone());
                w.iter().enumerate().map(|(k, x)| D { v: x.clone(), d: at(vel, k), d2: at(acc, k) }).collect()
            }
        })
    }

    /// `r_i`, `ṙ_i = Σ_{j: i ∈ A_j} (ȧ_j z_ij + a_j x_iᵀẇ_j)` and
    /// `r̈_i = Σ_{j: i ∈ A_j} (ä_j z_ij + 2 ȧ_j x_iᵀẇ_j + a_j x_iᵀẅ_j)` (single neuron: `x_iᵀẇ`,
    /// `x_iᵀẅ` if active).
    fn residual(&self, site: &Site<'_, S>, i: usize, order: u8) -> Res<D<S>> {
        let st = site.state.ok_or("no state here")?;
        let r = self.inst.residuals(st, site.pattern).swap_remove(i);
        if order == 0 {
            return Ok(D { v: r, d: None, d2: None });
        }
        let (Some(p), [Some(vel), acc]) = (site.pattern, self.flow(site, order)?) else {
            return Err(ON_SEGMENTS.into());
        };
        let ctx = &self.inst.ctx;
        let (mut dr, mut ddr) = (S::zero(ctx), acc.map(|_| S::zero(ctx)));
        for (j, wj) in st.w.iter().enumerate() {
            if !p.active[j].contains(&i) {
                continue;
            }
            let xw = linalg::dot(&self.inst.x[i], &vel.w[j], ctx);
            let xww = acc.map(|acc| linalg::dot(&self.inst.x[i], &acc.w[j], ctx));
            match (&st.a, &vel.a) {
                (Some(a), Some(adot)) => {
                    let z = self.inst.z(wj, i);
                    dr.add_mul_assign(&adot[j], &z);
                    dr.add_mul_assign(&a[j], &xw);
                    if let (Some(ddr), Some(acc), Some(xww)) = (ddr.as_mut(), acc, &xww) {
                        let aa = acc.a.as_ref().ok_or("no output weights")?;
                        ddr.add_mul_assign(&aa[j], &z);
                        ddr.add_mul_assign(&adot[j].mul_2si(1), &xw);
                        ddr.add_mul_assign(&a[j], xww);
                    }
                }
                _ => {
                    dr = dr.add(&xw);
                    ddr = zip(&ddr, &xww, |s, x| s.add(x));
                }
            }
        }
        Ok(D { v: r, d: Some(dr), d2: ddr })
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

const ON_SEGMENTS: &str = "d/dt is defined only on segments (between switches)";

/// `‖θ̇‖² = Σ_j ‖ẇ_j‖² + Σ_j ȧ_j²` (squares, never below 0).
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
