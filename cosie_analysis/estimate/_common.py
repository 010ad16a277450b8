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
    check_known,
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


@functools.lru_cache(maxsize=64)
def _cbs_periods(values: tuple) -> tuple[pd.PeriodIndex, str, np.ndarray, np.ndarray] | None:
    """Distinct CBS period codes of one frequency: PeriodIndex, frequency, ordinals, start dates; or None.

    A fast path (no per-code ``pd.Period`` construction) for the usual input; None when a value is
    not a valid code or the codes mix frequencies, and the caller takes the general path, which
    also words the errors. The arrays are read-only (the result is shared between calls).
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
    index = pd.PeriodIndex.from_ordinals(ords, freq=pfreq)
    ordinals, starts = index.asi8.copy(), index.start_time.to_numpy()
    ordinals.flags.writeable = starts.flags.writeable = False
    return index, freq, ordinals, starts


def _cbs_lookup(uniques) -> tuple[pd.PeriodIndex, str, np.ndarray, np.ndarray] | None:
    values = tuple(uniques)
    return _cbs_periods(values) if all(isinstance(v, str) for v in values) else None


def cbs_period_table(uniques) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Ordinals, start dates and frequency of distinct CBS period codes of one frequency, else None."""
    fast = _cbs_lookup(uniques)
    return None if fast is None else (fast[2], fast[3], fast[1])


@functools.lru_cache(maxsize=64)
def _phase_codes_cached(uniques: tuple, scheme, rule: str) -> tuple[np.ndarray, str, str]:
    codes, name, rule_name = _phase_codes_of(uniques, scheme, rule)
    codes.flags.writeable = False
    return codes, name, rule_name


def _phase_codes_of(uniques, scheme, rule: str) -> tuple[np.ndarray, str, str]:
    """Phase codes (before 0, during 1, after 2; -1 none) of distinct period values; scheme name, rule."""
    from cosie_analysis.phases import assign_phase, get_scheme

    fast = _cbs_lookup(uniques)
    phase = assign_phase(pd.Series(fast[0] if fast else list(uniques)), scheme=scheme, rule=rule)
    codes = np.asarray(pd.Categorical(phase, categories=list(PHASES), ordered=True).codes)
    scheme_name = phase.attrs.get("phase_scheme", getattr(get_scheme(scheme), "name", str(scheme)))
    return codes, str(scheme_name), str(phase.attrs.get("phase_rule", rule))


def phase_codes(values, scheme, rule: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, str]:
    """The phase of every value of a period column, assigned once per distinct period.

    Returns ``(phase_codes, period_codes, uniques, scheme_name, rule_name)``: the phase code of each
    value (before 0, during 1, after 2; -1 no phase or missing period), the index of each value in
    ``uniques`` (-1 missing) and the distinct periods. Distinct CBS codes under a named scheme are
    remembered between calls (except with ``rule="exclude"``, which warns about what it leaves out).
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    key = tuple(uniques)
    try:
        cacheable = rule != "exclude" and all(isinstance(v, str) for v in key) and hash(scheme) is not None
    except TypeError:  # an unhashable scheme (a dict of boundaries)
        cacheable = False
    ucodes, name, rule_name = (_phase_codes_cached(key, scheme, rule) if cacheable
                               else _phase_codes_of(key, scheme, rule))
    return np.where(codes >= 0, ucodes[np.maximum(codes, 0)], -1), codes, uniques, name, rule_name


def with_phases(data: pd.DataFrame, period: str, scheme, rule: str) -> tuple[pd.DataFrame, str, str]:
    """A copy of ``data`` with a ``phase`` column; also the scheme's name and the rule used."""
    mapped, _, _, scheme_name, rule_name = phase_codes(data[period], scheme, rule)
    out = data.assign(phase=pd.Categorical.from_codes(mapped, categories=list(PHASES), ordered=True))
    missing = mapped < 0
    if missing.any():  # rule="exclude": assign_phase has already warned which periods
        warn_no_phase(int(missing.sum()), len(out), rule)
        out = out.loc[~missing]
    return out, scheme_name, rule_name


def warn_no_phase(n_missing: int, n: int, rule: str, stacklevel: int = 4) -> None:
    warnings.warn(f"dropped {n_missing} of {n} row(s) whose period has no phase under rule={rule!r}.",
                  UserWarning, stacklevel=stacklevel)


def period_index(data: pd.DataFrame, period: str) -> tuple[pd.Series, pd.Series, str]:
    """Integer time index (in periods of the series' frequency), period start dates, frequency.

    Accepts CBS period codes, timestamps or pandas Periods in ``period``.
    """
    t, starts, freq = period_ordinals(data[period], period)
    return pd.Series(t, index=data.index), pd.Series(starts, index=data.index), freq


def period_ordinals(values, name: str = "period") -> tuple[np.ndarray, np.ndarray, str]:
    """:func:`period_index` of one column's values (a Series or array): numpy arrays, frequency.

    ``name`` is the column's name, for the error messages.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(values.dtype, pd.PeriodDtype):
        freq = {"Y": "year", "A": "year", "Q": "quarter", "M": "month"}.get(values.dtype.freq.freqstr[0], None)
        starts = values.dt.start_time
        if freq is None:
            raise ParameterError(f"Periods in `{name}` must be yearly, quarterly or monthly; got freq "
                                 f"{values.dtype.freq.freqstr!r}.")
    elif pd.api.types.is_datetime64_any_dtype(values):
        starts = pd.Series(pd.to_datetime(values))
        freq = None
    else:
        from cosie_analysis.data.periods import parse_periods

        codes, uniques = pd.factorize(values.to_numpy(dtype=object).astype(str))
        fast = _cbs_lookup(uniques)
        if fast is not None:
            ordinal = fast[2][codes]
            return ordinal - ordinal.min(), fast[3][codes], fast[1]
        parsed = parse_periods(list(uniques))  # each distinct code once
        starts = pd.Series(parsed["period_start"].to_numpy()[codes])
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
    ordinal = starts.dt.to_period(pfreq).map(lambda p: p.ordinal).astype(int).to_numpy()
    return ordinal - ordinal.min(), starts.to_numpy(), freq


_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


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
        # under copy-on-write (pandas 3) a shallow copy is already independent: changing it copies first
        return self.table.copy(deep=not _COPY_ON_WRITE)

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


def region_names(data: pd.DataFrame, unit: str) -> dict:
    """Unit code -> region name, when ``data`` has a ``region_name`` column (for error messages)."""
    if "region_name" not in data.columns or unit == "region_name":
        return {}
    pairs = data[[unit, "region_name"]].drop_duplicates(unit)
    return dict(zip(pairs[unit], pairs["region_name"], strict=True))


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
    check_known(treated, sorted(set(df[unit])), "treated", names=region_names(data, unit))
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



#: The scales a comparison design can assume parallel trends on: "level" (additive) or "log" (proportional).
SCALES = ("level", "log")


def check_scale(wide: pd.DataFrame, units, scale: str, function: str) -> None:
    """Check ``scale`` and, for "log", that every value of ``units`` (rows of ``wide``) is positive."""
    check_choice("scale", scale, SCALES)
    if scale != "log":
        return
    sub = wide.loc[list(units)]
    bad = sub.to_numpy(float) <= 0
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise ParameterError(
            f"{function}(scale='log') needs values > 0; unit {sub.index[i]!r} has {float(sub.iat[i, j])!r} in period "
            f"{sub.columns[j]!r} ({int(bad.sum())} value(s) <= 0 in all). Use scale='level' or leave such units "
            "out of the donors."
        )
