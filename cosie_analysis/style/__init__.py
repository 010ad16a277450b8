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

from cosie_analysis.regions import COMPARISON_GROUP, PILOTS as PILOT_CODES

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

#: Words used on axes and in legends, by language.
NUMBER_TEXT = {
    "nl": {
        "comparison": "Vergelijkingsgroep (overige WIL-gemeenten)", "nederland": "Nederland",
        "source": "Bron", "per_1000": "per 1.000 inwoners", "year": "Jaar", "month": "Maand",
        "synthetic": "SYNTHETISCHE DATA",
    },
    "en": {
        "comparison": "Comparison group (other WIL municipalities)", "nederland": "Netherlands",
        "source": "Source", "per_1000": "per 1,000 inhabitants", "year": "Year", "month": "Month",
        "synthetic": "SYNTHETIC DATA",
    },
}

MONTHS = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def text(key: str, lang: str = "nl") -> str:
    """A fixed word or phrase in Dutch or English (see ``NUMBER_TEXT``)."""
    return NUMBER_TEXT[lang][key]


#: Legend order of the region roles.
ROLE_ORDER = ["houten", "nieuwegein", "comparison", "nederland", "highlight", "other"]


def region_order(codes) -> list:
    """Codes sorted by role (Houten, Nieuwegein, comparison group, Nederland, others), stable otherwise."""
    codes = list(codes)
    return sorted(codes, key=lambda c: (ROLE_ORDER.index(_ROLE_BY_CODE.get(str(c), "other")), codes.index(c)))


def region_style(code: str) -> dict:
    """Colour, line style and marker for a region code or a role name (``"comparison"``,
    ``"highlight"``, ...); any other code is grey."""
    role = code if code in REGION_STYLES else _ROLE_BY_CODE.get(code, "other")
    return dict(REGION_STYLES[role])


def format_number(x: float, decimals: int = 0, lang: str = "nl") -> str:
    """``1234.5`` -> ``"1.234,5"`` (nl) or ``"1,234.5"`` (en). NaN -> ``"."`` (CBS's missing mark)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "."
    s = f"{x:,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s.replace("-", "\u2212")


def number_formatter(lang: str = "nl"):
    """A matplotlib tick formatter with decimal comma (nl) or point (en) and thousands separators."""
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
    """Use the package's matplotlib style inside a ``with`` block."""
    import matplotlib.pyplot as plt

    # Resolve the backend first: leaving the context restores the rcParams, and restoring a
    # not-yet-resolved backend would switch away from e.g. Jupyter's inline backend.
    plt.get_backend()
    path = resources.files("cosie_analysis").joinpath("style/cosie.mplstyle")
    with resources.as_file(path) as p, plt.style.context(str(p)):
        yield
