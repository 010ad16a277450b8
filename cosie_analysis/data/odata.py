"""CBS OData v3 downloads for :func:`cosie_analysis.data.fetch.fetch`: paging, measure resolution, the mirror's layout.

A table is downloaded from ``TypedDataSet`` (following ``odata.nextLink``), its dimension endpoints and
``TableInfos``, and written as CSV in the offline mirror's normalised layout: keys stripped of padding,
no ``ID`` column, one ``<Dimension>.csv`` per stored dimension.
"""

from __future__ import annotations

import csv
import io

from cosie_analysis.errors import FetchError

__all__ = ["CATALOGS", "cbs_reachable", "download_odata_table", "resolve_measures", "table_dimensions"]

#: OData v3 roots of the two CBS catalogues. Politie tables live on the third-party catalogue.
CATALOGS = {
    "opendata": "https://opendata.cbs.nl/ODataApi/odata",
    "dataderden": "https://dataderden.cbs.nl/ODataApi/odata",
}
_TIMEOUT = 30


def _session():
    import requests

    s = requests.Session()
    s.headers["User-Agent"] = "cosie-analysis (research; https://github.com/)"
    return s


def cbs_reachable(session=None, timeout: float = 3.0) -> bool:
    """True when the CBS OData service answers within ``timeout`` seconds."""
    session = session or _session()
    try:
        session.get(CATALOGS["opendata"] + "/", timeout=timeout).raise_for_status()
    except Exception:  # any network or HTTP failure means: go offline
        return False
    return True


def _get_all(session, url: str, params: dict | None = None, progress=None) -> list[dict]:
    """GET an OData v3 collection, following ``odata.nextLink`` until the last page."""
    rows: list[dict] = []
    while url:
        response = session.get(url, params=params, timeout=_TIMEOUT)
        response.raise_for_status()
        payload = response.json()
        if "value" not in payload:
            raise FetchError(f"{url}: the answer has no `value`; is this a CBS OData v3 endpoint?")
        rows.extend(payload["value"])
        if progress is not None:
            progress.update(len(payload["value"]))
        url, params = payload.get("odata.nextLink"), None
    return rows


