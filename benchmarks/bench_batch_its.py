"""Batch ITS for every municipality x 12 offence types against a per-series statsmodels loop.

Run: .venv/bin/python benchmarks/bench_batch_its.py [--quick]

The baseline is one statsmodels fit per series (``result.models[key]``, the fit the one-by-one path
ran before the array kernels; ``interrupted_time_series`` now runs the same kernels as ``batch_its``),
on the same data in the same run. ``--quick`` times the loop on 400 series and scales it to all
(marked so). Goal: batch >= 20x faster, identical estimates: agreement to 1e-8 (relative to the
larger of the estimate and its standard error; p-values absolute) of the coefficient rows on the
series whose estimates are determined: all counts positive, so the Poisson MLE exists and no OLS
fit is exact. The yearly series use ``trend="segmented"`` (the model of the earlier measurements).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import crime_by_municipality, machine, observations

NUM = ["estimate", "std_err", "ci_lower", "ci_upper", "p_value"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="time the statsmodels loop on 400 series only")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    data = crime_by_municipality(observations())  # first: puts this checkout on sys.path
    from cosie_analysis.estimate.batch import batch_its

    keys = ["region_code", "indicator"]
    zero = data.groupby(keys)["value"].transform("max") == 0
    data = data[~zero]  # a Poisson model has no estimate for an all-zero series
    n_series = data.groupby(keys).ngroups
    positive = data.groupby(keys)["value"].transform("min") > 0
    well = set(data[positive].drop_duplicates(keys)[keys].itertuples(index=False, name=None))
    print(f"machine: {machine()}")
    print(f"data: {data['region_code'].nunique()} municipalities x {data['indicator'].nunique()} offence types, "
          f"{n_series} series of {data['period'].nunique()} years ({int(zero.sum() / 14)} all-zero series left out); "
          f"{len(well)} series with all counts positive")
    all_keys = list(data.drop_duplicates(keys)[keys].itertuples(index=False, name=None))
    loop_keys = all_keys
    if args.quick:
        loop_keys = [all_keys[i] for i in np.random.default_rng(1).choice(len(all_keys), 400, replace=False)]
    warm = data[data["region_code"].isin(sorted(data["region_code"].unique())[:20])]
    names = {"pre_trend": "time"}
    for family, cov_type in [("gaussian", "ar1"), ("gaussian", "hac"), ("poisson", "model"), ("poisson", "hac")]:
        kw = {"family": family, "cov_type": cov_type, "trend": "segmented", "progress": False}
        batch_its(warm, **kw)  # warm-up (imports)
        t0 = time.perf_counter()
        batch = batch_its(data, **kw)
        t_batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        fits = {k: batch.models[k] for k in loop_keys}  # one statsmodels fit per series
        t_loop = (time.perf_counter() - t0) * n_series / len(loop_keys)
        t = batch.summary()
        coef = t[t["term"].isin(["pre_trend", "level_change", "slope_change"])].set_index(keys)
        worst, off = 0.0, 0
        for k, fit in fits.items():
            rows = coef.loc[[k]]
            cols = [names.get(r.term, f"{r.term.split('_')[0]}_{r.phase}") for r in rows.itertuples()]
            # a segment fitted exactly (e.g. four "after" years on a line) has a standard error of rounding
            # size in both implementations; its ratio means nothing, so those coefficients are left out
            ok = fit.bse[cols].to_numpy() > 1e-10 * np.maximum(np.abs(fit.params[cols].to_numpy()), 1)
            rows, cols = rows[ok], [c for c, o in zip(cols, ok, strict=True) if o]
            scale = np.maximum(np.abs(fit.params[cols].to_numpy()), fit.bse[cols].to_numpy())
            rel = 0.0 if not cols else max(
                np.max(np.abs(rows["estimate"].to_numpy() - fit.params[cols].to_numpy()) / scale),
                np.max(np.abs(rows["std_err"].to_numpy() - fit.bse[cols].to_numpy()) / fit.bse[cols].to_numpy()),
                np.max(np.abs(rows["p_value"].to_numpy() - fit.pvalues[cols].to_numpy())))
            if k in well:
                worst = max(worst, rel)
            else:
                off += rel > 1e-8
        n_well = sum(k in well for k in fits)
        print(f"{family:8s} cov_type={cov_type:5s}: batch {t_batch:6.2f} s, statsmodels loop "
              f"{t_loop:7.1f} s{f' (scaled from {len(loop_keys)} series)' if args.quick else ''} -> "
              f"{t_loop / t_batch:5.0f}x faster; max difference {worst:.1e} on the {n_well} well-posed series "
              f"({'OK' if worst <= 1e-8 else 'ABOVE 1e-8'}); {off} of {len(fits) - n_well} series with zero counts "
              "differ by more than 1e-8 (MLE at infinity or exact fits: both stop at rounding-dependent points)")


if __name__ == "__main__":
    main()
