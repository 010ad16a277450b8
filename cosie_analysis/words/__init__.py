"""All words in one place: every label, phase name and number format in Dutch and English.

Plot functions, ``describe()``, captions and exports look words up here; none spells its own.
Dutch output uses a decimal comma and a thousands point (``1.234,5``), English the reverse
(``1,234.5``); both use the true minus sign. p-values below 0.001 are written ``p < 0,001``.

Examples
--------
>>> from cosie_analysis.words import format_number, format_p, phase_name, word
>>> format_number(1234.5, 1, lang="nl")
'1.234,5'
>>> format_p(0.0002, lang="nl")
'p < 0,001'
>>> format_p(0.0451, lang="en")
'p = 0.045'
>>> phase_name("before", lang="nl")
'vóór corona'
>>> word("per_1000", lang="nl")
'per 1.000 inwoners'
"""

from __future__ import annotations

from cosie_analysis._format import LANGS, check_lang, format_ci, format_number, format_p, format_pct
from cosie_analysis.errors import ParameterError
from cosie_analysis.words._captions import WORDS as _CAPTIONS
from cosie_analysis.words._comparisons import WORDS as _COMPARISONS
from cosie_analysis.words._figures import COLUMN_LABELS, WORDS as _FIGURES
from cosie_analysis.words._general import WORDS as _GENERAL
from cosie_analysis.words._values import VALUE_LABELS

__all__ = [
    "LANGS",
    "MONTHS",
    "PHASE_LABELS",
    "PHASE_WORDS",
    "WORDS",
    "COLUMN_LABELS",
    "VALUE_LABELS",
    "check_lang",
    "column_label",
    "format_ci",
    "format_number",
    "format_p",
    "format_pct",
    "phase_name",
    "pick",
    "value_label",
    "word",
]

#: Phase labels in full ("vóór corona") and short ("vóór"), by language.
PHASE_LABELS = {
    "nl": {"before": "vóór corona", "during": "tijdens corona", "after": "na corona"},
    "en": {"before": "before corona", "during": "during corona", "after": "after corona"},
}
PHASE_WORDS = {
    "nl": {"before": "vóór", "during": "tijdens", "after": "na"},
    "en": {"before": "before", "during": "during", "after": "after"},
}

MONTHS = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def _joined(*tables: dict) -> dict:
    """One table per language from the themed tables (a key is defined once: tests/test_words_tables.py)."""
    return {lang: {k: v for t in tables for k, v in t[lang].items()} for lang in LANGS}


#: Words used on axes, in legends, captions and sentences, by language. Add new words to the themed
#: table they belong to: :mod:`._general`, :mod:`._comparisons`, :mod:`._figures` or :mod:`._captions`.
WORDS = _joined(_GENERAL, _COMPARISONS, _FIGURES, _CAPTIONS)


def column_label(column: str, lang: str = "nl") -> str:
    """The header of a table column in ``lang``; a column without a label keeps its name.

    Examples
    --------
    >>> column_label("estimate", "nl"), column_label("my_column", "nl")
    ('schatting', 'my_column')
    """
    check_lang(lang)
    return COLUMN_LABELS[lang].get(column, column)


def value_label(value: object, lang: str = "nl", *, column: str | None = None) -> str:
    """How a categorical cell reads in a report table: a phase name, a term, a method, yes/no.

    Parameters
    ----------
    value : object
        The cell: an identifier such as ``"level_change"``, a phase, or a boolean.
    lang : {"nl", "en"}, default "nl"
        The language.
    column : str, optional
        The cell's column; in a ``phase`` column the phases are named with :func:`phase_name`.

    Returns
    -------
    str
        The label from :data:`VALUE_LABELS` (booleans as ``ja``/``nee`` or ``yes``/``no``); a value
        without one is returned as text, unchanged.

    Examples
    --------
    >>> value_label("level_change", "nl"), value_label(True, "en"), value_label("after", "nl", column="phase")
    ('niveausprong', 'yes', 'na corona')
    >>> value_label("Houten", "nl")
    'Houten'
    """
    check_lang(lang)
    key = str(value)
    if column == "phase" and key in PHASE_LABELS[lang]:
        return phase_name(key, lang)
    return VALUE_LABELS[lang].get(key, key)


def word(key: str, lang: str = "nl") -> str:
    """The word for ``key`` in ``lang``; raises :class:`ParameterError` for an unknown key.

    Parameters
    ----------
    key : str
        A key of :data:`WORDS`, e.g. ``"source"`` or ``"per_1000"``.
    lang : {"nl", "en"}, default "nl"
        The language.

    Returns
    -------
    str
        The word or phrase.

    Examples
    --------
    >>> word("source", "en")
    'Source'
    """
    check_lang(lang)
    try:
        return WORDS[lang][key]
    except KeyError:
        raise ParameterError(f"No word {key!r} in cosie_analysis.words.WORDS; known: {sorted(WORDS[lang])}.") from None


def phase_name(phase: str, lang: str = "nl", *, short: bool = False) -> str:
    """The display name of a phase: ``"vóór corona"`` (or ``"vóór"`` with ``short=True``).

    Parameters
    ----------
    phase : {"before", "during", "after"}
        The phase's identifier (the values of the ``phase`` column).
    lang : {"nl", "en"}, default "nl"
        The language.
    short : bool, default False
        ``True`` for the one-word form used in tight legends and table headers.

    Returns
    -------
    str
        The name to show.

    Examples
    --------
    >>> phase_name("after", "en", short=True)
    'after'
    """
    table = PHASE_WORDS if short else PHASE_LABELS
    check_lang(lang)
    if phase not in table[lang]:
        raise ParameterError(f"`phase` must be one of {list(table[lang])!r}; got {phase!r}.")
    return table[lang][phase]


def pick(nl: str, en: str, lang: str = "nl") -> str:
    """The Dutch or the English of a pair of words kept beside data outside :data:`WORDS`, such as
    ``MAIN_OFFENCES`` or a sub-phase's ``name_nl`` and ``name_en``.

    Examples
    --------
    >>> pick("Vernieling", "Vandalism", "en")
    'Vandalism'
    """
    check_lang(lang)
    return {"nl": nl, "en": en}[lang]
