"""The report's figure and table set: one builder per figure, with a stable name.

``cosie-analysis report`` (what ``make report`` runs after fetch and build) calls
:func:`cosie_analysis.report.build.build_report`, which runs every builder in :data:`FIGURES` for each
language (in parallel, skipping figures whose inputs are unchanged), saves the figures with
:func:`cosie_analysis.report.export.save_figure` and the tables with :func:`cosie_analysis.report.export.save_table`,
and writes ``reports/index.md`` listing every file with its caption, source and command.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cosie_analysis.errors import check_choice
from cosie_analysis.plotting import (
    format_axes,
    plot_its,
    plot_phase_comparison,
    plot_ranking,
    plot_synthetic_control,
    plot_timeseries,
)
from cosie_analysis.data.regions import (
    HOUTEN,
    JUTPHAAS_WIJKERSLOOT,
    MAIN_OFFENCES,
    NIEUWEGEIN,
    NIJPELS_PC4,
    PILOTS,
    pilot_groups,
    pooled_rates,
)
from cosie_analysis.report.joint_display import qda_joint_display_houten, qda_joint_display_nieuwegein
from cosie_analysis.style import format_number, region_style, report_style, text

__all__ = ["FIGURES", "ReportContext", "FigureOutput", "figure_names", "report_context", "report_figure"]

COMMAND = "cosie-analysis report"
LANGS = ("nl", "en")
POLICE = {"nl": "Politie, via CBS", "en": "Police, via CBS"}


@dataclass(frozen=True)
class ReportContext:
    """What every builder gets: the observation table, the crosswalk, the data hash and the phases."""

    obs: pd.DataFrame
    crosswalk: pd.DataFrame
    data_sha256: str
    scheme: str = "measures"
    rule: str = "majority"
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def once(self, key, compute: Callable[[], object]):
        """Compute a result once per report (both languages draw from it)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass
class FigureOutput:
    """A built figure: the Figure, its source line and tables, and the size to save it at."""

    fig: object
    source: str
    source_tables: list[str]
    height_mm: float = 96
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureSpec:
    name: str
    build: Callable[[ReportContext, str], FigureOutput]
    caption_nl: str
    caption_en: str


def _rows(obs: pd.DataFrame, **eq) -> pd.DataFrame:
    mask = np.ones(len(obs), dtype=bool)
    for column, value in eq.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        mask &= obs[column].isin(list(values)).to_numpy()
    return obs[mask]


def _subplots(nrows=1, ncols=1, **kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, layout="constrained", **kwargs)


def _per_1000(lang: str) -> str:
    return {"nl": "misdrijven per 1.000 inwoners", "en": "offences per 1,000 inhabitants"}[lang]


def _shared_legend(fig, axes, lang: str, *, ncol=4, phases=True, remove=True):
    """One legend above the panels (series of the first panel, then the phase colours)."""
    from cosie_analysis.plotting import phase_legend_handles

    handles, labels = axes[0].get_legend_handles_labels()
    provisional = [str(getattr(h, "get_gid", lambda: "")() or "").startswith("provisional") for h in handles]
    order = [i for i, p in enumerate(provisional) if not p] + [i for i, p in enumerate(provisional) if p]
    handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    if phases:
        extra = phase_legend_handles(lang)
        handles, labels = handles + extra, labels + [h.get_label() for h in extra]
    for ax in axes:
        if remove and ax.get_legend():
            ax.get_legend().remove()
    fig.legend(handles, labels, loc="outside upper center", ncol=ncol, frameon=False)


def _all_municipal_rates(obs: pd.DataFrame, key: str) -> pd.DataFrame:
    ind = f"crime_{key.replace('.', '_')}_per_1000"
    d = _rows(obs, indicator=ind, source_table="47018NED")
    return d[d["region_code"].str.startswith("GM") & d["region_code"].ne("GM0000")]


# ----------------------------------------------------------------------------------------- builders


def national_crime_monthly(ctx: ReportContext, lang: str) -> FigureOutput:
    crime = _rows(ctx.obs, indicator="crime_0_0_0", region_code="NL00", frequency="month")
    disorder = _rows(ctx.obs, indicator="disorder_0_0_0", region_code="NL00", frequency="month")
    fig, axes = _subplots(2, 1, sharex=True)
    label = {"NL00": text("nederland", lang)}
    plot_timeseries(crime, x="period_start", lang=lang, labels=label, markers=False, scheme=ctx.scheme, ax=axes[0],
                    ylabel={"nl": "misdrijven per maand", "en": "offences per month"}[lang])
    plot_timeseries(disorder, x="period_start", lang=lang, labels=label, markers=False, scheme=ctx.scheme, ax=axes[1],
                    key_dates=False, phase_labels=False,
                    ylabel={"nl": "overlastregistraties per maand", "en": "disorder reports per month"}[lang])
    for ax in axes:
        ax.get_legend().remove()
    return FigureOutput(fig, f"{POLICE[lang]}, tabel 47022NED en 47024NED" if lang == "nl"
                        else f"{POLICE[lang]}, tables 47022NED and 47024NED", ["47022NED", "47024NED"], height_mm=110)


