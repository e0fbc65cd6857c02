//! The enclosures of the lemma's numbers and vectors at a site, with their time derivatives in
//! forward mode from the pattern's field.

use super::super::ast::BinOp;
use super::super::typed::{Ix, Num, Vector};
use super::jet::{D, add, div, dot, mul, norm_sq, pow, sqrt, sub};
use super::{Eval, Res, Site, event_int, idx};
use crate::inst::Velocity;
use reluflow_arith::{Enclosure, Scalar, linalg};
use rug::Rational;

impl<S: Enclosure> Eval<'_, S> {
    /// The enclosure of `e` (and of its derivative when `want_d`).
    pub(super) fn num(&self, e: &Num, site: &Site<'_, S>, vars: &[usize], want_d: bool) -> Res<D<S>> {
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
