"""Reading pilot workbooks as text, and the strict readings of their periods and numbers.

Every cell of a register is first read as text, from CSV (in chunks, by
:mod:`cosie_analysis.pilot.source`) or from every part of an Excel workbook (here), so that one set
of checks applies to both. Periods (:func:`parse_when`) and
numbers (:func:`parse_value`) are then read strictly: a month is 1-12, a period lies between
``first_year`` and today, and a number is read only when its Dutch and English readings agree
(``1.000`` could be one thousand or one, so it is an error that names both readings).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.pilot.identifiers import identifier_kinds

__all__ = [
    "EXCEL_SUFFIXES",
    "FIRST_YEAR",
    "MAX_VALUE",
    "REGISTER_SUFFIXES",
    "RegisterProblem",
    "load_measures",
    "parse_value",
    "parse_when",
    "shown",
    "template_path",
]

#: Workbooks read as registers; ``.xlsm`` is read like ``.xlsx`` (its macros are never run).
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Every file type a register may have; ``build`` refuses other files in ``data/raw/pilot/``.
REGISTER_SUFFIXES = (".csv", *EXCEL_SUFFIXES)
#: The first year a register may hold without an explicit ``first_year=`` (the CoSIE project started
#: in 2017; an earlier year is far more often a typing error than a baseline).
FIRST_YEAR = 2017
#: Values at or above this are refused: no count or amount of the pilots comes near it, and larger
#: numbers overflow the integer arithmetic of disclosure control.
MAX_VALUE = 1e12

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq](\d)$")
_YEAR = re.compile(r"^(\d{4})$")
_CBS = re.compile(r"^(\d{4})(MM|KW|JJ)(\d{2})$")
_DUTCH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_SHOWN = re.compile(r"^[0-9.,:;<>=+\-/ QqKWMJ]{1,16}$")


@dataclass(frozen=True)
class RegisterProblem:
    """One problem found in a register: where it is and what to do about it.

    ``row`` counts data rows from 1 (the header is not a row); ``line`` is the line of a CSV file
    (header = line 1) or the row number Excel shows; both are None for a problem of the whole file
    or of a column. Messages never hold a value that could identify someone.
    """

    kind: str
    message: str
    row: int | None = None
    line: int | None = None
    column: str | None = None
    line_label: str = "line"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row} ({self.line_label} {self.line})")
        if self.column is not None:
            where.append(f"column `{self.column}`")
        return (", ".join(where) or "file") + ": " + self.message


def shown(text: object) -> str | None:
    """``repr(text)`` when it is safe to repeat in a message (short, digits and signs only, no
    identifier), else None: then the message says that the value is not shown."""
    s = str(text)
    if _SHOWN.match(s) and not identifier_kinds(s):
        return repr(s)
    return None


@lru_cache(maxsize=1)
def _measures() -> pd.DataFrame:
    text = resources.files("cosie_analysis").joinpath("resources/pilot_register_dictionary.csv").read_text("utf-8")
    m = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    m["person_level"] = m["person_level"].eq("true")
    for c in ("min", "max"):
        m[c] = pd.to_numeric(m[c].replace("", np.nan)).astype("float64")
    return m


def load_measures() -> pd.DataFrame:
    """The data dictionary of measures (a copy).

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure``, ``pilot`` (houten, nieuwegein or both), ``kind`` (count:
        whole and not negative; amount: not negative; score: within ``min``-``max``), ``unit`` and
        its Dutch spelling ``unit_nl``, ``person_level`` (bool: the measure counts or describes
        people or households, so its tables need disclosure control), ``min``, ``max``,
        ``label_nl``, ``label_en``, ``description``.

    Examples
    --------
    >>> m = load_measures()
    >>> m.loc[m["measure"] == "matches", ["pilot", "kind", "unit"]].to_numpy().tolist()
    [['houten', 'count', 'persons']]
    """
    return _measures().copy()


def template_path() -> Path:
    """The empty register template (header only), shipped with the package.

    Returns
    -------
    pathlib.Path
        The CSV file inside the installed package; copy it, do not edit it in place.

    Examples
    --------
    >>> template_path().name
    'pilot_register_template.csv'
    """
    return Path(str(resources.files("cosie_analysis").joinpath("resources/pilot_register_template.csv")))


# --------------------------------------------------------------------------- periods and numbers


def parse_when(text: str, *, first_year: int = FIRST_YEAR, today: pd.Timestamp | None = None):
    """``(start, end, frequency)`` of a register period, or the reason it is refused (a str).

    Accepted: a day ``YYYY-MM-DD``, a month ``YYYY-MM``, a quarter ``YYYY-Qn``, a year ``YYYY`` and
    the CBS codes ``YYYYMMnn``, ``YYYYKWnn``, ``YYYYJJ00``. The month is 1-12, the quarter 1-4, the
    day exists; the period starts in ``first_year`` or later and not after ``today`` (a period
    that has not begun cannot have been observed).
    """
    today = pd.Timestamp.today().normalize() if today is None else today
    s = str(text).strip()
    fmt = ("write a day as YYYY-MM-DD, a month as YYYY-MM, a quarter as YYYY-Qn or a year as YYYY")
    try:
        if m := _DAY.match(s):
            start = pd.Timestamp(year=int(m[1]), month=int(m[2]), day=int(m[3]))
            result = (start, start, "day")
        elif m := _MONTH.match(s):
            if not 1 <= int(m[2]) <= 12:
                return f"{shown(s) or 'the value'} has month {int(m[2])}: a month is 01-12. {fmt[0].upper() + fmt[1:]}."
            p = pd.Period(year=int(m[1]), month=int(m[2]), freq="M")
            result = (p.start_time.normalize(), p.end_time.normalize(), "month")
        elif m := _QUARTER.match(s):
            if not 1 <= int(m[2]) <= 4:
                return f"{shown(s) or 'the value'} has quarter {int(m[2])}: a quarter is Q1-Q4."
            p = pd.Period(year=int(m[1]), quarter=int(m[2]), freq="Q")
            result = (p.start_time.normalize(), p.end_time.normalize(), "quarter")
        elif m := _YEAR.match(s):
            p = pd.Period(year=int(m[1]), freq="Y")
            result = (p.start_time.normalize(), p.end_time.normalize(), "year")
        elif m := _CBS.match(s):
            num, limit = int(m[3]), {"MM": 12, "KW": 4, "JJ": 0}[m[2]]
            if (m[2] == "JJ" and num != 0) or (m[2] != "JJ" and not 1 <= num <= limit):
                return f"{shown(s) or 'the value'} is not a CBS period code: YYYYMM01-12, YYYYKW01-04 or YYYYJJ00."
            code = {"MM": f"{m[1]}-{num:02d}", "KW": f"{m[1]}-Q{num}", "JJ": m[1]}[m[2]]
            return parse_when(code, first_year=first_year, today=today)
        else:
            return _not_a_period(s, fmt)
    except ValueError:  # an impossible day such as 2020-02-30
        return _not_a_period(s, fmt)
    if result[0].year < first_year:
        birth_like = result[2] == "day" and result[0].year < 2010
        what = "a full date that could be a date of birth" if birth_like else "a period"
        return (f"{what} before {first_year} (the value is not shown): a typing error in the year? Registers start in "
                f"{first_year} unless `first_year=` says otherwise.")
    if result[0] > today:
        return (f"{shown(s) or 'the value'} lies in the future (after {today:%Y-%m-%d}): a typing error in the year? "
                "A period that has not begun cannot have been observed.")
    return result


def _not_a_period(s: str, fmt: str) -> str:
    m = _DUTCH_DAY.match(s)
    if m and identifier_kinds(s):
        return "a full date that could be a date of birth (the value is not shown); a period is a date of the pilot."
    if m:
        return (f"{shown(s) or 'the value'} is not a date in the register's format: write YYYY-MM-DD "
                f"({m[3]}-{int(m[2]):02d}-{int(m[1]):02d} if it means day {m[1]}, month {m[2]}).")
    return f"{shown(s) or 'the value'} is not a valid date or period: {fmt}."


_PLAIN = re.compile(r"^[+-]?\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_POINT_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")  # 1.000 or 12.500: thousands (nl) or decimals (en)?
_COMMA_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$")
_DUTCH = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$")  # 1.000,5
_ENGLISH = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")  # 1,000.5
_EXPONENT = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")


def _readings(s: str) -> list[float]:
    """Every reading of ``s`` as a Dutch or an English number (duplicates removed, in that order)."""
    if _PLAIN.match(s) or _EXPONENT.match(s):
        return [float(s)]
    nl = s.replace(".", "").replace(",", ".") if re.fullmatch(r"[+-]?[\d.]*,?\d*", s) else None
    en = s.replace(",", "") if re.fullmatch(r"[+-]?[\d,]*\.?\d*", s) else None
    out = []
    for text, pattern_ok in ((nl, _POINT_GROUPS.match(s) or _COMMA_DECIMAL.match(s) or _DUTCH.match(s)),
                             (en, _COMMA_GROUPS.match(s) or _POINT_DECIMAL.match(s) or _ENGLISH.match(s))):
        if text is not None and pattern_ok and float(text) not in out:
            out.append(float(text))
    return out


def parse_value(text: str) -> float | str:
    """A register value as a float, or the reason it is refused (a str; the value shown only when safe).

    Read only when unambiguous: ``4000.5``, ``4000,5``, ``1.000,5`` (Dutch) and ``1,000.5`` (English)
    are; ``1.000`` and ``1,000`` are not (thousands separator or decimal sign?), nor is ``12.500``.
    ``inf``, ``nan`` and values of :data:`MAX_VALUE` or more are refused.

    Examples
    --------
    >>> parse_value("4000,5"), parse_value("1.000,5")
    (4000.5, 1000.5)
    >>> print(parse_value("12.500"))  # doctest: +NORMALIZE_WHITESPACE
    '12.500' can be read as 12500 (Dutch thousands point) or as 12.5 (decimal point): write 12500 or 12.5,
    without thousands separators.
    """
    s = str(text).strip().replace("\u2212", "-")
    readings = _readings(s)
    if len(readings) > 1:
        a, b = (f"{x:.15g}" for x in readings)
        dutch = "Dutch thousands point" if "." in s else "Dutch decimal comma"
        english = "decimal point" if "." in s else "English thousands comma"
        return (f"{shown(s) or 'the value'} can be read as {a} ({dutch}) or as {b} ({english}): write {a} or {b}, "
                "without thousands separators.")
    if not readings:
        return f"{shown(s) or 'the value (not shown)'} is not a number. Write digits only (no units or '<10')."
    value = readings[0]
    if not np.isfinite(value) or abs(value) >= MAX_VALUE:
        return f"{shown(s) or 'the value'} is too large for a count or amount of the pilots (at most {MAX_VALUE:.0e})."
    return value


# --------------------------------------------------------------------------- reading files as text


def excel_text(value) -> str:
    """A cell from Excel or a DataFrame as the text a CSV file would hold (dates as YYYY-MM-DD)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer() \
            and abs(float(value)) < 1e16:
        return str(int(value))
    return str(value).strip()


def finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Number the rows (``_row`` from 1)."""
    frame = frame.reset_index(drop=True)
    frame["_row"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame


def _workbook_parts(wb, register_sheet) -> list[tuple[str, object]]:
    """``(where, text)`` of every part of a workbook outside the register's cells: the other sheets
    (hidden ones too), cell comments, sheet names, headers and footers, and document properties.
    Places are named by sheet number and cell, never by a (possibly identifying) sheet name."""
    parts = []
    props = wb.properties
    for attr in ("creator", "title", "subject", "description", "keywords", "category", "lastModifiedBy",
                 "identifier", "contentStatus", "version", "revision", "language"):
        value = getattr(props, attr, None)
        if value:
            parts.append((f"document property `{attr}`", value))
    for i, ws in enumerate(wb.worksheets, 1):
        state = "" if ws.sheet_state == "visible" else f" ({ws.sheet_state})"
        parts.append((f"the name of sheet {i}{state}", ws.title))
        for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
            for part in (hf.left, hf.center, hf.right):
                if part.text:
                    parts.append((f"a header or footer of sheet {i}{state}", part.text))
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    parts.append((f"the comment on cell {cell.coordinate} of sheet {i}{state}", cell.comment.text))
                if ws is not register_sheet and cell.value is not None:
                    parts.append((f"cell {cell.coordinate} of sheet {i}{state}", excel_text(cell.value)))
    return parts


def _read_excel(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged or password-protected workbook  # noqa: BLE001
        name = type(exc).__name__
        problem = RegisterProblem("file", f"cannot read the Excel file ({name}). Save it again as .xlsx.")
        return pd.DataFrame(), [problem], []
    sheet = next((ws for ws in wb.worksheets if ws.title.strip().lower() == "register"), None) or wb.worksheets[0]
    rows = [[excel_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    parts = _workbook_parts(wb, sheet)
    if not rows or not any(rows[0]):
        return pd.DataFrame(), [RegisterProblem("file", "the register sheet is empty (no header row).")], parts
    header, body = rows[0], rows[1:]
    keep = [i for i, r in enumerate(body) if any(r)]
    frame = pd.DataFrame([body[i] for i in keep], columns=header, dtype=object)
    frame["_line"] = np.asarray([i + 2 for i in keep], dtype=np.int64)
    return finish(frame), [], parts
