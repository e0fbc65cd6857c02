//! Every place where the checker meets two enclosures of one value, or relies on an enclosure
//! being non-empty, turns a failure into an internal inconsistency — never a verdict
//! (`proofs-notes/defence-in-depth.md`). Each site is made to fail by
//! `reluflow_arith::meet::inject`; the row must then be `RowStatus::Inconsistent` naming the site,
//! and the report's outcome `Outcome::Inconsistent`. `SITES` must list every site of the checker;
//! the workspace's source-rules test checks that it does.

mod common;

use common::*;
use reluflow_arith::meet::inject;
use reluflow_arith::{Enclosure, Interval, MpInterval};
use reluflow_check::*;
use reluflow_flow::net::validated::{ValidatedOptions, certify};
use reluflow_flow::{Status, Trajectory, UndecidedReason};
use reluflow_model::*;

/// The checker's sites, each with the catalogue entry whose check reaches it.
const SITES: &[(&str, &str)] = &[
    ("check: d/dt ½‖w‖², centred form ∩ product form", "lsy.norm-growth"),
    ("check: d/dt w̄_jᵀw̄_k, general form ∩ equal-pattern form", "cel.lemma28-angles"),
    ("check: refinement, start of a segment ∩ its hull", "lsy.norm-growth"),
    ("check: refinement, piece hull ∩ segment hull", "lsy.norm-growth"),
    ("check: refinement, tightened piece hull", "lsy.norm-growth"),
    ("check: refinement, piece end ∩ piece hull", "lsy.norm-growth"),
    ("check: refinement, last piece end ∩ segment end", "lsy.norm-growth"),
    ("check: refinement, affine point-flow hull", "lsy.norm-growth"),
    ("check: refinement, affine piece hull ∩ field piece hull", "lsy.norm-growth"),
    ("check: refinement, affine piece end ∩ field piece end", "lsy.norm-growth"),
    ("check: the initial state", "gen.loss-nonincreasing"),
    ("check: a segment's times", "gen.loss-nonincreasing"),
    ("check: a segment hull", "gen.loss-nonincreasing"),
    ("check: a segment end", "gen.loss-nonincreasing"),
    ("check: an event time", "cel.lemma28-angles"),
    ("check: the final state", "gen.loss-nonincreasing"),
    ("check: the limit", "lsy.norm-growth"),
    ("check: the limit loss", "lsy.norm-growth"),
];

/// A two-layer run with switches (the equal-pattern branch of Lemma 28 and events).
fn lemma28_run() -> (Problem, Trajectory<Interval>) {
    let p = cel_problem("6");
    let t = certify::<Interval>(&p, &(), &ValidatedOptions::default()).unwrap();
    (p, t)
}

fn report_for<S: Enclosure>(id: &str, site: &str, p: &Problem, t: &Trajectory<S>) -> (CheckReport<S>, usize) {
    let sel = Selection { ids: vec![id.into()], ..Selection::default() };
    let armed = inject::arm(site_static(site));
    let report = check(p, t, &sel);
    (report, armed.hits())
}

/// The site names are `'static` in the table; look the argument up there.
fn site_static(site: &str) -> &'static str {
    SITES.iter().map(|(s, _)| *s).find(|s| *s == site).expect("a listed site")
}

fn assert_inconsistent<S: Enclosure>(site: &str, report: &CheckReport<S>, hits: usize) {
    assert!(hits > 0, "the check did not reach the site {site:?}");
    let row = &report.rows[0];
    assert_eq!(row.status, RowStatus::Inconsistent, "{site}: {}", row.conclusion);
    match &row.conclusion {
        Verdict::Inconsistent { inconsistency } => assert_eq!(inconsistency.site(), site),
        v => panic!("{site}: expected an inconsistency, got {v}"),
    }
    assert_eq!(report.outcome(), Outcome::Inconsistent);
}

#[test]
fn every_checker_site_reports_an_inconsistency() {
    let fin = growth_holds_problem(Horizon::Finite(q("8")));
    let inf = growth_holds_problem(Horizon::Infinite);
    let (p28, t28) = lemma28_run();
    for &(site, id) in SITES {
        if id == "cel.lemma28-angles" {
            let (report, hits) = report_for(id, site, &p28, &t28);
            assert_inconsistent(site, &report, hits);
            continue;
        }
        let (report, hits) = if site.contains("limit") {
            report_for(id, site, &inf, &growth_holds::<MpInterval>(&128, true))
        } else {
            report_for(id, site, &fin, &growth_holds::<MpInterval>(&128, false))
        };
        assert_inconsistent(site, &report, hits);
    }
}

/// A trajectory whose run stopped on an inconsistency yields no verdict, only the inconsistency.
#[test]
fn a_run_that_stopped_inconsistent_is_not_checked() {
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let mut t = growth_holds::<MpInterval>(&128, false);
    let armed = inject::arm("check: the initial state");
    let e = check(&p, &t, &Selection::default());
    drop(armed);
    let Verdict::Inconsistent { inconsistency } =
        &e.rows.iter().find(|r| r.entry.id == "lsy.norm-growth").unwrap().conclusion
    else {
        panic!("expected an inconsistency");
    };
    t = t
        .edit(|p| {
            p.status = Status::Undecided {
                reason: UndecidedReason::Inconsistent(inconsistency.clone()),
                certified_until: MpInterval::from_f64_bounds(1.0, 1.0, &128),
            };
        })
        .unwrap();
    let r = check(&p, &t, &Selection { ids: vec!["lsy.norm-growth".into()], ..Selection::default() });
    assert_eq!(r.rows[0].status, RowStatus::Inconsistent);
    assert_eq!(r.outcome(), Outcome::Inconsistent);
}

/// An empty enclosure in a trajectory (no injection: a genuinely empty hull) proves nothing.
#[test]
fn an_empty_hull_is_an_inconsistency_not_a_proof() {
    let p = growth_holds_problem(Horizon::Finite(q("8")));
    let t = growth_holds::<Interval>(&(), false);
    let empty = |p: &mut reluflow_flow::TrajectoryParts<Interval>| p.segments[0].hull.w[0][0] = Interval::empty(&());
    // A certified trajectory cannot carry one (its constructor refuses it) ...
    assert!(t.clone().edit(empty).is_err());
    // ... but an undecided one can, and the checker still refuses to read it.
    let until = *t.t_final();
    let undecided = |p: &mut reluflow_flow::TrajectoryParts<Interval>| {
        p.status = Status::Undecided { reason: UndecidedReason::StepUnderflow, certified_until: until };
    };
    let t = t.edit(|p| {
        empty(p);
        undecided(p);
    });
    let t = t.unwrap();
    for id in ["lsy.norm-growth", "gen.loss-nonincreasing", "gen.span"] {
        let r = check(&p, &t, &Selection { ids: vec![id.into()], ..Selection::default() });
        assert_eq!(r.rows[0].status, RowStatus::Inconsistent, "{id}: {}", r.rows[0].conclusion);
    }
}
