"""The report's comparison figures: synthetic control (with synthetic DiD in its tables) and the
multiverse of analyst choices, for the pilot towns against the other municipalities."""

from __future__ import annotations

import warnings

import pandas as pd

from cosie_analysis.data.regions import PILOTS
from cosie_analysis.plotting import drop_phase_labels, phase_legend_handles, plot_synthetic_control
from cosie_analysis.report.figure_base import FigureOutput, ReportContext, _all_municipal_rates, _rows, _subplots
from cosie_analysis.words import word

__all__ = ["synthetic_control_burglary", "synthetic_control_vandalism", "multiverse_burglary"]


def _synthetic_control_figure(ctx: ReportContext, lang: str, key: str) -> FigureOutput:
    from cosie_analysis.estimate.comparison import synthetic_control
    from cosie_analysis.estimate.sdid import synthetic_did

    data = _all_municipal_rates(ctx.obs, key)

    def fit(estimator):
        # the default donor pool (estimate/pools.py: same or neighbouring urbanity class, population
        # 0.5-2x, no Wadden islands); the rule is in every row of the tables
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # exact pre-fits are reported in column test_note
            return estimator(data, treated=list(PILOTS), scheme=ctx.scheme, rule=ctx.rule)

    result = ctx.once(("synthetic_control", key), lambda: fit(synthetic_control))
    sdid = ctx.once(("synthetic_did", key), lambda: fit(synthetic_did))
    names = data.drop_duplicates("region_code").set_index("region_code")["region_name"]
    weights = pd.concat([r.weights.assign(method=r.method) for r in (result, sdid)], ignore_index=True)
    rules = result.summary().drop_duplicates("treated").set_index("treated")["pool_rule"]
    weights = weights.assign(donor_name=weights["donor"].map(names), pool_rule=weights["treated"].map(rules))
    weights = weights.sort_values(["method", "treated", "weight"], ascending=[True, True, False], ignore_index=True)
    offence = "burglary" if key == "1.1.1" else "vandalism"
    tables = {f"synthetic_control_{offence}": pd.concat([result.summary(), sdid.summary()], ignore_index=True),
              f"synthetic_control_{offence}_weights": weights[["method", "treated", "donor", "donor_name", "weight",
                                                               "pool_rule"]],
              f"synthetic_control_{offence}_pool": _pool_table(result.pools, lang)}
    tables = {k: v for k, v in tables.items() if v is not None}  # no pool frame when the donors were given
    fig, axes = _subplots(2, 2, sharex=True)
    for row, town in enumerate(PILOTS):
        plot_synthetic_control(result, kind="paths", treated=town, lang=lang, ax=axes[row, 0],
                               ylabel=word("fig_offences_per_1000", lang))
        plot_synthetic_control(result, kind="gaps", treated=town, lang=lang, ax=axes[row, 1],
                               ylabel=word("fig_gap_to_synthetic", lang))
        axes[row, 0].set_ylim(bottom=0)
    for ax in axes.ravel():
        drop_phase_labels(ax)
    from matplotlib.lines import Line2D

    for ax in axes[:, 1]:
        ax.get_legend().remove()
    placebo = Line2D([], [], color="0.8", linewidth=0.6, label=word("fig_placebo", lang))
    handles = [placebo] + phase_legend_handles(lang)
    fig.legend(handles, [h.get_label() for h in handles], loc="outside upper center", ncol=4, frameon=False)
    return FigureOutput(fig, word("src_police_rates", lang).format(crime="47018NED", population="70072NED"),
                        ["47018NED", "70072NED"], height_mm=120,
                        tables=tables)


def _pool_table(pools: pd.DataFrame | None, lang: str) -> pd.DataFrame | None:
    """The donor_pool frame with the reason in words (cosie_analysis.words, ``pool_reason_<code>``)."""
    if pools is None:
        return None
    return pools.assign(reason_text=[word(f"pool_reason_{r}", lang) for r in pools["reason"]])


def synthetic_control_burglary(ctx, lang):
    return _synthetic_control_figure(ctx, lang, "1.1.1")


def synthetic_control_vandalism(ctx, lang):
    return _synthetic_control_figure(ctx, lang, "2.2.1")


def multiverse_burglary(ctx: ReportContext, lang: str) -> FigureOutput:
    """Specification curves of residential burglary for both pilots (ca.multiverse)."""
    from cosie_analysis.estimate.multiverse import multiverse

    scales = {"rate": "crime_1_1_1_per_1000", "count": "crime_1_1_1"}
    data = _rows(ctx.obs, indicator=list(scales.values()), source_table="47018NED")
    data = data[data["region_code"].str.startswith("GM")]
    result = ctx.once(("multiverse", "1.1.1"), lambda: multiverse(data, treated=list(PILOTS), scales=scales,
                                                                  rules=("majority", "start")))
    import matplotlib.pyplot as plt

    # fixed margins, not constrained layout: its solver left last-bit differences in the axes
    # positions of this figure between runs (SVG clip-path ids changed); fixed margins are exact
    fig = plt.figure()
    left = 0.33 if lang == "nl" else 0.27  # room for the choice labels; the Dutch method names are longer
    outer = fig.add_gridspec(2, 1, left=left, right=0.98, top=0.96, bottom=0.08, hspace=0.22)
    axes = []
    for half in (outer[0], outer[1]):  # a town each: its curve above the panel of its choices
        inner = half.subgridspec(2, 1, height_ratios=[1.0, 1.9], hspace=0.06)
        axes += [fig.add_subplot(inner[0]), fig.add_subplot(inner[1])]
    for i, town in enumerate(PILOTS):
        result.plot(treated=town, lang=lang, axes=(axes[2 * i], axes[2 * i + 1]))
        axes[2 * i].set_title(PILOTS[town], loc="left")
    return FigureOutput(fig, word("src_police_rates", lang).format(crime="47018NED", population="70072NED"),
                        ["47018NED", "70072NED"], height_mm=220, tables={"multiverse_burglary": result.summary()})
