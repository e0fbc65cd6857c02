//! Second-order quantities of the field on an enclosure under a pattern: the residuals' rates,
//! the acceleration `θ̈ = Df(θ)·f(θ)` and the loss's second derivative
//! (`proofs-notes/lemma-language.md`, "Second derivatives").

use super::{Inst, Velocity};
use reluflow_arith::{Scalar, linalg};
use reluflow_flow::{Pattern, State};

impl<S: Scalar> Inst<S> {
    /// `ṙ_i` on the open segment with `pattern`, given the field `vel` on the same state:
    /// `x_iᵀẇ` for an active point (single neuron), `Σ_{j: i∈A_j} (ȧ_j σ(z_ij) + a_j x_iᵀẇ_j)`
    /// (two-layer); `0` for a point no neuron sees.
    pub fn residual_rates(&self, st: &State<S>, pattern: &Pattern, vel: &Velocity<S>) -> Vec<S> {
        let act = self.activations(st, Some(pattern));
        let mut rdot = vec![S::zero(&self.ctx); self.n()];
        for (j, wdot) in vel.w.iter().enumerate() {
            for &i in &pattern.active[j] {
                let xw = linalg::dot(&self.x[i], wdot, &self.ctx);
                match (&st.a, &vel.a) {
                    (Some(a), Some(adot)) => {
                        rdot[i].add_mul_assign(&adot[j], &act[j][i]);
                        rdot[i].add_mul_assign(&a[j], &xw);
                    }
                    _ => rdot[i] = rdot[i].add(&xw),
                }
            }
        }
        rdot
    }

    /// The acceleration `θ̈ = Df(θ)·f(θ)` of the flow on the open segment with `pattern`, where
    /// `vel = f(θ)` on the same state enclosure. With `ġ_j = −G Σ_{i∈A_j} ṙ_i x_i`: `ẅ = ġ`
    /// (single neuron); `ẅ_j = ȧ_j g_j + a_j ġ_j`, `ä_j = ẇ_jᵀg_j + w_jᵀġ_j` (two-layer, where
    /// `w_jᵀx_i = σ(z_ij)` for an active point on the closed segment); zero for frozen neurons.
    /// Every factor is an enclosure over the state's hull, so the result encloses `θ̈(t)` at every
    /// time of the open segment (`proofs-notes/lemma-language.md`, "Second derivatives").
    pub fn acceleration(&self, st: &State<S>, pattern: &Pattern, vel: &Velocity<S>) -> Velocity<S> {
        let rdot = self.residual_rates(st, pattern, vel);
        let act = self.activations(st, Some(pattern));
        let g = self.g(st, pattern);
        let d = self.x.first().map_or(0, Vec::len);
        let mut ww = Vec::with_capacity(st.w.len());
        let mut aa = Vec::with_capacity(st.w.len());
        for j in 0..st.w.len() {
            let mut gdot = vec![S::zero(&self.ctx); d];
            let mut w_gdot = S::zero(&self.ctx);
            if !pattern.frozen.get(j).copied().unwrap_or(false) {
                for &i in &pattern.active[j] {
                    let coef = self.g.mul(&rdot[i]).neg();
                    for k in 0..d {
                        gdot[k].add_mul_assign(&coef, &self.x[i][k]);
                    }
                    w_gdot.add_mul_assign(&coef, &act[j][i]);
                }
            }
            match (&st.a, &vel.a) {
                (Some(a), Some(adot)) => {
                    let w = (0..d).map(|k| adot[j].mul(&g[j][k]).add(&a[j].mul(&gdot[k]))).collect();
                    ww.push(w);
                    aa.push(linalg::dot(&vel.w[j], &g[j], &self.ctx).add(&w_gdot));
                }
                _ => ww.push(gdot),
            }
        }
        Velocity { w: ww, a: st.a.as_ref().map(|_| aa) }
    }
}

impl<S: Scalar> Inst<S> {
    /// `L̈` on the open segment with `pattern`, given the field `vel` on the same state:
    /// `L̈ = 2θ̇ᵀHθ̇ = 2G Σ_i (ṙ_i² + 2 r_i Σ_{j: i∈A_j} ȧ_j x_iᵀẇ_j)` (single neuron:
    /// `2G Σ_i ṙ_i²`, certainly ≥ 0), from `θ̈ = −Hθ̇` and the Hessian of the pattern's loss
    /// `L = c Σ r_i²` (`G = 2c`; `proofs-notes/lemma-language.md`, "Second derivatives").
    pub fn loss_accel(&self, st: &State<S>, pattern: &Pattern, vel: &Velocity<S>) -> S {
        let r = self.residuals(st, Some(pattern));
        let rdot = self.residual_rates(st, pattern, vel);
        let mut s = S::zero(&self.ctx);
        for (i, ri) in rdot.iter().enumerate() {
            let mut term = ri.sqr();
            if let Some(adot) = &vel.a {
                let mut cross = S::zero(&self.ctx);
                for (j, wdot) in vel.w.iter().enumerate() {
                    if pattern.active[j].contains(&i) {
                        cross.add_mul_assign(&adot[j], &linalg::dot(&self.x[i], wdot, &self.ctx));
                    }
                }
                term = term.add(&r[i].mul(&cross).mul_2si(1));
            }
            s = s.add(&term);
        }
        self.g.mul(&s).mul_2si(1)
    }
}
