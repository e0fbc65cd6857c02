//! One pattern's field, evaluated by the verifier itself, and its flow.
//!
//! For the active set `A` the loss `L(w) = c Σ_i (σ(x_iᵀw) − y_i)²` has the flow
//! `ẇ = −2c Σ_{i∈A} (x_iᵀw − y_i) x_i = −K w + g` with `K = 2c Σ_{i∈A} x_i x_iᵀ` (symmetric,
//! positive semi-definite) and `g = 2c Σ_{i∈A} y_i x_i`. For an equilibrium `a` (`Ka = g`, checked
//! exactly) the flow is `w(s) = a + E(s)(w(0) − a)` with `E(s) = exp(−sK)`: `‖E(s)‖₂ ≤ 1`, so a
//! ball `a + u + B(ρ)` flows into `a + E(s)u + B(ρ)`, and only the point `E(s)u` has to be
//! enclosed. `E(h)` is enclosed by its Taylor polynomial of order `m`, whose remainder is at most
//! `(hλ_max)^m/m! ≤ (h tr K)^m/m!` in the 2-norm (Lagrange's form of `e^{−x}` for `x ≥ 0`,
//! applied to each eigenvalue), with `h tr K ≤ 1/2`.

use crate::modes::Modes;
use crate::num::{BITS, I, dot, round};
use rug::Rational;
use std::collections::BTreeMap;

/// `T ⊇ Σ_{j<m} (−hK)^j/j!` and the remainder bound.
#[derive(Debug)]
pub struct Piece {
    pub t: Vec<I>,
    pub rem: Rational,
}

/// A pattern's field and anchor.
#[derive(Debug)]
pub struct Field {
    pub d: usize,
    /// `K`, row-major.
    pub k: Vec<Rational>,
    pub g: Vec<Rational>,
    /// `tr K ≥ λ_max(K)`.
    pub tau: Rational,
    /// Upper bounds of the norms of the rows of `K`.
    pub row_norm: Vec<Rational>,
    pub anchor: Vec<Rational>,
    /// The active set `A`.
    pub active: Vec<usize>,
    cache: BTreeMap<Rational, Piece>,
    /// The longest Taylor piece length (see [`Field::piece_len`]).
    h0: Rational,
    /// Eigen-coordinates, built when a piece first exceeds `h0` (`Some(None)`: unavailable).
    modes: Option<Option<Modes>>,
}

impl Field {
    /// The field of the active set `active` with gradient factor `gf = 2c`.
    pub fn new(x: &[Vec<Rational>], y: &[Rational], gf: &Rational, active: &[usize], anchor: Vec<Rational>) -> Field {
        let d = anchor.len();
        let mut k = vec![Rational::new(); d * d];
        let mut g = vec![Rational::new(); d];
        for &i in active {
            for r in 0..d {
                g[r] += Rational::from(&y[i] * &x[i][r]) * gf;
                for c in 0..d {
                    k[r * d + c] += Rational::from(&x[i][r] * &x[i][c]) * gf;
                }
            }
        }
        let tau = (0..d).map(|r| k[r * d + r].clone()).sum();
        let row_norm = (0..d).map(|r| crate::num::norm_up(&k[r * d..(r + 1) * d])).collect();
        let mut h0 = Rational::from(1u32) << 20u32;
        while Rational::from(&h0 * &tau) > Rational::from((1, 2)) {
            h0 >>= 1u32;
        }
        Field { d, k, g, tau, row_norm, anchor, active: active.to_vec(), cache: BTreeMap::new(), h0, modes: None }
    }

    /// The per-mode enclosures of `E(s)` (`modes.rs`), for a length `s` longer than the Taylor
    /// pieces; `None` for a shorter one or when they are unavailable.
    pub fn modes_for(&mut self, s: &Rational) -> Option<&mut Modes> {
        if *s <= self.h0 {
            return None;
        }
        if self.modes.is_none() {
            self.modes = Some(Modes::new(&self.k, self.d));
        }
        self.modes.as_mut().and_then(Option::as_mut)
    }

    /// `K v`, exactly.
    pub fn apply(&self, v: &[Rational]) -> Vec<Rational> {
        (0..self.d).map(|r| dot(&self.k[r * self.d..(r + 1) * self.d], v)).collect()
    }

    /// `K a − g` (zero for an equilibrium).
    pub fn defect(&self) -> Vec<Rational> {
        self.apply(&self.anchor).into_iter().zip(&self.g).map(|(a, b)| a - b).collect()
    }

    /// The longest piece length `2^-k` with `h tr K ≤ 1/2` (or 2^20 when `K = 0`).
    pub fn piece_len(&self) -> Rational {
        self.h0.clone()
    }

