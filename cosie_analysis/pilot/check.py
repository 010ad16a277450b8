"""Checking a pilot register: every problem with its row and column, no identifying value ever repeated.

:func:`validate_register` lists the problems, :func:`read_register` raises once listing them or
returns the parsed rows. Direct identifiers (see :mod:`cosie_analysis.pilot.identifiers`) are
looked for in every column, in the header and, for workbooks, in every other part of the file;
messages name the file, row, column and the *kind* of identifier, never the value. Values of the
register itself are repeated only when they cannot identify anyone (short numbers and dates).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError, ParameterError
from cosie_analysis.pilot.identifiers import column_identifier_kind, identifier_kinds
from cosie_analysis.pilot.parse import (
    FIRST_YEAR,
    RegisterProblem,
    _measures,
    parse_value,
    parse_when,
)
from cosie_analysis.pilot.provenance import is_synthetic
from cosie_analysis.pilot.screen import IdentifierScreen, part_problems
from cosie_analysis.pilot.source import CHUNK_ROWS, open_source
from cosie_analysis.pilot.table import shown_unit, table_problems

__all__ = ["PILOTS", "REGISTER_COLUMNS", "SYNTHETIC_LABEL", "is_synthetic", "read_register", "validate_register"]

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
UNIT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_DUTCH_COLUMNS = {"waarde": "value", "eenheid": "unit", "maatstaf": "measure", "indicator": "measure",
                  "periode": "period", "datum": "period", "date": "period", "groep": "group", "eenheid_id": "unit_id",
                  "id": "unit_id", "pseudoniem": "unit_id", "gebied": "unit_id", "synthetisch": "synthetic"}
_TRUE, _FALSE = {"true", "1", "ja", "yes", "waar"}, {"false", "0", "nee", "no", "onwaar", ""}
#: Files of this many bytes or more show a progress bar while they are checked.
PROGRESS_BYTES = 2**25
_EMPTY = "empty; every row needs a value here (leave out rows without an observation)."
_HINT = "Fix the file and run `cosie-analysis validate FILE` again; the format is described in docs/pilot-data.md."


def _column_problems(columns: list) -> tuple[list[RegisterProblem], bool]:
    problems = []
    flagged = {c for c in columns if column_identifier_kind(c) or identifier_kinds(c)}
    for col in columns:
        if col not in REGISTER_COLUMNS and col not in flagged:
            alias = _DUTCH_COLUMNS.get(str(col).strip().lower())
            hint = f" Did you mean `{alias}`?" if alias else ""
            problems.append(RegisterProblem(
                "column", f"not part of the register format.{hint} Allowed: {list(REGISTER_COLUMNS)}. Remove it, or "
                "rename it if it is one of them (free-text columns easily end up holding names).", column=str(col)))
    dupcols = sorted({c for c in columns if columns.count(c) > 1})
    for col in dupcols:
        problems.append(RegisterProblem("column", "occurs more than once in the header; keep one.",
                                        column=col if col not in flagged else "(the name is not shown)"))
    found = [c if c not in flagged else "(not shown)" for c in columns]
    missing = [c for c, (req, _) in REGISTER_COLUMNS.items() if req and c not in columns]
    for col in missing:
        problems.append(RegisterProblem("column", f"required column not found. Found: {found}. "
                                        "Copy the header of the template "
                                        "(cosie_analysis.pilot.register.template_path()).", column=col))
    return problems, bool(missing or dupcols)


def _check_value(rec: dict, measure: str, measures: dict, bad, cache: dict) -> float:
    if not rec["value"]:
        return np.nan
    value = cache.get(rec["value"])
    if value is None:
        value = cache[rec["value"]] = parse_value(rec["value"])
    if isinstance(value, str):
        bad("value", "value", value)
        return np.nan
    if measure in measures:
        info, text = measures[measure], f"{value:g}"
        if info["kind"] in ("count", "amount") and value < 0:
            bad("negative", "value",
                f"negative {info['kind']} {text} for {measure}: counts and amounts cannot be below 0.")
        elif info["kind"] == "count" and value != np.floor(value):
            bad("value", "value", f"{text} is not a whole number, but {measure} is a count.")
        elif info["kind"] == "score" and not info["min"] <= value <= info["max"]:
            bad("value", "value", f"{text} is outside the range {info['min']:g}-{info['max']:g} of {measure}.")
    return value


def _check_row(rec: dict, measures: dict, first_year: int, bad, cache: dict, *, with_value: bool = True) -> dict:
    """The parsed row; ``bad(kind, column, message)`` records each problem (and sets ``ok`` False).
    ``measures`` maps each measure to its dictionary row; ``cache`` holds periods and values read before.
    With ``with_value=False`` the value is left to :func:`_check_value` (and ``value`` is NaN)."""
    for col, (req, _) in REGISTER_COLUMNS.items():
        if req and not rec.get(col, "") and (with_value or col != "value"):
            bad("missing", col, _EMPTY)
    pilot = rec["pilot"].lower()
    if pilot and pilot not in PILOTS:
        bad("pilot", "pilot", f"unknown pilot (the value is not shown); use one of {list(PILOTS)}.")
    if rec["unit_id"] and not UNIT_ID.match(rec["unit_id"]):
        bad("unit_id", "unit_id", "must be a pseudonym or area code of letters, digits, '-', '_' or '.' without "
            "spaces, at most 40 characters (e.g. P0001, FLAT2, WK035601); the value is not shown here.")
    when = None
    if rec["period"]:
        when = cache.get(("period", rec["period"]))
        if when is None:
            when = cache[("period", rec["period"])] = parse_when(
                rec["period"], first_year=first_year, today=cache["today"]
            )
    if isinstance(when, str):
        bad("date", "period", when)
    measure = rec["measure"]
    info = measures.get(measure)
    if measure and info is None:
        close = difflib.get_close_matches(measure.lower(), list(measures), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        bad("measure", "measure", f"unknown measure (the value is not shown).{hint} Known measures are listed in "
            "pilot_register_dictionary.csv; a new measure is added there first.")
    elif measure and info is not None and pilot in PILOTS and info["pilot"] not in ("both", pilot):
        bad("measure", "measure", f"measure {measure!r} belongs to the {info['pilot']} pilot, not to {pilot}.")
    value = _check_value(rec, measure, measures, bad, cache) if with_value else np.nan
    unit = rec["unit"]
    if unit and info is not None and unit not in (info["unit"], info["unit_nl"]):
        expected = info["unit"]
        bad("unit", "unit", f"unit {shown_unit(unit, _unit_pairs(measures))} does not match measure {measure!r}, "
            "whose "
            f"unit is {expected!r} (Dutch: {info['unit_nl']!r}). Convert the value and write {expected!r}.")
    synth = rec.get("synthetic", "").lower()
    if synth not in _TRUE | _FALSE:
        bad("synthetic", "synthetic", "not true or false (the value is not shown).")
    if len(rec.get("group", "")) > 60:
        bad("group", "group", "longer than 60 characters: a group is a short label such as 'flat 1'.")
    start, end, frequency = when if isinstance(when, tuple) else (pd.NaT, pd.NaT, None)
    return {"pilot": pilot, "unit_id": rec["unit_id"], "period": rec["period"], "measure": measure,
            "value": float(value), "unit": info["unit"] if info is not None else unit,
            "raw_unit": unit, "group": rec.get("group", "") or None, "synthetic": synth in _TRUE,
            "period_start": start, "period_end": end, "frequency": frequency}


def _unit_pairs(measures: dict) -> dict:
    return {m: (r["unit"], r["unit_nl"]) for m, r in measures.items()}


def _distinct(keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The code of each row's combination of texts, and the first row of each code."""
    codes = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    return codes, np.unique(codes, return_index=True)[1]


