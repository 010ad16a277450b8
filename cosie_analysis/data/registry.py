"""The committed registry of source tables (``data/registry.json``) and file hashing.

Each entry names a source table (id, publisher, catalogue, filter, the relative ``path`` of its folder
in ``data/raw`` and in the mirror) and the sha256 of every file stored for it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cosie_analysis._io import atomic_write_bytes
from cosie_analysis.errors import RegistryError
from cosie_analysis.paths import REGISTRY_PATH, raw_dir
from cosie_analysis.words import word

__all__ = ["load_registry", "save_registry", "sha256_file", "live_tables"]


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_registry(path: str | Path | None = None) -> dict:
    """Read the registry; a missing or malformed registry is a :class:`RegistryError`."""
    path = Path(path or REGISTRY_PATH)
    try:
        registry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(
            f"Registry {path} not found. It is committed with the project: restore it with git."
        ) from None
    except json.JSONDecodeError as exc:
        raise RegistryError(
            f"Registry {path}, line {exc.lineno}, column {exc.colno}: {exc.msg}. Fix the JSON."
        ) from None
    problems = []
    for table_id, entry in registry.get("tables", {}).items():
        for key in ("source", "path", "files", "title", "publisher"):
            if key not in entry:
                problems.append(f"entry {table_id!r} has no {key!r}")
        for name, info in entry.get("files", {}).items():
            if not isinstance(info, dict) or len(str(info.get("sha256", ""))) != 64:
                problems.append(f"entry {table_id!r}, file {name!r}: no valid sha256")
    if not registry.get("tables"):
        problems.append("no tables")
    if problems:
        raise RegistryError(f"Registry {path}: " + "; ".join(problems) + ".")
    return registry


def save_registry(registry: dict, path: str | Path | None = None) -> None:
    """Write the registry (sorted keys inside entries kept as given; 2-space JSON), atomically."""
    text = json.dumps(registry, indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(Path(path or REGISTRY_PATH), text.encode("utf-8"))


def live_tables(*, lang: str = "nl", raw: str | Path | None = None, registry_path: str | Path | None = None):
    """The live-only tables of the registry and whether ``data/raw`` holds them.

    Parameters
    ----------
    lang : {"nl", "en"}
        Language of ``note``.
    raw, registry_path : path-like, optional
        Override ``data/raw`` and ``data/registry.json``.

    Returns
    -------
    pandas.DataFrame
        One row per live-only table: ``table_id`` (registry id), ``title``, ``used_for`` (the
        indicators or functions that use it), ``fetched`` (bool: its files are in ``data/raw``) and
        ``note``: empty when fetched, otherwise "not available offline: run `cosie-analysis fetch
        --live`" in the language asked.

    Examples
    --------
    >>> from cosie_analysis.data.registry import live_tables
    >>> "85755NED" in set(live_tables(lang="en")["table_id"])
    True
    """
    import pandas as pd

    raw = Path(raw) if raw else raw_dir()
    rows = []
    for table_id, entry in load_registry(registry_path)["tables"].items():
        if not entry.get("live_only"):
            continue
        files = entry["files"]
        fetched = bool(files) and all((raw / entry["path"] / name).is_file() for name in files)
        rows.append({"table_id": table_id, "title": entry["title"], "used_for": entry.get("used_for", ""),
                     "fetched": fetched, "note": "" if fetched else word("needs_live_fetch", lang)})
    return pd.DataFrame(rows, columns=["table_id", "title", "used_for", "fetched", "note"])
