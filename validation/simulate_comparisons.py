"""Monte Carlo check of the comparison designs: coverage of the synthetic-DiD interval and size of the
synthetic-control tests, on panels calibrated on the real municipal burglary counts.

Run from the repository root (needs data/processed, i.e. ``cosie-analysis fetch --offline`` and
``build``)::

    .venv/bin/python validation/simulate_comparisons.py               # default run, a few minutes
    .venv/bin/python validation/simulate_comparisons.py --reps 50     # quicker, noisier
    .venv/bin/python validation/simulate_comparisons.py --write-readme

Every draw is seeded (``numpy.random.default_rng(seed + r)``); the test suite does not run this
script. ``--write-readme`` replaces the comparisons block of ``validation/README.md``.

Design (calibrated on 47018NED, residential burglary counts per municipality per year, 2012-2025,
and 70072NED population). Fitted once on the real counts:
``log(y_it + 0.5) = a_i + b_i t + g_t + e_it`` (two-way, with a unit-specific trend); ``g_t`` is the
real common path (including the corona years), ``(a_i, b_i)`` the real unit levels and trends,
``e_it`` the residuals, whose lag-1 autocorrelation ``rho`` and variance (less the Poisson part,
the mean of ``1/y``) give an AR(1) latent noise. A simulated panel resamples 101 municipalities
(their ``a_i, b_i``, populations) and draws ``y_it ~ Poisson(exp(a_i + b_i t + g_t + u_it))`` with
``u`` AR(1)(rho, sigma): overdispersed and autocorrelated counts, as registered crime is. The
outcome is the rate per 1,000 inhabitants. Unit 1 is treated; under "effect" its rates from the
first "after"/"during" year on are multiplied by 0.8 (a 20 % drop), so the true average effect is
the mean of the removed rate (exactly known per draw); under "null" nothing is changed. The
pre-period is 8 years (2012-2019, as on the CBS data) or 6 years (2014-2019); the post-period is
every later year (``phase == "post"``).
"""

from __future__ import annotations

import argparse
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

N_UNITS = 101
DROP = 0.2


def calibrate() -> dict:
    """Unit levels and trends, the common year path, and the AR(1) latent noise, from the real counts."""
    obs = ca.load_observations()
    d = obs[(obs["indicator"] == "crime_1_1_1") & (obs["region_level"] == "gemeente")]
    y = d.pivot(index="region_code", columns="period", values="value").dropna()
    pop = obs[obs["indicator"] == "population"].pivot(index="region_code", columns="period", values="value")
    units = y.index.intersection(pop.dropna().index)
    y, pop = y.loc[units].to_numpy(float), pop.loc[units, "2019JJ00"].to_numpy(float)
    ly = np.log(y + 0.5)
    t = np.arange(ly.shape[1]) - (ly.shape[1] - 1) / 2
    g = (ly - ly.mean(axis=1, keepdims=True)).mean(axis=0)
    r = ly - g
    b = ((r - r.mean(axis=1, keepdims=True)) @ t) / (t @ t)
    a = r.mean(axis=1)
    e = r - a[:, None] - np.outer(b, t)
    rho = float(np.sum(e[:, 1:] * e[:, :-1]) / np.sum(e[:, :-1] ** 2))
    poisson_part = float(np.mean(1 / np.maximum(y, 1)))
    sigma = float(np.sqrt(max(e.var() - poisson_part, 1e-4)))
    return dict(
        a=a, b=b, g=g, t=t, pop=pop, rho=rho, sigma=sigma, n_real=len(units), periods=sorted(d["period"].unique())
    )


def draw(cal: dict, rng, first_year: int, effect: bool) -> tuple[pd.DataFrame, float]:
    """One simulated panel (rates per 1,000; SYNTHETIC) and the true average effect of unit 1."""
    pick = rng.choice(len(cal["a"]), N_UNITS, replace=False)
    T = len(cal["t"])
    u = np.zeros((N_UNITS, T))
    u[:, 0] = rng.normal(0, cal["sigma"] / np.sqrt(1 - cal["rho"] ** 2), N_UNITS)
    for k in range(1, T):
        u[:, k] = cal["rho"] * u[:, k - 1] + rng.normal(0, cal["sigma"], N_UNITS)
    mu = np.exp(cal["a"][pick, None] + np.outer(cal["b"][pick], cal["t"]) + cal["g"][None, :] + u)
    rate = rng.poisson(mu) / cal["pop"][pick, None] * 1000
    years = np.array([int(p[:4]) for p in cal["periods"]])
    post = years >= 2020
    truth = 0.0
    if effect:
        removed = DROP * rate[0, post]
        rate[0, post] -= removed
        truth = -float(removed.mean())
    keep = years >= first_year
    codes = [f"SY{i:04d}" for i in range(N_UNITS)]
    frame = pd.DataFrame(
        {
            "region_code": np.repeat(codes, keep.sum()),
            "period": np.tile(np.array(cal["periods"])[keep], N_UNITS),
            "value": rate[:, keep].ravel(),
            "indicator": "synthetic_rate",
        }
    )
    return frame, truth


