"""The one ITS engine behind ``interrupted_time_series``, ``placebo_in_time`` and ``batch_its``.

A call validates its input once, assigns phases once, and groups the series by the exact set of
periods they have: series of a group share the design matrix and are fitted together by the
kernels of :mod:`cosie_analysis.estimate._kernels` (one series is a group of one). Families or
covariances the kernels do not compute (negative binomial), and series with gaps between their
first and last period, are fitted one at a time by statsmodels; their tables come from the same
delta-method kernel. The design of one series (``series_design``) and its statsmodels fit
(``fit_statsmodels``) are also what ``result.designs[key]`` and ``result.models[key]`` return.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    check_conf_level,
    check_data,
    period_ordinals,
)
from cosie_analysis.estimate._kernels import (
    design_matrix,
)

FAMILIES = ("gaussian", "poisson", "negbin")
COV_TYPES = ("auto", "hac", "hc1", "model", "ar1")
#: ``trend=`` values; "auto" resolves per series by frequency (see :data:`AUTO_TREND`).
TRENDS = ("auto", "segmented", "level", "capped", "flat")
#: frequency -> the trend form ``trend="auto"`` uses (see the Notes of ``interrupted_time_series``).
AUTO_TREND = {"month": "segmented", "quarter": "segmented", "year": "flat"}
#: family -> the covariance types the array kernels compute (others are fitted by statsmodels).
KERNEL_COV_TYPES = {"gaussian": ("ar1", "model", "hc1", "hac"), "poisson": ("model", "hac", "hc1")}
SEASON_LENGTH = {"month": 12, "quarter": 4, "year": 1}
HAC_RULE = "floor(4*(n/100)^(2/9)) (Newey-West 1994)"
ON_ERROR = ("raise", "skip")

#: The columns of every ITS table after the ``by`` columns, in order.
ITS_COLUMNS = ["term", "phase", "estimate", "std_err", "ci_lower", "ci_upper", "p_value", "p_adjusted", "n",
               "n_phase", "scale", "method", "family", "cov_type", "hac_lags", "hac_rule", "seasonality", "adjust",
               "conf_level", "phase_scheme", "phase_rule", "trend", "horizon", "horizon_supported"]
_CURVES = ["fitted", "counterfactual", "counterfactual_lower", "counterfactual_upper"]
#: phase code (0, 1, 2; -1 none) -> phase name (None)
_PHASE_NAMES = np.array(["before", "during", "after", None], dtype=object)


def hac_lag_rule(n: int) -> int:
    """Newey-West (1994) rule of thumb for the HAC truncation lag: ``floor(4 * (n / 100) ** (2 / 9))``.

    Examples
    --------
    >>> hac_lag_rule(144), hac_lag_rule(14)
    (4, 2)
    """
    return math.floor(4 * (n / 100) ** (2 / 9))


def resolve_cov_type(cov_type: str, family: str, hac_lags: int | None = None, stacklevel: int = 3) -> str:
    """``"auto"`` -> "ar1" for Gaussian series, "model" for counts (validation/README.md).

    ``hac_lags`` belongs to ``cov_type="hac"``: with "auto" it still selects HAC for one release,
    with a DeprecationWarning; with any other covariance it is an error. "nonrobust" is the old
    name of "model" (DeprecationWarning). ``stacklevel`` points the warnings at the user's call.
    """
    if cov_type == "nonrobust":
        warnings.warn("cov_type='nonrobust' is now called cov_type='model' (model-based errors); the old name "
                      "will be removed in the next release.", DeprecationWarning, stacklevel=stacklevel)
        cov_type = "model"
    if cov_type == "auto" and hac_lags is not None:
        warnings.warn("passing `hac_lags` with cov_type='auto' selects HAC errors; say so with cov_type='hac'. "
                      "From the next release this raises.", DeprecationWarning, stacklevel=stacklevel)
        return "hac"
    if hac_lags is not None and cov_type != "hac":
        raise ParameterError(f"`hac_lags` sets the lag of HAC errors and needs cov_type='hac'; got "
                             f"cov_type={cov_type!r}, hac_lags={hac_lags!r}. Drop `hac_lags` or pass cov_type='hac'.")
    if cov_type != "auto":
        return cov_type
    return "ar1" if family == "gaussian" else "model"


def validate(data, *, function, value, period, by, family, cov_type, seasonality, conf_level, adjust,
             offset, exposure, hac_lags, trend, on_error) -> float:
    """The checks of every ITS entry point; returns the checked ``conf_level``."""
    check_data(data, {"value": value, "period": period, "offset": offset, "exposure": exposure,
                      **{f"by[{i}]": c for i, c in enumerate(by)}}, function=function)
    check_choice("family", family, FAMILIES)
    check_choice("cov_type", cov_type, COV_TYPES)
    if cov_type == "ar1" and family != "gaussian":
        raise ParameterError(f"cov_type='ar1' (GLS with AR(1) errors) needs family='gaussian'; got family={family!r}. "
                             "For counts use cov_type='model' (quasi-likelihood) or 'hac'.")
    check_choice("seasonality", seasonality, ["auto", "month", "quarter", None])
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_choice("trend", trend, TRENDS)
    check_choice("on_error", on_error, ON_ERROR)
    if (offset is not None or exposure is not None) and family == "gaussian":
        raise ParameterError("`offset`/`exposure` need family='poisson' or 'negbin'; got family='gaussian'.")
    if offset is not None and exposure is not None:
        raise ParameterError(
            f"Pass `offset` (log scale) or `exposure`, not both; got offset={offset!r}, exposure={exposure!r}."
        )
    if hac_lags is not None and (not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0):
        raise ParameterError(f"`hac_lags` must be None (rule of thumb) or an integer >= 0; got {hac_lags!r}.")
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    return check_conf_level(conf_level)


def placebo_timestamp(d: pd.DataFrame, placebo_start) -> pd.Timestamp:
    """The placebo interruption: "middle" of the series' rows, a CBS period code or a date."""
    if isinstance(placebo_start, str) and placebo_start == "middle":
        return pd.Timestamp(d["period_start"].sort_values().iloc[len(d) // 2])
    try:
        from cosie_analysis.data.periods import parse_period

        return parse_period(placebo_start)[0]
    except ParameterError:
        pass
    try:
        return pd.Timestamp(placebo_start)
    except (TypeError, ValueError):
        raise ParameterError(f"`placebo_start` must be 'middle', a CBS period code such as '2016MM01' or a date; "
                             f"got {placebo_start!r}.") from None


def _placebo_rows(c, name, freq, season, placebo_start, min_segment):
    keep = c["phase"] == "before"
    c = {k: v[keep] for k, v in c.items()}
    ps = placebo_timestamp(pd.DataFrame({"period_start": c["period_start"]}), placebo_start)
    on = {"placebo": c["period_start"] >= ps}
    m = SEASON_LENGTH[freq] if season else 1
    need = max(3, m) if min_segment is None else int(min_segment)
    n, n_on = len(keep.nonzero()[0]), int(on["placebo"].sum())
    if min(n_on, n - n_on) < need:
        raise ParameterError(
            f"placebo_in_time(): series {name} has {n} 'before' period(s); with the placebo "
            f"interruption at {ps.date()} there are {n - n_on} before and {n_on} after it, but each "
            f"side needs at least {need}: three points are the fewest that estimate a level and a slope "
            f"with a residual left to estimate the noise, and for {freq}ly data with seasonal terms a "
            f"full cycle ({m}) keeps the season terms from absorbing the placebo step. Move "
            f"`placebo_start` or use a series with a longer pre-period (>= {2 * need} 'before' periods).")
    return c, ["placebo"], on, ps


def series_design(g: dict, name, *, function, seasonality, trend, placebo_start=None, min_segment=None,
                  periods=None):
    """The design of one series: outcome, time index, season, offset, phase and break terms.

    ``g`` holds the series' rows as arrays: ``value``, ``period``, ``phase`` (codes: before 0,
    during 1, after 2, -1 none), ``index`` (the row labels of ``data``), ``pcode`` (each period's
    number in the call) and, for count models with an offset, ``offset`` (log scale). ``periods``:
    the call's distinct periods as :func:`cbs_period_table` gives them, when they are CBS codes of
    one frequency (saves parsing them again for every series).

    Returns ``(d, breaks, season, placebo_start_or_None, trend, frequency, n_gaps)``: ``d`` the
    design columns as arrays in time order (:func:`design_frame` makes the frame), ``trend`` resolved,
    ``n_gaps`` the periods missing between the first and the last.
    """
    if periods is not None:
        ordinal, starts, freq = periods[0][g["pcode"]], periods[1][g["pcode"]], periods[2]
        t = ordinal - ordinal.min()
    else:
        t, starts, freq = period_ordinals(g["period"])
    n_gaps = int(t.max() - t.min() + 1 - len(np.unique(t)))
    if n_gaps:
        warnings.warn(f"{function}(): series {name} misses {n_gaps} period(s) between its first and last; the "
                      "time index skips them, but HAC and AR(1) errors treat neighbouring rows as adjacent.",
                      UserWarning, stacklevel=5)
    order = np.argsort(t, kind="stable")
    season = {"auto": {"month": "month", "quarter": "quarter"}.get(freq), "month": "month",
              "quarter": "quarter", None: None}[seasonality]
    trend = AUTO_TREND[freq] if trend == "auto" else trend
    c = {"y": g["value"][order], "time": t[order], "period": g["period"][order], "period_start": starts[order],
         "phase": _PHASE_NAMES[g["phase"][order]], "_index": g["index"][order], "_pcode": g["pcode"][order],
         "_phase": g["phase"][order]}
    if season:
        month = c["period_start"].astype("datetime64[M]").astype(np.int64) % 12 + 1
        c["season"] = month if season == "month" else (month - 1) // 3 + 1
    if "offset" in g:
        c["offset"] = g["offset"][order]
    ps = None
    if placebo_start is None:
        keep = g["phase"][order] >= 0
        c = {k: v[keep] for k, v in c.items()}
        ph = c["phase"]
        breaks = [b for b in ("during", "after") if (ph == b).any()]
        if "during" not in breaks or (ph == "before").sum() < 3:
            found = {p: int((ph == p).sum()) for p in ("before", "during", "after") if (ph == p).any()}
            raise ParameterError(f"{function}(): series {name} needs at least 3 'before' periods and one 'during' "
                                 f"period; found {found}.")
        if "after" not in breaks:
            warnings.warn(f"{function}(): series {name} has no 'after' periods; fitting before/during only.",
                          UserWarning, stacklevel=5)
        on = {"during": ph != "before", "after": ph == "after"}
    else:
        c, breaks, on, ps = _placebo_rows(c, name, freq, season, placebo_start, min_segment)
    labels = np.full(len(c["y"]), "before", dtype=object)
    pre = c["time"][~on[breaks[0]]]
    if trend in ("flat", "capped"):  # the trend stops at the last 'before' period, or as far as it is supported
        c["time"] = np.minimum(c["time"], pre.max() + (supported_horizon(pre) if trend == "capped" else 0))
    for b in breaks:
        c[f"level_{b}"] = on[b].astype(float)
        if trend == "segmented":
            c[f"slope_{b}"] = np.where(on[b], c["time"] - c["time"][on[b]].min(), 0.0)
        labels[on[b]] = b
    c["phase_label"] = labels
    return c, breaks, season, ps, trend, freq, n_gaps


def design_frame(d: dict, **replace) -> pd.DataFrame:
    """The design columns of :func:`series_design` as the frame ``result.design()`` shows (and statsmodels
    fits), indexed by the rows of ``data``; ``replace`` sets columns (e.g. ``y=``)."""
    cols = {k: v for k, v in d.items() if not k.startswith("_")} | replace
    return pd.DataFrame(cols, index=d["_index"])


def fit_statsmodels(d: pd.DataFrame, breaks, *, family, season, trend, cov_type, lags):
    """Fit one series with statsmodels; returns ``(results, params, cov, df_resid)`` (params/cov without
    negbin's alpha)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    formula = design_matrix(d, breaks, season, trend)[2]
    off = d["offset"].to_numpy() if "offset" in d else None  # d: a design_frame
    if cov_type == "ar1":  # feasible GLS with AR(1) errors (iterated Cochrane-Orcutt, statsmodels GLSAR)
        res = sm.GLSAR.from_formula(formula, d, rho=1).iterative_fit(maxiter=50)
        df_resid = res.df_resid
    else:
        fit_kw: dict = {"cov_type": {"hac": "HAC", "hc1": "HC1", "model": "nonrobust"}[cov_type]}
        if cov_type == "hac":
            fit_kw["cov_kwds"] = {"maxlags": lags}
        df_resid = None
        if family == "gaussian":
            res = smf.ols(formula, d).fit(use_t=True, **fit_kw)
            df_resid = res.df_resid
        elif family == "poisson" and cov_type == "model":  # quasi-Poisson: Pearson dispersion, t reference
            res = smf.glm(formula, d, family=sm.families.Poisson(), offset=off).fit(scale="X2", use_t=True)
            df_resid = res.df_resid
        elif family == "poisson":
            res = smf.glm(formula, d, family=sm.families.Poisson(), offset=off).fit(**fit_kw)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = smf.negativebinomial(formula, d, offset=off).fit(disp=0, maxiter=500, **fit_kw)
    k = res.model.exog.shape[1]  # negbin appends "alpha" to the parameters
    return res, np.asarray(res.params)[:k], np.asarray(res.cov_params())[:k, :k], df_resid


def supported_horizon(pre) -> int:
    """How many periods past the last of the time points ``pre`` a linear trend fitted on them may be
    extrapolated: the largest ``h`` with leverage ``1/n + (t_last + h - mean)^2 / Sxx`` at most 1 (beyond
    it the extrapolated trend is less certain than one observation). 2 for 8 yearly points, 230 for 98
    monthly ones."""
    pre = np.asarray(pre, dtype=float)
    n, mean = len(pre), pre.mean()
    sxx = float(((pre - mean) ** 2).sum())
    if n < 2 or sxx <= 0:
        return 0
    return max(math.floor(mean + math.sqrt(sxx * (1 - 1 / n)) - pre.max()), 0)


def horizons(d: dict, breaks) -> tuple[dict, int]:
    """Periods from the last 'before' period to the last period of each phase (row positions in time
    order), and :func:`supported_horizon` of the 'before' periods; ``d`` as :func:`series_design` gives it."""
    labels = d["phase_label"]
    t = np.arange(len(labels))
    pre = t[labels == "before"]
    return {"before": 0} | {b: int(t[labels == b].max() - pre.max()) for b in breaks}, supported_horizon(pre)
