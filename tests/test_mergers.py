"""The merger table and harmonisation onto today's borders: synthetic counts with known sums, the
resource's shape, and (with the mirror) every whole merger checked against the population."""

from __future__ import annotations

import pandas as pd
import pytest

from cosie_analysis.data.mergers import (
    MERGER_COLUMNS,
    harmonise,
    load_mergers,
    population_continuity,
    successor,
)


def _rows(codes_periods_values, indicator="synthetic_count"):
    """Synthetic observation rows (invented values) for harmonise()."""
    codes, periods, values = zip(*codes_periods_values, strict=True)
    return pd.DataFrame({"indicator": indicator, "region_code": list(codes), "period": list(periods),
                         "value": list(values), "status": "definitive", "source_table": "synthetic",
                         "source_key": "k"})


def test_resource_shape_and_the_codes_that_disappear():
    m = load_mergers()
    assert list(m.columns) == MERGER_COLUMNS
    assert set(m["kind"]) == {"whole", "partial", "code change"}
    assert m["old_code"].nunique() == 99  # the codes of 70072NED 2012-2022 that are gone by 2023
    assert m["source_url"].str.startswith("https://www.cbs.nl/").all()
    assert m["verified"].str.len().gt(0).all()
    # each divided municipality lists two or more receivers; a whole merger exactly one successor
    per_old = m.groupby("old_code")["kind"].agg(["first", "size"])
    assert (per_old.loc[per_old["first"] == "partial", "size"] >= 2).all()
    assert (per_old.loc[per_old["first"] != "partial", "size"] == 1).all()
    partial = sorted(m.loc[m["kind"] == "partial", "old_code"].unique())
    assert partial == ["GM0053", "GM0055", "GM0140", "GM0788", "GM1671"]


def test_successor_follows_chains_and_stops_at_splits():
    assert successor("GM0693") == "GM1978"  # Graafstroom -> Molenwaard (2013) -> Molenlanden (2019)
    assert successor("GM0051") == "GM1940"  # Skarsterlân -> De Friese Meren (2014) -> De Fryske Marren (2016)
    assert successor("GM0321") == "GM0321"
    assert successor("GM1671") is None


def test_harmonise_sums_predecessors_and_keeps_unchanged_rows():
    rows = _rows([("GM0501", "2022JJ00", 1.0), ("GM0530", "2022JJ00", 2.0), ("GM0614", "2022JJ00", 4.0),
                  ("GM1992", "2023JJ00", 8.0), ("GM0321", "2022JJ00", 16.0), ("GM0321", "2023JJ00", 32.0),
                  ("NL01", "2022JJ00", 64.0)])
    before = rows.copy()
    out = harmonise(rows, ["GM0321", "GM1992"]).set_index(["region_code", "period"])
    pd.testing.assert_frame_equal(rows, before)  # input unchanged
    assert out.loc[("GM1992", "2022JJ00"), "value"] == 7.0
    assert out.loc[("GM1992", "2022JJ00"), "source_key"] == "k | on today's borders: sum of GM0501+GM0530+GM0614"
    assert out.loc[("GM1992", "2023JJ00"), "value"] == 8.0 and out.loc[("GM1992", "2023JJ00"), "source_key"] == "k"
    assert out.loc[("GM0321", "2022JJ00"), "source_key"] == "k"
    assert out.loc[("NL01", "2022JJ00"), "value"] == 64.0
    assert "GM0501" not in out.index.get_level_values(0)


def test_absorption_mid_year_merger_missing_part_and_worst_status():
    rows = _rows([("GM0363", "2021JJ00", 100.0), ("GM0457", "2021JJ00", 10.0),  # Weesp joined Amsterdam 24-3-2022
                  ("GM0363", "2022JJ00", 105.0), ("GM0457", "2022JJ00", 3.0),
                  ("GM0441", "2012JJ00", 5.0), ("GM0395", "2012JJ00", 1.0)])  # Zijpe (GM0476) missing
    rows.loc[1, "status"] = "provisional"
    out = harmonise(rows, ["GM0363", "GM0441"]).set_index(["region_code", "period"])
    assert out.loc[("GM0363", "2021JJ00"), "value"] == 110.0
    assert out.loc[("GM0363", "2021JJ00"), "status"] == "provisional"
    assert out.loc[("GM0363", "2022JJ00"), "value"] == 108.0  # both codes exist in the merger year
    schagen = out.loc[("GM0441", "2012JJ00")]
    assert pd.isna(schagen["value"]) and schagen["status"] == "not available"
    assert schagen["source_key"] == "k | not on today's borders: no value for GM0476"


def test_partial_split_is_left_out_with_the_reason():
    rows = _rows([("GM0855", "2020JJ00", 200.0), ("GM0788", "2020JJ00", 14.0), ("GM0855", "2021JJ00", 215.0)])
    out = harmonise(rows, ["GM0855"]).set_index(["region_code", "period"])
    before_split = out.loc[("GM0855", "2020JJ00")]
    assert pd.isna(before_split["value"]) and before_split["status"] == "not available"
    assert before_split["source_key"] == ("k | not on today's borders: part of GM0788 (Haaren) joined GM0855 on "
                                          "2021-01-01; the shares are not published here")
    assert out.loc[("GM0855", "2021JJ00"), "value"] == 215.0


@pytest.mark.realdata
def test_every_whole_merger_marked_checked_is_within_2_percent(mirror):
    raw = pd.read_csv(mirror / "cbs" / "70072NED" / "data.csv", dtype={"RegioS": str, "Perioden": str})
    population = raw.rename(columns={"RegioS": "region_code", "Perioden": "period",
                                     "GemiddeldAantalInwonersOfTotaleBevolking": "value"})
    check = population_continuity(population).set_index("new_code")
    m = load_mergers()
    marked = set(m.loc[m["verified"].str.contains("within 2%"), "new_code"])
    assert len(marked) == 33
    assert check.loc[sorted(marked), "ratio"].between(0.98, 1.02).all()
    assert check.loc["GM0363", "ratio"] == pytest.approx(1.0, abs=0.03)
    # the successors that also received part of a divided municipality grow by more than 2%
    assert (check.loc[["GM1966", "GM1969", "GM0080", "GM1949"], "ratio"] > 1.02).all()
