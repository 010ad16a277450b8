"""The report's timeline figure: the corona period under each phase scheme, the sub-phases and the key dates."""

from __future__ import annotations

import textwrap

import pandas as pd

from cosie_analysis.plotting.axes import _date_formatter
from cosie_analysis.report.figure_base import FigureOutput, ReportContext, _subplots
from cosie_analysis.words import pick, word

__all__ = ["corona_timeline"]


def corona_timeline(ctx: ReportContext, lang: str) -> FigureOutput:
    import matplotlib.dates as mdates

    from cosie_analysis.phases import SCHEMES, load_timeline
    from cosie_analysis.style import phase_style

    def fill(phase):  # the active palette's fill, with its hatch (greyscale) drawn in the edge colour
        st = phase_style(phase)
        return {"color": st["facecolor"], "hatch": st["hatch"] or None}

    timeline = load_timeline()
    num = mdates.date2num
    fig, ax = _subplots()
    rows = list(SCHEMES.values())
    for i, scheme in enumerate(rows):
        y = len(rows) - i + 1
        ax.barh(y, num(scheme.during_end) - num(scheme.during_start), left=num(scheme.during_start), height=0.6,
                **fill("during"), edgecolor="#666666", linewidth=0.5)
        display = word(f"scheme_{scheme.name}", lang)  # the identifier (for --scheme) after a translated name
        name = f'"{scheme.name}"' if display == scheme.name else f'{display} ("{scheme.name}")'
        ax.text(num(scheme.during_start) - 8, y, name, ha="right", va="center", fontsize=7)
    subs = SCHEMES["measures"].subphases
    for j, sub in enumerate(subs):
        ax.barh(1, num(sub.end) - num(sub.start), left=num(sub.start), height=0.6,
                **fill("during" if j % 2 == 0 else "during_alt"), edgecolor="#666666", linewidth=0.5)
        name = textwrap.fill(pick(sub.name_nl, sub.name_en, lang), 18)
        ax.text((num(sub.start) + num(sub.end)) / 2, 0.6 - 0.75 * (j % 2), name, ha="center", va="top", fontsize=5.5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    ax.text(num(subs[0].start) - 8, 1, word("fig_subphases", lang), ha="right", va="center", fontsize=7)
    key = timeline[timeline["key_date"]]
    for _, ev in key.iterrows():
        ax.axvline(num(ev["date"]), color="#555555", linewidth=0.5, linestyle=(0, (3, 2)), zorder=0)
    ax.set_ylim(-1.4, len(rows) + 2.6)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(num(pd.Timestamp("2019-12-01")), num(pd.Timestamp("2022-07-01")))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
    ax.xaxis.set_major_formatter(_date_formatter(lang))
    ax.tick_params(axis="x", labelsize=6)
    top = ax.get_ylim()[1]
    for k, (_, ev) in enumerate(key.sort_values("date").iterrows()):
        ax.text(num(ev["date"]), top - 0.15 - 0.45 * (k % 3), ev["date"].strftime(word("fig_date", lang)),
                rotation=0, ha="center", va="top", fontsize=5.5, color="#333333",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    description = pick("description_nl", "description_en", lang)
    table = timeline[["date", "kind", "key_date", "disputed", description, "source_url"]]
    return FigureOutput(fig, word("src_timeline", lang), ["cosie_analysis/resources/corona_timeline.csv"],
                        height_mm=85, tables={"corona_timeline": table})
