"""Shared helpers of the benchmarks: the machine they ran on and the observation table."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    """One line: cores, CPU model, memory, Python and package versions."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    versions = []
    for name in ("numpy", "pandas", "scipy", "statsmodels"):
        try:
            mod = __import__(name)
            versions.append(f"{name} {mod.__version__}")
        except ImportError:
            pass
    blas = os.environ.get("OPENBLAS_CORETYPE")
    return (
        f"nproc {nproc}; CPU {cpu}; memory {mem}; Python {platform.python_version()}; "
        + ", ".join(versions)
        + (f"; OPENBLAS_CORETYPE={blas}" if blas else "")
    )


def observations():
    """The real observation table (built first when missing, like the notebooks)."""
    sys.path.insert(0, str(ROOT))
    import cosie_analysis as ca

    return ca.load_observations()


def crime_by_municipality(obs):
    """Yearly registered crime per municipality, the 12 offence types (counts, not rates)."""
    d = obs[
        (obs["region_level"] == "gemeente")
        & (obs["frequency"] == "year")
        & obs["indicator"].str.fullmatch(r"crime_\d_\d_\d")
    ]
    return d.reset_index(drop=True)


def best_of(fn, k=3):
    """The fastest of ``k`` calls of ``fn`` (seconds) and the last call's result."""
    times = []
    for _ in range(k):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out
