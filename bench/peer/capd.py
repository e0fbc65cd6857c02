"""4. Validated integration against a published figure: CAPD's order-20 double-interval Taylor
integrator reaches a largest final width of 1.6e-16 on the switch-free stretch of
`examples/two-layer-accuracy.toml`; reluflow's validated integrator at its automatic settings and
at the `[run] order` / `tolerance` settings a user can ask for. Each enclosure is checked to
contain the high-precision value of section 3."""

import mpmath

from .common import floats

CAPD_WIDTH = 1.6e-16
# (order, tolerance); 0 and "auto": automatic.
SETTINGS = [(0, "auto"), (20, "auto"), (0, "1e-18"), (20, "1e-18"), (40, "1e-18")]


def run(rust, path, quick, truth):
    """`path`: section 3's instance file (the same stretch); `truth`: its high-precision end state."""
    rows = []
    for order, tol in SETTINGS:
        r = rust.run("validated", path, order, tol, 5 if quick else 20)[0]
        lo, hi = floats(r["final_lo"]), floats(r["final_hi"])
        with mpmath.workprec(200):
            inside = all(mpmath.mpf(a) <= t <= mpmath.mpf(b) for a, b, t in zip(lo, hi, truth))
        rows.append({"order": order, "tol": tol, "secs": float(r["secs"]), "steps": int(r["steps"]),
                     "width": float(r["width"]), "certified": r["certified"] == "true", "contains_truth": inside})
    return rows
