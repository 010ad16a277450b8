"""Reading one export into three checked tables: coded segments, sources and the code tree.

:func:`read_qdpx_tables` reads a REFI-QDA export (through :func:`cosie_analysis.qda.qdpx.parse_qdpx`),
:func:`read_csv_tables` a CSV of coded segments in the format of :data:`CSV_COLUMNS`. Both collect
every problem with its place (line of project.qde or of the CSV) and a fix, and raise one
:class:`~cosie_analysis.errors.InputFileError` listing them. :func:`cosie_analysis.qda.read.read_codings`
dates the sources, screens the excerpts and wraps the tables in a ``Codings``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError
from cosie_analysis.qda.qdpx import parse_qdpx

__all__ = ["CSV_COLUMNS", "PILOT_NAMES", "read_csv_tables", "read_qdpx_tables"]

#: The CSV format's columns: name -> (required, meaning). See resources/qda_codings_dictionary.csv.
CSV_COLUMNS = {
    "segment_id": (True, "the coded passage (one id per passage; several rows when it has several codes or coders)"),
    "source_id": (True, "the story or interview the passage comes from (a pseudonym such as V001, never a name)"),
    "pilot": (True, "houten or nieuwegein"),
    "date": (True, "the day the story was told or recorded, YYYY-MM-DD"),
    "coder": (True, "who coded the passage (initials or a pseudonym of the researcher)"),
    "code": (True, "the code; a code in a category as 'category > code'"),
    "excerpt": (False, "the passage's text; screened for identifiers and never exported unless asked"),
    "source_type": (False, "e.g. story, interview, kitchen-table conversation"),
    "channel": (False, "e.g. face to face, phone, video call"),
}
PILOT_NAMES = ("houten", "nieuwegein")
_HINT_CSV = "The CSV format is described in resources/qda_codings_dictionary.csv (template: qda_codings_template.csv)."


def _fail(path, problems: list[str] | str, hint: str | None = None):
    raise InputFileError(path, problems, hint)


def _pilot_and_date(sources: pd.DataFrame, where) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Normalise pilot and date of the sources; list (position, problem) for a missing or wrong value."""
    problems: list[tuple[int, str]] = []
    sources = sources.copy()
    for col in ("pilot", "date", "source_type", "channel"):
        if col not in sources.columns:
            sources[col] = None
    pilot = sources["pilot"].fillna("").astype(str).str.strip().str.lower()
    date = pd.to_datetime(sources["date"].fillna("").astype(str).str.strip(), format="%Y-%m-%d", errors="coerce")
    for i in np.flatnonzero(~pilot.isin(PILOT_NAMES).to_numpy()):
        problems.append((int(i), (f"{where(sources.iloc[i])}: pilot {sources['pilot'].iloc[i]!r} is not one of "
                                  f"{list(PILOT_NAMES)}; give every coded source a variable 'pilot' (houten or "
                                  "nieuwegein).")))
    for i in np.flatnonzero(date.isna().to_numpy()):
        problems.append((int(i), (f"{where(sources.iloc[i])}: date {sources['date'].iloc[i]!r} is not a day "
                                  "YYYY-MM-DD; give every coded source a variable 'date' (the day the story was "
                                  "told).")))
    sources["pilot"] = pilot
    sources["date"] = date
    return sources, problems


def _range_problems(codings: pd.DataFrame, n_chars: pd.Series, names: pd.Series) -> list[str]:
    problems = []
    n = codings["source_id"].map(n_chars)
    bad = (codings["start"] < 0) | (codings["end"] <= codings["start"]) | (n.notna() & (codings["end"] > n))
    for _, r in codings[bad].drop_duplicates("segment_id").iterrows():
        problems.append(f"project.qde line {r['line']}: selection {r['segment_id']} in source "
                        f"{names[r['source_id']]!r} runs from {r['start']} to {r['end']}, outside the text (0 to "
                        f"{n_chars[r['source_id']]}) or empty. Recode the passage in your QDA program and export "
                        "again.")
    key = ["source_id", "coder", "code_id"]
    ok = codings[~bad].drop_duplicates(key + ["segment_id"]).sort_values(key + ["start", "end"], kind="stable")
    same = (ok[key].shift() == ok[key]).all(axis=1)
    previous_end = ok.groupby(key, sort=False)["end"].cummax().groupby([ok[k] for k in key], sort=False).shift()
    for _, r in ok[same & (ok["start"] < previous_end)].iterrows():
        problems.append(f"project.qde line {r['line']}: selection {r['segment_id']} in source "
                        f"{names[r['source_id']]!r} overlaps an earlier selection with the same code by the same "
                        f"coder ({r['coder']!r}); the passage would be counted twice. Merge the two codings in your "
                        "QDA program and export again.")
    return problems


