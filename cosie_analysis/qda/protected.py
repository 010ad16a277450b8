"""Counts of stories after disclosure control: the numbers that may leave the project.

Stories come from the pilots' participants, so a count of stories (per theme and phase, per pair of
themes) is a count of people. :func:`protect_theme_counts` and :func:`protect_cooccurrence` apply
the package's one set of rules (:func:`cosie_analysis.report.disclosure.protect`: counts 1 to 9
suppressed, the others rounded to base 5, shares only over at least 10 stories and computed from
the rounded counts). The result objects' ``describe()`` and ``plot()`` quote these, never the raw
counts; ``summary()`` keeps the raw counts for the analyst and is marked ``person_level`` so that
an export of it is refused (:func:`cosie_analysis.report.disclosure.check_exportable`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis._sdc import DISCLOSURE_COLUMN, DisclosureRules, protect
from cosie_analysis.qda._contrasts import changes_table

__all__ = ["protect_cooccurrence", "protect_theme_changes", "protect_theme_counts"]


def protect_theme_counts(table: pd.DataFrame, *, synthetic: bool = False,
                         rules: DisclosureRules | None = None) -> pd.DataFrame:
    """Theme counts per pilot and phase after disclosure control, with shares from the protected counts.

    Parameters
    ----------
    table : pandas.DataFrame
        ``ThemeFrequencies.summary()``: ``pilot``, ``theme``, ``phase``, ``n_sources``, ``n_mentioning``.
    synthetic : bool, default False
        Label every row ``synthetic`` (the stories are the SYNTHETIC example).
    rules : DisclosureRules, optional
        Default ``DisclosureRules()``.

    Returns
    -------
    pandas.DataFrame
        As :func:`cosie_analysis.protected_themes` describes: ``pilot``, ``theme``, ``phase`` (with
        a ``total`` row per pilot and theme), ``n_mentioning``, ``n_sources``, ``share``,
        ``disclosure`` and, for synthetic stories, ``synthetic``.

    Examples
    --------
    >>> t = pd.DataFrame({"pilot": "houten", "theme": "contact", "phase": ["before", "during", "after"],
    ...                   "n_sources": [40, 40, 40], "n_mentioning": [9, 31, 12]})  # SYNTHETIC
    >>> protect_theme_counts(t, synthetic=True)[["phase", "n_mentioning", "share", "disclosure"]]
        phase  n_mentioning     share disclosure
    0  before           NaN       NaN    primary
    1  during          30.0  0.750000      shown
    2   after           NaN       NaN  secondary
    3   total          50.0  0.416667      shown

    Before alone would follow from the total minus the shown cells, so "after" is suppressed too.
    """
    rules = rules or DisclosureRules()
    t = table.assign(phase=table["phase"].astype(object))
    counts = protect(t[["pilot", "theme", "phase", "n_mentioning"]], count="n_mentioning", over="phase",
                     by=["pilot", "theme"], rules=rules)
    src = t.drop_duplicates(["pilot", "phase"])[["pilot", "phase", "n_sources"]]
    denom = protect(src, count="n_sources", over="phase", by="pilot", rules=rules)
    out = counts.merge(denom[["pilot", "phase", "n_sources"]], on=["pilot", "phase"], how="left") if len(counts) \
        else counts.assign(n_sources=np.nan)
    ok = out["n_sources"].ge(rules.min_denominator) & out["n_mentioning"].notna()
    out["share"] = np.where(ok, out["n_mentioning"] / out["n_sources"].where(ok, 1.0), np.nan)
    out = out[["pilot", "theme", "phase", "n_mentioning", "n_sources", "share", DISCLOSURE_COLUMN]].copy()
    if synthetic:  # labelled in every row, so a CSV on its own still says so
        out["synthetic"] = True
    out.attrs = {**counts.attrs, "synthetic": bool(synthetic)}
    return out


def protect_theme_changes(table: pd.DataFrame, *, conf_level: float = 0.95, adjust: str = "holm",
                          synthetic: bool = False, rules: DisclosureRules | None = None) -> pd.DataFrame:
    """The tests of change between phases, computed from the protected theme counts.

    With the shown (rounded) shares, a difference of the raw shares would give a suppressed cell
    away (a shown share minus the raw difference), and an interval or exact p-value on the raw
    counts pins them inside their rounding band. Here the counts of :func:`protect_theme_counts`
    go through the same difference, Newcombe interval and Fisher test as
    ``ThemeFrequencies.changes()``; a contrast with a suppressed cell gets none of them.

    Parameters
    ----------
    table : pandas.DataFrame
        ``ThemeFrequencies.summary()``.
    conf_level : float, default 0.95
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment over the contrasts shown, per pilot.
    synthetic : bool, default False
        Label every row ``synthetic``.
    rules : DisclosureRules, optional
        Default ``DisclosureRules()``.

    Returns
    -------
    pandas.DataFrame
        ``pilot``, ``theme``, ``contrast``, ``estimate``, ``ci_lower``, ``ci_upper``, ``p_value``,
        ``p_adjusted``, ``n`` (protected stories in the two phases), ``method``, ``disclosure``
        ("shown", or "secondary" where a cell of the contrast is suppressed and the row is empty)
        and, for synthetic stories, ``synthetic``.

    Examples
    --------
    >>> t = pd.DataFrame({"pilot": "houten", "theme": "contact", "phase": ["before", "during", "after"],
    ...                   "n_sources": [40, 40, 40], "n_mentioning": [9, 31, 12]})  # SYNTHETIC
    >>> protect_theme_changes(t, synthetic=True)[["contrast", "estimate", "disclosure"]]
              contrast  estimate  disclosure
    0  during - before       NaN  secondary
    1   after - during       NaN  secondary
    2   after - before       NaN  secondary
    """
    prot = protect_theme_counts(table, synthetic=synthetic, rules=rules)
    out = changes_table(prot[prot["phase"] != "total"], conf_level, adjust)
    out["method"] = out["method"] + "; on the protected counts (1-9 suppressed, the rest rounded)"
    hidden = out["estimate"].isna()  # a contrast with a suppressed cell: "secondary", nothing of it shown
    out.loc[hidden, "n"] = np.nan
    out[DISCLOSURE_COLUMN] = np.where(hidden, "secondary", "shown")
    if synthetic:
        out["synthetic"] = True
    return out


def protect_cooccurrence(table: pd.DataFrame, *, synthetic: bool = False,
                         rules: DisclosureRules | None = None) -> pd.DataFrame:
    """Pairs of themes in the same story after disclosure control.

    Each count (``n_both``, ``n_a``, ``n_b`` per pair; ``n_sources`` per pilot) is suppressed when
    it lies between 1 and ``threshold - 1`` and otherwise rounded to ``rounding_base``; there are
    no totals to difference. ``jaccard`` is computed from the protected counts, only when all three
    are shown and the stories mentioning either theme number at least ``min_denominator``.

    Parameters
    ----------
    table : pandas.DataFrame
        ``CoOccurrence.summary()``.
    synthetic : bool, default False
        Label every row ``synthetic``.
    rules : DisclosureRules, optional

    Returns
    -------
    pandas.DataFrame
        ``pilot``, ``theme_a``, ``theme_b``, ``n_both``, ``n_a``, ``n_b``, ``n_sources`` (protected;
        NaN when suppressed), ``jaccard``, ``disclosure`` (of ``n_both``) and, for synthetic
        stories, ``synthetic``.

    Examples
    --------
    >>> t = pd.DataFrame({"pilot": "houten", "theme_a": ["a", "a"], "theme_b": ["b", "c"], "n_both": [12, 3],
    ...                   "n_a": [30, 30], "n_b": [22, 7], "n_sources": [120, 120]})  # SYNTHETIC
    >>> protect_cooccurrence(t)[["theme_b", "n_both", "n_b", "jaccard", "disclosure"]]
      theme_b  n_both   n_b  jaccard disclosure
    0       b    10.0  20.0     0.25      shown
    1       c     NaN   NaN      NaN    primary
    """
    rules = rules or DisclosureRules()
    keys = ["pilot", "theme_a", "theme_b"]
    out = table[keys].copy()
    for col in ("n_both", "n_a", "n_b"):
        done = protect(table[keys + [col]], count=col, over="theme_b", by=["pilot", "theme_a"], total=None,
                       rules=rules)
        out[col] = done[col].to_numpy()
        if col == "n_both":
            flags = done[DISCLOSURE_COLUMN].to_numpy()
    src = table.drop_duplicates("pilot")[["pilot", "n_sources"]]
    src = protect(src, count="n_sources", over="pilot", by=[], total=None, rules=rules)
    out["n_sources"] = out["pilot"].map(dict(zip(src["pilot"], src["n_sources"], strict=True))).astype(float)
    either = out["n_a"] + out["n_b"] - out["n_both"]
    ok = either.ge(rules.min_denominator)  # False where any count is suppressed (NaN)
    out["jaccard"] = np.where(ok, out["n_both"] / either.where(ok, 1.0), np.nan)
    out[DISCLOSURE_COLUMN] = flags if len(out) else pd.Series(dtype=object)
    if synthetic:
        out["synthetic"] = True
    out.attrs = {"disclosure": {**src.attrs["disclosure"], "count": "n_both", "values": ["n_a", "n_b", "n_sources",
                                                                                          "jaccard"]},
                 "synthetic": bool(synthetic)}
    return out