class _RowChecks:
    """The row checks of :func:`_check_row`, run once per distinct row text of a chunk (all columns but
    ``unit_id``, which counts only as empty, valid or not). Per row only numbers are kept: the value,
    the dates, and codes for the few distinct texts, so that memory grows by a few bytes a row."""

    _TEXTS = ("pilot", "period", "measure", "unit", "raw_unit", "group", "frequency")
    _NUMBERS = ("value", "synthetic", "period_start", "period_end", "ok")

    def __init__(self, first_year: int, line_label: str):
        self.measures = _measures().set_index("measure")
        self.info = self.measures.to_dict("index")
        self.first_year, self.line_label = first_year, line_label
        self.cache: dict = {"today": pd.Timestamp.today().normalize()}
        self.texts: dict[str, dict] = {c: {} for c in self._TEXTS}  # column -> text -> code

    def _run(self, rec: dict) -> tuple[dict, list[tuple[str, str, str]]]:
        flags: list[tuple[str, str, str]] = []
        out = _check_row(rec, self.info, self.first_year,
                         lambda kind, column, message: flags.append((kind, column, message)), self.cache,
                         with_value=False)
        out["ok"] = not {f[0] for f in flags} - {"synthetic", "group"}
        for c in self._TEXTS:
            out[c] = -1 if out[c] is None else self.texts[c].setdefault(out[c], len(self.texts[c]))
        return out, flags

    def _value(self, text: str, measure: str) -> tuple[float, list[tuple[str, str, str]]]:
        flags: list[tuple[str, str, str]] = []

        def bad(kind, column, message):
            flags.append((kind, column, message))

        if not text:
            bad("missing", "value", _EMPTY)
        return _check_value({"value": text}, measure, self.info, bad, self.cache), flags

    def check(self, chunk: pd.DataFrame) -> tuple[list[RegisterProblem], dict]:
        """The problems of one chunk, row by row, and its parsed rows as arrays."""
        if len(self.cache) > 100_000:  # periods and values read before; bounded
            self.cache = {"today": self.cache["today"]}
        uid = chunk["unit_id"].astype(str)
        columns = [c for c in REGISTER_COLUMNS if c != "value"]  # values are checked with their measure alone
        keys = pd.DataFrame({c: chunk[c] if c in chunk.columns else "" for c in columns if c != "unit_id"})
        keys["unit_id"] = np.where(uid == "", "", np.where(uid.str.fullmatch(UNIT_ID.pattern), "P1", " "))
        codes, firsts = _distinct(keys)
        texts = zip(*(keys[c].iloc[firsts].tolist() for c in columns), strict=True)
        outputs, flags = zip(*(self._run(dict(zip(columns, t, strict=True), value="")) for t in texts), strict=True)
        vcodes, vfirsts = _distinct(chunk[["value", "measure"]])
        pairs = zip(chunk["value"].iloc[vfirsts].tolist(), chunk["measure"].iloc[vfirsts].tolist(), strict=True)
        values, vflags = zip(*(self._value(v, m) for v, m in pairs), strict=True)
        problems = []
        rows, lines = chunk["_row"].to_numpy(), chunk["_line"].to_numpy()
        flagged = np.isin(codes, [k for k, f in enumerate(flags) if f]) | np.isin(vcodes, [k for k, f in
                                                                                          enumerate(vflags) if f])
        for i in np.flatnonzero(flagged):
            problems += [RegisterProblem(kind, message, row=int(rows[i]), line=int(lines[i]), column=column,
                                         line_label=self.line_label)
                         for kind, column, message in flags[codes[i]] + vflags[vcodes[i]]]
        parsed = {c: np.asarray([o[c] for o in outputs], dtype=np.int32)[codes] for c in self._TEXTS}
        parsed.update({c: pd.array([o[c] for o in outputs])[codes] for c in self._NUMBERS})
        parsed["value"] = np.asarray(values, dtype=np.float64)[vcodes]
        parsed["ok"] = parsed["ok"] & ~np.asarray([bool(f) for f in vflags])[vcodes]
        parsed.update(unit_id=uid.reset_index(drop=True), _row=rows, _line=lines)
        return problems, parsed

    def rows(self, parts: list[dict]) -> pd.DataFrame:
        """The parsed rows of the whole file in file order (categories for the few texts); empties ``parts``."""
        if not parts:
            return pd.DataFrame()
        rows = {}
        for c in ("pilot", "unit_id", "period", "measure", "value", "unit", "raw_unit", "group", "synthetic",
                  "period_start", "period_end", "frequency", "ok", "_row", "_line"):
            pieces = [p.pop(c) for p in parts]  # each column of the chunks freed once joined
            if c in self._TEXTS:
                codes, texts = np.concatenate(pieces), pd.Index(list(self.texts[c]), dtype=object)
                rows[c] = (texts.to_numpy().take(codes) if c == "group" and len(texts) else
                           pd.Categorical.from_codes(codes, categories=texts) if len(texts) else
                           np.full(len(codes), None, dtype=object))
                if c == "group" and len(texts):
                    rows[c][codes < 0] = None
            else:
                rows[c] = pd.concat([pd.Series(p) for p in pieces], ignore_index=True)
            del pieces
        return pd.DataFrame(rows)


