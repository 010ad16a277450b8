"""Phase summaries: descriptive statistics per phase and the change against "before"."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.pilot.provenance import carry_provenance
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    PHASES,
    Result,
    adjust_within,
    as_tuple,
    check_conf_level,
    check_data,
    check_lang,
    drop_missing,
    fmt,
    pct,
    with_phases,
)

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["phase_summary", "phase_totals", "PhaseSummary"]


@dataclass(frozen=True, repr=False)
class PhaseSummary(Result):
    """Result of :func:`phase_summary` (frozen).

    Attributes
    ----------
    by : tuple of str
        The grouping columns.
    model : None
        A phase summary fits no statsmodels model; the Welch tests come from scipy.
    formula : None
    """

    by: tuple[str, ...] = ()
    model: None = None
    formula: None = None

    def plot_data(self) -> pd.DataFrame:
        """The frame behind :meth:`plot`: one row per group x phase.

        Columns: the ``by`` columns, ``phase``, ``n``, ``mean``, ``mean_ci_lower``,
        ``mean_ci_upper`` (t interval of the mean at ``conf_level``), ``label``.
        """
        from scipy import stats

        t = self.table
        out = t[list(self.by) + ["phase", "n", "mean", "sd"]].copy()
        q = stats.t.ppf(0.5 + self.conf_level / 2, np.maximum(out["n"] - 1, 1))
        half = np.where(out["n"] > 1, q * out["sd"] / np.sqrt(out["n"]), np.nan)
        out["mean_ci_lower"] = out["mean"] - half
        out["mean_ci_upper"] = out["mean"] + half
        out["label"] = out[list(self.by)].astype(str).agg(" / ".join, axis=1) if self.by else "all"
        return out.drop(columns="sd").reset_index(drop=True)

    def plot(self, ax=None):
        """Mean per phase with its interval, one line per group; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        data = self.plot_data()
        x = {p: i for i, p in enumerate(PHASES)}
        for label, g in data.groupby("label", sort=False):
            xs = g["phase"].astype(str).map(x).to_numpy(dtype=float)
            ax.errorbar(
                xs,
                g["mean"],
                yerr=[g["mean"] - g["mean_ci_lower"], g["mean_ci_upper"] - g["mean"]],
                marker="o",
                capsize=3,
                label=label,
            )
        ax.set_xticks(range(len(PHASES)), list(PHASES))
        ax.set_xlabel("phase")
        ax.set_ylabel("mean")
        ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph with the changes against "before", in Dutch (``"nl"``) or English."""
        check_lang(lang)
        lines = []
        conf = f"{round(100 * self.conf_level)}%"
        for key, g in self.table.groupby(list(self.by) or (lambda _: "all"), sort=False, observed=True):
            name = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            before = g[g["phase"] == "before"]
            m0 = before["mean"].iloc[0] if len(before) else np.nan
            parts = []
            for _, r in g[g["phase"] != "before"].iterrows():
                if lang == "nl":
                    parts.append(
                        f"{r['phase']} {fmt(r['mean'])} ({pct(r['relative_change'], lang)}, {conf}-BI "
                        f"{pct(r['relative_ci_lower'], lang)} tot {pct(r['relative_ci_upper'], lang)}, "
                        f"gecorrigeerde p = {fmt(r['p_adjusted'], 3)})"
                    )
                else:
                    parts.append(
                        f"{r['phase']} {fmt(r['mean'])} ({pct(r['relative_change'], lang)}, {conf} CI "
                        f"{pct(r['relative_ci_lower'], lang)} to {pct(r['relative_ci_upper'], lang)}, "
                        f"adjusted p = {fmt(r['p_adjusted'], 3)})"
                    )
            if lang == "nl":
                lines.append(f"{name}: gemiddelde vóór corona {fmt(m0)}; " + "; ".join(parts) + ".")
            else:
                lines.append(f"{name}: mean before corona {fmt(m0)}; " + "; ".join(parts) + ".")
        adj = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "geen" if lang == "nl" else "none"}[
            self.table["adjust"].iloc[0] if len(self.table) else "none"
        ]
        tail = (
            f" Fasen volgens schema '{self.phase_scheme}' (regel '{self.phase_rule}'); Welch-toets, "
            f"correctie voor meervoudig toetsen: {adj}."
            if lang == "nl"
            else f" Phases from scheme '{self.phase_scheme}' (rule '{self.phase_rule}'); Welch test, "
            f"multiple-testing adjustment: {adj}."
        )
        return " ".join(lines) + tail


def _welch(x1: np.ndarray, x0: np.ndarray, conf_level: float) -> dict:
    """Welch comparison of means: absolute difference and relative change (delta method)."""
    from scipy import stats

    n1, n0 = len(x1), len(x0)
    out = dict.fromkeys(
        ["estimate", "std_err", "ci_lower", "ci_upper", "relative_change", "relative_std_err",
         "relative_ci_lower", "relative_ci_upper", "statistic", "df", "p_value"],
        np.nan,
    )
    if n1 < 2 or n0 < 2:
        if n1 >= 1 and n0 >= 1:
            out["estimate"] = x1.mean() - x0.mean()
            out["relative_change"] = x1.mean() / x0.mean() - 1 if x0.mean() != 0 else np.nan
        return out
    m1, m0 = x1.mean(), x0.mean()
    v1, v0 = x1.var(ddof=1) / n1, x0.var(ddof=1) / n0
    se = np.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1)) if se > 0 else np.inf
    q = stats.t.ppf(0.5 + conf_level / 2, df)
    out.update(estimate=m1 - m0, std_err=se, ci_lower=m1 - m0 - q * se, ci_upper=m1 - m0 + q * se, df=df)
    if se > 0:
        out["statistic"] = (m1 - m0) / se
        out["p_value"] = 2 * stats.t.sf(abs(out["statistic"]), df)
    if m0 != 0:
        r = m1 / m0
        rse = abs(r) * np.sqrt(v1 / m1**2 + v0 / m0**2) if m1 != 0 else np.sqrt(v1) / abs(m0)
        out.update(
            relative_change=r - 1,
            relative_std_err=rse,
            relative_ci_lower=r - 1 - q * rse,
            relative_ci_upper=r - 1 + q * rse,
        )
    return out


def phase_summary(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    conf_level: float = 0.95,
    adjust: str = "holm",
) -> PhaseSummary:
    """Describe each series per corona phase and test the change against "before".

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table, one row per observation. Not modified.
    value : str, default "value"
        Column with the numeric outcome.
    period : str, default "period"
        Column with the period (CBS code such as ``2020MM03``, timestamp or pandas Period); the
        phase of each row comes from :func:`cosie_analysis.phases.assign_phase`.
    by : sequence of str, default ("region_code", "indicator")
        Columns that identify one series (one "outcome"). ``None`` or ``()`` treats all rows as
        one series.
    scheme : str or PhaseScheme, default "measures"
        Phase scheme passed to ``assign_phase``.
    rule : str, default "majority"
        How a period that straddles a phase boundary is assigned (see ``assign_phase``).
    conf_level : float, default 0.95
        Confidence level of the intervals.
    adjust : {"holm", "bh", "none"}, default "holm"
        Multiple-testing adjustment of ``p_adjusted``: Holm (family-wise error) or
        Benjamini-Hochberg (false discovery rate).

    Returns
    -------
    PhaseSummary
        Frozen result; ``summary()`` returns one row per series x phase (phases without
        observations are left out with a warning), with columns:

        - the ``by`` columns;
        - ``phase``: ordered categorical before < during < after;
        - ``n``, ``mean``, ``sd`` (ddof=1), ``median``, ``min``, ``max`` of ``value`` in the phase;
        - ``estimate``: mean in the phase minus mean before (NaN in the "before" row);
        - ``std_err``, ``ci_lower``, ``ci_upper``: its Welch standard error and t interval;
        - ``relative_change``: mean in the phase / mean before - 1;
        - ``relative_std_err``, ``relative_ci_lower``, ``relative_ci_upper``: delta-method
          standard error and interval of the relative change (Welch degrees of freedom);
        - ``statistic``, ``df``: Welch t statistic and its degrees of freedom;
        - ``p_value``: two-sided Welch t-test p-value;
        - ``p_adjusted``: ``p_value`` adjusted across the outcomes of the call (see Notes);
        - ``adjust``: the adjustment method; ``method``: "welch_t"; ``conf_level``;
        - ``phase_scheme``, ``phase_rule``: the phase scheme and the rule used.

    Raises
    ------
    ParameterError
        When ``data`` lacks a named column, ``adjust`` or ``conf_level`` is invalid, or no row
        remains.

    Warns
    -----
    UserWarning
        For rows dropped because ``value`` or a ``by`` column is missing, and for phases without
        observations (with counts).

    Notes
    -----
    The tests treat the observations of a phase as independent draws around the phase mean. For
    autocorrelated monthly series this understates the uncertainty: use
    :func:`~cosie_analysis.estimate.its.interrupted_time_series` for inference on trends. Phase intervals
    are half-open, ``[start, end)``; see :mod:`cosie_analysis.phases` for how periods that
    straddle a boundary are assigned. The family for ``p_adjusted`` is all tests of the same
    contrast (during vs before, or after vs before) across the series in the call; with one
    series ``p_adjusted`` equals ``p_value``.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> res = ca.phase_summary(obs[obs.indicator == "crime_1_1_1_per_1000"])  # doctest: +SKIP
    >>> res.summary()[["region_code", "phase", "mean", "relative_change", "p_adjusted"]]  # doctest: +SKIP
    """
    by = as_tuple(by)
    check_data(data, {"value": value, "period": period, **{f"by[{i}]": c for i, c in enumerate(by)}}, function="phase_summary")
    conf_level = check_conf_level(conf_level)
    check_choice("adjust", adjust, ADJUST_METHODS)
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    if "frequency" in data.columns and "frequency" not in by:
        nfreq = data.groupby(list(by), observed=True)["frequency"].nunique() if by else pd.Series([data["frequency"].nunique()])
        if (nfreq > 1).any():
            raise ParameterError(
                f"phase_summary(): {int((nfreq > 1).sum())} series mix frequencies (e.g. yearly and monthly values "
                "of one indicator); their means are not comparable. Filter `data` to one frequency or add "
                "'frequency' to `by`."
            )
    df = drop_missing(data[list(by) + [period, value]], list(by) + [period, value], function="phase_summary")
    if df.empty:
        raise ParameterError("phase_summary(): no rows with a value left in `data`.")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)

    rows, empty = [], 0
    groups = df.groupby(list(by), sort=True, observed=True) if by else [((), df)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        x0 = g.loc[g["phase"] == "before", value].to_numpy(dtype=float)
        for ph in PHASES:
            x = g.loc[g["phase"] == ph, value].to_numpy(dtype=float)
            if len(x) == 0:
                empty += 1
                continue
            row = dict(zip(by, key))
            row.update(
                phase=ph,
                n=len(x),
                mean=x.mean(),
                sd=x.std(ddof=1) if len(x) > 1 else np.nan,
                median=float(np.median(x)),
                min=x.min(),
                max=x.max(),
            )
            if ph == "before" or len(x0) == 0:
                row.update(_welch(np.array([]), np.array([]), conf_level))
                row.update(estimate=np.nan, relative_change=np.nan)
            else:
                row.update(_welch(x, x0, conf_level))
            rows.append(row)
    if empty:
        warnings.warn(
            f"phase_summary(): {empty} series x phase combination(s) have no observations and are left out.",
            UserWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows)
    table["phase"] = pd.Categorical(table["phase"], categories=list(PHASES), ordered=True)
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"] = adjust
    table["method"] = "welch_t"
    table["conf_level"] = conf_level
    table["phase_scheme"] = scheme_name
    table["phase_rule"] = rule_name
    table["n"] = table["n"].astype("int64")
    cols = list(by) + [
        "phase", "n", "mean", "sd", "median", "min", "max", "estimate", "std_err", "ci_lower", "ci_upper",
        "relative_change", "relative_std_err", "relative_ci_lower", "relative_ci_upper", "statistic", "df",
        "p_value", "p_adjusted", "adjust", "method", "conf_level", "phase_scheme", "phase_rule",
    ]
    return PhaseSummary(
        table=carry_provenance(table[cols].reset_index(drop=True), data),  # pilot data stay pilot data (#16)
        phase_scheme=scheme_name,
        phase_rule=rule_name,
        conf_level=conf_level,
        method="welch_t",
        by=by,
    )


def phase_totals(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("indicator",),
    scheme="measures",
    rule: str = "majority",
) -> pd.DataFrame:
    """Sum a count per group and corona phase: the table that disclosure control protects.

    Parameters
    ----------
    data : pandas.DataFrame
        Long rows with a period column (CBS codes, Periods or dates) and a count; not modified.
    value, period : str
        The count column and the period column.
    by : str or sequence of str, optional
        Grouping columns (default ``("indicator",)``).
    scheme, rule
        Phase scheme and straddling rule, as :func:`cosie_analysis.assign_phase`; periods that
        ``rule="exclude"`` leaves without a phase are dropped (with its warning).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``phase`` (text: before, during, after; only phases with rows), ``value``
        (the sum, under the name given by ``value``), ``n_periods`` (periods summed),
        ``phase_scheme`` and ``phase_rule``. Feed it to :func:`cosie_analysis.protect` before export.
    """
    by = list(as_tuple(by))
    check_data(data, {"value": value, "period": period, **{f"by[{i}]": c for i, c in enumerate(by)}},
               function="phase_totals")
    d, scheme_name, rule_name = with_phases(data[by + [period, value]], period, scheme, rule)
    d = d.dropna(subset=["phase"])
    out = (d.groupby(by + ["phase"], observed=True, sort=True)
           .agg(**{value: (value, "sum"), "n_periods": (period, "nunique")}).reset_index())
    out["phase"] = out["phase"].astype(str)
    out["phase_scheme"], out["phase_rule"] = scheme_name, rule_name
    return carry_provenance(out, data)  # pilot data stay pilot data (#16)
