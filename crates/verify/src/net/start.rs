//! The exact start of a two-layer certificate: the initial state enclosed, and the Clarke flow's
//! sliding from a start on a hyperplane.

use super::fi::Fi;
use super::field::{self, Data};
use crate::Fail;
use reluflow_certificate::{NetInit, NetProblem};
use rug::Rational;

/// The exact initial state, enclosed (`a_j = s_j‖w_j‖` of a balanced start is irrational).
pub fn initial(p: &NetProblem, dt: &Data) -> Vec<Fi> {
    let mut v = vec![Fi::zero(); dt.size()];
    for j in 0..dt.m {
        let (w, a) = match &p.init {
            NetInit::Explicit { w, a } => (w[j].clone(), Fi::q(&a[j])),
            NetInit::Balanced { scale, z, s } => {
                let w: Vec<Rational> = z[j].iter().map(|c| Rational::from(c * scale)).collect();
                let n2: Rational = w.iter().map(|c| Rational::from(c * c)).sum();
                let norm = Fi::q(&n2).sqrt();
                (w, if s[j] > 0 { norm } else { norm.neg() })
            }
        };
        for (l, c) in w.iter().enumerate() {
            v[j * (dt.d + 1) + l] = Fi::q(c);
        }
        v[dt.a(j)] = a;
    }
    v
}

/// The Clarke flow from a state on a hyperplane `x_iᵀw_j(0) = 0` (exactly) slides along it when
/// the hyperplane attracts from both sides there (`ρ⁻ > 0 > ρ⁺`; the steps prove it on, over
/// each a priori box); otherwise it may leave it or not be unique
/// (`proofs-notes/net-clarke-sliding.md`), which the verifier does not re-prove.
pub fn clarke(p: &NetProblem, dt: &mut Data, x0: &[Fi]) -> Result<(), Fail> {
    if !dt.clarke {
        return Ok(());
    }
    for j in 0..dt.m {
        let w: Vec<Rational> = match &p.init {
            NetInit::Explicit { w, .. } => w[j].clone(),
            NetInit::Balanced { scale, z, .. } => z[j].iter().map(|c| Rational::from(c * scale)).collect(),
        };
        for (i, x) in p.x.iter().enumerate() {
            let g: Rational = w.iter().zip(x).map(|(a, b)| Rational::from(a * b)).sum();
            if g != 0 {
                continue;
            }
            let at = format!("start / w[{j}]ᵀx[{i}]");
            let act = field::classify(dt, x0).map_err(|(k, l, _)| {
                Fail::unsupported(
                    at.clone(),
                    format!("a Clarke start on the hyperplanes of x_{i} and x_{l} (neuron {k})"),
                )
            });
            let (minus, plus) = dt.one_sided(&act?, x0, j, i);
            if !(minus.lo > 0 && plus.hi < 0) || dt.slides.iter().any(|s| s.0 == j) {
                let what = "a Clarke start on a hyperplane that does not attract from both sides, or on two";
                return Err(Fail::unsupported(at, what.into()));
            }
            dt.slides.push((j, i));
        }
    }
    Ok(())
}
