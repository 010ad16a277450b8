"""Difference-in-differences with every municipality treated in turn: the like-with-like default pool vs all.

Run: .venv/bin/python validation/did_pools_placebo.py              (real data, about a minute)
     .venv/bin/python validation/did_pools_placebo.py --scale log  (the same on log(value): parallel
                                                                    trends in proportions)

Placebo-in-space on registered residential burglary per 1,000 inhabitants (47018NED, offence 1.1.1),
yearly 2012-2025, every municipality with a complete series: each in turn is "treated" and compared,
by the two-way fixed-effects DiD of :func:`cosie_analysis.diff_in_diff`, with

- its default pool (:func:`cosie_analysis.donor_pool`: same or neighbouring urbanity class, population
  0.5-2 times its own, no Wadden islands; the default of ``diff_in_diff`` since this change), and
- every other municipality (``donors="all"``, the old default).

It prints, per pool and term, the 5th/50th/95th percentiles of the estimates and of the p-values,
the share of municipalities with p < 0.05 (the false-positive rate when no municipality is
treated: corona hit every town, so any "effect" here is a town's own deviation from its pool), and
where Houten (GM0321) and Nieuwegein (GM0356) sit. Real data; nothing is simulated.

The estimates and permutation p-values come from the kernel of ``diff_in_diff``
(``estimate._kernels.perm_estimates``) and the cluster-robust p-values from the same within
regression with statsmodels' small-sample correction; both pilots are also run through
``diff_in_diff`` itself and the numbers must agree (checked below), so the fast path is the
function's own arithmetic.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosie_analysis as ca
from cosie_analysis.estimate._attributes import municipality_attributes
from cosie_analysis.estimate._common import panel_of
from cosie_analysis.estimate._kernels import perm_estimates

PILOTS = {"GM0321": "Houten", "GM0356": "Nieuwegein"}
INDICATOR = "crime_1_1_1_per_1000"
TERMS = ("post", "after")


def cluster_p(W: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, float]:
    """Cluster-robust (by unit) p-values of the TWFE terms for row 0 treated, as statsmodels computes
    them for ``diff_in_diff``: within regression (FWL), CR1 correction (G/(G-1)) (N-1)/(N-K) with K the
    parameters of the dummy model, t with G-1 df. "post": the pooled model; "during"/"after": one model."""
    G, T = W.shape
    Yd = W - W.mean(axis=1, keepdims=True) - W.mean(axis=0, keepdims=True) + W.mean()
    a = np.zeros(G)
    a[0] = 1.0
    out = {}
    for names in (("post",), ("during", "after")):
        names = tuple(k for k in names if masks[k].any())
        X = np.stack([np.outer(a - a.mean(), masks[k] - masks[k].mean()) for k in names], axis=-1)  # G x T x k
        Xf, y = X.reshape(G * T, -1), Yd.ravel()
        bread = np.linalg.inv(Xf.T @ Xf)
        beta = bread @ Xf.T @ y
        e = (y - Xf @ beta).reshape(G, T)
        scores = np.einsum("gtk,gt->gk", X, e)
        n, k = G * T, G + T - 1 + len(names)  # intercept, G-1 unit and T-1 period dummies, the terms
        V = bread @ (scores.T @ scores) @ bread * G / (G - 1) * (n - 1) / (n - k)
        for i, name in enumerate(names):
            out[name] = float(2 * stats.t.sf(abs(beta[i]) / np.sqrt(V[i, i]), G - 1))
    return out


def one(W: pd.DataFrame, masks, unit: str, pool: list[str]) -> dict:
    """Estimates, permutation and cluster p-values of ``unit`` against ``pool``."""
    Y = W.loc[[unit, *pool]].to_numpy(float)
    perm = perm_estimates(Y, [(i,) for i in range(len(Y))], masks)
    cp = cluster_p(Y, masks)
    row = {"unit": unit, "n_donors": len(pool)}
    for term in TERMS:
        est = np.asarray(perm[term])
        row[f"{term}_estimate"] = est[0]
        row[f"{term}_p_perm"] = float(np.mean(np.abs(est) >= abs(est[0]) - 1e-12))
        row[f"{term}_p_cluster"] = cp[term]
    return row


def main(scale: str = "level") -> None:
    start = time.perf_counter()
    obs = ca.load_observations()
    d = obs[(obs["region_level"] == "gemeente") & (obs["frequency"] == "year") & (obs["indicator"] == INDICATOR)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # municipalities without a complete series
        panel = panel_of(d, value="value", period="period", unit="region_code", indicator="indicator",
                         scheme="measures", rule="majority", treated=list(PILOTS), function="validation")
    W = panel.wide
    if scale == "log":  # municipalities with a value <= 0 cannot be on logs: left out, and said so
        positive = (W > 0).all(axis=1)
        print(f"scale=log: {int((~positive).sum())} municipalities with a value <= 0 left out")
        W = np.log(W[positive])
    masks = {"during": (panel.phase == "during").to_numpy(), "after": (panel.phase == "after").to_numpy(),
             "post": (panel.phase != "before").to_numpy()}
    attrs = municipality_attributes()
    units = list(W.index)
    rows, no_attrs = [], []
    for u in units:
        rows.append(one(W, masks, u, [v for v in units if v != u]) | {"pool": "all"})
        if u not in set(attrs["region_code"]):
            no_attrs.append(u)
            continue
        frame = ca.donor_pool(d, u, attributes=attrs)
        pool = [v for v in frame.loc[frame["kept"], "region_code"] if v in W.index]
        if len(pool) >= 2:  # diff_in_diff needs 3 units in all
            rows.append(one(W, masks, u, pool) | {"pool": "default"})
        else:
            no_attrs.append(f"{u} ({len(pool)} default donor(s))")
    res = pd.DataFrame(rows)
    check_against_diff_in_diff(d[d["region_code"].isin(W.index)], res, scale)
    print(f"{len(units)} municipalities with a complete series, {W.shape[1]} years "
          f"({', '.join(f'{k}: {int(v)}' for k, v in panel.phase.astype(str).value_counts().items())}); "
          "only in the 'all' rows (no attributes, or a default pool too small for diff_in_diff): "
          f"{no_attrs or 'none'}.\n")
    print(table(res).to_markdown(index=False))
    print()
    print(pilots(res).to_markdown(index=False))
    sizes = res[res["pool"] == "default"]["n_donors"]
    print(f"\nDefault pool sizes: min {sizes.min()}, median {sizes.median():.0f}, max {sizes.max()}; "
          f"{(sizes < 20).sum()} municipalities with fewer than 20 donors (smallest p_perm then 1/(n+1)).")
    names = d.drop_duplicates("region_code").set_index("region_code")["region_name"]
    small = res[(res["pool"] == "default") & (res["n_donors"] < 20)].sort_values("n_donors")
    print("Fewer than 20 default donors: " + "; ".join(f"{names.get(u, u)} {n}" for u, n in
                                                      small[["unit", "n_donors"]].itertuples(index=False)))
    extremes = res[res["pool"] == "all"].nlargest(3, "post_estimate", keep="all")[["unit", "post_estimate"]]
    print("Largest 'post' estimates with the full pool: "
          + "; ".join(f"{names.get(u, u)} {e:+.2f}" for u, e in extremes.itertuples(index=False)))
    print(f"\n({time.perf_counter() - start:.0f} s, cosie_analysis {ca.__version__})")


def q(x: pd.Series) -> str:
    a = np.percentile(x, [5, 50, 95])
    return f"{a[0]:+.2f} / {a[1]:+.2f} / {a[2]:+.2f}"


def table(res: pd.DataFrame) -> pd.DataFrame:
    out = []
    for pool, g in res.groupby("pool", sort=False):
        for term in TERMS:
            out.append({
                "pool": pool, "term": term, "municipalities": len(g),
                "estimate 5% / 50% / 95%": q(g[f"{term}_estimate"]),
                "p_perm 5% / 50% / 95%": " / ".join(
                    f"{v:.3f}" for v in np.percentile(g[f"{term}_p_perm"], [5, 50, 95])),
                "share p_perm <= 0.05": f"{(g[f'{term}_p_perm'] <= 0.05).mean():.3f}",
                "share cluster p < 0.05": f"{(g[f'{term}_p_cluster'] < 0.05).mean():.3f}",
            })
    return pd.DataFrame(out)


def pilots(res: pd.DataFrame) -> pd.DataFrame:
    out = []
    for pool, g in res.groupby("pool", sort=False):
        for code, name in PILOTS.items():
            r = g[g["unit"] == code]
            if r.empty:
                continue
            r = r.iloc[0]
            for term in TERMS:
                share = (g[f"{term}_estimate"] < r[f"{term}_estimate"]).mean()
                out.append({"pool": pool, "municipality": name, "term": term, "donors": int(r["n_donors"]),
                            "estimate": f"{r[f'{term}_estimate']:+.2f}", "percentile among all": f"{100 * share:.0f}",
                            "p_perm": f"{r[f'{term}_p_perm']:.3f}", "cluster p": f"{r[f'{term}_p_cluster']:.2g}"})
    return pd.DataFrame(out)


def check_against_diff_in_diff(d: pd.DataFrame, res: pd.DataFrame, scale: str) -> None:
    """The fast path must give diff_in_diff's numbers for both pilots and both pools."""
    for code in PILOTS:
        for pool, donors in (("default", None), ("all", "all")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                t = ca.diff_in_diff(d, treated=code, donors=donors, scale=scale).summary().set_index("term")
            r = res[(res["unit"] == code) & (res["pool"] == pool)].iloc[0]
            assert int(t.loc["post", "n_donors"]) == r["n_donors"], (code, pool)
            for term in TERMS:
                assert np.isclose(t.loc[term, "estimate"], r[f"{term}_estimate"], rtol=1e-9), (code, pool, term)
                assert np.isclose(t.loc[term, "p_permutation"], r[f"{term}_p_perm"]), (code, pool, term)
                assert np.isclose(t.loc[term, "p_value"], r[f"{term}_p_cluster"], rtol=1e-6), (code, pool, term)


if __name__ == "__main__":
    main("log" if sys.argv[1:] == ["--scale", "log"] else "level")
