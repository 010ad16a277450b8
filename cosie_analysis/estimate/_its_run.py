"""Run the ITS for every series of a call: group, fit, assemble one table (see :mod:`._its_fit`)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._common import (
    PHASES,
    adjust_groups,
    adjust_pvalues,
)
from cosie_analysis.estimate._its_call import Call, LazyMap
from cosie_analysis.estimate._its_fit import (
    _CURVES,
    HAC_RULE,
    ITS_COLUMNS,
    KERNEL_COV_TYPES,
    design_frame,
    fit_statsmodels,
    hac_lag_rule,
    horizons,
)
from cosie_analysis.estimate._kernels import (
    design_matrix,
    fit_gaussian,
    fit_glsar,
    fit_poisson,
    its_rows,
)


def _wide(call: Call):
    """Outcomes and offsets as (series x period) arrays; duplicated periods and all-zero counts failed."""
    sid, n, rows = call.sid, call.n_series, call.rows
    pcode, P = rows["pcode"], len(call.puniq)
    dup = np.bincount(sid * P + pcode, minlength=n * P).reshape(n, P)
    for s in np.flatnonzero((dup > 1).any(axis=1)):
        call.fail([s], f"{call.function}(): series {call.name(s)} has {int((dup[s] > 1).sum())} duplicated "
                       "period(s); add the column that tells them apart to `by`.")
    Y = np.full((n, P), np.nan)
    Y[sid, pcode] = rows["value"]
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
    if "offset" in rows:
        Off = np.full((n, P), np.nan)
        Off[sid, pcode] = rows["offset"]
    return Y, Off, dup > 0


def _chunk(call, mem, d, breaks, season, trend, B, V, off, df_resid, X, names, lags, hz):
    """Table and curve columns (numpy arrays) of the series ``mem`` that share the design ``d``."""
    n = len(d["y"])
    labels = d["phase_label"]
    rows, meta, curves = its_rows(X, names, labels, breaks, trend, B, V, off, call.family, df_resid, call.conf_level)
    S, R = rows["estimate"].shape
    mem = np.asarray(mem)
    tab = {"_s": np.repeat(mem, R), "_r": np.tile(np.arange(R), S),
           "term": np.tile(np.array(meta["term"], dtype=object), S),
           "phase": np.tile(np.array(meta["phase"], dtype=object), S),
           "_pc": np.tile(np.array([call.phase_categories.index(p) for p in meta["phase"]]), S)}
    tab |= {c: v.ravel() for c, v in rows.items()}
    tab |= {"n": np.full(S * R, n, dtype=np.int64), "n_phase": np.tile(np.asarray(meta["n_phase"], dtype=np.int64), S),
            "scale": np.tile(np.array(meta["scale"], dtype=object), S),
            "seasonality": np.full(S * R, season or "none", dtype=object), "trend": np.full(S * R, trend, dtype=object),
            "horizon": np.tile(np.array([hz[0][p] for p in meta["phase"]], dtype=np.int64), S),
            "horizon_supported": np.full(S * R, hz[1], dtype=np.int64),
            "hac_lags": np.full(S * R, lags if call.cov_type == "hac" else -1, dtype=np.int64)}
    cur = {"_s": np.repeat(mem, n), "period": np.tile(d["period"], S),
           "period_start": np.tile(d["period_start"], S), "phase": np.tile(d["phase"], S),
           "_pc": np.tile(d["_phase"], S), "observed": None} | {c: curves[c].ravel() for c in _CURVES}
    return tab, cur


def _fit_group(call, members, rep_d, Y, Off, out, one_by_one=False):
    """Fit the series ``members`` (same periods): array kernels where they apply, else statsmodels."""
    d, breaks, season, _, trend, _, _ = rep_d
    X, names, formula = design_matrix(d, breaks, season, trend)
    order = d["_pcode"]
    n = len(order)
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
                dd = design_frame(d, y=Yg[:, 0], **({"offset": off[0]} if Off is not None else {}))
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
    call = Call(data, **kw)
    Y, Off, seen = _wide(call)
    ok = np.array([s not in call.skipped for s in range(call.n_series)])
    if call.n_series == 1:
        patterns, pattern_of = seen, np.zeros(1, dtype=np.int64)
    else:
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
            _fit_group(call, members, rep_d, Y, Off, out, one_by_one=gaps)
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


_STR = pd.array(["-"], dtype="str").dtype  # pandas' string dtype (looked up once: pd.array is faster with it)
_CATEGORY_INDEX: dict[tuple, pd.Index] = {}


def _frame(call, cols: dict, order: list[str], phase_categories, ints: dict | None = None) -> pd.DataFrame:
    """A DataFrame from the columns, built once; strings as pandas' string dtype, phase categorical,
    ``ints`` (name -> array, -1 missing) as nullable integers."""
    keys = _key_columns(call, cols["_s"])
    data = {}
    for c in order:
        v = keys[c] if c in keys else cols[c]
        if c == "phase":  # from the phase codes of the rows
            cats = tuple(phase_categories)
            v = pd.Categorical.from_codes(cols["_pc"], categories=_CATEGORY_INDEX.setdefault(cats, pd.Index(cats)),
                                          ordered=True)
        elif ints and c in ints:
            v = pd.array(np.where(ints[c] < 0, pd.NA, ints[c]), dtype="Int64")
        elif isinstance(v, np.ndarray) and v.dtype == object and c != "placebo_start":
            v = pd.array(v, dtype=_STR)
        data[c] = v
    return pd.DataFrame(data, copy=False)


def _warn_outcomes(call, out, table) -> None:
    """One warning per kind: skipped series, undetermined estimates, trends extrapolated too far."""
    f, n = call.function, call.n_series
    if call.skipped:
        warnings.warn(f"{f}(): skipped {len(call.skipped)} of {n} series that cannot be fitted (e.g. "
                      f"{next(iter(call.skipped.values()))}); `result.skipped` lists them with the reason.",
                      UserWarning, stacklevel=5)
    if f == "batch_its":
        bad = table.loc[~np.isfinite(table["std_err"].to_numpy(float)), list(call.by) or "term"]
        n_bad = len(bad.drop_duplicates()) if call.by else int(len(bad) > 0)
        if n_bad:
            warnings.warn(f"{f}(): {n_bad} of {n} series have a missing or infinite estimate or standard error "
                          "(e.g. a constant series, or counts that are zero through a whole phase); the one-by-one "
                          "statsmodels fits give the same.", UserWarning, stacklevel=5)
    if out["extrapolating"]:
        warnings.warn(f"{f}(): in {out['extrapolating']} of {n} series the counterfactual extrapolates the "
                      "pre-corona trend further ahead than the 'before' periods support (up to "
                      f"{out['horizon']} period(s) beyond the supported horizon; columns `horizon` and "
                      "`horizon_supported`): the effects rest on that extrapolation. trend='capped' stops the "
                      "trend at the supported horizon, trend='flat' at the last pre-corona period.",
                      UserWarning, stacklevel=5)


def _assemble(call: Call, out: dict) -> dict:
    """One table, one curve frame, lazy statsmodels results: the parts of an ``ITSResult``."""
    by = list(call.by)
    if not out["tables"]:
        raise ParameterError(f"{call.function}(): none of the {call.n_series} series can be fitted; e.g. "
                             f"{next(iter(call.skipped.values()))}")
    cols = _columns(out["tables"])
    N = len(cols["_s"])
    placebo = call.placebo_start is not None
    method = "placebo_in_time" if placebo else f"its_{call.family}"
    # a family (term, phase) holds one test per fitted series: nothing to adjust when one series is fitted
    one = call.n_series - len(call.skipped) == 1
    cols["p_adjusted"] = (adjust_pvalues(cols["p_value"], "none") if one
                          else adjust_groups(cols["p_value"], [cols["term"], cols["phase"]], call.adjust))
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
    table = _frame(call, cols, by + ITS_COLUMNS + extra, ["before", "placebo"] if placebo else list(PHASES),
                   ints={"hac_lags": cols["hac_lags"]})
    if placebo:
        table["placebo_start"] = pd.to_datetime(table["placebo_start"])
    _warn_outcomes(call, out, table)

    def fitted():  # the curves (plot_data), built on first use
        return _frame(call, _columns(out["curves"]), by + ["period", "period_start", "phase", "observed"] + _CURVES,
                      list(PHASES))

    index = {k: i for i, k in enumerate(call.keys)}
    fitted_keys = [k for i, k in enumerate(call.keys) if i not in call.skipped]

    def design_of(key):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call.design(index[key])

    def model_of(key):
        d, breaks, season, _, trend, _, _ = design_of(key)
        lags = hac_lag_rule(len(d["y"])) if call.hac_lags is None else int(call.hac_lags)
        return fit_statsmodels(design_frame(d), breaks, family=call.family, season=season, trend=trend,
                               cov_type=call.cov_type, lags=lags)[0]

    skipped = pd.DataFrame({**{c: [call.keys[s][i] for s in sorted(call.skipped)] for i, c in enumerate(by)},
                            "reason": [call.skipped[s] for s in sorted(call.skipped)]})
    return {"table": table, "fitted": fitted, "phase_scheme": call.scheme_name, "phase_rule": call.rule_name,
                "conf_level": call.conf_level, "method": method, "by": call.by,
                "models": LazyMap(fitted_keys, model_of, out["models"]),
                "designs": LazyMap(fitted_keys, lambda k: design_frame(design_of(k)[0])), "formulas": out["formulas"],
                "placebo_start": table["placebo_start"].iloc[0] if placebo else None,
                "fallback": tuple(call.keys[s] for s in out["fallback"]), "skipped": skipped}
