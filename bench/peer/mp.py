"""3. Non-validated high precision: mpmath's `odefun` (its Taylor method) against reluflow's MPFR
Taylor integrator at equal precision (bits = ⌈digits·log2(10)⌉), on the switch-free stretch of
`examples/two-layer-accuracy.toml` (d = n = 3, m = 4, t ∈ [0, 1.5]). The truth is reluflow's
MPFR integrator at TRUTH_BITS, cross-checked against the validated enclosure of section 4."""

import math
import os
import tomllib
from fractions import Fraction

import mpmath

from .common import best_of

EXAMPLE = "two-layer-accuracy"
DIGITS = [15, 30, 60]
TRUTH_BITS = 400
FILE = "mp-two-layer-accuracy.txt"


def instance(root):
    """The example as an instance file (its accuracy settings dropped: those are section 4's)."""
    with open(os.path.join(root, "examples", EXAMPLE + ".toml"), "rb") as f:
        doc = tomllib.load(f, parse_float=str)
    txt = lambda v: [txt(u) for u in v] if isinstance(v, list) else str(v)  # noqa: E731
    return {"model": "two-layer", "relu_prime": doc["relu_prime_at_zero"], "loss": doc["loss"],
            "x": txt(doc["data"]["x"]), "teacher": txt(doc["data"]["teacher"]),
            "scale": str(doc["init"]["scale"]), "z": txt(doc["init"]["z"]), "s": txt(doc["init"]["s"]),
            "t_end": str(doc["run"]["t_end"])}


def field(inst):
    """The two-layer gradient flow in mpmath numbers (every point stays active on this stretch, so
    σ = identity there; the activity test is kept to be the same ODE), and its initial state."""
    q = lambda v: mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator  # noqa: E731
    x = [[q(v) for v in r] for r in inst["x"]]
    v = [q(t) for t in inst["teacher"]]
    y = [max(mpmath.fsum(a * b for a, b in zip(r, v)), 0) for r in x]
    n, d, m = len(x), len(x[0]), len(inst["z"])
    g = mpmath.mpf(1) / n  # half-mean loss: G = 1/n
    lam = q(inst["scale"])
    w0 = [[lam * q(c) for c in r] for r in inst["z"]]
    a0 = [int(s) * mpmath.sqrt(mpmath.fsum(c * c for c in r)) for s, r in zip(inst["s"], w0)]

    def rhs(_t, u):
        w = [u[j * d:(j + 1) * d] for j in range(m)]
        a = u[m * d:]
        z = [[mpmath.fsum(wj[k] * xi[k] for k in range(d)) for xi in x] for wj in w]
        r = [mpmath.fsum(a[j] * max(z[j][i], 0) for j in range(m)) - y[i] for i in range(n)]
        dw = [-g * a[j] * mpmath.fsum(r[i] * x[i][k] for i in range(n) if z[j][i] > 0)
              for j in range(m) for k in range(d)]
        da = [-g * mpmath.fsum(r[i] * max(z[j][i], 0) for i in range(n)) for j in range(m)]
        return dw + da

    return rhs, [c for r in w0 for c in r] + a0


def mpmath_run(inst, digits, t_end):
    with mpmath.workdps(digits):
        rhs, u0 = field(inst)
        sol = mpmath.odefun(rhs, 0, u0)
        return [mpmath.mpf(c) for c in sol(mpmath.mpf(Fraction(t_end).numerator) / Fraction(t_end).denominator)]


def run(rust, root, quick):
    inst = instance(root)
    path = rust.file(FILE, inst)
    with mpmath.workprec(TRUTH_BITS):
        truth = [mpmath.mpf(v) for v in rust.run("mpfr", path, TRUTH_BITS, 1)[0]["final"].split(",")]
    rows = []
    for digits in DIGITS:
        bits = math.ceil(digits * math.log2(10))
        ours = rust.run("mpfr", path, bits, 3 if quick else 10)[0]
        with mpmath.workprec(TRUTH_BITS):
            err_ours = max(abs(mpmath.mpf(v) - t) for v, t in zip(ours["final"].split(","), truth))
        secs, vals = best_of(1 if quick or digits > 30 else 3, lambda: mpmath_run(inst, digits, inst["t_end"]))  # noqa: B023
        with mpmath.workprec(TRUTH_BITS):
            err_mp = max(abs(v - t) for v, t in zip(vals, truth))
        rows.append({"digits": digits, "bits": bits, "reluflow_s": float(ours["secs"]), "steps": int(ours["steps"]),
                     "order": int(ours["order"]), "reluflow_err": float(err_ours), "mpmath_s": secs,
                     "mpmath_err": float(err_mp)})
    return rows, truth
