"""Shared machinery of the estimators: input validation, phases, multiple testing, result objects.

Every public estimator (``phase_summary``, ``interrupted_time_series``, ``placebo_in_time``,
``synthetic_control``, ``diff_in_diff``) validates its input here, assigns phases through
:mod:`cosie_analysis.phases` (the one place that defines them) and returns a frozen result
object derived from :class:`Result`.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cosie_analysis._checks import (  # noqa: F401
    as_tuple,
    check_conf_level,
    check_data,
    check_lang,
    drop_missing,
    to_list,
)
from cosie_analysis.errors import ParameterError, check_choice

__all__ = ["ADJUST_METHODS", "PHASES", "Result", "adjust_pvalues"]

#: The three phases in their order.
PHASES = ("before", "during", "after")

#: ``adjust=`` value -> statsmodels ``multipletests`` method.
ADJUST_METHODS = {"holm": "holm", "bh": "fdr_bh", "none": None}


def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Adjust a family of p-values for multiple testing; missing p-values stay missing.

    Parameters
    ----------
    p : array-like of float
        The family's p-values (NaN allowed, left out of the family).
    method : {"holm", "bh", "none"}
        Holm's step-down family-wise error control, Benjamini-Hochberg false-discovery-rate
        control, or no adjustment.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, float("nan"), 0.03], "holm").round(3)
    array([0.03, 0.06,  nan, 0.06])
    """
    check_choice("adjust", method, ADJUST_METHODS)
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ADJUST_METHODS[method] is None or ok.sum() == 0:
        out[ok] = p[ok]
        return out
    # Own implementation (equal to statsmodels ``multipletests``, tested), which is slow on small
    # families because it runs the garbage collector on every call.
    q = p[ok]
    m = len(q)
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    if method == "holm":
        adj = np.maximum.accumulate((m - np.arange(m)) * ranked)
    else:  # Benjamini-Hochberg step-up
        adj = np.minimum.accumulate(m / np.arange(m, 0, -1) * ranked[::-1])[::-1]
    adj = np.minimum(adj, 1.0)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def adjust_within(table: pd.DataFrame, family: str | list[str], method: str) -> pd.Series:
    """p_adjusted per family: rows sharing the value(s) of ``family`` form one family."""
    return pd.Series(adjust_groups(table["p_value"].to_numpy(float), [table[c] for c in to_list(family, "family")],
                                   method), index=table.index)


def adjust_groups(p: np.ndarray, keys, method: str) -> np.ndarray:
    """:func:`adjust_pvalues` within the groups of rows that share the values of every array in ``keys``."""
    code = np.zeros(len(p), dtype=np.int64)
    for k in keys:  # combine the columns' codes; a missing value is a group of its own
        c, u = pd.factorize(np.asarray(k, dtype=object), use_na_sentinel=False)
        code = code * (len(u) + 1) + c
    code = pd.factorize(code)[0]
    sizes = np.bincount(code)
    if sizes.max(initial=0) <= 1:  # every family holds one test: nothing to adjust
        return adjust_pvalues(p, "none")
    out = np.full(len(p), np.nan)
    order = np.argsort(code, kind="stable")
    for idx in np.split(order, np.cumsum(sizes)[:-1]):
        out[idx] = adjust_pvalues(p[idx], method)
    return out


_CBS_CODE = re.compile(r"(\d{4})(JJ|KW|MM)(\d{2})")
_CBS_KIND = {"JJ": ("Y", "year", 1, 0, 0), "KW": ("Q", "quarter", 4, 1, 4), "MM": ("M", "month", 12, 1, 12)}


def cbs_periods(values) -> tuple[pd.PeriodIndex, str] | None:
    """:func:`_cbs_periods` of a sequence (memoised: a call parses the same codes several times)."""
    values = tuple(values)
    return _cbs_periods(values) if all(isinstance(v, str) for v in values) else None


