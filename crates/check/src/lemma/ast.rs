//! The syntax tree of a lemma, every node with its span.

use super::error::Span;
use rug::Rational;

/// Where in time a lemma is asserted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `forall t:` (also the default): every time of the run's horizon.
    Always,
    /// `forall t in [a, b]:`.
    Between(Rational, Rational),
    /// `forall t >= a:`.
    From(Rational),
    /// `eventually:`: some time of the horizon.
    Eventually,
    /// `at every event:`: every proved switch.
    Events,
    /// `at the limit:`: the certified limit `t → ∞`.
    Limit,
    /// `after the last event:`: every time from the last proved switch on (the whole horizon
    /// when there is none).
    AfterLastEvent,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `·` (dot product of vectors)
    Dot,
    /// `^` (a non-negative integer power)
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
    /// `implies`
    Implies,
}

impl BinOp {
    /// Is it a comparison?
    pub fn is_cmp(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne)
    }
    /// Its symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Dot => "·",
            BinOp::Pow => "^",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Implies => "implies",
        }
    }
}

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Where it is in the text.
    pub span: Span,
}

/// The kinds of node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A number, exactly.
    Num(Rational),
    /// A string literal (event kinds).
    Str(String),
    /// A name: `t`, `loss`, `w`, `kind`, a bound index, …
    Name(String),
    /// `name[index]`.
    Index(String, Box<Node>),
    /// `name(args)`.
    Call(String, Vec<Node>),
    /// `[c1, c2, …]`: a constant vector.
    Vector(Vec<Node>),
    /// Unary minus.
    Neg(Box<Node>),
    /// `not`.
    Not(Box<Node>),
    /// A binary operation.
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `d/dt e`: the time derivative along the flow (`d2/dt2 e` is `d/dt d/dt e`).
    Ddt(Box<Node>),
    /// `|e|`: the size of a set.
    Size(Box<Node>),
    /// `e is nonincreasing` (`false`) / `nondecreasing` (`true`).
    Monotone(Box<Node>, bool),
    /// `e in set` (`false`) / `e not in set` (`true`).
    In(Box<Node>, Box<Node>, bool),
    /// `forall v: body` over neurons or points (the domain is inferred from the uses, or given by
    /// `forall v in neurons` / `in points`).
    Forall(String, Option<Domain>, Box<Node>),
    /// `true` / `false`.
    Bool(bool),
}

/// What an index variable ranges over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Neurons `0 … m−1`.
    Neurons,
    /// Data points `0 … n−1`.
    Points,
}

/// A parsed lemma.
#[derive(Clone, Debug, PartialEq)]
pub struct Ast {
    /// The time scope.
    pub scope: Scope,
    /// The claim.
    pub body: Node,
}