def national_burglary_its(ctx: ReportContext, lang: str) -> FigureOutput:
    from cosie_analysis.estimate.its import interrupted_time_series

    data = _rows(ctx.obs, indicator="crime_1_1_1", region_code="NL00", frequency="month")
    result = ctx.once("its_burglary", lambda: interrupted_time_series(data, family="poisson", scheme=ctx.scheme, rule=ctx.rule))
    fig, ax = _subplots()
    plot_its(result, lang=lang, ax=ax, ylabel={"nl": "woninginbraken per maand", "en": "residential burglaries per month"}[lang])
    table = result.summary()
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47022NED", ["47022NED"],
                        tables={"national_burglary_its": table})


def pilot_crime_rates(ctx: ReportContext, lang: str) -> FigureOutput:
    rates = pooled_rates(ctx.obs, list(MAIN_OFFENCES), pilot_groups())
    fig, axes = _subplots(2, 3, sharex=True)
    axes = axes.ravel()
    for ax, (key, names) in zip(axes, MAIN_OFFENCES.items()):
        d = rates[rates["source_key"] == key]
        plot_timeseries(d, lang=lang, scheme=ctx.scheme, ax=ax, key_dates=False, phase_labels=False,
                        ylabel=_per_1000(lang) if ax in (axes[0], axes[3]) else None)
        ax.set_title(names[0] if lang == "nl" else names[1], loc="left")
        ax.set_ylim(bottom=0)
    _shared_legend(fig, list(axes), lang, ncol=3)
    table = rates.assign(offence=rates["source_key"].map(lambda k: MAIN_OFFENCES[k][0 if lang == "nl" else 1]))
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47018NED; CBS 70072NED",
                        ["47018NED", "70072NED"], height_mm=115,
                        tables={"pilot_crime_rates": table[["offence", "source_key", "region_code", "period", "offences",
                                                            "population", "value", "n_municipalities", "status"]]})


def pilot_phase_comparison(ctx: ReportContext, lang: str) -> FigureOutput:
    from cosie_analysis.estimate.summaries import phase_summary

    rates = pooled_rates(ctx.obs, list(MAIN_OFFENCES), pilot_groups())
    result = phase_summary(rates, by=("region_code", "source_key"), scheme=ctx.scheme, rule=ctx.rule)
    fig, axes = _subplots(2, 3)
    axes = axes.ravel()
    pdata = result.plot_data()
    for ax, (key, names) in zip(axes, MAIN_OFFENCES.items()):
        plot_phase_comparison(pdata[pdata["source_key"] == key], lang=lang, ax=ax,
                              ylabel=_per_1000(lang) if ax in (axes[0], axes[3]) else None)
        ax.set_title(names[0] if lang == "nl" else names[1], loc="left")
        ax.tick_params(axis="x", labelsize=6)
    _shared_legend(fig, list(axes), lang, phases=False)
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47018NED; CBS 70072NED",
                        ["47018NED", "70072NED"], height_mm=115, tables={"pilot_phase_comparison": result.summary()})


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
        plot_synthetic_control(result, kind="paths", treated=town, lang=lang, ax=axes[row, 0], ylabel=_per_1000(lang))
        plot_synthetic_control(result, kind="gaps", treated=town, lang=lang, ax=axes[row, 1],
                               ylabel={"nl": "verschil met synthetische controle", "en": "gap to synthetic control"}[lang])
        axes[row, 0].set_ylim(bottom=0)
    from cosie_analysis.plotting import drop_phase_labels

    for ax in axes.ravel():
        drop_phase_labels(ax)
    from matplotlib.lines import Line2D

    for ax in axes[:, 1]:
        ax.get_legend().remove()
    placebo = Line2D([], [], color="0.8", linewidth=0.6,
                     label={"nl": "placebo: elke donorgemeente als 'behandeld'", "en": "placebo: every donor municipality as 'treated'"}[lang])
    from cosie_analysis.plotting import phase_legend_handles

    handles = [placebo] + phase_legend_handles(lang)
    fig.legend(handles, [h.get_label() for h in handles], loc="outside upper center", ncol=4, frameon=False)
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47018NED; CBS 70072NED",
                        ["47018NED", "70072NED"], height_mm=120,
                        tables=tables)


