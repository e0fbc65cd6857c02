//! Exact rational linear algebra for the static checks (ranks, inverses, projectors, the
//! characteristic polynomial). Everything here is exact: no rounding anywhere.

use rug::Rational;

/// `aᵀb`, exactly.
pub fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    assert_eq!(a.len(), b.len(), "dot of vectors of different lengths");
    a.iter().zip(b).map(|(x, y)| Rational::from(x * y)).sum()
}

/// `‖a‖²`, exactly.
pub fn norm_sq(a: &[Rational]) -> Rational {
    dot(a, a)
}

/// The rank of the matrix whose rows are `rows` (Gaussian elimination over ℚ).
pub fn rank(rows: &[Vec<Rational>]) -> usize {
    let mut m: Vec<Vec<Rational>> = rows.to_vec();
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c] != 0) else { continue };
        m.swap(r, p);
        for i in r + 1..m.len() {
            if m[i][c] != 0 {
                let f = Rational::from(&m[i][c] / &m[r][c]);
                for k in c..cols {
                    let t = Rational::from(&f * &m[r][k]);
                    m[i][k] -= t;
                }
            }
        }
        r += 1;
        if r == m.len() {
            break;
        }
    }
    r
}

/// The inverse of the square matrix `a` (rows), or `None` if it is singular.
pub fn inverse(a: &[Vec<Rational>]) -> Option<Vec<Vec<Rational>>> {
    let n = a.len();
    let mut m: Vec<Vec<Rational>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            assert_eq!(row.len(), n, "inverse of a non-square matrix");
            let mut r = row.clone();
            r.extend((0..n).map(|k| Rational::from(u32::from(k == i))));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).find(|&i| m[i][c] != 0)?;
        m.swap(c, p);
        let piv = m[c][c].clone();
        for k in 0..2 * n {
            m[c][k] /= &piv;
        }
        for i in 0..n {
            if i != c && m[i][c] != 0 {
                let f = m[i][c].clone();
                for k in 0..2 * n {
                    let t = Rational::from(&f * &m[c][k]);
                    m[i][k] -= t;
                }
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// An orthogonal (not normalised) basis of `span(vectors)`, by exact Gram–Schmidt; zero vectors
/// and dependent vectors are dropped.
pub fn orthogonal_basis(vectors: &[&[Rational]]) -> Vec<Vec<Rational>> {
    let mut basis: Vec<Vec<Rational>> = Vec::new();
    for v in vectors {
        let mut u: Vec<Rational> = v.to_vec();
        for b in &basis {
            let f = dot(&u, b) / norm_sq(b);
            for (uk, bk) in u.iter_mut().zip(b) {
                *uk -= Rational::from(&f * bk);
            }
        }
        if u.iter().any(|c| *c != 0) {
            basis.push(u);
        }
    }
    basis
}

/// The matrix (rows) of the orthogonal projector onto the complement of `span(vectors)` in `ℚ^d`:
/// `P = I − Σ_b b bᵀ/‖b‖²` over an orthogonal basis.
pub fn complement_projector(vectors: &[&[Rational]], d: usize) -> Vec<Vec<Rational>> {
    let basis = orthogonal_basis(vectors);
    let mut p: Vec<Vec<Rational>> =
        (0..d).map(|i| (0..d).map(|k| Rational::from(u32::from(i == k))).collect()).collect();
    for b in &basis {
        let nb = norm_sq(b);
        for i in 0..d {
            for k in 0..d {
                let t = Rational::from(&b[i] * &b[k]) / &nb;
                p[i][k] -= t;
            }
        }
    }
    p
}

/// The characteristic polynomial `det(tI − A)` of the square matrix `a`, coefficients from the
/// constant term up (monic, degree `n`), by the Faddeev–LeVerrier recursion (exact over ℚ).
pub fn char_poly(a: &[Vec<Rational>]) -> Vec<Rational> {
    let n = a.len();
    let mut coeffs = vec![Rational::new(); n + 1];
    coeffs[n] = Rational::from(1);
    // M_0 = 0, c_n = 1; M_k = A M_{k-1} + c_{n-k+1} I; c_{n-k} = −tr(A M_k)/k.
    let mut m: Vec<Vec<Rational>> = vec![vec![Rational::new(); n]; n];
    for k in 1..=n {
        for i in 0..n {
            m[i][i] += &coeffs[n - k + 1];
        }
        let am: Vec<Vec<Rational>> = (0..n)
            .map(|i| (0..n).map(|j| (0..n).map(|l| Rational::from(&a[i][l] * &m[l][j])).sum()).collect())
            .collect();
        let tr: Rational = (0..n).map(|i| am[i][i].clone()).sum();
        coeffs[n - k] = -tr / Rational::from(k as u32);
        m = am;
    }
    coeffs
}

fn trim(p: &mut Vec<Rational>) {
    while p.len() > 1 && p.last().is_some_and(|c| *c == 0) {
        p.pop();
    }
}

/// The remainder of `a` divided by `b` (coefficients from the constant term up; `b ≠ 0`).
fn poly_rem(a: &[Rational], b: &[Rational]) -> Vec<Rational> {
    let mut r = a.to_vec();
    trim(&mut r);
    let mut b = b.to_vec();
    trim(&mut b);
    let db = b.len() - 1;
    let lead = b[db].clone();
    while r.len() > db && !(r.len() == 1 && r[0] == 0) {
        let dr = r.len() - 1;
        let f = Rational::from(&r[dr] / &lead);
        for k in 0..=db {
            let t = Rational::from(&f * &b[k]);
            r[dr - db + k] -= t;
        }
        r.pop();
        trim(&mut r);
        if r.is_empty() {
            r.push(Rational::new());
        }
    }
    r
}

/// Whether the polynomial (coefficients from the constant term up, degree ≥ 1) has only simple
/// roots over ℂ: `gcd(p, p') = 1`. For a characteristic polynomial of a symmetric matrix this says
/// its eigenvalues are distinct.
pub fn squarefree(p: &[Rational]) -> bool {
    let dp: Vec<Rational> = p.iter().enumerate().skip(1).map(|(k, c)| Rational::from(c * (k as u32))).collect();
    let (mut a, mut b) = (p.to_vec(), dp);
    trim(&mut a);
    trim(&mut b);
    if b.iter().all(|c| *c == 0) {
        return a.len() <= 1;
    }
    loop {
        let r = poly_rem(&a, &b);
        if r.iter().all(|c| *c == 0) {
            // gcd = b: degree 0 means coprime.
            return b.len() == 1;
        }
        a = b;
        b = r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64) -> Rational {
        Rational::from(a)
    }
    fn m(rows: &[&[i64]]) -> Vec<Vec<Rational>> {
        rows.iter().map(|r| r.iter().map(|&a| q(a)).collect()).collect()
    }

    #[test]
    fn rank_and_inverse() {
        assert_eq!(rank(&m(&[&[1, 2], &[2, 4]])), 1);
        assert_eq!(rank(&m(&[&[0, 0], &[0, 0]])), 0);
        assert_eq!(rank(&m(&[&[0, 1], &[1, 0], &[1, 1]])), 2);
        let inv = inverse(&m(&[&[2, 1], &[1, 1]])).unwrap();
        assert_eq!(inv, m(&[&[1, -1], &[-1, 2]]));
        assert!(inverse(&m(&[&[1, 2], &[2, 4]])).is_none());
    }

    #[test]
    fn projector_kills_the_span() {
        let a = m(&[&[1, 1, 0]]);
        let p = complement_projector(&[&a[0]], 3);
        let pa: Vec<Rational> = p.iter().map(|row| dot(row, &a[0])).collect();
        assert!(pa.iter().all(|c| *c == 0));
        let e3 = m(&[&[0, 0, 1]]);
        let pe: Vec<Rational> = p.iter().map(|row| dot(row, &e3[0])).collect();
        assert_eq!(pe, e3[0]);
    }

    #[test]
    fn characteristic_polynomial_and_repeated_roots() {
        // [[2,1],[1,2]]: t² − 4t + 3 = (t−1)(t−3).
        assert_eq!(char_poly(&m(&[&[2, 1], &[1, 2]])), vec![q(3), q(-4), q(1)]);
        assert!(squarefree(&char_poly(&m(&[&[2, 1], &[1, 2]]))));
        // The identity has the double eigenvalue 1.
        assert!(!squarefree(&char_poly(&m(&[&[1, 0], &[0, 1]]))));
        assert!(!squarefree(&char_poly(&m(&[&[2, 0, 0], &[0, 3, 0], &[0, 0, 2]]))));
        assert!(squarefree(&char_poly(&m(&[&[2, 0, 0], &[0, 3, 0], &[0, 0, 5]]))));
    }
}
