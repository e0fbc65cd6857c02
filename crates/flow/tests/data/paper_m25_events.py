"""Independent count of the activation switches of examples/two-layer-paper-m25.toml (numpy + scipy).

Setting (read from the example file, exact decimals): h(x) = sum_j a_j relu(w_j.x), m = 25, d = n = 16,
labels y_i = relu(v*.x_i) computed exactly from the teacher (one rounding to binary64), balanced start
w_j(0) = lam z_j, a_j(0) = s_j lam |z_j|, L = 1/(2n) sum_i (h(x_i) - y_i)^2, sigma'(0) = 0 (a point with
w_j.x_i = 0 is inactive for neuron j). Gradient flow inside an activation pattern (A_j = {i : w_j.x_i > 0}):
    dw_j/dt = -(1/n) a_j sum_{i in A_j} r_i x_i,   da_j/dt = -(1/n) sum_{i in A_j} r_i (w_j.x_i),
    r_i = sum_{j : i in A_j} a_j (w_j.x_i) - y_i.
A neuron whose active set becomes empty has zero field from then on: it "dies" (frozen on the
hyperplane where its last point left). Neurons that start with an empty active set never move and
are not counted as deaths.

Method (independent of reluflow's Taylor integrators): scipy's DOP853 (explicit Runge-Kutta of order 8)
in binary64 inside a fixed pattern. After every accepted step all 400 guards w_j.x_i are sampled at
K + 1 points of the step's dense output; an interval between two samples where a guard ends on the
wrong side of the pattern, or could dip there and back (|g_k| + |g_k+1| < 2 dt max|dg/dt|: a near
miss), is resampled 256 times finer; the earliest guard found on the wrong side is located by brentq
on the dense output and the integration restarts there with the pattern switched. One event per
(neuron, point) switch; the last point leaving a neuron is counted as a death, not as a
deactivation (events = activations + deactivations + deaths, reluflow's convention; no two
switches of this example are simultaneous: the closest are 4.4e-5 apart).

Run: python3 crates/flow/tests/data/paper_m25_events.py [examples/two-layer-paper-m25.toml]
Needs: Python >= 3.11 (tomllib), numpy, scipy (tested with numpy 2.4.6, scipy 1.17.1). CI does not
run it: its output is pinned in the Rust tests.
Tolerance: two runs, rtol = 1e-12 with K = 16 samples per step and rtol = 1e-13 with K = 64 (atol =
1e-22, max step 1/32 until t = 10 and 4 afterwards); the script fails unless both give the same event
sequence (neuron, point, kind), event times within 1e-7 and final losses within 1e-4 relative. It
prints how far apart the two runs are (event times, loss) and the smallest gap between consecutive
events (the event order is trustworthy when that gap is far above the time error).
Run time: about 12 s (30 s on a busy shared 2-core machine). Run on 2026-12-06; output, pinned in
tests/examples.rs (the certified command-line run) and crates/flow/tests/net_reference.rs (reluflow's
f64 reference integrator):

# rtol=1e-12 samples=16: 1840 steps, 298 near misses resampled, 0 dips found only by resampling, 2.9 s
# rtol=1e-13 samples=64: 2383 steps, 283 near misses resampled, 0 dips found only by resampling, 8.4 s
(events, deaths) = (191, 11)
activations = 84, deactivations = 96, deaths = 11 (neurons 16, 23, 15, 24, 18, 10, 0, 11, 20, 22, 21)
initially inactive neurons = [1, 7]
last event t = 4.334416192921
closest consecutive events: 4.414e-05 apart
max event-time difference between the two tolerances = 5.3e-15
loss(t = 2720) = 9.716284031e-10 (relative difference between the tolerances 6.4e-13)
cpu time 11.0 s

(The full event sequence (neuron, point, kind) also equals that of `reluflow certify --json` on the
example, and every independent event time lies in the certified time enclosure.)
"""
import math
import sys
import time
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.integrate import DOP853
from scipy.optimize import brentq

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[3] / "examples" / "two-layer-paper-m25.toml"


def exact(v):
    """A TOML number (read with parse_float=Decimal) or a decimal string as an exact rational."""
    if isinstance(v, str):
        return Fraction(Decimal(v))
    if isinstance(v, (int, Decimal)):
        return Fraction(v)
    raise TypeError(f"unexpected number {v!r}")


def to_f64(q):
    """q rounded to the nearest binary64 (Fraction.__float__ rounds correctly)."""
    return float(q)


