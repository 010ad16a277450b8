"""Finding data (indicators, select) and citing it (cite)."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from synthetic import monthly_series, yearly_panel

import cosie_analysis as ca
from cosie_analysis.errors import ParameterError

REGISTRY = {
    "tables": {
        "T1": {
            "publisher": "Politie, via CBS",
            "title": "Synthetic table one",
            "url": "https://example.org/T1",
            "licence": "CC BY 4.0",
            "modified": "2024-05-02T02:00:00",
            "accessed": "2026-01-15",
        },
        "T2": {"publisher": "CBS", "title": "Synthetic table two & more", "download": "https://example.org/T2"},
    }
}


@pytest.fixture
def obs():
    yearly = yearly_panel(seed=5, n_units=3).assign(source_table="T1")
    monthly = monthly_series(seed=5).assign(source_table="T2")
    monthly["region_level"] = "land"
    return pd.concat([yearly, monthly], ignore_index=True)


def test_indicators_match_an_independent_groupby(obs):
    before = obs.copy()
    table = ca.indicators(obs)
    pd.testing.assert_frame_equal(obs, before)
    assert table["indicator"].is_unique and len(table) == obs["indicator"].nunique()
    for row in table.itertuples():
        d = obs[obs["indicator"] == row.indicator]
        assert row.n_regions == d["region_code"].nunique()
        assert (row.first_period, row.last_period) == (d["period"].min(), d["period"].max())
        assert row.n_periods == d["period"].nunique()
        assert row.source_tables == ", ".join(sorted(d["source_table"].unique()))
        assert row.region_levels == ", ".join(sorted(d["region_level"].unique()))
        assert row.label_en == d["label_en"].iloc[0]


def test_select_picks_rows_and_suggests_near_matches(obs):
    one = ca.select(obs, indicator="synthetic_rate", region=["SY0001", "Synthetisch 02"], frequency="year")
    expected = obs[(obs["indicator"] == "synthetic_rate") & obs["region_code"].isin(["SY0001", "SY0002"])]
    pd.testing.assert_frame_equal(one, expected.reset_index(drop=True))
    assert list(one.columns) == list(obs.columns)
    with pytest.raises(
        ParameterError,
        match=r"`indicator`='synthetic_rat' is not in the data\. Did you mean "
        r"\['synthetic_rate', 'synthetic_counts'\]\?",
    ):
        ca.select(obs, indicator="synthetic_rat")
    # a word of the label rather than the id: the indicators whose Dutch or English label holds it
    labelled = obs.assign(label_en=obs["indicator"].map({"synthetic_rate": "Synthetic burglary per 1,000",
                                                         "synthetic_counts": "Synthetic thefts"}))
    with pytest.raises(ParameterError, match=r"`indicator`='BURGLARY' is not in the data\. Did you mean "
                                             r"\['synthetic_rate'\]\?"):
        ca.select(labelled, indicator="BURGLARY")
    with pytest.raises(ParameterError, match=r"`frequency`='monthly' is not in the data\. Did you mean \['month'\]"):
        ca.select(obs, frequency="monthly")
    with pytest.raises(
        ParameterError, match=r"`level`='wijk' is not in the data\. Known values: \['gemeente', 'land'\]"
    ):
        ca.select(obs, level="wijk")


def test_cite_every_format(obs):
    apa = ca.cite(obs, registry=REGISTRY).splitlines()
    assert apa == [
        "Politie, via CBS. (2024). Synthetic table one (Table T1) [Data set]. Licence: CC BY 4.0. "
        "Retrieved 2026-01-15, from https://example.org/T1",
        "CBS. (n.d.). Synthetic table two & more (Table T2) [Data set]. https://example.org/T2",
    ]
    csl = json.loads(ca.cite(obs, format="csl-json", registry=REGISTRY))
    assert [c["number"] for c in csl] == ["T1", "T2"] and csl[0]["type"] == "dataset"
    assert csl[0]["issued"] == {"date-parts": [[2024, 5, 2]]} and csl[0]["accessed"] == {"date-parts": [[2026, 1, 15]]}
    assert csl[0]["license"] == "CC BY 4.0" and "accessed" not in csl[1], "no access date is invented"
    bib = ca.cite(obs, format="bibtex", registry=REGISTRY)
    assert "@misc{Politie_T1," in bib and "urldate = {2026-01-15}" in bib and r"Synthetic table two \& more" in bib
    assert bib.count("@misc") == 2
    with pytest.raises(ParameterError, match=r"`format` must be one of \['apa', 'bibtex', 'csl-json'\]; got 'mla'"):
        ca.cite(obs, format="mla", registry=REGISTRY)


def test_cite_a_result_and_warn_for_unregistered_tables(obs):
    result = ca.phase_summary(obs[obs["source_table"] == "T1"], by=("region_code",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ca.cite(obs[obs["source_table"] == "T1"], registry=REGISTRY)
    with pytest.warns(UserWarning, match=r"\['synthetic'\] are not tables of the registry"):
        assert ca.cite(obs.assign(source_table="synthetic"), registry=REGISTRY) == ""
    # results that do not name their source tables cite nothing rather than something wrong, and say so
    with pytest.warns(UserWarning, match=r"cite\(\): the PhaseSummary passed names no source table .*"
                      r"Pass the observation rows the analysis read"):
        assert ca.cite(result, registry=REGISTRY) == ""


def test_every_registry_table_has_url_and_cites():
    from cosie_analysis.data.registry import load_registry

    tables = load_registry()["tables"]
    refs = ca.cite(format="csl-json")
    assert len(json.loads(refs)) == len(tables)
    assert all(t.get("url") or t.get("download") for t in tables.values())


def test_cite_follows_the_source_table_labels_of_manual_downloads():
    registry = {"tables": {
        "lbm9": {"source": "manual", "publisher": "Ministerie van BZK", "title": "Synthetic liveability table",
                 "download": "https://example.org/lbm", "source_tables": ["Leefbaarometer 9.0 (2099)"]},
        "kwb9": {"source": "manual", "publisher": "CBS", "title": "Synthetic district table", "table_id": "99999NED",
                 "download": "https://example.org/kwb", "source_tables": ["99999NED", "99999NED (kaart)"]},
    }}
    frame = pd.DataFrame({"source_table": ["Leefbaarometer 9.0 (2099)", "99999NED (kaart)", "99999NED"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every label resolves: no "not in the registry" warning
        text = ca.cite(frame, registry=registry)
    assert text.splitlines() == [
        "CBS. (n.d.). Synthetic district table (Table 99999NED) [Data set]. https://example.org/kwb",
        "Ministerie van BZK. (n.d.). Synthetic liveability table [Data set]. https://example.org/lbm",
    ]


def test_report_references_name_every_source():
    from cosie_analysis.report.build import _references

    lines = _references({"47018NED", "Leefbaarometer 3.0 (2022)", "85984NED (wijk- en buurtkaart 2024)", "qda",
                         "pilot register", "cosie_analysis/resources/corona_timeline.csv"})
    body = "\n".join(lines)
    assert "part of cosie-analysis" not in body
    assert "Ministerie van BZK. (n.d.). Leefbaarometer 3.0, meting 2022, scores per PC4 [Data set]." in body
    assert "(Table 85984NED)" in body and "(Table 47018NED)" in body
    assert "each event cites its own source in column `source_url`" in body
    assert "Pilot register: the pilot's own monitoring data, not public" in body
    assert len(lines) == 2 + 6 + 1  # heading, blank, one line per source, blank
