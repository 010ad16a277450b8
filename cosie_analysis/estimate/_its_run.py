"""Run the ITS for every series of a call: group, fit, assemble one table (see :mod:`._its_fit`)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._common import (
    PHASES,
    adjust_groups,
    as_tuple,
    drop_missing,
    with_phases,
)
from cosie_analysis.estimate._its_fit import (
    _CURVES,
    HAC_RULE,
    ITS_COLUMNS,
    KERNEL_COV_TYPES,
    fit_statsmodels,
    hac_lag_rule,
    horizons,
    resolve_cov_type,
    series_design,
    validate,
)
from cosie_analysis.estimate._kernels import (
    design_matrix,
    fit_gaussian,
    fit_glsar,
    fit_poisson,
    its_rows,
)

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


def _series_ids(df: pd.DataFrame, by) -> np.ndarray:
    """Series number of every row, numbered in the sorted order of the ``by`` values."""
    code = np.zeros(len(df), dtype=np.int64)
    for c in by:
        codes, uniques = pd.factorize(df[c], sort=True)
        code = code * (len(uniques) + 1) + codes
    return np.unique(code, return_inverse=True)[1].ravel()


class _Call:
    """The checked arguments and the prepared data of one call."""

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
        self.cov_type = resolve_cov_type(kw["cov_type"], kw["family"], kw["hac_lags"])
        self.by = by = as_tuple(kw["by"])
        names = ("function", "value", "period", "family", "seasonality", "conf_level", "adjust", "offset", "exposure",
                 "hac_lags", "trend", "on_error")
        self.conf_level = validate(data, by=by, cov_type=self.cov_type, **{k: kw[k] for k in names})
        extra = [c for c in (self.offset, self.exposure) if c is not None]
        self.cols = cols = list(dict.fromkeys(list(by) + [self.period, self.value] + extra))
        df = drop_missing(data[cols], cols, function=self.function)
        if df.empty:
            raise ParameterError(f"{self.function}(): no rows with a value left in `data`.")
        if self.family != "gaussian" and (df[self.value] < 0).any():
            raise ParameterError(f"family={self.family!r} needs counts >= 0 in `value`; found "
                                 f"{(df[self.value] < 0).sum()} negative value(s).")
        self.df, self.scheme_name, self.rule_name = with_phases(df, self.period, self.scheme, self.rule)
        df = self.df
        self.sid = _series_ids(df, by)
        self.n_series = int(self.sid.max()) + 1
        order = np.argsort(self.sid, kind="stable")
        bounds = np.flatnonzero(np.diff(self.sid[order])) + 1
        self.rows_of = dict(enumerate(np.split(order, bounds)))  # series -> row positions
        first = order[np.concatenate([[0], bounds])]
        # the key columns as a frame infers them from the key values (as the one-by-one loop built them)
        self.key_arrays = {c: pd.Series(df[c].to_numpy()[first].tolist()).array for c in by}
        self.keys = list(zip(*(self.key_arrays[c].tolist() for c in by), strict=True)) if by else [()]
        self.region_names = {}
        if "region_name" in data.columns and "region_code" in by:
            names = data["region_name"].loc[df.index[first]].to_numpy()
            codes = df["region_code"].to_numpy()[first]
            # not strict: with duplicated index labels in `data`, .loc returns more names than codes (as before)
            self.region_names = {c: n for c, n in zip(codes, names, strict=False) if isinstance(n, str)}
        self.skipped: dict[int, str] = {}
        self.design_kw = {"function": self.function, "value": self.value, "period": self.period,
                              "seasonality": self.seasonality, "offset": self.offset, "exposure": self.exposure,
                              "trend": self.trend, "placebo_start": self.placebo_start, "min_segment": self.min_segment}

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
        return series_design(self.df.iloc[self.rows_of[s]], self.name(s), **self.design_kw)


def _wide(call: _Call):
    """Outcomes and offsets as (series x period) arrays; duplicated periods and all-zero counts failed."""
    df, sid, n, value = call.df, call.sid, call.n_series, call.value
    pcode, puniq = pd.factorize(df[call.period])
    P = len(puniq)
    dup = np.bincount(sid * P + pcode, minlength=n * P).reshape(n, P)
    for s in np.flatnonzero((dup > 1).any(axis=1)):
        call.fail([s], f"{call.function}(): series {call.name(s)} has {int((dup[s] > 1).sum())} duplicated "
                       "period(s); add the column that tells them apart to `by`.")
    Y = np.full((n, P), np.nan)
    Y[sid, pcode] = df[value].to_numpy(float)
    if call.family == "poisson":
        zero = [s for s in np.flatnonzero(np.nanmax(Y, axis=1) == 0) if s not in call.skipped]
        if zero and call.on_error == "raise":
            raise ParameterError(
                f"{call.function}(): {len(zero)} series have only zero counts, "
                f"e.g. {[call.keys[s] for s in zero[:5]]!r}; "
                "a Poisson model has no finite estimate for them (statsmodels stops at a NaN deviance). Leave them "
                "out of `data` or use family='gaussian'.")
        call.fail(zero, f"{call.function}(): only zero counts; a Poisson model has no finite estimate.")
    Off = None
    if call.offset is not None or call.exposure is not None:
        Off = np.full((n, P), np.nan)
        Off[sid, pcode] = (df[call.offset].to_numpy(float) if call.offset is not None
                         else np.log(df[call.exposure].to_numpy(float)))
    seen = dup > 0
    return Y, Off, seen, puniq


def _chunk(call, mem, d, breaks, season, trend, B, V, off, df_resid, X, names, lags, hz):
    """Table and curve columns (numpy arrays) of the series ``mem`` that share the design ``d``."""
    n = len(d)
    labels = d["phase_label"].to_numpy()
    rows, meta, curves = its_rows(X, names, labels, breaks, trend, B, V, off, call.family, df_resid, call.conf_level)
    S, R = rows["estimate"].shape
    mem = np.asarray(mem)
    tab = {"_s": np.repeat(mem, R), "_r": np.tile(np.arange(R), S),
           "term": np.tile(np.array(meta["term"], dtype=object), S),
           "phase": np.tile(np.array(meta["phase"], dtype=object), S)}
    tab |= {c: v.ravel() for c, v in rows.items()}
    tab |= {"n": np.full(S * R, n, dtype=np.int64), "n_phase": np.tile(np.asarray(meta["n_phase"], dtype=np.int64), S),
            "scale": np.tile(np.array(meta["scale"], dtype=object), S),
            "seasonality": np.full(S * R, season or "none", dtype=object), "trend": np.full(S * R, trend, dtype=object),
            "horizon": np.tile(np.array([hz[0][p] for p in meta["phase"]], dtype=np.int64), S),
            "horizon_supported": np.full(S * R, hz[1], dtype=np.int64),
            "hac_lags": np.full(S * R, lags if call.cov_type == "hac" else -1, dtype=np.int64)}
    cur = {"_s": np.repeat(mem, n), "period": np.tile(d["period"].to_numpy(), S),
           "period_start": np.tile(d["period_start"].to_numpy(), S), "phase": np.tile(d["phase"].to_numpy(), S),
           "observed": None} | {c: curves[c].ravel() for c in _CURVES}
    return tab, cur


def _fit_group(call, members, rep_d, Y, Off, puniq, out, one_by_one=False):
    """Fit the series ``members`` (same periods): array kernels where they apply, else statsmodels."""
    d, breaks, season, _, trend, _, _ = rep_d
    X, names, formula = design_matrix(d, breaks, season, trend)
    order = pd.Index(puniq).get_indexer(d["period"])
    n = len(d)
    lags = hac_lag_rule(n) if call.hac_lags is None else int(call.hac_lags)
    hz = horizons(d, breaks)
    kernel = call.cov_type in KERNEL_COV_TYPES.get(call.family, ()) and not one_by_one
    step = call.chunk_size if kernel else 1
    for start in range(0, len(members), step):
        mem = members[start:start + step]
        Yg = Y[np.ix_(mem, order)].T
        off = Off[np.ix_(mem, order)] if Off is not None else np.zeros((len(mem), n))
        with np.errstate(all="ignore"):  # diverging fits are counted and reported by the caller
            if kernel and call.family == "gaussian":
                fit = fit_glsar(X, Yg, np.linalg.matrix_rank(X)) if call.cov_type == "ar1" else fit_gaussian(
                    X, Yg, call.cov_type, lags)
                B, V, df_resid = fit
            elif kernel:
                B, V, df_resid = fit_poisson(X, Yg, off.T, call.cov_type, lags)
            else:
                dd = d.assign(y=Yg[:, 0])
                if Off is not None:
                    dd["offset"] = off[0]
                res, b, v, df_resid = fit_statsmodels(dd, breaks, family=call.family, season=season, trend=trend,
                                                      cov_type=call.cov_type, lags=lags)
                B, V = b[None], v[None]
                out["models"][call.keys[mem[0]]] = res
        tab, cur = _chunk(call, mem, d, breaks, season, trend, B, V, off, df_resid, X, names, lags, hz)
        cur["observed"] = Yg.T.ravel()
        if rep_d[3] is not None:
            tab["placebo_start"] = np.full(len(tab["_s"]), rep_d[3], dtype=object)
        out["tables"].append(tab), out["curves"].append(cur)
        if trend in ("segmented", "level") and max(hz[0].values()) > hz[1]:
            out["extrapolating"] += len(mem)
            out["horizon"] = max(out["horizon"], max(hz[0].values()) - hz[1])
        for s in mem:
            out["formulas"][call.keys[s]] = formula
        out["bar"].update(len(mem))


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def run_its(data: pd.DataFrame, **kw) -> dict:
    """Fit every series of ``data``; returns the parts of an ``ITSResult`` (see :func:`_assemble`)."""
    call = _Call(data, **kw)
    Y, Off, seen, puniq = _wide(call)
    ok = np.array([s not in call.skipped for s in range(call.n_series)])
    patterns, pattern_of = np.unique(seen, axis=0, return_inverse=True)
    pattern_of = np.asarray(pattern_of).ravel()
    show = call.progress and call.n_series >= 500
    if show:  # no stray 'IProgress not found' in notebooks without ipywidgets
        from cosie_analysis._progress import tqdm

        bar = tqdm(total=call.n_series, desc=call.function, unit="series")
    else:
        bar = _NoBar()
    out = {"tables": [], "curves": [], "formulas": {}, "models": {}, "extrapolating": 0, "horizon": 0,
           "fallback": [], "bar": bar}
    try:
        for p in range(len(patterns)):
            members = np.flatnonzero((pattern_of == p) & ok)
            if not len(members):
                continue
            try:
                rep_d = call.design(members[0])
            except ParameterError as exc:
                call.fail(members, str(exc), rep=members[0])
                continue
            gaps = rep_d[6] > 0
            if gaps:  # neighbouring rows are not adjacent periods: fitted one by one, as before
                out["fallback"].extend(members.tolist())
            _fit_group(call, members, rep_d, Y, Off, puniq, out, one_by_one=gaps)
    finally:
        out["bar"].close()
    if out["fallback"] and call.function == "batch_its":
        warnings.warn(f"batch_its(): {len(out['fallback'])} of {call.n_series} series miss periods between their "
                      "first and last; they are fitted one by one with statsmodels.", UserWarning, stacklevel=3)
    return _assemble(call, out)


def _columns(parts: list[dict]) -> dict:
    """The chunks' columns joined, in series order (rows within a series in their order)."""
    if len(parts) == 1:
        return parts[0]
    cols = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    order = np.lexsort((cols["_r"], cols["_s"])) if "_r" in cols else np.argsort(cols["_s"], kind="stable")
    return {c: v[order] for c, v in cols.items()}


