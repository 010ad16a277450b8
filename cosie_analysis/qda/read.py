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

import pandas as pd

from cosie_analysis.errors import InputFileError, ParameterError, check_choice
from cosie_analysis.qda.tables import CSV_COLUMNS, read_csv_tables, read_qdpx_tables

__all__ = [
    "CSV_COLUMNS",
    "Codings",
    "codings_dictionary",
    "codings_template_path",
    "load_codings",
    "read_codings",
    "screen_excerpts",
]

SEGMENT_COLUMNS = ["segment_id", "source_id", "pilot", "date", "phase", "coder", "code", "code_path", "theme",
                   "start", "end", "excerpt"]


@dataclass(frozen=True)
class Codings:
    """Coded segments, their sources and the code tree, as read by :func:`read_codings`.

    Made by :func:`read_codings` and :func:`load_codings`; there is no need to build one by hand.
    The tables are read through the attributes below, each of which returns a copy.

    Parameters
    ----------
    _segments : pandas.DataFrame
        The table behind :attr:`segments`.
    _sources : pandas.DataFrame
        The table behind :attr:`sources`.
    _codes : pandas.DataFrame
        The table behind :attr:`codes`.
    path : str
        The file (or folder, for :func:`load_codings`) the codings were read from.
    synthetic : bool
        True for the SYNTHETIC example project (or a file whose sources are marked ``synthetic``).
    phase_scheme, phase_rule : str
        The corona phase scheme and straddling rule the ``phase`` columns were assigned with.

    Attributes
    ----------
    segments : pandas.DataFrame
        One row per segment x code x coder: ``segment_id``, ``source_id``, ``pilot``, ``date``
        (Timestamp), ``phase`` (ordered categorical), ``coder``, ``code`` (the code's own name),
        ``code_path`` ("category > code"), ``theme`` (the top-level category), ``start`` and ``end``
        (character positions, end excluded; missing for CSV), ``excerpt`` (missing when withheld).
    sources : pandas.DataFrame
        One row per source: ``source_id``, ``name``, ``pilot``, ``date``, ``phase``,
        ``source_type``, ``channel`` and any further variables of the project.
    codes : pandas.DataFrame
        The code tree: ``code_id``, ``code``, ``code_path``, ``theme``, ``parent``, ``depth``,
        ``is_codable``, ``description``.
    coders : list of str
        The coders' names (pseudonyms), sorted.

    Examples
    --------
    >>> import tempfile
    >>> from cosie_analysis.qda.example import write_example_qdpx
    >>> path = write_example_qdpx(Path(tempfile.mkdtemp()) / "example.qdpx", per_phase=3)  # SYNTHETIC
    >>> codings = read_codings(path)
    >>> codings.synthetic, codings.coders
    (True, ['codeur A', 'codeur B'])
    >>> codings.segments.columns.tolist()[:4]
    ['segment_id', 'source_id', 'pilot', 'date']
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

    Returns
    -------
    pathlib.Path
        ``resources/qda_codings_template.csv`` inside the installed package: one header line with the
        columns of :data:`CSV_COLUMNS`. Copy it, fill it, and pass the copy to :func:`read_codings`.

    Examples
    --------
    >>> codings_template_path().read_text().split(",")[:2]
    ['segment_id', 'source_id']
    """
    return Path(str(resources.files("cosie_analysis") / "resources" / "qda_codings_template.csv"))


def codings_dictionary() -> pd.DataFrame:
    """The data dictionary of the CSV format: one row per column of the coded-segments CSV.

    Returns
    -------
    pandas.DataFrame
        One row per column of the format, all text: ``column`` (its name), ``required`` (whether
        every file must have it: "yes" or "no"), ``meaning`` (what goes in it) and ``example`` (an
        invented value).

    Examples
    --------
    >>> codings_dictionary()["column"].tolist()[:4]
    ['segment_id', 'source_id', 'pilot', 'date']
    """
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


def _with_phase(sources: pd.DataFrame, scheme, rule) -> tuple[pd.DataFrame, str, str]:
    from cosie_analysis.phases import assign_phase

    phase = assign_phase(sources["date"].dt.strftime("%Y-%m-%d").tolist(), scheme=scheme, rule=rule)
    out = sources.assign(phase=phase.to_numpy())
    return out, str(phase.attrs.get("phase_scheme", scheme)), str(phase.attrs.get("phase_rule", rule))


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
        segs, sources, codes = read_qdpx_tables(path, positions)
    elif suffix in (".csv", ".txt"):
        segs, sources, codes = read_csv_tables(path)
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
        raise InputFileError(folder, f"source id(s) {sources.loc[dup, 'source_id'].head(5).tolist()} occur in more "
                             "than one file.", "Give every source a unique id, or keep one file per project.")
    return Codings(pd.concat([p._segments for p in parts], ignore_index=True), sources,
                   pd.concat([p._codes for p in parts], ignore_index=True).drop_duplicates("code_path"),
                   str(folder), any(p.synthetic for p in parts), first.phase_scheme, first.phase_rule)
