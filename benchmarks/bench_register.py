"""Validating a big pilot register: wall time and peak memory against the size of the file.

Run: .venv/bin/python benchmarks/bench_register.py [--mb 200]

Writes a synthetic Houten-like register (one match per row, a new pseudonym per row, dates by day,
``synthetic=true``) of about ``--mb`` megabytes to a temporary folder, then runs
``validate_register`` on it in a fresh interpreter and reports the wall time and peak RSS. Every
pseudonym has eight digits (``S00000001``), so every row goes through the full identifier screen:
the worst case. The baseline is a file of a tenth of the size, in the same run, to show how the time
scales. Goal (issue #16): 200 MB in under a minute and 2 GB.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine  # noqa: E402

ROW_BYTES = 68  # the mean length of one generated row


def write_register(path: Path, mb: float, seed: int = 0) -> int:
    n = int(mb * 2**20 / ROW_BYTES)
    rng = np.random.default_rng(seed)
    years, months, days = rng.integers(2018, 2024, n), rng.integers(1, 13, n), rng.integers(1, 29, n)
    paid = rng.random(n) < 0.3
    with path.open("w", encoding="utf-8") as f:
        f.write("pilot,unit_id,period,measure,value,unit,group,synthetic\n")
        for i in range(n):
            group = "betaald werk" if paid[i] else "vrijwilligerswerk"
            f.write(f"houten,S{i:08d},{years[i]}-{months[i]:02d}-{days[i]:02d},matches,1,persons,{group},true\n")
    return n


def run(path: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, number of problems) of validate_register in a fresh interpreter."""
    code = ("import resource, sys; from cosie_analysis.pilot.register import validate_register; "
            f"p = validate_register({str(path)!r}); "
            "print(len(p), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    problems, rss_kb = map(int, out.stdout.split())
    return seconds, rss_kb / 1024, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (args.mb / 10, args.mb):
            path = Path(tmp) / f"register_{mb:g}mb.csv"
            rows = write_register(path, mb)
            seconds, rss, problems = run(path)
            size = path.stat().st_size / 2**20
            print(f"{size:7.1f} MB, {rows:>9,} rows: {seconds:7.1f} s, peak {rss:7.0f} MB, {problems} problem(s)")
            path.unlink()


if __name__ == "__main__":
    main()
