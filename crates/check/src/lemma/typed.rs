//! The resolved lemma: every name bound to a quantity of the model, every index checked.

use super::ast::{BinOp, Domain, Scope};
use super::error::Span;
use rug::Rational;

/// An index: a literal or a variable bound by a `forall` (its slot in the binding stack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ix {
    /// A fixed neuron or point.
    Lit(usize),
    /// The variable bound by the `forall` at this depth.
    Var(usize),
}

/// A vector quantity.
#[derive(Clone, Debug, PartialEq)]
pub enum Vector {
    /// `w_j(t)`.
    W(Ix),
    /// `w_j(0)`.
    W0(Ix),
    /// The data point `x_i`.
    X(Ix),
    /// A constant vector.
    Const(Vec<Rational>),
}

/// A scalar quantity.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// A constant.
    Const(Rational),
    /// The time.
    T,
    /// The loss.
    Loss,
    /// The residual `r_i = h(x_i) − y_i`.
    Resid(Ix),
    /// The label `y_i`.
    Label(Ix),
    /// `a_j(t)`.
    A(Ix),
    /// `a_j(0)`.
    A0(Ix),
    /// `u·v`.
    Dot(Vector, Vector),
    /// `‖v‖²`.
    NormSq(Vector),
    /// `‖v‖`.
    Norm(Vector),
    /// `cos ∠(u, v) = u·v / (‖u‖‖v‖)`.
    Cos(Vector, Vector),
    /// `a_j² − ‖w_j‖²`.
    Balance(Ix),
    /// `|A_j|`, the number of points active for neuron `j`.
    Count(Ix),
    /// An arithmetic operation (`+ - * /`).
    Bin(BinOp, Box<Num>, Box<Num>),
    /// `−e`.
    Neg(Box<Num>),
    /// `e^k`.
    Pow(Box<Num>, u32),
    /// `d/dt e` along the flow (nested at most twice: `d2/dt2 e` is `d/dt d/dt e`).
    Ddt(Box<Num>),
    /// The event's time.
    EventT,
    /// The event's point or neuron, as a number.
    EventInt(EventInt),
}

/// An integer of the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventInt {
    /// `point`.
    Point,
    /// `neuron`.
    Neuron,
}

/// An integer that can be a set member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// An index.
    Ix(Ix),
    /// The event's point or neuron.
    Event(EventInt),
}

/// A set of points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    /// `active(j)`.
    Active(Ix),
    /// Points deactivated for this event's neuron by an earlier event.
    DeactivatedBefore,
    /// Points activated for this event's neuron by an earlier event.
    ActivatedBefore,
}

/// Where a comparison and its left side are in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spans {
    /// The whole clause.
    pub clause: Span,
    /// Its left side.
    pub lhs: Span,
}

/// A claim.
#[derive(Clone, Debug, PartialEq)]
pub enum Formula {
    /// A constant truth value.
    Bool(bool),
    /// `lhs op rhs`, with the spans of the clause and of its left side.
    Cmp(BinOp, Num, Num, Spans),
    /// `kind == "…"` (`false`) or `!=` (`true`).
    Kind(String, bool, Span),
    /// `member in set` (`false`) or `not in` (`true`).
    In(Member, Set, bool, Span),
    /// `not f`.
    Not(Box<Formula>, Span),
    /// `f and g` / `f or g` / `f implies g`.
    Logic(BinOp, Box<Formula>, Box<Formula>),
    /// `f` whose comparison's left side is named `String` in messages (e.g. `d/dt cos ∠(w[0], w[2])`
    /// for `angle(w[0], w[2]) is nonincreasing`).
    Named(String, Box<Formula>),
    /// `forall v in domain: f`; the variable is slot `usize`, named `String` in messages.
    Forall(usize, Domain, String, Box<Formula>),
}

/// A lemma ready to be checked on one model.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Where in time.
    pub scope: Scope,
    /// What.
    pub body: Formula,
    /// Whether the claim involves a time derivative (checked only where a pattern is known).
    pub derivative: bool,
    /// Whether it involves a second time derivative (the sites then carry `θ̈`).
    pub second: bool,
    /// Whether the claim involves the time `t`.
    pub uses_t: bool,
}

impl Num {
    /// Does it contain `d/dt`?
    pub fn has_ddt(&self) -> bool {
        self.ddt_order() > 0
    }
    /// The highest order of time derivative it contains (`d/dt d/dt x`: 2).
    pub fn ddt_order(&self) -> u8 {
        match self {
            Num::Ddt(a) => 1 + a.ddt_order(),
            Num::Bin(_, a, b) => a.ddt_order().max(b.ddt_order()),
            Num::Neg(a) | Num::Pow(a, _) => a.ddt_order(),
            _ => 0,
        }
    }
    /// Does it contain `t`?
    pub fn has_t(&self) -> bool {
        match self {
            Num::T => true,
            Num::Bin(_, a, b) => a.has_t() || b.has_t(),
            Num::Neg(a) | Num::Pow(a, _) | Num::Ddt(a) => a.has_t(),
            _ => false,
        }
    }
}

impl Formula {
    /// Does any numeric part satisfy `f`?
    pub fn any_num(&self, f: &dyn Fn(&Num) -> bool) -> bool {
        match self {
            Formula::Cmp(_, a, b, _) => f(a) || f(b),
            Formula::Not(g, _) | Formula::Forall(_, _, _, g) | Formula::Named(_, g) => g.any_num(f),
            Formula::Logic(_, g, h) => g.any_num(f) || h.any_num(f),
            _ => false,
        }
    }
}
