"""Axes-level plot functions for reports and notebooks: ``ax=None`` in, the Axes out.

They use the package's palette (fixed colour, line style and marker per region role), Dutch or
English labels (``lang``), decimal commas in Dutch, units on the axes, and no titles (captions belong
in the report). Draw inside :func:`cosie_analysis.style.report_style` for the report look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import PILOTS
from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.style import (
    KEY_DATE_STYLE,
    MONTHS,
    number_formatter,
    region_order,
    region_style,
    text,
)
from cosie_analysis.style.palette import get_palette, phase_style, region_styles
from cosie_analysis.words import PHASE_WORDS, check_lang

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from cosie_analysis.phases import PhaseScheme

__all__ = [
    "plot_timeseries",
    "plot_phase_comparison",
    "plot_its",
    "plot_synthetic_control",
    "plot_event_study",
    "plot_ranking",
    "format_axes",
    "drop_phase_labels",
    "phase_legend_handles",
    "midpoints",
    "draw_phases",
]



def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(layout="constrained")
    return ax


def _date_formatter(lang: str):
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def fmt(x, pos=None):
        d = mdates.num2date(x)
        return str(d.year) if d.month == 1 and d.day == 1 else f"{MONTHS[lang][d.month - 1]} {d.year}"

    return FuncFormatter(fmt)


def midpoints(data: pd.DataFrame) -> pd.Series:
    """The middle day of each period: where a yearly or quarterly value belongs on a time axis, so
    that 2020 sits inside the corona span and not on its edge.

    Uses ``period_start`` and ``period_end``; without ``period_end``, the CBS code in ``period``
    gives the end; without either, ``period_start`` itself is returned.
    """
    start = pd.to_datetime(data["period_start"])
    if "period_end" in data:
        end = pd.to_datetime(data["period_end"])
    elif "period" in data and data["period"].map(lambda c: isinstance(c, str)).all():
        from cosie_analysis.data.periods import is_period_code, parse_periods

        if not all(is_period_code(c) for c in pd.unique(data["period"])):
            return start
        ends = parse_periods(pd.unique(data["period"])).set_index("period")["period_end"]
        end = pd.to_datetime(data["period"].map(ends))
    else:
        return start
    return (start + (end - start) / 2).dt.normalize()


def drop_phase_labels(ax):
    """Remove the phase names drawn by ``draw_phases`` (for small panels; use a legend instead)."""
    for t in list(ax.texts):
        if str(t.get_gid() or "").startswith("phase_label"):
            t.remove()
    return ax


def phase_legend_handles(lang: str = "nl", palette=None) -> list:
    """Legend patches for the three phases, in the colours (and hatches) ``draw_phases`` uses."""
    check_lang(lang)
    from matplotlib.patches import Patch

    from cosie_analysis.phases import PHASE_LABELS

    handles = []
    for p in ("before", "during", "after"):
        st = phase_style(p, palette)
        handles.append(Patch(facecolor=st["facecolor"], hatch=st["hatch"] or None, linewidth=0.4,
                             edgecolor=st["edgecolor"] if st["hatch"] else "#999999", label=PHASE_LABELS[lang][p]))
    return handles


def format_axes(ax, *, lang: str = "nl", ylabel: str | None = None, xlabel: str | None = None,
                date_axis: bool = False, legend: bool | str = "best"):
    """Apply the report's number and date formatting, axis labels and legend to an Axes."""
    import matplotlib.dates as mdates

    check_choice("lang", lang, ("nl", "en"))
    ax.yaxis.set_major_formatter(number_formatter(lang))
    if date_axis:
        lo, hi = (mdates.num2date(v) for v in ax.get_xlim())
        years = max(1, hi.year - lo.year)
        width_in = ax.get_position().width * ax.figure.get_figwidth()
        room = max(2, int(width_in / 0.42))  # a year label needs about 0.42 inch at 7 pt
        base = next(b for b in (1, 2, 4, 5, 10, 20) if years / b <= room)
        ax.xaxis.set_major_locator(mdates.YearLocator(base=base))
        ax.xaxis.set_major_formatter(_date_formatter(lang))
        ax.xaxis.set_minor_locator(mdates.YearLocator())
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc=legend if isinstance(legend, str) else "best")
    return ax


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
        names = dict(zip(data[hue], data["region_name"].astype(object).where(data["region_name"].notna(), data[hue])))
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
                        label=None if provisional_labelled else {"nl": "voorlopig (open symbool)",
                                                                   "en": "provisional (open symbol)"}[lang])
                provisional_labelled = True
    if phases:
        draw_phases(ax, scheme, lang=lang, key_dates=key_dates, labels=phase_labels, palette=pal)
    return format_axes(ax, lang=lang, ylabel=ylabel, date_axis=True)


