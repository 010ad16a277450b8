"""Tests of the placebo inference of synthetic_control: no degenerate ratio p-value, the post-period
RMSPE rank among placebos of comparable pre-fit (Abadie et al. 2010), leave-one-donor-out."""

from __future__ import annotations

import numpy as np
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.synth import SC_COLUMNS, _sc_weights, synthetic_control

try:
    from tests.synthetic import factor_panel
except ImportError:  # pragma: no cover
    from synthetic import factor_panel


@pytest.fixture(scope="module")
def noisy():
    """SYNTHETIC DATA: treated = mix of 3 donors, -3 from 2020, noise sd 0.3 (pre-fit not exact)."""
    return synthetic_control(factor_panel(4, n_units=20, effect=-3.0), treated="SY0001")


@pytest.fixture(scope="module")
def exact():
    """SYNTHETIC DATA without noise: the pre-period fit is exact."""
    with pytest.warns(UserWarning, match="exact.*no ratio p-value is given"):
        return synthetic_control(factor_panel(8, n_units=15, sd=0.0), treated="SY0001")


def by_hand(res, phase, k, band=True, treated="SY0001"):
    """Independent: the placebos with pre-MSPE within a factor k of the treated unit's (or at most k
    times it, ``band=False``), and the treated unit's row."""
    p = res.placebos[res.placebos["phase"] == phase].set_index("unit")
    me = p.loc[treated]
    others = p.drop(index=treated)
    ratio = others["rmspe_pre"] ** 2 / me["rmspe_pre"] ** 2
    return others[(ratio <= k) & ((ratio >= 1 / k) | (not band))], me


def test_columns_and_ratio_test_when_the_fit_is_not_exact(noisy):
    t = noisy.summary()
    assert list(t.columns) == SC_COLUMNS
    post = t.set_index("phase").loc["post"]
    assert post["test_note"] == "" and post["fit_ratio_max"] == 5.0
    comparable, me = by_hand(noisy, "post", 5.0)
    assert post["n_comparable"] == len(comparable) + 1
    assert post["rank_post"] == 1 + (comparable["rmspe_post"] >= me["rmspe_post"]).sum()
    assert post["p_post"] == pytest.approx(post["rank_post"] / post["n_comparable"])
    assert post["p_value"] == pytest.approx(post["rank"] / post["n_units"])
    # Abadie et al.'s one-sided rule keeps every placebo that fits better, too
    data = factor_panel(4, n_units=20, effect=-3.0)
    one_sided = synthetic_control(data, treated="SY0001", comparable="abadie").summary().set_index("phase").loc["post"]
    comparable, _ = by_hand(noisy, "post", 5.0, band=False)
    assert one_sided["n_comparable"] == len(comparable) + 1 >= post["n_comparable"]


def test_exact_fit_gives_no_ratio_p_value_but_a_comparable_fit_rank(exact):
    t = exact.summary().set_index("phase")
    assert t["test_note"].eq("exact_pre_fit").all()
    assert t["p_value"].isna().all() and t["p_adjusted"].isna().all()
    post = t.loc["post"]
    p = exact.placebos[exact.placebos["phase"] == "post"].set_index("unit")
    # comparable: placebos whose pre-fit is as exact as the treated unit's (pre-MSPE <= 5 x floor^2)
    floor = 1e3 * 1e-6 * np.nanstd(factor_panel(8, n_units=15, sd=0.0).query("period < '2020'")["value"])
    others = p.drop(index="SY0001")
    comparable = others[others["rmspe_pre"] ** 2 <= 5 * floor**2]
    assert post["n_comparable"] == len(comparable) + 1
    assert post["rank_post"] == 1 + (comparable["rmspe_post"] >= p.loc["SY0001", "rmspe_post"]).sum()
    assert "geen toets" in exact.describe("nl") and "no test" in exact.describe("en")


