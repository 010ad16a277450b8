"""The output languages and the plain number format, below :mod:`cosie_analysis.words` (which re-exports them).

Dutch output uses a decimal comma and a thousands point (``1.234,5``), English the reverse
(``1,234.5``); both use the true minus sign. Formats that need words (percentages, p-values,
intervals) live in :mod:`cosie_analysis.words`.
"""

from __future__ import annotations

import math

from cosie_analysis.errors import ParameterError

__all__ = ["LANGS", "check_lang", "format_number"]

#: The languages of all output.
LANGS = ("nl", "en")


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
