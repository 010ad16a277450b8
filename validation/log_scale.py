"""Parallel trends on levels or on logs: synthetic DiD and DiD for burglary per 1,000, both scales.

Run: .venv/bin/python validation/log_scale.py            (the two pilots, under a minute)
     .venv/bin/python validation/log_scale.py --placebo  (also every municipality in turn, ~10 minutes)

Registered residential burglary per 1,000 inhabitants (47018NED, offence 1.1.1, indicator
``crime_1_1_1_per_1000``), yearly, municipalities, default donor pool of each function. Burglary fell
nationally by about half between 2019 and 2023. ``scale="level"`` carries the donors' fall in
burglaries per 1,000 over to the treated town; ``scale="log"`` carries over their fall in percent.
For Houten, whose level is about half its donors', the two give very different counterfactuals.

Part 1 prints, for Houten (GM0321) and Nieuwegein (GM0356), SDID ("post", "during", "after") and the
TWFE DiD (pooled "post" term) on both scales: estimate, relative effect, p-values; and Houten's SDID
counterfactual in 2019 and 2023 (the weighted donors, the intercept shift, the counterfactual).
Part 2 (``--placebo``): every municipality with a complete, positive series is "treated" in turn
with its own default pool, SDID on both scales ("post"); the spread of the relative effects and the
share with placebo-rank p < 0.05 and with normal p < 0.05 (no town was treated, so that share is
the false-positive rate of the test against corona-era deviations). Real data; nothing simulated.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosie_analysis as ca
from cosie_analysis import paths
from cosie_analysis.errors import ParameterError

PILOTS = {"GM0321": "Houten", "GM0356": "Nieuwegein"}
INDICATOR = "crime_1_1_1_per_1000"
SCALES = ("level", "log")


def burglary() -> pd.DataFrame:
    d = pd.read_parquet(paths.processed_dir() / "observations.parquet")
    return d[(d["indicator"] == INDICATOR) & (d["region_level"] == "gemeente") & (d["frequency"] == "year")]


def pilots(x: pd.DataFrame) -> None:
    cols = ["phase", "estimate", "relative_effect", "std_err", "p_value", "p_post", "n_donors"]
    for code, name in PILOTS.items():
        for scale in SCALES:
            res = ca.synthetic_did(x, treated=code, scale=scale, leave_one_out=False)
            print(f"\nSDID {name} ({code}), scale={scale}")
            print(res.summary()[cols].round(4).to_string(index=False))
            g = res.gaps.set_index("period")
            w = res.weights.set_index("donor")["weight"]
            wide = x.pivot(index="region_code", columns="period", values="value")
            donors = (wide.loc[w.index].mul(w, axis=0)).sum()
            for p in ("2019JJ00", "2023JJ00"):
                print(f"  {p}: weighted donors {donors[p]:.3f}, counterfactual {g.loc[p, 'synthetic']:.3f}, "
                      f"observed {g.loc[p, 'observed']:.3f}")
            did = ca.diff_in_diff(x, treated=code, scale=scale)  # one treated unit: read p_permutation
            r = did.summary().query("design == 'twfe'")
            print(f"DiD {name}, scale={scale} (estimate in {'log points' if scale == 'log' else 'per 1,000'})")
            print(r[["term", "estimate", "relative_effect", "p_value", "p_permutation", "n_donors"]].round(4)
                  .to_string(index=False))


def placebo(x: pd.DataFrame) -> None:
    wide = x.pivot(index="region_code", columns="period", values="value")
    units = [u for u in wide.index if wide.loc[u].notna().all() and (wide.loc[u] > 0).all()]
    print(f"\nPlacebo: {len(units)} of {len(wide)} municipalities with a complete positive series")
    rows, t0 = [], time.time()
    for u in units:
        for scale in SCALES:
            try:
                t = ca.synthetic_did(x, treated=u, scale=scale, phases=("post",), leave_one_out=False).summary()
            except ParameterError as e:  # too few donors, or a donor with a zero on logs
                rows.append(dict(unit=u, scale=scale, error=str(e)[:60]))
                continue
            r = t.iloc[0]
            rows.append(dict(unit=u, scale=scale, estimate=r["estimate"], relative_effect=r["relative_effect"],
                             p_value=r["p_value"], p_post=r["p_post"], error=""))
    print(f"({time.time() - t0:.0f} s)")
    d = pd.DataFrame(rows)
    ok = d[d["error"] == ""].groupby("unit").filter(lambda g: len(g) == 2)  # both scales fitted
    print(f"fitted on both scales: {ok['unit'].nunique()}; errors: {(d['error'] != '').sum()}")
    for scale, g in ok.groupby("scale"):
        q = g["relative_effect"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).round(3).tolist()
        big = (g["relative_effect"].abs() > 0.5).mean()
        print(f"{scale:5s}: relative effect p5/p25/p50/p75/p95 {q}; |rel| > 0.5: {big:.3f}; "
              f"p_post < 0.05: {(g['p_post'] < 0.05).mean():.3f}; p_value < 0.05: {(g['p_value'] < 0.05).mean():.3f}")
        for code, name in PILOTS.items():
            if code in set(g["unit"]):
                v = g.set_index("unit").loc[code, "relative_effect"]
                print(f"       {name}: relative effect {v:.3f}, share of towns with |rel| >= it "
                      f"{(g['relative_effect'].abs() >= abs(v)).mean():.3f}")


if __name__ == "__main__":
    print(f"cosie_analysis {ca.__version__}")
    data = burglary()
    warnings.simplefilter("ignore", UserWarning)  # dropped rows/units without a complete series (13 of 342 towns)
    pilots(data)
    if "--placebo" in sys.argv:
        placebo(data)
