//! Crude measurements of this core's limits, for the "physical limit" of a gradient-descent
//! iteration: f64 fused multiply–add throughput (independent chains of 8-lane vectors, which
//! `target-cpu=native` compiles to the widest FMA the CPU has) and read bandwidth from a buffer
//! that fits the L2 cache and from one far larger than every cache (main memory). Each is the best
//! of many short repetitions, so that a time slice lost to another process on a shared machine
//! does not lower the estimate.

use crate::best_of;
use std::hint::black_box;

/// Independent accumulator vectors (enough to cover the FMA latency on every current core).
const CHAINS: usize = 12;
const LANES: usize = 8;

/// f64 flops per second of one thread: `CHAINS × LANES` independent FMA chains.
fn fma_rate() -> f64 {
    let iters = 1_000_000usize;
    let (secs, _) = best_of(40, || {
        let (a, b) = (black_box(0.999_999_9f64), black_box(1e-9f64));
        let mut acc = [[1.0f64; LANES]; CHAINS];
        for _ in 0..iters {
            for chain in &mut acc {
                for v in chain.iter_mut() {
                    *v = v.mul_add(a, b);
                }
            }
        }
        black_box(acc)
    });
    (2 * CHAINS * LANES * iters) as f64 / secs
}

/// Bytes per second of summing a buffer of `bytes` bytes `passes` times.
fn read_rate(bytes: usize, passes: usize) -> f64 {
    let buf = vec![1.0f64; bytes / 8];
    let (secs, _) = best_of(if bytes < 1 << 20 { 40 } else { 5 }, || {
        let mut acc = [0.0f64; 32];
        for _ in 0..passes {
            for chunk in black_box(&buf).chunks_exact(32) {
                for (a, v) in acc.iter_mut().zip(chunk) {
                    *a += v;
                }
            }
        }
        black_box(acc)
    });
    (bytes * passes) as f64 / secs
}

/// Prints `peak flops=… l2_bytes=… dram_bytes=…` (per second, one thread).
pub fn peak() {
    let flops = fma_rate();
    let l2 = read_rate(256 << 10, 100);
    let dram = read_rate(256 << 20, 2);
    println!("peak flops={flops:.4e} l2_bytes={l2:.4e} dram_bytes={dram:.4e}");
}
