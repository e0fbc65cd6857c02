//! The verifier's own arithmetic: exact rationals, and intervals of rationals whose ends are
//! rounded outward to dyadics of `BITS` significant bits where their size would grow.

use rug::{Integer, Rational};

/// Significant bits kept by outward rounding (far below the integrators' 53- and 256-bit
/// enclosure widths).
pub const BITS: u32 = 340;

/// `q` rounded to `BITS` significant bits, down or up; exact values with short numerator and
/// denominator stay as they are (and are returned without a copy).
pub fn round(q: Rational, up: bool) -> Rational {
    let (nb, db) = (q.numer().significant_bits(), q.denom().significant_bits());
    if nb + db <= BITS + 64 || q.numer().is_zero() {
        return q;
    }
    if q.denom().is_power_of_two() {
        // A dyadic n/2^k: keep the top BITS bits of n by a floor (or ceiling) shift.
        if nb <= BITS {
            return q;
        }
        let s = nb - BITS;
        let (n, _) = q.into_numer_denom();
        let n = if up { -(-n >> s) } else { n >> s };
        return (Rational::from(n) << s) >> (db - 1);
    }
    let e = i64::from(nb) - i64::from(db);
    let shift = (i64::from(BITS) - e).clamp(-1_000_000, 1_000_000) as i32;
    let s = q << shift;
    let r = if up { s.ceil() } else { s.floor() };
    r >> shift
}

/// An upper bound of `√q` for `q ≥ 0` (0 for `q ≤ 0`).
pub fn sqrt_up(q: &Rational) -> Rational {
    if *q <= 0 {
        return Rational::new();
    }
    let e = i64::from(q.numer().significant_bits()) - i64::from(q.denom().significant_bits());
    let k = (i64::from(BITS) - e / 2).clamp(0, 1_000_000) as u32;
    let scaled = Rational::from(q << (2 * k)).ceil();
    let root = Integer::from(scaled.numer().sqrt_ref()) + 1u32;
    Rational::from(root) >> k
}

/// `√(Σ v_i²)` from above.
pub fn norm_up(v: &[Rational]) -> Rational {
    sqrt_up(&v.iter().map(|a| Rational::from(a.square_ref())).sum())
}

/// An interval `[lo, hi]` of rationals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct I {
    pub lo: Rational,
    pub hi: Rational,
}

impl I {
    pub fn pt(q: Rational) -> I {
        I { lo: q.clone(), hi: q }
    }
    pub fn new(lo: Rational, hi: Rational) -> I {
        I { lo, hi }
    }
    pub fn zero() -> I {
        I::pt(Rational::new())
    }
    pub fn add(&self, o: &I) -> I {
        I { lo: round(Rational::from(&self.lo + &o.lo), false), hi: round(Rational::from(&self.hi + &o.hi), true) }
    }
    /// `self ± r` for `r ≥ 0`.
    pub fn widen(&self, r: &Rational) -> I {
        I { lo: round(Rational::from(&self.lo - r), false), hi: round(Rational::from(&self.hi + r), true) }
    }
    pub fn neg(&self) -> I {
        I { lo: Rational::from(-&self.hi), hi: Rational::from(-&self.lo) }
    }
    pub fn mul_q(&self, q: &Rational) -> I {
        let (a, b) = (Rational::from(&self.lo * q), Rational::from(&self.hi * q));
        let (lo, hi) = if *q >= 0 { (a, b) } else { (b, a) };
        I { lo: round(lo, false), hi: round(hi, true) }
    }
    pub fn mul(&self, o: &I) -> I {
        let p = [
            Rational::from(&self.lo * &o.lo),
            Rational::from(&self.lo * &o.hi),
            Rational::from(&self.hi * &o.lo),
            Rational::from(&self.hi * &o.hi),
        ];
        let lo = p.iter().min().cloned().unwrap_or_default();
        let hi = p.iter().max().cloned().unwrap_or_default();
        I { lo: round(lo, false), hi: round(hi, true) }
    }
    pub fn hull(&self, o: &I) -> I {
        I { lo: self.lo.clone().min(o.lo.clone()), hi: self.hi.clone().max(o.hi.clone()) }
    }
    /// A dyadic point of the interval and the distance from it to either end (upper bound).
    pub fn mid_rad(&self) -> (Rational, Rational) {
        let m = round(Rational::from(&self.lo + &self.hi) / 2u32, false);
        let r = Rational::from(&self.hi - &m).max(Rational::from(&m - &self.lo));
        (m, r)
    }
    pub fn within(&self, o: &I) -> bool {
        o.lo <= self.lo && self.hi <= o.hi
    }
    pub fn pos(&self) -> bool {
        self.lo > 0
    }
    pub fn neg_strict(&self) -> bool {
        self.hi < 0
    }
    /// Strictly of sign `s` (`±1`).
    pub fn signed(&self, s: i8) -> bool {
        if s > 0 { self.pos() } else { self.neg_strict() }
    }
}

/// Exact dot product.
pub fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// `Σ a_j v_j` for exact `a` and interval `v`.
pub fn dot_i(a: &[Rational], v: &[I]) -> I {
    a.iter().zip(v).fold(I::zero(), |s, (q, x)| s.add(&x.mul_q(q)))
}

/// A decimal reading of `q` to 25 digits for messages (finer than an f64 ulp, so that a
/// sub-ulp disagreement shows).
pub fn show(q: &Rational) -> String {
    format!("{:.25e}", rug::Float::with_val(128, q))
}

/// `[lo, hi]` for messages.
pub fn show_i(v: &I) -> String {
    format!("[{}, {}]", show(&v.lo), show(&v.hi))
}

/// Beyond this `x`, `e^{−x}` is enclosed by `[0, e^{−FAR}]` (exact squarings of a tiny number
/// would carry denominators of about `1.44 x` bits).
const FAR: u32 = 1024;

/// An enclosure of `e^{−x}` for a rational `x`: `y = x/2^k ≤ 1/2`, `e^{−y}` between two
/// consecutive partial sums of its alternating series (terms decrease for `y < 1`), then `k`
/// squarings (positive ends, rounded outward); `e^{x} = 1/e^{−x}` for `x < 0`; see [`FAR`].
pub fn exp_neg(x: &Rational) -> I {
    if *x < 0 {
        let e = exp_neg(&Rational::from(-x));
        return I::new(round(Rational::from(e.hi.recip_ref()), false), round(Rational::from(e.lo.recip_ref()), true));
    }
    if *x > FAR {
        // e^{−x} ≤ e^{−FAR} < 2^{−1400}: a negligible decay, kept small in bits.
        return I::new(Rational::new(), exp_neg(&Rational::from(FAR)).hi);
    }
    let mut k = 0u32;
    let mut y = x.clone();
    while y > Rational::from((1, 2)) {
        y >>= 1u32;
        k += 1;
    }
    let target = Rational::from(1u32) >> (BITS + 40);
    let (mut term, mut sum, mut prev) = (I::pt(Rational::from(1u32)), I::pt(Rational::from(1u32)), I::zero());
    let mut n = 0u32;
    while term.hi > target || n < 2 {
        n += 1;
        term = term.mul_q(&Rational::from(&y / n));
        prev = sum.clone();
        sum = if n % 2 == 1 { sum.add(&term.neg()) } else { sum.add(&term) };
    }
    let mut e = sum.hull(&prev);
    for _ in 0..k {
        e = e.mul(&e);
    }
    e
}
