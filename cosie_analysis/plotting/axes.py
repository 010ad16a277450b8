"""The axes every plot function shares: a new Axes when none is given, the report's number and date
formatting, where a period sits on a time axis, and the legend label of a region role."""

from __future__ import annotations

import pandas as pd

from cosie_analysis.data.regions import PILOTS
from cosie_analysis.errors import check_choice
from cosie_analysis.style import MONTHS, number_formatter, text

__all__ = ["format_axes", "midpoints"]


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


def _role_label(code: str, lang: str) -> str:
    if code == "comparison":
        return text("comparison", lang)
    if code in ("NL", "NL00", "NL01"):
        return text("nederland", lang)
    return PILOTS.get(code, code)
