"""Synthetic control for one treated unit, with placebo-in-space permutation inference.

Public through :mod:`cosie_analysis.estimate.comparison` (``synthetic_control``), beside ``diff_in_diff``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    Result,
    adjust_within,
    check_data,
    check_lang,
    default_pool,
    fmt,
    panel_of,
    pct,
    to_list,
)

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["synthetic_control", "SyntheticControlResult"]


def _sc_weights(y1: np.ndarray, Y0: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to one minimising ||y1 - Y0 w||: NNLS on an augmented system.

    The sum-to-one constraint is a heavily weighted extra row (then normalised exactly). Lawson-
    Hanson NNLS is deterministic and fast for hundreds of donors.
    """
    from scipy.optimize import nnls

    scale = max(float(np.abs(Y0).max()), float(np.abs(y1).max()), 1.0)
    big = 1e3 * scale
    A = np.vstack([Y0, np.full((1, Y0.shape[1]), big)])
    b = np.concatenate([y1, [big]])
    w, _ = nnls(A, b, maxiter=50 * A.shape[1])
    s = w.sum()
    return w / s if s > 0 else np.full(len(w), 1 / len(w))


def _rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if len(gap) else np.nan


@dataclass(frozen=True, repr=False)
class SyntheticControlResult(Result):
    """Result of :func:`synthetic_control` (frozen).

    Attributes
    ----------
    weights : pandas.DataFrame
        Columns ``treated``, ``donor``, ``weight`` (one row per donor with weight > 0).
    gaps : pandas.DataFrame
        Every unit's path as if treated (the treated and every placebo): columns ``treated``
        (the real treated unit of the fit), ``unit``, ``is_treated``, ``period``, ``period_start``,
        ``phase``, ``observed``, ``synthetic``, ``gap``.
    placebos : pandas.DataFrame
        One row per treated x unit (placebos included) x phase: ``rmspe_pre``, ``rmspe_post``,
        ``rmspe_ratio``.
    model : pandas.DataFrame
        The donor weights (synthetic control is fitted with scipy NNLS, not statsmodels).
    formula : str
        A description of the objective.
    """

    unit: str = "region_code"
    weights: pd.DataFrame | None = field(default=None, repr=False)
    gaps: pd.DataFrame | None = field(default=None, repr=False)
    placebos: pd.DataFrame | None = field(default=None, repr=False)
    scheme: Any = "measures"
    formula: str = "min_w ||y_treated,pre - Y_donors,pre w||^2  s.t. w >= 0, sum(w) = 1"

    @property
    def model(self) -> pd.DataFrame:
        return self.weights.copy()

    def plot_data(self) -> pd.DataFrame:
        """The frame behind :meth:`plot`: ``gaps`` (treated rows and placebo rows)."""
        return self.gaps.copy()

    def plot(self, ax=None, *, kind: str = "paths", treated: str | None = None, lang: str = "nl"):
        """``kind="paths"``: observed vs synthetic; ``"gaps"``: the gap with every placebo's gap in grey.

        Returns the Axes.
        """
        import matplotlib.pyplot as plt

        from cosie_analysis.plotting import draw_phases

        check_choice("kind", kind, ["paths", "gaps"])
        check_lang(lang)
        fits = list(pd.unique(self.gaps["treated"]))
        if treated is None and len(fits) > 1:
            raise ParameterError(f"This result holds {len(fits)} treated units; pass `treated=` one of {fits!r}.")
        tr = treated or fits[0]
        check_choice("treated", tr, fits)
        g = self.gaps[self.gaps["treated"] == tr]
        if ax is None:
            _, ax = plt.subplots()
        from cosie_analysis.plotting import midpoints  # yearly values sit mid-year, inside their phase

        g = g.assign(_x=midpoints(g))  # once for all units: the placebos share the periods
        me = g[g["is_treated"]]
        x = me["_x"]
        if kind == "paths":
            ax.plot(x, me["observed"], color="C0", marker="o", label=tr)
            ax.plot(x, me["synthetic"], color="0.25", linestyle="--",
                    label={"nl": "synthetische controle", "en": "synthetic control"}[lang])
        else:
            for _, p in g[~g["is_treated"]].groupby("unit"):
                ax.plot(p["_x"], p["gap"], color="0.8", linewidth=0.6)
            ax.plot(x, me["gap"], color="C0", marker="o", label=tr)
            ax.axhline(0, color="0.3", linewidth=0.8)
        draw_phases(ax, self.scheme, lang=lang, key_dates=False)
        ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph from the numbers, in Dutch or English."""
        check_lang(lang)
        out = []
        for tr, g in self.table.groupby("treated", sort=False):
            r = g[g["phase"] == "post"].iloc[0]
            if lang == "nl":
                out.append(f"{tr}: na het begin van corona gemiddeld {fmt(r['estimate'])} ({pct(r['relative_effect'], lang)}) "
                           f"t.o.v. de synthetische controle; RMSPE vóór {fmt(r['rmspe_pre'])}, verhouding na/vóór "
                           f"{fmt(r['rmspe_ratio'])}, rang {int(r['rank'])} van {int(r['n_units'])} (permutatie-p = "
                           f"{fmt(r['p_value'], 3)}; kleinst mogelijke p = {fmt(r['p_min'], 3)}).")
            else:
                out.append(f"{tr}: after corona began, on average {fmt(r['estimate'])} ({pct(r['relative_effect'], lang)}) "
                           f"against the synthetic control; pre-period RMSPE {fmt(r['rmspe_pre'])}, post/pre ratio "
                           f"{fmt(r['rmspe_ratio'])}, rank {int(r['rank'])} of {int(r['n_units'])} (permutation p = "
                           f"{fmt(r['p_value'], 3)}; smallest possible p = {fmt(r['p_min'], 3)}).")
        return " ".join(out)


def synthetic_control(
    data: pd.DataFrame,
    *,
    treated: str | Sequence[str],
    donors: Sequence[str] | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    indicator: str | None = "indicator",
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    adjust: str = "holm",
) -> SyntheticControlResult:
    """Synthetic control for one treated unit (or several, each fitted on its own), with placebo-in-space inference.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table with one outcome (one ``indicator``). Not modified.
    treated : str or sequence of str
        Code(s) of the treated unit(s) in column ``unit``; each is fitted separately and none
        is ever a donor.
    donors : sequence of str, optional
        Donor pool. Default: every other unit with the treated unit's ``region_level`` (when
        that column exists; else every other unit) and a complete series.
    value, period, unit : str
        Role columns: outcome, period (CBS code, timestamp or Period) and unit.
    indicator : str or None, default "indicator"
        Column checked to hold a single outcome (skipped when absent or None).
    scheme, rule
        Phase scheme and boundary rule, see :func:`cosie_analysis.phases.assign_phase`.
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` across the treated units of the call, per phase.

    Returns
    -------
    SyntheticControlResult
        Frozen result; ``summary()`` has one row per treated unit x phase ("during", "after" and
        "post" = every period from the start of "during"), with columns:

        - ``treated``: the treated unit; ``indicator``: the outcome;
        - ``phase``;
        - ``estimate``: mean gap (observed - synthetic) over the phase's periods;
        - ``relative_effect``: sum of gaps / sum of synthetic values;
        - ``std_err``, ``ci_lower``, ``ci_upper``, ``conf_level``: NaN; synthetic control has no
          sampling-based interval here, inference is the permutation p-value;
        - ``rmspe_pre``: root mean squared gap over the "before" periods; ``rmspe_post``: the same
          over the phase; ``rmspe_ratio``: ``rmspe_post / max(rmspe_pre, floor)`` with ``floor`` =
          1e-6 x the standard deviation of all pre-period values (so exact fits give finite ratios);
        - ``rank``: rank of the treated unit's ratio among all units (1 = largest; ties count
          against the treated unit); ``n_units``: donors + 1;
        - ``p_value``: ``rank / n_units``; ``p_min``: the smallest achievable p, ``1 / n_units``;
        - ``p_adjusted``: adjusted across treated units per phase; ``adjust``;
        - ``n``: periods in the phase; ``n_pre``: "before" periods; ``n_donors``; ``n_donors_used``
          (weight > 1e-6);
        - ``method`` "synthetic_control"; ``phase_scheme``, ``phase_rule``.

    Raises
    ------
    ParameterError
        Unknown columns, more than one indicator, unknown or incomplete treated unit, duplicated
        unit-period pairs, fewer than 2 "before" periods or 2 donors.

    Warns
    -----
    UserWarning
        Rows with missing values and units without a complete series are dropped (with counts).
        When the treated unit's pre-period fit is exact (more donors than pre-periods let the
        weights interpolate), because the RMSPE ratio is then a weak statistic.

    Notes
    -----
    The weights minimise the squared pre-period gap of the outcome itself (no covariates),
    subject to ``w >= 0`` and ``sum(w) = 1`` (Abadie, Diamond and Hainmueller 2010); they are
    computed with Lawson-Hanson NNLS on the system augmented with a heavily weighted
    sum-to-one row, which is deterministic. Placebo-in-space: every donor in turn is treated as
    treated and fitted from the other donors (the real treated units excluded); the p-value is
    the treated unit's rank of the post/pre RMSPE ratio among all ``donors + 1`` units, so the
    smallest achievable p is ``1 / (donors + 1)``. Pre-period periods are "before" (half-open
    phase intervals from :mod:`cosie_analysis.phases`). With few pre-periods and many donors
    the pre-period fit can be near perfect; the ratio then rewards units inside the donors'
    convex hull, so read ``rmspe_pre`` beside the p-value.
    """
    treated_l = to_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_data(data, {"value": value, "period": period, "unit": unit}, function="synthetic_control")
    pool = default_pool(data, unit, treated_l, donors, "donors")
    panel = panel_of(data, value=value, period=period, unit=unit, indicator=indicator, scheme=scheme, rule=rule,
                   treated=treated_l, function="synthetic_control")
    W = panel.wide
    pool = [u for u in (pool if pool is not None else W.index) if u in W.index and u not in treated_l]
    if len(pool) < 2:
        raise ParameterError(f"synthetic_control() needs at least 2 donors with a complete series; found {len(pool)}.")
    pre = (panel.phase == "before").to_numpy()
    phases_of = {"during": (panel.phase == "during").to_numpy(), "after": (panel.phase == "after").to_numpy(),
                 "post": (panel.phase != "before").to_numpy()}
    periods = W.columns.to_numpy()
    # floor of the pre-period RMSPE: exact (interpolating) fits get the same finite denominator,
    # so ratios are not driven by rounding noise of the order of 1e-13
    eps = 1e-6 * max(float(np.nanstd(W.to_numpy(float)[:, pre])), 1e-12)
    # Placebo pool. A donor's placebo fit (from the other donors) does not depend on the treated
    # unit, so it is fitted once and reused for every treated unit; the donor matrix is taken from
    # one array. Same inputs to the same NNLS, so the same numbers as fitting unit by unit.
    Y = W.to_numpy(float)
    row = {u: i for i, u in enumerate(W.index)}
    pool_rows = np.array([row[d] for d in pool])
    fits: dict = {}

    def fit(u):
        if u not in fits:
            keep = np.array([d != u for d in pool])
            Y0 = Y[pool_rows[keep]].T
            y1 = Y[row[u]]
            w = _sc_weights(y1[pre], Y0[pre])
            synth = Y0 @ w
            gap = y1 - synth
            rp = _rmspe(gap[pre])
            post = {ph: (_rmspe(gap[m]), _rmspe(gap[m]) / max(rp, eps)) for ph, m in phases_of.items() if m.any()}
            fits[u] = (keep, w, y1, synth, gap, rp, post)
        return fits[u]

    rows, wrows, prows, gap_parts = [], [], [], []
    for tr in treated_l:
        units = [tr] + pool
        ratios = {}
        for u in units:
            keep, w, y1, synth, gap, rp, post = fit(u)
            for ph, (r_post, ratio) in post.items():
                ratios[(u, ph)] = ratio
                prows.append(dict(treated=tr, unit=u, phase=ph, rmspe_pre=rp, rmspe_post=r_post, rmspe_ratio=ratio))
            gap_parts.append((y1, synth, gap))
            if u == tr:
                others = [d for d, k in zip(pool, keep) if k]
                mine = dict(gap=gap, synth=synth, rmspe_pre=rp)
                wrows += [dict(treated=tr, donor=d, weight=float(x)) for d, x in zip(others, w) if x > 1e-6]
                n_used = int((w > 1e-6).sum())
                if rp <= 1e3 * eps:
                    warnings.warn(
                        f"synthetic_control(): the pre-period fit of {tr} is exact (RMSPE {rp:.2g}): with "
                        f"{len(others)} donors and {int(pre.sum())} pre-period values the weights interpolate, and "
                        "the post/pre RMSPE ratio then ranks the exact fits by their post-period gap alone. "
                        "Consider a smaller, more similar donor pool (`donors=`).", UserWarning, stacklevel=2)
        for ph, m in phases_of.items():
            if not m.any():
                continue
            r_tr = ratios[(tr, ph)]
            r_all = np.array([ratios[(u, ph)] for u in pool])
            rank = 1 + int((r_all >= r_tr).sum())
            n_units = len(pool) + 1
            rows.append(dict(treated=tr, indicator=panel.indicator, phase=ph, estimate=float(mine["gap"][m].mean()),
                             relative_effect=float(mine["gap"][m].sum() / mine["synth"][m].sum()),
                             std_err=np.nan, ci_lower=np.nan, ci_upper=np.nan, rmspe_pre=mine["rmspe_pre"],
                             rmspe_post=_rmspe(mine["gap"][m]), rmspe_ratio=r_tr, rank=rank, n_units=n_units,
                             p_value=rank / n_units, p_min=1 / n_units, n=int(m.sum()), n_pre=int(pre.sum()),
                             n_donors=len(pool), n_donors_used=n_used))
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, "synthetic_control", np.nan
    table["phase_scheme"], table["phase_rule"] = panel.scheme_name, panel.rule_name
    order = ["treated", "indicator", "phase", "estimate", "relative_effect", "std_err", "ci_lower", "ci_upper",
             "rmspe_pre", "rmspe_post", "rmspe_ratio", "rank", "n_units", "p_value", "p_min", "p_adjusted", "adjust",
             "n", "n_pre", "n_donors", "n_donors_used", "method", "conf_level", "phase_scheme", "phase_rule"]
    return SyntheticControlResult(
        table=table[order], phase_scheme=panel.scheme_name, phase_rule=panel.rule_name, conf_level=np.nan,
        method="synthetic_control", unit=unit, weights=pd.DataFrame(wrows, columns=["treated", "donor", "weight"]),
        gaps=_gap_frame(treated_l, pool, periods, panel, gap_parts), placebos=pd.DataFrame(prows), scheme=scheme)


def _gap_frame(treated_l, pool, periods, panel, parts) -> pd.DataFrame:
    """Every unit's path as if treated, one block of periods per treated unit x unit (in fit order)."""
    n, k = len(periods), len(pool) + 1
    treated = np.repeat(np.array(treated_l, dtype=object), k * n)
    unit = np.repeat(np.array([u for tr in treated_l for u in [tr] + pool], dtype=object), n)
    y1, synth, gap = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return pd.DataFrame({"treated": treated, "unit": unit, "is_treated": treated == unit,
                         "period": np.tile(periods, len(parts)), "period_start": np.tile(panel.start.to_numpy(), len(parts)),
                         "phase": np.tile(panel.phase.to_numpy(), len(parts)), "observed": y1, "synthetic": synth,
                         "gap": gap})
