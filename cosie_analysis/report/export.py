"""Export figures and tables for reports: fixed sizes, embedded fonts, provenance, identical bytes.

* :func:`save_figure` writes PDF (embedded TrueType fonts), SVG (text kept as text) and PNG (300 dpi)
  to ``reports/figures/``, with the source line under the figure and provenance in each file's
  metadata (source tables, a hash of the processed data, the package version, the phase scheme and
  rule). Dates and other varying metadata are fixed, so the same inputs give the same bytes.
* :func:`save_table` writes CSV, LaTeX (booktabs), Markdown, Excel (xlsx) and Word (docx) to
  ``reports/tables/``, through the injection-safe writers of :mod:`cosie_analysis.report.writers`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis._io import atomic_write
from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.paths import reports_dir
from cosie_analysis.report import writers
from cosie_analysis.report.present import present
from cosie_analysis.style import text

__all__ = ["save_figure", "save_table", "FIGURE_FORMATS", "MM_PER_INCH", "TABLE_FORMATS"]

FIGURE_FORMATS = ("pdf", "svg", "png")
#: Every table format :func:`save_table` writes; the report writes all of them.
TABLE_FORMATS = ("csv", "tex", "md", "xlsx", "docx")
MM_PER_INCH = 25.4
_SOURCE_BAND_MM = 6.0  # room under the axes for the source line
_CAPTION_LINE_MM = 3.6  # and for each line of a caption


def _isna(value) -> bool:
    return not isinstance(value, (list, tuple, np.ndarray)) and bool(pd.isna(value))


def _version() -> str:
    from cosie_analysis import __version__

    return __version__


def _provenance(provenance: Mapping | None) -> dict:
    info = {"package": f"cosie-analysis {_version()}"}
    info.update({k: v for k, v in (provenance or {}).items() if v is not None})
    return info


def save_figure(
    fig,
    name: str,
    *,
    formats: Sequence[str] = FIGURE_FORMATS,
    width_mm: float = 160,
    height_mm: float | None = None,
    source: str | None = None,
    caption: str | None = None,
    lang: str = "nl",
    provenance: Mapping | None = None,
    data=None,
    published: bool,
    out_dir: str | Path | None = None,
) -> list[Path]:
    """Save a figure for a report, in every format, with identical bytes for identical inputs.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Best made with ``layout="constrained"``; no title is added (captions live in the report).
    name : str
        Stable file name without extension, e.g. ``"national_crime_monthly_nl"``.
    formats : sequence of {"pdf", "svg", "png"}
    width_mm, height_mm : float
        Size in millimetres: 160 is the A4 text width, 78 half of it. Default height: 0.6 x width.
    source : str, optional
        The source line printed under the figure, e.g. ``"CBS/Politie, tabel 47018NED"``; it is
        prefixed with "Bron:" or "Source:". Default with ``data``: its source tables.
    caption : str, optional
        Printed under the figure (above the source line) and stored in the metadata, for a figure of
        one's own analysis that travels without its report. The report's own figures keep their
        captions in the report instead.
    lang : {"nl", "en"}
    provenance : mapping, optional
        Written into each file's metadata as JSON: e.g. ``source_tables``, ``data_sha256``,
        ``phase_scheme``, ``phase_rule``. ``synthetic=True`` also prints "SYNTHETIC DATA" on the figure.
        Keys given here win over those read from ``data``.
    data : pandas.DataFrame or result object, optional
        The observation frame or the result (anything with ``summary()``/``plot_data()``) behind the
        figure. Its source tables, phase scheme and rule, method and a sha256 of the data go into the
        provenance (:func:`cosie_analysis.catalog.data_provenance`). It passes disclosure control
        (:func:`cosie_analysis.report.disclosure.prepare_figure`): person-level pilot counts must have been
        protected, and synthetic data is watermarked and noted under the figure. Without it the
        figure's own labels are checked: a figure of pilot data is refused with ``published=True``,
        and one of person-level pilot data is refused without ``data=``.
    published : bool
        True when the figure shows published statistics only (CBS tables); False for anything built from
        the pilots' own registers. Required, so that every export says which it is.
    out_dir : path-like, optional
        Default ``reports/figures``.

    Returns
    -------
    list of pathlib.Path
        The files written (each written to a temporary file first, then moved into place).

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt, pandas as pd
    >>> data = pd.DataFrame({"period": ["2019JJ00", "2020JJ00"], "value": [1.0, 2.0],
    ...                      "source_table": ["synthetic", "synthetic"]})  # synthetic: watermarked
    >>> fig, ax = plt.subplots(layout="constrained")
    >>> _ = ax.plot([2019, 2020], data["value"])
    >>> files = save_figure(fig, "own_nl", caption="Een eigen figuur (synthetisch).", data=data, published=True,
    ...                     out_dir=tempfile.mkdtemp())
    >>> [f.suffix for f in files]
    ['.pdf', '.svg', '.png']
    """
    check_choice("lang", lang, ("nl", "en"))
    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    out_dir = Path(out_dir) if out_dir else reports_dir() / "figures"
    height_mm = height_mm or 0.6 * width_mm
    fig.set_size_inches(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH)
    info = _provenance(provenance)
    frame = None
    if data is not None:
        from cosie_analysis.catalog import _frames_of, data_provenance

        info = {**_provenance(data_provenance(data)), **info}
        frame = _frames_of(data)[0]
        if source is None and info.get("source_tables"):
            source = ", ".join(info["source_tables"])
    from cosie_analysis.report.disclosure import prepare_figure

    # disclosure control with or without data= (#16): without it the figure's own labels are checked
    notes = prepare_figure(fig, frame, published=published, lang=lang)
    if any(t.get_gid() == "synthetic" for t in fig.texts):
        info["synthetic"] = True
    info["published_statistics"] = published
    if caption:
        info["caption"] = caption
    if notes:
        source = "; ".join([source] if source else []) + (" — " if source else "") + "; ".join(notes)
    _draw_footer(fig, caption, source, lang=lang, width_mm=width_mm, height_mm=height_mm)
    if info.get("synthetic") and not any(t.get_gid() == "synthetic" for t in fig.texts):
        fig.text(0.99, 0.012, text("synthetic", lang), ha="right", va="bottom", fontsize=7, color="#C00000",
                 fontweight="bold", gid="synthetic_mark")
    description = json.dumps(info, sort_keys=True, ensure_ascii=False)
    metadata = {
        "pdf": {"Title": name, "Subject": description, "Creator": info["package"], "CreationDate": None,
                "ModDate": None, "Producer": "matplotlib"},
        "svg": {"Title": name, "Description": description, "Creator": info["package"], "Date": None},
        "png": {"Title": name, "Description": description, "Software": info["package"]},
    }
    writers = {}
    for fmt in formats:
        kwargs = {"format": fmt, "metadata": metadata[fmt]}
        if fmt == "png":
            kwargs["dpi"] = 300
        save = (lambda kw: (lambda tmp: fig.savefig(tmp, **kw)))(kwargs)
        writers[out_dir / f"{name}.{fmt}"] = (lambda f: (lambda tmp: (f(tmp), _stable_svg_ids(tmp))))(save) \
            if fmt == "svg" else save
    import matplotlib

    # the settings that make files reproducible and editable, whatever style the figure was drawn in
    fixed = {"svg.hashsalt": "cosie-analysis", "svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42}
    with matplotlib.rc_context(fixed):
        atomic_write(writers)
    return list(writers)


def _stable_svg_ids(path: Path) -> None:
    """Name each SVG clip path after its own definition. matplotlib hashes the clip box with all its
    float digits, which can differ in the last bit between processes (the layout sums in an order that
    depends on Python's string hashing) although the written rectangle is the same."""
    import re

    text = path.read_text(encoding="utf-8")
    seen: dict[str, int] = {}
    renamed: dict[str, str] = {}
    for old, body in re.findall(r'<clipPath id="(p[0-9a-f]+)">(.*?)</clipPath>', text, re.S):
        n = seen[body] = seen.get(body, -1) + 1
        renamed[old] = "p" + hashlib.sha256(f"{body}#{n}".encode()).hexdigest()[:10]
    if renamed:
        clip_id = r'(?<=id=")p[0-9a-f]+(?=")|(?<=url\(#)p[0-9a-f]+(?=\))'
        text = re.sub(clip_id, lambda m: renamed.get(m.group(0), m.group(0)), text)
        path.write_text(text, encoding="utf-8")


def _draw_footer(fig, caption: str | None, source: str | None, *, lang: str, width_mm: float, height_mm: float):
    """The caption (wrapped) and the source line under the axes, with room made for them."""
    import textwrap

    lines = textwrap.wrap(caption, width=max(int(width_mm / 1.45), 20)) if caption else []
    if not lines and not source:
        return
    # a long source line (e.g. with the disclosure note) is wrapped too, not cut off at the edge
    source_lines = textwrap.wrap(f"{text('source', lang)}: {source}", width=max(int(width_mm / 1.35), 20)) \
        if source else []
    more = _CAPTION_LINE_MM * max(len(source_lines) - 1, 0)
    band = (_SOURCE_BAND_MM + more + _CAPTION_LINE_MM * len(lines)) / height_mm
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, band, 1, 1 - band))
    if lines:
        y = (_SOURCE_BAND_MM + more if source else 1.5) / height_mm
        fig.text(0.01, y, "\n".join(lines), ha="left", va="bottom", fontsize=7, color="#222222", gid="caption",
                 linespacing=1.25)
    if source:
        fig.text(0.01, 0.012, "\n".join(source_lines), ha="left", va="bottom", fontsize=6.5,
                 color="#444444", gid="source_line", linespacing=1.25)


