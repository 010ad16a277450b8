"""A time series of person-level counts made fit for a figure: coarser periods where months are too small.

A figure that draws a count of people per month publishes every month as a cell: the same rules as a
table apply (:func:`protect`: counts 1 to 9 suppressed, the others rounded to base 5). A pilot
register's monthly counts are often all small, so :func:`protect_series` sums them into quarters
or years until at most a quarter of the periods must be suppressed, then protects those.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cosie_analysis._checks import check_data
from cosie_analysis._sdc import DISCLOSURE_COLUMN, DisclosureRules, protect
from cosie_analysis.errors import ParameterError, check_choice

__all__ = ["SERIES_FREQUENCIES", "protect_series"]

#: Frequencies :func:`protect_series` may sum a series into: pandas period alias and CBS code format.
SERIES_FREQUENCIES = {
    "month": ("M", lambda p: f"{p.year}MM{p.month:02d}"),
    "quarter": ("Q", lambda p: f"{p.year}KW{p.quarter:02d}"),
    "year": ("Y", lambda p: f"{p.year}JJ00"),
}
_KEEP = ("region_code", "region_name", "indicator", "source_table", "unit")


def _summed(series: pd.DataFrame, frequency: str, value: str) -> pd.DataFrame | None:
    """The series summed into periods of ``frequency``; None when a period of the series straddles two."""
    alias, code = SERIES_FREQUENCIES[frequency]
    start = pd.to_datetime(series["period_start"]).dt.to_period(alias)
    end = pd.to_datetime(series["period_end"]).dt.to_period(alias)
    if (start != end).any():
        return None
    keep = [c for c in _KEEP if c in series.columns and series[c].nunique(dropna=False) == 1]
    out = series.assign(_p=start).groupby("_p", sort=True).agg(
        **{value: (value, "sum"), "n_periods": (value, "size")}).reset_index()
    out.insert(0, "period", out["_p"].map(code))
    out.insert(1, "period_start", out["_p"].map(lambda p: p.start_time.normalize()).astype("datetime64[ns]"))
    out.insert(2, "period_end", out["_p"].map(lambda p: p.end_time.normalize()).astype("datetime64[ns]"))
    out.insert(3, "frequency", frequency)
    for c in keep:
        out[c] = series[c].iloc[0]
    return out.drop(columns="_p")


def protect_series(
    series: pd.DataFrame,
    *,
    value: str = "value",
    rules: DisclosureRules | None = None,
    frequencies: Sequence[str] = ("month", "quarter", "year"),
    max_suppressed: float = 0.25,
) -> pd.DataFrame:
    """Protect one series of person-level counts for a figure, summing into coarser periods where needed.

    Parameters
    ----------
    series : pandas.DataFrame
        One series: a row per period with ``period_start``, ``period_end`` (both included) and the
        count in ``value`` (whole, 0 or more). Not modified.
    value : str, default "value"
        The count column.
    rules : DisclosureRules, optional
        Default ``DisclosureRules()`` (counts 1 to 9 suppressed, rounding to base 5).
    frequencies : sequence of {"month", "quarter", "year"}, default all three
        Tried in this order; a frequency finer than the series' own periods is skipped.
    max_suppressed : float, default 0.25
        The first frequency at which at most this share of the periods is suppressed is used; when
        none qualifies, the last one that fits.

    Returns
    -------
    pandas.DataFrame
        One row per period of the chosen frequency: ``period`` (CBS code, e.g. ``2020KW02``),
        ``period_start``, ``period_end``, ``frequency``, ``value`` (rounded; NaN where suppressed),
        ``n_periods`` (rows of the input summed), ``disclosure`` (``"shown"`` or ``"primary"``) and
        the input's ``region_code``, ``region_name``, ``indicator``, ``source_table`` and ``unit``
        when constant. No totals (a series has none), so only primary suppression applies.
        ``attrs`` keep the input's (its pilot provenance) and record the rules and the frequency.

    Raises
    ------
    ParameterError
        Missing columns, counts that are not whole and non-negative, an unknown frequency, or
        ``max_suppressed`` outside [0, 1].

    Notes
    -----
    Summing into coarser periods happens before protection, so a period with a small count is
    never shown. A period at the edge of the series may be incomplete (``n_periods`` says how many
    rows it sums). Publish the protected series as the only layout of these counts: combined with
    the same counts per phase, differences of rounded totals bound but do not reveal a cell.

    Examples
    --------
    >>> months = pd.period_range("2020-01", "2020-06", freq="M")
    >>> s = pd.DataFrame({"period_start": months.start_time, "period_end": months.end_time.normalize(),
    ...                   "value": [3, 5, 4, 12, 2, 6]})  # SYNTHETIC
    >>> protect_series(s)[["period", "value", "n_periods", "disclosure"]]
         period  value  n_periods disclosure
    0  2020KW01   10.0          3      shown
    1  2020KW02   20.0          3      shown
    """
    check_data(series, {"value": value, "period_start": "period_start", "period_end": "period_end"},
               function="protect_series")
    for f in frequencies:
        check_choice("frequencies", f, list(SERIES_FREQUENCIES))
    if not 0 <= max_suppressed <= 1:
        raise ParameterError(f"protect_series(): `max_suppressed` must lie between 0 and 1; got {max_suppressed!r}.")
    rules = rules or DisclosureRules()
    out = None
    for frequency in frequencies:
        summed = _summed(series, frequency, value)
        if summed is None:
            continue
        out = protect(summed, count=value, over="period", by=[], total=None, rules=rules)
        if out[DISCLOSURE_COLUMN].ne("shown").mean() <= max_suppressed:
            break
    if out is None:
        raise ParameterError(f"protect_series(): the series' periods are longer than every frequency in "
                             f"{list(frequencies)}; add a coarser one (e.g. 'year').")
    out.attrs = {**series.attrs, "disclosure": {**out.attrs["disclosure"], "frequency": out["frequency"].iloc[0]
                                                if len(out) else None}}
    return out
