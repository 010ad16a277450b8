"""The ITS engine's shortcuts give what the plain computation gives (issue #11: one call in a few ms).

A call reads its columns once as arrays, assigns phases once per distinct period (remembered between
calls for CBS codes under a named scheme), builds the curves' frame on first use and copies the table
shallowly under copy-on-write. None of that may change a result, leak between calls or let a caller
change a result through what it returns.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.estimate.its import interrupted_time_series
from cosie_analysis.phases import assign_phase

try:  # run from the repository root (``python -m pytest``) or from tests/
    from tests.synthetic import monthly_series
except ImportError:  # pragma: no cover
    from synthetic import monthly_series


@pytest.fixture(scope="module")
def counts():
    """Synthetic Poisson counts with a planted 20 % drop during corona."""
    return monthly_series(11, family="poisson", drop_during=0.2)


def _phases_of_design(res) -> pd.Series:
    d = res.design()
    return pd.Series(d["phase"].to_numpy(), index=d["period"].to_numpy())


@pytest.mark.parametrize("scheme", ["measures", "support", "lifted"])
@pytest.mark.parametrize("rule", ["majority", "start", "end"])
def test_remembered_phases_follow_scheme_and_rule(counts, scheme, rule):
    # the same periods under every scheme and rule in turn: each call must use its own assignment
    interrupted_time_series(counts, family="poisson", scheme="measures", rule="majority")
    res = interrupted_time_series(counts, family="poisson", scheme=scheme, rule=rule)
    got = _phases_of_design(res)
    expected = assign_phase(pd.Series(got.index), scheme=scheme, rule=rule).astype(str).to_numpy()
    assert got.tolist() == expected.tolist()
    t = res.summary()
    assert set(t["phase_scheme"]) == {scheme} and set(t["phase_rule"]) == {rule}


def test_rule_exclude_warns_on_every_call(counts):
    for _ in range(2):  # not remembered: the second call warns too
        with pytest.warns(UserWarning, match="rule='exclude'"):
            interrupted_time_series(counts, family="poisson", rule="exclude")


def test_missing_rows_are_dropped_with_one_warning(counts):
    holed = counts.copy()
    holed.loc[[5, 40], "value"] = np.nan
    with pytest.warns(UserWarning, match=r"dropped 2 of 144 row\(s\) with a missing value"):
        a = interrupted_time_series(holed, family="poisson").summary()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = interrupted_time_series(holed.drop(index=[5, 40]), family="poisson").summary()
    pd.testing.assert_frame_equal(a, b)


def test_summary_and_plot_data_are_independent_copies(counts):
    res = interrupted_time_series(counts, family="poisson")
    first, curves = res.summary(), res.plot_data()
    t, p = res.summary(), res.plot_data()
    t.loc[:, "estimate"] = -1.0
    t.iloc[0, t.columns.get_loc("term")] = "changed"
    p.loc[:, "fitted"] = 0.0
    pd.testing.assert_frame_equal(res.summary(), first)
    pd.testing.assert_frame_equal(res.plot_data(), curves)
    assert (res.summary()["estimate"] != -1.0).all()


def test_curves_built_on_first_use_match_the_table(counts):
    res = interrupted_time_series(counts, family="poisson")
    curves = res.plot_data()
    assert len(curves) == len(counts)
    # the relative effect of "during" is the sum of fitted over the sum of counterfactual, minus 1
    during = curves[curves["phase"] == "during"]
    row = res.summary().query("term == 'relative_effect' and phase == 'during'").iloc[0]
    assert row["estimate"] == pytest.approx(during["fitted"].sum() / during["counterfactual"].sum() - 1, rel=1e-12)
    assert str(curves["phase"].dtype) == "category" and list(curves["phase"].cat.categories) == [
        "before", "during", "after"]


def test_input_index_labels_kept_in_design(counts):
    shuffled = counts.sample(frac=1.0, random_state=3).set_axis(np.arange(1000, 1000 + len(counts)))
    a = interrupted_time_series(counts, family="poisson").summary()
    res = interrupted_time_series(shuffled, family="poisson")
    pd.testing.assert_frame_equal(res.summary(), a)
    d = res.design()
    assert d["period"].is_monotonic_increasing
    assert shuffled.loc[d.index, "period"].tolist() == d["period"].tolist()


def test_negative_counts_name_the_series(counts):
    data = pd.concat([counts, counts.assign(indicator="synthetic_change", value=counts["value"] - 250.0)])
    with pytest.raises(Exception) as info:
        interrupted_time_series(data, family="poisson")
    assert str(info.value).startswith("family='poisson' needs counts >= 0 in `value`; found ")
    assert "'indicator': 'synthetic_change'" in str(info.value) and "family='gaussian'" in str(info.value)


def test_warnings_point_at_the_callers_line(counts):
    """A warning names the line of the user's call (a notebook cell), not a line inside the package."""
    years = np.arange(2012, 2026)
    yearly = pd.DataFrame({"region_code": "SY0001", "indicator": "synthetic", "period": [f"{y}JJ00" for y in years],
                           "value": 100.0 - 3 * (years - 2012) + np.random.default_rng(5).normal(0, 1, len(years))})
    holed = counts.copy()
    holed.loc[7, "value"] = np.nan
    calls = {
        "extrapolates the pre-corona trend": lambda: interrupted_time_series(yearly, trend="segmented"),
        "with a missing value": lambda: interrupted_time_series(holed, family="poisson"),
        "selects HAC errors": lambda: interrupted_time_series(counts, family="poisson", hac_lags=2),
    }
    for message, call in calls.items():
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            call()
        hits = [w for w in record if message in str(w.message)]
        assert hits and all(w.filename == __file__ for w in hits), (message, [w.filename for w in hits])
