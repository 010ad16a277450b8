"""The one report style: palette, the matplotlib style file, and Dutch/English number and date labels.

Colours come from the Okabe-Ito colour-blind-safe palette; each region role also has its own line
style and marker so the figures survive grey-scale printing. Other palettes (a greyscale one with
hatched phase bands, or a user's mapping) live in :mod:`cosie_analysis.style.palette` and are switched
on with ``report_style(palette=...)`` or the ``palette=`` argument of the plot functions.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from importlib import resources
from itertools import pairwise
from typing import Any

__all__ = [
    "REGION_STYLES",
    "PILOT_CODES",
    "COMPARISON_GROUP",
    "MONTHS",
    "region_style",
    "region_styles",
    "phase_style",
    "get_palette",
    "PALETTES",
    "format_number",
    "number_formatter",
    "report_style",
    "text",
]

from cosie_analysis.data.regions import COMPARISON_GROUP, PILOTS as PILOT_CODES
from cosie_analysis.style.palette import (
    PALETTES,
    ROLE_BY_CODE as _ROLE_BY_CODE,
    get_palette,
    phase_style,
    region_styles,
    use_palette,
)
from cosie_analysis.words import MONTHS, format_number, word

#: Fixed colour, line style and marker per region role in the default palette (Okabe-Ito colours).
REGION_STYLES = {role: dict(style) for role, style in PALETTES["okabe-ito"].roles.items()}

#: Fill colours of the phase spans: light, colour-blind safe (Paul Tol's pale/light schemes) and with
#: distinct grey values (grey levels 242 before, 228 after, 212 and 194 for the two "during" tints;
#: the second "during" tint alternates between sub-phases).
PHASE_COLORS = {phase: style["facecolor"] for phase, style in PALETTES["okabe-ito"].phases.items()}
KEY_DATE_STYLE: dict[str, Any] = {"color": "#8C8C8C", "linewidth": 0.5, "linestyle": (0, (3, 2)), "zorder": 0.5}


text = word

#: Legend order of the region roles.
ROLE_ORDER = ["houten", "nieuwegein", "comparison", "nederland", "highlight", "other"]


def region_order(codes) -> list:
    """Codes sorted by role (Houten, Nieuwegein, comparison group, Nederland, others), stable otherwise."""
    codes = list(codes)
    return sorted(codes, key=lambda c: (ROLE_ORDER.index(_ROLE_BY_CODE.get(str(c), "other")), codes.index(c)))


def region_style(code: str, palette=None) -> dict:
    """Colour, line style and marker for a region code or a role name, in the active palette.

    Parameters
    ----------
    code : str
        A region code (``"GM0321"`` Houten, ``"GM0356"`` Nieuwegein, ``"NL"``/``"NL00"`` Nederland) or
        a role name of :data:`REGION_STYLES` (``"comparison"``, ``"highlight"``, ``"other"``, ...).
    palette : {"okabe-ito", "grey"}, mapping or Palette, optional
        Default: the active palette (:func:`report_style`). :func:`region_styles` gives several further
        regions distinct styles.

    Returns
    -------
    dict
        A new dict with ``color`` (hex), ``linestyle`` and ``marker``, ready for ``ax.plot(**style)``;
        any code without a role gets the grey ``"other"`` style.

    Examples
    --------
    >>> from cosie_analysis.style import region_style
    >>> region_style("GM0321")
    {'color': '#0072B2', 'linestyle': '-', 'marker': 'o'}
    >>> region_style("GM0344")["color"]
    '#BBBBBB'
    """
    pal = get_palette(palette)
    if code in pal.codes:
        return dict(pal.codes[code])
    role = code if code in pal.roles else _ROLE_BY_CODE.get(code, "other")
    return dict(pal.roles[role])


def number_formatter(lang: str = "nl"):
    """A matplotlib tick formatter with decimal comma (nl) or point (en) and thousands separators.

    Ticks get as many decimals as the step between them needs (at most six), so ``0,5 1,0 1,5`` rather
    than ``0,5 1 1,5``.

    Parameters
    ----------
    lang : {"nl", "en"}, default "nl"
        The language of the number format (:func:`cosie_analysis.words.format_number`).

    Returns
    -------
    matplotlib.ticker.Formatter
        For ``ax.yaxis.set_major_formatter(...)``.

    Examples
    --------
    >>> from cosie_analysis.style import number_formatter
    >>> f = number_formatter("nl")
    >>> f.set_locs([0.0, 1500.0, 3000.0])
    >>> f(1500.0)
    '1.500'
    >>> f.set_locs([0.0, 0.5, 1.0])
    >>> f(1.0)
    '1,0'
    """
    from matplotlib.ticker import Formatter

    class _NumberFormatter(Formatter):
        _ticks: list = []

        def set_locs(self, locs):
            self._ticks = [float(v) for v in locs if math.isfinite(v)]

        def __call__(self, x, pos=None):
            locs = self._ticks or [x]
            step = min((abs(b - a) for a, b in pairwise(locs) if b != a), default=1.0)
            decimals = 0
            while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6 * 10**decimals:
                decimals += 1
            return format_number(0.0 if abs(x) < step * 1e-9 else x, decimals, lang)

    return _NumberFormatter()


@contextmanager
def report_style(palette=None):
    """Use the package's matplotlib style inside a ``with`` block.

    The style (``style/cosie.mplstyle``) sets the fonts, sizes, grid and PDF/SVG options of the report
    figures; the previous settings come back when the block ends.

    Parameters
    ----------
    palette : {"okabe-ito", "grey"}, mapping or Palette, optional
        The palette of every figure drawn inside the block (see :mod:`cosie_analysis.style.palette`):
        the default colour-blind-safe one, ``"grey"`` for greyscale print (hatched phase bands), or a
        mapping of region codes or roles to colours laid over the default. It also sets matplotlib's
        colour cycle, for one's own ``ax.plot`` calls.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager; use it as ``with report_style(): ...``.

    Examples
    --------
    >>> from cosie_analysis.style import region_style, report_style
    >>> with report_style(palette="grey"):
    ...     region_style("GM0321")["color"]
    '#000000'
    """
    import matplotlib.pyplot as plt
    from cycler import cycler

    # Resolve the backend first: leaving the context restores the rcParams, and restoring a
    # not-yet-resolved backend would switch away from e.g. Jupyter's inline backend.
    plt.get_backend()
    pal = get_palette(palette)
    path = resources.files("cosie_analysis").joinpath("style/cosie.mplstyle")
    with resources.as_file(path) as p, plt.style.context(str(p)), use_palette(pal):
        if palette is not None:
            styles = [pal.roles["houten"], pal.roles["nieuwegein"], pal.roles["comparison"], *pal.cycle]
            plt.rcParams["axes.prop_cycle"] = cycler(color=[s["color"] for s in styles],
                                                     linestyle=[s["linestyle"] for s in styles])
        yield
