"""2. The single-neuron flow: SciPy's solve_ivp (RK45, DOP853; default and tight tolerances)
against reluflow's certified run, to a finite time and to the limit. The certified enclosure is
the truth: a SciPy run's error is its distance to the enclosure's midpoint (exact up to the
enclosure's width, which is printed beside it)."""

import os
import random
import tomllib

import numpy as np
from scipy.integrate import solve_ivp

from .common import best_of, floats

EXAMPLES = ["vardi-shamir-gamma0", "vardi-shamir-gamma1", "vardi-shamir-gamma2", "vardi-shamir-gamma5"]
T_FINITE = "2"
# (method, rtol, atol): SciPy's defaults, then tight.
SETTINGS = [("RK45", 1e-3, 1e-6), ("RK45", 1e-10, 1e-12), ("DOP853", 1e-3, 1e-6), ("DOP853", 1e-13, 1e-15)]
# The limit run integrates to T = DECAYS / μ, μ the slowest decay rate of the certified final
# pattern (e^−36 ≈ 2e-16): what a researcher who knows the rate would choose.
DECAYS = 36.0


def from_example(root, name):
    with open(os.path.join(root, "examples", name + ".toml"), "rb") as f:
        doc = tomllib.load(f, parse_float=str)
    txt = lambda v: [txt(u) for u in v] if isinstance(v, list) else str(v)  # noqa: E731
    data = doc["data"]
    inst = {"model": "single-neuron", "relu_prime": doc["relu_prime_at_zero"], "loss": doc["loss"],
            "x": txt(data["x"]), "w0": txt(doc["init"]["w"])}
    if "y" in data:
        inst["y"] = txt(data["y"])
    else:
        inst["teacher"] = txt(data["teacher"])
    return inst


def random_instance(seed):
    """d = 3, n = 5 one-decimal points in [−2, 2], teacher labels, a one-decimal start, σ'(0) = 0."""
    rng = random.Random(seed)
    dec = lambda: f"{rng.randint(-20, 20) / 10:g}"  # noqa: E731
    return {"model": "single-neuron", "relu_prime": 0, "loss": "half-sum",
            "x": [[dec() for _ in range(3)] for _ in range(5)],
            "teacher": [dec() for _ in range(3)], "w0": [dec() for _ in range(3)]}


def as_arrays(inst):
    x = np.array([[float(eval_exact(v)) for v in r] for r in inst["x"]])
    if "y" in inst:
        y = np.array([float(eval_exact(v)) for v in inst["y"]])
    else:
        y = np.maximum(x @ np.array([float(eval_exact(v)) for v in inst["teacher"]]), 0.0)
    n = len(y)
    g = {"half-sum": 1.0, "half-mean": 1.0 / n, "mean": 2.0 / n}[inst["loss"]]
    return x, y, g, np.array([float(eval_exact(v)) for v in inst["w0"]])


def eval_exact(v):
    if "/" in v:
        p, q = v.split("/")
        return float(p) / float(q)
    return float(v)


def rhs_for(x, y, g, sigma1):
    def rhs(_t, w):
        z = x @ w
        act = z >= 0 if sigma1 else z > 0
        return -g * (x.T @ ((np.maximum(z, 0.0) - y) * act))
    return rhs


def scipy_run(inst, method, rtol, atol, t_end):
    x, y, g, w0 = as_arrays(inst)
    rhs = rhs_for(x, y, g, str(inst["relu_prime"]) == "1")
    sol = solve_ivp(rhs, (0.0, t_end), w0, method=method, rtol=rtol, atol=atol)
    return sol.y[:, -1], sol.t[-1], sol.nfev


def limit_horizon(inst, w_inf):
    """DECAYS / μ with μ the smallest non-zero eigenvalue of G·X_AᵀX_A, A the points active at the
    limit (a point on its hyperplane counts as active: it decays at its own rate)."""
    x, _, g, _ = as_arrays(inst)
    z = x @ w_inf
    xa = x[z >= -1e-9 * (1 + np.abs(z).max())]
    ev = np.linalg.eigvalsh(g * xa.T @ xa) if len(xa) else np.array([])
    ev = ev[ev > 1e-9 * max(ev.max(initial=0.0), 1.0)]
    return DECAYS / ev.min() if len(ev) else DECAYS


def run(rust, root, quick):
    insts = [(name, from_example(root, name)) for name in EXAMPLES]
    insts += [(f"random seed {s}", random_instance(s)) for s in range(1, 3 if quick else 7)]
    reps = 3 if quick else 10
    rows = []
    for name, inst in insts:
        for horizon in (T_FINITE, "inf"):
            path = rust.file(f"neuron-{name.replace(' ', '-')}-{horizon}.txt", {**inst, "t_end": horizon})
            cert = rust.run("neuron", path, reps)[0]
            key = "limit" if horizon == "inf" else "final"
            row = {"instance": name, "horizon": horizon, "status": cert["status"], "events": int(cert["events"]),
                   "reluflow_s": float(cert["secs"]), "peers": []}
            if f"{key}_lo" not in cert:
                rows.append(row)
                continue
            lo, hi = np.array(floats(cert[f"{key}_lo"])), np.array(floats(cert[f"{key}_hi"]))
            row["width"] = float(np.max(hi - lo))
            mid = (lo + hi) / 2
            t_end = limit_horizon(inst, mid) if horizon == "inf" else float(eval_exact(horizon))
            for method, rtol, atol in SETTINGS:
                secs, (w, t_last, nfev) = best_of(reps, lambda: scipy_run(inst, method, rtol, atol, t_end))  # noqa: B023
                err = float(np.max(np.abs(w - mid)))
                row["peers"].append({"method": method, "rtol": rtol, "secs": secs, "error": err,
                                     "t_last": t_last, "nfev": nfev})
            rows.append(row)
    return rows
