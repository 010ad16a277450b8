"""Is ``data/processed`` current? Decided by the content of the inputs and the code, not by times."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cosie_analysis.data.registry import load_registry, sha256_file
from cosie_analysis.observations.build import PROCESSED_FILES
from cosie_analysis.paths import REGISTRY_PATH, processed_dir, raw_dir

#: The package whose code builds the table (its digest decides freshness).
_CODE = Path(__file__).parents[1]


def _input_digests(raw: Path) -> dict[str, str]:
    """The sha256 of every input the build reads, keyed as ``observations.sources.json`` records them:
    each file in ``raw/pilot`` (registers) and each file of the registry ("missing" when absent)."""
    inputs = {str(p.relative_to(raw)): sha256_file(p) for p in sorted((raw / "pilot").glob("*")) if p.is_file()}
    registry = load_registry(REGISTRY_PATH)
    for _, entry in sorted(registry["tables"].items()):
        for name in sorted(entry["files"]):
            path = raw / entry["path"] / name
            inputs[f"{entry['path']}/{name}"] = sha256_file(path) if path.is_file() else "missing"
    return inputs


def _code_digest() -> str:
    """One sha256 over the package code and resources that build the table, and the registry."""
    code = _CODE
    digest = hashlib.sha256()
    for p in sorted([*code.rglob("*.py"), *code.glob("resources/*"), REGISTRY_PATH]):
        if p.is_file():
            digest.update(str(p.relative_to(p.parent.parent if p == REGISTRY_PATH else code)).encode() + b"\0")
            digest.update(p.read_bytes() + b"\0")
    return digest.hexdigest()


def _newest_input(raw: Path) -> float:
    """The latest modification time of the package code and the registry: only a fallback for builds
    whose ``observations.sources.json`` records no ``code_sha256`` (the data inputs are hashed)."""
    code = _CODE
    times = [p.stat().st_mtime for p in [*code.rglob("*.py"), *code.glob("resources/*")]]
    if REGISTRY_PATH.is_file():
        times.append(REGISTRY_PATH.stat().st_mtime)
    return max(times, default=0.0)


def _stale(target: Path, raw: Path) -> bool:
    """True unless ``target`` exists and was built from inputs with exactly today's content.

    Freshness is decided by content, not modification times: the sha256 of every register and
    registered file must equal what the build recorded in ``observations.sources.json`` (so a
    deleted register, or one added with an old modification time, makes the table stale), and
    so must the code and registry digest when the build recorded one."""
    sources = target.parent / "observations.sources.json"
    if not target.is_file() or not sources.is_file():
        return True
    try:
        recorded = json.loads(sources.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if recorded.get("inputs") != _input_digests(raw):
        return True
    if recorded.get("code_sha256") is not None:
        return recorded["code_sha256"] != _code_digest()
    return _newest_input(raw) > target.stat().st_mtime


def is_current() -> bool:
    """True when every processed output exists and was built from the present content of every input
    (registers included; sha256, not modification times) and of the code, so ``cosie-analysis build``
    may skip."""
    outputs = [processed_dir() / name for name in PROCESSED_FILES]
    if not all(p.is_file() for p in outputs):
        return False
    return not _stale(processed_dir() / "observations.parquet", raw_dir())


