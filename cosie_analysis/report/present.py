"""Presenting a table to a reader, once for every writer: headers, values, periods, names, numbers.

:func:`cosie_analysis.report.export.save_table` hands every table through :func:`present` before
writing it. What a reader of the Markdown, LaTeX, Word and Excel files sees:

* headers from :data:`cosie_analysis.words.COLUMN_LABELS`; a header that is a CBS period code
  reads as the period (``2015JJ00`` -> ``2015``);
* categorical cells as words (:func:`cosie_analysis.words.value_label`: phases, terms, methods,
  tests, status, ``ja``/``nee``), CBS period codes as a reader writes them (``2020MM03`` ->
  ``mrt 2020``, ``2020KW01`` -> ``2020 K1``; in English ``Mar 2020``, ``2020 Q1``), dates as
  ``1 mrt 2020``, indicator codes by their label and region codes in ``treated``/``donor`` by name
  when ``names`` holds them, offence codes (``1.1.1``) and donor pool rules in words; a ``region_code`` column gets a
  ``region_name`` column beside it;
* one number of decimals per column, chosen from the column's magnitude (three significant digits of
  its median absolute value, or two of its smallest, at most four decimals) and shared by columns
  that hold the same quantity (an estimate with its standard error and interval; the years of a
  wide table); where a ``term`` column says that the rows hold different quantities (an ITS table:
  log coefficients, counts, cumulative counts, shares), the estimate and its interval are shown
  with the decimals of their own term;
  whole-number columns as integers, years without a thousands separator, p-values with three
  decimals and ``< 0,001`` below 0.001.

The CSV keeps the identifiers (column names, codes, English values) for reuse in analysis: it is
written from :attr:`Presented.rounded`, which holds the rounded numbers and the raw values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cosie_analysis.data.regions import MAIN_OFFENCES
from cosie_analysis.estimate.multiverse import SAME
from cosie_analysis.words import MONTHS, column_label, format_number, pick, value_label, word

__all__ = ["Presented", "decimals_for", "is_p_column", "period_label", "present", "table_names"]

_PERIOD = re.compile(r"^(\d{4})(?:(JJ)00|MM(0[1-9]|1[0-2])|KW0([1-4]))$")
_QUARTER = {"nl": "K", "en": "Q"}
#: Columns whose cells may be region codes shown by name (when the table has no ``<column>_name``).
_NAMED_CODES = ("treated", "donor")
#: Columns holding the same quantity, so shown with the same decimals.
_GROUPS = {
    "estimate": ("estimate", "std_err", "ci_lower", "ci_upper"),
    "relative": ("relative_effect", "relative_change", "relative_std_err", "relative_ci_lower", "relative_ci_upper"),
    "describe": ("mean", "sd", "median", "min", "max", "before_mean"),
    "loo": ("loo_min", "loo_max"),
    "rmspe": ("rmspe_pre", "rmspe_pre_cv", "rmspe_post"),
}
_GROUP_OF = {col: key for key, cols in _GROUPS.items() for col in cols}
_P_FLOOR = 0.001


@dataclass(frozen=True)
class Presented:
    """A table ready for the writers.

    ``rounded``: rounded numbers and raw values (the CSV); ``shown``: every cell as the reader sees
    it; ``headers``: the column headers in the language; ``digits``: the decimals of each numeric
    column; ``excel_formats``: the xlsx number format of each numeric column.
    """

    rounded: pd.DataFrame
    shown: pd.DataFrame
    headers: tuple[str, ...]
    digits: Mapping[str, int]
    excel_formats: Mapping[str, str]


def period_label(code: object, lang: str = "nl") -> str:
    """A CBS period code as a reader writes it; anything else as text, unchanged.

    Examples
    --------
    >>> period_label("2015JJ00", "nl"), period_label("2020MM03", "nl"), period_label("2020KW01", "en")
    ('2015', 'mrt 2020', '2020 Q1')
    >>> period_label("GM0321", "nl")
    'GM0321'
    """
    match = _PERIOD.match(str(code))
    if match is None:
        return str(code)
    year, annual, month, quarter = match.groups()
    if annual:
        return year
    if month:
        return f"{MONTHS[lang][int(month) - 1]} {year}"
    return f"{year} {_QUARTER[lang]}{quarter}"


def is_p_column(column: str) -> bool:
    """True for a p-value column (``p``, ``p_value``, ``p_adjusted``, ``p_min``, ...).

    Examples
    --------
    >>> is_p_column("p_adjusted"), is_p_column("pool_rule")
    (True, False)
    """
    return column == "p" or column.startswith("p_")


def _is_year(column: str) -> bool:
    return column in ("year", "jaar") or column.endswith("_year")


def decimals_for(values) -> int:
    """Decimals for a column of numbers: 0 for whole numbers, else three significant digits of the
    median absolute non-zero value, or more for two significant digits of the smallest non-zero
    value (a column spanning several orders of magnitude); between 0 and 4.

    Examples
    --------
    >>> decimals_for([1234.5678, -2.5, 0.125]), decimals_for([-0.24, 0.0031, 0.0003]), decimals_for([3, 12])
    (2, 4, 0)
    """
    present = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    present = present[np.isfinite(present)]
    if not len(present) or np.all(np.isclose(present % 1, 0) | np.isclose(present % 1, 1)):
        return 0
    nonzero = np.abs(present[present != 0])
    typical = 2 - math.floor(math.log10(float(np.median(nonzero))))  # three significant digits
    smallest = 1 - math.floor(math.log10(float(nonzero.min())))  # and two of the smallest
    return int(min(max(typical, smallest, 0), 4))


def _numeric(table: pd.DataFrame) -> pd.DataFrame:
    """Object columns that hold only numbers (and gaps) become float, so they are rounded like the rest."""
    out = table.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype == object:
            cells = values.dropna()
            if len(cells) and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in cells):
                out[col] = values.astype(float)
    return out


def _digits(table: pd.DataFrame, decimals: int | Mapping[str, int] | None) -> dict[str, int]:
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
               and not pd.api.types.is_bool_dtype(table[c])]
    periods = [c for c in numeric if _PERIOD.match(str(c))]
    digits: dict[str, int] = {}
    for col in numeric:
        chosen = decimals.get(col) if isinstance(decimals, Mapping) else None
        if chosen is not None:
            digits[col] = int(chosen)
        elif pd.api.types.is_integer_dtype(table[col]) or _is_year(str(col)):
            digits[col] = 0
        elif is_p_column(str(col)):
            digits[col] = 3
        elif col == "conf_level":
            digits[col] = 2
        elif isinstance(decimals, int) and decimals_for(table[col]) > 0:
            digits[col] = decimals
        else:
            key = _GROUP_OF.get(col, col)
            group = periods if col in periods else [c for c in numeric if _GROUP_OF.get(c, c) == key]
            digits[col] = decimals_for(pd.concat([table[c].astype(float) for c in group]))
    return digits


def _term_digits(table: pd.DataFrame, digits: Mapping[str, int]) -> dict[str, list[int]]:
    """Decimals per row for the estimate columns of a table whose ``term`` column mixes quantities of
    different magnitudes (decimals two or more apart): each term's from its own values."""
    cols = [c for c in _GROUPS["estimate"] if c in digits and digits[c] > 0]
    if "term" not in table.columns or not cols or table["term"].nunique() < 2:
        return {}
    values = table[cols].astype(float)
    own = {t: decimals_for(values[table["term"] == t].to_numpy().ravel()) for t in table["term"].dropna().unique()}
    if max(own.values()) - min(own.values()) < 2:  # quantities of one magnitude: the column's decimals serve
        return {}
    return {c: [own.get(t, digits[c]) for t in table["term"]] for c in cols}