    /// `E(h)p ∈ T p + B(rem ‖p‖)` for one length `h` (`h tr K ≤ 1/2`) that is not worth a cached
    /// matrix: the Taylor terms `(−hK)^j p/j!` applied to the vector, with the remainder of
    /// [`Field::piece`] (the same series, the same bound).
    pub fn apply_exp(&self, h: &Rational, p: &[Rational]) -> (Vec<I>, Rational) {
        let d = self.d;
        let mut term: Vec<I> = p.iter().map(|q| I::pt(q.clone())).collect();
        let mut sum = term.clone();
        let x = Rational::from(h * &self.tau);
        let mut bound = Rational::from(1u32);
        let target = Rational::from(1u32) >> (BITS + 20);
        let mut j = 0u32;
        loop {
            j += 1;
            bound = round(bound * &x / j, true);
            if bound <= target || j > 400 {
                return (sum, bound);
            }
            let f = -Rational::from(h / j);
            term = (0..d)
                .map(|r| (0..d).fold(I::zero(), |s, c| s.add(&term[c].mul_q(&self.k[r * d + c]))).mul_q(&f))
                .collect();
            sum = sum.iter().zip(&term).map(|(a, b)| a.add(b)).collect();
        }
    }

    /// `E(nh)` for the longest piece length `h` ([`Field::piece_len`]) as an interval matrix `M`
    /// and a radius `r`: `E(nh) ∈ M + B₂(r)` (every member's distance in the 2-norm), by binary
    /// powering of `E(h) ∈ T + B₂(rem)`: `(M_a + R_a)(M_b + R_b) ∈ M_aM_b + B₂(r_a‖M_b‖ + ‖M_a‖r_b + r_ar_b)`
    /// with `‖M‖` the Frobenius norm of `|M|` (an upper bound of every member's 2-norm).
    pub fn power(&mut self, mut n: u64) -> (Vec<I>, Rational) {
        let d = self.d;
        let h = self.piece_len();
        let pc = self.piece(&h);
        let mut base = (pc.t.clone(), pc.rem.clone());
        let mut acc: (Vec<I>, Rational) =
            ((0..d * d).map(|e| I::pt(Rational::from(u32::from(e / d == e % d)))).collect(), Rational::new());
        while n > 0 {
            if n & 1 == 1 {
                acc = mat_prod(&acc, &base, d);
            }
            n >>= 1;
            if n > 0 {
                base = mat_prod(&base, &base, d);
            }
        }
        acc
    }

    /// The Taylor enclosures for a piece of length `h` (`h tr K ≤ 1/2`), cached.
    pub fn piece(&mut self, h: &Rational) -> &Piece {
        if !self.cache.contains_key(h) {
            let p = self.build(h);
            self.cache.insert(h.clone(), p);
        }
        &self.cache[h]
    }

    fn build(&self, h: &Rational) -> Piece {
        let d = self.d;
        let minus_hk: Vec<Rational> = self.k.iter().map(|v| -Rational::from(v * h)).collect();
        let mut pow: Vec<I> = (0..d * d).map(|e| I::pt(Rational::from(u32::from(e / d == e % d)))).collect();
        let mut t = pow.clone();
        let x = Rational::from(h * &self.tau);
        let mut bound = Rational::from(1u32);
        let target = Rational::from(1u32) >> (BITS + 20);
        let mut j = 0u32;
        loop {
            j += 1;
            bound = round(bound * &x / j, true);
            pow = mat_mul(&pow, &minus_hk, d).into_iter().map(|e| e.mul_q(&Rational::from((1, j)))).collect();
            if bound <= target || j > 400 {
                // `pow` is the first term left out: the remainder is bounded by `bound`.
                break;
            }
            for e in 0..d * d {
                t[e] = t[e].add(&pow[e]);
            }
        }
        Piece { t, rem: bound }
    }
}

/// An upper bound of the Frobenius norm of every member of the interval matrix `m`.
fn frob_up(m: &[I]) -> Rational {
    let mags: Vec<Rational> =
        m.iter().map(|e| Rational::from(e.lo.abs_ref()).max(Rational::from(e.hi.abs_ref()))).collect();
    crate::num::norm_up(&mags)
}

/// The product of two enclosures `M + B₂(r)` (see [`Field::power`]).
fn mat_prod(a: &(Vec<I>, Rational), b: &(Vec<I>, Rational), d: usize) -> (Vec<I>, Rational) {
    let mut out = vec![I::zero(); d * d];
    for r in 0..d {
        for c in 0..d {
            out[r * d + c] = (0..d).fold(I::zero(), |s, k| s.add(&a.0[r * d + k].mul(&b.0[k * d + c])));
        }
    }
    let (na, nb) = (frob_up(&a.0), frob_up(&b.0));
    let r = Rational::from(&a.1 * &nb) + Rational::from(&na * &b.1) + Rational::from(&a.1 * &b.1);
    (out, round(r, true))
}

/// `P M` for an interval `P` and an exact `M` (`d × d`).
fn mat_mul(p: &[I], m: &[Rational], d: usize) -> Vec<I> {
    let mut out = vec![I::zero(); d * d];
    for r in 0..d {
        for c in 0..d {
            let mut s = I::zero();
            for k in 0..d {
                s = s.add(&p[r * d + k].mul_q(&m[k * d + c]));
            }
            out[r * d + c] = s;
        }
    }
    out
}

/// `P v` for an interval matrix and an exact vector.
pub fn mat_vec(p: &[I], v: &[Rational], d: usize) -> Vec<I> {
    (0..d).map(|r| (0..d).fold(I::zero(), |s, c| s.add(&p[r * d + c].mul_q(&v[c])))).collect()
}
