"""Plots over time: one line per region, an interrupted-time-series fit, a synthetic control."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cosie_analysis.data.regions import PILOTS
from cosie_analysis.plotting.axes import _axes, _role_label, format_axes, midpoints
from cosie_analysis.plotting.phase_bands import draw_phases
from cosie_analysis.style import region_order, region_style
from cosie_analysis.style.palette import get_palette, region_styles
from cosie_analysis.words import check_lang, word

__all__ = ["plot_timeseries", "plot_its", "plot_synthetic_control"]


def plot_timeseries(
    data: pd.DataFrame,
    *,
    x: str | None = None,
    y: str = "value",
    hue: str = "region_code",
    labels: Mapping[str, str] | None = None,
    scheme="measures",
    lang: str = "nl",
    ylabel: str | None = None,
    phases: bool = True,
    key_dates: bool = True,
    phase_labels: bool = True,
    markers: bool | None = None,
    palette=None,
    ax=None,
):
    """One line per ``hue`` value over time, with the corona phases shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        Long: one row per ``hue`` x time point (e.g. rows of the observation table); not modified.
    x, y, hue : str
        Time column (dates; default: the middle of each period, from ``period_start`` and
        ``period_end``), value column, and the column whose values get a line each (region codes get
        the package's fixed colours: Houten, Nieuwegein, ``"comparison"``, ``"NL"``/``"NL00"``).
    labels : mapping, optional
        ``hue`` value -> legend label (default: ``region_name`` where present, else the value).
    scheme : phase scheme passed to :func:`cosie_analysis.phases.draw_phases`.
    lang : {"nl", "en"}
    ylabel : str, optional
        The y-axis label; say the unit.
    phases, key_dates, phase_labels : bool
        Shade the phases; mark the key dates; name the phases at the top.
    markers : bool, optional
        Markers on the points (default: when there are at most 30 points per line). With markers,
        rows whose ``status`` is "provisional" get open symbols (and one legend entry).
    palette : {"okabe-ito", "grey"} or mapping, optional
        Default: the active palette (see :func:`cosie_analysis.report_style`). Up to eight regions
        other than the pilots, the comparison group and the Netherlands get distinct colours, line
        styles and markers; with more they form a grey background. In the grey palette long series
        keep a marker on every few points, so that lines stay apart in print.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cosie_analysis.data.periods import parse_periods
    >>> rng = np.random.default_rng(1)  # SYNTHETIC: two units, yearly 2016-2023
    >>> data = pd.DataFrame([{"region_code": f"SY0{u}", "period": f"{y}JJ00", "value": 10 + u + rng.normal()}
    ...                      for u in (1, 2) for y in range(2016, 2024)])
    >>> data = data.join(parse_periods(data["period"].unique()).set_index("period"), on="period")
    >>> ax = plot_timeseries(data, lang="en", ylabel="value (synthetic)")
    >>> [line.get_label() for line in ax.get_lines() if str(line.get_gid()).startswith("series:")]
    ['SY01', 'SY02']
    """
    check_lang(lang)
    from cosie_analysis._checks import check_data

    if x is None:
        check_data(data, {"period_start": "period_start", "period_end": "period_end"}, function="plot_timeseries")
        data = data.assign(_x=midpoints(data))
        x = "_x"
    check_data(data, {"x": x, "y": y, "hue": hue}, function="plot_timeseries")
    ax = _axes(ax)
    names = dict(labels or {})
    if "region_name" in data and not labels:
        shown = data["region_name"].astype(object).where(data["region_name"].notna(), data[hue])
        names = dict(zip(data[hue], shown, strict=True))
    ordered = data.sort_values(x)
    provisional_labelled = False
    pal = get_palette(palette)
    keys = region_order(pd.unique(ordered[hue]))
    styles = region_styles(keys, pal)
    for key in keys:
        g = ordered[ordered[hue] == key]
        style = styles[str(key)]
        show_markers = markers if markers is not None else len(g) <= 30
        sparse = markers is None and not show_markers and pal.name.startswith("grey") and style != pal.roles["other"]
        ax.plot(pd.to_datetime(g[x]).to_numpy(), g[y].to_numpy(dtype=float), color=style["color"],
                linestyle=style["linestyle"], marker=style["marker"] if show_markers or sparse else None, markersize=3,
                markevery=max(len(g) // 12, 1) if sparse else None,
                label=names.get(key, _role_label(str(key), lang)), gid=f"series:{key}")
        if show_markers and "status" in g:
            prov = g[g["status"] == "provisional"]
            if len(prov):  # provisional values: open symbols
                ax.plot(pd.to_datetime(prov[x]).to_numpy(), prov[y].to_numpy(dtype=float), linestyle="none",
                        marker=style["marker"], markersize=3, markerfacecolor="white", markeredgecolor=style["color"],
                        gid=f"provisional:{key}", zorder=3,
                        label=None if provisional_labelled else word("fig_provisional", lang))
                provisional_labelled = True
    if phases:
        draw_phases(ax, scheme, lang=lang, key_dates=key_dates, labels=phase_labels, palette=pal)
    return format_axes(ax, lang=lang, ylabel=ylabel, date_axis=True)


def plot_its(result, *, series=None, lang: str = "nl", ylabel: str | None = None, ax=None):
    """An interrupted-time-series fit: observed, fitted, and the counterfactual with its band.

    Parameters
    ----------
    result : ITSResult
        An :func:`cosie_analysis.interrupted_time_series` result.
    series : str or tuple, optional
        The series to draw (a key of ``result.models``: the value of ``by``, a tuple for several
        ``by`` columns); needed when the result holds more than one series.
    lang : {"nl", "en"}, default "nl"
        Language of the legend and the phase labels.
    ylabel : str, optional
        The y-axis label; say the unit.
    ax : matplotlib Axes, optional
        Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> months = pd.period_range("2016-01", "2023-12", freq="M")
    >>> synthetic = pd.DataFrame({"period": months, "value": np.random.default_rng(1).poisson(200, len(months))})
    >>> ax = plot_its(ca.interrupted_time_series(synthetic, by=None, family="poisson"), lang="en", ylabel="count")
    >>> ax.get_legend_handles_labels()[1]
    ['observed', 'fitted', 'counterfactual (no corona)']
    """
    ax = result.plot(ax=_axes(ax), series=series, lang=lang)
    return format_axes(ax, lang=lang, ylabel=ylabel, date_axis=True)


def plot_synthetic_control(result, *, kind: str = "paths", treated: str | None = None, lang: str = "nl",
                           ylabel: str | None = None, palette=None, ax=None):
    """Synthetic control: the treated town against its synthetic control (``kind="paths"``), or its gap
    against every placebo's gap (``kind="gaps"``).

    Parameters
    ----------
    result : SynthResult
        A :func:`cosie_analysis.synthetic_control` result.
    kind : {"paths", "gaps"}, default "paths"
        Observed against synthetic, or the treated gap against the placebo gaps (in grey).
    treated : str, optional
        The treated unit to draw; needed when the result holds several.
    lang : {"nl", "en"}, default "nl"
        Language of the labels.
    ylabel : str, optional
        The y-axis label; say the unit.
    palette : {"okabe-ito", "grey"} or mapping, optional
        Default: the active palette.
    ax : matplotlib Axes, optional
        Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> rng = np.random.default_rng(1)  # SYNTHETIC: 8 units, SY00 drops by 3 from 2020
    >>> data = pd.DataFrame([{"region_code": f"SY{u:02d}", "period": f"{y}JJ00",
    ...                       "value": 10 + u % 4 + 0.2 * rng.normal() - 3 * (u == 0 and y >= 2020)}
    ...                      for u in range(8) for y in range(2012, 2024)])
    >>> ax = plot_synthetic_control(ca.synthetic_control(data, treated="SY00"), lang="en")
    >>> ax.get_legend_handles_labels()[1]
    ['SY00', 'synthetic control']
    """
    from cosie_analysis.style.palette import use_palette

    with use_palette(palette):
        ax = result.plot(ax=_axes(ax), kind=kind, treated=treated, lang=lang)
    for line in ax.get_lines():
        if line.get_label() in PILOTS:
            line.set_label(PILOTS[line.get_label()])
    tr = treated or pd.unique(result.gaps["treated"])[0]
    style = region_style(str(tr))
    for line in ax.get_lines():
        if line.get_label() in (tr, PILOTS.get(tr)):
            line.set_color(style["color"])
            line.set_label(PILOTS.get(tr, tr))
    if kind == "paths":
        _exact_fit_note(result.table, tr, lang, ax)
    return format_axes(ax, lang=lang, ylabel=ylabel, date_axis=True)


def _exact_fit_note(table: pd.DataFrame, treated, lang: str, ax) -> None:
    """Say on the panel itself when the pre-period fit is exact: an overlay that looks like a good
    control only shows that the donors outnumber the pre-periods."""
    from cosie_analysis.style import format_number

    if "test_note" not in table:
        return
    exact = table[(table["treated"] == treated) & (table["test_note"] == "exact_pre_fit")]
    if exact.empty:
        return
    r = exact.iloc[0]
    note = word("fig_exact_prefit", lang).format(donors=format_number(r["n_donors"], 0, lang),
                                                 periods=format_number(r["n_pre"], 0, lang))
    ax.text(0.98, 0.97, note, transform=ax.transAxes, ha="right", va="top", ma="left", fontsize=6, color="#333333",
            gid="note:exact_pre_fit", bbox={"facecolor": "white", "edgecolor": "#999999", "linewidth": 0.5,
                                             "boxstyle": "round,pad=0.3", "alpha": 0.9})