@functools.lru_cache(maxsize=64)
def _cbs_periods(values: tuple) -> tuple[pd.PeriodIndex, str] | None:
    """Distinct CBS period codes of one frequency as a PeriodIndex and the frequency, or None.

    A fast path (no per-code ``pd.Period`` construction) for the usual input; None when a value is
    not a valid code or the codes mix frequencies, and the caller takes the general path, which
    also words the errors.
    """
    ords, kinds = [], set()
    for v in values:
        m = _CBS_CODE.fullmatch(v) if isinstance(v, str) else None
        if m is None:
            return None
        pfreq, _, per_year, lo, hi = _CBS_KIND[m[2]]
        num = int(m[3])
        if not lo <= num <= hi:
            return None
        kinds.add(m[2])
        ords.append((int(m[1]) - 1970) * per_year + max(num - 1, 0))
    if len(kinds) != 1:
        return None
    pfreq, freq = _CBS_KIND[kinds.pop()][:2]
    return pd.PeriodIndex.from_ordinals(ords, freq=pfreq), freq


def with_phases(data: pd.DataFrame, period: str, scheme, rule: str) -> tuple[pd.DataFrame, str, str]:
    """A copy of ``data`` with a ``phase`` column; also the scheme's name and the rule used."""
    from cosie_analysis.phases import assign_phase, get_scheme

    # assign each distinct period once, then map back (series repeat periods across regions)
    codes, uniques = pd.factorize(data[period], use_na_sentinel=True)
    fast = cbs_periods(uniques)
    phase = assign_phase(pd.Series(fast[0] if fast else uniques), scheme=scheme, rule=rule)
    # the phase codes (before 0, during 1, after 2; -1 missing) of each distinct period, mapped back
    ucodes = pd.Categorical(phase, categories=list(PHASES), ordered=True).codes
    mapped = np.where(codes >= 0, ucodes[np.maximum(codes, 0)], -1)
    out = data.assign(phase=pd.Categorical.from_codes(mapped, categories=list(PHASES), ordered=True))
    missing = mapped < 0
    if missing.any():  # rule="exclude": assign_phase has already warned which periods
        warnings.warn(
            f"dropped {int(missing.sum())} of {len(out)} row(s) whose period has no phase under "
            f"rule={rule!r}.",
            UserWarning,
            stacklevel=3,
        )
        out = out.loc[~missing]
    scheme_name = phase.attrs.get("phase_scheme", getattr(get_scheme(scheme), "name", str(scheme)))
    return out, str(scheme_name), str(phase.attrs.get("phase_rule", rule))


def period_index(data: pd.DataFrame, period: str) -> tuple[pd.Series, pd.Series, str]:
    """Integer time index (in periods of the series' frequency), period start dates, frequency.

    Accepts CBS period codes, timestamps or pandas Periods in ``period``.
    """
    values = data[period]
    if isinstance(values.dtype, pd.PeriodDtype):
        freq = {"Y": "year", "A": "year", "Q": "quarter", "M": "month"}.get(values.dtype.freq.freqstr[0], None)
        starts = values.dt.start_time
        if freq is None:
            raise ParameterError(f"Periods in `{period}` must be yearly, quarterly or monthly; got freq "
                                 f"{values.dtype.freq.freqstr!r}.")
    elif pd.api.types.is_datetime64_any_dtype(values):
        starts = pd.Series(pd.to_datetime(values), index=data.index)
        freq = None
    else:
        from cosie_analysis.data.periods import parse_periods

        codes, uniques = pd.factorize(values.astype(str))
        fast = cbs_periods(uniques)
        if fast is not None:
            ordinal = pd.Series(fast[0].asi8[codes], index=data.index)
            starts = pd.Series(fast[0].start_time[codes], index=data.index)
            return ordinal - ordinal.min(), starts, fast[1]
        parsed = parse_periods(list(uniques))  # each distinct code once
        starts = pd.Series(parsed["period_start"].to_numpy()[codes], index=data.index)
        freqs = parsed["frequency"].unique()
        if len(freqs) > 1:
            raise ParameterError(
                f"The series mixes frequencies {sorted(freqs)!r} in `period`; filter `data` to one "
                "frequency first (column `frequency`)."
            )
        freq = freqs[0]
    if freq is None:  # timestamps: the median spacing of the distinct dates decides
        gaps = np.diff(np.sort(starts.drop_duplicates().to_numpy())).astype("timedelta64[D]").astype(float)
        step = float(np.median(gaps)) if len(gaps) else 365.0
        freq = "year" if step >= 360 else "quarter" if step >= 85 else "month"
    pfreq = {"month": "M", "quarter": "Q", "year": "Y"}[freq]
    ordinal = starts.dt.to_period(pfreq).map(lambda p: p.ordinal).astype(int)
    return ordinal - ordinal.min(), starts, freq


