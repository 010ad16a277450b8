"""Coded narratives: read a REFI-QDA export (``.qdpx``) or a CSV of coded segments into one tidy table.

Both formats give the same :class:`Codings`: a segment x code x coder table (``segments``), the
sources (stories, interviews) with their pilot, date and corona phase (``sources``) and the code
tree (``codes``). Segments are dated through their source; the phase comes from
:func:`cosie_analysis.phases.assign_phase` with the same schemes and rules as every other series.

Excerpts are person-level text. They are screened with the pilot register's identifier checks
(:func:`cosie_analysis.pilot.register.validate_register`): an excerpt that looks like it holds an
e-mail address, a phone number, a postcode with house number, a street address or a citizen service
number is withheld (set missing), with a warning that counts them and never repeats them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError, ParameterError, check_choice
from cosie_analysis.qda.qdpx import parse_qdpx

__all__ = ["CSV_COLUMNS", "Codings", "codings_dictionary", "codings_template_path", "load_codings", "read_codings", "screen_excerpts"]

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
SEGMENT_COLUMNS = ["segment_id", "source_id", "pilot", "date", "phase", "coder", "code", "code_path", "theme",
                   "start", "end", "excerpt"]
_HINT_CSV = "The CSV format is described in resources/qda_codings_dictionary.csv (template: qda_codings_template.csv)."


@dataclass(frozen=True)
class Codings:
    """Coded segments, their sources and the code tree, as read by :func:`read_codings`.

    Attributes (each returned as a copy)
    ------------------------------------
    segments : one row per segment x code x coder: ``segment_id``, ``source_id``, ``pilot``, ``date``
        (Timestamp), ``phase`` (ordered categorical), ``coder``, ``code`` (the code's own name),
        ``code_path`` ("category > code"), ``theme`` (the top-level category), ``start`` and ``end``
        (character positions, end excluded; missing for CSV), ``excerpt`` (missing when withheld).
    sources : one row per source: ``source_id``, ``name``, ``pilot``, ``date``, ``phase``,
        ``source_type``, ``channel`` and any further variables of the project.
    codes : the code tree: ``code``, ``code_path``, ``theme``, ``parent``, ``depth``.
    """

    _segments: pd.DataFrame = field(repr=False)
    _sources: pd.DataFrame = field(repr=False)
    _codes: pd.DataFrame = field(repr=False)
    path: str
    synthetic: bool
    phase_scheme: str
    phase_rule: str

    @property
    def segments(self) -> pd.DataFrame:
        return self._segments.copy()

    @property
    def sources(self) -> pd.DataFrame:
        return self._sources.copy()

    @property
    def codes(self) -> pd.DataFrame:
        return self._codes.copy()

    @property
    def coders(self) -> list[str]:
        return sorted(self._segments["coder"].unique())

    def __repr__(self) -> str:
        kind = ", SYNTHETIC" if self.synthetic else ""
        return (f"<Codings{kind}: {len(self._segments)} coding(s) of {self._segments['segment_id'].nunique()} "
                f"segment(s) in {len(self._sources)} source(s), {len(self.coders)} coder(s), "
                f"{self._codes['code_path'].nunique()} code(s); from {Path(self.path).name}>")


def codings_template_path() -> Path:
    """The empty CSV template of the coded-segments format (header only).

    Examples
    --------
    >>> codings_template_path().read_text().split(",")[:2]
    ['segment_id', 'source_id']"""
    return Path(str(resources.files("cosie_analysis") / "resources" / "qda_codings_template.csv"))


def codings_dictionary() -> pd.DataFrame:
    """The data dictionary of the CSV format: ``column``, ``required``, ``meaning``, ``example``.

    Examples
    --------
    >>> codings_dictionary()["column"].tolist()[:4]
    ['segment_id', 'source_id', 'pilot', 'date']"""
    path = Path(str(resources.files("cosie_analysis") / "resources" / "qda_codings_dictionary.csv"))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def screen_excerpts(excerpts: pd.Series) -> pd.Series:
    """True for each excerpt that the pilot register's identifier checks flag; the text is not echoed.

    Uses :func:`cosie_analysis.pilot.register.validate_register` (the one implementation of the checks)
    on the excerpts as one column; a flagged batch is screened again excerpt by excerpt.

    Examples
    --------
    >>> screen_excerpts(pd.Series(["mail me: jan@voorbeeld.nl", "ik vertrouwde haar"])).tolist()  # SYNTHETIC
    [True, False]
    """
    from cosie_analysis.pilot.register import validate_register

    text = excerpts.fillna("").astype(str)

    def flagged(values: pd.Series) -> bool:
        problems = validate_register(pd.DataFrame({"excerpt": values.to_numpy()}))
        return any(p.kind == "identifier" and p.column == "excerpt" for p in problems)

    out = pd.Series(False, index=excerpts.index)
    if len(text) and flagged(text):
        out[:] = [bool(v) and flagged(pd.Series([v])) for v in text]
    return out


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
        problems.append((int(i), (f"{where(sources.iloc[i])}: pilot {sources['pilot'].iloc[i]!r} is not one of {list(PILOT_NAMES)}; "
                        "give every coded source a variable 'pilot' (houten or nieuwegein).")))
    for i in np.flatnonzero(date.isna().to_numpy()):
        problems.append((int(i), (f"{where(sources.iloc[i])}: date {sources['date'].iloc[i]!r} is not a day YYYY-MM-DD; give every "
                        "coded source a variable 'date' (the day the story was told).")))
    sources["pilot"] = pilot
    sources["date"] = date
    return sources, problems


def _with_phase(sources: pd.DataFrame, scheme, rule) -> tuple[pd.DataFrame, str, str]:
    from cosie_analysis.phases import assign_phase

    phase = assign_phase(sources["date"].dt.strftime("%Y-%m-%d").tolist(), scheme=scheme, rule=rule)
    out = sources.assign(phase=phase.to_numpy())
    return out, str(phase.attrs.get("phase_scheme", scheme)), str(phase.attrs.get("phase_rule", rule))


def _range_problems(codings: pd.DataFrame, n_chars: pd.Series, names: pd.Series) -> list[str]:
    problems = []
    n = codings["source_id"].map(n_chars)
    bad = (codings["start"] < 0) | (codings["end"] <= codings["start"]) | (n.notna() & (codings["end"] > n))
    for _, r in codings[bad].drop_duplicates("segment_id").iterrows():
        problems.append(f"project.qde line {r['line']}: selection {r['segment_id']} in source {names[r['source_id']]!r} "
                        f"runs from {r['start']} to {r['end']}, outside the text (0 to {n_chars[r['source_id']]}) or "
                        "empty. Recode the passage in your QDA program and export again.")
    key = ["source_id", "coder", "code_id"]
    ok = codings[~bad].drop_duplicates(key + ["segment_id"]).sort_values(key + ["start", "end"], kind="stable")
    same = (ok[key].shift() == ok[key]).all(axis=1)
    previous_end = ok.groupby(key, sort=False)["end"].cummax().groupby([ok[k] for k in key], sort=False).shift()
    for _, r in ok[same & (ok["start"] < previous_end)].iterrows():
        problems.append(f"project.qde line {r['line']}: selection {r['segment_id']} in source {names[r['source_id']]!r} "
                        f"overlaps an earlier selection with the same code by the same coder ({r['coder']!r}); the "
                        "passage would be counted twice. Merge the two codings in your QDA program and export again.")
    return problems


def _read_qdpx(path: Path, positions: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
        warnings.warn(f"read_codings(): left out {int((~usable).sum())} uncoded source(s) without a valid pilot or date "
                      f"(e.g. {sources.loc[~usable, 'name'].head(3).tolist()}).", UserWarning, stacklevel=3)
    coded = sources[usable]
    segs = codings.merge(codes[["code_id", "code", "code_path", "theme"]], on="code_id")
    return segs.drop(columns=["code_id", "line"]), coded.drop(columns=["line", "n_chars"]), codes.drop(columns="line")


def _read_csv(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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


def read_codings(path: str | Path, *, scheme="measures", rule: str = "majority", excerpts: bool = True,
                 positions: str = "characters") -> Codings:
    """Read coded narratives from a REFI-QDA export (``.qdpx``) or a CSV of coded segments.

    Parameters
    ----------
    path : path-like
        A ``.qdpx`` file (exported by NVivo, ATLAS.ti, MAXQDA or QualCoder; validated against the
        REFI-QDA project schema) or a ``.csv`` in the format of :data:`CSV_COLUMNS`.
    scheme, rule : optional
        The corona phase scheme and straddling rule, as for :func:`cosie_analysis.assign_phase`.
    excerpts : bool, default True
        Keep the excerpts (screened, see Notes); False drops all text.
    positions : {"characters", "utf-16"}, default "characters"
        How the ``.qdpx`` counts selection positions. Try "utf-16" when excerpts of texts with emoji
        come out shifted by a few characters.

    Returns
    -------
    Codings
        ``segments`` (one row per segment x code x coder), ``sources`` and ``codes``; see :class:`Codings`.

    Raises
    ------
    InputFileError
        Listing every problem with its place (line of project.qde or of the CSV) and a fix: not a zip,
        no project.qde, not well-formed, wrong namespace, schema errors, a coding that points to a
        missing code or user, a case that points to a missing source, a source file missing from the
        archive, a selection outside its text or overlapping one with the same code by the same coder,
        a coded source without pilot or date, identifier-like values in CSV columns.

    Notes
    -----
    Sources are dated by the variable ``date`` (``datum``) of their case or of the source itself; the
    phase follows :func:`cosie_analysis.phases.assign_phase` (``[start, end)``: the day the corona
    period starts is ``during``). Positions count characters of the plain text as stored (CRLF line
    ends count two); programs that count UTF-16 units give other positions for text with emoji.
    Excerpts flagged by the pilot register's identifier checks are withheld with a warning.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> codings = ca.read_codings(ca.example_qdpx())  # SYNTHETIC example project  # doctest: +SKIP
    """
    if not isinstance(path, (str, Path)):
        raise ParameterError(f"`path` must be a path to a .qdpx or .csv file; got {type(path).__name__}.")
    check_choice("positions", positions, ("characters", "utf-16"))
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found.", "Check the path; your own exports go in data/raw/qda/.")
    suffix = path.suffix.lower()
    if suffix in (".qdpx", ".qde", ".zip"):
        segs, sources, codes = _read_qdpx(path, positions)
    elif suffix in (".csv", ".txt"):
        segs, sources, codes = _read_csv(path)
    else:
        raise InputFileError(path, f"unsupported file type {suffix!r}.", "Pass a REFI-QDA export (.qdpx) or a .csv.")
    sources, scheme_name, rule_name = _with_phase(sources, scheme, rule)
    segs = segs.merge(sources[["source_id", "pilot", "date", "phase"]], on="source_id", how="left")
    if excerpts:
        withheld = screen_excerpts(segs["excerpt"])
        if withheld.any():
            warnings.warn(f"read_codings(): withheld {int(withheld.sum())} excerpt(s) in "
                          f"{segs.loc[withheld, 'segment_id'].nunique()} segment(s) that look like they hold a direct "
                          "identifier (text not shown). The codings are kept.", UserWarning, stacklevel=2)
            segs.loc[withheld, "excerpt"] = None
    else:
        segs["excerpt"] = None
    synthetic = "synthetic" in sources.columns and sources["synthetic"].astype(str).str.lower().isin(
        ["true", "1", "ja", "yes"]).any()
    segs = segs[SEGMENT_COLUMNS].sort_values(["pilot", "date", "source_id", "segment_id", "coder", "code_path"],
                                             kind="stable").reset_index(drop=True)
    for frame in (segs, sources):  # one dtype for text, whichever reader filled the column
        for col in frame.columns:
            if pd.api.types.is_string_dtype(frame[col]) and not isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    segs["start"] = segs["start"].astype("Int64")
    segs["end"] = segs["end"].astype("Int64")
    return Codings(segs, sources.sort_values(["pilot", "date", "source_id"], kind="stable").reset_index(drop=True),
                   codes.reset_index(drop=True), str(path), bool(synthetic), scheme_name, rule_name)


def load_codings(folder: str | Path | None = None, *, scheme="measures", rule: str = "majority",
                 excerpts: bool = True) -> Codings:
    """The user's own coded narratives from ``data/raw/qda/``, or the SYNTHETIC example when there are none.

    Parameters
    ----------
    folder : path-like, optional
        Default ``data/raw/qda/``. Every ``.qdpx`` and ``.csv`` file in it is read with
        :func:`read_codings` and the results are combined (source and segment ids must be unique
        across the files).
    scheme, rule, excerpts
        As for :func:`read_codings`.

    Returns
    -------
    Codings
        ``synthetic`` is True when the example was used (or a file is marked synthetic).

    Examples
    --------
    >>> load_codings().synthetic  # True until your own export is in data/raw/qda/  # doctest: +SKIP
    True
    """
    from cosie_analysis.paths import raw_dir
    from cosie_analysis.qda.example import example_qdpx

    folder = Path(folder) if folder is not None else raw_dir() / "qda"
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".qdpx", ".csv")) if folder.is_dir() else []
    if not files:
        return read_codings(example_qdpx(), scheme=scheme, rule=rule, excerpts=excerpts)
    parts = [read_codings(p, scheme=scheme, rule=rule, excerpts=excerpts) for p in files]
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    sources = pd.concat([p._sources for p in parts], ignore_index=True)
    dup = sources["source_id"].duplicated()
    if dup.any():
        raise InputFileError(folder, f"source id(s) {sources.loc[dup, 'source_id'].head(5).tolist()} occur in more than "
                             "one file.", "Give every source a unique id, or keep one file per project.")
    return Codings(pd.concat([p._segments for p in parts], ignore_index=True), sources,
                   pd.concat([p._codes for p in parts], ignore_index=True).drop_duplicates("code_path"),
                   str(folder), any(p.synthetic for p in parts), first.phase_scheme, first.phase_rule)
