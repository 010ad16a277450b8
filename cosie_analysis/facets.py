"""Small multiples for exploring many series at once: one panel per indicator (or region), drawn with
seaborn's :func:`seaborn.relplot`, with the corona phases shaded in every panel.

The panels use the package's fixed colour per region role, Dutch or English titles and number
formats, and the same phase shading as the report figures. This is a figure-level function: it
returns the seaborn ``FacetGrid`` (its ``.figure`` can be passed to
:func:`cosie_analysis.report.export.save_figure`).
"""

from __future__ import annotations

import os
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from cosie_analysis._checks import check_data
from cosie_analysis.plotting import draw_phases, format_axes, midpoints
from cosie_analysis.plotting.axes import _role_label
from cosie_analysis.style import region_order, region_style
from cosie_analysis.words import check_lang

if TYPE_CHECKING:  # pragma: no cover
    import seaborn as sns

__all__ = ["plot_facets"]


def plot_facets(
    data: pd.DataFrame,
    *,
    col: str = "indicator",
    hue: str = "region_code",
    y: str = "value",
    col_wrap: int | None = 3,
    sharey: bool = False,
    scheme="measures",
    lang: str = "nl",
    height: float = 1.8,
    aspect: float = 1.5,
) -> sns.FacetGrid:
    """One panel per value of ``col`` (by default per indicator), one line per ``hue`` value, with the
    corona phases shaded in each panel.

    Parameters
    ----------
    data : pandas.DataFrame
        Long rows of the observation table (``period_start``, ``period_end``, ``value``, ``col`` and
        ``hue`` columns); not modified. Rows without a value are left out.
    col : str, default "indicator"
        The column whose values get a panel each. Panel titles use ``label_nl``/``label_en`` for
        indicators and ``region_name`` for region codes where present.
    hue : str, default "region_code"
        The column whose values get a line each; region codes get the package's fixed colours,
        legend entries use ``region_name`` where present.
    y : str, default "value"
    col_wrap : int or None, default 3
        Panels per row.
    sharey : bool, default False
        One y-scale for all panels (off by default: indicators differ in size).
    scheme : phase scheme passed to :func:`cosie_analysis.plotting.draw_phases`.
    lang : {"nl", "en"}, default "nl"
    height, aspect : float
        Height of a panel in inches and its width relative to the height.

    Returns
    -------
    seaborn.FacetGrid
        The grid; ``grid.axes_dict`` maps each ``col`` value to its Axes.

    Examples
    --------
    Synthetic data (two made-up indicators for two regions, not real statistics):

    >>> import pandas as pd
    >>> from cosie_analysis.facets import plot_facets
    >>> years = pd.period_range("2015", "2023", freq="Y")
    >>> rows = [{"indicator": ind, "label_nl": f"synthetisch {ind}", "label_en": f"synthetic {ind}",
    ...          "region_code": code, "region_name": name, "period_start": p.start_time,
    ...          "period_end": p.end_time.normalize(), "value": float(i + k)}
    ...         for ind in ("a", "b") for k, (code, name) in enumerate([("GM0321", "Houten"), ("GM0356", "Nieuwegein")])
    ...         for i, p in enumerate(years)]
    >>> grid = plot_facets(pd.DataFrame(rows), lang="en")
    >>> sorted(grid.axes_dict)
    ['a', 'b']
    >>> grid.axes_dict["a"].get_title()
    'Synthetic a'
    """
    import seaborn as sns

    check_lang(lang)
    check_data(data, {"col": col, "hue": hue, "y": y, "period_start": "period_start"}, function="plot_facets")
    rows = data[data[y].notna()]
    names = _names(rows, hue)
    rows = rows.assign(_x=midpoints(rows), _hue=rows[hue].astype(str).map(lambda c: names.get(c, _role_label(c, lang))))
    order = [names.get(c, _role_label(c, lang)) for c in region_order(pd.unique(rows[hue].astype(str)))]
    codes = {names.get(c, _role_label(c, lang)): c for c in pd.unique(rows[hue].astype(str))}
    palette = {label: region_style(codes[label])["color"] for label in order}
    dashes = {label: _dash(region_style(codes[label])["linestyle"]) for label in order}
    grid = sns.relplot(
        data=rows, x="_x", y=y, hue="_hue", hue_order=order, palette=palette, style="_hue", style_order=order,
        dashes=dashes, markers=False, col=col, col_wrap=col_wrap, kind="line", height=height, aspect=aspect,
        facet_kws={"sharey": sharey, "sharex": True}, errorbar=None,
    )
    titles, common = _titles(rows, col, lang)
    for key, ax in grid.axes_dict.items():
        draw_phases(ax, scheme, lang=lang, labels=False, key_dates=False)
        format_axes(ax, lang=lang, date_axis=True, legend=False, ylabel="", xlabel="")
        ax.set_title(titles.get(key, str(key)), fontsize="small")
    if common:
        grid.figure.supylabel(common, fontsize="small")
    if grid.legend is not None:
        grid.legend.set_title("")
    return grid


def _names(rows: pd.DataFrame, hue: str) -> dict[str, str]:
    if "region_name" in rows and hue == "region_code":
        named = rows[rows["region_name"].notna()]
        return dict(zip(named[hue].astype(str), named["region_name"].astype(str), strict=True))
    return {}


def _titles(rows: pd.DataFrame, col: str, lang: str) -> tuple[dict, str]:
    """Panel titles, and the words all titles share (said once, on the figure's y-axis)."""
    label = f"label_{lang}"
    if col == "indicator" and label in rows:
        titles = dict(zip(rows[col], rows[label].astype(str), strict=True))
    elif col == "region_code" and "region_name" in rows:
        titles = dict(zip(rows[col], rows["region_name"].astype(str), strict=True))
    else:
        return {}, ""
    texts = list(titles.values())
    if len(texts) < 2:
        return {k: textwrap.fill(t, 38) for k, t in titles.items()}, ""
    prefix = os.path.commonprefix(texts)
    prefix = prefix[: prefix.rfind(": ") + 2] if ": " in prefix else ""
    suffix = os.path.commonprefix([t[::-1] for t in texts])[::-1]
    suffix = suffix[suffix.find(", "):] if ", " in suffix else ""
    short = {k: t[len(prefix): len(t) - len(suffix)] for k, t in titles.items()}
    common = (prefix.rstrip(": ") + (" " if prefix and suffix else "") + suffix.lstrip(", ")).strip()
    return {k: textwrap.fill(t[:1].upper() + t[1:], 38) for k, t in short.items()}, common


def _dash(linestyle: str):
    """seaborn wants dash tuples; "" is a solid line."""
    return {"-": "", "--": (4, 2), "-.": (4, 1.5, 1, 1.5), ":": (1, 1.5)}.get(linestyle, "")
