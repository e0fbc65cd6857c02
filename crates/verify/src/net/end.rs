//! The end claim of a two-layer certificate: the state box at `t_end`, or the limit box and
//! loss by the Polyak–Łojasiewicz ball (`limit.rs`), from the verifier's box at the last step
//! time; and the precision the claims need.

use super::fi::Fi;
use super::field::Data;
use super::record::Record;
use super::{limit, show};
use crate::Fail;
use reluflow_certificate::{Iv, Net, NetBox, NetEnd};
use rug::Rational;

/// `v ⊆ claim`, coordinate by coordinate; the first that is not fails at `at`.
fn within(dt: &Data, v: &[Fi], claim: &NetBox, at: &str, what: &str) -> Result<(), Fail> {
    for (a, x) in v.iter().enumerate() {
        let (j, l) = (a / (dt.d + 1), a % (dt.d + 1));
        let (c, name): (&Iv, String) =
            if l == dt.d { (&claim.a[j], format!("a[{j}]")) } else { (&claim.w[j][l], format!("w[{j}][{l}]")) };
        if !(c.lo <= x.lo_q() && x.hi_q() <= c.hi) {
            let needed = format!("[{}, {}]", crate::num::show(&c.lo), crate::num::show(&c.hi));
            return Err(Fail::new(
                format!("{at} / {name}"),
                format!("{what} lies in the claimed box"),
                show(x),
                needed,
            ));
        }
    }
    Ok(())
}

/// The narrowest claimed interval's relative width, as `rel` with width `≈ 2^−rel · magnitude`
/// (0 when every claim is a point or 0; at most 4000).
pub fn claim_bits(end: &NetEnd) -> u32 {
    let b = match end {
        NetEnd::Horizon { state } | NetEnd::Until { state } => state,
        NetEnd::Limit { limit, .. } => limit,
    };
    let mut bits = 0u32;
    for v in b.w.iter().flatten().chain(&b.a) {
        let (w, m) = (Rational::from(&v.hi - &v.lo), v.lo.clone().abs().max(v.hi.clone().abs()));
        if w > 0 && m > 0 {
            let rel = i64::from(m.numer().significant_bits())
                - i64::from(m.denom().significant_bits())
                - (i64::from(w.numer().significant_bits()) - i64::from(w.denom().significant_bits()));
            bits = bits.max(rel.clamp(0, 4000) as u32);
        }
    }
    bits
}

/// The end claim, from the box `x` at the last step time.
pub fn end(n: &Net, dt: &Data, x: &[Fi], rec: &mut Record) -> Result<(), Fail> {
    match &n.end {
        NetEnd::Horizon { state } => within(dt, x, state, "end", "the state at t_end"),
        NetEnd::Until { state } => {
            within(dt, x, state, "end", "the state at the last step time (the run's end before t_end)")
        }
        NetEnd::Limit { limit, loss } => {
            let p = limit::prove(dt, x)
                .map_err(|why| Fail::new("end / limit", "a Polyak–Łojasiewicz ball", why, "a proof".into()))?;
            within(dt, &p.limit, limit, "end / limit", "the limit (and every later state)")?;
            rec.tail = Some(Record::weights(dt, &p.limit));
            if !(loss.lo <= 0 && 0 <= loss.hi) {
                let needed = format!("[{}, {}]", crate::num::show(&loss.lo), crate::num::show(&loss.hi));
                return Err(Fail::new(
                    "end / limit / loss",
                    "the limit's loss lies in the claimed interval",
                    "[0, 0]".into(),
                    needed,
                ));
            }
            Ok(())
        }
    }
}
