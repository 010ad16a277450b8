"""Malformed pilot registers: every listed problem named with its row and column, direct identifiers
refused (and never echoed), and `cosie-analysis validate` failing with exit status 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cosie_analysis import cli
from cosie_analysis.errors import InputFileError, ParameterError
from cosie_analysis.pilot.register import bsn_11_test, read_register, register_observations, validate_register

HEADER = "pilot,unit_id,period,measure,value,unit,group\n"
OK_ROW = "houten,P0001,2020-06-22,matches,1,persons,vrijwilligerswerk\n"


def bsn_like(seed: int) -> str:
    """A 9-digit number that passes the 11-test, generated from the rule (never a real person's)."""
    rng = np.random.default_rng(seed)
    while True:
        digits = rng.integers(0, 10, size=8)
        check = int(np.dot(digits, [9, 8, 7, 6, 5, 4, 3, 2])) % 11
        if check < 10 and digits.any():
            return "".join(map(str, digits)) + str(check)


def _write(tmp_path, text: str, name: str = "register.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path) -> list[str]:
    return [str(p) for p in validate_register(path)]


def test_each_listed_problem_is_named_with_row_and_column(tmp_path):
    path = _write(tmp_path, HEADER + OK_ROW
                  + "houten,P0002,22-06-2020,matches,1,persons,\n"           # row 2: Dutch date order
                  + "houten,P0003,2020-06-23,matchez,1,persons,\n"           # row 3: unknown measure
                  + "nieuwegein,FLAT1,2020-06,litter_reports,-4,reports,\n"  # row 4: negative count
                  + "houten,P0001,2020-06-22,matches,1,persons,vrijwilligerswerk\n"  # row 5: duplicate of row 1
                  + "nieuwegein,FLAT1,2020-06,waste_collected_kg,4000,kg,\n"
                  + "nieuwegein,FLAT1,2020-07,waste_collected_kg,4.1,ton,\n"  # row 7: mixed units
                  + "nieuwegein,FLAT1,2020-08,litter_reports,2.5,reports,\n"  # row 8: count not whole
                  + "nieuwegein,H001,2021,liveability_score,11,grade,\n"     # row 9: score out of range
                  + "utrecht,P0009,2020-06-22,matches,1,persons,\n"          # row 10: unknown pilot
                  + "houten,P0010,2020-06-22,litter_reports,1,reports,\n"    # row 11: other pilot's measure
                  + "houten,P0011,2020-06-22,matches,,persons,\n"            # row 12: empty value
                  + "houten,P0012,2020-06-22,matches,<10,persons,\n")        # row 13: not a number
    problems = _problems(path)
    expected = [
        (
            "column `unit`: measure 'waste_collected_kg' is given in mixed units "
            "['kg', 'ton'] (rows 6, 7); use 'kg' throughout."
        ),
        "row 2 (line 3), column `period`: '22-06-2020' is not a date in the register's format: write YYYY-MM-DD "
        "(2020-06-22 if it means day 22, month 06).",
        "row 3 (line 4), column `measure`: unknown measure (the value is not shown). Did you mean 'matches'?",
        "row 4 (line 5), column `value`: negative count -4 for litter_reports: counts and amounts cannot be below 0.",
        "row 5 (line 6), column `period`: same pilot, unit_id, period, measure and group as row 1:",
        "row 7 (line 8), column `unit`: unit 'ton' does not match measure 'waste_collected_kg', whose unit is 'kg'",
        "row 8 (line 9), column `value`: 2.5 is not a whole number, but litter_reports is a count.",
        "row 9 (line 10), column `value`: 11 is outside the range 1-10 of liveability_score.",
        (
            "row 10 (line 11), column `pilot`: unknown pilot (the value is not "
            "shown); use one of ['houten', 'nieuwegein']."
        ),
        "row 11 (line 12), column `measure`: measure 'litter_reports' belongs to the nieuwegein pilot, not to houten.",
        "row 12 (line 13), column `value`: empty; every row needs a value here",
        "row 13 (line 14), column `value`: '<10' is not a number.",
    ]
    assert len(problems) == len(expected), "\n".join(problems)
    for got, want in zip(problems, expected, strict=True):
        assert got.startswith(want), f"{got!r} does not start with {want!r}"


def test_read_register_raises_once_listing_every_problem(tmp_path):
    path = _write(
        tmp_path, HEADER + "houten,P0002,2020-13-01,matches,1,persons,\nhouten,P0003,2020-06-01,matches,-1,persons,\n"
    )
    with pytest.raises(InputFileError) as info:
        read_register(path)
    assert info.value.problems[0].startswith("row 1 (line 2), column `period`: '2020-13-01' is not a valid date")
    assert info.value.problems[1].startswith("row 2 (line 3), column `value`: negative count -1")
    assert str(info.value).startswith(f"{path}: row 1 (line 2)")
    assert "cosie-analysis validate FILE" in str(info.value)


def test_mixed_period_types_and_outlandish_years(tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + OK_ROW
        + "houten,P0002,2020-07,matches,3,persons,vrijwilligerswerk\n"
        + "houten,P0003,2102-06-01,intakes,1,persons,\n",
    )
    problems = _problems(path)
    assert "column `period`: measure 'matches' of houten mixes period types ['day', 'month']" in problems[0]
    assert problems[1].startswith("row 3 (line 4), column `period`: '2102-06-01' lies in the future (after ")


def test_missing_and_unknown_columns(tmp_path):
    path = _write(
        tmp_path, "pilot,unit_id,period,measure,waarde,unit,opmerking\nhouten,P0001,2020-06-22,matches,1,persons,x\n"
    )
    problems = _problems(path)
    assert problems[0].startswith(
        "column `value`: required column not found. Found: ['pilot', 'unit_id', 'period', "
        "'measure', 'waarde', 'unit', 'opmerking']."
    )
    assert problems[1].startswith("column `waarde`: not part of the register format. Did you mean `value`? Allowed:")
    assert problems[2].startswith("column `opmerking`: not part of the register format. Allowed:")
    assert len(problems) == 3  # the rows are not checked without their columns


def test_file_level_problems(tmp_path):
    assert _problems(_write(tmp_path, "")) == [
        "file: the file is empty: it needs at least the header line (copy the template)."
    ]
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + "houten,P0001,2020-06-22,matches,1,persons,ideeën\n").encode("latin-1"))
    assert "is not valid UTF-8" in _problems(latin)[0]
    assert _problems(_write(tmp_path, HEADER, name="register.xls"))[0].startswith("file: unsupported file type '.xls'")
    ragged = _problems(_write(tmp_path, HEADER + "houten,P0001,2020-06-22,matches,1,persons,betaald, werk\n"))
    assert ragged[0].startswith("row 1 (line 2): has 8 field(s) where the header has 7")
    with pytest.raises(InputFileError, match="file not found"):
        validate_register(tmp_path / "missing.csv")
    with pytest.raises(ParameterError, match="`source` must be a path"):
        validate_register(42)