def _pool_table(pools: pd.DataFrame | None, lang: str) -> pd.DataFrame | None:
    """The donor_pool frame with the reason in words (words.py, ``pool_reason_<code>``)."""
    if pools is None:
        return None
    from cosie_analysis.words import word

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
    outer = fig.add_gridspec(2, 1, left=0.27, right=0.98, top=0.96, bottom=0.08, hspace=0.22)
    axes = [fig.add_subplot(cell) for half in outer for cell in half.subgridspec(2, 1, height_ratios=[1.0, 1.9],
                                                                                   hspace=0.06)]
    for i, town in enumerate(PILOTS):
        result.plot(treated=town, lang=lang, axes=(axes[2 * i], axes[2 * i + 1]))
        axes[2 * i].set_title(PILOTS[town], loc="left")
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47018NED; CBS 70072NED",
                        ["47018NED", "70072NED"], height_mm=220, tables={"multiverse_burglary": result.summary()})


def ranking_change(ctx: ReportContext, lang: str) -> FigureOutput:
    from cosie_analysis.estimate.summaries import phase_summary

    fig, axes = _subplots(1, 2)
    tables = []
    for ax, key in zip(axes, ("1.1.1", "2.2.1")):
        data = _all_municipal_rates(ctx.obs, key).dropna(subset=["value"])
        complete = data.groupby("region_code")["period"].transform("nunique") == data["period"].nunique()
        def summarise():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return phase_summary(data[complete], by=("region_code",), scheme=ctx.scheme, rule=ctx.rule)

        result = ctx.once(("ranking", key), summarise)
        after = result.summary()
        after = after[after["phase"] == "after"].reset_index(drop=True)
        plot_ranking(after, value="estimate", interval=("ci_lower", "ci_upper"), lang=lang, ax=ax,
                     xlabel={"nl": "verandering na t.o.v. vóór corona,\nper 1.000 inwoners",
                             "en": "change after vs before corona,\nper 1,000 inhabitants"}[lang])
        ax.set_title(MAIN_OFFENCES[key][0 if lang == "nl" else 1], loc="left")
        ranked = after.sort_values("estimate", ascending=False, kind="mergesort").reset_index(drop=True)
        ranked["rank"] = np.arange(1, len(ranked) + 1)
        ranked["n_ranked"] = len(ranked)
        ranked["offence"] = key
        tables.append(ranked[ranked["region_code"].isin(list(PILOTS))])
    axes[1].set_ylabel("")
    table = pd.concat(tables, ignore_index=True)[["offence", "region_code", "rank", "n_ranked", "n", "mean", "estimate",
                                                   "ci_lower", "ci_upper", "p_value", "phase_scheme", "phase_rule"]]
    return FigureOutput(fig, f"{POLICE[lang]}, {'tabel' if lang == 'nl' else 'table'} 47018NED; CBS 70072NED",
                        ["47018NED", "70072NED"], height_mm=100, tables={"ranking_change": table})


