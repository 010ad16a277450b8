"""Interrupted time series with three phases (before, during, after corona) and its placebo check.

Both functions run the one ITS engine (:mod:`cosie_analysis.estimate._its_run`) that
:func:`~cosie_analysis.estimate.batch.batch_its` runs too: a call with one series is a batch of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cosie_analysis.estimate._its_fit import HAC_RULE, hac_lag_rule, resolve_cov_type  # noqa: F401
from cosie_analysis.estimate._its_result import ITSResult
from cosie_analysis.estimate._its_run import run_its

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["ITSResult", "hac_lag_rule", "interrupted_time_series", "placebo_in_time"]


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    family: str = "gaussian",
    trend: str = "auto",
    offset: str | None = None,
    exposure: str | None = None,
    seasonality: str | None = "auto",
    cov_type: str = "auto",
    hac_lags: int | None = None,
    conf_level: float = 0.95,
    adjust: str = "holm",
    on_error: str = "raise",
) -> ITSResult:
    """Segmented regression per series with an interruption at the start of "during" and of "after".

    With ``trend="segmented"`` the model per series is ``y ~ time + level_during + slope_during +
    level_after + slope_after [+ C(season)]``: ``level_during`` is 1 from the first non-"before"
    period on, ``slope_during`` counts periods since then, the "after" terms likewise from the
    first "after" period (so "after" effects are cumulative, against the pre-corona trend).

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table, one row per observation. Not modified.
    value : str, default "value"
        Column with the outcome (counts for ``family="poisson"``/``"negbin"``).
    period : str, default "period"
        Column with the period: CBS code (``2020MM03``), timestamp or pandas Period. Rows are
        ordered by it; the time index counts periods of the series' frequency.
    by : sequence of str, default ("region_code", "indicator")
        Columns that identify one series; each series is fitted separately. ``None`` or ``()``:
        all rows are one series.
    scheme : str or PhaseScheme, default "measures"
        Phase scheme passed to :func:`cosie_analysis.phases.assign_phase`.
    rule : str, default "majority"
        How a period straddling a phase boundary is assigned.
    family : {"gaussian", "poisson", "negbin"}, default "gaussian"
        OLS, Poisson GLM (log link) or negative binomial (NB2, log link, dispersion estimated).
    trend : {"auto", "segmented", "level", "capped", "flat"}, default "auto"
        The counterfactual's trend. "segmented": a level and a slope change per phase, the
        pre-corona trend continued. "level": a level change per phase, the pre-corona trend
        continued. "capped": a level change per phase, the pre-corona trend continued up to
        ``horizon_supported`` periods and held after that. "flat": a level change per phase, the
        pre-corona trend estimated but held at the level it reached in the last "before" period. "auto":
        "flat" for yearly series, "segmented" for monthly and quarterly ones (see Notes). The one used
        is in column ``trend``.
    offset, exposure : str, optional
        Column with an offset on the log scale (e.g. log population), or with the exposure
        itself (its log is used). Count families only.
    seasonality : {"auto", "month", "quarter", None}, default "auto"
        Month-of-year or quarter dummies; "auto" uses month for monthly, quarter for quarterly
        and none for yearly data.
    cov_type : {"auto", "hac", "hc1", "model", "ar1"}, default "auto"
        "auto" picks "ar1" for ``family="gaussian"`` and "model" for counts: the choices whose
        95% intervals covered 93-96% in the validation simulation (see Notes). The others:
        Newey-West HAC (Bartlett kernel; covered only 78-82% there, keep it as a sensitivity
        check); heteroskedasticity-robust HC1; model-based ("model": OLS, quasi-Poisson with
        Pearson dispersion and t reference, or negative binomial); "ar1", feasible GLS with AR(1)
        errors (statsmodels ``GLSAR``, Gaussian only). "nonrobust" is an old name of "model".
    hac_lags : int, optional
        HAC truncation lag, with ``cov_type="hac"``; default ``floor(4 * (n / 100) ** (2 / 9))``.
    conf_level : float, default 0.95
        Confidence level of the intervals.
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` across the series of the call, per term and phase.
    on_error : {"raise", "skip"}, default "raise"
        What a series that cannot be fitted (too few periods, duplicated periods, only zero
        counts) does: stop the call, or be left out and listed in ``result.skipped``.

    Returns
    -------
    ITSResult
        Frozen result; ``summary()`` has one row per series x term x phase, with columns:

        - the ``by`` columns;
        - ``term``: "pre_trend" (slope per period before), "level_change" and "slope_change"
          (the step and the change of slope at the start of the phase; log scale for count
          families; "slope_change" only with ``trend="segmented"``), "average_effect" and
          "cumulative_effect" (mean and sum over the phase's periods of fitted minus
          counterfactual, on the outcome scale) and "relative_effect" (sum of fitted / sum of
          counterfactual - 1);
        - ``phase``: ordered categorical before < during < after, the phase the term belongs to;
        - ``estimate``, ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``: the estimate, its
          standard error (chosen covariance; delta method for effects), interval at
          ``conf_level`` and two-sided p-value (t with residual df for OLS, AR(1)-GLS and
          quasi-Poisson, normal otherwise);
        - ``p_adjusted``: ``p_value`` adjusted across series per term and phase;
        - ``n``: observations in the series; ``n_phase``: observations in the term's phase;
        - ``scale``: "response", "log" or "relative";
        - ``method`` ("its_<family>"), ``family``, ``cov_type``, ``hac_lags`` (the lag used;
          missing unless ``cov_type="hac"``), ``hac_rule`` (how it was chosen), ``seasonality``,
          ``adjust``, ``conf_level``, ``phase_scheme``, ``phase_rule``;
        - ``trend``: the trend form used; ``horizon``: periods from the last "before" period to
          the last period of the term's phase (how far the counterfactual reaches);
          ``horizon_supported``: how far ahead the "before" periods support a trend (Notes);
        - ``region_name`` when ``data`` has it and ``by`` holds ``region_code``.

        ``plot_data()`` has the observed, fitted and counterfactual series; ``models``,
        ``designs`` and ``formulas`` hold the statsmodels results, design frames and formulas.

    Raises
    ------
    ParameterError
        For unknown columns or options, negative counts, ``hac_lags`` with a covariance other
        than HAC, and (with ``on_error="raise"``) duplicated periods in a series, a series with
        fewer than 3 "before" periods or no "during" period, or only zero counts (Poisson).

    Warns
    -----
    UserWarning
        For dropped rows with missing values (with counts), series without "after" periods,
        skipped series (one warning with the count), and when a counterfactual extrapolates the
        pre-corona trend beyond ``horizon_supported``.

    Notes
    -----
    Phases are half-open ``[start, end)`` intervals from :mod:`cosie_analysis.phases`; the
    first period assigned to "during" carries the step. The counterfactual is the model's
    prediction with all interruption terms set to zero. Its interval is the confidence interval
    of that mean (OLS: ``x' b +- t sqrt(x' V x)``, equal to statsmodels ``get_prediction``;
    count families: on the linear predictor, then exponentiated).

    **Horizon.** A trend estimated on ``n`` "before" periods is extrapolated ``h`` periods
    ahead with leverage ``1/n + (t_h - mean t)^2 / Sxx``; ``horizon_supported`` is the largest
    ``h`` where it is at most 1 (the extrapolated trend no less certain than one observation):
    230 months for 98 pre-corona months, but 2 years for 8 pre-corona years. On yearly municipal
    series (2012-2025) a segmented model extrapolates the 2012-2019 trend six years ahead. Across
    all 343 municipalities (burglary counts, quasi-Poisson; ``validation/its_horizon.py``) its
    "after" effects ranged from -50% to +171% (5th to 95th percentile) and up to +484%; on the
    rates per 1,000 with the Gaussian default up to +12,398%, because a linear trend extrapolated
    towards zero makes any ratio explode. "level" and "capped" (the trend continued only as far
    as ``horizon_supported``, then held) narrow this for counts but not for Gaussian rates (up to
    +6,656% and +46,084%). Only "flat" gives a plausible counterfactual for every municipality
    (counts: 5th-95th percentile -63% to +14%, maximum +56%; Gaussian rates -64% to +39%, maximum
    +165%): the counterfactual is the level the pre-corona trend had reached in the last "before"
    year, held constant. So ``trend="auto"`` is "flat" for yearly series. Its price: a secular
    trend that simply continued (burglary fell through 2012-2019) is counted as an effect of the
    phase -- read the "pre_trend" row beside it, and compare with ``trend="segmented"``. Monthly
    and quarterly series keep the segmented model (98 pre-corona months support the horizon).
    Where a trend is extrapolated beyond ``horizon_supported``, a warning says so.

    Coverage (``validation/README.md``, 400 synthetic 144-month series fitted with the true
    model): Newey-West intervals covered the level and slope changes 78-82% of the time
    instead of 95%; ``cov_type="ar1"`` (Gaussian) 93-95% and ``cov_type="model"``
    (quasi-Poisson) 93-96%. HAC errors use the Newey-West (1994) lag ``floor(4 * (n / 100) **
    (2 / 9))`` (4 for 144 months, 2 for 14 years).

    A timestamp in ``period`` is one day, so a monthly series given by its first days puts
    March 2020 in "before"; pass CBS codes or pandas Periods to let ``rule`` decide for
    periods that straddle a boundary.

    Examples
    --------
    Synthetic data: monthly counts 2012-2023 around 200, with a planted 20% drop during corona.

    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> months = pd.period_range("2012-01", "2023-12", freq="M")
    >>> during = (months >= pd.Period("2020-03", "M")) & (months < pd.Period("2022-04", "M"))
    >>> rng = np.random.default_rng(1)
    >>> synthetic = pd.DataFrame({"period": months, "value": rng.poisson(np.where(during, 160, 200))})
    >>> res = ca.interrupted_time_series(synthetic, by=None, family="poisson")
    >>> row = res.summary().query("term == 'relative_effect' and phase == 'during'").iloc[0]
    >>> round(float(row["estimate"]), 1), row["trend"], int(row["horizon"])
    (-0.2, 'segmented', 25)
    """
    return ITSResult(**run_its(
        data, function="interrupted_time_series", value=value, period=period, by=by, scheme=scheme, rule=rule,
        family=family, trend=trend, offset=offset, exposure=exposure, seasonality=seasonality, cov_type=cov_type,
        hac_lags=hac_lags, conf_level=conf_level, adjust=adjust, on_error=on_error, placebo_start=None,
        min_segment=None, progress=False, chunk_size=2048), scheme=scheme)


def placebo_in_time(
    data: pd.DataFrame,
    *,
    placebo_start: str | pd.Timestamp = "middle",
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    family: str = "gaussian",
    trend: str = "auto",
    offset: str | None = None,
    exposure: str | None = None,
    seasonality: str | None = "auto",
    cov_type: str = "auto",
    hac_lags: int | None = None,
    conf_level: float = 0.95,
    adjust: str = "holm",
    min_segment: int | None = None,
    on_error: str = "raise",
) -> ITSResult:
    """Move the interruption into the pre-corona period: a falsification check of the ITS.

    Only the "before" periods are kept; a level (and, with ``trend="segmented"``, a slope)
    change is fitted at ``placebo_start``. Where nothing happened, the placebo effects should be
    near zero: a "significant" placebo effect says the ITS finds effects where there are none (a
    trend break or an event the model misses).

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table, one row per observation. Not modified.
    placebo_start : "middle", CBS period code or date, default "middle"
        Start of the placebo phase (included in it). "middle" takes the period in the middle of
        each series' pre-period.
    value, period, by, scheme, rule, family, trend
        As :func:`interrupted_time_series`.
    offset, exposure, seasonality, cov_type, hac_lags, conf_level, adjust, on_error
        As :func:`interrupted_time_series`.
    min_segment : int, optional
        Fewest periods needed on each side of the placebo start; default ``max(3, L)`` with
        ``L`` the seasonal cycle (12 for months with month terms, 4 for quarters, else 1).

    Returns
    -------
    ITSResult
        As :func:`interrupted_time_series`: one row per series x term x phase with the columns
        listed there (``by`` columns, ``term``, ``phase``, ``estimate``, ``std_err``,
        ``ci_lower``, ``ci_upper``, ``p_value``, ``p_adjusted``, ``n``, ``n_phase``, ``scale``,
        ``method``, ``family``, ``cov_type``, ``hac_lags``, ``hac_rule``, ``seasonality``,
        ``adjust``, ``conf_level``, ``phase_scheme``, ``phase_rule``, ``trend``, ``horizon``,
        ``horizon_supported``), with ``phase`` an ordered categorical before < placebo,
        ``method`` "placebo_in_time" and an extra column ``placebo_start``.

    Raises
    ------
    ParameterError
        When fewer than ``min_segment`` pre-periods remain on either side of the placebo start:
        three points are the fewest that estimate a level and a slope with a residual left over,
        and a full seasonal cycle on each side keeps the season terms from absorbing the step.
        Also for the cases listed under :func:`interrupted_time_series`.

    Examples
    --------
    Synthetic data: monthly counts 2012-2023 around 200 without any effect before corona.

    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> months = pd.period_range("2012-01", "2023-12", freq="M")
    >>> synthetic = pd.DataFrame({"period": months, "value": np.random.default_rng(2).poisson(200, len(months))})
    >>> res = ca.placebo_in_time(synthetic, by=None, family="poisson")
    >>> row = res.summary().query("term == 'relative_effect'").iloc[0]
    >>> bool(row["ci_lower"] < 0 < row["ci_upper"]), str(res.placebo_start.date())
    (True, '2016-02-01')
    """
    return ITSResult(**run_its(
        data, function="placebo_in_time", value=value, period=period, by=by, scheme=scheme, rule=rule,
        family=family, trend=trend, offset=offset, exposure=exposure, seasonality=seasonality, cov_type=cov_type,
        hac_lags=hac_lags, conf_level=conf_level, adjust=adjust, on_error=on_error,
        placebo_start="middle" if placebo_start is None else placebo_start, min_segment=min_segment,
        progress=False, chunk_size=2048), scheme=scheme)
