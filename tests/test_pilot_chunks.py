"""Registers checked in chunks: the same problems, with the same rows and lines, whatever the chunk size.

The registers here are synthetic (``synthetic_register`` and made-up rows); every planted problem
sits in a known row, most of them in late chunks when ``chunk_rows`` is small.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.pilot.identifiers import SCREEN_ASCII, identifier_kinds
from cosie_analysis.pilot.register import REGISTER_COLUMNS, read_register, synthetic_register, validate_register

HEADER = "pilot,unit_id,period,measure,value,unit,group\n"


def bsn_like(seed: int) -> str:
    """A 9-digit number that passes the 11-test, generated from the rule (never a real person's)."""
    rng = np.random.default_rng(seed)
    while True:
        digits = rng.integers(0, 10, size=8)
        check = int(np.dot(digits, [9, 8, 7, 6, 5, 4, 3, 2])) % 11
        if check < 10 and digits.any():
            return "".join(map(str, digits)) + str(check)


def _rows(n: int) -> list[str]:
    return [f"houten,P{i:04d},2020-{1 + i % 12:02d}-{1 + i % 28:02d},matches,1,persons,vrijwilligerswerk\n"
            for i in range(1, n + 1)]


def _planted(tmp_path):
    """40 good rows with problems planted late, a blank line after row 10 (so line = row + 2 from there)."""
    rows = _rows(40)
    rows[30] = "houten,P0031,2020-13,matches,1,persons,vrijwilligerswerk\n"  # row 31: month 13
    rows[32] = "houten,P0033,2020-05-04,matches,1.000,persons,vrijwilligerswerk\n"  # row 33: 1000 or 1?
    rows[33] = f"houten,P0034,2020-05-05,matches,1,persons,klant {bsn_like(1)}\n"  # row 34: a BSN in group
    rows[35] = f"houten,P0036,2020-05-06,matches,1,persons,klant {bsn_like(2)}\n"  # row 36: another
    rows[36] = "houten,P0037,2020-05-07,matches,1,persons\n"  # row 37: a field short
    rows[38] = rows[1]  # row 39 repeats row 2
    rows[39] = 'houten,P0040,2020-05-09,matches,1,persons,"vrijwilligers\nwerk"\n'  # row 40: two lines
    text = HEADER + "".join(rows[:10]) + ",,,\n" + "".join(rows[10:])
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_problem_in_a_late_chunk_names_its_row_and_line(tmp_path):
    path = _planted(tmp_path)
    problems = [str(p) for p in validate_register(path, chunk_rows=4)]
    assert problems[2].startswith("row 34 (line 36), column `group`: 2 value(s) look like a citizen service number "
                                  "(BSN: 9 digits that pass the 11-test) (also rows 36); the values are not shown")
    assert not any(bsn_like(1) in p or bsn_like(2) in p for p in problems)
    assert "row 37 (line 39): has 6 field(s) where the header has 7" in " | ".join(problems)
    assert "row 40 (line 42): a value runs over more than one line" in " | ".join(problems)
    assert "row 31 (line 33), column `period`: '2020-13' has month 13: a month is 01-12." in " | ".join(problems)
    assert ("row 39 (line 41), column `period`: same pilot, unit_id, period, measure and group as row 2: "
            "remove one of them") in " | ".join(problems)
    assert ("row 33 (line 35), column `value`: '1.000' can be read as 1000 (Dutch thousands point) or as 1 "
            "(decimal point)") in " | ".join(problems)
    assert problems == [str(p) for p in validate_register(path)]


@pytest.mark.parametrize("chunk_rows", [1, 3, 7, 64])
def test_chunked_and_whole_file_checks_agree(tmp_path, chunk_rows):
    path = _planted(tmp_path)
    assert validate_register(path, chunk_rows=chunk_rows) == validate_register(path)


def _synthetic_csv(tmp_path) -> tuple[pd.DataFrame, object]:
    frame = synthetic_register("houten", seed=3, start="2019-01", end="2021-12")
    path = tmp_path / "synthetic_houten.csv"
    frame[list(REGISTER_COLUMNS)].to_csv(path, index=False)
    return frame, path


def test_chunked_read_of_a_synthetic_register_equals_the_whole_read(tmp_path):
    frame, path = _synthetic_csv(tmp_path)
    assert len(frame) > 100
    whole = read_register(path)
    for chunk_rows in (97, len(frame) - 1):
        pd.testing.assert_frame_equal(read_register(path, chunk_rows=chunk_rows), whole)
        pd.testing.assert_frame_equal(read_register(frame, chunk_rows=chunk_rows), read_register(frame))
    pd.testing.assert_frame_equal(whole.drop(columns="group"), read_register(frame).drop(columns="group"))


def test_problems_across_chunks_of_a_synthetic_register(tmp_path):
    """Cross-row problems (duplicates, mixed units, group spellings) are found when the rows lie in different chunks."""
    frame, path = _synthetic_csv(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(text) - 1
    last = next(line for line in reversed(text) if ",matches," in line).rstrip("\n").split(",")
    dup = text[1]
    mixed = ",".join(last[:5] + ["personen"] + ["Betaald  werk"] + last[7:]) + "\n"
    path.write_text("".join(text) + dup + mixed, encoding="utf-8")
    whole = [str(p) for p in validate_register(path)]
    assert whole == [str(p) for p in validate_register(path, chunk_rows=60)]
    assert any(p.startswith(f"row {n + 1} (line {n + 2}), column `period`: same pilot, unit_id, period, measure and "
                            "group as row 1") for p in whole)
    assert any(re.match(r"column `group`: measure 'matches' of houten has 2 groups that differ only in capitals", p)
               for p in whole)


def test_chunk_rows_must_be_a_positive_whole_number(tmp_path):
    _, path = _synthetic_csv(tmp_path)
    for bad in (0, -5, 2.5, True, "100"):
        with pytest.raises(ParameterError, match="`chunk_rows` must be a whole number of rows"):
            validate_register(path, chunk_rows=bad)


def _examples() -> list[str]:
    """Made-up cells: identifiers of every kind in several spellings, and look-alikes that are none."""
    rng = np.random.default_rng(0)
    cells = [bsn_like(s) for s in range(30)]
    cells += [f"{b[:3]}.{b[3:5]}.{b[5:]}" for b in cells[:10]] + [f"id {b[1:]}" for b in cells[:10]]
    cells += ["0612345678", "06-12345678", "+31 6 12345678", "0031612345678", "612345678.0", "030 123 4567",
              "jan@voorbeeld.nl", "jan [at] voorbeeld (dot) nl", "jan apestaart voorbeeld punt nl",
              "NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", "3431 AB 12", "12 3431AB", "3431AB",
              "Kerkstraat 12", "Markt 5", "plein 3a", "01-02-1980", "1980-02-01", "S00000001", "S12345678",
              "speelpark 1", "supermarkt 2", "age 18-26", "GM0321", "WK035601", "BU03560101", "2020MM06",
              "192000.06", "sessies 2020 en 2021", "Werktafel 2021 nr 2", "1.000", "12.500,5"]
    alphabet = list("0123456789" * 4 + " .-/_,@[(<ABNLabst") + ["at", "straat", "Markt", "\t"]
    for _ in range(4000):
        cells.append("".join(rng.choice(alphabet, size=rng.integers(1, 16))))
    return cells


def test_the_ascii_first_pass_misses_no_identifier():
    """SCREEN_ASCII may let a cell through that holds nothing, never hold back one that holds something,
    read by Python's re and by the vectorised (pyarrow) string methods alike."""
    cells = [c for c in _examples() if c.isascii()]
    python = [bool(re.search(SCREEN_ASCII, c)) for c in cells]
    vectorised = pd.Series(cells, dtype="str").str.contains(SCREEN_ASCII, regex=True).tolist()
    assert python == vectorised
    flagged = [c for c in cells if identifier_kinds(c) or identifier_kinds(c, column="value")]
    assert len(flagged) > 60
    assert all(re.search(SCREEN_ASCII, c) for c in flagged), [c for c in flagged if not re.search(SCREEN_ASCII, c)]
    assert not re.search(SCREEN_ASCII, "S00000001") and not re.search(SCREEN_ASCII, "P0001")


def test_a_progress_bar_only_for_large_files(tmp_path, capsys, monkeypatch):
    from cosie_analysis.pilot import check

    path = _planted(tmp_path)
    validate_register(path, chunk_rows=8)
    assert capsys.readouterr().err == ""  # a small file: no bar
    monkeypatch.setattr(check, "PROGRESS_BYTES", path.stat().st_size)  # as if the file were large
    validate_register(path, chunk_rows=8)
    err = capsys.readouterr().err
    assert "checking register.csv" in err and "B/s" in err and "IProgress" not in err
