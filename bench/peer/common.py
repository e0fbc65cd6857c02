"""Shared pieces: the Rust bench binary, instance files, timing."""

import os
import subprocess
import time


class Rust:
    """The `peer` bench binary (crates/flow/benches/peer.rs); each call returns its parsed lines."""

    def __init__(self, exe, out_dir):
        self.exe = exe
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)

    def run(self, *args):
        res = subprocess.run([self.exe, *map(str, args)], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"peer {' '.join(map(str, args))} failed:\n{res.stderr}")
        return [parse_line(line) for line in res.stdout.splitlines() if line.strip()]

    def file(self, name, fields):
        """Writes an instance file (see peer/input.rs) and returns its path."""
        path = os.path.join(self.out_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            for key, val in fields.items():
                f.write(f"{key} {fmt_rows(val)}\n")
        return path


def parse_line(line):
    kind, *pairs = line.split()
    out = {"kind": kind}
    for p in pairs:
        k, _, v = p.partition("=")
        out[k] = v
    return out


def fmt_rows(val):
    if isinstance(val, (list, tuple)) and val and isinstance(val[0], (list, tuple)):
        return " | ".join(" ".join(map(str, r)) for r in val)
    if isinstance(val, (list, tuple)):
        return " ".join(map(str, val))
    return str(val)


def floats(text):
    return [float(v) for v in text.split(",")]


def best_of(reps, f):
    """Best wall time of `reps` calls (seconds) and the last result: the same rule as the Rust side."""
    best, out = float("inf"), None
    for _ in range(max(reps, 1)):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def sig(x, digits=3):
    """A number for the tables."""
    if x is None:
        return "–"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"
