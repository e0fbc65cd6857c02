"""1. The shallow-network paper's gradient-descent iteration: a plain vectorised NumPy loop (as a
researcher writes it) against reluflow's fast loop, plus the physical limit of one iteration."""

import math

import numpy as np

from .common import best_of

# (m, d) with n = d; the paper's settings otherwise (uncentred scheme, λ = 4^-7, lr 0.01, MSE/2).
SIZES = [(200, 4), (200, 16), (200, 64), (25, 16)]
LAMBDA = 4.0**-7
LR = 0.01


def instance(m, d, seed):
    """The paper's uncentred data scheme and balanced initialisation z_j ~ N(0, I/(dm)), in NumPy."""
    n = d
    rng = np.random.default_rng(seed)
    noise = math.sqrt((math.sqrt(2) - 1) / d)
    unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
    while True:
        center = unit(rng.standard_normal(d))
        x = center + rng.standard_normal((n, d)) * noise
        teacher = unit(center + rng.standard_normal(d) * noise)
        y = np.maximum(x @ teacher, 0.0)
        if np.all(y > 0):
            break
    z = rng.standard_normal((m, d)) / math.sqrt(d * m)
    s = rng.choice([-1.0, 1.0], m)
    w = LAMBDA * z
    a = s * np.linalg.norm(w, axis=1)
    return x, y, w, a


def numpy_gd(x, y, w, a, iters, lr=LR):
    """`iters` steps of GD on L = (1/2n) Σ (Σ_j a_j σ(w_jᵀx_i) − y_i)², σ'(0) = 0; the final loss."""
    w, a = w.copy(), a.copy()
    g = 1.0 / len(y)
    for _ in range(iters):
        z = w @ x.T
        h = np.maximum(z, 0.0)
        r = a @ h - y
        grad_a = g * (h @ r)
        grad_w = g * (((z > 0) * r) * a[:, None]) @ x
        w -= lr * grad_w
        a -= lr * grad_a
    r = a @ np.maximum(w @ x.T, 0.0) - y
    return 0.5 * g * float(r @ r)


def torch_gd(x, y, w, a, iters, lr=LR):
    """The same loop in PyTorch on the CPU (one thread, as the NumPy loop), when it is installed."""
    import torch  # noqa: PLC0415 (optional)

    torch.set_num_threads(1)
    x, y, w, a = (torch.from_numpy(v.copy()) for v in (x, y, w, a))
    g = 1.0 / len(y)
    with torch.no_grad():
        for _ in range(iters):
            z = w @ x.T
            h = torch.clamp(z, min=0.0)
            r = a @ h - y
            grad_a = g * (h @ r)
            grad_w = g * (((z > 0) * r) * a[:, None]) @ x
            w -= lr * grad_w
            a -= lr * grad_a
        r = a @ torch.clamp(w @ x.T, min=0.0) - y
    return 0.5 * g * float(r @ r)


def limit(m, n, d, peak):
    """Seconds per iteration at this core's measured peak: the larger of the flop time and the time
    to stream the operands once from L2 (every operand of these sizes fits there). The standard
    iteration (the NumPy loop's, and reluflow's direct and lane layouts): `Z = W Xᵀ` and `C X`,
    4mnd flops, plus 6mn for the residuals, masks and `p`; operands `X` twice, `W` read and
    written, `a`, `y`. (reluflow's Gram layout reaches the same iterates with 2mn² + 8mn flops,
    so with n = d it can go below this limit.)"""
    flops, doubles = 4 * m * n * d + 6 * m * n, 2 * n * d + 2 * m * d + 2 * m + n
    return flops, 8 * doubles, max(flops / peak["flops"], 8 * doubles / peak["l2_bytes"])


def have_torch():
    try:
        import torch  # noqa: F401, PLC0415 (optional)
    except ImportError:
        return False
    return True


def run(rust, peak, quick, torch=False):
    torch = torch and have_torch()
    rows = []
    for m, d in SIZES:
        x, y, w, a = instance(m, d, seed=1)
        iters = (400 if quick else 2000) * (4 if d <= 16 else 1)
        reps = 2 if quick else 3
        t_np, loss_np = best_of(reps, lambda: numpy_gd(x, y, w, a, iters))  # noqa: B023
        path = rust.file(f"gd-m{m}-d{d}.txt", {
            "x": [[repr(float(v)) for v in r] for r in x], "y": [repr(float(v)) for v in y],
            "w": [[repr(float(v)) for v in r] for r in w], "a": [repr(float(v)) for v in a],
            "grad_factor": repr(1.0 / d), "relu_prime": 0, "lr": LR,
        })
        # Many short repetitions (best of): on a shared machine a long one is rarely uninterrupted.
        lines = rust.run("gd", path, iters, 10 if quick else 30)
        layout = next(r for r in lines if r["kind"] == "gd_layout")["auto"]
        res = {r["mode"]: r for r in lines if r["kind"] == "gd"}
        flops, bytes_, t_lim = limit(m, d, d, peak)
        row = {"m": m, "d": d, "n": d, "iters": iters, "numpy_s": t_np / iters, "loss_numpy": loss_np,
               "layout": layout, "flops": flops, "bytes": bytes_, "limit_s": t_lim}
        for mode, r in res.items():
            row[f"{mode}_s"] = float(r["ns"]) * 1e-9
            row[f"{mode}_live"] = int(r["live"])
        # The same iterates: the loss after `iters` steps from the same start.
        row["loss_rust"] = float(res["auto"]["loss"])
        row["loss_rel_diff"] = abs(row["loss_rust"] - loss_np) / abs(loss_np)
        if torch:
            t_torch, loss_torch = best_of(reps, lambda: torch_gd(x, y, w, a, iters))  # noqa: B023
            row["torch_s"] = t_torch / iters
            row["loss_torch_rel_diff"] = abs(loss_torch - loss_np) / abs(loss_np)
        rows.append(row)
    return rows
