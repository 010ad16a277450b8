"""Bad input: one clear error naming file, row and column, and data/processed left untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cosie_analysis.errors import InputFileError
from cosie_analysis.observations import build_observations

pytestmark = pytest.mark.realdata

CRIME = Path("cbs") / "47018NED" / "data.csv"


@pytest.fixture
def workspace(real_data_dir, tmp_path):
    """A copy of the real raw data, and a processed folder holding a previous build's files."""
    raw = tmp_path / "raw"
    shutil.copytree(real_data_dir / "raw", raw)
    processed = tmp_path / "processed"
    processed.mkdir()
    previous = {"observations.parquet": b"previous build", "observations.csv": b"previous,build\n"}
    for name, content in previous.items():
        (processed / name).write_bytes(content)
    return raw, processed, previous


def _edit(path: Path, edit) -> None:
    path.chmod(0o644)
    path.write_bytes(edit(path.read_bytes()))


def _build_fails(workspace, match: str) -> InputFileError:
    raw, processed, previous = workspace
    inputs = {p: p.read_bytes() for p in raw.rglob("*.csv")}
    with pytest.raises(InputFileError, match=match) as info:
        build_observations(raw=raw, processed=processed)
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == previous, "data/processed was touched"
    assert {p: p.read_bytes() for p in raw.rglob("*.csv")} == inputs, "a raw input was modified"
    return info.value


def test_renamed_column(workspace):
    _edit(workspace[0] / CRIME, lambda b: b.replace(b"GeregistreerdeMisdrijven_1", b"Misdrijven", 1))
    err = _build_fails(
        workspace,
        (
            r"47018NED/data.csv: column\(s\) \['GeregistreerdeMisdrijven_1'\] not found\. Found: "
            r"\['SoortMisdrijf', 'WijkenEnBuurten', 'Perioden', 'Misdrijven'\]"
        ),
    )
    assert "Is this CBS table 47018NED's TypedDataSet" in str(err)


def test_missing_column(workspace):
    def drop_period(b):
        lines = b.decode().splitlines()
        return (
            "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != 2) for line in lines) + "\n"
        ).encode()

    _edit(workspace[0] / CRIME, drop_period)
    _build_fails(workspace, r"column\(s\) \[.Perioden.\] not found")


def test_truncated_file(workspace):
    _edit(workspace[0] / CRIME, lambda b: b[: len(b) // 2].rsplit(b",", 1)[0])
    err = _build_fails(
        workspace,
        (
            r"47018NED/data.csv: 1 row\(s\) do not have the header's 4 fields: row 28\d\d\d \(line "
            r"28\d\d\d\) has [123] field\(s\)\. The file is truncated or damaged\."
        ),
    )
    assert len(err.problems) == 1


def test_unknown_period_code(workspace):
    _edit(workspace[0] / CRIME, lambda b: b.replace(b"1.1.1,GM0000,2013JJ00", b"1.1.1,GM0000,2013XX00", 1))
    _build_fails(
        workspace, r"47018NED/data.csv: column `Perioden`: 1 unknown CBS period code\(s\): row 2 \(line 3\): '2013XX00'"
    )


def test_duplicate_key(workspace):
    _edit(workspace[0] / CRIME, lambda b: b + b"1.1.1,GM0000,2012JJ00,5\n")
    _build_fails(
        workspace,
        (
            r"2 row\(s\) share a key \['SoortMisdrijf', 'WijkenEnBuurten', 'Perioden'\]: row 1 \(line "
            r"2\): \('1.1.1', 'GM0000', '2012JJ00'\); row 57625 \(line 57626\)"
        ),
    )


def test_non_numeric_measure(workspace):
    _edit(workspace[0] / CRIME, lambda b: b.replace(b"1.1.1,GM0000,2014JJ00,261", b"1.1.1,GM0000,2014JJ00,26l", 1))
    _build_fails(
        workspace, r"column `GeregistreerdeMisdrijven_1`: 1 value\(s\) are not numbers: row 3 \(line 4\): '26l'"
    )


def test_wrong_encoding(workspace):
    path = workspace[0] / "cbs" / "47018NED" / "WijkenEnBuurten.csv"
    _edit(
        path, lambda b: b.decode("utf-8").replace("Aa en Hunze", "Aa én Hunze", 1).encode("latin-1", errors="replace")
    )
    _build_fails(
        workspace,
        (
            r"WijkenEnBuurten.csv: line \d+: byte 0x[0-9a-f]{2} is not valid UTF-8 "
            r"\(wrong encoding\)\.\nSave the file as UTF-8"
        ),
    )


def test_empty_table(workspace):
    _edit(workspace[0] / CRIME, lambda b: b.split(b"\n", 1)[0] + b"\n")
    _build_fails(workspace, r"47018NED/data.csv: the table has a header but no rows \(empty table\)\.")


def test_registered_file_missing_from_raw(workspace):
    (workspace[0] / "leefbaarometer" / "3.0-2022" / "scores_pc4.csv").unlink()
    _build_fails(
        workspace, r"scores_pc4.csv: registered file of lbm3 not found in data/raw\.\nRun `cosie-analysis fetch`"
    )


def test_many_problems_are_reported_at_once(workspace):
    def two_faults(b):
        b = b.replace(b"1.1.1,GM0000,2014JJ00,261", b"1.1.1,GM0000,2014JJ00,abc", 1)
        return b.replace(b"1.1.1,GM0000,2015JJ00,", b"1.1.1,GM0000,2015JJ00,x", 1)

    _edit(workspace[0] / CRIME, two_faults)
    _build_fails(workspace, r"2 value\(s\) are not numbers: row 3 \(line 4\): 'abc'; row 4 \(line 5\): 'x")
