//! The data's exact Gram matrix `XXᵀ` and the bulk maps between coefficient space and `ℝ^d`.
//!
//! Each row is scaled to integers once (`x_i = x̃_i / s_i`, `x̃_i ∈ ℤ^d`, `s_i` the least common
//! denominator of the row), so that every product in `d` coordinates is an integer dot product:
//! in `i128` when the entries are short (the common case of decimal data), in GMP integers
//! otherwise. Nothing else in the span algebra touches `d` coordinates exactly.

use reluflow_arith::Enclosure;
use rug::{Integer, Rational};

/// A generator of a span: a coordinate axis `e_j` or a data point `x_i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gen {
    Axis(usize),
    Point(usize),
}

/// The data in integer form and their exact Gram matrix.
#[derive(Clone, Debug)]
pub(crate) struct DataGram<'a> {
    pub x: &'a [Vec<Rational>],
    pub d: usize,
    /// `x̃_i = s_i x_i`, integer rows (empty when `small` holds them).
    rows: Vec<Vec<Integer>>,
    /// The same rows as `i64` when every entry is below `2^50` in magnitude (then `d·2^100`
    /// bounds every partial sum of products, far inside `i128` for any `d < 2^26`).
    small: Option<Vec<Vec<i64>>>,
    /// The rows rounded to f64 (for untrusted screens only).
    xf: Vec<Vec<f64>>,
    /// `s_i`.
    scale: Vec<Integer>,
    /// `G_il = x_iᵀx_l`, row-major `n × n`.
    g: Vec<Rational>,
}

fn int_dot(a: &[Integer], b: &[Integer]) -> Integer {
    let mut s = Integer::new();
    for (u, v) in a.iter().zip(b) {
        s += u * v;
    }
    s
}

fn small_dot(a: &[i64], b: &[i64]) -> Integer {
    Integer::from(a.iter().zip(b).map(|(u, v)| i128::from(*u) * i128::from(*v)).sum::<i128>())
}

impl<'a> DataGram<'a> {
    pub fn new(x: &'a [Vec<Rational>]) -> DataGram<'a> {
        let d = x.first().map_or(0, Vec::len);
        let scale: Vec<Integer> =
            x.iter().map(|xi| xi.iter().fold(Integer::from(1), |l, v| l.lcm(v.denom()))).collect();
        let rows: Vec<Vec<Integer>> = x
            .iter()
            .zip(&scale)
            .map(|(xi, s)| xi.iter().map(|v| v.numer() * Integer::from(s / v.denom())).collect())
            .collect();
        let limit = Integer::from(1) << 50;
        let small: Option<Vec<Vec<i64>>> = (d < 1 << 26 && rows.iter().flatten().all(|v| *v.as_abs() < limit))
            .then(|| rows.iter().map(|r| r.iter().map(|v| v.to_i64().unwrap_or(0)).collect()).collect());
        let rows = if small.is_some() { Vec::new() } else { rows };
        let n = x.len();
        let mut g = vec![Rational::new(); n * n];
        for i in 0..n {
            for l in i..n {
                let num = match &small {
                    Some(sm) => small_dot(&sm[i], &sm[l]),
                    None => int_dot(&rows[i], &rows[l]),
                };
                let v = Rational::from((num, Integer::from(&scale[i] * &scale[l])));
                g[l * n + i] = v.clone();
                g[i * n + l] = v;
            }
        }
        let xf = x.iter().map(|xi| xi.iter().map(Rational::to_f64).collect()).collect();
        DataGram { x, d, rows, small, xf, scale, g }
    }

    pub fn n(&self) -> usize {
        self.x.len()
    }

    /// Row `i` rounded to f64.
    pub fn xf(&self, i: usize) -> &[f64] {
        &self.xf[i]
    }

    /// `x_iᵀx_l`.
    pub fn gram(&self, i: usize, l: usize) -> &Rational {
        &self.g[i * self.n() + l]
    }

    /// `⟨a, b⟩` for two generators.
    pub fn inner(&self, a: Gen, b: Gen) -> Rational {
        match (a, b) {
            (Gen::Axis(j), Gen::Axis(l)) => Rational::from(u32::from(j == l)),
            (Gen::Axis(j), Gen::Point(i)) | (Gen::Point(i), Gen::Axis(j)) => self.x[i][j].clone(),
            (Gen::Point(i), Gen::Point(l)) => self.gram(i, l).clone(),
        }
    }

    /// `Σ_m c_m gen_m` as an integer vector `num` and a positive integer `den` with the exact
    /// value `num / den`.
    fn combine(&self, gens: &[Gen], c: &[Rational]) -> (Vec<Integer>, Integer) {
        // Per generator the factor c_m / s_m (axes: c_m); den = lcm of their denominators.
        let f: Vec<Rational> = gens
            .iter()
            .zip(c)
            .map(|(g, cm)| match g {
                Gen::Axis(_) => cm.clone(),
                Gen::Point(i) => Rational::from(cm / &self.scale[*i]),
            })
            .collect();
        let den = f.iter().filter(|v| **v != 0).fold(Integer::from(1), |l, v| l.lcm(v.denom()));
        let mut num = vec![Integer::new(); self.d];
        for (g, fm) in gens.iter().zip(&f) {
            if *fm == 0 {
                continue;
            }
            let k = fm.numer() * Integer::from(&den / fm.denom());
            match (g, &self.small) {
                (Gen::Axis(j), _) => num[*j] += &k,
                (Gen::Point(i), Some(sm)) => num.iter_mut().zip(&sm[*i]).for_each(|(a, v)| *a += &k * *v),
                (Gen::Point(i), None) => num.iter_mut().zip(&self.rows[*i]).for_each(|(a, v)| *a += &k * v),
            }
        }
        (num, den)
    }

    /// `Σ_m c_m gen_m` exactly (slow: one canonical rational per coordinate; for references).
    pub fn lift_exact(&self, gens: &[Gen], c: &[Rational]) -> Vec<Rational> {
        let (num, den) = self.combine(gens, c);
        num.into_iter().map(|v| Rational::from((v, den.clone()))).collect()
    }

    /// An enclosure of `Σ_m c_m gen_m`: the integer numerator exactly, one outward conversion and
    /// one outward division per coordinate (none when the denominator is 1).
    pub fn lift_enclosure<S: Enclosure>(&self, gens: &[Gen], c: &[Rational], ctx: &S::Ctx) -> Vec<S> {
        let (num, den) = self.combine(gens, c);
        let den_s = (den != 1).then(|| S::from_rational(&Rational::from(den), ctx));
        num.into_iter()
            .map(|v| {
                let s = S::from_rational(&Rational::from(v), ctx);
                match &den_s {
                    Some(ds) => s.div(ds),
                    None => s,
                }
            })
            .collect()
    }
}
