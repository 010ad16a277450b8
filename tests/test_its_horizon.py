"""The ITS counterfactual's horizon (trend forms, horizon columns, the extrapolation warning),
batches that skip instead of stop, and the schema shared by the estimators."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate._its_fit import supported_horizon
from cosie_analysis.estimate.batch import batch_its, batch_phase_summary
from cosie_analysis.estimate.its import interrupted_time_series, placebo_in_time

try:  # run from the repository root (``python -m pytest``) or from tests/
    from tests.synthetic import monthly_series, yearly_panel
except ImportError:  # pragma: no cover
    from synthetic import monthly_series, yearly_panel


def _yearly_line(slope: float = -4.0, step_during: float = -10.0, sd: float = 0.5, seed: int = 3) -> pd.DataFrame:
    """Synthetic yearly series 2012-2025: 100 + slope * (year - 2012), a planted step during corona
    (2020-2021) and none after; small noise."""
    years = np.arange(2012, 2026)
    noise = np.random.default_rng(seed).normal(0, sd, len(years))
    value = 100 + slope * (years - 2012) + np.where(np.isin(years, (2020, 2021)), step_during, 0.0) + noise
    return pd.DataFrame({"region_code": "SY0001", "indicator": "synthetic", "period": [f"{y}JJ00" for y in years],
                         "value": value})


def _rows(res, term, phase):
    t = res.summary()
    return t[(t["term"] == term) & (t["phase"] == phase)]


def test_supported_horizon_equals_the_leverage_rule():
    # independent: largest h with 1/n + (t_last + h - mean)^2 / Sxx <= 1, searched by brute force
    for n in (3, 8, 14, 98):
        t = np.arange(n, dtype=float)
        lev = [1 / n + (t[-1] + h - t.mean()) ** 2 / ((t - t.mean()) ** 2).sum() for h in range(500)]
        assert supported_horizon(t) == max(h for h, v in enumerate(lev) if v <= 1)
    assert supported_horizon(np.arange(8)) == 2 and supported_horizon(np.arange(98)) == 230


def test_yearly_default_is_flat_and_holds_the_last_pre_corona_level():
    data = _yearly_line()
    res = interrupted_time_series(data, cov_type="model")  # OLS: the pre-trend is the OLS line of the pre-years
    t = res.summary()
    assert set(t["trend"]) == {"flat"} and set(t["term"]) == {
        "pre_trend", "level_change", "average_effect", "cumulative_effect", "relative_effect"}
    # the counterfactual after 2019 is the fitted pre-trend line at 2019, held
    pre = data[data["period"] < "2020"]
    a, b = np.polyfit(np.arange(8), pre["value"], 1)[::-1]
    cf = res.plot_data().set_index("period")["counterfactual"]
    np.testing.assert_allclose(cf.loc["2020JJ00":], a + 7 * b, rtol=1e-6)
    assert _rows(res, "pre_trend", "before")["estimate"].iloc[0] == pytest.approx(-4.0, abs=0.3)
    # horizon: 8 'before' years (2012-2019); during ends 2 years, after 6 years past 2019; 2 supported
    assert dict(zip(t["phase"].astype(str), t["horizon"], strict=True)) == {"before": 0, "during": 2, "after": 6}
    assert set(t["horizon_supported"]) == {2}


def test_segmented_on_yearly_warns_that_it_extrapolates():
    data = _yearly_line()
    with pytest.warns(UserWarning, match=r"in 1 of 1 series the counterfactual extrapolates the pre-corona trend "
                                         r"further ahead than the 'before' periods support \(up to 4 period"):
        seg = interrupted_time_series(data, trend="segmented")
    # the planted step (-10 in 2020-2021) is recovered by the segmented and by the level model
    assert _rows(seg, "average_effect", "during")["estimate"].iloc[0] == pytest.approx(-10, abs=1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # capped and flat do not extrapolate beyond the supported horizon
        capped = interrupted_time_series(data, trend="capped")
        interrupted_time_series(data, trend="flat")
    # capped: the trend continues 2 years past 2019 (to 2021), then is held
    cf = capped.plot_data().set_index("period")["counterfactual"]
    assert cf.loc["2022JJ00"] == pytest.approx(cf.loc["2025JJ00"]) == pytest.approx(cf.loc["2021JJ00"])
    assert cf.loc["2021JJ00"] - cf.loc["2020JJ00"] == pytest.approx(cf.loc["2019JJ00"] - cf.loc["2018JJ00"])


def test_monthly_default_stays_segmented_without_warning():
    data = monthly_series(11, family="poisson", drop_during=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = interrupted_time_series(data, family="poisson")
    t = res.summary()
    assert set(t["trend"]) == {"segmented"} and set(t["horizon_supported"]) == {230}
    assert t.loc[t["phase"] == "after", "horizon"].iloc[0] == 12 * 2023 + 12 - (12 * 2020 + 2)  # Dec 2023 - Feb 2020


def _with_young_municipality(panel: pd.DataFrame) -> pd.DataFrame:
    """Synthetic: one more unit with values only from 2023 on, as a municipality formed in 2023."""
    young = panel[(panel["region_code"] == "SY0001") & (panel["period"] >= "2023")].assign(region_code="SY0099")
    return pd.concat([panel, young], ignore_index=True)


def test_batch_skips_a_series_with_only_after_years():
    data = _with_young_municipality(yearly_panel(4, n_units=5))
    with pytest.warns(UserWarning, match=r"skipped 1 of 6 series that cannot be fitted") as caught:
        res = batch_its(data, progress=False)
    assert sum("skipped" in str(w.message) for w in caught) == 1
    sk = res.skipped
    assert list(sk.columns) == ["region_code", "indicator", "reason"] and list(sk["region_code"]) == ["SY0099"]
    expected = "series {'region_code': 'SY0099', 'indicator': 'synthetic_rate'} needs at least 3 'before' periods"
    assert expected in sk["reason"].iloc[0]
    assert "SY0099" not in set(res.summary()["region_code"]) and len(res.models) == 5
    # the others are fitted as without the young unit
    alone = batch_its(data[data["region_code"] != "SY0099"], progress=False)
    pd.testing.assert_frame_equal(res.summary(), alone.summary())
    with pytest.raises(ParameterError, match="SY0099.*needs at least 3 'before' periods"):
        batch_its(data, on_error="raise", progress=False)
    with pytest.raises(ParameterError, match="needs at least 3 'before' periods"):
        interrupted_time_series(data)  # the one-by-one default stops
    with pytest.raises(ParameterError, match=r"`on_error` must be one of \['raise', 'skip'\]; got 'ignore'"):
        batch_its(data, on_error="ignore")


def test_batch_phase_summary_skips_series_that_mix_frequencies():
    monthly = monthly_series(1, region_code="SY0001", indicator="synthetic_rate")
    data = pd.concat([yearly_panel(4, n_units=3), monthly], ignore_index=True)
    with pytest.warns(UserWarning, match="skipped 1 series that mix frequencies"):
        res = batch_phase_summary(data)
    assert list(res.skipped["region_code"]) == ["SY0001"] and "mixes frequencies" in res.skipped["reason"].iloc[0]
    assert set(res.summary()["region_code"]) == {"SY0002", "SY0003"}
    with pytest.raises(ParameterError, match="1 series mix frequencies"):
        batch_phase_summary(data, on_error="raise")


def test_hac_lags_needs_cov_type_hac_and_old_names_warn():
    data = _yearly_line()
    with pytest.raises(ParameterError, match=r"`hac_lags` sets the lag of HAC errors and needs cov_type='hac'; "
                                             r"got cov_type='model', hac_lags=2"):
        interrupted_time_series(data, cov_type="model", hac_lags=2)
    with pytest.warns(DeprecationWarning, match="say so with cov_type='hac'"):
        old = interrupted_time_series(data, hac_lags=2)
    assert set(old.summary()["cov_type"]) == {"hac"}
    with pytest.warns(DeprecationWarning, match="cov_type='nonrobust' is now called cov_type='model'"):
        nr = interrupted_time_series(data, cov_type="nonrobust")
    pd.testing.assert_frame_equal(nr.summary(), interrupted_time_series(data, cov_type="model").summary())


def test_phase_is_ordered_categorical_everywhere():
    data = _yearly_line()
    for res, cats in [(interrupted_time_series(data), ["before", "during", "after"]),
                      (placebo_in_time(data, placebo_start="2016JJ00"), ["before", "placebo"])]:
        ph = res.summary()["phase"]
        assert isinstance(ph.dtype, pd.CategoricalDtype) and ph.cat.ordered and list(ph.cat.categories) == cats
        assert math.isclose(res.conf_level, 0.95)
