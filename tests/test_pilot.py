"""The pilot register: template, dictionary, readers (CSV and Excel alike), the observation rows, the
synthetic register and its planted effects, and `cosie-analysis validate` on good files."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cosie_analysis import cli
from cosie_analysis.observations import OBSERVATION_COLUMNS, validate_observations
from cosie_analysis.paths import REPO_ROOT
from cosie_analysis.phases import assign_phase
from cosie_analysis.pilot.register import (
    PLANTED_EFFECTS,
    REGISTER_COLUMNS,
    bsn_11_test,
    is_synthetic,
    load_measures,
    read_register,
    register_observations,
    register_to_observations,
    synthetic_register,
    template_path,
    validate_register,
)

GOOD = """pilot,unit_id,period,measure,value,unit,group
houten,P0001,2020-06-22,matches,1,persons,vrijwilligerswerk
houten,P0002,2020-06-30,matches,1,personen,betaald werk
houten,P0003,2020-07-01,matches,1,persons,vrijwilligerswerk
nieuwegein,FLAT1,2020-06,litter_reports,17,reports,
nieuwegein,FLAT2,2020-06,litter_reports,12,meldingen,
nieuwegein,FLAT1,2020-Q3,waste_collected_kg,4000.5,kg,
nieuwegein,H001,2021,liveability_score,6,grade,
nieuwegein,H002,2021,liveability_score,8,rapportcijfer,
houten,GM0321,2019,stories_collected,31,stories,
"""


def test_template_is_header_only_and_passes():
    text = template_path().read_text("utf-8")
    assert text == "pilot,unit_id,period,measure,value,unit,group\n"
    assert validate_register(template_path()) == []
    empty = read_register(template_path())
    assert len(empty) == 0 and list(empty.columns)[:7] == [c for c in REGISTER_COLUMNS if c != "synthetic"]


def test_dictionary_is_complete_and_documented():
    m = load_measures()
    assert m["measure"].is_unique and set(m["pilot"]) == {"houten", "nieuwegein", "both"}
    assert set(m["kind"]) == {"count", "amount", "score"}
    assert m.loc[m["kind"] == "score", ["min", "max"]].notna().all().all()
    assert (
        m.set_index("measure").loc["matches", "person_level"]
        and not m.set_index("measure").loc["litter_reports", "person_level"]
    )
    doc = (REPO_ROOT / "docs" / "pilot-data.md").read_text("utf-8")
    for name in list(m["measure"]) + list(REGISTER_COLUMNS):
        assert f"`{name}`" in doc, name


def test_read_register_types_and_values(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert validate_register(path) == []
    reg = read_register(path)
    assert len(reg) == 9
    assert reg["unit"].tolist()[:5] == ["persons"] * 3 + ["reports"] * 2  # Dutch spellings normalised
    assert reg["frequency"].tolist() == ["day"] * 3 + ["month"] * 2 + ["quarter"] + ["year"] * 3
    assert reg.loc[5, ["period_start", "period_end"]].tolist() == [
        pd.Timestamp("2020-07-01"),
        pd.Timestamp("2020-09-30"),
    ]
    assert reg["value"].dtype == "float64" and reg.loc[5, "value"] == 4000.5
    assert reg["group"].isna().tolist() == [False] * 3 + [True] * 6
    assert not reg["synthetic"].any() and not is_synthetic(reg)


def test_semicolon_csv_with_decimal_comma(tmp_path):
    path = tmp_path / "excel-export.csv"
    path.write_text(GOOD.replace(",", ";").replace("4000.5", "4000,5"), encoding="utf-8-sig")
    reg = read_register(path)
    assert reg.loc[5, "value"] == 4000.5 and len(reg) == 9


def test_excel_and_csv_give_the_same_register(tmp_path):
    csv_path = tmp_path / "register.csv"
    csv_path.write_text(GOOD, encoding="utf-8")
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame["value"] = pd.to_numeric(frame["value"])
    frame["period"] = frame["period"].astype(object)
    frame.loc[0, "period"] = pd.Timestamp("2020-06-22")  # a real Excel date cell
    xlsx = tmp_path / "register.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["a sheet to skip"]}).to_excel(writer, sheet_name="toelichting", index=False)
        frame.to_excel(writer, sheet_name="register", index=False)
    from_csv, from_xlsx = read_register(csv_path), read_register(xlsx)
    pd.testing.assert_frame_equal(from_csv, from_xlsx, check_like=False)


def bsn_like(rng: np.random.Generator) -> str:
    """A 9-digit number that passes the 11-test, generated from the rule (never a real person's)."""
    while True:
        digits = rng.integers(0, 10, size=8)
        check = int(np.dot(digits, [9, 8, 7, 6, 5, 4, 3, 2])) % 11
        if check < 10 and digits.any():
            return "".join(map(str, digits)) + str(check)


def test_bsn_11_test():
    rng = np.random.default_rng(0)
    valid = [bsn_like(rng) for _ in range(200)]
    assert all(bsn_11_test(v) for v in valid)
    # changing the check digit breaks the test
    assert not any(bsn_11_test(v[:8] + str((int(v[8]) + 1) % 10)) for v in valid)
    # 9*1 + 8*1 + ... + 2*1 = 44 = 4 x 11, so a last digit 0 passes and 1 fails
    assert bsn_11_test("111111110") and not bsn_11_test("111111111")
    assert bsn_11_test("1111 11 110") and bsn_11_test("1111.11.110")  # separators are ignored
    assert bsn_11_test("11111112")  # 8 digits are read with a leading zero: 011111112
    assert not bsn_11_test("000000000") and not bsn_11_test("12345") and not bsn_11_test("P0001")


def test_register_observations_layout_and_aggregation(tmp_path):
    folder = tmp_path / "pilot"
    folder.mkdir()
    (folder / "register.csv").write_text(GOOD, encoding="utf-8")
    (folder / "~$register.xlsx").write_bytes(b"lock file")  # skipped
    obs = register_observations(folder)
    assert list(obs.columns) == OBSERVATION_COLUMNS
    validate_observations(obs)
    by = obs.set_index(["indicator", "region_code", "period"])["value"]
    assert by[("pilot_matches__vrijwilligerswerk", "PILOT_HOUTEN", "2020MM06")] == 1.0
    assert by[("pilot_matches__vrijwilligerswerk", "PILOT_HOUTEN", "2020MM07")] == 1.0
    assert by[("pilot_litter_reports", "PILOT_NIEUWEGEIN", "2020MM06")] == 29.0  # 17 + 12 over two flats
    assert by[("pilot_waste_collected_kg", "PILOT_NIEUWEGEIN", "2020KW03")] == 4000.5
    assert by[("pilot_liveability_score", "PILOT_NIEUWEGEIN", "2021JJ00")] == 7.0  # mean of 6 and 8
    assert by[("pilot_liveability_score_n", "PILOT_NIEUWEGEIN", "2021JJ00")] == 2.0
    assert by[("pilot_stories_collected", "GM0321", "2019JJ00")] == 31.0  # an area code keeps its region
    row = obs[obs["indicator"] == "pilot_litter_reports"].iloc[0]
    assert (row["region_level"], row["status"], row["source_table"], row["frequency"]) == (
        "pilot",
        "definitive",
        "pilot register register.csv",
        "month",
    )
    assert obs.loc[obs["region_code"] == "GM0321", "region_level"].tolist() == ["gemeente"]
    assert register_observations(tmp_path / "missing").columns.tolist() == OBSERVATION_COLUMNS


def test_two_files_with_the_same_observations_are_refused(tmp_path):
    from cosie_analysis.errors import InputFileError

    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    with pytest.raises(
        InputFileError,
        match=r"b\.csv: indicator 'pilot_litter_reports', region 'PILOT_NIEUWEGEIN', "
        r"period '2020MM06' is also in a\.csv",
    ):
        register_observations(tmp_path)


# --------------------------------------------------------------------------- synthetic register


@pytest.mark.parametrize("pilot", ["houten", "nieuwegein"])
def test_synthetic_register_is_seeded_valid_and_labelled(pilot, tmp_path):
    a, b = synthetic_register(pilot, seed=7), synthetic_register(pilot, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(synthetic_register(pilot, seed=8))
    assert a["synthetic"].all() and is_synthetic(a) and a.attrs["planted_effects"][pilot] == PLANTED_EFFECTS[pilot]
    path = tmp_path / "synthetic.csv"
    a[list(REGISTER_COLUMNS)].to_csv(path, index=False)
    assert validate_register(path) == []
    obs = register_to_observations(read_register(path), source_name=path.name)
    validate_observations(obs)
    assert obs["source_table"].eq("SYNTHETIC pilot register synthetic.csv").all()
    assert (
        obs["label_nl"].str.startswith("[SYNTHETISCH] ").all() and obs["label_en"].str.startswith("[SYNTHETIC] ").all()
    )
    assert is_synthetic(obs)


@pytest.mark.parametrize("pilot", ["houten", "nieuwegein"])
def test_synthetic_register_recovers_its_planted_effect(pilot):
    effect = PLANTED_EFFECTS[pilot]
    obs = register_to_observations(synthetic_register(pilot, seed=11))
    obs = obs[obs["indicator"].str.startswith("pilot_" + effect["measure"])]
    monthly = obs.groupby("period")["value"].sum()
    # every month appears: a month without events would be a missing row, not a zero
    monthly = monthly.reindex([f"{y}MM{m:02d}" for y in range(2018, 2024) for m in range(1, 13)], fill_value=0.0)
    phase = assign_phase(monthly.index.to_series())
    means = monthly.groupby(phase.to_numpy(), observed=True).mean()
    units = 1 if pilot == "houten" else 4  # four flats
    assert means["before"] == pytest.approx(effect["baseline_per_month"] * units, rel=0.15)
    assert means["during"] / means["before"] == pytest.approx(effect["during_ratio"], abs=0.12)
    assert means["after"] / means["before"] == pytest.approx(effect["after_ratio"], abs=0.15)


def test_synthetic_register_arguments_are_checked():
    from cosie_analysis.errors import ParameterError

    with pytest.raises(ParameterError, match=r"`pilot` must be one of \['houten', 'nieuwegein'\]; got 'utrecht'"):
        synthetic_register("utrecht")
    with pytest.raises(ParameterError, match="`seed` must be an integer"):
        synthetic_register("houten", seed=1.5)
    short = synthetic_register("nieuwegein", start="2020-01", end="2020-03")
    assert sorted(short["period"].unique()) == ["2020-01", "2020-02", "2020-03"]


# --------------------------------------------------------------------------- the command


def test_validate_command_on_the_template(capsys):
    assert cli.main(["validate", str(template_path())]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r".*pilot_register_template\.csv: OK, a valid pilot register\.\n", out)


def test_validate_command_on_a_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD.replace("2020-06-22", "2020-02-30"), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert (
        captured.out == f"{path}: row 1 (line 2), column `period`: '2020-02-30' is not a valid date or period: "
        "write a day as YYYY-MM-DD, a month as YYYY-MM, a quarter as YYYY-Qn or a year as YYYY.\n"
    )
    assert "1 problem(s)" in captured.err


def test_validate_leaves_the_file_alone(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(GOOD, encoding="utf-8")
    before = path.read_bytes()
    validate_register(path)
    read_register(path)
    assert path.read_bytes() == before
    frame = synthetic_register("houten", seed=1)
    copy = frame.copy(deep=True)
    validate_register(frame)
    pd.testing.assert_frame_equal(frame, copy)
    assert np.all(frame.columns == copy.columns)


def test_months_without_events_count_as_zero_for_counts_only():
    from cosie_analysis.pilot.register import register_to_observations

    register = pd.DataFrame(
        {
            "pilot": ["houten"] * 4,
            "unit_id": ["P0001", "P0002", "P0003", "P0004"],
            "period": ["2020-01-10", "2020-03-02", "2020-01-15", "2020-04-20"],
            "measure": ["matches", "matches", "intakes", "intakes"],
            "value": [1, 1, 1, 1],
            "unit": ["persons"] * 4,
        }
    )
    obs = register_to_observations(register)
    matches = obs[obs["indicator"] == "pilot_matches"].set_index("period")["value"]
    # the register spans January to April: February and April had no match, so 0
    assert matches.to_dict() == {"2020MM01": 1.0, "2020MM02": 0.0, "2020MM03": 1.0, "2020MM04": 0.0}
    intakes = obs[obs["indicator"] == "pilot_intakes"].set_index("period")["value"]
    assert intakes.to_dict() == {"2020MM01": 1.0, "2020MM02": 0.0, "2020MM03": 0.0, "2020MM04": 1.0}
