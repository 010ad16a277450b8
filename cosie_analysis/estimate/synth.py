"""Synthetic control for one treated unit, with placebo-in-space permutation inference.

Public through :mod:`cosie_analysis.estimate.comparison` (``synthetic_control``), beside ``diff_in_diff``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    Result,
    adjust_within,
    check_data,
    check_lang,
    panel_of,
    region_names,
    to_list,
)
from cosie_analysis.estimate._donors import pool_rule_words, resolve_donors
from cosie_analysis.estimate._its_result import ci_label
from cosie_analysis.estimate._scfit import (  # noqa: F401
    METHODS,
    _Fitter,
    _leave_one_out,
    _phase_row,
    _pre_period_cv,
    _rmspe,
    _sc_weights,
)
from cosie_analysis.words import format_ci, format_number, format_p, format_pct, word

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["SyntheticControlResult", "synthetic_control"]


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
    leave_one_out : pandas.DataFrame
        One row per treated unit x donor with weight x phase: ``treated``, ``dropped_donor``,
        ``weight`` (its weight in the full fit), ``phase``, ``estimate`` (refitted without it).
    pools : pandas.DataFrame or None
        The :func:`~cosie_analysis.estimate.pools.donor_pool` frames behind the default pools
        (every candidate with the reason it was kept or left out); None for pools given as codes.
    names : dict
        Unit code -> region name, when ``data`` has ``region_name`` (used by :meth:`describe`).
    time_weights : pandas.DataFrame or None
        Synthetic DiD only: ``treated``, ``period``, ``weight`` of the pre-periods.
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
    leave_one_out: pd.DataFrame | None = field(default=None, repr=False)
    pools: pd.DataFrame | None = field(default=None, repr=False)
    names: dict = field(default_factory=dict, repr=False)
    time_weights: pd.DataFrame | None = field(default=None, repr=False)
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
        from cosie_analysis.plotting import (
            midpoints,  # yearly values sit mid-year, inside their phase
        )

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
        names = self.names  # the treated towns by name where the data named them
        return " ".join(_describe_row(names.get(tr) if isinstance(names.get(tr), str) else tr,
                                      g[g["phase"] == "post"].iloc[0], self.method, lang)
                        for tr, g in self.table.groupby("treated", sort=False))


def _describe_row(tr: str, r: pd.Series, method: str, lang: str) -> str:
    def num(x, digits: int = 2) -> str:
        return format_number(x, digits, lang, missing=word("not_available", lang))

    relative = format_pct(r["relative_effect"], lang)
    head = word("sc_head", lang).format(unit=tr, estimate=num(r["estimate"]), relative=relative)
    rule_words = pool_rule_words(r["pool_rule"], lang)
    rule = " " + word("pool_rule_sentence", lang).format(rule=rule_words, n=int(r["n_donors"]))
    if method == "synthetic_did":
        return head + word("sc_sdid", lang).format(
            ci=ci_label(r["conf_level"], lang), interval=format_ci(r["ci_lower"], r["ci_upper"], lang),
            se=num(r["std_err"]), p=format_p(r["p_value"], lang), rank=int(r["rank"]), n=int(r["n_units"]),
            p_rank=format_p(r["p_post"], lang)) + rule
    if r["test_note"] == "exact_pre_fit":
        test = f" ({word('no_test', lang)})"
    else:
        test = ", " + word("sc_ratio_test", lang).format(ratio=num(r["rmspe_ratio"]), rank=int(r["rank"]),
                                                         n=int(r["n_units"]), p=num(r["p_value"], 3),
                                                         p_min=num(r["p_min"], 3))
    post = word("sc_post_test", lang).format(n=int(r["n_comparable"]), k=format_number(r["fit_ratio_max"], 0, lang),
                                             rank=int(r["rank_post"]), p=format_p(r["p_post"], lang))
    return head + word("sc_sc", lang).format(rmspe=num(r["rmspe_pre"]), test=test) + post + rule


def synthetic_control(
    data: pd.DataFrame,
    *,
    treated: str | Sequence[str],
    donors: Sequence[str] | pd.DataFrame | str | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    indicator: str | None = "indicator",
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    adjust: str = "holm",
    fit_ratio_max: float = 5.0,
    comparable: str = "band",
    method: str = "sc",
    phases: Sequence[str] = ("during", "after", "post"),
    leave_one_out: bool = True,
) -> SyntheticControlResult:
    """Synthetic control for one treated unit (or several, each fitted on its own), with placebo-in-space inference.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table with one outcome (one ``indicator``). Not modified.
    treated : str or sequence of str
        Code(s) of the treated unit(s) in column ``unit``; each is fitted separately and none
        is ever a donor.
    donors : sequence of str, "all", pandas.DataFrame or None, default None
        Donor pool. None: the default rule of :func:`~cosie_analysis.estimate.pools.donor_pool`
        (same or neighbouring urbanity class, population 0.5-2 times the treated unit's, no
        Wadden islands) for units with municipality attributes, else every unit of the treated
        unit's ``region_level``. "all": every unit of that ``region_level`` with a complete
        series. A sequence of codes: exactly those (an unknown code or an incomplete series
        raises). A frame from ``donor_pool``: its kept units.
    value, period, unit : str
        Role columns: outcome, period (CBS code, timestamp or Period) and unit.
    indicator : str or None, default "indicator"
        Column checked to hold a single outcome (skipped when absent or None).
    scheme, rule
        Phase scheme and boundary rule, see :func:`cosie_analysis.phases.assign_phase`.
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` across the treated units of the call, per phase.
    fit_ratio_max : float, default 5
        ``k`` of the post-period RMSPE rank: which placebos have a pre-period fit comparable to the
        treated unit's (see ``comparable``).
    comparable : {"band", "abadie"}, default "band"
        "abadie": placebos whose pre-period MSPE exceeds ``k`` times the treated unit's are left out
        (Abadie, Diamond and Hainmueller 2010, who show k = 20, 5 and 2). "band": also those whose
        pre-period MSPE is below the treated unit's divided by ``k``, so that only placebos of a
        similar fit (and noise level) are compared. In the calibrated simulations of
        ``validation/`` the one-sided rule rejected a true null in 9-11% of draws at the 5% level
        (units with a closer fit are also quieter after 2019), the band in 3-5%; hence the default.
    method : {"sc", "augmented"}, default "sc"
        "sc": the classic synthetic control. "augmented": ridge-augmented synthetic control (Ben-Michael,
        Feller and Rothstein 2021): the synthetic control plus a ridge-regression correction for its
        pre-period imbalance; the effective weights sum to one but can be negative. The ridge penalty
        is chosen by generalised cross-validation over the donors. With an exact pre-period fit the
        correction is zero and both methods agree. For synthetic difference-in-differences see
        :func:`~cosie_analysis.estimate.sdid.synthetic_did` (same signature and schema).
    phases : sequence of {"during", "after", "post"}, default all three
        The phases to estimate (fewer phases, fewer placebo fits).
    leave_one_out : bool, default True
        Refit without each donor with weight (columns ``loo_min``, ``loo_max``; NaN when False).

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
          1e-6 x the standard deviation of all pre-period values (so the placebos' exact fits give
          finite ratios); NaN, like ``rank``, when the treated unit's own pre-period fit is exact;
        - ``rmspe_pre_cv``: leave-one-period-out check of the pre-period fit: each "before" period in
          turn is left out of the fit and predicted from the others; the root mean squared
          prediction error. An exact fit with a large ``rmspe_pre_cv`` interpolates rather than
          reproduces the treated unit's path;
        - ``rank``: rank of the treated unit's ratio among all units (1 = largest; ties count
          against the treated unit); ``n_units``: donors + 1;
        - ``p_value``: ``rank / n_units``, or NaN when the treated unit's pre-period fit is exact
          (RMSPE <= 1e-3 x the standard deviation of the pre-period values): the ratio test is then
          not informative; ``p_min``: the smallest achievable p, ``1 / n_units``;
        - ``p_adjusted``: adjusted across treated units per phase; ``adjust``;
        - ``test_note``: "exact_pre_fit" when no ratio p-value is given, else "";
        - ``fit_ratio_max``: ``k``; ``n_comparable``: the treated unit plus the placebos whose
          pre-period MSPE is comparable to the treated unit's (``comparable``; a pre-MSPE below the
          floor of an exact fit counts as the floor); ``rank_post``: the treated unit's rank of the
          post-period RMSPE among them;
          ``p_post``: ``rank_post / n_comparable``;
        - ``loo_min``, ``loo_max``: range of the estimate when each donor with weight is left out
          in turn (see ``leave_one_out``);
        - ``pool_rule``: the rule that chose the donors;
        - ``n``: periods in the phase; ``n_pre``: "before" periods; ``n_donors``: the pool size;
          ``n_donors_used`` (weight > 1e-6);
        - ``method``: "synthetic_control" or "augmented_synthetic_control"; ``phase_scheme``, ``phase_rule``.

    Raises
    ------
    ParameterError
        Unknown columns, more than one indicator, unknown or incomplete treated unit, a requested
        donor that is unknown (named, with near matches) or lacks periods, duplicated unit-period
        pairs, fewer than 2 "before" periods or 2 donors.

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
    the pre-period fit can be exact; the ratio then compares floors and rewards units inside
    the donors' convex hull, so no ratio p-value is given and ``p_post`` (placebos of comparable
    pre-fit ranked by their post-period RMSPE) is the test to read. Each placebo is fitted from
    the treated unit's own pool minus itself.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)  # SYNTHETIC DATA: 12 units, a drop of 3 from 2020
    >>> years = range(2012, 2024)
    >>> data = pd.DataFrame([dict(region_code=f"SY{u:02d}", period=f"{y}JJ00",
    ...                           value=10 + u % 4 + 0.2 * rng.normal() - 3 * (u == 0 and y >= 2020))
    ...                      for u in range(12) for y in years])
    >>> res = synthetic_control(data, treated="SY00")
    >>> round(float(res.summary().query("phase == 'post'")["estimate"].iloc[0]))
    -3
    """
    treated_l = to_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_choice("method", method, METHODS)
    check_choice("comparable", comparable, ["band", "abadie"])
    if not isinstance(fit_ratio_max, (int, float)) or not fit_ratio_max >= 1:
        raise ParameterError(
            f"`fit_ratio_max` must be a number >= 1 (Abadie et al. 2010 use 2, 5 and 20); got {fit_ratio_max!r}."
        )
    check_data(data, {"value": value, "period": period, "unit": unit}, function="synthetic_control")
    panel = panel_of(data, value=value, period=period, unit=unit, indicator=indicator, scheme=scheme, rule=rule,
                     treated=treated_l, function="synthetic_control")
    pools, rules, pool_frame = resolve_donors(data, treated_l, donors, value=value, period=period, unit=unit,
                                              function="synthetic_control")
    W = panel.wide
    pools = {t: [u for u in p if u in W.index] for t, p in pools.items()}
    for t, p in pools.items():
        if len(p) < 2:
            raise ParameterError(f"synthetic_control() needs at least 2 donors with a complete series; found {len(p)} "
                                 f"for {t!r} (pool rule: {rules[t]}). Widen the pool (`donors=`).")
    fitter = _Fitter(W, panel, augmented=method == "augmented", phases=check_phases(phases))
    rows, wrows, prows, loo_rows, gap_parts, pairs = [], [], [], [], [], []
    for tr in treated_l:
        pool = pools[tr]
        fits = {u: fitter.fit(u, pool) for u in [tr] + pool}
        w, _, _, rp = fits[tr]
        exact = rp <= 1e3 * fitter.eps
        if exact:
            warnings.warn(
                f"synthetic_control(): the pre-period fit of {tr} is exact (RMSPE "
                f"{rp:.2g}): with {len(pool)} donors and "
                f"{int(fitter.pre.sum())} pre-period values the weights interpolate, "
                f"so the post/pre RMSPE ratio test is "
                "not informative and no ratio p-value is given (p_value is NaN); read p_post, the rank of the "
                "post-period RMSPE among placebos with a comparable pre-period fit.", UserWarning, stacklevel=2)
        for u, f in fits.items():
            gap_parts.append((fitter.Y[fitter.row[u]], f[1], f[2]))
            pairs.append((tr, u))
            prows += [dict(treated=tr, unit=u, phase=ph, rmspe_pre=f[3], rmspe_post=_rmspe(f[2][m]),
                           rmspe_ratio=_rmspe(f[2][m]) / max(f[3], fitter.eps)) for ph, m in fitter.phases.items()]
        wrows += [dict(treated=tr, donor=d, weight=float(x)) for d, x in zip(pool, w, strict=True) if abs(x) > 1e-6]
        loo = _leave_one_out(fitter, tr, pool, w) if leave_one_out else []
        loo_rows += loo
        cv = _pre_period_cv(fitter, tr, pool)
        for ph, m in fitter.phases.items():
            rows.append(_phase_row(tr, ph, m, fits, pool, fitter, exact, fit_ratio_max, loo, panel.indicator,
                                   band=comparable == "band")
                        | dict(pool_rule=rules[tr], rmspe_pre_cv=cv))
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, METHODS[method], np.nan
    table["phase_scheme"], table["phase_rule"] = panel.scheme_name, panel.rule_name
    return SyntheticControlResult(
        table=table[SC_COLUMNS], phase_scheme=panel.scheme_name, phase_rule=panel.rule_name, conf_level=np.nan,
        method=METHODS[method], unit=unit, weights=pd.DataFrame(wrows, columns=["treated", "donor", "weight"]),
        gaps=_gap_frame(pairs, W.columns.to_numpy(), panel, gap_parts), placebos=pd.DataFrame(prows), scheme=scheme,
        leave_one_out=pd.DataFrame(loo_rows, columns=["treated", "dropped_donor", "weight", "phase", "estimate"]),
        pools=pool_frame, names={t: n for t, n in region_names(data, unit).items() if t in treated_l})


SC_COLUMNS = ["treated", "indicator", "phase", "estimate", "relative_effect", "std_err", "ci_lower", "ci_upper",
              "rmspe_pre", "rmspe_pre_cv", "rmspe_post", "rmspe_ratio", "rank", "n_units", "p_value", "p_min",
              "p_adjusted", "adjust", "test_note", "fit_ratio_max", "n_comparable", "rank_post", "p_post", "loo_min",
              "loo_max", "n", "n_pre",
              "n_donors", "n_donors_used", "pool_rule", "method", "conf_level", "phase_scheme", "phase_rule"]


def check_phases(phases) -> tuple[str, ...]:
    """The ``phases=`` of the comparison estimators, checked."""
    out = tuple(to_list(phases, "phases"))
    if not out:
        raise ParameterError("`phases` must name at least one of 'during', 'after', 'post'; got an empty value.")
    for ph in out:
        check_choice("phases", ph, ["during", "after", "post"])
    return out


def _gap_frame(pairs, periods, panel, parts) -> pd.DataFrame:
    """Every unit's path as if treated, one block of periods per (treated unit, unit) pair in fit order."""
    n = len(periods)
    treated = np.repeat(np.array([p[0] for p in pairs], dtype=object), n)
    unit = np.repeat(np.array([p[1] for p in pairs], dtype=object), n)
    y1, synth, gap = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return pd.DataFrame({"treated": treated, "unit": unit, "is_treated": treated == unit,
                         "period": np.tile(periods, len(parts)),
                         "period_start": np.tile(panel.start.to_numpy(), len(parts)),
                         "phase": np.tile(panel.phase.to_numpy(), len(parts)), "observed": y1, "synthetic": synth,
                         "gap": gap})
