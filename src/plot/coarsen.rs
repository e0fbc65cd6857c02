//! Fewer, coarser bands for long runs: a run with thousands of segments would give an SVG of
//! many megabytes with bands far thinner than a pixel. Consecutive bands whose joint time extent
//! fits in one bin are replaced by their hull (the smallest rectangle containing them), which
//! still contains every certified enclosure it replaces: coarser, never less sound.

use super::{Figure, Rect};

/// At most this many bins across the time axis.
pub const MAX_BINS: usize = 200;
/// A series with more end enclosures than this shows none (its bands already contain the segment
/// ends' states, and leaving a mark out claims nothing).
pub const MAX_ENDS: usize = 80;

/// The hull of two rectangles.
fn hull(a: &Rect, b: &Rect) -> Rect {
    Rect { x0: a.x0.min(b.x0), x1: a.x1.max(b.x1), y0: a.y0.min(b.y0), y1: a.y1.max(b.y1) }
}

/// Merges consecutive rectangles (in time order) greedily while their joint time extent is at
/// most `width`; returns the merged list and the largest number of rectangles merged into one.
pub fn merge(rects: &[Rect], width: f64) -> (Vec<Rect>, usize) {
    let mut out: Vec<Rect> = Vec::new();
    let (mut count, mut most) = (0, 0);
    for r in rects {
        match out.last_mut() {
            Some(last) if r.x1.max(last.x1) - r.x0.min(last.x0) <= width => {
                *last = hull(last, r);
                count += 1;
            }
            _ => {
                out.push(*r);
                count = 1;
            }
        }
        most = usize::max(most, count);
    }
    (out, most)
}

/// Coarsens every series of `fig` to at most about [`MAX_BINS`] bands and drops end marks past
/// [`MAX_ENDS`]; returns the largest number of segments merged into one band (1: none merged).
pub fn coarsen(fig: &mut Figure) -> usize {
    let width = (fig.x_range.1 - fig.x_range.0) / MAX_BINS as f64;
    let mut most = 1;
    for s in fig.panels.iter_mut().flat_map(|p| p.series.iter_mut()) {
        if s.bands.len() > MAX_BINS {
            let (bands, m) = merge(&s.bands, width);
            s.bands = bands;
            most = most.max(m);
        }
        if s.ends.len() > MAX_ENDS {
            s.ends.clear();
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x0: f64, x1: f64, y0: f64, y1: f64) -> Rect {
        Rect { x0, x1, y0, y1 }
    }

    #[test]
    fn merged_bands_contain_what_they_replace() {
        let rects: Vec<Rect> = (0..10).map(|k| r(k as f64, k as f64 + 1.0, k as f64, k as f64 + 0.5)).collect();
        let (out, most) = merge(&rects, 2.0);
        assert_eq!((out.len(), most), (5, 2));
        for a in &rects {
            assert!(out.iter().any(|b| b.x0 <= a.x0 && a.x1 <= b.x1 && b.y0 <= a.y0 && a.y1 <= b.y1));
        }
        assert_eq!(out[0], r(0.0, 2.0, 0.0, 1.5));
        assert_eq!(merge(&rects, 0.5), (rects.clone(), 1), "nothing fits in a bin: unchanged");
        assert_eq!(merge(&[], 1.0), (vec![], 0));
        let (one, n) = merge(&rects, 100.0);
        assert_eq!((one, n), (vec![r(0.0, 10.0, 0.0, 9.5)], 10));
        let inf = [r(0.0, 1.0, f64::NEG_INFINITY, 0.0), r(1.0, 2.0, 0.0, 3.0)];
        assert_eq!(merge(&inf, 5.0).0, vec![r(0.0, 2.0, f64::NEG_INFINITY, 3.0)]);
    }
}
