"""A register source read in chunks of rows: a CSV file streamed, a workbook or a DataFrame sliced.

Every source becomes a :class:`Chunks`: the header, an iterator of text frames of at most
``chunk_rows`` rows (each with ``_row``, counted from 1 over the whole file, and ``_line``), the
problems of the file itself (filled in while the chunks are read), the line label and the parts of a
workbook to screen. A CSV file is never held whole in memory: it is read line by line with the
:mod:`csv` module (the reading every CSV register gets, so that quotes, blank lines and field counts
are judged the same whatever the size) and handed on ``chunk_rows`` records at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cosie_analysis.errors import InputFileError, ParameterError
from cosie_analysis.pilot.parse import EXCEL_SUFFIXES, RegisterProblem, _read_excel, excel_text, finish

__all__ = ["CHUNK_ROWS", "Chunks", "open_source"]

#: Rows per chunk: large enough that the per-chunk cost vanishes, small enough to bound memory.
CHUNK_ROWS = 100_000
_BLOCK = 1 << 23  # bytes read at a time when checking the encoding
_BREAK = re.compile(r"\r\n|\r|\n")  # a line break as the csv module counts lines
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # what str.strip strips (none above U+3000)


@dataclass
class Chunks:
    """A register source: its header, its rows in chunks, the problems of the file, where it came from."""

    columns: list | None  # None: no table was read (the file problems say why)
    frames: Iterator[pd.DataFrame]
    problems: list[RegisterProblem]
    line_label: str = "line"
    name: str = "DataFrame"
    size: int = 0  # bytes of the file, 0 for a frame
    parts: list[tuple[str, object]] = field(default_factory=list)
    progress: list[int] = field(default_factory=lambda: [0])  # bytes read so far


def _slices(frame: pd.DataFrame, chunk_rows: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), chunk_rows):
        yield frame.iloc[start:start + chunk_rows]


def _whole(frame: pd.DataFrame, problems, chunk_rows: int, **kw) -> Chunks:
    if not len(frame.columns):
        return Chunks(None, iter(()), problems, **kw)
    columns = [c for c in frame.columns if c not in ("_row", "_line")]
    return Chunks(columns, _slices(frame, chunk_rows), problems, **kw)


def _utf8_problem(path: Path) -> RegisterProblem | None:
    """The encoding problem of a file, checked block by block (the whole file is read only to word one)."""
    from cosie_analysis.data.sources._csv import _decode

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while block := f.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            _decode(path, path.read_bytes())
        except InputFileError as exc:
            return RegisterProblem("file", exc.problems[0])
    return None


def _record_ends(rows: list[list[str]], last_end: int, line_num: int | None) -> np.ndarray:
    """The line on which each record ends. A record takes one line plus one for each line break inside
    its (quoted) values; when the lines read equal the records read, each took one."""
    m = len(rows)
    if line_num is not None and line_num - last_end == m:
        return last_end + np.arange(1, m + 1, dtype=np.int64)
    spans = np.ones(m, dtype=np.int64)
    for i, row in enumerate(rows):
        if any("\n" in f or "\r" in f for f in row):
            spans[i] += sum(len(_BREAK.findall(f)) for f in row)
    return last_end + np.cumsum(spans)


def _csv_frame(rows: list[list[str]], ends: np.ndarray, last_end: int, first_row: int, header: list,
               delimiter: str, problems: list[RegisterProblem]) -> pd.DataFrame:
    """One chunk of CSV records as a text frame; blank records dropped, the others numbered from ``first_row``.

    A record starts on the line after the previous one ended and ran over more than one line exactly
    when a quoted value held a line break. Values are stripped of what ``str.strip`` strips."""
    n, m = len(header), len(rows)
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=m)
    starts = np.concatenate([[last_end], ends[:-1]]) + 1
    blank = np.zeros(m, dtype=bool)
    for i in np.flatnonzero(lens != n):
        blank[i] = not "".join(rows[i]).strip()
        rows[i] = (rows[i] + [""] * n)[:n]
    flat = pa.array(rows, type=pa.list_(pa.string())).flatten()
    columns = [pc.utf8_trim(flat.take(np.arange(m, dtype=np.int64) * n + j), characters=_SPACE) for j in range(n)]
    maybe = np.flatnonzero(lens == n)  # a row of the header's width is blank when each value is
    for col in columns:
        maybe = maybe[pc.equal(col.take(maybe), "").to_numpy(zero_copy_only=False)]
    blank[maybe] = True
    keep = ~blank
    numbers = first_row + np.cumsum(keep) - 1
    for i in np.flatnonzero(keep & ((ends != starts) | (lens != n))):
        if ends[i] != starts[i]:
            problems.append(RegisterProblem(
                "file", "a value runs over more than one line: an unclosed quote (\")? Close the quote, or "
                "remove it.", row=int(numbers[i]), line=int(starts[i])))
        if lens[i] != n:
            problems.append(RegisterProblem(
                "file", f"has {lens[i]} field(s) where the header has {n}; check for a "
                f"{'semicolon' if delimiter == ';' else 'comma'} inside a value (put such values in quotes).",
                row=int(numbers[i]), line=int(starts[i])))
    mask = pa.array(keep)
    frame = pd.DataFrame({j: pd.Series(col.filter(mask), dtype="str") for j, col in enumerate(columns)},
                         index=pd.RangeIndex(int(keep.sum())))
    frame.columns = header
    frame["_line"] = starts[keep]
    frame["_row"] = numbers[keep]
    return frame


def _csv_frames(path: Path, chunks: Chunks, reader, f, delimiter: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    header, problems = chunks.columns or [], chunks.problems
    last_end, next_row = reader.line_num, 1
    with f:
        while True:
            rows: list[list[str]] = []
            try:
                rows.extend(islice(reader, chunk_rows))  # keeps the records read before a malformed one
                malformed = False
            except csv.Error:
                malformed = True
            if rows:
                ends = _record_ends(rows, last_end, None if malformed else reader.line_num)
                frame = _csv_frame(rows, ends, last_end, next_row, header, delimiter, problems)
                last_end, next_row = int(ends[-1]), next_row + len(frame)
                chunks.progress[0] = f.buffer.tell()
                yield frame
            if malformed:
                problems.append(RegisterProblem(
                    "file", f"line {last_end + 1}: malformed CSV, e.g. an unclosed quote (\") (the rest of the "
                    "file is not read). Close the quote, or remove it."))
            if malformed or len(rows) < chunk_rows:
                break
    chunks.progress[0] = chunks.size


def _open_csv(path: Path, chunk_rows: int) -> Chunks:
    size = path.stat().st_size
    problem = _utf8_problem(path)
    if problem is not None:
        return Chunks(None, iter(()), [problem], name=str(path), size=size)
    with path.open("rb") as raw:
        first = raw.readline().decode("utf-8-sig").split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    f = io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")
    reader = csv.reader(f, delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        f.close()
        return Chunks(None, iter(()), [RegisterProblem("file", "the file is empty: it needs at least the header line "
                                                     "(copy the template).")], name=str(path), size=size)
    chunks = Chunks(header, iter(()), [], name=str(path), size=size)
    chunks.frames = _csv_frames(path, chunks, reader, f, delimiter, chunk_rows)
    return chunks


def open_source(source, chunk_rows: int = CHUNK_ROWS) -> Chunks:
    """The register ``source`` (a path to a .csv, .xlsx or .xlsm file, or a DataFrame) in chunks of rows."""
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 1:
        raise ParameterError(f"`chunk_rows` must be a whole number of rows, at least 1; got {chunk_rows!r}.")
    if isinstance(source, pd.DataFrame):
        frame = source.drop(columns=[c for c in ("period_start", "period_end", "frequency") if c in source.columns])
        frame = frame.astype(object).where(frame.notna(), "").map(excel_text)
        frame = finish(frame)
        frame["_line"] = frame["_row"] + 1
        return _whole(frame, [], chunk_rows)
    if not isinstance(source, (str, Path)):
        raise ParameterError(
            f"`source` must be a path to a .csv or .xlsx file or a DataFrame; got {type(source).__name__}."
        )
    path = Path(source)
    if not path.is_file():
        raise InputFileError(path, "file not found.", "Check the path; registers live in data/raw/pilot/.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame, problems, parts = _read_excel(path)
        return _whole(frame, problems, chunk_rows, line_label="Excel row", name=str(path), parts=parts)
    if suffix != ".csv":
        problem = RegisterProblem(
            "file", f"unsupported file type {suffix or '(none)'!r}: save the register as .csv (UTF-8) or .xlsx.")
        return Chunks(None, iter(()), [problem], name=str(path))
    return _open_csv(path, int(chunk_rows))