def load(path):
    spec = tomllib.loads(Path(path).read_text(), parse_float=Decimal)
    assert spec["model"] == "two-layer", spec["model"]
    assert spec["relu_prime_at_zero"] == 0, "this script implements sigma'(0) = 0 only"
    assert spec["loss"] == "half-mean", "this script implements L = 1/(2n) sum (h - y)^2 only"
    xq = [[exact(c) for c in row] for row in spec["data"]["x"]]
    vq = [exact(c) for c in spec["data"]["teacher"]]
    yq = [max(Fraction(0), sum(a * b for a, b in zip(row, vq))) for row in xq]
    lam = exact(spec["init"]["scale"])
    zq = [[exact(c) for c in row] for row in spec["init"]["z"]]
    s = [int(v) for v in spec["init"]["s"]]
    t_end = exact(spec["run"]["t_end"])
    x = np.array([[to_f64(c) for c in row] for row in xq])
    # every x, z in the file is a binary64 value written out exactly, and lam = 4^-7: exact in binary64
    assert all(Fraction(x[i, k]) == xq[i][k] for i in range(len(xq)) for k in range(len(xq[0])))
    w0q = [[lam * c for c in row] for row in zq]
    w0 = np.array([[to_f64(c) for c in row] for row in w0q])
    assert all(Fraction(w0[j, k]) == w0q[j][k] for j in range(len(zq)) for k in range(len(zq[0])))
    a0 = np.array([sj * to_f64(lam) * math.sqrt(to_f64(sum(c * c for c in row))) for sj, row in zip(s, zq)])
    y = np.array([to_f64(v) for v in yq])
    # the initial pattern, decided exactly; a guard exactly 0 is inactive (sigma'(0) = 0)
    g0 = [[sum(a * b for a, b in zip(wj, xi)) for xi in xq] for wj in w0q]
    assert all(g != 0 for row in g0 for g in row), "a start on a switching surface"
    active = np.array([[g > 0 for g in row] for row in g0])
    return x, y, w0, a0, active, float(t_end)


class Flow:
    def __init__(self, x, y, m):
        self.x, self.y, self.m = x, y, m
        self.n, self.d = x.shape
        self.gf = 1.0 / self.n  # G = 2c with c = 1/(2n)

    def split(self, u):
        m, d = self.m, self.d
        return u[: m * d].reshape(m, d), u[m * d :]

    def field(self, u, act):
        w, a = self.split(u)
        g = w @ self.x.T  # (m, n) guards
        ag = np.where(act, g, 0.0)
        r = (a[:, None] * ag).sum(axis=0) - self.y
        rr = np.where(act, r[None, :], 0.0)  # (m, n)
        dw = -self.gf * a[:, None] * (rr @ self.x)
        da = -self.gf * (rr * g).sum(axis=1)
        return np.concatenate([dw.ravel(), da])

    def guards(self, u):
        w, _ = self.split(u)
        return w @ self.x.T

    def loss(self, u):
        w, a = self.split(u)
        h = (a[:, None] * np.maximum(w @ self.x.T, 0.0)).sum(axis=0)
        return 0.5 * self.gf * float(((h - self.y) ** 2).sum())


def wrong_side(act, live, g):
    """Pairs whose guard is on the wrong side of the pattern (sigma'(0) = 0: an active guard at
    exactly 0 has left, an inactive one at 0 has not entered); broadcasts over leading axes."""
    return live[:, None] & np.where(act, g <= 0.0, g > 0.0)