def one(cal, seed, first_year, effect) -> dict:
    rng = np.random.default_rng(seed)
    data, truth = draw(cal, rng, first_year, effect)
    kw = dict(treated="SY0000", donors="all", phases=("post",), leave_one_out=False)
    sdid_kw = dict(kw, scale="level")  # the simulated effect is additive; the README numbers are on levels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sd = ca.synthetic_did(data, **sdid_kw).summary().iloc[0]
        sc = ca.synthetic_control(data, **kw).summary().iloc[0]
        aug = ca.synthetic_control(data, method="augmented", **kw).summary().iloc[0]
        abadie = ca.synthetic_control(data, comparable="abadie", **kw).summary().iloc[0]
    return dict(
        truth=truth,
        sdid_est=sd["estimate"],
        sdid_lo=sd["ci_lower"],
        sdid_hi=sd["ci_upper"],
        sdid_p=sd["p_value"],
        sdid_rank_p=sd["p_post"],
        sc_est=sc["estimate"],
        sc_p=sc["p_value"],
        sc_post_p=sc["p_post"],
        sc_post_p_abadie=abadie["p_post"],
        sc_exact=sc["test_note"] == "exact_pre_fit",
        aug_est=aug["estimate"],
        aug_p=aug["p_value"],
        aug_post_p=aug["p_post"],
    )


def summarise(res: pd.DataFrame, label: str, effect: bool) -> list[dict]:
    n = len(res)
    rows = []

    def rate(name, x, nominal):
        x = x.dropna()
        p = float(x.mean()) if len(x) else np.nan
        se = float(np.sqrt(p * (1 - p) / len(x))) if len(x) else np.nan
        rows.append(dict(design=label, quantity=name, nominal=nominal, observed=p, mc_se=se, n=len(x), reps=n))

    if effect:
        cover = (res["sdid_lo"] <= res["truth"]) & (res["truth"] <= res["sdid_hi"])
        rate("SDID 95% placebo interval: coverage", cover.astype(float), 0.95)
        for est in ("sdid", "sc", "aug"):
            rows.append(
                dict(
                    design=label,
                    quantity=f"{est}: bias (mean estimate - truth)",
                    nominal=0.0,
                    observed=float((res[f"{est}_est"] - res["truth"]).mean()),
                    mc_se=float((res[f"{est}_est"] - res["truth"]).std() / np.sqrt(n)),
                    n=n,
                    reps=n,
                )
            )
        rate("SDID placebo-SE test: power at 0.05", (res["sdid_p"] <= 0.05).astype(float), np.nan)
    else:
        for name, col in [
            ("SDID placebo-SE test", "sdid_p"),
            ("SDID placebo rank", "sdid_rank_p"),
            ("SC ratio rank (when given)", "sc_p"),
            ("SC post-RMSPE rank, comparable fits (band, k = 5; the default)", "sc_post_p"),
            ("SC post-RMSPE rank, pre-MSPE at most 5x (Abadie et al.)", "sc_post_p_abadie"),
            ("augmented SC post-RMSPE rank (band)", "aug_post_p"),
            ("augmented SC ratio rank (when given)", "aug_p"),
        ]:
            x = res[col]
            rate(f"{name}: size at 0.05", (x <= 0.05).where(x.notna()), 0.05)
            rate(f"{name}: size at 0.10", (x <= 0.10).where(x.notna()), 0.10)
        rate("SC: share of draws with an exact pre-fit (no ratio p)", res["sc_exact"].astype(float), np.nan)
    return rows


def to_markdown(table: pd.DataFrame) -> str:
    lines = ["| design | quantity | nominal | observed | MC s.e. | draws used |", "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        nominal = "" if pd.isna(r.nominal) else f"{r.nominal:.2f}"
        lines.append(
            f"| {r.design} | {r.quantity} | {nominal} | {r.observed:.3f} | {r.mc_se:.3f} | {r.n} of {r.reps} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20240412)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    cal = calibrate()
    print(f"calibration on {cal['n_real']} municipalities: rho = {cal['rho']:.3f}, sigma = {cal['sigma']:.3f}")
    rows = []
    for first_year, pre in ((2012, 8), (2014, 6)):
        for effect in (True, False):
            label = f"{pre} pre-years, {N_UNITS - 1} donors, {'20% drop' if effect else 'no effect'}"
            res = pd.DataFrame(
                [one(cal, args.seed + 7919 * pre + 104729 * effect + r, first_year, effect) for r in range(args.reps)]
            )
            rows += summarise(res, label, effect)
            print(label, f"({time.perf_counter() - t0:.0f} s)")
    table = pd.DataFrame(rows)
    md = to_markdown(table)
    print(md)
    run = (
        f"Run: `python validation/simulate_comparisons.py --reps {args.reps} --seed {args.seed}` "
        f"({time.perf_counter() - t0:.0f} s, cosie_analysis {ca.__version__}); calibration: rho = {cal['rho']:.3f}, "
        f"sigma = {cal['sigma']:.3f} on {cal['n_real']} municipalities."
    )
    if args.write_readme:
        path = ROOT / "validation" / "README.md"
        text = path.read_text(encoding="utf-8")
        block = f"<!-- comparisons:start -->\n{md}\n\n{run}\n<!-- comparisons:end -->"
        text = re.sub(r"<!-- comparisons:start -->.*<!-- comparisons:end -->", lambda m: block, text, flags=re.S)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
