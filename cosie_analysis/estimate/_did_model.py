"""The models behind :func:`~cosie_analysis.estimate.comparison.diff_in_diff`: the long design frame
with the treatment indicators, the statsmodels fits and the table of TWFE and event-study rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._common import PHASES, adjust_within


def _ev_name(k: int) -> str:
    return f"ev_m{-k}" if k < 0 else f"ev_p{k}"


def _did_design(W: pd.DataFrame, panel, treated_l, reference, scale: str = "level"):
    """The long unit x period frame with the treatment indicators, the formulas, the event terms.

    ``y`` stays in outcome units; with ``scale="log"`` the formulas model ``np.log(y)``."""
    periods = list(W.columns)
    pos = {p: i for i, p in enumerate(periods)}
    before = [p for p in periods if panel.phase[p] == "before"]
    ref = before[-1] if reference is None else reference
    if ref not in pos:
        raise ParameterError(f"`reference` must be one of the periods {periods!r}; got {reference!r}.")
    long = W.stack().rename("y").reset_index()
    long.columns = ["unit", "period", "y"]
    long["period"] = long["period"].astype(str)
    long["phase"] = pd.Categorical(panel.phase.reindex(long["period"]).to_numpy(), categories=list(PHASES),
                                   ordered=True)
    long["period_start"] = panel.start.reindex(long["period"]).to_numpy()
    long["treated_unit"] = long["unit"].isin(treated_l).astype(int)
    for ph in ("during", "after"):
        long[f"treated_{ph}"] = long["treated_unit"] * (long["phase"] == ph).astype(int)
    long["treated_post"] = long["treated_unit"] * (long["phase"] != "before").astype(int)
    rel = long["period"].map(pos) - pos[ref]
    ev_terms = []
    for k in sorted(set(rel)):
        if k == 0:
            continue
        long[_ev_name(k)] = long["treated_unit"] * (rel == k).astype(int)
        ev_terms.append((k, _ev_name(k)))
    has = [ph for ph in ("during", "after") if (long["phase"] == ph).any()]
    fe, lhs = " + C(unit) + C(period)", "np.log(y) ~ " if scale == "log" else "y ~ "
    formulas = {"twfe": lhs + " + ".join(f"treated_{ph}" for ph in has) + fe, "post": lhs + "treated_post" + fe,
                "event_study": lhs + " + ".join(n for _, n in ev_terms) + fe}
    return long, formulas, ev_terms, ref


def _did_fit(long: pd.DataFrame, formulas: dict, cov_type: str) -> dict:
    import statsmodels.formula.api as smf

    groups = pd.factorize(long["unit"])[0]
    kw: dict = {"use_t": True}
    if cov_type == "cluster":
        kw |= {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    return {k: smf.ols(f, long).fit(**kw) for k, f in formulas.items()}


def _relative(b: float, observed_mean: float, scale: str) -> float:
    """The effect relative to the counterfactual: ``exp(b) - 1`` on logs; on levels ``b`` over the
    counterfactual mean ``observed_mean - b`` (a term's residuals sum to zero over its cells)."""
    return float(np.expm1(b)) if scale == "log" else b / (observed_mean - b)


def _did_table(models, perm, ev_terms, ref, panel, periods, conf_level, adjust, long, scale) -> pd.DataFrame:
    """The TWFE and event-study rows with their p-values, permutation p and adjusted p."""
    alpha, pos = 1 - conf_level, {p: i for i, p in enumerate(periods)}

    def coef_row(res, name, **extra):
        ci, b = res.conf_int(alpha=alpha).loc[name], float(res.params[name])
        return dict(estimate=b, std_err=float(res.bse[name]), ci_lower=float(ci.iloc[0]), ci_upper=float(ci.iloc[1]),
                    relative_effect=_relative(b, float(long.loc[long[name] == 1, "y"].mean()), scale),
                    p_value=float(res.pvalues[name]), **extra)

    rows = []
    for ph in ("during", "after", "post"):
        res = models["post" if ph == "post" else "twfe"]
        if f"treated_{ph}" not in res.params.index:
            continue
        r = coef_row(res, f"treated_{ph}", design="twfe", term=ph, phase=None if ph == "post" else ph,
                     relative_period=np.nan, period=None, family="twfe_post" if ph == "post" else "twfe")
        r["p_permutation"] = float(np.mean(np.abs(np.asarray(perm[ph])) >= abs(r["estimate"]) - 1e-12))
        rows.append(r)
    for k, name in ev_terms:
        p = periods[pos[ref] + k]
        rows.append(coef_row(models["event_study"], name, design="event_study", term="event", phase=str(panel.phase[p]),
                             relative_period=k, period=p, p_permutation=np.nan, family="event"))
    rows.append({"design": "event_study", "term": "event", "phase": str(panel.phase[ref]), "relative_period": 0,
                 "period": ref, "estimate": 0.0, "std_err": np.nan, "ci_lower": np.nan, "ci_upper": np.nan,
                 "relative_effect": 0.0,
                 "p_value": np.nan, "p_permutation": np.nan, "family": "event"})
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_within(table, "family", adjust)
    table = table.drop(columns="family")
    table = pd.concat([table[table.design == "twfe"],
                       table[table.design == "event_study"].sort_values("relative_period")], ignore_index=True)
    table["phase"] = pd.Categorical(table["phase"], categories=list(PHASES), ordered=True)
    return table
