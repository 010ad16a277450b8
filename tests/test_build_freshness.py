"""`build` decides freshness from the content of its inputs (issue #16, class 5), not from modification
times: a deleted register, or one added with an old modification time, makes the table stale."""

from __future__ import annotations

import json
import os

import pytest

from cosie_analysis.observations import PROCESSED_FILES, freshness, is_current
from cosie_analysis.observations.freshness import _code_digest, _input_digests
from cosie_analysis.pilot.register import REGISTER_COLUMNS, synthetic_register


@pytest.fixture
def built(tmp_path, monkeypatch):
    """A data folder whose processed outputs record the present inputs (as the build does)."""
    monkeypatch.setenv("COSIE_DATA_DIR", str(tmp_path))
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    (raw / "pilot").mkdir(parents=True)
    processed.mkdir()
    synthetic_register("nieuwegein", seed=0)[list(REGISTER_COLUMNS)].to_csv(raw / "pilot" / "a.csv", index=False)

    def record(code=True):
        for name in PROCESSED_FILES:
            (processed / name).write_text("x", encoding="utf-8")
        info = {"inputs": _input_digests(raw), "rows": 1, **({"code_sha256": _code_digest()} if code else {})}
        (processed / "observations.sources.json").write_text(json.dumps(info), encoding="utf-8")

    record()
    return raw, record


def _age(path, seconds=10 * 365 * 86400):
    old = path.stat().st_mtime - seconds
    os.utime(path, (old, old))


def test_the_recorded_build_is_current(built):
    assert is_current()


def test_a_deleted_register_makes_the_build_stale(built):
    raw, _ = built
    (raw / "pilot" / "a.csv").unlink()
    assert not is_current()


def test_a_register_added_with_an_old_modification_time_makes_the_build_stale(built):
    raw, _ = built
    new = raw / "pilot" / "b.csv"
    synthetic_register("houten", seed=1)[list(REGISTER_COLUMNS)].to_csv(new, index=False)
    _age(new)
    assert not is_current()


def test_a_changed_register_with_its_old_modification_time_makes_the_build_stale(built):
    raw, _ = built
    path = raw / "pilot" / "a.csv"
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(",17.0,", ",18.0,", 1), encoding="utf-8")
    os.utime(path, (stat.st_atime, stat.st_mtime))
    assert not is_current()


def test_touching_an_input_without_changing_it_keeps_the_build_current(built):
    raw, _ = built
    os.utime(raw / "pilot" / "a.csv")  # newer than the outputs, same content
    assert is_current()


def test_changed_code_makes_the_build_stale(built, monkeypatch):
    monkeypatch.setattr(freshness, "_code_digest", lambda: "0" * 64)
    assert not is_current()


def test_every_name_is_still_importable_from_observations():
    """The module became a package (_tables, _rates, build, freshness, load); its names stay where they were."""
    import cosie_analysis.observations as observations

    names = ["OBSERVATION_COLUMNS", "STATUSES", "build_observations", "is_current", "load_observations",
             "observations_path", "pc4_wijk_shares", "validate_observations", "PROCESSED_FILES",
             "read_raw_observations"]
    assert all(hasattr(observations, n) for n in names)
    assert set(names) <= set(observations.__all__)
