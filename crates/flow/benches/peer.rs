//! The Rust side of the peer benchmark suite (`bench/run`, `bench/README.md`): times reluflow's
//! integrators on an instance that the script hands over, and prints machine-readable lines
//! (`key=value` pairs separated by spaces) that the script compares with the Python peers it
//! timed in the same run.
//!
//! Run (normally through `bench/run`): `cargo bench -p reluflow-flow --bench peer -- CMD ARGS`
//!
//! * `peak`: this core's measured f64 FMA throughput and memory bandwidth (`peer/machine.rs`);
//! * `gd FILE ITERS REPS`: the fast gradient-descent loop, `ITERS` steps from the file's state;
//! * `neuron FILE REPS`: the certified single neuron (f64 intervals);
//! * `mpfr FILE BITS REPS`: the non-validated MPFR Taylor integrator of the two-layer flow;
//! * `validated FILE ORDER TOL REPS`: the validated two-layer integrator (f64 intervals; order 0
//!   and `TOL = auto` are the automatic settings).
//!
//! Times are the best of `REPS` repetitions (wall clock, one thread), as the script times its
//! peers. The instance file has one `key v v v | v v v` line per field (rows separated by `|`);
//! exact numbers (`0.1`, `1/3`) become rationals exactly (`peer/input.rs`).

#[path = "peer/input.rs"]
mod input;
#[path = "peer/machine.rs"]
mod machine;
#[path = "peer/runs.rs"]
mod runs;

use std::time::Instant;

/// The best wall time of `reps` calls of `f`, in seconds, and the last result.
pub fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..reps.max(1) {
        let t0 = Instant::now();
        let out = f();
        best = best.min(t0.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one repetition"))
}

fn arg<T: std::str::FromStr>(args: &[String], k: usize, what: &str) -> T {
    args.get(k)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("argument {k} ({what}) missing or malformed: {args:?}"))
}

fn main() {
    // `cargo bench` appends `--bench`; every other argument is ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(cmd) = args.first() else {
        eprintln!(
            "usage: peer peak | gd FILE ITERS REPS | neuron FILE REPS | mpfr FILE BITS REPS | validated FILE ORDER TOL REPS"
        );
        return;
    };
    match cmd.as_str() {
        "peak" => machine::peak(),
        "gd" => runs::gd(&input::read(&args[1]), arg(&args, 2, "ITERS"), arg(&args, 3, "REPS")),
        "neuron" => runs::neuron(&input::problem(&args[1], 53), arg(&args, 2, "REPS")),
        "mpfr" => {
            let bits: u32 = arg(&args, 2, "BITS");
            runs::mpfr(&input::problem(&args[1], bits), bits, arg(&args, 3, "REPS"));
        }
        "validated" => {
            let tol = args.get(3).and_then(|t| t.parse::<f64>().ok());
            runs::validated(&input::problem(&args[1], 53), arg(&args, 2, "ORDER"), tol, arg(&args, 4, "REPS"));
        }
        other => panic!("unknown command {other:?}"),
    }
}
