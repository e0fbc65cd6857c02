//! Splitting long segments into shorter ones with tighter hulls, from the field alone, so that the
//! hull-based checks become more decisive. See `proofs-notes/thm-gen.loss-nonincreasing.md`,
//! "Refinement".
//!
//! On a segment `[t₀, t₁]` with constant pattern, hull `B` and start enclosure `W₀ ∋ θ(t₀)`, for
//! exact interior times `s₁ < … < s_{N−1}` and every piece `[s_k, s_{k+1}]` (with `s₀ = t₀`,
//! `s_N = t₁`): `θ(t) − θ(s_k) = ∫ f(θ) ∈ [0, s_{k+1} − s_k]·f(B)` (mean value / integral form, `f`
//! the pattern's field), so `B_k = (W_k + [0, h]·f(B)) ∩ B` holds the piece, tightened once more
//! with `f(B_k)`, and `W_{k+1} = (W_k + (s_{k+1} − s_k)·f(B_k)) ∩ B` holds `θ(s_{k+1})`.

use crate::inst::Inst;
use crate::refine_affine::{Affine, meet_w};
use reluflow_arith::{Enclosure, Inconsistency, meet_all};
use reluflow_flow::{Segment, SegmentParts, State, Trajectory};
use rug::Rational;

/// `a ∩ b` for two enclosures of one state ([`meet_all`] on every block).
fn meet<S: Enclosure>(site: &'static str, a: &State<S>, b: &State<S>) -> Result<State<S>, Inconsistency> {
    Ok(State {
        w: a.w.iter().zip(&b.w).map(|(x, y)| meet_all(site, x, y)).collect::<Result<_, _>>()?,
        a: match (&a.a, &b.a) {
            (Some(x), Some(y)) => Some(meet_all(site, x, y)?),
            _ => None,
        },
    })
}

/// `W + h·f` for a state `W`, a time factor `h` (an enclosure) and the velocity `f`.
fn step<S: Enclosure>(w: &State<S>, h: &S, inst: &Inst<S>, at: &State<S>, seg: &Segment<S>) -> State<S> {
    let v = inst.velocity(at, seg.pattern());
    let add = |x: &[S], dx: &[S]| x.iter().zip(dx).map(|(a, d)| a.add(&h.mul(d))).collect::<Vec<S>>();
    State {
        w: w.w.iter().zip(&v.w).map(|(x, d)| add(x, d)).collect(),
        a: match (&w.a, &v.a) {
            (Some(x), Some(d)) => Some(add(x, d)),
            _ => None,
        },
    }
}

/// Most re-evaluations of a piece hull `B ← (W + [0, h]·f(B)) ∩ B`: each is an enclosure when `B`
/// is, and for a linear field the width contracts by about `h·G·‖M‖` per pass.
const TIGHTEN: usize = 12;

/// The piece hull `b` tightened by re-evaluating the field on it until it stops shrinking.
fn tighten<S: Enclosure>(
    w: &State<S>,
    span: &S,
    inst: &Inst<S>,
    mut b: State<S>,
    seg: &Segment<S>,
) -> Result<State<S>, Inconsistency> {
    for _ in 0..TIGHTEN {
        let next = meet("check: refinement, tightened piece hull", &step(w, span, inst, &b, seg), &b)?;
        let shrunk = width(&next) < 0.99 * width(&b);
        b = next;
        if !shrunk {
            break;
        }
    }
    Ok(b)
}

/// The largest coordinate width of a state enclosure.
fn width<S: Enclosure>(st: &State<S>) -> f64 {
    st.w.iter().chain(&st.a).flatten().map(|c| c.upper_f64() - c.lower_f64()).fold(0.0, f64::max)
}

