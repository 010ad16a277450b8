"""fetch: offline from the mirror (hash-checked, contents only) and live through a fake OData layer."""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
from pathlib import Path

import pytest

from cosie_analysis.data.fetch import CATALOGS, fetch
from cosie_analysis.data.registry import load_registry, sha256_file
from cosie_analysis.errors import FetchError
from cosie_analysis.paths import REGISTRY_PATH


def test_registry_hashes_match_the_mirror(mirror):
    sums = dict(reversed(line.split()) for line in (mirror / "SHA256SUMS").read_text().splitlines())
    registry = load_registry()
    listed = {
        f"{e['path']}/{name}": info["sha256"] for e in registry["tables"].values() for name, info in e["files"].items()
    }
    assert listed == sums


def test_offline_fetch_copies_contents_not_permissions(mirror, tmp_path):
    # a read-only copy of one table, as CI's ../shared is
    ro = tmp_path / "mirror"
    shutil.copytree(mirror / "cbs" / "47024NED", ro / "cbs" / "47024NED")
    for p in (ro / "cbs" / "47024NED").iterdir():
        p.chmod(stat.S_IRUSR | stat.S_IRGRP)
    raw = tmp_path / "raw"
    outcome = fetch(offline=True, tables=["47024NED"], mirror=ro, raw=raw, progress=False)
    assert outcome == {"47024NED": "mirror"}
    for p in (raw / "cbs" / "47024NED").iterdir():
        assert p.stat().st_mode & stat.S_IWUSR, f"{p} was copied read-only"
        assert p.read_bytes() == (ro / "cbs" / "47024NED" / p.name).read_bytes()
    # a second fetch finds everything current and leaves the files alone
    before = {p.name: p.stat().st_mtime_ns for p in (raw / "cbs" / "47024NED").iterdir()}
    assert fetch(offline=True, tables=["47024NED"], mirror=ro, raw=raw, progress=False) == {"47024NED": "up to date"}
    assert before == {p.name: p.stat().st_mtime_ns for p in (raw / "cbs" / "47024NED").iterdir()}


def test_mirror_hash_mismatch_is_an_error(mirror, tmp_path):
    bad = tmp_path / "mirror"
    shutil.copytree(mirror / "cbs" / "47024NED", bad / "cbs" / "47024NED")
    data = bad / "cbs" / "47024NED" / "data.csv"
    data.write_bytes(data.read_bytes().replace(b"279325", b"279326"))
    with pytest.raises(FetchError, match=r"data.csv: sha256 .* differs from the registry's .* for 47024NED"):
        fetch(offline=True, tables=["47024NED"], mirror=bad, raw=tmp_path / "raw", progress=False)
    assert not (tmp_path / "raw" / "cbs" / "47024NED" / "data.csv").exists()


def test_registry_entry_whose_file_is_missing(mirror, tmp_path):
    partial = tmp_path / "mirror"
    shutil.copytree(mirror / "cbs" / "47024NED", partial / "cbs" / "47024NED")
    (partial / "cbs" / "47024NED" / "Overlast.csv").unlink()
    with pytest.raises(
        FetchError, match=r"Registry entry '47024NED' lists \['Overlast.csv'\], but the mirror has no such file"
    ):
        fetch(offline=True, tables=["47024NED"], mirror=partial, raw=tmp_path / "raw", progress=False)


def test_manual_source_without_mirror_says_what_to_download(tmp_path):
    with pytest.raises(FetchError, match=r"lbm3 .* is not served through CBS OData.*scores_pc4.csv"):
        fetch(offline=True, tables=["lbm3"], mirror=tmp_path / "nowhere", raw=tmp_path / "raw", progress=False)


def test_unknown_table_id(tmp_path):
    with pytest.raises(FetchError, match=r"Unknown table id\(s\) \['47018XXX'\]"):
        fetch(offline=True, tables=["47018XXX"], raw=tmp_path / "raw", progress=False)


# ----------------------------------------------------------------------------- live, with a fake HTTP layer


class FakeResponse:
    def __init__(self, payload):
        self._payload = payload

    def raise_for_status(self):
        pass

    def json(self):
        return self._payload


