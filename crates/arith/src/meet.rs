//! Meeting two enclosures of one exact value, checked.
//!
//! Validated integrators and checkers often hold two enclosures of the same real number (the state
//! from the Taylor step and from the a priori box, a derivative in two algebraic forms) and keep
//! their intersection. Both contain the exact value, so they **always meet**; an empty meeting
//! means one of them is not an enclosure, i.e. a bug upstream. Resolving it silently (keeping one
//! side, skipping the step) would let the program go on saying *certified* on top of a false
//! enclosure. [`meet`] and [`meet_all`] are the one checked operation for this: they return the
//! intersection or an [`Inconsistency`] that names the site and both enclosures, and callers stop
//! the run there (`proofs-notes/defence-in-depth.md`).
//!
//! An empty operand is an inconsistency too: the empty set encloses no real value.
//!
//! With the cargo feature `inject-inconsistency` (tests only), `inject::arm` makes the meeting at
//! one named site fail as if the second enclosure were empty, so a test can check what the run
//! does with an inconsistency at every site.

use crate::exact::{Dir, bound_decimal};
use crate::scalar::Enclosure;
use std::fmt;
use thiserror::Error;

/// Two enclosures of one exact value that do not meet (or an empty one): an internal
/// inconsistency. Carries the site and both enclosures (outward-rounded decimals), never a result.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub struct Inconsistency {
    site: &'static str,
    component: Option<usize>,
    a: String,
    b: String,
}

impl Inconsistency {
    /// The site: where in the program the two enclosures should have met.
    pub fn site(&self) -> &'static str {
        self.site
    }
    /// The component of a vector (state coordinate) where they did not meet, if any.
    pub fn component(&self) -> Option<usize> {
        self.component
    }
    /// The first enclosure, as `[lo, hi]` with outward-rounded 17-digit decimals.
    pub fn first(&self) -> &str {
        &self.a
    }
    /// The second enclosure, as `[lo, hi]`.
    pub fn second(&self) -> &str {
        &self.b
    }
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internal inconsistency at {}: two enclosures of one exact value do not meet", self.site)?;
        if let Some(c) = self.component {
            write!(f, " (component {c})")?;
        }
        write!(f, ": {} and {}", self.a, self.b)
    }
}

/// An enclosure as `[lo, hi]` (17 significant digits, rounded outward; `[empty]` for ∅).
pub fn show_enclosure<S: Enclosure>(x: &S) -> String {
    if x.is_empty() {
        return "[empty]".to_string();
    }
    format!("[{}, {}]", bound_decimal(&x.lower(), 17, Dir::Down), bound_decimal(&x.upper(), 17, Dir::Up))
}

fn check<S: Enclosure>(site: &'static str, component: Option<usize>, a: &S, b: &S) -> Result<S, Inconsistency> {
    #[cfg(feature = "inject-inconsistency")]
    let injected = inject::fires(site).then(|| S::empty(&b.ctx()));
    #[cfg(feature = "inject-inconsistency")]
    let b = injected.as_ref().unwrap_or(b);
    let m = a.intersect(b);
    if m.is_empty() {
        Err(Inconsistency { site, component, a: show_enclosure(a), b: show_enclosure(b) })
    } else {
        Ok(m)
    }
}

/// `a ∩ b` for two enclosures of one exact value; [`Inconsistency`] (naming `site`) when it is
/// empty. Guarantee: the result contains every real that both contain.
///
/// ```
/// use reluflow_arith::{Enclosure, Interval, Scalar, meet};
/// let a = Interval::from_f64_bounds(0.0, 2.0, &());
/// let b = Interval::from_f64_bounds(1.0, 3.0, &());
/// assert_eq!(meet("doc: overlap", &a, &b).unwrap(), Interval::from_f64_bounds(1.0, 2.0, &()));
/// let c = Interval::from_f64_bounds(5.0, 6.0, &());
/// let err = meet("doc: disjoint", &a, &c).unwrap_err();
/// assert_eq!(err.site(), "doc: disjoint");
/// assert!(meet("doc: empty", &a, &Interval::empty(&())).is_err());
/// ```
///
/// # Errors
/// [`Inconsistency`] when `a ∩ b = ∅` (including an empty operand).
pub fn meet<S: Enclosure>(site: &'static str, a: &S, b: &S) -> Result<S, Inconsistency> {
    check(site, None, a, b)
}

