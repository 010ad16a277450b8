"""Tests of cosie_analysis.estimate.pools: donor_pool and the donor checks of the estimators."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.pools import (
    POOL_COLUMNS,
    POOL_REASONS,
    WADDEN_ISLANDS,
    donor_pool,
)
from cosie_analysis.estimate.synth import synthetic_control
from cosie_analysis.words import WORDS

try:
    from tests.synthetic import factor_panel
except ImportError:  # pragma: no cover
    from synthetic import factor_panel


@pytest.fixture(scope="module")
def panel():
    """SYNTHETIC DATA: 20 units, 14 years."""
    return factor_panel(3, n_units=20)


@pytest.fixture(scope="module")
def attrs(panel):
    """SYNTHETIC attributes: urbanity 1-5 and populations around the treated unit's 40,000."""
    codes = sorted(panel["region_code"].unique())
    urb = [3, 1, 2, 3, 4, 5, 3, 2, 4, 3, 3, 1, 5, 2, 3, 4, 3, 3, 2, 4]
    pop = [
        40_000,
        30_000,
        19_999,
        20_000,
        80_000,
        80_001,
        50_000,
        60_000,
        45_000,
        1_500,
        90_000,
        35_000,
        41_000,
        42_000,
        43_000,
        44_000,
        25_000,
        70_000,
        30_000,
        39_000,
    ]
    return pd.DataFrame(
        {"region_code": codes, "region_name": [f"Synthetic {c}" for c in codes], "urbanity": urb, "population": pop}
    )


def expected_reason(row, me, step=1, band=(0.5, 2.0)) -> str:
    """Independent statement of the default rule."""
    if row.region_code == me.region_code:
        return "treated"
    if abs(row.urbanity - me.urbanity) > step:
        return "urbanity"
    if not band[0] * me.population <= row.population <= band[1] * me.population:
        return "population"
    return "kept"


def test_default_rule_reasons_match_an_independent_statement(panel, attrs):
    before = (panel.copy(deep=True), attrs.copy(deep=True))
    pool = donor_pool(panel, "SY0001", attributes=attrs)
    me = attrs.iloc[0]
    want = [expected_reason(r, me) for r in attrs.itertuples()]
    assert pool["reason"].tolist() == want
    assert pool["kept"].tolist() == [w == "kept" for w in want]
    assert list(pool.columns) == POOL_COLUMNS
    assert pool["pool_rule"].unique().tolist() == ["urbanity±1; population×0.5–2; no Wadden islands"]
    assert pool.attrs["pool_rule"] == pool["pool_rule"].iloc[0]
    # the boundaries of the band are included: 20,000 = 0.5 x 40,000 kept, 19,999 not (urbanity 2 is within 1)
    assert pool.set_index("region_code").loc[["SY0003", "SY0004"], "reason"].tolist() == ["population", "kept"]
    pd.testing.assert_frame_equal(panel, before[0])
    pd.testing.assert_frame_equal(attrs, before[1])


def test_every_reason_has_words_in_both_languages():
    for lang in ("nl", "en"):
        assert all(f"pool_reason_{r}" in WORDS[lang] for r in POOL_REASONS)


def test_islands_exclude_include_and_options(panel, attrs):
    renamed = {"SY0007": "GM0088"}  # give one unit a Wadden island's code (SYNTHETIC)
    p2, a2 = panel.replace({"region_code": renamed}), attrs.replace({"region_code": renamed})
    pool = donor_pool(p2, "SY0001", attributes=a2).set_index("region_code")
    assert pool.loc["GM0088", "reason"] == "island"
    assert (
        donor_pool(p2, "SY0001", attributes=a2, islands=True).set_index("region_code").loc["GM0088", "reason"] == "kept"
    )
    ex = donor_pool(panel, "SY0001", attributes=attrs, exclude=["SY0007"]).set_index("region_code")
    assert ex.loc["SY0007", "reason"] == "excluded"
    wide = donor_pool(panel, "SY0001", attributes=attrs, urbanity_step=2, population_band=(0.01, 100))
    assert wide["kept"].sum() == sum(abs(u - 3) <= 2 for u in attrs["urbanity"][1:])
    inc = donor_pool(panel, "SY0001", attributes=attrs, include=["SY0005", "SY0006"])
    assert inc.loc[inc["kept"], "region_code"].tolist() == ["SY0005", "SY0006"]
    assert set(inc["reason"]) == {"treated", "requested", "not_requested"}
    assert inc["pool_rule"].iloc[0] == "requested donors"


def test_nearest_keeps_the_k_closest_pre_period_paths(panel, attrs):
    pool = donor_pool(panel, "SY0001", attributes=attrs, nearest=3)
    passing = [r.region_code for r in attrs.itertuples() if expected_reason(r, attrs.iloc[0]) == "kept"]
    # independent distance: standardise each pre-corona year (2012-2019) over treated + passing units
    w = panel[panel["period"] < "2020"].pivot(index="region_code", columns="period", values="value")
    w = w.loc[["SY0001", *passing]]
    z = (w - w.mean()) / w.std(ddof=0)
    dist = np.sqrt(((z - z.loc["SY0001"]) ** 2).sum(axis=1)).drop("SY0001")
    got = pool.set_index("region_code")
    np.testing.assert_allclose(got.loc[passing, "distance"], dist.loc[passing], rtol=1e-12)
    assert sorted(got.index[got["kept"]]) == sorted(dist.sort_values().index[:3])
    assert (got.loc[dist.sort_values().index[3:], "reason"] == "not_nearest").all()


