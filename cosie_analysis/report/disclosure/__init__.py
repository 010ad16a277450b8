"""Small-cell protection (statistical disclosure control) applied to every exported table and figure.

The pilots' own monitoring data count people: job seekers in Houten, households in four flats in
Nieuwegein. A table of such counts is only exported after :func:`protect`:

1. **Primary suppression**: a count below ``threshold`` (default 10) is not shown. Zero is shown
   (an empty cell discloses nobody) unless ``suppress_zero=True``.
2. **Rounding** to a multiple of ``rounding_base`` (default 5, the CBS practice), half up.
3. **Totals from the rounded cells**: the total of a group is the *sum of the rounded cells*, not the
   rounded true total, so every exported total equals the sum of its exported cells (when all are
   shown). It may differ from the true total by at most ``2 x number of cells`` at base 5.
4. **Secondary suppression** within each group (e.g. ``before + during + after = total``): a group
   never has exactly one suppressed entry. If only one is suppressed, the smallest shown cell with a
   positive count is suppressed as well (the earliest one on ties); if there is none, the total is.
   Without rounding, a further cell is suppressed when the suppressed cells could only all be 1
   (``1 + 1 + 50`` with the total 52 shown). Then no suppressed value can be recovered by
   differencing the total and the shown cells (tested by brute force in ``tests/test_disclosure.py``).
5. **Percentages** only with a denominator (the true group total) of at least ``min_denominator``,
   computed from the *rounded* counts so they reveal nothing beyond the exported counts.

Suppressed cells show as :data:`SUPPRESSED_MARK` (``"."``) in tables (:func:`display_table`) and as
open grey markers in figures (:func:`mark_suppressed`). :func:`check_exportable` refuses an
unprotected table of person-level counts unless told that it holds published statistics (CBS tables
are). :func:`prepare_table` and :func:`prepare_figure` are the two calls an export function makes.

Limits: protection works along one additive dimension (the cells of a group and their total). Totals
*across* groups (both pilots together, all groups of a measure) are not protected by it; publish
each protected table as it is and do not publish the same counts in a second layout.

The parts: the rules and their arithmetic (:func:`protect`, :func:`suppress_small_n`) are in
:mod:`cosie_analysis.report.sdc`; the export gate (:func:`check_exportable`, :func:`protect_for_export`)
in :mod:`~cosie_analysis.report.disclosure.checks`; protected tables as text with their notes in
:mod:`~cosie_analysis.report.disclosure.table`; marks and checks for figures in
:mod:`~cosie_analysis.report.disclosure.figure`; a count series for a figure, summed into quarters or
years where months are too small (:func:`protect_series`), in
:mod:`~cosie_analysis.report.disclosure.series`. Every name is importable from here.
"""

from __future__ import annotations

from cosie_analysis.report.disclosure.checks import STRUCTURAL_COLUMNS, check_exportable, protect_for_export
from cosie_analysis.report.disclosure.figure import mark_suppressed, mark_synthetic, prepare_figure
from cosie_analysis.report.disclosure.series import SERIES_FREQUENCIES, protect_series
from cosie_analysis.report.disclosure.table import display_table, export_notes, prepare_table
from cosie_analysis.report.sdc import (
    DISCLOSURE_COLUMN,
    DISCLOSURE_STATUSES,
    PERSON_LEVEL_UNITS,
    SUPPRESSED_MARK,
    DisclosureError,
    DisclosureRules,
    protect,
    round_to_base,
    suppress_small_n,
)

__all__ = [
    "DISCLOSURE_COLUMN",
    "DISCLOSURE_STATUSES",
    "PERSON_LEVEL_UNITS",
    "SERIES_FREQUENCIES",
    "STRUCTURAL_COLUMNS",
    "SUPPRESSED_MARK",
    "DisclosureError",
    "DisclosureRules",
    "check_exportable",
    "display_table",
    "export_notes",
    "mark_suppressed",
    "mark_synthetic",
    "prepare_figure",
    "prepare_table",
    "protect",
    "protect_for_export",
    "protect_series",
    "round_to_base",
    "suppress_small_n",
]
