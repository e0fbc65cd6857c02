//! Neighbours of an instance: a few of its numbers moved to nearby values of the strategies' own
//! grids (short decimals for data, labels and teachers; short decimals times an initial scale for
//! initial weights), a point dropped or a perturbed copy added. The caller re-checks every
//! assumed hypothesis exactly; a neighbour that breaks one is discarded, never repaired.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use reluflow_model::{Data, Init, Labels, Problem, ReluPrime};
use rug::Rational;

/// Most points of a neighbour (the single-neuron strategies' largest `n`).
pub const MAX_POINTS: usize = 8;

/// The RNG of targeted case `case` under `seed` (ChaCha8 keyed by `(seed, case)` and a tag of its
/// own, so it is independent of the draw of random case `case`).
pub fn neighbour_rng(seed: u64, case: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&case.to_le_bytes());
    key[16..].copy_from_slice(b"reluflow-target\0");
    ChaCha8Rng::from_seed(key)
}

fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

/// The short decimals `p/q` (`|p| ≤ 8`, `q ∈ {1, 2, 4, 10}`) times `unit`, at most `radius·|unit|`
/// away from `old` and different from it (non-negative ones only when `nonneg`).
fn grid_near(old: &Rational, unit: &Rational, radius: &Rational, nonneg: bool) -> Vec<Rational> {
    let mut out: Vec<Rational> = Vec::new();
    let reach = Rational::from(radius * &Rational::from(unit.abs_ref()));
    for q in [1i64, 2, 4, 10] {
        for p in if nonneg { 0..=8 } else { -8..=8 } {
            let v = Rational::from((p, q)) * unit;
            if v != *old && Rational::from(&v - old).abs() <= reach && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// `old` moved to a random nearby grid value (unchanged when there is none).
fn nudge(rng: &mut ChaCha8Rng, old: &Rational, unit: &Rational, nonneg: bool) -> Rational {
    let radius = [Rational::from((1, 4)), Rational::from(1), Rational::from(4)][below(rng, 3)].clone();
    let near = grid_near(old, unit, &radius, nonneg);
    if near.is_empty() { old.clone() } else { near[below(rng, near.len())].clone() }
}

/// The unit of an initial weight vector's grid: the largest initial scale (`2, 1, 1/2, 1/10,
/// 1/100`) whose short decimals contain every coordinate, else 1.
fn init_unit(w: &[Rational]) -> Rational {
    let scales = [(2, 1), (1, 1), (1, 2), (1, 10), (1, 100)];
    let on_grid = |u: &Rational| {
        w.iter().all(|c| {
            let r = Rational::from(c / u);
            Rational::from(r.abs_ref()) <= 8
                && [1u32, 2, 4, 10, 5, 20].iter().any(|q| Rational::from(&r * *q).is_integer())
        })
    };
    scales.iter().map(|&s| Rational::from(s)).find(on_grid).unwrap_or_else(|| Rational::from(1))
}

/// The mutable numbers of an instance.
struct Parts {
    x: Vec<Vec<Rational>>,
    labels: Labels,
    init: Init,
    relu_prime: ReluPrime,
}

fn parts(p: &Problem) -> Parts {
    let data = p.data();
    let labels = match data.teacher() {
        Some(v) => Labels::Teacher(v.to_vec()),
        None => Labels::Given(data.y().to_vec()),
    };
    Parts { x: data.x().to_vec(), labels, init: p.init().clone(), relu_prime: p.relu_prime() }
}

/// One random move of `parts`.
fn mutate(rng: &mut ChaCha8Rng, parts: &mut Parts) {
    let one = Rational::from(1);
    let (n, d) = (parts.x.len(), parts.x[0].len());
    match below(rng, 12) {
        0..=3 => {
            let (i, j) = (below(rng, n), below(rng, d));
            parts.x[i][j] = nudge(rng, &parts.x[i][j], &one, false);
        }
        4 | 5 => match &mut parts.labels {
            Labels::Given(y) => {
                let i = below(rng, y.len());
                y[i] = nudge(rng, &y[i], &one, true);
            }
            Labels::Teacher(v) => {
                let j = below(rng, v.len());
                v[j] = nudge(rng, &v[j], &one, false);
            }
        },
        6..=8 => mutate_init(rng, &mut parts.init),
        9 if n > 1 => {
            let i = below(rng, n);
            parts.x.remove(i);
            if let Labels::Given(y) = &mut parts.labels {
                y.remove(i);
            }
        }
        10 if n < MAX_POINTS => {
            let (i, j) = (below(rng, n), below(rng, d));
            let mut copy = parts.x[i].clone();
            copy[j] = nudge(rng, &copy[j], &one, false);
            parts.x.push(copy);
            if let Labels::Given(y) = &mut parts.labels {
                y.push(y[i].clone());
            }
        }
        _ => {
            parts.relu_prime = match parts.relu_prime {
                ReluPrime::Zero => ReluPrime::One,
                ReluPrime::One => ReluPrime::Zero,
            }
        }
    }
}

fn mutate_init(rng: &mut ChaCha8Rng, init: &mut Init) {
    let rows: Vec<&mut Vec<Rational>> = match init {
        Init::Single { w } => vec![w],
        Init::Explicit { w, .. } => w.iter_mut().collect(),
        Init::Balanced { z, .. } => z.iter_mut().collect(),
    };
    let mut rows = rows;
    let r = below(rng, rows.len());
    let row = &mut rows[r];
    let unit = init_unit(row);
    let k = below(rng, row.len());
    row[k] = nudge(rng, &row[k], &unit, false);
}

/// A neighbour of `p`: one to three random moves (see the module documentation); `None` when the
/// moves left no valid problem (a balanced direction at zero, say). Hypotheses are not checked.
pub fn neighbour(p: &Problem, rng: &mut ChaCha8Rng) -> Option<Problem> {
    let mut parts = parts(p);
    for _ in 0..=below(rng, 3) {
        mutate(rng, &mut parts);
    }
    let data = Data::new(parts.x, parts.labels).ok()?;
    Problem::new(p.model(), parts.relu_prime, p.loss(), data, parts.init, p.run().clone()).ok()
}