def nieuwegein_wijken(ctx: ReportContext, lang: str) -> FigureOutput:
    import matplotlib.pyplot as plt

    lbm2 = _rows(ctx.obs, indicator="lbm2_score_class")
    wijken = lbm2[lbm2["region_code"].str.startswith("WK0356")]
    grid = wijken.pivot(index="region_code", columns="period", values="value").sort_index()
    names = wijken.groupby("region_code")["region_name"].first().reindex(grid.index).fillna(pd.Series(grid.index, index=grid.index))
    town = _rows(lbm2, region_code=NIEUWEGEIN).set_index("period")["value"].reindex(grid.columns)
    fig, (ax1, ax2) = _subplots(1, 2, gridspec_kw={"width_ratios": [1.05, 1]})
    values = np.vstack([town.to_numpy(dtype=float), grid.to_numpy(dtype=float)])
    labels = [f"Nieuwegein ({'gemeente' if lang == 'nl' else 'municipality'})"] + list(names)
    image = ax1.imshow(values, cmap="cividis", vmin=1, vmax=9, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax1.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6, color="white" if v < 6 else "black")
    ax1.set_yticks(range(len(labels)), labels, fontsize=6)
    ax1.set_xticks(range(len(grid.columns)), [p[:4] for p in grid.columns])
    ax1.grid(False)
    row = 1 + list(grid.index).index(JUTPHAAS_WIJKERSLOOT)
    ax1.add_patch(plt.Rectangle((-0.5, row - 0.5), len(grid.columns), 1, fill=False, edgecolor="#CC79A7", linewidth=1.5))
    ax1.get_yticklabels()[row].set_fontweight("bold")
    cbar = fig.colorbar(image, ax=ax1, shrink=0.6, ticks=[1, 3, 5, 7, 9])
    cbar.set_label({"nl": "Leefbaarometer 2.0-scoreklasse (1-9)", "en": "Leefbaarometer 2.0 score class (1-9)"}[lang])

    kwb = _rows(ctx.obs, indicator=["kwb_bijstand_persons_per_1000", "kwb_inhabitants"])
    rate = kwb[(kwb["indicator"] == "kwb_bijstand_persons_per_1000") & kwb["region_code"].str.startswith("WK0356")]
    inhabitants = _rows(kwb, indicator="kwb_inhabitants").set_index("region_code")["value"]
    rate = rate.assign(inhabitants=rate["region_code"].map(inhabitants)).sort_values("region_code", ascending=False)
    y = np.arange(len(rate))
    colors = [region_style("highlight")["color"] if c == JUTPHAAS_WIJKERSLOOT else "#999999" for c in rate["region_code"]]
    ax2.barh(y, rate["value"].fillna(0), color=colors, height=0.7)
    for yi, (v, status, n) in enumerate(zip(rate["value"], rate["status"], rate["inhabitants"])):
        mark = "." if status == "suppressed" else format_number(v, 0, lang)
        ax2.text((0 if not np.isfinite(v) else v) + 1, yi, f"{mark}  (n = {format_number(n, 0, lang)})", va="center", fontsize=5.5)
    ax2.set_yticks(y, rate["region_name"].tolist(), fontsize=6)
    for code, style_code in ((NIEUWEGEIN, NIEUWEGEIN), (HOUTEN, HOUTEN)):
        v = _rows(ctx.obs, indicator="kwb_bijstand_persons_per_1000", region_code=code)["value"]
        if len(v) and np.isfinite(v.iloc[0]):
            st = region_style(style_code)
            ax2.axvline(v.iloc[0], color=st["color"], linestyle=st["linestyle"], linewidth=1, label=PILOTS[code])
    ax2.set_xlabel({"nl": "personen met bijstand per 1.000\ninwoners, 2024 (n = inwoners)",
                    "en": "people on social assistance per\n1,000 inhabitants, 2024 (n = inhabitants)"}[lang])
    ax2.set_xlim(0, np.nanmax(rate["value"].to_numpy(dtype=float)) * 1.4)
    ax2.grid(axis="y", visible=False)
    ax2.grid(axis="x", visible=True)
    from cosie_analysis.style import number_formatter

    ax2.xaxis.set_major_formatter(number_formatter(lang))
    ax2.legend(loc="center right")
    ax1.text(0, 1.01, {"nl": "leeg = geen score gepubliceerd", "en": "empty = no score published"}[lang],
             transform=ax1.transAxes, fontsize=6, color="#555555", va="bottom")
    table = rate[["region_code", "region_name", "inhabitants", "value", "status"]].sort_values("region_code")
    return FigureOutput(fig, "Leefbaarometer 2.0 (BZK); CBS, wijk- en buurtkaart 2024" if lang == "nl"
                        else "Leefbaarometer 2.0 (BZK); CBS, district and neighbourhood map 2024",
                        ["Leefbaarometer 2.0 (2016)", "85984NED"], height_mm=110,
                        tables={"nieuwegein_wijken_2024": table, "nieuwegein_wijken_lbm2": grid.reset_index()})


def liveability_nijpels(ctx: ReportContext, lang: str) -> FigureOutput:
    lbm3 = _rows(ctx.obs, indicator="lbm3_deviation")
    cw = ctx.crosswalk
    town_of = cw.assign(town=cw["wijk_code"].str[2:6].map({"0356": NIEUWEGEIN, "0321": HOUTEN})).groupby("pc4")["town"].first()
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
                label={"nl": f"overige postcodegebieden {PILOTS[town]}", "en": f"other postcode areas of {PILOTS[town]}"}[lang]
                if town == NIEUWEGEIN else {"nl": f"postcodegebieden {PILOTS[town]}", "en": f"postcode areas of {PILOTS[town]}"}[lang])
    nij = d[d["region_code"] == NIJPELS_PC4].sort_values("mid")
    hl = region_style("highlight")
    ax.plot(nij["mid"], nij["value"], color=hl["color"], marker="o", markersize=3.5, linewidth=1.8,
            label={"nl": f"postcode {NIJPELS_PC4} (Nijpelsplantsoen)", "en": f"postcode {NIJPELS_PC4} (Nijpelsplantsoen)"}[lang],
            gid=f"series:{NIJPELS_PC4}")
    ax.axhline(0, color="black", linestyle=":", linewidth=1, label={"nl": "gemiddelde van Nederland", "en": "Dutch mean"}[lang])
    from cosie_analysis.plotting import draw_phases

    draw_phases(ax, ctx.scheme, lang=lang, key_dates=False, labels=False)
    format_axes(ax, lang=lang, date_axis=True, legend=False,
                ylabel={"nl": "Leefbaarometer 3.0: afwijking van NL-gemiddelde", "en": "Leefbaarometer 3.0: deviation from Dutch mean"}[lang])
    share = cw[(cw["pc4"] == NIJPELS_PC4) & (cw["wijk_code"] == JUTPHAAS_WIJKERSLOOT)].sort_values("year")
    last = share.iloc[-1]
    first = share.iloc[0]
    note = {"nl": (f"Postcode {NIJPELS_PC4} ligt deels in Jutphaas-Wijkersloot: {format_number(100 * last['share_of_pc4'], 0, lang)}% "
                   f"van de adressen in {last['year']} ({format_number(100 * first['share_of_pc4'], 0, lang)}% in {first['year']})."),
            "en": (f"Postcode {NIJPELS_PC4} lies partly in Jutphaas-Wijkersloot: {format_number(100 * last['share_of_pc4'], 0, lang)}% "
                   f"of its addresses in {last['year']} ({format_number(100 * first['share_of_pc4'], 0, lang)}% in {first['year']}).")}[lang]
    ax.text(0.01, 0.99, note, transform=ax.transAxes, ha="left", va="top", fontsize=6.5, color="#333333")
    _shared_legend(fig, [ax], lang, ncol=3)
    table = d.pivot(index="region_code", columns="period", values="value").reset_index()
    table.insert(1, "town", table["region_code"].map(town_of).map(PILOTS))
    return FigureOutput(fig, "Leefbaarometer 3.0 (BZK); VNG/CBS postcode-wijk" if lang == "nl"
                        else "Leefbaarometer 3.0 (BZK); VNG/CBS postcode to district", ["Leefbaarometer 3.0 (2022)", "pc4_wijk"],
                        height_mm=100, tables={"liveability_nijpels": table, "nijpels_pc4_wijk_share": share})