/// The trajectory with every finite segment of positive length split into `pieces` segments
/// (same pattern) with hulls from the field; events, limit and status unchanged.
///
/// # Errors
/// [`Inconsistency`] when two enclosures of one state do not meet (the trajectory's hull and end,
/// or the field's enclosure of a piece): a correct trajectory never produces one, so the checks
/// must not run on it.
pub fn refine<S: Enclosure>(traj: &Trajectory<S>, inst: &Inst<S>, pieces: u32) -> Result<Trajectory<S>, Inconsistency> {
    refine_traced(traj, inst, pieces).map(|(t, _)| t)
}

/// [`refine`], with the index in `traj` of the segment each refined segment was cut from.
///
/// # Errors
/// As [`refine`].
pub fn refine_traced<S: Enclosure>(
    traj: &Trajectory<S>,
    inst: &Inst<S>,
    pieces: u32,
) -> Result<(Trajectory<S>, Vec<usize>), Inconsistency> {
    if pieces < 2 {
        return Ok((traj.clone(), (0..traj.segments().len()).collect()));
    }
    let ctx = inst.ctx.clone();
    let mut out = Vec::new();
    let mut origin = Vec::new();
    let mut start = traj.initial().clone();
    for (index, seg) in traj.segments().iter().enumerate() {
        let (lo, hi) = (seg.t_start().upper_f64(), seg.t_end().lower_f64());
        let finite = seg.t_end().upper_f64().is_finite() && lo.is_finite() && hi.is_finite();
        if !finite || hi <= lo {
            out.push(seg.clone().into_parts());
            origin.push(index);
            start = seg.end().clone();
            continue;
        }
        // Exact interior split times strictly inside (t₀.hi, t₁.lo).
        let times: Vec<S> = (1..pieces)
            .map(|k| {
                let s = lo + (hi - lo) * f64::from(k) / f64::from(pieces);
                S::from_rational(&Rational::from_f64(s).unwrap_or_default(), &ctx)
            })
            .collect();
        let mut bounds = vec![seg.t_start().clone()];
        bounds.extend(times);
        bounds.push(seg.t_end().clone());
        let zero = S::zero(&ctx);
        let aff = Affine::of(inst, seg);
        let mut w = meet("check: refinement, start of a segment ∩ its hull", &start, seg.hull())?;
        for k in 0..bounds.len() - 1 {
            let (a, b) = (&bounds[k], &bounds[k + 1]);
            let len = b.sub(a); // encloses the piece's exact length
            let span = zero.hull(&len.hi_point()); // [0, max length]
            let b0 = meet(
                "check: refinement, piece hull ∩ segment hull",
                &step(&w, &span, inst, seg.hull(), seg),
                seg.hull(),
            )?;
            let mut bk = tighten(&w, &span, inst, b0, seg)?;
            let affine = match &aff {
                Some(f) => Some(f.piece(&w.w[0], &len, &seg.hull().w[0])?),
                None => None,
            };
            if let Some((hull, _)) = &affine {
                bk = meet_w("check: refinement, affine piece hull ∩ field piece hull", &bk, hull)?;
            }
            let mut end = meet("check: refinement, piece end ∩ piece hull", &step(&w, &len, inst, &bk, seg), &bk)?;
            if let Some((_, e)) = &affine {
                end = meet_w("check: refinement, affine piece end ∩ field piece end", &end, e)?;
            }
            if k == bounds.len() - 2 {
                end = meet("check: refinement, last piece end ∩ segment end", &end, seg.end())?;
            }
            origin.push(index);
            out.push(SegmentParts {
                t_start: a.clone(),
                t_end: b.clone(),
                pattern: seg.pattern().clone(),
                hull: bk,
                end: end.clone(),
            });
            w = end;
        }
        start = seg.end().clone();
    }
    // The pieces keep the contract: each piece's hull and end meet the segment's (same shape,
    // finite where it is), and the split times chain from its start to its end. Should they not, the
    // unrefined trajectory is checked instead: coarser, and as sound.
    match traj.clone().edit(|p| p.segments = out) {
        Ok(t) => Ok((t, origin)),
        Err(e) => {
            debug_assert!(false, "a refinement broke the trajectory contract: {e}");
            Ok((traj.clone(), (0..traj.segments().len()).collect()))
        }
    }
}