def save_table(
    df: pd.DataFrame,
    name: str,
    *,
    decimals: int | Mapping[str, int] | None = None,
    lang: str = "nl",
    caption: str | None = None,
    source: str | None = None,
    published: bool,
    out_dir: str | Path | None = None,
    formats: Sequence[str] = ("csv", "tex", "md"),
    significance: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Save a table as CSV, LaTeX, Markdown, Excel or Word, rounded sensibly, after disclosure control.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; not modified.
    name : str
        Stable file name without extension.
    decimals : int or mapping, optional
        Default: one number of decimals per column, from its magnitude (three significant digits of
        its median absolute value, at most 4; shared by an estimate, its standard error and interval);
        p-values get 3 (``< 0,001`` below 0.001), whole-number columns 0. An int fixes the decimals
        of every column of fractional numbers; a mapping those of the columns it names.
    lang : {"nl", "en"}
        The language of everything a reader sees in LaTeX, Markdown, Word and Excel: headers
        (:data:`cosie_analysis.words.COLUMN_LABELS`), categorical values
        (:func:`cosie_analysis.words.value_label`), CBS periods (``2020MM03`` -> ``mrt 2020``),
        decimal comma (nl) or point (en); see :mod:`cosie_analysis.report.present`. The CSV keeps
        the column names, codes and values as identifiers, with a decimal point, for reuse in
        analysis; Excel stores numbers as numbers with a number format.
    caption, source : str, optional
        The caption above the table (LaTeX caption, first row in Excel, caption paragraph in Word)
        and the source line below it.
    published : bool
        True for tables of published statistics (CBS tables). Tables built from the pilots' own
        registers pass False: :func:`cosie_analysis.report.disclosure.protect_for_export` then suppresses
        small counts (shown as ``.``), rounds to base 5 and refuses what it cannot protect. Required,
        so that every export says which it is.
    out_dir : path-like, optional
        Default ``reports/tables``.
    formats : sequence of {"csv", "tex", "md", "xlsx", "docx"}
        Default CSV, LaTeX and Markdown; :data:`TABLE_FORMATS` for all five.
    significance : str, optional
        Name of a p-value column (e.g. ``"p_adjusted"``): adds a ``significance`` column right after it
        with ``*`` (p < 0.05), ``**`` (p < 0.01) and ``***`` (p < 0.001), and a note explaining them.
        The marks never touch the numbers.
    names : mapping, optional
        Names in ``lang`` of the codes the table holds: region codes (``{"GM0321": "Houten"}``) and
        indicator codes (their label). A ``region_code`` column then gets a ``region_name`` column
        beside it (in every format, the CSV too), and ``indicator``, ``treated`` and ``donor``
        cells show the name instead of the code (not in the CSV). The report passes the names of
        the observation table.

    Returns
    -------
    list of pathlib.Path
        One file per format, in the order of ``formats``.

    Notes
    -----
    Text cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab,
    carriage return) get a leading apostrophe in CSV and Excel; numbers stay numbers. LaTeX special
    characters and Markdown's ``|`` are escaped (see :mod:`cosie_analysis.report.writers`).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> table = pd.DataFrame({"region": ["A (synthetic)", "B (synthetic)"], "estimate": [1.5, -0.25],
    ...                       "p_value": [0.02, 0.4]})
    >>> files = save_table(table, "demo", formats=("csv", "xlsx", "docx"), significance="p_value",
    ...                    published=True, out_dir=tempfile.mkdtemp())
    >>> [f.suffix for f in files]
    ['.csv', '.xlsx', '.docx']
    """
    check_choice("lang", lang, ("nl", "en"))
    for fmt in formats:
        check_choice("formats", fmt, list(_SUFFIX))
    out_dir = Path(out_dir) if out_dir else reports_dir() / "tables"
    from cosie_analysis.report.disclosure import export_notes, protect_for_export

    table = protect_for_export(df, published=published)
    notes = export_notes(table, lang=lang)
    protected = "disclosure" in table.columns
    if significance is not None:
        table = _with_marks(table, significance)
        notes = notes + [text("significance_note", lang)]
    prepared = _prepare(table, name, decimals=decimals, lang=lang, caption=caption, source=source, notes=notes,
                        missing="." if protected else "", names=names)
    writers = {out_dir / f"{name}.{_SUFFIX[fmt]}": (lambda w: (lambda p: w(prepared, p)))(_WRITERS[fmt])
               for fmt in formats}
    atomic_write(writers)
    return list(writers)


_SUFFIX = {"csv": "csv", "tex": "tex", "latex": "tex", "md": "md", "markdown": "md", "xlsx": "xlsx", "docx": "docx"}
_WRITERS = {"csv": writers.write_csv, "tex": writers.write_latex, "latex": writers.write_latex,
            "md": writers.write_markdown, "markdown": writers.write_markdown, "xlsx": writers.write_xlsx,
            "docx": writers.write_docx}


def _with_marks(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The table with a ``significance`` column (``*``, ``**``, ``***``) right after ``column``."""
    if column not in table.columns:
        raise ParameterError(f"`significance` names a p-value column; {column!r} is not one of the table's columns "
                             f"{list(table.columns)!r}. Pass e.g. significance='p_adjusted', or None for no marks.")
    marks = writers.significance_marks(table[column])
    out = table.drop(columns=["significance"], errors="ignore")
    out.insert(list(out.columns).index(column) + 1, "significance", marks)
    return out


def _prepare(table: pd.DataFrame, name: str, *, decimals, lang: str, caption, source, notes, missing: str,
             names: Mapping[str, str] | None = None):
    """Round the numeric columns and render every cell for a reader, once for all writers."""
    shown = present(table, lang=lang, decimals=decimals, names=names, missing=missing)
    lines = ([f"{text('source', lang)}: {source}"] if source else []) + list(notes)
    if notes:
        caption = " ".join([caption or ""] + list(notes)).strip()
    return writers.PreparedTable(rounded=shown.rounded, shown=shown.shown, digits=shown.digits, name=name, lang=lang,
                                 caption=caption, lines=tuple(lines), missing=missing, headers=shown.headers,
                                 excel_formats=shown.excel_formats)