def _key_columns(call, s: np.ndarray) -> dict:
    """The ``by`` columns for series numbers ``s``, with the dtypes of the input columns."""
    return {c: call.key_arrays[c].take(s) for c in call.by}


def _frame(call, cols: dict, order: list[str], phase_categories) -> pd.DataFrame:
    """A DataFrame from the columns, built once; strings as pandas' string dtype, phase categorical."""
    keys = _key_columns(call, cols["_s"])
    data = {}
    for c in order:
        v = keys[c] if c in keys else cols[c]
        if c == "phase":
            codes = pd.Index(phase_categories).get_indexer(v)
            v = pd.Categorical.from_codes(codes, categories=phase_categories, ordered=True)
        elif isinstance(v, np.ndarray) and v.dtype == object and c != "placebo_start":
            v = pd.array(v, dtype="str")
        data[c] = v
    return pd.DataFrame(data, copy=False)


def _warn_outcomes(call, out, table) -> None:
    """One warning per kind: skipped series, undetermined estimates, trends extrapolated too far."""
    f, n = call.function, call.n_series
    if call.skipped:
        warnings.warn(f"{f}(): skipped {len(call.skipped)} of {n} series that cannot be fitted (e.g. "
                      f"{next(iter(call.skipped.values()))}); `result.skipped` lists them with the reason.",
                      UserWarning, stacklevel=4)
    if f == "batch_its":
        bad = table.loc[~np.isfinite(table["std_err"].to_numpy(float)), list(call.by) or "term"]
        n_bad = len(bad.drop_duplicates()) if call.by else int(len(bad) > 0)
        if n_bad:
            warnings.warn(f"{f}(): {n_bad} of {n} series have a missing or infinite estimate or standard error "
                          "(e.g. a constant series, or counts that are zero through a whole phase); the one-by-one "
                          "statsmodels fits give the same.", UserWarning, stacklevel=4)
    if out["extrapolating"]:
        warnings.warn(f"{f}(): in {out['extrapolating']} of {n} series the counterfactual extrapolates the "
                      "pre-corona trend further ahead than the 'before' periods support (up to "
                      f"{out['horizon']} period(s) beyond the supported horizon; columns `horizon` and "
                      "`horizon_supported`): the effects rest on that extrapolation. trend='capped' stops the "
                      "trend at the supported horizon, trend='flat' at the last pre-corona period.",
                      UserWarning, stacklevel=4)


