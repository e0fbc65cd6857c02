//! Exact linear feasibility over ℚ: a point of `{z : M z = c, z_j ≥ 0 for the signed j}` by the
//! phase-1 simplex method with Bland's rule (which cannot cycle), in rational arithmetic.
//!
//! The answer is a *candidate*: callers verify it exactly against their own constraints before
//! they decide anything (`teacher.rs`), so a fault here can make a question undecided, never
//! answer it wrongly.

use rug::Rational;

/// Why no point was returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPoint {
    /// The phase-1 optimum is positive: the system has no solution.
    Infeasible,
    /// The pivot budget ran out (never reached with Bland's rule on small systems, but every loop
    /// here is bounded).
    Budget,
}

/// The most pivots [`feasible_point`] makes.
pub const MAX_PIVOTS: usize = 5_000;

/// A point `z` with `M z = c` (`m` rows of `free.len()` columns) and `z_j ≥ 0` wherever
/// `free[j]` is false; or why there is none.
pub fn feasible_point(m: &[Vec<Rational>], c: &[Rational], free: &[bool]) -> Result<Vec<Rational>, NoPoint> {
    assert_eq!(m.len(), c.len(), "one right-hand side per row");
    assert!(m.iter().all(|r| r.len() == free.len()), "rows of one length per variable");
    // Columns: z_j ≥ 0 as itself; a free z_j = p_j − q_j as two signed columns.
    let cols: Vec<(usize, bool)> =
        free.iter().enumerate().flat_map(|(j, &f)| std::iter::once((j, false)).chain(f.then_some((j, true)))).collect();
    let mut t = Tableau::new(m, c, &cols);
    t.solve()?;
    let mut z = vec![Rational::new(); free.len()];
    for (row, &b) in t.basis.iter().enumerate() {
        if let Some(&(j, neg)) = cols.get(b) {
            let v = t.rhs(row).clone();
            if neg {
                z[j] -= v;
            } else {
                z[j] += v;
            }
        }
    }
    Ok(z)
}

/// The phase-1 tableau: the rows (with the artificial columns and the right-hand side last), the
/// basis and the reduced costs of `Σ artificials`.
struct Tableau {
    rows: Vec<Vec<Rational>>,
    basis: Vec<usize>,
    cost: Vec<Rational>,
}

impl Tableau {
    fn new(m: &[Vec<Rational>], c: &[Rational], cols: &[(usize, bool)]) -> Tableau {
        let (nr, nc) = (m.len(), cols.len());
        let mut rows = Vec::with_capacity(nr);
        for (i, (row, ci)) in m.iter().zip(c).enumerate() {
            // Rows with c_i < 0 are negated so that the artificial basis starts feasible.
            let sign = if *ci < 0 { -1 } else { 1 };
            let mut r: Vec<Rational> =
                cols.iter().map(|&(j, neg)| Rational::from(&row[j] * if neg { -sign } else { sign })).collect();
            r.extend((0..nr).map(|k| Rational::from(u32::from(k == i))));
            r.push(Rational::from(ci * sign));
            rows.push(r);
        }
        // Reduced costs of min Σ a_i with the artificials basic: −Σ rows on the structural columns.
        let mut cost = vec![Rational::new(); nc + nr + 1];
        for r in &rows {
            for k in (0..nc).chain(std::iter::once(nc + nr)) {
                cost[k] -= &r[k];
            }
        }
        Tableau { rows, basis: (nc..nc + nr).collect(), cost }
    }

    fn rhs(&self, row: usize) -> &Rational {
        self.rows[row].last().expect("right-hand side")
    }

    /// Pivots to the phase-1 optimum; `Ok` when it is 0 (feasible).
    fn solve(&mut self) -> Result<(), NoPoint> {
        let width = self.cost.len() - 1;
        for _ in 0..MAX_PIVOTS {
            // Bland: the entering column is the first with a negative reduced cost.
            let Some(enter) = (0..width).find(|&k| self.cost[k] < 0) else {
                let objective = self.cost.last().expect("objective");
                return if *objective == 0 { Ok(()) } else { Err(NoPoint::Infeasible) };
            };
            // Ratio test; ties go to the smallest basic index (Bland).
            let mut best: Option<(usize, Rational)> = None;
            for (i, r) in self.rows.iter().enumerate() {
                if r[enter] > 0 {
                    let ratio = Rational::from(self.rhs(i) / &r[enter]);
                    let better = match &best {
                        None => true,
                        Some((b, q)) => ratio < *q || (ratio == *q && self.basis[i] < self.basis[*b]),
                    };
                    if better {
                        best = Some((i, ratio));
                    }
                }
            }
            // Phase 1 is bounded below by 0, so a column with a negative cost has a positive entry.
            let (leave, _) = best.expect("phase 1 is bounded");
            self.pivot(leave, enter);
        }
        Err(NoPoint::Budget)
    }

    fn pivot(&mut self, leave: usize, enter: usize) {
        let p = self.rows[leave][enter].clone();
        for x in self.rows[leave].iter_mut() {
            *x /= &p;
        }
        let pivot_row = self.rows[leave].clone();
        let eliminate = |row: &mut Vec<Rational>| {
            let f = row[enter].clone();
            if f != 0 {
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    *x -= Rational::from(&f * y);
                }
            }
        };
        for (i, row) in self.rows.iter_mut().enumerate() {
            if i != leave {
                eliminate(row);
            }
        }
        eliminate(&mut self.cost);
        self.basis[leave] = enter;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Rational {
        Rational::from(n)
    }

    fn rows(m: &[&[i64]]) -> Vec<Vec<Rational>> {
        m.iter().map(|r| r.iter().map(|&x| q(x)).collect()).collect()
    }

    fn satisfies(m: &[Vec<Rational>], c: &[Rational], free: &[bool], z: &[Rational]) -> bool {
        let eq =
            m.iter().zip(c).all(|(r, ci)| r.iter().zip(z).map(|(a, b)| Rational::from(a * b)).sum::<Rational>() == *ci);
        eq && z.iter().zip(free).all(|(x, &f)| f || *x >= 0)
    }

    #[test]
    fn finds_points_and_proves_infeasibility() {
        // x + y = 1, x − y = 3 with y free: x = 2, y = −1.
        let (m, c, free) = (rows(&[&[1, 1], &[1, -1]]), vec![q(1), q(3)], [false, true]);
        let z = feasible_point(&m, &c, &free).unwrap();
        assert!(satisfies(&m, &c, &free, &z) && z == [q(2), q(-1)], "{z:?}");
        // The same with y ≥ 0 has no solution.
        assert_eq!(feasible_point(&m, &c, &[false, false]), Err(NoPoint::Infeasible));
        // Negative right-hand sides, redundant rows, an empty system.
        let (m, c) = (rows(&[&[-1, 0, 1], &[-2, 0, 2], &[0, 1, 0]]), vec![q(-1), q(-2), q(0)]);
        let z = feasible_point(&m, &c, &[false; 3]).unwrap();
        assert!(satisfies(&m, &c, &[false; 3], &z), "{z:?}");
        assert_eq!(feasible_point(&[], &[], &[true, false]).unwrap(), [q(0), q(0)]);
        // 0·z = 1.
        assert_eq!(feasible_point(&rows(&[&[0, 0]]), &[q(1)], &[true, true]), Err(NoPoint::Infeasible));
    }
}
