"""The pilots' own monitoring data: the pilot register format, its validation, and a synthetic register.

A *pilot register* is a long table with one row per unit, period and measure (see
``docs/pilot-data.md`` and :data:`REGISTER_COLUMNS`)::

    pilot,unit_id,period,measure,value,unit,group
    houten,P0001,2020-06-22,matches,1,persons,vrijwilligerswerk
    nieuwegein,FLAT2,2020-06,litter_reports,17,reports,

It is read from CSV (UTF-8; comma or semicolon separated) or Excel (``.xlsx``, the first sheet or a
sheet named ``register``) by the same code. :func:`validate_register` lists every problem with its
row and column; :func:`read_register` raises once listing them. Direct identifiers (names,
addresses, postcodes with house numbers, e-mail, phone numbers, citizen service numbers) are
refused, and the refused values are never echoed in a message.

Registers placed in ``data/raw/pilot/`` join the observation table through
:func:`register_observations`. :func:`synthetic_register` makes a seeded register with known planted
effects, labelled synthetic in every row and in every output built from it.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError, ParameterError, check_choice
from cosie_analysis.data.periods import parse_period

__all__ = [
    "IDENTIFIER_COLUMN_HINTS",
    "PILOTS",
    "PLANTED_EFFECTS",
    "REGISTER_COLUMNS",
    "SYNTHETIC_LABEL",
    "RegisterProblem",
    "bsn_11_test",
    "is_synthetic",
    "load_measures",
    "read_register",
    "register_observations",
    "register_to_observations",
    "synthetic_register",
    "template_path",
    "validate_register",
]

#: The register's columns: name -> (required, meaning). ``synthetic`` is only written by the generator.
REGISTER_COLUMNS = {
    "pilot": (True, "houten or nieuwegein"),
    "unit_id": (True, "a pseudonym (P0001, FLAT2) or an area code (GM0321, WK035601, BU03560101, 3431); no spaces"),
    "period": (True, "a day YYYY-MM-DD, a month YYYY-MM, a quarter YYYY-Qn, a year YYYY (or a CBS code 2020MM06)"),
    "measure": (True, "a measure of the data dictionary (pilot_register_dictionary.csv)"),
    "value": (True, "a number; counts are whole and not negative, scores within their range"),
    "unit": (True, "the measure's unit in the dictionary (English or Dutch spelling)"),
    "group": (False, "optional subgroup, e.g. betaald werk / vrijwilligerswerk, flat 1; never a person"),
    "synthetic": (False, "true for generated test data; leave out for real data"),
}
KEY = ["pilot", "unit_id", "period", "measure", "group"]

#: The two pilots -> the region code and name their pilot-level rows get in the observation table.
PILOTS = {
    "houten": ("PILOT_HOUTEN", "Pilot Houten (werk en inkomen)", "GM0321"),
    "nieuwegein": ("PILOT_NIEUWEGEIN", "Pilot Nieuwegein (Nijpelsplantsoen)", "GM0356"),
}
#: The label every output built from synthetic data carries.
SYNTHETIC_LABEL = {
    "nl": "SYNTHETISCHE DATA - geen echte pilotgegevens",
    "en": "SYNTHETIC DATA - not real pilot data",
}
#: The effects planted by :func:`synthetic_register` (ratio of the monthly mean during corona to before).
PLANTED_EFFECTS = {
    "houten": {"measure": "matches", "baseline_per_month": 8.0, "during_ratio": 0.5, "after_ratio": 1.0},
    "nieuwegein": {"measure": "litter_reports", "baseline_per_month": 20.0, "during_ratio": 1.25, "after_ratio": 1.0},
}

#: Column-name fragments (lower case, letters and digits only) that mark a direct identifier -> why.
IDENTIFIER_COLUMN_HINTS = {
    "naam": "a person's name", "name": "a person's name", "voorletters": "a person's name",
    "initialen": "a person's name", "adres": "an address", "address": "an address",
    "straat": "an address", "street": "an address", "huisnummer": "an address", "housenumber": "an address",
    "huisnr": "an address", "postcode": "a postcode", "zipcode": "a postcode", "pc6": "a postcode",
    "telefoon": "a phone number", "phone": "a phone number", "mobiel": "a phone number", "gsm": "a phone number",
    "email": "an e-mail address", "mail": "an e-mail address", "bsn": "a citizen service number (BSN)",
    "burgerservicenummer": "a citizen service number (BSN)", "sofinummer": "a citizen service number (BSN)",
    "geboortedatum": "a date of birth", "birth": "a date of birth", "gebdatum": "a date of birth",
    "dob": "a date of birth", "iban": "a bank account number", "rekeningnummer": "a bank account number",
}  # fmt: skip

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"^(?:(?:\+|00)31(?:0)?|0)[1-9]\d{8}$")
_POSTCODE_HOUSE = re.compile(r"(?<!\d)[1-9]\d{3}\s?[A-Za-z]{2}(?![A-Za-z])[\s,\-]*\d{1,5}")
_STREET = re.compile(
    r"[A-Za-z][A-Za-z'\-]*(?:straat|laan|weg|plein|plantsoen|singel|kade|gracht|dijk|dreef|steeg|hof|park|markt)"
    r"\s+\d{1,5}", re.IGNORECASE)  # fmt: skip
_UNIT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_AREA = re.compile(r"^(?:GM\d{4}|WK\d{6}|BU\d{8}|\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DUTCH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YEARS = (2000, 2035)
_DUTCH_COLUMNS = {"waarde": "value", "eenheid": "unit", "maatstaf": "measure", "indicator": "measure",
                  "periode": "period", "datum": "period", "date": "period", "groep": "group", "eenheid_id": "unit_id",
                  "id": "unit_id", "pseudoniem": "unit_id", "gebied": "unit_id", "synthetisch": "synthetic"}
_TRUE, _FALSE = {"true", "1", "ja", "yes", "waar"}, {"false", "0", "nee", "no", "onwaar", ""}
_HINT = "Fix the file and run `cosie-analysis validate FILE` again; the format is described in docs/pilot-data.md."


@dataclass(frozen=True)
class RegisterProblem:
    """One problem found in a register: where it is and what to do about it.

    ``row`` counts data rows from 1 (the header is not a row); ``line`` is the line of a CSV file
    (header = line 1) or the row number Excel shows; both are None for a problem of the whole file
    or of a column.
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
    """
    return _measures().copy()


def template_path() -> Path:
    """The empty register template (header only), shipped with the package."""
    return Path(str(resources.files("cosie_analysis").joinpath("resources/pilot_register_template.csv")))


def bsn_11_test(text: str) -> bool:
    """True when ``text`` (8 or 9 digits, spaces, dots and dashes ignored) passes the BSN 11-test.

    The weighted sum ``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` must be divisible by 11, and not all digits
    zero. 8-digit numbers are read with a leading zero, as BSNs issued as sofinummers may be.
    """
    digits = re.sub(r"[\s.\-]", "", str(text))
    if not re.fullmatch(r"\d{8,9}", digits):
        return False
    digits = digits.zfill(9)
    if set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 == 0


def is_synthetic(data) -> bool:
    """True when a table holds synthetic data: a true ``synthetic`` column, a ``source_table``
    starting with "synthetic" (any case), or ``attrs["synthetic"]``."""
    if not isinstance(data, pd.DataFrame):
        return False
    if data.attrs.get("synthetic"):
        return True
    if "synthetic" in data.columns and data["synthetic"].fillna(False).astype(bool).any():
        return True
    if "source_table" in data.columns:
        return bool(data["source_table"].dropna().astype(str).str.lower().str.startswith("synthetic").any())
    return False


# --------------------------------------------------------------------------- reading files as text


def _excel_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _read_text(path: Path) -> tuple[pd.DataFrame, list[RegisterProblem], str, str]:
    """All cells as stripped text plus ``_row``/``_line``; file problems; the line label; the delimiter."""
    from cosie_analysis.data.sources._csv import _decode

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # a damaged or password-protected workbook
            return pd.DataFrame(), [RegisterProblem("file", f"cannot read the Excel file ({exc}). Save it again as .xlsx.")], "Excel row", ","
        name = next((s for s in sheets if s.strip().lower() == "register"), next(iter(sheets), None))
        sheet = sheets[name] if name is not None else pd.DataFrame()
        if sheet.empty:
            return pd.DataFrame(), [RegisterProblem("file", f"sheet {name!r} is empty (no header row).")], "Excel row", ","
        cells = sheet.map(_excel_text)
        header = [h for h in cells.iloc[0]]
        body = cells.iloc[1:]
        body = body[(body != "").any(axis=1)]
        frame = pd.DataFrame(body.to_numpy(), columns=header, dtype=object)
        frame["_line"] = (body.index.to_numpy() + 1).astype(np.int64)
        return _finish(frame), [], "Excel row", ","
    if suffix != ".csv":
        return pd.DataFrame(), [RegisterProblem(
            "file", f"unsupported file type {suffix or '(none)'!r}: save the register as .csv (UTF-8) or .xlsx.")], "line", ","
    try:
        text = _decode(path, path.read_bytes())
    except InputFileError as exc:
        return pd.DataFrame(), [RegisterProblem("file", p) for p in exc.problems], "line", ","
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[RegisterProblem] = []
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return pd.DataFrame(), [RegisterProblem("file", "the file is empty: it needs at least the header line "
                                                "(copy the template).")], "line", delimiter
    rows, lines, start = [], [], 2
    try:
        for row in reader:
            if not any(f.strip() for f in row):
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                problems.append(RegisterProblem(
                    "file", f"has {len(row)} field(s) where the header has {len(header)}; check for a "
                    f"{'semicolon' if delimiter == ';' else 'comma'} inside a value (put such values in quotes).",
                    row=len(rows) + 1, line=start))
                row = (row + [""] * len(header))[: len(header)]
            rows.append([f.strip() for f in row])
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(RegisterProblem("file", f"line {reader.line_num}: {exc} (an unclosed quote?)."))
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_line"] = np.asarray(lines, dtype=np.int64)
    return _finish(frame), problems, "line", delimiter


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["_row"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame


# --------------------------------------------------------------------------- checks


def _parse_when(text: str) -> tuple[pd.Timestamp, pd.Timestamp, str] | str:
    """(start, end, frequency) or the reason the text is not a date or period."""
    m = _DAY.match(text)
    try:
        if m:
            day = pd.Timestamp(year=int(m[1]), month=int(m[2]), day=int(m[3]))
            result = (day, day, "day")
        elif m := _MONTH.match(text):
            p = pd.Period(year=int(m[1]), month=int(m[2]), freq="M")
            result = (p.start_time.normalize(), p.end_time.normalize(), "month")
        elif m := _QUARTER.match(text):
            p = pd.Period(year=int(m[1]), quarter=int(m[2]), freq="Q")
            result = (p.start_time.normalize(), p.end_time.normalize(), "quarter")
        elif m := _YEAR.match(text):
            p = pd.Period(year=int(m[1]), freq="Y")
            result = (p.start_time.normalize(), p.end_time.normalize(), "year")
        else:
            result = parse_period(text)
    except (ValueError, ParameterError):
        m = _DUTCH_DAY.match(text)
        if m:
            return (f"{text!r} is not a date in the register's format: write YYYY-MM-DD "
                    f"({m[3]}-{int(m[2]):02d}-{int(m[1]):02d} if it means day {m[1]}, month {m[2]}).")
        return (f"{text!r} is not a valid date or period: write a day as YYYY-MM-DD, a month as YYYY-MM, "
                "a quarter as YYYY-Qn or a year as YYYY.")
    if not _YEARS[0] <= result[0].year <= _YEARS[1]:
        return f"{text!r} lies outside {_YEARS[0]}-{_YEARS[1]}: a typing error in the year?"
    return result


def _identifier_problems(frame: pd.DataFrame, columns: list[str], line_label: str) -> list[RegisterProblem]:
    problems = []
    why_refused = ("Refused: a register must not hold direct identifiers. Remove the column or replace the values "
                   "by pseudonyms (e.g. P0001) and keep the key file apart from the data (docs/pilot-data.md).")
    for col in columns:
        norm = re.sub(r"[^a-z0-9]", "", str(col).lower())
        hit = next((why for frag, why in IDENTIFIER_COLUMN_HINTS.items() if frag in norm), None)
        if hit:
            problems.append(RegisterProblem("identifier", f"the column name suggests {hit}, a direct identifier. "
                                            + why_refused, column=str(col)))
    checks = [
        ("an e-mail address", lambda s: bool(_EMAIL.search(s))),
        ("a Dutch phone number", lambda s: bool(_PHONE.match(re.sub(r"[\s\-().]", "", s)))),
        ("a postcode with a house number", lambda s: bool(_POSTCODE_HOUSE.search(s))),
        ("a street address", lambda s: bool(_STREET.search(s))),
        ("a citizen service number (BSN: 9 digits that pass the 11-test)", bsn_11_test),
    ]
    for col in columns:
        if col == "period":
            continue
        values = frame[col].astype(str)
        for what, test in checks:
            if col == "value" and not what.startswith("a citizen"):
                continue
            hits = [i for i, v in enumerate(values) if v and test(v)]
            if hits:
                rows = frame["_row"].to_numpy()[hits]
                more = f" (also rows {', '.join(map(str, rows[1:10]))}{' and more' if len(rows) > 10 else ''})" if len(rows) > 1 else ""
                problems.append(RegisterProblem(
                    "identifier", f"{len(hits)} value(s) look like {what}{more}; the values are not shown here. "
                    + why_refused, row=int(rows[0]), line=int(frame["_line"].iloc[hits[0]]), column=str(col),
                    line_label=line_label))
    return problems


def _check(frame: pd.DataFrame, line_label: str) -> tuple[list[RegisterProblem], pd.DataFrame]:
    """Every problem of a text frame, and the parsed rows (meaningful only when there are none)."""
    problems: list[RegisterProblem] = []
    columns = [c for c in frame.columns if c not in ("_row", "_line")]
    problems += _identifier_problems(frame, columns, line_label)
    flagged = {p.column for p in problems if p.row is None}
    for col in columns:
        if col not in REGISTER_COLUMNS and col not in flagged:
            alias = _DUTCH_COLUMNS.get(str(col).strip().lower())
            hint = f" Did you mean `{alias}`?" if alias else ""
            problems.append(RegisterProblem(
                "column", f"not part of the register format.{hint} Allowed: {list(REGISTER_COLUMNS)}. Remove it, or "
                "rename it if it is one of them (free-text columns easily end up holding names).", column=str(col)))
    dupcols = sorted({c for c in columns if columns.count(c) > 1})
    for col in dupcols:
        problems.append(RegisterProblem("column", "occurs more than once in the header; keep one.", column=col))
    missing = [c for c, (req, _) in REGISTER_COLUMNS.items() if req and c not in columns]
    for col in missing:
        problems.append(RegisterProblem("column", f"required column not found. Found: {columns}. "
                                        "Copy the header of the template (cosie_analysis.pilot.register.template_path()).", column=col))
    if missing or dupcols:
        return problems, pd.DataFrame()
    measures = _measures().set_index("measure")
    units = {m: {r["unit"], r["unit_nl"]} for m, r in measures.iterrows()}
    parsed = []
    for i, rec in enumerate(frame.to_dict("records")):
        row, line = int(rec["_row"]), int(rec["_line"])

        def bad(kind, column, message):
            problems.append(RegisterProblem(kind, message, row=row, line=line, column=column, line_label=line_label))

        out = {"_row": row, "_line": line, "ok": True}
        for col, (req, _) in REGISTER_COLUMNS.items():
            if req and not rec.get(col, ""):
                bad("missing", col, "empty; every row needs a value here (leave out rows without an observation).")
                out["ok"] = False
        pilot = rec["pilot"].lower()
        if pilot and pilot not in PILOTS:
            bad("pilot", "pilot", f"unknown pilot {rec['pilot']!r}; use one of {list(PILOTS)}.")
            out["ok"] = False
        if rec["unit_id"] and not _UNIT_ID.match(rec["unit_id"]):
            bad("unit_id", "unit_id", "must be a pseudonym or area code of letters, digits, '-', '_' or '.' without "
                "spaces, at most 40 characters (e.g. P0001, FLAT2, WK035601); the value is not shown here.")
            out["ok"] = False
        when = _parse_when(rec["period"]) if rec["period"] else None
        if isinstance(when, str):
            bad("date", "period", when)
            out["ok"] = False
        measure = rec["measure"]
        if measure and measure not in measures.index:
            close = difflib.get_close_matches(measure.lower(), list(measures.index), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            bad("measure", "measure", f"unknown measure {measure!r}.{hint} Known measures are listed in "
                "pilot_register_dictionary.csv; a new measure is added there first.")
            out["ok"] = False
        elif measure and pilot in PILOTS and measures.at[measure, "pilot"] not in ("both", pilot):
            bad("measure", "measure", f"measure {measure!r} belongs to the {measures.at[measure, 'pilot']} pilot, "
                f"not to {pilot}.")
            out["ok"] = False
        value = np.nan
        if rec["value"]:
            text = rec["value"].replace(",", ".") if rec["value"].count(",") == 1 and "." not in rec["value"] else rec["value"]
            value = pd.to_numeric(text, errors="coerce")
            if pd.isna(value):
                bad("value", "value", f"{rec['value']!r} is not a number. Write digits only (no units or '<10').")
                out["ok"] = False
            elif measure in measures.index:
                info = measures.loc[measure]
                if info["kind"] in ("count", "amount") and value < 0:
                    bad("negative", "value", f"negative {info['kind']} {rec['value']} for {measure}: counts and amounts "
                        "cannot be below 0.")
                    out["ok"] = False
                elif info["kind"] == "count" and value != np.floor(value):
                    bad("value", "value", f"{rec['value']} is not a whole number, but {measure} is a count.")
                    out["ok"] = False
                elif info["kind"] == "score" and not info["min"] <= value <= info["max"]:
                    bad("value", "value", f"{rec['value']} is outside the range {info['min']:g}-{info['max']:g} of {measure}.")
                    out["ok"] = False
        unit = rec["unit"]
        if unit and measure in units and unit not in units[measure]:
            expected = measures.at[measure, "unit"]
            bad("unit", "unit", f"unit {unit!r} does not match measure {measure!r}, whose unit is {expected!r}"
                f" (Dutch: {measures.at[measure, 'unit_nl']!r}). Convert the value and write {expected!r}.")
            out["ok"] = False
        synth = rec.get("synthetic", "").lower()
        if synth not in _TRUE | _FALSE:
            bad("synthetic", "synthetic", f"{rec['synthetic']!r} is not true or false.")
        if len(rec.get("group", "")) > 60:
            bad("group", "group", "longer than 60 characters: a group is a short label such as 'flat 1'.")
        out.update(
            pilot=pilot, unit_id=rec["unit_id"], period=rec["period"], measure=measure, value=float(value),
            unit=measures.at[measure, "unit"] if measure in measures.index else unit,
            raw_unit=unit, group=rec.get("group", "") or None, synthetic=synth in _TRUE,
            period_start=when[0] if isinstance(when, tuple) else pd.NaT,
            period_end=when[1] if isinstance(when, tuple) else pd.NaT,
            frequency=when[2] if isinstance(when, tuple) else None,
        )
        parsed.append(out)
    rows = pd.DataFrame(parsed)
    if rows.empty:
        return problems, rows
    ok = rows[rows["ok"]]
    key = ["pilot", "unit_id", "period_start", "period_end", "measure", "group"]
    keyed = ok.assign(group=ok["group"].fillna(""))
    dup = keyed.duplicated(key, keep="first")
    first = keyed.drop_duplicates(key, keep="first").set_index(key)["_row"]
    for _, r in keyed[dup].iterrows():
        problems.append(RegisterProblem(
            "duplicate", f"same pilot, unit_id, period, measure and group as row {first.loc[tuple(r[key])]}: "
            "remove one of them, or tell them apart with `group`.", row=r["_row"], line=r["_line"],
            column="period", line_label=line_label))
    known = rows[rows["measure"].isin(measures.index) & (rows["raw_unit"] != "")]
    for measure, grp in known.groupby("measure", sort=True):
        english, dutch = measures.at[measure, "unit"], measures.at[measure, "unit_nl"]
        used = sorted({english if u == dutch else u for u in grp["raw_unit"]})
        if len(used) > 1:
            problems.append(RegisterProblem(
                "unit", f"measure {measure!r} is given in mixed units {used} (rows {', '.join(map(str, grp['_row'].head(10)))}"
                f"{' ...' if len(grp) > 10 else ''}); use {measures.at[measure, 'unit']!r} throughout.", column="unit"))
    for (pilot, measure), grp in ok.groupby(["pilot", "measure"], sort=True):
        freqs = sorted(set(grp["frequency"]))
        if len(freqs) > 1:
            problems.append(RegisterProblem(
                "period", f"measure {measure!r} of {pilot} mixes period types {freqs}; give one measure at one "
                "period type (all days, or all months, ...), so that nothing is counted twice.", column="period"))
    return problems, rows


def _order(problems: list[RegisterProblem]) -> list[RegisterProblem]:
    rank = {"file": 0, "identifier": 1, "column": 2}
    return sorted(problems, key=lambda p: (rank.get(p.kind, 3), p.row or 0, list(REGISTER_COLUMNS).index(p.column)
                                           if p.column in REGISTER_COLUMNS else 99))


def _source(source) -> tuple[pd.DataFrame, list[RegisterProblem], str, str]:
    if isinstance(source, pd.DataFrame):
        frame = source.drop(columns=[c for c in ("period_start", "period_end", "frequency") if c in source.columns])
        frame = frame.astype(object).where(frame.notna(), "").map(
            lambda v: ("true" if v else "false") if isinstance(v, (bool, np.bool_)) else _excel_text(v))
        frame = _finish(frame)
        frame["_line"] = frame["_row"] + 1
        return frame, [], "line", "DataFrame"
    if not isinstance(source, (str, Path)):
        raise ParameterError(f"`source` must be a path to a .csv or .xlsx file or a DataFrame; got {type(source).__name__}.")
    path = Path(source)
    if not path.is_file():
        raise InputFileError(path, "file not found.", "Check the path; registers live in data/raw/pilot/.")
    frame, problems, label, _ = _read_text(path)
    return frame, problems, label, str(path)


def validate_register(source: str | Path | pd.DataFrame) -> list[RegisterProblem]:
    """Check a pilot register and list every problem, with its row and column.

    Parameters
    ----------
    source : path-like or pandas.DataFrame
        A ``.csv`` (UTF-8, comma or semicolon separated) or ``.xlsx`` file, or a frame in the
        register layout (e.g. from :func:`synthetic_register`).

    Returns
    -------
    list of RegisterProblem
        Empty when the register is valid (a header-only file, such as the template, is valid).
        Each problem has ``kind`` (file, identifier, column, missing, pilot, unit_id, date, measure,
        value, negative, unit, duplicate, period, synthetic, group), ``row``, ``line``, ``column`` and
        ``message``; ``str(problem)`` gives one line such as ``row 3 (line 4), column `period`: ...``.
        Direct identifiers come first; their values are never repeated in a message.

    Raises
    ------
    InputFileError
        When the file does not exist.
    ParameterError
        When ``source`` is neither a path nor a DataFrame.
    """
    frame, problems, label, _ = _source(source)
    if not frame.empty or len(frame.columns):
        problems = problems + _check(frame, label)[0]
    return _order(problems)


def read_register(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a pilot register.

    Parameters
    ----------
    source : path-like or pandas.DataFrame
        As for :func:`validate_register`.

    Returns
    -------
    pandas.DataFrame
        One row per register row, in file order: ``pilot`` (lower case), ``unit_id``, ``period`` (as
        written), ``measure``, ``value`` (float64), ``unit`` (the dictionary's English unit),
        ``group`` (string, missing when empty), ``synthetic`` (bool), ``period_start`` and
        ``period_end`` (datetime64, first and last day, both included) and ``frequency`` (day,
        month, quarter or year). ``attrs["source"]`` is the file path.

    Raises
    ------
    InputFileError
        Listing every problem :func:`validate_register` finds.
    """
    frame, problems, label, name = _source(source)
    parsed = pd.DataFrame()
    if not frame.empty or len(frame.columns):
        more, parsed = _check(frame, label)
        problems = _order(problems + more)
    if problems:
        raise InputFileError(name, [str(p) for p in problems], _HINT)
    columns = ["pilot", "unit_id", "period", "measure", "value", "unit", "group", "synthetic",
               "period_start", "period_end", "frequency"]
    if parsed.empty:
        parsed = pd.DataFrame({c: [] for c in columns})
    out = parsed[columns].copy()
    for c in ("pilot", "unit_id", "period", "measure", "unit", "group", "frequency"):
        out[c] = out[c].astype("string")
    out["value"] = out["value"].astype("float64")
    out["synthetic"] = out["synthetic"].astype(bool)
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    out.attrs = {"source": name, "synthetic": bool(out["synthetic"].any())}
    return out


# --------------------------------------------------------------------------- into the observation table


def _slug(text: str) -> str:
    return re.sub(r"_+", "_", "".join(ch if ch.isalnum() else "_" for ch in str(text).lower())).strip("_")


def _cbs_code(start: pd.Series, frequency: pd.Series) -> pd.Series:
    year = start.dt.year.astype(str)
    month = start.dt.month
    return pd.Series(np.select(
        [frequency.isin(["day", "month"]).to_numpy(), (frequency == "quarter").to_numpy()],
        [(year + "MM" + month.map("{:02d}".format)).to_numpy(), (year + "KW" + ((month - 1) // 3 + 1).map("{:02d}".format)).to_numpy()],
        default=(year + "JJ00").to_numpy(),
    ), index=start.index)


def _fill_zero_periods(summed: pd.DataFrame, data: pd.DataFrame, kind: pd.Series) -> pd.DataFrame:
    """Counts are events: a period inside the pilot's register span without a row had none.

    For every count series (pilot, area, measure, group) add the missing periods of the same
    frequency between the first and the last period that pilot's register covers, with value 0.
    Amounts and scores are left alone (a missing weighing or survey is not a zero)."""
    counts = data[kind == "count"]
    if counts.empty:
        return summed
    freq = {"MM": "M", "KW": "Q", "JJ": "Y"}
    parts = [summed]
    is_count = summed["measure"].isin(counts["measure"].unique())
    for (pilot, code_kind), span in data.groupby(["pilot", data["period_code"].str[4:6]])["period_code"]:
        if code_kind not in freq:
            continue
        periods = pd.period_range(_code_to_period(span.min(), freq[code_kind]), _code_to_period(span.max(), freq[code_kind]))
        codes = [_period_to_code(p, code_kind) for p in periods]
        series = summed[is_count & (summed["pilot"] == pilot) & (summed["period_code"].str[4:6] == code_kind)]
        for key, g in series.groupby(["pilot", "region_code", "measure", "group", "synthetic"], sort=False):
            missing = sorted(set(codes) - set(g["period_code"]))
            if missing:
                parts.append(pd.DataFrame([dict(zip(["pilot", "region_code", "measure", "group", "synthetic"], key),
                                                period_code=c, value=0.0) for c in missing]))
    return pd.concat(parts, ignore_index=True)


def _code_to_period(code: str, freq: str) -> pd.Period:
    year, num = int(code[:4]), int(code[6:])
    return pd.Period(year=year, freq="Y") if freq == "Y" else (
        pd.Period(year=year, quarter=num, freq="Q") if freq == "Q" else pd.Period(year=year, month=num, freq="M"))


def _period_to_code(period: pd.Period, code_kind: str) -> str:
    num = {"JJ": 0, "KW": getattr(period, "quarter", 0), "MM": getattr(period, "month", 0)}[code_kind]
    return f"{period.year}{code_kind}{num:02d}"


def register_to_observations(register: pd.DataFrame, *, source_name: str = "register") -> pd.DataFrame:
    """Aggregate a pilot register into rows of the observation table.

    Parameters
    ----------
    register : pandas.DataFrame
        From :func:`read_register` or :func:`synthetic_register` (it is checked again).
    source_name : str, default "register"
        The file name, used in ``source_table``.

    Returns
    -------
    pandas.DataFrame
        The columns of ``OBSERVATION_COLUMNS``, dtypes and row order as the build writes them:

        * ``indicator`` ``pilot_<measure>``, or ``pilot_<measure>__<group>`` for rows with a group;
          score measures also give ``pilot_<measure>_n`` (respondents, unit "respondents").
        * ``region_code``: the unit's area code when ``unit_id`` is one (GM/WK/BU code or a
          4-digit postcode; ``region_level`` gemeente, wijk, buurt, postcode4, ``region_name``
          missing, to be filled by the build), otherwise ``PILOT_HOUTEN`` / ``PILOT_NIEUWEGEIN``
          (``region_level`` "pilot"): pseudonymous units (people, households, flats) are summed.
        * ``period``: a CBS period code. Days are aggregated to their month (``2020MM06``); months,
          quarters and years keep their own code. ``period_start``/``period_end`` are the first and
          last day (both included), ``frequency`` month, quarter or year.
        * ``value``: the sum over units and days for counts and amounts, the mean for scores.
          A count measure gets 0 for every period (of its frequency) inside the span of the pilot's
          register that has no row: an event register has no row for "no event".
        * ``status`` "definitive"; ``source_table`` ``"pilot register <name>"`` (``"SYNTHETIC pilot
          register <name>"`` for synthetic rows, whose labels also start with ``[SYNTHETISCH]`` /
          ``[SYNTHETIC]``); ``source_key`` the measure (and ``|group``).

    Notes
    -----
    The result holds unprotected counts of people: keep it in ``data/processed`` and export it
    only through :func:`cosie_analysis.report.disclosure.protect`.
    """
    from cosie_analysis.data.schema import OBSERVATION_COLUMNS, normalise as _normalise
    from cosie_analysis.data.periods import parse_periods
    from cosie_analysis.data.sources.cbs import STATUS_DEFINITIVE

    reg = read_register(register)
    if reg.empty:
        return _normalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in OBSERVATION_COLUMNS}))
    measures = _measures().set_index("measure")
    data = reg.assign(
        group=reg["group"].fillna(""),
        period_code=_cbs_code(reg["period_start"], reg["frequency"]),
        area=reg["unit_id"].where(reg["unit_id"].str.fullmatch(_AREA.pattern).fillna(False).astype(bool)),
    )
    data["region_code"] = data["area"].fillna(data["pilot"].map({k: v[0] for k, v in PILOTS.items()}))
    keys = ["pilot", "region_code", "measure", "group", "period_code", "synthetic"]
    kind = data["measure"].map(measures["kind"])
    summed = data[kind != "score"].groupby(keys, sort=True)["value"].sum().reset_index()
    summed = _fill_zero_periods(summed, data, kind)
    scores = data[kind == "score"].groupby(keys, sort=True)["value"].agg(["mean", "count"]).reset_index()
    parts = [summed.assign(suffix="", unit=summed["measure"].map(measures["unit"]))]
    if len(scores):
        parts.append(scores.rename(columns={"mean": "value"}).drop(columns="count").assign(
            suffix="", unit=scores["measure"].map(measures["unit"])))
        parts.append(scores.drop(columns="mean").rename(columns={"count": "value"}).assign(suffix="_n", unit="respondents"))
    agg = pd.concat(parts, ignore_index=True)
    group_part = np.where(agg["group"] != "", "__" + agg["group"].map(_slug), "")
    agg["indicator"] = "pilot_" + agg["measure"] + agg["suffix"] + group_part
    label_group_nl = np.where(agg["group"] != "", " (" + agg["group"] + ")", "")
    n_nl, n_en = np.where(agg["suffix"] == "_n", ": aantal respondenten", ""), np.where(agg["suffix"] == "_n", ": respondents", "")
    tag_nl, tag_en = np.where(agg["synthetic"], "[SYNTHETISCH] ", ""), np.where(agg["synthetic"], "[SYNTHETIC] ", "")
    agg["label_nl"] = tag_nl + agg["measure"].map(measures["label_nl"]) + n_nl + label_group_nl
    agg["label_en"] = tag_en + agg["measure"].map(measures["label_en"]) + n_en + label_group_nl
    level = agg["region_code"].str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt", "PI": "pilot"})
    agg["region_level"] = level.where(~agg["region_code"].str.fullmatch(r"\d{4}"), "postcode4")
    agg["region_name"] = agg["region_code"].map({v[0]: v[1] for v in PILOTS.values()})
    agg["status"] = STATUS_DEFINITIVE
    agg["source_table"] = np.where(agg["synthetic"], "SYNTHETIC pilot register ", "pilot register ") + source_name
    agg["source_key"] = agg["measure"] + np.where(agg["group"] != "", "|" + agg["group"], "")
    agg["period"] = agg["period_code"]
    agg = agg.join(parse_periods(agg["period"].unique()).set_index("period"), on="period")
    dup = agg.duplicated(["indicator", "region_code", "period"], keep=False)
    if dup.any():  # synthetic and real rows of one measure in one file
        first = agg.loc[dup, ["indicator", "region_code", "period"]].head(3).to_dict("records")
        raise InputFileError(source_name, f"rows marked synthetic and real rows share indicator, region and period, e.g. {first}.",
                             "Keep synthetic data in its own file.")
    return _normalise(agg[OBSERVATION_COLUMNS])


def register_observations(folder: str | Path | None = None) -> pd.DataFrame:
    """The observation rows of every pilot register in ``data/raw/pilot/``.

    Parameters
    ----------
    folder : path-like, optional
        Default ``data/raw/pilot`` (under ``$COSIE_DATA_DIR`` when set).

    Returns
    -------
    pandas.DataFrame
        :func:`register_to_observations` of each ``*.csv`` and ``*.xlsx`` file, in file-name order,
        concatenated; an empty frame with the observation columns when the folder is missing or
        holds no registers. Files whose names start with ``.``, ``~$`` (Excel lock files) or
        ``README`` are skipped.

    Raises
    ------
    InputFileError
        For the first file with problems (listing all of its problems), or when two files give the
        same indicator, region and period.
    """
    from cosie_analysis.data.schema import OBSERVATION_COLUMNS, normalise as _normalise
    from cosie_analysis.paths import raw_dir

    folder = Path(folder) if folder is not None else raw_dir() / "pilot"
    files = sorted(p for p in folder.glob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
                   and not p.name.startswith((".", "~$")) and not p.name.lower().startswith("readme")) if folder.is_dir() else []
    parts, origin = [], {}
    for path in files:
        obs = register_to_observations(read_register(path), source_name=path.name)
        for key in obs[["indicator", "region_code", "period"]].itertuples(index=False):
            if tuple(key) in origin:
                raise InputFileError(path, f"indicator {key[0]!r}, region {key[1]!r}, period {key[2]!r} is also in "
                                     f"{origin[tuple(key)]}.", "Put each measure and period in one file only.")
            origin[tuple(key)] = path.name
        parts.append(obs)
    if not parts:
        return _normalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in OBSERVATION_COLUMNS}))
    return _normalise(pd.concat(parts, ignore_index=True))


# --------------------------------------------------------------------------- synthetic register


def synthetic_register(pilot: str, seed: int = 0, *, start: str = "2018-01", end: str = "2023-12") -> pd.DataFrame:
    """A seeded synthetic pilot register with known planted effects, labelled synthetic in every row.

    Parameters
    ----------
    pilot : {"houten", "nieuwegein"}
    seed : int, default 0
        For ``numpy.random.default_rng``; the same call returns the same frame.
    start, end : str, default "2018-01" and "2023-12"
        First and last month (``YYYY-MM``).

    Returns
    -------
    pandas.DataFrame
        The layout of :func:`read_register`, ``synthetic`` True in every row, ``attrs`` holding
        ``synthetic=True``, ``seed`` and ``planted_effects``. Write it with
        ``frame[list(REGISTER_COLUMNS)].to_csv(path, index=False)`` to get a valid register file.

        * houten: person-level events dated by day: ``matches`` (group betaald werk /
          vrijwilligerswerk, about 30% paid) and ``intakes`` (about 10 a month), one new pseudonym
          ``S0001``... per row, value 1, unit persons.
        * nieuwegein: ``litter_reports`` and ``waste_collected_kg`` per flat (``FLAT1``-``FLAT4``) and
          month, ``households_reached`` per month (small counts, unit ``NIJPELS``), and a
          ``liveability_score`` survey (40 households ``H001``-``H360`` in 2019, 2021 and 2023).

    Notes
    -----
    The planted effect (:data:`PLANTED_EFFECTS`) is a ratio of the monthly Poisson mean during
    corona to before, with phases of the default scheme at month level (``assign_phase`` with the
    "measures" scheme and the majority rule): Houten's matches halve (8 -> 4 a month), Nieuwegein's
    litter reports rise by 25% (20 -> 25 per flat a month); after corona they return to baseline.
    """
    from cosie_analysis.phases import assign_phase

    check_choice("pilot", pilot, list(PILOTS))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"`seed` must be an integer; got {seed!r}.")
    try:
        months = pd.period_range(start, end, freq="M")
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"`start` and `end` must be months such as '2018-01'; got {start!r}, {end!r} ({exc}).") from None
    if len(months) == 0:
        raise ParameterError(f"`start` ({start!r}) must not be after `end` ({end!r}).")
    rng = np.random.default_rng(seed)
    effect = PLANTED_EFFECTS[pilot]
    phase = assign_phase([f"{m.year}MM{m.month:02d}" for m in months]).astype(str).to_numpy()
    ratio = np.select([phase == "during", phase == "after"], [effect["during_ratio"], effect["after_ratio"]], 1.0)
    rows = []
    if pilot == "houten":
        seq = 0
        for m, r in zip(months, ratio):
            days = m.days_in_month
            for measure, mean in (("matches", effect["baseline_per_month"] * r), ("intakes", 10.0)):
                for _ in range(rng.poisson(mean)):
                    seq += 1
                    group = ("betaald werk" if rng.random() < 0.3 else "vrijwilligerswerk") if measure == "matches" else ""
                    day = f"{m.year}-{m.month:02d}-{int(rng.integers(1, days + 1)):02d}"
                    rows.append(("houten", f"S{seq:04d}", day, measure, 1.0, "persons", group))
    else:
        for m, r in zip(months, ratio):
            code = f"{m.year}-{m.month:02d}"
            for flat in range(1, 5):
                rows.append(("nieuwegein", f"FLAT{flat}", code, "litter_reports",
                             float(rng.poisson(effect["baseline_per_month"] * r)), "reports", ""))
                rows.append(("nieuwegein", f"FLAT{flat}", code, "waste_collected_kg",
                             round(float(rng.normal(4000.0, 300.0)), 1), "kg", ""))
            rows.append(("nieuwegein", "NIJPELS", code, "households_reached", float(rng.poisson(6.0)), "households", ""))
        for year in (2019, 2021, 2023):
            if not months[0].year <= year <= months[-1].year:
                continue
            for h in np.sort(rng.choice(360, size=40, replace=False)) + 1:
                score = float(np.clip(np.round(rng.normal(5.5, 1.5)), 1, 10))
                rows.append(("nieuwegein", f"H{h:03d}", str(year), "liveability_score", score, "grade", ""))
    frame = pd.DataFrame(rows, columns=["pilot", "unit_id", "period", "measure", "value", "unit", "group"])
    frame["synthetic"] = True
    out = read_register(frame)
    out.attrs = {"source": f"synthetic_register({pilot!r}, seed={seed})", "synthetic": True, "seed": int(seed),
                 "planted_effects": {pilot: dict(effect)}}
    return out
