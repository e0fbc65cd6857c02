//! The timed reluflow runs of the peer benchmark; each prints one or more `key=value` lines.

use crate::best_of;
use crate::input::{Fields, f64_rows, f64_vec, text};
use reluflow_arith::{Interval, Scalar};
use reluflow_flow::net::field::NetData;
use reluflow_flow::net::gd_fast::FastGd;
use reluflow_flow::net::reference::{RefOptions, integrate_problem};
use reluflow_flow::net::validated::{ValidatedOptions, certify_with_stats};
use reluflow_flow::neuron::{NeuronOptions, certify};
use reluflow_flow::trajectory::{State, Status};
use reluflow_model::{Problem, ReluPrime};
use std::time::Instant;

/// `ITERS` steps of the fast loop from the file's state in six variants — `auto`
/// ([`FastGd::auto`]: the mode for the shape; its layout is printed first), `auto_all` (the same
/// with every neuron kept), `direct` (dead neurons skipped), `dense` (every
/// neuron every step: the work a plain loop does), `gram` (`Z` updated through `K = X Xᵀ`) and
/// `lanes` (neurons along the vector lanes) — each the best of `reps` runs; prints the time per step, the loss after the last step and the
/// live neurons left.
pub fn gd(f: &Fields, iters: u64, reps: usize) {
    let relu_prime = if text(f, "relu_prime") == "1" { ReluPrime::One } else { ReluPrime::Zero };
    let grad_factor: f64 = text(f, "grad_factor").parse().expect("grad_factor");
    let data = NetData { x: f64_rows(f, "x"), y: f64_vec(f, "y"), grad_factor, relu_prime };
    let s = State { w: f64_rows(f, "w"), a: Some(f64_vec(f, "a")) };
    let lr: f64 = text(f, "lr").parse().expect("lr");
    let mut dense = FastGd::new(&data, &s);
    dense.set_skip_dead(false);
    let mut auto_all = FastGd::auto(&data, &s);
    auto_all.set_skip_dead(false);
    println!("gd_layout auto={}", auto_all.layout());
    let modes = [
        ("auto", FastGd::auto(&data, &s)),
        ("auto_all", auto_all),
        ("direct", FastGd::new(&data, &s)),
        ("dense", dense),
        ("gram", FastGd::new_gram(&data, &s)),
        ("lanes", FastGd::new_lanes(&data, &s)),
    ];
    for (mode, base) in modes {
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..reps.max(1) {
            let mut g = base.clone();
            let t0 = Instant::now();
            for _ in 0..iters {
                g.step(lr);
            }
            best = best.min(t0.elapsed().as_secs_f64());
            last = Some(g);
        }
        let mut g = last.expect("one repetition");
        let loss = g.forward();
        println!("gd mode={mode} ns={:.1} loss={loss:e} live={}", best * 1e9 / iters as f64, g.live_neurons());
    }
}

fn bounds(v: &[Interval]) -> (String, String) {
    let join = |f: &dyn Fn(&Interval) -> f64| v.iter().map(|x| format!("{:e}", f(x))).collect::<Vec<_>>().join(",");
    (join(&|x| x.lower_f64()), join(&|x| x.upper_f64()))
}

/// The certified single neuron: status, final state and limit enclosures, best time of `reps`.
pub fn neuron(p: &Problem, reps: usize) {
    let (secs, tr) = best_of(reps, || certify::<Interval>(p, &(), &NeuronOptions::default()).expect("single neuron"));
    let status = match tr.status() {
        Status::Certified => "certified".to_string(),
        s => format!("{s:?}").replace(' ', "_"),
    };
    let (flo, fhi) = bounds(&tr.final_state().w[0]);
    print!("neuron secs={secs:e} status={status} events={} final_lo={flo} final_hi={fhi}", tr.events().len());
    if let Some(lim) = tr.limit() {
        let (llo, lhi) = bounds(&lim.state.w[0]);
        print!(" limit_lo={llo} limit_hi={lhi}");
    }
    println!();
}

/// Every coordinate of a two-layer state, `w` row by row and then `a`.
fn flat<S: Clone>(s: &State<S>) -> Vec<S> {
    s.w.iter().flatten().chain(s.a.iter().flatten()).cloned().collect()
}

/// The non-validated MPFR Taylor integrator at `bits` (its own order and tolerance for that
/// precision): best time of `reps`, steps, order, and the final state in decimal.
pub fn mpfr(p: &Problem, bits: u32, reps: usize) {
    let opts = RefOptions::for_bits(bits);
    let (secs, run) = best_of(reps, || integrate_problem::<rug::Float>(p, &bits, &opts).expect("two-layer"));
    let digits = (f64::from(bits) * std::f64::consts::LOG10_2).ceil() as usize + 10;
    let vals: Vec<String> =
        flat(run.trajectory.final_state()).iter().map(|v| v.to_string_radix(10, Some(digits))).collect();
    println!(
        "mpfr bits={bits} secs={secs:e} steps={} order={} stop={:?} final={}",
        run.steps,
        opts.order,
        run.stop,
        vals.join(",")
    );
}

/// The validated two-layer integrator with `order` (0: automatic) and `tol` (`None`: automatic):
/// best time of `reps`, steps, the largest width of the final enclosure, status, the enclosure.
pub fn validated(p: &Problem, order: usize, tol: Option<f64>, reps: usize) {
    let opts = ValidatedOptions { order, tol_rel: tol, ..ValidatedOptions::default() };
    let (secs, (tr, st)) = best_of(reps, || certify_with_stats::<Interval>(p, &(), &opts).expect("two-layer"));
    let fin = flat(tr.final_state());
    let width = fin.iter().map(|v| v.upper_f64() - v.lower_f64()).fold(0.0, f64::max);
    let certified = matches!(tr.status(), Status::Certified);
    let (lo, hi) = bounds(&fin);
    println!(
        "validated order={order} tol={} secs={secs:e} steps={} width={width:e} certified={certified} final_lo={lo} final_hi={hi}",
        tol.map_or("auto".to_string(), |t| format!("{t:e}")),
        st.steps,
    );
}