def _rounded(table: pd.DataFrame, digits: Mapping[str, int]) -> pd.DataFrame:
    out = table.copy()
    for col, d in digits.items():
        values = out[col].astype(float)
        if is_p_column(str(col)) and d == 3:
            # below the floor keep two significant digits (shown as "< 0,001"), not a misleading 0.000
            out[col] = [float(f"{v:.2g}") if v < _P_FLOOR else round(v, 3) for v in values]
        else:
            out[col] = values.round(d) if d else values.round(0).astype("Int64")
    return out


def _number_text(col: str, value, d: int, lang: str, missing: str) -> str:
    if pd.isna(value):
        return missing
    if _is_year(col) and d == 0:
        return str(int(value))
    if is_p_column(col) and d == 3 and float(value) < _P_FLOOR:
        return "< " + format_number(_P_FLOOR, 3, lang)
    return format_number(float(value), d, lang)


def _cell_text(col: str, value, lang: str, names: Mapping[str, str], named: bool) -> str:
    if not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"
    text = str(value)
    if col == "pool_rule" and text != "-":
        from cosie_analysis.estimate._donors import pool_rule_words

        return pool_rule_words(text, lang)
    if col == "offence" and text in MAIN_OFFENCES:
        return pick(*MAIN_OFFENCES[text], lang)
    if col == "scheme" and SAME in text:  # the multiverse's coinciding schemes, each named
        return SAME.join(value_label(part, lang, column=col) for part in text.split(SAME))
    if named and text in names:
        return names[text]
    if _PERIOD.match(text):
        return period_label(text, lang)
    return value_label(value, lang, column=col)


