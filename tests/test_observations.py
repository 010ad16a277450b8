"""The real observation table built from the mirror: coverage, values against the raw files, schema."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.observations import OBSERVATION_COLUMNS, build_observations, validate_observations

pytestmark = pytest.mark.realdata


def _rows(obs, **eq):
    mask = np.ones(len(obs), dtype=bool)
    for column, value in eq.items():
        mask &= (obs[column] == value).to_numpy()
    return obs[mask]


def test_schema(observations):
    assert list(observations.columns) == OBSERVATION_COLUMNS
    assert observations["value"].dtype == "float64"
    assert str(observations["period_start"].dtype).startswith("datetime64")
    validate_observations(observations)
    assert not observations.duplicated(["indicator", "region_code", "period"]).any()


def test_yearly_municipal_crime_coverage(observations):
    crime = observations[
        observations["source_table"].eq("47018NED") & ~observations["indicator"].str.endswith("_per_1000")
    ]
    assert crime["region_code"].nunique() == 343
    assert crime["indicator"].nunique() == 12
    assert sorted(crime["period"].unique()) == [f"{y}JJ00" for y in range(2012, 2026)]
    assert len(crime) == 343 * 12 * 14
    assert set(crime["region_level"]) == {"gemeente"}
    burglary_houten = _rows(crime, indicator="crime_1_1_1", region_code="GM0321")
    assert burglary_houten["region_name"].unique().tolist() == ["Houten"]
    assert burglary_houten["source_key"].unique().tolist() == ["1.1.1"]


def test_values_equal_the_raw_file(observations, mirror):
    raw = pd.read_csv(mirror / "cbs" / "47018NED" / "data.csv", dtype={"GeregistreerdeMisdrijven_1": float})
    raw = raw[raw["SoortMisdrijf"].eq("2.2.1") & raw["WijkenEnBuurten"].eq("GM0356")].set_index("Perioden")
    ours = _rows(observations, indicator="crime_2_2_1", region_code="GM0356").set_index("period")["value"]
    expected = raw["GeregistreerdeMisdrijven_1"]
    assert len(ours) == len(expected) == 14
    assert ours.sort_index().to_dict() == expected.sort_index().to_dict()


def test_provisional_years_are_flagged_not_dropped(observations):
    crime = _rows(observations, indicator="crime_1_1_1", region_code="GM0321")
    status = crime.set_index("period")["status"]
    assert status["2024JJ00"] == status["2025JJ00"] == "provisional"
    assert (status.drop(["2024JJ00", "2025JJ00"]) == "definitive").all()


def _population_on_today_borders(mirror) -> pd.Series:
    """Independently of the package's harmonise(): map every code to its final successor (whole
    mergers and code changes only), sum per final code and year, and drop (code, year) pairs that
    a partial split makes impossible."""
    from cosie_analysis.data.mergers import load_mergers

    m = load_mergers()
    step = dict(zip(m.loc[m["kind"] != "partial", "old_code"], m.loc[m["kind"] != "partial", "new_code"], strict=True))
    final = {}
    for code in set(step) | set(step.values()):
        c = code
        while c in step:
            c = step[c]
        final[code] = c
    pop = pd.read_csv(mirror / "cbs" / "70072NED" / "data.csv").dropna()
    pop = pop[~pop["RegioS"].isin(set(m.loc[m["kind"] == "partial", "old_code"]))]
    pop["today"] = pop["RegioS"].map(lambda c: final.get(c, c))
    pop["year"] = pop["Perioden"].str[:4].astype(int)
    out = pop.groupby(["today", "year"])["GemiddeldAantalInwonersOfTotaleBevolking"].sum()
    for row in m[m["kind"] == "partial"].itertuples():
        receiver = final.get(row.new_code, row.new_code)
        out = out.drop([(receiver, y) for y in range(2000, row.date.year) if (receiver, y) in out.index])
    return out


def test_rates_per_1000_equal_an_independent_computation(observations, mirror):
    crime = pd.read_csv(mirror / "cbs" / "47018NED" / "data.csv")
    pop = _population_on_today_borders(mirror).rename("population").reset_index()
    crime["year"] = crime["Perioden"].str[:4].astype(int)
    merged = crime.merge(pop, left_on=["WijkenEnBuurten", "year"], right_on=["today", "year"])
    merged["rate"] = merged["GeregistreerdeMisdrijven_1"] / merged["population"] * 1000
    expected = merged.set_index(["SoortMisdrijf", "WijkenEnBuurten", "Perioden"])["rate"].dropna()
    rates = observations[observations["indicator"].str.match(r"crime_.*_per_1000$")].copy()
    rates["key"] = rates["source_key"].str.split(" | ", regex=False).str[0]
    ours = rates.set_index(["key", "region_code", "period"])["value"].dropna()
    assert len(ours) == len(expected) > 50_000
    np.testing.assert_allclose(ours.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert set(_rows(rates, region_code="GM0000")["status"]) == {"not available"}


def test_burglary_rates_on_today_borders_keep_merged_municipalities(observations):
    """Before harmonisation 318 of the 342 municipalities had a burglary rate in all 14 years; the 24
    formed by a merger now have them too, and the 13 that received part of a divided municipality
    are left out for the years before that split, saying why."""
    rates = _rows(observations, indicator="crime_1_1_1_per_1000")
    rates = rates[rates["region_code"] != "GM0000"]
    complete = rates.groupby("region_code")["value"].apply(lambda v: v.notna().sum() == 14)
    assert len(complete) == 342
    assert int(complete.sum()) == 329
    partial = sorted(complete.index[~complete])
    assert partial == [
        "GM0074",
        "GM0080",
        "GM0757",
        "GM0796",
        "GM0824",
        "GM0828",
        "GM0855",
        "GM0865",
        "GM1900",
        "GM1940",
        "GM1949",
        "GM1966",
        "GM1969",
    ]
    tilburg_2020 = _rows(rates, region_code="GM0855", period="2020JJ00")
    assert tilburg_2020["status"].item() == "not available"
    assert "part of GM0788 (Haaren) joined GM0855 on 2021-01-01" in tilburg_2020["source_key"].item()
    voorne = _rows(observations, indicator="population", region_code="GM1992", period="2012JJ00")
    assert voorne["source_key"].item().endswith("on today's borders: sum of GM0501+GM0530+GM0614")
    additive = observations[
        observations["source_table"].isin(["70072NED", "47018NED", "83450NED", "83747NED", "84066NED"])
    ]
    assert not additive["region_code"].isin(["GM0501", "GM0788", "GM1927"]).any()
    # bijstand density: recomputed from the summed counts where summed, left out where a split forbids
    rows = observations[observations["source_table"].eq("84066NED") & observations["period"].eq("2017JJ00")]
    vhl = rows[rows["region_code"].eq("GM1961")].set_index("indicator")["value"]
    assert vhl["bijstand_density"] == pytest.approx(vhl["bijstand_recipients"] / vhl["inhabitants"] * 1000)
    tilburg = _rows(rows, region_code="GM0855", indicator="bijstand_density")
    assert tilburg["status"].item() == "not available" and "Haaren" in tilburg["source_key"].item()
    houten = _rows(rows, region_code="GM0321", indicator="bijstand_density")
    assert houten["value"].item() == 17.5 and houten["source_key"].item() == "Bijstandsdichtheid_3|Leeftijd=20150"
    # Leefbaarometer scores cannot be summed: they stay on the 2016 borders with the codes of then
    assert "GM1927" in set(_rows(observations, source_table="Leefbaarometer 2.0 (2016)")["region_code"])


def test_national_monthly_crime_and_disorder(observations):
    monthly = observations[observations["source_table"].eq("47022NED")]
    assert monthly["indicator"].nunique() == 59
    assert set(monthly["frequency"]) == {"month"}
    assert monthly["period"].min() == "2012MM01" and monthly["period"].max() == "2023MM12"
    assert len(_rows(monthly, indicator="crime_1_1_1")) == 144
    disorder = observations[observations["source_table"].eq("47024NED")]
    assert disorder["indicator"].nunique() == 9
    assert set(disorder["frequency"]) == {"month", "year"}
    total = _rows(disorder, indicator="disorder_0_0_0")
    months_2012 = total[total["period"].str.startswith("2012MM")]["value"].sum()
    assert _rows(total, period="2012JJ00")["value"].item() == months_2012 == 279325


def test_population_bijstand_and_benefits(observations):
    pop = _rows(observations, indicator="population")
    assert pop["period"].min() == "2012JJ00" and pop["period"].max() == "2025JJ00"
    bijstand = _rows(observations, indicator="bijstand_recipients", region_code="GM0321")
    assert bijstand.set_index("period")["value"].to_dict() == pytest.approx(
        {
            "2015JJ00": bijstand.set_index("period")["value"]["2015JJ00"],
            "2016JJ00": bijstand.set_index("period")["value"]["2016JJ00"],
            "2017JJ00": 700.0,
        }
    )
    assert sorted(_rows(observations, indicator="bijstand_outflow_to_work")["period"].unique()) == [
        "2015JJ00",
        "2016JJ00",
        "2017JJ00",
    ]
    # 84066NED (2017) has "." for work after re-integration; the aliases make 2015's Instromers_4 our inflow
    assert (
        _rows(observations, indicator="bijstand_inflow", region_code="NL01", period="2015JJ00")["value"].item()
        == 155440
    )


def test_kwb_2024_sentinels_and_water(observations, mirror):
    kwb = observations[observations["source_table"].str.startswith("85984NED")]
    gemeenten = pd.read_csv(mirror / "cbs" / "wijkenbuurtenkaart2024" / "gemeenten.csv", dtype={"water": str})
    land = gemeenten[gemeenten["water"] != "JA"]
    got = _rows(kwb, indicator="kwb_inhabitants", region_level="gemeente")
    assert len(got) == len(land)  # water-only rows are not municipalities
    nieuwegein_wijken = _rows(kwb, indicator="kwb_bijstand_persons", region_level="wijk")
    assert nieuwegein_wijken["region_code"].str.startswith("WK0356").sum() == 21
    suppressed = kwb[kwb["status"] == "suppressed"]
    assert len(suppressed) > 0 and suppressed["value"].isna().all()
    wijken = pd.read_csv(mirror / "cbs" / "wijkenbuurtenkaart2024" / "wijken.csv")
    col = "aantal_personen_met_een_alg_bijstandsuitkering_tot"
    n_secret = int((wijken[wijken["water"] != "JA"][col] == -99997).sum())
    assert (
        _rows(kwb, indicator="kwb_bijstand_persons", region_level="wijk")["status"] == "suppressed"
    ).sum() == n_secret
    jw = _rows(kwb, region_code="WK035601").set_index("indicator")["value"]
    assert jw["kwb_bijstand_persons_per_1000"] == pytest.approx(
        jw["kwb_bijstand_persons"] / jw["kwb_inhabitants"] * 1000
    )


def test_leefbaarometer(observations):
    lbm2 = _rows(observations, indicator="lbm2_score_class")
    assert set(lbm2["region_level"]) == {"gemeente", "wijk"}
    assert sorted(lbm2["period"].unique()) == ["2002JJ00", "2008JJ00", "2012JJ00", "2014JJ00", "2016JJ00"]
    assert lbm2["value"].dropna().between(1, 9).all()
    assert "WK035601" in set(lbm2["region_code"])
    lbm3 = _rows(observations, indicator="lbm3_score")
    assert sorted(lbm3["period"].str[:4].unique()) == ["2002", "2008", "2012", "2014", "2016", "2018", "2020", "2022"]
    assert set(lbm3["region_level"]) == {"postcode4"}
    assert len(_rows(lbm3, region_code="3431")) == 8
    onv = _rows(observations, indicator="lbm3_nuisance_unsafety", region_code="3431")
    assert sorted(onv["period"]) == ["2014JJ00", "2018JJ00", "2020JJ00", "2022JJ00"]


def test_crosswalk_shares(real_data_dir):
    cross = pd.read_parquet(real_data_dir / "processed" / "pc4_wijk_crosswalk.parquet")
    sums = cross.groupby(["year", "pc4"])["share_of_pc4"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    row = cross[(cross["pc4"] == "3431") & (cross["year"] == 2017) & (cross["wijk_code"] == "WK035601")]
    assert row["n_addresses"].item() == 2913
    assert row["share_of_pc4"].item() == pytest.approx(2913 / (2913 + 1339))


def test_rebuild_is_byte_identical(real_data_dir, tmp_path):
    out = tmp_path / "processed"
    build_observations(raw=real_data_dir / "raw", processed=out)
    for name in ("observations.parquet", "observations.csv", "pc4_wijk_crosswalk.parquet"):
        first = hashlib.sha256((real_data_dir / "processed" / name).read_bytes()).hexdigest()
        second = hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert first == second, name


def test_load_observations_builds_when_missing(use_real_data, tmp_path, monkeypatch):
    import shutil

    import cosie_analysis as ca

    data = tmp_path / "data"
    shutil.copytree(use_real_data / "raw", data / "raw")
    monkeypatch.setenv("COSIE_DATA_DIR", str(data))
    obs = ca.load_observations()
    assert (data / "processed" / "observations.parquet").is_file()
    assert len(obs) == len(pd.read_parquet(use_real_data / "processed" / "observations.parquet"))


def test_cli_build_skips_when_current_and_rebuilds_after_raw_changes(real_data_dir, tmp_path, monkeypatch, capsys):
    import os
    import shutil

    from cosie_analysis.cli import main

    data = tmp_path / "data"
    shutil.copytree(real_data_dir / "raw", data / "raw")
    monkeypatch.setenv("COSIE_DATA_DIR", str(data))
    assert main(["build"]) == 0 and "wrote" in capsys.readouterr().out
    parquet = data / "processed" / "observations.parquet"
    first = parquet.stat().st_mtime_ns
    assert main(["build"]) == 0 and "up to date" in capsys.readouterr().out
    assert parquet.stat().st_mtime_ns == first
    newer = parquet.stat().st_mtime + 10
    os.utime(data / "raw" / "cbs" / "47024NED" / "data.csv", (newer, newer))
    assert main(["build"]) == 0 and "up to date" in capsys.readouterr().out  # same content: nothing to do (#16)
    from cosie_analysis.pilot.register import REGISTER_COLUMNS, synthetic_register

    register = data / "raw" / "pilot" / "synthetic.csv"
    register.parent.mkdir()
    synthetic_register("nieuwegein", seed=0)[list(REGISTER_COLUMNS)].to_csv(register, index=False)
    older = parquet.stat().st_mtime - 10**6
    os.utime(register, (older, older))  # copied in with an old date: the content still counts
    assert main(["build"]) == 0 and "wrote" in capsys.readouterr().out
    register.unlink()
    assert main(["build"]) == 0 and "wrote" in capsys.readouterr().out
