"""``cosie-analysis fetch``: fill ``data/raw`` with the tables named in the registry.

Live mode downloads CBS tables through the CBS OData v3 API (``TypedDataSet`` and the dimension
endpoints, following ``odata.nextLink`` paging) and stores them in the mirror's normalised layout:
keys stripped of padding, no ``ID`` column, one ``<Dimension>.csv`` per stored dimension. Offline mode
(``--offline``, or automatically when CBS cannot be reached) copies the files from the mirror
(``$COSIE_MIRROR``, by default ``../shared/cosie-data`` beside the repository).

Every stored file is checked against the registry's sha256:

* from the mirror, a mismatch is an error (the mirror is not the registered version);
* from a live download, a mismatch means CBS revised the table: a warning, the new hash and the
  table's modification date are recorded in the registry under ``revisions``, and the earlier raw file
  is kept in ``<table folder>/.snapshots/<old sha256[:12]>/``, never overwritten.

Tables without a mirror copy are marked ``"live_only": true`` in the registry, with no file hashes
until their first live download: that download records the hashes and the table's modification date
(trust on first use, said in the output and under ``trust_on_first_use``); later downloads are
verified like every other table. Offline, such a table is listed as "needs a live fetch" and nothing
fails. Their measures are named by meaning (``measure_specs``: a key stem and a title), because CBS
renumbers measure keys between releases (``GemiddeldAantalInwoners_51`` becomes ``_81``); the live
reader resolves them from the table's ``DataProperties`` (:func:`resolve_measures`) and stores them
under stable names. A download that fails leaves none of the table's files.

Sources that CBS does not serve through OData (the wijk- en buurtkaart attributes, Leefbaarometer, the
PC4-wijk crosswalk) come from the mirror; without it, the error says which file to download from
where and where to put it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import shutil
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cosie_analysis._io import atomic_write, atomic_write_bytes
from cosie_analysis.data.odata import (
    CATALOGS,
    _get_all,
    _session,
    cbs_reachable,
    download_odata_table,
    resolve_measures,
    table_dimensions,
)
from cosie_analysis.data.registry import load_registry, save_registry, sha256_file
from cosie_analysis.errors import FetchError
from cosie_analysis.paths import REGISTRY_PATH, mirror_dir, raw_dir

__all__ = ["fetch", "CATALOGS", "cbs_reachable", "download_odata_table", "resolve_measures", "NEEDS_LIVE"]

#: What ``fetch`` reports for a live-only table it could not download (offline, or no network).
NEEDS_LIVE = "needs a live fetch"


def _manual_hint(table_id: str, entry: dict, folder: Path) -> str:
    names = ", ".join(sorted(entry["files"]))
    return (
        f"{table_id} ({entry['title']}, {entry['publisher']}) is not served through CBS OData. "
        f"{entry.get('instructions', '')} Download from {entry.get('download', 'the publisher')} and "
        f"put {names} in {folder}/ (or set COSIE_MIRROR to a copy of the cosie-data mirror)."
    )


def _copy_from_mirror(table_id: str, entry: dict, mirror: Path, target: Path) -> list[str]:
    source = mirror / entry["path"]
    missing = [n for n in entry["files"] if not (source / n).is_file()]
    if missing:
        if entry["source"] == "manual":
            raise FetchError(_manual_hint(table_id, entry, target) + f" Not in the mirror either: {missing}.")
        raise FetchError(
            f"Registry entry {table_id!r} lists {missing}, but the mirror has no such file in {source}. "
            "Point COSIE_MIRROR at a complete mirror, fetch live with network, or correct the entry in "
            f"{REGISTRY_PATH}."
        )
    copied = []
    for name, info in sorted(entry["files"].items()):
        data = (source / name).read_bytes()  # contents only: the mirror may be read-only
        digest = hashlib.sha256(data).hexdigest()
        if digest != info["sha256"]:
            raise FetchError(
                f"{source / name}: sha256 {digest} differs from the registry's {info['sha256']} for {table_id}. "
                "The mirror is not the registered version of this table: use the matching mirror, or fetch "
                "live so the revision is recorded."
            )
        atomic_write_bytes(target / name, data)
        copied.append(name)
    return copied


def _store_live(table_id: str, entry: dict, files: dict[str, bytes], modified, target: Path) -> str:
    """Store downloaded files (all or none); record a revision, or the hashes of a first download.

    Returns ``"live"``, ``"live, revised"`` or ``"live, first use"``.
    """
    today = _dt.date.today().isoformat()
    first_use = entry.get("live_only", False) and not entry["files"]
    revised = False
    for name, data in sorted(files.items()):
        digest = hashlib.sha256(data).hexdigest()
        info = entry["files"].setdefault(name, {"sha256": digest})
        old = info["sha256"]
        path = target / name
        if digest != old:
            revised = True
            if path.is_file():
                keep = target / ".snapshots" / sha256_file(path)[:12] / name
                keep.parent.mkdir(parents=True, exist_ok=True)
                if not keep.exists():
                    shutil.copyfile(path, keep)
            entry.setdefault("revisions", []).append(
                {"file": name, "old_sha256": old, "new_sha256": digest, "modified": modified, "fetched": today}
            )
            info["sha256"] = digest
            warnings.warn(
                f"{table_id}/{name}: the live download differs from the registered version (sha256 {old[:12]} -> "
                f"{digest[:12]}, table modified {modified}). CBS revised the table, or delivered it in another "
                "layout. The new hash is recorded in the registry; the earlier raw file, if any, is kept in "
                f"{target / '.snapshots'}.",
                UserWarning,
                stacklevel=3,
            )
    writers: dict[Path, Callable[[Path], object]] = {
        target / name: partial(Path.write_bytes, data=data) for name, data in sorted(files.items())
    }
    atomic_write(writers)
    if first_use:
        entry["trust_on_first_use"] = {"fetched": today, "modified": modified}
        print(f"{table_id}: first live fetch of a live-only table; its hashes and modification date "
              f"({modified}) are now recorded in the registry (trust on first use) and checked from now on.")
        return "live, first use"
    return "live, revised" if revised else "live"


def _live_only_offline(table_id: str, entry: dict, mirror: Path, target: Path) -> str:
    """A live-only table when not fetching live: current, copied from a mirror that has it, or to do."""
    if entry["files"] and all((mirror / entry["path"] / n).is_file() for n in entry["files"]):
        _copy_from_mirror(table_id, entry, mirror, target)
        return "mirror"
    return NEEDS_LIVE


def _resolve_live(
    table_id: str, entry: dict, session
) -> tuple[list[dict], dict[str, str] | None, list[str] | None]:
    """``(DataProperties, resolved measures, dimensions)`` of a table with ``measure_specs``, else empty."""
    if not entry.get("measure_specs"):
        return [], None, None
    url = f"{CATALOGS[entry['catalog']]}/{entry.get('table', table_id)}/DataProperties"
    props = _get_all(session or _session(), url)
    resolved = resolve_measures(table_id, props, entry["measure_specs"])
    dims = table_dimensions(props, entry["dimensions"])  # every key, so no row repeats another's key
    return props, resolved, dims


def _record_resolution(
    entry: dict, props: list[dict], resolved: dict[str, str] | None, dims: list[str] | None
) -> bool:
    """Write newly resolved measure keys, units and dimensions into the registry ``entry``; True if it changed."""
    changed = False
    if resolved is not None and resolved != entry.get("resolved_measures"):
        units = {p.get("Key"): p.get("Unit") for p in props}
        entry["resolved_measures"] = resolved
        entry["measure_units"] = {name: units.get(key) for name, key in resolved.items()}
        changed = True
    if dims is not None and dims != entry["dimensions"] and dims != entry.get("resolved_dimensions"):
        entry["resolved_dimensions"] = dims
        changed = True
    return changed


def fetch(
    *,
    offline: bool | None = None,
    tables: list[str] | None = None,
    mirror: str | Path | None = None,
    raw: str | Path | None = None,
    registry_path: str | Path | None = None,
    session=None,
    progress: bool = True,
) -> dict[str, str]:
    """Fill ``data/raw`` with the registry's tables, live from CBS or from the offline mirror.

    Parameters
    ----------
    offline : bool, optional
        True: copy from the mirror only. False: download CBS tables live. None (default): live when
        CBS answers, otherwise offline.
    tables : list of str, optional
        Registry ids to fetch; default all.
    mirror, raw, registry_path : path-like, optional
        Override ``$COSIE_MIRROR``, ``data/raw`` and ``data/registry.json``.
    session : requests.Session-like, optional
        The HTTP layer (tests pass a fake one that serves OData JSON).
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        Registry id -> what happened: ``"up to date"``, ``"mirror"``, ``"live"``, ``"live, revised"``,
        ``"live, first use"`` (a live-only table's hashes recorded), ``"needs a live fetch"`` (a
        live-only table, offline) or ``"failed: needs a live fetch"`` (a live-only table whose
        download failed while fetching all tables: a warning says why, nothing of it is stored and
        the other tables are fetched; asked for by name, the failure is an error).

    Raises
    ------
    FetchError
        A file missing from the mirror, a mirror file whose hash differs from the registry, a manual
        source that is not available (the message says what to download and where to put it), or an
        unknown table id.

    Examples
    --------
    Fetching needs the mirror or CBS, so these lines are skipped:

    >>> fetch(offline=True)  # doctest: +SKIP
    >>> fetch(tables=["85039NED"], offline=False)  # doctest: +SKIP

    An unknown table id is refused before anything is fetched:

    >>> fetch(tables=["no_such_table"], offline=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.FetchError: Unknown table id(s) ['no_such_table']. The registry has: [...].
    """
    registry_path = Path(registry_path or REGISTRY_PATH)
    registry = load_registry(registry_path)
    entries = registry["tables"]
    unknown = [t for t in (tables or []) if t not in entries]
    if unknown:
        raise FetchError(f"Unknown table id(s) {unknown}. The registry has: {sorted(entries)}.")
    raw = Path(raw) if raw else raw_dir()
    mirror = Path(mirror) if mirror else mirror_dir()
    if offline is None:
        offline = not cbs_reachable(session)
        if offline:
            print(f"CBS cannot be reached: fetching offline from the mirror {mirror}")
    outcome: dict[str, str] = {}
    registry_changed = False
    for table_id in tables or list(entries):
        entry = entries[table_id]
        target = raw / entry["path"]
        current = all(
            (target / n).is_file() and sha256_file(target / n) == i["sha256"] for n, i in entry["files"].items()
        )
        live_only = entry.get("live_only", False)
        current = current and bool(entry["files"])
        if current and (offline or entry["source"] == "manual"):
            outcome[table_id] = "up to date"
            continue
        if live_only and offline:
            outcome[table_id] = _live_only_offline(table_id, entry, mirror, target)
            continue
        if offline or entry["source"] == "manual":
            if not mirror.is_dir():
                hint = _manual_hint(table_id, entry, target) if entry["source"] == "manual" else (
                    "Connect to the network for a live download, or set COSIE_MIRROR to the offline mirror."
                )
                raise FetchError(f"The mirror {mirror} does not exist. {hint}")
            _copy_from_mirror(table_id, entry, mirror, target)
            outcome[table_id] = "mirror"
            continue
        try:
            props, resolved, dims = _resolve_live(table_id, entry, session)
            files, modified = download_odata_table(
                table_id, entry, session, progress, resolved=resolved, dimensions=dims
            )
        except Exception as exc:
            error = exc if isinstance(exc, FetchError) else FetchError(
                f"{table_id}: live download from CBS failed ({exc}). Nothing of this table was stored. "
                "Retry, or use --offline.")
            if live_only and not tables:  # an optional table must not stop fetching the others
                warnings.warn(
                    f"{error} The other tables are fetched; this one {NEEDS_LIVE}.", UserWarning, stacklevel=2
                )
                outcome[table_id] = f"failed: {NEEDS_LIVE}"
                continue
            raise error from exc
        registry_changed |= _record_resolution(entry, props, resolved, dims)
        what = _store_live(table_id, entry, files, modified, target)
        registry_changed |= what != "live"
        outcome[table_id] = what
    if registry_changed:
        save_registry(registry, registry_path)
    for table_id, what in outcome.items():
        print(f"{table_id:>10}: {what}")
    todo = sorted(t for t, what in outcome.items() if what.endswith(NEEDS_LIVE))
    if todo:
        print(f"{len(todo)} live-only table(s) need a live fetch (`cosie-analysis fetch --live`): {', '.join(todo)}. "
              "Everything else works without them; see docs/data-sources.md.")
    return outcome
