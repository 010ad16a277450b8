"""One monthly three-phase ITS with its effects table, on the national monthly burglary series.

Run: .venv/bin/python benchmarks/bench_its_single.py [--repeat 50]

Times ``interrupted_time_series(s, family=...).summary()`` (median and minimum wall time, and
median CPU time of the process, of ``--repeat`` calls after a warm-up) for the Poisson default
(quasi-Poisson) and the Gaussian default (AR(1)-GLS), and, as a yardstick of the machine's speed
in the same run, the bare statsmodels fit of the same model on a prepared design
(``smf.glm(...).fit(scale="X2")`` / ``GLSAR.iterative_fit``), which is what the call cost before
the array kernels replaced it. Goal (issue #11): median under 5 ms.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import machine, observations


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """Median and minimum wall time and median CPU time of this process, in ms (CPU time is what to
    compare on a shared machine: it leaves out the time other processes hold the cores)."""
    fn()  # warm-up (imports, caches)
    ts, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        ts.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1000 * float(np.median(ts)), 1000 * float(np.min(ts)), 1000 * float(np.median(cpu))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--checkout", help="import cosie_analysis from this checkout instead (e.g. main, for a baseline)")
    args = ap.parse_args()
    if args.checkout:
        import sys

        sys.path.insert(0, args.checkout)
        import cosie_analysis
    warnings.simplefilter("ignore")
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    obs = observations()  # first: puts this checkout on sys.path
    from cosie_analysis.estimate.its import interrupted_time_series

    s = obs[(obs["indicator"] == "crime_1_1_1") & (obs["frequency"] == "month") & (obs["region_code"] == "NL00")]
    s = s.reset_index(drop=True)
    import cosie_analysis

    print(f"machine: {machine()}; package from {cosie_analysis.__file__}")
    print(f"data: national monthly residential burglary, {len(s)} months")
    for family in ("poisson", "gaussian"):
        res = interrupted_time_series(s, family=family)
        d, formula = res.design(), res.formula
        if family == "poisson":
            def bare(formula=formula, d=d):
                return smf.glm(formula, d, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
        else:
            def bare(formula=formula, d=d):
                return sm.GLSAR.from_formula(formula, d, rho=1).iterative_fit(maxiter=50)
        med, low, cpu = timed(lambda family=family: interrupted_time_series(s, family=family).summary(), args.repeat)
        smed, slow, scpu = timed(bare, args.repeat)
        print(f"{family:8s} ({res.summary()['cov_type'].iloc[0]}): interrupted_time_series + summary median "
              f"{med:6.2f} ms (min {low:5.2f}, CPU {cpu:5.2f}); statsmodels formula fit alone median {smed:6.2f} ms "
              f"(min {slow:5.2f}, CPU {scpu:5.2f}); goal < 5 ms: {'met' if med < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
