"""Tests of cosie_analysis.estimate.multiverse: every specification, values equal to the single
estimators, scale invariance of the relative effect, and the specification curve."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.batch import batch_its
from cosie_analysis.estimate.comparison import diff_in_diff
from cosie_analysis.estimate.multiverse import MULTIVERSE_COLUMNS, multiverse
from cosie_analysis.estimate.pools import donor_pool
from cosie_analysis.estimate.sdid import synthetic_did
from cosie_analysis.estimate.synth import synthetic_control
from cosie_analysis.phases import assign_phase

try:
    from tests.synthetic import factor_panel
except ImportError:  # pragma: no cover
    from synthetic import factor_panel

POOLS = {"wide": {"urbanity_step": 4, "population_band": (0.01, 100.0)}, "close": {"population_band": (0.5, 2.0)}}


@pytest.fixture(scope="module")
def panel():
    """SYNTHETIC DATA: 12 units, -3 from 2020 for SY0001; the 'count' scale is 10 x the 'rate'."""
    rate = factor_panel(2, n_units=12, effect=-3.0)
    return pd.concat([rate, rate.assign(indicator="synthetic_count", value=10 * rate["value"])], ignore_index=True)


@pytest.fixture(scope="module")
def attrs():
    """SYNTHETIC attributes: one urbanity class; populations from 20,000 to 75,000."""
    codes = [f"SY{i + 1:04d}" for i in range(12)]
    return pd.DataFrame(
        {"region_code": codes, "urbanity": 3, "population": [40_000 + 5_000 * (i - 4) for i in range(12)]}
    )


@pytest.fixture(scope="module")
def mv(panel, attrs):
    before = panel.copy(deep=True)
    res = multiverse(
        panel,
        treated="SY0001",
        schemes=("measures", "support"),
        rules=("majority", "start"),
        pools=POOLS,
        attributes=attrs,
        scales={"rate": "synthetic_rate", "count": "synthetic_count"},
    )
    pd.testing.assert_frame_equal(panel, before)
    return res


def test_every_specification_once(mv):
    t = mv.summary()
    assert list(t.columns) == MULTIVERSE_COLUMNS
    # on yearly data both schemes put the same years in the same phases under either rule: one analysis,
    # one row. ITS: 2 rules x 2 families x 2 scales; comparisons: 4 estimators x 2 rules x 2 pools x 2 scales
    years = pd.Series([f"{y}JJ00" for y in range(2012, 2026)])  # the panel's years (factor_panel)
    for rule in ("majority", "start"):
        assert (assign_phase(years, "measures", rule) == assign_phase(years, "support", rule)).all()
    assert set(t["scheme"]) == {"measures = support"}
    assert len(t) == 8 + 32
    spec = ["estimator", "scheme", "rule", "family", "pool", "scale"]
    assert not t.duplicated(spec).any()
    assert set(t.loc[t["estimator"] == "its", "pool"]) == {"-"} and set(t.loc[t["estimator"] != "its", "family"]) == {
        "-"
    }
    assert t.loc[t["estimator"] == "its", "n_donors"].isna().all()  # no donors: a gap, not "0 donors"
    assert (t.loc[t["estimator"] != "its", "n_donors"] >= 2).all()


def test_schemes_that_split_the_periods_differently_stay_separate():
    """SYNTHETIC monthly periods: under 'start' the three schemes differ, under 'majority' two coincide."""
    from cosie_analysis.estimate.multiverse import _coinciding

    months = pd.Series([f"{y}MM{m:02d}" for y in range(2018, 2024) for m in range(1, 13)])
    schemes = ("measures", "support", "lifted")
    assert _coinciding(months, schemes, "start") == [["measures"], ["support"], ["lifted"]]
    together = _coinciding(months, schemes, "majority")
    for group in together:  # every group: the same phase for every month; different groups differ somewhere
        first = assign_phase(months, group[0], "majority")
        assert all((assign_phase(months, g, "majority") == first).all() for g in group)
    firsts = [tuple(assign_phase(months, g[0], "majority").astype(str)) for g in together]
    assert len(set(firsts)) == len(firsts) and sum(map(len, together)) == 3


def test_relative_effect_is_scale_free_for_linear_estimators(mv):
    t = mv.summary()
    lin = t[(t["estimator"] != "its") | (t["family"] == "gaussian")]
    w = lin.pivot_table(
        index=["estimator", "scheme", "rule", "family", "pool"], columns="scale", values=["estimate", "relative_effect"]
    )
    np.testing.assert_allclose(w[("estimate", "count")], 10 * w[("estimate", "rate")], rtol=1e-6)
    np.testing.assert_allclose(w[("relative_effect", "count")], w[("relative_effect", "rate")], rtol=1e-6)
    # the planted -3 is recovered by the synthetic-control family under the majority rule (DiD is not:
    # the treated unit follows a mix of factor loadings, not the donors' average trend)
    maj = t[
        (t["rule"] == "majority")
        & (t["scale"] == "rate")
        & t["estimator"].isin(["sc", "augmented_sc", "sdid"])
        & (t["pool"] == "wide")
    ]
    assert len(maj) == 3 and maj["estimate"].between(-3.5, -2.5).all()


def test_rows_equal_the_single_estimators(mv, panel, attrs):
    t = mv.summary().set_index(["estimator", "scheme", "rule", "family", "pool", "scale"])
    rate = panel[panel["indicator"] == "synthetic_rate"]
    pool = donor_pool(rate, "SY0001", attributes=attrs, **POOLS["close"])
    kw = dict(treated="SY0001", donors=pool, rule="start")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sc = synthetic_control(rate, **kw).summary().set_index("phase").loc["after"]
        sd = synthetic_did(rate, **kw).summary().set_index("phase").loc["after"]
        did = diff_in_diff(
            rate,
            treated="SY0001",
            donors=pool.loc[pool["kept"], "region_code"].tolist(),
            rule="start",
            n_permutations=10_000,
        ).summary()
        its = batch_its(rate, by=("region_code",), family="poisson", rule="start", progress=False).summary()
    row = t.loc[("sc", "measures = support", "start", "-", "close", "rate")]
    assert row["estimate"] == pytest.approx(sc["estimate"]) and row["n_donors"] == sc["n_donors"]
    assert row["p_value"] == pytest.approx(sc["p_value"] if sc["test_note"] == "" else sc["p_post"])
    row = t.loc[("sdid", "measures = support", "start", "-", "close", "rate")]
    assert (row["estimate"], row["ci_lower"], row["p_value"]) == pytest.approx(
        (sd["estimate"], sd["ci_lower"], sd["p_value"])
    )
    row = t.loc[("did", "measures = support", "start", "-", "close", "rate")]
    ref = did[(did["design"] == "twfe") & (did["term"] == "after")].iloc[0]
    treated = rate[rate["region_code"] == "SY0001"]  # diff_in_diff on logs: b in outcome units, as the others
    observed = treated.loc[(assign_phase(treated["period"], rule="start") == "after").to_numpy(), "value"].mean()
    assert (row["estimate"], row["p_value"]) == pytest.approx((-observed * np.expm1(-ref["estimate"]),
                                                               ref["p_permutation"]))
    row = t.loc[("its", "measures = support", "start", "poisson", "-", "rate")]
    ref = its[(its["region_code"] == "SY0001") & (its["term"] == "average_effect") & (its["phase"] == "after")].iloc[0]
    assert (row["estimate"], row["ci_upper"], row["p_value"]) == pytest.approx(
        (ref["estimate"], ref["ci_upper"], ref["p_value"])
    )
    before = rate[(rate["region_code"] == "SY0001") & (rate["period"] < "2021")][
        "value"
    ].mean()  # "start": 2020 is before
    assert row["before_mean"] == pytest.approx(before) and row["relative_effect"] == pytest.approx(
        row["estimate"] / before
    )


def test_specification_curve_draws_every_row(mv):
    fig = mv.plot(lang="en")
    top, bottom = fig.axes[:2]
    n_points = sum(len(c.get_offsets()) for c in top.collections if c.get_label().startswith("p "))
    assert n_points == len(mv.summary())
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert "estimator: synthetic DiD" in labels and "scale: count" in labels
    assert "phase scheme: measures = support" not in labels  # one value: no row for a choice not varied
    dutch = [t.get_text() for t in mv.plot(lang="nl").axes[1].get_yticklabels()]
    assert "methode: synthetische verschil-in-verschillen" in dutch and "schaal: aantal" in dutch
    assert not any(w in " ".join(dutch) for w in ("DiD", "ITS", "augmented", "support", "measures", "lifted"))
    from matplotlib.colors import to_rgb

    from cosie_analysis.style import region_style

    sig = [c for c in fig.axes[0].collections if c.get_label().startswith("p <")]
    assert len(sig) == 1 and np.allclose(sig[0].get_facecolor()[0, :3], to_rgb(region_style("highlight")["color"]))
    pd.testing.assert_series_equal(
        mv.plot_data()["relative_effect"],
        mv.summary()["relative_effect"].sort_values(ignore_index=True),
        check_names=False,
    )
    assert "40 specificaties" in mv.describe("nl") and "40 specifications" in mv.describe("en")
    from cosie_analysis.estimate.multiverse import _choice_label

    assert _choice_label("scheme", "measures = support", "nl") == "faseschema: maatregelen = steunregelingen"
    assert _choice_label("scheme", "measures = support", "en") == "phase scheme: measures = support"


def test_bad_choices_raise(panel, attrs):
    with pytest.raises(ParameterError, match="`estimators`.*'lasso'"):
        multiverse(panel, treated="SY0001", estimators=["lasso"], attributes=attrs)
    with pytest.raises(ParameterError, match="`pools`.*'tiny'"):
        multiverse(panel, treated="SY0001", pools=["tiny"], attributes=attrs)
    with pytest.raises(ParameterError, match="holds 2 indicators; pass `scales=`"):
        multiverse(panel, treated="SY0001", attributes=attrs)
    with pytest.raises(ParameterError, match=r"indicator\(s\) \['nope'\] not found"):
        multiverse(panel, treated="SY0001", scales={"x": "nope"}, attributes=attrs)


@pytest.mark.filterwarnings("ignore:.*only 1 treated unit")
def test_did_pools_match_diff_in_diff_default_and_all(panel, attrs):
    """The multiverse's "default" and "all" pools are diff_in_diff's default and donors="all"."""
    rate = panel[panel["indicator"] == "synthetic_rate"]
    small = attrs.assign(population=[40_000 if i < 6 else 200_000 for i in range(12)])  # SY0007..SY0012 too large
    res = multiverse(rate, treated="SY0001", estimators=["did"], schemes=("measures",), rules=("majority",),
                     pools=["default", "all"], attributes=small).summary().set_index("pool")
    assert res.loc["all", "pool_rule"] == "all units of the treated unit's region_level"
    assert res.loc["all", "n_donors"] == 11 and res.loc["default", "n_donors"] == 5
    every = diff_in_diff(rate, treated="SY0001", donors="all").summary().query("term == 'after'").iloc[0]
    # diff_in_diff works on logs: its coefficient b in outcome units is observed - observed * exp(-b)
    treated = rate[rate["region_code"] == "SY0001"]
    observed = treated.loc[(assign_phase(treated["period"]) == "after").to_numpy(), "value"].mean()
    assert every["scale"] == "log"
    assert res.loc["all", "estimate"] == pytest.approx(-observed * np.expm1(-every["estimate"]), rel=1e-9)
    row = res.loc["all"]
    assert row["relative_effect"] == pytest.approx(row["estimate"] / row["before_mean"])
    assert res.loc["all", "p_value"] == pytest.approx(every["p_permutation"])
    like = diff_in_diff(rate, treated="SY0001", donors=donor_pool(rate, "SY0001", attributes=small))
    b = like.summary().query("term == 'after'")["estimate"].iloc[0]
    assert res.loc["default", "estimate"] == pytest.approx(-observed * np.expm1(-b), rel=1e-9)


@pytest.mark.filterwarnings("ignore:.*only 1 treated unit")
def test_did_refuses_a_single_donor_as_diff_in_diff_does(panel, attrs):
    """A pool that keeps one donor: two units leave a permutation test nothing to reject with, so the
    multiverse refuses the DiD specification with diff_in_diff's words, not a p-value of 1."""
    rate = panel[panel["indicator"] == "synthetic_rate"]
    one = attrs.assign(population=[40_000 if i < 2 else 200_000 for i in range(12)])  # only SY0002 within band
    expected = r"needs at least 2 donor unit\(s\) with a complete series for DiD; found 1 \(pool rule: "
    with pytest.raises(ParameterError, match="diff_in_diff\\(\\) " + expected):
        diff_in_diff(rate, treated="SY0001", donors=donor_pool(rate, "SY0001", attributes=one))
    with pytest.raises(ParameterError, match="multiverse\\(\\) " + expected):
        multiverse(rate, treated="SY0001", estimators=["did"], schemes=("measures",), rules=("majority",),
                   pools=["default"], attributes=one)


def test_curve_legend_words(mv):
    fig = mv.plot(lang="nl")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["p ≥ 0,05", "p < 0,05"]
    fig = mv.plot(lang="en")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["p ≥ 0.05", "p < 0.05"]
