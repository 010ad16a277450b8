"""Batch estimation equals the one-by-one statsmodels fits (to 1e-8), on synthetic panels and real data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from synthetic import monthly_series, yearly_panel

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.batch import batch_its, batch_phase_summary
from cosie_analysis.estimate.its import interrupted_time_series
from cosie_analysis.estimate.summaries import phase_summary

TOL = {"rtol": 1e-8, "atol": 1e-12}
COVS = [("gaussian", c) for c in ("ar1", "model", "hc1", "hac")] + [("poisson", c) for c in ("model", "hac", "hc1")]


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    """Five monthly series: Poisson counts with a planted 20% drop, two with AR(1) Gaussian noise."""
    frames = [monthly_series(i, family="poisson", region_code=f"SY{i + 1:04d}") for i in range(3)]
    frames += [monthly_series(10 + i, family="gaussian", ar=0.5, sd=8.0, region_code=f"SY{i + 4:04d}").assign(
        value=lambda d: d["value"].round()) for i in range(2)]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def yearly() -> pd.DataFrame:
    """Twelve yearly series (2012-2025) of positive counts with a population column."""
    d = yearly_panel(3, n_units=12)
    return d.assign(value=d["value"].round(), population=1000.0 + 10 * d.groupby("region_code").cumcount())


@pytest.mark.parametrize("family,cov_type", COVS)
@pytest.mark.parametrize("panel", ["monthly", "yearly"])
@pytest.mark.parametrize("trend", ["segmented", "flat"])
def test_batch_kernels_equal_statsmodels(panel, family, cov_type, trend, request):
    """The array kernels (one design for a group of series) against one statsmodels fit per series."""
    data = request.getfixturevalue(panel)
    before = data.copy()
    one = _quiet(interrupted_time_series, data, family=family, cov_type=cov_type, trend=trend)
    batch = _quiet(batch_its, data, family=family, cov_type=cov_type, trend=trend, progress=False)
    pd.testing.assert_frame_equal(batch.summary(), one.summary())  # one engine: the same table
    pd.testing.assert_frame_equal(data, before)  # input unchanged
    t = batch.summary()
    coef = t[t["term"].isin(["pre_trend", "level_change", "slope_change"])]
    assert batch.fallback == () and set(coef["term"]) == (
        {"pre_trend", "level_change", "slope_change"} if trend == "segmented" else {"pre_trend", "level_change"})
    for key, rows in coef.groupby(["region_code", "indicator"], sort=False):
        fit = batch.models[key]  # statsmodels, fitted on access
        names = [{"pre_trend": "time"}.get(r.term, f"{r.term.split('_')[0]}_{r.phase}") for r in rows.itertuples()]
        np.testing.assert_allclose(rows["estimate"], fit.params[names], **TOL)
        np.testing.assert_allclose(rows["std_err"], fit.bse[names], **TOL)
        np.testing.assert_allclose(rows["p_value"], fit.pvalues[names], **TOL)


def test_batch_poisson_with_exposure_and_default_cov(yearly):
    one = _quiet(interrupted_time_series, yearly, family="poisson", exposure="population")
    batch = _quiet(batch_its, yearly, family="poisson", exposure="population", progress=False)
    assert set(batch.summary()["cov_type"]) == {"model"}
    pd.testing.assert_frame_equal(batch.summary(), one.summary(), **TOL)
    pd.testing.assert_frame_equal(batch.plot_data(), one.plot_data(), **TOL)


def test_batch_models_and_designs_refit_on_access(monthly):
    one = _quiet(interrupted_time_series, monthly, family="poisson")
    batch = _quiet(batch_its, monthly, family="poisson", progress=False)
    key = ("SY0002", "synthetic_counts")
    assert len(batch.models) == len(one.models) == 5 and key in batch.models
    np.testing.assert_allclose(batch.models[key].params, one.models[key].params, rtol=1e-10)
    pd.testing.assert_frame_equal(batch.design(key), one.design(key))
    ax = batch.plot(series=key, lang="en")
    assert len(ax.lines) == 3
    text = batch.describe("en")  # regions by name, not code
    assert "Synthetisch 02 / synthetic_counts: during corona: " in text and "SY0002" not in text


def test_series_with_missing_periods_fall_back_with_a_warning(monthly):
    data = monthly.drop(index=monthly.index[(monthly["region_code"] == "SY0001") & (monthly["period"] == "2015MM06")])
    one = _quiet(interrupted_time_series, data, family="gaussian", cov_type="hac")
    with pytest.warns(UserWarning, match=r"1 of 5 series miss periods .* fitted one by one"):
        batch = batch_its(data, family="gaussian", cov_type="hac", progress=False)
    assert batch.fallback == (("SY0001", "synthetic_counts"),)
    pd.testing.assert_frame_equal(batch.summary(), one.summary(), **TOL)
    pd.testing.assert_frame_equal(batch.plot_data(), one.plot_data(), **TOL)


def test_series_with_different_spans_form_their_own_groups(yearly):
    data = yearly[~((yearly["region_code"] == "SY0003") & (yearly["period"] == "2012JJ00"))]
    one = _quiet(interrupted_time_series, data, cov_type="hc1")
    batch = _quiet(batch_its, data, cov_type="hc1", progress=False)
    pd.testing.assert_frame_equal(batch.summary(), one.summary(), **TOL)
    assert batch.fallback == ()


def test_batch_its_refuses_what_it_cannot_compute(yearly):
    with pytest.raises(ParameterError, match=r"`family` must be one of \['gaussian', 'poisson'\]; got 'negbin'"):
        batch_its(yearly, family="negbin")
    with pytest.raises(ParameterError, match=r"cov_type='ar1' \(GLS with AR\(1\) errors\) needs family='gaussian'"):
        batch_its(yearly, family="poisson", cov_type="ar1")
    zero = yearly.assign(value=np.where(yearly["region_code"] == "SY0002", 0.0, yearly["value"]))
    with pytest.raises(ParameterError, match=r"1 series have only zero counts"):
        batch_its(zero, family="poisson", on_error="raise")
    dup = pd.concat([yearly, yearly.iloc[:1]])
    with pytest.raises(ParameterError, match="duplicated period"):
        batch_its(dup, on_error="raise")


@pytest.mark.parametrize("panel", ["monthly", "yearly"])
def test_batch_phase_summary_equals_phase_summary(panel, request):
    data = request.getfixturevalue(panel)
    # a phase with one observation and a series without "after" exercise the Welch edge cases
    data = data[~((data["region_code"] == "SY0002") & data["period"].str[:4].astype(int).between(2021, 2025))]
    data = data[~((data["region_code"] == "SY0003") & (data["period"].str[:4].astype(int) >= 2022))]
    one = _quiet(phase_summary, data)
    with pytest.warns(UserWarning, match=r"2 series x phase combination\(s\) have no observations"):
        batch = batch_phase_summary(data)
    pd.testing.assert_frame_equal(batch.summary(), one.summary(), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------------------- real data
def _well_posed(obs: pd.DataFrame, offences: list[str], n_regions: int) -> pd.DataFrame:
    """Yearly municipal counts of some offences, series whose counts are all positive: their Poisson
    MLE exists and their OLS fit is not exact, so the estimates are determined beyond rounding."""
    d = obs[(obs["region_level"] == "gemeente") & (obs["frequency"] == "year") & obs["indicator"].isin(offences)]
    regions = sorted(d["region_code"].unique())[:n_regions]
    d = d[d["region_code"].isin(regions)]
    positive = d.groupby(["region_code", "indicator"])["value"].transform("min") > 0
    return d[positive]


@pytest.mark.realdata
def test_batch_equals_one_by_one_on_real_data(observations):
    data = _well_posed(observations, ["crime_1_1_1", "crime_2_2_1"], 20)
    assert data.groupby(["region_code", "indicator"]).ngroups >= 30
    for family, cov_type in [("gaussian", "ar1"), ("gaussian", "hac"), ("poisson", "model"), ("poisson", "hac")]:
        one = _quiet(interrupted_time_series, data, family=family, cov_type=cov_type)
        batch = batch_its(data, family=family, cov_type=cov_type, progress=False)
        pd.testing.assert_frame_equal(batch.summary(), one.summary(), **TOL)
    pd.testing.assert_frame_equal(batch_phase_summary(data).summary(), phase_summary(data).summary(),
                                  rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ synthetic control placebo pool
def _placebo_loop(data: pd.DataFrame, treated: list[str]):
    """The placebo pool fitted unit by unit, every treated unit on its own: the reference."""
    from cosie_analysis.estimate.synth import _sc_weights
    from cosie_analysis.phases import assign_phase

    wide = data.pivot(index="region_code", columns="period", values="value").sort_index(axis=1)
    phase = assign_phase(pd.Series(wide.columns)).astype(str).to_numpy()
    pre, post = phase == "before", phase != "before"
    pool = [u for u in wide.index if u not in treated]
    gaps, ratios = [], []
    for tr in treated:
        for u in [tr] + pool:
            others = [d for d in pool if d != u]
            Y0, y1 = wide.loc[others].to_numpy(float).T, wide.loc[u].to_numpy(float)
            gap = y1 - Y0 @ _sc_weights(y1[pre], Y0[pre])
            gaps.append(gap)
            ratios.append((tr, u, np.sqrt(np.mean(gap[post] ** 2)) / np.sqrt(np.mean(gap[pre] ** 2))))
    return np.concatenate(gaps), pd.DataFrame(ratios, columns=["treated", "unit", "rmspe_ratio"])


def test_synthetic_control_placebo_pool_equals_unit_by_unit_fits():
    from synthetic import factor_panel

    from cosie_analysis.estimate.comparison import synthetic_control

    data = factor_panel(5, n_units=15)
    treated = ["SY0001", "SY0007"]
    res = _quiet(synthetic_control, data, treated=treated)
    gaps, ratios = _placebo_loop(data, treated)
    np.testing.assert_array_equal(res.gaps["gap"].to_numpy(), gaps)  # same inputs to the same NNLS: bit for bit
    post = res.placebos[res.placebos["phase"] == "post"].reset_index(drop=True)
    pd.testing.assert_frame_equal(post[["treated", "unit"]], ratios[["treated", "unit"]], check_dtype=False)
    np.testing.assert_allclose(post["rmspe_ratio"], ratios["rmspe_ratio"], rtol=1e-12)
    for tr in treated:
        mine = ratios[ratios["treated"] == tr]
        rank = 1 + int((mine["rmspe_ratio"].iloc[1:] >= mine["rmspe_ratio"].iloc[0]).sum())
        assert res.summary().query("treated == @tr and phase == 'post'")["rank"].item() == rank