def read_qdpx_tables(path: Path, positions: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Segments, coded sources and codes of a ``.qdpx``; raises InputFileError listing every problem."""
    content = parse_qdpx(path, positions=positions)
    problems = list(content.problems)
    if content.codes.empty and not problems:
        problems.append("the project has no codes (empty CodeBook); code the sources before exporting.")
    if problems:
        _fail(path, problems)
    codings, sources, codes = content.codings, content.sources, content.codes
    names = sources.set_index("source_id")["name"]
    problems += _range_problems(codings, sources.set_index("source_id")["n_chars"], names)
    sources, more = _pilot_and_date(sources, lambda r: f"project.qde line {r['line']}: source {r['name']!r}")
    is_coded = sources["source_id"].isin(codings["source_id"]).to_numpy()
    problems += [m for i, m in sorted(more) if is_coded[i]]
    if problems:
        _fail(path, problems)
    usable = sources["pilot"].isin(PILOT_NAMES) & sources["date"].notna()
    if (~usable).any():
        warnings.warn(f"read_codings(): left out {int((~usable).sum())} uncoded source(s) without a valid pilot or "
                      f"date (e.g. {sources.loc[~usable, 'name'].head(3).tolist()}).", UserWarning, stacklevel=3)
    coded = sources[usable]
    segs = codings.merge(codes[["code_id", "code", "code_path", "theme"]], on="code_id")
    return segs.drop(columns=["code_id", "line"]), coded.drop(columns=["line", "n_chars"]), codes.drop(columns="line")


def read_csv_tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Segments, sources and codes of a CSV of coded segments; raises InputFileError listing every problem."""
    from cosie_analysis.pilot.register import validate_register

    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(path, "is not UTF-8 text.", "Save it again as 'CSV UTF-8'. " + _HINT_CSV)
    first = raw.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig").apply(
        lambda s: s.str.strip())
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    problems = [f"column `{c}` is required but missing (found {list(frame.columns)})."
                for c, (req, _) in CSV_COLUMNS.items() if req and c not in frame.columns]
    if problems:
        _fail(path, problems, _HINT_CSV)
    # the register's identifier checks: every column name, and the values of the free-text columns
    # (ids and dates have their own format; excerpts are withheld, not refused)
    free = [c for c in frame.columns if c not in ("segment_id", "source_id", "pilot", "date", "excerpt")]
    found = validate_register(frame.iloc[:0]) + validate_register(frame[free])
    problems += list(dict.fromkeys(str(p) for p in found if p.kind == "identifier"))
    line = pd.Series(np.arange(2, len(frame) + 2), index=frame.index)
    for col in [c for c, (req, _) in CSV_COLUMNS.items() if req]:
        for i in frame.index[frame[col] == ""][:10]:
            problems.append(f"line {line[i]}, column `{col}`: empty; every row needs a {col}.")
    dup = frame.duplicated(["segment_id", "coder", "code"], keep="first")
    for i in frame.index[dup][:10]:
        problems.append(f"line {line[i]}: segment {frame.at[i, 'segment_id']!r} has code {frame.at[i, 'code']!r} from "
                        f"coder {frame.at[i, 'coder']!r} twice; keep one row.")
    attrs = [c for c in ("pilot", "date", "source_type", "channel") if c in frame.columns]
    for col in attrs:
        n = frame.groupby("source_id")[col].nunique()
        for sid in n.index[n > 1]:
            problems.append(f"column `{col}`: source {sid!r} has {n[sid]} different values (lines "
                            f"{', '.join(map(str, line[frame['source_id'] == sid][:5]))}); a source has one {col}.")
    sources = frame.groupby("source_id", sort=True)[attrs].first().reset_index()
    sources.insert(1, "name", sources["source_id"])
    first_line = line.groupby(frame["source_id"]).min()
    sources, more = _pilot_and_date(sources, lambda r: f"line {first_line[r['source_id']]} (source {r['source_id']!r})")
    problems += [m for _, m in sorted(more)]
    if problems:
        _fail(path, problems, _HINT_CSV)
    parts = frame["code"].str.split(">").map(lambda xs: [x.strip() for x in xs])
    segs = frame.assign(code=parts.str[-1], code_path=parts.map(" > ".join), theme=parts.str[0],
                        start=pd.NA, end=pd.NA)
    if "excerpt" not in segs.columns:
        segs["excerpt"] = None
    paths = sorted(set(segs["code_path"]))
    tree = {}
    for p in paths:  # every category on the way down is a code of the tree too
        xs = p.split(" > ")
        for k in range(1, len(xs) + 1):
            tree[" > ".join(xs[:k])] = (xs[k - 1], xs[0], xs[k - 2] if k > 1 else None, k)
    codes = pd.DataFrame([{"code_id": p, "code": c, "code_path": p, "theme": t, "parent": par, "depth": d,
                           "is_codable": True, "description": None} for p, (c, t, par, d) in sorted(tree.items())])
    return segs[["segment_id", "source_id", "start", "end", "coder", "excerpt", "code", "code_path", "theme"]], \
        sources, codes
