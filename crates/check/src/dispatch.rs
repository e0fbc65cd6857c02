//! Dispatch from catalogue ids to the checks: static entries (data and initialisation) and
//! trajectory entries.

use crate::catalogue::{PredicateCheck, StaticCheck, TrajCheck};
use crate::hyp::{self, Params};
use crate::inst::Inst;
use crate::sweep::{Coverage, Origin};
use crate::thm8::{MSign, interpolator, sign_m};
use crate::verdict::{Location, Proof, Truth, Verdict, show};
use crate::{cel, generic, single};
use reluflow_arith::{Enclosure, Guarantee, Inconsistency, nonempty_all};
use reluflow_flow::{State, Status, Trajectory, UndecidedReason};
use reluflow_model::Problem;

fn truth_verdict<S>(t: Truth) -> Verdict<S> {
    match t {
        Truth::True(_) => Verdict::Holds { proof: Proof::Exact, range: "static".into() },
        Truth::False(r) => Verdict::violated(Location::Data, "the instance", None, format!("fails: {r}")),
        Truth::Undecided(r) => Verdict::undecided(r),
    }
}

/// Predicate entries (settings and assumptions): the verdict, whether it is validated, notes.
pub(crate) fn run_predicate<S: Enclosure>(
    c: PredicateCheck,
    p: &Problem,
    params: &Params,
    ctx: &S::Ctx,
) -> (Verdict<S>, bool, Vec<String>) {
    let enclosure = S::GUARANTEE == Guarantee::Enclosure;
    match c {
        PredicateCheck::Setting => (truth_verdict(cel::setting(p)), true, vec![]),
        PredicateCheck::Assumption1 => (truth_verdict(cel::assumption1::<S>(p, ctx)), true, vec![]),
        PredicateCheck::Assumption2 => (truth_verdict(cel::assumption2_full::<S>(p, params, ctx)), enclosure, vec![]),
        PredicateCheck::Assumption3 => (truth_verdict(cel::assumption3(p)), true, vec![]),
    }
}

/// Static entries (data and initialisation only): the verdict, whether it is validated, notes.
pub(crate) fn run_static<S: Enclosure>(c: StaticCheck, p: &Problem, ctx: &S::Ctx) -> (Verdict<S>, bool, Vec<String>) {
    let enclosure = S::GUARANTEE == Guarantee::Enclosure;
    match c {
        StaticCheck::SignM => match sign_m(p) {
            MSign::Negative(r) => {
                let v = Verdict::Holds { proof: Proof::Exact, range: "static".into() };
                (v, true, vec![format!("𝓜 < 0: {r}; Θ_v* are the minimum-norm interpolators")])
            }
            MSign::Unknown(r) => (Verdict::undecided(format!("sign of 𝓜 not decided: {r}")), true, vec![]),
            MSign::Positive(w) => {
                let mut notes = vec![format!("𝓜 > 0 (exact witness): {}", w.describe())];
                let Some(int) = interpolator::<S>(p, &w, ctx) else {
                    return (Verdict::undecided("the interpolator needs a teacher"), enclosure, notes);
                };
                notes.push(format!("rank-2 interpolator: ξ ∈ {}, ‖θ‖² ∈ {}", show(&int.xi), show(&int.norm_sq)));
                let two = S::from_i64(2, ctx);
                let v = if int.verified() {
                    Verdict::Holds { proof: Proof::Enclosures, range: "static".into() }
                } else if crate::sweep::certainly_le(&two, &int.norm_sq) {
                    // The proof's construction does not apply (e.g. ξ = 0 from a zero label); that
                    // is no proof that no interpolator with ‖θ‖² < 2 exists.
                    Verdict::undecided(format!(
                        "the proof's interpolator has ‖θ‖² ∈ {} ≥ 2 (ξ ∈ {}): its construction does not apply here, \
                         and whether another interpolator with ‖θ‖² < 2 exists is not decided",
                        show(&int.norm_sq),
                        show(&int.xi)
                    ))
                } else {
                    Verdict::undecided("the interpolator's enclosures are too wide to verify ‖θ‖² < 2")
                };
                (v, enclosure, notes)
            }
        },
        StaticCheck::Prop14 => yardsticks::<S>(p, ctx),
        StaticCheck::Prop13 | StaticCheck::Prop22 => match crate::cel::closed::all_yardsticks::<S>(p, ctx) {
            Err(v) => (v, enclosure, vec![]),
            Ok(ys) if c == StaticCheck::Prop13 => {
                let (v, notes) = crate::cel::closed::prop13_on(p, &ys, 8, ctx);
                (v, enclosure, notes)
            }
            Ok(ys) => {
                let g = crate::cel::closed::gamma_norm::<S>(p, ctx);
                let horizon = S::from_i64(16, ctx).div(&g);
                let (v, notes) = crate::cel::closed::prop22_on(p, &ys, &horizon, 8, ctx);
                (v, enclosure, notes)
            }
        },
    }
}