def test_excel_problems_name_the_excel_row(tmp_path):
    frame = pd.DataFrame(
        {
            "pilot": ["houten", "houten"],
            "unit_id": ["P0001", "P0002"],
            "period": ["2020-06-22", "2020-06-31"],
            "measure": ["matches"] * 2,
            "value": [1, 1],
            "unit": ["persons"] * 2,
            "group": ["", ""],
        }
    )
    path = tmp_path / "register.xlsx"
    frame.to_excel(path, index=False, sheet_name="Blad1")
    assert _problems(path) == [
        "row 2 (Excel row 3), column `period`: '2020-06-31' is not a valid date or period: "
        "write a day as YYYY-MM-DD, a month as YYYY-MM, a quarter as YYYY-Qn or a year as YYYY."
    ]


# --------------------------------------------------------------------------- direct identifiers


@pytest.mark.parametrize(
    "column",
    [
        "bsn",
        "BSN",
        "burgerservicenummer",
        "naam",
        "Voornaam",
        "achternaam",
        "name",
        "adres",
        "straat",
        "huisnummer",
        "telefoon",
        "e-mail",
        "email",
        "geboortedatum",
        "Postcode",
    ],
)
def test_identifier_like_column_names_are_refused(tmp_path, column):
    path = _write(tmp_path, HEADER.strip() + f",{column}\n" + OK_ROW.strip() + ",x\n")
    problems = validate_register(path)
    assert problems[0].kind == "identifier" and problems[0].column == column
    assert "a direct identifier. Refused: a register must not hold direct identifiers." in str(problems[0])