def _role_label(code: str, lang: str) -> str:
    if code == "comparison":
        return text("comparison", lang)
    if code in ("NL", "NL00", "NL01"):
        return text("nederland", lang)
    return PILOTS.get(code, code)


def plot_phase_comparison(
    result,
    *,
    hue: str = "region_code",
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
    ylabel: str | None = None,
    palette=None,
    ax=None,
):
    """Mean per phase with its confidence interval, one dodged series per region.

    Parameters
    ----------
    result : PhaseSummary or pandas.DataFrame
        A :func:`cosie_analysis.phase_summary` result, or its ``plot_data()`` frame (columns ``hue``,
        ``phase``, ``mean``, ``mean_ci_lower``, ``mean_ci_upper``).
    hue : str
        The column telling the series apart.
    labels : mapping, optional
        ``hue`` value -> legend label (default: ``region_name`` where present, else the role or value).
    lang : {"nl", "en"}
    ylabel : str, optional
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
    check_lang(lang)
    data = result.plot_data() if hasattr(result, "plot_data") else result
    if hue not in data:
        raise ParameterError(f"`hue` column {hue!r} not found; columns: {list(data.columns)}.")
    ax = _axes(ax)
    keys = region_order(pd.unique(data[hue]))
    styles = region_styles(keys, palette)
    if labels is None and "region_name" in data:
        labels = {k: n for k, n in zip(data[hue], data["region_name"]) if pd.notna(n)}
    width = 0.7 / max(len(keys), 1)
    order = {p: i for i, p in enumerate(PHASE_WORDS["en"])}
    for j, key in enumerate(keys):
        g = data[data[hue] == key]
        xs = g["phase"].astype(str).map(order).to_numpy(dtype=float) - 0.35 + width * (j + 0.5)
        style = styles[str(key)]
        ax.errorbar(xs, g["mean"], yerr=[g["mean"] - g["mean_ci_lower"], g["mean_ci_upper"] - g["mean"]],
                    color=style["color"], marker=style["marker"], linestyle="none", capsize=2, markersize=4,
                    label=(labels or {}).get(key, _role_label(str(key), lang)), gid=f"series:{key}")
    ax.set_xticks(range(3), [PHASE_WORDS[lang][p] + "\ncorona" for p in PHASE_WORDS["en"]])
    ax.set_xlim(-0.5, 2.5)
    ax.grid(axis="x", visible=False)
    return format_axes(ax, lang=lang, ylabel=ylabel)


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
    return format_axes(ax, lang=lang, ylabel=ylabel, date_axis=True)


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
               label={"nl": "alle gemeenten", "en": "all municipalities"}[lang])
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
    ax.set_ylabel({"nl": "gemeenten, gerangschikt", "en": "municipalities, ranked"}[lang])
    ax.xaxis.set_major_formatter(number_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.legend(loc="upper left")
    return ax


def draw_phases(
    ax: Axes,
    scheme: str | PhaseScheme | Mapping | Sequence = "measures",
    *,
    lang: str = "nl",
    subphases: bool = False,
    key_dates: bool | Sequence = True,
    labels: bool = True,
    palette=None,
) -> Axes:
    """Shade the before/during/after spans on a date axis and mark the key dates.

    Call it after plotting the data: it shades the current x-range and keeps the x-limits.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axes with a time x-axis: matplotlib date units (``ax.plot(dates, y)``, seaborn) or the
        period units pandas uses for ``Series.plot()`` of a regular time index.
    scheme : str, PhaseScheme, mapping or pair of dates, default "measures"
        See :func:`get_scheme`.
    lang : {"nl", "en"}, default "nl"
        Language of the labels.
    subphases : bool, default False
        Shade the scheme's sub-phases of ``during`` in alternating tints and label them.
    key_dates : bool or sequence of dates, default True
        True marks the timeline's key dates (``load_timeline()["key_date"]``), a sequence marks
        those dates, False none. Only dates inside the x-range are drawn, as thin dashed lines.
    labels : bool, default True
        Write the phase (and sub-phase) labels at the top of the spans.
    palette : {"okabe-ito", "grey"} or mapping, optional
        The fill (and, in the grey palette, the hatching) of the spans; default: the active palette.

    Returns
    -------
    matplotlib.axes.Axes
        The same axes. Added artists carry ``gid`` values ``"phase:<phase>"``,
        ``"subphase:<name_en>"``, ``"key_date:<YYYY-MM-DD>"`` and ``"phase_label:<phase>"``.

    Notes
    -----
    A span covers the days ``[start, end)``: it is drawn from midnight of the start day to midnight
    of the end day, so a boundary sits at the start of the first day of the next phase. Only the
    visible parts of the spans are drawn; spans outside the x-range are left out.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.to_datetime(["2019-01-01", "2023-01-01"]), [1.0, 2.0])  # SYNTHETIC
    >>> ax = draw_phases(ax, lang="en")
    >>> [t.get_text() for t in ax.texts]
    ['before corona', 'during corona', 'after corona']
    >>> plt.close(fig)
    """
    import matplotlib.transforms as mtransforms

    from cosie_analysis.phases import PHASE_LABELS, _day, get_scheme, load_timeline

    s = get_scheme(scheme)
    check_lang(lang)
    to_x = _x_converter(ax)
    x0, x1 = ax.get_xlim()
    start, end = to_x(s.during_start), to_x(s.during_end)
    spans = [("before", x0, min(start, x1)), ("during", max(start, x0), min(end, x1)), ("after", max(end, x0), x1)]
    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    for phase, a, b in spans:
        if b <= a:
            continue
        if phase == "during" and subphases and s.subphases:
            for i, sub in enumerate(s.subphases):
                sa = max(to_x(sub.start), x0)
                sb = min(to_x(sub.end), x1)
                if sb <= sa:
                    continue
                ax.axvspan(sa, sb, **_span(phase_style("during" if i % 2 == 0 else "during_alt", palette)),
                           gid=f"subphase:{sub.name_en}")
                if labels:
                    ax.text((sa + sb) / 2, 0.90, sub.name_nl if lang == "nl" else sub.name_en, transform=trans,
                            ha="center", va="top", fontsize="x-small", rotation=90, color="#333333",
                            gid=f"subphase_label:{sub.name_en}")  # fmt: skip
        else:
            ax.axvspan(a, b, **_span(phase_style(phase, palette)), gid=f"phase:{phase}")
        if labels:
            ax.text((a + b) / 2, 0.98, PHASE_LABELS[lang][phase], transform=trans, ha="center", va="top",
                    fontsize="small", color="#222222", gid=f"phase_label:{phase}")  # fmt: skip
    if key_dates is True:
        dates = load_timeline().loc[lambda t: t["key_date"], "date"]
    elif key_dates is False or key_dates is None:
        dates = []
    else:
        dates = [_day(d, "key_dates") for d in key_dates]
    for d in pd.unique(pd.DatetimeIndex(dates)) if len(dates) else []:
        x = to_x(pd.Timestamp(d))
        if x0 <= x <= x1:
            ax.axvline(x, gid=f"key_date:{pd.Timestamp(d).date()}", **KEY_DATE_STYLE)
    ax.set_xlim(x0, x1)
    return ax


def _span(style: dict) -> dict:
    """axvspan arguments for a phase style: a fill, and a hatch drawn in the edge colour without an edge."""
    if style["hatch"]:
        return {"facecolor": style["facecolor"], "edgecolor": style["edgecolor"], "hatch": style["hatch"], "lw": 0,
                "zorder": 0}
    return {"color": style["facecolor"], "lw": 0, "zorder": 0}


def _x_converter(ax):
    """Day -> x position: matplotlib date numbers, or pandas period ordinals on a ``Series.plot`` axis."""
    import matplotlib.dates as mdates

    axis = ax.xaxis
    converter = axis.get_converter() if hasattr(axis, "get_converter") else getattr(axis, "converter", None)
    freq = getattr(ax, "freq", None)
    if freq is None or type(converter).__name__ != "PeriodConverter":
        return lambda ts: float(mdates.date2num(pd.Timestamp(ts)))

    def to_period_x(ts):
        # a period's ordinal marks its start; days inside it are placed proportionally
        p = pd.Period(pd.Timestamp(ts), freq=freq)
        return p.ordinal + (pd.Timestamp(ts) - p.start_time) / (p.end_time - p.start_time + pd.Timedelta(1, "ns"))

    return to_period_x
