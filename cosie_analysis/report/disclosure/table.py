"""A protected table as exported text (suppressed cells as ``"."``) and the notes printed under it."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from cosie_analysis._checks import check_lang
from cosie_analysis.report.disclosure.checks import check_exportable
from cosie_analysis.report.sdc import DISCLOSURE_COLUMN, SUPPRESSED_MARK, DisclosureRules
from cosie_analysis.words import word

__all__ = ["display_table", "export_notes", "prepare_table"]


def display_table(table: pd.DataFrame, *, count: str | None = None, decimals: int = 1) -> pd.DataFrame:
    """The table as text for export: suppressed cells as :data:`SUPPRESSED_MARK`.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`protect` or :func:`suppress_small_n` (or any table: then only
        missing values of ``count`` become the mark).
    count : str, optional
        The count column; default from ``attrs["disclosure"]`` or ``"value"``.
    decimals : int, default 1
        Decimals of ``percent``.

    Returns
    -------
    pandas.DataFrame
        A copy in which the count column holds whole numbers as text and ``"."`` where suppressed,
        and ``percent`` (if present) text with ``decimals`` decimals or ``"."``.
    """
    meta = table.attrs.get("disclosure", {})
    count = count or meta.get("count") or "value"
    out = table.copy()
    hidden = (out[DISCLOSURE_COLUMN] != "shown").to_numpy() if DISCLOSURE_COLUMN in out else np.zeros(len(out), bool)
    columns = [count] if count in out.columns else []
    columns += [v for v in meta.get("values", []) if v in out.columns and v not in columns]
    for c in columns:
        values = pd.to_numeric(out[c], errors="coerce")
        whole = values.dropna().eq(values.dropna().round()).all()
        spec = "{:.0f}" if whole else f"{{:.{decimals}f}}"
        text = values.map(spec.format, na_action="ignore")
        out[c] = text.where(values.notna() & ~hidden, SUPPRESSED_MARK).astype(object)
    if "percent" in out.columns:
        p = pd.to_numeric(out["percent"], errors="coerce")
        out["percent"] = p.map(lambda x: f"{x:.{decimals}f}", na_action="ignore").fillna(SUPPRESSED_MARK).astype(object)
    return out


def export_notes(table: pd.DataFrame, *, lang: str = "nl") -> list[str]:
    """The notes an exported table or figure must carry (synthetic data, disclosure rules).

    Returns
    -------
    list of str
        Zero, one or two lines: a synthetic-data warning when :func:`cosie_analysis.pilot.register.is_synthetic`
        says so, and the disclosure rules when the table was protected.
    """
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL, is_synthetic

    check_lang(lang)
    notes = []
    if is_synthetic(table):
        notes.append(SYNTHETIC_LABEL[lang])
    meta = table.attrs.get("disclosure")
    if DISCLOSURE_COLUMN in table.columns:
        meta = meta or asdict(DisclosureRules())
        t, b, d = meta.get("threshold", 10), meta.get("rounding_base", 5), meta.get("min_denominator", 10)
        notes.append(word("sdc_note", lang).format(mark=SUPPRESSED_MARK, threshold=t, base=b, min_denominator=d))
    return notes


def prepare_table(
    table: pd.DataFrame, *, published: bool, person_level: bool | None = None, count: str = "value", lang: str = "nl"
) -> tuple[pd.DataFrame, list[str]]:
    """Check a table for export and return it as text with the notes to print under it.

    Raises :class:`DisclosureError` as :func:`check_exportable` does; returns
    ``(display_table(table), export_notes(table))``.
    """
    check_exportable(table, published=published, person_level=person_level, count=count)
    shown = display_table(table, count=table.attrs.get("disclosure", {}).get("count") or count)
    return shown, export_notes(table, lang=lang)
