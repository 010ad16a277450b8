"""Live-only tables through a fake CBS OData v3 service: measure keys renumbered between releases,
paging, trust on first use, offline listing, and failed downloads that leave nothing behind.

Every value served here is SYNTHETIC (invented for the tests); the table layouts (TableInfos,
DataProperties with TopicGroups, TypedDataSet with padded keys and an ID) follow CBS's OData v3.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cosie_analysis.data.fetch import NEEDS_LIVE, fetch, resolve_measures
from cosie_analysis.data.registry import live_tables, load_registry, sha256_file
from cosie_analysis.errors import FetchError
from cosie_analysis.paths import REGISTRY_PATH


class Response:
    def __init__(self, payload):
        self._payload = payload

    def raise_for_status(self):
        pass

    def json(self):
        return self._payload


def benefits_release(number: int, *, codes=("GM0321", "GM0356", "GM0353"), years=range(2015, 2024), shift=0.0) -> dict:
    """A synthetic release of a 70072NED-like benefits block; ``number`` is the measure's position."""
    props = [
        {"ID": 0, "Position": "0", "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
        {"ID": 1, "Position": "1", "ParentID": None, "Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
        {"ID": 2, "Position": "2", "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Sociale zekerheid"},
        {"ID": 3, "Position": "3", "ParentID": 2, "Type": "Topic", "Key": f"BijstandTotDeAOWLeeftijd_{number}",
         "Title": "Bijstand tot de AOW-leeftijd", "Unit": "x 1 000"},
        {"ID": 4, "Position": "4", "ParentID": 2, "Type": "Topic",
         "Key": f"BijstandGerelateerdTotAOWLeeftijd_{number + 1}", "Title": "Bijstandgerelateerd tot AOW-leeftijd",
         "Unit": "x 1 000"},
        {"ID": 5, "Position": "5", "ParentID": 2, "Type": "Topic", "Key": f"Werkloosheid_{number + 2}",
         "Title": "Werkloosheid", "Unit": "x 1 000"},
        {"ID": 6, "Position": "6", "ParentID": 2, "Type": "Topic", "Key": f"UitkeringsontvangersTotaal_{number + 3}",
         "Title": "Uitkeringsontvangers totaal", "Unit": "x 1 000"},
    ]
    rows, i = [], 0
    for c, code in enumerate(codes):
        for year in years:
            base = 1.0 + c + (year - 2015) / 10 + shift  # synthetic
            rows.append({"ID": i, "RegioS": code + "  ", "Perioden": f"{year}JJ00",
                         f"BijstandTotDeAOWLeeftijd_{number}": round(base, 1),
                         f"BijstandGerelateerdTotAOWLeeftijd_{number + 1}": round(base + 0.5, 1),
                         f"Werkloosheid_{number + 2}": None if year == 2015 else round(base / 2, 1),
                         f"UitkeringsontvangersTotaal_{number + 3}": round(base * 3, 1)})
            i += 1
    info = {"ID": 0, "Identifier": "70072NED", "Title": "Regionale kerncijfers Nederland",
            "Modified": f"2024-0{number % 9 + 1}-15T02:00:00"}
    return {"info": info, "properties": props, "rows": rows}


class FakeCBS:
    """A fake CBS OData v3 catalogue serving ``{table: release}``; honours ``$select`` and pages."""

    def __init__(self, tables: dict[str, dict], page_size: int = 10, fail_on_page: int | None = None):
        self.tables, self.page_size, self.fail_on_page = tables, page_size, fail_on_page
        self.calls: list[tuple[str, dict | None]] = []

    def get(self, url, params=None, timeout=None):
        self.calls.append((url, params))
        _, _, rest = url.partition("/odata/")
        table, _, endpoint = rest.partition("/")
        endpoint, _, query = endpoint.partition("?")
        release = self.tables[table]
        if endpoint == "TableInfos":
            return Response({"value": [release["info"]]})
        if endpoint == "DataProperties":
            return Response({"value": release["properties"]})
        assert endpoint == "TypedDataSet", endpoint
        skip = int(query.split("$skip=")[1].split("&")[0]) if "$skip=" in query else 0
        if self.fail_on_page is not None and skip // self.page_size == self.fail_on_page:
            raise OSError("connection reset by peer")
        in_query = query.split("$select=")[1].split("&")[0] if "$select=" in query else None
        select = (params or {}).get("$select") or in_query
        keep = None if select is None else {"ID", *select.split(",")}
        page = release["rows"][skip: skip + self.page_size]
        rows = [{k: v for k, v in r.items() if keep is None or k in keep} for r in page]
        payload = {"value": rows}
        if skip + self.page_size < len(release["rows"]):
            sel = f"&$select={select}" if select else ""
            payload["odata.nextLink"] = (
                f"https://opendata.cbs.nl/ODataApi/odata/{table}/TypedDataSet?$skip={skip + self.page_size}{sel}"
            )
        return Response(payload)


@pytest.fixture
def registry(tmp_path) -> Path:
    path = tmp_path / "registry.json"
    path.write_bytes(REGISTRY_PATH.read_bytes())
    return path


TABLE = "70072NED_uitkeringen"


def _fetch(registry, raw, session):
    return fetch(offline=False, tables=[TABLE], raw=raw, registry_path=registry, session=session, progress=False)


def test_first_live_fetch_resolves_renumbered_keys_and_trusts_on_first_use(registry, tmp_path, capsys):
    session = FakeCBS({"70072NED": benefits_release(152)})
    assert load_registry(registry)["tables"][TABLE]["files"] == {}
    assert _fetch(registry, tmp_path / "raw", session) == {TABLE: "live, first use"}
    assert "trust on first use" in capsys.readouterr().out
    data = tmp_path / "raw" / "cbs" / "70072NED_uitkeringen" / "data.csv"
    lines = data.read_text().splitlines()
    assert lines[0] == (
        "RegioS,Perioden,benefits_total,bijstand_below_aow,bijstand_related_below_aow,unemployment_benefits"
    )
    assert lines[1] == "GM0321,2015JJ00,3.0,1.0,1.5,"  # keys unpadded, a missing value empty
    assert len(lines) == 1 + 3 * 9
    entry = json.loads(registry.read_text())["tables"][TABLE]
    assert entry["files"]["data.csv"]["sha256"] == sha256_file(data)
    assert entry["trust_on_first_use"]["modified"] == "2024-09-15T02:00:00"
    assert entry["resolved_measures"]["bijstand_below_aow"] == "BijstandTotDeAOWLeeftijd_152"
    pages = [c for c in session.calls if "TypedDataSet" in c[0]]
    assert len(pages) == 3  # 27 rows in pages of 10
    assert pages[0][1]["$select"].startswith("RegioS,Perioden,")
    assert pages[0][0].startswith("https://opendata.cbs.nl/ODataApi/odata/70072NED/")  # the table, not the registry id
    status = live_tables(lang="nl", raw=tmp_path / "raw", registry_path=registry).set_index("table_id")
    assert status.at[TABLE, "fetched"] and status.at[TABLE, "note"] == ""
    assert status.at["85755NED", "note"] == "niet beschikbaar offline: voer `cosie-analysis fetch --live` uit"


def test_a_later_release_with_other_numbers_verifies_against_the_recorded_hashes(registry, tmp_path):
    raw = tmp_path / "raw"
    _fetch(registry, raw, FakeCBS({"70072NED": benefits_release(152)}))
    first = sha256_file(raw / "cbs" / "70072NED_uitkeringen" / "data.csv")
    # same values, keys renumbered (_152 -> _163): the stored file is byte-identical
    assert _fetch(registry, raw, FakeCBS({"70072NED": benefits_release(163)})) == {TABLE: "live"}
    assert sha256_file(raw / "cbs" / "70072NED_uitkeringen" / "data.csv") == first
    entry = json.loads(registry.read_text())["tables"][TABLE]
    assert entry["resolved_measures"]["unemployment_benefits"] == "Werkloosheid_165"
    # revised values: warned, recorded, the earlier file kept
    with pytest.warns(UserWarning, match=r"70072NED_uitkeringen/data.csv: the live download differs"):
        revised = _fetch(registry, raw, FakeCBS({"70072NED": benefits_release(163, shift=0.1)}))
        assert revised == {TABLE: "live, revised"}
    assert (raw / "cbs" / "70072NED_uitkeringen" / ".snapshots" / first[:12] / "data.csv").is_file()


def test_a_measure_that_cannot_be_identified_names_the_candidates(registry, tmp_path):
    release = benefits_release(152)
    release["properties"].append({"ID": 7, "ParentID": 2, "Type": "Topic", "Key": "Werkloosheid_170",
                                  "Title": "Werkloosheid (WW), vanaf 2020"})
    with pytest.raises(FetchError, match=r"'unemployment_benefits': several measures with key stem 'Werkloosheid' .*"
                       r"candidates: Werkloosheid_154 \(Werkloosheid\), Werkloosheid_170"):
        _fetch(registry, tmp_path / "raw", FakeCBS({"70072NED": release}))
    assert not (tmp_path / "raw" / "cbs" / "70072NED_uitkeringen").exists()
    assert registry.read_bytes() == REGISTRY_PATH.read_bytes()


def test_resolve_measures_reports_a_missing_measure():
    props = benefits_release(152)["properties"]
    with pytest.raises(FetchError, match=r"'x': no measure with key stem 'Bijstand' and title containing 'bijstand'; "
                       r"candidates: BijstandTotDeAOWLeeftijd_152 \(Bijstand tot de AOW-leeftijd\)"):
        resolve_measures("T", props, {"x": {"stem": "Bijstand", "title": "bijstand"}})


def test_a_download_that_fails_halfway_leaves_no_file(registry, tmp_path):
    with pytest.raises(FetchError, match=r"70072NED_uitkeringen: live download from CBS failed "
                       r"\(connection reset by peer\)\. Nothing of this table was stored"):
        _fetch(registry, tmp_path / "raw", FakeCBS({"70072NED": benefits_release(152)}, fail_on_page=2))
    folder = tmp_path / "raw" / "cbs" / "70072NED_uitkeringen"
    assert not folder.exists() or not any(folder.iterdir())
    assert registry.read_bytes() == REGISTRY_PATH.read_bytes()


def test_a_wrong_table_id_is_caught_by_the_title(registry, tmp_path):
    release = benefits_release(152)
    release["info"]["Title"] = "Bevolking; kerncijfers"
    with pytest.raises(
        FetchError, match=r"is titled 'Bevolking; kerncijfers', not containing 'Regionale kerncijfers Nederland'"
    ):
        _fetch(registry, tmp_path / "raw", FakeCBS({"70072NED": release}))
    assert not (tmp_path / "raw" / "cbs" / "70072NED_uitkeringen").exists()


def test_offline_lists_live_only_tables_and_succeeds(registry, tmp_path, capsys):
    live_only = [t for t, e in load_registry(registry)["tables"].items() if e.get("live_only")]
    assert {"85755NED", "82015NED", "80794ned", "47018NED_wijken", "47022NED_gemeenten", TABLE} <= set(live_only)
    outcome = fetch(offline=True, tables=live_only, raw=tmp_path / "raw", registry_path=registry,
                    mirror=tmp_path / "no-mirror", progress=False)
    assert set(outcome.values()) == {NEEDS_LIVE}
    assert f"{len(live_only)} live-only table(s) need a live fetch" in capsys.readouterr().out


def test_every_live_only_entry_says_what_is_verified():
    for table_id, entry in load_registry()["tables"].items():
        if entry.get("live_only"):
            assert entry["files"] == {}, table_id  # hashes come with the first live fetch
            assert entry["measure_specs"] and entry["verified"] and entry["title_contains"], table_id


def test_a_failing_live_only_table_does_not_stop_a_fetch_of_all_tables(registry, tmp_path, monkeypatch):
    """Fetching everything live: the live-only table fails (wrong title), is reported, the rest goes on."""
    import cosie_analysis.data.fetch as fetch_module

    entries = load_registry(registry)["tables"]
    only = {TABLE: entries[TABLE], "85755NED": entries["85755NED"]}
    registry.write_text(json.dumps({"tables": only}), encoding="utf-8")
    release = benefits_release(152)
    release["info"]["Title"] = "Bevolking; kerncijfers"
    areas = {"info": {"Title": "Gebieden in Nederland 2024", "Modified": "2024-02-01"},
             "properties": [{"ID": 0, "Type": "TopicGroup", "Key": "", "Title": "Provincies"},
                            {"ID": 1, "ParentID": 0, "Type": "Topic", "Key": "Code_28", "Title": "Code"},
                            {"ID": 2, "ParentID": 0, "Type": "Topic", "Key": "Naam_29", "Title": "Naam"},
                            {"ID": 3, "Type": "TopicGroup", "Key": "", "Title": "Arbeidsmarktregio's"},
                            {"ID": 4, "ParentID": 3, "Type": "Topic", "Key": "Code_36", "Title": "Code"},
                            {"ID": 5, "ParentID": 3, "Type": "Topic", "Key": "Naam_37", "Title": "Naam"}],
             "rows": [{"ID": 0, "RegioS": "GM0321  ", "Code_28": "PV26  ", "Naam_29": "Utrecht (PV)  ",
                       "Code_36": "AM15", "Naam_37": "Synthetische regio"}]}  # synthetic names
    monkeypatch.setattr(fetch_module, "cbs_reachable", lambda session=None, timeout=3.0: True)
    session = FakeCBS({"70072NED": release, "85755NED": areas})
    with pytest.warns(UserWarning,
                      match=r"70072NED_uitkeringen: CBS table 70072NED is titled 'Bevolking; kerncijfers'"):
        outcome = fetch(raw=tmp_path / "raw", registry_path=registry, session=session, progress=False)
    assert outcome == {TABLE: f"failed: {NEEDS_LIVE}", "85755NED": "live, first use"}
    assert (tmp_path / "raw" / "cbs" / "85755NED" / "data.csv").read_text().splitlines() == [
        "RegioS,province_code,province_name,labour_market_region_code,labour_market_region_name",
        "GM0321,PV26,Utrecht (PV),AM15,Synthetische regio"]
    assert not (tmp_path / "raw" / "cbs" / "70072NED_uitkeringen").exists()


def test_every_dimension_of_the_table_is_stored_so_no_key_repeats(registry, tmp_path):
    """82015NED has a benefit-basis dimension the registry does not name: it is stored and recorded."""
    props = [{"ID": 0, "Type": "Dimension", "Key": "Uitkeringsgrondslag", "Title": "Uitkeringsgrondslag"},
             {"ID": 1, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
             {"ID": 2, "Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
             {"ID": 3, "Type": "Topic", "Key": "Bijstandsuitkeringen_1", "Title": "Bijstandsuitkeringen",
              "Unit": "aantal"}]
    rows = [{"ID": i, "Uitkeringsgrondslag": basis, "RegioS": "GM0321  ", "Perioden": "2020MM04",
             "Bijstandsuitkeringen_1": n} for i, (basis, n) in enumerate([("T001", 500), ("A024", 300)])]  # synthetic
    release = {"info": {"Title": "Bijstandsuitkeringen; uitkeringsgrondslag, regio", "Modified": "2024-05-01"},
               "properties": props, "rows": rows}
    fetch(offline=False, tables=["82015NED"], raw=tmp_path / "raw", registry_path=registry,
          session=FakeCBS({"82015NED": release}), progress=False)
    assert (tmp_path / "raw" / "cbs" / "82015NED" / "data.csv").read_text().splitlines() == [
        "Uitkeringsgrondslag,RegioS,Perioden,bijstand_benefits", "T001,GM0321,2020MM04,500", "A024,GM0321,2020MM04,300"]
    entry = json.loads(registry.read_text())["tables"]["82015NED"]
    assert entry["resolved_dimensions"] == ["Uitkeringsgrondslag", "RegioS", "Perioden"]


def test_the_build_refuses_a_live_table_with_a_dimension_it_does_not_know(tmp_path):
    from cosie_analysis.data.sources.live import read_live_table
    from cosie_analysis.errors import InputFileError

    entry = dict(load_registry()["tables"]["80794ned"])
    entry["resolved_dimensions"] = ["Geslacht", "RegioS", "Perioden"]
    (tmp_path / "data.csv").write_text("Geslacht,RegioS,Perioden,bijstand_below_aow,unemployment_benefits\n"
                                       "T001038,GM0321,2020JJ00,1,2\n")  # synthetic
    with pytest.raises(InputFileError,
                       match=r"dimension\(s\) \['Geslacht'\] that the registry entry of 80794ned does not name"):
        read_live_table(tmp_path, "80794ned", entry)
