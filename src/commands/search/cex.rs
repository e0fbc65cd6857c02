//! The files of a certified counterexample, written as soon as it is found: `cex-<case>.toml` (a
//! problem file that `reluflow check` accepts and that reproduces it; a lemma rides along as a
//! `[[lemma]]` table), `cex-<case>.json` (the JSON report of `reluflow check` on that file) and
//! `cex-<case>.md` (a short entry for a reader).

use super::target::Target;
use crate::cli::Output;
use crate::commands::check::{Checks, check_run_with};
use crate::commands::{
    certify::Streams,
    integrate::{Run, integrate_with},
};
use crate::report::DEFAULT_DIGITS;
use crate::spec::{exact_text, to_toml};
use reluflow_check::lemma::{Lemma, check_lemmas};
use reluflow_check::{Params, RowStatus, Selection};
use reluflow_model::{Horizon, Problem};
use reluflow_search::{CaseRecord, FINE_REFINE};
use std::path::{Path, PathBuf};

/// Writes counterexample files into one directory.
#[derive(Debug)]
pub struct CexWriter {
    dir: PathBuf,
    target: Target,
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
    /// A writer into `dir` for the search of `target` with `seed`.
    pub fn new(dir: &Path, target: &Target, seed: u64) -> CexWriter {
        CexWriter { dir: dir.to_path_buf(), target: target.clone(), seed }
    }

    /// The command that reproduces case `case` under `sel` (run inside the output directory): the
    /// entry with the search's switches, or the file alone, whose `[[lemma]]` table is checked
    /// with the catalogue (the lemma's row reproduces the counterexample).
    pub fn command(&self, case: u64, sel: &Selection) -> String {
        match self.target.entry() {
            Some(e) => format!("reluflow check {}.toml --theorem {}{}", stem(case), e.id, flags(sel)),
            None => format!("reluflow check {}.toml{}", stem(case), flags(sel)),
        }
    }

    /// The lemma as `check` names the file's only `[[lemma]]` table, for a lemma search.
    fn lemmas(&self) -> Vec<(String, Lemma)> {
        let lemma = self.target.lemma_text().and_then(|t| Lemma::parse(t).ok());
        lemma.map(|l| ("lemma-1".to_string(), l)).into_iter().collect()
    }

    /// The selection whose `reluflow check` reproduces the counterexample `p`: the plan's, or —
    /// when the search needed the finer check of [`FINE_REFINE`] sub-hulls to certify it, as its
    /// judge does for a row the default leaves undecided — the plan's with that refinement.
    fn reproducing(&self, p: &Problem) -> Selection {
        let sel = self.target.selection().clone();
        if sel.params.refine >= FINE_REFINE {
            return sel;
        }
        let Ok(Run::Interval(traj)) = integrate_with(p, None) else { return sel };
        let status = match self.target.entry() {
            Some(e) => {
                reluflow_check::check(p, &traj, &sel).rows.into_iter().find(|r| r.entry.id == e.id).map(|r| r.status)
            }
            None => {
                check_lemmas(p, &traj, &self.lemmas(), &sel.params).ok().and_then(|mut r| r.pop()).map(|r| r.status)
            }
        };
        match status {
            Some(RowStatus::Undecided) => {
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
                self.what(),
                self.seed,
                rec.case
            ),
            format!("Reproduce: {}", self.command(rec.case, &sel)),
        ];
        let save = |ext: &str, text: &str| {
            let path = base.with_extension(ext);
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let table = self.target.lemma_text().map(|t| reluflow_format::lemma_table(t, None)).unwrap_or_default();
        save("toml", &format!("{}{table}", to_toml(p, &header)))?;
        let (report, outcome) = self.check_report(p, &sel);
        save("json", &report)?;
        save("md", &self.markdown(rec, p, &outcome, &sel))
    }

    /// The entry or the lemma, in words.
    fn what(&self) -> String {
        match self.target.lemma_text() {
            None => self.target.name().to_string(),
            Some(text) => format!("the lemma `{text}`"),
        }
    }

    /// The reproducing command's check (`--json`) on `p`, and its exit code in words.
    fn check_report(&self, p: &Problem, sel: &Selection) -> (String, String) {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Streams { stdout: &mut stdout, stderr: &mut stderr };
        let out = Output { json: true, digits: DEFAULT_DIGITS };
        let lemmas = self.lemmas();
        let checks = Checks { selection: sel, catalogue: true, lemmas: &lemmas };
        let exit = integrate_with(p, None).and_then(|run| check_run_with(p, run, checks, out, &mut io));
        match exit {
            Ok(e) => (String::from_utf8_lossy(&stdout).into_owned(), format!("exit {} ({})", e.code(), e.name())),
            Err(f) => {
                let doc = serde_json::json!({ "status": f.exit.name(), "exit_code": f.exit.code(), "message": f.to_string() });
                (format!("{doc:#}\n"), format!("exit {} ({f})", f.exit.code()))
            }
        }
    }

    fn markdown(&self, rec: &CaseRecord, p: &Problem, outcome: &str, sel: &Selection) -> String {
        let mut md = format!("# Counterexample to `{}` (case {})\n\n", self.target.name(), rec.case);
        match self.target.entry() {
            Some(e) => md.push_str(&format!("**Statement** ({}): {}\n\n", e.source, e.statement)),
            None => md.push_str(&format!("**Lemma**: `{}`\n\n", self.target.lemma_text().unwrap_or_default())),
        }
        md.push_str("**Hypotheses assumed** (each certainly true on this instance):");
        let wanted = self.target.assumed();
        let mut assumed: Vec<&reluflow_check::Hyp> = Vec::new();
        for h in reluflow_check::catalogue().iter().flat_map(|e| e.hypotheses) {
            if wanted.contains(&h.id) && !assumed.iter().any(|a| a.id == h.id) {
                assumed.push(h);
            }
        }
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
        let arithmetic = match p.run().arithmetic {
            reluflow_model::Arithmetic::MpfrInterval => format!("{}-bit MPFR intervals", p.run().precision),
            _ => "f64 intervals".into(),
        };
        md.push_str(&format!("**Witness** (certified, {arithmetic}): {witness}\n\n"));
        md.push_str(&format!(
            "**Reproduce** (in this directory): `{}` → {outcome}; the report is `{}.json`.\n",
            self.command(rec.case, sel),
            stem(rec.case)
        ));
        md
    }
}
