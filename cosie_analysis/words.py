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

import math

from cosie_analysis.errors import ParameterError

__all__ = [
    "LANGS",
    "MONTHS",
    "PHASE_LABELS",
    "PHASE_WORDS",
    "WORDS",
    "check_lang",
    "format_ci",
    "format_number",
    "format_p",
    "format_pct",
    "phase_name",
    "word",
]

#: The languages of all output.
LANGS = ("nl", "en")

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

#: Words used on axes, in legends, captions and sentences, by language. Add new words here.
WORDS = {
    "nl": {
        "comparison": "Vergelijkingsgroep (overige WIL-gemeenten)", "nederland": "Nederland",
        "source": "Bron", "per_1000": "per 1.000 inwoners", "year": "Jaar", "month": "Maand",
        "synthetic": "SYNTHETISCHE DATA", "not_available": "n.b.",
    },
    "en": {
        "comparison": "Comparison group (other WIL municipalities)", "nederland": "Netherlands",
        "source": "Source", "per_1000": "per 1,000 inhabitants", "year": "Year", "month": "Month",
        "synthetic": "SYNTHETIC DATA", "not_available": "n/a",
    },
}  # fmt: skip

# ---- comparisons (donor pools, synthetic control / DiD, multiverse); kept as one block to ease merging
WORDS["nl"].update({
    "pool_reason_kept": "gekozen", "pool_reason_requested": "gevraagd", "pool_reason_treated": "behandelde eenheid",
    "pool_reason_not_requested": "niet gevraagd", "pool_reason_no_attributes": "kenmerken ontbreken",
    "pool_reason_urbanity": "andere stedelijkheid", "pool_reason_population": "ander inwonertal",
    "pool_reason_province": "andere provincie", "pool_reason_labour_market_region": "andere arbeidsmarktregio",
    "pool_reason_island": "Waddeneiland", "pool_reason_excluded": "uitgesloten",
    "pool_reason_incomplete_series": "onvolledige reeks", "pool_reason_not_nearest": "niet bij de dichtstbijzijnde",
    "pool_rule": "Donorkeuze",
    "no_test": "geen toets: de pre-periode past exact, de verhouding is niet informatief",
    "specification": "Specificatie (gesorteerd)", "effect": "Effect",
    "multiverse_summary": ("{unit}: {n} specificaties, mediaan relatief effect {median}; {positive} positief; "
                           "{significant} van de specificaties met een toets heeft p < 0,05."),
})
WORDS["en"].update({
    "pool_reason_kept": "kept", "pool_reason_requested": "requested", "pool_reason_treated": "treated unit",
    "pool_reason_not_requested": "not requested", "pool_reason_no_attributes": "attributes missing",
    "pool_reason_urbanity": "different urbanity", "pool_reason_population": "different population size",
    "pool_reason_province": "different province", "pool_reason_labour_market_region": "different labour-market region",
    "pool_reason_island": "Wadden island", "pool_reason_excluded": "excluded",
    "pool_reason_incomplete_series": "incomplete series", "pool_reason_not_nearest": "not among the nearest",
    "pool_rule": "Donor pool",
    "no_test": "no test: the pre-period fits exactly, the ratio is not informative",
    "specification": "Specification (sorted)", "effect": "Effect",
    "multiverse_summary": ("{unit}: {n} specifications, median relative effect {median}; {positive} positive; "
                           "{significant} of the specifications with a test have p < 0.05."),
})


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is ``"nl"`` or ``"en"``; raise :class:`ParameterError` otherwise.

    Examples
    --------
    >>> check_lang("nl")
    'nl'
    """
    if lang not in LANGS:
        raise ParameterError(f"`lang` must be one of {list(LANGS)!r}; got {lang!r}. Use 'nl' for Dutch or 'en' for English.")
    return lang


def word(key: str, lang: str = "nl") -> str:
    """The word for ``key`` in ``lang``; raises :class:`ParameterError` for an unknown key.

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


def _missing(x) -> bool:
    try:
        return x is None or not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def format_number(x: float | None, decimals: int = 0, lang: str = "nl", *, missing: str = ".") -> str:
    """``1234.5`` -> ``"1.234,5"`` (nl) or ``"1,234.5"`` (en); a missing value -> ``missing``.

    The default missing mark ``"."`` is CBS's; sentences pass ``missing=word("not_available", lang)``.

    Examples
    --------
    >>> format_number(-0.5, 2, "nl")
    '−0,50'
    >>> format_number(float("nan"))
    '.'
    """
    if _missing(x):
        return missing
    s = f"{float(x):,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s.replace("-", "\u2212")


def format_pct(x: float | None, lang: str = "nl", *, decimals: int = 1, sign: bool = True) -> str:
    """A proportion as a percentage: ``-0.184`` -> ``"−18,4%"`` (nl), ``"−18.4%"`` (en).

    Examples
    --------
    >>> format_pct(0.05, "nl")
    '+5,0%'
    """
    if _missing(x):
        return word("not_available", lang)
    s = format_number(100 * float(x), decimals, lang)
    return ("+" + s if sign and float(x) > 0 else s) + "%"


def format_p(p: float | None, lang: str = "nl", *, digits: int = 3) -> str:
    """A p-value as text: ``"p = 0,045"``, and ``"p < 0,001"`` below the last digit shown.

    Examples
    --------
    >>> format_p(1e-9, "en")
    'p < 0.001'
    """
    if _missing(p):
        return "p = " + word("not_available", lang)
    floor = 10.0**-digits
    if float(p) < floor:
        return "p < " + format_number(floor, digits, lang)
    return "p = " + format_number(float(p), digits, lang)


def format_ci(lower: float | None, upper: float | None, lang: str = "nl", *, decimals: int = 2,
              pct: bool = False) -> str:
    """An interval as text: ``"[−0,31; 0,12]"`` (nl, a semicolon because of the decimal comma) or
    ``"[−0.31, 0.12]"`` (en).

    Examples
    --------
    >>> format_ci(-0.31, 0.12, "nl")
    '[−0,31; 0,12]'
    """
    f = (lambda v: format_pct(v, lang, decimals=decimals - 1 if decimals else 0)) if pct else (
        lambda v: format_number(v, decimals, lang, missing=word("not_available", lang)))
    sep = "; " if lang == "nl" else ", "
    return f"[{f(lower)}{sep}{f(upper)}]"
