"""The report's figures of the pilot areas: Nieuwegein's districts (Leefbaarometer 2.0, social
assistance), liveability around the Nijpelsplantsoen (Leefbaarometer 3.0), and the social-assistance
baseline of both towns among all municipalities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import HOUTEN, JUTPHAAS_WIJKERSLOOT, NIEUWEGEIN, NIJPELS_PC4, PILOTS
from cosie_analysis.plotting import draw_phases, format_axes
from cosie_analysis.report.figure_base import FigureOutput, ReportContext, _rows, _shared_legend, _subplots
from cosie_analysis.style import format_number, number_formatter, region_style, text
from cosie_analysis.words import word

__all__ = ["nieuwegein_wijken", "liveability_nijpels", "bijstand_baseline"]


def nieuwegein_wijken(ctx: ReportContext, lang: str) -> FigureOutput:
    import matplotlib.pyplot as plt

    lbm2 = _rows(ctx.obs, indicator="lbm2_score_class")
    wijken = lbm2[lbm2["region_code"].str.startswith("WK0356")]
    grid = wijken.pivot(index="region_code", columns="period", values="value").sort_index()
    names = wijken.groupby("region_code")["region_name"].first().reindex(grid.index)
    names = names.fillna(pd.Series(grid.index, index=grid.index))
    town = _rows(lbm2, region_code=NIEUWEGEIN).set_index("period")["value"].reindex(grid.columns)
    fig, (ax1, ax2) = _subplots(1, 2, gridspec_kw={"width_ratios": [1.05, 1]})
    values = np.vstack([town.to_numpy(dtype=float), grid.to_numpy(dtype=float)])
    labels = [word("fig_municipality_of", lang).format(town=PILOTS[NIEUWEGEIN])] + list(names)
    image = ax1.imshow(values, cmap="cividis", vmin=1, vmax=9, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax1.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6, color="white" if v < 6 else "black")
    ax1.set_yticks(range(len(labels)), labels, fontsize=6)
    ax1.set_xticks(range(len(grid.columns)), [p[:4] for p in grid.columns])
    ax1.grid(False)
    row = 1 + list(grid.index).index(JUTPHAAS_WIJKERSLOOT)
    ax1.add_patch(plt.Rectangle((-0.5, row - 0.5), len(grid.columns), 1, fill=False, edgecolor="#CC79A7",
                                linewidth=1.5))
    ax1.get_yticklabels()[row].set_fontweight("bold")
    cbar = fig.colorbar(image, ax=ax1, shrink=0.6, ticks=[1, 3, 5, 7, 9])
    cbar.set_label(word("fig_lbm2_class", lang))

    kwb = _rows(ctx.obs, indicator=["kwb_bijstand_persons_per_1000", "kwb_inhabitants"])
    rate = kwb[(kwb["indicator"] == "kwb_bijstand_persons_per_1000") & kwb["region_code"].str.startswith("WK0356")]
    inhabitants = _rows(kwb, indicator="kwb_inhabitants").set_index("region_code")["value"]
    rate = rate.assign(inhabitants=rate["region_code"].map(inhabitants)).sort_values("region_code", ascending=False)
    y = np.arange(len(rate))
    highlight = region_style("highlight")["color"]
    colors = [highlight if c == JUTPHAAS_WIJKERSLOOT else "#999999" for c in rate["region_code"]]
    ax2.barh(y, rate["value"].fillna(0), color=colors, height=0.7)
    for yi, (v, status, n) in enumerate(zip(rate["value"], rate["status"], rate["inhabitants"], strict=True)):
        mark = "." if status == "suppressed" else format_number(v, 0, lang)
        ax2.text((0 if not np.isfinite(v) else v) + 1, yi, f"{mark}  (n = {format_number(n, 0, lang)})", va="center",
                 fontsize=5.5)
    ax2.set_yticks(y, rate["region_name"].tolist(), fontsize=6)
    for code, style_code in ((NIEUWEGEIN, NIEUWEGEIN), (HOUTEN, HOUTEN)):
        v = _rows(ctx.obs, indicator="kwb_bijstand_persons_per_1000", region_code=code)["value"]
        if len(v) and np.isfinite(v.iloc[0]):
            st = region_style(style_code)
            ax2.axvline(v.iloc[0], color=st["color"], linestyle=st["linestyle"], linewidth=1, label=PILOTS[code])
    ax2.set_xlabel(word("fig_bijstand_wijk", lang))
    ax2.set_xlim(0, np.nanmax(rate["value"].to_numpy(dtype=float)) * 1.7)  # room for the "(n = ...)" labels
    ax2.grid(axis="y", visible=False)
    ax2.grid(axis="x", visible=True)
    ax2.xaxis.set_major_formatter(number_formatter(lang))
    ax2.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False)  # above the bars, not on them
    ax1.text(0, 1.01, word("fig_no_score", lang),
             transform=ax1.transAxes, fontsize=6, color="#555555", va="bottom")
    table = rate[["region_code", "region_name", "inhabitants", "value", "status"]].sort_values("region_code")
    return FigureOutput(fig, word("src_wijken", lang), ["Leefbaarometer 2.0 (2016)", "85984NED"], height_mm=110,
                        tables={"nieuwegein_wijken_2024": table, "nieuwegein_wijken_lbm2": grid.reset_index()})


def liveability_nijpels(ctx: ReportContext, lang: str) -> FigureOutput:
    lbm3 = _rows(ctx.obs, indicator="lbm3_deviation")
    cw = ctx.crosswalk
    town_of = cw.assign(town=cw["wijk_code"].str[2:6].map({"0356": NIEUWEGEIN, "0321": HOUTEN}))
    town_of = town_of.groupby("pc4")["town"].first()
    d = lbm3[lbm3["region_code"].isin(town_of.index)].copy()
    d["town"] = d["region_code"].map(town_of)
    d["mid"] = d["period_start"] + (d["period_end"] - d["period_start"]) / 2
    fig, ax = _subplots()
    for (code, town), g in d.sort_values("mid").groupby(["region_code", "town"], sort=True):
        if code == NIJPELS_PC4:
            continue
        st = region_style(town)
        ax.plot(g["mid"], g["value"], color=st["color"], alpha=0.35, linewidth=0.7, linestyle=st["linestyle"],
                gid=f"series:{code}")
    for town in (NIEUWEGEIN, HOUTEN):
        st = region_style(town)
        ax.plot([], [], color=st["color"], alpha=0.5, linewidth=0.7, linestyle=st["linestyle"],
                label=word("fig_other_pc4_of" if town == NIEUWEGEIN else "fig_pc4_of", lang).format(town=PILOTS[town]))
    nij = d[d["region_code"] == NIJPELS_PC4].sort_values("mid")
    hl = region_style("highlight")
    ax.plot(nij["mid"], nij["value"], color=hl["color"], marker="o", markersize=3.5, linewidth=1.8,
            label=word("fig_nijpels_pc4", lang).format(pc4=NIJPELS_PC4),
            gid=f"series:{NIJPELS_PC4}")
    ax.axhline(0, color="black", linestyle=":", linewidth=1, label=word("fig_dutch_mean", lang))
    draw_phases(ax, ctx.scheme, lang=lang, key_dates=False, labels=False)
    format_axes(ax, lang=lang, date_axis=True, legend=False,
                ylabel=word("fig_lbm3_axis", lang))
    share = cw[(cw["pc4"] == NIJPELS_PC4) & (cw["wijk_code"] == JUTPHAAS_WIJKERSLOOT)].sort_values("year")
    last = share.iloc[-1]
    first = share.iloc[0]
    note = word("fig_nijpels_note", lang).format(
        pc4=NIJPELS_PC4, last=format_number(100 * last["share_of_pc4"], 0, lang), last_year=last["year"],
        first=format_number(100 * first["share_of_pc4"], 0, lang), first_year=first["year"])
    ax.text(0.01, 0.99, note, transform=ax.transAxes, ha="left", va="top", fontsize=6.5, color="#333333")
    _shared_legend(fig, [ax], lang, ncol=3)
    table = d.pivot(index="region_code", columns="period", values="value").reset_index()
    table.insert(1, "town", table["region_code"].map(town_of).map(PILOTS))
    return FigureOutput(fig, word("src_liveability", lang), ["Leefbaarometer 3.0 (2022)", "pc4_wijk"],
                        height_mm=100, tables={"liveability_nijpels": table, "nijpels_pc4_wijk_share": share})


def bijstand_baseline(ctx: ReportContext, lang: str) -> FigureOutput:
    o = ctx.obs
    density = _rows(o, indicator="bijstand_density")
    recipients = _rows(o, indicator="bijstand_recipients").set_index(["region_code", "period"])["value"]
    to_work = _rows(o, indicator="bijstand_outflow_to_work").copy()
    to_work["value"] = to_work["value"] / to_work.set_index(["region_code", "period"]).index.map(recipients) * 100
    fig, axes = _subplots(1, 2)
    ylabels = (word("fig_bijstand_density", lang), word("fig_outflow_to_work", lang))
    tables = []
    for ax, d, ylabel in zip(axes, (density, to_work), ylabels, strict=True):
        years = sorted(d["period"].unique())
        gm = d[d["region_code"].str.startswith("GM")]
        ax.boxplot([gm.loc[gm["period"] == p, "value"].dropna() for p in years], positions=range(len(years)),
                   widths=0.5, showfliers=False,
                   medianprops={"color": "#555555"}, boxprops={"color": "#888888"}, whiskerprops={"color": "#888888"},
                   capprops={"color": "#888888"})
        for j, code in enumerate([HOUTEN, NIEUWEGEIN, "NL01"]):
            s = d[d["region_code"] == code].set_index("period")["value"].reindex(years)
            st = region_style(code)
            ax.plot(np.arange(len(years)) + (j - 1) * 0.08, s.to_numpy(dtype=float), color=st["color"],
                    marker=st["marker"], linestyle=st["linestyle"], markersize=4,
                    label=PILOTS.get(code, text("nederland", lang)))
        ax.set_xticks(range(len(years)), [p[:4] for p in years])
        format_axes(ax, lang=lang, ylabel=ylabel, legend=False)
        ax.set_ylim(bottom=0)
        shown = d[d["region_code"].isin([HOUTEN, NIEUWEGEIN, "NL01"])]
        tables.append(shown[["indicator", "region_code", "period", "value"]])
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(_box_patch())
    labels.append(word("fig_box_legend", lang))
    fig.legend(handles, labels, loc="outside upper center", ncol=2, frameon=False)
    table = pd.concat(tables, ignore_index=True)
    table["indicator"] = table["indicator"].replace({"bijstand_outflow_to_work": "outflow_to_work_per_100_recipients"})
    sources = ["83450NED", "83747NED", "84066NED"]
    return FigureOutput(fig, word("src_bijstand", lang).format(tables=", ".join(sources)), sources, height_mm=90,
                        tables={"bijstand_baseline": table})


def _box_patch():
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor="#888888")