class FakeODataSession:
    """Serves CSV tables as CBS OData v3 JSON (``value``, ``odata.nextLink``), padded keys and an ID."""

    def __init__(self, tables: dict[str, Path], page_size: int = 500, modified="2024-06-28T02:00:00"):
        self.tables, self.page_size, self.modified = tables, page_size, modified
        self.calls: list[str] = []

    @staticmethod
    def _rows(path: Path):
        rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
        out = []
        for i, row in enumerate(rows):
            typed = {"ID": i}
            for k, v in row.items():
                if v == "":
                    typed[k] = None
                elif k.endswith("_1") and v.lstrip("-").isdigit():
                    typed[k] = int(v)
                else:
                    typed[k] = v + "  " if k in ("WijkenEnBuurten", "Perioden") else v  # CBS pads keys
            out.append(typed)
        return out

    def get(self, url, params=None, timeout=None):
        self.calls.append(url)
        base, _, rest = url.partition("/odata/")
        table, _, endpoint = rest.partition("/")
        endpoint, _, query = endpoint.partition("?")
        if endpoint == "TableInfos":
            return FakeResponse({"value": [{"ID": 0, "Identifier": table, "Modified": self.modified}]})
        name = "data.csv" if endpoint == "TypedDataSet" else f"{endpoint}.csv"
        rows = self._rows(self.tables[table] / name)
        skip = int(query.split("$skip=")[1]) if "$skip=" in query else 0
        page = rows[skip : skip + self.page_size]
        payload = {"odata.metadata": f"{base}/odata/{table}/$metadata", "value": page}
        if skip + self.page_size < len(rows):
            payload["odata.nextLink"] = f"{base}/odata/{table}/{endpoint}?$skip={skip + self.page_size}"
        return FakeResponse(payload)


def _tmp_registry(tmp_path) -> Path:
    path = tmp_path / "registry.json"
    path.write_bytes(REGISTRY_PATH.read_bytes())
    return path


def test_live_fetch_follows_paging_and_stores_the_normalised_layout(mirror, tmp_path):
    session = FakeODataSession({"47024NED": mirror / "cbs" / "47024NED"})
    registry = _tmp_registry(tmp_path)
    outcome = fetch(
        offline=False,
        tables=["47024NED"],
        raw=tmp_path / "raw",
        registry_path=registry,
        session=session,
        progress=False,
    )
    assert outcome == {"47024NED": "live"}
    pages = [c for c in session.calls if "TypedDataSet" in c]
    assert len(pages) == 3  # 1,404 rows in pages of 500
    assert pages[0].startswith(CATALOGS["dataderden"])
    for name in ("data.csv", "Overlast.csv"):  # same table -> same bytes as the mirror, whichever way it came
        assert sha256_file(tmp_path / "raw" / "cbs" / "47024NED" / name) == sha256_file(
            mirror / "cbs" / "47024NED" / name
        )
    assert registry.read_bytes() == REGISTRY_PATH.read_bytes()


def test_live_revision_warns_records_and_keeps_the_old_snapshot(mirror, tmp_path):
    raw = tmp_path / "raw"
    fetch(offline=True, tables=["47024NED"], mirror=mirror, raw=raw, progress=False)
    revised = tmp_path / "revised"
    shutil.copytree(mirror / "cbs" / "47024NED", revised)
    (revised / "data.csv").write_bytes((revised / "data.csv").read_bytes().replace(b"279325", b"279400"))
    registry = _tmp_registry(tmp_path)
    old_hash = sha256_file(raw / "cbs" / "47024NED" / "data.csv")
    with pytest.warns(UserWarning, match=r"47024NED/data.csv: the live download differs .* table modified 2024-06-28"):
        outcome = fetch(
            offline=False,
            tables=["47024NED"],
            raw=raw,
            registry_path=registry,
            session=FakeODataSession({"47024NED": revised}),
            progress=False,
        )
    assert outcome == {"47024NED": "live, revised"}
    snapshot = raw / "cbs" / "47024NED" / ".snapshots" / old_hash[:12] / "data.csv"
    assert snapshot.read_bytes() == (mirror / "cbs" / "47024NED" / "data.csv").read_bytes()
    assert b"279400" in (raw / "cbs" / "47024NED" / "data.csv").read_bytes()
    entry = json.loads(registry.read_text())["tables"]["47024NED"]
    new_hash = sha256_file(raw / "cbs" / "47024NED" / "data.csv")
    assert entry["files"]["data.csv"]["sha256"] == new_hash
    assert entry["revisions"][-1] | {"fetched": None} == {
        "file": "data.csv",
        "old_sha256": old_hash,
        "new_sha256": new_hash,
        "modified": "2024-06-28T02:00:00",
        "fetched": None,
    }
    assert entry["files"]["Overlast.csv"]["sha256"] == sha256_file(mirror / "cbs" / "47024NED" / "Overlast.csv")


def test_unreachable_cbs_falls_back_to_the_mirror(mirror, tmp_path):
    class Offline:
        def get(self, *args, **kwargs):
            raise OSError("network is unreachable")

    outcome = fetch(tables=["47024NED"], mirror=mirror, raw=tmp_path / "raw", session=Offline(), progress=False)
    assert outcome == {"47024NED": "mirror"}


def test_cli_fetch_without_flags_chooses_the_mode_itself(monkeypatch):
    """`cosie-analysis fetch` must let fetch() probe CBS (offline=None), not force live mode."""
    import cosie_analysis.data.fetch as fetch_module
    from cosie_analysis.cli import main

    seen = {}
    monkeypatch.setattr(fetch_module, "fetch", lambda **kw: seen.update(kw) or {})
    assert main(["fetch"]) == 0 and seen["offline"] is None
    assert main(["fetch", "--offline"]) == 0 and seen["offline"] is True
    assert main(["fetch", "--live"]) == 0 and seen["offline"] is False
