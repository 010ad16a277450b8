"""Synthetic DiD with placebo standard errors on the full municipal pool, and a multiverse for both pilots.

Run: .venv/bin/python benchmarks/bench_comparisons.py

1. ``synthetic_did`` for burglary per 1,000 inhabitants, Houten treated, every other municipality with a
   complete series as donor (``donors="all"``), the three phases, placebo standard errors (every donor
   once) and the leave-one-donor-out view. Goal: < 5 s on 2 cores. Peer for scale: the ``synthdid``
   Python package takes ~0.3 s per fit on Proposition 99 (39 units) and ~12 s for 200 placebo
   replications.
2. ``multiverse`` for both pilots, burglary as rate and count, every estimator, three schemes, two
   boundary rules, two ITS families, two donor pools: 240 combinations, 80 distinct specifications.
   Goal: < 10 s on 2 cores.

Times are the best of 3 after a warm-up call (imports excluded).
"""

from __future__ import annotations

import warnings

from _common import best_of, machine, observations


def main() -> None:
    warnings.simplefilter("ignore")
    obs = observations()  # puts this repository first on sys.path
    from cosie_analysis.estimate.multiverse import multiverse
    from cosie_analysis.estimate.sdid import synthetic_did

    gm = obs[obs["region_level"] == "gemeente"]
    rate = gm[gm["indicator"] == "crime_1_1_1_per_1000"]
    print(f"machine: {machine()}")
    # levels: the full pool holds Schiermonnikoog, whose zeros have no log (same arithmetic cost either way)
    synthetic_did(rate, treated="GM0321", donors="all", scale="level")  # warm-up
    t_sdid, res = best_of(lambda: synthetic_did(rate, treated="GM0321", donors="all", scale="level"))
    post = res.summary().query("phase == 'post'").iloc[0]
    print(
        f"synthetic_did, Houten, {int(post['n_donors'])} donors, 3 phases, placebo SEs ({int(post['n_donors'])} "
        f"placebo fits per phase) and leave-one-donor-out: {t_sdid:.2f} s; goal < 5 s: "
        f"{'met' if t_sdid < 5 else 'NOT met'}"
    )
    kw = dict(
        treated=["GM0321", "GM0356"],
        scales={"rate": "crime_1_1_1_per_1000", "count": "crime_1_1_1"},
        rules=("majority", "start"),
    )
    data = gm[gm["indicator"].isin(list(kw["scales"].values()))]
    multiverse(data, **kw)  # warm-up
    t_mv, mv = best_of(lambda: multiverse(data, **kw))
    print(
        f"multiverse, 2 pilots, {len(mv.summary())} specifications: {t_mv:.2f} s; goal < 10 s: "
        f"{'met' if t_mv < 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
