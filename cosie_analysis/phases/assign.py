"""Phase and sub-phase assignment for days, timestamps, pandas Periods and CBS period codes.

A day falls in exactly one phase; a month, quarter or year that straddles a boundary follows a stated
``rule`` (``"majority"``, ``"start"``, ``"end"`` or ``"exclude"``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from cosie_analysis.data.periods import PERIOD_PATTERN, parse_period
from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.phases.schemes import PHASES, RULES, PhaseScheme, get_scheme
from cosie_analysis.words import check_lang

__all__ = ["assign_phase", "assign_subphase"]

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _days(ts) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of datetime-like values; NaT -> INT64 min."""
    arr = pd.DatetimeIndex(ts)
    if arr.tz is not None:
        arr = arr.tz_localize(None)
    return arr.to_numpy().astype("datetime64[D]").astype(np.int64)


def _bounds_of(value) -> tuple[int, int] | None:
    """``(first day, last day + 1)`` as day numbers for one value, None when missing; raises on junk."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        if PERIOD_PATTERN.match(value):
            first, last, _ = parse_period(value)  # raises ParameterError for e.g. 2020MM13
        elif _ISO_DAY.match(value):
            first = last = pd.Timestamp(value)
        else:
            raise ParameterError(f"unknown value {value!r}")
        return int(_days([first])[0]), int(_days([last])[0]) + 1
    if isinstance(value, pd.Period):
        first, last = value.start_time, value.end_time
        return int(_days([first])[0]), int(_days([last])[0]) + 1
    if isinstance(value, (pd.Timestamp, datetime, date, np.datetime64)):
        d = int(_days([pd.Timestamp(value)])[0])
        return d, d + 1
    raise ParameterError(f"unsupported type {type(value).__name__}")


def _as_bounds(values) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index | None]:
    """First day, last day + 1 (day numbers), a validity mask and the index to keep."""
    if isinstance(values, pd.DataFrame):
        raise ParameterError(
            f"`values` must be one column (a Series), not a DataFrame with columns {list(values.columns)!r}; "
            "pass e.g. data['period']."
        )
    index = values.index if isinstance(values, pd.Series) else None
    if isinstance(values, pd.Index) and not isinstance(values, pd.RangeIndex):
        index = values
    if isinstance(values, (str, pd.Period, pd.Timestamp, datetime, date, np.datetime64)):
        values = [values]
    if not isinstance(values, (pd.Series, pd.Index, np.ndarray, pd.api.extensions.ExtensionArray)):
        values = list(values)
    dtype = getattr(values, "dtype", None)
    if dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        dt = pd.DatetimeIndex(values)
        valid = ~np.asarray(dt.isna())
        days = np.where(valid, _days(dt.fillna(pd.Timestamp(0))), 0)
        return days, days + 1, valid, index
    if isinstance(dtype, pd.PeriodDtype):
        pi = pd.PeriodIndex(values)
        valid = ~np.asarray(pi.isna())
        first = np.where(valid, _days(pi.start_time.fillna(pd.Timestamp(0))), 0)
        last = np.where(valid, _days(pi.end_time.fillna(pd.Timestamp(0))), 0)
        return first, last + 1, valid, index
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    first_u = np.zeros(len(uniques) + 1, dtype=np.int64)
    end_u = np.zeros(len(uniques) + 1, dtype=np.int64)
    valid_u = np.zeros(len(uniques) + 1, dtype=bool)
    bad = []
    for i, value in enumerate(uniques):
        try:
            b = _bounds_of(value)
        except (ParameterError, ValueError, TypeError, OverflowError) as exc:
            bad.append(f"{value!r} ({exc})" if "unknown value" not in str(exc) else repr(value))
            continue
        if b is not None:
            first_u[i], end_u[i], valid_u[i] = b[0], b[1], True
    if bad:
        raise ParameterError(
            f"`values`: {len(bad)} value(s) that are not a period or a day: {', '.join(bad[:10])}. Expected CBS "
            "period codes (2020JJ00, 2020KW01, 2020MM03), 'YYYY-MM-DD' days, Timestamps or pandas Periods."
        )
    # the NA sentinel -1 indexes the last (invalid) slot
    return first_u[codes], end_u[codes], valid_u[codes], index


def _segment_codes(first, end, valid, cuts, rule, ties) -> tuple[np.ndarray, np.ndarray]:
    """Segment index per value (-1 = missing) for segments split at ``cuts``, and a straddle mask.

    Segment ``k`` holds the days ``[cuts[k-1], cuts[k])``, with ``cuts[-1] = -inf``, ``cuts[K] = +inf``.
    ``ties`` orders segments by precedence when ``rule="majority"`` finds equal day counts.
    """
    lo = np.concatenate([[np.iinfo(np.int64).min // 2], cuts])
    hi = np.concatenate([cuts, [np.iinfo(np.int64).max // 2]])
    first_seg = np.searchsorted(cuts, first, side="right")
    last_seg = np.searchsorted(cuts, end - 1, side="right")
    straddles = valid & (first_seg != last_seg)
    if rule == "start":
        out = first_seg
    elif rule == "end":
        out = last_seg
    elif rule == "exclude":
        out = np.where(straddles, -1, first_seg)
    else:  # majority: the segment with most days; ties by precedence
        overlap = np.clip(np.minimum(end[:, None], hi[None, :]) - np.maximum(first[:, None], lo[None, :]), 0, None)
        order = np.asarray(ties)
        out = order[np.argmax(overlap[:, order], axis=1)]
    return np.where(valid, out, -1), straddles


def _warn_excluded(straddles, what: str, unit_values, rule) -> None:
    if rule != "exclude" or not straddles.any():
        return
    n_rows = int(straddles.sum())
    n_unique = len(pd.unique(np.asarray(unit_values, dtype=object)[straddles])) if unit_values is not None else n_rows
    warnings.warn(
        f"rule='exclude': {n_rows} value(s) ({n_unique} distinct period(s)) straddle a {what} boundary and "
        "were set to missing.",
        UserWarning,
        stacklevel=3,
    )


def assign_phase(
    values: pd.Series | pd.Index | np.ndarray | Sequence,
    scheme: str | PhaseScheme | Mapping | Sequence = "measures",
    rule: str = "majority",
) -> pd.Series:
    """Assign before/during/after corona to days, timestamps, pandas Periods or CBS period codes.

    Parameters
    ----------
    values : Series, Index, array or list
        CBS period codes (``2019JJ00``, ``2019KW02``, ``2019MM03``), ``'YYYY-MM-DD'`` strings,
        Timestamps / datetime64 (the calendar day counts; time of day and time zone are ignored) or
        pandas Periods of any frequency. Types may be mixed in an object column. Missing values
        give a missing phase. A single scalar is treated as a one-element list.
    scheme : str, PhaseScheme, mapping or pair of dates, default "measures"
        See :func:`get_scheme`: ``"measures"`` (during = [2020-03-12, 2022-03-23)), ``"support"``
        ([2020-03-01, 2022-04-01)), ``"lifted"`` ([2020-03-12, 2022-02-25)) or your own boundaries.
    rule : {"majority", "start", "end", "exclude"}, default "majority"
        For a period whose days fall in more than one phase: ``"majority"`` takes the phase holding
        most of its days; ``"start"`` the phase of its first day; ``"end"`` the phase of its last day;
        ``"exclude"`` leaves it missing and warns with the number of periods excluded. Periods that
        lie in one phase get that phase under every rule.

    Returns
    -------
    pandas.Series
        Named ``phase``, ordered Categorical with categories ``before < during < after``, one row per
        input value in input order; it has the index of a Series input (or the Index itself when an
        Index is passed, otherwise a RangeIndex). ``attrs["phase_scheme"]`` holds the scheme's name,
        ``attrs["phase_rule"]`` the rule and ``attrs["phase_during"]`` the ``during`` interval as
        text, e.g. ``"[2020-03-12, 2022-03-23)"``.

    Raises
    ------
    ParameterError
        For an unknown scheme or rule, boundaries out of order, or values that are neither periods
        nor days (the message lists up to ten of them).

    Warns
    -----
    UserWarning
        Under ``rule="exclude"``, when periods were excluded: how many values and distinct periods.

    Notes
    -----
    Boundaries are half-open: the day ``during_start`` is the first day of ``during`` (included) and
    ``during_end`` is the first day of ``after`` (not in ``during``). A period straddles a boundary
    when its first and last day fall in different phases.

    Ties under ``"majority"`` (equal numbers of days) go to ``during``; a tie between ``before`` and
    ``after`` alone goes to ``before``. Rationale: ``before`` and ``after`` are the reference phases,
    so a period half in corona time is kept out of them.

    The work is done once per distinct value, so long tables of repeated period codes are fast. The
    input is never modified.

    Examples
    --------
    >>> assign_phase(["2020MM02", "2020MM03", "2022MM03", "2022MM04"]).tolist()
    ['before', 'during', 'during', 'after']
    >>> assign_phase(["2019JJ00", "2020JJ00", "2021JJ00", "2022JJ00"]).tolist()
    ['before', 'during', 'during', 'after']
    >>> assign_phase(pd.to_datetime(["2022-03-22", "2022-03-23"]), scheme="measures").tolist()
    ['during', 'after']
    """
    s = get_scheme(scheme)
    check_choice("rule", rule, RULES)
    first, end, valid, index = _as_bounds(values)
    cuts = _days([s.during_start, s.during_end])
    codes, straddles = _segment_codes(first, end, valid, cuts, rule, ties=(1, 0, 2))
    _warn_excluded(straddles, "phase", _unit_values(values), rule)
    return _result(codes, list(PHASES), index, "phase", s, rule)


def assign_subphase(
    values: pd.Series | pd.Index | np.ndarray | Sequence,
    scheme: str | PhaseScheme | Mapping | Sequence = "measures",
    rule: str = "majority",
    *,
    lang: str = "en",
) -> pd.Series:
    """Assign the scheme's sub-phases of ``during`` (first lockdown, summer 2020, ...) to periods.

    Parameters
    ----------
    values, scheme, rule
        As in :func:`assign_phase`; days outside every sub-phase (before, after, gaps) count as
        "no sub-phase".
    lang : {"en", "nl"}, default "en"
        Which of the sub-phase names to use as categories.

    Returns
    -------
    pandas.Series
        Named ``subphase``, ordered Categorical of the sub-phase names in time order; missing for
        values whose (majority, start, end) days lie outside every sub-phase. ``attrs`` as in
        :func:`assign_phase`.

    Notes
    -----
    Sub-phases are half-open ``[start, end)`` like the phases. Under ``"majority"`` ties go to the
    earlier sub-phase, and to a sub-phase rather than to "no sub-phase".

    Examples
    --------
    >>> assign_subphase(["2020MM04", "2021MM01", "2022MM01"]).tolist()
    ['first lockdown', 'second wave, hard lockdown and curfew', 'winter 2021/22 lockdown']
    """
    s = get_scheme(scheme)
    check_choice("rule", rule, RULES)
    check_lang(lang)
    if not s.subphases:
        raise ParameterError(f"The phase scheme {s.name!r} has no subphases; pass a scheme with `subphases`.")
    first, end, valid, index = _as_bounds(values)
    # segments: 0 = before the first subphase, then per subphase (and a gap segment after each)
    cuts: list[pd.Timestamp] = []
    labels: list[str | None] = []
    for sub in s.subphases:
        if cuts and cuts[-1] == sub.start:
            cuts[-1:] = []  # no gap segment
            labels.pop()
        cuts += [sub.start, sub.end]
        labels += [sub.name_en if lang == "en" else sub.name_nl, None]
    labels = [None, *labels]
    seg_codes, straddles = _segment_codes(first, end, valid, _days(cuts), rule,
                                          ties=[i for i, lab in enumerate(labels) if lab] +
                                          [i for i, lab in enumerate(labels) if not lab])  # fmt: skip
    named = [lab for lab in labels if lab]
    lookup = np.array([named.index(lab) if lab else -1 for lab in labels] + [-1])  # index -1 -> missing
    _warn_excluded(straddles, "sub-phase", _unit_values(values), rule)
    return _result(lookup[seg_codes], named, index, "subphase", s, rule)


def _unit_values(values):
    if isinstance(values, (str, pd.Period, pd.Timestamp, datetime, date, np.datetime64)):
        return [values]
    return values if isinstance(values, (pd.Series, pd.Index, np.ndarray)) else list(values)


def _result(codes, categories, index, name, s: PhaseScheme, rule: str) -> pd.Series:
    cat = pd.Categorical.from_codes(codes, categories=categories, ordered=True)
    out = pd.Series(cat, index=index if index is not None else pd.RangeIndex(len(codes)), name=name)
    out.attrs.update(
        phase_scheme=s.name,
        phase_rule=rule,
        phase_during=f"[{s.during_start.date()}, {s.during_end.date()})",
    )
    return out