def test_leave_one_donor_out_equals_refits_by_hand(noisy):
    data = factor_panel(4, n_units=20, effect=-3.0)
    loo = noisy.leave_one_out
    assert set(loo["dropped_donor"]) == set(noisy.weights["donor"])
    top = noisy.weights.sort_values("weight").iloc[-1]["donor"]
    w = data.pivot(index="region_code", columns="period", values="value")
    donors = [u for u in w.index if u not in ("SY0001", top)]
    pre = w.columns < "2020"
    wt = _sc_weights(w.loc["SY0001", pre].to_numpy(), w.loc[donors, pre].to_numpy().T)
    gap = w.loc["SY0001"].to_numpy() - w.loc[donors].to_numpy().T @ wt
    got = loo[(loo["dropped_donor"] == top) & (loo["phase"] == "post")]["estimate"].iloc[0]
    assert got == pytest.approx(gap[~pre].mean(), abs=1e-9)
    post = noisy.summary().set_index("phase").loc["post"]
    sub = loo[loo["phase"] == "post"]["estimate"]
    assert (post["loo_min"], post["loo_max"]) == (sub.min(), sub.max())


def test_fit_ratio_max_is_checked():
    with pytest.raises(ParameterError, match=r"`fit_ratio_max` must be a number >= 1.*got 0.5"):
        synthetic_control(factor_panel(4, n_units=20), treated="SY0001", fit_ratio_max=0.5)


def test_augmented_sc_corrects_imbalance_and_recovers_the_effect():
    data = factor_panel(11, n_units=20, effect=-3.0, sd=0.5)  # SYNTHETIC DATA
    sc = synthetic_control(data, treated="SY0001").summary().set_index("phase")
    aug_res = synthetic_control(data, treated="SY0001", method="augmented")
    aug = aug_res.summary().set_index("phase")
    assert aug["method"].eq("augmented_synthetic_control").all()
    assert aug.loc["post", "estimate"] == pytest.approx(-3.0, abs=0.6)
    assert aug.loc["post", "rmspe_pre"] <= sc.loc["post", "rmspe_pre"] + 1e-12  # the ridge only removes imbalance
    assert aug_res.weights["weight"].sum() == pytest.approx(1.0)
    g = aug_res.gaps[aug_res.gaps["is_treated"]]
    w = data.pivot(index="region_code", columns="period", values="value")
    eff = aug_res.weights.set_index("donor")["weight"].reindex(w.index.drop("SY0001")).fillna(0)
    np.testing.assert_allclose(
        g["synthetic"], eff @ w.loc[eff.index], atol=1e-5
    )  # synthetic = effective weights x donors
    # an exact pre-fit leaves nothing to correct: both methods agree
    exact = factor_panel(8, n_units=15, sd=0.0)
    with pytest.warns(UserWarning):
        a = synthetic_control(exact, treated="SY0001", method="augmented").summary()["estimate"]
    with pytest.warns(UserWarning):
        b = synthetic_control(exact, treated="SY0001").summary()["estimate"]
    np.testing.assert_allclose(a, b, atol=1e-9)
    with pytest.raises(ParameterError, match="method"):
        synthetic_control(data, treated="SY0001", method="ridge")


def test_comparable_band_with_a_typical_fit():
    """A unit of typical pre-fit quality as 'treated' (SYNTHETIC): the band keeps some placebos and
    drops both the much better and the much worse fits."""
    res = synthetic_control(factor_panel(4, n_units=20, effect=-3.0), treated="SY0007", donors="all")
    post = res.summary().set_index("phase").loc["post"]
    comparable, me = by_hand(res, "post", 5.0, treated="SY0007")
    p = res.placebos[res.placebos["phase"] == "post"].set_index("unit").drop(index="SY0007")
    assert 1 < post["n_comparable"] == len(comparable) + 1 < len(p) + 1
    assert post["rank_post"] == 1 + (comparable["rmspe_post"] >= me["rmspe_post"]).sum()


def test_leave_one_period_out_pre_fit_check_by_hand(noisy):
    """rmspe_pre_cv: each pre-corona year predicted by weights fitted on the other seven."""
    data = factor_panel(4, n_units=20, effect=-3.0)
    w = data.pivot(index="region_code", columns="period", values="value")
    donors = [u for u in w.index if u != "SY0001"]
    pre = [c for c in w.columns if c < "2020"]
    errors = []
    for t in pre:
        rest = [c for c in pre if c != t]
        wt = _sc_weights(w.loc["SY0001", rest].to_numpy(), w.loc[donors, rest].to_numpy().T)
        errors.append(w.loc["SY0001", t] - w.loc[donors, t].to_numpy() @ wt)
    got = noisy.summary()["rmspe_pre_cv"]
    np.testing.assert_allclose(got, np.sqrt(np.mean(np.square(errors))), rtol=1e-10)
    assert (got > noisy.summary()["rmspe_pre"]).all()  # out of sample is worse than in sample
