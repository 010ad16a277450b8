"""Designs for one treated unit: synthetic control and difference-in-differences, with permutation inference."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.results import (
    ADJUST_METHODS,
    PHASES,
    Result,
    adjust_within,
    check_conf_level,
    check_data,
    check_lang,
    drop_missing,
    fmt,
    pct,
    period_index,
    with_phases,
)

__all__ = ["synthetic_control", "diff_in_diff", "SyntheticControlResult", "DiDResult"]


# ----------------------------------------------------------------------------------------- panel
@dataclass(frozen=True)
class _Panel:
    wide: pd.DataFrame  # units x periods (period codes), sorted by time
    phase: pd.Series  # period code -> phase
    start: pd.Series  # period code -> period_start
    indicator: str | None
    scheme_name: str
    rule_name: str


def _as_list(x, name: str) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    try:
        return list(x)
    except TypeError:
        raise ParameterError(f"`{name}` must be a unit code or a list of codes; got {x!r}.") from None


def _panel(data, *, value, period, unit, indicator, scheme, rule, treated, function) -> _Panel:
    check_data(data, {"value": value, "period": period, "unit": unit}, function=function)
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    ind = None
    if indicator is not None and indicator in data.columns:
        found = pd.unique(data[indicator].dropna())
        if len(found) > 1:
            raise ParameterError(
                f"{function}() compares one outcome; `data` holds {len(found)} values of column {indicator!r}: "
                f"{list(found)[:10]!r}. Filter first, e.g. data[data[{indicator!r}] == {found[0]!r}]."
            )
        ind = str(found[0]) if len(found) else None
    df = drop_missing(data[[unit, period, value]], [unit, period, value], function=function)
    dup = df.duplicated([unit, period])
    if dup.any():
        raise ParameterError(f"{function}(): {int(dup.sum())} duplicated ({unit}, {period}) pair(s); each unit needs "
                             "one value per period. Filter to one frequency and one indicator.")
    units = set(df[unit])
    missing = [t for t in treated if t not in units]
    if missing:
        raise ParameterError(f"`treated` unit(s) {missing!r} not found in column {unit!r}; "
                             f"found e.g. {sorted(units)[:8]!r}.")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    t, starts, _ = period_index(df, period)
    df = df.assign(_t=t.to_numpy(), _start=starts.to_numpy())
    per = df.drop_duplicates(period).sort_values("_t")
    wide = df.pivot(index=unit, columns=period, values=value)[per[period].tolist()]
    incomplete = wide.index[wide.isna().any(axis=1)]
    bad_treated = [u for u in treated if u in incomplete]
    if bad_treated:
        raise ParameterError(f"treated unit(s) {bad_treated!r} lack values for some periods; synthetic control and "
                             "the permutation tests need a complete series.")
    if len(incomplete):
        warnings.warn(f"{function}(): dropped {len(incomplete)} of {len(wide)} unit(s) without a complete series "
                      f"over the {wide.shape[1]} periods, e.g. {list(incomplete[:5])!r}.", UserWarning, stacklevel=3)
        wide = wide.drop(index=incomplete)
    phase = pd.Series(per["phase"].to_numpy(), index=per[period].to_numpy())
    if (phase == "before").sum() < 2 or (phase != "before").sum() < 1:
        raise ParameterError(f"{function}() needs at least 2 'before' periods and 1 later period; found "
                             f"{dict(phase.astype(str).value_counts())}.")
    return _Panel(wide, phase, pd.Series(per["_start"].to_numpy(), index=per[period].to_numpy()), ind,
                  scheme_name, rule_name)


def _default_pool(data, unit, treated, given, name) -> list[str] | None:
    given = _as_list(given, name)
    if given:
        return given
    if "region_level" in data.columns:  # compare like with like: municipalities with municipalities
        levels = data.loc[data[unit].isin(treated), "region_level"].dropna().unique()
        return sorted(set(data.loc[data["region_level"].isin(levels), unit]) - set(treated))
    return None


# ------------------------------------------------------------------------------- synthetic control
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

        from cosie_analysis.phases import draw_phases

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
        me = g[g["is_treated"]]
        x = pd.to_datetime(me["period_start"])
        if kind == "paths":
            ax.plot(x, me["observed"], color="C0", marker="o", label=tr)
            ax.plot(x, me["synthetic"], color="C1", linestyle="--",
                    label={"nl": "synthetische controle", "en": "synthetic control"}[lang])
        else:
            for _, p in g[~g["is_treated"]].groupby("unit"):
                ax.plot(pd.to_datetime(p["period_start"]), p["gap"], color="0.8", linewidth=0.6)
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
    scheme="measures",
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
    treated_l = _as_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_data(data, {"value": value, "period": period, "unit": unit}, function="synthetic_control")
    pool = _default_pool(data, unit, treated_l, donors, "donors")
    panel = _panel(data, value=value, period=period, unit=unit, indicator=indicator, scheme=scheme, rule=rule,
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
    rows, wrows, grows, prows = [], [], [], []
    for tr in treated_l:
        units = [tr] + pool
        ratios = {}
        for u in units:
            others = [d for d in pool if d != u]
            Y0 = W.loc[others].to_numpy(float).T
            y1 = W.loc[u].to_numpy(float)
            w = _sc_weights(y1[pre], Y0[pre])
            synth = Y0 @ w
            gap = y1 - synth
            rp = _rmspe(gap[pre])
            for ph, m in phases_of.items():
                if m.any():
                    ratios[(u, ph)] = _rmspe(gap[m]) / max(rp, eps)
                    prows.append(dict(treated=tr, unit=u, phase=ph, rmspe_pre=rp, rmspe_post=_rmspe(gap[m]),
                                      rmspe_ratio=ratios[(u, ph)]))
            grows.append(pd.DataFrame({"treated": tr, "unit": u, "is_treated": u == tr, "period": periods,
                                       "period_start": panel.start.to_numpy(), "phase": panel.phase.to_numpy(),
                                       "observed": y1, "synthetic": synth, "gap": gap}))
            if u == tr:
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
        gaps=pd.concat(grows, ignore_index=True), placebos=pd.DataFrame(prows), scheme=scheme)


# ------------------------------------------------------------------------- difference-in-differences
def _ev_name(k: int) -> str:
    return f"ev_m{-k}" if k < 0 else f"ev_p{k}"


@dataclass(frozen=True, repr=False)
class DiDResult(Result):
    """Result of :func:`diff_in_diff` (frozen).

    Attributes
    ----------
    models : dict
        ``"twfe"`` (during and after effects), ``"post"`` (one pooled effect) and
        ``"event_study"`` -> statsmodels results; ``model`` is ``models["twfe"]``.
    formulas : dict
        The same keys -> formulas; ``formula`` is the TWFE one.
    design : pandas.DataFrame
        The long frame the models were fitted on.
    permutations : pandas.DataFrame
        One row per permutation assignment and term: ``assignment``, ``term``, ``estimate``.
    """

    models: dict = field(default_factory=dict, repr=False)
    formulas: dict = field(default_factory=dict, repr=False)
    design: pd.DataFrame | None = field(default=None, repr=False)
    permutations: pd.DataFrame | None = field(default=None, repr=False)
    treated: tuple[str, ...] = ()
    scheme: Any = "measures"

    @property
    def model(self):
        return self.models["twfe"]

    @property
    def formula(self) -> str:
        return self.formulas["twfe"]

    def plot_data(self, kind: str = "event") -> pd.DataFrame:
        """The frame behind :meth:`plot`.

        ``kind="event"``: the event-study rows of ``summary()`` (``relative_period``,
        ``estimate``, ``ci_lower``, ``ci_upper``; the reference period has estimate 0).
        ``kind="paths"``: ``group`` ("treated"/"controls"), ``period``, ``period_start``, ``phase``,
        ``mean`` of the outcome per group and period.
        """
        check_choice("kind", kind, ["event", "paths"])
        if kind == "event":
            return self.table[self.table["term"] == "event"].reset_index(drop=True)
        d = self.design.assign(group=np.where(self.design["treated_unit"] == 1, "treated", "controls"))
        return (d.groupby(["group", "period", "period_start", "phase"], observed=True, sort=False)["y"].mean()
                .rename("mean").reset_index().sort_values(["group", "period_start"], ignore_index=True))

    def plot(self, ax=None, *, kind: str = "event", lang: str = "nl"):
        """Event-study coefficients with intervals (``kind="event"``) or group means over time
        (``kind="paths"``, phases shaded). Returns the Axes."""
        import matplotlib.pyplot as plt

        check_lang(lang)
        d = self.plot_data(kind)
        if ax is None:
            _, ax = plt.subplots()
        if kind == "event":
            ax.errorbar(d["relative_period"], d["estimate"], yerr=[d["estimate"] - d["ci_lower"], d["ci_upper"] - d["estimate"]],
                        marker="o", capsize=3, linestyle="none", color="C0")
            ax.axhline(0, color="0.3", linewidth=0.8)
            ax.axvline(0.5, color="0.5", linestyle=":")
            ax.set_xlabel({"nl": "periode t.o.v. laatste periode vóór corona", "en": "period relative to the last pre-corona period"}[lang])
            ax.set_ylabel({"nl": "effect", "en": "effect"}[lang])
        else:
            from cosie_analysis.phases import draw_phases

            labels = {"nl": {"treated": "behandeld", "controls": "controles"}, "en": {"treated": "treated", "controls": "controls"}}[lang]
            for grp, g in d.groupby("group"):
                ax.plot(pd.to_datetime(g["period_start"]), g["mean"], marker="o", label=labels[grp])
            draw_phases(ax, self.scheme, lang=lang, key_dates=False)
            ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph from the numbers, in Dutch or English."""
        check_lang(lang)
        t = self.table
        conf = f"{round(100 * self.conf_level)}%"
        parts = []
        for _, r in t[t["design"] == "twfe"].iterrows():
            if lang == "nl":
                parts.append(f"{r['term']}: {fmt(r['estimate'])} ({conf}-BI {fmt(r['ci_lower'])} tot {fmt(r['ci_upper'])}, "
                             f"cluster-p = {fmt(r['p_value'], 3)}, permutatie-p = {fmt(r['p_permutation'], 3)})")
            else:
                parts.append(f"{r['term']}: {fmt(r['estimate'])} ({conf} CI {fmt(r['ci_lower'])} to {fmt(r['ci_upper'])}, "
                             f"cluster p = {fmt(r['p_value'], 3)}, permutation p = {fmt(r['p_permutation'], 3)})")
        n_t, n_c = int(t["n_treated"].iloc[0]), int(t["n_controls"].iloc[0])
        if lang == "nl":
            return (f"Verschil-in-verschillen ({n_t} behandelde, {n_c} controle-eenheden, vaste effecten voor eenheid en "
                    f"periode): " + "; ".join(parts) + f". Fasen volgens schema '{self.phase_scheme}'.")
        return (f"Difference-in-differences ({n_t} treated, {n_c} control units, unit and period fixed effects): "
                + "; ".join(parts) + f". Phases from scheme '{self.phase_scheme}'.")


