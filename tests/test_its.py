"""Tests of cosie_analysis.estimate.its: interrupted_time_series and placebo_in_time."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.its import hac_lag_rule, interrupted_time_series, placebo_in_time

try:  # run from the repository root (``python -m pytest``) or from tests/
    from tests.synthetic import monthly_series, yearly_panel
except ImportError:  # pragma: no cover
    from synthetic import monthly_series, yearly_panel



@pytest.fixture(scope="module")
def counts():
    """Poisson counts, baseline 200/month, a planted 20 % drop during corona, none after."""
    return monthly_series(11, family="poisson", drop_during=0.2)


@pytest.fixture(scope="module")
def gaussian():
    return monthly_series(12, family="gaussian", drop_during=0.2, sd=8.0, ar=0.3)


def _row(res, term, phase, **key):
    t = res.summary()
    m = (t["term"] == term) & (t["phase"] == phase)
    for c, v in key.items():
        m &= t[c] == v
    assert m.sum() == 1
    return t[m].iloc[0]


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_planted_20pct_drop_recovered_counts(counts, family):
    res = interrupted_time_series(counts, family=family)
    rel = _row(res, "relative_effect", "during")
    # tolerance: +-0.06 around the planted -0.20 (about 2 standard errors at 200 counts/month)
    assert rel["estimate"] == pytest.approx(-0.20, abs=0.06)
    assert rel["ci_lower"] < -0.20 < rel["ci_upper"]
    lev = _row(res, "level_change", "during")
    assert lev["estimate"] < 0 and lev["ci_upper"] < 0 and lev["scale"] == "log"
    after = _row(res, "relative_effect", "after")
    assert after["ci_lower"] < 0 < after["ci_upper"] or abs(after["estimate"]) < 0.06


def test_planted_drop_recovered_gaussian(gaussian):
    res = interrupted_time_series(gaussian, cov_type="hac")
    rel = _row(res, "relative_effect", "during")
    assert rel["estimate"] == pytest.approx(-0.20, abs=0.06)
    assert rel["ci_lower"] < -0.20 < rel["ci_upper"]


def test_ols_equals_direct_statsmodels_fit(gaussian):
    res = interrupted_time_series(gaussian, cov_type="hac")
    n = len(gaussian)
    lags = hac_lag_rule(n)
    assert lags == 4 and set(res.summary()["hac_lags"]) == {4}
    assert res.summary()["hac_rule"].iloc[0].startswith("floor(4*(n/100)^(2/9))")
    # independent design from the dates
    start = pd.to_datetime(gaussian["period_start"])
    t = (start.dt.year - 2012) * 12 + start.dt.month - 1
    dur = (start >= "2020-03-01") & (start < "2022-04-01")
    aft = start >= "2022-04-01"
    d = pd.DataFrame({
        "y": gaussian["value"], "time": t, "level_during": (dur | aft).astype(float),
        "slope_during": np.where(dur | aft, t - 98, 0.0), "level_after": aft.astype(float),
        "slope_after": np.where(aft, t - 123, 0.0), "season": start.dt.month,
    })
    direct = smf.ols(res.formula, d).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    np.testing.assert_allclose(res.model.params.to_numpy(), direct.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(res.model.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-8)
    lev = _row(res, "level_change", "during")
    assert lev["estimate"] == pytest.approx(direct.params["level_during"])
    ci = direct.conf_int().loc["level_during"]
    assert (lev["ci_lower"], lev["ci_upper"]) == pytest.approx((ci[0], ci[1]))
    # the counterfactual band is statsmodels' get_prediction on the design with the intervention zeroed
    cf = d.assign(level_during=0.0, slope_during=0.0, level_after=0.0, slope_after=0.0)
    pred = direct.get_prediction(cf).summary_frame(alpha=0.05)
    pdata = res.plot_data()
    np.testing.assert_allclose(pdata["counterfactual"], pred["mean"], rtol=1e-8)
    np.testing.assert_allclose(pdata["counterfactual_lower"], pred["mean_ci_lower"], rtol=1e-8)
    np.testing.assert_allclose(pdata["counterfactual_upper"], pred["mean_ci_upper"], rtol=1e-8)
    # average effect = mean of fitted - counterfactual over "during"
    during = pdata["phase"] == "during"
    avg = (pdata.loc[during, "fitted"] - pdata.loc[during, "counterfactual"]).mean()
    assert _row(res, "average_effect", "during")["estimate"] == pytest.approx(avg)


def test_poisson_equals_direct_glm_with_offset(counts):
    data = counts.assign(population=np.linspace(1e5, 1.2e5, len(counts)))
    res = interrupted_time_series(data, family="poisson", exposure="population", cov_type="hac")
    d = res.design()
    direct = smf.glm(res.formula, d, family=sm.families.Poisson(), offset=np.log(data["population"].to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 4}
    )
    np.testing.assert_allclose(res.model.params.to_numpy(), direct.params.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(res.model.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-6)
    cf = d.assign(level_during=0.0, slope_during=0.0, level_after=0.0, slope_after=0.0)
    lin = direct.get_prediction(cf, offset=d["offset"].to_numpy(), which="linear").summary_frame(alpha=0.05)
    np.testing.assert_allclose(res.plot_data()["counterfactual_lower"], np.exp(lin["ci_lower"]), rtol=1e-6)
    same = interrupted_time_series(data, family="poisson", offset=None, exposure=None)
    # a smooth exposure is absorbed by the trend only approximately; the step stays close
    assert _row(res, "relative_effect", "during")["estimate"] == pytest.approx(
        _row(same, "relative_effect", "during")["estimate"], abs=0.02)


def test_other_covariances_equal_direct_statsmodels(gaussian, counts):
    ar1 = interrupted_time_series(gaussian, cov_type="ar1")
    direct = sm.GLSAR.from_formula(ar1.formula, ar1.design(), rho=1).iterative_fit(maxiter=50)
    np.testing.assert_allclose(ar1.model.params.to_numpy(), direct.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(ar1.model.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-8)
    t = ar1.summary()
    assert set(t["cov_type"]) == {"ar1"} and t["hac_lags"].isna().all() and set(t["hac_rule"]) == {""}
    assert _row(ar1, "relative_effect", "during")["estimate"] == pytest.approx(-0.20, abs=0.06)
    quasi = interrupted_time_series(counts, family="poisson", cov_type="model")
    d = quasi.design()
    direct = smf.glm(quasi.formula, d, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    np.testing.assert_allclose(quasi.model.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-8)
    lev = _row(quasi, "level_change", "during")
    ci = direct.conf_int().loc["level_during"]
    assert (lev["ci_lower"], lev["ci_upper"]) == pytest.approx((ci[0], ci[1]))
    with pytest.raises(ParameterError, match="cov_type='ar1'.*needs family='gaussian'"):
        interrupted_time_series(counts, family="poisson", cov_type="ar1")


def test_negbin_equals_direct_statsmodels(counts):
    res = interrupted_time_series(counts, family="negbin", cov_type="hac")
    direct = smf.negativebinomial(res.formula, res.design()).fit(disp=0, maxiter=500, cov_type="HAC",
                                                                cov_kwds={"maxlags": 4})
    np.testing.assert_allclose(res.model.params.to_numpy(), direct.params.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(res.model.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-6)


def test_several_series_one_table(counts):
    other = monthly_series(5, drop_during=0.0, region_code="SY0002")
    data = pd.concat([counts, other], ignore_index=True)
    res = interrupted_time_series(data, family="poisson", adjust="holm")
    t = res.summary()
    assert len(t) == 22 and set(t["region_code"]) == {"SY0001", "SY0002"}
    assert {"indicator", "term", "phase", "estimate", "std_err", "ci_lower", "ci_upper", "p_value", "p_adjusted",
            "n", "method", "conf_level", "phase_scheme", "phase_rule"} <= set(t.columns)
    sub = t[(t.term == "level_change") & (t.phase == "during")]
    from statsmodels.stats.multitest import multipletests

    np.testing.assert_allclose(sub["p_adjusted"], multipletests(sub["p_value"], method="holm")[1])
    assert _row(res, "relative_effect", "during", region_code="SY0002")["ci_lower"] < 0.05
    with pytest.raises(ParameterError, match="holds 2 series"):
        _ = res.model
    assert res.models[("SY0002", "synthetic_counts")] is not None
    with pytest.raises(ParameterError, match="pass `series=`"):
        res.plot()
    ax = res.plot(series=("SY0002", "synthetic_counts"), lang="en")
    assert len(ax.get_lines()) >= 3


def test_result_frozen_and_inputs_unchanged(counts):
    before = counts.copy(deep=True)
    res = interrupted_time_series(counts, family="poisson", scheme="lifted", hac_lags=2)
    pd.testing.assert_frame_equal(counts, before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.method = "x"
    t = res.summary()
    assert set(t["phase_scheme"]) == {"lifted"} and set(t["phase_rule"]) == {"majority"}
    assert set(t["hac_lags"]) == {2} and set(t["hac_rule"]) == {"user"}
    assert all(c.isidentifier() for c in t.columns)


def test_yearly_series_without_seasonality():
    data = yearly_panel(3, n_units=1, effect=-5.0)
    res = interrupted_time_series(data, cov_type="hac")
    t = res.summary()
    assert set(t["seasonality"]) == {"none"} and set(t["hac_lags"]) == {hac_lag_rule(14)} == {2}
    assert "C(season)" not in res.formula


def test_period_codes_periods_and_timestamps(counts):
    a = interrupted_time_series(counts, family="poisson").summary()
    b = interrupted_time_series(counts.assign(p=counts["period_start"].dt.to_period("M")), family="poisson",
                                period="p").summary()
    np.testing.assert_allclose(a["estimate"], b["estimate"])
    # a timestamp is one day: 2020-03-01 lies before 12 March, so March 2020 counts as "before"
    c = interrupted_time_series(counts, family="poisson", period="period_start")
    assert c.design().query("level_during == 1")["period"].min() == pd.Timestamp("2020-04-01")


def test_plot_and_describe(counts):
    res = interrupted_time_series(counts, family="poisson")
    ax = res.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["waargenomen", "model", "zonder corona (contrafeitelijk)"]
    assert len(ax.collections) >= 1  # the counterfactual band
    pdata = res.plot_data()
    assert len(pdata) == len(counts)
    tail = ["observed", "fitted", "counterfactual", "counterfactual_lower", "counterfactual_upper"]
    assert list(pdata.columns[-5:]) == tail
    assert (pdata["counterfactual_lower"] <= pdata["counterfactual_upper"]).all()
    assert "t.o.v. de voortgezette trend" in res.describe("nl")
    assert "against the continued trend" in res.describe("en")


def test_errors(counts):
    with pytest.raises(ParameterError, match=r"`family` must be one of \['gaussian', 'poisson', 'negbin'\]; got 'ols'"):
        interrupted_time_series(counts, family="ols")
    with pytest.raises(ParameterError, match="family='gaussian'"):
        interrupted_time_series(counts.assign(pop=1.0), exposure="pop")
    with pytest.raises(ParameterError, match="duplicated"):
        interrupted_time_series(pd.concat([counts, counts]))
    with pytest.raises(ParameterError, match="at least 3 'before'"):
        interrupted_time_series(counts[counts["period_start"] >= "2020-01-01"])
    with pytest.raises(ParameterError, match="negative"):
        interrupted_time_series(counts.assign(value=-counts["value"]), family="poisson")
    with pytest.raises(ParameterError, match="hac_lags"):
        interrupted_time_series(counts, hac_lags=-1)


@pytest.mark.filterwarnings("ignore:.*misses 2 period")
def test_missing_and_no_after_warn(counts):
    data = counts.copy()
    data.loc[[3, 4], "value"] = np.nan
    with pytest.warns(UserWarning, match="dropped 2 of 144"):
        interrupted_time_series(data, family="poisson")
    with pytest.warns(UserWarning, match="misses 2 period"):
        interrupted_time_series(counts.drop(index=[3, 4]), family="poisson")
    with pytest.warns(UserWarning, match="no 'after' periods"):
        res = interrupted_time_series(counts[counts["period_start"] < "2022-01-01"], family="poisson")
    assert set(res.summary()["phase"]) == {"before", "during"}


def test_placebo_in_time_null(counts):
    res = placebo_in_time(counts, family="poisson")
    t = res.summary()
    assert set(t["phase"]) == {"before", "placebo"} and set(t["method"]) == {"placebo_in_time"}
    assert (t["n"] == 98).all()  # the 98 pre-corona months (2012-01 .. 2020-02)
    rel = _row(res, "relative_effect", "placebo")
    assert rel["ci_lower"] < 0 < rel["ci_upper"]
    assert t["placebo_start"].iloc[0] == pd.Timestamp("2016-02-01")
    res2 = placebo_in_time(counts, placebo_start="2017MM01", family="poisson")
    assert res2.summary()["placebo_start"].iloc[0] == pd.Timestamp("2017-01-01")
    ax = res2.plot()
    assert "placebo" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_placebo_in_time_refuses_short_pre_period(counts):
    short = counts[counts["period_start"] >= "2018-09-01"]  # 18 pre-corona months
    with pytest.raises(ParameterError, match=r"each side needs at least 12.*full cycle"):
        placebo_in_time(short, family="poisson")
    with pytest.raises(ParameterError, match="needs at least 3"):
        placebo_in_time(yearly_panel(0, n_units=1, first_year=2016), placebo_start="2019JJ00")
    with pytest.raises(ParameterError, match="placebo_start"):
        placebo_in_time(counts, placebo_start="soon")


@pytest.mark.realdata
def test_real_national_monthly_burglary(observations):
    obs = observations
    s = obs[(obs["indicator"] == "crime_1_1_1") & (obs["frequency"] == "month") & (obs["region_code"] == "NL00")]
    if s.empty:
        pytest.skip("no national monthly residential burglary in the observation table")
    # counts with a steep, log-linear decline: the count families (a linear Gaussian trend is misspecified)
    for family in ("poisson", "negbin"):
        res = interrupted_time_series(s, family=family)
        lev = _row(res, "level_change", "during")
        assert lev["estimate"] < 0
        assert np.isfinite(lev["ci_lower"]) and np.isfinite(lev["ci_upper"]) and lev["ci_lower"] < lev["ci_upper"]
