//! Recycled f64 buffers for the large midpoint–radius matrices of the bulk products.
//!
//! A validated step of a network with `N` coordinates makes and drops a dozen `N × N` matrices
//! (megabytes each at the paper's size). Fresh from the allocator, each one's pages are zeroed by
//! the kernel and faulted in on first touch, and the allocator hands them back to the system when
//! they are freed at the top of the heap: at `N = 425` that was about half a million page faults
//! and an eighth of the run. Here a thread keeps the large buffers it drops (at most
//! [`MAX_HELD`] of them and [`MAX_HELD_BYTES`] in all) and hands them out again, so the step loop
//! reuses the same memory from step to step. Buffers below [`MIN_LEN`] entries are left to the
//! allocator, whose free lists reuse them without page faults.
//!
//! Only memory is reused: [`zeros`] returns zeros and [`with_capacity`] an empty vector, exactly as
//! `vec![0.0; len]` and `Vec::with_capacity(len)` would, so no value depends on the pool.
//!
//! ```
//! use reluflow_arith::buffers;
//! let v = buffers::zeros(1 << 16);
//! let cap = v.capacity();
//! buffers::recycle(v);
//! let w = buffers::with_capacity(1 << 15); // the same memory, emptied
//! assert!(w.is_empty() && w.capacity() == cap);
//! ```

use std::cell::RefCell;

/// The smallest buffer (entries) that is kept: 128 KiB of f64.
pub const MIN_LEN: usize = 1 << 14;
/// At most this many buffers are kept per thread.
pub const MAX_HELD: usize = 32;
/// At most this many bytes are kept per thread.
pub const MAX_HELD_BYTES: usize = 512 << 20;

thread_local! {
    static FREE: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
}

/// The smallest kept buffer with room for `len` entries, taken out of the pool (emptied).
fn take(len: usize) -> Option<Vec<f64>> {
    if len < MIN_LEN {
        return None;
    }
    FREE.with(|f| {
        let mut f = f.borrow_mut();
        let best = f.iter().enumerate().filter(|(_, v)| v.capacity() >= len).min_by_key(|(_, v)| v.capacity())?.0;
        let mut v = f.swap_remove(best);
        v.clear();
        Some(v)
    })
}

/// An empty vector with room for at least `len` entries (a kept buffer when there is one).
pub fn with_capacity(len: usize) -> Vec<f64> {
    take(len).unwrap_or_else(|| Vec::with_capacity(len))
}

/// `len` zeros (in a kept buffer when there is one): `vec![0.0; len]`.
pub fn zeros(len: usize) -> Vec<f64> {
    match take(len) {
        Some(mut v) => {
            v.resize(len, 0.0);
            v
        }
        None => vec![0.0; len],
    }
}

/// `x` copied into a buffer (a kept one when there is one): `x.to_vec()`.
pub fn copy(x: &[f64]) -> Vec<f64> {
    let mut v = with_capacity(x.len());
    v.extend_from_slice(x);
    v
}

/// Gives `v`'s memory back to this thread's pool if it is large enough and the pool has room;
/// otherwise frees it.
pub fn recycle(v: Vec<f64>) {
    let cap = v.capacity();
    if cap < MIN_LEN {
        return;
    }
    // A thread that is being torn down has no pool any more: then the buffer is simply freed.
    let _ = FREE.try_with(|f| {
        let mut f = f.borrow_mut();
        let held: usize = f.iter().map(|b| b.capacity() * size_of::<f64>()).sum();
        if f.len() < MAX_HELD && held + cap * size_of::<f64>() <= MAX_HELD_BYTES {
            f.push(v);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_buffer_comes_back_as_zeros_of_the_asked_length() {
        let mut v = zeros(MIN_LEN * 2);
        v.iter_mut().for_each(|x| *x = 7.0);
        let cap = v.capacity();
        recycle(v);
        let w = zeros(MIN_LEN + 3);
        assert_eq!(w.capacity(), cap, "the kept buffer is reused");
        assert_eq!(w.len(), MIN_LEN + 3);
        assert!(w.iter().all(|&x| x == 0.0), "no value survives recycling");
    }

    #[test]
    fn small_requests_and_buffers_bypass_the_pool() {
        recycle(vec![1.0; MIN_LEN - 1]);
        let big = zeros(MIN_LEN);
        let cap = big.capacity();
        recycle(big);
        let small = with_capacity(10);
        assert!(small.capacity() < MIN_LEN, "a small request is not served from the pool");
        assert_eq!(copy(&[1.0, 2.0]), vec![1.0, 2.0]);
        assert_eq!(with_capacity(MIN_LEN).capacity(), cap);
    }

    #[test]
    fn the_pool_keeps_a_bounded_number_of_buffers() {
        for _ in 0..MAX_HELD + 5 {
            recycle(Vec::with_capacity(MIN_LEN));
        }
        let held = FREE.with(|f| f.borrow().len());
        assert!(held <= MAX_HELD);
        // Empty the pool for the other tests of this thread.
        FREE.with(|f| f.borrow_mut().clear());
    }
}