def _perm_estimates(Y: np.ndarray, sets: list[tuple[int, ...]], phase_masks: dict[str, np.ndarray]) -> dict:
    """TWFE coefficients for many treatment assignments on a balanced panel, by double demeaning.

    On a balanced panel the treatment regressor ``a_i * b_t`` demeans to ``(a_i - mean a)(b_t - mean b)``,
    so each assignment needs only a small least-squares problem.
    """
    N, T = Y.shape
    Yd = Y - Y.mean(axis=1, keepdims=True) - Y.mean(axis=0, keepdims=True) + Y.mean()
    out: dict[str, list[float]] = {k: [] for k in ("during", "after", "post")}
    b = {k: (m.astype(float) - m.mean()) for k, m in phase_masks.items()}
    for S in sets:
        a = np.zeros(N)
        a[list(S)] = 1.0
        ad = a - a.mean()
        cols = [k for k in ("during", "after") if phase_masks[k].any()]
        X = np.column_stack([np.outer(ad, b[k]).ravel() for k in cols])
        coef = np.linalg.lstsq(X, Yd.ravel(), rcond=None)[0]
        for k in ("during", "after"):
            out[k].append(float(coef[cols.index(k)]) if k in cols else np.nan)
        xp = np.outer(ad, b["post"]).ravel()
        out["post"].append(float(xp @ Yd.ravel() / (xp @ xp)))
    return out


