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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis._checks import check_lang
from cosie_analysis.errors import ParameterError
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
from cosie_analysis.words import word

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = [
    "DISCLOSURE_COLUMN",
    "DISCLOSURE_STATUSES",
    "PERSON_LEVEL_UNITS",
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
    "round_to_base",
    "suppress_small_n",
]


# --------------------------------------------------------------------------- export checks


def _pilot_person_level_indicators() -> set[str]:
    from cosie_analysis.pilot.register import load_measures

    m = load_measures()
    return {"pilot_" + name for name in m.loc[m["person_level"], "measure"]}


def _person_level_reasons(table: pd.DataFrame) -> list[str]:
    reasons = []
    if table.attrs.get("person_level"):
        reasons.append("its attrs say person_level=True")
    if "unit" in table.columns:
        units = sorted(set(table["unit"].dropna().astype(str).str.lower()) & PERSON_LEVEL_UNITS)
        if units:
            reasons.append(f"column `unit` holds {units}")
    if "indicator" in table.columns:
        person = _pilot_person_level_indicators()
        ind = table["indicator"].dropna().astype(str)
        hits = sorted({i for i in ind if i in person or i.split("__")[0] in person})
        if hits:
            reasons.append(f"indicator(s) {hits[:5]} count people in a pilot register")
    if "measure" in table.columns and "pilot" in table.columns:
        from cosie_analysis.pilot.register import load_measures

        m = load_measures()
        hits = sorted(set(table["measure"].dropna().astype(str)) & set(m.loc[m["person_level"], "measure"]))
        if hits:
            reasons.append(f"measure(s) {hits[:5]} count people in a pilot register")
    return reasons


#: Numeric columns the package writes that describe the design, not people (periods summed, the
#: confidence level, a year); every other number in a table of person-level pilot data must be protected.
STRUCTURAL_COLUMNS = frozenset({"n_periods", "conf_level", "year"})


def _unprotected_numbers(table: pd.DataFrame, meta: dict, count: str) -> list[str]:
    """Numeric columns of a protected pilot table that protect() or suppress_small_n() did not protect."""
    allowed = {count, "percent", *meta.get("values", []), *meta.get("structural", []), *STRUCTURAL_COLUMNS}
    return [str(c) for c in table.columns if c not in allowed and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])]


def _check_protected(table: pd.DataFrame, count: str, prov: dict | None = None) -> None:
    flags = table[DISCLOSURE_COLUMN].astype(object)
    bad = sorted(set(flags.dropna()) - set(DISCLOSURE_STATUSES))
    meta = table.attrs.get("disclosure", {})
    count = meta.get("count") or count
    person = bool(prov and prov.get("person_level"))
    problems = []
    if bad or flags.isna().any():
        problems.append(f"column `disclosure` holds {bad or ['missing values']}; allowed: {list(DISCLOSURE_STATUSES)}")
    if count in table.columns and (meta.get("count") or person):
        values = pd.to_numeric(table[count], errors="coerce")
        hidden = flags != "shown"
        if values[hidden].notna().any():
            problems.append(f"{int(values[hidden].notna().sum())} suppressed cell(s) have a value in `{count}`")
        shown = values[~hidden].dropna()
        base, threshold = meta.get("rounding_base", 5), meta.get("threshold", 10)
        if ((shown % base) != 0).any() or ((shown > 0) & (shown < threshold)).any():
            problems.append(f"shown counts in `{count}` are not multiples of {base} of at least {threshold}")
    if person:
        extra = _unprotected_numbers(table, meta, count)
        if extra:
            problems.append(f"column(s) {extra} hold numbers derived from person-level pilot counts that protect() did "
                            "not protect (a mean with its n, an sd, a minimum or maximum can reveal a suppressed cell); "
                            "drop them, or use cosie_analysis.report.pilot_tables.protect_summary() for phase summaries")
    if problems:
        raise DisclosureError("The table has a `disclosure` column but is not as protect() left it: "
                              + "; ".join(problems) + ". Protect the original counts again with protect().")


