"""The output languages and the number formats, below :mod:`cosie_analysis.words` (which re-exports them).

Dutch output uses a decimal comma and a thousands point (``1.234,5``), English the reverse
(``1,234.5``); both use the true minus sign. Numbers, percentages, p-values and intervals are
formatted here; a missing one is written as :data:`NOT_AVAILABLE` (``word("not_available")``).
"""

from __future__ import annotations

import math

from cosie_analysis.errors import ParameterError

__all__ = ["LANGS", "NOT_AVAILABLE", "check_lang", "format_ci", "format_number", "format_p", "format_pct"]

#: The languages of all output.
LANGS = ("nl", "en")

#: What a sentence writes for a missing number (``word("not_available", lang)``).
NOT_AVAILABLE = {"nl": "n.b.", "en": "n/a"}


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is ``"nl"`` or ``"en"``; raise :class:`ParameterError` otherwise.

    Parameters
    ----------
    lang : str
        The language asked for.

    Returns
    -------
    str
        ``lang``, unchanged.

    Raises
    ------
    ParameterError
        For any other value, naming the allowed ones.

    Examples
    --------
    >>> check_lang("nl")
    'nl'
    """
    if lang not in LANGS:
        raise ParameterError(
            f"`lang` must be one of {list(LANGS)!r}; got {lang!r}. Use 'nl' for Dutch or 'en' for English."
        )
    return lang


def _missing(x) -> bool:
    try:
        return x is None or not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def format_number(x: float | None, decimals: int = 0, lang: str = "nl", *, missing: str = ".") -> str:
    """``1234.5`` -> ``"1.234,5"`` (nl) or ``"1,234.5"`` (en); a missing value -> ``missing``.

    The default missing mark ``"."`` is CBS's; sentences pass ``missing=word("not_available", lang)``.

    Parameters
    ----------
    x : float or None
        The number; ``None``, NaN and infinities count as missing.
    decimals : int, default 0
        Digits after the decimal separator.
    lang : {"nl", "en"}, default "nl"
        Dutch: decimal comma and thousands point; English: the reverse.
    missing : str, default "."
        What to write for a missing value.

    Returns
    -------
    str
        The number with a true minus sign (U+2212) when negative.

    Examples
    --------
    >>> format_number(-0.5, 2, "nl")
    '−0,50'
    >>> format_number(float("nan"))
    '.'
    """
    if x is None or _missing(x):
        return missing
    s = f"{float(x):,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s.replace("-", "\u2212")


def format_pct(x: float | None, lang: str = "nl", *, decimals: int = 1, sign: bool = True) -> str:
    """A proportion as a percentage: ``-0.184`` -> ``"−18,4%"`` (nl), ``"−18.4%"`` (en).

    Parameters
    ----------
    x : float or None
        The proportion (``0.05`` is 5%); missing -> ``NOT_AVAILABLE[lang]``.
    lang : {"nl", "en"}, default "nl"
        The language of the number format.
    decimals : int, default 1
        Digits after the decimal separator of the percentage.
    sign : bool, default True
        Write ``+`` before a positive change.

    Returns
    -------
    str
        The percentage with its ``%`` sign.

    Examples
    --------
    >>> format_pct(0.05, "nl")
    '+5,0%'
    """
    check_lang(lang)
    if x is None or _missing(x):
        return NOT_AVAILABLE[lang]
    s = format_number(100 * float(x), decimals, lang)
    return ("+" + s if sign and float(x) > 0 else s) + "%"


def format_p(p: float | None, lang: str = "nl", *, digits: int = 3) -> str:
    """A p-value as text: ``"p = 0,045"``, and ``"p < 0,001"`` below the last digit shown.

    Parameters
    ----------
    p : float or None
        The p-value; missing -> ``"p = n.b."`` (nl) or ``"p = n/a"`` (en).
    lang : {"nl", "en"}, default "nl"
        The language of the number format.
    digits : int, default 3
        Digits shown; a p-value below ``10**-digits`` is written as ``p < 0,001`` (never ``p = 0,000``).

    Returns
    -------
    str
        ``"p = ..."`` or ``"p < ..."``.

    Examples
    --------
    >>> format_p(1e-9, "en")
    'p < 0.001'
    """
    check_lang(lang)
    if p is None or _missing(p):
        return "p = " + NOT_AVAILABLE[lang]
    floor = 10.0**-digits
    if float(p) < floor:
        return "p < " + format_number(floor, digits, lang)
    return "p = " + format_number(float(p), digits, lang)


def format_ci(lower: float | None, upper: float | None, lang: str = "nl", *, decimals: int = 2,
              pct: bool = False) -> str:
    """An interval as text: ``"[−0,31; 0,12]"`` (nl, a semicolon because of the decimal comma) or
    ``"[−0.31, 0.12]"`` (en).

    Parameters
    ----------
    lower, upper : float or None
        The bounds; a missing bound is written as ``NOT_AVAILABLE[lang]``.
    lang : {"nl", "en"}, default "nl"
        The language of the number format.
    decimals : int, default 2
        Digits after the decimal separator (one fewer for percentages).
    pct : bool, default False
        The bounds are proportions: write them as percentages with :func:`format_pct`.

    Returns
    -------
    str
        ``"[lower; upper]"`` (nl) or ``"[lower, upper]"`` (en).

    Examples
    --------
    >>> format_ci(-0.31, 0.12, "nl")
    '[−0,31; 0,12]'
    """
    check_lang(lang)
    f = (lambda v: format_pct(v, lang, decimals=decimals - 1 if decimals else 0)) if pct else (
        lambda v: format_number(v, decimals, lang, missing=NOT_AVAILABLE[lang]))
    sep = "; " if lang == "nl" else ", "
    return f"[{f(lower)}{sep}{f(upper)}]"
