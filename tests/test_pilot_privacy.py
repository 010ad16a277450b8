"""Privacy of the pilot-register path (issue #16, classes 2, 3 and 7): identifiers are found wherever
a careful adversary would hide them, never repeated in a message, and legitimate registers pass.

Every identifier here is made up: BSN-like numbers are generated from the 11-test rule, the IBAN is
the standard documentation example, the phone numbers and addresses are format examples.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cosie_analysis import cli
from cosie_analysis.errors import InputFileError
from cosie_analysis.pilot.register import (
    REGISTER_COLUMNS,
    read_register,
    register_observations,
    synthetic_register,
    validate_register,
)

HEADER = "pilot,unit_id,period,measure,value,unit,group\n"
ROW = {"pilot": "houten", "unit_id": "P0001", "period": "2020-06-22", "measure": "matches", "value": "1",
       "unit": "persons", "group": ""}


def bsn_like(seed: int, first: str | None = None) -> str:
    """A 9-digit number that passes the 11-test, generated from the rule (never a real person's)."""
    rng = np.random.default_rng(seed)
    while True:
        digits = rng.integers(0, 10, size=8)
        if first is not None:
            digits[0] = int(first)
        check = int(np.dot(digits, [9, 8, 7, 6, 5, 4, 3, 2])) % 11
        if check < 10 and digits.any():
            return "".join(map(str, digits)) + str(check)


B1, B2, B3 = bsn_like(1, "1"), bsn_like(2, "2"), bsn_like(3, "3")
#: (column, cell, what the message must name): every way the attack on the register path tried.
IDENTIFIERS = [
    ("group", f"BSN:{B1}", "citizen service number"),
    ("group", f"klant {B1} vrijwilligers", "citizen service number"),
    ("unit_id", f"P{B2}", "citizen service number"),
    ("unit_id", f"{B2[:3]}/{B2[3:6]}/{B2[6:]}", "citizen service number"),
    ("unit_id", f"{B2[:3]}_{B2[3:6]}_{B2[6:]}", "citizen service number"),
    ("unit_id", f"{B3}.0", "citizen service number"),
    ("group", f"{B3[:4]}.{B3[4:6]}.{B3[6:]}", "citizen service number"),
    ("value", B3, "citizen service number"),
    ("group", "bel 06-12345678 na vijven", "Dutch phone number"),
    ("group", "+31 6 12345678", "Dutch phone number"),
    ("unit_id", "0031612345678", "Dutch phone number"),
    ("unit_id", "612345678", "lost its leading 0"),
    ("value", "612345678", "lost its leading 0"),
    ("group", "j.jansen@example.nl", "e-mail address"),
    ("group", "jan [at] example [dot] nl", "e-mail address"),
    ("group", "jan (at) example (dot) com", "e-mail address"),
    ("group", "jan at example dot nl", "e-mail address"),
    ("unit_id", "NL91ABNA0417164300", "IBAN"),
    ("group", "rek NL91 ABNA 0417 1643 00", "IBAN"),
    ("group", "3431 AB 12", "postcode with a house number"),
    ("group", "12 3431AB", "postcode with a house number"),
    ("unit_id", "3431AB12a", "postcode with a house number"),
    ("group", "Nijpelsplantsoen 12", "street address"),
    ("unit_id", "Nijpelsplantsoen12", "street address"),
    ("group", "Dorpsstraat 5a", "street address"),
    ("group", "Markt 3", "street address"),
    ("group", "geb. 12-03-1985", "date of birth"),
    ("group", "1985-03-12", "date of birth"),
    ("period", "1985-03-12", "date of birth"),
    ("measure", "j.jansen@example.nl", "e-mail address"),
    ("pilot", "Nijpelsplantsoen 12", "street address"),
    ("unit", "06-12345678", "Dutch phone number"),
    ("value", f"BSN {B1}", "citizen service number"),
]
#: Legitimate cells from the issue and from real registers: none may be refused.
LEGITIMATE = [
    ("value", "192000.06", "waste_collected_kg", "kg"), ("value", "12345678", "litter_reports", "reports"),
    ("value", "99999999", "litter_reports", "reports"), ("group", "supermarkt 2", None, None),
    ("group", "speelpark 1", None, None), ("group", "Werktafel 2021 nr 2", None, None),
    ("group", "sessies 2020 en 2021", None, None), ("unit_id", "BU03560101", None, None),
    ("unit_id", "03560101", None, None), ("unit_id", "WK035601", None, None), ("unit_id", "3431", None, None),
    ("group", "flat 1", None, None), ("group", "age 18-26", None, None), ("group", "betaald werk", None, None),
    ("group", "Conversation of Change 2", None, None), ("group", "huiskamer 3", None, None),
    ("period", "2020MM06", None, None), ("period", "2021KW02", None, None),
]


def _cell_file(tmp_path, column: str, value: str, **more) -> object:
    row = {**ROW, **more, column: value}
    if column == "value" and value.startswith(("192", "123", "999")):
        row.update(pilot="nieuwegein", unit_id="FLAT1", period="2020-06")
    cells = [f'"{v}"' if "," in v else v for v in row.values()]
    path = tmp_path / "register.csv"
    path.write_text(HEADER + ",".join(cells) + "\n", encoding="utf-8")
    return path


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("column, value, what", IDENTIFIERS)
def test_every_hidden_identifier_is_refused_and_never_echoed(tmp_path, capsys, column, value, what):
    path = _cell_file(tmp_path, column, value)
    problems = validate_register(path)
    ident = [p for p in problems if p.kind == "identifier"] or [p for p in problems if "birth" in p.message]
    assert ident, f"{value!r} in `{column}` was not refused: {[str(p) for p in problems]}"
    assert what in ident[0].message and ident[0].column == column and ident[0].row == 1
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    with pytest.raises(InputFileError) as info:
        read_register(path)
    for shown in (text, str(info.value)):
        assert value not in shown
        if len(_digits(value)) >= 6:  # no run of the identifier's digits either
            assert _digits(value)[-6:] not in _digits(shown.replace(str(path), ""))


def test_the_measured_refusal_rate_is_complete(tmp_path):
    refused = sum(any(p.kind == "identifier" or "birth" in p.message
                      for p in validate_register(_cell_file(tmp_path, c, v))) for c, v, _ in IDENTIFIERS)
    assert refused == len(IDENTIFIERS) == 33


@pytest.mark.parametrize("column, value, measure, unit", LEGITIMATE)
def test_legitimate_values_are_not_refused(tmp_path, column, value, measure, unit):
    more = {"measure": measure, "unit": unit} if measure else {}
    path = _cell_file(tmp_path, column, value, **more)
    assert [str(p) for p in validate_register(path)] == []


@pytest.mark.parametrize("pilot", ["houten", "nieuwegein"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_package_synthetic_registers_pass(tmp_path, pilot, seed):
    frame = synthetic_register(pilot, seed=seed)
    assert validate_register(frame) == []
    path = tmp_path / "synthetic.csv"
    frame[list(REGISTER_COLUMNS)].to_csv(path, index=False)
    assert validate_register(path) == []


def test_no_message_repeats_an_unknown_text_value(tmp_path):
    """Values that fail other checks (an unknown pilot, measure, unit or synthetic flag) are not shown:
    a name there cannot be recognised as one."""
    row = "Jansen,P0001,2020-06-22,Pietersen,1,Klaassen,\n"
    path = tmp_path / "r.csv"
    path.write_text(HEADER.strip() + ",synthetic\n" + row.strip() + ",Willemsen\n", encoding="utf-8")
    text = "\n".join(map(str, validate_register(path)))
    assert {"pilot", "measure", "synthetic"} <= {p.column for p in validate_register(path)}
    for name in ("Jansen", "Pietersen", "Willemsen"):
        assert name not in text


# --------------------------------------------------------------------------- workbooks


def _workbook(path, *, extra=None, comment=None, creator=None, hidden=False):
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "register"
    ws.append(list(ROW))
    ws.append(list(ROW.values()))
    if comment:
        ws["B2"].comment = Comment(comment, "auteur")
    if extra:
        other = wb.create_sheet("notities")
        other["C4"] = extra
        if hidden:
            other.sheet_state = "hidden"
    if creator:
        wb.properties.creator = creator
    wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("where, kwargs, place", [
    ("other sheet", {"extra": "j.jansen@example.nl"}, "cell C4 of sheet 2"),
    ("hidden sheet", {"extra": f"BSN {B1}", "hidden": True}, "cell C4 of sheet 2 (hidden)"),
    ("comment", {"comment": "bel 06-12345678"}, "the comment on cell B2 of sheet 1"),
    ("property", {"creator": "jan@example.nl"}, "document property `creator`"),
])
def test_every_part_of_a_workbook_is_screened(tmp_path, suffix, where, kwargs, place):
    path = _workbook(tmp_path / f"register{suffix}", **kwargs)
    problems = [str(p) for p in validate_register(path)]
    assert len(problems) == 1 and place in problems[0], problems
    secret = next(v for k, v in kwargs.items() if k != "hidden")
    assert secret not in problems[0] and _digits(secret)[-6:] not in _digits(problems[0]) if _digits(secret) else True


def test_a_clean_xlsm_is_read_and_built_like_an_xlsx(tmp_path):
    folder = tmp_path / "pilot"
    folder.mkdir()
    _workbook(folder / "houten.xlsm")
    assert validate_register(folder / "houten.xlsm") == []
    obs = register_observations(folder)
    assert obs["indicator"].tolist() == ["pilot_matches"] and obs["value"].tolist() == [1.0]


def test_build_refuses_files_it_would_otherwise_skip(tmp_path):
    folder = tmp_path / "pilot"
    folder.mkdir()
    (folder / "houten.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "README.md").write_text("notes", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"houten\.xls: not a register file"):
        register_observations(folder)


# --------------------------------------------------------------------------- strict reading (class 4)


@pytest.mark.parametrize("period, message", [
    ("2020-13", "has month 13: a month is 01-12"),
    ("2020-00", "has month 0: a month is 01-12"),
    ("2020MM13", "is not a CBS period code"),
    ("2020-Q5", "has quarter 5"),
    ("2032-01", "lies in the future"),
    ("2012-05", "a period before 2017"),
])
def test_period_codes_are_strict(tmp_path, period, message):
    path = _cell_file(tmp_path, "period", period)
    problems = [str(p) for p in validate_register(path)]
    assert len(problems) == 1 and message in problems[0], problems


def test_an_earlier_first_year_is_an_explicit_setting(tmp_path):
    path = _cell_file(tmp_path, "period", "2012-05")
    assert validate_register(path, first_year=2010) == []
    assert read_register(path, first_year=2010)["period_start"].iloc[0] == pd.Timestamp("2012-05-01")


@pytest.mark.parametrize("value, readings", [("1.000", "1000 (Dutch thousands point) or as 1 (decimal point)"),
                                             ("12.500", "12500 (Dutch thousands point) or as 12.5 (decimal point)"),
                                             ("1,000", "1 (Dutch decimal comma) or as 1000 (English thousands comma)")])
def test_ambiguous_numbers_are_refused_with_both_readings(tmp_path, value, readings):
    path = _cell_file(tmp_path, "value", value, pilot="nieuwegein", unit_id="FLAT1", period="2020-06",
                      measure="waste_collected_kg", unit="kg")
    problems = [str(p) for p in validate_register(path)]
    assert len(problems) == 1 and f"can be read as {readings}" in problems[0], problems


@pytest.mark.parametrize("value, expected", [("4000,5", 4000.5), ("1.000,5", 1000.5), ("1,000.5", 1000.5),
                                             ("192000.06", 192000.06), ("1.000.000", 1e6)])
def test_unambiguous_numbers_are_read(tmp_path, value, expected):
    path = _cell_file(tmp_path, "value", value, pilot="nieuwegein", unit_id="FLAT1", period="2020-06",
                      measure="waste_collected_kg", unit="kg")
    assert read_register(path)["value"].tolist() == [expected]


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e20", "Infinity"])
def test_non_finite_and_overflowing_values_are_refused(tmp_path, value):
    problems = [str(p) for p in validate_register(_cell_file(tmp_path, "value", value))]
    assert len(problems) == 1 and problems[0].startswith("row 1 (line 2), column `value`:"), problems


def test_an_unclosed_quote_is_an_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + 'houten,P0001,2020-06-22,matches,1,persons,"betaald werk\n'
                    + "houten,P0002,2020-06-23,matches,1,persons,vrijwilligerswerk\n", encoding="utf-8")
    problems = [str(p) for p in validate_register(path)]
    assert problems and "unclosed quote" in problems[0]


def test_groups_that_differ_only_in_spelling_are_flagged(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "houten,P0001,2020-06-22,matches,1,persons,betaald werk\n"
                    + "houten,P0002,2020-06-23,matches,1,persons,Betaald-werk\n", encoding="utf-8")
    problems = [str(p) for p in validate_register(path)]
    assert problems == [("column `group`: measure 'matches' of houten has 2 groups that differ only in capitals, "
                         "spaces or punctuation (first in rows 1, 2); write each group one way, or they are counted "
                         "as different groups.")]


def test_the_build_takes_an_earlier_first_year_from_the_environment(tmp_path, monkeypatch):
    folder = tmp_path / "pilot"
    folder.mkdir()
    (folder / "old.csv").write_text(HEADER + "houten,P0001,2015-03,intakes,12,persons,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="a period before 2017"):
        register_observations(folder)
    monkeypatch.setenv("COSIE_PILOT_FIRST_YEAR", "2015")
    assert register_observations(folder)["period"].tolist() == ["2015MM03"]


def test_no_malformed_register_produces_a_traceback(tmp_path):
    """Seeded random edits of a valid register: every outcome is a list of problems or a CosieError."""
    from cosie_analysis.errors import CosieError

    rng = np.random.default_rng(0)
    alphabet = [*'0123456789abcXYZ,;."\n -/_@[]()+eE\t', "\u200b", "é", "１", "BSN", "inf", "2020-", "MM"]
    base = HEADER + "houten,P0001,2020-06-22,matches,1,persons,x\n"
    for _ in range(150):
        text = list(base)
        for _ in range(int(rng.integers(1, 8))):
            pos = int(rng.integers(0, len(text)))
            text[pos:pos + int(rng.integers(0, 3))] = [alphabet[int(rng.integers(len(alphabet)))]]
        path = tmp_path / "r.csv"
        path.write_text("".join(text), encoding="utf-8")
        try:
            assert isinstance(validate_register(path), list)
        except CosieError:
            pass


@pytest.mark.parametrize("pilot", ["houten", "nieuwegein"])
def test_synthetic_register_round_trips_through_a_csv_file(tmp_path, pilot):
    """Written as it is (no column selection), the generator's frame is a valid register file, and
    reading the file back gives the same frame; it used to carry period_start, period_end and
    frequency, which a register file may not hold."""
    frame = synthetic_register(pilot, seed=5)
    copy = frame.copy(deep=True)
    path = tmp_path / "data" / "raw" / "pilot" / f"{pilot}.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False)
    assert list(frame.columns) == list(REGISTER_COLUMNS)
    assert validate_register(path) == []
    back = read_register(path)
    pd.testing.assert_frame_equal(back[list(frame.columns)], frame)
    pd.testing.assert_frame_equal(back, read_register(frame))
    pd.testing.assert_frame_equal(frame, copy)
