"""Batch estimation: phase summaries and the three-phase ITS for many series in one call.

For rankings, funnel plots and placebo pools the same model is fitted for every municipality and
many indicators. Series that share their periods share the ITS design matrix, so a group of them
is fitted at once: one least-squares solve with the outcomes as columns of a matrix (Gaussian),
or IRLS run over all series together (Poisson), with the covariances computed as stacked arrays.
The algorithms are those statsmodels runs for :func:`~cosie_analysis.estimate.its.interrupted_time_series`
(same start values, convergence rules and covariance formulas), so the estimates and errors agree
with the one-by-one fits to rounding (``tests/test_batch.py`` checks 1e-8).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate.its import (
    HAC_RULE,
    ITSResult,
    _fit_one,
    _run,
    _series_design,
    _validate,
    hac_lag_rule,
    resolve_cov_type,
)
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    PHASES,
    adjust_within,
    as_tuple,
    check_conf_level,
    check_data,
    drop_missing,
    period_index,
    with_phases,
)
from cosie_analysis.estimate.summaries import PhaseSummary

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["batch_its", "batch_phase_summary", "BatchITSResult", "BATCH_COV_TYPES"]

#: family -> the covariance types the batch path computes (others: use interrupted_time_series).
BATCH_COV_TYPES = {"gaussian": ("ar1", "model", "hc1", "hac"), "poisson": ("model", "hac", "hc1")}

_ITS_ORDER = ["term", "phase", "estimate", "std_err", "ci_lower", "ci_upper", "p_value", "p_adjusted", "n",
              "n_phase", "scale", "method", "family", "cov_type", "hac_lags", "hac_rule", "seasonality", "adjust",
              "conf_level", "phase_scheme", "phase_rule"]


# ---------------------------------------------------------------------------------- phase summaries
def batch_phase_summary(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    conf_level: float = 0.95,
    adjust: str = "holm",
) -> PhaseSummary:
    """:func:`~cosie_analysis.estimate.summaries.phase_summary` for many series at once, vectorised.

    Takes the same arguments and returns the same result (same rows, columns and values, to
    rounding of the sums): the descriptives come from one grouped aggregation over all series
    and phases, and the Welch comparisons are computed as arrays instead of one series at a time.

    Parameters
    ----------
    data, value, period, by, scheme, rule, conf_level, adjust
        As :func:`~cosie_analysis.estimate.summaries.phase_summary`.

    Returns
    -------
    PhaseSummary
        One row per series x phase; the columns are those of
        :func:`~cosie_analysis.estimate.summaries.phase_summary`: the ``by`` columns, ``phase``, ``n``,
        ``mean``, ``sd``, ``median``, ``min``, ``max``, ``estimate``, ``std_err``, ``ci_lower``,
        ``ci_upper``, ``relative_change``, ``relative_std_err``, ``relative_ci_lower``,
        ``relative_ci_upper``, ``statistic``, ``df``, ``p_value``, ``p_adjusted``, ``adjust``,
        ``method``, ``conf_level``, ``phase_scheme``, ``phase_rule``.

    Raises
    ------
    ParameterError
        As :func:`~cosie_analysis.estimate.summaries.phase_summary`.

    Warns
    -----
    UserWarning
        Dropped rows and phases without observations, with counts.

    Notes
    -----
    Phases are half-open ``[start, end)`` intervals from :mod:`cosie_analysis.phases`. The
    means and variances are pandas' grouped sums, which may differ from numpy's in the last
    bits (about 1e-15 relative).
    """
    from scipy import stats

    function = "batch_phase_summary"
    by = as_tuple(by)
    check_data(data, {"value": value, "period": period, **{f"by[{i}]": c for i, c in enumerate(by)}}, function=function)
    conf_level = check_conf_level(conf_level)
    check_choice("adjust", adjust, ADJUST_METHODS)
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    if "frequency" in data.columns and "frequency" not in by:
        nfreq = data.groupby(list(by), observed=True)["frequency"].nunique() if by else pd.Series([data["frequency"].nunique()])
        if (nfreq > 1).any():
            raise ParameterError(
                f"{function}(): {int((nfreq > 1).sum())} series mix frequencies (e.g. yearly and monthly values "
                "of one indicator); their means are not comparable. Filter `data` to one frequency or add "
                "'frequency' to `by`.")
    df = drop_missing(data[list(by) + [period, value]], list(by) + [period, value], function=function)
    if df.empty:
        raise ParameterError(f"{function}(): no rows with a value left in `data`.")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    df = df.assign(_s=df.groupby(list(by), sort=True, observed=True).ngroup() if by else 0,
                   _v=df[value].astype(float))
    g = df.groupby(["_s", "phase"], sort=True, observed=True)["_v"]
    agg = g.agg(["size", "mean", "var", "median", "min", "max"]).reset_index()
    agg = agg.rename(columns={"size": "n", "var": "sd"})
    agg["sd"] = np.sqrt(agg["sd"])
    empty = int(df["_s"].nunique()) * len(PHASES) - len(agg)
    if empty:
        warnings.warn(f"{function}(): {empty} series x phase combination(s) have no observations and are left out.",
                      UserWarning, stacklevel=2)
    # Welch comparison against the series' "before" phase
    before = agg[agg["phase"] == "before"].set_index("_s")
    n1, m1, s1 = agg["n"].to_numpy(float), agg["mean"].to_numpy(), agg["sd"].to_numpy()
    n0 = agg["_s"].map(before["n"]).to_numpy(float)  # NaN when the series has no "before"
    m0 = agg["_s"].map(before["mean"]).to_numpy()
    s0 = agg["_s"].map(before["sd"]).to_numpy()
    compare = (agg["phase"] != "before").to_numpy() & np.isfinite(n0)
    nan = np.full(len(agg), np.nan)
    out = {c: nan.copy() for c in ["estimate", "std_err", "ci_lower", "ci_upper", "relative_change",
                                   "relative_std_err", "relative_ci_lower", "relative_ci_upper", "statistic",
                                   "df", "p_value"]}
    with np.errstate(divide="ignore", invalid="ignore"):
        few = compare & ((n1 < 2) | (n0 < 2)) & (n1 >= 1) & (n0 >= 1)
        out["estimate"][few] = (m1 - m0)[few]
        out["relative_change"][few] = np.where(m0 != 0, m1 / m0 - 1, np.nan)[few]
        ok = compare & (n1 >= 2) & (n0 >= 2)
        v1, v0 = s1**2 / n1, s0**2 / n0
        se = np.sqrt(v1 + v0)
        dfw = np.where(se > 0, (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1)), np.inf)
        q = stats.t.ppf(0.5 + conf_level / 2, np.where(ok, dfw, 1.0))
        est = m1 - m0
        out["estimate"][ok], out["std_err"][ok], out["df"][ok] = est[ok], se[ok], dfw[ok]
        out["ci_lower"][ok], out["ci_upper"][ok] = (est - q * se)[ok], (est + q * se)[ok]
        pos = ok & (se > 0)
        stat = est / se
        out["statistic"][pos] = stat[pos]
        out["p_value"][pos] = 2 * stats.t.sf(np.abs(stat[pos]), dfw[pos])
        rel = ok & (m0 != 0)
        r = m1 / m0
        rse = np.where(m1 != 0, np.abs(r) * np.sqrt(v1 / m1**2 + v0 / m0**2), np.sqrt(v1) / np.abs(m0))
        out["relative_change"][rel] = (r - 1)[rel]
        out["relative_std_err"][rel] = rse[rel]
        out["relative_ci_lower"][rel] = (r - 1 - q * rse)[rel]
        out["relative_ci_upper"][rel] = (r - 1 + q * rse)[rel]
    first = df.drop_duplicates("_s").set_index("_s")
    keys = first.loc[agg["_s"].to_numpy(), list(by)]  # rebuilt from the scalar values, as phase_summary does
    table = pd.DataFrame({c: keys[c].tolist() for c in by}, index=range(len(agg)))
    table["phase"] = pd.Categorical(agg["phase"].astype(str).to_numpy(), categories=list(PHASES), ordered=True)
    for c in ["n", "mean", "sd", "median", "min", "max"]:
        table[c] = agg[c].to_numpy()
    for c, v in out.items():
        table[c] = v
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, "welch_t", conf_level
    table["phase_scheme"], table["phase_rule"] = scheme_name, rule_name
    table["n"] = table["n"].astype("int64")
    cols = list(by) + [
        "phase", "n", "mean", "sd", "median", "min", "max", "estimate", "std_err", "ci_lower", "ci_upper",
        "relative_change", "relative_std_err", "relative_ci_lower", "relative_ci_upper", "statistic", "df",
        "p_value", "p_adjusted", "adjust", "method", "conf_level", "phase_scheme", "phase_rule"]
    return PhaseSummary(table=table[cols].reset_index(drop=True), phase_scheme=scheme_name, phase_rule=rule_name,
                        conf_level=conf_level, method="welch_t", by=by)


# ------------------------------------------------------------------------------------ result object
class _LazyMap(Mapping):
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


@dataclass(frozen=True, repr=False)
class BatchITSResult(ITSResult):
    """Result of :func:`batch_its` (frozen): an :class:`~cosie_analysis.estimate.its.ITSResult`.

    ``summary()``, ``plot_data()``, ``plot()`` and ``describe()`` are those of the one-by-one
    result. ``models[key]`` and ``designs[key]`` build the statsmodels fit and the design frame
    of one series on first access (the batch itself fits no statsmodels model).

    Attributes
    ----------
    fallback : tuple
        Keys of the series fitted one by one with statsmodels (series with missing periods).
    """

    fallback: tuple = ()


# ------------------------------------------------------------------------------- the batch fits
def _pinv_stack(A: np.ndarray) -> np.ndarray:
    return np.linalg.pinv(A)


def _hac_meat(U: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West meat with Bartlett weights; U is (S, n, k) scores; returns (S, k, k)."""
    M = np.einsum("snk,snj->skj", U, U)
    for lag in range(1, lags + 1):
        G = np.einsum("snk,snj->skj", U[:, lag:], U[:, :-lag])
        M += (1 - lag / (lags + 1)) * (G + G.transpose(0, 2, 1))
    return M


