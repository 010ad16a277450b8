"""Export figures and tables for reports: fixed sizes, embedded fonts, provenance, identical bytes.

* :func:`save_figure` writes PDF (embedded TrueType fonts), SVG (text kept as text) and PNG (300 dpi)
  to ``reports/figures/``, with the source line under the figure and provenance in each file's
  metadata (source tables, a hash of the processed data, the package version, the phase scheme and
  rule). Dates and other varying metadata are fixed, so the same inputs give the same bytes.
* :func:`save_table` writes CSV, LaTeX (booktabs) and Markdown to ``reports/tables/``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis._io import atomic_write
from cosie_analysis.errors import check_choice
from cosie_analysis.paths import reports_dir
from cosie_analysis.style import format_number, text

__all__ = ["save_figure", "save_table", "FIGURE_FORMATS", "MM_PER_INCH"]

FIGURE_FORMATS = ("pdf", "svg", "png")
MM_PER_INCH = 25.4
_SOURCE_BAND_MM = 6.0  # room under the axes for the source line


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
    lang: str = "nl",
    provenance: Mapping | None = None,
    data: pd.DataFrame | None = None,
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
        prefixed with "Bron:" or "Source:".
    lang : {"nl", "en"}
    provenance : mapping, optional
        Written into each file's metadata as JSON: e.g. ``source_tables``, ``data_sha256``,
        ``phase_scheme``, ``phase_rule``. ``synthetic=True`` also prints "SYNTHETIC DATA" on the figure.
    data : pandas.DataFrame, optional
        The frame behind the figure. It passes disclosure control
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
    """
    check_choice("lang", lang, ("nl", "en"))
    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    out_dir = Path(out_dir) if out_dir else reports_dir() / "figures"
    height_mm = height_mm or 0.6 * width_mm
    fig.set_size_inches(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH)
    info = _provenance(provenance)
    from cosie_analysis.report.disclosure import prepare_figure

    # disclosure control with or without data= (#16): without it the figure's own labels are checked
    notes = prepare_figure(fig, data, published=published, lang=lang)
    if any(t.get_gid() == "synthetic" for t in fig.texts):
        info["synthetic"] = True
    info["published_statistics"] = published
    if notes:
        source = "; ".join([source] if source else []) + (" — " if source else "") + " ".join(notes)
    if source:
        engine = fig.get_layout_engine()
        band = _SOURCE_BAND_MM / height_mm
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, band, 1, 1 - band))
        fig.text(0.01, 0.012, f"{text('source', lang)}: {source}", ha="left", va="bottom", fontsize=6.5,
                 color="#444444", gid="source_line")
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
        writers[out_dir / f"{name}.{fmt}"] = (lambda kw: (lambda tmp: fig.savefig(tmp, **kw)))(kwargs)
    import matplotlib

    # the settings that make files reproducible and editable, whatever style the figure was drawn in
    fixed = {"svg.hashsalt": "cosie-analysis", "svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42}
    with matplotlib.rc_context(fixed):
        atomic_write(writers)
    return list(writers)


def _decimals_for(column: str, values: pd.Series, default: int) -> int:
    """p-values 3 decimals; whole numbers 0; otherwise ``default``, or more (at most 4) when that
    would print the column's smallest non-zero value as 0 (log-scale slopes, small p floors)."""
    if column in ("p_value", "p_adjusted", "p_permutation", "p_min"):
        return 3
    present = np.asarray(values.dropna(), dtype=float)
    if pd.api.types.is_integer_dtype(values) or (len(present) and np.all(np.isclose(present % 1, 0))):
        return 0
    nonzero = np.abs(present[np.isfinite(present) & (present != 0)])
    if len(nonzero):
        needed = 1 - int(np.floor(np.log10(nonzero.min())))  # two significant digits of the smallest
        return int(min(max(default, needed), 4))
    return default


def save_table(
    df: pd.DataFrame,
    name: str,
    *,
    decimals: int | Mapping[str, int] = 2,
    lang: str = "nl",
    caption: str | None = None,
    source: str | None = None,
    published: bool,
    out_dir: str | Path | None = None,
) -> list[Path]:
    """Save a table as CSV, LaTeX (booktabs) and Markdown, rounded sensibly, after disclosure control.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; not modified.
    name : str
        Stable file name without extension.
    decimals : int or mapping
        Decimals for float columns (default 2); p-values get 3 and whole-number columns 0 unless a
        mapping names the column.
    lang : {"nl", "en"}
        Decimal comma (nl) or point (en) in LaTeX and Markdown. The CSV always uses a point.
    caption, source : str, optional
        Written as the LaTeX caption and under the Markdown table.
    published : bool
        True for tables of published statistics (CBS tables). Tables built from the pilots' own
        registers pass False: :func:`cosie_analysis.report.disclosure.protect_for_export` then suppresses
        small counts (shown as ``.``), rounds to base 5 and refuses what it cannot protect. Required,
        so that every export says which it is.
    out_dir : path-like, optional
        Default ``reports/tables``.

    Returns
    -------
    list of pathlib.Path
        The ``.csv``, ``.tex`` and ``.md`` files.
    """
    check_choice("lang", lang, ("nl", "en"))
    out_dir = Path(out_dir) if out_dir else reports_dir() / "tables"
    from cosie_analysis.report.disclosure import export_notes, protect_for_export

    table = protect_for_export(df, published=published)
    notes = export_notes(table, lang=lang)
    protected = "disclosure" in table.columns
    digits = {}
    for col in table.columns:
        if pd.api.types.is_float_dtype(table[col]) or pd.api.types.is_integer_dtype(table[col]):
            chosen = decimals.get(col) if isinstance(decimals, Mapping) else None
            default = decimals if isinstance(decimals, int) else 2
            digits[col] = chosen if chosen is not None else _decimals_for(col, table[col], default)
    rounded = table.copy()
    for col, d in digits.items():
        rounded[col] = rounded[col].round(d) if d else rounded[col].round(0).astype("Int64")
    shown = rounded.copy()
    for col, d in digits.items():
        # "." marks a cell suppressed by disclosure control; elsewhere an empty cell means "not available"
        shown[col] = [format_number(float(v), d, lang) if pd.notna(v) else ("." if protected else "")
                      for v in rounded[col]]
    shown = shown.astype(str)
    lines = ([f"{text('source', lang)}: {source}"] if source else []) + notes
    footer = ("\n\n" + "\n\n".join(lines) + "\n") if lines else "\n"
    if notes:
        caption = " ".join([caption or ""] + notes).strip()
    align = ["right" if c in digits else "left" for c in shown.columns]
    markdown = (f"{caption}\n\n" if caption else "") + shown.to_markdown(index=False, colalign=align, disable_numparse=True) + footer
    latex = shown.style.hide(axis="index").to_latex(
        hrules=True, caption=caption, label=f"tab:{name}", position_float="centering",
        column_format="".join(a[0] for a in align),
    )
    latex = latex.replace("\u2212", "-")
    latex = latex.replace("_", r"\_").replace(r"tab:" + name.replace("_", r"\_"), f"tab:{name}")
    csv = rounded.to_csv(index=False, lineterminator="\n", na_rep="." if protected else "")
    writers = {
        out_dir / f"{name}.csv": lambda p: p.write_text(csv, encoding="utf-8"),
        out_dir / f"{name}.tex": lambda p: p.write_text(latex, encoding="utf-8"),
        out_dir / f"{name}.md": lambda p: p.write_text(markdown, encoding="utf-8"),
    }
    atomic_write(writers)
    return list(writers)
