"""The disclosure-control rules and :func:`protect`: small cells suppressed, counts rounded, totals consistent.

The rules and their guarantees are described in :mod:`cosie_analysis.report.disclosure`, which also
holds the export gate that applies them; this module holds the arithmetic. It sits in the base layer
(it needs only pandas) so that every layer that counts people (the coded narratives in ``qda/``
as well as the report) protects its counts with the same code; import it from
:mod:`cosie_analysis.report.disclosure`.
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

__all__ = [
    "DISCLOSURE_COLUMN",
    "DISCLOSURE_STATUSES",
    "PERSON_LEVEL_UNITS",
    "SUPPRESSED_MARK",
    "DisclosureError",
    "DisclosureRules",
    "protect",
    "round_to_base",
    "mark_suppressed",
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

    Examples
    --------
    >>> DisclosureRules(threshold=5, rounding_base=1)
    DisclosureRules(threshold=5, rounding_base=1, min_denominator=10, suppress_zero=False)
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


def _secondary(
    v: np.ndarray, primary: np.ndarray, total_primary: bool, rules: DisclosureRules
) -> tuple[np.ndarray, bool]:
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


# long: one pass per group keeps primary and secondary suppression, rounding and the total row consistent
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
        Columns that identify a group. Default: every non-numeric column except ``count`` and
        ``over`` (numeric columns such as ``n_periods`` are carried along, never split a group).
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
        a group, a given total that differs from the sum of its cells, or ``rounding_base=1`` with
        totals (then the suppressed cells could be pinned down; the message says why).

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
    if total is not None and rules.rounding_base == 1 and (rules.threshold > 1 or rules.suppress_zero):
        raise ParameterError(
            "protect(): rounding_base=1 cannot protect a table with totals. Without rounding the total minus the "
            "shown cells is the exact sum of the suppressed cells, and as each primary cell is known to lie "
            "between 1 and threshold - 1, that sum can pin them (10, 9, 9 with total 28 gives both 9s). Use "
            "rounding_base=5 (CBS practice), or total=None to publish no totals.")
    if by is None:  # every text column names the group; numbers (n_periods, ...) never split it
        by = [c for c in table.columns if c not in (count, over, DISCLOSURE_COLUMN, "percent")
              and not (pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c]))]
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
    data = data.assign(_v=values)
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
            share = 100.0 * rounded / (shown_total if shown_total else 1.0)
            cells["percent"] = np.where(~suppressed & ok, share, np.nan)
        parts.append(cells)
        if total is None:
            continue
        key_t = key if isinstance(key, tuple) else (key,)  # () without `by`
        if len(given_totals) and by:
            mask = np.logical_and.reduce(
                [given_totals[c].astype(object).to_numpy() == k for c, k in zip(by, key_t, strict=True)]
            )
            given = given_totals.loc[mask, count]
        else:
            given = given_totals[count]
        if len(given) and not np.isclose(float(given.iloc[0]), true_total):
            raise ParameterError(
                f"protect(): the given total of group {dict(zip(by, key_t, strict=True))} "
                f"is {float(given.iloc[0]):g} but its cells sum to {true_total}. Pass the cells only; "
                "protect() adds totals."
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

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b", "c"], "percent": [40.0, 55.5, 20.0], "n": [25, 8, 40]})  # SYNTHETIC
    >>> suppress_small_n(t)
      group  percent   n disclosure
    0     a     40.0  25      shown
    1     b      NaN   8    primary
    2     c     20.0  40      shown
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
    from cosie_analysis.words import word

    check_lang(lang)
    xs = np.atleast_1d(np.asarray(x, dtype=object))
    if len(xs) == 0:
        return ax
    ys = np.broadcast_to(np.asarray(y, dtype=float), xs.shape)
    label = word("sdc_suppressed", lang).format(mark=SUPPRESSED_MARK)
    ax.scatter(list(xs), ys, marker="o", s=30, facecolors="none", edgecolors="0.45", linewidths=1.0,
               zorder=5, label=label, gid="suppressed", clip_on=False)
    return ax
