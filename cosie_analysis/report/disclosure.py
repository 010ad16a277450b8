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
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis._checks import check_data, check_lang
from cosie_analysis.errors import DisclosureError, ParameterError  # DisclosureError re-exported here

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = [
    "DISCLOSURE_COLUMN",
    "DISCLOSURE_STATUSES",
    "PERSON_LEVEL_UNITS",
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

#: How a suppressed cell is shown in exported tables.
SUPPRESSED_MARK = "."
#: The flag column added by :func:`protect`.
DISCLOSURE_COLUMN = "disclosure"
#: Its values: shown, suppressed because small (primary), suppressed to stop differencing (secondary).
DISCLOSURE_STATUSES = ("shown", "primary", "secondary")
#: Units whose counts are counts of people (or households): tables of them need protection.
PERSON_LEVEL_UNITS = frozenset({
    "persons", "households", "stories", "participants", "respondents",
    "personen", "huishoudens", "verhalen", "deelnemers", "respondenten",
})  # fmt: skip


@dataclass(frozen=True)
class DisclosureRules:
    """The disclosure-control settings; the defaults follow CBS practice.

    Parameters
    ----------
    threshold : int, default 10
        Counts of 1 to ``threshold - 1`` are suppressed (primary suppression).
    rounding_base : int, default 5
        Shown counts are rounded half up to a multiple of this; 1 means no rounding.
    min_denominator : int, default 10
        Percentages and means are shown only when their denominator is at least this.
    suppress_zero : bool, default False
        Also suppress zero counts (for tables where "nobody" is itself sensitive).
    """

    threshold: int = 10
    rounding_base: int = 5
    min_denominator: int = 10
    suppress_zero: bool = False

    def __post_init__(self):
        for name in ("threshold", "rounding_base", "min_denominator"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ParameterError(f"DisclosureRules: `{name}` must be a whole number of at least 1; got {value!r}.")
        if not isinstance(self.suppress_zero, (bool, np.bool_)):
            raise ParameterError(f"DisclosureRules: `suppress_zero` must be True or False; got {self.suppress_zero!r}.")


def _rules(rules: DisclosureRules | None) -> DisclosureRules:
    if rules is None:
        return DisclosureRules()
    if not isinstance(rules, DisclosureRules):
        raise ParameterError(f"`rules` must be a DisclosureRules(...) or None; got {type(rules).__name__}.")
    return rules


def round_to_base(values, base: int = 5) -> np.ndarray:
    """Round non-negative whole counts half up to a multiple of ``base`` (12 -> 10, 13 -> 15)."""
    v = np.asarray(values, dtype=np.int64)
    return (2 * v + base) // (2 * base) * base


def _counts(table: pd.DataFrame, count: str) -> np.ndarray:
    values = pd.to_numeric(table[count], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        rows = [str(i) for i in table.index[bad][:5]]
        raise ParameterError(
            f"protect(): column `{count}` must hold whole counts of 0 or more in every row; "
            f"{int(bad.sum())} row(s) do not (index {', '.join(rows)}): {table.loc[bad, count].head(5).tolist()!r}. "
            "Drop rows without a count; protect() is for counts of people or households, not for amounts or means."
        )
    return values.astype(np.int64)


def _secondary(v: np.ndarray, primary: np.ndarray, total_primary: bool, rules: DisclosureRules) -> tuple[np.ndarray, bool]:
    """Add secondary suppressions until no suppressed value of the group can be derived.

    An attacker knows the shown cells, the total (the sum of the rounded cells) and that every
    suppressed cell is at least ``lb`` (1, or 0 under ``suppress_zero``). From these they learn the
    rounded sum of the suppressed cells. One suppressed entry is then exact; several are exact only
    when their rounded sum is its minimum and that minimum's rounding class holds one value (no
    rounding: all suppressed cells equal ``lb``). In either case the smallest positive shown cell
    (the earliest on ties) is suppressed as well, or the total when no such cell is left.
    """
    base, lb = rules.rounding_base, 0 if rules.suppress_zero else 1
    singleton = round_to_base(lb + 1, base) != round_to_base(lb, base)
    sup, total_sup = primary.copy(), total_primary
    while True:
        k = int(sup.sum())
        if k + int(total_sup) == 0 or total_sup and k != 0:
            break
        if k >= 2 and not total_sup:
            at_minimum = int(round_to_base(v[sup], base).sum()) == k * int(round_to_base(lb, base))
            if not (at_minimum and singleton):
                break
        candidates = np.flatnonzero(~sup & (v > 0))
        if candidates.size:
            sup[candidates[np.argmin(v[candidates])]] = True
        elif not total_sup:
            total_sup = True
        else:  # only the total is suppressed and every cell is zero: suppress them all
            sup[:] = True
            break
    return sup & ~primary, total_sup and not total_primary


def protect(
    table: pd.DataFrame,
    *,
    count: str = "value",
    over: str = "phase",
    by: str | Sequence[str] | None = None,
    total: str | None = "total",
    rules: DisclosureRules | None = None,
    percent: bool = False,
) -> pd.DataFrame:
    """Protect a tidy table of counts: suppress small cells, round, add consistent totals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per cell: the ``by`` columns name the group (e.g. pilot and measure), ``over`` the
        cell within the group (e.g. the phase), ``count`` the number of people. Rows whose ``over``
        value equals ``total`` are taken as given totals: they are checked against the sum of their
        cells and replaced.
    count : str, default "value"
        Column of whole, non-negative counts.
    over : str, default "phase"
        Column whose values are the additive cells of a group (``before + during + after = total``).
    by : str or sequence of str, optional
        Columns that identify a group. Default: every column except ``count`` and ``over``.
    total : str or None, default "total"
        Label (in ``over``) of the total row added to every group; None adds no total (then only
        primary suppression and rounding apply, and the table must not be published with totals).
    rules : DisclosureRules, optional
        Default ``DisclosureRules()`` (threshold 10, base 5, min. denominator 10).
    percent : bool, default False
        Add a ``percent`` column: 100 x cell / total, from the rounded counts; NaN for suppressed
        cells, when the total is suppressed, or when the true total is below ``min_denominator``.

    Returns
    -------
    pandas.DataFrame
        A protected copy: the input columns, with ``count`` (float64) holding the rounded count or
        NaN where suppressed, plus ``disclosure`` (``"shown"``, ``"primary"`` or ``"secondary"``),
        and ``percent`` when asked. Each group is followed by its total row (``over`` = ``total``;
        other columns copied when constant within the group). ``attrs["disclosure"]`` records the
        rules and roles.

    Raises
    ------
    ParameterError
        Missing columns, counts that are missing, negative or not whole, a cell that occurs twice in
        a group, or a given total that differs from the sum of its cells.

    Notes
    -----
    A total is shown as the sum of the group's rounded cells (suppressed cells included), so shown
    cells and totals add up exactly. Secondary suppression guarantees that no group has exactly one
    suppressed entry among its cells and its total: from the total and the shown cells only the sum
    of two or more unknown non-negative counts can be derived, never one of them. The input is never
    modified.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": "matches", "phase": ["before", "during", "after"], "value": [23, 4, 31]})
    >>> protect(t, by="measure")[["phase", "value", "disclosure"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'phase': ['before', 'during', 'after', 'total'], 'value': [nan, nan, 30.0, 60.0],
     'disclosure': ['secondary', 'primary', 'shown', 'shown']}
    """
    rules = _rules(rules)
    check_data(table, {"count": count, "over": over}, function="protect")
    if by is None:
        by = [c for c in table.columns if c not in (count, over, DISCLOSURE_COLUMN, "percent")]
    by = [by] if isinstance(by, str) else list(by)
    check_data(table, {f"by[{i}]": c for i, c in enumerate(by)}, function="protect")
    if DISCLOSURE_COLUMN in table.columns:
        raise ParameterError("protect(): the table already has a `disclosure` column: it was protected before. "
                             "Protect the original counts once.")
    data = table.copy()
    is_total = (data[over].astype(object) == total).to_numpy() if total is not None else np.zeros(len(data), bool)
    given_totals = data[is_total]
    data = data[~is_total]
    values = _counts(data, count)
    data = data.assign(**{"_v": values})
    keys = by + [over]
    dup = data.duplicated(keys, keep=False) if keys else pd.Series(False, index=data.index)
    if dup.any():
        first = data.loc[dup, keys].head(3).to_dict("records")
        raise ParameterError(f"protect(): {int(dup.sum())} row(s) share a cell {keys}, e.g. {first}. "
                             f"Aggregate first (one row per {keys}), or pass the columns that tell them apart in `by`.")
    other = [c for c in data.columns if c not in keys + [count, "_v"]]
    parts = []
    groups = data.groupby(by, sort=False, dropna=False) if by else [((), data)]
    for key, group in groups:
        v = group["_v"].to_numpy()
        rounded = round_to_base(v, rules.rounding_base)
        small = (v < rules.threshold) & ((v > 0) | rules.suppress_zero)
        true_total = int(v.sum())
        total_primary = total is not None and true_total < rules.threshold and (true_total > 0 or rules.suppress_zero)
        if total is not None:
            secondary, total_secondary = _secondary(v, small, total_primary, rules)
        else:
            secondary, total_secondary = np.zeros(len(v), bool), False
        suppressed = small | secondary
        cells = group.drop(columns="_v").copy()
        cells[count] = np.where(suppressed, np.nan, rounded.astype(float))
        cells[DISCLOSURE_COLUMN] = np.where(small, "primary", np.where(secondary, "secondary", "shown"))
        shown_total = float(rounded.sum())
        total_hidden = total_primary or total_secondary
        if percent:
            ok = total is not None and not total_hidden and true_total >= rules.min_denominator and shown_total > 0
            cells["percent"] = np.where(~suppressed & ok, 100.0 * rounded / (shown_total if shown_total else 1.0), np.nan)
        parts.append(cells)
        if total is None:
            continue
        if len(given_totals) and by:
            key_t = key if isinstance(key, tuple) else (key,)
            mask = np.logical_and.reduce([given_totals[c].astype(object).to_numpy() == k for c, k in zip(by, key_t)])
            given = given_totals.loc[mask, count]
        else:
            given = given_totals[count]
        if len(given) and not np.isclose(float(given.iloc[0]), true_total):
            raise ParameterError(
                f"protect(): the given total of group {dict(zip(by, key if isinstance(key, tuple) else (key,)))} "
                f"is {float(given.iloc[0]):g} but its cells sum to {true_total}. Pass the cells only; protect() adds totals."
            )
        row = {c: group[c].iloc[0] for c in by}
        row[over] = total
        for c in other:
            uniq = group[c].drop_duplicates()
            row[c] = uniq.iloc[0] if len(uniq) == 1 else pd.NA
        row[count] = np.nan if total_hidden else shown_total
        row[DISCLOSURE_COLUMN] = "primary" if total_primary else ("secondary" if total_secondary else "shown")
        if percent:
            row["percent"] = 100.0 if not total_hidden and true_total >= rules.min_denominator else np.nan
        parts.append(pd.DataFrame([row]))
    columns = [c for c in table.columns if c != "percent"] + [DISCLOSURE_COLUMN] + (["percent"] if percent else [])
    if not parts:
        out = pd.DataFrame(columns=columns)
    else:
        if total is not None and isinstance(table[over].dtype, pd.CategoricalDtype):
            cats = list(table[over].cat.categories) + ([total] if total not in table[over].cat.categories else [])
            dtype = pd.CategoricalDtype(cats, ordered=table[over].cat.ordered)
            parts = [p.assign(**{over: pd.Categorical(p[over].astype(object), dtype=dtype)}) for p in parts]
        out = pd.concat(parts, ignore_index=True)[columns]
    out[count] = out[count].astype("float64")
    out.attrs = {**table.attrs, "disclosure": {**asdict(rules), "count": count, "over": over, "by": by, "total": total}}
    return out


def suppress_small_n(
    table: pd.DataFrame, *, value: str | Sequence[str] = "percent", n: str = "n", rules: DisclosureRules | None = None
) -> pd.DataFrame:
    """Blank percentages or means whose denominator is below ``min_denominator``.

    Parameters
    ----------
    table : pandas.DataFrame
        E.g. survey results: one row per group with a percentage or mean score and its ``n``.
    value : str or sequence of str, default "percent"
        The column(s) to blank.
    n : str, default "n"
        The denominator (number of respondents, households, ...).
    rules : DisclosureRules, optional

    Returns
    -------
    pandas.DataFrame
        A copy with ``value`` set to NaN where ``n < min_denominator`` and a ``disclosure`` column
        (``"primary"`` there, else ``"shown"``). ``n`` itself is left as is: protect it with
        :func:`protect` if it is a count of people.
    """
    rules = _rules(rules)
    values = [value] if isinstance(value, str) else list(value)
    check_data(table, {"n": n, **{f"value[{i}]": v for i, v in enumerate(values)}}, function="suppress_small_n")
    out = table.copy()
    small = (pd.to_numeric(out[n], errors="coerce") < rules.min_denominator).fillna(True).to_numpy()
    for v in values:
        out[v] = out[v].astype("float64").mask(small)
    out[DISCLOSURE_COLUMN] = np.where(small, "primary", "shown")
    out.attrs = {**table.attrs, "disclosure": {**asdict(rules), "count": None, "values": values, "n": n}}
    return out


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


def _from_pilot_register(table: pd.DataFrame) -> bool:
    if "source_table" in table.columns:
        src = table["source_table"].dropna().astype(str).str.lower()
        if src.str.contains("pilot register").any():
            return True
    return "measure" in table.columns and "pilot" in table.columns


def _check_protected(table: pd.DataFrame, count: str) -> None:
    flags = table[DISCLOSURE_COLUMN].astype(object)
    bad = sorted(set(flags.dropna()) - set(DISCLOSURE_STATUSES))
    meta = table.attrs.get("disclosure", {})
    count = meta.get("count") or count
    problems = []
    if bad or flags.isna().any():
        problems.append(f"column `disclosure` holds {bad or ['missing values']}; allowed: {list(DISCLOSURE_STATUSES)}")
    if count in table.columns and meta.get("count"):
        values = pd.to_numeric(table[count], errors="coerce")
        hidden = flags != "shown"
        if values[hidden].notna().any():
            problems.append(f"{int(values[hidden].notna().sum())} suppressed cell(s) have a value in `{count}`")
        shown = values[~hidden].dropna()
        base, threshold = meta.get("rounding_base", 5), meta.get("threshold", 10)
        if ((shown % base) != 0).any() or ((shown > 0) & (shown < threshold)).any():
            problems.append(f"shown counts in `{count}` are not multiples of {base} of at least {threshold}")
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
        have checked that it does not.
    count : str, default "value"
        The count column (used to check a protected table).

    Raises
    ------
    DisclosureError
        An unprotected person-level table with ``published=False``; ``published=True`` for
        pilot-register rows; a ``disclosure`` column that does not match its values.
    ParameterError
        ``table`` is not a DataFrame, or ``published`` is not a bool.

    Notes
    -----
    A table is protected when it carries the ``disclosure`` column that :func:`protect` or
    :func:`suppress_small_n` adds; the check verifies that its suppressed cells are empty and its
    shown counts are rounded.
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"check_exportable(): `table` must be a pandas DataFrame; got {type(table).__name__}.")
    if not isinstance(published, (bool, np.bool_)):
        raise ParameterError(f"check_exportable(): `published` must be True or False; got {published!r}.")
    if DISCLOSURE_COLUMN in table.columns:
        _check_protected(table, count)
        return
    if published:
        if _from_pilot_register(table):
            raise DisclosureError(
                "published=True, but the table holds rows from a pilot register (the pilots' own data), which "
                "are not published statistics. Protect them with cosie_analysis.report.disclosure.protect(...) first."
            )
        return
    reasons = [] if person_level is False else _person_level_reasons(table)
    if person_level or reasons:
        why = "; ".join(reasons) if reasons else "person_level=True was passed"
        raise DisclosureError(
            f"Refusing to export an unprotected table of person-level counts ({why}). Run "
            "cosie_analysis.report.disclosure.protect(table, count=..., over='phase', by=[...]) first; or, if these are "
            "already published statistics (CBS tables are), pass published=True."
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
    """
    try:
        check_exportable(table, published=published, person_level=person_level, count=count)
        return table.copy()
    except DisclosureError:
        if DISCLOSURE_COLUMN in table.columns or published:
            raise
    try:
        return protect(table, count=count, over=over, by=by, rules=rules)
    except ParameterError as exc:
        raise DisclosureError(
            f"The table holds person-level counts and must be protected before export, but protect() could not do "
            f"it automatically: {exc} Call cosie_analysis.report.disclosure.protect(...) with the right `count`, `over` and "
            "`by` yourself."
        ) from None


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
        if lang == "nl":
            notes.append(f"'{SUPPRESSED_MARK}' = onderdrukt (minder dan {t}, of om terugrekenen te voorkomen); "
                         f"aantallen afgerond op een veelvoud van {b}; totalen zijn de som van de afgeronde cellen; "
                         f"percentages alleen bij een noemer van minstens {d}.")
        else:
            notes.append(f"'{SUPPRESSED_MARK}' = suppressed (fewer than {t}, or to prevent recalculation); "
                         f"counts rounded to a multiple of {b}; totals are sums of the rounded cells; "
                         f"percentages only with a denominator of at least {d}.")
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

    Returns
    -------
    matplotlib.axes.Axes
        The same axes.
    """
    check_lang(lang)
    xs = np.atleast_1d(np.asarray(x, dtype=object))
    if len(xs) == 0:
        return ax
    ys = np.broadcast_to(np.asarray(y, dtype=float), xs.shape)
    label = f"onderdrukt ({SUPPRESSED_MARK})" if lang == "nl" else f"suppressed ({SUPPRESSED_MARK})"
    ax.scatter(list(xs), ys, marker="o", s=30, facecolors="none", edgecolors="0.45", linewidths=1.0,
               zorder=5, label=label, gid="suppressed", clip_on=False)
    return ax


def mark_synthetic(fig: Figure, *, lang: str = "nl") -> Text:
    """Stamp a figure as synthetic: a large diagonal watermark (``gid="synthetic"``)."""
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL

    check_lang(lang)
    return fig.text(0.5, 0.5, SYNTHETIC_LABEL[lang], rotation=25, ha="center", va="center", fontsize=16,
                    color="0.5", alpha=0.35, gid="synthetic", zorder=100)


def prepare_figure(
    fig: Figure, data: pd.DataFrame, *, published: bool, person_level: bool | None = None, lang: str = "nl"
) -> list[str]:
    """Check the data behind a figure for export; watermark it when synthetic; return its notes.

    Raises :class:`DisclosureError` as :func:`check_exportable` does. Returns
    :func:`export_notes` for the caption or the source line under the figure.
    """
    check_exportable(data, published=published, person_level=person_level)
    from cosie_analysis.pilot.register import is_synthetic

    if is_synthetic(data) and not any(t.get_gid() == "synthetic" for t in fig.texts):
        mark_synthetic(fig, lang=lang)
    return export_notes(data, lang=lang)
