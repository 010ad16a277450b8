"""Time of ``import cosie_analysis`` in a fresh interpreter, against the bare interpreter start.

Run: .venv/bin/python benchmarks/bench_import.py [--runs N]

Each run starts a new interpreter (``python -c "import cosie_analysis"``); the baseline is
``python -c "pass"`` measured in the same run, and the import time is the difference of the medians.
``-X importtime`` lists the slowest imports. Goal: under 0.3 s (heavy modules load lazily).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _common import ROOT, machine


def run(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    run("import cosie_analysis")  # warm the file cache and the .pyc files
    bare = statistics.median(run("pass") for _ in range(args.runs))
    full = statistics.median(run("import cosie_analysis") for _ in range(args.runs))
    heavy = run(
        "import cosie_analysis, sys; assert not {'pandas', 'statsmodels', 'matplotlib', 'scipy'} & set(sys.modules)"
    )
    del heavy
    print(
        f"python -c 'pass': {bare * 1000:.0f} ms; python -c 'import cosie_analysis': {full * 1000:.0f} ms "
        f"(median of {args.runs}); import alone {1000 * (full - bare):.0f} ms -> {full / bare:.2f}x the bare start; "
        f"goal < 300 ms: {'met' if full - bare < 0.3 else 'NOT met'}; pandas, scipy, statsmodels, matplotlib not loaded"
    )
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import cosie_analysis"], capture_output=True, text=True, cwd=ROOT
    ).stderr.splitlines()
    rows = []
    for line in out[1:]:
        parts = line.split("|")
        if len(parts) == 3:
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("slowest imports (cumulative us):")
    for us, name in sorted(rows, reverse=True)[:5]:
        print(f"  {us:8d}  {name.strip()}")


if __name__ == "__main__":
    main()