/// `cel.prop14-yardstick`: every yardstick of `J+ ∪ J−` with certified crossing order and times.
fn yardsticks<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> (Verdict<S>, bool, Vec<String>) {
    use crate::cel::yardstick::{YardError, yardstick};
    let Some((z, _)) = cel::directions(p) else { return (Verdict::undecided("no hidden layer"), true, vec![]) };
    let mut notes = Vec::new();
    let mut t0: Option<S> = None;
    for j in 0..z.len() {
        if cel::i_plus(p, &z[j]).is_empty() {
            continue;
        }
        match yardstick::<S>(p, j, ctx) {
            Ok(y) => {
                let order: Vec<usize> = y.crossings.iter().map(|c| c.point).collect();
                let taus: Vec<String> = y.crossings.iter().map(|c| show(&c.tau)).collect();
                notes.push(format!(
                    "neuron {j} (s = {:+}): n_j = {}, order {order:?}, τ = [{}]",
                    y.sign,
                    y.n_j,
                    taus.join(", ")
                ));
                if let Some(c) = y.crossings.last() {
                    t0 = Some(match t0 {
                        Some(t) => t.max(&c.tau),
                        None => c.tau.clone(),
                    });
                }
            }
            Err(YardError::Fails(why)) => {
                let v = Verdict::violated(Location::Data, format!("crossing structure of yardstick {j}"), None, why);
                return (v, true, notes);
            }
            Err(YardError::Undecided(why)) => {
                return (Verdict::undecided(format!("yardstick {j}: {why}")), true, notes);
            }
        }
    }
    let t0 = t0.map_or_else(|| S::one(ctx), |t| t.add(&S::one(ctx)));
    notes.push(format!("T0 = max_j τ_j^{{n_j}} + 1 ∈ {}", show(&t0)));
    (Verdict::Holds { proof: Proof::Enclosures, range: "static".into() }, true, notes)
}

/// `T0 = max_{j ∈ J+ ∪ J−} τ_j^{n_j} + 1` from the certified yardsticks.
fn t0<S: Enclosure>(p: &Problem, ctx: &S::Ctx) -> Result<S, String> {
    let (z, _) = cel::directions(p).ok_or("no hidden layer")?;
    let mut t0 = S::zero(ctx);
    for j in 0..z.len() {
        if cel::i_plus(p, &z[j]).is_empty() {
            continue;
        }
        let y = crate::cel::yardstick::yardstick::<S>(p, j, ctx).map_err(|e| format!("yardstick {j}: {e}"))?;
        if let Some(c) = y.crossings.last() {
            t0 = t0.max(&c.tau);
        }
    }
    Ok(t0.add(&S::one(ctx)))
}

/// The trajectory the checks run on: the given one, with the single-neuron tail `[T, ∞)` added
/// when it applies, and its segments refined (`params.refine` pieces). Computed once per report.
pub(crate) struct Prepared<S: Enclosure> {
    pub traj: Trajectory<S>,
    pub inst: Inst<S>,
    pub cov: Coverage,
    /// Set when the trajectory is not consistent (an empty enclosure, a run that stopped on an
    /// inconsistency, a refinement whose enclosures did not meet): every trajectory row is then
    /// this internal inconsistency, never a verdict.
    pub inconsistent: Option<Inconsistency>,
}

pub(crate) fn prepare<S: Enclosure>(p: &Problem, params: &Params, traj: &Trajectory<S>) -> Prepared<S> {
    let ctx = traj.t_final().ctx();
    let inst = Inst::<S>::new(p, &ctx);
    let tailed = single::with_single_tail(traj, &Coverage::of(traj)).unwrap_or_else(|| traj.clone());
    let identity = || (0..tailed.segments().len()).collect::<Vec<_>>();
    let refined = match consistent(&tailed) {
        Err(e) => Err(e),
        Ok(()) => crate::refine::refine_traced(&tailed, &inst, params.refine),
    };
    let (checked, origin, inconsistent) = match refined {
        Ok((t, origin)) => (t, origin, None),
        // A point run's "hulls" are not enclosures, so they need not meet: it stays unrefined (its
        // rows are labelled not validated anyway).
        Err(_) if matches!(tailed.status(), Status::NotValidated) => (tailed.clone(), identity(), None),
        Err(e) => (tailed.clone(), identity(), Some(e)),
    };
    let mut cov = Coverage::of(&checked);
    // Witnesses name the run's own segments: a refined piece its segment, the added tail itself.
    let certified = traj.segments().len();
    cov.origin = origin.into_iter().map(|k| if k < certified { Origin::Segment(k) } else { Origin::Tail }).collect();
    Prepared { traj: checked, inst, cov, inconsistent }
}

