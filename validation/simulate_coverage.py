"""Monte Carlo check of the estimators: interval coverage of the ITS and size of the permutation tests.

Run from the repository root::

    .venv/bin/python validation/simulate_coverage.py            # default run, a few minutes
    .venv/bin/python validation/simulate_coverage.py --reps 200 # quicker, noisier
    .venv/bin/python validation/simulate_coverage.py --write-readme

Every draw is seeded (``numpy.random.default_rng(seed + r)``), so a run is reproducible. The test
suite does not run this script. ``--write-readme`` replaces the results block of
``validation/README.md``.

Designs
-------
ITS, Gaussian: 144 months (2012-01 .. 2023-12), ``y = 100 - 0.05 t + 5 sin(2 pi m / 12)
- 10 [during] + 0.2 (t - t_d) [during] + 6 [after] + e`` with AR(1) errors (rho 0.3, innovation sd
4); the model is correctly specified, so the true coefficients are known.
ITS, Poisson: 144 months, ``log mu = log 200 - 0.002 t + 0.1 sin(2 pi m / 12) + log(0.8) [during]
- log(0.8) [after]``; counts ~ Poisson(mu): a 20 % drop during corona, back to trend after.
Coverage is the share of draws whose 95 % interval contains the true value, for the level and
slope changes and the relative effect during corona.

Permutation size: a yearly panel (2012-2025) of 20 exchangeable units from a two-factor model
without any effect; the treated unit is unit 1. Size is the share of draws with p <= alpha.
For diff-in-diff, the rejection rate of the cluster-robust test with one treated unit is shown
beside the permutation test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cosie_analysis as ca  # noqa: E402
from cosie_analysis.estimate.its import hac_lag_rule  # noqa: E402

MONTHS = pd.period_range("2012-01", "2023-12", freq="M")
CODES = [f"{p.year}MM{p.month:02d}" for p in MONTHS]
T = np.arange(len(MONTHS))
MONTH = np.array([p.month for p in MONTHS])
DURING = (MONTHS.start_time >= "2020-03-01") & (MONTHS.start_time < "2022-04-01")  # measures, majority rule
AFTER = MONTHS.start_time >= "2022-04-01"
T_D, T_A = T[DURING | AFTER].min(), T[AFTER].min()


def _frame(values, codes=CODES, region="SY0001"):
    return pd.DataFrame({"indicator": "synthetic", "region_code": region, "period": codes, "value": values,
                         "source_table": "synthetic"})


def gaussian_draw(rng):
    e = rng.normal(0, 4, len(T))
    for i in range(1, len(T)):
        e[i] += 0.3 * e[i - 1]
    on = (DURING | AFTER).astype(float)
    mu = (100 - 0.05 * T + 5 * np.sin(2 * np.pi * MONTH / 12) - 10 * on + 0.2 * (T - T_D) * on + 6 * AFTER)
    return _frame(mu + e), {"level_change/during": -10.0, "slope_change/during": 0.2, "level_change/after": 6.0}, mu


def poisson_draw(rng):
    log_mu = np.log(200) - 0.002 * T + 0.1 * np.sin(2 * np.pi * MONTH / 12) + np.log(0.8) * DURING
    mu = np.exp(log_mu)
    return _frame(rng.poisson(mu).astype(float)), {
        "level_change/during": np.log(0.8), "slope_change/during": 0.0, "level_change/after": -np.log(0.8),
        "relative_effect/during": -0.2}, mu


COV_TYPES = {"gaussian": ("hac", "ar1", "model"), "poisson": ("hac", "model")}
COV_LABEL = {"hac": f"Newey-West HAC, lag {hac_lag_rule(len(T))}", "ar1": "GLS with AR(1) errors; the Gaussian default",
             "model": "model-based; the default for counts", "hc1": "HC1"}


def _its_draw(args) -> list[tuple]:
    family, seed = args
    data, truth, mu = (gaussian_draw if family == "gaussian" else poisson_draw)(np.random.default_rng(seed))
    if family == "gaussian":  # relative effect during: sum(mu) / sum(counterfactual) - 1
        cf = 100 - 0.05 * T + 5 * np.sin(2 * np.pi * MONTH / 12)
        truth["relative_effect/during"] = mu[DURING].sum() / cf[DURING].sum() - 1
    out = []
    for cov in COV_TYPES[family]:
        t = ca.interrupted_time_series(data, family=family, cov_type=cov).summary()
        key = t["term"] + "/" + t["phase"]
        for k, v in truth.items():
            row = t[key == k].iloc[0]
            out.append((cov, k, bool(row["ci_lower"] <= v <= row["ci_upper"]), row["ci_upper"] - row["ci_lower"]))
    return out


def its_coverage(family: str, reps: int, seed: int, pool) -> pd.DataFrame:
    recs = [x for chunk in pool.map(_its_draw, [(family, seed + r) for r in range(reps)]) for x in chunk]
    df = pd.DataFrame(recs, columns=["cov", "quantity", "hit", "width"])
    rows = []
    for (cov, k), g in df.groupby(["cov", "quantity"], sort=False):
        p = float(g["hit"].mean())
        rows.append(dict(design=f"ITS {family}, cov_type={cov!r} ({COV_LABEL[cov]})", quantity=k, nominal=0.95,
                         observed=p, mc_se=np.sqrt(p * (1 - p) / reps), mean_ci_width=float(g["width"].mean()),
                         reps=reps))
    return pd.DataFrame(rows)


def null_panel(rng, n_units=20):
    years = np.arange(2012, 2026)
    f1 = np.linspace(-1, 1, len(years)) + rng.normal(0, 0.3, len(years))
    f2 = rng.normal(0, 1, len(years))
    loads = rng.uniform(0, 2, size=(n_units, 2))
    y = 20 + 3 * np.outer(loads[:, 0], f1) + 2 * np.outer(loads[:, 1], f2) + rng.normal(0, 0.5, (n_units, len(years)))
    rows = [dict(indicator="synthetic", region_code=f"SY{i + 1:04d}", period=f"{yr}JJ00", value=y[i, j])
            for i in range(n_units) for j, yr in enumerate(years)]
    return pd.DataFrame(rows)


def _perm_draw(seed: int) -> tuple[float, float, float]:
    data = null_panel(np.random.default_rng(seed))
    with warnings.catch_warnings():  # exact pre-period fits and the one-treated-unit warning are expected here
        warnings.simplefilter("ignore", UserWarning)
        sc = ca.synthetic_control(data, treated="SY0001").summary().query("phase == 'post'")["p_value"].iloc[0]
        # 20 exchangeable synthetic units: every one is a donor (no attribute lookup per draw)
        did = ca.diff_in_diff(data, treated="SY0001", donors="all", scale="level").summary().query(
            "term == 'post'").iloc[0]  # additive factor model: levels, as in the README numbers
    return sc, did["p_permutation"], did["p_value"]


def permutation_size(reps: int, seed: int, pool) -> pd.DataFrame:
    res = np.array(pool.map(_perm_draw, [seed + 100_000 + r for r in range(reps)]))
    rows = []
    for j, name in enumerate(["synthetic control, placebo-in-space p (20 units)",
                              "diff-in-diff, permutation p (1 of 20 treated)",
                              "diff-in-diff, cluster-robust p (1 of 20 treated)"]):
        for alpha in (0.05, 0.10):
            p = float(np.mean(res[:, j] <= alpha + 1e-12))
            rows.append(dict(design=name, quantity=f"size at alpha={alpha:.2f}", nominal=alpha, observed=p,
                             mc_se=np.sqrt(alpha * (1 - alpha) / reps), mean_ci_width=np.nan, reps=reps))
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame) -> str:
    lines = [
        "| design | quantity | nominal | observed | MC s.e. | mean interval width | reps |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        w = "" if not np.isfinite(r["mean_ci_width"]) else f"{r['mean_ci_width']:.4g}"
        lines.append(
            f"| {r['design']} | {r['quantity']} | {r['nominal']:.2f} | {r['observed']:.3f} | "
            f"{r['mc_se']:.3f} | {w} | {r['reps']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=400, help="draws per ITS design (default 400)")
    ap.add_argument("--perm-reps", type=int, default=250, help="draws for the permutation-size check (default 250)")
    ap.add_argument("--seed", type=int, default=20240301)
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--write-readme", action="store_true", help="write the results into validation/README.md")
    args = ap.parse_args(argv)
    t0 = time.time()
    with multiprocessing.Pool(args.workers) as pool:
        table = pd.concat(
            [
                its_coverage("gaussian", args.reps, args.seed, pool),
                its_coverage("poisson", args.reps, args.seed, pool),
                permutation_size(args.perm_reps, args.seed, pool),
            ],
            ignore_index=True,
        )
    md = to_markdown(table)
    stamp = (
        f"Run: `python validation/simulate_coverage.py --reps {args.reps} --perm-reps {args.perm_reps} "
        f"--seed {args.seed}` ({time.time() - t0:.0f} s, cosie_analysis {ca.__version__})."
    )
    print(md)
    print(stamp)
    if args.write_readme:
        readme = ROOT / "validation" / "README.md"
        text = readme.read_text(encoding="utf-8")
        block = f"<!-- results:start -->\n{md}\n\n{stamp}\n<!-- results:end -->"
        text = re.sub(r"<!-- results:start -->.*<!-- results:end -->", block, text, flags=re.S)
        readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