def _order(problems: list[RegisterProblem]) -> list[RegisterProblem]:
    rank = {"file": 0, "identifier": 1, "column": 2}
    return sorted(problems, key=lambda p: (rank.get(p.kind, 3), p.row or 0, list(REGISTER_COLUMNS).index(p.column)
                                           if p.column in REGISTER_COLUMNS else 99))


def _all_problems(source, first_year: int, chunk_rows: int = CHUNK_ROWS):
    if isinstance(first_year, bool) or not isinstance(first_year, (int, np.integer)) or not 1900 <= first_year <= 2100:
        raise ParameterError(f"`first_year` must be a year such as 2015; got {first_year!r}.")
    from cosie_analysis._progress import tqdm

    chunks = open_source(source, chunk_rows)
    if chunks.columns is None:
        return _order(chunks.problems + part_problems(chunks.parts)), pd.DataFrame(), chunks.name
    screen = IdentifierScreen(chunks.columns)
    columns, stop = _column_problems(chunks.columns)
    checks = _RowChecks(first_year, chunks.line_label)
    found: list[RegisterProblem] = []
    parts = []
    with tqdm(total=chunks.size, disable=chunks.size < PROGRESS_BYTES, unit="B", unit_scale=True, leave=False,
              desc=f"checking {Path(chunks.name).name}") as bar:
        for chunk in chunks.frames:
            screen.add(chunk)
            if not stop and len(chunk):
                more, parsed = checks.check(chunk)
                found += more
                parts.append(parsed)
            bar.update(chunks.progress[0] - bar.n)
    problems = chunks.problems + part_problems(chunks.parts) + screen.problems(chunks.line_label) + columns + found
    rows = pd.DataFrame() if stop else checks.rows(parts)
    if rows.empty:
        return _order(problems), rows, chunks.name
    return _order(problems + table_problems(rows, checks.measures, chunks.line_label)), rows, chunks.name


