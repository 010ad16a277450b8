"""CBS period codes: ``2019JJ00`` (a year), ``2019KW02`` (a quarter), ``2019MM03`` (a month).

A period is the closed range of days ``[period_start, period_end]``: ``period_end`` is the period's last
day, so 2019KW02 runs from 2019-04-01 to 2019-06-30 inclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from cosie_analysis.errors import ParameterError

__all__ = ["FREQUENCIES", "PERIOD_PATTERN", "is_period_code", "parse_period", "parse_periods"]

#: CBS period-code letters -> our frequency name and the pandas period frequency.
FREQUENCIES = {"JJ": ("year", "Y"), "KW": ("quarter", "Q"), "MM": ("month", "M")}
PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?P<kind>JJ|KW|MM)(?P<num>\d{2})$")
_MAX_NUM = {"JJ": 0, "KW": 4, "MM": 12}


def _check(code: object) -> re.Match | None:
    m = PERIOD_PATTERN.match(code) if isinstance(code, str) else None
    if m is None:
        return None
    num, kind = int(m["num"]), m["kind"]
    if (kind == "JJ" and num != 0) or (kind != "JJ" and not 1 <= num <= _MAX_NUM[kind]):
        return None
    return m


def is_period_code(code: object) -> bool:
    """True for a valid CBS period code (``YYYYJJ00``, ``YYYYKW01-04``, ``YYYYMM01-12``).

    Parameters
    ----------
    code : object
        Anything; only a string of one of the three forms is a period code.

    Returns
    -------
    bool
        Whether :func:`parse_period` would accept ``code``.

    Examples
    --------
    >>> from cosie_analysis.data.periods import is_period_code
    >>> is_period_code("2020KW04"), is_period_code("2020KW05"), is_period_code(2020)
    (True, False, False)
    """
    return _check(code) is not None


def parse_period(code: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """Parse one CBS period code.

    Parameters
    ----------
    code : str
        ``YYYYJJ00``, ``YYYYKWnn`` (nn = 01..04) or ``YYYYMMnn`` (nn = 01..12).

    Returns
    -------
    tuple
        ``(period_start, period_end, frequency)``: the first and the last day of the period (both
        included) and ``"year"``, ``"quarter"`` or ``"month"``.

    Raises
    ------
    ParameterError
        When the code is not one of the three forms.

    Examples
    --------
    >>> from cosie_analysis.data.periods import parse_period
    >>> parse_period("2020MM03")
    (Timestamp('2020-03-01 00:00:00'), Timestamp('2020-03-31 00:00:00'), 'month')
    """
    m = _check(code)
    if m is None:
        raise ParameterError(
            f"Unknown CBS period code {code!r}: expected YYYYJJ00 (year), YYYYKW01-04 (quarter) or YYYYMM01-12 (month)."
        )
    frequency, pfreq = FREQUENCIES[m["kind"]]
    year, num = int(m["year"]), int(m["num"])
    if pfreq == "Y":
        period = pd.Period(year=year, freq="Y")
    elif pfreq == "Q":
        period = pd.Period(year=year, quarter=num, freq="Q")
    else:
        period = pd.Period(year=year, month=num, freq="M")
    return period.start_time.normalize(), period.end_time.normalize(), frequency


def parse_periods(codes: Iterable[str]) -> pd.DataFrame:
    """Parse many CBS period codes at once.

    Parameters
    ----------
    codes : iterable of str
        CBS period codes, in any mix of frequencies; each distinct code is parsed once.

    Returns
    -------
    pandas.DataFrame
        One row per input code, in input order, with columns ``period`` (the code),
        ``period_start`` and ``period_end`` (datetime64, the first and last day, both included) and
        ``frequency`` (``"year"``, ``"quarter"``, ``"month"``).

    Raises
    ------
    ParameterError
        Listing every unknown code (at most ten are shown) and its position.

    Examples
    --------
    >>> from cosie_analysis.data.periods import parse_periods
    >>> parse_periods(["2020JJ00", "2020KW02", "2020MM02"])
         period period_start period_end frequency
    0  2020JJ00   2020-01-01 2020-12-31      year
    1  2020KW02   2020-04-01 2020-06-30   quarter
    2  2020MM02   2020-02-01 2020-02-29     month
    """
    series = pd.Series(list(codes), dtype="object")
    unique = pd.unique(series)
    parsed, bad = {}, []
    for code in unique:
        try:
            parsed[code] = parse_period(code)
        except ParameterError:
            bad.append(code)
    if bad:
        positions = [int(i) for i in series.index[series.isin(bad)][:10]]
        raise ParameterError(
            f"{len(bad)} unknown CBS period code(s) {bad[:10]!r} at position(s) {positions}: expected "
            "YYYYJJ00 (year), YYYYKW01-04 (quarter) or YYYYMM01-12 (month)."
        )
    return pd.DataFrame(
        {
            "period": series.to_numpy(),
            "period_start": pd.to_datetime([parsed[c][0] for c in series]),
            "period_end": pd.to_datetime([parsed[c][1] for c in series]),
            "frequency": [parsed[c][2] for c in series],
        }
    )
