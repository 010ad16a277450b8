"""The export gate: refuse an unprotected table of person-level counts, or protect it on the way out.

See :mod:`cosie_analysis.report.disclosure` for the rules it applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.report.sdc import (
    DISCLOSURE_COLUMN,
    DISCLOSURE_STATUSES,
    PERSON_LEVEL_UNITS,
    DisclosureError,
    DisclosureRules,
    protect,
)

__all__ = ["STRUCTURAL_COLUMNS", "check_exportable", "protect_for_export"]


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
            problems.append(
                f"column(s) {extra} hold numbers derived from person-level pilot counts that protect() did "
                "not protect (a mean with its n, an sd, a minimum or maximum can reveal a suppressed cell); "
                "drop them, or use cosie_analysis.report.pilot_tables.protect_summary() for phase summaries"
            )
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
    cosie_analysis.errors.DisclosureError: Refusing to export ...(column `unit` holds ['persons']). ...
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
            f"it automatically: {exc} Call cosie_analysis.report.disclosure.protect(...) with the right `count`, "
            "`over` and `by` yourself."
        ) from None
    check_exportable(out, published=False, count=count)  # e.g. means merged in before: still refused
    return out
