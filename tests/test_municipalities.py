"""ca.municipalities(): one row per municipality on today's borders, values against the raw files."""

from __future__ import annotations

import pandas as pd
import pytest

import cosie_analysis as ca
from cosie_analysis.errors import ParameterError
from cosie_analysis.municipality_table import MUNICIPALITY_COLUMNS

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def table(real_data_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("COSIE_DATA_DIR", str(real_data_dir))
    with pytest.warns(UserWarning, match=r"85755NED .*fetch --live|fetch --live.*85755NED"):
        out = ca.municipalities(lang="en")
    mp.undo()
    return out


def test_one_row_per_municipality_with_documented_columns(table):
    assert list(table.columns) == MUNICIPALITY_COLUMNS
    assert len(table) == table["region_code"].nunique() == 342
    assert table["region_code"].str.fullmatch(r"GM\d{4}").all()
    assert str(table["urbanity"].dtype) == "Int64" and set(table["urbanity"].dropna()) <= {1, 2, 3, 4, 5}
    assert (table["population_year"] == 2025).all()


def test_values_equal_the_raw_files(table, mirror):
    kwb = pd.read_csv(mirror / "cbs" / "wijkenbuurtenkaart2024" / "gemeenten.csv", dtype={"water": str})
    kwb = kwb[kwb["water"] != "JA"].set_index("gemeentecode")
    ours = table.set_index("region_code")
    assert ours.loc["GM0321", "region_name"] == "Houten"
    for code in ("GM0321", "GM0356", "GM1992"):
        assert ours.loc[code, "urbanity"] == kwb.loc[code, "stedelijkheid_adressen_per_km2"]
        assert ours.loc[code, "address_density"] == kwb.loc[code, "omgevingsadressendichtheid"]
        assert ours.loc[code, "land_area_km2"] == pytest.approx(kwb.loc[code, "oppervlakte_land_in_ha"] / 100)
    pop = pd.read_csv(mirror / "cbs" / "70072NED" / "data.csv").set_index(["RegioS", "Perioden"])
    value = pop["GemiddeldAantalInwonersOfTotaleBevolking"]
    assert ours.loc["GM0356", "population"] == value[("GM0356", "2025JJ00")]
    assert ours.loc["GM0356", "population_note"] == ""


def test_an_earlier_year_is_on_today_borders(real_data_dir, mirror, monkeypatch):
    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    with pytest.warns(UserWarning):
        m2012 = ca.municipalities(2012).set_index("region_code")
    pop = pd.read_csv(mirror / "cbs" / "70072NED" / "data.csv").set_index(["RegioS", "Perioden"])
    value = pop["GemiddeldAantalInwonersOfTotaleBevolking"]
    expected = sum(value[(c, "2012JJ00")] for c in ("GM0501", "GM0530", "GM0614"))
    assert m2012.loc["GM1992", "population"] == expected
    assert m2012.loc["GM1992", "population_note"] == "on today's borders: sum of GM0501+GM0530+GM0614"
    assert pd.isna(m2012.loc["GM0855", "population"])
    assert "Haaren" in m2012.loc["GM0855", "population_note"]


def test_offline_province_columns_are_present_and_empty(table):
    assert table["province"].isna().all() and table["labour_market_region"].isna().all()
    assert table.attrs["missing"] == ["province", "labour_market_region"]
    assert "needs a live fetch" in table.attrs["sources"]["province, labour_market_region"]


def test_a_year_without_population_is_refused(use_real_data):
    with pytest.raises(ParameterError, match=r"year=1990: there is no population for that year\. .*2012-2025"):
        ca.municipalities(1990)
