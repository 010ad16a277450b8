"""Tests of cosie_analysis.estimate.summaries.phase_summary."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.summaries import phase_summary

try:  # run from the repository root (``python -m pytest``) or from tests/
    from tests.synthetic import monthly_series, yearly_panel
except ImportError:  # pragma: no cover
    from synthetic import monthly_series, yearly_panel



@pytest.fixture
def two_series():
    a = monthly_series(1, drop_during=0.2, region_code="SY0001")
    b = monthly_series(2, drop_during=0.0, region_code="SY0002")
    return pd.concat([a, b], ignore_index=True)


def test_descriptives_equal_independent_groupby(two_series):
    from cosie_analysis.phases import assign_phase

    res = phase_summary(two_series)
    out = res.summary()
    df = two_series.assign(phase=np.asarray(assign_phase(two_series["period"]).astype(str)))
    ref = df.groupby(["region_code", "indicator", "phase"])["value"].agg(
        ["count", "mean", "std", "median", "min", "max"]
    )
    got = out.set_index(["region_code", "indicator", out["phase"].astype(str)])
    ref = ref.loc[got.index]
    np.testing.assert_allclose(got["n"], ref["count"])
    for col, rcol in [("mean", "mean"), ("sd", "std"), ("median", "median"), ("min", "min"), ("max", "max")]:
        np.testing.assert_allclose(got[col], ref[rcol])
    assert len(out) == 6
    assert list(out["phase"].cat.categories) == ["before", "during", "after"]


def test_change_matches_scipy_welch(two_series):
    from cosie_analysis.phases import assign_phase

    out = phase_summary(two_series).summary()
    s = two_series[two_series.region_code == "SY0001"]
    ph = np.asarray(assign_phase(s["period"]).astype(str))
    x1, x0 = s["value"][ph == "during"], s["value"][ph == "before"]
    ref = stats.ttest_ind(x1, x0, equal_var=False)
    row = out[(out.region_code == "SY0001") & (out.phase == "during")].iloc[0]
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert row["statistic"] == pytest.approx(ref.statistic)
    ci = ref.confidence_interval(0.95)
    assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((ci.low, ci.high))
    assert row["estimate"] == pytest.approx(x1.mean() - x0.mean())


def test_planted_drop_recovered(two_series):
    out = phase_summary(two_series).summary()
    row = out[(out.region_code == "SY0001") & (out.phase == "during")].iloc[0]
    # planted -20 % against a slowly falling trend: the phase means differ by about -24 %
    assert -0.32 < row["relative_change"] < -0.15
    assert row["relative_ci_lower"] < row["relative_change"] < row["relative_ci_upper"]
    assert row["p_adjusted"] < 0.001
    null = out[(out.region_code == "SY0002") & (out.phase == "during")].iloc[0]
    assert null["relative_ci_lower"] < -0.0 or null["relative_change"] > -0.15


def test_holm_and_bh(two_series):
    from statsmodels.stats.multitest import multipletests

    holm = phase_summary(two_series).summary()
    bh = phase_summary(two_series, adjust="bh").summary()
    for ph in ["during", "after"]:
        p = holm.loc[holm.phase == ph, "p_value"].to_numpy()
        np.testing.assert_allclose(holm.loc[holm.phase == ph, "p_adjusted"], multipletests(p, method="holm")[1])
        np.testing.assert_allclose(bh.loc[bh.phase == ph, "p_adjusted"], multipletests(p, method="fdr_bh")[1])
    assert holm.loc[holm.phase == "before", "p_adjusted"].isna().all()
    assert set(bh["adjust"]) == {"bh"}


def test_result_carries_scheme_rule_and_is_frozen(two_series):
    res = phase_summary(two_series, scheme="support")
    out = res.summary()
    assert set(out["phase_scheme"]) == {"support"} and res.phase_scheme == "support"
    assert set(out["phase_rule"]) == {"majority"} and res.phase_rule == "majority"
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.phase_scheme = "x"
    out["mean"] = 0
    assert (res.summary()["mean"] != 0).all()
    for col in ["estimate", "std_err", "ci_lower", "ci_upper", "p_value", "p_adjusted", "n", "method", "conf_level"]:
        assert col in out.columns and col.isidentifier()


def test_input_not_modified(two_series):
    before = two_series.copy(deep=True)
    phase_summary(two_series)
    pd.testing.assert_frame_equal(two_series, before)


def test_missing_values_warn_with_count(two_series):
    data = two_series.copy()
    data.loc[[0, 5, 7], "value"] = np.nan
    with pytest.warns(UserWarning, match="dropped 3 of 288"):
        out = phase_summary(data).summary()
    assert out["n"].sum() == 285


def test_empty_phase_warns():
    data = yearly_panel(0, n_units=1, last_year=2021)
    with pytest.warns(UserWarning, match="1 series x phase"):
        out = phase_summary(data).summary()
    assert list(out["phase"].astype(str)) == ["before", "during"]


def test_errors_name_parameter(two_series):
    with pytest.raises(ParameterError, match=r"`adjust` must be one of \['holm', 'bh', 'none'\]; got 'bonferroni'"):
        phase_summary(two_series, adjust="bonferroni")
    with pytest.raises(ParameterError, match="`value`='waarde'"):
        phase_summary(two_series, value="waarde")
    with pytest.raises(ParameterError, match="conf_level"):
        phase_summary(two_series, conf_level=95)
    with pytest.raises(ParameterError, match="DataFrame"):
        phase_summary(two_series.to_dict())
    mixed = pd.concat([two_series, yearly_panel(0, n_units=1, indicator="synthetic_counts")])
    with pytest.raises(ParameterError, match="1 series mix frequencies"):
        phase_summary(mixed)
    out = phase_summary(mixed, by=("region_code", "indicator", "frequency")).summary()
    assert set(out["frequency"]) == {"month", "year"}


def test_plot_and_describe(two_series):
    res = phase_summary(two_series)
    ax = res.plot()
    assert len(ax.get_legend().get_texts()) == 2
    pdata = res.plot_data()
    assert len(pdata) == 6 and {"mean_ci_lower", "mean_ci_upper", "label"} <= set(pdata.columns)
    assert "gemiddelde vóór corona" in res.describe("nl")
    assert "adjusted p" in res.describe("en")
    with pytest.raises(ParameterError, match="`lang`"):
        res.describe("de")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=25), st.sampled_from(["holm", "bh"]))
def test_adjust_pvalues_equals_statsmodels(p, method):
    from statsmodels.stats.multitest import multipletests

    from cosie_analysis.estimate._common import adjust_pvalues

    got = adjust_pvalues(p, method)
    ref = multipletests(p, method={"holm": "holm", "bh": "fdr_bh"}[method])[1]
    np.testing.assert_allclose(got, ref, atol=1e-12)
    assert (got >= np.asarray(p) - 1e-15).all() and (got <= 1).all()
    with_nan = adjust_pvalues(list(p) + [np.nan], method)
    assert np.isnan(with_nan[-1]) and np.allclose(with_nan[:-1], got)


def test_phase_totals_equal_an_independent_sum():
    from cosie_analysis.estimate.summaries import phase_totals
    from cosie_analysis.phases import assign_phase

    months = [f"{y}MM{m:02d}" for y in (2019, 2020, 2021, 2022) for m in range(1, 13)]
    data = pd.DataFrame(
        {"indicator": ["a"] * 48 + ["b"] * 48, "period": months * 2, "value": np.arange(96, dtype=float)}
    )
    before = data.copy()
    out = phase_totals(data)
    pd.testing.assert_frame_equal(data, before)
    expected = (
        data.assign(phase=assign_phase(data["period"]).astype(str)).groupby(["indicator", "phase"])["value"].sum()
    )
    got = out.set_index(["indicator", "phase"])["value"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    # March 2020 and March 2022 are "during" under the defaults: 2019 + Jan-Feb 2020 before, Apr-Dec 2022 after
    assert out.set_index(["indicator", "phase"])["n_periods"].loc["a"].to_dict() == {
        "after": 9,
        "before": 14,
        "during": 25,
    }
    assert set(out["phase_scheme"]) == {"measures"} and set(out["phase_rule"]) == {"majority"}


def test_relative_interval_is_fiellers_and_agrees_with_the_difference():
    """SYNTHETIC DATA: 300 random pairs of phases (8 'before', 2 to 4 'during' values, counts and
    noisy rates). The relative interval excludes 0 exactly when the absolute one does, stays above
    -100% for non-negative data, and equals Fieller's interval solved independently."""
    from cosie_analysis.estimate._kernels import welch

    rng = np.random.default_rng(11)
    rows = []
    for _ in range(300):
        n1 = int(rng.integers(2, 5))
        x0 = rng.poisson(rng.uniform(1, 30), 8).astype(float)
        x1 = rng.poisson(rng.uniform(0.2, 30), n1).astype(float) * rng.uniform(0.5, 1.5)
        rows.append((x1, x0))
    args = [np.array([f(x1) for x1, x0 in rows]) for f in (len, np.mean, lambda v: np.std(v, ddof=1))]
    args += [np.array([f(x0) for x1, x0 in rows]) for f in (len, np.mean, lambda v: np.std(v, ddof=1))]
    out = welch(*args, 0.95, np.ones(len(rows), bool))
    ok = np.isfinite(out["relative_ci_lower"]) & (out["std_err"] > 0)
    assert ok.sum() > 250
    excl_abs = (out["ci_lower"] > 0) | (out["ci_upper"] < 0)
    excl_rel = (out["relative_ci_lower"] > 0) | (out["relative_ci_upper"] < 0)
    np.testing.assert_array_equal(excl_abs[ok], excl_rel[ok])
    assert (out["relative_ci_lower"][ok] >= -1.0).all()
    # independently: the roots of (m1 - rho m0)^2 = q^2 (v1 + rho^2 v0), by numpy's polynomial solver
    for i in np.flatnonzero(ok)[:40]:
        (n1, m1, s1, n0, m0, s0) = (a[i] for a in args)
        q = stats.t.ppf(0.975, out["df"][i])
        v1, v0 = s1**2 / n1, s0**2 / n0
        roots = np.sort(np.roots([m0**2 - q**2 * v0, -2 * m1 * m0, m1**2 - q**2 * v1]).real)
        assert out["relative_ci_upper"][i] == pytest.approx(roots[1] - 1, rel=1e-9, abs=1e-12)
        assert out["relative_ci_lower"][i] == pytest.approx(max(roots[0], 0.0) - 1, rel=1e-9, abs=1e-12)