def check_exportable(
    table: pd.DataFrame, *, published: bool, person_level: bool | None = None, count: str = "value"
) -> None:
    """Refuse to export an unprotected table of person-level counts.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to export, or the data behind a figure.
    published : bool
        True when the table holds already published statistics only (CBS tables are). Refused for
        rows from a pilot register, which are never published statistics.
    person_level : bool, optional
        Whether the table holds counts of people (or values derived from them, such as means per
        phase). Default: inferred from a ``unit`` column (persons, households, ...), pilot-register
        indicators or measures of people, or ``attrs["person_level"]``. Pass False only when you
        have checked that it does not; it cannot override the provenance of person-level pilot data.
    count : str, default "value"
        The count column (used to check a protected table).

    Raises
    ------
    DisclosureError
        An unprotected person-level table with ``published=False``; ``published=True`` for any
        table derived from a pilot register; a ``disclosure`` column that does not match its values;
        a protected table of person-level pilot data with other numbers in it (means, n, sd,
        minima or maxima, whatever the columns are called) that were not protected.
    ParameterError
        ``table`` is not a DataFrame, or ``published`` is not a bool.

    Notes
    -----
    Pilot data are recognised by provenance, not by shape (:func:`cosie_analysis.pilot.provenance.pilot_provenance`):
    ``attrs["pilot_register"]``, which every package transformation passes on, or the pilot
    markers the table holds. A table is protected when it carries the ``disclosure`` column that
    :func:`protect` or :func:`suppress_small_n` adds; the check verifies that its suppressed cells
    are empty, its shown counts rounded, and, for person-level pilot data, that no other number
    (apart from :data:`STRUCTURAL_COLUMNS`) was added.

    Examples
    --------
    >>> t = pd.DataFrame({"phase": ["before", "during"], "value": [1200.0, 1150.0], "unit": "persons"})  # SYNTHETIC
    >>> check_exportable(t, published=True)  # as if published statistics: passes silently
    >>> check_exportable(t, published=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.DisclosureError: Refusing to export an unprotected table of person-level counts (column `unit` holds ['persons']). ...
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"check_exportable(): `table` must be a pandas DataFrame; got {type(table).__name__}.")
    if not isinstance(published, (bool, np.bool_)):
        raise ParameterError(f"check_exportable(): `published` must be True or False; got {published!r}.")
    from cosie_analysis.pilot.provenance import pilot_provenance

    prov = pilot_provenance(table)
    if published and prov is not None:
        raise DisclosureError(
            "published=True, but the table holds rows from a pilot register (the pilots' own data), which "
            "are not published statistics, whatever else it holds. Pass published=False; person-level counts must "
            "be protected with cosie_analysis.report.disclosure.protect(...) first."
        )
    if DISCLOSURE_COLUMN in table.columns:
        _check_protected(table, count, prov)
        return
    if published:
        return
    pilot_person = bool(prov and prov["person_level"])
    reasons = [] if person_level is False and not pilot_person else _person_level_reasons(table)
    if pilot_person and prov is not None and not any("pilot register" in r for r in reasons):
        sources = f" ({', '.join(prov['sources'][:3])})" if prov["sources"] else ""
        reasons.append(f"it is derived from pilot register(s){sources} that count people")
    if person_level or reasons:
        why = "; ".join(reasons) if reasons else "person_level=True was passed"
        raise DisclosureError(
            f"Refusing to export an unprotected table of person-level counts ({why}). Run "
            "cosie_analysis.report.disclosure.protect(table, count=..., over='phase', by=[...]) first (for a phase "
            "summary: cosie_analysis.report.pilot_tables.protect_summary); or, if these are already published "
            "statistics (CBS tables are), pass published=True."
        )


def protect_for_export(
    table: pd.DataFrame,
    *,
    published: bool = False,
    person_level: bool | None = None,
    count: str = "value",
    over: str = "phase",
    by: str | Sequence[str] | None = None,
    rules: DisclosureRules | None = None,
) -> pd.DataFrame:
    """The table an export function may write: protected when it holds person-level counts.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to export; not modified.
    published : bool, default False
        True for published statistics only (CBS tables); refused for pilot-register rows.
    person_level : bool, optional
        As for :func:`check_exportable` (default: inferred).
    count, over, by, rules
        Passed to :func:`protect` when the table needs protecting.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` when it is already protected, published or not person-level; otherwise
        ``protect(table, count=count, over=over, by=by, rules=rules)``: suppressed counts are NaN
        (written as ``"."``) and a ``disclosure`` column says why.

    Raises
    ------
    DisclosureError
        When ``table`` holds person-level values that :func:`protect` cannot handle (no ``over``
        or ``count`` column, or values that are not whole counts, such as means per phase):
        aggregate to counts per phase, or protect the counts before deriving means from them.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": "matches", "phase": ["before", "during", "after"],
    ...                   "value": [23, 4, 31], "unit": "persons"})  # SYNTHETIC
    >>> protect_for_export(t, by="measure")
       measure   phase  value     unit disclosure
    0  matches  before    NaN  persons  secondary
    1  matches  during    NaN  persons    primary
    2  matches   after   30.0  persons      shown
    3  matches   total   60.0  persons      shown
    """
    try:
        check_exportable(table, published=published, person_level=person_level, count=count)
        return table.copy()
    except DisclosureError:
        if DISCLOSURE_COLUMN in table.columns or published:
            raise
    try:
        out = protect(table, count=count, over=over, by=by, rules=rules)
    except ParameterError as exc:
        raise DisclosureError(
            f"The table holds person-level counts and must be protected before export, but protect() could not do "
            f"it automatically: {exc} Call cosie_analysis.report.disclosure.protect(...) with the right `count`, `over` and "
            "`by` yourself."
        ) from None
    check_exportable(out, published=False, count=count)  # e.g. means merged in before: still refused
    return out


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
        text = values.map(lambda x: f"{x:.0f}" if whole else f"{x:.{decimals}f}", na_action="ignore")
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
    return display_table(table, count=table.attrs.get("disclosure", {}).get("count") or count), export_notes(table, lang=lang)


def mark_suppressed(ax: Axes, x, *, y=0.0, lang: str = "nl") -> Axes:
    """Mark suppressed cells in a figure: open grey markers at ``(x, y)`` and a legend entry.

    Plot the suppressed values as missing (NaN: a gap in a line, no bar), then call this with their
    x positions. The markers have ``gid="suppressed"`` and the label "onderdrukt (.)" /
    "suppressed (.)"; call ``ax.legend()`` afterwards to show it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to mark.
    x : scalar or sequence
        The x positions of the suppressed values (in the axes' data coordinates).
    y : float or sequence of float, default 0.0
        Where to put the markers; broadcast to the shape of ``x``.
    lang : {"nl", "en"}, default "nl"
        Language of the legend label.

    Returns
    -------
    matplotlib.axes.Axes
        The same axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2019, 2020, 2021], [23.0, float("nan"), 31.0])  # SYNTHETIC; 2020 suppressed
    >>> ax = mark_suppressed(ax, [2020], lang="en")
    >>> [(c.get_label(), c.get_gid()) for c in ax.collections]
    [('suppressed (.)', 'suppressed')]
    >>> plt.close(fig)
    """
    check_lang(lang)
    xs = np.atleast_1d(np.asarray(x, dtype=object))
    if len(xs) == 0:
        return ax
    ys = np.broadcast_to(np.asarray(y, dtype=float), xs.shape)
    label = word("sdc_suppressed", lang).format(mark=SUPPRESSED_MARK)
    ax.scatter(list(xs), ys, marker="o", s=30, facecolors="none", edgecolors="0.45", linewidths=1.0,
               zorder=5, label=label, gid="suppressed", clip_on=False)
    return ax


def mark_synthetic(fig: Figure, *, lang: str = "nl") -> Text:
    """Stamp a figure as synthetic: a large diagonal watermark (``gid="synthetic"``)."""
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL

    check_lang(lang)
    return fig.text(0.5, 0.5, SYNTHETIC_LABEL[lang], rotation=25, ha="center", va="center", fontsize=16,
                    color="0.5", alpha=0.35, gid="synthetic", zorder=100)


def _figure_texts(fig: Figure) -> list[str]:
    """Every text a figure shows: texts, titles, axis and tick labels, legend entries, artist labels."""
    found: list[object] = [t.get_text() for t in fig.texts]  # labels need not be str: filtered at the end
    for ax in fig.get_axes():
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels()]
        found += [a.get_label() for a in ax.get_children() if hasattr(a, "get_label")]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if isinstance(t, str) and t and not t.startswith("_")]


def prepare_figure(
    fig: Figure, data: pd.DataFrame | None, *, published: bool, person_level: bool | None = None, lang: str = "nl"
) -> list[str]:
    """Check the data behind a figure for export; watermark it when synthetic; return its notes.

    Raises :class:`DisclosureError` as :func:`check_exportable` does. Without ``data`` the figure's
    own texts (labels, legend, ticks) are searched for pilot data: a figure of pilot data is refused
    with ``published=True``, and one of person-level pilot data needs ``data=`` (the protected frame
    behind it). Returns :func:`export_notes` for the caption or the source line under the figure.
    """
    from cosie_analysis.pilot.provenance import pilot_provenance
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL, is_synthetic

    check_lang(lang)
    shown = pd.DataFrame({"figure_text": _figure_texts(fig)}, dtype=object)
    in_figure = pilot_provenance(shown)
    if in_figure is not None and published:
        raise DisclosureError("published=True, but the figure shows pilot-register data (its labels say so), which "
                              "are not published statistics. Pass published=False and data= (the protected frame "
                              "behind the figure).")
    synthetic = bool((in_figure or {}).get("synthetic"))
    if data is None:
        if in_figure is not None and in_figure["person_level"]:
            raise DisclosureError("The figure shows person-level pilot-register data but no data= was passed: pass the "
                                  "protected frame behind the figure (protect(...)), so that it can be checked.")
        notes = [SYNTHETIC_LABEL[lang]] if synthetic else []
    else:
        check_exportable(data, published=published, person_level=person_level)
        synthetic = synthetic or is_synthetic(data)
        notes = export_notes(data, lang=lang)
    if synthetic and not any(t.get_gid() == "synthetic" for t in fig.texts):
        mark_synthetic(fig, lang=lang)
    return notes
