"""Coverage of the observation table: values against an independent groupby, structure, the plot."""

from __future__ import annotations

import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.report.overview import PILOT_AREAS, compact_periods, coverage, plot_coverage

pytestmark = pytest.mark.realdata

COLUMNS = ["n_indicators", "n_regions", "first_period", "last_period", "n_periods", "n_missing_periods", "periods",
           "n_rows", "n_values", "share_provisional", "share_suppressed", "share_not_available"]


def test_coverage_matches_an_independent_groupby(observations):
    by = ["source_table", "indicator", "region_level", "frequency"]
    got = coverage(observations).set_index(by)
    g = observations.groupby(by, observed=True)
    expected = pd.DataFrame({
        "n_regions": g["region_code"].nunique(),
        "n_periods": g["period"].nunique(),
        "n_rows": g.size(),
        "n_values": g["value"].count(),
        "share_provisional": g["status"].apply(lambda s: (s == "provisional").mean()),
        "share_suppressed": g["status"].apply(lambda s: (s == "suppressed").mean()),
        "first_period": g.apply(lambda d: d.sort_values("period_start")["period"].iloc[0], include_groups=False),
    })
    assert list(got.columns) == COLUMNS
    assert len(got) == len(expected)
    for column in expected:
        pd.testing.assert_series_equal(got[column].sort_index(), expected[column].sort_index(),
                                       check_names=False, check_dtype=False, check_index_type=False)


def test_coverage_of_known_tables(observations):
    c = coverage(observations, by=("source_table", "region_level")).set_index(["source_table", "region_level"])
    burglary = c.loc[("47018NED", "gemeente")]
    assert (burglary["first_period"], burglary["last_period"], burglary["n_periods"]) == ("2012JJ00", "2025JJ00", 14)
    # 2024 and 2025 are provisional (at most 2 of 14 years; cells not available count apart)
    assert 0.13 < burglary["share_provisional"] <= 2 / 14
    provisional = coverage(observations[observations["status"] == "provisional"], by="source_table")
    assert provisional[["source_table", "periods"]].values.tolist() == [["47018NED", "2024–2025"]]
    lbm3 = c.loc[("Leefbaarometer 3.0 (2022)", "postcode4")]
    assert lbm3["periods"] == "2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022"
    assert lbm3["n_missing_periods"] == 21 - 8
    assert c.loc[("85984NED (wijk- en buurtkaart 2024)", "wijk"), "share_suppressed"] > 0


def test_coverage_regions_and_frequency_added(observations):
    c = coverage(observations, by="region_code", regions=list(PILOT_AREAS))
    assert set(c["region_code"]) == set(PILOT_AREAS)
    assert list(c.columns[:2]) == ["region_code", "frequency"]
    wijk = c[c["region_code"] == "WK035601"]
    # the wijk: Leefbaarometer 2.0 survey years and the 2024 wijk- en buurtkaart, nothing in between
    assert wijk["periods"].tolist() == ["2002, 2008, 2012, 2014, 2016, 2024"]


def test_coverage_leaves_input_unchanged(observations):
    before = observations.copy()
    coverage(observations.head(5000))
    pd.testing.assert_frame_equal(observations, before)


def test_coverage_bad_input(observations):
    with pytest.raises(ParameterError, match=r"coverage\(\): column\(s\) not found.*`by\[0\]`='nope'"):
        coverage(observations, by=("nope",))
    with pytest.raises(ParameterError, match=r"`regions` names code\(s\) \['GM9999'\] that are not in the table"):
        coverage(observations, regions=["GM9999"])
    with pytest.raises(ParameterError, match="no rows left"):
        coverage(observations.iloc[:0])
    with pytest.raises(ParameterError, match="must be a pandas DataFrame"):
        coverage(observations.to_dict())


def test_compact_periods():
    years = pd.to_datetime(["2015-01-01", "2016-01-01", "2017-01-01", "2024-01-01", "2016-01-01"])
    assert compact_periods(years, "year") == "2015–2017, 2024"
    months = pd.to_datetime(["2020-11-01", "2020-12-01", "2021-01-01", "2021-03-01"])
    assert compact_periods(months, "month") == "2020-11–2021-01, 2021-03"
    assert compact_periods(pd.to_datetime(["2020-04-01"]), "quarter") == "2020-Q2"


def test_plot_coverage(observations):
    data = observations[observations["source_table"].isin(["47018NED", "Leefbaarometer 3.0 (2022)"])]
    ax = plot_coverage(data, lang="en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Leefbaarometer 3.0 (2022) · yearly · n = 4,058 postcode areas",
                      "47018NED · yearly · n = 343 municipalities"]
    gids = [p.get_gid() for p in ax.patches if str(p.get_gid()).startswith("coverage:")]
    # 47018NED: one definitive run 2012-2023 and one provisional run 2024-2025; LBM3: 8 survey years, none consecutive
    assert gids.count("coverage:0:definitive") == 1
    assert gids.count("coverage:0:provisional") == 1
    assert gids.count("coverage:1:definitive") == len(["2002", "2008", "2012", "2014", "2016", "2018", "2020", "2022"])
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["definitive", "provisional"]
    ax_nl = plot_coverage(data, lang="nl")
    assert ax_nl.get_yticklabels()[1].get_text() == "47018NED · per jaar · n = 343 gemeenten"
