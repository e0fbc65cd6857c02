//! Evaluation of a resolved lemma at one *site* of a trajectory: a segment hull with its pattern
//! (every time of the segment), an instant (the initial state, a segment end), the limit, or an
//! event. Numbers are enclosures; `d/dt` is forward mode: every quantity is carried with an
//! enclosure of its derivative along the pattern's vector field, evaluated on the same hull (the
//! field is never differenced).

use super::ast::BinOp;
use super::typed::{EventInt, Formula, Ix};
use crate::inst::{Inst, Velocity};
use reluflow_arith::{Enclosure, Scalar};
use reluflow_flow::{EventKind, Pattern, State};

mod jet;
mod logic;
mod member;
mod num;

use logic::{and, compare, or};

/// An event seen from a lemma: its kind, point, neuron, time, and the points an earlier event
/// activated or deactivated for the same neuron.
#[derive(Clone, Debug)]
pub struct EventSite<S> {
    /// What happens.
    pub kind: EventKind,
    /// The point.
    pub point: usize,
    /// The neuron.
    pub neuron: usize,
    /// The time enclosure.
    pub t: S,
    /// Points deactivated for `neuron` by earlier events.
    pub deactivated_before: Vec<usize>,
    /// Points activated for `neuron` by earlier events.
    pub activated_before: Vec<usize>,
}

/// Where a lemma is evaluated.
pub struct Site<'a, S: Scalar> {
    /// The state enclosure (none at an event).
    pub state: Option<&'a State<S>>,
    /// The pattern of the open segment (hulls and the limit), which defines `d/dt`.
    pub pattern: Option<&'a Pattern>,
    /// The time enclosure.
    pub t: S,
    /// The initial state (for `a0`, `w0`).
    pub initial: &'a State<S>,
    /// The event, at an event.
    pub event: Option<&'a EventSite<S>>,
    /// The field on the state under the pattern (filled when a derivative is needed).
    pub velocity: Option<Velocity<S>>,
    /// The acceleration `θ̈ = Df(θ)·f(θ)` on the state under the pattern (filled when a second
    /// derivative is needed).
    pub acceleration: Option<Velocity<S>>,
}

/// A clause that is certainly false at a site: its text, the enclosures of its sides, and the
/// left side's enclosure for the witness.
#[derive(Clone, Debug)]
pub struct Fail<S> {
    /// The clause, e.g. `d/dt norm(w)^2 >= 0` (with bound variables named).
    pub clause: String,
    /// The quantity whose enclosure is `value` (the comparison's left side), else the clause.
    pub quantity: String,
    /// Each side's enclosure, in words.
    pub detail: String,
    /// The left side's enclosure.
    pub value: Option<S>,
}

/// Three-valued truth at one site.
#[derive(Clone, Debug)]
pub enum Tri<S> {
    /// Certainly true.
    True,
    /// Certainly false, with the failing clause.
    False(Fail<S>),
    /// Not decided, with why.
    Unknown(String),
}

/// Evaluates formulas of one lemma (its text for clause names) on one instance.
pub struct Eval<'a, S: Scalar> {
    /// The lemma's text.
    pub text: &'a str,
    /// The instance.
    pub inst: &'a Inst<S>,
    /// Whether to write out clauses and enclosures (for witnesses and reasons). The truth values
    /// are the same either way; a sweep runs quietly and explains only the sites it reports.
    pub explain: bool,
}

type Res<T> = Result<T, String>;

