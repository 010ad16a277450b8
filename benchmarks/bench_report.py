"""``make report`` end to end after installation: wall time and peak memory; and the report step alone,
cold on one and on two worker processes and repeated with nothing changed.

Run: .venv/bin/python benchmarks/bench_report.py            (both parts)
     .venv/bin/python benchmarks/bench_report.py --jobs-only (the report step only; needs data/processed)

The report step (``python -m cosie_analysis report``) writes to a temporary folder
(``COSIE_REPORTS_DIR``): cold with ``--jobs 1 --force``, cold with ``--jobs 2 --force`` (byte-identical
files are checked), then warm with nothing changed. Goals: cold on 2 cores at most 0.6x the
single-job time of the same run; warm under 5 s.

Needs the installed .venv (``make report`` or ``make test`` once) and the offline mirror; fetch runs
with ``FETCH_FLAGS=--offline`` so no network is used. Writes the report set to reports/ (build
outputs). Measured with ``/usr/bin/time -v`` when present (else ``resource.getrusage``), both over
the child processes: the peak is the largest resident set of any one process of the run. Baseline
(same run): ``make data`` alone, the fetch and build steps every ``make report`` starts with.
Goals: under 60 s, under 1 GB.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

TIME = "/usr/bin/time"


def measure(target: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``make <target>``."""
    cmd = ["make", target, "FETCH_FLAGS=--offline"]
    env = dict(os.environ, MPLBACKEND="Agg")
    if shutil.which(TIME):
        t0 = time.perf_counter()
        p = subprocess.run([TIME, "-v", *cmd], cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode:
            raise SystemExit(f"make {target} failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
        return wall, kb / 1024
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) / 1024  # kB on Linux; a lower bound if an earlier child was larger


def clear_data() -> None:
    """Remove the build outputs under data/ (keeping the committed READMEs and registry): a cold run."""
    for folder in (ROOT / "data" / "raw", ROOT / "data" / "processed"):
        for path in folder.iterdir():
            if path.name == "README.md":
                continue
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def report_step(out: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes) of ``python -m cosie_analysis report <args>`` writing to ``out``."""
    env = dict(os.environ, MPLBACKEND="Agg", COSIE_REPORTS_DIR=str(out))
    t0, c0 = time.perf_counter(), os.times()
    p = subprocess.run([sys.executable, "-m", "cosie_analysis", "report", *args], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    c1 = os.times()
    if p.returncode:
        raise SystemExit(f"report {' '.join(args)} failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    return time.perf_counter() - t0, cpu


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def jobs_benchmark() -> None:
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "one", Path(tmp) / "two"
        load = os.getloadavg()[0]
        (t1, c1), (t2, c2) = report_step(one, "--jobs", "1", "--force"), report_step(two, "--jobs", "2", "--force")
        d1, d2 = _digests(one), _digests(two)
        same = d1 == d2
        if not same:
            print("files that differ:", sorted(k for k in set(d1) | set(d2) if d1.get(k) != d2.get(k)))
        warm, _ = report_step(two, "--jobs", "2")
        # what two idle cores could give: the single-job time of each figure (both languages), spread
        # over two workers slowest first (as build_report does), plus everything that is not a figure
        import json

        per_figure: dict[str, float] = {}
        for stamp in (one / "figures").glob(".*.inputs.json"):
            info = json.loads(stamp.read_text())
            per_figure[info["inputs"]["figure"]] = per_figure.get(info["inputs"]["figure"], 0.0) + info["seconds"]
        loads = [0.0, 0.0]
        for seconds in sorted(per_figure.values(), reverse=True):
            loads[loads.index(min(loads))] += seconds
        serial = t1 - sum(per_figure.values())
        print(f"load average before the runs: {load:.1f} (on a machine shared with other work the ratio says little)")
        print(f"report step, cold, --jobs 1: {t1:.1f} s wall, {c1:.1f} s CPU")
        print(f"report step, cold, --jobs 2: {t2:.1f} s wall, {c2:.1f} s CPU -> {t2 / t1:.2f}x single-job "
              f"(goal <= 0.6x: {'met' if t2 / t1 <= 0.6 else 'NOT met'}); files byte-identical: {same}")
        print(
            f"report step, repeated with nothing changed: {warm:.1f} s (goal < 5 s: {'met' if warm < 5 else 'NOT met'})"
        )
        print(
            f"figures {sum(per_figure.values()):.1f} s of the single-job run, the rest {serial:.1f} s; on two idle "
            f"cores at best {serial + max(loads):.1f} s = {(serial + max(loads)) / t1:.2f}x single-job"
        )


def main() -> None:
    if "--jobs-only" in sys.argv:
        jobs_benchmark()
        return
    if not (ROOT / ".venv" / ".installed").exists():
        raise SystemExit(
            "Install first: `make report` (or `make test`) creates .venv; this benchmark times the run after that."
        )
    print(f"machine: {machine()}")
    clear_data()
    t_data, m_data = measure("data")  # cold: fetch from the mirror and build
    clear_data()
    t_rep, m_rep = measure("report")  # cold: fetch, build, every figure and table
    t_warm, m_warm = measure("report")  # data current: build skipped, report redrawn
    print(f"make data, cold (fetch --offline + build): {t_data:.1f} s, peak {m_data:.0f} MiB")
    print(
        f"make report, cold (end to end from empty data/): {t_rep:.1f} s, peak {m_rep:.0f} MiB "
        f"-> {t_rep / t_data:.1f}x make data; report step alone about {t_rep - t_data:.1f} s"
    )
    print(f"make report, warm (data current, build skipped): {t_warm:.1f} s, peak {m_warm:.0f} MiB")
    print(
        f"goal < 60 s (cold): {'met' if t_rep < 60 else 'NOT met'} ({t_rep / 60:.2f} of it); "
        f"goal < 1 GB: {'met' if max(m_rep, m_warm) < 1024 else 'NOT met'} ({max(m_rep, m_warm) / 1024:.2f} of it)"
    )
    jobs_benchmark()


if __name__ == "__main__":
    main()
