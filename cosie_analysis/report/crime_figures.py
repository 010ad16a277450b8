"""The report's crime figures: national monthly series and the burglary ITS, the pilot towns' rates
and phase means, and every municipality ranked on its change."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import MAIN_OFFENCES, PILOTS, pilot_groups, pooled_rates
from cosie_analysis.plotting import plot_its, plot_phase_comparison, plot_ranking, plot_timeseries
from cosie_analysis.report.figure_base import (
    FigureOutput,
    ReportContext,
    _all_municipal_rates,
    _rows,
    _shared_legend,
    _subplots,
)
from cosie_analysis.style import text
from cosie_analysis.words import pick, word

__all__ = ["national_crime_monthly", "national_burglary_its", "pilot_crime_rates", "pilot_phase_comparison",
           "ranking_change"]


def national_crime_monthly(ctx: ReportContext, lang: str) -> FigureOutput:
    crime = _rows(ctx.obs, indicator="crime_0_0_0", region_code="NL00", frequency="month")
    disorder = _rows(ctx.obs, indicator="disorder_0_0_0", region_code="NL00", frequency="month")
    fig, axes = _subplots(2, 1, sharex=True)
    label = {"NL00": text("nederland", lang)}
    plot_timeseries(crime, x="period_start", lang=lang, labels=label, markers=False, scheme=ctx.scheme, ax=axes[0],
                    ylabel=word("fig_offences_per_month", lang))
    plot_timeseries(disorder, x="period_start", lang=lang, labels=label, markers=False, scheme=ctx.scheme, ax=axes[1],
                    phase_labels=False,
                    ylabel=word("fig_disorder_per_month", lang))
    for ax in axes:
        ax.get_legend().remove()
    return FigureOutput(fig, word("src_police_two", lang).format(a="47022NED", b="47024NED"), ["47022NED", "47024NED"],
                        height_mm=110)


def national_burglary_its(ctx: ReportContext, lang: str) -> FigureOutput:
    from cosie_analysis.estimate.its import interrupted_time_series

    data = _rows(ctx.obs, indicator="crime_1_1_1", region_code="NL00", frequency="month")
    result = ctx.once("its_burglary",
                      lambda: interrupted_time_series(data, family="poisson", scheme=ctx.scheme, rule=ctx.rule))
    fig, ax = _subplots()
    plot_its(result, lang=lang, ax=ax, ylabel=word("fig_burglaries_per_month", lang))
    table = result.summary()
    return FigureOutput(fig, word("src_police", lang).format(table="47022NED"), ["47022NED"],
                        tables={"national_burglary_its": table})


def pilot_crime_rates(ctx: ReportContext, lang: str) -> FigureOutput:
    rates = pooled_rates(ctx.obs, list(MAIN_OFFENCES), pilot_groups())
    fig, axes = _subplots(2, 3, sharex=True)
    axes = axes.ravel()
    for ax, (key, names) in zip(axes, MAIN_OFFENCES.items(), strict=True):
        d = rates[rates["source_key"] == key]
        plot_timeseries(d, lang=lang, scheme=ctx.scheme, ax=ax, key_dates=False, phase_labels=False,
                        ylabel=word("fig_offences_per_1000", lang) if ax in (axes[0], axes[3]) else None)
        ax.set_title(pick(*names, lang), loc="left")
        ax.set_ylim(bottom=0)
    _shared_legend(fig, list(axes), lang, ncol=3)
    table = rates.assign(offence=rates["source_key"].map(lambda k: pick(*MAIN_OFFENCES[k], lang)))
    return FigureOutput(fig, word("src_police_rates", lang).format(crime="47018NED", population="70072NED"),
                        ["47018NED", "70072NED"], height_mm=115,
                        tables={"pilot_crime_rates": table[["offence", "source_key", "region_code", "period",
                                                            "offences", "population", "value", "n_municipalities",
                                                            "status"]]})


def pilot_phase_comparison(ctx: ReportContext, lang: str) -> FigureOutput:
    """Phase means with the yearly values behind them; a t interval only for phases with 3 or more
    years ("during" has two: a t interval on one degree of freedom is 13 standard errors wide and
    reached below zero)."""
    from matplotlib.lines import Line2D

    from cosie_analysis.estimate._common import with_phases
    from cosie_analysis.estimate.summaries import phase_summary

    rates = pooled_rates(ctx.obs, list(MAIN_OFFENCES), pilot_groups())
    result = phase_summary(rates, by=("region_code", "source_key"), scheme=ctx.scheme, rule=ctx.rule)
    values, _, _ = with_phases(rates.dropna(subset=["value"]), "period", ctx.scheme, ctx.rule)
    fig, axes = _subplots(2, 3)
    axes = axes.ravel()
    pdata = result.plot_data()
    for ax, (key, names) in zip(axes, MAIN_OFFENCES.items(), strict=True):
        panel = pdata[pdata["source_key"] == key]
        plot_phase_comparison(panel, values=values[values["source_key"] == key], min_n=3, lang=lang, ax=ax,
                              ylabel=word("fig_offences_per_1000", lang) if ax in (axes[0], axes[3]) else None)
        ax.set_title(pick(*names, lang), loc="left")
        ax.tick_params(axis="x", labelsize=6)
        if not (panel["mean_ci_lower"] < 0)[panel["n"] >= 3].any():  # rates from zero, unless that cuts an interval
            ax.set_ylim(bottom=0)
    handles, labels = axes[0].get_legend_handles_labels()
    grey = {"color": "0.45", "linestyle": "none"}
    key_handles = [Line2D([], [], marker="o", markersize=2, markeredgewidth=0, alpha=0.55, **grey),  # type: ignore[arg-type]
                   Line2D([], [], marker="o", markersize=4, **grey),  # type: ignore[arg-type]
                   Line2D([], [], marker="_", markersize=8, markeredgewidth=1.2, **grey)]  # type: ignore[arg-type]
    key_labels = [word("fig_yearly_value", lang), word("fig_phase_mean", lang), word("fig_interval_rule", lang)]
    for ax in axes:
        if ax.get_legend():
            ax.get_legend().remove()
    # the legend fills columns first: interleave so that the regions form the first row, the key the second
    items = []
    for i, region in enumerate(zip(handles, labels, strict=True)):
        items += [region] + ([(key_handles[i], key_labels[i])] if i < len(key_handles) else [])
    fig.legend(*zip(*items, strict=True), loc="outside upper center", ncol=len(handles), frameon=False)
    return FigureOutput(fig, word("src_police_rates", lang).format(crime="47018NED", population="70072NED"),
                        ["47018NED", "70072NED"], height_mm=115,
                        tables={"pilot_phase_comparison": _with_offence(result.summary())})


def _with_offence(table: pd.DataFrame) -> pd.DataFrame:
    """An ``offence`` column beside the CBS code (the report names the offence from it)."""
    out = table.copy()
    out.insert(list(out.columns).index("source_key") + 1, "offence", out["source_key"])
    return out


def ranking_change(ctx: ReportContext, lang: str) -> FigureOutput:
    from cosie_analysis.estimate.summaries import phase_summary

    fig, axes = _subplots(1, 2)
    tables = []
    for ax, key in zip(axes, ("1.1.1", "2.2.1"), strict=True):
        data = _all_municipal_rates(ctx.obs, key).dropna(subset=["value"])
        complete = data.groupby("region_code")["period"].transform("nunique") == data["period"].nunique()

        def summarise(data=data, complete=complete):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return phase_summary(data[complete], by=("region_code",), scheme=ctx.scheme, rule=ctx.rule)

        result = ctx.once(("ranking", key), summarise)
        after = result.summary()
        after = after[after["phase"] == "after"].reset_index(drop=True)
        plot_ranking(after, value="estimate", interval=("ci_lower", "ci_upper"), lang=lang, ax=ax,
                     xlabel=word("fig_change_after", lang))
        ax.set_title(pick(*MAIN_OFFENCES[key], lang), loc="left")
        ranked = after.sort_values("estimate", ascending=False, kind="mergesort").reset_index(drop=True)
        ranked["rank"] = np.arange(1, len(ranked) + 1)
        ranked["n_ranked"] = len(ranked)
        ranked["offence"] = key
        tables.append(ranked[ranked["region_code"].isin(list(PILOTS))])
    axes[1].set_ylabel("")
    table = pd.concat(tables, ignore_index=True)[["offence", "region_code", "rank", "n_ranked", "n", "mean", "estimate",
                                                   "ci_lower", "ci_upper", "p_value", "phase_scheme", "phase_rule"]]
    return FigureOutput(fig, word("src_police_rates", lang).format(crime="47018NED", population="70072NED"),
                        ["47018NED", "70072NED"], height_mm=100, tables={"ranking_change": table})
