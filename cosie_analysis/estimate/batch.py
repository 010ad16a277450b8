"""Batch estimation: phase summaries and the three-phase ITS for many series in one call.

For rankings, funnel plots and placebo pools the same model is fitted for every municipality and
many indicators. Both functions run the same code as their one-by-one counterparts (one engine,
one set of kernels in :mod:`cosie_analysis.estimate._kernels`); what differs is the default
``on_error="skip"``: a series that cannot be fitted is listed in ``result.skipped`` instead of
stopping the call, and a progress bar for long runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._its_fit import KERNEL_COV_TYPES, resolve_cov_type
from cosie_analysis.estimate._its_run import run_its
from cosie_analysis.estimate.its import ITSResult
from cosie_analysis.estimate.summaries import PhaseSummary, summarise

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["BATCH_COV_TYPES", "BatchITSResult", "batch_its", "batch_phase_summary"]

#: family -> the covariance types the batch path computes (others: use interrupted_time_series).
BATCH_COV_TYPES = KERNEL_COV_TYPES


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
    on_error: str = "skip",
) -> PhaseSummary:
    """:func:`~cosie_analysis.estimate.summaries.phase_summary` for many series, skipping what it cannot summarise.

    The same computation as ``phase_summary`` (one grouped aggregation over all series and
    phases, the Welch comparisons as arrays); only the default ``on_error="skip"`` differs.

    Parameters
    ----------
    data, value, period, by, scheme, rule, conf_level, adjust
        As :func:`~cosie_analysis.estimate.summaries.phase_summary`.
    on_error : {"skip", "raise"}, default "skip"
        A series that cannot be summarised (one that mixes frequencies) is left out and listed
        in ``result.skipped`` with the reason (one warning counts them), or stops the call.

    Returns
    -------
    PhaseSummary
        One row per series x phase; the columns are those of
        :func:`~cosie_analysis.estimate.summaries.phase_summary`: the ``by`` columns, ``phase``, ``n``,
        ``mean``, ``sd``, ``median``, ``min``, ``max``, ``estimate``, ``std_err``, ``ci_lower``,
        ``ci_upper``, ``relative_change``, ``relative_std_err``, ``relative_ci_lower``,
        ``relative_ci_upper``, ``statistic``, ``df``, ``p_value``, ``p_adjusted``, ``adjust``,
        ``method``, ``conf_level``, ``phase_scheme``, ``phase_rule`` (and ``region_name`` where
        known); ``skipped`` lists the series left out.

    Raises
    ------
    ParameterError
        As :func:`~cosie_analysis.estimate.summaries.phase_summary`.

    Warns
    -----
    UserWarning
        Dropped rows, skipped series and phases without observations, with counts.

    Examples
    --------
    Synthetic data: two yearly series and one monthly series under the same key.

    >>> import pandas as pd
    >>> import cosie_analysis as ca
    >>> yearly = [{"region_code": c, "frequency": "year", "period": f"{y}JJ00", "value": 10.0 + y % 3}
    ...           for c in ("SY01", "SY02") for y in range(2016, 2024)]
    >>> monthly = [{"region_code": "SY01", "frequency": "month", "period": "2019MM05", "value": 1.0}]
    >>> import warnings
    >>> with warnings.catch_warnings():  # "skipped 1 series that mix frequencies"
    ...     warnings.simplefilter("ignore")
    ...     res = ca.batch_phase_summary(pd.DataFrame(yearly + monthly), by="region_code")
    >>> list(res.skipped["region_code"]), sorted(set(res.summary()["region_code"]))
    (['SY01'], ['SY02'])
    """
    return summarise(data, function="batch_phase_summary", value=value, period=period, by=by, scheme=scheme,
                     rule=rule, conf_level=conf_level, adjust=adjust, on_error=on_error)


@dataclass(frozen=True, repr=False)
class BatchITSResult(ITSResult):
    """Result of :func:`batch_its` (frozen): an :class:`~cosie_analysis.estimate.its.ITSResult`.

    ``summary()``, ``plot_data()``, ``plot()``, ``describe()``, ``fallback`` and ``skipped`` are
    those of the one-by-one result. ``models[key]`` and ``designs[key]`` build the statsmodels
    fit and the design frame of one series on first access.
    """


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
    trend: str = "auto",
    on_error: str = "skip",
    progress: bool = True,
    chunk_size: int = 2048,
) -> BatchITSResult:
    """:func:`~cosie_analysis.estimate.its.interrupted_time_series` for many series at once.

    The same engine as the one-by-one function (which is this one with one series): series that
    share their periods are fitted together, one design matrix, the outcomes as a matrix. What
    differs: the default ``on_error="skip"``, a progress bar, and no negative binomial.

    Parameters
    ----------
    data, value, period, by, scheme, rule, trend, offset, exposure, seasonality, hac_lags, conf_level, adjust
        As :func:`~cosie_analysis.estimate.its.interrupted_time_series` (``trend="auto"``: "flat"
        for yearly series, "segmented" otherwise).
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
    on_error : {"skip", "raise"}, default "skip"
        A series that cannot be fitted (fewer than 3 "before" periods or no "during" period, e.g.
        a municipality formed after corona; duplicated periods; only zero counts for Poisson) is
        left out and listed in ``result.skipped`` with the reason (one warning counts them), or
        stops the call.

    Returns
    -------
    BatchITSResult
        ``summary()`` has the rows, columns and values of
        ``interrupted_time_series(...).summary()`` (one row per series x term x phase; the
        columns are listed there): the ``by`` columns, ``term``, ``phase``, ``estimate``,
        ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``, ``p_adjusted``, ``n``,
        ``n_phase``, ``scale``, ``method``, ``family``, ``cov_type``, ``hac_lags``,
        ``hac_rule``, ``seasonality``, ``adjust``, ``conf_level``, ``phase_scheme``,
        ``phase_rule``, ``trend``, ``horizon``, ``horizon_supported`` (and ``region_name``
        where known). ``plot_data()`` and ``plot(series=...)`` as well; ``models[key]`` refits
        one series with statsmodels on access; ``skipped`` lists the series left out.

    Raises
    ------
    ParameterError
        As :func:`~cosie_analysis.estimate.its.interrupted_time_series`, and for a family or
        covariance type the batch path does not compute.

    Warns
    -----
    UserWarning
        Dropped rows; groups of series without "after" periods; series with missing periods
        between their first and last, which are fitted one by one with statsmodels (count given);
        skipped series (count); trends extrapolated beyond the supported horizon (count).

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
    Synthetic data: three yearly series 2012-2025; SY03 exists only from 2023 on (as a
    municipality formed then), so it has no "before" years and is skipped, not fatal.

    >>> import pandas as pd
    >>> import cosie_analysis as ca
    >>> rows = [{"region_code": f"SY0{u}", "period": f"{y}JJ00", "value": 100.0 + 5 * u - 2 * (y - 2012) + (y % 2)}
    ...         for u in (1, 2, 3) for y in range(2012, 2026) if u < 3 or y >= 2023]
    >>> import warnings
    >>> with warnings.catch_warnings():  # "skipped 1 of 3 series ..."
    ...     warnings.simplefilter("ignore")
    ...     res = ca.batch_its(pd.DataFrame(rows), by="region_code", progress=False)
    >>> list(res.skipped["region_code"]), sorted(set(res.summary()["region_code"]))
    (['SY03'], ['SY01', 'SY02'])
    """
    check_choice("family", family, list(BATCH_COV_TYPES))
    resolved = resolve_cov_type(cov_type, family, hac_lags)
    # (ar1 with counts gets the general message from the shared validator)
    if resolved in ("hac", "hc1", "model", "ar1") and resolved not in BATCH_COV_TYPES[family] and not (
            resolved == "ar1" and family != "gaussian"):
        raise ParameterError(f"batch_its() computes cov_type in {list(BATCH_COV_TYPES[family])!r} for "
                             f"family={family!r}; got {resolved!r}. Use interrupted_time_series() for it.")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}.")
    return BatchITSResult(**run_its(
        data, function="batch_its", value=value, period=period, by=by, scheme=scheme, rule=rule, family=family,
        trend=trend, offset=offset, exposure=exposure, seasonality=seasonality, cov_type=resolved,
        hac_lags=hac_lags, conf_level=conf_level,
        adjust=adjust, on_error=on_error, placebo_start=None, min_segment=None, progress=progress,
        chunk_size=chunk_size), scheme=scheme)
