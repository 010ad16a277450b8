"""Phase summaries of pilot counts that may be published: means only where the counts pass the rules.

A phase summary of a person-level pilot series holds the mean count per period with its ``n``: the
two give the phase total exactly (0.16 x 25 months = 4 people), and ``min``, ``max``, ``median`` and
``sd`` describe single months. :func:`protect_summary` therefore publishes, per group and phase, the
phase total protected exactly as :func:`cosie_analysis.report.disclosure.protect` protects the same
totals from :func:`cosie_analysis.estimate.summaries.phase_totals` (so the two tables suppress the
same cells and cannot be combined against each other), ``n`` and the mean *of the rounded total*;
the statistics of single months are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.report.sdc import DISCLOSURE_COLUMN, DisclosureRules, protect

__all__ = ["protect_summary"]

_RESULT_TEXT = ("phase", "adjust", "method", "phase_scheme", "phase_rule")


def protect_summary(summary, *, by: str | Sequence[str] | None = None, rules: DisclosureRules | None = None,
                    total: str = "total") -> pd.DataFrame:
    """A phase summary of counts of people, protected for export.

    Parameters
    ----------
    summary : PhaseSummary or pandas.DataFrame
        The result of :func:`cosie_analysis.phase_summary` on counts (or its ``summary()``), with
        ``phase``, ``n`` (periods) and ``mean`` (count per period). Not modified.
    by : str or sequence of str, optional
        The columns naming a series; default the result's ``by``, or every text column except the
        phase and the method columns.
    rules : DisclosureRules, optional
        Default ``DisclosureRules()``.
    total : str, default "total"
        Label of the row with the whole span of each series.

    Returns
    -------
    pandas.DataFrame
        One row per series and phase, then its total row: the ``by`` columns, ``phase``, ``n``
        (periods), ``total`` (the phase total of the counts, protected: suppressed cells NaN,
        rounded to ``rounding_base``), ``mean`` (the rounded total divided by ``n``; NaN where the
        total is suppressed) and ``disclosure``. ``attrs`` keep the provenance and record ``total``
        as the protected count and ``mean`` as a protected value, so the export gate accepts it.

    Raises
    ------
    ParameterError
        Without ``phase``, ``n`` or ``mean`` columns, or when a mean times its ``n`` is not a whole
        count (then the summary is not of counts).

    Examples
    --------
    A synthetic summary: 4 people in 25 months during corona would show as a mean of 0.16.

    >>> s = pd.DataFrame({"indicator": "pilot_matches", "phase": ["before", "during", "after"],
    ...                   "n": [26, 25, 30], "mean": [2.0, 0.16, 1.0]})
    >>> protect_summary(s)[["phase", "total", "mean", "disclosure"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'phase': ['before', 'during', 'after', 'total'], 'total': [50.0, nan, nan, 85.0],
     'mean': [1.9230769230769231, nan, nan, 1.0493827160493827],
     'disclosure': ['shown', 'primary', 'secondary', 'shown']}
    """
    table = summary.summary() if hasattr(summary, "summary") else summary
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"protect_summary(): `summary` must be a PhaseSummary or a DataFrame; got {type(table).__name__}."
        )
    missing = [c for c in ("phase", "n", "mean") if c not in table.columns]
    if missing:
        raise ParameterError(f"protect_summary(): columns {missing} not found; found {list(table.columns)}. Pass the "
                             "result of phase_summary() on counts.")
    if by is None:
        by = getattr(summary, "by", None)
    if by is None:
        by = [c for c in table.columns if c not in _RESULT_TEXT and not pd.api.types.is_numeric_dtype(table[c])]
    by = [by] if isinstance(by, str) else list(by)
    sums = table["mean"].to_numpy(dtype=float) * table["n"].to_numpy(dtype=float)
    if not np.allclose(sums, np.round(sums), atol=1e-6):
        raise ParameterError("protect_summary(): mean x n is not a whole count in every row: the summary is not of "
                             "counts. Means of amounts or scores need suppress_small_n() instead.")
    cells = table[by + ["phase"]].assign(phase=table["phase"].astype(str), n=table["n"].astype("int64"),
                                         total=np.round(sums).astype("int64"))
    out = protect(cells.drop(columns="n"), count="total", over="phase", by=by, total=total, rules=rules)
    n = cells.groupby(by, sort=False)["n"].sum() if by else pd.Series([cells["n"].sum()])
    per_cell = cells.set_index(by + ["phase"])["n"]
    keys = list(zip(*[out[c] for c in by + ["phase"]], strict=True)) if by else list(out["phase"])
    out["n"] = [per_cell.get(k, np.nan) if (k[-1] if by else k) != total else
                (n.loc[k[:-1] if len(by) > 1 else k[0]] if by else n.iloc[0]) for k in keys]
    out["n"] = out["n"].astype("int64")
    out["mean"] = out["total"] / out["n"]
    out = out[by + ["phase", "n", "total", "mean", DISCLOSURE_COLUMN]]
    meta = dict(out.attrs.get("disclosure", {}), values=["mean"], structural=["n"])
    out.attrs = {**table.attrs, "disclosure": meta}
    return out