def test_a_bsn_like_column_is_refused_and_the_values_are_not_shown(tmp_path, capsys):
    numbers = [bsn_like(seed) for seed in range(3)]
    rows = "".join(f"houten,P000{i},2020-06-2{i},matches,1,persons,,{n}\n" for i, n in enumerate(numbers, 1))
    path = _write(tmp_path, HEADER.strip() + ",clientnummer\n" + rows)
    problems = validate_register(path)
    assert [p.kind for p in problems] == ["identifier", "column"]
    assert str(problems[0]).startswith(
        "row 1 (line 2), column `clientnummer`: 3 value(s) look like a citizen service number "
        "(BSN: 9 digits that pass the 11-test) (also rows 2, 3); the values are not shown here. Refused:"
    )
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "citizen service number" in out.out and "the file is refused" in out.err
    assert not any(n in out.out + out.err for n in numbers)
    with pytest.raises(InputFileError) as info:
        read_register(path)
    assert not any(n in str(info.value) for n in numbers)


def test_numbers_that_fail_the_11_test_are_not_taken_for_a_bsn(tmp_path):
    good = bsn_like(5)
    zero = next(n for n in ("0" + good[1:8] + str(d) for d in range(10)) if not bsn_11_test(n))
    path = _write(tmp_path, HEADER + f"houten,{zero},2020-06-22,matches,1,persons,\n")
    assert validate_register(path) == []  # a zero-padded code: neither a BSN nor a phone number
    # nine digits without a leading 0 that fail the 11-test are still refused: Excel drops the 0 of a phone number
    bad = "6" + good[1:8] + next(str(d) for d in range(10) if not bsn_11_test("6" + good[1:8] + str(d)))
    problems = validate_register(_write(tmp_path, HEADER + f"houten,{bad},2020-06-22,matches,1,persons,\n"))
    assert [p.kind for p in problems] == ["identifier"]
    assert "a phone number that lost its leading 0" in problems[0].message and bad not in str(problems[0])


@pytest.mark.parametrize(
    "column, value, what",
    [
        ("group", "j.jansen@example.nl", "an e-mail address"),
        ("group", "06-12345678", "a Dutch phone number"),
        ("group", "+31 6 12345678", "a Dutch phone number"),
        ("unit_id", "0301234567", "a Dutch phone number"),
        ("group", "030-1234567", "a Dutch phone number"),
        ("group", "3431 AB 12", "a postcode with a house number"),
        ("group", "3431AB12a", "a postcode with a house number"),
        ("group", "Nijpelsplantsoen 12", "a street address"),
    ],
)
def test_identifier_values_are_refused(tmp_path, column, value, what):
    row = {
        "pilot": "houten",
        "unit_id": "P0001",
        "period": "2020-06-22",
        "measure": "matches",
        "value": "1",
        "unit": "persons",
        "group": "",
    }
    row[column] = value
    path = _write(tmp_path, HEADER + ",".join(row.values()) + "\n")
    problems = validate_register(path)
    assert problems[0].kind == "identifier" and problems[0].column == column and problems[0].row == 1
    assert f"look like {what}" in problems[0].message and value not in str(problems[0])


@pytest.mark.parametrize("group", ["flat 1", "betaald werk", "3431", "WK035601", "2020", "age 18-26"])
def test_ordinary_values_are_not_taken_for_identifiers(tmp_path, group):
    path = _write(tmp_path, HEADER + f"houten,P0001,2020-06-22,matches,1,persons,{group}\n")
    assert validate_register(path) == []


def test_unit_ids_with_spaces_are_refused_without_echo(tmp_path):
    path = _write(tmp_path, HEADER + "houten,Jan Jansen,2020-06-22,matches,1,persons,\n")
    problems = [str(p) for p in validate_register(path)]
    assert problems == [
        "row 1 (line 2), column `unit_id`: must be a pseudonym or area code of letters, digits, '-', "
        "'_' or '.' without spaces, at most 40 characters (e.g. P0001, FLAT2, WK035601); the value is "
        "not shown here."
    ]


def test_build_refuses_a_bad_register_in_the_pilot_folder(tmp_path):
    folder = tmp_path / "pilot"
    folder.mkdir()
    _write(folder, HEADER + OK_ROW)
    _write(folder, HEADER + f"houten,{bsn_like(9)},2020-06-22,intakes,1,persons,\n", name="z.csv")
    with pytest.raises(
        InputFileError,
        match=r"z\.csv: row 1 \(line 2\), column `unit_id`: 1 value\(s\) look like a "
        r"citizen service number",
    ):
        register_observations(folder)