def validate_register(source: str | Path | pd.DataFrame, *, first_year: int = FIRST_YEAR,
                      chunk_rows: int = CHUNK_ROWS) -> list[RegisterProblem]:
    """Check a pilot register and list every problem, with its row and column.

    Parameters
    ----------
    source : path-like or pandas.DataFrame
        A ``.csv`` (UTF-8, comma or semicolon separated), ``.xlsx`` or ``.xlsm`` file, or a frame in
        the register layout (e.g. from :func:`synthetic_register`).
    first_year : int, default 2017
        The earliest year a period may lie in (the CoSIE project started in 2017); pass an earlier
        year for a register with an older baseline. No period may start after today.
    chunk_rows : int, default 100000
        Rows checked at a time. A CSV file is read in chunks of this many rows, so memory stays
        bounded however large the file; what is kept over the whole file is one key per row for the
        duplicate check. Files of 32 MiB or more show a progress bar. The result does not depend on it.

    Returns
    -------
    list of RegisterProblem
        Empty when the register is valid (a header-only file, such as the template, is valid).
        Each problem has ``kind`` (file, identifier, column, missing, pilot, unit_id, date, measure,
        value, negative, unit, duplicate, period, synthetic, group), ``row``, ``line``, ``column`` and
        ``message``; ``str(problem)`` gives one line such as ``row 3 (line 4), column `period`: ...``.
        Direct identifiers come first, by kind; no value that could identify someone is ever
        repeated in a message.

    Raises
    ------
    InputFileError
        When the file does not exist.
    ParameterError
        When ``source`` is neither a path nor a DataFrame, ``first_year`` is not a year or
        ``chunk_rows`` is not a positive whole number.

    Examples
    --------
    >>> from cosie_analysis.pilot.parse import template_path
    >>> validate_register(template_path())
    []
    """
    return _all_problems(source, first_year, chunk_rows)[0]


def read_register(source: str | Path | pd.DataFrame, *, first_year: int = FIRST_YEAR,
                  chunk_rows: int = CHUNK_ROWS) -> pd.DataFrame:
    """Read and check a pilot register.

    Parameters
    ----------
    source : path-like or pandas.DataFrame
        As for :func:`validate_register`.
    first_year : int, default 2017
        As for :func:`validate_register`.
    chunk_rows : int, default 100000
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

    Examples
    --------
    >>> from cosie_analysis.pilot.parse import template_path
    >>> read_register(template_path()).shape  # the header-only template
    (0, 11)
    >>> read_register("data/raw/pilot/houten.csv")  # doctest: +SKIP
    """
    problems, parsed, name = _all_problems(source, first_year, chunk_rows)
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
