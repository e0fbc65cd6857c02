//! The files of a certified counterexample, written as soon as it is found: `cex-<case>.toml` (a
//! problem file that `reluflow check` accepts and that reproduces it), `cex-<case>.json` (the
//! JSON report of `reluflow check` on that file) and `cex-<case>.md` (a short entry for a reader).

use crate::cli::Output;
use crate::commands::certify::{Run, Streams, integrate_with};
use crate::commands::check::check_run;
use crate::report::DEFAULT_DIGITS;
use crate::spec::{exact_text, to_toml};
use reluflow_check::{Entry, Params, RowStatus, Selection};
use reluflow_model::{Horizon, Problem};
use reluflow_search::{CaseRecord, FINE_REFINE, Plan};
use std::path::{Path, PathBuf};

/// Writes counterexample files into one directory.
#[derive(Debug)]
pub struct CexWriter {
    dir: PathBuf,
    plan: Plan,
    seed: u64,
}

/// The base name of case `case`'s files (`cex-<case>`).
pub fn stem(case: u64) -> String {
    format!("cex-{case}")
}

/// The `check` flags that select `sel`'s switches and parameters.
pub fn flags(sel: &Selection) -> String {
    let mut out = String::new();
    for (key, on) in &sel.assume {
        out.push_str(&if *on { format!(" --assume {key}") } else { format!(" --no-assume {key}") });
    }
    let p = &sel.params;
    if let Some(r) = &p.init_norm_bound {
        out.push_str(&format!(" --small-init-radius {}", exact_text(r)));
    }
    if p.epsilon != rug::Rational::from((1, 4)) {
        out.push_str(&format!(" --epsilon {}", exact_text(&p.epsilon)));
    }
    if let Some(w) = &p.w_star {
        out.push_str(&format!(" --w-star {}", w.iter().map(exact_text).collect::<Vec<_>>().join(",")));
    }
    if p.refine != Params::default().refine {
        out.push_str(&format!(" --refine {}", p.refine));
    }
    out
}

impl CexWriter {
    /// A writer into `dir` for the search of `plan` with `seed`.
    pub fn new(dir: &Path, plan: &Plan, seed: u64) -> CexWriter {
        CexWriter { dir: dir.to_path_buf(), plan: plan.clone(), seed }
    }

    /// The command that reproduces case `case` under `sel` (run inside the output directory).
    pub fn command(&self, case: u64, sel: &Selection) -> String {
        let id = self.plan.entry().id;
        format!("reluflow check {}.toml --theorem {id}{}", stem(case), flags(sel))
    }

    /// The selection whose `reluflow check` reproduces the counterexample `p`: the plan's, or —
    /// when the search needed the finer check of [`FINE_REFINE`] sub-hulls to certify it, as its
    /// judge does for a row the default leaves undecided — the plan's with that refinement.
    fn reproducing(&self, p: &Problem) -> Selection {
        let sel = self.plan.selection().clone();
        if sel.params.refine >= FINE_REFINE {
            return sel;
        }
        let Ok(Run::Interval(traj)) = integrate_with(p, None) else { return sel };
        let id = self.plan.entry().id;
        let row = reluflow_check::check(p, &traj, &sel).rows.into_iter().find(|r| r.entry.id == id);
        match row {
            Some(r) if r.status == RowStatus::Undecided => {
                Selection { params: Params { refine: FINE_REFINE, ..sel.params.clone() }, ..sel }
            }
            _ => sel,
        }
    }

    /// Writes the three files of `rec`'s counterexample `p`.
    pub fn write(&self, rec: &CaseRecord, p: &Problem) -> Result<(), String> {
        let base = self.dir.join(stem(rec.case));
        let sel = self.reproducing(p);
        let header = [
            format!(
                "A certified counterexample to {} found by `reluflow search` (seed {}, case {}).",
                self.plan.entry().id,
                self.seed,
                rec.case
            ),
            format!("Reproduce: {}", self.command(rec.case, &sel)),
        ];
        let save = |ext: &str, text: &str| {
            let path = base.with_extension(ext);
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        save("toml", &to_toml(p, &header))?;
        let (report, outcome) = self.check_report(p, &sel);
        save("json", &report)?;
        save("md", &self.markdown(rec, p, &outcome, &sel))
    }

    /// `reluflow check FILE --theorem ID --json` on `p`, and its exit code in words.
    fn check_report(&self, p: &Problem, sel: &Selection) -> (String, String) {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
        let out = Output { json: true, digits: DEFAULT_DIGITS };
        let exit = integrate_with(p, None).and_then(|run| check_run(p, run, sel, out, &mut io));
        match exit {
            Ok(e) => (String::from_utf8_lossy(&stdout).into_owned(), format!("exit {} ({})", e.code(), e.name())),
            Err(f) => {
                let doc = serde_json::json!({ "status": f.exit.name(), "exit_code": f.exit.code(), "message": f.to_string() });
                (format!("{doc:#}\n"), format!("exit {} ({f})", f.exit.code()))
            }
        }
    }

    fn markdown(&self, rec: &CaseRecord, p: &Problem, outcome: &str, sel: &Selection) -> String {
        let e: &Entry = self.plan.entry();
        let mut md = format!("# Counterexample to `{}` (case {})\n\n", e.id, rec.case);
        md.push_str(&format!("**Statement** ({}): {}\n\n", e.source, e.statement));
        md.push_str("**Hypotheses assumed** (each certainly true on this instance):");
        let assumed: Vec<_> = e.hypotheses.iter().filter(|h| self.plan.assumed().contains(&h.id)).collect();
        if assumed.is_empty() {
            md.push_str(" none.\n");
        } else {
            md.push('\n');
            for h in assumed {
                md.push_str(&format!("- `{}`: {}\n", h.id, h.statement));
            }
        }
        let data = p.data();
        let horizon = match &p.run().t_end {
            Horizon::Finite(t) => format!("t ∈ [0, {}]", exact_text(t)),
            Horizon::Infinite => "t ∈ [0, ∞) and the limit".into(),
        };
        let how = match &rec.shrunk {
            Some(s) if std::ptr::eq(p, &s.problem) => {
                format!(" (shrunk from the drawn one; {} of {} shrinking steps accepted)", s.accepted, s.steps)
            }
            _ if rec.certified_on.is_some() => " (the drawn one, its horizon cut just after the witness)".into(),
            _ => " (as drawn)".into(),
        };
        md.push_str(&format!(
            "\n**Instance**{how}: {}, d = {}, n = {}, width {}, {horizon}, in `{}.toml`.\n\n",
            p.model().name(),
            data.d(),
            data.n(),
            p.init().width(),
            stem(rec.case)
        ));
        let witness = match &rec.shrunk {
            Some(s) if std::ptr::eq(p, &s.problem) => s.certified.text.clone(),
            _ => rec.certified.as_ref().map_or(String::new(), |j| j.text.clone()),
        };
        md.push_str(&format!("**Witness** (certified, f64 intervals): {witness}\n\n"));
        md.push_str(&format!(
            "**Reproduce** (in this directory): `{}` → {outcome}; the report is `{}.json`.\n",
            self.command(rec.case, sel),
            stem(rec.case)
        ));
        md
    }
}