def bijstand_baseline(ctx: ReportContext, lang: str) -> FigureOutput:
    o = ctx.obs
    density = _rows(o, indicator="bijstand_density")
    recipients = _rows(o, indicator="bijstand_recipients").set_index(["region_code", "period"])["value"]
    to_work = _rows(o, indicator="bijstand_outflow_to_work").copy()
    to_work["value"] = to_work["value"] / to_work.set_index(["region_code", "period"]).index.map(recipients) * 100
    fig, axes = _subplots(1, 2)
    ylabels = {"nl": ("bijstandsontvangers per 1.000 inwoners", "uitstroom naar werk per 100 bijstandsontvangers"),
               "en": ("social assistance recipients per 1,000 inhabitants", "outflow to work per 100 recipients")}[lang]
    tables = []
    for ax, d, ylabel in zip(axes, (density, to_work), ylabels):
        years = sorted(d["period"].unique())
        gm = d[d["region_code"].str.startswith("GM")]
        ax.boxplot([gm.loc[gm["period"] == p, "value"].dropna() for p in years], positions=range(len(years)), widths=0.5,
                   showfliers=False,
                   medianprops={"color": "#555555"}, boxprops={"color": "#888888"}, whiskerprops={"color": "#888888"},
                   capprops={"color": "#888888"})
        for j, code in enumerate([HOUTEN, NIEUWEGEIN, "NL01"]):
            s = d[d["region_code"] == code].set_index("period")["value"].reindex(years)
            st = region_style(code)
            ax.plot(np.arange(len(years)) + (j - 1) * 0.08, s.to_numpy(dtype=float), color=st["color"], marker=st["marker"],
                    linestyle=st["linestyle"], markersize=4, label=PILOTS.get(code, text("nederland", lang)))
        ax.set_xticks(range(len(years)), [p[:4] for p in years])
        format_axes(ax, lang=lang, ylabel=ylabel, legend=False)
        ax.set_ylim(bottom=0)
        tables.append(d[d["region_code"].isin([HOUTEN, NIEUWEGEIN, "NL01"])][["indicator", "region_code", "period", "value"]])
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(_box_patch())
    labels.append({"nl": "alle gemeenten: kwartielen en mediaan, snorharen tot 1,5 x IQR (uitschieters niet getekend)",
                   "en": "all municipalities: quartiles and median, whiskers to 1.5 x IQR (outliers not drawn)"}[lang])
    fig.legend(handles, labels, loc="outside upper center", ncol=2, frameon=False)
    table = pd.concat(tables, ignore_index=True)
    table["indicator"] = table["indicator"].replace({"bijstand_outflow_to_work": "outflow_to_work_per_100_recipients"})
    return FigureOutput(fig, "CBS, tabel 83450NED, 83747NED, 84066NED (aantallen afgerond op tientallen)" if lang == "nl"
                        else "CBS, tables 83450NED, 83747NED, 84066NED (counts rounded to tens)",
                        ["83450NED", "83747NED", "84066NED"], height_mm=90, tables={"bijstand_baseline": table})