def test_bad_arguments_raise_with_the_fix(panel, attrs):
    with pytest.raises(ParameterError, match=r"`include`.*\['SY0O02'\] not found.*did you mean \['SY0002'"):
        donor_pool(panel, "SY0001", attributes=attrs, include=["SY0O02"])
    with pytest.raises(ParameterError, match=r"`like` names \['province'\], but `attributes` has no such column"):
        donor_pool(panel, "SY0001", attributes=attrs, like=["urbanity", "province"])
    with pytest.raises(ParameterError, match="column is empty in `attributes`.*live fetch"):
        donor_pool(panel, "SY0001", attributes=attrs.assign(province=pd.NA), like=["province"])
    with pytest.raises(ParameterError, match=r"`population_band` must satisfy 0 <= low < 1 < high"):
        donor_pool(panel, "SY0001", attributes=attrs, population_band=(2, 3))
    with pytest.raises(ParameterError, match="`treated`.*'SY9999'"):
        donor_pool(panel, "SY9999", attributes=attrs)
    with pytest.raises(ParameterError, match="one row per region_code"):
        donor_pool(panel, "SY0001", attributes=pd.concat([attrs, attrs]))


def test_synthetic_control_checks_requested_donors(panel, attrs):
    with pytest.raises(
        ParameterError, match=r"`donors`: unit code\(s\) \['SY0O03'\] not found.*did you mean \['SY0003'"
    ):
        synthetic_control(panel, treated="SY0001", donors=["SY0002", "SY0O03"])
    gap = panel[~((panel.region_code == "SY0004") & (panel.period == "2013JJ00"))]
    with (
        pytest.warns(UserWarning, match="dropped 1 of 20 unit"),
        pytest.raises(ParameterError, match=r"requested donor\(s\) \['SY0004'\] lack a value for some periods"),
    ):
        synthetic_control(gap, treated="SY0001", donors=["SY0002", "SY0003", "SY0004"])
    # a donor_pool frame is used as given, and its rule travels into the result
    pool = donor_pool(panel, "SY0001", attributes=attrs)
    res = synthetic_control(panel, treated="SY0001", donors=pool)
    t = res.summary()
    assert t["n_donors"].iloc[0] == pool["kept"].sum()
    assert set(res.weights["donor"]) <= set(pool.loc[pool["kept"], "region_code"])
    assert (t["pool_rule"] == pool.attrs["pool_rule"]).all()
    # without attributes for the codes (synthetic units) the default is every unit of the level
    assert (
        synthetic_control(panel, treated="SY0001").summary()["pool_rule"]
        == "all units of the treated unit's region_level"
    ).all()


@pytest.mark.realdata
def test_real_wadden_codes_and_default_pools(observations, use_real_data):
    from cosie_analysis.estimate.pools import municipality_attributes

    attrs = municipality_attributes().set_index("region_code")
    assert {c: attrs.loc[c, "region_name"] for c in WADDEN_ISLANDS} == WADDEN_ISLANDS
    d = observations[observations["indicator"] == "crime_1_1_1_per_1000"]
    for town in ("GM0321", "GM0356"):
        pool = donor_pool(d, town)
        kept = pool[pool["kept"]]
        me = attrs.loc[town]
        assert len(kept) > 50
        assert not set(kept["region_code"]) & set(WADDEN_ISLANDS)
        assert (kept["population"] >= 0.5 * me["population"]).all() and (kept["population"] > 10_000).all()
        assert ((kept["urbanity"] - me["urbanity"]).abs() <= 1).all()
        assert set(pool.loc[pool["region_code"].isin(list(WADDEN_ISLANDS)), "reason"]) == {"island"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            res = synthetic_control(d, treated=town)
        assert set(res.weights["donor"]) <= set(kept["region_code"])


def test_unknown_treated_code_gets_its_swap_or_its_name():
    from cosie_analysis._checks import check_known
    from cosie_analysis.errors import ParameterError

    known = ["GM0321", "GM0335", "GM0345", "GM0355", "GM0356"]  # codes only, no data
    with pytest.raises(ParameterError, match=r"'GM0365': did you mean \['GM0356', 'GM0335', 'GM0345'\]"):
        check_known(["GM0365"], known, "treated")
    with pytest.raises(ParameterError, match=r"'nieuwegein': that is a name; its code is 'GM0356'"):
        check_known(["nieuwegein"], known, "treated", names={"GM0356": "Nieuwegein", "GM0321": "Houten"})
    with pytest.raises(ParameterError, match=r"'XX9999': none close"):
        check_known(["XX9999"], known, "treated")
    check_known(["GM0321"], known, "treated")  # a known code passes
