"""Runs every section and writes bench/README.md (see `bench/run --help`)."""

import argparse
import datetime
import json
import os

from . import capd, gd, machine, mp, neuron, report
from .common import Rust


def main():
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    ap.add_argument("--exe", required=True, help="the built `peer` bench binary")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and instances (about a minute)")
    ap.add_argument("--torch", action="store_true", help="also time the GD loop in PyTorch (CPU)")
    ap.add_argument("--readme", help="where to write the table (default: bench/README.md)")
    args = ap.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(here)
    rust = Rust(args.exe, os.path.join(here, "out"))
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()
    res = {"machine": machine.describe(root), "quick": args.quick, "date": started.strftime("%Y-%m-%d %H:%M UTC")}
    res["peak"] = {k: float(v) for k, v in rust.run("peak")[0].items() if k != "kind"}
    step = lambda s: print(f"[bench] {s}", flush=True)  # noqa: E731
    step("1/4 gradient descent: NumPy loop against reluflow's fast loop")
    res["gd"] = gd.run(rust, res["peak"], args.quick, args.torch)
    if args.torch and not gd.have_torch():
        res["torch_missing"] = True
    step("2/4 single neuron: SciPy solve_ivp against the certified run")
    res["neuron"] = neuron.run(rust, root, args.quick)
    step("3/4 high precision: mpmath odefun against reluflow's MPFR Taylor integrator")
    res["mp"], truth = mp.run(rust, root, args.quick)
    step("4/4 validated: reluflow's widths beside CAPD's published one")
    res["capd"] = capd.run(rust, os.path.join(rust.out_dir, mp.FILE), args.quick, truth)
    res["load"] = [load0, os.getloadavg()]
    res["minutes"] = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60
    with open(os.path.join(rust.out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1, default=str)
    path = args.readme or os.path.join(here, "README.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(report.render(res))
    step(f"wrote {path} and {os.path.join(rust.out_dir, 'results.json')}")


if __name__ == "__main__":
    main()
