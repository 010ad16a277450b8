"""The corona phases on a time axis: shaded before/during/after spans, the key dates, the phase names,
and the legend patches that stand for the spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cosie_analysis.style import KEY_DATE_STYLE
from cosie_analysis.style.palette import phase_style
from cosie_analysis.words import check_lang, pick

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from cosie_analysis.phases import PhaseScheme

__all__ = ["draw_phases", "drop_phase_labels", "phase_legend_handles"]


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
                    ax.text((sa + sb) / 2, 0.90, pick(sub.name_nl, sub.name_en, lang), transform=trans,
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
