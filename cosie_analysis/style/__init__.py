"""The one report style: palette, the matplotlib style file, and Dutch/English number and date labels.

Colours come from the Okabe-Ito colour-blind-safe palette; each region role also has its own line
style and marker so the figures survive grey-scale printing.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from importlib import resources

__all__ = [
    "REGION_STYLES",
    "PILOT_CODES",
    "COMPARISON_GROUP",
    "MONTHS",
    "NUMBER_TEXT",
    "region_style",
    "format_number",
    "number_formatter",
    "report_style",
    "text",
]

from cosie_analysis.data.regions import COMPARISON_GROUP, PILOTS as PILOT_CODES
from cosie_analysis.words import MONTHS, WORDS, format_number, word

#: Fixed colour, line style and marker per region role (Okabe-Ito colours).
REGION_STYLES = {
    "houten": {"color": "#0072B2", "linestyle": "-", "marker": "o"},
    "nieuwegein": {"color": "#D55E00", "linestyle": "--", "marker": "s"},
    "comparison": {"color": "#009E73", "linestyle": "-.", "marker": "^"},
    "nederland": {"color": "#000000", "linestyle": "-", "marker": "D"},
    "other": {"color": "#BBBBBB", "linestyle": "-", "marker": "."},
    "highlight": {"color": "#CC79A7", "linestyle": "-", "marker": "o"},
}
_ROLE_BY_CODE = {"GM0321": "houten", "GM0356": "nieuwegein", "NL00": "nederland", "NL01": "nederland",
                 "NL": "nederland", "comparison": "comparison"}

#: Kept for existing imports: the words live in :mod:`cosie_analysis.words`.
NUMBER_TEXT = WORDS

#: Fill colours of the phase spans: light, colour-blind safe (Paul Tol's pale/light schemes) and with
#: distinct grey values (grey levels 242 before, 228 after, 212 and 194 for the two "during" tints;
#: the second "during" tint alternates between sub-phases).
PHASE_COLORS = {"before": "#F5F7FB", "during": "#F2CCA8", "during_alt": "#F6DCC3", "after": "#E8F1E1"}
KEY_DATE_STYLE = {"color": "#8C8C8C", "linewidth": 0.5, "linestyle": (0, (3, 2)), "zorder": 0.5}


text = word

#: Legend order of the region roles.
ROLE_ORDER = ["houten", "nieuwegein", "comparison", "nederland", "highlight", "other"]


def region_order(codes) -> list:
    """Codes sorted by role (Houten, Nieuwegein, comparison group, Nederland, others), stable otherwise."""
    codes = list(codes)
    return sorted(codes, key=lambda c: (ROLE_ORDER.index(_ROLE_BY_CODE.get(str(c), "other")), codes.index(c)))


def region_style(code: str) -> dict:
    """Colour, line style and marker for a region code or a role name.

    Parameters
    ----------
    code : str
        A region code (``"GM0321"`` Houten, ``"GM0356"`` Nieuwegein, ``"NL"``/``"NL00"`` Nederland) or
        a role name of :data:`REGION_STYLES` (``"comparison"``, ``"highlight"``, ``"other"``, ...).

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
    role = code if code in REGION_STYLES else _ROLE_BY_CODE.get(code, "other")
    return dict(REGION_STYLES[role])


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
            step = min((abs(b - a) for a, b in zip(locs, locs[1:]) if b != a), default=1.0)
            decimals = 0
            while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6 * 10**decimals:
                decimals += 1
            return format_number(0.0 if abs(x) < step * 1e-9 else x, decimals, lang)

    return _NumberFormatter()


@contextmanager
def report_style():
    """Use the package's matplotlib style inside a ``with`` block.

    The style (``style/cosie.mplstyle``) sets the fonts, sizes, grid and PDF/SVG options of the report
    figures; the previous settings come back when the block ends.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager; use it as ``with report_style(): ...``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cosie_analysis.style import report_style
    >>> with report_style():
    ...     fig, ax = plt.subplots()
    ...     fonttype = plt.rcParams["pdf.fonttype"]
    >>> fonttype
    42
    """
    import matplotlib.pyplot as plt

    # Resolve the backend first: leaving the context restores the rcParams, and restoring a
    # not-yet-resolved backend would switch away from e.g. Jupyter's inline backend.
    plt.get_backend()
    path = resources.files("cosie_analysis").joinpath("style/cosie.mplstyle")
    with resources.as_file(path) as p, plt.style.context(str(p)):
        yield