@dataclass(frozen=True)
class Result:
    """Base of the frozen result objects.

    ``summary()`` and ``plot_data()`` return copies, so changing them never changes the result.
    """

    table: pd.DataFrame = field(repr=False)
    phase_scheme: str
    phase_rule: str
    conf_level: float
    method: str

    def summary(self) -> pd.DataFrame:
        """The tidy table of estimates (a copy); the columns are listed in the estimator's docstring."""
        return self.table.copy()

    def _repr_html_(self) -> str:  # notebooks
        return self.table._repr_html_()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}: {self.method}, {len(self.table)} row(s), "
            f"phase_scheme={self.phase_scheme!r}, phase_rule={self.phase_rule!r}>"
        )


def select_one(mapping: dict, key, what: str, keys_desc: str) -> Any:
    """Pick one entry of a per-series mapping; explain how when the choice is ambiguous."""
    if key is None:
        if len(mapping) == 1:
            return next(iter(mapping.values()))
        raise ParameterError(
            f"This result holds {len(mapping)} series; pass `series=` with one of "
            f"{list(mapping)[:10]!r} ({keys_desc}) to get its {what}."
        )
    if not isinstance(key, tuple):
        key = (key,)
    if key not in mapping:
        raise ParameterError(f"`series` must be one of {list(mapping)[:10]!r}; got {key!r}.")
    return mapping[key]


# ---------------------------------------------------------------------------- panels (comparisons)
@dataclass(frozen=True)
class Panel:
    wide: pd.DataFrame  # units x periods (period codes), sorted by time
    phase: pd.Series  # period code -> phase
    start: pd.Series  # period code -> period_start
    indicator: str | None
    scheme_name: str
    rule_name: str


def panel_of(data, *, value, period, unit, indicator, scheme, rule, treated, function) -> Panel:
    check_data(data, {"value": value, "period": period, "unit": unit}, function=function)
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    ind = None
    if indicator is not None and indicator in data.columns:
        found = pd.unique(data[indicator].dropna())
        if len(found) > 1:
            raise ParameterError(
                f"{function}() compares one outcome; `data` holds {len(found)} values of column {indicator!r}: "
                f"{list(found)[:10]!r}. Filter first, e.g. data[data[{indicator!r}] == {found[0]!r}]."
            )
        ind = str(found[0]) if len(found) else None
    df = drop_missing(data[[unit, period, value]], [unit, period, value], function=function)
    dup = df.duplicated([unit, period])
    if dup.any():
        raise ParameterError(f"{function}(): {int(dup.sum())} duplicated ({unit}, {period}) pair(s); each unit needs "
                             "one value per period. Filter to one frequency and one indicator.")
    units = set(df[unit])
    missing = [t for t in treated if t not in units]
    if missing:
        raise ParameterError(f"`treated` unit(s) {missing!r} not found in column {unit!r}; "
                             f"found e.g. {sorted(units)[:8]!r}.")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    t, starts, _ = period_index(df, period)
    df = df.assign(_t=t.to_numpy(), _start=starts.to_numpy())
    per = df.drop_duplicates(period).sort_values("_t")
    wide = df.pivot(index=unit, columns=period, values=value)[per[period].tolist()]
    incomplete = wide.index[wide.isna().any(axis=1)]
    bad_treated = [u for u in treated if u in incomplete]
    if bad_treated:
        raise ParameterError(f"treated unit(s) {bad_treated!r} lack values for some periods; synthetic control and "
                             "the permutation tests need a complete series.")
    if len(incomplete):
        warnings.warn(f"{function}(): dropped {len(incomplete)} of {len(wide)} unit(s) without a complete series "
                      f"over the {wide.shape[1]} periods, e.g. {list(incomplete[:5])!r}.", UserWarning, stacklevel=3)
        wide = wide.drop(index=incomplete)
    phase = pd.Series(per["phase"].to_numpy(), index=per[period].to_numpy())
    if (phase == "before").sum() < 2 or (phase != "before").sum() < 1:
        raise ParameterError(f"{function}() needs at least 2 'before' periods and 1 later period; found "
                             f"{dict(phase.astype(str).value_counts())}.")
    return Panel(wide, phase, pd.Series(per["_start"].to_numpy(), index=per[period].to_numpy()), ind,
                  scheme_name, rule_name)