def _fit_gaussian(X, Y, cov_type, lags):
    """OLS (or GLSAR AR(1)) of every column of Y (n, S) on X; returns params (S, k), cov (S, k, k), df."""
    n, k = X.shape
    rank = np.linalg.matrix_rank(X)
    if cov_type == "ar1":
        return _fit_glsar(X, Y, rank)
    P = np.linalg.pinv(X)  # statsmodels OLS: params = pinv(X) y
    B = (P @ Y).T
    E = Y.T - B @ X.T  # (S, n)
    df = n - rank
    NC = P @ P.T
    if cov_type == "model":
        V = ((E**2).sum(1) / df)[:, None, None] * NC[None]
    elif cov_type == "hc1":
        V = np.einsum("kn,sn,jn->skj", P, E**2 * (n / df), P)
    else:  # hac: scores X e, bread (X'X)^-1, no small-sample correction (statsmodels default)
        V = NC[None] @ _hac_meat(X[None] * E[:, :, None], lags) @ NC.T[None]
    return B, V, float(df)


def _fit_glsar(X, Y, rank, maxiter=50, rtol=1e-4):
    """statsmodels ``GLSAR(rho=1).iterative_fit(maxiter=50)`` for every column of Y at once."""
    n, k = X.shape
    y = Y.T
    S = y.shape[0]
    rho = np.zeros(S)

    def fit(idx):
        r = rho[idx][:, None, None]
        Xw = X[None, 1:] - r * X[None, :-1]
        yw = y[idx, 1:] - rho[idx][:, None] * y[idx, :-1]
        Pw = np.linalg.pinv(Xw)
        b = np.einsum("skn,sn->sk", Pw, yw)
        return b, Pw, yw, Xw

    active = np.arange(S)
    last = None
    for i in range(maxiter - 1):
        if len(active) == 0:
            break
        b, *_ = fit(active)
        if i > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = np.max(np.abs(last - b) / np.abs(last), axis=1)
            done = diff < rtol  # converged: rho stays, the final fit repeats this one
            active, b = active[~done], b[~done]
        last = b
        resid = y[active] - b @ X.T
        x = resid - resid.mean(axis=1, keepdims=True)  # Yule-Walker, order 1, "adjusted"
        r0, r1 = (x**2).sum(1) / n, (x[:, :-1] * x[:, 1:]).sum(1) / (n - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho[active] = np.where(r0 == 0, 0.0, r1 / r0)  # statsmodels: pinv of a singular [[0]] -> 0
    b, Pw, yw, Xw = fit(np.arange(S))
    wres = yw - np.einsum("smk,sk->sm", Xw, b)
    df = (n - 1) - rank
    V = ((wres**2).sum(1) / df)[:, None, None] * (Pw @ Pw.transpose(0, 2, 1))
    return b, V, float(df)


def _fit_poisson(X, Y, O, cov_type, lags, maxiter=100, atol=1e-8):
    """statsmodels GLM(Poisson).fit() by IRLS for every column of Y at once (per-series convergence)."""
    eps = np.finfo(float).eps
    n, k = X.shape
    y, off = Y.T, O.T
    S = y.shape[0]
    df = n - np.linalg.matrix_rank(X)
    x2 = cov_type == "model"  # quasi-Poisson: Pearson chi-square scale, as fit(scale="X2")

    def scale_of(yy, mu):
        return ((yy - mu) ** 2 / mu).sum(1) / df if x2 else np.ones(len(yy))

    def deviance(yy, mu, sc):
        return (2 * (yy * np.log(np.clip(yy / mu, eps, np.inf)) - (yy - mu))).sum(1) / sc

    mu = (y + y.mean(axis=1, keepdims=True)) / 2.0
    lin = np.log(mu)
    scale = scale_of(y, mu)
    dev = deviance(y, mu, scale)
    W, Z = np.empty_like(y), np.empty_like(y)
    active = np.arange(S)
    for _ in range(maxiter):
        a = active
        w = 1.0 / ((1.0 / mu[a]) ** 2 * mu[a])  # family.weights: 1 / (g'(mu)^2 V(mu))
        z = lin[a] + (1.0 / mu[a]) * (y[a] - mu[a]) - off[a]
        sw = np.sqrt(w)
        b = np.einsum("skn,sn->sk", np.linalg.pinv(sw[:, :, None] * X[None]), sw * z)
        lin[a] = b @ X.T + off[a]
        mu[a] = np.exp(lin[a])
        dnew = deviance(y[a], mu[a], scale[a])
        scale[a] = scale_of(y[a], mu[a])
        W[a], Z[a] = w, z
        done = np.abs(dev[a] - dnew) <= atol
        dev[a] = dnew
        active = a[~done]
        if len(active) == 0:
            break
    sw = np.sqrt(W)
    Pw = np.linalg.pinv(sw[:, :, None] * X[None])  # the final WLS refit with pinv
    B = np.einsum("skn,sn->sk", Pw, sw * Z)
    if cov_type == "model":
        return B, scale[:, None, None] * (Pw @ Pw.transpose(0, 2, 1)), float(df)
    mu_b = np.exp(B @ X.T + off)  # robust: scores and Hessian at the estimates (scale 1)
    Hinv = np.linalg.inv(np.einsum("nk,sn,nj->skj", X, mu_b, X))
    U = X[None] * (y - mu_b)[:, :, None]
    meat = _hac_meat(U, lags if cov_type == "hac" else 0)
    return B, Hinv @ meat @ Hinv.transpose(0, 2, 1), None


def _two_sided(z, df):
    from scipy import stats

    with np.errstate(invalid="ignore"):
        return 2 * (stats.t.sf(np.abs(z), df) if df else stats.norm.sf(np.abs(z)))


def _group_tables(X, names, d, breaks, B, V, off, family, df_resid, conf_level):
    """Coefficient and effect rows (S x R arrays) and the fitted curves, as _run and _effects build them."""
    from cosie_analysis.estimate._common import z_or_t

    q = z_or_t(conf_level, df_resid)
    se_b = np.sqrt(np.einsum("skk->sk", V))
    labels = d["phase_label"].to_numpy()
    est, se, lo, hi, pv, term, phase, nph, scale = [], [], [], [], [], [], [], [], []

    def add(e, s, l, h, p, t, ph, sc):
        est.append(e), se.append(s), lo.append(l), hi.append(h), pv.append(p)
        term.append(t), phase.append(ph), nph.append(int((labels == ph).sum())), scale.append(sc)

    coef_scale = "log" if family != "gaussian" else "response"
    for t, col, ph in [("pre_trend", "time", "before")] + [(f"{k}_change", f"{k}_{b}", b) for b in breaks
                                                           for k in ("level", "slope")]:
        j = names.index(col)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = _two_sided(B[:, j] / se_b[:, j], df_resid)
        add(B[:, j], se_b[:, j], B[:, j] - q * se_b[:, j], B[:, j] + q * se_b[:, j], p, t, ph, coef_scale)
    # effects by the delta method (its._effects, vectorised over series)
    Xcf = X.copy()
    for j, nm in enumerate(names):
        if nm.startswith(("level_", "slope_")):
            Xcf[:, j] = 0.0
    eta, eta_cf = B @ X.T, B @ Xcf.T
    se_cf = np.sqrt(np.einsum("nk,skj,nj->sn", Xcf, V, Xcf))
    if family == "gaussian":
        mu, mu_cf = eta, eta_cf
        cf_lo, cf_hi = eta_cf - q * se_cf, eta_cf + q * se_cf
        G, Gcf = np.broadcast_to(X, (len(B),) + X.shape), np.broadcast_to(Xcf, (len(B),) + X.shape)
    else:
        mu, mu_cf = np.exp(eta + off), np.exp(eta_cf + off)
        cf_lo, cf_hi = np.exp(eta_cf + off - q * se_cf), np.exp(eta_cf + off + q * se_cf)
        G, Gcf = mu[:, :, None] * X[None], mu_cf[:, :, None] * Xcf[None]

    def se_of(grad):
        return np.sqrt(np.einsum("sk,skj,sj->s", grad, V, grad))

    def p_of(e, s):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s > 0, _two_sided(e / s, df_resid), np.nan)

    for ph in breaks:
        m = labels == ph
        n_ph = int(m.sum())
        if n_ph == 0:
            continue
        for t, w in (("average_effect", 1 / n_ph), ("cumulative_effect", 1.0)):
            grad = w * (G[:, m] - Gcf[:, m]).sum(axis=1)
            e = w * (mu[:, m] - mu_cf[:, m]).sum(axis=1)
            s = se_of(grad)
            add(e, s, e - q * s, e + q * s, p_of(e, s), t, ph, "response")
        s_mu, s_cf = mu[:, m].sum(1), mu_cf[:, m].sum(1)
        if family == "gaussian":
            e = s_mu / s_cf - 1
            grad = G[:, m].sum(axis=1) / s_cf[:, None] - (s_mu / s_cf**2)[:, None] * Gcf[:, m].sum(axis=1)
            s = se_of(grad)
            l, h, p = e - q * s, e + q * s, p_of(e, s)
        else:
            lr = np.log(s_mu) - np.log(s_cf)
            grad = G[:, m].sum(axis=1) / s_mu[:, None] - Gcf[:, m].sum(axis=1) / s_cf[:, None]
            lse = se_of(grad)
            e, s = np.expm1(lr), np.exp(lr) * lse
            l, h, p = np.expm1(lr - q * lse), np.expm1(lr + q * lse), p_of(lr, lse)
        add(e, s, l, h, p, "relative_effect", ph, "relative")
    rows = dict(estimate=np.stack(est, 1), std_err=np.stack(se, 1), ci_lower=np.stack(lo, 1),
                ci_upper=np.stack(hi, 1), p_value=np.stack(pv, 1))
    meta = dict(term=term, phase=phase, n_phase=nph, scale=scale)
    curves = dict(fitted=mu, counterfactual=mu_cf, counterfactual_lower=cf_lo, counterfactual_upper=cf_hi)
    return rows, meta, curves