/// Every enclosure of `traj` encloses a real value (is non-empty), and the run did not stop on an
/// inconsistency: a verdict computed from an empty set would rest on nothing.
fn consistent<S: Enclosure>(traj: &Trajectory<S>) -> Result<(), Inconsistency> {
    if let Status::Undecided { reason: UndecidedReason::Inconsistent(e), .. } = traj.status() {
        return Err(e.clone());
    }
    let state = |site, st: &State<S>| st.w.iter().chain(&st.a).try_for_each(|block| nonempty_all(site, block));
    state("check: the initial state", traj.initial())?;
    for seg in traj.segments() {
        nonempty_all("check: a segment's times", &[seg.t_start().clone(), seg.t_end().clone()])?;
        state("check: a segment hull", seg.hull())?;
        state("check: a segment end", seg.end())?;
    }
    for ev in traj.events() {
        nonempty_all("check: an event time", std::slice::from_ref(&ev.t))?;
    }
    state("check: the final state", traj.final_state())?;
    if let Some(l) = traj.limit() {
        state("check: the limit", &l.state)?;
        nonempty_all("check: the limit loss", std::slice::from_ref(&l.loss))?;
    }
    Ok(())
}

/// Trajectory entries: the verdict and notes.
pub(crate) fn run_traj<S: Enclosure>(
    c: TrajCheck,
    p: &Problem,
    params: &Params,
    prep: &Prepared<S>,
) -> (Verdict<S>, Vec<String>) {
    if let Some(e) = &prep.inconsistent {
        return (e.clone().into(), vec![]);
    }
    let (traj, inst, cov) = (&prep.traj, &prep.inst, prep.cov.clone());
    let ctx = inst.ctx.clone();
    let data = p.data();
    match c {
        TrajCheck::LossNonincreasing => (generic::loss_nonincreasing(inst, traj, &cov), vec![]),
        TrajCheck::Balancedness => (generic::balancedness(inst, traj, &cov), vec![]),
        TrajCheck::SignPreserved => (generic::sign_preserved(traj, &cov), vec![]),
        TrajCheck::DeadFrozen => (generic::dead_frozen(inst, traj, &cov), vec![]),
        TrajCheck::Span => (generic::span(data.x(), traj, &cov), vec![]),
        TrajCheck::DistToInterpolant | TrajCheck::Thm8Distance => match hyp::w_star(p, params) {
            Some(ws) if ws.len() == data.d() => {
                let v = if c == TrajCheck::Thm8Distance {
                    single::thm8_distance(inst, &hyp::init_w(p)[0], &ws, traj, &cov)
                } else {
                    single::dist_to_interpolant(inst, data.x(), data.y(), &ws, traj, &cov)
                };
                (v, vec![])
            }
            _ => (Verdict::undecided("no zero-loss point w* of the right dimension"), vec![]),
        },
        TrajCheck::NormGrowth => (single::norm_growth(inst, data.x(), data.y(), traj, &cov), vec![]),
        TrajCheck::SupportVectorStability => {
            let (v, note) = single::support_vector_stability(data.n(), traj, &cov);
            (v, note.into_iter().collect())
        }
        TrajCheck::GlobalConvergenceD2 => (single::global_convergence(data.x(), data.y(), traj, &cov), vec![]),
        TrajCheck::Thm3Limit => match hyp::thm3_instance(p) {
            Some((alpha, gamma)) => (single::thm3_limit(&alpha, &gamma, traj), vec![]),
            None => (Verdict::undecided("not Vardi–Shamir's Theorem 3 instance"), vec![]),
        },
        TrajCheck::CelLemma3 => (crate::cel::traj::lemma3(p, &params.epsilon, &ctx, traj), vec![]),
        TrajCheck::CelLemma5 => (crate::cel::phase2::lemma5(p, &params.epsilon, inst, traj, &cov), vec![]),
        TrajCheck::CelLemma28 => (crate::cel::phase2::lemma28(p, &params.epsilon, inst, traj, &cov), vec![]),
        TrajCheck::CelLemma19 => (crate::cel::traj::lemma19(p, &params.epsilon, inst, traj, &cov), vec![]),
        TrajCheck::CelThm6 => match (crate::cel::delta::delta::<S>(p, &ctx), crate::cel::delta::eigen::<S>(p, &ctx)) {
            (Ok(delta), Ok(eig)) => crate::cel::thm6::thm6(p, &params.epsilon, inst, traj, &cov, &delta, &eig),
            (Err(why), _) | (_, Err(why)) => {
                (Verdict::undecided(format!("no certified enclosure of δ: {why}")), vec![])
            }
        },
        TrajCheck::CelThm7 => crate::cel::thm7::thm7_facts(p, &params.epsilon, inst, traj, &cov),
        TrajCheck::CelLemma4 => match t0::<S>(p, &ctx) {
            Ok(t0) => {
                let note = format!("T0 = max_j τ_j^{{n_j}} + 1 ∈ {}", show(&t0));
                (crate::cel::traj::lemma4(p, &t0, inst, traj, &cov), vec![note])
            }
            Err(why) => (Verdict::undecided(why), vec![]),
        },
    }
}
