"""The build with live-only tables present: a fake CBS serves SYNTHETIC releases (invented values) of
the 70072NED benefits block, one KWB edition and the 47018NED wijk rows; the build maps them to
indicators, on today's borders, with rates per 1,000."""

from __future__ import annotations

import pandas as pd
import pytest

try:
    from tests.test_fetch_live_only import FakeCBS, benefits_release
except ImportError:  # pragma: no cover - run from inside tests/
    from test_fetch_live_only import FakeCBS, benefits_release

from cosie_analysis.data.fetch import fetch
from cosie_analysis.observations import build_observations
from cosie_analysis.paths import REGISTRY_PATH

pytestmark = pytest.mark.realdata

KWB_CODES = {"GM0321": (50000, 700), "GM0501": (17000, 300), "GM0530": (40000, 900), "GM0614": (15000, 200),
             "WK035601": (9000, 400), "WK035602": (6000, 100)}  # synthetic (inhabitants, bijstand persons)


def kwb_release() -> dict:
    props = [{"ID": 0, "ParentID": None, "Type": "GeoDimension", "Key": "WijkenEnBuurten",
              "Title": "Wijken en buurten"},
             {"ID": 1, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Bevolking"},
             {"ID": 2, "ParentID": 1, "Type": "Topic", "Key": "AantalInwoners_5", "Title": "Aantal inwoners",
              "Unit": "aantal"},
             {"ID": 3, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Sociale zekerheid"},
             {"ID": 4, "ParentID": 3, "Type": "Topic", "Key": "PersonenPerSoortUitkeringBijstand_79",
              "Title": "Bijstand", "Unit": "aantal"},
             {"ID": 5, "ParentID": 3, "Type": "Topic", "Key": "PersonenPerSoortUitkeringAO_80", "Title": "AO",
              "Unit": "aantal"},
             {"ID": 6, "ParentID": 3, "Type": "Topic", "Key": "PersonenPerSoortUitkeringWW_81", "Title": "WW",
              "Unit": "aantal"}]
    rows = [{"ID": i, "WijkenEnBuurten": code.ljust(10), "AantalInwoners_5": inh,
             "PersonenPerSoortUitkeringBijstand_79": bij, "PersonenPerSoortUitkeringAO_80": None,
             "PersonenPerSoortUitkeringWW_81": bij // 2}
            for i, (code, (inh, bij)) in enumerate(KWB_CODES.items())]
    return {"info": {"Title": "Kerncijfers wijken en buurten 2019", "Modified": "2022-01-01T00:00:00"},
            "properties": props, "rows": rows}


def crime_release() -> dict:
    props = [{"ID": 0, "ParentID": None, "Type": "Topic", "Key": "GeregistreerdeMisdrijven_1",
              "Title": "Geregistreerde misdrijven", "Unit": "aantal"}]
    rows = [{"ID": i, "SoortMisdrijf": key, "WijkenEnBuurten": wk.ljust(10), "Perioden": "2019JJ00",
             "GeregistreerdeMisdrijven_1": n}
            for i, (key, wk, n) in enumerate(
                [("1.1.1", "WK035601", 18), ("1.1.1", "WK035602", 3), ("0.0.0", "WK035601", 450)])]
    return {"info": {"Title": "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers",
                     "Modified": "2025-03-01"},
            "properties": props, "rows": rows}


@pytest.fixture(scope="module")
def live_obs(mirror, tmp_path_factory):
    data = tmp_path_factory.mktemp("live")
    registry = data / "registry.json"
    registry.write_bytes(REGISTRY_PATH.read_bytes())
    fetch(offline=True, mirror=mirror, raw=data / "raw", registry_path=registry, progress=False)
    release = benefits_release(152, codes=("GM0321", "GM0501", "GM0530", "GM0614"), years=range(2018, 2023))
    release["rows"] += [{"ID": 900, "RegioS": "GM1992", "Perioden": "2023JJ00", "BijstandTotDeAOWLeeftijd_152": 0.8,
                         "BijstandGerelateerdTotAOWLeeftijd_153": 1.0, "Werkloosheid_154": 0.5,
                         "UitkeringsontvangersTotaal_155": 6.0}]
    session = FakeCBS({"70072NED": release, "84583NED": kwb_release(), "47018NED": crime_release()})
    outcome = fetch(offline=False, tables=["70072NED_uitkeringen", "84583NED", "47018NED_wijken"], raw=data / "raw",
                    registry_path=registry, session=session, progress=False)
    assert set(outcome.values()) == {"live, first use"}
    build_observations(raw=data / "raw", processed=data / "processed", registry_path=registry)
    return pd.read_parquet(data / "processed" / "observations.parquet")


def _value(obs, indicator, region, period):
    row = obs[(obs["indicator"] == indicator) & (obs["region_code"] == region) & (obs["period"] == period)]
    assert len(row) == 1, (indicator, region, period)
    return row.iloc[0]


def test_benefits_block_in_persons_on_today_borders(live_obs):
    houten = _value(live_obs, "bijstand_persons", "GM0321", "2018JJ00")
    assert houten["value"] == pytest.approx(1.3 * 1000)  # served as 1.3 in "x 1 000"
    assert houten["source_key"] == "bijstand_below_aow=BijstandTotDeAOWLeeftijd_152"
    voorne = _value(live_obs, "bijstand_persons", "GM1992", "2018JJ00")
    assert voorne["value"] == pytest.approx((2.3 + 3.3 + 4.3) * 1000)
    assert voorne["source_key"].endswith("on today's borders: sum of GM0501+GM0530+GM0614")
    assert not (live_obs["region_code"].eq("GM0501") & live_obs["indicator"].eq("bijstand_persons")).any()
    rate = _value(live_obs, "bijstand_persons_per_1000", "GM0321", "2018JJ00")
    pop = _value(live_obs, "population", "GM0321", "2018JJ00")["value"]
    assert rate["value"] == pytest.approx(1300 / pop * 1000)


def test_kwb_edition_extends_the_2024_series(live_obs):
    got = _value(live_obs, "kwb_bijstand_persons", "WK035601", "2019JJ00")
    assert got["value"] == 400 and got["source_table"] == "84583NED"
    per = _value(live_obs, "kwb_bijstand_persons_per_1000", "WK035601", "2019JJ00")
    assert per["value"] == pytest.approx(400 / 9000 * 1000)
    assert _value(live_obs, "kwb_bijstand_persons", "GM1992", "2019JJ00")["value"] == 300 + 900 + 200
    assert set(live_obs.loc[live_obs["indicator"] == "kwb_bijstand_persons", "period"]) == {"2019JJ00", "2024JJ00"}
    ao = _value(live_obs, "kwb_ao_persons", "GM0321", "2019JJ00")
    assert pd.isna(ao["value"]) and ao["status"] == "not available"


def test_wijk_crime_and_its_rate(live_obs):
    burglary = _value(live_obs, "crime_1_1_1", "WK035601", "2019JJ00")
    assert burglary["value"] == 18 and burglary["region_level"] == "wijk"
    assert _value(live_obs, "crime_0_0_0", "WK035601", "2019JJ00")["value"] == 450
    assert _value(live_obs, "crime_1_1_1_per_1000", "WK035601", "2019JJ00")["value"] == pytest.approx(18 / 9000 * 1000)