def _design_matrix(d: pd.DataFrame, breaks, season) -> tuple[np.ndarray, list[str], str]:
    """X in the column order of the statsmodels formula fit (Intercept, season dummies, time, breaks)."""
    terms = ["time"] + [f"{k}_{b}" for b in breaks for k in ("level", "slope")]
    formula = "y ~ " + " + ".join(terms) + (" + C(season)" if season else "")
    cols, names = [np.ones(len(d))], ["Intercept"]
    if season:
        s = d["season"].to_numpy()
        for lev in np.unique(s)[1:]:
            cols.append((s == lev).astype(float))
            names.append(f"C(season)[T.{lev}]")
    for t in terms:
        cols.append(d[t].to_numpy(float))
        names.append(t)
    return np.column_stack(cols), names, formula


def batch_its(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    family: str = "gaussian",
    offset: str | None = None,
    exposure: str | None = None,
    seasonality: str | None = "auto",
    cov_type: str = "auto",
    hac_lags: int | None = None,
    conf_level: float = 0.95,
    adjust: str = "holm",
    progress: bool = True,
    chunk_size: int = 2048,
) -> BatchITSResult:
    """:func:`~cosie_analysis.estimate.its.interrupted_time_series` for many series at once.

    The same model, covariance and output as the one-by-one function, computed per group of
    series that share their periods: one design matrix, the outcomes as a matrix.

    Parameters
    ----------
    data, value, period, by, scheme, rule, offset, exposure, seasonality, hac_lags, conf_level, adjust
        As :func:`~cosie_analysis.estimate.its.interrupted_time_series`.
    family : {"gaussian", "poisson"}, default "gaussian"
        OLS or Poisson GLM (log link). For "negbin" use ``interrupted_time_series``.
    cov_type : {"auto", "ar1", "model", "hc1", "hac"}, default "auto"
        As :func:`~cosie_analysis.estimate.its.interrupted_time_series` ("auto": "ar1" for Gaussian,
        "model", i.e. quasi-Poisson, for counts). Gaussian supports all four; Poisson "model",
        "hac" and "hc1" (statsmodels' GLM "HC1" is the sandwich without small-sample factor).
    progress : bool, default True
        Show a tqdm progress bar over the series (shown only for runs of 500 series or more).
    chunk_size : int, default 2048
        Series fitted together; bounds the memory of the stacked arrays.

    Returns
    -------
    BatchITSResult
        ``summary()`` has the rows, columns and values of
        ``interrupted_time_series(...).summary()`` (one row per series x term x phase; the
        columns are listed there): the ``by`` columns, ``term``, ``phase``, ``estimate``,
        ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``, ``p_adjusted``, ``n``,
        ``n_phase``, ``scale``, ``method``, ``family``, ``cov_type``, ``hac_lags``,
        ``hac_rule``, ``seasonality``, ``adjust``, ``conf_level``, ``phase_scheme``,
        ``phase_rule``. ``plot_data()`` and ``plot(series=...)`` as well; ``models[key]``
        refits one series with statsmodels on access.

    Raises
    ------
    ParameterError
        As :func:`~cosie_analysis.estimate.its.interrupted_time_series`, and for a family or
        covariance type the batch path does not compute.

    Warns
    -----
    UserWarning
        Dropped rows; groups of series without "after" periods; series with missing periods
        between their first and last, which are fitted one by one with statsmodels (count given).

    Notes
    -----
    Series are grouped by the exact set of periods they have; within a group the design
    matrix is shared. Gaussian: ``pinv(X) Y`` for all series (statsmodels' OLS solve), with
    model-based, HC1 or Newey-West covariances as stacked arrays; "ar1" runs statsmodels'
    iterated GLSAR (Yule-Walker rho, relative tolerance 1e-4, at most 50 rounds) per series in
    step. Poisson: IRLS from statsmodels' start values with its deviance convergence rule
    (1e-8) per series, the final weighted least-squares refit, and Pearson dispersion for
    "model". A series with a gap between its first and last period would make its neighbouring
    rows adjacent for HAC and AR(1): it is fitted one by one, as in ``interrupted_time_series``.
    Phases are half-open ``[start, end)`` intervals from :mod:`cosie_analysis.phases`.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> crime = obs[(obs.region_level == "gemeente") & obs.indicator.str.fullmatch(r"crime_\\d_\\d_\\d")]
    >>> res = ca.batch_its(crime, family="poisson")  # doctest: +SKIP
    >>> res.summary().query("term == 'relative_effect' and phase == 'during'")  # doctest: +SKIP
    """
    function = "batch_its"
    check_choice("family", family, list(BATCH_COV_TYPES))
    cov_type = resolve_cov_type(cov_type, family, hac_lags)
    by = as_tuple(by)
    conf_level = _validate(data, function=function, value=value, period=period, by=by, family=family,
                           cov_type=cov_type, seasonality=seasonality, conf_level=conf_level, adjust=adjust,
                           offset=offset, exposure=exposure, hac_lags=hac_lags)
    if cov_type not in BATCH_COV_TYPES[family]:
        raise ParameterError(f"batch_its() computes cov_type in {list(BATCH_COV_TYPES[family])!r} for "
                             f"family={family!r}; got {cov_type!r}. Use interrupted_time_series() for it.")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}.")
    extra = [c for c in (offset, exposure) if c is not None]
    cols = list(dict.fromkeys(list(by) + [period, value] + extra))
    df = drop_missing(data[cols], cols, function=function)
    if df.empty:
        raise ParameterError(f"{function}(): no rows with a value left in `data`.")
    if family != "gaussian" and (df[value] < 0).any():
        raise ParameterError(f"family={family!r} needs counts >= 0 in `value`; found {(df[value] < 0).sum()} negative value(s).")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    if family == "poisson":
        zero = df.groupby(list(by), sort=True, observed=True)[value].max() == 0 if by else pd.Series([df[value].max() == 0])
        if zero.any():
            raise ParameterError(
                f"{function}(): {int(zero.sum())} series have only zero counts, e.g. {list(zero.index[zero])[:5]!r}; a "
                "Poisson model has no finite estimate for them (statsmodels stops at a NaN deviance). Leave them "
                "out of `data` or use family='gaussian'.")

    # series (in the sorted order of interrupted_time_series) and periods as integer codes
    if by:
        sid = df.groupby(list(by), sort=True, observed=True).ngroup().to_numpy()
    else:
        sid = np.zeros(len(df), dtype=int)
    n_series = int(sid.max()) + 1
    first = np.full(n_series, -1)
    first[sid[::-1]] = np.arange(len(df))[::-1]
    keys = list(df[list(by)].iloc[first].itertuples(index=False, name=None)) if by else [()]
    # the key columns as interrupted_time_series builds them: from the scalar key values
    key_frame = pd.DataFrame({c: [k[i] for k in keys] for i, c in enumerate(by)}, index=range(n_series))
    pcode, puniq = pd.factorize(df[period])
    P = len(puniq)
    seen = np.zeros((n_series, P), dtype=bool)
    seen[sid, pcode] = True
    dup = np.bincount(sid * P + pcode, minlength=n_series * P)
    if (dup > 1).any():
        s = int(np.flatnonzero(dup > 1)[0] // P)
        raise ParameterError(f"{function}(): series {dict(zip(by, keys[s]))} has {int((dup.reshape(n_series, P)[s] > 1).sum())} "
                             f"duplicated period(s); add the column that tells them apart to `by`.")
    Yw = np.full((n_series, P), np.nan)
    Yw[sid, pcode] = df[value].to_numpy(float)
    has_offset = bool(extra)
    if has_offset:
        Ow = np.full((n_series, P), np.nan)
        Ow[sid, pcode] = df[offset].to_numpy(float) if offset is not None else np.log(df[exposure].to_numpy(float))
    patterns, pattern_of = np.unique(seen, axis=0, return_inverse=True)
    pattern_of = np.asarray(pattern_of).ravel()
    rows_of = pd.Series(np.arange(len(df))).groupby(sid).indices  # series -> row positions

    settings = dict(function=function, value=value, period=period, seasonality=seasonality, offset=offset,
                    exposure=exposure, placebo_start=None, min_segment=None)
    tables, curve_frames, formulas, fallback = [], [], {}, []
    from cosie_analysis._progress import tqdm  # no stray 'IProgress not found' in notebooks

    bar = tqdm(total=n_series, desc=function, unit="series", disable=not progress or n_series < 500)
    try:
        for p in range(len(patterns)):
            members = np.flatnonzero(pattern_of == p)
            rep = df.iloc[rows_of[members[0]]]
            t, _, _ = period_index(rep, period)
            if int(t.max() - t.min() + 1 - t.nunique()):
                fallback.extend(members.tolist())
                continue
            d, breaks, season, _ = _series_design(rep, dict(zip(by, keys[members[0]])), **settings)
            X, names, formula = _design_matrix(d, breaks, season)
            order = pd.Index(puniq).get_indexer(d["period"])
            n = len(d)
            lags = hac_lag_rule(n) if hac_lags is None else int(hac_lags)
            for start in range(0, len(members), chunk_size):
                mem = members[start:start + chunk_size]
                Y = Yw[np.ix_(mem, order)].T
                off = Ow[np.ix_(mem, order)] if has_offset else np.zeros((len(mem), n))
                with np.errstate(all="ignore"):  # diverging fits are counted and reported below
                    if family == "gaussian":
                        B, V, df_resid = _fit_gaussian(X, Y, cov_type, lags)
                    else:
                        B, V, df_resid = _fit_poisson(X, Y, off.T, cov_type, lags)
                    rows, meta, curves = _group_tables(X, names, d, breaks, B, V, off, family, df_resid, conf_level)
                S, R = rows["estimate"].shape
                tab = key_frame.iloc[np.repeat(mem, R)].reset_index(drop=True)
                tab["term"] = np.tile(meta["term"], S)
                tab["phase"] = np.tile(meta["phase"], S)
                for c, v in rows.items():
                    tab[c] = v.ravel()
                tab["n_phase"] = np.tile(np.asarray(meta["n_phase"], dtype="int64"), S)
                tab["scale"] = np.tile(meta["scale"], S)
                tab["n"] = n
                tab["hac_lags"] = pd.array([lags if cov_type == "hac" else pd.NA] * len(tab), dtype="Int64")
                tab["seasonality"] = season or "none"
                tab["_s"], tab["_r"] = np.repeat(mem, R), np.tile(np.arange(R), S)
                tables.append(tab)
                cur = key_frame.iloc[np.repeat(mem, n)].reset_index(drop=True)
                cur["period"] = np.tile(d["period"].to_numpy(), S)
                cur["period_start"] = np.tile(d["period_start"].to_numpy(), S)
                cur["phase"] = np.tile(d["phase"].to_numpy(), S)
                cur["observed"] = Y.T.ravel()
                for c, v in curves.items():
                    cur[c] = v.ravel()
                cur["_s"] = np.repeat(mem, n)
                curve_frames.append(cur)
                for s in mem:
                    formulas[keys[s]] = formula
                bar.update(len(mem))
        known_models, known_designs = {}, {}
        if fallback:
            warnings.warn(f"{function}(): {len(fallback)} of {n_series} series miss periods between their first and "
                          "last; they are fitted one by one with statsmodels.", UserWarning, stacklevel=2)
            rows_fb = np.concatenate([rows_of[s] for s in fallback])
            sub = df.iloc[rows_fb][cols]
            res = _run(sub, function="interrupted_time_series", value=value, period=period, by=by, scheme=scheme,
                       rule=rule, family=family, offset=offset, exposure=exposure, seasonality=seasonality,
                       cov_type=cov_type, hac_lags=hac_lags, conf_level=conf_level, adjust="none")
            index = {k: i for i, k in enumerate(keys)}
            tab = res.table.drop(columns=["p_adjusted", "adjust", "method", "family", "cov_type", "hac_rule",
                                          "conf_level", "phase_scheme", "phase_rule"])
            tab["_s"] = [index[k] for k in tab[list(by)].itertuples(index=False, name=None)] if by else 0
            tab["_r"] = tab.groupby("_s").cumcount().to_numpy()
            tables.append(tab)
            cur = res.fitted
            cur["_s"] = [index[k] for k in cur[list(by)].itertuples(index=False, name=None)] if by else 0
            curve_frames.append(cur)
            formulas.update(res.formulas)
            known_models, known_designs = dict(res.models), dict(res.designs)
            bar.update(len(fallback))
    finally:
        bar.close()

    table = pd.concat(tables, ignore_index=True).sort_values(["_s", "_r"], kind="stable")
    bad = table.loc[~np.isfinite(table["std_err"].to_numpy(float)), "_s"].nunique()
    if bad:
        warnings.warn(f"{function}(): {bad} of {n_series} series have a missing or infinite estimate or standard "
                      "error (e.g. a constant series, or counts that are zero through a whole phase); the one-by-one "
                      "statsmodels fits give the same.", UserWarning, stacklevel=2)
    table = table.drop(columns=["_s", "_r"]).reset_index(drop=True)
    method = f"its_{family}"
    table["family"], table["cov_type"] = family, cov_type
    table["hac_rule"] = (HAC_RULE if hac_lags is None else "user") if cov_type == "hac" else ""
    table["p_adjusted"] = adjust_within(table, ["term", "phase"], adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, method, conf_level
    table["phase_scheme"], table["phase_rule"] = scheme_name, rule_name
    fitted = pd.concat(curve_frames, ignore_index=True).sort_values("_s", kind="stable")
    fitted = fitted.drop(columns="_s").reset_index(drop=True)

    designs_cache: dict = {}

    def design_of(key):
        if key not in designs_cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = keys.index(key)
                designs_cache[key] = _series_design(df.iloc[rows_of[s]], dict(zip(by, key)), **settings)
        return designs_cache[key]

    def model_of(key):
        d, breaks, season, _ = design_of(key)
        return _fit_one(d, breaks, family=family, seasonal=bool(season), cov_type=cov_type, hac_lags=hac_lags,
                        conf_level=conf_level, has_offset="offset" in d)[0]

    return BatchITSResult(
        table=table[list(by) + _ITS_ORDER], phase_scheme=scheme_name, phase_rule=rule_name, conf_level=conf_level,
        method=method, by=by, models=_LazyMap(keys, model_of, known_models),
        designs=_LazyMap(keys, lambda k: design_of(k)[0], known_designs), formulas=formulas, fitted=fitted,
        scheme=scheme, placebo_start=None, fallback=tuple(keys[s] for s in fallback))
