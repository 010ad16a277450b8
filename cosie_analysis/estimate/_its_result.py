"""The result object of the interrupted time series (:mod:`cosie_analysis.estimate.its`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import MAIN_OFFENCES
from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._common import Result, check_lang, select_one
from cosie_analysis.plotting.axes import _role_label
from cosie_analysis.words import (
    format_ci,
    format_number,
    format_p,
    format_pct,
    phase_name,
    value_label,
    word,
)

__all__ = ["ITSResult"]


def series_label(row, by, lang: str) -> str:
    """The name of a series in text: its ``by`` values, with names instead of codes where known (the
    region's name, Nederland and the comparison group, the indicator's label, the offence's name)."""
    values = [_named(row, c, lang) for c in by]
    return " / ".join(map(str, values)) if values else word("all_series", lang)


def _named(row, column: str, lang: str) -> object:
    value = row[column]
    if column == "region_code":  # the data's name, else the legends' name of a pilot, NL or the comparison group
        return row.get("region_name") if isinstance(row.get("region_name"), str) else _role_label(str(value), lang)
    if column == "indicator" and isinstance(row.get(f"label_{lang}"), str):
        return row.get(f"label_{lang}")
    if column in ("source_key", "offence") and value in MAIN_OFFENCES:
        return MAIN_OFFENCES[value][0 if lang == "nl" else 1]
    return value


def phase_text(phase: str, lang: str) -> str:
    return "placebo" if phase == "placebo" else phase_name(phase, lang)


def ci_label(conf_level: float, lang: str) -> str:
    """``"95%-BI"`` (nl) or ``"95% CI"`` (en)."""
    return word("est_ci", lang).format(conf=format_pct(conf_level, lang, decimals=0, sign=False))


@dataclass(frozen=True, repr=False)
class ITSResult(Result):
    """Result of :func:`interrupted_time_series` or :func:`placebo_in_time` (frozen).

    Attributes
    ----------
    by : tuple of str
        Columns identifying a series; keys of ``models``, ``designs`` and ``formulas``.
    models : dict
        Series key (tuple of ``by`` values) -> fitted statsmodels results.
    designs : dict
        Series key -> the design frame the model was fitted on (``y`` is the outcome).
    formulas : dict
        Series key -> the formula.
    scheme : object
        The ``scheme`` argument, passed on to ``draw_phases`` by :meth:`plot`.
    placebo_start : pandas.Timestamp or None
        The placebo interruption (:func:`placebo_in_time`), else None.
    fallback : tuple
        Keys of the series fitted one by one with statsmodels (series with missing periods
        between their first and last); the others share the array kernels.
    skipped : pandas.DataFrame
        Series that could not be fitted (``on_error="skip"``): the ``by`` columns and ``reason``.
    fitted : pandas.DataFrame
        The curves behind :meth:`plot` (use :meth:`plot_data`); the estimators build it on first use.

    ``models[key]`` is the statsmodels fit of one series, computed on first access (the array
    kernels that produced the table agree with it to rounding); ``designs[key]`` its design frame.
    """

    by: tuple[str, ...] = ()
    models: dict = field(default_factory=dict, repr=False)
    designs: dict = field(default_factory=dict, repr=False)
    formulas: dict = field(default_factory=dict, repr=False)
    fitted: pd.DataFrame | Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    scheme: Any = "measures"
    placebo_start: pd.Timestamp | None = None
    fallback: tuple = ()
    skipped: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def model(self):
        """The statsmodels results of the only series (use ``models[key]`` when there are several)."""
        return select_one(self.models, None, "model", f"values of {self.by}")

    @property
    def formula(self) -> str:
        """The formula, when every series used the same one (else see ``formulas``)."""
        uniq = set(self.formulas.values())
        if len(uniq) == 1:
            return uniq.pop()
        return select_one(self.formulas, None, "formula", f"values of {self.by}")

    def design(self, series=None) -> pd.DataFrame:
        """The design frame of one series (a copy); ``series`` is a key of ``models``."""
        return select_one(self.designs, series, "design", f"values of {self.by}").copy()

    def _curves(self) -> pd.DataFrame:
        """``fitted``, which every result of the estimators has (only a result built by hand lacks it)."""
        if self.fitted is None:
            raise ParameterError(
                "This ITSResult has no fitted curves (`fitted` is None): build it with interrupted_time_series() "
                "or placebo_in_time()."
            )
        if callable(self.fitted):  # the estimators build the curves' frame on first use
            object.__setattr__(self, "fitted", self.fitted())
        return self.fitted

    def plot_data(self) -> pd.DataFrame:
        """The frame behind :meth:`plot`, one row per series x period.

        Columns: the ``by`` columns, ``period``, ``period_start``, ``phase``, ``observed``,
        ``fitted`` (model's expected value), ``counterfactual`` (expected value with the
        interruption terms set to zero), ``counterfactual_lower``, ``counterfactual_upper``
        (its interval at ``conf_level``).
        """
        return self._curves().copy()

    def plot(self, ax=None, *, series=None, lang: str = "nl"):
        """Observed, fitted and counterfactual (with band) for one series, phases shaded.

        ``series`` picks the series (a key of ``models``) when the result holds several.
        Returns the Axes.
        """
        import matplotlib.pyplot as plt

        check_lang(lang)
        select_one(self.models, series, "plot", f"values of {self.by}")
        d = self._curves()
        if series is not None:
            key = series if isinstance(series, tuple) else (series,)
            mask = (
                np.logical_and.reduce([d[c] == k for c, k in zip(self.by, key, strict=True)])
                if self.by
                else np.ones(len(d), dtype=np.bool_)
            )
            d = d[mask]
        if ax is None:
            _, ax = plt.subplots()
        words = [word(k, lang) for k in ("est_observed", "est_fitted", "est_counterfactual")]
        x = pd.to_datetime(d["period_start"]).to_numpy()
        ax.plot(x, d["observed"], marker="o", markersize=2.5, linewidth=0.6, color="0.3", label=words[0])
        ax.plot(x, d["fitted"], color="C0", label=words[1])
        # the counterfactual differs from the fit only from the interruption on: draw it from there
        # (with the last pre-interruption point, so the line joins the fit)
        interrupted = (d["phase"].astype(str) != "before").to_numpy() if self.placebo_start is None else (
            pd.to_datetime(d["period_start"]) >= self.placebo_start).to_numpy()
        start = max(int(np.argmax(interrupted)) - 1, 0) if interrupted.any() else len(d)
        cf = d.iloc[start:]
        xc = x[start:]
        ax.plot(xc, cf["counterfactual"], color="C1", linestyle="--", label=words[2])
        ax.fill_between(xc, cf["counterfactual_lower"], cf["counterfactual_upper"], color="C1", alpha=0.2, linewidth=0)
        if self.placebo_start is not None:
            ax.axvline(self.placebo_start, color="0.4", linestyle=":", label="placebo")
        else:
            from cosie_analysis.plotting import draw_phases

            draw_phases(ax, self.scheme, lang=lang, key_dates=False)
        ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph from the estimates, in Dutch (``"nl"``) or English (``"en"``).

        Phase names, numbers ("1.234,5", "−18,4%") and p-values ("p < 0,001") follow the
        language (:mod:`cosie_analysis.words`); regions are named where ``region_name`` is known.
        """
        check_lang(lang)
        t = self.table
        ci = ci_label(self.conf_level, lang)
        out = []
        groups = t.groupby(list(self.by), sort=False, observed=True) if self.by else [((), t)]
        for _, g in groups:
            r0 = g.iloc[0]
            vs = word({"flat": "est_vs_level", "capped": "est_vs_capped"}.get(r0["trend"], "est_vs_trend"), lang)
            parts = [f"{phase_text(r['phase'], lang)}: {format_pct(r['estimate'], lang)} {vs} ({ci} "
                     f"{format_ci(r['ci_lower'], r['ci_upper'], lang, pct=True)}, {format_p(r['p_value'], lang)})"
                     for _, r in g[g["term"] == "relative_effect"].iterrows()]
            s = f"{series_label(r0, self.by, lang)}: " + "; ".join(parts) + "."
            lev = g[g["term"] == "level_change"]
            if len(lev):
                r = lev.iloc[0]
                s += " " + word("est_level_change", lang).format(
                    phase=phase_text(r["phase"], lang), estimate=format_number(r["estimate"], 3, lang),
                    ci=f"{ci} {format_ci(r['ci_lower'], r['ci_upper'], lang, decimals=3)}",
                    scale=", " + word("est_log_scale", lang) if r["scale"] == "log" else "")
            pre = g[g["term"] == "pre_trend"]
            s += word("est_horizon", lang).format(
                horizon=int(g["horizon"].max()), supported=int(r0["horizon_supported"]),
                n_before=int(pre["n_phase"].iloc[0]) if len(pre) else 0)
            out.append(s)
        r0 = t.iloc[0]
        cov = word(f"est_cov_{r0['cov_type']}", lang)
        lag = word("est_lag", lang).format(lags=r0["hac_lags"]) if r0["cov_type"] == "hac" else ""
        quasi = r0["family"] == "poisson" and r0["cov_type"] == "model"  # Pearson dispersion: quasi-Poisson
        family = word("est_family_quasi_poisson" if quasi else f"est_family_{r0['family']}", lang)
        tail = word("est_its_tail", lang).format(family=family, cov=cov, lag=lag, trend=value_label(r0["trend"], lang),
                                                 trend_text=word(f"est_trend_{r0['trend']}", lang),
                                                 scheme=value_label(self.phase_scheme, lang),
                                                 rule=value_label(self.phase_rule, lang))
        return " ".join(out) + " " + tail