def _assemble(call: _Call, out: dict) -> dict:
    """One table, one curve frame, lazy statsmodels results: the parts of an ``ITSResult``."""
    by = list(call.by)
    if not out["tables"]:
        raise ParameterError(f"{call.function}(): none of the {call.n_series} series can be fitted; e.g. "
                             f"{next(iter(call.skipped.values()))}")
    cols = _columns(out["tables"])
    N = len(cols["_s"])
    placebo = call.placebo_start is not None
    method = "placebo_in_time" if placebo else f"its_{call.family}"
    cols["p_adjusted"] = adjust_groups(cols["p_value"], [cols["term"], cols["phase"]], call.adjust)
    hac_rule = (HAC_RULE if call.hac_lags is None else "user") if call.cov_type == "hac" else ""
    for c, v in {"method": method, "family": call.family, "cov_type": call.cov_type, "hac_rule": hac_rule,
                 "adjust": call.adjust, "phase_scheme": call.scheme_name, "phase_rule": call.rule_name}.items():
        cols[c] = np.full(N, v, dtype=object)
    cols["conf_level"] = np.full(N, call.conf_level)
    extra = ["placebo_start"] if placebo else []
    if call.region_names:
        names = np.array([call.region_names.get(c) for c in call.key_arrays["region_code"]], dtype=object)
        cols["region_name"] = names[cols["_s"]]
        extra.append("region_name")
    table = _frame(call, cols, by + ITS_COLUMNS + extra, ["before", "placebo"] if placebo else list(PHASES))
    table["hac_lags"] = pd.array(np.where(cols["hac_lags"] < 0, pd.NA, cols["hac_lags"]), dtype="Int64")
    if placebo:
        table["placebo_start"] = pd.to_datetime(table["placebo_start"])
    _warn_outcomes(call, out, table)
    fitted = _frame(call, _columns(out["curves"]), by + ["period", "period_start", "phase", "observed"] + _CURVES,
                    list(PHASES))
    index = {k: i for i, k in enumerate(call.keys)}
    fitted_keys = [k for i, k in enumerate(call.keys) if i not in call.skipped]

    def design_of(key):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call.design(index[key])

    def model_of(key):
        d, breaks, season, _, trend, _, _ = design_of(key)
        lags = hac_lag_rule(len(d)) if call.hac_lags is None else int(call.hac_lags)
        return fit_statsmodels(d, breaks, family=call.family, season=season, trend=trend, cov_type=call.cov_type,
                               lags=lags)[0]

    skipped = pd.DataFrame({**{c: [call.keys[s][i] for s in sorted(call.skipped)] for i, c in enumerate(by)},
                            "reason": [call.skipped[s] for s in sorted(call.skipped)]})
    return {"table": table, "fitted": fitted, "phase_scheme": call.scheme_name, "phase_rule": call.rule_name,
                "conf_level": call.conf_level, "method": method, "by": call.by,
                "models": LazyMap(fitted_keys, model_of, out["models"]),
                "designs": LazyMap(fitted_keys, lambda k: design_of(k)[0]), "formulas": out["formulas"],
                "placebo_start": table["placebo_start"].iloc[0] if placebo else None,
                "fallback": tuple(call.keys[s] for s in out["fallback"]), "skipped": skipped}