/// [`meet`] component by component for two vectors of equal length; the error names the first
/// component where they do not meet.
///
/// # Errors
/// [`Inconsistency`] at the first empty component.
///
/// # Panics
/// When the lengths differ (a programming error, not an enclosure fault).
pub fn meet_all<S: Enclosure>(site: &'static str, a: &[S], b: &[S]) -> Result<Vec<S>, Inconsistency> {
    assert_eq!(a.len(), b.len(), "meet_all at {site}: vectors of different lengths");
    a.iter().zip(b).enumerate().map(|(c, (x, y))| check(site, Some(c), x, y)).collect()
}

/// Checks that every enclosure of `xs` is non-empty (each encloses a real value, so ∅ is a bug);
/// the error names the first empty one. Same as `meet_all(site, xs, xs)`.
///
/// # Errors
/// [`Inconsistency`] at the first empty enclosure.
pub fn nonempty_all<S: Enclosure>(site: &'static str, xs: &[S]) -> Result<(), Inconsistency> {
    xs.iter().enumerate().try_for_each(|(c, x)| check(site, Some(c), x, x).map(|_| ()))
}

/// Tests only (feature `inject-inconsistency`): make the meeting at one site fail.
#[cfg(feature = "inject-inconsistency")]
pub mod inject {
    use std::cell::Cell;

    thread_local! {
        static ARMED: Cell<Option<&'static str>> = const { Cell::new(None) };
        static HITS: Cell<usize> = const { Cell::new(0) };
    }

    /// While the returned guard lives, every [`super::meet`] at `site` on this thread fails as if
    /// its second enclosure were empty.
    pub fn arm(site: &'static str) -> Armed {
        ARMED.with(|a| a.set(Some(site)));
        HITS.with(|h| h.set(0));
        Armed(())
    }

    /// The guard of [`arm`]; disarms on drop.
    #[derive(Debug)]
    pub struct Armed(());

    impl Armed {
        /// How many meetings the injection made fail so far.
        pub fn hits(&self) -> usize {
            HITS.with(Cell::get)
        }
    }

    impl Drop for Armed {
        fn drop(&mut self) {
            ARMED.with(|a| a.set(None));
        }
    }

    pub(super) fn fires(site: &'static str) -> bool {
        let on = ARMED.with(|a| a.get() == Some(site));
        if on {
            HITS.with(|h| h.set(h.get() + 1));
        }
        on
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interval, MpInterval};

    #[test]
    fn disjoint_and_empty_are_inconsistent() {
        let a = MpInterval::from_f64_bounds(0.0, 1.0, &64);
        let b = MpInterval::from_f64_bounds(2.0, 3.0, &64);
        let e = meet("unit: disjoint", &a, &b).unwrap_err();
        assert_eq!((e.site(), e.component()), ("unit: disjoint", None));
        assert_eq!((e.first(), e.second()), ("[0, 1]", "[2, 3]"));
        assert!(e.to_string().contains("do not meet"), "{e}");
        assert!(meet("unit: empty", &MpInterval::empty(&64), &a).is_err());
        let touching = meet("unit: touch", &a, &MpInterval::from_f64_bounds(1.0, 2.0, &64)).unwrap();
        assert!(touching.contains_rational(&1.into()) && touching.width_upper() == 0.0);
    }

    #[test]
    fn meet_all_names_the_component() {
        let a = vec![Interval::from_f64_bounds(0.0, 1.0, &()), Interval::from_f64_bounds(0.0, 1.0, &())];
        let b = vec![Interval::from_f64_bounds(0.5, 2.0, &()), Interval::from_f64_bounds(3.0, 4.0, &())];
        assert_eq!(meet_all("unit: all", &a, &b).unwrap_err().component(), Some(1));
        let ok = meet_all("unit: all", &a, &a).unwrap();
        assert_eq!(ok, a);
    }
}
