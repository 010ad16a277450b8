"""One validated CSV reader shared by every publisher layout.

It reads everything as text, checks what every reader needs (encoding, header, complete rows, unique
keys, numbers where numbers belong) and raises one :class:`InputFileError` per file listing every
problem with its row and column. Rows are counted from 1 after the header; ``line`` is the line of
the file on which the row starts (the header is line 1), as a text editor shows it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError

__all__ = ["read_csv_checked", "to_number", "MAX_LISTED"]

#: At most this many problems of one kind are listed in an error message.
MAX_LISTED = 5

_REFETCH = "Fetch the file again with `cosie-analysis fetch` (or `--offline` from the mirror)."


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            path,
            f"line {line}: byte 0x{raw[exc.start]:02x} is not valid UTF-8 (wrong encoding).",
            "Save the file as UTF-8 (CBS and the other publishers deliver UTF-8), or fetch it again "
            "with `cosie-analysis fetch`.",
        ) from None


def read_csv_checked(
    path: str | Path,
    *,
    required: Sequence[str],
    keys: Sequence[str] = (),
    numeric: Iterable[str] = (),
    na_tokens: Iterable[str] = ("",),
    strip: bool = False,
    what: str = "a CBS table",
) -> pd.DataFrame:
    """Read a CSV file as text and check it, raising once with every problem found.

    Parameters
    ----------
    path : path-like
        The CSV file.
    required : sequence of str
        Columns that must be present.
    keys : sequence of str
        Columns that together identify a row; duplicates are an error.
    numeric : iterable of str
        Columns that must hold numbers (or one of ``na_tokens``).
    na_tokens : iterable of str
        Text that stands for a missing value in numeric columns (after stripping spaces).
    strip : bool
        Strip surrounding spaces from every value (StatLine's padded keys and numbers).
    what : str
        What the file should be, for the error message.

    Returns
    -------
    pandas.DataFrame
        All columns as text (``object`` dtype), in file order, plus ``_line``: the file line on which
        each row starts.

    Raises
    ------
    InputFileError
        Wrong encoding, no header, no rows, missing columns, rows with too few or too many fields
        (a truncated or damaged file), duplicate keys, or text in a numeric column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found.", _REFETCH)
    reader = csv.reader(io.StringIO(_decode(path, path.read_bytes()), newline=""))
    header = _read_header(path, reader, required, what)
    rows, lines, problems = _read_rows(reader, header)
    if not rows and not problems:
        raise InputFileError(path, "the table has a header but no rows (empty table).", _REFETCH)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    if strip:
        frame = frame.apply(lambda s: s.str.strip())
    frame["_line"] = np.asarray(lines, dtype=np.int64)
    if keys and not problems:
        problems += _duplicate_keys(frame, list(keys))
    problems += _not_numbers(frame, numeric, {t.strip() for t in na_tokens})
    if problems:
        raise InputFileError(path, problems)
    return frame


def _read_header(path: Path, reader, required: Sequence[str], what: str) -> list[str]:
    """The header's column names (stripped); raises when it is missing or lacks a required column."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(path, "the file is empty (no header, no rows).", _REFETCH) from None
    except csv.Error as exc:
        raise InputFileError(path, f"line 1: unreadable header ({exc}).", _REFETCH) from None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(
            path,
            f"column(s) {missing} not found. Found: {header}.",
            f"Is this {what}? Column names must be exactly as the publisher names them; "
            "a renamed column must be named back.",
        )
    return header


def _read_rows(reader, header: list[str]) -> tuple[list[list[str | None]], list[int], list[str]]:
    """The rows after the header (blank lines skipped), the line on which each starts, and the problems:
    rows of the wrong width (padded or cut to the header's) and an unclosed quote."""
    rows: list[list[str | None]] = []
    lines: list[int] = []
    bad_width: list[tuple[int, int, int]] = []
    problems: list[str] = []
    start = 2
    try:
        for row in reader:
            cells: list[str | None] = list(row)
            if len(row) != len(header):
                if row or len(header) == 1:
                    bad_width.append((len(rows) + 1, start, len(row)))
                    cells = (cells + [None] * len(header))[: len(header)]
                else:  # a blank line
                    start = reader.line_num + 1
                    continue
            rows.append(cells)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc} (an unclosed quote: the file is probably truncated).")
    if bad_width:
        listed = "; ".join(
            f"row {r} (line {ln}) has {n} field(s)" for r, ln, n in bad_width[:MAX_LISTED]
        )
        more = f" and {len(bad_width) - MAX_LISTED} more" if len(bad_width) > MAX_LISTED else ""
        problems.append(
            f"{len(bad_width)} row(s) do not have the header's {len(header)} fields: {listed}{more}. "
            "The file is truncated or damaged."
        )
    return rows, lines, problems


def _duplicate_keys(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """The problem of rows sharing a key (none or one line)."""
    dup = frame.duplicated(keys, keep=False)
    if not dup.any():
        return []
    first = frame[dup].head(MAX_LISTED)
    listed = "; ".join(
        f"row {i + 1} (line {ln}): {tuple(vals)}"
        for i, ln, vals in zip(first.index, first["_line"], first[keys].itertuples(index=False), strict=True)
    )
    return [
        f"{int(dup.sum())} row(s) share a key {keys}: {listed}. Each key may occur once; "
        "remove the duplicate rows."
    ]


def _not_numbers(frame: pd.DataFrame, numeric: Iterable[str], na: set[str]) -> list[str]:
    """One problem per column of ``numeric`` (when present) holding text that is neither a number nor in ``na``."""
    problems = []
    for col in numeric:
        if col not in frame:
            continue
        values = frame[col].astype("string").str.strip()
        is_na = values.isna() | values.isin(na)
        bad = ~is_na & pd.to_numeric(values.where(~is_na), errors="coerce").isna()
        if bad.any():
            first = frame.index[bad][:MAX_LISTED]
            listed = "; ".join(f"row {i + 1} (line {frame.at[i, '_line']}): {frame.at[i, col]!r}" for i in first)
            problems.append(
                f"column `{col}`: {int(bad.sum())} value(s) are not numbers: {listed}. "
                f"Use a number, or leave the cell empty for a missing value."
            )
    return problems


def to_number(values: pd.Series, na_tokens: Iterable[str] = ("",)) -> pd.Series:
    """Text to float64; ``na_tokens`` (after stripping spaces) become NaN. Checked beforehand."""
    values = values.astype("string").str.strip()
    values = values.mask(values.isin(set(na_tokens)))
    return pd.to_numeric(values).astype("float64")