def run(x, y, w0, a0, active, t_end, rtol, samples, fine=256, atol=1e-22):
    m = w0.shape[0]
    fl = Flow(x, y, m)
    act = active.copy()
    live = act.any(axis=1)  # neurons with an empty active set have zero field for ever
    u = np.concatenate([w0.ravel(), a0])
    t = 0.0
    events = []  # (t, neuron, point, kind)
    stats = {"steps": 0, "refined": 0, "dips": 0}
    while t < t_end:
        max_step = 1.0 / 32 if t < 10.0 else 4.0
        solver = DOP853(lambda _t, v: fl.field(v, act), t, u, t_end, rtol=rtol, atol=atol, max_step=max_step)
        hit = None
        while solver.status == "running" and hit is None:
            t_old = solver.t
            solver.step()
            stats["steps"] += 1
            assert solver.status != "failed", solver.status
            sol = solver.dense_output()
            ts = np.linspace(t_old, solver.t, samples + 1)
            us = sol(ts).T  # (K+1, N)
            gs = np.stack([fl.guards(v) for v in us])
            dgs = np.stack([fl.guards(fl.field(v, act)) for v in us])  # the guards' rates
            for k in range(samples):
                dt = ts[k + 1] - ts[k]
                wrong = wrong_side(act, live, gs[k + 1])
                # A dip to the wrong side and back between two samples needs the guard to travel
                # |g_k| + |g_k+1| within dt: such near misses are resampled `fine` times finer.
                rate = np.maximum(np.abs(dgs[k]), np.abs(dgs[k + 1]))
                near = live[:, None] & (np.abs(gs[k]) + np.abs(gs[k + 1]) < 2.0 * dt * rate)
                cand = wrong | near
                if not cand.any():
                    continue
                stats["refined"] += int((near & ~wrong).sum())
                tf = np.linspace(ts[k], ts[k + 1], fine + 1)
                gf = np.einsum("kmd,nd->kmn", sol(tf).T[:, : m * fl.d].reshape(fine + 1, m, fl.d), fl.x)
                wf = wrong_side(act, live, gf[1:]) & cand[None]
                wf[-1] |= wrong  # the coarse sample decides at the interval's end
                if not wf.any():
                    continue
                q = int(np.argmax(wf.reshape(fine, -1).any(axis=1)))
                lo, hi = tf[q], tf[q + 1]
                best = None
                for j, i in zip(*np.nonzero(wf[q])):
                    f = lambda tt, j=j, i=i: float(fl.guards(sol(tt))[j, i])
                    glo = f(lo)
                    if glo == 0.0 or (glo > 0.0) != bool(act[j, i]):
                        raise RuntimeError(f"guard ({j}, {i}) on the wrong side at t = {lo}")
                    tc = brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)
                    if best is None or tc < best[0]:
                        best = (tc, j, i)
                hit = best
                stats["dips"] += int(not wrong[best[1], best[2]])  # seen only by the resampling
                break
            if hit is None and t_old < 10.0 <= solver.t:
                break  # restart with the larger step bound
        if hit is None:
            t, u = solver.t, solver.y.copy()
            continue
        tc, j, i = hit
        u = sol(tc).copy()
        t = tc
        if act[j, i]:
            act[j, i] = False
            if not act[j].any():
                live[j] = False
                kind = "death"
            else:
                kind = "deactivate"
        else:
            act[j, i] = True
            kind = "activate"
        events.append((t, int(j), int(i), kind))
    return events, fl.loss(u), stats


def summary(events):
    deaths = [e for e in events if e[3] == "death"]
    acts = sum(e[3] == "activate" for e in events)
    deacts = sum(e[3] == "deactivate" for e in events)
    return len(events), len(deaths), acts, deacts, [e[1] for e in deaths]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else EXAMPLE
    x, y, w0, a0, active, t_end = load(path)
    out = []
    for rtol, samples in ((1e-12, 16), (1e-13, 64)):
        t0 = time.time()
        events, loss_end, st = run(x, y, w0, a0, active, t_end, rtol, samples)
        out.append((events, loss_end))
        print(
            f"# rtol={rtol:g} samples={samples}: {st['steps']} steps, {st['refined']} near misses resampled,"
            f" {st['dips']} dips found only by resampling, {time.time() - t0:.1f} s"
        )
    (ev1, l1), (ev2, l2) = out
    assert [e[1:] for e in ev1] == [e[1:] for e in ev2], "the two tolerances disagree on the events"
    assert max(abs(a[0] - b[0]) for a, b in zip(ev1, ev2)) < 1e-7, "event times disagree"
    assert abs(l1 - l2) < 1e-4 * l2, f"final losses disagree: {l1} vs {l2}"
    n_ev, n_death, acts, deacts, dead = summary(ev2)
    gaps = [b[0] - a[0] for a, b in zip(ev2, ev2[1:])]
    print(f"(events, deaths) = ({n_ev}, {n_death})")
    print(f"activations = {acts}, deactivations = {deacts}, deaths = {n_death} (neurons {', '.join(map(str, dead))})")
    print(f"initially inactive neurons = {[j for j in range(active.shape[0]) if not active[j].any()]}")
    print(f"last event t = {ev2[-1][0]:.12f}")
    print(f"closest consecutive events: {min(gaps):.3e} apart")
    print(f"max event-time difference between the two tolerances = {max(abs(a[0] - b[0]) for a, b in zip(ev1, ev2)):.1e}")
    print(f"loss(t = {t_end:g}) = {l2:.9e} (relative difference between the tolerances {abs(l1 - l2) / l2:.1e})")
    print(f"cpu time {time.process_time():.1f} s")


if __name__ == "__main__":
    main()