def _cell(value, strip: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip() if strip else value
    return str(value)


def _csv_bytes(rows: list[dict], columns: list[str], strip: set[str]) -> bytes:
    """CSV in the mirror's layout; the columns in ``strip`` lose CBS's space padding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), c in strip) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _stem(key: str) -> str:
    """A measure key without CBS's position number: ``GemiddeldAantalInwoners_51`` -> ``GemiddeldAantalInwoners``."""
    head, sep, tail = key.rpartition("_")
    return head if sep and tail.isdigit() else key


def resolve_measures(table_id: str, properties: list[dict], specs: dict[str, dict]) -> dict[str, str]:
    """Find each measure of ``specs`` among a CBS table's ``DataProperties`` by key stem and title.

    Parameters
    ----------
    table_id : str
        For the error message.
    properties : list of dict
        The table's ``DataProperties`` (OData v3): ``ID, ParentID, Type, Key, Title``.
    specs : dict
        Stable name -> ``{"stem": key without its number, "title": text the measure's title or the
        title of its group contains (case-insensitive, optional)}``.

    Returns
    -------
    dict
        Stable name -> the key in this release, e.g. ``{"population": "GemiddeldAantalInwoners_81"}``.

    Raises
    ------
    FetchError
        When a spec matches no measure or several, naming the candidates (same stem or matching title).

    Examples
    --------
    >>> props = [{"ID": 0, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Bevolking"},
    ...          {"ID": 1, "ParentID": 0, "Type": "Topic", "Key": "GemiddeldAantalInwoners_81",
    ...           "Title": "Gemiddeld aantal inwoners"}]
    >>> resolve_measures("70072NED", props, {"population": {"stem": "GemiddeldAantalInwoners", "title": "inwoners"}})
    {'population': 'GemiddeldAantalInwoners_81'}
    """
    groups = {p.get("ID"): p.get("Title", "") for p in properties if p.get("Type") == "TopicGroup"}
    topics = [p for p in properties if p.get("Type") == "Topic" and p.get("Key")]

    def titles(p):
        return f"{p.get('Title', '')} / {groups.get(p.get('ParentID'), '')}".lower()

    resolved, problems = {}, []
    for name, spec in specs.items():
        stem, title = spec["stem"], spec.get("title", "").lower()
        hits = [p for p in topics if _stem(p["Key"]) == stem and title in titles(p)]
        if len(hits) == 1:
            resolved[name] = hits[0]["Key"]
            continue
        near = hits or [p for p in topics if _stem(p["Key"]) == stem or (title and title in titles(p))]
        listed = ", ".join(f"{p['Key']} ({p.get('Title', '')})" for p in near[:8]) or "none"
        what = "several measures" if hits else "no measure"
        problems.append(f"{name!r}: {what} with key stem {stem!r} and title containing {title!r}; candidates: {listed}")
    if problems:
        raise FetchError(
            f"{table_id}: the table's DataProperties do not identify every measure: " + "; ".join(problems)
            + ". CBS may have renamed the measure: correct `measure_specs` of this table in the registry."
        )
    return resolved


def table_dimensions(properties: list[dict], fallback: list[str]) -> list[str]:
    """The dimension keys of a CBS table from its ``DataProperties`` (``fallback`` when it lists none)."""
    dims = [p["Key"] for p in properties if str(p.get("Type", "")).endswith("Dimension") and p.get("Key")]
    return dims or list(fallback)


def download_odata_table(table_id: str, entry: dict, session=None, progress: bool = True,
                         resolved: dict[str, str] | None = None,
                         dimensions: list[str] | None = None) -> tuple[dict[str, bytes], str | None]:
    """Download one registry table from CBS OData v3 in the mirror's normalised layout.

    Returns
    -------
    tuple
        ``({file name: CSV bytes}, modified)``, ``modified`` being the table's ``Modified`` date from
        ``TableInfos`` (or None).
    """
    from cosie_analysis._progress import tqdm  # no stray 'IProgress not found' in notebooks

    session = session or _session()
    base = f"{CATALOGS[entry['catalog']]}/{entry.get('table', table_id)}"
    params = {}
    if entry.get("filter"):
        params["$filter"] = entry["filter"]
    if entry.get("select"):
        params["$select"] = ",".join(entry["select"])
    dims = list(dimensions or entry.get("dimensions", []))
    if resolved:
        params["$select"] = ",".join([*dims, *resolved.values()])
    with tqdm(desc=f"{table_id} TypedDataSet", unit=" rows", disable=not progress, leave=False) as bar:
        rows = _get_all(session, f"{base}/TypedDataSet", params or None, bar)
    for target, rule in entry.get("derive", {}).items():
        for row in rows:
            row[target] = next((row[c] for c in rule["coalesce"] if row.get(c) is not None), None)
    if resolved:  # store under the stable names, whatever this release numbers them
        for row in rows:
            for name, key in resolved.items():
                row[name] = row.pop(key, None)
    files = {}
    data_columns = entry["files"].get("data.csv", {}).get("columns")
    if resolved:
        data_columns = [*dims, *resolved]
    if data_columns is None:  # an unchanged-download entry: every column CBS sends but the row ID
        data_columns = [c for c in (rows[0] if rows else {}) if c != "ID"]
    files["data.csv"] = _csv_bytes(rows, data_columns, set(data_columns))
    for dim in entry.get("dimension_files", []):
        dim_rows = _get_all(session, f"{base}/{dim}")
        columns = entry["files"].get(f"{dim}.csv", {}).get("columns") or [c for c in dim_rows[0] if c != "ID"]
        files[f"{dim}.csv"] = _csv_bytes(dim_rows, columns, {"Key"})
    modified = None
    try:
        infos = _get_all(session, f"{base}/TableInfos")
    except Exception:  # the date is informative only
        infos = []
    if infos:
        modified = infos[0].get("Modified")
        expected, title = entry.get("title_contains"), str(infos[0].get("Title", ""))
        if expected and expected.lower() not in title.lower():
            raise FetchError(f"{table_id}: CBS table {entry.get('table', table_id)} is titled {title!r}, not "
                             f"containing {expected!r} as the registry expects. The table id in the registry is "
                             "wrong: correct it (nothing was stored).")
    return files, modified
