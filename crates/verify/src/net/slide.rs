//! The Clarke flow's sliding (`proofs-notes/net-clarke-sliding.md`; the verifier's argument in
//! `proofs-notes/certificate-verifier-net.md`, "Sliding"): a neuron `j` whose guard `x_iᵀw_j`
//! reaches 0 where both one-sided fields point into the hyperplane (`ρ⁻ > 0 > ρ⁺`) slides along
//! it with the field `Π_i f_off` (`field.rs`), uniquely while the hyperplane attracts.

use super::cross::{Crossed, guard_rate, kept, patterns, revival};
use super::fi::Fi;
use super::field::{Data, Pattern, field, field_with};
use super::step::inflate;

/// Every sliding pair's hyperplane attracts from both sides on `e` in the pattern `p`.
pub fn attracting(dt: &Data, p: &Pattern, e: &[Fi]) -> Result<(), String> {
    for &(j, i) in &dt.slides {
        let (minus, plus) = dt.one_sided(p, e, j, i);
        if !(minus.lo > 0 && plus.hi < 0) {
            return Err(format!("the hyperplane of x_{i} is not proved to attract neuron {j} from both sides"));
        }
    }
    Ok(())
}

/// The window of length `h` from the box `x` in which the guard `(j, i)` reaches its hyperplane
/// and neuron `j` starts to slide along it: the displacement `h·hull(f_old(E), Π_i f_off(E))`
/// over it and the pair's class (on: a sliding point counts as active), or why not. Proved:
///
/// 1. the guard has a strict sign `s` on `x`, every other guard a certain class (or a forced one
///    kept) on the a priori box `E ⊇ x + [0, h]·hull(f_old(E), Π_i f_off(E))`;
/// 2. under the old side's field the guard's rate has the sign `−s` on `E`, and
///    `g(x) + h·ġ_old(E)` too: every solution reaches the hyperplane by the window's end;
/// 3. the hyperplane attracts from both sides on `E` (`ρ⁻ > 0 > ρ⁺`), and every hyperplane
///    already slid along still does: from its arrival on, the solution slides, uniquely, and stays
///    in `E`.
pub fn arrive(dt: &Data, x: &[Fi], (j, i): (usize, usize), h: &Fi) -> Result<Crossed, String> {
    if dt.slides.iter().any(|&(k, _)| k == j) {
        return Err(format!("neuron {j} would slide along two hyperplanes"));
    }
    let g = dt.guard(x, j, i);
    let s = if g.lo > 0 {
        1
    } else if g.hi < 0 {
        -1
    } else {
        return Err(format!("the guard w_{j}ᵀx_{i} has no strict sign at the window's start"));
    };
    let mut with = dt.slides.clone();
    with.push((j, i));
    #[allow(clippy::type_complexity)]
    let fields = |e: &[Fi]| -> Result<([Pattern; 2], Vec<Fi>, Vec<Fi>), String> {
        let mut old = patterns(dt, e, &[(j, i)])?.swap_remove(0);
        old[j][i] = s > 0;
        let mut off = old.clone();
        off[j][i] = false;
        let (a, b) = (field(dt, &old, e), field_with(dt, &off, e, &with));
        Ok(([old, off], a, b))
    };
    let hz = h.with_zero();
    let reach = |a: &[Fi], b: &[Fi]| -> Vec<Fi> {
        x.iter().zip(a.iter().zip(b)).map(|(v, (p, q))| v.add(&p.hull(q).mul(&hz))).collect()
    };
    let (_, a, b) = fields(x)?;
    let mut e: Vec<Fi> = reach(&a, &b).iter().map(inflate).collect();
    let mut found = None;
    for _ in 0..8 {
        if !e.iter().all(Fi::finite) {
            break;
        }
        let (off, a, b) = fields(&e)?;
        let f = reach(&a, &b);
        if f.iter().zip(&e).all(|(u, v)| u.within(v)) {
            found = Some((f, off, a, b));
            break;
        }
        e = f.iter().map(inflate).collect();
    }
    let (e, [before, off], old, slid) = found.ok_or("no a priori enclosure of the window")?;
    let rate = guard_rate(dt, &old, j, i);
    let after = g.add(&rate.mul(h));
    let arrives = if s > 0 { rate.hi < 0 && after.hi < 0 } else { rate.lo > 0 && after.lo > 0 };
    if !arrives {
        return Err(format!("the guard w_{j}ᵀx_{i} is not proved to reach its hyperplane in the window"));
    }
    let (minus, plus) = dt.one_sided(&off, &e, j, i);
    if !(minus.lo > 0 && plus.hi < 0) {
        return Err(format!("the hyperplane of x_{i} is not proved to attract neuron {j} from both sides"));
    }
    attracting(dt, &before, &e)?;
    attracting(dt, &off, &e)?;
    revival(dt, &before, &e)?;
    revival(dt, &off, &e)?;
    kept(dt, &e, &[(j, i)], &[old.clone(), slid.clone()])?;
    let shift = old.iter().zip(&slid).map(|(p, q)| p.hull(q).mul(h)).collect();
    Ok((shift, vec![(j, i, true)]))
}