def diff_in_diff(
    data: pd.DataFrame,
    *,
    treated: str | Sequence[str],
    controls: Sequence[str] | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    indicator: str | None = "indicator",
    scheme="measures",
    rule: str = "majority",
    reference: str | None = None,
    cov_type: str = "cluster",
    n_permutations: int = 2000,
    seed: int = 0,
    conf_level: float = 0.95,
    adjust: str = "holm",
) -> DiDResult:
    """Difference-in-differences: two-way fixed effects and an event study, with permutation inference.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table with one outcome. Not modified.
    treated : str or sequence of str
        Treated unit code(s) in column ``unit``.
    controls : sequence of str, optional
        Control units; default every other unit with the treated units' ``region_level`` (when
        that column exists) and a complete series.
    value, period, unit : str
        Role columns.
    indicator : str or None, default "indicator"
        Column checked to hold a single outcome.
    scheme, rule
        Phase scheme and boundary rule (:func:`cosie_analysis.phases.assign_phase`).
    reference : str, optional
        Reference period of the event study (omitted, estimate 0); default the last "before"
        period.
    cov_type : {"cluster", "nonrobust"}, default "cluster"
        Cluster-robust by unit (t with clusters - 1 df) or model-based standard errors.
    n_permutations : int, default 2000
        Permutation inference enumerates every assignment of the treatment to as many units as
        are treated when there are at most this many; otherwise it draws this many at random
        (seeded by ``seed``) and adds the actual assignment.
    seed : int, default 0
    conf_level : float, default 0.95
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` within a design: across "during" and "after" of the TWFE
        model, across all event-study coefficients; the pooled "post" row stands alone.

    Returns
    -------
    DiDResult
        Frozen result; ``summary()`` has one row per estimate, with columns:

        - ``design``: "twfe" (terms "during", "after" from one model; "post" from a model with
          one pooled effect) or "event_study" (term "event");
        - ``term``, ``phase``; ``relative_period`` and ``period`` (event study: periods after the
          reference period; NaN/None for TWFE rows);
        - ``estimate``, ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``, ``p_adjusted``;
        - ``p_permutation``: share of treatment assignments whose estimate is at least as large in
          absolute value as the actual one (TWFE rows); ``n_permutations``, ``permutation_exact``;
        - ``n`` (unit-period observations), ``n_treated``, ``n_controls``;
        - ``method``, ``cov_type``, ``adjust``, ``conf_level``, ``indicator``, ``phase_scheme``,
          ``phase_rule``.

    Raises
    ------
    ParameterError
        Unknown columns or options, several indicators, unknown or incomplete treated units,
        fewer than 1 control unit.

    Warns
    -----
    UserWarning
        With two or fewer treated units: cluster-robust errors rest on too few treated clusters
        and are unreliable; read ``p_permutation``. Also for dropped rows and units (counts).

    Notes
    -----
    Model: ``y ~ treated_during + treated_after + C(unit) + C(period)`` on the balanced panel,
    where ``treated_during`` is 1 for treated units in "during" periods (half-open phases from
    :mod:`cosie_analysis.phases`). The event study replaces the two terms by one indicator per
    period relative to the reference period. Permutation estimates use the within (double
    demeaning) form of the same model, exact on a balanced panel; the smallest achievable
    ``p_permutation`` is 1 / (number of assignments).
    """
    treated_l = _as_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    check_choice("cov_type", cov_type, ["cluster", "nonrobust"])
    check_choice("adjust", adjust, ADJUST_METHODS)
    conf_level = check_conf_level(conf_level)
    if not isinstance(n_permutations, (int, np.integer)) or n_permutations < 1:
        raise ParameterError(f"`n_permutations` must be a positive integer; got {n_permutations!r}.")
    check_data(data, {"value": value, "period": period, "unit": unit}, function="diff_in_diff")
    pool = _default_pool(data, unit, treated_l, controls, "controls")
    panel = _panel(data, value=value, period=period, unit=unit, indicator=indicator, scheme=scheme, rule=rule,
                   treated=treated_l, function="diff_in_diff")
    W = panel.wide
    pool = [u for u in (pool if pool is not None else W.index) if u in W.index and u not in treated_l]
    if not pool:
        raise ParameterError("diff_in_diff() needs at least 1 control unit with a complete series; found 0.")
    W = W.loc[treated_l + pool]
    if len(treated_l) <= 2:
        warnings.warn(
            f"diff_in_diff(): only {len(treated_l)} treated unit(s); cluster-robust standard errors are unreliable "
            "with so few treated clusters (they understate the uncertainty). Read the permutation p-value "
            "(column p_permutation) reported beside them.", UserWarning, stacklevel=2)
    import statsmodels.formula.api as smf

    periods = list(W.columns)
    pos = {p: i for i, p in enumerate(periods)}
    before = [p for p in periods if panel.phase[p] == "before"]
    ref = before[-1] if reference is None else reference
    if ref not in pos:
        raise ParameterError(f"`reference` must be one of the periods {periods!r}; got {reference!r}.")
    long = W.stack().rename("y").reset_index()
    long.columns = ["unit", "period", "y"]
    long["period"] = long["period"].astype(str)
    long["phase"] = pd.Categorical(panel.phase.reindex(long["period"]).to_numpy(), categories=list(PHASES), ordered=True)
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
    has = {ph: bool((long["phase"] == ph).any()) for ph in ("during", "after")}
    fe = " + C(unit) + C(period)"
    formulas = {
        "twfe": "y ~ " + " + ".join(f"treated_{ph}" for ph in ("during", "after") if has[ph]) + fe,
        "post": "y ~ treated_post" + fe,
        "event_study": "y ~ " + " + ".join(n for _, n in ev_terms) + fe,
    }
    groups = pd.factorize(long["unit"])[0]
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}, "use_t": True} if cov_type == "cluster" else {"use_t": True}
    models = {k: smf.ols(f, long).fit(**kw) for k, f in formulas.items()}

    # permutation inference on the TWFE terms
    N = len(W)
    n_t = len(treated_l)
    from math import comb

    total = comb(N, n_t)
    actual = tuple(range(n_t))
    if total <= n_permutations:
        sets, exact = list(itertools.combinations(range(N), n_t)), True
    else:
        rng = np.random.default_rng(seed)
        sets = [actual] + [tuple(sorted(rng.choice(N, n_t, replace=False))) for _ in range(n_permutations)]
        exact = False
    masks = {"during": (panel.phase.reindex(periods) == "during").to_numpy(),
             "after": (panel.phase.reindex(periods) == "after").to_numpy(),
             "post": (panel.phase.reindex(periods) != "before").to_numpy()}
    perm = _perm_estimates(W.to_numpy(float), sets, masks)

    rows, alpha = [], 1 - conf_level
    def coef_row(res, name, **extra):
        ci = res.conf_int(alpha=alpha).loc[name]
        return dict(estimate=float(res.params[name]), std_err=float(res.bse[name]), ci_lower=float(ci.iloc[0]),
                    ci_upper=float(ci.iloc[1]), p_value=float(res.pvalues[name]), **extra)
    for ph in ("during", "after", "post"):
        if ph != "post" and not has[ph]:
            continue
        res = models["post" if ph == "post" else "twfe"]
        r = coef_row(res, f"treated_{ph}", design="twfe", term=ph, phase=ph, relative_period=np.nan, period=None)
        est = np.asarray(perm[ph])
        r["p_permutation"] = float(np.mean(np.abs(est) >= abs(r["estimate"]) - 1e-12))
        r["family"] = "twfe_post" if ph == "post" else "twfe"
        rows.append(r)
    for k, name in ev_terms:
        p = periods[pos[ref] + k]
        rows.append(coef_row(models["event_study"], name, design="event_study", term="event", phase=str(panel.phase[p]),
                             relative_period=k, period=p, p_permutation=np.nan, family="event"))
    rows.append(dict(design="event_study", term="event", phase=str(panel.phase[ref]), relative_period=0, period=ref,
                     estimate=0.0, std_err=np.nan, ci_lower=np.nan, ci_upper=np.nan, p_value=np.nan,
                     p_permutation=np.nan, family="event"))
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_within(table, "family", adjust)
    table = table.drop(columns="family")
    table = pd.concat([table[table.design == "twfe"],
                       table[table.design == "event_study"].sort_values("relative_period")], ignore_index=True)
    table["n_permutations"] = len(sets)
    table["permutation_exact"] = exact
    table["n"], table["n_treated"], table["n_controls"] = len(long), n_t, len(pool)
    table["method"] = np.where(table["design"] == "twfe", "did_twfe", "did_event_study")
    table["cov_type"], table["adjust"], table["conf_level"] = cov_type, adjust, conf_level
    table["indicator"] = panel.indicator
    table["phase_scheme"], table["phase_rule"] = panel.scheme_name, panel.rule_name
    order = ["design", "term", "phase", "relative_period", "period", "estimate", "std_err", "ci_lower", "ci_upper",
             "p_value", "p_adjusted", "p_permutation", "n_permutations", "permutation_exact", "n", "n_treated",
             "n_controls", "method", "cov_type", "adjust", "conf_level", "indicator", "phase_scheme", "phase_rule"]
    permutations = pd.DataFrame([dict(assignment=i, term=k, estimate=v) for k, vals in perm.items() for i, v in enumerate(vals)])
    return DiDResult(table=table[order], phase_scheme=panel.scheme_name, phase_rule=panel.rule_name,
                     conf_level=conf_level, method="diff_in_diff", models=models, formulas=formulas, design=long,
                     permutations=permutations, treated=tuple(treated_l), scheme=scheme)
