"""The machine a run measured: CPU model, nominal peak from /proc/cpuinfo, load, versions."""

import os
import platform
import subprocess
import sys


def cpuinfo():
    info = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                k, _, v = line.partition(":")
                info.setdefault(k.strip(), v.strip())
    except OSError:
        pass
    return info


def nominal_peak(info):
    """Flops per second of one core from the model's FMA units: 16 f64 flops per cycle (two 256-bit
    FMA pipes: AMD Zen 2–4, Intel since Haswell; AVX-512 on Zen 4 splits into the same two pipes)
    when the CPU has FMA and AVX2, else 4; times the clock `/proc/cpuinfo` reports (the base clock
    under a hypervisor, so boost makes the measured rate higher)."""
    flags = info.get("flags", "").split()
    per_cycle = 16 if "fma" in flags and "avx2" in flags else 4
    mhz = float(info.get("cpu MHz", "nan"))
    return per_cycle, mhz, per_cycle * mhz * 1e6


def describe(root):
    info = cpuinfo()
    per_cycle, mhz, nominal = nominal_peak(info)
    versions = {}
    for mod in ("numpy", "scipy", "mpmath"):
        versions[mod] = __import__(mod).__version__
    git = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         check=False).stdout.strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return {"cpu": info.get("model name", platform.processor()), "family": info.get("cpu family", "?"),
            "model": info.get("model", "?"), "cores": os.cpu_count(), "mhz": mhz, "per_cycle": per_cycle,
            "nominal_flops": nominal, "python": sys.version.split()[0], "versions": versions, "git": git,
            "rustc": rustc, "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