impl<S: Enclosure> Eval<'_, S> {
    /// The truth of `f` at `site` with the bound variables `vars`.
    pub fn truth(&self, f: &Formula, site: &Site<'_, S>, vars: &mut Vec<usize>) -> Tri<S> {
        match f {
            Formula::Bool(true) => Tri::True,
            Formula::Bool(false) => Tri::False(fail("false".into(), String::new())),
            Formula::Cmp(op, a, b, spans) => {
                let clause = self.clause(spans.clause);
                match (self.num(a, site, vars, 0), self.num(b, site, vars, 0)) {
                    (Ok(x), Ok(y)) => compare(*op, x.v, y.v, clause, self.clause(spans.lhs), self.explain),
                    (Err(why), _) | (_, Err(why)) => Tri::Unknown(format!("`{clause}`: {why}")),
                }
            }
            Formula::Kind(k, negated, span) => {
                let Some(e) = site.event else { return Tri::Unknown("not at an event".into()) };
                let holds = (e.kind.name() == k) != *negated;
                let detail = format!("the event is a `{}`", e.kind.name());
                boolean(holds, self.clause(*span), detail)
            }
            Formula::In(m, set, negated, span) => self.membership(*m, *set, *negated, self.clause(*span), site, vars),
            Formula::Not(g, span) => match self.truth(g, site, vars) {
                Tri::True => Tri::False(fail(self.clause(*span), "its negation holds".into())),
                Tri::False(_) => Tri::True,
                u @ Tri::Unknown(_) => u,
            },
            Formula::Logic(BinOp::And, g, h) => and(self.truth(g, site, vars), || self.truth(h, site, vars)),
            Formula::Logic(BinOp::Or, g, h) => or(self.truth(g, site, vars), || self.truth(h, site, vars)),
            Formula::Logic(_, g, h) => {
                let not_g = match self.truth(g, site, vars) {
                    Tri::True => Tri::False(fail(String::new(), String::new())),
                    Tri::False(_) => Tri::True,
                    u @ Tri::Unknown(_) => u,
                };
                or(not_g, || self.truth(h, site, vars))
            }
            Formula::Named(name, g) => match self.truth(g, site, vars) {
                Tri::False(mut f) => {
                    f.detail = f.detail.replace("left side", name);
                    f.quantity = name.clone();
                    Tri::False(f)
                }
                Tri::Unknown(why) => Tri::Unknown(why.replace("left side", name)),
                t => t,
            },
            Formula::Forall(slot, dom, name, body) => {
                let size = match dom {
                    super::ast::Domain::Neurons => site.initial.w.len(),
                    super::ast::Domain::Points => self.inst.n(),
                };
                let mut acc = Tri::True;
                for k in 0..size {
                    vars.truncate(*slot);
                    vars.push(k);
                    let t = self.bound(self.truth(body, site, vars), name, k);
                    acc = and(acc, || t);
                    if matches!(acc, Tri::False(_)) {
                        break;
                    }
                }
                vars.truncate(*slot);
                acc
            }
        }
    }

    /// The clause's text (empty when not explaining).
    fn clause(&self, span: super::error::Span) -> String {
        if !self.explain {
            return String::new();
        }
        self.text.get(span.start..span.end).unwrap_or("?").to_string()
    }

    /// `t` with the value of the bound variable `name = k` added to its clause or reason.
    fn bound(&self, t: Tri<S>, name: &str, k: usize) -> Tri<S> {
        if !self.explain {
            return t;
        }
        match t {
            Tri::False(mut f) => {
                f.clause = format!("{} ({name} = {k})", f.clause);
                f.quantity = format!("{} ({name} = {k})", f.quantity);
                Tri::False(f)
            }
            Tri::Unknown(why) => Tri::Unknown(format!("{why} ({name} = {k})")),
            t => t,
        }
    }
}

fn idx(ix: Ix, vars: &[usize]) -> usize {
    match ix {
        Ix::Lit(k) => k,
        Ix::Var(slot) => vars[slot],
    }
}

fn event_int<S>(e: &EventSite<S>, w: EventInt) -> usize {
    match w {
        EventInt::Point => e.point,
        EventInt::Neuron => e.neuron,
    }
}

fn fail<S>(clause: String, detail: String) -> Fail<S> {
    Fail { quantity: clause.clone(), clause, detail, value: None }
}

fn boolean<S>(holds: bool, clause: String, detail: String) -> Tri<S> {
    if holds { Tri::True } else { Tri::False(fail(clause, detail)) }
}
