"""The Dutch corona timeline and the before/during/after phases: the one place that defines them.

A *phase scheme* splits time into three half-open intervals of days::

    before = (-inf, during_start)    during = [during_start, during_end)    after = [during_end, +inf)

The start day of ``during`` is included in ``during``; its end day is not (it is the first day of
``after``). Where ``during`` starts and ends is an analyst's choice, not a published standard (no CBS
or SCP publication defines an "after corona" date); the three built-in schemes record the choice and
its rationale, and every result carries the scheme and the rule it used.

Data of any frequency is assigned a phase by :func:`assign_phase`: days and timestamps fall in exactly
one phase; a month, quarter or year (a CBS period code such as ``2020MM03``, ``2020KW01``,
``2020JJ00``, or a pandas Period) that straddles a boundary follows a stated ``rule``.

The timeline (:func:`load_timeline`) is package data, typed from the project's sourced facts file:
one row per dated event with its source.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from cosie_analysis.data.periods import PERIOD_PATTERN, parse_period
from cosie_analysis.errors import InputFileError, ParameterError, check_choice
from cosie_analysis.words import PHASE_LABELS as _PHASE_LABELS, check_lang, phase_name

__all__ = [
    "PHASES",
    "PHASE_LABELS",
    "RULES",
    "SCHEMES",
    "TIMELINE_COLUMNS",
    "PhaseScheme",
    "Subphase",
    "assign_phase",
    "assign_subphase",
    "get_scheme",
    "load_timeline",
    "phase_label",
]

#: The phases, in their order (the categories of every phase column).
PHASES = ("before", "during", "after")
#: How a period that straddles a boundary is assigned (see :func:`assign_phase`).
RULES = ("majority", "start", "end", "exclude")
#: Display labels per language (the words live in :mod:`cosie_analysis.words`).
PHASE_LABELS = _PHASE_LABELS
#: Columns of the timeline table, in order.
TIMELINE_COLUMNS = (
    "date", "kind", "scope", "key_date", "disputed",
    "description_nl", "description_en", "source_url", "other_sources",
)  # fmt: skip
TIMELINE_KINDS = ("milestone", "tightening", "relaxation", "support_start", "support_change", "support_end")

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any, name: str) -> pd.Timestamp:
    """A boundary as a midnight Timestamp; ParameterError naming ``name`` otherwise."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"`{name}` must be a date such as '2020-03-12'; got {value!r} ({exc}).") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"`{name}` must be a date such as '2020-03-12'; got {value!r}.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if ts != ts.normalize():
        raise ParameterError(f"`{name}` must be a whole day (boundaries are days); got {value!r}.")
    return ts


