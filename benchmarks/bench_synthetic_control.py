"""Synthetic control with the full placebo pool for one outcome, against the unit-by-unit loop.

Run: .venv/bin/python benchmarks/bench_synthetic_control.py

Outcome: registered burglary per 1,000 inhabitants (crime_1_1_1_per_1000), every municipality;
treated: Houten (GM0321) and Nieuwegein (GM0356), as in the report, so the pool is ~340 placebo
refits per treated unit. Baseline (same run): the placebo pool fitted unit by unit for each treated
unit with the same NNLS (what synthetic_control did before the donor fits were shared). Goal: < 5 s
on 2 cores. Times are the best of 3 after a warm-up call (imports excluded).
"""

from __future__ import annotations

import warnings

import numpy as np
from _common import best_of, machine, observations

TREATED = ["GM0321", "GM0356"]


def unit_by_unit(data, treated):
    """The baseline: every treated unit's placebo pool refitted from scratch, unit by unit."""
    from cosie_analysis.estimate.synth import _sc_weights
    from cosie_analysis.phases import assign_phase

    wide = data.pivot(index="region_code", columns="period", values="value").dropna().sort_index(axis=1)
    import pandas as pd

    pre = (assign_phase(pd.Series(wide.columns)).astype(str) == "before").to_numpy()
    pool = [u for u in wide.index if u not in treated]
    gaps = []
    for tr in treated:
        for u in [tr] + pool:
            others = [d for d in pool if d != u]
            Y0, y1 = wide.loc[others].to_numpy(float).T, wide.loc[u].to_numpy(float)
            gaps.append(y1 - Y0 @ _sc_weights(y1[pre], Y0[pre]))
    return np.concatenate(gaps)


def main() -> None:
    warnings.simplefilter("ignore")
    obs = observations()  # puts this repository first on sys.path
    from cosie_analysis.estimate.comparison import synthetic_control

    data = obs[(obs["indicator"] == "crime_1_1_1_per_1000") & (obs["region_level"] == "gemeente")]
    print(f"machine: {machine()}")
    synthetic_control(data, treated=TREATED, donors="all")  # warm-up: imports
    t_new, res = best_of(lambda: synthetic_control(data, treated=TREATED, donors="all"))
    t_old, gaps = best_of(lambda: unit_by_unit(data, TREATED))
    n_donors = int(res.summary()["n_donors"].iloc[0])
    same = np.array_equal(res.gaps["gap"].to_numpy(), gaps)
    t_one, _ = best_of(lambda: synthetic_control(data, treated=TREATED[:1], donors="all"))
    print(f"synthetic_control, {len(TREATED)} treated, {n_donors} donors, {res.gaps['period'].nunique()} years: "
          f"{t_new:.2f} s (one treated unit: {t_one:.2f} s); unit-by-unit placebo loop {t_old:.2f} s -> "
          f"{t_old / t_new:.1f}x faster; gaps identical: {same}; goal < 5 s: {'met' if t_new < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
