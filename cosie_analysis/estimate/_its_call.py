"""The checked arguments and the prepared data of one ITS call (see :mod:`._its_run`).

A call reads the columns it uses once, as arrays: missing rows dropped, phases assigned once per
distinct period, rows numbered by series. Each series' design is built from these arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis._checks import missing_mask, warn_missing
from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._common import (
    PHASES,
    as_tuple,
    cbs_period_table,
    phase_codes,
    warn_no_phase,
)
from cosie_analysis.estimate._its_fit import resolve_cov_type, series_design, validate

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme


class LazyMap(Mapping):
    """Series key -> value computed on first access (statsmodels refits, design frames)."""

    def __init__(self, keys, compute, known=None):
        self._keys = list(keys)
        self._set = set(self._keys)
        self._compute = compute
        self._cache = dict(known or {})

    def __getitem__(self, key):
        if key not in self._cache:
            if key not in self._set:
                raise KeyError(key)
            self._cache[key] = self._compute(key)
        return self._cache[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self):
        return len(self._keys)

    def __contains__(self, key):
        return key in self._set


def _series_ids(arrays: dict, by) -> np.ndarray:
    """Series number of every row, numbered in the sorted order of the ``by`` values."""
    n = len(next(iter(arrays.values())))
    code = np.zeros(n, dtype=np.int64)
    for c in by:
        a = arrays[c]
        if n and (a == a[0]).all():  # one value (one series, or one indicator): nothing to tell apart
            continue
        codes, uniques = pd.factorize(a, sort=True)
        code = code * (len(uniques) + 1) + codes
    return np.unique(code, return_inverse=True)[1].ravel()


class Call:
    """The checked arguments and the prepared data of one call: the used columns as arrays."""

    # the keyword arguments of run_its, set from ``kw`` in __init__
    function: str
    value: str
    period: str
    scheme: str | PhaseScheme
    rule: str
    family: str
    trend: str
    offset: str | None
    exposure: str | None
    seasonality: str | None
    hac_lags: int | None
    adjust: str
    on_error: str
    placebo_start: str | pd.Timestamp | None
    min_segment: int | None
    progress: bool
    chunk_size: int

    def __init__(self, data, **kw):
        self.__dict__.update(kw)
        self.cov_type = resolve_cov_type(kw["cov_type"], kw["family"], kw["hac_lags"], stacklevel=5)
        self.by = by = as_tuple(kw["by"])
        names = ("function", "value", "period", "family", "seasonality", "conf_level", "adjust", "offset", "exposure",
                 "hac_lags", "trend", "on_error")
        self.conf_level = validate(data, by=by, cov_type=self.cov_type, **{k: kw[k] for k in names})
        extra = [c for c in (self.offset, self.exposure) if c is not None]
        cols = list(dict.fromkeys(list(by) + [self.period, self.value] + extra))
        numeric = {self.value, *extra}
        arr = {c: data[c].to_numpy(dtype=float, na_value=np.nan) if c in numeric else data[c].to_numpy() for c in cols}
        keep = np.flatnonzero(~missing_mask(arr.values()))
        if len(keep) < len(data):
            warn_missing(len(data) - len(keep), len(data), cols, self.function, stacklevel=5)
            arr = {c: v[keep] for c, v in arr.items()}
        if not len(keep):
            raise ParameterError(f"{self.function}(): no rows with a value left in `data`.")
        negative = arr[self.value] < 0
        if self.family != "gaussian" and negative.any():
            first = np.flatnonzero(negative)[0]
            where = f" (e.g. {dict(zip(by, (arr[c][first] for c in by), strict=True))})" if by else ""
            raise ParameterError(f"family={self.family!r} needs counts >= 0 in `value`; found {int(negative.sum())} "
                                 f"negative value(s){where}. A change or a difference is not a count: use "
                                 "family='gaussian', or filter `data` to the count indicators.")
        phase, pcode, self.puniq, self.scheme_name, self.rule_name = phase_codes(arr[self.period], self.scheme,
                                                                               self.rule)
        if (phase < 0).any():  # rule="exclude": assign_phase has already warned which periods
            warn_no_phase(int((phase < 0).sum()), len(phase), self.rule, stacklevel=5)
            keep, phase, pcode, arr = keep[phase >= 0], phase[phase >= 0], pcode[phase >= 0], {
                c: v[phase >= 0] for c, v in arr.items()}
        self.arrays = arr
        self.rows = {"value": arr[self.value], "period": arr[self.period], "phase": phase,
                     "index": data.index.to_numpy()[keep], "pcode": pcode}
        self.periods = cbs_period_table(self.puniq)  # None unless CBS codes of one frequency
        if self.offset is not None or self.exposure is not None:
            self.rows["offset"] = arr[self.offset] if self.offset is not None else np.log(arr[self.exposure])
        self.sid = _series_ids(arr, by)
        self.n_series = int(self.sid.max()) + 1
        if self.n_series == 1:
            self.rows_of = {0: np.arange(len(self.sid))}
            first = np.zeros(1, dtype=np.int64)
        else:
            order = np.argsort(self.sid, kind="stable")
            bounds = np.flatnonzero(np.diff(self.sid[order])) + 1
            self.rows_of = dict(enumerate(np.split(order, bounds)))  # series -> row positions
            first = order[np.concatenate([[0], bounds])]
        # the key columns as a frame infers them from the key values (as the one-by-one loop built them)
        self.key_arrays = {c: pd.Series(arr[c][first].tolist()).array for c in by}
        self.keys = list(zip(*(self.key_arrays[c].tolist() for c in by), strict=True)) if by else [()]
        self.region_names = {}
        if "region_name" in data.columns and "region_code" in by:
            names = data["region_name"].to_numpy()[keep[first]]
            self.region_names = {c: n for c, n in zip(arr["region_code"][first], names, strict=True)
                                 if isinstance(n, str)}
        self.skipped: dict[int, str] = {}
        self.phase_categories = ("before", "placebo") if self.placebo_start is not None else PHASES
        self.design_kw = {"function": self.function, "seasonality": self.seasonality, "trend": self.trend,
                          "placebo_start": self.placebo_start, "min_segment": self.min_segment}

    def name(self, s: int | np.integer) -> dict:
        return dict(zip(self.by, self.keys[s], strict=True))

    def fail(self, members, message: str, rep: int | None = None) -> None:
        """Raise, or record the series as skipped with the reason (``rep``'s name replaced by each one's)."""
        if not len(members):
            return
        if self.on_error == "raise":
            raise ParameterError(message)
        for s in members:
            self.skipped[int(s)] = message if rep is None else message.replace(str(self.name(rep)), str(self.name(s)))

    def design(self, s: int):
        rows = self.rows_of[s]
        return series_design({k: v[rows] for k, v in self.rows.items()}, self.name(s), periods=self.periods,
                             **self.design_kw)
