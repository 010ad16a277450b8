"""Plots that set values side by side: means per phase, event-study coefficients, every municipality ranked."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import PILOTS
from cosie_analysis.errors import ParameterError
from cosie_analysis.plotting.axes import _axes, _role_label, format_axes
from cosie_analysis.style import number_formatter, region_order, region_style
from cosie_analysis.style.palette import region_styles
from cosie_analysis.words import PHASE_WORDS, check_lang, word

__all__ = ["plot_phase_comparison", "plot_event_study", "plot_ranking"]


def plot_phase_comparison(
    result,
    *,
    hue: str = "region_code",
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
    ylabel: str | None = None,
    values: pd.DataFrame | None = None,
    min_n: int = 3,
    palette=None,
    ax=None,
):
    """Mean per phase, one dodged series per region; its interval only where the phase has enough
    values, and optionally the values themselves.

    Parameters
    ----------
    result : PhaseSummary or pandas.DataFrame
        A :func:`cosie_analysis.phase_summary` result, or its ``plot_data()`` frame (columns ``hue``,
        ``phase``, ``mean``, ``mean_ci_lower``, ``mean_ci_upper`` and, to apply ``min_n``, ``n``).
    hue : str
        The column telling the series apart.
    labels : mapping, optional
        ``hue`` value -> legend label (default: ``region_name`` where present, else the role or value).
    lang : {"nl", "en"}
    ylabel : str, optional
    values : pandas.DataFrame, optional
        The observations behind the means (columns ``hue``, ``phase`` and ``value``), drawn as small
        dots beside their mean (gid ``values:<hue value>``); not modified.
    min_n : int, default 3
        The interval is drawn only for a phase with at least this many values: a t interval on
        two values (one degree of freedom) is about 13 standard errors wide and can reach below
        zero for a rate. Without an ``n`` column every interval is drawn.
    palette : {"okabe-ito", "grey"} or mapping, optional
        As in :func:`plot_timeseries`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> rng = np.random.default_rng(1)  # SYNTHETIC: two units, yearly 2012-2023
    >>> data = pd.DataFrame([{"region_code": f"SY0{u}", "period": f"{y}JJ00", "value": 10 + u + rng.normal()}
    ...                      for u in (1, 2) for y in range(2012, 2024)])
    >>> ax = plot_phase_comparison(ca.phase_summary(data, by="region_code"), lang="en")
    >>> ax.get_legend_handles_labels()[1], [t.get_text().split()[0] for t in ax.get_xticklabels()]
    (['SY01', 'SY02'], ['before', 'during', 'after'])
    """
    from cosie_analysis._checks import check_data

    check_lang(lang)
    data = result.plot_data() if hasattr(result, "plot_data") else result
    if hue not in data:
        raise ParameterError(f"`hue` column {hue!r} not found; columns: {list(data.columns)}.")
    if values is not None:
        check_data(values, {"hue": hue, "phase": "phase", "value": "value"}, function="plot_phase_comparison")
    ax = _axes(ax)
    keys = region_order(pd.unique(data[hue]))
    styles = region_styles(keys, palette)
    if labels is None and "region_name" in data:
        labels = {k: n for k, n in zip(data[hue], data["region_name"], strict=True) if pd.notna(n)}
    width = 0.7 / max(len(keys), 1)
    order = {p: i for i, p in enumerate(PHASE_WORDS["en"])}
    for j, key in enumerate(keys):
        g = data[data[hue] == key]
        shift = -0.35 + width * (j + 0.5)
        xs = g["phase"].astype(str).map(order).to_numpy(dtype=float) + shift
        style = styles[str(key)]
        shown = g["n"].to_numpy() >= min_n if "n" in g else np.ones(len(g), dtype=bool)
        lower = np.where(shown, g["mean"] - g["mean_ci_lower"], np.nan)
        upper = np.where(shown, g["mean_ci_upper"] - g["mean"], np.nan)
        ax.errorbar(xs, g["mean"], yerr=[lower, upper],
                    color=style["color"], marker=style["marker"], linestyle="none", capsize=2, markersize=4,
                    label=(labels or {}).get(key, _role_label(str(key), lang)), gid=f"series:{key}", zorder=3)
        if values is not None:
            v = values[values[hue] == key]
            vx = v["phase"].astype(str).map(order).to_numpy(dtype=float) + shift + width * 0.3
            ax.plot(vx, v["value"].to_numpy(dtype=float), linestyle="none", marker=style["marker"], markersize=2,
                    color=style["color"], alpha=0.55, markeredgewidth=0, gid=f"values:{key}", label="_values")
    ax.set_xticks(range(3), [PHASE_WORDS[lang][p] + "\ncorona" for p in PHASE_WORDS["en"]])
    ax.set_xlim(-0.5, 2.5)
    ax.grid(axis="x", visible=False)
    return format_axes(ax, lang=lang, ylabel=ylabel)


def plot_event_study(result, *, lang: str = "nl", ylabel: str | None = None, ax=None):
    """Event-study coefficients of a :func:`cosie_analysis.diff_in_diff` result, with intervals.

    Parameters
    ----------
    result : DiDResult
        A :func:`cosie_analysis.diff_in_diff` result (its event-study rows are drawn).
    lang : {"nl", "en"}, default "nl"
        Language of the axis labels.
    ylabel : str, optional
        The y-axis label (default: the effect, in the outcome's unit); say the unit.
    ax : matplotlib Axes, optional
        Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One point with its interval per period relative to the last pre-corona period (0).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> rng = np.random.default_rng(1)  # SYNTHETIC: 8 units, SY00 drops by 3 from 2020
    >>> data = pd.DataFrame([{"region_code": f"SY{u:02d}", "period": f"{y}JJ00",
    ...                       "value": 10 + u % 4 + 0.2 * rng.normal() - 3 * (u == 0 and y >= 2020)}
    ...                      for u in range(8) for y in range(2012, 2024)])
    >>> with warnings.catch_warnings():  # one treated unit: the few-clusters warning
    ...     warnings.simplefilter("ignore")
    ...     res = ca.diff_in_diff(data, treated="SY00", indicator=None)
    >>> plot_event_study(res, lang="en").get_xlabel()
    'period relative to the last pre-corona period'
    """
    ax = result.plot(ax=_axes(ax), kind="event", lang=lang)
    return format_axes(ax, lang=lang, ylabel=ylabel, legend=False)


def plot_ranking(
    data: pd.DataFrame,
    *,
    value: str = "value",
    unit: str = "region_code",
    highlight: Mapping[str, str] | None = None,
    interval: tuple[str, str] | None = None,
    lang: str = "nl",
    xlabel: str | None = None,
    palette=None,
    ax=None,
):
    """Every municipality ranked on one number, with the pilot towns highlighted and named.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; not modified.
    value, unit : str
        The number to rank on and the unit column.
    highlight : mapping, optional
        Unit -> label of the units to highlight (default: Houten and Nieuwegein).
    interval : (str, str), optional
        Columns with a lower and upper bound, drawn for the highlighted units.
    lang : {"nl", "en"}
    xlabel : str, optional
        The label of the value axis; say the unit.
    palette : {"okabe-ito", "grey"} or mapping, optional
        Default: the active palette.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Values on the x axis, rank on the y axis (1 = highest at the top).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"region_code": ["GM0321", "GM0356", "SY01", "SY02", "SY03"],
    ...                      "value": [3.0, 1.5, 2.0, -1.0, 0.5]})  # SYNTHETIC values
    >>> ax = plot_ranking(data, lang="en", xlabel="change (synthetic)")
    >>> [t.get_text() for t in ax.texts]
    ['Houten: 1 / 5', 'Nieuwegein: 3 / 5']
    """
    from cosie_analysis._checks import check_data

    check_data(data, {"value": value, "unit": unit}, function="plot_ranking")
    check_lang(lang)
    if highlight is not None:
        unknown = sorted(set(highlight) - set(data[unit].dropna()))
        if unknown:
            raise ParameterError(
                f"plot_ranking(): `highlight` names unit(s) {unknown} that are not in column {unit!r} of `data`. "
                "Pass codes that occur there (e.g. 'GM0321' for Houten), or leave `highlight` out for the pilot towns."
            )
    highlight = dict(PILOTS if highlight is None else highlight)
    d = data.dropna(subset=[value]).sort_values(value, ascending=True, kind="mergesort").reset_index(drop=True)
    ax = _axes(ax)
    rank = np.arange(1, len(d) + 1)
    ax.scatter(d[value], rank, s=4, color=region_style("other", palette)["color"], linewidths=0, gid="all_units",
               label=word("fig_all_municipalities", lang))
    for code, label in highlight.items():
        hit = d.index[d[unit] == code]
        if not len(hit):
            continue
        i = hit[0]
        style = region_style(code, palette) if code in PILOTS else region_style("highlight", palette)
        ax.scatter([d.at[i, value]], [rank[i]], s=28, color=style["color"], marker=style["marker"], zorder=3,
                   gid=f"highlight:{code}", label=label)
        if interval:
            ax.hlines(rank[i], d.at[i, interval[0]], d.at[i, interval[1]], color=style["color"], linewidth=1)
        ax.annotate(f"{label}: {len(d) - i} / {len(d)}", (d.at[i, value], rank[i]), xytext=(0, 7),
                    textcoords="offset points", fontsize=7, color=style["color"], ha="center", va="bottom")
    ax.axvline(0, color="0.4", linewidth=0.6) if d[value].min() < 0 < d[value].max() else None
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_ylabel(word("fig_municipalities_ranked", lang))
    ax.xaxis.set_major_formatter(number_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.legend(loc="upper left")
    return ax
