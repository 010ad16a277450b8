"""The phase schemes: ``before``, ``during`` and ``after`` as half-open day intervals, and the sub-phases.

``during`` is ``[during_start, during_end)``: its start day is included, its end day is the first day of
``after``. The built-in schemes (:data:`SCHEMES`) are analyst decisions with their rationale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.words import PHASE_LABELS as _PHASE_LABELS, check_lang, phase_name

__all__ = ["PHASES", "PHASE_LABELS", "RULES", "SCHEMES", "PhaseScheme", "Subphase", "get_scheme", "phase_label"]

#: The phases, in their order (the categories of every phase column).
PHASES = ("before", "during", "after")
#: How a period that straddles a boundary is assigned (see :func:`assign_phase`).
RULES = ("majority", "start", "end", "exclude")
#: Display labels per language (the words live in :mod:`cosie_analysis.words`).
PHASE_LABELS = _PHASE_LABELS


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
                raise ParameterError(f"`subphases[{i}]` must be (name_nl, name_en, start, end); got {sub!r}.")
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
