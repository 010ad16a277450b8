"""Phase summaries: descriptive statistics per phase and the change against "before"."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
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
    with_phases,
)
from cosie_analysis.estimate._its_result import ci_label, series_label
from cosie_analysis.estimate._kernels import welch
from cosie_analysis.pilot.provenance import carry_provenance
from cosie_analysis.words import (
    format_ci,
    format_number,
    format_p,
    format_pct,
    phase_name,
    value_label,
    word,
)

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["PhaseSummary", "phase_summary", "phase_totals"]


@dataclass(frozen=True, repr=False)
class PhaseSummary(Result):
    """Result of :func:`phase_summary` (frozen).

    Attributes
    ----------
    by : tuple of str
        The grouping columns.
    skipped : pandas.DataFrame
        Series left out with ``on_error="skip"``: the ``by`` columns and ``reason``.
    model : None
        A phase summary fits no statsmodels model; the Welch tests come from scipy.
    formula : None
    """

    by: tuple[str, ...] = ()
    skipped: pd.DataFrame | None = field(default=None, repr=False)
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

    def plot(self, ax=None, *, lang: str = "nl"):
        """Mean per phase with its interval, one line per group; returns the Axes."""
        import matplotlib.pyplot as plt

        check_lang(lang)
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
        ax.set_xticks(range(len(PHASES)), [phase_name(p, lang, short=True) for p in PHASES])
        ax.set_xlabel(word("est_phase", lang))
        ax.set_ylabel(word("est_mean", lang))
        ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph with the changes against "before", in Dutch (``"nl"``) or English.

        Phase names, numbers and p-values follow the language (:mod:`cosie_analysis.words`);
        regions are named where ``region_name`` is known.

        Examples
        --------
        Synthetic data, one yearly series.

        >>> import pandas as pd
        >>> import cosie_analysis as ca
        >>> synthetic = pd.DataFrame({"period": [f"{y}JJ00" for y in range(2016, 2024)],
        ...                           "value": [1000.0, 1010, 990, 1000, 900, 910, 1000, 1010]})
        >>> print(ca.phase_summary(synthetic, by=None).describe("nl"))  # doctest: +NORMALIZE_WHITESPACE
        alle: gemiddelde vóór corona 1.000,00; tijdens corona 905,00 (−9,5%, 95%-BI [−11,8%; −7,2%],
        gecorrigeerde p = 0,002); na corona 1.005,00 (+0,5%, 95%-BI [−1,8%; +2,9%], gecorrigeerde p = 0,507).
        Fasen volgens schema 'maatregelen' (regel 'meerderheid'); Welch-toets, correctie voor meervoudig toetsen: Holm.
        """
        check_lang(lang)
        ci = ci_label(self.conf_level, lang)
        lines = []
        for _, g in self.table.groupby(list(self.by) or (lambda _: "all"), sort=False, observed=True):
            r0 = g.iloc[0]
            before = g[g["phase"] == "before"]
            m0 = before["mean"].iloc[0] if len(before) else np.nan
            parts = [f"{phase_name(r['phase'], lang)} {format_number(r['mean'], 2, lang)} "
                     f"({format_pct(r['relative_change'], lang)}, {ci} "
                     f"{format_ci(r['relative_ci_lower'], r['relative_ci_upper'], lang, pct=True)}, "
                     f"{word('est_adjusted', lang)} {format_p(r['p_adjusted'], lang)})"
                     for _, r in g[g["phase"] != "before"].iterrows()]
            lines.append(f"{series_label(r0, self.by, lang)}: {word('est_mean_before', lang)} "
                         f"{format_number(m0, 2, lang)}; " + "; ".join(parts) + ".")
        method = self.table["adjust"].iloc[0] if len(self.table) else "none"
        adj = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": word("est_adjust_none", lang)}[method]
        tail = word("est_summary_tail", lang).format(scheme=value_label(self.phase_scheme, lang),
                                                     rule=value_label(self.phase_rule, lang), adjust=adj)
        return " ".join(lines) + " " + tail


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
    on_error: str = "raise",
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
    on_error : {"raise", "skip"}, default "raise"
        What a series that cannot be summarised (one that mixes frequencies) does: stop the
        call, or be left out and listed in ``result.skipped`` (with one warning).

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
        - ``relative_std_err``: delta-method standard error of the relative change;
          ``relative_ci_lower``, ``relative_ci_upper``: Fieller's interval for the ratio of the
          means minus 1 (Welch degrees of freedom), which excludes 0 exactly when the interval of
          the difference does; NaN when the "before" mean is not clearly away from zero; for
          non-negative means (counts, rates) never below -100%;
        - ``statistic``, ``df``: Welch t statistic and its degrees of freedom;
        - ``p_value``: two-sided Welch t-test p-value;
        - ``p_adjusted``: ``p_value`` adjusted across the outcomes of the call (see Notes);
        - ``adjust``: the adjustment method; ``method``: "welch_t"; ``conf_level``;
        - ``phase_scheme``, ``phase_rule``: the phase scheme and the rule used;
        - ``region_name`` when ``data`` has it and ``by`` holds ``region_code``.

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

    The descriptives come from one grouped aggregation over all series and phases (pandas'
    grouped sums, which may differ from numpy's in the last bits, about 1e-15 relative) and the
    Welch comparisons are computed as arrays, so one call with many series is as fast per series
    as :func:`~cosie_analysis.estimate.batch.batch_phase_summary`, which is this function with
    ``on_error="skip"``.

    Examples
    --------
    Synthetic data: yearly values 2012-2025 of one series, 10 lower during corona (2020-2021).

    >>> import pandas as pd
    >>> import cosie_analysis as ca
    >>> years = range(2012, 2026)
    >>> synthetic = pd.DataFrame({"period": [f"{y}JJ00" for y in years],
    ...                           "value": [100.0 + (y % 3) - 10 * (y in (2020, 2021)) for y in years]})
    >>> res = ca.phase_summary(synthetic, by=None)
    >>> res.summary()[["phase", "n", "mean", "estimate"]].round(2)
        phase  n    mean  estimate
    0  before  8  101.00       NaN
    1  during  2   91.50     -9.50
    2   after  4  100.75     -0.25
    """
    return summarise(data, function="phase_summary", value=value, period=period, by=by, scheme=scheme, rule=rule,
                     conf_level=conf_level, adjust=adjust, on_error=on_error)


#: The columns of every phase summary after the ``by`` columns, in order.
SUMMARY_COLUMNS = ["phase", "n", "mean", "sd", "median", "min", "max", "estimate", "std_err", "ci_lower", "ci_upper",
                   "relative_change", "relative_std_err", "relative_ci_lower", "relative_ci_upper", "statistic", "df",
                   "p_value", "p_adjusted", "adjust", "method", "conf_level", "phase_scheme", "phase_rule"]


def _mixed_frequencies(data, by, function, on_error) -> pd.DataFrame:
    """Series that mix frequencies: raise, or return them (by columns and reason) to be skipped."""
    empty = pd.DataFrame(columns=list(by) + ["reason"])
    if "frequency" not in data.columns or "frequency" in by:
        return empty
    if by:
        nfreq = data.groupby(list(by), observed=True)["frequency"].nunique()
    else:
        nfreq = pd.Series([data["frequency"].nunique()])
    mixed = nfreq[nfreq > 1]
    if mixed.empty:
        return empty
    reason = ("(e.g. yearly and monthly values of one indicator); their means are not comparable. Filter `data` to "
              "one frequency or add 'frequency' to `by`.")
    if on_error == "raise" or not by:
        raise ParameterError(f"{function}(): {len(mixed)} series mix frequencies {reason}")
    out = mixed.index.to_frame(index=False) if len(by) > 1 else pd.DataFrame({by[0]: mixed.index})
    return out.assign(reason=f"{function}(): the series mixes frequencies {reason}")


def summarise(data, *, function, value, period, by, scheme, rule, conf_level, adjust, on_error) -> PhaseSummary:
    """The one implementation of :func:`phase_summary` and ``batch_phase_summary``: one grouped
    aggregation over all series and phases, and the Welch comparisons as arrays (``welch``)."""
    by = as_tuple(by)
    check_data(data, {"value": value, "period": period, **{f"by[{i}]": c for i, c in enumerate(by)}}, function=function)
    conf_level = check_conf_level(conf_level)
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_choice("on_error", on_error, ["raise", "skip"])
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    skipped = _mixed_frequencies(data, by, function, on_error)
    if len(skipped):
        warnings.warn(f"{function}(): skipped {len(skipped)} series that mix frequencies; `result.skipped` lists "
                      "them with the reason.", UserWarning, stacklevel=3)
        keep = ~pd.MultiIndex.from_frame(data[list(by)]).isin(pd.MultiIndex.from_frame(skipped[list(by)]))
        data = data.loc[keep]
    df = drop_missing(data[list(by) + [period, value]], list(by) + [period, value], function=function)
    if df.empty:
        raise ParameterError(f"{function}(): no rows with a value left in `data`.")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    df = df.assign(_s=df.groupby(list(by), sort=True, observed=True).ngroup() if by else 0,
                   _v=df[value].astype(float))
    stats = ["size", "mean", "var", "median", "min", "max"]
    agg = df.groupby(["_s", "phase"], sort=True, observed=True)["_v"].agg(stats)
    agg = agg.reset_index().rename(columns={"size": "n", "var": "sd"})
    agg["sd"] = np.sqrt(agg["sd"])
    empty = int(df["_s"].nunique()) * len(PHASES) - len(agg)
    if empty:
        warnings.warn(f"{function}(): {empty} series x phase combination(s) have no observations and are left out.",
                      UserWarning, stacklevel=3)
    before = agg[agg["phase"] == "before"].set_index("_s")
    ref = {c: agg["_s"].map(before[c]).to_numpy(float) for c in ("n", "mean", "sd")}  # NaN: no "before"
    out = welch(agg["n"], agg["mean"], agg["sd"], ref["n"], ref["mean"], ref["sd"], conf_level,
                compare=(agg["phase"] != "before").to_numpy())
    first = df.drop_duplicates("_s").set_index("_s")
    keys = first.loc[agg["_s"].to_numpy(), list(by)]
    table = pd.DataFrame({c: keys[c].tolist() for c in by}, index=range(len(agg)))
    table["phase"] = pd.Categorical(agg["phase"].astype(str).to_numpy(), categories=list(PHASES), ordered=True)
    for c in ["n", "mean", "sd", "median", "min", "max"]:
        table[c] = agg[c].to_numpy()
    for c, v in out.items():
        table[c] = v
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, "welch_t", conf_level
    table["phase_scheme"], table["phase_rule"] = scheme_name, rule_name
    table["n"] = table["n"].astype("int64")
    cols = list(by) + SUMMARY_COLUMNS
    if "region_code" in by and "region_name" in data.columns:
        names = data[["region_code", "region_name"]].dropna().drop_duplicates("region_code")
        name_of = dict(zip(names["region_code"], names["region_name"], strict=True))
        table["region_name"] = table["region_code"].map(name_of)
        cols.append("region_name")
    # pilot data stay pilot data (#16)
    return PhaseSummary(table=carry_provenance(table[cols].reset_index(drop=True), data),
                        phase_scheme=scheme_name, phase_rule=rule_name,
                        conf_level=conf_level, method="welch_t", by=by, skipped=skipped)


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

    Examples
    --------
    Synthetic counts of one indicator, yearly 2018-2023.

    >>> import pandas as pd
    >>> synthetic = pd.DataFrame({"indicator": "synthetic", "period": [f"{y}JJ00" for y in range(2018, 2024)],
    ...                           "value": [10, 12, 7, 9, 11, 13]})
    >>> phase_totals(synthetic)[["indicator", "phase", "value", "n_periods"]]
       indicator   phase  value  n_periods
    0  synthetic  before     22          2
    1  synthetic  during     16          2
    2  synthetic   after     24          2
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