class Subphase(NamedTuple):
    """A named part of ``during``: the days ``[start, end)`` (start day included, end day not).

    Parameters
    ----------
    name_nl, name_en : str
        The sub-phase's name in Dutch and English (``"eerste lockdown"``, ``"first lockdown"``).
    start : pandas.Timestamp
        Its first day (included).
    end : pandas.Timestamp
        The first day after it (not included).

    Examples
    --------
    >>> from cosie_analysis.phases import get_scheme
    >>> first = get_scheme("measures").subphases[0]
    >>> first.name_en, first.start.date(), first.end.date()
    ('first lockdown', datetime.date(2020, 3, 12), datetime.date(2020, 6, 1))
    """

    name_nl: str
    name_en: str
    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class PhaseScheme:
    """Boundaries of the corona phases: ``during`` is the half-open day interval ``[during_start, during_end)``.

    Parameters
    ----------
    name : str
        The scheme's name, carried into every result (``attrs["phase_scheme"]``).
    during_start, during_end : date-like
        The first day of ``during`` (included) and the first day of ``after`` (not in ``during``).
        ``before`` is every day before ``during_start``.
    rationale : str
        Why these boundaries: an analyst decision, stated in words.
    subphases : tuple of Subphase or of (name_nl, name_en, start, end), optional
        Named parts of ``during``, each half-open ``[start, end)``, in order, not overlapping, and
        inside ``[during_start, during_end)``. Gaps are allowed (days in a gap have no subphase).

    Raises
    ------
    ParameterError
        When a boundary is not a whole day, ``during_start >= during_end``, or the subphases are out of
        order, overlap or leave ``during``.

    See Also
    --------
    get_scheme : a built-in scheme by name, or one from a pair of dates.

    Examples
    --------
    A scheme of one's own (an analyst's choice, to state in the report):

    >>> from cosie_analysis.phases import PhaseScheme, assign_phase
    >>> s = PhaseScheme("first-year", "2020-03-12", "2021-03-12", "the first year of the pandemic")
    >>> s.describe()
    'first-year: during = [2020-03-12, 2021-03-12)'
    >>> assign_phase(["2020-03-11", "2020-03-12", "2021-03-12"], scheme=s).tolist()
    ['before', 'during', 'after']
    """

    name: str
    during_start: pd.Timestamp
    during_end: pd.Timestamp
    rationale: str = ""
    subphases: tuple[Subphase, ...] = ()

    def __post_init__(self):
        start, end = _day(self.during_start, "during_start"), _day(self.during_end, "during_end")
        if start >= end:
            raise ParameterError(
                f"Phase boundaries out of order: `during_start` ({start.date()}) must be before "
                f"`during_end` ({end.date()}); `during` is the half-open interval [during_start, during_end)."
            )
        subs = []
        previous_end = start
        for i, sub in enumerate(self.subphases):
            if len(sub) != 4:
                raise ParameterError(
                    f"`subphases[{i}]` must be (name_nl, name_en, start, end); got {sub!r}."
                )
            sub = Subphase(str(sub[0]), str(sub[1]), _day(sub[2], f"subphases[{i}].start"),
                           _day(sub[3], f"subphases[{i}].end"))  # fmt: skip
            if not previous_end <= sub.start < sub.end <= end:
                raise ParameterError(
                    f"`subphases[{i}]` ({sub.name_en!r}, [{sub.start.date()}, {sub.end.date()})) must start "
                    f"on or after {previous_end.date()} (the end of the previous subphase or `during_start`), "
                    f"end after its start, and end on or before `during_end` ({end.date()})."
                )
            previous_end = sub.end
            subs.append(sub)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "during_start", start)
        object.__setattr__(self, "during_end", end)
        object.__setattr__(self, "subphases", tuple(subs))

    @property
    def boundaries(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``(during_start, during_end)``."""
        return self.during_start, self.during_end

    def describe(self) -> str:
        """One line for captions and figure metadata, e.g. ``measures: during = [2020-03-12, 2022-03-23)``."""
        return f"{self.name}: during = [{self.during_start.date()}, {self.during_end.date()})"


# Sub-phases of the corona period, from the timeline (section 2.1 of the facts file). The first starts
# at, and the last ends at, the scheme's own boundaries, so the sub-phases fill `during` exactly.
_SUBPHASE_CUTS = (
    # (name_nl, name_en, start: the event that opens it)
    ("eerste lockdown", "first lockdown", None),  # first national measures (12 Mar 2020)
    ("zomer 2020", "summer 2020", "2020-06-01"),  # horeca and museums reopen
    ("tweede golf, harde lockdown en avondklok", "second wave, hard lockdown and curfew", "2020-10-14"),
    ("heropening 2021", "reopening 2021", "2021-04-28"),  # curfew ends, step 1 of the reopening plan
    ("lockdown winter 2021/22", "winter 2021/22 lockdown", "2021-11-28"),  # evening lockdown
    ("afbouw 2022", "phasing out 2022", "2022-01-26"),  # horeca and culture reopen until 22:00
)


def _subphases(start: str, end: str) -> tuple[Subphase, ...]:
    cuts = [start] + [c[2] for c in _SUBPHASE_CUTS[1:]] + [end]
    return tuple(
        Subphase(nl, en, pd.Timestamp(a), pd.Timestamp(b))
        for (nl, en, _), a, b in zip(_SUBPHASE_CUTS, cuts[:-1], cuts[1:], strict=True)
    )


#: The built-in schemes, by name. Boundaries are analyst decisions, with their sources in the timeline.
SCHEMES: dict[str, PhaseScheme] = {
    s.name: s
    for s in (
        PhaseScheme(
            "measures",
            "2020-03-12",
            "2022-03-23",
            "From the first national measures (12 Mar 2020: events over 100 people cancelled, work from "
            "home) to the end of the last ones (23 Mar 2022: masks in public transport and 1G testing "
            "dropped). The end date is disputed: NOS dates the end of masks to 15 Mar 2022, the "
            "announcement day.",
            _subphases("2020-03-12", "2022-03-23"),
        ),
        PhaseScheme(
            "support",
            "2020-03-01",
            "2022-04-01",
            "The income-support schemes, for labour-market outcomes: Tozo and NOW 1 start on 1 Mar 2020; "
            "the last NOW tranche and the relaxed Bbz run through March 2022 (no NOW from 1 Apr 2022). "
            "Tozo itself lapsed on 1 Oct 2021.",
            _subphases("2020-03-01", "2022-04-01"),
        ),
        PhaseScheme(
            "lifted",
            "2020-03-12",
            "2022-02-25",
            "From the first national measures (12 Mar 2020) until the 1.5-metre rule, masks outside "
            "public transport and most other measures went (25 Feb 2022).",
            _subphases("2020-03-12", "2022-02-25"),
        ),
    )
}


def get_scheme(scheme: str | PhaseScheme | Mapping | Sequence = "measures") -> PhaseScheme:
    """Resolve a phase scheme from its name, a PhaseScheme, or user-defined boundaries.

    Parameters
    ----------
    scheme : str, PhaseScheme, mapping or pair of dates
        A built-in name (``"measures"``, ``"support"``, ``"lifted"``; see :data:`SCHEMES`); a
        :class:`PhaseScheme`; a mapping with ``start`` and ``end`` (or ``during_start`` and
        ``during_end``) and optionally ``name``, ``rationale``, ``subphases``; or a pair
        ``(start, end)``. ``start`` is the first day of ``during`` (included), ``end`` the first day
        of ``after`` (not in ``during``).

    Returns
    -------
    PhaseScheme
        A user-defined scheme without a name is called ``"custom [start, end)"``.

    Raises
    ------
    ParameterError
        For an unknown name (the message lists the known ones), boundaries out of order, or
        anything else.

    Examples
    --------
    >>> get_scheme("support").describe()
    'support: during = [2020-03-01, 2022-04-01)'
    >>> get_scheme(("2020-03-15", "2021-06-26")).name
    'custom [2020-03-15, 2021-06-26)'
    """
    if isinstance(scheme, PhaseScheme):
        return scheme
    if isinstance(scheme, str):
        if scheme not in SCHEMES:
            raise ParameterError(
                f"Unknown phase scheme {scheme!r}: `scheme` must be one of {list(SCHEMES)!r}, a PhaseScheme, "
                "or user-defined boundaries such as ('2020-03-15', '2021-06-26')."
            )
        return SCHEMES[scheme]
    if isinstance(scheme, Mapping):
        keys = dict(scheme)
        unknown = set(keys) - {"start", "end", "during_start", "during_end", "name", "rationale", "subphases"}
        start = keys.get("during_start", keys.get("start"))
        end = keys.get("during_end", keys.get("end"))
        if unknown or start is None or end is None:
            raise ParameterError(
                "A user-defined `scheme` mapping needs the keys 'start' and 'end' (or 'during_start' and "
                f"'during_end'), optionally 'name', 'rationale', 'subphases'; got keys {sorted(keys)!r}."
            )
        s, e = _day(start, "scheme start"), _day(end, "scheme end")
        return PhaseScheme(keys.get("name") or f"custom [{s.date()}, {e.date()})", s, e,
                           keys.get("rationale", "user-defined"), tuple(keys.get("subphases", ())))  # fmt: skip
    if isinstance(scheme, Sequence) and len(scheme) == 2:
        s, e = _day(scheme[0], "scheme start"), _day(scheme[1], "scheme end")
        return PhaseScheme(f"custom [{s.date()}, {e.date()})", s, e, "user-defined")
    raise ParameterError(
        f"`scheme` must be one of {list(SCHEMES)!r}, a PhaseScheme, a mapping with 'start' and 'end', or a "
        f"pair (start, end); got {scheme!r}."
    )


def phase_label(phase: str, lang: str = "nl") -> str:
    """The display label of a phase: ``"vóór corona"`` / ``"before corona"`` and so on.

    Parameters
    ----------
    phase : {"before", "during", "after"}
        The phase's identifier (the values of a ``phase`` column).
    lang : {"nl", "en"}, default "nl"
        The language.

    Returns
    -------
    str
        The label, from :mod:`cosie_analysis.words` (:func:`cosie_analysis.words.phase_name`).

    Raises
    ------
    ParameterError
        For an unknown phase or language.

    Examples
    --------
    >>> from cosie_analysis.phases import phase_label
    >>> phase_label("before"), phase_label("after", lang="en")
    ('vóór corona', 'after corona')
    """
    check_lang(lang)
    check_choice("phase", phase, PHASES)
    return phase_name(phase, lang)


# --------------------------------------------------------------------------------------------- timeline


@lru_cache(maxsize=1)
def _read_timeline() -> pd.DataFrame:
    with resources.files("cosie_analysis").joinpath("resources/corona_timeline.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    missing = [c for c in TIMELINE_COLUMNS if c not in table.columns]
    if missing:
        raise InputFileError(
            "resources/corona_timeline.csv", f"columns {missing} missing; found {list(table.columns)}.",
            hint="Restore the file from the package (git checkout cosie_analysis/resources).",
        )
    table = table[list(TIMELINE_COLUMNS)].copy()
    table["date"] = pd.to_datetime(table["date"], format="%Y-%m-%d")
    for col in ("key_date", "disputed"):
        bad = sorted(set(table[col]) - {"true", "false"})
        if bad:
            raise InputFileError("resources/corona_timeline.csv", f"column {col!r} must be true/false; found {bad}.",
                                 hint="Write each value as the word true or false.")
        table[col] = table[col].eq("true")
    table["other_sources"] = table["other_sources"].replace("", None)
    return table


def load_timeline(*, kind: str | Sequence[str] | None = None, scope: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The Dutch corona timeline: one row per dated event, each with its source.

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds: ``"milestone"``, ``"tightening"``, ``"relaxation"``,
        ``"support_start"``, ``"support_change"``, ``"support_end"``.
    scope : str or list of str, optional
        Keep only these scopes: ``"national"`` (measures) or a support scheme (``"Tozo"``, ``"NOW"``,
        ``"TONK"``, ``"Bbz"``).

    Returns
    -------
    pandas.DataFrame
        Sorted by date, with columns

        - ``date`` (datetime64): the effective day. For a support scheme's end, the first day
          without the scheme (Tozo ends 2021-10-01: September 2021 was its last month).
        - ``kind`` (str): one of the kinds above.
        - ``scope`` (str): ``"national"`` or the support scheme.
        - ``key_date`` (bool): marked by :func:`draw_phases`.
        - ``disputed`` (bool): sources disagree on the date or the label, or the date is unconfirmed
          or derived; the descriptions say how.
        - ``description_nl``, ``description_en`` (str).
        - ``source_url`` (str): the main source; ``other_sources`` (str or None): more sources,
          separated by ``" ; "``.

    Raises
    ------
    ParameterError
        For an unknown ``kind`` or ``scope`` (the message lists the known ones).

    Notes
    -----
    Typed from the project's facts file (section 2). Events without a sourced day are left out: the
    mid-November 2021 step, the 4 Nov 2020 tightening and the 8 Feb 2021 school reopenings.

    Examples
    --------
    >>> from cosie_analysis.phases import load_timeline
    >>> tozo = load_timeline(scope="Tozo")
    >>> tozo[["date", "kind"]].head(1)
            date           kind
    0 2020-03-01  support_start
    >>> load_timeline(kind="tightening", scope="national")["date"].dt.date.head(2).tolist()
    [datetime.date(2020, 3, 9), datetime.date(2020, 3, 12)]
    """
    table = _read_timeline().copy()
    for name, value, allowed in (("kind", kind, TIMELINE_KINDS), ("scope", scope, sorted(set(table["scope"])))):
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        for v in values:
            check_choice(name, v, allowed)
        table = table[table[name].isin(values)]
    return table.reset_index(drop=True)


# ------------------------------------------------------------------------------------------- assignment

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