def _box_patch():
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor="#888888")


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
        ax.text(num(scheme.during_start) - 8, y, f'"{scheme.name}"', ha="right", va="center", fontsize=7)
    subs = SCHEMES["measures"].subphases
    import textwrap

    for j, sub in enumerate(subs):
        ax.barh(1, num(sub.end) - num(sub.start), left=num(sub.start), height=0.6,
                **fill("during" if j % 2 == 0 else "during_alt"), edgecolor="#666666", linewidth=0.5)
        name = textwrap.fill(sub.name_nl if lang == "nl" else sub.name_en, 18)
        ax.text((num(sub.start) + num(sub.end)) / 2, 0.6 - 0.75 * (j % 2), name, ha="center", va="top", fontsize=5.5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    ax.text(num(subs[0].start) - 8, 1, {"nl": "deelfasen", "en": "sub-phases"}[lang], ha="right", va="center", fontsize=7)
    key = timeline[timeline["key_date"]]
    for _, ev in key.iterrows():
        ax.axvline(num(ev["date"]), color="#555555", linewidth=0.5, linestyle=(0, (3, 2)), zorder=0)
    ax.set_ylim(-1.4, len(rows) + 2.6)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(num(pd.Timestamp("2019-12-01")), num(pd.Timestamp("2022-07-01")))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
    from cosie_analysis.plotting.axes import _date_formatter

    ax.xaxis.set_major_formatter(_date_formatter(lang))
    ax.tick_params(axis="x", labelsize=6)
    top = ax.get_ylim()[1]
    for k, (_, ev) in enumerate(key.sort_values("date").iterrows()):
        ax.text(num(ev["date"]), top - 0.15 - 0.45 * (k % 3), ev["date"].strftime("%d-%m-%y") if lang == "nl" else ev["date"].strftime("%d %b %y"),
                rotation=0, ha="center", va="top", fontsize=5.5, color="#333333",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    table = timeline[["date", "kind", "key_date", "disputed", "description_nl" if lang == "nl" else "description_en", "source_url"]]
    return FigureOutput(fig, "zie tabel corona_timeline voor de bron per gebeurtenis" if lang == "nl"
                        else "see table corona_timeline for each event's source", ["cosie_analysis/resources/corona_timeline.csv"],
                        height_mm=85, tables={"corona_timeline": table})


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in [
        FigureSpec("national_crime_monthly", national_crime_monthly,
                   "Geregistreerde misdrijven (boven) en overlast (onder) in Nederland per maand, 2012-2023, met de coronafasen.",
                   "Registered crime (top) and disorder (bottom) in the Netherlands per month, 2012-2023, with the corona phases."),
        FigureSpec("national_burglary_its", national_burglary_its,
                   "Woninginbraken in Nederland per maand: onderbroken tijdreeks (Poisson met geschatte overspreiding, seizoenstermen) met de voortgezette trend zonder corona en het 95%-interval.",
                   "Residential burglaries in the Netherlands per month: interrupted time series (Poisson with estimated overdispersion, seasonal terms) with the continued no-corona trend and its 95% interval."),
        FigureSpec("pilot_crime_rates", pilot_crime_rates,
                   "Geregistreerde misdrijven per 1.000 inwoners per jaar: Houten, Nieuwegein, de overige WIL-gemeenten (IJsselstein, Lopik, Vijfheerenlanden) en Nederland; 2024-2025 voorlopig.",
                   "Registered offences per 1,000 inhabitants per year: Houten, Nieuwegein, the other WIL municipalities (IJsselstein, Lopik, Vijfheerenlanden) and the Netherlands; 2024-2025 provisional."),
        FigureSpec("pilot_phase_comparison", pilot_phase_comparison,
                   "Gemiddeld aantal misdrijven per 1.000 inwoners vóór, tijdens en na corona, met 95%-intervallen (jaren als waarnemingen; 'tijdens' telt twee jaren).",
                   "Mean offences per 1,000 inhabitants before, during and after corona, with 95% intervals (years as observations; 'during' has two years)."),
        FigureSpec("synthetic_control_burglary", synthetic_control_burglary,
                   "Synthetische controle voor woninginbraak per 1.000 inwoners: Houten (boven) en Nieuwegein (onder) tegen hun synthetische controle (links) en het verschil tegen dat van elke placebogemeente uit de donorpool (rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige stedelijkheidsklasse en 0,5 tot 2 keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke gemeente met de reden van keuze, en de donorgewichten). Past de pre-periode exact, zoals bij Nieuwegein, dan is de toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de rang van de RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische verschil-in-verschillen met een placebo-standaardfout.",
                   "Synthetic control for residential burglary per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom) against their synthetic control (left) and the gap against every placebo municipality's gap from the donor pool (right, grey). Donor pool: municipalities of the same or a neighbouring urbanity class with 0.5 to 2 times the population, no Wadden islands (the tables list every municipality with the reason it was kept or left out, and the donor weights). Where the pre-period fits exactly, as for Nieuwegein, the RMSPE-ratio test is not informative: the table then gives no p-value but the rank of the post-corona RMSPE among placebos with an equally good pre-period fit, and synthetic difference-in-differences with a placebo standard error."),
        FigureSpec("synthetic_control_vandalism", synthetic_control_vandalism,
                   "Synthetische controle voor vernieling per 1.000 inwoners: Houten (boven) en Nieuwegein (onder), met de placebo-verschillen uit de donorpool (rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige stedelijkheidsklasse en 0,5 tot 2 keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke gemeente met de reden van keuze, en de donorgewichten). Past de pre-periode exact, zoals bij Nieuwegein, dan is de toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de rang van de RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische verschil-in-verschillen met een placebo-standaardfout.",
                   "Synthetic control for vandalism per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom), with the placebo gaps from the donor pool (right, grey). Donor pool: municipalities of the same or a neighbouring urbanity class with 0.5 to 2 times the population, no Wadden islands (the tables list every municipality with the reason it was kept or left out, and the donor weights). Where the pre-period fits exactly, as for Nieuwegein, the RMSPE-ratio test is not informative: the table then gives no p-value but the rank of the post-corona RMSPE among placebos with an equally good pre-period fit, and synthetic difference-in-differences with a placebo standard error."),
        FigureSpec("multiverse_burglary", multiverse_burglary,
                   "Woninginbraak in Houten (boven) en Nieuwegein (onder) onder elke combinatie van analistenkeuzes: methode (onderbroken tijdreeks, synthetische controle, ook met ridge-correctie, synthetische verschil-in-verschillen, verschil-in-verschillen), faseschema, grensregel, modelfamilie, donorpool en schaal (per 1.000 inwoners of aantal). Boven: het effect na corona als percentage van het niveau vóór corona, gesorteerd, met interval waar de methode er een heeft (rood: p < 0,05); onder: de keuzes van elke specificatie. Op jaardata geven de drie faseschema's dezelfde fasen en dus dezelfde schattingen.",
                   "Residential burglary in Houten (top) and Nieuwegein (bottom) under every combination of analyst choices: method (interrupted time series, synthetic control, also with ridge correction, synthetic difference-in-differences, difference-in-differences), phase scheme, boundary rule, model family, donor pool and scale (per 1,000 inhabitants or count). Top: the effect after corona as a percentage of the level before corona, sorted, with an interval where the method has one (red: p < 0.05); bottom: the choices behind each specification. On yearly data the three phase schemes give the same phases and so the same estimates."),
        FigureSpec("ranking_change", ranking_change,
                   "Verandering van woninginbraak en vernieling per 1.000 inwoners, gemiddelde na corona min gemiddelde vóór corona, voor alle gemeenten met een volledige reeks; Houten en Nieuwegein met 95%-interval en rang.",
                   "Change in residential burglary and vandalism per 1,000 inhabitants, mean after minus mean before corona, for every municipality with a complete series; Houten and Nieuwegein with 95% interval and rank."),
        FigureSpec("nieuwegein_wijken", nieuwegein_wijken,
                   "Nieuwegein per wijk: Leefbaarometer 2.0-scoreklasse 2002-2016 (links; Jutphaas-Wijkersloot omlijnd) en personen met bijstand per 1.000 inwoners in 2024 (rechts; '.' = geheim).",
                   "Nieuwegein by district: Leefbaarometer 2.0 score class 2002-2016 (left; Jutphaas-Wijkersloot outlined) and people on social assistance per 1,000 inhabitants in 2024 (right; '.' = suppressed)."),
        FigureSpec("liveability_nijpels", liveability_nijpels,
                   "Leefbaarometer 3.0 rond het Nijpelsplantsoen: postcode 3431 tegen de overige postcodegebieden van Nieuwegein en die van Houten, als afwijking van het Nederlandse gemiddelde, 2002-2022.",
                   "Leefbaarometer 3.0 around the Nijpelsplantsoen: postcode 3431 against Nieuwegein's other postcode areas and Houten's, as deviation from the Dutch mean, 2002-2022."),
        FigureSpec("bijstand_baseline", bijstand_baseline,
                   "Uitgangssituatie vóór de pilots: bijstandsdichtheid en uitstroom naar werk, 2015-2017, Houten en Nieuwegein tegen de spreiding over alle gemeenten en Nederland.",
                   "Baseline before the pilots: social assistance density and outflow to work, 2015-2017, Houten and Nieuwegein against the spread over all municipalities and the Netherlands."),
        FigureSpec("qda_joint_display_houten", qda_joint_display_houten,
                   "Thema's in verhalen per coronafase naast de bemiddelingen per maand, Houten (aandeel verhalen waarin het thema voorkomt; '.' = te weinig verhalen). Synthetische voorbeelddata zolang er geen eigen codering in data/raw/qda/ en geen eigen register in data/raw/pilot/ staat.",
                   "Themes in stories per corona phase beside the job matches per month, Houten (share of stories mentioning the theme; '.' = too few stories). Synthetic example data until your own coding export is in data/raw/qda/ and your register in data/raw/pilot/."),
        FigureSpec("qda_joint_display_nieuwegein", qda_joint_display_nieuwegein,
                   "Thema's in verhalen per coronafase naast de Leefbaarometer 3.0 van postcode 3431 (Nijpelsplantsoen), Nieuwegein ('.' = te weinig verhalen). De verhalen zijn synthetische voorbeelddata zolang er geen eigen codering in data/raw/qda/ staat.",
                   "Themes in stories per corona phase beside Leefbaarometer 3.0 for postcode 3431 (Nijpelsplantsoen), Nieuwegein ('.' = too few stories). The stories are synthetic example data until your own coding export is in data/raw/qda/."),
        FigureSpec("corona_timeline", corona_timeline,
                   "De coronaperiode volgens de drie faseschema's ('measures', 'support', 'lifted'), de deelfasen en de belangrijkste data.",
                   "The corona period under the three phase schemes ('measures', 'support', 'lifted'), the sub-phases and the key dates."),
    ]
}


def figure_names() -> list[str]:
    """The stable names of the report's figures.

    Returns
    -------
    list of str
        The names :func:`report_figure` and :func:`cosie_analysis.build_report` accept, in report order.

    Examples
    --------
    >>> names = figure_names()
    >>> names[:3]
    ['national_crime_monthly', 'national_burglary_its', 'pilot_crime_rates']
    >>> "corona_timeline" in names
    True
    """
    return list(FIGURES)


def report_context(scheme: str = "measures", rule: str = "majority") -> ReportContext:
    """The context every report builder draws from: the observation table (built when needed), the
    PC4-wijk crosswalk, the table's sha256, and the phase scheme and rule.

    Parameters
    ----------
    scheme : {"measures", "support", "lifted"}, default "measures"
        The phase scheme (a key of :data:`cosie_analysis.SCHEMES`).
    rule : {"majority", "start", "end", "exclude"}, default "majority"
        How a period that straddles a phase boundary is assigned (one of :data:`cosie_analysis.RULES`).

    Returns
    -------
    ReportContext
        ``.obs`` (:func:`cosie_analysis.load_observations`), ``.crosswalk``
        (:func:`cosie_analysis.pc4_wijk_shares`), ``.data_sha256`` (of the observation file),
        ``.scheme``, ``.rule`` and an empty ``.cache`` the builders share.

    Examples
    --------
    >>> ctx = report_context("support")  # doctest: +SKIP
    >>> fig = report_figure("pilot_crime_rates", lang="en", context=ctx).fig  # doctest: +SKIP
    """
    from cosie_analysis.observations import load_observations, observations_path, pc4_wijk_shares

    obs = load_observations()
    digest = hashlib.sha256(observations_path().read_bytes()).hexdigest()
    return ReportContext(obs=obs, crosswalk=pc4_wijk_shares(), data_sha256=digest, scheme=scheme, rule=rule)


_CONTEXTS: dict = {}


def report_figure(name: str, *, lang: str = "nl", scheme: str = "measures", rule: str = "majority",
                  context: ReportContext | None = None, palette=None) -> FigureOutput:
    """Draw one of the report's figures (in the report style) without saving it, e.g. in a notebook.

    Parameters
    ----------
    name : str
        One of :func:`figure_names`.
    lang : {"nl", "en"}
    scheme, rule : str
        Phase scheme and rule; ignored when ``context`` is given.
    context : ReportContext, optional
        Default: :func:`report_context`, made once per scheme and rule and reused, so that the
        estimates behind several figures are computed once.
    palette : {"okabe-ito", "grey"} or mapping, optional
        See :func:`cosie_analysis.report_style`; ``"grey"`` for greyscale print.

    Returns
    -------
    FigureOutput
        ``.fig`` (the Figure), ``.tables`` (name -> DataFrame behind the figure), ``.source``.

    Examples
    --------
    Needs the built observation table (``cosie-analysis fetch`` and ``build``):

    >>> out = report_figure("corona_timeline", lang="en")  # doctest: +SKIP
    >>> out.fig.savefig("corona_timeline.png")  # doctest: +SKIP
    """
    check_choice("name", name, list(FIGURES))
    check_choice("lang", lang, LANGS)
    if context is None:
        key = (scheme, rule)
        if key not in _CONTEXTS:
            _CONTEXTS[key] = report_context(scheme, rule)
        context = _CONTEXTS[key]
    with report_style(palette=palette):
        return FIGURES[name].build(context, lang)
