//! Set membership at a site: `i in active(j)` (exact under a pattern, from certain signs at an
//! instant) and, at an event, the points earlier events switched for its neuron.

use super::super::typed::{Member, Set};
use super::{Eval, Site, Tri, boolean, event_int, idx};
use reluflow_arith::Enclosure;

impl<S: Enclosure> Eval<'_, S> {
    pub(super) fn membership(
        &self,
        m: Member,
        set: Set,
        negated: bool,
        clause: String,
        site: &Site<'_, S>,
        vars: &[usize],
    ) -> Tri<S> {
        let k = match m {
            Member::Ix(ix) => idx(ix, vars),
            Member::Event(which) => match site.event {
                Some(e) => event_int(e, which),
                None => return Tri::Unknown("not at an event".into()),
            },
        };
        let inside = match set {
            Set::DeactivatedBefore | Set::ActivatedBefore => {
                let Some(e) = site.event else { return Tri::Unknown("not at an event".into()) };
                let list = if set == Set::DeactivatedBefore { &e.deactivated_before } else { &e.activated_before };
                Some(list.contains(&k))
            }
            Set::Active(j) => {
                let j = idx(j, vars);
                match (site.pattern, site.state) {
                    (Some(p), _) => Some(p.active[j].contains(&k)),
                    (None, Some(st)) => {
                        let z = self.inst.z(&st.w[j], k);
                        if z.certainly_pos() {
                            Some(true)
                        } else if z.certainly_neg() {
                            Some(false)
                        } else {
                            None
                        }
                    }
                    (None, None) => None,
                }
            }
        };
        match inside {
            Some(b) => boolean(b != negated, clause, format!("{k} is {}in the set", if b { "" } else { "not " })),
            None => Tri::Unknown(format!("`{clause}`: whether point {k} is active is not certain at this instant")),
        }
    }
}