def _with_names(table: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``region_name`` beside ``region_code`` when the table has codes with known names but no names."""
    if "region_code" not in table.columns or "region_name" in table.columns:
        return table
    found = table["region_code"].map(lambda c: names.get(str(c)) if pd.notna(c) else None)
    if found.isna().all():
        return table
    out = table.copy()
    out.insert(list(out.columns).index("region_code") + 1, "region_name", found.astype(object))
    return out


def _excel_format(col: str, d: int, lang: str) -> str:
    if _is_year(col) and d == 0:
        return "0"
    plain = "#,##0" if d == 0 else "#,##0." + "0" * d
    if is_p_column(col) and d == 3:
        return '[<0.001]"< ' + format_number(_P_FLOOR, 3, lang) + '";0.000'
    return plain


def present(table: pd.DataFrame, *, lang: str, decimals: int | Mapping[str, int] | None = None,
            names: Mapping[str, str] | None = None, missing: str = "") -> Presented:
    """Round and render ``table`` for a reader in ``lang`` (see the module's description).

    Parameters
    ----------
    table : pandas.DataFrame
        The table after disclosure control; not modified.
    lang : {"nl", "en"}
    decimals : int or mapping, optional
        Default: chosen per column from its magnitude. An int fixes the decimals of every column of
        fractional numbers; a mapping those of the columns it names. p-values get 3, whole numbers 0.
    names : mapping, optional
        Names of codes in ``lang``: region codes (``GM0321`` -> ``Houten``) and indicator codes
        (``crime_1_1_1`` -> its label). Default none.
    missing : str, default ""
        What an empty numeric cell shows (``"."`` in a table after disclosure control).

    Returns
    -------
    Presented

    Examples
    --------
    >>> t = pd.DataFrame({"phase": ["before", "after"], "estimate": [1.5, -0.25], "p_value": [0.0004, 0.2],
    ...                   "year": [2019, 2021]})  # synthetic
    >>> p = present(t, lang="nl")
    >>> p.headers
    ('fase', 'schatting', 'p-waarde', 'jaar')
    >>> p.shown.values.tolist()
    [['vóór corona', '1,500', '< 0,001', '2019'], ['na corona', '−0,250', '0,200', '2021']]
    """
    names = names or {}
    frame = _with_names(_numeric(table), names)
    digits = _digits(frame, decimals)
    per_term = {} if decimals is not None else _term_digits(frame, digits)
    digits |= {c: max(digits[c], *d) for c, d in per_term.items()}  # the rounded numbers keep what any row shows
    rounded = _rounded(frame, digits)
    shown = pd.DataFrame(index=rounded.index)
    for col in rounded.columns:
        if col in per_term:  # this row's quantity: its own decimals, from the unrounded value
            shown[col] = [_number_text(str(col), v if pd.isna(v) else float(np.round(float(v), d)), d, lang, missing)
                          for v, d in zip(frame[col], per_term[col], strict=True)]
        elif col in digits:
            shown[col] = [_number_text(str(col), v, digits[col], lang, missing) for v in rounded[col]]
        else:
            named = col == "indicator" or (col in _NAMED_CODES and f"{col}_name" not in rounded.columns)
            shown[col] = [_cell_text(str(col), v, lang, names, named) for v in rounded[col]]
    headers = tuple(period_label(c, lang) if _PERIOD.match(str(c)) else column_label(str(c), lang)
                    for c in rounded.columns)
    formats = {col: _excel_format(str(col), d, lang) for col, d in digits.items()}
    return Presented(rounded=rounded, shown=shown.astype(str), headers=headers, digits=digits, excel_formats=formats)


def table_names(obs, lang: str) -> dict[str, str]:
    """The names a report table shows for codes (``names`` of :func:`present`): region code -> region
    name, indicator -> its label in ``lang``, from an observation table.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"region_code": ["GM0321"], "region_name": ["Houten"], "indicator": ["x"],
    ...                     "label_nl": ["Een maat"], "label_en": ["A measure"]})  # synthetic
    >>> names = table_names(obs, "en")
    >>> names["GM0321"], names["x"], names["NL"]
    ('Houten', 'A measure', 'Netherlands')
    """
    names: dict[str, str] = {}
    if {"region_code", "region_name"} <= set(obs.columns):
        regions = obs[["region_code", "region_name"]].dropna().drop_duplicates("region_code")
        names.update(zip(regions["region_code"].astype(str), regions["region_name"].astype(str), strict=True))
    label = f"label_{lang}"
    if {"indicator", label} <= set(obs.columns):
        labels = obs[["indicator", label]].dropna().drop_duplicates("indicator")
        names.update(zip(labels["indicator"].astype(str), labels[label].astype(str), strict=True))
    names.setdefault("NL", word("nederland", lang))  # the pooled groups of pooled_rates()
    names.setdefault("comparison", word("comparison", lang))
    return names

