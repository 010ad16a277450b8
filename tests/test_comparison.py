"""Tests of cosie_analysis.estimate.comparison: synthetic_control and diff_in_diff."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.comparison import _sc_weights, diff_in_diff, synthetic_control

try:  # run from the repository root (``python -m pytest``) or from tests/
    from tests.synthetic import factor_panel, yearly_panel
except ImportError:  # pragma: no cover
    from synthetic import factor_panel, yearly_panel



@pytest.fixture(scope="module")
def factor():
    return factor_panel(4, n_units=20, effect=-3.0)


@pytest.fixture(scope="module")
def sc(factor):
    return synthetic_control(factor, treated="SY0001")


# --------------------------------------------------------------------------- synthetic control
def test_sc_weights_constraints_and_optimality():
    from scipy.optimize import minimize

    rng = np.random.default_rng(7)
    Y0 = rng.normal(10, 2, size=(8, 6))
    y1 = Y0 @ np.array([0.5, 0.3, 0.2, 0, 0, 0]) + rng.normal(0, 0.1, 8)
    w = _sc_weights(y1, Y0)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    ref = minimize(lambda v: np.sum((y1 - Y0 @ v) ** 2), np.full(6, 1 / 6), method="SLSQP", bounds=[(0, 1)] * 6,
                   constraints={"type": "eq", "fun": lambda v: v.sum() - 1}, options={"ftol": 1e-12})
    assert np.sum((y1 - Y0 @ w) ** 2) <= ref.fun + 1e-6
    np.testing.assert_allclose(w, ref.x, atol=1e-3)
    np.testing.assert_array_equal(w, _sc_weights(y1, Y0))  # deterministic


def test_sc_recovers_planted_effect_and_ranks_first(sc):
    t = sc.summary()
    post = t[t["phase"] == "post"].iloc[0]
    # tolerance +-0.5 around the planted -3 (noise sd 0.3, 6 post years)
    assert post["estimate"] == pytest.approx(-3.0, abs=0.5)
    assert post["rank"] == 1 and post["n_units"] == 20
    assert post["p_value"] == pytest.approx(1 / 20) and post["p_min"] == pytest.approx(1 / 20)
    assert post["rmspe_pre"] < 0.5
    assert list(t["phase"]) == ["during", "after", "post"]
    w = sc.weights
    assert w["weight"].sum() == pytest.approx(1.0) and (w["weight"] > 0).all()
    assert "SY0001" not in set(w["donor"])
    assert set(t["phase_scheme"]) == {"measures"} and set(t["phase_rule"]) == {"majority"}
    assert t[["std_err", "ci_lower", "ci_upper"]].isna().all().all()


def test_sc_gaps_and_permutation_p_by_hand(sc):
    g = sc.plot_data()
    me = g[g["is_treated"]]
    np.testing.assert_allclose(me["gap"], me["observed"] - me["synthetic"])
    pl = sc.placebos[sc.placebos["phase"] == "post"]
    r_tr = pl.loc[pl["unit"] == "SY0001", "rmspe_ratio"].iloc[0]
    others = pl.loc[pl["unit"] != "SY0001", "rmspe_ratio"]
    p = (1 + (others >= r_tr).sum()) / (len(others) + 1)
    assert sc.summary().query("phase == 'post'")["p_value"].iloc[0] == pytest.approx(p)
    assert g["unit"].nunique() == 20


def test_sc_null_unit_not_significant():
    data = factor_panel(5, n_units=20, effect=0.0)
    t = synthetic_control(data, treated="SY0001").summary()
    assert t.query("phase == 'post'")["p_value"].iloc[0] > 0.1


def test_sc_several_treated_donor_pool_and_region_level(factor):
    data = pd.concat([factor, factor[factor.region_code == "SY0002"].assign(region_code="NL00", region_level="land")])
    res = synthetic_control(data, treated=["SY0001", "SY0002"])
    t = res.summary()
    assert set(t["treated"]) == {"SY0001", "SY0002"} and set(t["n_units"]) == {19}  # NL00 and other treated out
    assert not {"SY0001", "SY0002", "NL00"} & set(res.weights["donor"])
    from statsmodels.stats.multitest import multipletests

    post = t[t.phase == "post"]
    np.testing.assert_allclose(post["p_adjusted"], multipletests(post["p_value"], method="holm")[1])
    with pytest.raises(ParameterError, match="pass `treated=`"):
        res.plot()
    ax = res.plot(treated="SY0002", kind="gaps")
    assert len(ax.get_lines()) >= 19


def test_sc_incomplete_units_dropped_with_warning(factor):
    data = factor.drop(index=factor.index[(factor.region_code == "SY0005") & (factor.period == "2013JJ00")])
    with pytest.warns(UserWarning, match="dropped 1 of 20 unit"):
        t = synthetic_control(data, treated="SY0001").summary()
    assert t["n_donors"].iloc[0] == 18


def test_sc_exact_fit_warns_and_ratios_stay_finite():
    data = factor_panel(8, n_units=15, sd=0.0)
    with pytest.warns(UserWarning, match="pre-period fit of SY0001 is exact"):
        res = synthetic_control(data, treated="SY0001")
    assert np.isfinite(res.placebos["rmspe_ratio"]).all()
    assert res.summary().query("phase == 'post'")["estimate"].iloc[0] == pytest.approx(-3.0, abs=1e-6)


def test_sc_errors_and_input_unchanged(factor):
    before = factor.copy(deep=True)
    res = synthetic_control(factor, treated="SY0001", donors=[f"SY{i:04d}" for i in range(2, 10)])
    pd.testing.assert_frame_equal(factor, before)
    assert res.summary()["n_donors"].iloc[0] == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.weights = None
    with pytest.raises(ParameterError, match=r"`treated`: unit code\(s\) \['GM0321'\] not found in the data"):
        synthetic_control(factor, treated="GM0321")
    with pytest.raises(ParameterError, match="2 values of column 'indicator'"):
        synthetic_control(pd.concat([factor, factor.assign(indicator="other")]), treated="SY0001")
    with pytest.raises(ParameterError, match="incomplete|lack values"):
        synthetic_control(factor[~((factor.region_code == "SY0001") & (factor.period == "2014JJ00"))], treated="SY0001")
    with pytest.raises(ParameterError, match="at least 2 donors"):
        synthetic_control(factor, treated="SY0001", donors=["SY0002"])


def test_sc_plot_and_describe(sc):
    ax = sc.plot()
    assert len(ax.get_lines()) >= 2
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["SY0001", "synthetische controle"]
    assert "permutatie-p = 0,050" in sc.describe("nl") or "permutatie-p = 0.050" in sc.describe("nl")
    assert "smallest possible p = 0.050" in sc.describe("en")


# ------------------------------------------------------------------------------- diff in diff
@pytest.fixture(scope="module")
def panel5():
    """Five treated units among 40, planted DiD effect +3 in every post year, noise sd 1."""
    treated = tuple(f"SY{i:04d}" for i in range(1, 6))
    return yearly_panel(21, n_units=40, treated=treated, effect=3.0), list(treated)


def test_did_recovers_plus3_and_equals_statsmodels(panel5):
    data, treated = panel5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # five treated units: no few-clusters warning
        res = diff_in_diff(data, treated=treated, scale="level")  # the planted effect is additive
    t = res.summary()
    post = t[(t.design == "twfe") & (t.term == "post")].iloc[0]
    # tolerance +-0.5 (standard error about 0.2 here)
    assert post["estimate"] == pytest.approx(3.0, abs=0.5)
    assert post["ci_lower"] < 3.0 < post["ci_upper"]
    assert post["p_permutation"] < 0.01 and post["n_treated"] == 5 and post["n_donors"] == 35
    # same numbers from a direct statsmodels fit on an independently built frame
    d = data.assign(unit=data["region_code"], year=data["period_start"].dt.year)
    d["treated_post"] = (d["unit"].isin(treated) & (d["year"] >= 2020)).astype(int)
    direct = smf.ols("value ~ treated_post + C(unit) + C(period)", d).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["unit"])[0]}, use_t=True)
    assert post["estimate"] == pytest.approx(direct.params["treated_post"], rel=1e-9)
    assert post["std_err"] == pytest.approx(direct.bse["treated_post"], rel=1e-9)
    # the permutation estimate of the actual assignment equals the TWFE coefficient
    perm0 = res.permutations.query("term == 'post' and assignment == 0")["estimate"].iloc[0]
    assert perm0 == pytest.approx(post["estimate"], rel=1e-9)


def test_did_event_study(panel5):
    data, treated = panel5
    res = diff_in_diff(data, treated=treated, scale="level")  # the planted effect is additive
    ev = res.plot_data("event")
    assert list(ev["relative_period"]) == list(range(-7, 7))
    ref = ev[ev["relative_period"] == 0].iloc[0]
    assert ref["period"] == "2019JJ00" and ref["estimate"] == 0
    post = ev[ev["relative_period"] > 0]
    assert post["estimate"].between(1.5, 4.5).all()
    assert (ev[ev["relative_period"] < 0]["estimate"].abs() < 1.5).all()
    ax = res.plot()
    assert len(ax.get_lines()) >= 2
    ax2 = res.plot(kind="paths", lang="en")
    assert [t.get_text() for t in ax2.get_legend().get_texts()][:2] == ["controls", "treated"]


def test_did_few_treated_warns_and_reports_permutation():
    data = yearly_panel(3, n_units=15, treated=("SY0001",), effect=3.0, sd=0.5)
    before = data.copy(deep=True)
    with pytest.warns(UserWarning, match=r"only 1 treated unit\(s\); cluster-robust standard errors are unreliable"):
        res = diff_in_diff(data, treated="SY0001")
    pd.testing.assert_frame_equal(data, before)
    t = res.summary()
    post = t[t.term == "post"].iloc[0]
    assert post["n_permutations"] == 15 and bool(post["permutation_exact"])
    assert post["p_permutation"] == pytest.approx(1 / 15)
    assert "permutation p" in res.describe("en") and "permutatie-p" in res.describe("nl")
    with pytest.warns(UserWarning, match="only 2 treated"):
        diff_in_diff(data, treated=["SY0001", "SY0002"])
    assert all(c.isidentifier() for c in t.columns)
    assert set(t["phase_scheme"]) == {"measures"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.models = {}


@pytest.mark.filterwarnings("ignore:.*only 1 treated unit")
def test_did_errors():
    data = yearly_panel(3, n_units=5)
    with pytest.raises(ParameterError, match=r"`cov_type` must be one of \['cluster', 'model'\]; got 'hac'"):
        diff_in_diff(data, treated="SY0001", cov_type="hac")
    with pytest.raises(ParameterError, match="`reference`"):
        diff_in_diff(data, treated="SY0001", reference="1999JJ00")
    with pytest.raises(ParameterError, match="n_permutations"):
        diff_in_diff(data, treated="SY0001", n_permutations=0)
    with pytest.raises(ParameterError, match="`unit`='gemeente'"):
        diff_in_diff(data, treated="SY0001", unit="gemeente")


def _did_by_means(data: pd.DataFrame, treated: str, donors: list[str]) -> float:
    """The TWFE coefficient on a balanced panel: the difference of the before/after mean differences."""
    d = data[data["region_code"].isin([treated, *donors])].assign(post=lambda x: x["period_start"].dt.year >= 2020)
    m = d.groupby([d["region_code"] == treated, "post"])["value"].mean()
    return (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])


@pytest.mark.filterwarnings("ignore:.*only 1 treated unit")
def test_did_explicit_donors_all_and_pool_frame():
    data = yearly_panel(5, n_units=12, treated=("SY0001",), effect=3.0)
    before = data.copy(deep=True)
    res = diff_in_diff(data, treated="SY0001", donors=["SY0004", "SY0002"], scale="level")  # additive effect
    pd.testing.assert_frame_equal(data, before)
    post = res.summary().query("term == 'post'").iloc[0]
    assert set(res.design["unit"]) == {"SY0001", "SY0002", "SY0004"} and post["n_donors"] == 2
    assert post["pool_rule"] == "requested donors" and res.pools is None
    assert post["estimate"] == pytest.approx(_did_by_means(data, "SY0001", ["SY0002", "SY0004"]), rel=1e-9)
    # "all": every other unit (synthetic codes have no attributes, so the default is the same here)
    every = diff_in_diff(data, treated="SY0001", donors="all", scale="level").summary()
    assert every["n_donors"].iloc[0] == 11
    assert (every["pool_rule"] == "all units of the treated unit's region_level").all()
    assert every.query("term == 'post'")["estimate"].iloc[0] == pytest.approx(
        _did_by_means(data, "SY0001", [f"SY{i:04d}" for i in range(2, 13)]), rel=1e-9)
    # a donor_pool() frame: its kept units and its rule; with two treated units the union of their pools
    from cosie_analysis.estimate.pools import donor_pool

    attrs = pd.DataFrame({"region_code": [f"SY{i:04d}" for i in range(1, 13)], "urbanity": 3,
                          "population": [10_000 * i for i in range(1, 13)]})
    frame = donor_pool(data, "SY0003", attributes=attrs)  # population 15,000-60,000: SY0002, SY0004, SY0005, SY0006
    res = diff_in_diff(data, treated="SY0003", donors=frame)
    assert set(res.design["unit"]) == {"SY0002", "SY0003", "SY0004", "SY0005", "SY0006"}
    assert (res.summary()["pool_rule"] == "urbanity±1; population×0.5–2; no Wadden islands").all()
    pd.testing.assert_frame_equal(res.pools, frame)
    two = pd.concat([frame, donor_pool(data, "SY0010", attributes=attrs)], ignore_index=True)  # SY0005..SY0012
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # two treated units
        res = diff_in_diff(data, treated=["SY0003", "SY0010"], donors=two)
    union = [f"SY{i:04d}" for i in (2, 4, 5, 6, 7, 8, 9, 11, 12)]
    assert sorted(set(res.design["unit"]) - {"SY0003", "SY0010"}) == union
    # the old keyword still works
    with pytest.warns(DeprecationWarning, match="now called `donors=`"):
        old = diff_in_diff(data, treated="SY0001", controls=["SY0002", "SY0004"])
    assert old.summary()["n_donors"].iloc[0] == 2
    with pytest.raises(ParameterError, match=r"`donors`: unit code\(s\) \['SY0O02'\] not found.*mean \['SY0002'"):
        diff_in_diff(data, treated="SY0001", donors=["SY0O02"])


@pytest.mark.realdata
@pytest.mark.parametrize("treated", ["GM0321", "GM0356"])
def test_real_did_default_pool_is_the_like_with_like_rule(observations, use_real_data, treated):
    from cosie_analysis.estimate.pools import donor_pool, municipality_attributes

    d = observations[(observations["indicator"] == "crime_1_1_1_per_1000") & (observations["frequency"] == "year")
                     & (observations["region_level"] == "gemeente")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one treated unit; units without a complete series
        res = diff_in_diff(d, treated=treated)
    donors = set(res.design["unit"]) - {treated}
    # independently from the attribute table: urbanity within one class, population 0.5-2x, no Wadden
    # island (by name), a value in every year
    a = municipality_attributes().set_index("region_code")
    me = a.loc[treated]
    islands = set(a.index[a["region_name"].isin(["Texel", "Vlieland", "Terschelling", "Ameland", "Schiermonnikoog"])])
    counts = d.dropna(subset=["value"]).groupby("region_code")["period"].nunique()
    complete = set(counts.index[counts == d["period"].nunique()])
    expected = {u for u in complete & set(a.index) if u != treated and u not in islands
                and abs(a.loc[u, "urbanity"] - me["urbanity"]) <= 1
                and 0.5 * me["population"] <= a.loc[u, "population"] <= 2 * me["population"]}
    assert donors == expected and len(islands) == 5
    pool = donor_pool(d, treated)
    assert donors == set(pool.loc[pool["kept"], "region_code"])
    t = res.summary()
    assert (t["n_donors"] == len(donors)).all() and "GM0363" not in donors  # not Amsterdam
    assert (t["pool_rule"] == "urbanity±1; population×0.5–2; no Wadden islands").all()
    pd.testing.assert_frame_equal(res.pools, pool)
    assert res.describe("nl").endswith(
        f"Donorkeuze: stedelijkheid ±1; inwonertal ×0,5–2; geen Waddeneilanden ({len(donors)} donors).")
    assert res.describe("en").endswith(
        f"Donor pool: urbanity±1; population×0.5–2; no Wadden islands ({len(donors)} donors).")


@pytest.mark.realdata
def test_real_did_all_is_every_municipality(observations, use_real_data):
    d = observations[(observations["indicator"] == "crime_1_1_1_per_1000") & (observations["frequency"] == "year")
                     & (observations["region_level"] == "gemeente")]
    # a small real panel (fast): Houten, Amsterdam, Schiermonnikoog, Nieuwegein and IJsselstein
    units = {"GM0321", "GM0363", "GM0088", "GM0356", "GM0353"}
    sub = d[d["region_code"].isin(units)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        every = diff_in_diff(sub, treated="GM0321", donors="all", scale="level")  # Schiermonnikoog has zeros
        default = diff_in_diff(sub, treated="GM0321")
    assert set(every.design["unit"]) == units and every.pools is None
    assert (every.summary()["pool_rule"] == "all units of the treated unit's region_level").all()
    assert set(default.design["unit"]) == {"GM0321", "GM0356", "GM0353"}  # Amsterdam and Schiermonnikoog left out
    assert default.pools.set_index("region_code")["reason"].to_dict() == {
        "GM0321": "treated", "GM0088": "island", "GM0353": "kept", "GM0356": "kept", "GM0363": "population"}
    with pytest.raises(ParameterError, match=r"needs at least 2 donor.*found 1 \(pool rule: urbanity±1.*donors='all'"):
        diff_in_diff(sub[sub["region_code"] != "GM0356"], treated="GM0321")

@pytest.mark.realdata
@pytest.mark.parametrize("treated", ["GM0321", "GM0356"])
def test_real_synthetic_control_burglary_per_1000(observations, treated):
    obs = observations
    d = obs[(obs["indicator"] == "crime_1_1_1_per_1000") & (obs["frequency"] == "year")
            & (obs["region_level"] == "gemeente")]
    if treated not in set(d["region_code"]):
        pytest.skip(f"{treated} not in the yearly burglary rates")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # municipalities without a complete series
        res = synthetic_control(d, treated=treated)
    post = res.summary().query("phase == 'post'").iloc[0]
    assert post["n_donors"] > 50 and "urbanity" in post["pool_rule"]  # the default pool rule (estimate/pools.py)
    assert post["p_min"] == pytest.approx(1 / (post["n_donors"] + 1))
    if post["test_note"] == "exact_pre_fit":  # no degenerate ratio p-value, nor the ratio and rank behind it
        assert np.isnan([post["p_value"], post["rmspe_ratio"], post["rank"]]).all()
    else:
        assert 0 < post["p_value"] <= 1
    assert 0 < post["p_post"] <= 1
